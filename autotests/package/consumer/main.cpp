// A consumer of the installed (or add_subdirectory-ed) QtPrometheusExporter:
// creates an exporter, adds a counter, starts on a free port, prints the URL,
// scrapes itself once over TCP, stops and exits 0. Any failure: message, exit 1.

#include <QtPrometheusExporter/PrometheusExporter>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <QtCore/QByteArray>
#include <QtCore/QCoreApplication>
#include <QtCore/QTimer>
#include <QtNetwork/QHostAddress>
#include <QtNetwork/QTcpSocket>

#include <cstdio>

static int fail(const char *what, const QString &detail = QString())
{
    std::fprintf(stderr, "consumer: %s %s\n", what, qUtf8Printable(detail));
    return 1;
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);

    PrometheusExporter exporter;
    auto &family = prometheus::BuildCounter()
                       .Name("consumer_events_total")
                       .Help("Events seen by the packaging test consumer")
                       .Register(*exporter.registry());
    family.Add({{"kind", "test"}}).Increment(3);

    exporter.setMode(PrometheusExporter::Mode::Plain);
    exporter.setPort(0);
    if (!exporter.start())
        return fail("start failed:", exporter.errorString());
    if (!exporter.isRunning() || exporter.port() == 0)
        return fail("running exporter has no port");
    const QUrl url = exporter.url();
    std::printf("%s\n", qUtf8Printable(url.toString()));
    std::fflush(stdout);

    // One scrape, asynchronously: the exporter answers on this thread's event loop.
    QByteArray response;
    QTcpSocket socket;
    QObject::connect(&socket, &QTcpSocket::connected, &socket, [&] {
        const QByteArray request = "GET " + url.path(QUrl::FullyEncoded).toLatin1()
            + " HTTP/1.1\r\nHost: " + url.authority().toLatin1() + "\r\nConnection: close\r\n\r\n";
        socket.write(request);
    });
    // Done when the server closes the connection or the whole body is in.
    QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [&] {
        response += socket.readAll();
        const qsizetype headerEnd = response.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        for (const QByteArray &line : response.left(headerEnd).split('\n')) {
            const QByteArray field = line.trimmed();
            if (field.toLower().startsWith("content-length:")) {
                bool ok = false;
                const qsizetype length = field.mid(15).trimmed().toLongLong(&ok);
                if (ok && response.size() - (headerEnd + 4) >= length)
                    app.quit();
            }
        }
    });
    QObject::connect(&socket, &QTcpSocket::disconnected, &app, &QCoreApplication::quit,
                     Qt::QueuedConnection);
    QObject::connect(&socket, &QTcpSocket::errorOccurred, &app,
                     [&](QAbstractSocket::SocketError error) {
                         if (error != QAbstractSocket::RemoteHostClosedError)
                             app.exit(2);
                     });
    QTimer::singleShot(20000, &app, [&] { app.exit(3); });
    socket.connectToHost(QHostAddress(url.host()), quint16(url.port()));
    const int loop = app.exec();
    response += socket.readAll();

    if (loop == 2)
        return fail("socket error:", socket.errorString());
    if (loop == 3)
        return fail("scrape timed out");
    if (!response.startsWith("HTTP/1.1 200"))
        return fail("unexpected response:", QString::fromLatin1(response.left(200)));
    if (!response.contains("consumer_events_total{kind=\"test\"} 3"))
        return fail("counter missing from scrape:", QString::fromLatin1(response.left(2000)));

    exporter.stop();
    if (exporter.isRunning())
        return fail("still running after stop()");
    return 0;
}
