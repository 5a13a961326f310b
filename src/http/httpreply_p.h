// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef HTTPREPLY_P_H
#define HTTPREPLY_P_H

#include <QtCore/qbytearray.h>
#include <QtCore/qlist.h>
#include <QtCore/qpointer.h>

#include <optional>
#include <utility>

#include "http/httpconnection_p.h"

#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
#include <QtHttpServer/qhttpserverresponder.h>
#endif

namespace QtPrometheusPrivate {

struct HttpResponse
{
    int statusCode = 200;
    QByteArray contentType;
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers; // besides Content-Type/-Length
};

// A plain-text answer: every error the library sends (401, 404, 405, 503) is one.
HttpResponse textResponse(int statusCode, const QByteArray &text);

// The one answer owed to one request. It may be sent long after the request
// arrived (notify mode), so it never assumes the client is still there.
class HttpReply
{
public:
#if QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
    HttpReply(HttpConnection *connection, bool head, bool close);
#else
    HttpReply(QHttpServerResponder &&responder, HttpConnection *connection, bool head, bool close);
#endif
    ~HttpReply();
    Q_DISABLE_COPY_MOVE(HttpReply)

    // Writes the response unless the client is gone or an answer was sent.
    // Returns the number of body bytes that went out, or -1 when nothing was written.
    qint64 send(const HttpResponse &response);
    bool isClientConnected() const;

    static QByteArray reasonPhrase(int statusCode);
    // The status line and headers of an answer with a body of bodyLength bytes.
    static QByteArray statusAndHeaders(const HttpResponse &response, qsizetype bodyLength,
                                       bool close);
    // A whole answer after which the connection closes, for the refusals
    // written raw, outside of any request Qt parsed.
    static QByteArray closingAnswer(const HttpResponse &response)
    {
        return statusAndHeaders(response, response.body.size(), true) + response.body;
    }

private:
    void releaseConnection();

    QPointer<HttpConnection> m_connection;
    bool m_head;
    bool m_close;
    bool m_sent = false;
#if QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
    quint64 m_sequence = 0;
#else
    std::optional<QHttpServerResponder> m_responder;
#endif
};

} // namespace QtPrometheusPrivate

#endif // HTTPREPLY_P_H
