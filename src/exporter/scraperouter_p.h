// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef SCRAPEROUTER_P_H
#define SCRAPEROUTER_P_H

#include <QtCore/qstring.h>

#include <functional>
#include <memory>

#include "exporter/pendingscrape_p.h"
#include "http/basicauth_p.h"
#include "http/httpreply_p.h"

namespace QtPrometheusPrivate {

// Where every request of the exporter is routed: authentication (401), the
// landing page, 404 and 405 are answered here; a scrape of the metrics path
// goes on, with its deadline, to the handler.
class ScrapeRouter
{
public:
    using ScrapeHandler = std::function<void(PendingScrape &&)>;
    // Told the status of every answer the router sends itself.
    using AnswerObserver = std::function<void(int statusCode)>;

    ScrapeRouter(ScrapeHandler onScrape, AnswerObserver onAnswered);

    void route(HttpRequest &&request, std::shared_ptr<HttpReply> reply);
    // Sends a response that is not a scrape's (an error, the landing page).
    void answer(HttpReply &reply, const HttpResponse &response);

    QString path = QStringLiteral("/metrics");
    BasicAuth basicAuth;
    QString basicAuthRealm = QStringLiteral("metrics");
    int updateTimeoutMs = 10000;

private:
    QDeadlineTimer deadlineFor(const HttpRequest &request) const;
    HttpResponse unauthorized() const;
    HttpResponse landingPage() const;

    ScrapeHandler m_onScrape;
    AnswerObserver m_onAnswered;
};

} // namespace QtPrometheusPrivate

#endif // SCRAPEROUTER_P_H
