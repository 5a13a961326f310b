// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// RenderScheduler through the exporter: large scrapes are collected,
// serialised and compressed on a worker while the exporter's thread goes on
// serving; scrapes that arrive during a render get the next one; updates never
// overlap a render; stop() and destruction with a render in flight are safe.
// Functional tests only: nothing here is timed.

#include <QtPrometheusExporter/PrometheusExporter>

#include <QtCore/qpointer.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>
#include <QtTest/qtest.h>

#include <prometheus/collectable.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "httptestclient.h"
#include "testgauges.h"

using namespace std::chrono_literals;

namespace {
// A collectable that records the threads it is collected in and, while its
// gate is closed, blocks in Collect() until the test opens it: a render that
// the test holds in the middle of its collection.
class GateCollectable : public prometheus::Collectable
{
public:
    std::vector<prometheus::MetricFamily> Collect() const override
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_threads.push_back(QThread::currentThread());
        ++m_entered;
        m_changed.notify_all();
        m_changed.wait(lock, [this] { return m_open; });
        prometheus::MetricFamily family;
        family.name = "test_gate_collects";
        family.help = "how often the gate was collected";
        family.type = prometheus::MetricType::Gauge;
        prometheus::ClientMetric metric;
        metric.gauge.value = double(m_threads.size());
        family.metric.push_back(metric);
        return {family};
    }

    void close()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_open = false;
    }
    void open()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_open = true;
        m_changed.notify_all();
    }
    int entered() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_entered;
    }
    std::vector<QThread *> threads() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_threads;
    }

private:
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    mutable std::vector<QThread *> m_threads;
    mutable int m_entered = 0;
    bool m_open = true;
};

struct Fixture
{
    std::unique_ptr<PrometheusExporter> exporter;
    std::shared_ptr<GateCollectable> gate = std::make_shared<GateCollectable>();
    prometheus::Gauge *gauge = nullptr;
};

Fixture startedExporter(PrometheusExporter::Mode mode)
{
    Fixture f;
    f.exporter = std::make_unique<PrometheusExporter>();
    f.exporter->setPort(0);
    f.exporter->setMode(mode);
    f.exporter->setRuntimeMetricsEnabled(false);
    f.exporter->registerCollectable(f.gate);
    f.gauge = &prometheus::BuildGauge()
                   .Name("test_value")
                   .Help("test gauge")
                   .Register(*f.exporter->registry())
                   .Add({});
    if (!f.exporter->start())
        qFatal("cannot start exporter: %s", qPrintable(f.exporter->errorString()));
    return f;
}

// Opens the gate from another thread after a while, for calls that block the
// test's thread (stop(), the destructor) while a render waits on the gate.
class DelayedOpen
{
public:
    DelayedOpen(std::shared_ptr<GateCollectable> gate, std::chrono::milliseconds delay)
        : m_thread([gate, delay] {
              std::this_thread::sleep_for(delay);
              gate->open();
          })
    { }
    ~DelayedOpen() { m_thread.join(); }

private:
    std::thread m_thread;
};

// While finished renders are kept for a socket that still sends them, the
// exporter checks on them with this timer; it stops once none is kept.
const QTimer *retireTimerOf(const PrometheusExporter &exporter)
{
    return exporter.findChild<QTimer *>(QStringLiteral("qt_prometheus_retire_timer"));
}

// The exposition's sample lines whose name starts with prefix.
int countSamples(const QByteArray &body, const QByteArray &prefix)
{
    int count = 0;
    for (const QByteArray &line : body.split('\n')) {
        if (line.startsWith(prefix))
            ++count;
    }
    return count;
}
} // namespace

