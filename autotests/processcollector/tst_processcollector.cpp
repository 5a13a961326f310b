// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// ProcessCollector against what the kernel says about this very test process,
// and the /proc parsers on hand-made and mangled input.

#include <QtPrometheusExporter/ProcessCollector>

#include <QtCore/qdatetime.h>
#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qrandom.h>
#include <QtTest/qtest.h>

#include <prometheus/metric_family.h>

#include "collectors/procfs_p.h"

#include <cmath>
#include <limits>
#include <map>
#include <optional>

#ifdef Q_OS_LINUX
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

using namespace QtPrometheusPrivate;

namespace {
struct Collected
{
    std::map<std::string, double> values;
    std::map<std::string, prometheus::MetricType> types;

    std::optional<double> value(const std::string &name) const
    {
        const auto found = values.find(name);
        return found == values.end() ? std::nullopt : std::optional<double>(found->second);
    }
};

Collected collect(const ProcessCollector &collector)
{
    Collected result;
    for (const auto &family : collector.Collect()) {
        if (family.metric.size() != 1)
            qFatal("family %s has %zu metrics", family.name.c_str(), family.metric.size());
        const auto &metric = family.metric.front();
        result.types[family.name] = family.type;
        result.values[family.name] = family.type == prometheus::MetricType::Counter
            ? metric.counter.value
            : metric.gauge.value;
    }
    return result;
}

#ifdef Q_OS_LINUX
// Independent readings, done the obvious way with Qt, for comparison.
QList<QByteArray> statFields()
{
    QFile file(QStringLiteral("/proc/self/stat"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = file.readAll();
    // Fields from 3 (state) on, so that field n is at index n - 3.
    return text.mid(text.lastIndexOf(')') + 2).trimmed().split(' ');
}

qint64 statusValue(const QByteArray &key)
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(key + ':'))
            return line.mid(key.size() + 1).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

double rusageCpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// An unlimited resource is expected as 2^64 - 1, as Go's client reports it.
double limitValue(const rlimit &value)
{
    return value.rlim_cur == RLIM_INFINITY ? double(std::numeric_limits<quint64>::max())
                                           : double(value.rlim_cur);
}

int openFdsByQDir()
{
    // QDir's own listing holds one descriptor open while it reads.
    return int(QDir(QStringLiteral("/proc/self/fd"))
                   .entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)
                   .size())
        - 1;
}
#endif

const char validStat[]
    = "16879 (cat) R 16876 16876 13944 0 -1 4194304 102 0 0 0 7 3 0 0 20 0 1 0 136546 3133440 "
      "381 18446744073709551615 93866071351296 93866071371177 140730479395312 0 0 0 0 0 0 0 "
      "0 0 17 1 0 0 0 0 0 93866071387184 93866071388800 93866087837696 140730479401410 "
      "140730479401430 140730479401430 140730479402987 0\n";
} // namespace

class tst_ProcessCollector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void families();
    void agreesWithKernel();
    void cpuTimeGrows();
    void openedFdShowsUp();
    void collectLeaksNoFd();

    void parseStat_data();
    void parseStat();
    void parseStatMangled();
    void parseBootTime_data();
    void parseBootTime();
    void readFile();
};

void tst_ProcessCollector::initTestCase()
{
#ifndef Q_OS_LINUX
    QSKIP("compares with Linux /proc");
#endif
    QVERIFY(ProcessCollector::isSupported());
}

void tst_ProcessCollector::families()
{
    ProcessCollector collector;
    const Collected collected = collect(collector);
    using prometheus::MetricType;
    const std::map<std::string, MetricType> expected = {
        {"process_cpu_seconds_total", MetricType::Counter},
        {"process_open_fds", MetricType::Gauge},
        {"process_max_fds", MetricType::Gauge},
        {"process_virtual_memory_bytes", MetricType::Gauge},
        {"process_virtual_memory_max_bytes", MetricType::Gauge},
        {"process_resident_memory_bytes", MetricType::Gauge},
        {"process_start_time_seconds", MetricType::Gauge},
        {"process_threads", MetricType::Gauge},
    };
    QString names;
    for (const auto &[name, type] : collected.types)
        names += QString::fromStdString(name) + QLatin1Char(' ');
    QVERIFY2(collected.types == expected, qPrintable(names));
    for (const auto &family : collector.Collect()) {
        QVERIFY(!family.help.empty());
        QVERIFY(family.metric.front().label.empty());
    }
}

