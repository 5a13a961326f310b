// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef EXPOSITIONFORMAT_P_H
#define EXPOSITIONFORMAT_P_H

#include <QtCore/qbytearray.h>

namespace QtPrometheusPrivate {

// The formats a scrape can be answered in.
enum class ExpositionFormat {
    Text004, // text/plain; version=0.0.4
    OpenMetrics100 // application/openmetrics-text; version=1.0.0
};

// The Content-Type sent with a body in format.
QByteArray contentTypeFor(ExpositionFormat format);

} // namespace QtPrometheusPrivate

#endif // EXPOSITIONFORMAT_P_H