class tst_RenderScheduler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();
    void largeRegistryRendersOffThread();
    void eventLoopServesWhileRendering();
    void scrapesDuringRenderGetTheNextRender();
    void notifyUpdateWaitsForRunningRender();
    void repeatTickWaitsForRunningRender();
    void smallRegistryRendersInlineWhenCheap();
    void stopWithRenderInFlight();
    void stopGivesUpOnStuckRender();
    void destroyWithRenderInFlight();
    void finishedLargeRenderIsNotKeptUntilTheNextScrape();
    void sweepBacksOffWhileAClientStopsReading();
};

void tst_RenderScheduler::cleanup()
{
    qunsetenv("QTPROMETHEUSEXPORTER_INLINE_RENDER_USEC");
}

void tst_RenderScheduler::largeRegistryRendersOffThread()
{
    constexpr int Series = 100000;
    Fixture f = startedExporter(PrometheusExporter::Mode::Plain);
    for (int family = 0; family < Series / 100; ++family) {
        auto &gauges = prometheus::BuildGauge()
                           .Name("test_large_" + std::to_string(family))
                           .Help("large registry")
                           .Register(*f.exporter->registry());
        for (int i = 0; i < 100; ++i)
            gauges.Add({{"id", std::to_string(family * 100 + i)}}).Set(family * 100 + i);
    }
    // A 1 ms timer in the exporter's (this) thread, as in a GUI.
    int ticks = 0;
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    connect(&timer, &QTimer::timeout, this, [&ticks] { ++ticks; });
    timer.start(1);

    for (const bool gzip : {false, true, false}) {
        QList<QByteArray> headers;
        if (gzip)
            headers.append("Accept-Encoding: gzip");
        const auto response = httpGet(f.exporter->port(), "/metrics", headers);
        QVERIFY(response);
        QCOMPARE(response->statusCode, 200);
        QCOMPARE(response->header("Content-Encoding"), gzip ? QByteArray("gzip") : QByteArray());
        const QByteArray body = gzip ? gunzip(response->body) : response->body;
        QCOMPARE(countSamples(body, "test_large_"), Series);
        QCOMPARE(sampleValue(body, "test_large_0{id=\"0\"}"), std::optional<double>(0));
        QCOMPARE(sampleValue(body, "test_large_999{id=\"99999\"}"), std::optional<double>(99999));
    }
    QVERIFY(ticks > 0);
    // Every one of those renders was collected off the exporter's thread.
    const auto threads = f.gate->threads();
    QCOMPARE(threads.size(), std::size_t(3));
    for (QThread *thread : threads)
        QVERIFY(thread != QThread::currentThread());
}

void tst_RenderScheduler::eventLoopServesWhileRendering()
{
    Fixture f = startedExporter(PrometheusExporter::Mode::Plain);
    f.gate->close();
    HttpTestClient scraper;
    QVERIFY(scraper.connectTo(f.exporter->port()));
    scraper.sendGet("/metrics");
    QTRY_COMPARE(f.gate->entered(), 1);
    // The render is stuck in Collect(); the exporter's thread still answers.
    const auto landing = httpGet(f.exporter->port(), "/");
    QVERIFY(landing);
    QCOMPARE(landing->statusCode, 200);
    const auto missing = httpGet(f.exporter->port(), "/nowhere");
    QVERIFY(missing);
    QCOMPARE(missing->statusCode, 404);
    f.gate->open();
    const auto response = scraper.read();
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    QCOMPARE(sampleValue(response->body, "test_gate_collects"), std::optional<double>(1));
    QVERIFY(f.gate->threads().front() != QThread::currentThread());
}

