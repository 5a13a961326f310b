// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "http/connectionguard_p.h"

#include "http/httpconnection_p.h"
#include "http/httpreply_p.h"
#include "logging_p.h"

#include <QtCore/qtimer.h>
#include <QtNetwork/qtcpsocket.h>

namespace QtPrometheusPrivate {

QTcpSocket *ConnectionGuard::admit(QTcpSocket *socket)
{
    m_connections.removeAll(nullptr);
    m_newConnections.removeAll(nullptr);
    if (m_connections.size() >= limits.maxConnections) {
        // Idle keep-alive connections make room first (the oldest one); only when
        // every connection is busy is the newcomer turned away.
        HttpConnection *idle = nullptr;
        for (const QPointer<HttpConnection> &connection : std::as_const(m_connections)) {
            if (connection->isIdle()) {
                idle = connection;
                break;
            }
        }
        if (!idle) {
            reject(socket);
            return nullptr;
        }
        m_connections.removeOne(idle);
        noteClosed(CloseReason::Evicted);
        idle->close();
    }
    // Without a cap Qt buffers whole request bodies and endless header lines in
    // memory (measured: 2 bytes of RSS per byte sent).
    socket->setReadBufferSize(limits.readBufferSize);
    auto *connection = new HttpConnection(socket, this);
    m_connections.append(connection);
    m_newConnections.append(connection);
    return socket;
}

void ConnectionGuard::reject(QTcpSocket *socket)
{
    noteClosed(CloseReason::Rejected);
    qCDebug(lcExporter) << "connection limit reached; turning away" << socket->peerAddress();
    // Before any HTTP parsing: the answer is written raw, built as every other is.
    const HttpResponse response
        = textResponse(503, QByteArrayLiteral("Too many connections, try again later.\n"));
    socket->write(HttpReply::statusAndHeaders(response, response.body.size(), true)
                  + response.body);
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

void ConnectionGuard::noteClosed(CloseReason reason) const
{
    if (onClosed)
        onClosed(reason);
}

} // namespace QtPrometheusPrivate
