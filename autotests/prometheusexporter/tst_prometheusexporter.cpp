// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include <QtPrometheusExporter/PrometheusExporter>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qpointer.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qtcpserver.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "httptestclient.h"
#include "logcapture.h"
#include "rawsocket.h"
#include "scopedthread.h"
#include "testgauges.h"

using namespace std::chrono_literals;

namespace {
// A gauge in the exporter's registry that the slots under test write.
prometheus::Gauge &addGauge(PrometheusExporter &exporter, const std::string &name)
{
    return prometheus::BuildGauge()
        .Name(name)
        .Help("test gauge")
        .Register(*exporter.registry())
        .Add({});
}

std::unique_ptr<PrometheusExporter> startedExporter(PrometheusExporter::Mode mode)
{
    auto exporter = std::make_unique<PrometheusExporter>();
    exporter->setPort(0);
    exporter->setMode(mode);
    if (!exporter->start())
        qFatal("cannot start exporter: %s", qPrintable(exporter->errorString()));
    return exporter;
}

// A collectable that throws what it is told to, from whatever thread renders.
class ThrowingCollectable : public prometheus::Collectable
{
public:
    enum class Throw { Nothing, StdException, Int };
    std::atomic<Throw> what {Throw::Int};

    std::vector<prometheus::MetricFamily> Collect() const override
    {
        switch (what.load()) {
        case Throw::StdException:
            throw std::runtime_error("sensor unplugged");
        case Throw::Int:
            throw 42; // not a std::exception: nothing may let it escape
        case Throw::Nothing:
            break;
        }
        return {};
    }
};

// Lives in a worker thread; updates the gauge slowly, like real collection work.
class SlowWorker : public QObject
{
    Q_OBJECT
public:
    explicit SlowWorker(prometheus::Gauge *gauge) : m_gauge(gauge) { }
    std::atomic<int> updates {0};
    std::atomic<bool> wrongThread {false};
    QThread *expectedThread = nullptr;

public Q_SLOTS:
    void update(PrometheusUpdate)
    {
        wrongThread = QThread::currentThread() != expectedThread;
        QThread::msleep(50);
        m_gauge->Set(++updates);
    }

private:
    prometheus::Gauge *m_gauge;
};
} // namespace

class tst_PrometheusExporter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void pathNormalisation_data();
    void pathNormalisation();
    void busyPortFailsWithClearError();
    void startOnExistingListener();
    void startAndStopConnectAsSlots();
    void stoppedOnceAnswersAreSent();
    void stopFromScrapeAnsweredSlot();
    void notifyDirectSlotShowsEachUpdate();
    void notifyWorkerThreadSlot();
    void notifyAsyncSlotKeepsCopy();
    void concurrentScrapesJoinOneUpdate();
    void noSlotRendersAtOnce();
    void timeoutAnswersAndCounts();
    void scraperHeaderLowersTimeout();
    void eventLoopRunsWhileUpdatePending();
    void repeatEmitsEveryInterval();
    void repeatHeldUpdateIsNeverSeenHalfDone();
    void clientLeavesWhileUpdatePending();
    void destroyWithUpdatesPending();
    void stopWithScrapesInFlight();
    void stopFromInsideSlot();
    void statusFailing();
    void statusMetricOnlyWhenNamed();
    void selfMetrics();
    void collectableThrowingAnythingIsA500();
    void credentialsCheckedOffThread();
    void warningsOutsideQtCategories();
    void customCollectable();
    void runtimeMetricsSwitch();
};

