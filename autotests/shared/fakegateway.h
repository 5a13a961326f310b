// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef FAKEGATEWAY_H
#define FAKEGATEWAY_H

#include <QtCore/qbytearray.h>
#include <QtCore/qhash.h>
#include <QtCore/qurl.h>
#include <QtNetwork/qtcpserver.h>

class QTcpSocket;

// A stand-in gateway that answers every request with the same bytes, or never.
class FakeGateway : public QTcpServer
{
public:
    explicit FakeGateway(QByteArray answer = QByteArray());

    bool start() { return listen(QHostAddress::LocalHost, 0); }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(serverPort())); }

    int connections = 0;
    int disconnections = 0;
    int requests = 0;
    QByteArray lastHead; // request line and headers of the last request
    QByteArray lastBody;

private:
    void read(QTcpSocket *socket);

    QByteArray m_answer;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

// A whole HTTP/1.1 answer that closes the connection.
QByteArray httpAnswer(const QByteArray &statusLine, const QByteArray &body,
                      const QByteArray &extraHeaders = QByteArray());

#endif // FAKEGATEWAY_H
