// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// A real Prometheus server (Debian's "prometheus") scrapes exporter-demo in each
// mode, with the Accept and Accept-Encoding it sends by default; its HTTP API
// must then report every target healthy and show the demo's metrics.

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qprocess.h>
#include <QtCore/qtemporarydir.h>
#include <QtNetwork/qnetworkaccessmanager.h>
#include <QtNetwork/qnetworkreply.h>
#include <QtNetwork/qtcpserver.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <memory>

#include "httptestclient.h"

namespace {
struct Demo
{
    QString job;
    QString mode;
    std::unique_ptr<QProcess> process;
    QUrl url;
};

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

void stopProcess(QProcess &process)
{
    if (process.state() == QProcess::NotRunning)
        return;
    process.terminate();
    if (!process.waitForFinished(10000)) {
        process.kill();
        process.waitForFinished(5000);
    }
}
} // namespace

class tst_PrometheusServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void scrapedByRealPrometheus();
    void scrapedInProtobuf();
    void cleanup();

private:
    // Starts exporter-demo in mode, scraped as job; its standard error is kept apart.
    bool startDemo(const QString &job, const QString &mode,
                   const QProcessEnvironment &environment
                   = QProcessEnvironment::systemEnvironment());
    // Starts Prometheus scraping every demo started, and itself.
    bool startPrometheus(const QStringList &extraArguments = {});
    QJsonObject apiGet(const QByteArray &pathAndQuery);
    std::optional<double> queryValue(const QString &promql);
    bool allTargetsHealthy();

    QNetworkAccessManager m_network;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::vector<Demo> m_demos;
    std::unique_ptr<QProcess> m_prometheus;
    quint16 m_prometheusPort = 0;
};

void tst_PrometheusServer::initTestCase()
{
    if (!QFile::exists(QStringLiteral(PROMETHEUS_EXECUTABLE)))
        QFAIL("prometheus not found: install the Debian package 'prometheus'");
}

bool tst_PrometheusServer::startDemo(const QString &job, const QString &mode,
                                     const QProcessEnvironment &environment)
{
    Demo demo;
    demo.job = job;
    demo.mode = mode;
    demo.process = std::make_unique<QProcess>();
    demo.process->setProcessEnvironment(environment);
    demo.process->start(QStringLiteral(EXPORTER_DEMO_EXECUTABLE),
                        QStringList {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                     QStringLiteral("--mode"), mode, QStringLiteral("--interval"),
                                     QStringLiteral("200"), QStringLiteral("--series"),
                                     QStringLiteral("250")});
    if (!demo.process->waitForStarted())
        return false;
    QDeadlineTimer deadline(10000);
    while (!demo.process->canReadLine() && !deadline.hasExpired())
        demo.process->waitForReadyRead(int(deadline.remainingTime()));
    const QByteArray line = demo.process->readLine().trimmed();
    if (!line.startsWith("listening on http://127.0.0.1:")) {
        qWarning() << "exporter-demo said" << line;
        return false;
    }
    demo.url = QUrl(QString::fromUtf8(line.mid(qsizetype(strlen("listening on ")))));
    m_demos.push_back(std::move(demo));
    return true;
}

