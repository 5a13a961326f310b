// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef METRICSRENDERER_P_H
#define METRICSRENDERER_P_H

#include <QtCore/qbytearray.h>
#include <QtCore/qhash.h>
#include <QtCore/qlist.h>
#include <QtCore/qstring.h>

#include <memory>
#include <vector>

#include <prometheus/metric_family.h>

#include "contentnegotiation_p.h"

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

// What one scrape asks for: the format, the families (empty: all) and gzip.
struct RenderRequest
{
    ExpositionFormat format = ExpositionFormat::Text004;
    QList<QByteArray> names;
    bool gzip = false;
};

struct RenderedBody
{
    QByteArray contentType;
    QByteArray body;
    bool gzipped = false;
};

// Where a scrape is rendered. Collects every collectable once; the scrapes
// answered from one collection share each serialised (and compressed) body.
class MetricsRender
{
public:
    explicit MetricsRender(const RenderInput &input);

    int statusCode() const { return m_statusCode; }
    RenderedBody body(const RenderRequest &request);

private:
    QByteArray serialize(ExpositionFormat format, const QList<QByteArray> &names) const;

    std::vector<prometheus::MetricFamily> m_families;
    int m_statusCode = 200;
    QByteArray m_prefix; // comment lines before the metrics while failing
    QHash<QByteArray, RenderedBody> m_cache;
};

#endif // METRICSRENDERER_P_H
