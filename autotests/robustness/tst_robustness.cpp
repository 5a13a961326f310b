// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// Bad input and hostile clients (SPEC §5), each followed by a normal scrape
// that must still get 200, with the process's memory staying bounded.

#include <QtPrometheusExporter/PrometheusExporter>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qfile.h>
#include <QtCore/qtimer.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <prometheus/registry.h>

#include <cerrno>
#include <memory>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "httptestclient.h"
#include "rawsocket.h"
#include "testgauges.h"

using namespace std::chrono_literals;

namespace {
qint64 residentBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return 0;
}

constexpr qint64 MiB = 1024 * 1024;

} // namespace

class tst_Robustness : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void garbageRequests_data();
    void garbageRequests();
    void halfClosedClientGetsEveryAnswer_data();
    void halfClosedClientGetsEveryAnswer();
    void parseErrorComesAfterEarlierAnswers_data();
    void parseErrorComesAfterEarlierAnswers();
    void partialRequestWaitsForTheAnswerBeforeIt();
    void emptyLineAfterRequestKeepsConnection();
    void upgradeRequestIsAnsweredOnce();
    void headerLineThatNeverEnds();
    void fiveThousandHeaders();
    void tooManyHeaderFields();
    void hugeBodyIsNotBuffered();
    void slowlorisIsCut();
    void idleConnectionIsClosed();
    void manyIdleConnectionsDoNotBlockScrapes();
    void slowHeadersAreEvictedForNewcomers();
    void fullOfBusyConnectionsAnswers503();
    void tooManyScrapesInFlight();
    void clientThatNeverReadsIsDropped();
    void unsentAnswersShareOneBudget();
    void fortyNonReadersStayWithinBudget();
    void clientThatStopsReadingIsDroppedAfterIdleTimeout();
    void slowReaderIsNotDropped();
    void pathsWithNulAndDots();
    void tenThousandParameters();
    void basicAuth();
    void wrongPasswordsDoNotStallTheExporter();
    void basicAuthHandler();

private:
    void expectNormalScrape();
    double selfMetric(const QByteArray &sample);
    void addBulkGauges(int count);
    void deferUpdates(std::chrono::milliseconds delay = 20ms);

    std::unique_ptr<PrometheusExporter> m_exporter;
};

void tst_Robustness::init()
{
    m_exporter = std::make_unique<PrometheusExporter>();
    m_exporter->setPort(0);
    m_exporter->setMode(PrometheusExporter::Mode::Plain);
    m_exporter->setRuntimeMetricsEnabled(false);
    QVERIFY(m_exporter->start());
}

void tst_Robustness::cleanup()
{
    m_exporter.reset();
}

void tst_Robustness::expectNormalScrape()
{
    const auto response = httpGet(m_exporter->port(), "/metrics");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
}

double tst_Robustness::selfMetric(const QByteArray &sample)
{
    const auto response = httpGet(m_exporter->port(), "/metrics");
    return response ? sampleValue(response->body, sample).value_or(-1) : -1;
}

void tst_Robustness::addBulkGauges(int count)
{
    addGauges(*m_exporter->registry(), "test_bulk", count);
    m_exporter->setCompressionEnabled(false); // the bytes on the wire are the text's
}

// Each scrape's update completes a little later, from the event loop: answers
// are owed while the client's next bytes arrive.
void tst_Robustness::deferUpdates(std::chrono::milliseconds delay)
{
    m_exporter->setMode(PrometheusExporter::Mode::Notify);
    connect(m_exporter.get(), &PrometheusExporter::scrapeRequested, this,
            [delay](PrometheusUpdate update) {
                QTimer::singleShot(delay, [update]() mutable { update.release(); });
            });
}

