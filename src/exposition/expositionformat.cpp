// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "exposition/expositionformat_p.h"

#include "http/httpliterals_p.h"

namespace QtPrometheusPrivate {

QByteArray contentTypeFor(ExpositionFormat format)
{
    switch (format) {
    case ExpositionFormat::OpenMetrics100:
        return QByteArrayLiteral("application/openmetrics-text; version=1.0.0; charset=utf-8");
    case ExpositionFormat::Text004:
        break;
    }
    return HttpLiterals::contentTypeText004;
}

} // namespace QtPrometheusPrivate
