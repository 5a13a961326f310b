// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// A real Prometheus server (Debian's "prometheus") scrapes exporter-demo in each
// mode, with the Accept and Accept-Encoding it sends by default; its HTTP API
// must then report every target healthy and show the demo's metrics.

#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qprocess.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qurlquery.h>
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
    void cleanupTestCase();

private:
    QJsonObject apiGet(const QByteArray &pathAndQuery);
    std::optional<double> queryValue(const QString &promql);
    bool allTargetsHealthy();

    QNetworkAccessManager m_network;
    QTemporaryDir m_dir;
    std::vector<Demo> m_demos;
    QProcess m_prometheus;
    quint16 m_prometheusPort = 0;
};

void tst_PrometheusServer::initTestCase()
{
    if (!QFile::exists(QStringLiteral(PROMETHEUS_EXECUTABLE)))
        QFAIL("prometheus not found: install the Debian package 'prometheus'");
    QVERIFY(m_dir.isValid());
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
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("query"), promql);
    const QJsonObject answer
        = apiGet("/api/v1/query?" + query.toString(QUrl::FullyEncoded).toUtf8());
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
    return queryValue(QStringLiteral("demo_scrape_updates_total{job=\"notify\"}")).value_or(0) >= 2
        && queryValue(QStringLiteral("prometheus_target_scrapes_sample_out_of_order_total"))
               .has_value();
}

void tst_PrometheusServer::scrapedByRealPrometheus()
{
    for (const char *mode : {"plain", "notify", "repeat"}) {
        Demo demo;
        demo.mode = QString::fromLatin1(mode);
        demo.process = std::make_unique<QProcess>();
        demo.process->start(QStringLiteral(EXPORTER_DEMO_EXECUTABLE),
                            {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                             QStringLiteral("--mode"), demo.mode, QStringLiteral("--interval"),
                             QStringLiteral("200"), QStringLiteral("--series"),
                             QStringLiteral("250")});
        QVERIFY(demo.process->waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(demo.process->canReadLine(), 10000);
        const QByteArray line = demo.process->readLine().trimmed();
        QVERIFY2(line.startsWith("listening on http://127.0.0.1:"), line.constData());
        demo.url = QUrl(QString::fromUtf8(line.mid(qsizetype(strlen("listening on ")))));
        m_demos.push_back(std::move(demo));
    }

    QByteArray config = "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n";
    for (const Demo &demo : m_demos) {
        config += "  - job_name: " + demo.mode.toUtf8() + "\n    static_configs:\n"
            + "      - targets: ['127.0.0.1:" + QByteArray::number(demo.url.port()) + "']\n";
    }
    m_prometheusPort = freePort();
    QVERIFY(m_prometheusPort);
    // Prometheus scrapes itself too, so that its own counters of rejected samples can be asked.
    config += "  - job_name: prometheus\n    static_configs:\n      - targets: ['127.0.0.1:"
        + QByteArray::number(m_prometheusPort) + "']\n";
    QFile file(m_dir.filePath(QStringLiteral("prometheus.yml")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(config);
    file.close();

    m_prometheus.setProcessChannelMode(QProcess::MergedChannels);
    m_prometheus.start(
        QStringLiteral(PROMETHEUS_EXECUTABLE),
        {QStringLiteral("--config.file=") + file.fileName(),
         QStringLiteral("--storage.tsdb.path=") + m_dir.filePath(QStringLiteral("data")),
         QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_prometheusPort),
         QStringLiteral("--log.level=warn")});
    QVERIFY(m_prometheus.waitForStarted());

    // Every target healthy, scraped at least twice without error.
    QTRY_VERIFY_WITH_TIMEOUT(allTargetsHealthy(), 30000);

    for (const Demo &demo : m_demos) {
        const QString job = demo.mode;
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

void tst_PrometheusServer::cleanupTestCase()
{
    stopProcess(m_prometheus);
    for (Demo &demo : m_demos)
        stopProcess(*demo.process);
    if (m_prometheus.exitStatus() == QProcess::CrashExit || QTest::currentTestFailed())
        qInfo().noquote() << m_prometheus.readAll();
}

QTEST_GUILESS_MAIN(tst_PrometheusServer)
#include "tst_prometheusserver.moc"
