// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// QtRuntimeCollector: the info metrics, the event-loop lag of the main thread and
// of a worker thread, the probes' lifetime, and both collectors as promtool and a
// scraper see them.

#include <QtPrometheusExporter/ProcessCollector>
#include <QtPrometheusExporter/PrometheusExporter>
#include <QtPrometheusExporter/QtRuntimeCollector>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qprocess.h>
#include <QtCore/qregularexpression.h>
#include <QtCore/qthread.h>
#include <QtTest/qtest.h>

#include <prometheus/counter.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "httptestclient.h"
#include "scopedthread.h"

#include <atomic>
#include <map>

using namespace std::chrono_literals;

namespace {
const prometheus::MetricFamily *findFamily(const std::vector<prometheus::MetricFamily> &families,
                                           const std::string &name)
{
    for (const auto &family : families) {
        if (family.name == name)
            return &family;
    }
    return nullptr;
}

const prometheus::ClientMetric *findThread(const prometheus::MetricFamily *family,
                                           const std::string &thread)
{
    if (!family)
        return nullptr;
    for (const auto &metric : family->metric) {
        for (const auto &label : metric.label) {
            if (label.name == "thread" && label.value == thread)
                return &metric;
        }
    }
    return nullptr;
}

// One scrape of one thread's lag: cumulative bucket counts by upper bound.
struct Lag
{
    bool found = false;
    std::map<double, std::uint64_t> buckets;
    std::uint64_t count = 0;
    double max = -1;

    // Observations in (lower, upper].
    std::uint64_t between(double lower, double upper) const
    {
        return buckets.at(upper) - buckets.at(lower);
    }
};

Lag scrapeLag(const QtRuntimeCollector &collector, const std::string &thread)
{
    const auto families = collector.Collect();
    Lag lag;
    const auto *histogram = findThread(findFamily(families, "qt_event_loop_lag_seconds"), thread);
    const auto *max = findThread(findFamily(families, "qt_event_loop_lag_max_seconds"), thread);
    if (!histogram || !max)
        return lag;
    lag.found = true;
    for (const auto &bucket : histogram->histogram.bucket)
        lag.buckets[bucket.upper_bound] = bucket.cumulative_count;
    lag.count = histogram->histogram.sample_count;
    lag.max = max->gauge.value;
    return lag;
}

QByteArray promtoolCheck(const QByteArray &body)
{
    QProcess promtool;
    promtool.start(QStringLiteral(PROMTOOL_EXECUTABLE),
                   {QStringLiteral("check"), QStringLiteral("metrics")});
    if (!promtool.waitForStarted())
        return "promtool did not start";
    promtool.write(body);
    promtool.closeWriteChannel();
    if (!promtool.waitForFinished(30000))
        return "promtool did not finish";
    if (promtool.exitStatus() == QProcess::NormalExit && promtool.exitCode() == 0)
        return QByteArray();
    return promtool.readAllStandardOutput() + promtool.readAllStandardError() + "\n--- body ---\n"
        + body;
}

// Blocks the event loop of context's thread for duration, from inside that loop.
void blockEventLoop(QObject *context, std::chrono::milliseconds duration)
{
    QMetaObject::invokeMethod(
        context, [duration] { QThread::msleep(ulong(duration.count())); }, Qt::QueuedConnection);
}
} // namespace

class tst_QtRuntimeCollector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void infoMetrics();
    void histogramShape();
    void blockedMainLoopLandsInItsBucket();
    void maxResetsOnCollect();
    void workerThread();
    void addAndRemoveThreads();
    void probeLifetime();
    void collectFromOtherThread();
    void promtoolAcceptsBothCollectors();
    void servedByExporter();
};

void tst_QtRuntimeCollector::initTestCase()
{
    QCoreApplication::setApplicationName(QStringLiteral("runtime \"test\""));
    QCoreApplication::setApplicationVersion(QStringLiteral("1.2.3"));
    QCoreApplication::setOrganizationName(QStringLiteral("The Authors"));
    if (!QFileInfo(QStringLiteral(PROMTOOL_EXECUTABLE)).isExecutable())
        QFAIL("promtool not found: install the Debian package 'prometheus'");
}

void tst_QtRuntimeCollector::init()
{
    // A timer stopped from the wrong thread, or a probe outliving its thread, says so.
    QTest::failOnWarning(QRegularExpression(QStringLiteral("[Tt]imer")));
}

