// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// The QML module (import QtPrometheusExporter): the exporter's properties and
// signals and the metric types work from QML, scraped over real HTTP. Also loads
// examples/qml/Main.qml offscreen and scrapes it.

#include "httptestclient.h"

#include <QtCore/QScopedPointer>
#include <QtCore/QUrl>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>
#include <QtQml/QQmlProperty>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

class tst_Qml : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void exporterFromQml();
    void propertiesFromCpp();
    void runningAndErrors();
    void invalidMetricIsReported();
    void qmlExample();

private:
    QObject *create(QQmlEngine &engine, const QByteArray &qml, const QUrl &url = QUrl());
};

namespace {
const QUrl testFile = QUrl::fromLocalFile(QStringLiteral(QML_TEST_DIR "/exporter.qml"));

quint16 portOf(QObject *exporter)
{
    return quint16(exporter->property("url").toUrl().port());
}
} // namespace

void tst_Qml::initTestCase()
{
    QVERIFY(qEnvironmentVariable("QT_QPA_PLATFORM") == QLatin1String("offscreen"));
}

QObject *tst_Qml::create(QQmlEngine &engine, const QByteArray &qml, const QUrl &url)
{
    engine.addImportPath(QStringLiteral(QML_IMPORT_DIR));
    QQmlComponent component(&engine);
    if (qml.isEmpty())
        component.loadUrl(url);
    else
        component.setData(qml, url);
    if (component.isError()) {
        qWarning().noquote() << component.errorString();
        return nullptr;
    }
    QObject *object = component.create();
    if (!object)
        qWarning().noquote() << component.errorString();
    return object;
}

void tst_Qml::exporterFromQml()
{
    QQmlEngine engine;
    QScopedPointer<QObject> exporter(create(engine, QByteArray(), testFile));
    QVERIFY(exporter);

    // Started by itself once the component was complete, with the properties set in QML.
    QVERIFY(exporter->property("running").toBool());
    const QUrl url = exporter->property("url").toUrl();
    QCOMPARE(url.host(), QStringLiteral("127.0.0.1"));
    QCOMPARE(url.path(), QStringLiteral("/qml-metrics"));
    QVERIFY(url.port() > 0);
    QCOMPARE(exporter->property("port").toInt(), url.port());
    QCOMPARE(exporter->property("mode").toInt(), 1); // PrometheusExporter.Notify

    const auto response = httpGet(portOf(exporter.data()), "/qml-metrics");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    const QByteArray &body = response->body;
    QCOMPARE(sampleValue(body, "qml_test_value"), std::optional<double>(12.5));
    QCOMPARE(sampleValue(body, "qml_test_events_total{kind=\"test\"}"), std::optional<double>(3));
    // onScrapeRequested ran before the render: its value is in this very scrape.
    QCOMPARE(sampleValue(body, "qml_test_refreshed"), std::optional<double>(41));
    QVERIFY(body.contains("# HELP qml_test_value Set from QML."));
    QVERIFY(!body.contains("prometheus_exporter_requests_total")); // selfMetricsEnabled: false
    QCOMPARE(exporter->property("scrapeRequests").toInt(), 1);
    QTRY_COMPARE(exporter->property("answered").toInt(), 1);
    QCOMPARE(exporter->property("lastStatusCode").toInt(), 200);

    const auto second = httpGet(portOf(exporter.data()), "/qml-metrics");
    QVERIFY(second);
    QCOMPARE(sampleValue(second->body, "qml_test_refreshed"), std::optional<double>(42));
    QCOMPARE(exporter->property("scrapeRequests").toInt(), 2);
}

void tst_Qml::propertiesFromCpp()
{
    QQmlEngine engine;
    QScopedPointer<QObject> exporter(create(engine, QByteArray(), testFile));
    QVERIFY(exporter);
    QObject *gauge = exporter->findChild<QObject *>(QStringLiteral("fromQml"));
    QObject *counter = exporter->findChild<QObject *>(QStringLiteral("counter"));
    QVERIFY(gauge);
    QVERIFY(counter);
    QVERIFY(gauge->property("registered").toBool());

    QVERIFY(QQmlProperty::write(gauge, QStringLiteral("value"), 7));
    QVERIFY(QMetaObject::invokeMethod(counter, "increment", Q_ARG(double, 2)));
    QCOMPARE(counter->property("value").toDouble(), 5.0);
    // New labels move the series; the old one is gone, the count stays.
    QVERIFY(QQmlProperty::write(counter, QStringLiteral("labels"),
                                QVariantMap {{QStringLiteral("kind"), QStringLiteral("moved")}}));

    auto response = httpGet(portOf(exporter.data()), "/qml-metrics");
    QVERIFY(response);
    QCOMPARE(sampleValue(response->body, "qml_test_value"), std::optional<double>(7));
    QCOMPARE(sampleValue(response->body, "qml_test_events_total{kind=\"moved\"}"),
             std::optional<double>(5));
    QVERIFY(!response->body.contains("kind=\"test\""));

    // A destroyed metric disappears from the next scrape.
    delete gauge;
    response = httpGet(portOf(exporter.data()), "/qml-metrics");
    QVERIFY(response);
    QVERIFY(!sampleValue(response->body, "qml_test_value"));

    // Status from QML: Failing answers 500 with the message as a comment.
    QVERIFY(QMetaObject::invokeMethod(exporter.data(), "setStatusFailing",
                                      Q_ARG(QString, QStringLiteral("database unreachable"))));
    QCOMPARE(exporter->property("status").toInt(), 1); // PrometheusExporter.Failing
    response = httpGet(portOf(exporter.data()), "/qml-metrics");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 500);
    QVERIFY(response->body.startsWith("# database unreachable"));
    QVERIFY(QMetaObject::invokeMethod(exporter.data(), "setStatusOk"));
    QCOMPARE(exporter->property("statusMessage").toString(), QString());
}

