// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// ProcessCollector against what the kernel says about this very test process
// (its /proc parsers are tested as a unit in tst_procfs).

#include <QtPrometheusExporter/ProcessCollector>

#include <QtCore/qdatetime.h>
#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qrandom.h>
#include <QtTest/qtest.h>

#include <prometheus/metric_family.h>

#include <cmath>
#include <limits>
#include <map>
#include <optional>

#ifdef Q_OS_LINUX
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

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

QTEST_GUILESS_MAIN(tst_ProcessCollector)
#include "tst_processcollector.moc"
