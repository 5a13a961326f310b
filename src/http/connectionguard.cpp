// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "http/connectionguard_p.h"

#include "http/httpconnection_p.h"
#include "http/httpreply_p.h"
#include "logging_p.h"

#include <QtCore/qtimer.h>
#include <QtNetwork/qtcpsocket.h>
#if QT_CONFIG(ssl)
#include <QtNetwork/qsslsocket.h>
#endif

#include <algorithm>

namespace QtPrometheusPrivate {

bool ConnectionGuard::admit(QTcpSocket *socket)
{
    m_connections.removeAll(nullptr);
    m_newConnections.removeAll(nullptr);
    if (m_connections.size() >= limits.maxConnections) {
        HttpConnection *victim = evictionCandidate();
        if (!victim) {
            reject(socket);
            return false;
        }
        m_connections.removeOne(victim);
        noteClosed(CloseReason::Evicted);
        victim->evict();
    }
    // Without a cap Qt buffers whole request bodies and endless header lines in
    // memory (measured: 2 bytes of RSS per byte sent).
    socket->setReadBufferSize(limits.readBufferSize);
    m_connections.append(new HttpConnection(socket, this));
    return true;
}

HttpConnection *ConnectionGuard::evictionCandidate() const
{
    // The connection that has waited longest for a request header makes room
    // first: slow or silent clients (a slowloris, a TLS handshake that never
    // ends) cannot hold every slot until their deadline. Then the oldest idle
    // keep-alive connection. Only when every connection is busy with an answer
    // is the newcomer turned away.
    HttpConnection *awaiting = nullptr;
    std::chrono::steady_clock::time_point oldest = std::chrono::steady_clock::time_point::max();
    for (const QPointer<HttpConnection> &connection : m_connections) {
        const auto since = connection->awaitingHeaderSince();
        if (since && *since < oldest) {
            oldest = *since;
            awaiting = connection;
        }
    }
    if (awaiting)
        return awaiting;
    for (const QPointer<HttpConnection> &connection : m_connections) {
        if (connection->isIdle())
            return connection;
    }
    return nullptr;
}

void ConnectionGuard::handOver(QTcpSocket *socket)
{
    m_newConnections.append(HttpConnection::fromSocket(socket));
}

void ConnectionGuard::reject(QTcpSocket *socket)
{
    noteClosed(CloseReason::Rejected);
    qCDebug(lcExporter) << "connection limit reached; turning away" << socket->peerAddress();
#if QT_CONFIG(ssl)
    if (qobject_cast<QSslSocket *>(socket)) {
        // Before its handshake a TLS client could not read a 503.
        socket->abort();
        socket->deleteLater();
        return;
    }
#endif
    // Before any HTTP parsing: the answer is written raw, built as every other is.
    const HttpResponse response
        = textResponse(503, QByteArrayLiteral("Too many connections, try again later.\n"));
    socket->write(HttpReply::closingAnswer(response));
    QObject::connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    // A client that does not even read its 503 is not waited for.
    QTimer::singleShot(1000, socket, [socket] { socket->abort(); });
    socket->disconnectFromHost();
}

QList<HttpConnection *> ConnectionGuard::connections() const
{
    QList<HttpConnection *> alive;
    alive.reserve(m_connections.size());
    for (const QPointer<HttpConnection> &connection : m_connections) {
        if (connection)
            alive.append(connection);
    }
    return alive;
}

QList<QPointer<HttpConnection>> ConnectionGuard::takeNewConnections()
{
    return std::exchange(m_newConnections, {});
}

void ConnectionGuard::makeRoomForWrite(qint64 bytes, HttpConnection *writer)
{
    qint64 total = bytes;
    QList<std::pair<HttpConnection *, qint64>> holding;
    for (const QPointer<HttpConnection> &connection : std::as_const(m_connections)) {
        if (!connection)
            continue;
        const qint64 unsent = connection->unsentBytes();
        total += unsent;
        if (unsent > 0 && connection != writer)
            holding.append({connection.data(), unsent});
    }
    if (total <= limits.maxTotalWriteBacklog)
        return;
    // The clients that have taken nothing for longest go first: they are the
    // ones not reading, and a client that reads keeps its answer.
    std::sort(holding.begin(), holding.end(), [](const auto &a, const auto &b) {
        return a.first->lastProgress() < b.first->lastProgress();
    });
    for (const auto &[connection, unsent] : std::as_const(holding)) {
        if (total <= limits.maxTotalWriteBacklog)
            break;
        qCDebug(lcExporter) << "unsent answers over budget; dropping"
                            << connection->socket()->peerAddress();
        total -= unsent;
        connection->dropForBudget();
    }
}

void ConnectionGuard::noteClosed(CloseReason reason) const
{
    if (onClosed)
        onClosed(reason);
}

} // namespace QtPrometheusPrivate
