// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef OPENMETRICSWRITER_P_H
#define OPENMETRICSWRITER_P_H

#include "exposition/writercommon_p.h"

namespace QtPrometheusPrivate {

namespace Exposition {

// Appends families to out in OpenMetrics 1.0
// (application/openmetrics-text; version=1.0.0), ending with "# EOF":
// - counters: the family is named without "_total" in TYPE and HELP, every
//   sample is named <family>_total (added if the prometheus-cpp name lacks it);
// - info: "# TYPE <name> info" with <name>_info samples; untyped: "unknown";
// - TYPE before HELP; HELP escapes \\, \n and \";
// - summary: quantiles, _sum, _count; histogram: buckets (+Inf added when
//   missing), _sum, _count, except that a histogram with a negative bucket
//   bound has neither _sum nor _count (OpenMetrics forbids a sum there);
// - "le" and "quantile" values canonical ("1.0", "0.25", "1e+06", "+Inf");
// - timestamps in seconds ("1520879607.789");
// - families with the same written name merged (see FamilyPlan), so a counter
//   "x_total" and a gauge "x" cannot both appear as the family "x".
WriteResult writeOpenMetrics100(const std::vector<prometheus::MetricFamily> &families,
                                QByteArray &out);

// The same with the kind of each family given (kinds.size() == families.size()).
WriteResult writeOpenMetrics100(const std::vector<prometheus::MetricFamily> &families,
                                const std::vector<Kind> &kinds, QByteArray &out);

} // namespace Exposition

} // namespace QtPrometheusPrivate

#endif // OPENMETRICSWRITER_P_H
