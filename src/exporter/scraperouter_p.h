// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef SCRAPEROUTER_P_H
#define SCRAPEROUTER_P_H

#include <QtCore/qstring.h>
#include <QtCore/qthreadpool.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "exporter/pendingscrape_p.h"
#include "http/basicauth_p.h"
#include "http/httpreply_p.h"

namespace QtPrometheusPrivate {

// Where every request of the exporter is routed: authentication (401), the
// landing page, 404 and 405 are answered here; a scrape of the metrics path
// goes on, with its deadline, to the handler.
//
// Credentials not seen before cost a PBKDF2 key derivation (about 7 ms). It
// runs on a thread of the router's own, one at a time, never on the exporter's
// thread: wrong passwords sent as fast as they are answered cost a core, not
// the event loop, and requests with known credentials pass at once meanwhile.
class ScrapeRouter
{
public:
    using ScrapeHandler = std::function<void(PendingScrape &&)>;
    // Told the status of every answer the router sends itself.
    using AnswerObserver = std::function<void(int statusCode)>;

    // Derivations report back to context's thread (the exporter's).
    ScrapeRouter(QObject *context, ScrapeHandler onScrape, AnswerObserver onAnswered);
    ~ScrapeRouter();
    Q_DISABLE_COPY_MOVE(ScrapeRouter)

    void route(HttpRequest &&request, std::shared_ptr<HttpReply> reply);
    // Sends a response that is not a scrape's (an error, the landing page).
    void answer(HttpReply &reply, const HttpResponse &response);
    // For stop(): requests still waiting for their key derivation go unrouted
    // (their replies answer 503).
    void dropPending()
    {
        m_derivations.clear(); // the queued ones; the running one's verdict finds nothing
        m_pending.clear();
    }

    QString path = QStringLiteral("/metrics");
    BasicAuth basicAuth;
    QString basicAuthRealm = QStringLiteral("metrics");
    int updateTimeoutMs = 10000;

    // More requests than this waiting for their derivation get 503 at once.
    static constexpr std::size_t MaxPendingDerivations = 64;

private:
    // Shared with derivation jobs: where to post their verdict while the router
    // lives. A std::mutex, which ThreadSanitizer understands.
    struct Mailbox
    {
        std::mutex mutex;
        QObject *context = nullptr;
    };
    struct Pending
    {
        HttpRequest request;
        std::shared_ptr<HttpReply> reply;
        quint64 generation = 0;
    };

    void routeAuthenticated(HttpRequest &&request, std::shared_ptr<HttpReply> reply);
    void deriveOffThread(HttpRequest &&request, std::shared_ptr<HttpReply> reply);
    void onDerived(quint64 id, bool accepted);
    QDeadlineTimer deadlineFor(const HttpRequest &request) const;
    HttpResponse unauthorized() const;
    HttpResponse landingPage() const;

    ScrapeHandler m_onScrape;
    AnswerObserver m_onAnswered;
    std::shared_ptr<Mailbox> m_mailbox;
    std::map<quint64, Pending> m_pending; // waiting for their derivation
    quint64 m_nextId = 0;
    QThreadPool m_derivations;
};

} // namespace QtPrometheusPrivate

#endif // SCRAPEROUTER_P_H
