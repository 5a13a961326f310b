// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "http/requestlinescanner_p.h"

namespace QtPrometheusPrivate {

namespace {
// Longer request lines are not ours to serve anyway; the version is then unknown.
constexpr qsizetype MaxScannedLine = 8 * 1024;

bool startsWithNoCase(const QByteArray &line, QByteArrayView prefix)
{
    return line.left(prefix.size()).compare(prefix, Qt::CaseInsensitive) == 0;
}
} // namespace

void RequestLineScanner::feed(const char *data, qsizetype size)
{
    for (qsizetype i = 0; i < size && m_state != State::Lost; ++i) {
        const char c = data[i];
        if (m_state == State::BetweenRequests) {
            // RFC 9112 §2.2: empty lines before a request are ignored. They
            // still count: Qt keeps them in its buffer until the request is
            // complete.
            if (c == '\r' || c == '\n') {
                ++m_headerBytes;
                continue;
            }
            m_state = State::RequestLine;
            m_headerFields = 0;
        }
        ++m_headerBytes;
        if (c == '\n') {
            finishLine();
            continue;
        }
        if (m_line.size() < MaxScannedLine)
            m_line.append(c);
        else
            m_lineTooLong = true;
    }
}

void RequestLineScanner::finishLine()
{
    if (m_line.endsWith('\r'))
        m_line.chop(1);
    if (m_state == State::RequestLine) {
        Line line;
        line.http10 = !m_lineTooLong && m_line.endsWith(" HTTP/1.0");
        line.lost = m_lineTooLong;
        m_lines.push_back(line);
        m_state = State::Headers;
    } else if (m_line.isEmpty()) {
        m_state = State::BetweenRequests;
        if (m_headerFields > MaxHeaderFields && !m_lines.empty())
            m_lines.back().tooManyFields = true;
        m_headerFields = 0;
        m_headerBytes = 0;
    } else {
        ++m_headerFields;
        if (startsWithNoCase(m_line, "content-length:")) {
            if (m_line.mid(15).trimmed() != "0")
                m_state = State::Lost;
        } else if (startsWithNoCase(m_line, "transfer-encoding:")) {
            m_state = State::Lost;
        }
    }
    m_line.clear();
    m_lineTooLong = false;
}

RequestLineScanner::Line RequestLineScanner::takeNext()
{
    if (m_lines.empty()) {
        Line unknown;
        unknown.lost = true;
        return unknown;
    }
    Line line = m_lines.front();
    m_lines.pop_front();
    if (m_lines.empty() && m_state == State::Lost)
        line.lost = true; // this request carried the body we cannot follow
    return line;
}

} // namespace QtPrometheusPrivate
