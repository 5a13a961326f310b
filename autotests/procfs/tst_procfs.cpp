// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// The /proc parsers of ProcessCollector's Linux sampler as a unit: hand-made,
// cut and mangled lines, and this very process's files.

#include <QtCore/qbytearray.h>
#include <QtCore/qrandom.h>
#include <QtTest/qtest.h>

#include <cstdint>
#include <string_view>

#include "collectors/procfs_p.h"

using namespace QtPrometheusPrivate;

namespace {
const char validStat[]
    = "16879 (cat) R 16876 16876 13944 0 -1 4194304 102 0 0 0 7 3 0 0 20 0 1 0 136546 3133440 "
      "381 18446744073709551615 93866071351296 93866071371177 140730479395312 0 0 0 0 0 0 0 "
      "0 0 17 1 0 0 0 0 0 93866071387184 93866071388800 93866087837696 140730479401410 "
      "140730479401430 140730479401430 140730479402987 0\n";
} // namespace

class tst_ProcFs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseStat_data();
    void parseStat();
    void parseStatMangled();
    void parseBootTime_data();
    void parseBootTime();
    void readFile();
};

void tst_ProcFs::parseStat_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");

    const QByteArray rest = QByteArray(validStat).mid(QByteArray(validStat).indexOf(')') + 1);
    const auto with = [&rest](const QByteArray &comm) {
        return "42 (" + comm + ')' + rest;
    };
    QTest::newRow("plain") << QByteArray(validStat) << true;
    QTest::newRow("spaces") << with("my app") << true;
    QTest::newRow("parenthesis") << with("a) b") << true;
    QTest::newRow("fake fields") << with(") R 1 2 3 4 5 6 7 (") << true;
    QTest::newRow("newline") << with("a\nb") << true;
    QTest::newRow("empty name") << with("") << true;
    QTest::newRow("no trailing newline") << QByteArray(validStat).chopped(1) << true;

    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("garbage") << QByteArray("hello world") << false;
    QTest::newRow("no pid") << QByteArray(validStat).mid(6) << false;
    QTest::newRow("no close") << QByteArray("1 (cat R 1 2 3") << false;
    QTest::newRow("reversed") << QByteArray("1 )cat( R 1 2 3") << false;
    QTest::newRow("truncated") << QByteArray(validStat).left(60) << false;
    QTest::newRow("only name") << QByteArray("1 (cat)") << false;
    QByteArray doubleSpace = validStat;
    doubleSpace.replace(" 7 3 ", " 7  3 ");
    QTest::newRow("empty field") << doubleSpace << false;
    QByteArray letters = validStat;
    letters.replace(" 3133440 ", " 31x3440 ");
    QTest::newRow("letter in vsize") << letters << false;
    QByteArray negativeRss = validStat;
    negativeRss.replace(" 381 ", " -381 ");
    QTest::newRow("negative rss") << negativeRss << false;
    QByteArray signedTicks = validStat;
    signedTicks.replace(" 7 3 ", " +7 3 ");
    QTest::newRow("plus sign") << signedTicks << false;
    QByteArray overflow = validStat;
    overflow.replace(" 3133440 ", " 99999999999999999999999 ");
    QTest::newRow("overflow") << overflow << false;
}

void tst_ProcFs::parseStat()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);

    const auto stat = ProcFs::parseStat(std::string_view(text.constData(), size_t(text.size())));
    QCOMPARE(stat.has_value(), valid);
    if (!valid)
        return;
    QCOMPARE(stat->userTicks, std::uint64_t(7));
    QCOMPARE(stat->systemTicks, std::uint64_t(3));
    QCOMPARE(stat->threads, std::int64_t(1));
    QCOMPARE(stat->startTicks, std::uint64_t(136546));
    QCOMPARE(stat->virtualMemoryBytes, std::uint64_t(3133440));
    QCOMPARE(stat->residentPages, std::int64_t(381));
}

