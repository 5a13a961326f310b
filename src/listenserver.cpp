// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "listenserver_p.h"

#include "httpconnection_p.h"

#include <QtNetwork/qtcpsocket.h>

ListenServer::ListenServer(QObject *parent) : QTcpServer(parent) { }

QTcpSocket *ListenServer::nextPendingConnection()
{
    QTcpSocket *socket = QTcpServer::nextPendingConnection();
    if (!socket)
        return nullptr;
    // Without a cap Qt buffers whole request bodies and endless header lines in
    // memory (measured: 2 bytes of RSS per byte sent).
    socket->setReadBufferSize(DefaultReadBufferSize);
    m_newConnections.append(new HttpConnection(socket));
    return socket;
}

QList<QTcpSocket *> ListenServer::connections() const
{
    return findChildren<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly);
}

QList<QPointer<HttpConnection>> ListenServer::takeNewConnections()
{
    return std::exchange(m_newConnections, {});
}