void tst_RenderScheduler::scrapesDuringRenderGetTheNextRender()
{
    Fixture f = startedExporter(PrometheusExporter::Mode::Plain);
    f.gauge->Set(1);
    f.gate->close();
    HttpTestClient first;
    QVERIFY(first.connectTo(f.exporter->port()));
    first.sendGet("/metrics", {"Accept-Encoding: gzip"});
    QTRY_COMPARE(f.gate->entered(), 1); // the registry is collected already

    f.gauge->Set(2);
    HttpTestClient later[4];
    for (int i = 0; i < 4; ++i) {
        QVERIFY(later[i].connectTo(f.exporter->port()));
        later[i].sendGet(
            "/metrics", i % 2 ? QList<QByteArray> {"Accept-Encoding: gzip"} : QList<QByteArray> {});
    }
    QTest::qWait(200); // all four are parsed and waiting
    QCOMPARE(f.gate->entered(), 1);
    f.gate->open();

    const auto response = first.read();
    QVERIFY(response);
    QCOMPARE(sampleValue(gunzip(response->body), "test_value"), std::optional<double>(1));
    QByteArray bodies[2];
    for (int i = 0; i < 4; ++i) {
        const auto next = later[i].read();
        QVERIFY(next);
        QCOMPARE(next->statusCode, 200);
        const QByteArray body = i % 2 ? gunzip(next->body) : next->body;
        QCOMPARE(sampleValue(body, "test_value"), std::optional<double>(2));
        QCOMPARE(sampleValue(body, "test_gate_collects"), std::optional<double>(2));
        // Scrapes answered from one render share the bytes of each encoding.
        if (bodies[i % 2].isEmpty())
            bodies[i % 2] = next->body;
        QCOMPARE(next->body, bodies[i % 2]);
    }
    QCOMPARE(f.gate->entered(), 2); // one render for the four
}

void tst_RenderScheduler::notifyUpdateWaitsForRunningRender()
{
    Fixture f = startedExporter(PrometheusExporter::Mode::Notify);
    int requested = 0;
    connect(f.exporter.get(), &PrometheusExporter::scrapeRequested, this,
            [&](const PrometheusUpdate &) {
                ++requested;
                f.gauge->Set(requested);
            });
    f.gate->close();
    HttpTestClient first;
    QVERIFY(first.connectTo(f.exporter->port()));
    first.sendGet("/metrics");
    QTRY_COMPARE(f.gate->entered(), 1);
    QCOMPARE(requested, 1);

    HttpTestClient second;
    QVERIFY(second.connectTo(f.exporter->port()));
    second.sendGet("/metrics");
    QTest::qWait(200); // parsed and waiting
    // The second scrape's update waits: it would change values under the render.
    QCOMPARE(requested, 1);
    f.gate->open();

    const auto a = first.read();
    QVERIFY(a);
    QCOMPARE(sampleValue(a->body, "test_value"), std::optional<double>(1));
    const auto b = second.read();
    QVERIFY(b);
    QCOMPARE(b->statusCode, 200);
    QCOMPARE(requested, 2);
    QCOMPARE(sampleValue(b->body, "test_value"), std::optional<double>(2));
}

void tst_RenderScheduler::repeatTickWaitsForRunningRender()
{
    Fixture f = startedExporter(PrometheusExporter::Mode::Repeat);
    f.exporter->setInterval(10ms);
    int ticks = 0;
    int ticksDuringRender = 0;
    bool rendering = false;
    connect(f.exporter.get(), &PrometheusExporter::intervalElapsed, this,
            [&](const PrometheusUpdate &) {
                ++ticks;
                if (rendering)
                    ++ticksDuringRender;
                f.gauge->Set(ticks);
            });
    QTRY_VERIFY(ticks >= 2);
    f.gate->close();
    HttpTestClient client;
    QVERIFY(client.connectTo(f.exporter->port()));
    client.sendGet("/metrics");
    QTRY_COMPARE(f.gate->entered(), 1);
    rendering = true;
    QTest::qWait(100); // ten intervals pass while the render is held
    rendering = false;
    f.gate->open();
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    QCOMPARE(ticksDuringRender, 0);
    // The tick that came during the render runs right after it.
    const int before = ticks;
    QTRY_VERIFY(ticks > before);
}