// A poor man's fuzzer: every truncation and many random mutations of a valid line
// must parse without reading out of bounds (the sanitizer build watches), and a
// line cut before its rss field must be refused.
void tst_ProcFs::parseStatMangled()
{
    const QByteArray valid = validStat;
    const qsizetype rssEnd = valid.indexOf(" 381 ") + 1;
    for (qsizetype length = 0; length <= valid.size(); ++length) {
        const QByteArray cut = valid.left(length);
        const auto stat = ProcFs::parseStat(std::string_view(cut.constData(), size_t(length)));
        if (length < rssEnd)
            QVERIFY2(!stat, qPrintable(QStringLiteral("accepted a line cut at %1").arg(length)));
    }
    QRandomGenerator random(20260101);
    const char alphabet[] = "0123456789 ()-\n\0xR";
    for (int round = 0; round < 20000; ++round) {
        QByteArray mangled = valid;
        const int edits = 1 + int(random.bounded(4));
        for (int e = 0; e < edits; ++e) {
            const qsizetype pos = qsizetype(random.bounded(quint32(mangled.size())));
            switch (random.bounded(3)) {
            case 0:
                mangled[pos] = alphabet[random.bounded(quint32(sizeof alphabet - 1))];
                break;
            case 1:
                mangled.remove(pos, 1 + qsizetype(random.bounded(8)));
                break;
            default:
                mangled.insert(pos, alphabet[random.bounded(quint32(sizeof alphabet - 1))]);
                break;
            }
            if (mangled.isEmpty())
                break;
        }
        const auto stat
            = ProcFs::parseStat(std::string_view(mangled.constData(), size_t(mangled.size())));
        if (stat) {
            QVERIFY(stat->threads >= 1);
            QVERIFY(stat->residentPages >= 0);
        }
    }
}

void tst_ProcFs::parseBootTime_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qint64>("expected"); // -1: refused

    const QByteArray cpu = "cpu  1 2 3 4\ncpu0 1 2 3 4\nintr 1 2 3\nctxt 99\n";
    QTest::newRow("typical") << cpu + "btime 1795603213\nprocesses 9\n" << qint64(1795603213);
    QTest::newRow("last line") << cpu + "btime 17" << qint64(17);
    QTest::newRow("first line") << QByteArray("btime 5\ncpu 1\n") << qint64(5);
    QTest::newRow("missing") << cpu << qint64(-1);
    QTest::newRow("empty") << QByteArray() << qint64(-1);
    QTest::newRow("not a number") << cpu + "btime soon\n" << qint64(-1);
    QTest::newRow("negative") << cpu + "btime -5\n" << qint64(-1);
    QTest::newRow("prefix only") << cpu + "xbtime 5\n" << qint64(-1);
    QTest::newRow("no value") << cpu + "btime \n" << qint64(-1);
}

void tst_ProcFs::parseBootTime()
{
    QFETCH(QByteArray, text);
    QFETCH(qint64, expected);
    const auto bootTime
        = ProcFs::parseBootTime(std::string_view(text.constData(), size_t(text.size())));
    if (expected < 0) {
        QVERIFY(!bootTime);
    } else {
        QVERIFY(bootTime);
        QCOMPARE(qint64(*bootTime), expected);
    }
}

void tst_ProcFs::readFile()
{
#ifndef Q_OS_LINUX
    QSKIP("reads Linux /proc files");
#else
    QVERIFY(!ProcFs::readFile("/nonexistent/file"));
    QVERIFY(!ProcFs::readFile("/proc/self/stat", 10)); // larger than allowed
    const auto stat = ProcFs::readFile("/proc/self/stat");
    QVERIFY(stat);
    QVERIFY(ProcFs::parseStat(*stat));
    const auto system = ProcFs::readFile("/proc/stat");
    QVERIFY(system);
    QVERIFY(ProcFs::parseBootTime(*system));
#endif
}

QTEST_GUILESS_MAIN(tst_ProcFs)
#include "tst_procfs.moc"
