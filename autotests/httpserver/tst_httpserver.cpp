// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// The HTTP behaviour of the exporter (SPEC §4), seen from a raw socket.

#include <QtPrometheusExporter/PrometheusExporter>

#include <QtCore/qtimer.h>
#include <QtTest/qtest.h>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "httptestclient.h"
#include "testgauges.h"

namespace {
constexpr char textContentType[] = "text/plain; version=0.0.4; charset=utf-8; escaping=underscores";
constexpr char protobufContentType[] = "application/vnd.google.protobuf; "
                                       "proto=io.prometheus.client.MetricFamily; "
                                       "encoding=delimited; escaping=underscores";
// What Prometheus 2.42 sends with native histograms switched on.
constexpr char protobufFirstAccept[]
    = "Accept: application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
      "encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,"
      "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,"
      "*/*;q=0.1";

// The names of the MetricFamily messages of a delimited protobuf body (each
// starts with its name, field 1), or nothing when the frames do not fill it.
// tst_protobufwriter decodes such bodies with protoc; this only finds them.
std::optional<QList<QByteArray>> protobufFamilyNames(const QByteArray &body)
{
    const auto varint = [&body](qsizetype &pos) -> std::optional<quint64> {
        quint64 value = 0;
        for (int shift = 0; pos < body.size() && shift < 64; shift += 7) {
            const auto byte = quint8(body.at(pos++));
            value |= quint64(byte & 0x7f) << shift;
            if (!(byte & 0x80))
                return value;
        }
        return std::nullopt;
    };
    QList<QByteArray> names;
    qsizetype pos = 0;
    while (pos < body.size()) {
        const auto length = varint(pos);
        if (!length || *length > quint64(body.size() - pos) || *length < 2 || body.at(pos) != 0x0a)
            return std::nullopt;
        const qsizetype end = pos + qsizetype(*length);
        qsizetype namePos = pos + 1;
        const auto nameLength = varint(namePos);
        if (!nameLength || *nameLength > quint64(end - namePos))
            return std::nullopt;
        names.append(body.mid(namePos, qsizetype(*nameLength)));
        pos = end;
    }
    return names;
}
} // namespace

class tst_HttpServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void getServesMetrics();
    void headHasHeadersAndNoBody();
    void otherMethods_data();
    void otherMethods();
    void landingPage();
    void unknownPathIs404();
    void queryStringDoesNotChangeRoute();
    void customPath();
    void keepAliveServesManyRequests();
    void answersAreSentWithoutNagleDelay_data();
    void answersAreSentWithoutNagleDelay();
    void pipelinedAnswersInOrder();
    void pipelinedAroundDeferredAnswerStayInOrder();
    void connectionCloseIsHonoured();
    void http10ClosesAfterResponse();
    void http10KeepAliveStaysOpen();
    void gzipWhenAccepted();
    void noGzipForTinyBodiesOrWhenDisabled();
    void nameFilter();
    void protobufWhenAsked();
    void garbageThenNormalScrape();
    void requestWithBodyIsAnsweredAndClosed();

private:
    std::unique_ptr<PrometheusExporter> m_exporter;
};

void tst_HttpServer::init()
{
    m_exporter = std::make_unique<PrometheusExporter>();
    m_exporter->setPort(0);
    m_exporter->setMode(PrometheusExporter::Mode::Plain);
    // Runtime metrics change between two scrapes; these tests compare bodies.
    m_exporter->setRuntimeMetricsEnabled(false);
    prometheus::BuildCounter()
        .Name("test_requests_total")
        .Help("A counter.")
        .Register(*m_exporter->registry())
        .Add({{"kind", "a"}})
        .Increment(3);
    QVERIFY(m_exporter->start());
}

void tst_HttpServer::cleanup()
{
    m_exporter.reset();
}

void tst_HttpServer::getServesMetrics()
{
    const auto response = httpGet(m_exporter->port(), "/metrics");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    QCOMPARE(response->statusLine, QByteArray("HTTP/1.1 200 OK"));
    QCOMPARE(response->header("Content-Type"), QByteArray(textContentType));
    QCOMPARE(response->headerCount("Content-Type"), 1);
    QCOMPARE(response->headerCount("Content-Length"), 1);
    QCOMPARE(response->header("Content-Length").toLongLong(), response->body.size());
    QVERIFY(response->body.contains("# TYPE test_requests_total counter\n"));
    QCOMPARE(sampleValue(response->body, "test_requests_total{kind=\"a\"}"),
             std::optional<double>(3));
    QCOMPARE(m_exporter->url().toString(),
             QStringLiteral("http://127.0.0.1:%1/metrics").arg(m_exporter->port()));
}

