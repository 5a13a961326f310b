// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// HttpRequest::fromQt() on requests Qt 6.4's own parser accepted. A
// QHttpServerRequest cannot be built by hand (its constructor is private), so
// each input becomes one GET sent over loopback to a QAbstractHttpServer whose
// handler calls fromQt(). Slower than the other fuzzers (a connection per
// input), but it exercises the real path: Qt's URL and header handling, then
// ours (the name[] filter, the headers copied, Connection).
//
// Input, read with FuzzedDataProvider: a flags byte (HTTP/1.0 per the scanner,
// forced close), then the request target, Accept, Accept-Encoding,
// X-Prometheus-Scrape-Timeout-Seconds and Connection, each ended by "\\ ".
// Bytes that would break the request's framing (CR, LF, NUL; space in the
// target) are dropped: the request stays one well-formed request.
// - the headers arrive as they were sent (up to surrounding blanks);
// - the name[] values are those of the query (exactly, for a query with
//   nothing to decode; otherwise no more than it spells "name");
// - closeConnection follows Connection, the HTTP/1.0 flag and the forced close.

#include "fuzzcheck.h"
#include "http/httprequest_p.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qtimer.h>
#include <QtHttpServer/qabstracthttpserver.h>
#include <QtHttpServer/qhttpserverrequest.h>
#include <QtHttpServer/qhttpserverresponder.h>
#include <QtNetwork/qhostaddress.h>
#include <QtNetwork/qtcpserver.h>
#include <QtNetwork/qtcpsocket.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>

using namespace QtPrometheusPrivate;

namespace {
class FuzzServer : public QAbstractHttpServer
{
public:
    bool http10 = false;
    bool forceClose = false;
    std::optional<HttpRequest> parsed;
    std::function<void()> done;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        parsed = HttpRequest::fromQt(request, http10, forceClose);
        makeResponder(request, socket).write(QHttpServerResponder::StatusCode::NoContent);
        if (done)
            done();
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override { }
};

QCoreApplication *app = nullptr;
FuzzServer *server = nullptr;
quint16 port = 0;

QByteArray consumeField(FuzzedDataProvider &provider, std::size_t maxLength, bool target)
{
    QByteArray field;
    for (const char c : provider.ConsumeRandomLengthString(maxLength)) {
        if (c == '\r' || c == '\n' || c == '\0' || (target && (c == ' ' || c == '\t')))
            continue;
        field.append(c);
    }
    return field;
}

bool isPlainQueryByte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
        || c == '-' || c == '.' || c == '=' || c == '&' || c == '[' || c == ']';
}

bool hasToken(const QByteArray &value, QByteArrayView token)
{
    for (const QByteArray &part : value.split(',')) {
        if (part.trimmed().toLower() == token)
            return true;
    }
    return false;
}
} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    static int argc = 1;
    static char name[] = "fuzz_httprequest";
    static char *argv[] = {name, nullptr};
    app = new QCoreApplication(argc, argv);
    server = new FuzzServer;
    auto *tcp = new QTcpServer(server);
    if (!tcp->listen(QHostAddress::LocalHost, 0)) {
        std::fprintf(stderr, "fuzz_httprequest: cannot listen on 127.0.0.1\n");
        std::abort();
    }
    server->bind(tcp);
    port = tcp->serverPort();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    FuzzedDataProvider provider(data, size);
    const auto flags = provider.ConsumeIntegral<std::uint8_t>();
    server->http10 = flags & 1;
    server->forceClose = flags & 2;
    QByteArray target = consumeField(provider, 512, true);
    if (!target.startsWith('/'))
        target.prepend('/');
    const QByteArray accept = consumeField(provider, 256, false);
    const QByteArray acceptEncoding = consumeField(provider, 128, false);
    const QByteArray timeout = consumeField(provider, 64, false);
    const QByteArray connection = consumeField(provider, 64, false);

    QByteArray request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    request += "Accept: " + accept + "\r\n";
    request += "Accept-Encoding: " + acceptEncoding + "\r\n";
    request += "X-Prometheus-Scrape-Timeout-Seconds: " + timeout + "\r\n";
    request += "Connection: " + connection + "\r\n\r\n";

    server->parsed.reset();
    {
        QTcpSocket client;
        QEventLoop loop;
        QTimer deadline;
        deadline.setSingleShot(true);
        QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
        QObject::connect(&client, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
        server->done = [&loop] {
            loop.quit();
        };
        deadline.start(2000);
        client.connectToHost(QHostAddress::LocalHost, port);
        client.write(request);
        loop.exec();
        server->done = nullptr;
        client.abort();
    }
    // Let the server see the disconnection and delete its socket.
    QCoreApplication::processEvents();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);

    if (!server->parsed)
        return 0; // Qt's parser refused the request: not ours to judge
    const HttpRequest &r = *server->parsed;
    FUZZ_CHECK(r.method == HttpRequest::Method::Get && r.methodName == "GET");
    FUZZ_CHECK(r.accept.trimmed() == accept.trimmed());
    FUZZ_CHECK(r.acceptEncoding.trimmed() == acceptEncoding.trimmed());
    FUZZ_CHECK(r.scrapeTimeoutHeader.trimmed() == timeout.trimmed());

    const qsizetype hash = target.indexOf('#');
    const QByteArray beforeFragment = hash < 0 ? target : target.left(hash);
    const qsizetype question = beforeFragment.indexOf('?');
    const QByteArray query = question < 0 ? QByteArray() : beforeFragment.mid(question + 1);
    FUZZ_CHECK(r.familyNames.size() <= query.count("name"));
    for (const QByteArray &name : r.familyNames)
        FUZZ_CHECK(name.size() <= 3 * query.size()); // a raw byte may become U+FFFD
    // A query of plain characters only (nothing to decode): exactly its name[] values.
    if (std::all_of(query.begin(), query.end(), isPlainQueryByte)) {
        QList<QByteArray> expected;
        for (const QByteArray &item : query.split('&')) {
            if (item.startsWith("name[]="))
                expected.append(item.mid(7));
            else if (item == "name[]")
                expected.append(QByteArray());
        }
        FUZZ_CHECK(r.familyNames == expected);
    }

    const bool close = hasToken(connection, "close")
        || (server->http10 && !hasToken(connection, "keep-alive")) || server->forceClose;
    FUZZ_CHECK(r.closeConnection == close);
    return 0;
}
