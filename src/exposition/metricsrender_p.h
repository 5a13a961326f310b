// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef METRICSRENDERER_P_H
#define METRICSRENDERER_P_H

#include <QtCore/qbytearray.h>
#include <QtCore/qlist.h>
#include <QtCore/qstring.h>

#include <memory>
#include <vector>

#include <prometheus/metric_family.h>

#include "exposition/contentnegotiation_p.h"

namespace prometheus {
class Collectable;
} // namespace prometheus

namespace QtPrometheusPrivate {

// Everything a render reads, taken by value so that a render can run on a
// worker thread without touching the exporter.
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
    ResponseFormat format;
    QList<QByteArray> names;
    bool gzip = false;

    friend bool operator==(const RenderRequest &a, const RenderRequest &b)
    {
        return a.format == b.format && a.gzip == b.gzip && a.names == b.names;
    }
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
    // The body for request, serialised (and compressed) on the first call for it;
    // the reference is valid until the next call.
    const RenderedBody &body(const RenderRequest &request);
    // Frees the collected families once every body needed is made: later
    // calls of body() only find what was made before.
    void releaseFamilies();
    // Whether a body made here is still referenced elsewhere (a reply, a socket).
    bool isShared() const;

private:
    struct Made
    {
        RenderRequest request; // with the format actually served
        RenderedBody body;
    };

    QByteArray serialize(ExpositionFormat format, const QList<QByteArray> &names) const;

    std::vector<prometheus::MetricFamily> m_families;
    int m_statusCode = 200;
    QByteArray m_prefix; // comment lines before the metrics while failing
    std::vector<Made> m_made; // a handful at most: searched, not hashed
    bool m_released = false;
};

} // namespace QtPrometheusPrivate

#endif // METRICSRENDERER_P_H
