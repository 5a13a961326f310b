// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "exposition/openmetricswriter_p.h"

#include <algorithm>
#include <limits>

namespace QtPrometheusPrivate {

namespace Exposition {

namespace {
constexpr std::string_view totalSuffix = "_total";

std::string_view typeName(Kind kind)
{
    switch (kind) {
    case Kind::Counter:
        return "counter";
    case Kind::Gauge:
        return "gauge";
    case Kind::Info:
        return "info";
    case Kind::Summary:
        return "summary";
    case Kind::Histogram:
        return "histogram";
    case Kind::Untyped:
    case Kind::Unsupported:
        break;
    }
    return "unknown";
}

void writeMetric(OutputBuffer &buffer, Kind kind, std::string_view name,
                 const prometheus::ClientMetric &metric)
{
    SeriesWriter series(buffer, name, metric, SeriesWriter::Timestamps::Seconds);
    char number[OutputBuffer::MaxNumberBytes];
    const auto label = [&number](double value) {
        return std::string_view(number,
                                std::size_t(formatLabelNumber(number, value, true) - number));
    };
    switch (kind) {
    case Kind::Counter:
        series.begin(totalSuffix);
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
        series.begin("_info");
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
        const bool negativeBucket = std::any_of(buckets.begin(), buckets.end(),
                                                [](const auto &b) { return b.upper_bound < 0; });
        if (!negativeBucket) {
            series.begin("_sum");
            series.endValue(metric.histogram.sample_sum);
            series.begin("_count");
            series.endCount(metric.histogram.sample_count);
        }
        break;
    }
    case Kind::Unsupported:
        break;
    }
}
} // namespace

WriteResult writeOpenMetrics100(const std::vector<prometheus::MetricFamily> &families,
                                QByteArray &out)
{
    return writeOpenMetrics100(families, kindsOf(families), out);
}

WriteResult writeOpenMetrics100(const std::vector<prometheus::MetricFamily> &families,
                                const std::vector<Kind> &kinds, QByteArray &out)
{
    FamilyPlan plan(families, kinds, [&](int i) {
        std::string_view name = families[std::size_t(i)].name;
        if (kinds[std::size_t(i)] == Kind::Counter && name.size() > totalSuffix.size()
            && name.substr(name.size() - totalSuffix.size()) == totalSuffix) {
            name.remove_suffix(totalSuffix.size());
        }
        return name;
    });

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
            buffer.putLiteral("# TYPE ");
            buffer.put(entry.name);
            buffer.put(' ');
            buffer.put(type);
            buffer.put('\n');
            if (!help.empty()) {
                buffer.putLiteral("# HELP ");
                buffer.put(entry.name);
                buffer.put(' ');
                buffer.putEscaped(help, true);
                buffer.put('\n');
            }
            for (int j = int(i); j >= 0; j = entries[std::size_t(j)].next) {
                for (const auto &metric : families[std::size_t(j)].metric)
                    writeMetric(buffer, entry.kind, entry.name, metric);
            }
        }
        buffer.ensure(8);
        buffer.putLiteral("# EOF\n");
    }
    return std::move(plan.result);
}

} // namespace Exposition

} // namespace QtPrometheusPrivate
