// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "metricsrenderer_p.h"

#include "exporterlogging_p.h"

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <exception>

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

RenderedScrape MetricsRenderer::render(const RenderInput &input)
{
    RenderedScrape result;
    result.statusCode = input.failing ? 500 : 200;
    // A collectable is user code: an exception from it must not cross into Qt's
    // event loop, it becomes a 500 that says what went wrong.
    try {
        std::vector<prometheus::MetricFamily> families;
        for (const auto &weak : input.collectables) {
            if (const auto collectable = weak.lock()) {
                auto collected = collectable->Collect();
                families.insert(families.end(), std::make_move_iterator(collected.begin()),
                                std::make_move_iterator(collected.end()));
            }
        }
        if (!input.statusMetricName.isEmpty())
            families.push_back(statusFamily(input.statusMetricName, input.failing));

        const std::string text = prometheus::TextSerializer().Serialize(families);
        if (input.failing) {
            result.body
                = commentLines(input.failingMessage.isEmpty() ? QStringLiteral("status: failing")
                                                              : input.failingMessage);
        }
        result.body.append(text.data(), qsizetype(text.size()));
    } catch (const std::exception &e) {
        qCWarning(lcExporter) << "collecting metrics failed:" << e.what();
        result.statusCode = 500;
        result.body = commentLines(
            QStringLiteral("collecting metrics failed: %1").arg(QString::fromUtf8(e.what())));
    }
    return result;
}
