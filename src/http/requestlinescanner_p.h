// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef REQUESTLINESCANNER_P_H
#define REQUESTLINESCANNER_P_H

#include <QtCore/qbytearray.h>

#include <deque>

namespace QtPrometheusPrivate {

// Follows the request lines of one connection as the bytes arrive, because
// QHttpServerRequest does not tell the HTTP version (needed to close HTTP/1.0
// connections). Only bodiless requests can be followed; after a request with a
// body every further request is answered with the connection closed.
class RequestLineScanner
{
public:
    struct Line
    {
        bool http10 = false;
        bool lost = false; // the scanner could not follow this request
        bool tooManyFields = false; // more than MaxHeaderFields
    };
    // Qt 6.4 drops every header of a request with more fields than this.
    static constexpr int MaxHeaderFields = 100;

    void feed(const char *data, qsizetype size);
    Line takeNext();
    // No request is partly received.
    bool isBetweenRequests() const { return m_state == State::BetweenRequests; }
    // The request line itself is still arriving.
    bool isInRequestLine() const { return m_state == State::RequestLine; }
    // The header being received: its fields and bytes so far, the request line
    // and the empty lines before it included. Zero bytes when nothing of a next
    // request has arrived.
    int headerFields() const { return m_headerFields; }
    qsizetype headerBytes() const { return m_headerBytes; }
    // Whether a next request has begun: more than the one empty line (CRLF) a
    // client may send after a request, or any other byte.
    bool hasBegunRequest() const { return m_state != State::BetweenRequests || m_headerBytes > 2; }

private:
    enum class State { BetweenRequests, RequestLine, Headers, Lost };
    void finishLine();

    State m_state = State::BetweenRequests;
    QByteArray m_line;
    bool m_lineTooLong = false;
    std::deque<Line> m_lines;
    int m_headerFields = 0;
    qsizetype m_headerBytes = 0;
};

} // namespace QtPrometheusPrivate

#endif // REQUESTLINESCANNER_P_H