void tst_PrometheusExporter::defaults()
{
    PrometheusExporter exporter;
    QCOMPARE(exporter.address(), QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(exporter.port(), quint16(9184));
    QCOMPARE(exporter.path(), QStringLiteral("/metrics"));
    QCOMPARE(exporter.mode(), PrometheusExporter::Mode::Notify);
    QCOMPARE(exporter.updateTimeoutAsDuration(), 10s);
    QCOMPARE(exporter.status(), PrometheusExporter::Status::Ok);
    QVERIFY(exporter.statusMetricName().isEmpty());
    QVERIFY(exporter.selfMetricsEnabled());
    QVERIFY(!exporter.isRunning());
    QVERIFY(exporter.url().isEmpty());
    QVERIFY(exporter.registry());
    QVERIFY(PrometheusExporter::defaultRegistry());
    QCOMPARE(PrometheusExporter::defaultRegistry(), PrometheusExporter::defaultRegistry());
}

void tst_PrometheusExporter::pathNormalisation_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("valid");
    QTest::newRow("plain") << "/stats"
                           << "/stats" << true;
    QTest::newRow("no slash") << "stats"
                              << "/stats" << true;
    QTest::newRow("many slashes") << "///stats/x"
                                  << "/stats/x" << true;
    QTest::newRow("spaces trimmed") << "  /stats "
                                    << "/stats" << true;
    QTest::newRow("root") << "/"
                          << "/" << true;
    QTest::newRow("empty") << ""
                           << "" << false;
    QTest::newRow("non-ascii") << QStringLiteral("/m\u00e9trics") << "" << false;
    QTest::newRow("space inside") << "/a b"
                                  << "" << false;
    QTest::newRow("query") << "/metrics?x=1"
                           << "" << false;
}

void tst_PrometheusExporter::pathNormalisation()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QFETCH(bool, valid);
    PrometheusExporter exporter;
    QSignalSpy errors(&exporter, &PrometheusExporter::errorOccurred);
    exporter.setPath(input);
    if (valid) {
        QCOMPARE(exporter.path(), expected);
        QCOMPARE(errors.size(), 0);
    } else {
        QCOMPARE(exporter.path(), QStringLiteral("/metrics"));
        QCOMPARE(errors.size(), 1);
        QCOMPARE(exporter.error(), PrometheusExporter::Error::InvalidPathError);
        QVERIFY(exporter.errorString().contains(QStringLiteral("invalid metrics path")));
    }
}

void tst_PrometheusExporter::busyPortFailsWithClearError()
{
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress::LocalHost, 0));
    PrometheusExporter exporter;
    exporter.setPort(occupier.serverPort());
    QSignalSpy errors(&exporter, &PrometheusExporter::errorOccurred);
    QVERIFY(!exporter.start());
    QVERIFY(!exporter.isRunning());
    QCOMPARE(exporter.error(), PrometheusExporter::Error::AddressInUseError);
    QCOMPARE(exporter.errorString(),
             QStringLiteral("address 127.0.0.1:%1 is already in use").arg(occupier.serverPort()));
    QCOMPARE(errors.size(), 1);

    // The same exporter starts once the port is free again.
    occupier.close();
    QVERIFY(exporter.start());
    QCOMPARE(exporter.error(), PrometheusExporter::Error::NoError);
}

void tst_PrometheusExporter::startOnExistingListener()
{
    QTcpServer listener;
    QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
    const quint16 port = listener.serverPort();
    PrometheusExporter exporter;
    exporter.setMode(PrometheusExporter::Mode::Plain);
    QVERIFY2(exporter.startOn(&listener), qPrintable(exporter.errorString()));
    QCOMPARE(exporter.port(), port);
    QVERIFY(!listener.isListening());
    const auto response = httpGet(port, "/metrics");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);

    QTcpServer notListening;
    PrometheusExporter other;
    QVERIFY(!other.startOn(&notListening));
    QCOMPARE(other.error(), PrometheusExporter::Error::InvalidListenerError);
}

// start() has no overload, so a plain member-function pointer connects it.
void tst_PrometheusExporter::startAndStopConnectAsSlots()
{
    PrometheusExporter exporter;
    exporter.setPort(0);
    QTimer starter;
    starter.setSingleShot(true);
    QTimer stopper;
    stopper.setSingleShot(true);
    connect(&starter, &QTimer::timeout, &exporter, &PrometheusExporter::start);
    connect(&stopper, &QTimer::timeout, &exporter, &PrometheusExporter::stop);
    QSignalSpy running(&exporter, &PrometheusExporter::runningChanged);
    starter.start(0);
    QVERIFY(running.wait(5000));
    QVERIFY(exporter.isRunning());
    stopper.start(0);
    QVERIFY(running.wait(5000));
    QVERIFY(!exporter.isRunning());
}

