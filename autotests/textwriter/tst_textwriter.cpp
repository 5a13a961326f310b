// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// The text 0.0.4 and OpenMetrics 1.0 writers: numbers, escaping, merging, and
// randomly generated registries read back and compared sample by sample with
// the data itself (exactly) and with prometheus-cpp's TextSerializer (within
// its 16 digits); promtool and a real OpenMetrics parser judge the output.

#include "exposition/openmetricswriter_p.h"
#include "exposition/textwriter_p.h"
#include "expositionparser.h"

#include <QtCore/qfile.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qprocess.h>
#include <QtCore/qrandom.h>
#include <QtCore/qtemporarydir.h>
#include <QtTest/qtest.h>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/summary.h>
#include <prometheus/text_serializer.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>

using namespace QtPrometheusPrivate;

using Exposition::Kind;
using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using TestExposition::Sample;
using TestExposition::Syntax;

namespace {
constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double notANumber = std::numeric_limits<double>::quiet_NaN();
// TextSerializer writes 16 significant digits: 5e-16 relative, plus parsing.
constexpr double textSerializerTolerance = 1e-15;

struct Families
{
    std::vector<MetricFamily> families;
    std::vector<Kind> kinds;

    void add(MetricFamily family, Kind kind)
    {
        families.push_back(std::move(family));
        kinds.push_back(kind);
    }
};

QByteArray writeText(const Families &input, Exposition::WriteResult *result = nullptr)
{
    QByteArray out;
    auto r = Exposition::writeText004(input.families, input.kinds, out);
    if (result)
        *result = std::move(r);
    return out;
}

QByteArray writeOpenMetrics(const Families &input, Exposition::WriteResult *result = nullptr)
{
    QByteArray out;
    auto r = Exposition::writeOpenMetrics100(input.families, input.kinds, out);
    if (result)
        *result = std::move(r);
    return out;
}

std::string_view view(const QByteArray &bytes)
{
    return std::string_view(bytes.constData(), std::size_t(bytes.size()));
}

std::string number(double value)
{
    char buffer[40];
    return std::string(buffer, Exposition::formatDouble(buffer, value));
}

std::string labelNumber(double value, bool openMetrics)
{
    char buffer[40];
    return std::string(buffer, Exposition::formatLabelNumber(buffer, value, openMetrics));
}

bool endsWith(const std::string &text, std::string_view suffix)
{
    return text.size() >= suffix.size()
        && std::string_view(text).substr(text.size() - suffix.size()) == suffix;
}

// --- what the writers should say, built directly from the data ------------

// The sample name of a family's plain sample in each format.
std::string sampleName(const MetricFamily &family, Kind kind, Syntax syntax)
{
    if (kind == Kind::Info)
        return family.name + "_info";
    if (kind == Kind::Counter && syntax == Syntax::OpenMetrics && !endsWith(family.name, "_total"))
        return family.name + "_total";
    return family.name;
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
    TestExposition::sortSamples(samples);
    return samples;
}

// What prometheus-cpp 1.0.1's TextSerializer is given: the same families, with
// the help dropped (it does not escape it, so a help with a newline would
// break its output apart) and info families as the gauges newer
// TextSerializers write for them (<name>_info, value 1).
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

// TextSerializer's samples as OpenMetrics names them: counters end in _total,
// and histograms with a negative bucket have no _sum and _count.
std::vector<Sample> asOpenMetrics(std::vector<Sample> samples, const Families &input)
{
    std::map<std::string, std::size_t> byName;
    for (std::size_t i = 0; i < input.families.size(); ++i)
        byName[input.families[i].name] = i;
    std::set<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> negative;
    for (std::size_t i = 0; i < input.families.size(); ++i) {
        if (input.kinds[i] != Kind::Histogram)
            continue;
        for (const auto &metric : input.families[i].metric) {
            const auto &buckets = metric.histogram.bucket;
            if (std::none_of(buckets.begin(), buckets.end(),
                             [](const auto &b) { return b.upper_bound < 0; }))
                continue;
            std::vector<std::pair<std::string, std::string>> labels;
            for (const auto &label : metric.label)
                labels.emplace_back(label.name, label.value);
            std::sort(labels.begin(), labels.end());
            negative.emplace(input.families[i].name, labels);
        }
    }
    std::vector<Sample> out;
    for (Sample &sample : samples) {
        if (const auto it = byName.find(sample.name); it != byName.end()) {
            if (input.kinds[it->second] == Kind::Counter && !endsWith(sample.name, "_total"))
                sample.name += "_total";
        }
        bool drop = false;
        for (std::string_view suffix : {"_sum", "_count"}) {
            if (endsWith(sample.name, suffix)) {
                const std::string base = sample.name.substr(0, sample.name.size() - suffix.size());
                drop = drop || negative.count({base, sample.labels}) != 0;
            }
        }
        if (!drop)
            out.push_back(std::move(sample));
    }
    TestExposition::sortSamples(out);
    return out;
}

// --- random registries ------------------------------------------------------

enum class Flavour {
    Wild, // any value anywhere: for comparing samples
    Valid, // what promtool's linter and OpenMetrics' rules accept
    ValidTimestamped, // Valid, and every sample has a timestamp
};

class Generator
{
public:
    Generator(quint32 seed, Flavour flavour) : m_rng(seed), m_flavour(flavour) { }

