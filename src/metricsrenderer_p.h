// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef METRICSRENDERER_P_H
#define METRICSRENDERER_P_H

#include <QtCore/qbytearray.h>
#include <QtCore/qstring.h>

#include <memory>
#include <vector>

namespace prometheus {
class Collectable;
} // namespace prometheus

// Everything a render reads, taken by value so that a render can later move to
// a worker thread without touching the exporter.
struct RenderInput
{
    std::vector<std::weak_ptr<prometheus::Collectable>> collectables;
    bool failing = false;
    QString failingMessage;
    QString statusMetricName; // empty: no <name>_up gauge
};

struct RenderedScrape
{
    int statusCode = 200;
    QByteArray body;
};

// Where a scrape is rendered: collects every collectable and writes the
// Prometheus text format 0.0.4.
class MetricsRenderer
{
public:
    static RenderedScrape render(const RenderInput &input);
};

#endif // METRICSRENDERER_P_H