void tst_Robustness::garbageRequests_data()
{
    // What each malformed request gets, in order, and whether the connection
    // then serves another request. Without an answer the connection is cut by
    // the header deadline: the request never completes.
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QList<int>>("statuses");
    QTest::addColumn<bool>("keepsConnection");
    const bool qt611 = QT_VERSION >= QT_VERSION_CHECK(6, 11, 0);
    QTest::newRow("garbage") << QByteArray("GARBAGE\r\n\r\n") << QList<int> {400} << false;
    QTest::newRow("no version") << QByteArray("GET /metrics\r\n\r\n") << QList<int> {400} << false;
    QTest::newRow("truncated line") << QByteArray("GET /met") << QList<int> {} << false;
    QTest::newRow("truncated header")
        << QByteArray("GET /metrics HTTP/1.1\r\nHost: x") << QList<int> {} << false;
    QTest::newRow("binary") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)
                            << QList<int> {} << false;
    // Qt takes any version it can read as HTTP/1.1.
    QTest::newRow("bad version") << QByteArray("GET /metrics HTTP/9.9\r\n\r\n") << QList<int> {200}
                                 << true;
    // Qt 6.11 answers this itself (431); older Qt ignores the line.
    QTest::newRow("header without colon")
        << QByteArray("GET /metrics HTTP/1.1\r\nbroken\r\n\r\n")
        << (qt611 ? QList<int> {431} : QList<int> {200}) << !qt611;
    QTest::newRow("bad content-length")
        << QByteArray("GET /metrics HTTP/1.1\r\nContent-Length: -5\r\n\r\n") << QList<int> {200}
        << false;
    // The body is refused unread (405 closes); Qt 6.11 reads on and answers
    // the body's bytes as a request of their own.
    QTest::newRow("bad chunk") << QByteArray("POST /metrics HTTP/1.1\r\nTransfer-Encoding: "
                                             "chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")
                               << (qt611 ? QList<int> {405, 431} : QList<int> {405}) << false;
    // Empty lines before a request are allowed, but not more than the read
    // buffer holds: Qt keeps them until the request is complete.
    QTest::newRow("crlf flood") << QByteArray(100000, '\n') + "GET /metrics HTTP/1.1\r\n\r\n"
                                << QList<int> {400} << false;
    QTest::newRow("some empty lines") << QByteArray(1000, '\n') + "GET /metrics HTTP/1.1\r\n\r\n"
                                      << QList<int> {200} << true;
}

void tst_Robustness::garbageRequests()
{
    QFETCH(QByteArray, raw);
    QFETCH(QList<int>, statuses);
    QFETCH(bool, keepsConnection);
    m_exporter->setRequestHeaderTimeout(500ms);
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send(raw);
    for (int status : std::as_const(statuses)) {
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->statusCode, status);
    }
    if (keepsConnection) {
        client.sendGet("/metrics");
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->statusCode, 200);
    } else {
        QVERIFY(client.waitForClosed(5000));
        QCOMPARE(client.pending(), QByteArray()); // nothing beyond the answers above
    }
    expectNormalScrape();
}

void tst_Robustness::halfClosedClientGetsEveryAnswer_data()
{
    QTest::addColumn<bool>("deferred");
    QTest::addColumn<int>("requests");
    QTest::addColumn<int>("series");
    QTest::newRow("inline, one") << false << 1 << 0;
    QTest::newRow("inline, three pipelined") << false << 3 << 0;
    QTest::newRow("deferred, one") << true << 1 << 0;
    QTest::newRow("deferred, three pipelined") << true << 3 << 0;
    QTest::newRow("deferred, large answers") << true << 2 << 20000;
}

// A client may send its requests and shut its side down (shutdown(SHUT_WR))
// before the answers come: every complete request is still answered.
void tst_Robustness::halfClosedClientGetsEveryAnswer()
{
    QFETCH(bool, deferred);
    QFETCH(int, requests);
    QFETCH(int, series);
    if (series > 0)
        addBulkGauges(series);
    if (deferred)
        deferUpdates();
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send(pipelinedGets(requests));
    QVERIFY(client.finishSending());
    for (int i = 0; i < requests; ++i) {
        const auto response = client.read();
        QVERIFY2(response,
                 qPrintable(QStringLiteral("answer %1 of %2; %3 bytes of it received")
                                .arg(i + 1)
                                .arg(requests)
                                .arg(client.pending().size())));
        QCOMPARE(response->statusCode, 200);
        QVERIFY(response->body.contains(series > 0 ? "test_bulk" : "prometheus_exporter_"));
    }
    QVERIFY(client.waitForClosed(5000));
    QCOMPARE(client.pending(), QByteArray());
}

void tst_Robustness::parseErrorComesAfterEarlierAnswers_data()
{
    QTest::addColumn<bool>("deferred");
    QTest::newRow("inline") << false;
    QTest::newRow("deferred") << true;
}

