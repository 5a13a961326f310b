// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef EXPOSITIONFORMAT_P_H
#define EXPOSITIONFORMAT_P_H

#include <QtCore/qbytearray.h>

namespace QtPrometheusPrivate {

// The formats a scrape can be answered in.
enum class ExpositionFormat {
    Text004, // text/plain; version=0.0.4
    Text100, // text/plain; version=1.0.0: 0.0.4, and quoted UTF-8 names
    OpenMetrics001, // application/openmetrics-text; version=0.0.1
    OpenMetrics100, // application/openmetrics-text; version=1.0.0
    // application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;
    // encoding=delimited
    Protobuf
};

// How names outside [a-zA-Z_:][a-zA-Z0-9_:]* are written: the "escaping"
// parameter of the Prometheus content-negotiation spec.
enum class NameEscaping {
    AllowUtf8, // as they are (quoted in text); not in text 0.0.4 or OpenMetrics 0.0.1
    Underscores, // every other character becomes '_'
    Dots, // '.' becomes "_dot_", '_' "__", others "_"
    Values, // "U__" then each other character as _<hex code point>_
};

// A negotiated answer: its format and how names are escaped in it.
struct ResponseFormat
{
    ExpositionFormat format = ExpositionFormat::Text004;
    NameEscaping escaping = NameEscaping::Underscores;

    friend bool operator==(ResponseFormat a, ResponseFormat b)
    {
        return a.format == b.format && a.escaping == b.escaping;
    }
    friend bool operator!=(ResponseFormat a, ResponseFormat b) { return !(a == b); }
};

bool isOpenMetrics(ExpositionFormat format);
// Whether names may be written in UTF-8, quoted.
bool carriesUtf8Names(ExpositionFormat format);

// The Content-Type of an answer: the format's version and the escaping used.
QByteArray contentTypeFor(ResponseFormat format);

} // namespace QtPrometheusPrivate

#endif // EXPOSITIONFORMAT_P_H