void tst_RenderScheduler::smallRegistryRendersInlineWhenCheap()
{
    // Inline as soon as the cost is known, and known to be below a limit that
    // nothing reaches: only the very first render goes to the worker.
    qputenv("QTPROMETHEUSEXPORTER_INLINE_RENDER_USEC", "100000000");
    {
        Fixture f = startedExporter(PrometheusExporter::Mode::Plain);
        for (int i = 0; i < 3; ++i)
            QVERIFY(httpGet(f.exporter->port(), "/metrics"));
        const auto threads = f.gate->threads();
        QCOMPARE(threads.size(), std::size_t(3));
        QVERIFY(threads[0] != QThread::currentThread());
        QCOMPARE(threads[1], QThread::currentThread());
        QCOMPARE(threads[2], QThread::currentThread());
    }
    // 0: never inline.
    qputenv("QTPROMETHEUSEXPORTER_INLINE_RENDER_USEC", "0");
    {
        Fixture f = startedExporter(PrometheusExporter::Mode::Plain);
        for (int i = 0; i < 3; ++i)
            QVERIFY(httpGet(f.exporter->port(), "/metrics"));
        for (QThread *thread : f.gate->threads())
            QVERIFY(thread != QThread::currentThread());
    }
}

void tst_RenderScheduler::stopWithRenderInFlight()
{
    Fixture f = startedExporter(PrometheusExporter::Mode::Plain);
    f.gauge->Set(1);
    f.gate->close();
    HttpTestClient first;
    QVERIFY(first.connectTo(f.exporter->port()));
    first.sendGet("/metrics");
    QTRY_COMPARE(f.gate->entered(), 1);
    f.gauge->Set(2);
    HttpTestClient second;
    QVERIFY(second.connectTo(f.exporter->port()));
    second.sendGet("/metrics");
    QTest::qWait(200); // parsed and waiting

    {
        DelayedOpen opener(f.gate, 200ms);
        f.exporter->stop(); // waits for the render, then renders the rest at once
    }
    QVERIFY(!f.exporter->isRunning());
    const auto a = first.read();
    QVERIFY(a);
    QCOMPARE(a->statusCode, 200);
    QCOMPARE(sampleValue(a->body, "test_value"), std::optional<double>(1));
    const auto b = second.read();
    QVERIFY(b);
    QCOMPARE(b->statusCode, 200);
    QCOMPARE(sampleValue(b->body, "test_value"), std::optional<double>(2));
    // The scrape that came later was rendered in stop(), in this thread.
    QCOMPARE(f.gate->threads().back(), QThread::currentThread());

    // And it serves again.
    QVERIFY(f.exporter->start());
    const auto again = httpGet(f.exporter->port(), "/metrics");
    QVERIFY(again);
    QCOMPARE(again->statusCode, 200);
}

void tst_RenderScheduler::stopGivesUpOnStuckRender()
{
    Fixture f = startedExporter(PrometheusExporter::Mode::Plain);
    f.gate->close();
    HttpTestClient client;
    QVERIFY(client.connectTo(f.exporter->port()));
    client.sendGet("/metrics");
    QTRY_COMPARE(f.gate->entered(), 1);
    {
        // Opened only after stop() has given up on the render.
        DelayedOpen opener(f.gate, 3000ms);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("did not finish")));
        f.exporter->stop();
        QVERIFY(!f.exporter->isRunning());
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->statusCode, 503);
        // The render's late outcome is dropped, and the exporter starts again.
        QVERIFY(f.exporter->start());
    }
    QTest::qWait(50); // the late outcome's notification is delivered and ignored
    const auto again = httpGet(f.exporter->port(), "/metrics");
    QVERIFY(again);
    QCOMPARE(again->statusCode, 200);
}