// Requests that Qt could parse are answered before the 400 for the one it
// could not, then the connection closes.
void tst_Robustness::parseErrorComesAfterEarlierAnswers()
{
    QFETCH(bool, deferred);
    if (deferred)
        deferUpdates();
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send(pipelinedGets(2) + "GARBAGE\r\n\r\n");
    for (int i = 0; i < 2; ++i) {
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->statusCode, 200);
    }
    const auto refusal = client.read();
    QVERIFY(refusal);
    QCOMPARE(refusal->statusCode, 400);
    QCOMPARE(refusal->header("Connection"), QByteArray("close"));
    QVERIFY(client.waitForClosed(5000));
    QCOMPARE(client.pending(), QByteArray());
    QCOMPARE(selfMetric("prometheus_exporter_connections_closed_total{reason=\"bad_request\"}"),
             1.0);
}

// While an answer is owed nothing more is read: the rest of a request begun
// meanwhile is not late, and its deadline starts only when reading resumes.
void tst_Robustness::partialRequestWaitsForTheAnswerBeforeIt()
{
    m_exporter->setRequestHeaderTimeout(300ms);
    deferUpdates(1000ms);
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    const QByteArray second = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    client.send(second + second.left(20));
    QTest::qWait(100);
    client.send(second.mid(20));
    for (int i = 0; i < 2; ++i) {
        const auto response = client.read();
        QVERIFY2(response, qPrintable(QStringLiteral("answer %1").arg(i + 1)));
        QCOMPARE(response->statusCode, 200);
    }
    QCOMPARE(selfMetric("prometheus_exporter_connections_closed_total{reason=\"header_timeout\"}"),
             0.0);
}

// A client may send one empty line after a request; the connection is then
// idle, not awaiting a header.
void tst_Robustness::emptyLineAfterRequestKeepsConnection()
{
    m_exporter->setRequestHeaderTimeout(300ms);
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n\r\n");
    QVERIFY(client.read());
    QVERIFY(!client.waitForClosed(1000)); // well past the header deadline
    client.sendGet("/metrics");
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
}

// Qt closes the connection after a WebSocket upgrade request it will not make:
// the request is answered once, without a 400.
void tst_Robustness::upgradeRequestIsAnsweredOnce()
{
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    QVERIFY(client.waitForClosed(5000));
    QCOMPARE(client.pending(), QByteArray());
    QCOMPARE(selfMetric("prometheus_exporter_connections_closed_total{reason=\"bad_request\"}"),
             0.0);
}

void tst_Robustness::headerLineThatNeverEnds()
{
    m_exporter->setRequestHeaderTimeout(500ms);
    const qint64 before = residentBytes();
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send("GET /metrics HTTP/1.1\r\nX-Endless: ");
    const QByteArray chunk(64 * 1024, 'a');
    // Keep sending while the server lets us: once the header passes the read buffer
    // (64 KiB), which it could never fit, it answers 431 and closes.
    for (int i = 0; i < 400 && client.socket().state() == QAbstractSocket::ConnectedState; ++i) {
        if (client.socket().bytesToWrite() < MiB)
            client.send(chunk);
        QTest::qWait(5);
    }
    QVERIFY(client.waitForClosed(5000));
    QVERIFY2(residentBytes() - before < 32 * MiB,
             qPrintable(QString::number((residentBytes() - before) / MiB)));
    QCOMPARE(
        selfMetric("prometheus_exporter_connections_closed_total{reason=\"header_too_large\"}"),
        1.0);
    expectNormalScrape();
}

void tst_Robustness::fiveThousandHeaders()
{
    QByteArray raw = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 5000; ++i)
        raw += "X-Header-" + QByteArray::number(i) + ": value\r\n";
    raw += "\r\n";
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send(raw);
    // Larger than the read buffer, so it could never be parsed: 431 at once
    // (not a cut at the header deadline), then the connection closes.
    const auto response = client.read(false, 3000);
    QVERIFY(response);
    QCOMPARE(response->statusCode, 431);
    QCOMPARE(response->header("Connection"), QByteArray("close"));
    QVERIFY(client.waitForClosed(5000));
    QCOMPARE(
        selfMetric("prometheus_exporter_connections_closed_total{reason=\"header_too_large\"}"),
        1.0);
    expectNormalScrape();
}