void tst_QtRuntimeCollector::infoMetrics()
{
    QtRuntimeCollector collector;
    const auto families = collector.Collect();

    const auto *qt = findFamily(families, "qt_info");
    QVERIFY(qt);
    QCOMPARE(qt->type, prometheus::MetricType::Gauge);
    QCOMPARE(qt->metric.size(), std::size_t(1));
    QCOMPARE(qt->metric[0].gauge.value, 1.0);
    QCOMPARE(qt->metric[0].label.size(), std::size_t(1));
    QCOMPARE(qt->metric[0].label[0].name, std::string("version"));
    QCOMPARE(qt->metric[0].label[0].value, std::string(qVersion()));

    const auto *app = findFamily(families, "qt_application_info");
    QVERIFY(app);
    QCOMPARE(app->metric.size(), std::size_t(1));
    QCOMPARE(app->metric[0].gauge.value, 1.0);
    std::map<std::string, std::string> labels;
    for (const auto &label : app->metric[0].label)
        labels[label.name] = label.value;
    const std::map<std::string, std::string> expected
        = {{"name", "runtime \"test\""}, {"version", "1.2.3"}, {"organization", "The Authors"}};
    QVERIFY(labels == expected);

    // The exact text a user and promtool see.
    const std::string text = prometheus::TextSerializer().Serialize(families);
    QVERIFY2(text.find("\nqt_info{version=\"" + std::string(qVersion()) + "\"} 1\n")
                 != std::string::npos,
             text.c_str());
}

void tst_QtRuntimeCollector::histogramShape()
{
    QtRuntimeCollector collector(10ms);
    QCOMPARE(collector.probeInterval(), 10ms);
    QTRY_VERIFY(scrapeLag(collector, "main").count >= 3);

    const auto families = collector.Collect();
    const auto *histogram = findFamily(families, "qt_event_loop_lag_seconds");
    QVERIFY(histogram);
    QCOMPARE(histogram->type, prometheus::MetricType::Histogram);
    const auto *metric = findThread(histogram, "main");
    QVERIFY(metric);
    const std::vector<double> bounds
        = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, qInf()};
    QCOMPARE(metric->histogram.bucket.size(), bounds.size());
    std::uint64_t previous = 0;
    for (std::size_t i = 0; i < bounds.size(); ++i) {
        QCOMPARE(metric->histogram.bucket[i].upper_bound, bounds[i]);
        QVERIFY(metric->histogram.bucket[i].cumulative_count >= previous);
        previous = metric->histogram.bucket[i].cumulative_count;
    }
    QCOMPARE(previous, metric->histogram.sample_count);
    QVERIFY(metric->histogram.sample_sum >= 0);
    QCOMPARE(findFamily(families, "qt_event_loop_lag_max_seconds")->type,
             prometheus::MetricType::Gauge);

    // An idle loop serves a precise timer well within 25 ms.
    const Lag lag = scrapeLag(collector, "main");
    QVERIFY(lag.buckets.at(0.025) * 10 >= lag.count * 9);
}

void tst_QtRuntimeCollector::blockedMainLoopLandsInItsBucket()
{
    // With a 10 ms probe a 300 ms stall is observed as a lag in [290, 300] ms
    // (plus scheduling noise): in the (0.25, 0.5] bucket, and exactly once.
    QtRuntimeCollector collector(10ms);
    QTRY_VERIFY(scrapeLag(collector, "main").count >= 3);
    const Lag before = scrapeLag(collector, "main");

    blockEventLoop(this, 300ms);
    QTRY_VERIFY(scrapeLag(collector, "main").count >= before.count + 2);
    const Lag after = scrapeLag(collector, "main");

    QCOMPARE(after.between(0.25, 0.5) - before.between(0.25, 0.5), std::uint64_t(1));
    QCOMPARE(after.between(0.5, qInf()), before.between(0.5, qInf()));
    QCOMPARE(after.buckets.at(0.25) - before.buckets.at(0.25) + 1, after.count - before.count);
}

void tst_QtRuntimeCollector::maxResetsOnCollect()
{
    QtRuntimeCollector collector(10ms);
    QTRY_VERIFY(scrapeLag(collector, "main").count >= 3);
    (void)collector.Collect();

    blockEventLoop(this, 300ms);
    const std::uint64_t seen = scrapeLag(collector, "main").count;
    // Wait for the late tick without collecting (which would reset the maximum).
    QTest::qWait(400);
    const Lag withStall = scrapeLag(collector, "main");
    QVERIFY(withStall.count > seen);
    QVERIFY2(withStall.max > 0.25 && withStall.max <= 0.5,
             qPrintable(QString::number(withStall.max)));

    // The next scrape starts a new period: the stall is gone from the maximum but
    // stays in the histogram.
    QTest::qWait(50);
    const Lag next = scrapeLag(collector, "main");
    QVERIFY2(next.max < 0.25, qPrintable(QString::number(next.max)));
    QCOMPARE(next.between(0.25, 0.5), withStall.between(0.25, 0.5));
}