// stop() comes back at once; stopped() waits until the answer in flight has
// gone out whole, so that an application quitting on it cuts nothing.
void tst_PrometheusExporter::stoppedOnceAnswersAreSent()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Plain);
    exporter->setCompressionEnabled(false);
    addGauges(*exporter->registry(), "test_bulk", 20000); // about 1 MB
    QStringList events;
    connect(exporter.get(), &PrometheusExporter::runningChanged, this, [&events](bool running) {
        events.append(running ? QStringLiteral("running") : QStringLiteral("not running"));
    });
    connect(exporter.get(), &PrometheusExporter::stopped, this,
            [&events] { events.append(QStringLiteral("stopped")); });
    QSignalSpy answered(exporter.get(), &PrometheusExporter::scrapeAnswered);
    QSignalSpy stopped(exporter.get(), &PrometheusExporter::stopped);

    // A client with a 4 KiB receive buffer that reads nothing until told.
    const int fd = connectRaw(exporter->port(), false, 4096);
    QVERIFY(fd >= 0);
    const QByteArray request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    QCOMPARE(::send(fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL),
             ssize_t(request.size()));
    QVERIFY(answered.wait(10000));
    exporter->stop();
    QVERIFY(!exporter->isRunning());
    QVERIFY(!stopped.wait(300)); // most of the body is still unsent

    // Now it reads, while the exporter's thread (this one) keeps sending.
    QByteArray received;
    qsizetype expected = -1;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 10000 && (expected < 0 || received.size() < expected)) {
        char buffer[65536];
        const ssize_t got = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got == 0)
            break;
        if (got > 0)
            received.append(buffer, got);
        const qsizetype headEnd = received.indexOf("\r\n\r\n");
        if (expected < 0 && headEnd > 0) {
            const qsizetype at = received.indexOf("Content-Length: ");
            expected = headEnd + 4
                + received.mid(at + 16, received.indexOf('\r', at) - at - 16).toLongLong();
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    ::close(fd);
    QVERIFY(received.startsWith("HTTP/1.1 200 "));
    QVERIFY2(expected > 500000, qPrintable(QString::number(expected)));
    QCOMPARE(received.size(), expected); // whole
    QTRY_COMPARE_WITH_TIMEOUT(stopped.count(), 1, 5000); // may have come while reading
    QCOMPARE(events, (QStringList {QStringLiteral("not running"), QStringLiteral("stopped")}));
}

// stop() answers the waiting scrapes, and a slot of scrapeAnswered() calls
// stop() again: the inner call does the whole stop, the outer one returns.
void tst_PrometheusExporter::stopFromScrapeAnsweredSlot()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Notify);
    PrometheusUpdate held;
    connect(exporter.get(), &PrometheusExporter::scrapeRequested, this,
            [&held](PrometheusUpdate update) { held = update; });
    connect(exporter.get(), &PrometheusExporter::scrapeAnswered, exporter.get(),
            &PrometheusExporter::stop);
    QSignalSpy running(exporter.get(), &PrometheusExporter::runningChanged);
    HttpTestClient client;
    QVERIFY(client.connectTo(exporter->port()));
    client.sendGet("/metrics");
    QTRY_VERIFY(held.isValid());
    exporter->stop();
    QVERIFY(!exporter->isRunning());
    QCOMPARE(running.count(), 1);
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
}