    Families families(int count)
    {
        Families out;
        static const Kind kinds[] = {Kind::Counter, Kind::Gauge,     Kind::Summary,
                                     Kind::Untyped, Kind::Histogram, Kind::Info};
        for (int i = 0; i < count; ++i) {
            const Kind kind = kinds[m_rng.bounded(int(std::size(kinds)))];
            out.add(family(i, kind), kind);
        }
        return out;
    }

private:
    bool wild() const { return m_flavour == Flavour::Wild; }
    bool chance(int percent) { return int(m_rng.bounded(100)) < percent; }

    double anyValue()
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
    double nonNegativeValue()
    {
        for (;;) {
            const double value = anyValue();
            if (!std::isnan(value) && !(value < 0))
                return value;
        }
    }

    double value() { return wild() ? anyValue() : nonNegativeValue(); }

    std::string labelValue()
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

    std::string help()
    {
        if (chance(wild() ? 20 : 0))
            return {};
        return "Help " + labelValue();
    }

    std::int64_t timestamp()
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

    std::vector<ClientMetric::Label> labels(int index, bool none)
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

    void fillHistogram(ClientMetric &metric)
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

    void fillSummary(ClientMetric &metric)
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

    MetricFamily family(int index, Kind kind)
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

    QRandomGenerator m_rng;
    Flavour m_flavour;
};

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
        const Kind kind = Exposition::kindOf(family.type);
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

// --- external judges ----------------------------------------------------------

struct ProcessResult
{
    bool started = false;
    int exitCode = -1;
    QByteArray output;
};

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

// Parses OpenMetrics with the Python client's strict parser and prints how
// many samples it read.
const char openMetricsCheck[] = R"(
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
text = sys.stdin.buffer.read().decode("utf-8")
print(sum(len(family.samples) for family in text_string_to_metric_families(text)))
)";

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
} // namespace

class tst_TextWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void numbers_data();
    void numbers();
    void canonicalLabelNumbers();
    void doublesRoundTrip();
    void escaping();
    void timestamps_data();
    void timestamps();
    void counterNames();
    void infoFamilies();
    void histogramInfBucket();
    void sameNameMerged();
    void typeConflictDropped();
    void appendsAndGrows();
    void emptyInput();
    void randomAgainstTextSerializer_data();
    void randomAgainstTextSerializer();
    void promtoolAcceptsText_data();
    void promtoolAcceptsText();
    void openMetricsParsersAccept_data();
    void openMetricsParsersAccept();
    void golden_data();
    void golden();

private:
    QString m_python;
    bool m_pythonHasClient = false;
};

void tst_TextWriter::initTestCase()
{
    if (!QFileInfo(QStringLiteral(PROMTOOL_EXECUTABLE)).isExecutable())
        QFAIL("promtool not found: install the Debian package 'prometheus'");
    m_python = QStringLiteral(PYTHON3_EXECUTABLE);
    const auto probe = run(
        m_python,
        {QStringLiteral("-c"), QStringLiteral("import prometheus_client.openmetrics.parser")}, {});
    m_pythonHasClient = probe.started && probe.exitCode == 0;
    if (!m_pythonHasClient)
        QFAIL(qPrintable(QStringLiteral("%1 cannot import prometheus_client: install the Debian "
                                        "package 'python3-prometheus-client'")
                             .arg(m_python)));
}

