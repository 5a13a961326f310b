// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PENDINGSCRAPE_P_H
#define PENDINGSCRAPE_P_H

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qelapsedtimer.h>

#include <memory>

#include "exposition/metricsrender_p.h"
#include "http/httprequest_p.h"

namespace QtPrometheusPrivate {

class HttpReply;

// A scrape accepted on the metrics path and not yet answered. It goes from the
// ScrapeRouter through the UpdateCoordinator (waiting for the application's
// update) to the RenderScheduler, which writes its answer.
struct PendingScrape
{
    HttpRequest request;
    std::shared_ptr<HttpReply> reply;
    QElapsedTimer age;
    QDeadlineTimer deadline; // when it is answered even if the update is not done
    RenderRequest wanted; // format, families and encoding, once it may be rendered
};

} // namespace QtPrometheusPrivate

#endif // PENDINGSCRAPE_P_H
