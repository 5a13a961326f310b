// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef LISTENSERVER_P_H
#define LISTENSERVER_P_H

#include <QtNetwork/qtcpserver.h>
#if QT_CONFIG(ssl)
#include <QtNetwork/qsslconfiguration.h>
#endif

#include <optional>

namespace QtPrometheusPrivate {

class ConnectionGuard;

// The listening socket, owned by the exporter rather than by QHttpServer: the
// one place every connection passes before Qt's HTTP code sees it, and the same
// code path on every Qt version (6.8 has no listen() of its own).
//
// With TLS it makes the handshake itself instead of using QSslServer, which
// counts sockets still in their handshake against its pending-connection limit
// and, on Qt 6.4, stops accepting for good once 30 of them have failed: a few
// dozen clients that connect and leave locked every HTTPS scrape out. Here a
// socket is admitted by the ConnectionGuard when it is accepted, so that its
// handshake counts against the connection cap and the header deadline like any
// request; it is handed to Qt only once encrypted, and a failed or abandoned
// handshake frees its slot at once.
class ListenServer : public QTcpServer
{
    Q_OBJECT
public:
    ListenServer(ConnectionGuard *guard, QObject *parent);
#if QT_CONFIG(ssl)
    void setTls(const QSslConfiguration &configuration)
    {
        m_tls = configuration;
    }
#endif
    QTcpSocket *nextPendingConnection() override;

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    ConnectionGuard *m_guard;
#if QT_CONFIG(ssl)
    std::optional<QSslConfiguration> m_tls;
#endif
};

} // namespace QtPrometheusPrivate

#endif // LISTENSERVER_P_H