// Qt 6.4 drops every header of a request with more than 100 fields (Accept,
// Authorization...) and answers it as if it had none; the client gets 431.
void tst_Robustness::tooManyHeaderFields()
{
    m_exporter->setBasicAuth(QStringLiteral("prom"), QStringLiteral("right"));
    const QByteArray right = "Authorization: Basic " + QByteArray("prom:right").toBase64();
    QByteArray raw = "GET /metrics HTTP/1.1\r\nHost: x\r\n" + right + "\r\n";
    for (int i = 0; i < 100; ++i)
        raw += "X-" + QByteArray::number(i) + ": v\r\n";
    raw += "\r\n"; // 102 fields, 2 KB
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send(raw);
    const auto response = client.read(false, 3000);
    QVERIFY(response);
    QCOMPARE(response->statusCode, 431);
    QVERIFY(client.waitForClosed(5000));

    // At the limit, a normal request.
    raw.replace("X-98: v\r\nX-99: v\r\n", ""); // 100 fields
    HttpTestClient fine;
    QVERIFY(fine.connectTo(m_exporter->port()));
    fine.send(raw);
    const auto answered = fine.read();
    QVERIFY(answered);
    QCOMPARE(answered->statusCode, 200);
}

void tst_Robustness::hugeBodyIsNotBuffered()
{
    m_exporter->setRequestHeaderTimeout(1s);
    const qint64 before = residentBytes();
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n");
    const QByteArray chunk(256 * 1024, 'b');
    qint64 sent = 0;
    QElapsedTimer clock;
    clock.start();
    while (client.socket().state() == QAbstractSocket::ConnectedState && sent < 1024 * MiB
           && clock.elapsed() < 20000) {
        if (client.socket().bytesToWrite() < 2 * MiB) {
            client.send(chunk);
            sent += chunk.size();
        }
        QTest::qWait(1);
    }
    QVERIFY(client.waitForClosed(5000));
    QVERIFY2(residentBytes() - before < 64 * MiB,
             qPrintable(QString::number((residentBytes() - before) / MiB)));
    expectNormalScrape();
}

void tst_Robustness::slowlorisIsCut()
{
    m_exporter->setRequestHeaderTimeout(500ms);
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    const QByteArray request = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; client.socket().state() == QAbstractSocket::ConnectedState && i < 100; ++i) {
        client.send(QByteArray(1, request.at(i % request.size())));
        QTest::qWait(50);
    }
    QVERIFY(client.waitForClosed(5000));
    QVERIFY(client.pending().isEmpty()); // cut, not answered
    QCOMPARE(selfMetric("prometheus_exporter_connections_closed_total{reason=\"header_timeout\"}"),
             1.0);
    expectNormalScrape();
}

void tst_Robustness::idleConnectionIsClosed()
{
    m_exporter->setIdleTimeout(300ms);
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.sendGet("/metrics");
    QVERIFY(client.read());
    QVERIFY(client.waitForClosed(5000));
    QCOMPARE(selfMetric("prometheus_exporter_connections_closed_total{reason=\"idle_timeout\"}"),
             1.0);
}

void tst_Robustness::manyIdleConnectionsDoNotBlockScrapes()
{
    m_exporter->setRequestHeaderTimeout(60s); // they stay until evicted
    // Plain blocking sockets: 300 idle clients that need no event loop of their own.
    std::vector<int> idle;
    for (int i = 0; i < 300; ++i) {
        const int fd = connectRaw(m_exporter->port());
        QVERIFY(fd >= 0);
        idle.push_back(fd);
        QTest::qWait(1); // lets the server accept: it shares this thread
    }
    // Idle connections beyond the cap make room for newer ones by being evicted;
    // the scrapes below are such newer ones.
    QTRY_VERIFY_WITH_TIMEOUT(
        selfMetric("prometheus_exporter_connections_closed_total{reason=\"evicted\"}") >= 44,
        20000);
    expectNormalScrape();
    QVERIFY(selfMetric("prometheus_exporter_connections") <= 256);
    QCOMPARE(selfMetric("prometheus_exporter_connections_closed_total{reason=\"rejected\"}"), 0.0);
    for (int fd : idle)
        ::close(fd);
}