void tst_Qml::runningAndErrors()
{
    QQmlEngine engine;
    QScopedPointer<QObject> first(create(engine, QByteArray(), testFile));
    QVERIFY(first);
    const int port = first->property("port").toInt();

    // running: false keeps it stopped; writing true starts it, and a taken port is an error.
    const QByteArray qml = "import QtPrometheusExporter\n"
                           "PrometheusExporter { running: false; port: "
        + QByteArray::number(port)
        + "\n property string lastError\n"
          " onErrorOccurred: (message) => lastError = message }\n";
    QScopedPointer<QObject> second(create(engine, qml));
    QVERIFY(second);
    QVERIFY(!second->property("running").toBool());
    QVERIFY(second->property("url").toUrl().isEmpty());
    QSignalSpy runningSpy(second.data(), SIGNAL(runningChanged()));
    QVERIFY(QQmlProperty::write(second.data(), QStringLiteral("running"), true));
    QVERIFY(!second->property("running").toBool());
    QVERIFY(second->property("errorString").toString().contains(QLatin1String("in use")));
    QCOMPARE(second->property("lastError").toString(), second->property("errorString").toString());
    QCOMPARE(runningSpy.count(), 0);

    // Stopping the first frees the port; the second starts on it.
    QVERIFY(QQmlProperty::write(first.data(), QStringLiteral("running"), false));
    QVERIFY(!first->property("running").toBool());
    QVERIFY(QMetaObject::invokeMethod(second.data(), "start"));
    QVERIFY(second->property("running").toBool());
    QCOMPARE(second->property("errorString").toString(), QString());
    QCOMPARE(runningSpy.count(), 1);

    // A bad address is refused with a QML warning, the old one stays.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("not an IP address")));
    QVERIFY(QQmlProperty::write(second.data(), QStringLiteral("address"),
                                QStringLiteral("not-an-address")));
    QCOMPARE(second->property("address").toString(), QStringLiteral("127.0.0.1"));
}

void tst_Qml::invalidMetricIsReported()
{
    QQmlEngine engine;
    const QByteArray qml = "import QtPrometheusExporter\n"
                           "PrometheusExporter { running: false\n"
                           " PrometheusGauge { objectName: 'bad'; name: '1 bad name'; help: 'x' }\n"
                           "}\n";
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot register")));
    QScopedPointer<QObject> exporter(create(engine, qml));
    QVERIFY(exporter);
    QObject *bad = exporter->findChild<QObject *>(QStringLiteral("bad"));
    QVERIFY(bad);
    QVERIFY(!bad->property("registered").toBool());
    QVERIFY(QQmlProperty::write(bad, QStringLiteral("name"), QStringLiteral("good_name")));
    QVERIFY(bad->property("registered").toBool());
}

// examples/qml/Main.qml, as the example loads it, but offscreen and on a free port.
void tst_Qml::qmlExample()
{
    QQmlEngine engine;
    engine.addImportPath(QStringLiteral(QML_IMPORT_DIR));
    QQmlComponent component(&engine, QUrl::fromLocalFile(QStringLiteral(QML_EXAMPLE_FILE)));
    QVERIFY2(!component.isError(), qPrintable(component.errorString()));
    QScopedPointer<QObject> window(component.createWithInitialProperties(
        {{QStringLiteral("exporterPort"), 0}, {QStringLiteral("initialValue"), 37}}));
    QVERIFY2(window, qPrintable(component.errorString()));
    QObject *exporter = window->findChild<QObject *>(QStringLiteral("exporter"));
    QVERIFY(exporter);
    QVERIFY(exporter->property("running").toBool());

    auto response = httpGet(portOf(exporter), "/metrics");
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    QCOMPARE(sampleValue(response->body, "qml_slider_value"), std::optional<double>(37));
    QCOMPARE(sampleValue(response->body, "qml_example_up"), std::optional<double>(1));
    QCOMPARE(sampleValue(response->body, "qml_button_clicks_total{button=\"count\"}"),
             std::optional<double>(0));
    QVERIFY(sampleValue(response->body, "qml_window_active"));

    // The gauge follows the slider through its binding.
    QObject *slider = window->findChild<QObject *>(QStringLiteral("slider"));
    QVERIFY(slider);
    QVERIFY(slider->setProperty("value", 80));
    response = httpGet(portOf(exporter), "/metrics");
    QVERIFY(response);
    QCOMPARE(sampleValue(response->body, "qml_slider_value"), std::optional<double>(80));
    QTRY_COMPARE(exporter->property("scrapes").toInt(), 2);
}

QTEST_MAIN(tst_Qml)

#include "tst_qml.moc"