void tst_RenderScheduler::destroyWithRenderInFlight()
{
    HttpTestClient client;
    {
        Fixture f = startedExporter(PrometheusExporter::Mode::Plain);
        f.gate->close();
        QVERIFY(client.connectTo(f.exporter->port()));
        client.sendGet("/metrics");
        QTRY_COMPARE(f.gate->entered(), 1);
        DelayedOpen opener(f.gate, 100ms);
        f.exporter.reset(); // waits for the render and answers from it
    }
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);

    // Destroyed from a slot while the next render runs.
    QPointer<PrometheusExporter> exporter;
    {
        Fixture f = startedExporter(PrometheusExporter::Mode::Plain);
        exporter = f.exporter.release();
        auto held = f.gate;
        held->close();
        HttpTestClient a;
        HttpTestClient b;
        QVERIFY(a.connectTo(exporter->port()));
        a.sendGet("/metrics");
        QTRY_COMPARE(held->entered(), 1);
        QVERIFY(b.connectTo(exporter->port()));
        b.sendGet("/metrics");
        QTest::qWait(50);
        connect(
            exporter.data(), &PrometheusExporter::scrapeAnswered, this,
            [&exporter] { delete exporter.data(); }, Qt::DirectConnection);
        {
            DelayedOpen opener(held, 100ms);
            QTRY_VERIFY(exporter.isNull());
        }
        held->open();
        const auto ra = a.read();
        QVERIFY(ra);
        QCOMPARE(ra->statusCode, 200);
        // Whatever b got, it got an answer and nothing crashed.
        QVERIFY(b.read());
    }
}

void tst_RenderScheduler::finishedLargeRenderIsNotKeptUntilTheNextScrape()
{
    Fixture f = startedExporter(PrometheusExporter::Mode::Plain);
    addGauges(*f.exporter->registry(), "test_sweep", 50000); // far beyond the sockets' buffers
    const QTimer *sweep = retireTimerOf(*f.exporter);
    QVERIFY(sweep);

    HttpTestClient client;
    QVERIFY(client.connectTo(f.exporter->port()));
    for (int round = 0; round < 2; ++round) {
        // A client that reads slowly: most of the 1.7 MB body waits in the
        // server's socket, which shares it with the render.
        client.socket().setReadBufferSize(16 * 1024);
        client.sendGet("/metrics");
        QTRY_VERIFY(sweep->isActive());
        client.socket().setReadBufferSize(0);
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->statusCode, 200);
        QCOMPARE(countSamples(response->body, "test_sweep{"), 50000);
        // Freed once sent, without waiting for the next scrape (the sweep looks
        // 0.5 s after the answer, then at growing intervals).
        QTRY_VERIFY_WITH_TIMEOUT(!sweep->isActive(), 20000);
    }
}

void tst_RenderScheduler::sweepBacksOffWhileAClientStopsReading()
{
    Fixture f = startedExporter(PrometheusExporter::Mode::Plain);
    addGauges(*f.exporter->registry(), "test_stalled", 50000);
    const QTimer *sweep = retireTimerOf(*f.exporter);
    QVERIFY(sweep);

    // A client that stops reading keeps its answer shared; the sweep must not
    // wake the exporter's thread twice a second for as long as it stays.
    HttpTestClient client;
    QVERIFY(client.connectTo(f.exporter->port()));
    client.socket().setReadBufferSize(16 * 1024);
    client.sendGet("/metrics");
    QTRY_VERIFY(sweep->isActive());
    // 0.5 s, 1 s, 2 s, 4 s, then every 8 s.
    QTRY_COMPARE_WITH_TIMEOUT(sweep->intervalAsDuration(), 8000ms, 20000);
    QVERIFY(sweep->isActive());

    // Once it reads again, the answer is whole and the render is freed.
    client.socket().setReadBufferSize(0);
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(countSamples(response->body, "test_stalled{"), 50000);
    QTRY_VERIFY_WITH_TIMEOUT(!sweep->isActive(), 20000);
}

QTEST_GUILESS_MAIN(tst_RenderScheduler)
#include "tst_renderscheduler.moc"
