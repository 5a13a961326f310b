// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// The text 0.0.4 writer: its names and samples, and randomly generated
// registries read back and compared sample by sample with the data itself
// (exactly) and with prometheus-cpp's TextSerializer (within its 16 digits);
// promtool judges the output.

#include "exposition/textwriter_p.h"
#include "writerchecks.h"

#include <QtCore/qfile.h>
#include <QtCore/qfileinfo.h>
#include <QtTest/qtest.h>

#include <prometheus/text_serializer.h>

using namespace QtPrometheusPrivate;

using Exposition::Kind;
using prometheus::MetricFamily;
using prometheus::MetricType;
using TestExposition::Families;
using TestExposition::Flavour;
using TestExposition::Generator;
using TestExposition::labelNumber;
using TestExposition::run;
using TestExposition::Sample;
using TestExposition::Syntax;
using TestExposition::view;
using TestExposition::writeText;

class tst_TextWriter : public QObject
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
    void promtoolAcceptsText_data();
    void promtoolAcceptsText();
    void golden();
};

void tst_TextWriter::initTestCase()
{
    if (!QFileInfo(QStringLiteral(PROMTOOL_EXECUTABLE)).isExecutable())
        QFAIL("promtool not found: install the Debian package 'prometheus'");
}

void tst_TextWriter::counterNames()
{
    QCOMPARE(writeText(TestExposition::counterNameFamilies()),
             "# HELP a_total With.\n# TYPE a_total counter\na_total 1\n"
             "# HELP b Without.\n# TYPE b counter\nb 1\n"
             "# TYPE _total counter\n_total 1\n");
}

void tst_TextWriter::infoFamilies()
{
    QCOMPARE(writeText(TestExposition::infoFamily()),
             "# HELP app_info Build.\n# TYPE app_info gauge\n"
             "app_info{version=\"1.0\"} 1\n");
}

void tst_TextWriter::histogramInfBucket()
{
    QCOMPARE(writeText(TestExposition::histogramBucketFamilies()),
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
}

void tst_TextWriter::emptyInput()
{
    Families input;
    QCOMPARE(writeText(input), QByteArray());
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

    const std::string serialized
        = prometheus::TextSerializer().Serialize(TestExposition::forTextSerializer(input));
    auto theirs = TestExposition::parse(serialized, Syntax::Text004);
    QVERIFY2(theirs.error.empty(), theirs.error.c_str());
    TestExposition::sortSamples(theirs.samples);

    const QByteArray written = writeText(input);
    auto ours = TestExposition::parse(view(written), Syntax::Text004);
    QVERIFY2(ours.error.empty(), ours.error.c_str());
    TestExposition::sortSamples(ours.samples);

    std::string difference = TestExposition::compareSamples(
        ours.samples, TestExposition::expectedSamples(input, Syntax::Text004), 0);
    QVERIFY2(difference.empty(), ("against the data: " + difference).c_str());

    difference = TestExposition::compareSamples(ours.samples, theirs.samples,
                                                TestExposition::textSerializerTolerance);
    QVERIFY2(difference.empty(), ("against TextSerializer: " + difference).c_str());

    // le and quantile in their canonical form
    for (const Sample &sample : ours.samples) {
        if (sample.hasBound)
            QCOMPARE(sample.boundText, labelNumber(sample.bound, false));
    }

    // HELP and TYPE once per family, help unescaped back to the original
    QCOMPARE(ours.families.size(), input.families.size());
    for (std::size_t i = 0; i < input.families.size(); ++i) {
        const MetricFamily &family = input.families[i];
        std::string name = family.name;
        if (input.kinds[i] == Kind::Info)
            name += "_info";
        const auto &meta = ours.families[i];
        QCOMPARE(meta.name, name);
        QCOMPARE(meta.help.value_or(std::string()), family.help);
        QCOMPARE(meta.help.has_value(), !family.help.empty());
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

// A fixed registry (real prometheus-cpp families plus hand-made ones) against
// a file checked in beside the test. QTPE_UPDATE_GOLDEN=1 rewrites it.
void tst_TextWriter::golden()
{
    const Families input = TestExposition::goldenFamilies();
    Exposition::WriteResult result;
    const QByteArray actual = writeText(input, &result);
    QCOMPARE(result.droppedFamilies, std::vector<std::string> {"golden_temperature_celsius"});

    QFile file(QStringLiteral(GOLDEN_DIR "/registry.txt"));
    if (qEnvironmentVariableIsSet("QTPE_UPDATE_GOLDEN")) {
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(actual);
        file.close();
        qInfo() << "wrote" << file.fileName();
    }
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    const QByteArray expected = file.readAll();
    QVERIFY2(actual == expected, qPrintable(TestExposition::firstDifference(actual, expected)));

    // The golden output is valid as well. 3: lint findings only (golden_events
    // has no _total on purpose).
    const auto promtool = run(QStringLiteral(PROMTOOL_EXECUTABLE),
                              {QStringLiteral("check"), QStringLiteral("metrics")}, actual);
    QVERIFY2(promtool.exitCode == 0 || promtool.exitCode == 3, promtool.output.constData());
    QVERIFY2(!promtool.output.contains("error"), promtool.output.constData());
}

QTEST_GUILESS_MAIN(tst_TextWriter)
#include "tst_textwriter.moc"