void tst_QtRuntimeCollector::workerThread()
{
    ScopedThread worker;
    worker.setObjectName(QStringLiteral("io"));
    QObject context;
    context.moveToThread(&worker);
    worker.start();

    QtRuntimeCollector collector(10ms);
    QVERIFY(collector.addThread(&worker)); // named after objectName()
    QTRY_VERIFY(scrapeLag(collector, "io").count >= 3);
    const Lag before = scrapeLag(collector, "io");
    const Lag mainBefore = scrapeLag(collector, "main");

    blockEventLoop(&context, 300ms);
    QTRY_VERIFY(scrapeLag(collector, "io").count >= before.count + 2);
    const Lag after = scrapeLag(collector, "io");
    const Lag mainAfter = scrapeLag(collector, "main");
    QCOMPARE(after.between(0.25, 0.5) - before.between(0.25, 0.5), std::uint64_t(1));
    // The main thread was not blocked.
    QCOMPARE(mainAfter.between(0.25, qInf()), mainBefore.between(0.25, qInf()));

    // Stopping the thread stops its probe there; the series stays until removed.
    worker.quit();
    QVERIFY(worker.wait(5000));
    QVERIFY(scrapeLag(collector, "io").found);
    QVERIFY(collector.removeThread(&worker));
    QVERIFY(!scrapeLag(collector, "io").found);
    QVERIFY(scrapeLag(collector, "main").found);
}

void tst_QtRuntimeCollector::addAndRemoveThreads()
{
    QtRuntimeCollector collector;
    QVERIFY(!collector.addThread(nullptr));
    QVERIFY(!collector.addThread(QThread::currentThread())); // already measured

    ScopedThread first;
    ScopedThread second;
    QVERIFY(collector.addThread(&first, QStringLiteral("a")));
    QVERIFY(!collector.addThread(&first, QStringLiteral("b"))); // same thread
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("already measured")));
    QVERIFY(!collector.addThread(&second, QStringLiteral("a"))); // same name
    QVERIFY(collector.addThread(&second)); // unnamed, not main
    QVERIFY(scrapeLag(collector, "a").found);
    QVERIFY(scrapeLag(collector, "thread1").found);

    // Info only.
    QVERIFY(collector.removeThread(QThread::currentThread()));
    QVERIFY(collector.removeThread(&first));
    QVERIFY(collector.removeThread(&second));
    QVERIFY(!collector.removeThread(&second));
    const auto families = collector.Collect();
    QCOMPARE(families.size(), std::size_t(2));
    QVERIFY(!findFamily(families, "qt_event_loop_lag_seconds"));
}

void tst_QtRuntimeCollector::probeLifetime()
{
    // The collector goes while the measured thread runs: its probe is deleted
    // there, by that thread's event loop.
    {
        ScopedThread worker;
        worker.start();
        {
            QtRuntimeCollector collector(5ms);
            QVERIFY(collector.addThread(&worker, QStringLiteral("w")));
            QTRY_VERIFY(scrapeLag(collector, "w").count >= 2);
        }
        QTest::qWait(20);
        worker.quit();
        QVERIFY(worker.wait(5000));
    }
    // The thread ends first, then its QThread is destroyed, then the collector.
    {
        QtRuntimeCollector collector(5ms);
        auto *worker = new ScopedThread;
        worker->start();
        QVERIFY(collector.addThread(worker, QStringLiteral("w")));
        QTRY_VERIFY(scrapeLag(collector, "w").count >= 2);
        worker->quit();
        QVERIFY(worker->wait(5000));
        delete worker;
        QVERIFY(scrapeLag(collector, "w").found);
    }
    // A thread added before it starts is measured once it runs, and again after
    // a restart.
    {
        ScopedThread worker;
        QtRuntimeCollector collector(5ms);
        QVERIFY(collector.addThread(&worker, QStringLiteral("w")));
        QTest::qWait(30);
        QCOMPARE(scrapeLag(collector, "w").count, std::uint64_t(0));
        worker.start();
        QTRY_VERIFY(scrapeLag(collector, "w").count >= 2);
        worker.quit();
        QVERIFY(worker.wait(5000));
        const std::uint64_t stopped = scrapeLag(collector, "w").count;
        worker.start();
        QTRY_VERIFY(scrapeLag(collector, "w").count >= stopped + 2);
        worker.quit();
        QVERIFY(worker.wait(5000));
    }
}