bool tst_PrometheusServer::startPrometheus(const QStringList &extraArguments)
{
    m_dir = std::make_unique<QTemporaryDir>();
    if (!m_dir->isValid())
        return false;
    QByteArray config = "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n";
    for (const Demo &demo : m_demos) {
        config += "  - job_name: " + demo.job.toUtf8() + "\n    static_configs:\n"
            + "      - targets: ['127.0.0.1:" + QByteArray::number(demo.url.port()) + "']\n";
    }
    m_prometheusPort = freePort();
    if (!m_prometheusPort)
        return false;
    // Prometheus scrapes itself too, so that its own counters of rejected samples can be asked.
    config += "  - job_name: prometheus\n    static_configs:\n      - targets: ['127.0.0.1:"
        + QByteArray::number(m_prometheusPort) + "']\n";
    QFile file(m_dir->filePath(QStringLiteral("prometheus.yml")));
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(config);
    file.close();

    m_prometheus = std::make_unique<QProcess>();
    m_prometheus->setProcessChannelMode(QProcess::MergedChannels);
    m_prometheus->start(
        QStringLiteral(PROMETHEUS_EXECUTABLE),
        QStringList {QStringLiteral("--config.file=") + file.fileName(),
                     QStringLiteral("--storage.tsdb.path=")
                         + m_dir->filePath(QStringLiteral("data")),
                     QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_prometheusPort),
                     QStringLiteral("--log.level=warn")}
            + extraArguments);
    return m_prometheus->waitForStarted();
}

QJsonObject tst_PrometheusServer::apiGet(const QByteArray &pathAndQuery)
{
    // Prometheus answers its API in chunks, so a real HTTP client reads it.
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_prometheusPort)
                                 + QString::fromUtf8(pathAndQuery)));
    request.setTransferTimeout(5000);
    std::unique_ptr<QNetworkReply> reply(m_network.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!finished.wait(10000) || reply->error() != QNetworkReply::NoError)
        return QJsonObject();
    return QJsonDocument::fromJson(reply->readAll()).object();
}

std::optional<double> tst_PrometheusServer::queryValue(const QString &promql)
{
    // Every reserved character encoded: a '+' left as it is reads as a space.
    const QJsonObject answer = apiGet("/api/v1/query?query=" + QUrl::toPercentEncoding(promql));
    const QJsonArray result
        = answer.value(QStringLiteral("data")).toObject().value(QStringLiteral("result")).toArray();
    if (result.isEmpty())
        return std::nullopt;
    const QJsonArray value = result.first().toObject().value(QStringLiteral("value")).toArray();
    return value.at(1).toString().toDouble();
}

bool tst_PrometheusServer::allTargetsHealthy()
{
    const QJsonArray targets = apiGet("/api/v1/targets")
                                   .value(QStringLiteral("data"))
                                   .toObject()
                                   .value(QStringLiteral("activeTargets"))
                                   .toArray();
    if (targets.size() != int(m_demos.size()) + 1) // the demos and Prometheus itself
        return false;
    for (const auto &target : targets) {
        const QJsonObject t = target.toObject();
        if (t.value(QStringLiteral("health")).toString() != QLatin1String("up")
            || !t.value(QStringLiteral("lastError")).toString().isEmpty())
            return false;
    }
    // Updated before each scrape, so scraped at least twice.
    for (const Demo &demo : m_demos) {
        if (demo.mode == QLatin1String("notify")
            && queryValue(QStringLiteral("demo_scrape_updates_total{job=\"%1\"}").arg(demo.job))
                    .value_or(0)
                < 2)
            return false;
    }
    return queryValue(QStringLiteral("prometheus_target_scrapes_sample_out_of_order_total"))
        .has_value();
}

void tst_PrometheusServer::scrapedByRealPrometheus()
{
    for (const char *mode : {"plain", "notify", "repeat"})
        QVERIFY(startDemo(QString::fromLatin1(mode), QString::fromLatin1(mode)));
    QVERIFY(startPrometheus());

    // Every target healthy, scraped at least twice without error.
    QTRY_VERIFY_WITH_TIMEOUT(allTargetsHealthy(), 30000);

    for (const Demo &demo : m_demos) {
        const QString &job = demo.job;
        QCOMPARE(queryValue(QStringLiteral("up{job=\"%1\"}").arg(job)), std::optional<double>(1));
        QCOMPARE(queryValue(QStringLiteral("demo_up{job=\"%1\"}").arg(job)),
                 std::optional<double>(1));
        QCOMPARE(
            queryValue(QStringLiteral("count(demo_synthetic_value_0002{job=\"%1\"})").arg(job)),
            std::optional<double>(50));
        // No scrape of any mode failed or was thrown away.
        QCOMPARE(queryValue(QStringLiteral(
                                "prometheus_exporter_requests_total{job=\"%1\",code!=\"200\"} > 0")
                                .arg(job)),
                 std::nullopt);
    }
    QVERIFY(queryValue(QStringLiteral("demo_interval_updates_total{job=\"repeat\"}")).value_or(0)
            >= 1);
    // The scraper's own view: samples were appended, none rejected.
    QCOMPARE(queryValue(QStringLiteral("sum(prometheus_target_scrapes_sample_out_of_order_total)")),
             std::optional<double>(0));
    QCOMPARE(queryValue(
                 QStringLiteral("sum(prometheus_target_scrapes_sample_duplicate_timestamp_total)")),
             std::optional<double>(0));
}