// A slowloris: every slot held by a request header that never ends. The
// newcomer evicts the one that has waited longest instead of getting 503 until
// the header deadline frees a slot (60 s here, so that only eviction can).
void tst_Robustness::slowHeadersAreEvictedForNewcomers()
{
    m_exporter->setRequestHeaderTimeout(60s);
    m_exporter->setMaxConnections(64);
    std::vector<int> slow;
    for (int i = 0; i < 64; ++i) {
        const int fd = connectRaw(m_exporter->port());
        QVERIFY(fd >= 0);
        const QByteArray partial = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ";
        QCOMPARE(::send(fd, partial.constData(), size_t(partial.size()), MSG_NOSIGNAL),
                 ssize_t(partial.size()));
        slow.push_back(fd);
        QTest::qWait(1); // lets the server accept and read: it shares this thread
    }
    // Each scrape closes its connection after the answer, so the next one finds
    // that slot free again: one eviction makes room for all three.
    for (int i = 0; i < 3; ++i) {
        const auto response = httpGet(m_exporter->port(), "/metrics");
        QVERIFY(response);
        QCOMPARE(response->statusCode, 200);
    }
    QVERIFY(selfMetric("prometheus_exporter_connections_closed_total{reason=\"evicted\"}") >= 1);
    QCOMPARE(selfMetric("prometheus_exporter_connections_closed_total{reason=\"rejected\"}"), 0.0);
    for (int fd : slow)
        ::close(fd);
}

void tst_Robustness::fullOfBusyConnectionsAnswers503()
{
    m_exporter->setMaxConnections(3);
    m_exporter->setMode(PrometheusExporter::Mode::Notify);
    PrometheusUpdate held;
    connect(m_exporter.get(), &PrometheusExporter::scrapeRequested, this,
            [&](PrometheusUpdate update) { held = update; });
    HttpTestClient busy[3];
    for (auto &client : busy) {
        QVERIFY(client.connectTo(m_exporter->port()));
        client.sendGet("/metrics");
    }
    QTRY_VERIFY(held.isValid());
    QTest::qWait(50);
    HttpTestClient newcomer;
    QVERIFY(newcomer.connectTo(m_exporter->port()));
    const auto refused = newcomer.read();
    QVERIFY(refused);
    QCOMPARE(refused->statusCode, 503);
    QVERIFY(newcomer.waitForClosed());

    held.release();
    for (auto &client : busy) {
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->statusCode, 200);
    }
    disconnect(m_exporter.get(), &PrometheusExporter::scrapeRequested, this, nullptr);
    for (auto &client : busy)
        client.disconnect();
    QTRY_VERIFY(selfMetric("prometheus_exporter_connections_closed_total{reason=\"rejected\"}")
                == 1.0);
}

void tst_Robustness::tooManyScrapesInFlight()
{
    m_exporter->setMaxScrapesInFlight(2);
    m_exporter->setMode(PrometheusExporter::Mode::Notify);
    PrometheusUpdate held;
    connect(m_exporter.get(), &PrometheusExporter::scrapeRequested, this,
            [&](PrometheusUpdate update) { held = update; });
    HttpTestClient clients[3];
    for (auto &client : clients) {
        QVERIFY(client.connectTo(m_exporter->port()));
        client.sendGet("/metrics");
    }
    const auto third = clients[2].read();
    QVERIFY(third);
    QCOMPARE(third->statusCode, 503);
    held.release();
    QCOMPARE(clients[0].read()->statusCode, 200);
    QCOMPARE(clients[1].read()->statusCode, 200);
}

void tst_Robustness::clientThatNeverReadsIsDropped()
{
    addBulkGauges(20000);
    [[maybe_unused]] const qint64 before = residentBytes();

    HttpTestClient client;
    client.socket().setReadBufferSize(4096); // reads almost nothing: the window closes
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send(pipelinedGets(300));
    QTRY_VERIFY_WITH_TIMEOUT(
        client.socket().state() == QAbstractSocket::UnconnectedState
            || selfMetric("prometheus_exporter_connections_closed_total{reason=\"write_"
                          "backlog\"}")
                >= 1,
        20000);
#ifndef __SANITIZE_ADDRESS__ // ASan's quarantine keeps freed buffers resident
    // Unbounded, 300 answers of about 1 MB each would stay queued.
    QVERIFY2(residentBytes() - before < 200 * MiB,
             qPrintable(QString::number((residentBytes() - before) / MiB)));
#endif
    expectNormalScrape();
}

