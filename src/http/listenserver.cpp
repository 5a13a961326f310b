// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "http/listenserver_p.h"

#include "http/connectionguard_p.h"

namespace QtPrometheusPrivate {

ListenServer::ListenServer(ConnectionGuard *guard, QObject *parent)
    : QTcpServer(parent), m_guard(guard)
{ }

QTcpSocket *ListenServer::nextPendingConnection()
{
    // Turned-away sockets are skipped: Qt's HTTP code asks until it gets nullptr.
    while (QTcpSocket *socket = QTcpServer::nextPendingConnection()) {
        if (QTcpSocket *admitted = m_guard->admit(socket))
            return admitted;
    }
    return nullptr;
}

#if QT_CONFIG(ssl)
SslListenServer::SslListenServer(ConnectionGuard *guard, QObject *parent)
    : QSslServer(parent), m_guard(guard)
{ }

QTcpSocket *SslListenServer::nextPendingConnection()
{
    while (QTcpSocket *socket = QSslServer::nextPendingConnection()) {
        if (QTcpSocket *admitted = m_guard->admit(socket))
            return admitted;
    }
    return nullptr;
}
#endif

} // namespace QtPrometheusPrivate
