// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "httpreply_p.h"

#include "exporterlogging_p.h"

#include <QtNetwork/qtcpsocket.h>

#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
#include <QtNetwork/qhttpheaders.h>
#endif

#if QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
HttpReply::HttpReply(HttpConnection *connection, bool head, bool close)
    : m_connection(connection), m_head(head), m_close(close)
{
    if (connection) {
        m_sequence = connection->enqueue();
        connection->replyOpened();
    }
}
#else
HttpReply::HttpReply(QHttpServerResponder &&responder, HttpConnection *connection, bool head,
                     bool close)
    : m_connection(connection), m_head(head), m_close(close)
{
    m_responder.emplace(std::move(responder));
    if (connection)
        connection->replyOpened();
}
#endif

HttpReply::~HttpReply()
{
    // Every request is owed an answer, or the client hangs until its own timeout
    // (and on Qt 6.4 every later answer on the connection waits behind this one).
    if (!m_sent) {
        HttpResponse unavailable;
        unavailable.statusCode = 503;
        unavailable.contentType = QByteArrayLiteral("text/plain; charset=utf-8");
        unavailable.body = QByteArrayLiteral("The exporter stopped before answering.\n");
        send(unavailable);
    }
}

void HttpReply::markSent()
{
    m_sent = true;
    if (m_connection)
        m_connection->replyClosed();
}

bool HttpReply::isClientConnected() const
{
    return m_connection && m_connection->socket()->state() == QAbstractSocket::ConnectedState;
}

QByteArray HttpReply::reasonPhrase(int statusCode)
{
    switch (statusCode) {
    case 200:
        return QByteArrayLiteral("OK");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    default:
        return QByteArrayLiteral("Unknown");
    }
}

qint64 HttpReply::send(const HttpResponse &response)
{
    if (m_sent)
        return -1;
    markSent();
    const QByteArray length = QByteArray::number(response.body.size());
    const QByteArray &body = m_head ? QByteArray() : response.body;

#if QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
    // Qt 6.4's responder holds a raw socket pointer (a crash once the client has
    // left) and cannot send HEAD or close the connection, so the response is
    // written here and queued behind earlier answers on the same connection.
    if (!isClientConnected())
        return -1;
    QByteArray bytes;
    bytes += "HTTP/1.1 " + QByteArray::number(response.statusCode) + ' '
        + reasonPhrase(response.statusCode) + "\r\n";
    bytes += "Content-Type: " + response.contentType + "\r\n";
    bytes += "Content-Length: " + length + "\r\n";
    for (const auto &[name, value] : response.headers)
        bytes += name + ": " + value + "\r\n";
    if (m_close)
        bytes += "Connection: close\r\n";
    bytes += "\r\n";
    m_connection->complete(m_sequence, std::move(bytes), body, m_close);
    return body.size();
#else
    // Qt 6.5+ keeps the connection alive and paused while a responder exists, so
    // the responder itself is safe to use late and keeps answers in order.
    if (m_connection && !m_connection->checkWriteBacklog())
        return -1;
    const auto status = static_cast<QHttpServerResponder::StatusCode>(response.statusCode);
#if QT_VERSION < QT_VERSION_CHECK(6, 8, 0)
    m_responder->writeStatusLine(status);
    m_responder->writeHeader(QByteArrayLiteral("Content-Type"), response.contentType);
    m_responder->writeHeader(QByteArrayLiteral("Content-Length"), length);
    for (const auto &[name, value] : response.headers)
        m_responder->writeHeader(name, value);
    if (m_close)
        m_responder->writeHeader(QByteArrayLiteral("Connection"), QByteArrayLiteral("close"));
    m_responder->writeBody(body);
#else
    // Qt 6.8 computes Content-Length itself; a HEAD answer therefore says 0.
    QHttpHeaders headers;
    headers.append(QHttpHeaders::WellKnownHeader::ContentType, response.contentType);
    for (const auto &[name, value] : response.headers)
        headers.append(name, value);
    if (m_close)
        headers.append(QHttpHeaders::WellKnownHeader::Connection, "close");
    m_responder->write(body, headers, status);
#endif
    m_responder.reset(); // resumes reading on the connection
    if (m_close && isClientConnected())
        m_connection->socket()->disconnectFromHost();
    return body.size();
#endif
}
