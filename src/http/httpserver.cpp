// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "http/httpserver_p.h"

#include "http/httpconnection_p.h"
#include "http/httpreply_p.h"
#include "http/listenserver_p.h"
#include "logging_p.h"

#include <QtCore/qtimer.h>

#include <QtHttpServer/qhttpserverrequest.h>
#include <QtNetwork/qtcpsocket.h>

#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
#include <QtHttpServer/qhttpserverresponder.h>
#endif

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace QtPrometheusPrivate {

namespace {
QString describeAddress(const QHostAddress &address, quint16 port)
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return QLatin1Char('[') + address.toString() + QLatin1String("]:") + QString::number(port);
    return address.toString() + QLatin1Char(':') + QString::number(port);
}
} // namespace

HttpServer::HttpServer(QObject *parent) : QAbstractHttpServer(parent) { }

HttpServer::~HttpServer()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    // A responder tells Qt's connection object when it goes: not while that
    // object is being destroyed among this server's children.
    for (HttpConnection *connection : m_guard.connections())
        connection->releaseParked();
#endif
    // The listener's sockets (Qt 6.4's connections) refer to m_guard: they go
    // first. On Qt 6.8 the sockets are children of Qt's protocol handlers and go
    // later, in ~QObject; no HttpConnection slot runs while they are torn down.
    delete m_listener;
}

QTcpServer *HttpServer::createListener(const QSslConfiguration *tls)
{
    auto *server = new ListenServer(&m_guard, this);
    if (!tls)
        return server;
#if QT_CONFIG(ssl)
    server->setTls(*tls);
    return server;
#else
    delete server;
    return nullptr;
#endif
}

bool HttpServer::listen(const QHostAddress &address, quint16 port, const QSslConfiguration *tls)
{
    m_errorString.clear();
    m_addressInUse = false;
    QTcpServer *listener = createListener(tls);
    if (!listener) {
        m_errorString = QStringLiteral("TLS is not available in this build of Qt");
        return false;
    }
    if (!listener->listen(address, port)) {
        m_addressInUse = listener->serverError() == QAbstractSocket::AddressInUseError;
        m_errorString = m_addressInUse
            ? QStringLiteral("address %1 is already in use").arg(describeAddress(address, port))
            : QStringLiteral("cannot listen on %1: %2")
                  .arg(describeAddress(address, port), listener->errorString());
        delete listener;
        return false;
    }
    bindListener(listener);
    return true;
}