void tst_TextWriter::numbers_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("sampleValue");
    QTest::addColumn<QByteArray>("textLabel");
    QTest::addColumn<QByteArray>("openMetricsLabel");
    QTest::newRow("0") << 0.0 << QByteArray("0") << QByteArray("0") << QByteArray("0.0");
    QTest::newRow("-0") << -0.0 << QByteArray("-0") << QByteArray("0") << QByteArray("0.0");
    QTest::newRow("1") << 1.0 << QByteArray("1") << QByteArray("1") << QByteArray("1.0");
    QTest::newRow("-1") << -1.0 << QByteArray("-1") << QByteArray("-1") << QByteArray("-1.0");
    QTest::newRow("0.1") << 0.1 << QByteArray("0.1") << QByteArray("0.1") << QByteArray("0.1");
    QTest::newRow("0.1+0.2") << 0.1 + 0.2 << QByteArray("0.30000000000000004")
                             << QByteArray("0.30000000000000004")
                             << QByteArray("0.30000000000000004");
    QTest::newRow("1/3") << 1.0 / 3 << QByteArray("0.3333333333333333")
                         << QByteArray("0.3333333333333333") << QByteArray("0.3333333333333333");
    QTest::newRow("0.0001") << 0.0001 << QByteArray("0.0001") << QByteArray("0.0001")
                            << QByteArray("0.0001");
    QTest::newRow("1e-5") << 1e-5 << QByteArray("1e-05") << QByteArray("1e-05")
                          << QByteArray("1e-05");
    QTest::newRow("100000") << 100000.0 << QByteArray("100000") << QByteArray("100000")
                            << QByteArray("100000.0");
    QTest::newRow("1e6") << 1e6 << QByteArray("1000000") << QByteArray("1e+06")
                         << QByteArray("1e+06");
    QTest::newRow("1234567.5") << 1234567.5 << QByteArray("1.2345675e+06")
                               << QByteArray("1.2345675e+06") << QByteArray("1.2345675e+06");
    QTest::newRow("2^53") << 9007199254740992.0 << QByteArray("9007199254740992")
                          << QByteArray("9.007199254740992e+15")
                          << QByteArray("9.007199254740992e+15");
    QTest::newRow("2^53+2") << 9007199254740994.0 << QByteArray("9.007199254740994e+15")
                            << QByteArray("9.007199254740994e+15")
                            << QByteArray("9.007199254740994e+15");
    QTest::newRow("-2^53") << -9007199254740992.0 << QByteArray("-9007199254740992")
                           << QByteArray("-9.007199254740992e+15")
                           << QByteArray("-9.007199254740992e+15");
    QTest::newRow("1e21") << 1e21 << QByteArray("1e+21") << QByteArray("1e+21")
                          << QByteArray("1e+21");
    QTest::newRow("max") << std::numeric_limits<double>::max()
                         << QByteArray("1.7976931348623157e+308")
                         << QByteArray("1.7976931348623157e+308")
                         << QByteArray("1.7976931348623157e+308");
    QTest::newRow("min normal") << std::numeric_limits<double>::min()
                                << QByteArray("2.2250738585072014e-308")
                                << QByteArray("2.2250738585072014e-308")
                                << QByteArray("2.2250738585072014e-308");
    QTest::newRow("denormal") << std::numeric_limits<double>::denorm_min() << QByteArray("5e-324")
                              << QByteArray("5e-324") << QByteArray("5e-324");
    QTest::newRow("-1.5e-7") << -1.5e-7 << QByteArray("-1.5e-07") << QByteArray("-1.5e-07")
                             << QByteArray("-1.5e-07");
    QTest::newRow("NaN") << notANumber << QByteArray("NaN") << QByteArray("NaN")
                         << QByteArray("NaN");
    QTest::newRow("+Inf") << infinity << QByteArray("+Inf") << QByteArray("+Inf")
                          << QByteArray("+Inf");
    QTest::newRow("-Inf") << -infinity << QByteArray("-Inf") << QByteArray("-Inf")
                          << QByteArray("-Inf");
}

void tst_TextWriter::numbers()
{
    QFETCH(double, value);
    QFETCH(QByteArray, sampleValue);
    QFETCH(QByteArray, textLabel);
    QFETCH(QByteArray, openMetricsLabel);
    QCOMPARE(QByteArray::fromStdString(number(value)), sampleValue);
    QCOMPARE(QByteArray::fromStdString(labelNumber(value, false)), textLabel);
    QCOMPARE(QByteArray::fromStdString(labelNumber(value, true)), openMetricsLabel);

    // And through a writer: as a gauge value and as an le label.
    Families input;
    MetricFamily gauge;
    gauge.name = "g";
    gauge.type = MetricType::Gauge;
    gauge.metric.resize(1);
    gauge.metric[0].gauge.value = value;
    input.add(gauge, Kind::Gauge);
    QCOMPARE(writeText(input), "# TYPE g gauge\ng " + sampleValue + '\n');
    QCOMPARE(writeOpenMetrics(input), "# TYPE g gauge\ng " + sampleValue + "\n# EOF\n");
}