void tst_PrometheusExporter::notifyDirectSlotShowsEachUpdate()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Notify);
    auto &gauge = addGauge(*exporter, "test_updates");
    int updates = 0;
    connect(exporter.get(), &PrometheusExporter::scrapeRequested, this,
            [&](PrometheusUpdate) { gauge.Set(++updates); });
    for (int k = 1; k <= 5; ++k) {
        const auto response = httpGet(exporter->port(), "/metrics");
        QVERIFY(response);
        QCOMPARE(response->statusCode, 200);
        QCOMPARE(sampleValue(response->body, "test_updates"), std::optional<double>(k));
    }
}

void tst_PrometheusExporter::notifyWorkerThreadSlot()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Notify);
    auto &gauge = addGauge(*exporter, "test_worker_updates");
    ScopedThread thread;
    auto *worker = new SlowWorker(&gauge);
    worker->expectedThread = &thread;
    worker->moveToThread(&thread);
    connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(exporter.get(), &PrometheusExporter::scrapeRequested, worker, &SlowWorker::update);
    thread.start();
    for (int k = 1; k <= 3; ++k) {
        const auto response = httpGet(exporter->port(), "/metrics");
        QVERIFY(response);
        QCOMPARE(sampleValue(response->body, "test_worker_updates"), std::optional<double>(k));
    }
    QVERIFY(!worker->wrongThread);
    thread.quit();
    QVERIFY(thread.wait(5000));
}

void tst_PrometheusExporter::notifyAsyncSlotKeepsCopy()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Notify);
    auto &gauge = addGauge(*exporter, "test_async");
    connect(exporter.get(), &PrometheusExporter::scrapeRequested, this,
            [&](PrometheusUpdate update) {
                // The value lands 100 ms later, from a timer; the scrape must wait for it.
                QTimer::singleShot(100, this, [&gauge, update]() mutable {
                    gauge.Set(42);
                    update.release();
                });
            });
    QElapsedTimer clock;
    clock.start();
    const auto response = httpGet(exporter->port(), "/metrics");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    QCOMPARE(sampleValue(response->body, "test_async"), std::optional<double>(42));
    QVERIFY(clock.elapsed() >= 90);
}

void tst_PrometheusExporter::concurrentScrapesJoinOneUpdate()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Notify);
    auto &gauge = addGauge(*exporter, "test_joined");
    // Counted by hand: a QSignalSpy would keep a copy of the handle forever.
    int requested = 0;
    PrometheusUpdate held;
    connect(exporter.get(), &PrometheusExporter::scrapeRequested, this,
            [&](PrometheusUpdate update) {
                ++requested;
                held = update;
            });

    HttpTestClient clients[5];
    for (auto &client : clients) {
        QVERIFY(client.connectTo(exporter->port()));
        client.sendGet("/metrics");
    }
    // All five requests are parsed and waiting on the one update.
    QTRY_COMPARE(exporter->property("running").toBool(), true);
    QTest::qWait(100);
    QCOMPARE(requested, 1);
    gauge.Set(7);
    held.release();
    for (auto &client : clients) {
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->statusCode, 200);
        QCOMPARE(sampleValue(response->body, "test_joined"), std::optional<double>(7));
    }
    QCOMPARE(requested, 1);
}

void tst_PrometheusExporter::noSlotRendersAtOnce()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Notify);
    addGauge(*exporter, "test_plain_value").Set(3);
    const auto response = httpGet(exporter->port(), "/metrics");
    QVERIFY(response);
    QCOMPARE(sampleValue(response->body, "test_plain_value"), std::optional<double>(3));
}

