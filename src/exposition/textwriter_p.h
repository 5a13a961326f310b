// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef TEXTWRITER_P_H
#define TEXTWRITER_P_H

#include "exposition/writercommon_p.h"

namespace QtPrometheusPrivate {

namespace Exposition {

// Appends families to out in the Prometheus text format 0.0.4
// (text/plain; version=0.0.4), with the same samples as prometheus-cpp's
// TextSerializer, but:
// - values in the shortest form that reads back exactly (TextSerializer rounds
//   to 16 digits), NaN spelled "NaN";
// - HELP escaped (\\ and \n), label values escaped (\\, \" and \n);
// - families with the same name written once (see FamilyPlan);
// - samples of a summary/histogram in Go's order (quantiles or buckets, then
//   _sum, then _count); "le" and "quantile" in Go's %g form ("1e+06");
// - info families written as "# TYPE <name>_info gauge" with <name>_info samples.
WriteResult writeText004(const std::vector<prometheus::MetricFamily> &families, QByteArray &out);

// The same with the kind of each family given (kinds.size() == families.size()),
// for tests and for types the installed prometheus-cpp cannot express.
WriteResult writeText004(const std::vector<prometheus::MetricFamily> &families,
                         const std::vector<Kind> &kinds, QByteArray &out);

} // namespace Exposition

} // namespace QtPrometheusPrivate

#endif // TEXTWRITER_P_H
