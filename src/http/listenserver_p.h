// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef LISTENSERVER_P_H
#define LISTENSERVER_P_H

#include <QtNetwork/qtcpserver.h>
#if QT_CONFIG(ssl)
#include <QtNetwork/qsslserver.h>
#endif

namespace QtPrometheusPrivate {

class ConnectionGuard;

// The listening sockets, owned by the exporter rather than by QHttpServer: the
// one place every connection passes before Qt's HTTP code sees it, and the same
// code path on Qt 6.4 through 6.8 (where listen() no longer exists). The hook is
// nextPendingConnection(), not incomingConnection(), so that QSslServer's
// handshake still runs.
class ListenServer : public QTcpServer
{
    Q_OBJECT
public:
    ListenServer(ConnectionGuard *guard, QObject *parent);
    QTcpSocket *nextPendingConnection() override;

private:
    ConnectionGuard *m_guard;
};

#if QT_CONFIG(ssl)
class SslListenServer : public QSslServer
{
    Q_OBJECT
public:
    SslListenServer(ConnectionGuard *guard, QObject *parent);
    QTcpSocket *nextPendingConnection() override;

private:
    ConnectionGuard *m_guard;
};
#endif

} // namespace QtPrometheusPrivate

#endif // LISTENSERVER_P_H