void tst_PrometheusExporter::timeoutAnswersAndCounts()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Notify);
    exporter->setUpdateTimeout(300ms);
    auto &gauge = addGauge(*exporter, "test_stuck");
    gauge.Set(1);
    PrometheusUpdate never;
    connect(exporter.get(), &PrometheusExporter::scrapeRequested, this,
            [&](PrometheusUpdate update) { never = update; });
    QSignalSpy timedOut(exporter.get(), &PrometheusExporter::updateTimedOut);
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("did not finish in time")));
    QElapsedTimer clock;
    clock.start();
    const auto response = httpGet(exporter->port(), "/metrics");
    QVERIFY(response);
    QVERIFY(clock.elapsed() >= 250);
    QCOMPARE(response->statusCode, 200);
    QCOMPARE(sampleValue(response->body, "test_stuck"), std::optional<double>(1));
    QCOMPARE(timedOut.size(), 1);

    // Counted: once the stuck update is let go, the next scrape shows the timeout.
    never.release();
    QTRY_VERIFY(never.isValid() == false);
    disconnect(exporter.get(), &PrometheusExporter::scrapeRequested, this, nullptr);
    QTest::qWait(10); // let the released update's notification arrive
    const auto next = httpGet(exporter->port(), "/metrics");
    QVERIFY(next);
    QCOMPARE(sampleValue(next->body, "prometheus_exporter_update_timeouts_total"),
             std::optional<double>(1));
}

void tst_PrometheusExporter::scraperHeaderLowersTimeout()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Notify);
    exporter->setUpdateTimeout(60s);
    PrometheusUpdate never;
    connect(exporter.get(), &PrometheusExporter::scrapeRequested, this,
            [&](PrometheusUpdate update) { never = update; });
    QSignalSpy timedOut(exporter.get(), &PrometheusExporter::updateTimedOut);
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("did not finish in time")));
    const auto response
        = httpGet(exporter->port(), "/metrics", {"X-Prometheus-Scrape-Timeout-Seconds: 0.5"});
    // Answered well before the 60 s configured timeout, thanks to the header.
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    QCOMPARE(timedOut.size(), 1);
}

void tst_PrometheusExporter::eventLoopRunsWhileUpdatePending()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Notify);
    PrometheusUpdate held;
    connect(exporter.get(), &PrometheusExporter::scrapeRequested, this,
            [&](PrometheusUpdate update) { held = update; });
    int ticks = 0;
    QTimer ticker;
    ticker.setInterval(10);
    connect(&ticker, &QTimer::timeout, this, [&] { ++ticks; });

    HttpTestClient client;
    QVERIFY(client.connectTo(exporter->port()));
    client.sendGet("/metrics");
    QTRY_VERIFY(held.isValid());
    ticker.start();
    QTest::qWait(300);
    // The exporter's thread kept serving timers while the scrape waited.
    QVERIFY2(ticks >= 10, qPrintable(QString::number(ticks)));
    held.release();
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
}

void tst_PrometheusExporter::repeatEmitsEveryInterval()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Repeat);
    exporter->setInterval(20ms);
    // Counted by hand: a QSignalSpy would keep a copy of the handle forever.
    int ticks = 0;
    bool hold = false;
    PrometheusUpdate held;
    connect(exporter.get(), &PrometheusExporter::intervalElapsed, this,
            [&](PrometheusUpdate update) {
                ++ticks;
                if (hold)
                    held = update;
            });
    QTRY_VERIFY(ticks >= 3);

    // No tick while an update is held.
    hold = true;
    QTRY_VERIFY(held.isValid());
    const int heldAt = ticks;
    QTest::qWait(150); // more than 5 intervals
    QCOMPARE(ticks, heldAt);
    hold = false;
    held.release();
    QTRY_VERIFY(ticks > heldAt);
}

void tst_PrometheusExporter::repeatHeldUpdateIsNeverSeenHalfDone()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Repeat);
    exporter->setInterval(50ms);
    auto &first = addGauge(*exporter, "test_first");
    auto &second = addGauge(*exporter, "test_second");
    int round = 0;
    PrometheusUpdate held;
    connect(exporter.get(), &PrometheusExporter::intervalElapsed, this,
            [&](PrometheusUpdate update) {
                // Half of the update now, the other half 100 ms later.
                first.Set(++round);
                held = update;
                // The exporter as context: the timer must not outlive this test's locals.
                QTimer::singleShot(100, exporter.get(), [&, r = round] {
                    second.Set(r);
                    held.release();
                });
            });
    QTRY_VERIFY(held.isValid());
    for (int i = 0; i < 3; ++i) {
        const auto response = httpGet(exporter->port(), "/metrics");
        QVERIFY(response);
        const auto a = sampleValue(response->body, "test_first");
        const auto b = sampleValue(response->body, "test_second");
        QVERIFY(a && b);
        QCOMPARE(*a, *b);
    }
}

