// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef CONNECTIONGUARD_P_H
#define CONNECTIONGUARD_P_H

#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>

#include <functional>

#include "http/closereason_p.h"
#include "http/serverlimits_p.h"

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace QtPrometheusPrivate {

class HttpConnection;

// Every connection passes here before Qt's HTTP code sees it, whether it came
// from the plain or the TLS listener: the connection cap, eviction of idle
// connections, and the per-connection guards (read cap, timeouts, backlog).
class ConnectionGuard
{
public:
    ServerLimits limits;
    std::function<void(CloseReason)> onClosed; // for the self metrics

    // Counts socket against the cap (making room by closing an idle connection)
    // and guards it; false when it was turned away, and closed.
    bool admit(QTcpSocket *socket);
    // An admitted socket is given to Qt's HTTP code now.
    void handOver(QTcpSocket *socket);

    QList<HttpConnection *> connections() const;
    int count() const { return int(connections().size()); }
    // Connections admitted since the last call, in order.
    QList<QPointer<HttpConnection>> takeNewConnections();

    void noteClosed(CloseReason reason) const;
    // Keeps what waits unsent on all connections, with an answer of the given
    // size about to be written on writer, within limits.maxTotalWriteBacklog.
    void makeRoomForWrite(qint64 bytes, HttpConnection *writer);

private:
    HttpConnection *evictionCandidate() const;
    void reject(QTcpSocket *socket);

    QList<QPointer<HttpConnection>> m_connections;
    QList<QPointer<HttpConnection>> m_newConnections;
};

} // namespace QtPrometheusPrivate

#endif // CONNECTIONGUARD_P_H
