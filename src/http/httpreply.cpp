// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "http/httpreply_p.h"

#include "http/httpliterals_p.h"
#include "logging_p.h"

#include <QtCore/qscopeguard.h>
#include <QtNetwork/qtcpsocket.h>

namespace QtPrometheusPrivate {

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
        send(textResponse(503, QByteArrayLiteral("The exporter stopped before answering.\n")));
    }
}

void HttpReply::releaseConnection()
{
    // After the answer is written: the connection then knows what it still
    // owes, and that a 400 or a close may follow.
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
    case 414:
        return QByteArrayLiteral("URI Too Long");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    default:
        return QByteArrayLiteral("Unknown");
    }
}

HttpResponse textResponse(int statusCode, const QByteArray &text)
{
    HttpResponse response;
    response.statusCode = statusCode;
    response.contentType = HttpLiterals::contentTypePlain;
    response.body = text;
    return response;
}

QByteArray HttpReply::statusAndHeaders(const HttpResponse &response, qsizetype bodyLength,
                                       bool close)
{
    QByteArray bytes;
    bytes.reserve(160);
    bytes += "HTTP/1.1 " + QByteArray::number(response.statusCode) + ' '
        + reasonPhrase(response.statusCode) + "\r\n";
    bytes += "Content-Type: " + response.contentType + "\r\n";
    bytes += "Content-Length: " + QByteArray::number(bodyLength) + "\r\n";
    for (const auto &[name, value] : response.headers)
        bytes += name + ": " + value + "\r\n";
    if (close)
        bytes += "Connection: close\r\n";
    bytes += "\r\n";
    return bytes;
}

qint64 HttpReply::send(const HttpResponse &response)
{
    if (m_sent)
        return -1;
    m_sent = true;
    const auto closeReply = qScopeGuard([this] { releaseConnection(); });
    // The status line and headers are ours on every Qt version, so that the
    // bytes on the wire do not change with it: Qt 6.8's responder lower-cases
    // header names and puts Content-Length: 0 on a HEAD answer.
    const QByteArray &body = m_head ? QByteArray() : response.body;
    QByteArray bytes = statusAndHeaders(response, response.body.size(), m_close);

#if QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
    // Qt 6.4's responder holds a raw socket pointer (a crash once the client has
    // left) and neither orders answers nor closes the connection, so the answer
    // is queued behind earlier answers on the same connection.
    if (!isClientConnected())
        return -1;
    m_connection->complete(m_sequence, std::move(bytes), body, m_close);
    return body.size();
#else
    // Qt 6.5+ reads no further request while a responder exists, so this answer
    // is the only one the connection owes: it goes straight to the socket, and
    // dropping the responder unwritten resumes reading.
    if (!isClientConnected() || !m_connection->admitWrite(bytes.size() + body.size())) {
        m_responder.reset();
        return -1;
    }
    m_connection->write(std::move(bytes), body);
    m_responder.reset(); // Qt reconnects its parser to readyRead here...
    m_connection->attachAfterParser(); // ...so this goes behind it again
    if (m_close && isClientConnected())
        m_connection->close();
    return body.size();
#endif
}

} // namespace QtPrometheusPrivate