void tst_PrometheusExporter::clientLeavesWhileUpdatePending()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Notify);
    PrometheusUpdate held;
    connect(exporter.get(), &PrometheusExporter::scrapeRequested, this,
            [&](PrometheusUpdate update) { held = update; });
    for (int i = 0; i < 20; ++i) {
        HttpTestClient client;
        QVERIFY(client.connectTo(exporter->port()));
        client.sendGet("/metrics");
        QTRY_VERIFY(held.isValid());
        client.disconnect();
        QTest::qWait(5);
        held.release(); // the answer now goes to a client that is gone
        QTest::qWait(5);
    }
    // Still serving.
    disconnect(exporter.get(), &PrometheusExporter::scrapeRequested, this, nullptr);
    const auto response = httpGet(exporter->port(), "/metrics");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
}

void tst_PrometheusExporter::destroyWithUpdatesPending()
{
    PrometheusUpdate outlives;
    HttpTestClient client;
    {
        auto exporter = startedExporter(PrometheusExporter::Mode::Notify);
        connect(exporter.get(), &PrometheusExporter::scrapeRequested, this,
                [&](PrometheusUpdate update) { outlives = update; });
        QVERIFY(client.connectTo(exporter->port()));
        client.sendGet("/metrics");
        QTRY_VERIFY(outlives.isValid());
    }
    // The waiting scrape was answered on the way out; the handle outlives the exporter.
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    outlives.release();
    QTest::qWait(10); // the release posts nothing to a dead exporter
}

void tst_PrometheusExporter::stopWithScrapesInFlight()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Notify);
    PrometheusUpdate held;
    connect(exporter.get(), &PrometheusExporter::scrapeRequested, this,
            [&](PrometheusUpdate update) { held = update; });
    QSignalSpy running(exporter.get(), &PrometheusExporter::runningChanged);
    HttpTestClient clients[3];
    for (auto &client : clients) {
        QVERIFY(client.connectTo(exporter->port()));
        client.sendGet("/metrics");
    }
    QTRY_VERIFY(held.isValid());
    QTest::qWait(50);
    exporter->stop();
    QVERIFY(!exporter->isRunning());
    QCOMPARE(running.size(), 1);
    for (auto &client : clients) {
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->statusCode, 200);
        QVERIFY(client.waitForClosed());
    }
    held.release();
    QTest::qWait(10);
    // And it starts again.
    QVERIFY(exporter->start());
    disconnect(exporter.get(), &PrometheusExporter::scrapeRequested, this, nullptr);
    QVERIFY(httpGet(exporter->port(), "/metrics"));
}

void tst_PrometheusExporter::stopFromInsideSlot()
{
    QPointer<PrometheusExporter> exporter
        = startedExporter(PrometheusExporter::Mode::Notify).release();
    connect(exporter.data(), &PrometheusExporter::scrapeRequested, this, [&](PrometheusUpdate) {
        exporter->stop();
        delete exporter.data();
    });
    HttpTestClient client;
    QVERIFY(client.connectTo(exporter->port()));
    client.sendGet("/metrics");
    QTRY_VERIFY(exporter.isNull());
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
}

void tst_PrometheusExporter::statusFailing()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Plain);
    addGauge(*exporter, "test_value").Set(5);
    QSignalSpy changed(exporter.get(), &PrometheusExporter::statusChanged);
    exporter->setStatusFailing(QStringLiteral("database unreachable\nsecond line"));
    QCOMPARE(changed.size(), 1);
    auto response = httpGet(exporter->port(), "/metrics");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 500);
    QVERIFY(response->body.startsWith("# database unreachable\n# second line\n"));
    QCOMPARE(sampleValue(response->body, "test_value"), std::optional<double>(5));
    QCOMPARE(response->header("Content-Type"),
             QByteArray("text/plain; version=0.0.4; charset=utf-8; escaping=underscores"));

    exporter->setStatusOk();
    QCOMPARE(exporter->status(), PrometheusExporter::Status::Ok);
    response = httpGet(exporter->port(), "/metrics");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    QVERIFY(!response->body.startsWith("# database"));
}

