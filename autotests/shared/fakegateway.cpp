// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "fakegateway.h"

#include <QtNetwork/qtcpsocket.h>

FakeGateway::FakeGateway(QByteArray answer) : m_answer(std::move(answer))
{
    connect(this, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = nextPendingConnection()) {
            ++connections;
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
            connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                ++disconnections;
                socket->deleteLater();
            });
        }
    });
}

void FakeGateway::read(QTcpSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return;
    qsizetype length = 0;
    for (const QByteArray &line : buffer.left(end).split('\n')) {
        if (line.toLower().startsWith("content-length:"))
            length = line.mid(15).trimmed().toLongLong();
    }
    if (buffer.size() < end + 4 + length)
        return;
    lastHead = buffer.left(end);
    lastBody = buffer.mid(end + 4, length);
    buffer.remove(0, end + 4 + length);
    ++requests;
    if (m_answer.isEmpty())
        return; // silent: accepts, reads, never answers
    socket->write(m_answer);
    socket->disconnectFromHost();
}

QByteArray httpAnswer(const QByteArray &statusLine, const QByteArray &body,
                      const QByteArray &extraHeaders)
{
    return "HTTP/1.1 " + statusLine
        + "\r\nContent-Type: text/plain\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nConnection: close\r\n" + extraHeaders + "\r\n" + body;
}
