// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef COLLECTION_P_H
#define COLLECTION_P_H

#include <QtCore/qstring.h>

#include <memory>
#include <vector>

#include <prometheus/metric_family.h>

namespace prometheus {
class Collectable;
} // namespace prometheus

namespace QtPrometheusPrivate {

// What one collection gave: every family, or an error and no family at all.
struct Collection
{
    std::vector<prometheus::MetricFamily> families;
    // Empty when collecting succeeded; else "collecting metrics failed: <why>",
    // the text the scrape and the push report.
    QString error;

    bool failed() const { return !error.isEmpty(); }
};

// Collects every live collectable in order (expired ones are skipped). Where a
// scrape and a push call user code: whatever a Collect() throws, std::exception
// or not, ends here as the error, so nothing crosses into Qt's event loop or
// out of a worker thread.
Collection collectMetrics(const std::vector<std::weak_ptr<prometheus::Collectable>> &collectables);

} // namespace QtPrometheusPrivate

#endif // COLLECTION_P_H
