// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "http/httprequest_p.h"

#include "http/httpliterals_p.h"

#include <QtHttpServer/qhttpserverrequest.h>

#include <cmath>

namespace QtPrometheusPrivate {

HttpRequest HttpRequest::fromQt(const QHttpServerRequest &request, bool http10, bool forceClose)
{
    HttpRequest r;
    switch (request.method()) {
    case QHttpServerRequest::Method::Get:
        r.method = Method::Get;
        r.methodName = QByteArrayLiteral("GET");
        break;
    case QHttpServerRequest::Method::Head:
        r.method = Method::Head;
        r.methodName = QByteArrayLiteral("HEAD");
        break;
    default:
        r.method = Method::Other;
        r.methodName = QByteArrayLiteral("other");
        break;
    }
    // Route on the decoded path only: Qt builds the URL's host and port from the
    // client's Host header, which must not influence anything.
    const QUrl url = request.url();
    r.path = url.path();
    const auto items = request.query().queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items) {
        if (key == QLatin1String("name[]"))
            r.familyNames.append(value.toUtf8());
    }
    r.accept = request.value(HttpLiterals::headerAccept);
    r.acceptEncoding = request.value(HttpLiterals::headerAcceptEncoding);
    r.scrapeTimeoutHeader = request.value(HttpLiterals::headerScrapeTimeout);
    r.authorization = request.value(QByteArrayLiteral("authorization"));

    const QByteArray connection = request.value(HttpLiterals::headerConnection);
    if (headerHasToken(connection, QByteArrayLiteral("close")))
        r.closeConnection = true;
    else if (http10 && !headerHasToken(connection, QByteArrayLiteral("keep-alive")))
        r.closeConnection = true;
    if (forceClose)
        r.closeConnection = true;
    return r;
}

std::optional<std::chrono::milliseconds> parseScrapeTimeoutHeader(const QByteArray &value)
{
    const QByteArray trimmed = value.trimmed();
    if (trimmed.isEmpty() || trimmed.size() > 32)
        return std::nullopt;
    bool ok = false;
    const double seconds = trimmed.toDouble(&ok);
    // A day is far beyond any scrape timeout; larger values are noise.
    if (!ok || !std::isfinite(seconds) || seconds <= 0 || seconds > 86400)
        return std::nullopt;
    // At least a millisecond: a positive timeout must not read as none.
    return std::chrono::milliseconds(qMax<qint64>(1, qint64(seconds * 1000.0)));
}

bool headerHasToken(const QByteArray &value, const QByteArray &token)
{
    for (const QByteArray &part : value.split(',')) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace QtPrometheusPrivate
