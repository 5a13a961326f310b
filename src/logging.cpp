// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "logging_p.h"

namespace QtPrometheusPrivate {

// Warnings on by default: a timed-out update or a failed start must be visible
// in an app that never configured logging. The names stay outside Qt's own
// "qt." namespace, so that QT_LOGGING_RULES="qt.*=false" does not silence them.
Q_LOGGING_CATEGORY(lcExporter, "prometheus.exporter", QtWarningMsg)
Q_LOGGING_CATEGORY(lcPusher, "prometheus.pusher", QtWarningMsg)

} // namespace QtPrometheusPrivate