void tst_PrometheusServer::scrapedInProtobuf()
{
    // With native histograms switched on, Prometheus asks for protobuf first.
    // The demo logs each answer's Content-Type, which shows what it was given.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_LOGGING_RULES"),
                       QStringLiteral("prometheus.exporter.debug=true"));
    QVERIFY(startDemo(QStringLiteral("protobuf"), QStringLiteral("notify"), environment));
    QProcess &demo = *m_demos.front().process;
    demo.setReadChannel(QProcess::StandardError);
    QVERIFY(startPrometheus({QStringLiteral("--enable-feature=native-histograms")}));

    QTRY_VERIFY_WITH_TIMEOUT(allTargetsHealthy(), 30000);
    const QByteArray log = demo.readAllStandardError();
    // Prometheus 2.x asks without an escaping (underscores), 3.x may ask for allow-utf-8.
    QVERIFY2(log.contains("scrape answered: 200, application/vnd.google.protobuf; "
                          "proto=io.prometheus.client.MetricFamily; encoding=delimited; "
                          "escaping="),
             log.right(2000).constData());
    QVERIFY2(!log.contains("scrape answered: 200, text/")
                 && !log.contains("scrape answered: 200, application/openmetrics-text"),
             log.right(2000).constData());

    QCOMPARE(queryValue(QStringLiteral("up{job=\"protobuf\"}")), std::optional<double>(1));
    QCOMPARE(queryValue(QStringLiteral("demo_up{job=\"protobuf\"}")), std::optional<double>(1));
    QCOMPARE(queryValue(QStringLiteral("count(demo_synthetic_value_0002{job=\"protobuf\"})")),
             std::optional<double>(50));
    // A classic histogram: its 14 buckets and +Inf once each, +Inf equal to _count.
    QCOMPARE(queryValue(QStringLiteral(
                 "count(prometheus_exporter_request_duration_seconds_bucket{job=\"protobuf\"})")),
             std::optional<double>(15));
    const auto infBucket = queryValue(QStringLiteral(
        "prometheus_exporter_request_duration_seconds_bucket{job=\"protobuf\",le=\"+Inf\"}"));
    QVERIFY(infBucket.value_or(0) >= 1);
    QCOMPARE(queryValue(QStringLiteral(
                 "prometheus_exporter_request_duration_seconds_count{job=\"protobuf\"}")),
             infBucket);
    QCOMPARE(queryValue(
                 QStringLiteral("sum(prometheus_target_scrapes_sample_duplicate_timestamp_total)")),
             std::optional<double>(0));
}

void tst_PrometheusServer::cleanup()
{
    if (m_prometheus) {
        stopProcess(*m_prometheus);
        if (m_prometheus->exitStatus() == QProcess::CrashExit || QTest::currentTestFailed())
            qInfo().noquote() << m_prometheus->readAll();
    }
    m_prometheus.reset();
    for (Demo &demo : m_demos)
        stopProcess(*demo.process);
    m_demos.clear();
    m_dir.reset();
}

QTEST_GUILESS_MAIN(tst_PrometheusServer)
#include "tst_prometheusserver.moc"
