// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// exporter-demo as its users run it, stopped by SIGTERM while large answers
// are being sent: it quits once they are out (PrometheusExporter::stopped()),
// so no client takes a cut body for a whole one.

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qprocess.h>
#include <QtCore/qurl.h>
#include <QtTest/qtest.h>

#include <cerrno>
#include <cstring>
#include <vector>

#ifdef Q_OS_UNIX
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include "rawsocket.h"

class tst_ExporterDemo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sigtermLetsAnswersInFlightFinish();
};

namespace {
#ifdef Q_OS_UNIX
struct Client
{
    int fd = -1;
    QByteArray received;
    bool eof = false;
    bool reset = false;

    // The whole answer: its head and as many body bytes as it announced.
    bool complete() const
    {
        const qsizetype headEnd = received.indexOf("\r\n\r\n");
        const qsizetype at = received.indexOf("Content-Length: ");
        if (headEnd < 0 || at < 0 || at > headEnd)
            return false;
        const qsizetype end = received.indexOf('\r', at);
        const qsizetype length = received.mid(at + 16, end - at - 16).toLongLong();
        return received.size() == headEnd + 4 + length;
    }
};
#endif
} // namespace

void tst_ExporterDemo::sigtermLetsAnswersInFlightFinish()
{
#ifndef Q_OS_UNIX
    QSKIP("SIGTERM and the raw sockets of this test are POSIX ones");
#else
    QProcess demo;
    demo.start(QStringLiteral(EXPORTER_DEMO_EXECUTABLE),
               {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--mode"),
                QStringLiteral("plain"), QStringLiteral("--series"), QStringLiteral("100000")});
    QVERIFY(demo.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(demo.canReadLine(), 60000);
    const QByteArray line = demo.readLine().trimmed();
    QVERIFY2(line.startsWith("listening on http://127.0.0.1:"), line.constData());
    const int port = QUrl(QString::fromUtf8(line.mid(qsizetype(strlen("listening on "))))).port();

    constexpr int clientCount = 50;
    std::vector<Client> clients(clientCount);
    const QByteArray request = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"; // no gzip
    for (Client &client : clients) {
        client.fd = connectRaw(quint16(port));
        QVERIFY(client.fd >= 0);
        QCOMPARE(::send(client.fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL),
                 ssize_t(request.size()));
        ::fcntl(client.fd, F_SETFL, ::fcntl(client.fd, F_GETFL) | O_NONBLOCK);
    }

    // Reads what has arrived on every socket, waiting up to waitMs for any.
    const auto pump = [&clients](int waitMs) {
        std::vector<pollfd> fds;
        for (const Client &client : clients) {
            if (!client.eof && !client.reset)
                fds.push_back({client.fd, POLLIN, 0});
        }
        if (fds.empty() || ::poll(fds.data(), fds.size(), waitMs) <= 0)
            return;
        for (Client &client : clients) {
            if (client.eof || client.reset)
                continue;
            char buffer[256 * 1024];
            const ssize_t got = ::recv(client.fd, buffer, sizeof buffer, 0);
            if (got > 0)
                client.received.append(buffer, got);
            else if (got == 0)
                client.eof = true;
            else if (errno == ECONNRESET)
                client.reset = true;
        }
    };

    // SIGTERM once the answers are under way: the first bytes have arrived.
    QElapsedTimer clock;
    clock.start();
    const auto started = [&clients] {
        for (const Client &client : clients) {
            if (!client.received.isEmpty())
                return true;
        }
        return false;
    };
    while (!started() && clock.elapsed() < 60000)
        pump(100);
    QVERIFY(started());
    demo.terminate();

    // Read everything until every connection is closed.
    const auto allClosed = [&clients] {
        for (const Client &client : clients) {
            if (!client.eof && !client.reset)
                return false;
        }
        return true;
    };
    clock.restart();
    while (!allClosed() && clock.elapsed() < 60000)
        pump(100);
    QVERIFY(allClosed());
    QVERIFY(demo.waitForFinished(30000));
    QCOMPARE(demo.exitStatus(), QProcess::NormalExit);
    QCOMPARE(demo.exitCode(), 0);

    // A clean end of stream comes only after a whole answer, or with none at
    // all; what the flush deadline (2 s) cut is reset, which a client sees as
    // an error. Under a slow (sanitizer) build some may be; all were clean cuts
    // when exporter-demo quit on runningChanged(false).
    int complete = 0;
    int reset = 0;
    for (const Client &client : clients) {
        ::close(client.fd);
        if (client.eof) {
            QVERIFY2(client.received.isEmpty() || client.complete(),
                     qPrintable(QStringLiteral("a clean close after %1 bytes of a cut answer")
                                    .arg(client.received.size())));
        }
        complete += client.complete() ? 1 : 0;
        reset += client.reset ? 1 : 0;
    }
    qInfo("%d of %d answers complete, %d reset", complete, clientCount, reset);
#endif
}

QTEST_GUILESS_MAIN(tst_ExporterDemo)
#include "tst_exporterdemo.moc"