void tst_PrometheusExporter::statusMetricOnlyWhenNamed()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Plain);
    auto response = httpGet(exporter->port(), "/metrics");
    QVERIFY(response);
    QVERIFY(!response->body.contains("_up "));
    QVERIFY(!response->body.contains("\nup "));

    exporter->setStatusMetricName(QStringLiteral("myapp"));
    response = httpGet(exporter->port(), "/metrics");
    QCOMPARE(sampleValue(response->body, "myapp_up"), std::optional<double>(1));
    exporter->setStatusFailing();
    response = httpGet(exporter->port(), "/metrics");
    QCOMPARE(response->statusCode, 500);
    QCOMPARE(sampleValue(response->body, "myapp_up"), std::optional<double>(0));

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("invalid status metric")));
    exporter->setStatusMetricName(QStringLiteral("bad name"));
    QCOMPARE(exporter->statusMetricName(), QStringLiteral("myapp"));
}

// The library logs in "prometheus.exporter", outside Qt's "qt." categories, so
// an application that silences Qt's own logging still sees its warnings.
void tst_PrometheusExporter::warningsOutsideQtCategories()
{
    PrometheusExporter exporter;
    {
        LogCapture capture(QStringLiteral("qt.*=false"));
        exporter.setStatusMetricName(QStringLiteral("bad name"));
    }
    const auto &messages = LogCapture::messages();
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.at(0).type, QtWarningMsg);
    QCOMPARE(messages.at(0).category, QByteArray("prometheus.exporter"));
    QVERIFY2(messages.at(0).text.contains(QLatin1String("invalid status metric")),
             qPrintable(messages.at(0).text));
}

// Whatever a Collect() throws becomes a 500 saying so, on the render worker
// (the first render, whose cost is unknown) and inline (the cheap ones after).
void tst_PrometheusExporter::collectableThrowingAnythingIsA500()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Plain);
    auto throwing = std::make_shared<ThrowingCollectable>();
    exporter->registerCollectable(throwing);

    for (int i = 0; i < 2; ++i) {
        const auto response = httpGet(exporter->port(), "/metrics");
        QVERIFY(response);
        QCOMPARE(response->statusCode, 500);
        QVERIFY2(response->body.startsWith("# collecting metrics failed: unknown exception\n"),
                 response->body.constData());
    }
    throwing->what = ThrowingCollectable::Throw::StdException;
    auto response = httpGet(exporter->port(), "/metrics");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 500);
    QVERIFY2(response->body.startsWith("# collecting metrics failed: sensor unplugged\n"),
             response->body.constData());

    throwing->what = ThrowingCollectable::Throw::Nothing;
    response = httpGet(exporter->port(), "/metrics");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
}

// New credentials are checked by a key derivation on a thread of the router's
// own and the request continues in the exporter's thread (the TSan stage runs
// this suite); known ones pass at once, changed ones are checked again.
void tst_PrometheusExporter::credentialsCheckedOffThread()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Plain);
    exporter->setBasicAuth(QStringLiteral("prom"), QStringLiteral("right"));
    const QByteArray right = "Authorization: Basic " + QByteArray("prom:right").toBase64();
    const QByteArray wrong = "Authorization: Basic " + QByteArray("prom:wrong").toBase64();
    for (int i = 0; i < 2; ++i) { // derived, then remembered
        const auto response = httpGet(exporter->port(), "/metrics", {right});
        QVERIFY(response);
        QCOMPARE(response->statusCode, 200);
    }
    auto response = httpGet(exporter->port(), "/metrics", {wrong});
    QVERIFY(response);
    QCOMPARE(response->statusCode, 401);

    exporter->setBasicAuth(QStringLiteral("prom"), QStringLiteral("wrong"));
    response = httpGet(exporter->port(), "/metrics", {right});
    QVERIFY(response);
    QCOMPARE(response->statusCode, 401); // remembered no more
    response = httpGet(exporter->port(), "/metrics", {wrong});
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
}

