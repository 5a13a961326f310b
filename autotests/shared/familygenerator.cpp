// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "familygenerator.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/summary.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <set>

namespace TestExposition {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using QtPrometheusPrivate::Exposition::Kind;

namespace {
constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double notANumber = std::numeric_limits<double>::quiet_NaN();
} // namespace

Families Generator::families(int count)
{
    Families out;
    static const Kind kinds[]
        = {Kind::Counter, Kind::Gauge, Kind::Summary, Kind::Untyped, Kind::Histogram, Kind::Info};
    for (int i = 0; i < count; ++i) {
        const Kind kind = kinds[m_rng.bounded(int(std::size(kinds)))];
        out.add(family(i, kind), kind);
    }
    return out;
}

double Generator::anyValue()
{
    const double sign = chance(50) ? -1.0 : 1.0;
    switch (m_rng.bounded(14)) {
    case 0:
        return double(m_rng.bounded(1000));
    case 1:
        return -double(m_rng.bounded(1000));
    case 2:
        return 0.0;
    case 3:
        return -0.0;
    case 4:
        return notANumber;
    case 5:
        return infinity;
    case 6:
        return -infinity;
    case 7: // huge
        return sign * std::ldexp(1 + m_rng.generateDouble(), 900 + int(m_rng.bounded(123)));
    case 8: // tiny, still normal
        return sign * std::ldexp(1 + m_rng.generateDouble(), -1022 + int(m_rng.bounded(30)));
    case 9: { // denormal
        const quint64 bits = (m_rng.generate64() & ((quint64(1) << 52) - 1)) | 1;
        double value;
        std::memcpy(&value, &bits, sizeof value);
        return sign * value;
    }
    case 10: { // any finite bit pattern
        for (;;) {
            const quint64 bits = m_rng.generate64();
            double value;
            std::memcpy(&value, &bits, sizeof value);
            if (std::isfinite(value))
                return value;
        }
    }
    case 11:
        return m_rng.generateDouble();
    case 12: // integers around 2^53, where the integer fast path stops
        return sign * (9007199254740992.0 + double(int(m_rng.bounded(9)) - 4));
    default: // decimals, where 16 and 17 digits differ (0.1 + 0.2)
        return double(m_rng.bounded(100000)) / 1000.0 + (chance(30) ? 0.1 + 0.2 : 0.0);
    }
}

// For counters, sums, bucket bounds and quantile values in the valid
// flavours: not NaN, not negative.
double Generator::nonNegativeValue()
{
    for (;;) {
        const double value = anyValue();
        if (!std::isnan(value) && !(value < 0))
            return value;
    }
}

std::string Generator::labelValue()
{
    static const char *const pieces[]
        = {"a",    "Z", "0", "_", " ", "\"", "\\",  "\n", "é",    "日本",
           "🙂", "=", ",", "{", "}", "#",  "\\n", "\t", "\\\"", "\xc2\xa0"};
    const int length = chance(10) ? 40 + int(m_rng.bounded(100)) : int(m_rng.bounded(12));
    std::string text;
    for (int i = 0; i < length; ++i)
        text += pieces[m_rng.bounded(int(std::size(pieces)))];
    return text;
}

std::string Generator::help()
{
    if (chance(wild() ? 20 : 0))
        return {};
    return "Help " + labelValue();
}

std::int64_t Generator::timestamp()
{
    if (m_flavour == Flavour::ValidTimestamped)
        return 1700000000000 + std::int64_t(m_rng.bounded(3600000));
    if (m_flavour == Flavour::Valid || chance(70))
        return 0;
    switch (m_rng.bounded(4)) {
    case 0:
        return std::numeric_limits<std::int64_t>::min();
    case 1:
        return std::numeric_limits<std::int64_t>::max();
    case 2:
        return std::int64_t(m_rng.bounded(2001)) - 1000;
    default:
        return std::int64_t(m_rng.generate64() >> 2) * (chance(50) ? -1 : 1);
    }
}

std::vector<ClientMetric::Label> Generator::labels(int index, bool none)
{
    std::vector<ClientMetric::Label> labels;
    if (none)
        return labels;
    // "n" keeps every series of a family distinct; the rest is noise.
    labels.push_back({"n", std::to_string(index)});
    const int extra = int(m_rng.bounded(4));
    for (int i = 0; i < extra; ++i) {
        std::string name = "l" + std::to_string(i) + "_";
        const int letters = int(m_rng.bounded(5));
        for (int j = 0; j < letters; ++j)
            name += char('a' + m_rng.bounded(26));
        labels.push_back({name, labelValue()});
    }
    if (chance(50))
        std::reverse(labels.begin(), labels.end());
    return labels;
}

void Generator::fillHistogram(ClientMetric &metric)
{
    auto &histogram = metric.histogram;
    const int buckets = int(m_rng.bounded(7));
    double bound = chance(30) ? -std::ldexp(1 + m_rng.generateDouble(), int(m_rng.bounded(40)))
                              : (chance(30) ? 0.0 : nonNegativeValue());
    std::uint64_t cumulative = 0;
    for (int i = 0; i < buckets && std::isfinite(bound); ++i) {
        if (wild())
            cumulative = m_rng.generate64() >> m_rng.bounded(64);
        else
            cumulative += m_rng.bounded(1000);
        histogram.bucket.push_back({cumulative, bound});
        double next = bound + std::fabs(anyValue());
        if (!(next > bound))
            next = std::nextafter(bound, infinity);
        bound = next;
    }
    if (chance(50))
        histogram.bucket.push_back({cumulative + m_rng.bounded(5), infinity});
    histogram.sample_count = wild()
        ? m_rng.generate64() >> m_rng.bounded(64)
        : (histogram.bucket.empty() ? m_rng.bounded(100)
                                    : histogram.bucket.back().cumulative_count);
    histogram.sample_sum = value();
}

void Generator::fillSummary(ClientMetric &metric)
{
    auto &summary = metric.summary;
    std::set<double> quantiles;
    const int count = int(m_rng.bounded(5));
    for (int i = 0; i < count; ++i) {
        static const double common[] = {0, 0.5, 0.9, 0.95, 0.99, 0.999, 1, 0.1 + 0.2, 1e-300};
        quantiles.insert(chance(50) ? common[m_rng.bounded(int(std::size(common)))]
                                    : m_rng.generateDouble());
    }
    for (double q : quantiles)
        summary.quantile.push_back({q, value()});
    summary.sample_count = m_rng.generate64() >> m_rng.bounded(64);
    summary.sample_sum = value();
}

MetricFamily Generator::family(int index, Kind kind)
{
    MetricFamily family;
    family.name = "rnd_f" + std::to_string(index) + "_things";
    if (kind == Kind::Counter && (!wild() || chance(50)))
        family.name += "_total";
    family.help = help();
    switch (kind) {
    case Kind::Counter:
        family.type = MetricType::Counter;
        break;
    case Kind::Summary:
        family.type = MetricType::Summary;
        break;
    case Kind::Untyped:
        family.type = MetricType::Untyped;
        break;
    case Kind::Histogram:
        family.type = MetricType::Histogram;
        break;
    default:
        family.type = MetricType::Gauge; // and Info, which 1.0.1 cannot express
        break;
    }
    const int metrics = int(m_rng.bounded(5));
    for (int i = 0; i < metrics; ++i) {
        ClientMetric metric;
        metric.label = labels(i, metrics == 1 && chance(50));
        metric.timestamp_ms = timestamp();
        metric.counter.value = value();
        metric.gauge.value = anyValue();
        metric.untyped.value = anyValue();
        if (kind == Kind::Histogram)
            fillHistogram(metric);
        if (kind == Kind::Summary)
            fillSummary(metric);
        family.metric.push_back(std::move(metric));
    }
    return family;
}

// --- hand-made families -----------------------------------------------------

Families counterNameFamilies()
{
    Families input;
    MetricFamily with;
    with.name = "a_total";
    with.help = "With.";
    with.type = MetricType::Counter;
    with.metric.resize(1);
    with.metric[0].counter.value = 1;
    input.add(with, Kind::Counter);
    MetricFamily without = with;
    without.name = "b";
    without.help = "Without.";
    input.add(without, Kind::Counter);
    MetricFamily bare = with; // nothing left once _total is cut: kept whole
    bare.name = "_total";
    bare.help.clear();
    input.add(bare, Kind::Counter);
    return input;
}

Families infoFamily()
{
    Families input;
    MetricFamily build;
    build.name = "app";
    build.help = "Build.";
    build.type = MetricType::Gauge;
    build.metric.resize(1);
    build.metric[0].label = {{"version", "1.0"}};
    input.add(build, Kind::Info);
    return input;
}

Families histogramBucketFamilies()
{
    Families input;
    MetricFamily histogram;
    histogram.name = "h";
    histogram.type = MetricType::Histogram;
    histogram.metric.resize(3);
    histogram.metric[0].label = {{"has", "inf"}};
    histogram.metric[0].histogram = {3, 1.5, {{1, 0.5}, {3, infinity}}};
    histogram.metric[1].label = {{"has", "none"}};
    histogram.metric[1].histogram = {3, 1.5, {{1, 0.5}}};
    histogram.metric[2].label = {{"has", "negative"}};
    histogram.metric[2].histogram = {3, -1.5, {{1, -0.5}}};
    input.add(histogram, Kind::Histogram);
    return input;
}

// --- the fixed registry behind the golden files -----------------------------

Families goldenFamilies()
{
    auto registry = std::make_shared<prometheus::Registry>();
    auto &requests = prometheus::BuildCounter()
                         .Name("golden_requests_total")
                         .Help("Requests served.\nA \\ backslash and \"quotes\" in help.")
                         .Register(*registry);
    requests.Add({{"method", "GET"}, {"path", "/a\"b\\c\nd"}}).Increment(3);
    requests.Add({{"method", "POST"}, {"path", "/é/日本"}}).Increment(0.1 + 0.2);
    auto &temperature = prometheus::BuildGauge()
                            .Name("golden_temperature_celsius")
                            .Help("Temperatures, some of them odd.")
                            .Register(*registry);
    const std::pair<const char *, double> temperatures[]
        = {{"room", 21.5},     {"nan", notANumber},   {"hot", infinity},    {"cold", -infinity},
           {"small", 1e-7},    {"big", 1e21},         {"denormal", 5e-324}, {"negzero", -0.0},
           {"third", 1.0 / 3}, {"million", 1234567.0}};
    for (const auto &[sensor, value] : temperatures)
        temperature.Add({{"sensor", sensor}}).Set(value);
    prometheus::BuildHistogram()
        .Name("golden_latency_seconds")
        .Help("Latency.")
        .Register(*registry)
        .Add({{"handler", "/metrics"}},
             prometheus::Histogram::BucketBoundaries {0.005, 0.1, 1, 10, 1e6})
        .Observe(0.05);
    auto &summary = prometheus::BuildSummary()
                        .Name("golden_payload_bytes")
                        .Help("Payload sizes.")
                        .Register(*registry)
                        .Add({}, prometheus::Summary::Quantiles {{0.5, 0.05}, {0.99, 0.001}});
    for (double v : {100.0, 200.0, 300.0})
        summary.Observe(v);

    Families out;
    for (auto &family : registry->Collect()) {
        // prometheus-cpp keeps a family's metrics in a hash map: put them in
        // an order that does not depend on the standard library's hashing.
        std::sort(family.metric.begin(), family.metric.end(),
                  [](const ClientMetric &a, const ClientMetric &b) { return a.label < b.label; });
        const Kind kind = QtPrometheusPrivate::Exposition::kindOf(family.type);
        out.add(std::move(family), kind);
    }

    // A second collectable with a family of the same name: merged.
    MetricFamily more;
    more.name = "golden_requests_total";
    more.help = "Requests served (second registry).";
    more.type = MetricType::Counter;
    more.metric.resize(1);
    more.metric[0].label = {{"method", "DELETE"}, {"path", "/"}};
    more.metric[0].counter.value = 1;
    out.add(more, Kind::Counter);

    // Same name, another type: dropped.
    MetricFamily conflict;
    conflict.name = "golden_temperature_celsius";
    conflict.type = MetricType::Counter;
    conflict.metric.resize(1);
    out.add(conflict, Kind::Counter);

    MetricFamily events;
    events.name = "golden_events";
    events.help = "A counter whose name lacks _total.";
    events.type = MetricType::Counter;
    events.metric.resize(1);
    events.metric[0].counter.value = 7;
    out.add(events, Kind::Counter);

    MetricFamily build;
    build.name = "golden_build";
    build.help = "Build information.";
    build.type = MetricType::Gauge;
    build.metric.resize(1);
    build.metric[0].label = {{"commit", "abc123"}, {"version", "1.2.3"}};
    out.add(build, Kind::Info);

    MetricFamily legacy;
    legacy.name = "golden_legacy_value";
    legacy.type = MetricType::Untyped;
    legacy.metric.resize(2);
    legacy.metric[0].label = {{"at", "ms"}};
    legacy.metric[0].untyped.value = 42;
    legacy.metric[0].timestamp_ms = 1520879607789;
    legacy.metric[1].label = {{"at", "s"}};
    legacy.metric[1].untyped.value = 0.1;
    legacy.metric[1].timestamp_ms = 1520879607000;
    out.add(legacy, Kind::Untyped);

    MetricFamily offset;
    offset.name = "golden_offset_seconds";
    offset.help = "A histogram with negative buckets.";
    offset.type = MetricType::Histogram;
    offset.metric.resize(1);
    offset.metric[0].histogram.bucket = {{1, -1}, {2, 0}, {3, 1}};
    offset.metric[0].histogram.sample_count = 4;
    offset.metric[0].histogram.sample_sum = -0.5;
    out.add(offset, Kind::Histogram);
    return out;
}

} // namespace TestExposition
