// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "exposition/metricsrender_p.h"

#include "exposition/collection_p.h"
#include "exposition/compression_p.h"
#include "exposition/openmetricswriter_p.h"
#include "exposition/protobufwriter_p.h"
#include "exposition/textwriter_p.h"
#include "logging_p.h"

#include <algorithm>

namespace QtPrometheusPrivate {

namespace {
// The failing message goes first as comment lines, so the body stays valid
// exposition format whatever the message contains.
QByteArray commentLines(const QString &message)
{
    QByteArray out;
    const auto lines = message.toUtf8().split('\n');
    for (QByteArray line : lines) {
        line.replace('\r', ' ');
        out += "# " + line + '\n';
    }
    return out;
}

prometheus::MetricFamily statusFamily(const QString &name, bool failing)
{
    prometheus::MetricFamily family;
    family.name = name.toStdString() + "_up";
    family.help = "1 if the application reports its status as ok, 0 if failing.";
    family.type = prometheus::MetricType::Gauge;
    prometheus::ClientMetric metric;
    metric.gauge.value = failing ? 0.0 : 1.0;
    family.metric.push_back(std::move(metric));
    return family;
}
} // namespace

MetricsRender::MetricsRender(const RenderInput &input)
{
    m_statusCode = input.failing ? 500 : 200;
    if (input.failing) {
        m_prefix = commentLines(input.failingMessage.isEmpty() ? QStringLiteral("status: failing")
                                                               : input.failingMessage);
    }
    // A collectable is user code: whatever it throws becomes a 500 that says
    // what went wrong.
    Collection collection = collectMetrics(input.collectables);
    if (collection.failed()) {
        qCWarning(lcExporter).noquote() << collection.error;
        m_statusCode = 500;
        m_prefix = commentLines(collection.error);
        return;
    }
    m_families = std::move(collection.families);
    if (!input.statusMetricName.isEmpty())
        m_families.push_back(statusFamily(input.statusMetricName, input.failing));
}

const RenderedBody &MetricsRender::body(const RenderRequest &request)
{
    // A failing body starts with comment lines, which only the text format allows.
    RenderRequest served = request;
    if (m_statusCode != 200)
        served.format = ResponseFormat();
    for (const Made &made : m_made) {
        if (made.request == served)
            return made.body;
    }
    Q_ASSERT_X(!m_released, "MetricsRender::body", "a body asked for after releaseFamilies()");

    RenderedBody rendered;
    rendered.contentType = contentTypeFor(served.format);
    rendered.body = serialize(served.format.format, served.names);
    if (served.gzip && rendered.body.size() >= Compression::MinimumGzipSize) {
        QByteArray compressed = Compression::gzip(rendered.body);
        if (!compressed.isEmpty()) {
            rendered.body = std::move(compressed);
            rendered.gzipped = true;
        }
    }
    m_made.push_back({std::move(served), std::move(rendered)});
    return m_made.back().body;
}

bool MetricsRender::isShared() const
{
    return std::any_of(m_made.cbegin(), m_made.cend(), [](const Made &made) {
        return !made.body.body.isEmpty() && !made.body.body.isDetached();
    });
}

void MetricsRender::releaseFamilies()
{
    m_released = true;
    std::vector<prometheus::MetricFamily>().swap(m_families);
}

QByteArray MetricsRender::serialize(ExpositionFormat format, const QList<QByteArray> &names) const
{
    std::vector<prometheus::MetricFamily> selected;
    const std::vector<prometheus::MetricFamily> *families = &m_families;
    if (!names.isEmpty()) {
        for (const auto &family : m_families) {
            const QByteArray name = QByteArray::fromStdString(family.name);
            if (std::find(names.cbegin(), names.cend(), name) != names.cend())
                selected.push_back(family);
        }
        families = &selected;
    }
    QByteArray out = m_prefix;
    Exposition::WriteResult result;
    if (format == ExpositionFormat::Protobuf)
        result = Exposition::writeProtobuf(*families, out);
    else if (isOpenMetrics(format))
        result = Exposition::writeOpenMetrics100(*families, out);
    else
        result = Exposition::writeText004(*families, out);
    for (const std::string &dropped : result.droppedFamilies) {
        qCWarning(lcExporter, "family %s left out: its name is taken by a family of another type",
                  dropped.c_str());
    }
    return out;
}

} // namespace QtPrometheusPrivate
