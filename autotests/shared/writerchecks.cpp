// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "writerchecks.h"

#include "exposition/openmetricswriter_p.h"
#include "exposition/textwriter_p.h"

#include <QtCore/qprocess.h>

#include <algorithm>
#include <limits>

namespace TestExposition {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using QtPrometheusPrivate::Exposition::Kind;
using QtPrometheusPrivate::Exposition::WriteResult;

namespace {
constexpr double infinity = std::numeric_limits<double>::infinity();

// The sample name of a family's plain sample in each format.
std::string sampleName(const MetricFamily &family, Kind kind, Syntax syntax)
{
    if (kind == Kind::Info)
        return family.name + "_info";
    if (kind == Kind::Counter && syntax == Syntax::OpenMetrics && !endsWith(family.name, "_total"))
        return family.name + "_total";
    return family.name;
}
} // namespace

QByteArray writeText(const Families &input, WriteResult *result)
{
    QByteArray out;
    auto r = QtPrometheusPrivate::Exposition::writeText004(input.families, input.kinds, out);
    if (result)
        *result = std::move(r);
    return out;
}

QByteArray writeOpenMetrics(const Families &input, WriteResult *result)
{
    QByteArray out;
    auto r = QtPrometheusPrivate::Exposition::writeOpenMetrics100(input.families, input.kinds, out);
    if (result)
        *result = std::move(r);
    return out;
}

std::string labelNumber(double value, bool openMetrics)
{
    char buffer[40];
    return std::string(
        buffer, QtPrometheusPrivate::Exposition::formatLabelNumber(buffer, value, openMetrics));
}

std::vector<Sample> expectedSamples(const Families &input, Syntax syntax)
{
    std::vector<Sample> samples;
    for (std::size_t i = 0; i < input.families.size(); ++i) {
        const MetricFamily &family = input.families[i];
        const Kind kind = input.kinds[i];
        for (const ClientMetric &metric : family.metric) {
            Sample base;
            for (const auto &label : metric.label)
                base.labels.emplace_back(label.name, label.value);
            std::sort(base.labels.begin(), base.labels.end());
            if (metric.timestamp_ms != 0)
                base.timestampMs = metric.timestamp_ms;
            const auto add
                = [&](std::string name, double value, bool hasBound = false, double bound = 0) {
                      Sample sample = base;
                      sample.name = std::move(name);
                      sample.value = value;
                      sample.hasBound = hasBound;
                      sample.bound = bound == 0 ? 0 : bound; // -0 is written as 0
                      samples.push_back(std::move(sample));
                  };
            switch (kind) {
            case Kind::Counter:
                add(sampleName(family, kind, syntax), metric.counter.value);
                break;
            case Kind::Gauge:
                add(family.name, metric.gauge.value);
                break;
            case Kind::Untyped:
                add(family.name, metric.untyped.value);
                break;
            case Kind::Info:
                add(family.name + "_info", 1);
                break;
            case Kind::Summary:
                for (const auto &q : metric.summary.quantile)
                    add(family.name, q.value, true, q.quantile);
                add(family.name + "_sum", metric.summary.sample_sum);
                add(family.name + "_count", double(metric.summary.sample_count));
                break;
            case Kind::Histogram: {
                const auto &buckets = metric.histogram.bucket;
                bool negative = false;
                for (const auto &b : buckets) {
                    add(family.name + "_bucket", double(b.cumulative_count), true, b.upper_bound);
                    negative = negative || b.upper_bound < 0;
                }
                if (buckets.empty() || buckets.back().upper_bound != infinity)
                    add(family.name + "_bucket", double(metric.histogram.sample_count), true,
                        infinity);
                if (syntax == Syntax::Text004 || !negative) {
                    add(family.name + "_sum", metric.histogram.sample_sum);
                    add(family.name + "_count", double(metric.histogram.sample_count));
                }
                break;
            }
            case Kind::Unsupported:
                break;
            }
        }
    }
    sortSamples(samples);
    return samples;
}

std::vector<MetricFamily> forTextSerializer(const Families &input)
{
    std::vector<MetricFamily> families = input.families;
    for (std::size_t i = 0; i < families.size(); ++i) {
        families[i].help.clear();
        if (input.kinds[i] == Kind::Info) {
            families[i].type = MetricType::Gauge;
            families[i].name += "_info";
            for (auto &metric : families[i].metric)
                metric.gauge.value = 1;
        }
    }
    return families;
}

ProcessResult run(const QString &program, const QStringList &arguments, const QByteArray &input)
{
    ProcessResult result;
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForStarted())
        return result;
    result.started = true;
    process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(60000);
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.output = process.readAllStandardOutput() + process.readAllStandardError();
    return result;
}

QString firstDifference(const QByteArray &actual, const QByteArray &expected)
{
    const auto a = actual.split('\n');
    const auto e = expected.split('\n');
    for (qsizetype i = 0; i < std::max(a.size(), e.size()); ++i) {
        const QByteArray left = i < a.size() ? a[i] : QByteArray("<end>");
        const QByteArray right = i < e.size() ? e[i] : QByteArray("<end>");
        if (left != right) {
            return QStringLiteral("line %1:\n  actual:   %2\n  expected: %3")
                .arg(i + 1)
                .arg(QString::fromUtf8(left), QString::fromUtf8(right));
        }
    }
    return {};
}

} // namespace TestExposition
