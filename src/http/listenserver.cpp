// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "http/listenserver_p.h"

#include "http/connectionguard_p.h"
#include "http/httpsocket_p.h"
#include "logging_p.h"

#if QT_CONFIG(ssl)
#include <QtNetwork/qsslsocket.h>
#endif

#include <memory>

#ifdef Q_OS_UNIX
#include <unistd.h>
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
#ifdef Q_OS_UNIX
            ::close(int(descriptor)); // not taken over, so not closed by the socket
#endif
            return;
        }
        if (!m_guard->admit(socket))
            return; // turned away, and already closed
        socket->setSslConfiguration(*m_tls);
        // Until it is encrypted the socket is ours: a failed or abandoned
        // handshake deletes it. Then Qt's HTTP code takes it through
        // nextPendingConnection(), which addPendingConnection() announces, and
        // from that moment it is Qt's alone: Qt 6.8 keeps raw pointers to it
        // while an answer is pending (and isEncrypted() turns false again when
        // the client leaves, so it cannot tell).
        const auto abandon = [socket] {
            socket->abort();
            socket->deleteLater(); // its HttpConnection, a child, frees the slot
        };
        const auto whileOurs = std::make_shared<QList<QMetaObject::Connection>>();
        whileOurs->append(connect(socket, &QAbstractSocket::errorOccurred, socket, abandon));
        whileOurs->append(connect(socket, &QAbstractSocket::disconnected, socket, abandon));
        connect(
            socket, &QSslSocket::encrypted, this,
            [this, socket, whileOurs] {
                for (const QMetaObject::Connection &connection : std::as_const(*whileOurs))
                    disconnect(connection);
                addPendingConnection(socket);
            },
            Qt::SingleShotConnection);
        socket->startServerEncryption();
        return;
    }
#endif
    auto *socket = new HttpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
#ifdef Q_OS_UNIX
        ::close(int(descriptor));
#endif
        return;
    }
    addPendingConnection(socket);
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
