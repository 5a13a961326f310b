// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef CONTENTNEGOTIATION_P_H
#define CONTENTNEGOTIATION_P_H

#include <QtCore/qbytearray.h>

#include "exposition/expositionformat_p.h"

namespace QtPrometheusPrivate {

// Picks the format for an Accept header (RFC 9110 §12.5.1, q-values respected):
// the offered format whose most specific matching media range has the highest
// q, ties going to the range listed first, then to the server's order (text
// 0.0.4, text 1.0.0, OpenMetrics 1.0.0 and 0.0.1, protobuf). A protobuf range
// counts only where its proto and encoding, if given, are delimited
// io.prometheus.client.MetricFamily. The escaping is that range's "escaping"
// parameter where the format can honour it, else underscores. Anything unparsable, absent or
// unacceptable means text 0.0.4 with underscores, the format every scraper reads.
ResponseFormat negotiateFormat(const QByteArray &accept);

// Whether Accept-Encoding (RFC 9110 §12.5.3) admits gzip. Absent or mangled
// means identity.
bool acceptsGzip(const QByteArray &acceptEncoding);

} // namespace QtPrometheusPrivate

#endif // CONTENTNEGOTIATION_P_H