// The OpenMetrics spec's "Canonical Numbers" lists, and every value between
// 0 and 10 in steps of 0.001 it asks for.
void tst_TextWriter::canonicalLabelNumbers()
{
    const std::pair<double, const char *> listed[] = {
        {0.0, "0.0"},      {0.001, "0.001"}, {0.002, "0.002"}, {0.01, "0.01"},
        {0.1, "0.1"},      {0.9, "0.9"},     {0.95, "0.95"},   {0.99, "0.99"},
        {0.999, "0.999"},  {1.0, "1.0"},     {1.7, "1.7"},     {10.0, "10.0"},
        {1e-10, "1e-10"},  {1e-09, "1e-09"}, {1e-05, "1e-05"}, {0.0001, "0.0001"},
        {1e5, "100000.0"}, {1e6, "1e+06"},   {1e10, "1e+10"},  {infinity, "+Inf"},
    };
    for (const auto &[value, text] : listed)
        QCOMPARE(labelNumber(value, true), std::string(text));

    for (int k = 0; k <= 10000; ++k) {
        std::string expected = std::to_string(k / 1000) + '.';
        std::string fraction = std::to_string(1000 + k % 1000).substr(1);
        while (fraction.size() > 1 && fraction.back() == '0')
            fraction.pop_back();
        expected += fraction;
        QCOMPARE(labelNumber(k / 1000.0, true), expected);
    }
}

// Every finite double is written so that it reads back as exactly itself.
void tst_TextWriter::doublesRoundTrip()
{
    QRandomGenerator rng(20260501);
    for (int i = 0; i < 200000; ++i) {
        quint64 bits = rng.generate64();
        if (i % 4 == 1)
            bits &= (quint64(1) << 52) - 1; // denormals
        double value;
        std::memcpy(&value, &bits, sizeof value);
        if (i % 4 == 2)
            value = double(qint64(rng.generate64()) >> rng.bounded(64)); // integers
        if (!std::isfinite(value))
            continue;
        for (const std::string &text :
             {number(value), labelNumber(value, false), labelNumber(value, true)}) {
            double back = 0;
            const auto r = std::from_chars(text.data(), text.data() + text.size(), back);
            QVERIFY2(r.ec == std::errc() && r.ptr == text.data() + text.size(), text.c_str());
            if (value == 0)
                QCOMPARE(back, 0.0);
            else
                QVERIFY2(std::memcmp(&back, &value, sizeof value) == 0, text.c_str());
            QVERIFY(text.size() <= 24);
        }
    }
}

void tst_TextWriter::escaping()
{
    Families input;
    MetricFamily family;
    family.name = "e";
    family.help = "back\\slash \"quoted\"\nnext line é";
    family.type = MetricType::Gauge;
    family.metric.resize(1);
    // Long enough for the 8-byte scan, specials at every position mod 8.
    std::string value = "plain-start-";
    for (int i = 0; i < 24; ++i)
        value += std::string(std::size_t(i % 8), 'x') + "\\\"\n"[i % 3];
    family.metric[0].label = {{"v", value}, {"u", "日本 🙂 \t{},="}};
    input.add(family, Kind::Gauge);

    std::string escaped = "plain-start-";
    for (int i = 0; i < 24; ++i) {
        escaped += std::string(std::size_t(i % 8), 'x');
        escaped += i % 3 == 0 ? "\\\\" : i % 3 == 1 ? "\\\"" : "\\n";
    }
    const QByteArray labels
        = QByteArray::fromStdString("{v=\"" + escaped + "\",u=\"日本 🙂 \t{},=\"}");
    QCOMPARE(writeText(input),
             "# HELP e back\\\\slash \"quoted\"\\nnext line é\n# TYPE e gauge\ne" + labels
                 + " 0\n");
    QCOMPARE(writeOpenMetrics(input),
             "# TYPE e gauge\n# HELP e back\\\\slash \\\"quoted\\\"\\nnext line é\ne" + labels
                 + " 0\n# EOF\n");
}

