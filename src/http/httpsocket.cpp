// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "http/httpsocket_p.h"

#include "http/httpconnection_p.h"

namespace QtPrometheusPrivate {

void HttpSocket::disconnectFromHost()
{
    // QAbstractSocket calls this too, after the peer has closed or on an
    // error: that close goes ahead.
    HttpConnection *connection = HttpConnection::fromSocket(this);
    if (connection && isValid() && error() == QAbstractSocket::UnknownSocketError
        && connection->refuseUnparsable())
        return;
    QTcpSocket::disconnectFromHost();
}

qint64 HttpSocket::writeData(const char *data, qint64 size)
{
    const qint64 written = QTcpSocket::writeData(data, size);
    if (written > 0)
        m_totalWritten += written;
    return written;
}

} // namespace QtPrometheusPrivate
