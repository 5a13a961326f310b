// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef LISTENSERVER_P_H
#define LISTENSERVER_P_H

#include <QtCore/qpointer.h>
#include <QtNetwork/qtcpserver.h>

class HttpConnection;

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

// The listening socket, owned by the exporter rather than by QHttpServer: the
// one place every connection passes before Qt's HTTP code sees it, and the same
// code path on Qt 6.4 through 6.8 (where listen() no longer exists).
class ListenServer : public QTcpServer
{
    Q_OBJECT
public:
    static constexpr qint64 DefaultReadBufferSize = 64 * 1024;

    explicit ListenServer(QObject *parent = nullptr);

    QTcpSocket *nextPendingConnection() override;
    QList<QTcpSocket *> connections() const;
    // Connections handed out since the last call, in order.
    QList<QPointer<HttpConnection>> takeNewConnections();

private:
    QList<QPointer<HttpConnection>> m_newConnections;
};

#endif // LISTENSERVER_P_H