void tst_QtRuntimeCollector::collectFromOtherThread()
{
    // Scrapes are rendered on worker threads: Collect() must be safe while the
    // probe writes.
    QtRuntimeCollector collector(1ms);
    std::atomic<bool> done {false};
    std::atomic<int> collected {0};
    QThread *scraper = QThread::create([&] {
        while (!done.load()) {
            const auto families = collector.Collect();
            if (findFamily(families, "qt_event_loop_lag_seconds"))
                ++collected;
        }
    });
    scraper->start();
    QTest::qWait(100);
    done = true;
    QVERIFY(scraper->wait(5000));
    delete scraper;
    QVERIFY(collected.load() > 0);
    QVERIFY(scrapeLag(collector, "main").count > 0);
}

void tst_QtRuntimeCollector::promtoolAcceptsBothCollectors()
{
    auto registry = std::make_shared<prometheus::Registry>();
    prometheus::BuildCounter()
        .Name("runtime_test_events_total")
        .Help("Some application counter.")
        .Register(*registry)
        .Add({{"kind", "a"}})
        .Increment();
    auto process = std::make_shared<ProcessCollector>();
    auto runtime = std::make_shared<QtRuntimeCollector>(10ms);
    QTRY_VERIFY(scrapeLag(*runtime, "main").count >= 3);
    // What a scrape renders: the registry's families, then each collectable's.
    std::vector<prometheus::MetricFamily> families = registry->Collect();
    for (const auto &collectable :
         std::initializer_list<std::shared_ptr<prometheus::Collectable>> {process, runtime}) {
        auto collected = collectable->Collect();
        families.insert(families.end(), collected.begin(), collected.end());
    }
    const std::string text = prometheus::TextSerializer().Serialize(families);
    const QByteArray body(text.data(), qsizetype(text.size()));
    for (const char *name :
         {"process_cpu_seconds_total ", "process_open_fds ", "process_max_fds ",
          "process_virtual_memory_bytes ", "process_virtual_memory_max_bytes ",
          "process_resident_memory_bytes ", "process_start_time_seconds ", "process_threads ",
          "qt_info{", "qt_application_info{", "qt_event_loop_lag_seconds_bucket{",
          "qt_event_loop_lag_seconds_sum{", "qt_event_loop_lag_seconds_count{",
          "qt_event_loop_lag_max_seconds{"}) {
        QVERIFY2(body.contains("\n" + QByteArray(name)), name);
    }
    const QByteArray problems = promtoolCheck(body);
    QVERIFY2(problems.isEmpty(), problems.constData());
}

void tst_QtRuntimeCollector::servedByExporter()
{
    PrometheusExporter exporter;
    exporter.setPort(0);
    exporter.setMode(PrometheusExporter::Mode::Plain);
    exporter.setRuntimeMetricsEnabled(false); // this test registers its own
    auto process = std::make_shared<ProcessCollector>();
    auto runtime = std::make_shared<QtRuntimeCollector>(10ms);
    exporter.registerCollectable(process);
    exporter.registerCollectable(runtime);
    QVERIFY(exporter.start());
    QTRY_VERIFY(scrapeLag(*runtime, "main").count >= 3);

    const auto response = httpGet(exporter.port(), "/metrics");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    const QByteArray &body = response->body;
    QCOMPARE(sampleValue(body, "qt_info{version=\"" + QByteArray(qVersion()) + "\"}"), 1.0);
    QVERIFY(sampleValue(body, "process_resident_memory_bytes").value_or(0) > 0);
    QVERIFY(sampleValue(body, "process_open_fds").value_or(0) > 0);
    QVERIFY(sampleValue(body, "qt_event_loop_lag_seconds_count{thread=\"main\"}").value_or(0) >= 3);
    QVERIFY(body.contains(
        "qt_application_info{name=\"runtime \\\"test\\\"\",version=\"1.2.3\",organization=\"The "
        "Authors\"} 1\n"));
    const QByteArray problems = promtoolCheck(body);
    QVERIFY2(problems.isEmpty(), problems.constData());

    // Gone with the collectables, gone from the scrape.
    process.reset();
    runtime.reset();
    const auto without = httpGet(exporter.port(), "/metrics");
    QVERIFY(without);
    QVERIFY(!without->body.contains("process_"));
    QVERIFY(!without->body.contains("qt_info"));
}

QTEST_GUILESS_MAIN(tst_QtRuntimeCollector)
#include "tst_qtruntimecollector.moc"
