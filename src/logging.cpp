// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "logging_p.h"

namespace QtPrometheusPrivate {

// Warnings on by default: a timed-out update or a failed start must be visible
// in an app that never configured logging.
Q_LOGGING_CATEGORY(lcExporter, "qt.prometheus.exporter", QtWarningMsg)

} // namespace QtPrometheusPrivate
