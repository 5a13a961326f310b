// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "exposition/textwriter_p.h"

#include <limits>

namespace QtPrometheusPrivate {

namespace Exposition {

namespace {
std::string_view typeName(Kind kind)
{
    switch (kind) {
    case Kind::Counter:
        return "counter";
    case Kind::Gauge:
    case Kind::Info:
        return "gauge";
    case Kind::Summary:
        return "summary";
    case Kind::Histogram:
        return "histogram";
    case Kind::Untyped:
    case Kind::Unsupported:
        break;
    }
    return "untyped";
}

void writeMetric(OutputBuffer &buffer, Kind kind, std::string_view name,
                 const prometheus::ClientMetric &metric)
{
    SeriesWriter series(buffer, name, metric, SeriesWriter::Timestamps::Milliseconds);
    char number[OutputBuffer::MaxNumberBytes];
    const auto label = [&number](double value) {
        return std::string_view(number,
                                std::size_t(formatLabelNumber(number, value, false) - number));
    };
    switch (kind) {
    case Kind::Counter:
        series.begin({});
        series.endValue(metric.counter.value);
        break;
    case Kind::Gauge:
        series.begin({});
        series.endValue(metric.gauge.value);
        break;
    case Kind::Untyped:
        series.begin({});
        series.endValue(metric.untyped.value);
        break;
    case Kind::Info:
        series.begin({});
        series.endValue(infoValue(metric));
        break;
    case Kind::Summary:
        for (const auto &quantile : metric.summary.quantile) {
            series.begin({}, "quantile", label(quantile.quantile));
            series.endValue(quantile.value);
        }
        series.begin("_sum");
        series.endValue(metric.summary.sample_sum);
        series.begin("_count");
        series.endCount(metric.summary.sample_count);
        break;
    case Kind::Histogram: {
        const auto &buckets = metric.histogram.bucket;
        for (const auto &bucket : buckets) {
            series.begin("_bucket", "le", label(bucket.upper_bound));
            series.endCount(bucket.cumulative_count);
        }
        if (buckets.empty()
            || buckets.back().upper_bound != std::numeric_limits<double>::infinity()) {
            series.begin("_bucket", "le", "+Inf");
            series.endCount(metric.histogram.sample_count);
        }
        series.begin("_sum");
        series.endValue(metric.histogram.sample_sum);
        series.begin("_count");
        series.endCount(metric.histogram.sample_count);
        break;
    }
    case Kind::Unsupported:
        break;
    }
}
} // namespace

WriteResult writeText004(const std::vector<prometheus::MetricFamily> &families, QByteArray &out)
{
    return writeText004(families, kindsOf(families), out);
}

WriteResult writeText004(const std::vector<prometheus::MetricFamily> &families,
                         const std::vector<Kind> &kinds, QByteArray &out)
{
    std::string infoNames;
    FamilyPlan plan = FamilyPlan::withInfoNames(families, kinds, infoNames);

    {
        OutputBuffer buffer(out, plan.estimateBytes(families));
        const auto &entries = plan.entries();
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto &entry = entries[i];
            if (!entry.head)
                continue;
            const std::string_view help = plan.help(families, int(i));
            const std::string_view type = typeName(entry.kind);
            buffer.ensure(qsizetype(2 * entry.name.size() + 2 * help.size() + type.size()) + 24);
            if (!help.empty()) {
                buffer.putLiteral("# HELP ");
                buffer.put(entry.name);
                buffer.put(' ');
                buffer.putEscaped(help, false);
                buffer.put('\n');
            }
            buffer.putLiteral("# TYPE ");
            buffer.put(entry.name);
            buffer.put(' ');
            buffer.put(type);
            buffer.put('\n');
            for (int j = int(i); j >= 0; j = entries[std::size_t(j)].next) {
                for (const auto &metric : families[std::size_t(j)].metric)
                    writeMetric(buffer, entry.kind, entry.name, metric);
            }
        }
    }
    return std::move(plan.result);
}

} // namespace Exposition

} // namespace QtPrometheusPrivate
