// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// The OpenMetrics 1.0 writer: its names and samples, and randomly generated
// registries read back and compared sample by sample with the data itself
// (exactly) and with prometheus-cpp's TextSerializer (within its 16 digits);
// the Python client's strict parser and Prometheus' own judge the output.

#include "exposition/openmetricswriter_p.h"
#include "writerchecks.h"

#include <QtCore/qfile.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qtemporarydir.h>
#include <QtTest/qtest.h>

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <map>
#include <set>

using namespace QtPrometheusPrivate;

using Exposition::Kind;
using prometheus::MetricFamily;
using TestExposition::endsWith;
using TestExposition::Families;
using TestExposition::Flavour;
using TestExposition::Generator;
using TestExposition::labelNumber;
using TestExposition::run;
using TestExposition::Sample;
using TestExposition::Syntax;
using TestExposition::view;
using TestExposition::writeOpenMetrics;

namespace {
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

// Parses OpenMetrics with the Python client's strict parser and prints how
// many samples it read.
const char openMetricsCheck[] = R"(
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
text = sys.stdin.buffer.read().decode("utf-8")
print(sum(len(family.samples) for family in text_string_to_metric_families(text)))
)";
} // namespace

class tst_OpenMetricsWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void counterNames();
    void infoFamilies();
    void histogramInfBucket();
    void emptyInput();
    void randomAgainstTextSerializer_data();
    void randomAgainstTextSerializer();
    void openMetricsParsersAccept_data();
    void openMetricsParsersAccept();
    void golden();

private:
    QString m_python;
};

void tst_OpenMetricsWriter::initTestCase()
{
    if (!QFileInfo(QStringLiteral(PROMTOOL_EXECUTABLE)).isExecutable())
        QFAIL("promtool not found: install the Debian package 'prometheus'");
    m_python = QStringLiteral(PYTHON3_EXECUTABLE);
    const auto probe = run(
        m_python,
        {QStringLiteral("-c"), QStringLiteral("import prometheus_client.openmetrics.parser")}, {});
    if (!probe.started || probe.exitCode != 0)
        QFAIL(qPrintable(QStringLiteral("%1 cannot import prometheus_client: install the Debian "
                                        "package 'python3-prometheus-client'")
                             .arg(m_python)));
}

void tst_OpenMetricsWriter::counterNames()
{
    QCOMPARE(writeOpenMetrics(TestExposition::counterNameFamilies()),
             "# TYPE a counter\n# HELP a With.\na_total 1\n"
             "# TYPE b counter\n# HELP b Without.\nb_total 1\n"
             "# TYPE _total counter\n_total_total 1\n# EOF\n");
}

void tst_OpenMetricsWriter::infoFamilies()
{
    QCOMPARE(writeOpenMetrics(TestExposition::infoFamily()),
             "# TYPE app info\n# HELP app Build.\n"
             "app_info{version=\"1.0\"} 1\n# EOF\n");
}

void tst_OpenMetricsWriter::histogramInfBucket()
{
    // No _sum (and so no _count) next to a negative bucket.
    QCOMPARE(writeOpenMetrics(TestExposition::histogramBucketFamilies()),
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

void tst_OpenMetricsWriter::emptyInput()
{
    QCOMPARE(writeOpenMetrics(Families()), QByteArray("# EOF\n"));
}

void tst_OpenMetricsWriter::randomAgainstTextSerializer_data()
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
void tst_OpenMetricsWriter::randomAgainstTextSerializer()
{
    QFETCH(quint32, seed);
    qInfo("seed %u (rerun one with QTPE_WRITER_SEED=%u)", seed, seed);
    const Families input = Generator(seed, Flavour::Wild).families(60);

    const std::string serialized
        = prometheus::TextSerializer().Serialize(TestExposition::forTextSerializer(input));
    auto theirs = TestExposition::parse(serialized, Syntax::Text004);
    QVERIFY2(theirs.error.empty(), theirs.error.c_str());
    TestExposition::sortSamples(theirs.samples);

    const QByteArray written = writeOpenMetrics(input);
    auto ours = TestExposition::parse(view(written), Syntax::OpenMetrics);
    QVERIFY2(ours.error.empty(), ours.error.c_str());
    TestExposition::sortSamples(ours.samples);

    std::string difference = TestExposition::compareSamples(
        ours.samples, TestExposition::expectedSamples(input, Syntax::OpenMetrics), 0);
    QVERIFY2(difference.empty(), ("against the data: " + difference).c_str());

    difference = TestExposition::compareSamples(ours.samples, asOpenMetrics(theirs.samples, input),
                                                TestExposition::textSerializerTolerance);
    QVERIFY2(difference.empty(), ("against TextSerializer: " + difference).c_str());

    // le and quantile in their canonical form
    for (const Sample &sample : ours.samples) {
        if (sample.hasBound)
            QCOMPARE(sample.boundText, labelNumber(sample.bound, true));
    }

    // HELP and TYPE once per family, help unescaped back to the original
    QCOMPARE(ours.families.size(), input.families.size());
    for (std::size_t i = 0; i < input.families.size(); ++i) {
        const MetricFamily &family = input.families[i];
        std::string name = family.name;
        if (input.kinds[i] == Kind::Counter && endsWith(name, "_total"))
            name.resize(name.size() - 6);
        const auto &meta = ours.families[i];
        QCOMPARE(meta.name, name);
        QCOMPARE(meta.help.value_or(std::string()), family.help);
        QCOMPARE(meta.help.has_value(), !family.help.empty());
    }
}

void tst_OpenMetricsWriter::openMetricsParsersAccept_data()
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
void tst_OpenMetricsWriter::openMetricsParsersAccept()
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

// A fixed registry (real prometheus-cpp families plus hand-made ones) against
// a file checked in beside the test. QTPE_UPDATE_GOLDEN=1 rewrites it.
void tst_OpenMetricsWriter::golden()
{
    const Families input = TestExposition::goldenFamilies();
    Exposition::WriteResult result;
    const QByteArray actual = writeOpenMetrics(input, &result);
    QCOMPARE(result.droppedFamilies, std::vector<std::string> {"golden_temperature_celsius"});

    QFile file(QStringLiteral(GOLDEN_DIR "/registry.om.txt"));
    if (qEnvironmentVariableIsSet("QTPE_UPDATE_GOLDEN")) {
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(actual);
        file.close();
        qInfo() << "wrote" << file.fileName();
    }
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    const QByteArray expected = file.readAll();
    QVERIFY2(actual == expected, qPrintable(TestExposition::firstDifference(actual, expected)));

    // The golden output is valid as well.
    const auto python
        = run(m_python, {QStringLiteral("-c"), QLatin1String(openMetricsCheck)}, actual);
    QVERIFY2(python.exitCode == 0, python.output.constData());
}

QTEST_GUILESS_MAIN(tst_OpenMetricsWriter)
#include "tst_openmetricswriter.moc"
