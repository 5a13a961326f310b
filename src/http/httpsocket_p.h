// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef HTTPSOCKET_P_H
#define HTTPSOCKET_P_H

#include <QtNetwork/qtcpsocket.h>

namespace QtPrometheusPrivate {

// A plain connection's socket. Qt's HTTP code closes a connection with
// disconnectFromHost() when it cannot parse a request, even while answers to
// earlier requests are still owed, and those would be lost. That call lands
// here, so that its HttpConnection can answer them first, then 400.
class HttpSocket : public QTcpSocket
{
    Q_OBJECT
public:
    explicit HttpSocket(QObject *parent) : QTcpSocket(parent) { }

    void disconnectFromHost() override;

    // Every byte written, by Qt's HTTP code too (Qt 6.11 answers some
    // malformed requests itself).
    qint64 totalWritten() const { return m_totalWritten; }

protected:
    qint64 writeData(const char *data, qint64 size) override;

private:
    qint64 m_totalWritten = 0;
};

} // namespace QtPrometheusPrivate

#endif // HTTPSOCKET_P_H
