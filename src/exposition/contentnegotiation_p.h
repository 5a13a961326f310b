// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef CONTENTNEGOTIATION_P_H
#define CONTENTNEGOTIATION_P_H

#include <QtCore/qbytearray.h>

namespace QtPrometheusPrivate {

enum class ExpositionFormat {
    Text004, // text/plain; version=0.0.4
    OpenMetrics100 // application/openmetrics-text; version=1.0.0
};

// The Content-Type sent with a body in format.
QByteArray contentTypeFor(ExpositionFormat format);

// Picks the format for an Accept header (RFC 9110 §12.5.1, q-values respected):
// the offered format whose most specific matching media range has the highest
// q, ties going to the range listed first, then to text. Anything unparsable,
// absent or unacceptable means text 0.0.4, the format every scraper reads.
ExpositionFormat negotiateFormat(const QByteArray &accept);

// Whether Accept-Encoding (RFC 9110 §12.5.3) admits gzip. Absent or mangled
// means identity.
bool acceptsGzip(const QByteArray &acceptEncoding);

} // namespace QtPrometheusPrivate

#endif // CONTENTNEGOTIATION_P_H