// Clients that each take nothing of one answer: together they may hold no more
// than the total budget, and the ones that have waited longest make room.
void tst_Robustness::unsentAnswersShareOneBudget()
{
    addBulkGauges(20000);
    const auto first = httpGet(m_exporter->port(), "/metrics");
    QVERIFY(first);
    m_exporter->setMaxTotalWriteBacklog(2 * first->body.size());
    QSignalSpy answered(m_exporter.get(), &PrometheusExporter::scrapeAnswered);
    const QByteArray get = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    constexpr int Clients = 8;
    std::vector<int> clients;
    for (int i = 0; i < Clients; ++i) {
        const int fd = connectRaw(m_exporter->port(), false, 4096);
        QVERIFY(fd >= 0);
        clients.push_back(fd);
        QCOMPARE(::send(fd, get.constData(), size_t(get.size()), 0), ssize_t(get.size()));
        QTRY_COMPARE(answered.count(), i + 1);
    }
    const double dropped
        = selfMetric("prometheus_exporter_connections_closed_total{reason=\"write_backlog\"}");
    // Each holds most of its 1 MB answer, so only a few fit 2 MB.
    QVERIFY2(dropped >= 1 && dropped < Clients, qPrintable(QString::number(dropped)));
    // The newest client's answer is being sent, not dropped.
    char head[16] = {};
    QCOMPARE(::recv(clients.back(), head, 15, MSG_DONTWAIT), ssize_t(15));
    QCOMPARE(QByteArray(head), QByteArray("HTTP/1.1 200 OK"));
    for (int fd : clients)
        ::close(fd);
    expectNormalScrape();
}

// Forty clients that each read nothing of a different 100 000-series answer
// (2.8 MB: the registry changes between scrapes). Each held answer costs about
// 8 MB of resident memory (its body, and the heap it keeps from shrinking), so
// with a budget of 64 MiB they added 250 MB, with the default of 8 MiB about
// 45 MB.
void tst_Robustness::fortyNonReadersStayWithinBudget()
{
    addBulkGauges(100000);
    auto &changing = prometheus::BuildGauge()
                         .Name("test_changing")
                         .Help("Differs in every answer.")
                         .Register(*m_exporter->registry())
                         .Add({});
    QVERIFY(httpGet(m_exporter->port(), "/metrics")); // the registry's own memory first
    [[maybe_unused]] const qint64 before = residentBytes();
    QSignalSpy answered(m_exporter.get(), &PrometheusExporter::scrapeAnswered);
    const QByteArray get = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    constexpr int Clients = 40;
    std::vector<int> clients;
    for (int i = 0; i < Clients; ++i) {
        changing.Set(i);
        const int fd = connectRaw(m_exporter->port(), false, 4096);
        QVERIFY(fd >= 0);
        clients.push_back(fd);
        QCOMPARE(::send(fd, get.constData(), size_t(get.size()), 0), ssize_t(get.size()));
        QTRY_COMPARE_WITH_TIMEOUT(answered.count(), i + 1, 10000);
    }
    QVERIFY(selfMetric("prometheus_exporter_connections_closed_total{reason=\"write_backlog\"}")
            >= 1);
#ifndef __SANITIZE_ADDRESS__ // ASan's quarantine keeps freed buffers resident
    const qint64 added = residentBytes() - before;
    qInfo("40 non-readers added %lld MiB", added / MiB);
    QVERIFY2(added < 120 * MiB, qPrintable(QString::number(added / MiB)));
#endif
    for (int fd : clients)
        ::close(fd);
}

