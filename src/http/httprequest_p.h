// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef HTTPREQUEST_P_H
#define HTTPREQUEST_P_H

#include <QtCore/qbytearray.h>
#include <QtCore/qlist.h>
#include <QtCore/qstring.h>
#include <QtCore/qurlquery.h>

#include <chrono>
#include <optional>

QT_BEGIN_NAMESPACE
class QHttpServerRequest;
QT_END_NAMESPACE

namespace QtPrometheusPrivate {

// What the exporter needs of a request, copied out of QHttpServerRequest:
// Qt 6.4 reuses that object for the next pipelined request and frees it when
// the client leaves, so nothing may keep a reference to it past the handler.
struct HttpRequest
{
    enum class Method { Get, Head, Other };

    Method method = Method::Other;
    QByteArray methodName;
    QString path;
    QByteArray accept;
    QByteArray acceptEncoding;
    QByteArray scrapeTimeoutHeader;
    QByteArray authorization;
    QList<QByteArray> familyNames; // ?name[]=a&name[]=b: only these families
    // Connection: close, HTTP/1.0 without keep-alive, or a request we could not
    // follow to its end: the connection is closed after the response.
    bool closeConnection = false;

    static HttpRequest fromQt(const QHttpServerRequest &request, bool http10, bool forceClose);
};

// Parses X-Prometheus-Scrape-Timeout-Seconds ("10", "10.000000", "0.5").
// Returns nothing for a missing, malformed, non-positive or absurd value.
std::optional<std::chrono::milliseconds> parseScrapeTimeoutHeader(const QByteArray &value);

// Whether a comma-separated header value lists token (case-insensitive).
bool headerHasToken(const QByteArray &value, const QByteArray &token);

} // namespace QtPrometheusPrivate

#endif // HTTPREQUEST_P_H