void tst_TextWriter::timestamps_data()
{
    QTest::addColumn<qint64>("milliseconds");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("openMetrics");
    QTest::newRow("none") << qint64(0) << QByteArray() << QByteArray();
    QTest::newRow("1") << qint64(1) << QByteArray(" 1") << QByteArray(" 0.001");
    QTest::newRow("-1") << qint64(-1) << QByteArray(" -1") << QByteArray(" -0.001");
    QTest::newRow("1500") << qint64(1500) << QByteArray(" 1500") << QByteArray(" 1.5");
    QTest::newRow("whole seconds")
        << qint64(1520879607000) << QByteArray(" 1520879607000") << QByteArray(" 1520879607");
    QTest::newRow("spec example") << qint64(1520879607789) << QByteArray(" 1520879607789")
                                  << QByteArray(" 1520879607.789");
    QTest::newRow("min") << std::numeric_limits<qint64>::min()
                         << QByteArray(" -9223372036854775808")
                         << QByteArray(" -9223372036854775.808");
    QTest::newRow("max") << std::numeric_limits<qint64>::max() << QByteArray(" 9223372036854775807")
                         << QByteArray(" 9223372036854775.807");
}

void tst_TextWriter::timestamps()
{
    QFETCH(qint64, milliseconds);
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, openMetrics);
    Families input;
    MetricFamily family;
    family.name = "t";
    family.type = MetricType::Summary;
    family.metric.resize(1);
    family.metric[0].timestamp_ms = milliseconds;
    family.metric[0].summary.quantile = {{0.5, 2}};
    input.add(family, Kind::Summary);
    QCOMPARE(writeText(input),
             "# TYPE t summary\nt{quantile=\"0.5\"} 2" + text + "\nt_sum 0" + text + "\nt_count 0"
                 + text + '\n');
    QCOMPARE(writeOpenMetrics(input),
             "# TYPE t summary\nt{quantile=\"0.5\"} 2" + openMetrics + "\nt_sum 0" + openMetrics
                 + "\nt_count 0" + openMetrics + "\n# EOF\n");
}

void tst_TextWriter::counterNames()
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
    QCOMPARE(writeText(input),
             "# HELP a_total With.\n# TYPE a_total counter\na_total 1\n"
             "# HELP b Without.\n# TYPE b counter\nb 1\n"
             "# TYPE _total counter\n_total 1\n");
    QCOMPARE(writeOpenMetrics(input),
             "# TYPE a counter\n# HELP a With.\na_total 1\n"
             "# TYPE b counter\n# HELP b Without.\nb_total 1\n"
             "# TYPE _total counter\n_total_total 1\n# EOF\n");
}

void tst_TextWriter::infoFamilies()
{
    Families input;
    MetricFamily build;
    build.name = "app";
    build.help = "Build.";
    build.type = MetricType::Gauge;
    build.metric.resize(1);
    build.metric[0].label = {{"version", "1.0"}};
    input.add(build, Kind::Info);
    QCOMPARE(writeText(input),
             "# HELP app_info Build.\n# TYPE app_info gauge\n"
             "app_info{version=\"1.0\"} 1\n");
    QCOMPARE(writeOpenMetrics(input),
             "# TYPE app info\n# HELP app Build.\n"
             "app_info{version=\"1.0\"} 1\n# EOF\n");
    // prometheus-cpp's own type maps to Info when the installed version has it.
    QCOMPARE(Exposition::kindOf(MetricType::Gauge), Kind::Gauge);
    QCOMPARE(Exposition::kindOf(MetricType::Untyped), Kind::Untyped);
}

void tst_TextWriter::histogramInfBucket()
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
    QCOMPARE(writeText(input),
             "# TYPE h histogram\n"
             "h_bucket{has=\"inf\",le=\"0.5\"} 1\n"
             "h_bucket{has=\"inf\",le=\"+Inf\"} 3\n"
             "h_sum{has=\"inf\"} 1.5\n"
             "h_count{has=\"inf\"} 3\n"
             "h_bucket{has=\"none\",le=\"0.5\"} 1\n"
             "h_bucket{has=\"none\",le=\"+Inf\"} 3\n"
             "h_sum{has=\"none\"} 1.5\n"
             "h_count{has=\"none\"} 3\n"
             "h_bucket{has=\"negative\",le=\"-0.5\"} 1\n"
             "h_bucket{has=\"negative\",le=\"+Inf\"} 3\n"
             "h_sum{has=\"negative\"} -1.5\n"
             "h_count{has=\"negative\"} 3\n");
    // OpenMetrics: no _sum (and so no _count) next to a negative bucket.
    QCOMPARE(writeOpenMetrics(input),
             "# TYPE h histogram\n"
             "h_bucket{has=\"inf\",le=\"0.5\"} 1\n"
             "h_bucket{has=\"inf\",le=\"+Inf\"} 3\n"
             "h_sum{has=\"inf\"} 1.5\n"
             "h_count{has=\"inf\"} 3\n"
             "h_bucket{has=\"none\",le=\"0.5\"} 1\n"
             "h_bucket{has=\"none\",le=\"+Inf\"} 3\n"
             "h_sum{has=\"none\"} 1.5\n"
             "h_count{has=\"none\"} 3\n"
             "h_bucket{has=\"negative\",le=\"-0.5\"} 1\n"
             "h_bucket{has=\"negative\",le=\"+Inf\"} 3\n"
             "# EOF\n");
}