void tst_Robustness::clientThatStopsReadingIsDroppedAfterIdleTimeout()
{
    // Less than the backlog limit waits for a client that reads nothing: only
    // the idle timeout can free its connection (and a slot of maxConnections).
    addBulkGauges(4000); // about 100 KB per answer
    m_exporter->setIdleTimeout(300ms);
    const int fd = connectRaw(m_exporter->port(), false, 4096);
    QVERIFY(fd >= 0);
    const QByteArray pipeline = pipelinedGets(20);
    QCOMPARE(::send(fd, pipeline.constData(), size_t(pipeline.size()), 0),
             ssize_t(pipeline.size()));
    QTRY_COMPARE_WITH_TIMEOUT(
        selfMetric("prometheus_exporter_connections_closed_total{reason=\"write_timeout\"}"), 1.0,
        10000);
    QCOMPARE(selfMetric("prometheus_exporter_connections_closed_total{reason=\"write_backlog\"}"),
             0.0);
    // Only this scrape's own: the dropped one is gone (earlier scrapes' may still be closing).
    QTRY_COMPARE(selfMetric("prometheus_exporter_connections"), 1.0);
    ::close(fd);
    expectNormalScrape();
}

void tst_Robustness::slowReaderIsNotDropped()
{
    // A client that keeps taking its answers, however slowly, makes progress:
    // the idle timeout starts again with every write. About 2 MB at some
    // 1.3 MB/s takes longer than the timeout.
    addBulkGauges(4000);
    m_exporter->setIdleTimeout(1s);
    const int fd = connectRaw(m_exporter->port(), false, 64 * 1024);
    QVERIFY(fd >= 0);
    constexpr int Answers = 20;
    const QByteArray pipeline = pipelinedGets(Answers);
    QCOMPARE(::send(fd, pipeline.constData(), size_t(pipeline.size()), 0),
             ssize_t(pipeline.size()));
    QByteArray received;
    QElapsedTimer clock;
    clock.start();
    char buffer[16 * 1024];
    bool closed = false;
    while (received.count("HTTP/1.1 200 ") < Answers && !closed && clock.elapsed() < 30000) {
        QTest::qWait(50); // the server runs in this thread
        // At most 64 KiB per turn.
        for (int i = 0; i < 4 && !closed; ++i) {
            const ssize_t got = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (got > 0)
                received.append(buffer, qsizetype(got));
            else if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
                closed = true;
            else
                break;
        }
    }
    ::close(fd);
    QVERIFY2(!closed, "the server closed a connection that was being read");
    QCOMPARE(received.count("HTTP/1.1 200 "), Answers);
    QVERIFY2(clock.elapsed() > 1000, "the answers did not take longer than the timeout");
    QCOMPARE(selfMetric("prometheus_exporter_connections_closed_total{reason=\"write_timeout\"}"),
             0.0);
}

void tst_Robustness::pathsWithNulAndDots()
{
    for (const char *path : {"/metrics%00", "/%2e%2e/metrics", "/x/../metrics", "/./metrics",
                             "//metrics", "/metrics/.."}) {
        const auto response = httpGet(m_exporter->port(), path);
        QVERIFY(response);
        QCOMPARE(response->statusCode, 404);
    }
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send(QByteArray("GET /metr\0ics HTTP/1.1\r\n\r\n", 26));
    client.read(false, 500);
    expectNormalScrape();
}

// Each wrong password costs a key derivation (PBKDF2, about 7 ms), done off the
// exporter's thread: a request with known credentials is answered while the
// wrong ones sent before it are still being checked. Done in the exporter's
// thread, all 60 would be refused before it got its turn.
void tst_Robustness::wrongPasswordsDoNotStallTheExporter()
{
    m_exporter->setBasicAuth(QStringLiteral("prom"), QStringLiteral("right"));
    const QByteArray right = "Authorization: Basic " + QByteArray("prom:right").toBase64();
    const auto first = httpGet(m_exporter->port(), "/metrics", {right});
    QVERIFY(first);
    QCOMPARE(first->statusCode, 200); // known from now on

    constexpr int wrongCount = 60;
    std::vector<std::unique_ptr<HttpTestClient>> wrong;
    for (int i = 0; i < wrongCount; ++i) {
        auto client = std::make_unique<HttpTestClient>();
        QVERIFY(client->connectTo(m_exporter->port()));
        client->sendGet(
            "/metrics",
            {"Authorization: Basic " + ("prom:wrong" + QByteArray::number(i)).toBase64()});
        wrong.push_back(std::move(client));
    }
    HttpTestClient known;
    QVERIFY(known.connectTo(m_exporter->port()));
    known.sendGet("/metrics", {right});
    const auto answered = known.read();
    QVERIFY(answered);
    QCOMPARE(answered->statusCode, 200);

    // The wrong ones whose 401 has arrived so far, in the client socket's buffer
    // or still in the kernel's.
    int refusedAlready = 0;
    for (const auto &client : wrong) {
        char byte;
        if (client->socket().bytesAvailable() > 0 || !client->pending().isEmpty()
            || ::recv(int(client->socket().socketDescriptor()), &byte, 1, MSG_PEEK | MSG_DONTWAIT)
                == 1)
            ++refusedAlready;
    }
    QVERIFY2(refusedAlready < wrongCount, qPrintable(QString::number(refusedAlready)));
    for (const auto &client : wrong) {
        const auto refused = client->read();
        QVERIFY(refused);
        QCOMPARE(refused->statusCode, 401);
    }
}

