// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// Prometheus' own linter judges what every mode serves.

#include <QtPrometheusExporter/PrometheusExporter>

#include <QtCore/qfileinfo.h>
#include <QtCore/qprocess.h>
#include <QtTest/qtest.h>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/summary.h>

#include "httptestclient.h"

class tst_Promtool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void checkMetrics_data();
    void checkMetrics();
};

void tst_Promtool::initTestCase()
{
    if (!QFileInfo(QStringLiteral(PROMTOOL_EXECUTABLE)).isExecutable())
        QFAIL("promtool not found: install the Debian package 'prometheus'");
}

void tst_Promtool::checkMetrics_data()
{
    QTest::addColumn<PrometheusExporter::Mode>("mode");
    QTest::addColumn<bool>("failing");
    QTest::newRow("plain") << PrometheusExporter::Mode::Plain << false;
    QTest::newRow("notify") << PrometheusExporter::Mode::Notify << false;
    QTest::newRow("repeat") << PrometheusExporter::Mode::Repeat << false;
    QTest::newRow("notify, failing") << PrometheusExporter::Mode::Notify << true;
}

void tst_Promtool::checkMetrics()
{
    QFETCH(PrometheusExporter::Mode, mode);
    QFETCH(bool, failing);

    PrometheusExporter exporter;
    exporter.setPort(0);
    exporter.setMode(mode);
    exporter.setInterval(std::chrono::milliseconds(20));
    exporter.setStatusMetricName(QStringLiteral("promtool_test"));
    auto &registry = *exporter.registry();
    auto &updates = prometheus::BuildCounter()
                        .Name("promtool_test_updates_total")
                        .Help("Updates done by the application.")
                        .Register(registry)
                        .Add({{"source", "test"}});
    auto &gauge = prometheus::BuildGauge()
                      .Name("promtool_test_temperature_celsius")
                      .Help("A gauge with \"quotes\" in label values.")
                      .Register(registry)
                      .Add({{"room", "living \"room\"\\n"}});
    prometheus::BuildHistogram()
        .Name("promtool_test_latency_seconds")
        .Help("A histogram.")
        .Register(registry)
        .Add({}, prometheus::Histogram::BucketBoundaries {0.1, 1, 10})
        .Observe(0.5);
    prometheus::BuildSummary()
        .Name("promtool_test_size_bytes")
        .Help("A summary.")
        .Register(registry)
        .Add({}, prometheus::Summary::Quantiles {{0.5, 0.05}, {0.9, 0.01}})
        .Observe(100);
    connect(&exporter, &PrometheusExporter::scrapeRequested, this, [&](PrometheusUpdate) {
        updates.Increment();
        gauge.Set(21.5);
    });
    connect(&exporter, &PrometheusExporter::intervalElapsed, this,
            [&](PrometheusUpdate) { updates.Increment(); });
    if (failing)
        exporter.setStatusFailing(QStringLiteral("backend down:\nretrying"));
    QVERIFY(exporter.start());
    if (mode == PrometheusExporter::Mode::Repeat)
        QTRY_VERIFY(updates.Value() >= 1);

    const auto response = httpGet(exporter.port(), "/metrics");
    QVERIFY(response);
    QCOMPARE(response->statusCode, failing ? 500 : 200);
    QVERIFY(response->body.contains("promtool_test_updates_total"));
    QVERIFY(response->body.contains("prometheus_exporter_requests_total"));

    QProcess promtool;
    promtool.start(QStringLiteral(PROMTOOL_EXECUTABLE),
                   {QStringLiteral("check"), QStringLiteral("metrics")});
    QVERIFY(promtool.waitForStarted());
    promtool.write(response->body);
    promtool.closeWriteChannel();
    QVERIFY(promtool.waitForFinished(30000));
    const QByteArray output = promtool.readAllStandardOutput() + promtool.readAllStandardError();
    QVERIFY2(promtool.exitStatus() == QProcess::NormalExit && promtool.exitCode() == 0,
             (output + "\n--- body ---\n" + response->body).constData());
}

QTEST_GUILESS_MAIN(tst_Promtool)
#include "tst_promtool.moc"
