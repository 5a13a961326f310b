// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// examples/desktop-widgets as a user runs it: a process with a window (on the
// offscreen platform here), scraped over HTTP; and its --screenshot option.

#include "httptestclient.h"

#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtGui/QImage>
#include <QtTest/QTest>

class tst_DesktopExample : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scrapeTheWindow();
    void screenshotAfterScrapes();
    void badCommandLine();

private:
    // Starts the example and reads its "listening on URL" line; 0 on failure.
    quint16 start(QProcess &process, const QStringList &arguments);
};

namespace {
QProcessEnvironment offscreen()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    return env;
}

void stop(QProcess &process)
{
    if (process.state() == QProcess::NotRunning)
        return;
    process.terminate();
    if (!process.waitForFinished(10000)) {
        process.kill();
        process.waitForFinished(10000);
    }
}
} // namespace

quint16 tst_DesktopExample::start(QProcess &process, const QStringList &arguments)
{
    process.setProcessEnvironment(offscreen());
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start(QStringLiteral(DESKTOP_EXAMPLE_EXECUTABLE), arguments);
    if (!process.waitForStarted(10000))
        return 0;
    QByteArray out;
    while (!out.contains('\n')) {
        if (!process.waitForReadyRead(20000))
            return 0;
        out += process.readAllStandardOutput();
    }
    static const QRegularExpression line(
        QStringLiteral("^listening on http://127\\.0\\.0\\.1:(\\d+)/metrics\n$"));
    const QRegularExpressionMatch match = line.match(QString::fromUtf8(out));
    if (!match.hasMatch()) {
        qWarning() << "unexpected output" << out;
        return 0;
    }
    return quint16(match.captured(1).toUInt());
}

void tst_DesktopExample::scrapeTheWindow()
{
    QProcess process;
    const quint16 port = start(process,
                               {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                QStringLiteral("--initial-value"), QStringLiteral("37")});
    QVERIFY(port != 0);

    const auto response = httpGet(port, "/metrics");
    stop(process);
    QVERIFY(response);
    QCOMPARE(response->statusCode, 200);
    const QByteArray &body = response->body;
    // The slider's initial position, bound to the gauge; setting it was no move.
    QCOMPARE(sampleValue(body, "desktop_slider_value"), std::optional<double>(37));
    QCOMPARE(sampleValue(body, "desktop_slider_moves_total"), std::optional<double>(0));
    QCOMPARE(sampleValue(body, "desktop_up"), std::optional<double>(1));
    // Read by the scrapeRequested slot in the GUI thread.
    QVERIFY(sampleValue(body, "desktop_window_active"));
}

void tst_DesktopExample::screenshotAfterScrapes()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("window.png"));

    QProcess process;
    const quint16 port = start(process,
                               {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                QStringLiteral("--screenshot"), file,
                                QStringLiteral("--screenshot-after-scrapes"), QStringLiteral("2")});
    QVERIFY(port != 0);
    QVERIFY(httpGet(port, "/metrics"));
    QCOMPARE(process.state(), QProcess::Running); // one scrape is not enough
    QVERIFY(httpGet(port, "/metrics"));
    QVERIFY(process.waitForFinished(20000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);

    const QImage image(file);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 200);
    QVERIFY(image.height() >= 80);
}

void tst_DesktopExample::badCommandLine()
{
    QProcess process;
    process.setProcessEnvironment(offscreen());
    process.start(QStringLiteral(DESKTOP_EXAMPLE_EXECUTABLE),
                  {QStringLiteral("--listen"), QStringLiteral("nowhere")});
    QVERIFY(process.waitForFinished(20000));
    QCOMPARE(process.exitCode(), 2);
    QVERIFY(process.readAllStandardOutput().isEmpty());
    QVERIFY(process.readAllStandardError().contains("--listen"));
}

QTEST_GUILESS_MAIN(tst_DesktopExample)

#include "tst_desktopexample.moc"
