// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "exposition/expositionformat_p.h"

namespace QtPrometheusPrivate {

bool isOpenMetrics(ExpositionFormat format)
{
    return format == ExpositionFormat::OpenMetrics001 || format == ExpositionFormat::OpenMetrics100;
}

bool carriesUtf8Names(ExpositionFormat format)
{
    return format == ExpositionFormat::Text100 || format == ExpositionFormat::OpenMetrics100
        || format == ExpositionFormat::Protobuf;
}

QByteArray contentTypeFor(ResponseFormat format)
{
    QByteArray type;
    switch (format.format) {
    case ExpositionFormat::Text004:
        type = QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8; escaping=");
        break;
    case ExpositionFormat::Text100:
        type = QByteArrayLiteral("text/plain; version=1.0.0; charset=utf-8; escaping=");
        break;
    case ExpositionFormat::OpenMetrics001:
        type = QByteArrayLiteral(
            "application/openmetrics-text; version=0.0.1; charset=utf-8; escaping=");
        break;
    case ExpositionFormat::OpenMetrics100:
        type = QByteArrayLiteral(
            "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=");
        break;
    case ExpositionFormat::Protobuf:
        type = QByteArrayLiteral("application/vnd.google.protobuf; "
                                 "proto=io.prometheus.client.MetricFamily; encoding=delimited; "
                                 "escaping=");
        break;
    }
    switch (format.escaping) {
    case NameEscaping::AllowUtf8:
        return type + "allow-utf-8";
    case NameEscaping::Underscores:
        return type + "underscores";
    case NameEscaping::Dots:
        return type + "dots";
    case NameEscaping::Values:
        return type + "values";
    }
    return type + "underscores";
}

} // namespace QtPrometheusPrivate
