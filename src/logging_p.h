// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef LOGGING_P_H
#define LOGGING_P_H

#include <QtCore/qloggingcategory.h>

namespace QtPrometheusPrivate {

// prometheus.exporter: the exporter, its HTTP server and the collectors.
Q_DECLARE_LOGGING_CATEGORY(lcExporter)
// prometheus.pusher: PrometheusPusher.
Q_DECLARE_LOGGING_CATEGORY(lcPusher)

} // namespace QtPrometheusPrivate

#endif // LOGGING_P_H
