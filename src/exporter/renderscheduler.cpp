// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "exporter/renderscheduler_p.h"

#include "exporter/renderworker_p.h"
#include "exposition/compression_p.h"
#include "http/httpreply_p.h"
#include "logging_p.h"

#include <QtCore/qtimer.h>

#include <algorithm>

namespace QtPrometheusPrivate {

namespace {
// Every distinct request of scrapes, each rendered once.
std::vector<RenderRequest> distinctRequests(const std::vector<PendingScrape> &scrapes)
{
    std::vector<RenderRequest> requests;
    for (const PendingScrape &scrape : scrapes) {
        if (std::find(requests.cbegin(), requests.cend(), scrape.wanted) == requests.cend())
            requests.push_back(scrape.wanted);
    }
    return requests;
}
} // namespace

RenderScheduler::RenderScheduler(QObject *context, Hooks hooks)
    : m_context(context), m_hooks(std::move(hooks)), m_retireTimer(new QTimer(context))
{
    m_retireTimer->setObjectName(QStringLiteral("qt_prometheus_retire_timer"));
    m_retireTimer->setSingleShot(true);
    QObject::connect(m_retireTimer, &QTimer::timeout, context,
                     [this] { releaseRetired(RetireCheck::Again); });
}

RenderScheduler::~RenderScheduler() = default;

qint64 RenderScheduler::initialInlineLimitNs()
{
    bool ok = false;
    const int usec = qEnvironmentVariableIntValue("QTPROMETHEUSEXPORTER_INLINE_RENDER_USEC", &ok);
    return ok && usec >= 0 ? qint64(usec) * 1000 : DefaultInlineLimitNs;
}

bool RenderScheduler::isBusy() const
{
    return m_worker && m_worker->isRunning();
}

bool RenderScheduler::offThread() const
{
    // The first render's cost is unknown: it could be large, so it goes off-thread.
    return m_lastCostNs < 0 || m_lastCostNs >= m_inlineLimitNs;
}

RenderRequest RenderScheduler::requestFor(const HttpRequest &request)
{
    if (request.accept != m_lastAccept) {
        m_lastAccept = request.accept;
        m_lastFormat = negotiateFormat(m_lastAccept);
    }
    if (request.acceptEncoding != m_lastAcceptEncoding) {
        m_lastAcceptEncoding = request.acceptEncoding;
        m_lastAcceptsGzip = acceptsGzip(m_lastAcceptEncoding);
    }
    RenderRequest wanted;
    wanted.format = m_lastFormat;
    wanted.names = request.familyNames;
    wanted.gzip = compressionEnabled && m_lastAcceptsGzip;
    return wanted;
}

bool RenderScheduler::answer(std::vector<PendingScrape> scrapes)
{
    if (scrapes.empty())
        return true;
    for (PendingScrape &scrape : scrapes)
        scrape.wanted = requestFor(scrape.request);
    if (!isBusy() && !offThread())
        return answerNow(std::move(scrapes));
    // Joins the next render: one that is running may have collected already.
    m_queue.insert(m_queue.end(), std::make_move_iterator(scrapes.begin()),
                   std::make_move_iterator(scrapes.end()));
    if (!isBusy())
        start();
    else
        m_hooks.inFlightChanged(0);
    return true;
}

bool RenderScheduler::answerNow(std::vector<PendingScrape> scrapes)
{
    if (scrapes.empty())
        return true;
    m_hooks.inFlightChanged(int(scrapes.size()));
    RenderOutcome outcome = RenderWorker::renderNow(m_hooks.input(), distinctRequests(scrapes));
    m_lastCostNs = outcome.costNs;
    return answerFrom(*outcome.render, scrapes);
}

void RenderScheduler::start()
{
    Q_ASSERT(!isBusy() && m_rendering.empty());
    if (!m_worker)
        m_worker = std::make_unique<RenderWorker>(m_context, [this] { onFinished(); });
    m_rendering = std::exchange(m_queue, {});
    m_hooks.inFlightChanged(0);
    m_worker->start(m_hooks.input(), distinctRequests(m_rendering));
}

void RenderScheduler::releaseRetired(RetireCheck check)
{
    // Not while a render runs: its end releases them anyway, and freeing a
    // large body in the worker just before a collection lets glibc hand the
    // worker's heap back to the system, which the collection must then fault
    // in again (at 100k series that made back-to-back scrapes 3x slower).
    if (!m_worker || (!isBusy() && !m_worker->releaseRetired())) {
        m_retireTimer->stop();
        return;
    }
    const auto interval = check == RetireCheck::AfterAnswer
        ? RetireCheckInterval
        : std::min(m_retireTimer->intervalAsDuration() * 2, MaxRetireCheckInterval);
    m_retireTimer->start(interval);
}

void RenderScheduler::onFinished()
{
    std::unique_ptr<RenderOutcome> outcome = m_worker->takeOutcome();
    if (!outcome)
        return; // taken by finish() already
    m_lastCostNs = outcome->costNs;
    std::vector<PendingScrape> batch = std::exchange(m_rendering, {});
    if (!answerFrom(*outcome->render, batch))
        return;
    batch.clear(); // the replies: until they are gone, they share the bodies
    m_worker->retire(std::move(outcome));
    releaseRetired(RetireCheck::AfterAnswer); // frees it now if nothing shares it

    // Scrapes that came during the render get the next one; only then may a
    // deferred update run.
    if (!m_queue.empty()) {
        if (offThread()) {
            start();
            return;
        }
        if (!answerNow(std::exchange(m_queue, {})))
            return;
    }
    m_hooks.idle();
}

bool RenderScheduler::finish(std::vector<PendingScrape> more)
{
    if (isBusy()) {
        std::vector<PendingScrape> batch = std::exchange(m_rendering, {});
        const auto outcome = m_worker->waitForOutcome(QDeadlineTimer(StopWaitMs));
        if (outcome) {
            m_lastCostNs = outcome->costNs;
            if (!answerFrom(*outcome->render, batch))
                return false;
        } else {
            qCWarning(lcExporter).nospace()
                << "stopping: a render did not finish within " << StopWaitMs << " ms; its "
                << batch.size() << " scrape(s) are answered 503";
        }
    }
    std::vector<PendingScrape> rest = std::exchange(m_queue, {});
    rest.insert(rest.end(), std::make_move_iterator(more.begin()),
                std::make_move_iterator(more.end()));
    for (PendingScrape &scrape : rest)
        scrape.wanted = requestFor(scrape.request);
    return answerNow(std::move(rest));
}

bool RenderScheduler::answerFrom(MetricsRender &render, std::vector<PendingScrape> &scrapes)
{
    // Built once: every answer shares them.
    static const QList<std::pair<QByteArray, QByteArray>> gzipHeaders {
        {QByteArrayLiteral("Content-Encoding"), QByteArrayLiteral("gzip")},
        {QByteArrayLiteral("Vary"), QByteArrayLiteral("Accept-Encoding")}};
    static const QList<std::pair<QByteArray, QByteArray>> varyHeaders {
        {QByteArrayLiteral("Vary"), QByteArrayLiteral("Accept-Encoding")}};

    const int statusCode = render.statusCode();
    for (PendingScrape &scrape : scrapes) {
        const RenderedBody &rendered = render.body(scrape.wanted);
        HttpResponse response;
        response.statusCode = statusCode;
        response.contentType = rendered.contentType;
        response.body = rendered.body; // shared, not copied
        if (rendered.gzipped)
            response.headers = gzipHeaders;
        else if (compressionEnabled)
            response.headers = varyHeaders;
        if (scrape.reply->send(response) < 0) {
            qCDebug(lcExporter) << "a client left before its scrape was answered";
        } else {
            qCDebug(lcExporter).nospace().noquote()
                << "scrape answered: " << statusCode << ", " << response.contentType
                << (rendered.gzipped ? ", gzip, " : ", ") << response.body.size() << " bytes";
        }
        m_hooks.answered(statusCode, scrape, response.body.size());
    }
    m_hooks.inFlightChanged(0);
    return m_hooks.emitAnswered(statusCode, scrapes.size());
}

} // namespace QtPrometheusPrivate