void tst_HttpServer::headHasHeadersAndNoBody()
{
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto head = client.read(true);
    QVERIFY(head);
    QCOMPARE(head->statusCode, 200);
    QCOMPARE(head->header("Content-Type"), QByteArray(textContentType));
    QVERIFY(head->header("Content-Length").toLongLong() > 0);
    // No body follows: the next bytes on the connection are the next response.
    client.sendGet("/metrics");
    const auto get = client.read();
    QVERIFY(get);
    QCOMPARE(get->statusLine, QByteArray("HTTP/1.1 200 OK"));
    QVERIFY(client.pending().isEmpty());
}

void tst_HttpServer::otherMethods_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    for (const char *method : {"POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "BREW"}) {
        QTest::addRow("%s /metrics", method) << QByteArray(method) << QByteArray("/metrics");
        QTest::addRow("%s /", method) << QByteArray(method) << QByteArray("/");
    }
}

void tst_HttpServer::otherMethods()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send(method + ' ' + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->statusCode, 405);
    QCOMPARE(response->header("Allow"), QByteArray("GET, HEAD"));
}

void tst_HttpServer::landingPage()
{
    const auto response = httpGet(m_exporter->port(), "/");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    QCOMPARE(response->header("Content-Type"), QByteArray("text/html; charset=utf-8"));
    QVERIFY(response->body.contains("<a href=\"/metrics\">"));
}

void tst_HttpServer::unknownPathIs404()
{
    for (const char *path : {"/metricsx", "/metrics/", "/favicon.ico", "/x/../metrics"}) {
        const auto response = httpGet(m_exporter->port(), path);
        QVERIFY(response);
        QCOMPARE(response->statusCode, 404);
        QVERIFY(response->body.contains("/metrics"));
    }
}

void tst_HttpServer::queryStringDoesNotChangeRoute()
{
    const auto response = httpGet(m_exporter->port(), "/metrics?foo=bar");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    QVERIFY(response->body.contains("test_requests_total"));
}

void tst_HttpServer::customPath()
{
    m_exporter->setPath(QStringLiteral("stats/prom"));
    QCOMPARE(m_exporter->path(), QStringLiteral("/stats/prom"));
    auto response = httpGet(m_exporter->port(), "/stats/prom");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    response = httpGet(m_exporter->port(), "/metrics");
    QCOMPARE(response->statusCode, 404);
    QVERIFY(response->body.contains("/stats/prom"));
    response = httpGet(m_exporter->port(), "/");
    QVERIFY(response->body.contains("href=\"/stats/prom\""));
}

void tst_HttpServer::keepAliveServesManyRequests()
{
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    for (int i = 0; i < 50; ++i) {
        client.sendGet("/metrics");
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->statusCode, 200);
    }
    QCOMPARE(client.socket().state(), QAbstractSocket::ConnectedState);
}

void tst_HttpServer::answersAreSentWithoutNagleDelay_data()
{
    QTest::addColumn<int>("series");
    // A small body goes out with its header in one write; a large one (over
    // 64 KiB) in a write of its own, shared with the render.
    QTest::newRow("small body") << 10;
    QTest::newRow("large body") << 3000;
}

void tst_HttpServer::answersAreSentWithoutNagleDelay()
{
    QFETCH(int, series);
    addGauges(*m_exporter->registry(), "test_nagle_value", series); // a small or large body

    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    for (int i = 0; i < 3; ++i) {
        client.sendGet("/metrics");
        const auto response = client.read();
        QVERIFY(response);
        QCOMPARE(response->statusCode, 200);
        QCOMPARE(response->header("Content-Length").toLongLong(), response->body.size());
        QVERIFY(response->body.contains("test_nagle_value{id=\"" + QByteArray::number(series - 1)
                                        + "\"} " + QByteArray::number(series - 1) + '\n'));
    }
    QVERIFY(client.pending().isEmpty());

    // A response written in more than one write() would have its last segment
    // held back by Nagle's algorithm until the client's delayed ACK (40 ms on
    // Linux): every accepted connection must have TCP_NODELAY set.
    const auto sockets = m_exporter->findChildren<QTcpSocket *>();
    QCOMPARE(sockets.size(), 1);
    QCOMPARE(sockets.first()->socketOption(QAbstractSocket::LowDelayOption).toInt(), 1);
}

