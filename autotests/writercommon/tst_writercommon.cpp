// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// What the text 0.0.4 and OpenMetrics 1.0 writers share (writercommon_p.h):
// number formatting, escaping, timestamps, the output buffer and the grouping
// of families by name, each seen through both writers.

#include "exposition/openmetricswriter_p.h"
#include "exposition/textwriter_p.h"
#include "writerchecks.h"

#include <QtCore/qfileinfo.h>
#include <QtCore/qrandom.h>
#include <QtTest/qtest.h>

#include <prometheus/text_serializer.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

using namespace QtPrometheusPrivate;

using Exposition::Kind;
using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using TestExposition::expectedSamples;
using TestExposition::Families;
using TestExposition::labelNumber;
using TestExposition::run;
using TestExposition::Syntax;
using TestExposition::view;
using TestExposition::writeOpenMetrics;
using TestExposition::writeText;

namespace {
constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double notANumber = std::numeric_limits<double>::quiet_NaN();

std::string number(double value)
{
    char buffer[40];
    return std::string(buffer, Exposition::formatDouble(buffer, value));
}
} // namespace

class tst_WriterCommon : public QObject
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
    void kindOf();
    void sameNameMerged();
    void typeConflictDropped();
    void appendsAndGrows();
};

void tst_WriterCommon::initTestCase()
{
    if (!QFileInfo(QStringLiteral(PROMTOOL_EXECUTABLE)).isExecutable())
        QFAIL("promtool not found: install the Debian package 'prometheus'");
}

void tst_WriterCommon::numbers_data()
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

void tst_WriterCommon::numbers()
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
void tst_WriterCommon::canonicalLabelNumbers()
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
void tst_WriterCommon::doublesRoundTrip()
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

void tst_WriterCommon::escaping()
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

void tst_WriterCommon::timestamps_data()
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

void tst_WriterCommon::timestamps()
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

// prometheus-cpp's own type maps to Info when the installed version has it.
void tst_WriterCommon::kindOf()
{
    QCOMPARE(Exposition::kindOf(MetricType::Gauge), Kind::Gauge);
    QCOMPARE(Exposition::kindOf(MetricType::Untyped), Kind::Untyped);
}

// Families of one name from several collectables: one HELP and TYPE, all the
// samples, at the place of the first. TextSerializer writes the name twice,
// which promtool rejects.
void tst_WriterCommon::sameNameMerged()
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

void tst_WriterCommon::typeConflictDropped()
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
void tst_WriterCommon::appendsAndGrows()
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

QTEST_GUILESS_MAIN(tst_WriterCommon)
#include "tst_writercommon.moc"