// Families of one name from several collectables: one HELP and TYPE, all the
// samples, at the place of the first. TextSerializer writes the name twice,
// which promtool rejects.
void tst_TextWriter::sameNameMerged()
{
    Families input;
    const auto counter = [](const char *name, const char *help, const char *source) {
        MetricFamily family;
        family.name = name;
        family.help = help;
        family.type = MetricType::Counter;
        family.metric.resize(1);
        family.metric[0].label = {{"source", source}};
        family.metric[0].counter.value = 1;
        return family;
    };
    input.add(counter("jobs_total", "", "first"), Kind::Counter);
    input.add(counter("other_total", "Other.", "x"), Kind::Counter);
    input.add(counter("jobs_total", "Jobs done.", "second"), Kind::Counter);
    input.add(counter("jobs_total", "Ignored help.", "third"), Kind::Counter);

    Exposition::WriteResult result;
    const QByteArray text = writeText(input, &result);
    QVERIFY(result.droppedFamilies.empty());
    QCOMPARE(text,
             "# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\n"
             "jobs_total{source=\"first\"} 1\njobs_total{source=\"second\"} 1\n"
             "jobs_total{source=\"third\"} 1\n"
             "# HELP other_total Other.\n# TYPE other_total counter\n"
             "other_total{source=\"x\"} 1\n");
    QCOMPARE(writeOpenMetrics(input),
             "# TYPE jobs counter\n# HELP jobs Jobs done.\n"
             "jobs_total{source=\"first\"} 1\njobs_total{source=\"second\"} 1\n"
             "jobs_total{source=\"third\"} 1\n"
             "# TYPE other counter\n# HELP other Other.\nother_total{source=\"x\"} 1\n# EOF\n");

    const auto ours = run(QStringLiteral(PROMTOOL_EXECUTABLE),
                          {QStringLiteral("check"), QStringLiteral("metrics")}, text);
    QVERIFY2(ours.exitCode == 0, ours.output.constData());
    const std::string serialized = prometheus::TextSerializer().Serialize(input.families);
    const auto theirs = run(QStringLiteral(PROMTOOL_EXECUTABLE),
                            {QStringLiteral("check"), QStringLiteral("metrics")},
                            QByteArray::fromStdString(serialized));
    QCOMPARE(theirs.exitCode, 1); // "second HELP line for metric name"
}

void tst_TextWriter::typeConflictDropped()
{
    Families input;
    MetricFamily gauge;
    gauge.name = "x";
    gauge.type = MetricType::Gauge;
    gauge.metric.resize(1);
    input.add(gauge, Kind::Gauge);
    MetricFamily counter = gauge;
    counter.name = "x_total";
    counter.type = MetricType::Counter;
    input.add(counter, Kind::Counter);
    MetricFamily counter2 = gauge;
    counter2.type = MetricType::Counter;
    input.add(counter2, Kind::Counter);
    MetricFamily unknown = gauge;
    unknown.name = "y";
    input.add(unknown, Kind::Unsupported);

    // Text: "x_total" is its own name; the counter "x" clashes with the gauge.
    Exposition::WriteResult result;
    QCOMPARE(writeText(input, &result), "# TYPE x gauge\nx 0\n# TYPE x_total counter\nx_total 0\n");
    QCOMPARE(result.droppedFamilies, (std::vector<std::string> {"x", "y"}));
    // OpenMetrics: the counter "x_total" is the family "x" too.
    QCOMPARE(writeOpenMetrics(input, &result), "# TYPE x gauge\nx 0\n# EOF\n");
    QCOMPARE(result.droppedFamilies, (std::vector<std::string> {"x_total", "x", "y"}));
}