void tst_Robustness::tenThousandParameters()
{
    // 40 KB of parameters: parsed, and ignored but for name[].
    QByteArray path = "/metrics?";
    for (int i = 0; i < 10000; ++i)
        path += "a=1&";
    auto response = httpGet(m_exporter->port(), path);
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);

    // A request line longer than the read buffer could never be parsed: 414.
    path = "/metrics?";
    for (int i = 0; i < 10000; ++i)
        path += "p" + QByteArray::number(i) + "=1&"; // 79 KB
    response = httpGet(m_exporter->port(), path);
    QVERIFY(response);
    QCOMPARE(response->statusCode, 414);
    expectNormalScrape();
}

void tst_Robustness::basicAuth()
{
    m_exporter->setBasicAuth(QStringLiteral("prom"), QStringLiteral("s3cret:with colon"));
    QVERIFY(m_exporter->isBasicAuthEnabled());
    const QByteArray right
        = "Authorization: Basic " + QByteArray("prom:s3cret:with colon").toBase64();
    const QList<QByteArray> refused = {
        QByteArray(), // none
        "Authorization: Basic " + QByteArray("prom:wrong").toBase64(),
        "Authorization: Basic " + QByteArray("other:s3cret:with colon").toBase64(),
        "Authorization: Basic !!!not-base64!!!",
        "Authorization: Bearer abc",
        "Authorization: Basic",
        "Authorization: Basic " + QByteArray("no colon at all").toBase64(),
        "Authorization: Basic " + QByteArray(5000, 'A'),
    };
    for (const QByteArray &header : refused) {
        const auto response = header.isEmpty() ? httpGet(m_exporter->port(), "/metrics")
                                               : httpGet(m_exporter->port(), "/metrics", {header});
        QVERIFY2(response, header.constData());
        QCOMPARE(response->statusCode, 401);
        QCOMPARE(response->header("WWW-Authenticate"),
                 QByteArray("Basic realm=\"metrics\", charset=\"UTF-8\""));
        QVERIFY(!response->body.contains("prometheus_exporter"));
    }
    // Every path is protected, the landing page too.
    QCOMPARE(httpGet(m_exporter->port(), "/")->statusCode, 401);

    for (int i = 0; i < 3; ++i) { // the second and third use the remembered fingerprint
        const auto response = httpGet(m_exporter->port(), "/metrics", {right});
        QVERIFY(response);
        QCOMPARE(response->statusCode, 200);
    }
    m_exporter->clearBasicAuth();
    expectNormalScrape();
}

void tst_Robustness::basicAuthHandler()
{
    QStringList seen;
    m_exporter->setBasicAuthHandler([&](const QString &user, const QString &password) {
        seen << user;
        return user == QLatin1String("ops") && password == QStringLiteral("p\u00e4ss");
    });
    QCOMPARE(
        httpGet(m_exporter->port(), "/metrics",
                {"Authorization: Basic " + QStringLiteral("ops:p\u00e4ss").toUtf8().toBase64()})
            ->statusCode,
        200);
    QCOMPARE(httpGet(m_exporter->port(), "/metrics",
                     {"Authorization: Basic " + QByteArray("ops:nope").toBase64()})
                 ->statusCode,
             401);
    QCOMPARE(seen, QStringList({QStringLiteral("ops"), QStringLiteral("ops")}));
}

QTEST_GUILESS_MAIN(tst_Robustness)
#include "tst_robustness.moc"