void tst_HttpServer::pipelinedAnswersInOrder()
{
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"
                "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto first = client.read();
    const auto second = client.read();
    const auto third = client.read(true);
    const auto fourth = client.read();
    QVERIFY(first && second && third && fourth);
    QCOMPARE(first->statusCode, 200);
    QVERIFY(first->body.contains("test_requests_total"));
    QCOMPARE(second->statusCode, 404);
    QCOMPARE(third->statusCode, 200);
    QCOMPARE(fourth->header("Content-Type"), QByteArray("text/html; charset=utf-8"));
}

void tst_HttpServer::pipelinedAroundDeferredAnswerStayInOrder()
{
    // Notify mode: the scrape is answered late, the 404 behind it could be
    // answered at once but must not overtake it.
    m_exporter->setMode(PrometheusExporter::Mode::Notify);
    connect(m_exporter.get(), &PrometheusExporter::scrapeRequested, this,
            [this](PrometheusUpdate update) {
                QTimer::singleShot(100, this, [update]() mutable { update.release(); });
            });
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto first = client.read();
    const auto second = client.read();
    QVERIFY(first && second);
    QCOMPARE(first->statusCode, 200);
    QCOMPARE(second->statusCode, 404);
}

void tst_HttpServer::connectionCloseIsHonoured()
{
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    QCOMPARE(response->header("Connection"), QByteArray("close"));
    QVERIFY(client.waitForClosed());
}

void tst_HttpServer::http10ClosesAfterResponse()
{
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send("GET /metrics HTTP/1.0\r\n\r\n");
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    QVERIFY(client.waitForClosed());
}