// What is already in the array stays; label values that escape to twice their
// size outgrow the estimate and make the buffer grow.
void tst_TextWriter::appendsAndGrows()
{
    Families input;
    MetricFamily family;
    family.name = "grow";
    family.type = MetricType::Histogram;
    for (int i = 0; i < 200; ++i) {
        ClientMetric metric;
        metric.label = {{"v", std::string(std::size_t(50 + i), '\n') + std::to_string(i)}};
        metric.histogram.bucket = {{1, 0.25}, {2, 0.5}, {3, infinity}};
        metric.histogram.sample_count = 3;
        family.metric.push_back(std::move(metric));
    }
    input.add(family, Kind::Histogram);
    for (const bool om : {false, true}) {
        QByteArray out("# prefix\n");
        if (om)
            Exposition::writeOpenMetrics100(input.families, input.kinds, out);
        else
            Exposition::writeText004(input.families, input.kinds, out);
        QVERIFY(out.startsWith("# prefix\n# TYPE grow histogram\n"));
        const auto parsed = TestExposition::parse(view(out).substr(9),
                                                  om ? Syntax::OpenMetrics : Syntax::Text004);
        QVERIFY2(parsed.error.empty(), parsed.error.c_str());
        auto samples = parsed.samples;
        TestExposition::sortSamples(samples);
        const std::string difference = TestExposition::compareSamples(
            samples, expectedSamples(input, om ? Syntax::OpenMetrics : Syntax::Text004), 0);
        QVERIFY2(difference.empty(), difference.c_str());
    }
}

void tst_TextWriter::emptyInput()
{
    Families input;
    QCOMPARE(writeText(input), QByteArray());
    QCOMPARE(writeOpenMetrics(input), QByteArray("# EOF\n"));
    MetricFamily family; // a family without metrics keeps its HELP and TYPE
    family.name = "lonely";
    family.help = "No series.";
    family.type = MetricType::Gauge;
    input.add(family, Kind::Gauge);
    QCOMPARE(writeText(input), QByteArray("# HELP lonely No series.\n# TYPE lonely gauge\n"));
}

void tst_TextWriter::randomAgainstTextSerializer_data()
{
    QTest::addColumn<quint32>("seed");
    const quint32 fixed = qEnvironmentVariableIntValue("QTPE_WRITER_SEED");
    if (fixed != 0) {
        QTest::addRow("seed %u", fixed) << fixed;
        return;
    }
    for (quint32 seed = 1; seed <= 40; ++seed)
        QTest::addRow("seed %u", seed) << seed;
}

// Our output and TextSerializer's, read back, hold the same samples: exactly
// the data's values for ours, the data within 16 digits for TextSerializer's.
void tst_TextWriter::randomAgainstTextSerializer()
{
    QFETCH(quint32, seed);
    qInfo("seed %u (rerun one with QTPE_WRITER_SEED=%u)", seed, seed);
    const Families input = Generator(seed, Flavour::Wild).families(60);

    const std::string serialized = prometheus::TextSerializer().Serialize(forTextSerializer(input));
    auto theirs = TestExposition::parse(serialized, Syntax::Text004);
    QVERIFY2(theirs.error.empty(), theirs.error.c_str());
    TestExposition::sortSamples(theirs.samples);

    for (const Syntax syntax : {Syntax::Text004, Syntax::OpenMetrics}) {
        const bool om = syntax == Syntax::OpenMetrics;
        const QByteArray written = om ? writeOpenMetrics(input) : writeText(input);
        auto ours = TestExposition::parse(view(written), syntax);
        QVERIFY2(ours.error.empty(), ours.error.c_str());
        TestExposition::sortSamples(ours.samples);

        std::string difference
            = TestExposition::compareSamples(ours.samples, expectedSamples(input, syntax), 0);
        QVERIFY2(difference.empty(), ("against the data: " + difference).c_str());

        const auto reference = om ? asOpenMetrics(theirs.samples, input) : theirs.samples;
        difference
            = TestExposition::compareSamples(ours.samples, reference, textSerializerTolerance);
        QVERIFY2(difference.empty(), ("against TextSerializer: " + difference).c_str());

        // le and quantile in their canonical form
        for (const Sample &sample : ours.samples) {
            if (sample.hasBound)
                QCOMPARE(sample.boundText, labelNumber(sample.bound, om));
        }

        // HELP and TYPE once per family, help unescaped back to the original
        QCOMPARE(ours.families.size(), input.families.size());
        for (std::size_t i = 0; i < input.families.size(); ++i) {
            const MetricFamily &family = input.families[i];
            const Kind kind = input.kinds[i];
            std::string name = family.name;
            if (kind == Kind::Info && !om)
                name += "_info";
            if (kind == Kind::Counter && om && endsWith(name, "_total"))
                name.resize(name.size() - 6);
            const auto &meta = ours.families[i];
            QCOMPARE(meta.name, name);
            QCOMPARE(meta.help.value_or(std::string()), family.help);
            QCOMPARE(meta.help.has_value(), !family.help.empty());
        }
    }
}

void tst_TextWriter::promtoolAcceptsText_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 101; seed <= 105; ++seed)
        QTest::addRow("seed %u", seed) << seed;
}

