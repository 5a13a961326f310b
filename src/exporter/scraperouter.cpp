// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "exporter/scraperouter_p.h"

#include "http/httpliterals_p.h"

#include <QtCore/qcoreapplication.h>

namespace QtPrometheusPrivate {

ScrapeRouter::ScrapeRouter(QObject *context, ScrapeHandler onScrape, AnswerObserver onAnswered)
    : m_onScrape(std::move(onScrape)), m_onAnswered(std::move(onAnswered)),
      m_mailbox(std::make_shared<Mailbox>())
{
    m_mailbox->context = context;
    m_derivations.setMaxThreadCount(1);
    m_derivations.setObjectName(QStringLiteral("prometheus-auth"));
}

ScrapeRouter::~ScrapeRouter()
{
    {
        std::lock_guard<std::mutex> lock(m_mailbox->mutex);
        m_mailbox->context = nullptr; // verdicts still to come go nowhere
    }
    m_derivations.clear();
    m_derivations.waitForDone();
    // The requests still waiting are answered 503 by their replies' destructors.
}

void ScrapeRouter::route(HttpRequest &&request, std::shared_ptr<HttpReply> reply)
{
    switch (basicAuth.quickCheck(request.authorization)) {
    case BasicAuth::Verdict::Accepted:
        routeAuthenticated(std::move(request), std::move(reply));
        return;
    case BasicAuth::Verdict::Rejected:
        answer(*reply, unauthorized());
        return;
    case BasicAuth::Verdict::NeedsKeyDerivation:
        deriveOffThread(std::move(request), std::move(reply));
        return;
    }
}

void ScrapeRouter::deriveOffThread(HttpRequest &&request, std::shared_ptr<HttpReply> reply)
{
    if (m_pending.size() >= MaxPendingDerivations) {
        answer(*reply,
               textResponse(503,
                            "Too many authentication attempts in progress, try "
                            "again later.\n"));
        return;
    }
    const quint64 id = m_nextId++;
    std::function<bool()> job = basicAuth.derivationJob(request.authorization);
    m_pending.emplace(id, Pending {std::move(request), std::move(reply), basicAuth.generation()});
    // The job holds copies and an id, never the request or its reply: those
    // must only ever be touched (and destroyed) in the exporter's thread.
    m_derivations.start([mailbox = m_mailbox, job = std::move(job), id, this] {
        const bool accepted = job();
        std::lock_guard<std::mutex> lock(mailbox->mutex);
        if (mailbox->context) {
            QMetaObject::invokeMethod(
                mailbox->context, [this, id, accepted] { onDerived(id, accepted); },
                Qt::QueuedConnection);
        }
    });
}

void ScrapeRouter::onDerived(quint64 id, bool accepted)
{
    const auto found = m_pending.find(id);
    if (found == m_pending.end())
        return;
    Pending pending = std::move(found->second);
    m_pending.erase(found);
    if (pending.generation != basicAuth.generation()) {
        // The credentials changed meanwhile: decide again under the new ones.
        route(std::move(pending.request), std::move(pending.reply));
        return;
    }
    if (!accepted) {
        answer(*pending.reply, unauthorized());
        return;
    }
    basicAuth.remember(pending.request.authorization);
    routeAuthenticated(std::move(pending.request), std::move(pending.reply));
}

void ScrapeRouter::routeAuthenticated(HttpRequest &&request, std::shared_ptr<HttpReply> reply)
{
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