void tst_HttpServer::http10KeepAliveStaysOpen()
{
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send("GET /metrics HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    QVERIFY(client.read());
    client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.0\r\n\r\n");
    QVERIFY(client.read());
    const auto last = client.read();
    QVERIFY(last);
    QCOMPARE(last->header("Connection"), QByteArray("close"));
    QVERIFY(client.waitForClosed());
}

void tst_HttpServer::gzipWhenAccepted()
{
    auto &family = prometheus::BuildCounter()
                       .Name("test_many_total")
                       .Help("Many series.")
                       .Register(*m_exporter->registry());
    for (int i = 0; i < 200; ++i)
        family.Add({{"id", std::to_string(i)}}).Increment(i);
    m_exporter->setSelfMetricsEnabled(false); // so that both scrapes see the same bytes

    const auto plain = httpGet(m_exporter->port(), "/metrics");
    QVERIFY(plain);
    QVERIFY(plain->header("Content-Encoding").isEmpty());
    QCOMPARE(plain->header("Vary"), QByteArray("Accept-Encoding"));

    const auto zipped = httpGet(m_exporter->port(), "/metrics", {"Accept-Encoding: gzip"});
    QVERIFY(zipped);
    QCOMPARE(zipped->statusCode, 200);
    QCOMPARE(zipped->header("Content-Encoding"), QByteArray("gzip"));
    QCOMPARE(zipped->header("Vary"), QByteArray("Accept-Encoding"));
    QCOMPARE(zipped->header("Content-Type"), QByteArray(textContentType));
    QVERIFY(zipped->body.size() < plain->body.size() / 2);
    QCOMPARE(gunzip(zipped->body), plain->body);

    // q=0 means no.
    const auto refused = httpGet(m_exporter->port(), "/metrics", {"Accept-Encoding: gzip;q=0"});
    QVERIFY(refused);
    QVERIFY(refused->header("Content-Encoding").isEmpty());
    QCOMPARE(refused->body, plain->body);
}

void tst_HttpServer::noGzipForTinyBodiesOrWhenDisabled()
{
    m_exporter->setSelfMetricsEnabled(false);
    auto response = httpGet(m_exporter->port(), "/metrics", {"Accept-Encoding: gzip"});
    QVERIFY(response);
    QVERIFY(response->body.size() < 1024);
    QVERIFY(response->header("Content-Encoding").isEmpty());

    m_exporter->setSelfMetricsEnabled(true);
    m_exporter->setCompressionEnabled(false);
    response = httpGet(m_exporter->port(), "/metrics", {"Accept-Encoding: gzip"});
    QVERIFY(response);
    QVERIFY(response->body.size() >= 1024);
    QVERIFY(response->header("Content-Encoding").isEmpty());
    QVERIFY(response->header("Vary").isEmpty());
}

void tst_HttpServer::nameFilter()
{
    auto response
        = httpGet(m_exporter->port(), "/metrics?name[]=test_requests_total&name[]=no_such_family");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    QVERIFY(response->body.contains("test_requests_total{kind=\"a\"} 3"));
    QVERIFY(!response->body.contains("prometheus_exporter_"));

    // Percent-encoded brackets, and two families.
    response = httpGet(m_exporter->port(),
                       "/metrics?name%5B%5D=test_requests_total&name%5B%5D="
                       "prometheus_exporter_requests_in_flight");
    QVERIFY(response->body.contains("test_requests_total"));
    QVERIFY(response->body.contains("prometheus_exporter_requests_in_flight"));
    QVERIFY(!response->body.contains("prometheus_exporter_requests_total"));

    // Unknown names: an empty, valid body.
    response = httpGet(m_exporter->port(), "/metrics?name[]=nothing");
    QCOMPARE(response->statusCode, 200);
    QVERIFY(response->body.isEmpty());
}

void tst_HttpServer::protobufWhenAsked()
{
    auto &family = prometheus::BuildCounter()
                       .Name("test_many_total")
                       .Help("Many series.")
                       .Register(*m_exporter->registry());
    for (int i = 0; i < 200; ++i)
        family.Add({{"id", std::to_string(i)}}).Increment(i);
    m_exporter->setSelfMetricsEnabled(false); // so that both scrapes see the same bytes

    const auto plain = httpGet(m_exporter->port(), "/metrics", {protobufFirstAccept});
    QVERIFY(plain);
    QCOMPARE(plain->statusCode, 200);
    QCOMPARE(plain->header("Content-Type"), QByteArray(protobufContentType));
    QVERIFY(plain->header("Content-Encoding").isEmpty());
    QCOMPARE(protobufFamilyNames(plain->body),
             std::make_optional(QList<QByteArray> {"test_requests_total", "test_many_total"}));

    const auto zipped
        = httpGet(m_exporter->port(), "/metrics", {protobufFirstAccept, "Accept-Encoding: gzip"});
    QVERIFY(zipped);
    QCOMPARE(zipped->header("Content-Type"), QByteArray(protobufContentType));
    QCOMPARE(zipped->header("Content-Encoding"), QByteArray("gzip"));
    QCOMPARE(gunzip(zipped->body), plain->body);

    const auto filtered
        = httpGet(m_exporter->port(), "/metrics?name[]=test_many_total", {protobufFirstAccept});
    QVERIFY(filtered);
    QCOMPARE(protobufFamilyNames(filtered->body),
             std::make_optional(QList<QByteArray> {"test_many_total"}));

    // A failing application answers 500 in text, whatever was asked: only the
    // text format can carry the comment lines that say why.
    m_exporter->setStatus(PrometheusExporter::Status::Failing, QStringLiteral("disk full"));
    const auto failing = httpGet(m_exporter->port(), "/metrics", {protobufFirstAccept});
    QVERIFY(failing);
    QCOMPARE(failing->statusCode, 500);
    QCOMPARE(failing->header("Content-Type"), QByteArray(textContentType));
    QVERIFY(failing->body.startsWith("# disk full\n"));
}

void tst_HttpServer::garbageThenNormalScrape()
{
    for (const QByteArray &garbage :
         {QByteArray("GARBAGE\r\n\r\n"), QByteArray("GET\r\n\r\n"), QByteArray("\x00\x01\x02", 3),
          QByteArray("GET /metrics HTTP/1.1\r\nNoColonHere\r\n\r\n")}) {
        HttpTestClient bad;
        QVERIFY(bad.connectTo(m_exporter->port()));
        bad.send(garbage);
        bad.read(false, 500); // whatever comes, if anything
        const auto response = httpGet(m_exporter->port(), "/metrics");
        QVERIFY(response);
        QCOMPARE(response->statusCode, 200);
    }
}

void tst_HttpServer::requestWithBodyIsAnsweredAndClosed()
{
    HttpTestClient client;
    QVERIFY(client.connectTo(m_exporter->port()));
    client.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->statusCode, 405);
    // We do not follow request bodies, so the connection is not reused.
    QVERIFY(client.waitForClosed());
}

QTEST_GUILESS_MAIN(tst_HttpServer)
#include "tst_httpserver.moc"