void tst_TextWriter::promtoolAcceptsText()
{
    QFETCH(quint32, seed);
    qInfo("seed %u", seed);
    const Families input = Generator(seed, Flavour::Valid).families(80);
    const QByteArray text = writeText(input);
    const auto result = run(QStringLiteral(PROMTOOL_EXECUTABLE),
                            {QStringLiteral("check"), QStringLiteral("metrics")}, text);
    QVERIFY2(result.started, "promtool did not start");
    QVERIFY2(result.exitCode == 0, (result.output + "\n--- exposition ---\n" + text).constData());
}

void tst_TextWriter::openMetricsParsersAccept_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<bool>("timestamped");
    for (quint32 seed = 201; seed <= 205; ++seed) {
        QTest::addRow("seed %u", seed) << seed << false;
        QTest::addRow("seed %u, timestamps", seed) << seed + 100 << true;
    }
}

// Two real OpenMetrics parsers: the Python client's (strict about the
// semantics too) and, for timestamped samples, Prometheus' own (through
// promtool's backfill, which needs a timestamp on every sample).
void tst_TextWriter::openMetricsParsersAccept()
{
    QFETCH(quint32, seed);
    QFETCH(bool, timestamped);
    qInfo("seed %u", seed);
    const Families input
        = Generator(seed, timestamped ? Flavour::ValidTimestamped : Flavour::Valid).families(80);
    const QByteArray om = writeOpenMetrics(input);
    const auto python = run(m_python, {QStringLiteral("-c"), QLatin1String(openMetricsCheck)}, om);
    QVERIFY2(python.exitCode == 0, (python.output + "\n--- exposition ---\n" + om).constData());
    const auto parsed = TestExposition::parse(view(om), Syntax::OpenMetrics);
    QVERIFY2(parsed.error.empty(), parsed.error.c_str());
    QCOMPARE(python.output.trimmed().toLongLong(), qlonglong(parsed.samples.size()));

    if (!timestamped)
        return;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("input.om"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(om);
    f.close();
    const auto promtool
        = run(QStringLiteral(PROMTOOL_EXECUTABLE),
              {QStringLiteral("tsdb"), QStringLiteral("create-blocks-from"),
               QStringLiteral("openmetrics"), file, dir.filePath(QStringLiteral("blocks"))},
              {});
    QVERIFY2(promtool.exitCode == 0, (promtool.output + "\n--- exposition ---\n" + om).constData());
}

void tst_TextWriter::golden_data()
{
    QTest::addColumn<bool>("openMetrics");
    QTest::addColumn<QString>("fileName");
    QTest::newRow("text 0.0.4") << false << QStringLiteral("registry.txt");
    QTest::newRow("OpenMetrics 1.0") << true << QStringLiteral("registry.om.txt");
}

// A fixed registry (real prometheus-cpp families plus hand-made ones) against
// files checked in beside the test. QTPE_UPDATE_GOLDEN=1 rewrites them.
void tst_TextWriter::golden()
{
    QFETCH(bool, openMetrics);
    QFETCH(QString, fileName);
    const Families input = goldenFamilies();
    Exposition::WriteResult result;
    const QByteArray actual
        = openMetrics ? writeOpenMetrics(input, &result) : writeText(input, &result);
    QCOMPARE(result.droppedFamilies, std::vector<std::string> {"golden_temperature_celsius"});

    QFile file(QStringLiteral(GOLDEN_DIR "/") + fileName);
    if (qEnvironmentVariableIsSet("QTPE_UPDATE_GOLDEN")) {
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(actual);
        file.close();
        qInfo() << "wrote" << file.fileName();
    }
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    const QByteArray expected = file.readAll();
    QVERIFY2(actual == expected, qPrintable(firstDifference(actual, expected)));

    // The golden output is valid as well.
    if (openMetrics) {
        const auto python
            = run(m_python, {QStringLiteral("-c"), QLatin1String(openMetricsCheck)}, actual);
        QVERIFY2(python.exitCode == 0, python.output.constData());
    } else {
        // 3: lint findings only (golden_events has no _total on purpose)
        const auto promtool = run(QStringLiteral(PROMTOOL_EXECUTABLE),
                                  {QStringLiteral("check"), QStringLiteral("metrics")}, actual);
        QVERIFY2(promtool.exitCode == 0 || promtool.exitCode == 3, promtool.output.constData());
        QVERIFY2(!promtool.output.contains("error"), promtool.output.constData());
    }
}

QTEST_GUILESS_MAIN(tst_TextWriter)
#include "tst_textwriter.moc"
