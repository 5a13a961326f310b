// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PROTOBUFWRITER_P_H
#define PROTOBUFWRITER_P_H

#include "exposition/writercommon_p.h"

namespace QtPrometheusPrivate {

namespace Exposition {

// Appends families to out as length-delimited io.prometheus.client.MetricFamily
// messages (application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;
// encoding=delimited), encoded here without a protobuf library:
// - names, help and types as the text 0.0.4 writer writes them (same-named
//   families merged, info families as the gauge <name>_info);
// - a histogram's buckets as given, +Inf included when it is there (Go's
//   client leaves it out; the format makes it optional, and readers, Prometheus
//   2.42 included, take sample_count for it only where it is missing);
// - timestamp_ms only where the metric has one.
WriteResult writeProtobuf(const std::vector<prometheus::MetricFamily> &families, QByteArray &out);

// The same with the kind of each family given (kinds.size() == families.size()).
WriteResult writeProtobuf(const std::vector<prometheus::MetricFamily> &families,
                          const std::vector<Kind> &kinds, QByteArray &out);

} // namespace Exposition

} // namespace QtPrometheusPrivate

#endif // PROTOBUFWRITER_P_H