void tst_PrometheusExporter::selfMetrics()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Plain);
    QVERIFY(httpGet(exporter->port(), "/nowhere"));
    QVERIFY(httpGet(exporter->port(), "/metrics"));
    auto response = httpGet(exporter->port(), "/metrics");
    QVERIFY(response);
    // Counted after answering, like promhttp: this scrape is not in its own count.
    QCOMPARE(sampleValue(response->body, "prometheus_exporter_requests_total{code=\"200\"}"),
             std::optional<double>(1));
    QCOMPARE(sampleValue(response->body, "prometheus_exporter_requests_total{code=\"404\"}"),
             std::optional<double>(1));
    QCOMPARE(sampleValue(response->body, "prometheus_exporter_request_duration_seconds_count"),
             std::optional<double>(1));
    QVERIFY(sampleValue(response->body, "prometheus_exporter_response_size_bytes").value_or(0) > 0);
    QCOMPARE(sampleValue(response->body, "prometheus_exporter_requests_in_flight"),
             std::optional<double>(1));
    QCOMPARE(sampleValue(response->body, "prometheus_exporter_update_timeouts_total"),
             std::optional<double>(0));

    exporter->setSelfMetricsEnabled(false);
    response = httpGet(exporter->port(), "/metrics");
    QVERIFY(!response->body.contains("prometheus_exporter_"));
}

void tst_PrometheusExporter::customCollectable()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Plain);
    auto extra = std::make_shared<prometheus::Registry>();
    prometheus::BuildCounter()
        .Name("test_extra_total")
        .Help("extra")
        .Register(*extra)
        .Add({})
        .Increment(4);
    exporter->registerCollectable(extra);
    exporter->registerCollectable(extra); // once only
    auto response = httpGet(exporter->port(), "/metrics");
    QCOMPARE(response->body.count("# TYPE test_extra_total counter"), 1);
    QCOMPARE(sampleValue(response->body, "test_extra_total"), std::optional<double>(4));
    exporter->removeCollectable(extra);
    response = httpGet(exporter->port(), "/metrics");
    QVERIFY(!response->body.contains("test_extra_total"));

    // An expired collectable is skipped.
    {
        auto temporary = std::make_shared<prometheus::Registry>();
        exporter->registerCollectable(temporary);
    }
    response = httpGet(exporter->port(), "/metrics");
    QCOMPARE(response->statusCode, 200);
}

void tst_PrometheusExporter::runtimeMetricsSwitch()
{
    auto exporter = startedExporter(PrometheusExporter::Mode::Plain);
    QVERIFY(exporter->runtimeMetricsEnabled());
    auto response = httpGet(exporter->port(), "/metrics");
    QVERIFY(response);
    QVERIFY(sampleValue(response->body, "process_resident_memory_bytes").value_or(0) > 0);
    QVERIFY(sampleValue(response->body, "process_cpu_seconds_total").has_value());
    QCOMPARE(sampleValue(response->body, "qt_info{version=\"" + QByteArray(qVersion()) + "\"}"),
             std::optional<double>(1));
    QVERIFY(response->body.contains("qt_event_loop_lag_seconds_bucket{thread=\"main\""));

    QSignalSpy changed(exporter.get(), &PrometheusExporter::runtimeMetricsEnabledChanged);
    exporter->setRuntimeMetricsEnabled(false);
    QCOMPARE(changed.size(), 1);
    response = httpGet(exporter->port(), "/metrics");
    QVERIFY(!response->body.contains("process_"));
    QVERIFY(!response->body.contains("qt_"));
}

QTEST_GUILESS_MAIN(tst_PrometheusExporter)
#include "tst_prometheusexporter.moc"
