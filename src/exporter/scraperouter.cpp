// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "exporter/scraperouter_p.h"

#include "http/httpliterals_p.h"

#include <QtCore/qcoreapplication.h>

namespace QtPrometheusPrivate {

ScrapeRouter::ScrapeRouter(ScrapeHandler onScrape, AnswerObserver onAnswered)
    : m_onScrape(std::move(onScrape)), m_onAnswered(std::move(onAnswered))
{ }

void ScrapeRouter::route(HttpRequest &&request, std::shared_ptr<HttpReply> reply)
{
    if (!basicAuth.check(request.authorization)) {
        answer(*reply, unauthorized());
        return;
    }
    const bool metricsPath = request.path == path;
    const bool landing = !metricsPath && request.path == QLatin1String("/");
    if (!metricsPath && !landing) {
        answer(*reply,
               textResponse(404, "Not found. Metrics are served at " + path.toUtf8() + "\n"));
        return;
    }
    if (request.method == HttpRequest::Method::Other) {
        HttpResponse response = textResponse(405, "Method not allowed: use GET or HEAD.\n");
        response.headers.append({QByteArrayLiteral("Allow"), HttpLiterals::allowedMethods});
        answer(*reply, response);
        return;
    }
    if (landing) {
        answer(*reply, landingPage());
        return;
    }
    PendingScrape scrape;
    scrape.request = std::move(request);
    scrape.reply = std::move(reply);
    scrape.age.start();
    scrape.deadline = deadlineFor(scrape.request);
    m_onScrape(std::move(scrape));
}

void ScrapeRouter::answer(HttpReply &reply, const HttpResponse &response)
{
    reply.send(response);
    m_onAnswered(response.statusCode);
}

QDeadlineTimer ScrapeRouter::deadlineFor(const HttpRequest &request) const
{
    qint64 timeoutMs = updateTimeoutMs;
    if (const auto scraper = parseScrapeTimeoutHeader(request.scrapeTimeoutHeader)) {
        // Answer a little before the scraper gives up, or the wait was for nothing.
        const qint64 scraperMs = scraper->count();
        const qint64 margin = qMin<qint64>(500, scraperMs / 10);
        timeoutMs = qMin(timeoutMs, qMax<qint64>(0, scraperMs - margin));
    }
    return QDeadlineTimer(timeoutMs);
}

HttpResponse ScrapeRouter::unauthorized() const
{
    HttpResponse response = textResponse(401, "Unauthorized.\n");
    QString realm = basicAuthRealm;
    realm.remove(QLatin1Char('"')).remove(QLatin1Char('\\'));
    response.headers.append({QByteArrayLiteral("WWW-Authenticate"),
                             "Basic realm=\"" + realm.toUtf8() + "\", charset=\"UTF-8\""});
    return response;
}

HttpResponse ScrapeRouter::landingPage() const
{
    const QString name = QCoreApplication::applicationName().toHtmlEscaped();
    const QString title = name.isEmpty() ? QStringLiteral("Prometheus exporter")
                                         : name + QStringLiteral(" \u2014 Prometheus exporter");
    HttpResponse response;
    response.contentType = HttpLiterals::contentTypeHtml;
    response.body = QStringLiteral("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                                   "<title>%1</title></head>\n<body><h1>%1</h1>\n"
                                   "<p><a href=\"%2\">Metrics</a></p></body></html>\n")
                        .arg(title, path.toHtmlEscaped())
                        .toUtf8();
    return response;
}

} // namespace QtPrometheusPrivate