void tst_ProcessCollector::agreesWithKernel()
{
#ifndef Q_OS_LINUX
    QSKIP("compares with Linux /proc and getrusage()");
#else
    ProcessCollector collector;
    const double cpuBefore = rusageCpuSeconds();
    const QList<QByteArray> before = statFields();
    const Collected c = collect(collector);
    const QList<QByteArray> after = statFields();
    const double cpuAfter = rusageCpuSeconds();
    QVERIFY(before.size() >= 22 && after.size() >= 22);

    const double ticks = double(sysconf(_SC_CLK_TCK));
    const double pageSize = double(sysconf(_SC_PAGESIZE));

    // CPU time: between the getrusage() readings around it, and within two clock
    // ticks of /proc's (coarser) figure.
    const double cpu = *c.value("process_cpu_seconds_total");
    QVERIFY2(cpu >= cpuBefore && cpu <= cpuAfter, qPrintable(QString::number(cpu)));
    const double procCpu = double(after[14 - 3].toLongLong() + after[15 - 3].toLongLong()) / ticks;
    QVERIFY2(std::abs(cpu - procCpu) <= 2 / ticks + 0.005,
             qPrintable(QStringLiteral("%1 vs %2").arg(cpu).arg(procCpu)));

    // Memory moves a little between the readings; allow 16 MiB either way.
    constexpr double memoryTolerance = 16.0 * 1024 * 1024;
    const double vsize = *c.value("process_virtual_memory_bytes");
    QVERIFY(vsize > 0);
    QVERIFY(std::abs(vsize - after[23 - 3].toDouble()) <= memoryTolerance);
    QVERIFY(std::abs(vsize - double(statusValue("VmSize")) * 1024) <= memoryTolerance);
    const double rss = *c.value("process_resident_memory_bytes");
    QVERIFY(rss > 0);
    QVERIFY(std::abs(rss - after[24 - 3].toDouble() * pageSize) <= memoryTolerance);
    QVERIFY(std::abs(rss - double(statusValue("VmRSS")) * 1024) <= memoryTolerance);
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    QVERIFY(rss <= double(usage.ru_maxrss) * 1024 + memoryTolerance); // maxrss is in KiB

    QCOMPARE(*c.value("process_threads"), double(statusValue("Threads")));
    QCOMPARE(*c.value("process_threads"),
             double(QDir(QStringLiteral("/proc/self/task"))
                        .entryList(QDir::Dirs | QDir::NoDotAndDotDot)
                        .size()));

    rlimit files {};
    QCOMPARE(getrlimit(RLIMIT_NOFILE, &files), 0);
    QCOMPARE(*c.value("process_max_fds"), limitValue(files));
    rlimit addressSpace {};
    QCOMPARE(getrlimit(RLIMIT_AS, &addressSpace), 0);
    QCOMPARE(*c.value("process_virtual_memory_max_bytes"), limitValue(addressSpace));
    QCOMPARE(*c.value("process_open_fds"), double(openFdsByQDir()));

    // Start time: boot time plus the start tick, and a moment ago.
    QFile stat(QStringLiteral("/proc/stat"));
    QVERIFY(stat.open(QIODevice::ReadOnly));
    double bootTime = 0;
    for (const QByteArray &line : stat.readAll().split('\n')) {
        if (line.startsWith("btime "))
            bootTime = line.mid(6).toDouble();
    }
    QVERIFY(bootTime > 0);
    const double start = *c.value("process_start_time_seconds");
    QVERIFY(std::abs(start - (bootTime + after[22 - 3].toDouble() / ticks)) <= 1);
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000;
    QVERIFY2(start <= now + 1 && start > now - 600,
             qPrintable(QStringLiteral("start %1, now %2").arg(start).arg(now)));
#endif
}

void tst_ProcessCollector::cpuTimeGrows()
{
#ifndef Q_OS_LINUX
    QSKIP("its getrusage() reading (rusageCpuSeconds) is Linux-only here");
#else
    ProcessCollector collector;
    const double before = *collect(collector).value("process_cpu_seconds_total");
    const double rusageBefore = rusageCpuSeconds();
    volatile double sink = 0;
    while (rusageCpuSeconds() - rusageBefore < 0.05)
        sink = sink + std::sqrt(double(QRandomGenerator::global()->generate()));
    const double after = *collect(collector).value("process_cpu_seconds_total");
    QVERIFY2(after - before >= 0.05, qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(after)));
#endif
}

void tst_ProcessCollector::openedFdShowsUp()
{
#ifndef Q_OS_LINUX
    QSKIP("counts descriptors in Linux /proc/self/fd");
#else
    ProcessCollector collector;
    const double before = *collect(collector).value("process_open_fds");
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    QVERIFY(fd >= 0);
    const double during = *collect(collector).value("process_open_fds");
    QCOMPARE(during, double(openFdsByQDir()));
    ::close(fd);
    const double after = *collect(collector).value("process_open_fds");
    QCOMPARE(during, before + 1);
    QCOMPARE(after, before);
#endif
}

void tst_ProcessCollector::collectLeaksNoFd()
{
    ProcessCollector collector;
    const double before = *collect(collector).value("process_open_fds");
    for (int i = 0; i < 500; ++i)
        (void)collector.Collect();
    QCOMPARE(*collect(collector).value("process_open_fds"), before);
}

void tst_ProcessCollector::parseStat_data()
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

void tst_ProcessCollector::parseStat()
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
void tst_ProcessCollector::parseStatMangled()
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

void tst_ProcessCollector::parseBootTime_data()
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

void tst_ProcessCollector::parseBootTime()
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

void tst_ProcessCollector::readFile()
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

QTEST_GUILESS_MAIN(tst_ProcessCollector)
#include "tst_processcollector.moc"
