// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef RENDERSCHEDULER_P_H
#define RENDERSCHEDULER_P_H

#include <QtCore/qbytearray.h>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "exporter/pendingscrape_p.h"
#include "exposition/contentnegotiation_p.h"

QT_BEGIN_NAMESPACE
class QObject;
class QTimer;
QT_END_NAMESPACE

namespace QtPrometheusPrivate {

class MetricsRender;
class RenderWorker;

// Where scrapes whose update is done are rendered and answered: inline when
// the last render was cheap, else on the render worker, so that a large
// registry never stalls the exporter's thread. A scrape that arrives while a
// render runs waits for the next one (the running one may have collected
// already); scrapes rendered together share each body. Finished renders are
// freed once the sockets have sent them.
class RenderScheduler
{
public:
    // The hooks that reach the exporter return false when a slot connected to
    // its signals destroyed it; the scheduler then returns at once.
    struct Hooks
    {
        // What a render collects, taken now.
        std::function<RenderInput()> input;
        // One scrape was answered with statusCode and a body of bodySize bytes.
        std::function<void(int statusCode, const PendingScrape &, qsizetype bodySize)> answered;
        // Emits scrapeAnswered() once for each of count scrapes.
        std::function<bool(int statusCode, std::size_t count)> emitAnswered;
        // The scrapes in flight changed; extra are being answered right now.
        std::function<void(int extra)> inFlightChanged;
        // A render finished and the scrapes that came meanwhile are served.
        std::function<void()> idle;
    };

    // The worker and the retire timer belong to context (the exporter).
    RenderScheduler(QObject *context, Hooks hooks);
    ~RenderScheduler();
    Q_DISABLE_COPY_MOVE(RenderScheduler)

    [[nodiscard]] bool answer(std::vector<PendingScrape> scrapes);
    // For stop(): answers the running render's scrapes (waiting for it a
    // short while), the queued ones and more, now.
    [[nodiscard]] bool finish(std::vector<PendingScrape> more);
    // A render is collecting or serialising on the worker.
    bool isBusy() const;
    // Scrapes in the running render and queued for the next one.
    std::size_t inFlight() const { return m_rendering.size() + m_queue.size(); }

    bool compressionEnabled = true;

private:
    [[nodiscard]] bool answerNow(std::vector<PendingScrape> scrapes);
    [[nodiscard]] bool answerFrom(MetricsRender &render, std::vector<PendingScrape> &scrapes);
    void start();
    void onFinished();
    bool offThread() const;
    RenderRequest requestFor(const HttpRequest &request);
    enum class RetireCheck { AfterAnswer, Again };
    void releaseRetired(RetireCheck check);
    static qint64 initialInlineLimitNs();

    // A render runs inline when the previous one took less than this (about
    // 300 series of exporter-demo's shape in a Release build), on the worker
    // otherwise: only below it is inline faster, and a GUI never notices a
    // tenth of a millisecond. Measured with bench/load/threshold.sh (see
    // bench/README.md); QTPROMETHEUSEXPORTER_INLINE_RENDER_USEC overrides it
    // (0: never inline).
    static constexpr qint64 DefaultInlineLimitNs = 100'000;
    // How long stop() waits for a render in flight before answering 503.
    static constexpr int StopWaitMs = 2000;
    // First look 500 ms after an answer, then less and less often: a client
    // that has stopped reading may hold its body for as long as it stays.
    static constexpr std::chrono::milliseconds RetireCheckInterval {500};
    static constexpr std::chrono::milliseconds MaxRetireCheckInterval {8000};

    QObject *m_context;
    Hooks m_hooks;
    qint64 m_inlineLimitNs = initialInlineLimitNs();
    qint64 m_lastCostNs = -1; // -1: nothing rendered yet, so its cost is unknown
    std::unique_ptr<RenderWorker> m_worker; // created on first use
    std::vector<PendingScrape> m_rendering; // answered by the running render
    std::vector<PendingScrape> m_queue; // waiting for the next render
    // Frees finished renders once the sockets have sent them, so that a large
    // body is not kept until the next scrape (which may be a minute away).
    QTimer *m_retireTimer;

    // The last Accept and Accept-Encoding seen and what they meant: a scraper
    // sends the same ones every time.
    QByteArray m_lastAccept;
    ResponseFormat m_lastFormat;
    QByteArray m_lastAcceptEncoding;
    bool m_lastAcceptsGzip = false;
};

} // namespace QtPrometheusPrivate

#endif // RENDERSCHEDULER_P_H