bool HttpServer::adopt(QTcpServer *listener, const QSslConfiguration *tls)
{
    m_errorString.clear();
    if (!listener || !listener->isListening()) {
        m_errorString = QStringLiteral("the given QTcpServer is not listening");
        return false;
    }
#ifdef Q_OS_UNIX
    // The exporter needs its own QTcpServer subclass to guard every connection,
    // so it takes a duplicate of the listening socket and closes the original.
    const int descriptor = ::dup(int(listener->socketDescriptor()));
    if (descriptor < 0) {
        m_errorString = QStringLiteral("cannot take over the listening socket: %1")
                            .arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    QTcpServer *own = createListener(tls);
    if (!own || !own->setSocketDescriptor(descriptor)) {
        m_errorString = QStringLiteral("cannot take over the listening socket: %1")
                            .arg(own ? own->errorString() : QStringLiteral("no TLS"));
        ::close(descriptor);
        delete own;
        return false;
    }
    listener->close();
    bindListener(own);
    return true;
#else
    Q_UNUSED(tls);
    m_errorString = QStringLiteral("taking over a QTcpServer is only supported on Unix");
    return false;
#endif
}

void HttpServer::bindListener(QTcpServer *listener)
{
    m_listener = listener;
    (void)bind(listener); // returns bool from Qt 6.8 on; the listener is already listening
    // Runs after QAbstractHttpServer's own slot has taken the new sockets and
    // connected to them, so the connections' second readyRead slot comes after Qt's.
    connect(listener, &QTcpServer::pendingConnectionAvailable, this, [this] {
        const auto fresh = m_guard.takeNewConnections();
        for (const QPointer<HttpConnection> &connection : fresh) {
            if (connection)
                connection->attachAfterParser();
        }
    });
}

quint16 HttpServer::serverPort() const
{
    return m_listener ? m_listener->serverPort() : 0;
}

QHostAddress HttpServer::serverAddress() const
{
    return m_listener ? m_listener->serverAddress() : QHostAddress();
}

void HttpServer::close()
{
    m_closed = true;
    if (m_dispatching == 0)
        m_handler = nullptr; // not while it runs: that would destroy the running lambda
    if (!m_listener)
        return;
    m_listener->close();
    const auto connections = m_guard.connections();
    for (HttpConnection *connection : connections) {
        connection->socket()->flush();
        connection->close();
    }
}

void HttpServer::deleteWhenFlushed(std::chrono::milliseconds deadline,
                                   std::function<void()> whenGone)
{
    // Not the exporter's child any more: it may outlive the exporter by the deadline.
    setParent(nullptr);
    m_whenGone = std::move(whenGone);
    const auto gone = [this] {
        if (m_whenGone)
            std::exchange(m_whenGone, {})();
    };
    auto flushed = [this] {
        const auto connections = m_guard.connections();
        for (HttpConnection *connection : connections) {
            if (connection->socket()->state() != QAbstractSocket::UnconnectedState
                && connection->unsentBytes() > 0)
                return false;
        }
        return true;
    };
    if (flushed()) {
        gone();
        if (isDispatching())
            deleteLater(); // Qt's code that called us still uses the socket
        else
            delete this;
        return;
    }
    const auto connections = m_guard.connections();
    for (HttpConnection *connection : connections) {
        // A flushed socket closes gracefully, so the last one to go tells.
        connect(connection->socket(), &QAbstractSocket::disconnected, this, [this, flushed, gone] {
            if (flushed()) {
                gone();
                deleteLater();
            }
        });
    }
    QTimer::singleShot(deadline, this, [this, gone] {
        const auto connections = m_guard.connections();
        for (HttpConnection *connection : connections)
            connection->socket()->abort();
        gone();
        deleteLater();
    });
}

void HttpServer::dispatch(
    const QHttpServerRequest &request, HttpConnection *connection,
    const std::function<std::shared_ptr<HttpReply>(bool head, bool close)> &makeReply)
{
    RequestLineScanner::Line line;
    line.lost = true;
    if (connection) {
        line = connection->takeRequestLine();
        if (connection->isRefused())
            return; // answered 431 already, and closing
    }
    HttpRequest copy = HttpRequest::fromQt(request, line.http10, line.lost);
    if (line.tooManyFields) {
        // Qt 6.4 has dropped every field (Accept, Authorization...): no answer
        // to the request as given is possible.
        m_guard.noteClosed(CloseReason::HeaderTooLarge);
        makeReply(copy.method == HttpRequest::Method::Head, true)
            ->send(textResponse(431,
                                QByteArrayLiteral("Request header too large: at most 100 "
                                                  "fields.\n")));
        return;
    }
    std::shared_ptr<HttpReply> reply
        = makeReply(copy.method == HttpRequest::Method::Head, copy.closeConnection);
    if (!m_handler || m_closed)
        return; // stopped: the reply's destructor answers 503
    ++m_dispatching;
    m_handler(std::move(copy), std::move(reply));
    --m_dispatching;
}

#if QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    HttpConnection *connection = HttpConnection::fromSocket(socket);
    dispatch(request, connection, [connection](bool head, bool close) {
        return std::make_shared<HttpReply>(connection, head, close);
    });
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    // Reached only for a WebSocket upgrade, after handleRequest() has taken the
    // request: Qt closes the connection next, once the answer is out.
    if (HttpConnection *connection = HttpConnection::fromSocket(socket))
        connection->closeAfterAnswers();
}
#else
HttpConnection *HttpServer::connectionFor(const QHttpServerRequest &request) const
{
    // Qt 6.5+ hides the socket; find our connection by the client's address and port.
    const auto connections = m_guard.connections();
    for (HttpConnection *candidate : connections) {
        const QTcpSocket *socket = candidate->socket();
        if (socket->peerPort() == request.remotePort()
            && socket->peerAddress() == request.remoteAddress())
            return candidate;
    }
    return nullptr;
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    HttpConnection *connection = connectionFor(request);
    if (connection && connection->isRefused()) {
        connection->park(std::move(responder)); // answered 400 or 431 already
        return true;
    }
    dispatch(request, connection, [&responder, connection](bool head, bool close) {
        return std::make_shared<HttpReply>(std::move(responder), connection, head, close);
    });
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    // Reached only for a WebSocket upgrade, which Qt neither hands to
    // handleRequest() nor answers, and after which it closes the connection:
    // answered as any request, then closed.
    if (HttpConnection *connection = connectionFor(request))
        connection->closeAfterAnswers();
    handleRequest(request, responder);
}
#endif

} // namespace QtPrometheusPrivate
