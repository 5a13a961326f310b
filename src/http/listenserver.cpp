// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "http/listenserver_p.h"

#include "http/connectionguard_p.h"
#include "logging_p.h"

#if QT_CONFIG(ssl)
#include <QtNetwork/qsslsocket.h>
#endif

namespace QtPrometheusPrivate {

ListenServer::ListenServer(ConnectionGuard *guard, QObject *parent)
    : QTcpServer(parent), m_guard(guard)
{ }

void ListenServer::incomingConnection(qintptr descriptor)
{
#if QT_CONFIG(ssl)
    if (m_tls) {
        auto *socket = new QSslSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        if (!m_guard->admit(socket))
            return; // turned away, and already closed
        socket->setSslConfiguration(*m_tls);
        // Until it is encrypted the socket is ours; then Qt's HTTP code takes it
        // through nextPendingConnection(), which addPendingConnection() announces.
        connect(socket, &QSslSocket::encrypted, this,
                [this, socket] { addPendingConnection(socket); });
        const auto abandon = [socket] {
            if (!socket->isEncrypted()) {
                socket->abort();
                socket->deleteLater(); // its HttpConnection, a child, frees the slot
            }
        };
        connect(socket, &QAbstractSocket::errorOccurred, socket, abandon);
        connect(socket, &QAbstractSocket::disconnected, socket, abandon);
        socket->startServerEncryption();
        return;
    }
#endif
    QTcpServer::incomingConnection(descriptor);
}

QTcpSocket *ListenServer::nextPendingConnection()
{
    // Turned-away sockets are skipped: Qt's HTTP code asks until it gets nullptr.
    while (QTcpSocket *socket = QTcpServer::nextPendingConnection()) {
#if QT_CONFIG(ssl)
        // A TLS socket was admitted when it was accepted, and has stayed open.
        if (m_tls) {
            m_guard->handOver(socket);
            return socket;
        }
#endif
        if (m_guard->admit(socket)) {
            m_guard->handOver(socket);
            return socket;
        }
    }
    return nullptr;
}

} // namespace QtPrometheusPrivate
