// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PROMETHEUSEXPORTER_P_H
#define PROMETHEUSEXPORTER_P_H

#include <QtPrometheusExporter/processcollector.h>
#include <QtPrometheusExporter/prometheusexporter.h>
#include <QtPrometheusExporter/qtruntimecollector.h>

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qelapsedtimer.h>
#include <QtCore/qtimer.h>
#if QT_CONFIG(ssl)
#include <QtNetwork/qsslconfiguration.h>
#endif

#include <memory>
#include <vector>

#include "exporter/selfmetrics_p.h"
#include "exposition/metricsrenderer_p.h"
#include "http/basicauth_p.h"
#include "http/httprequest_p.h"
#include "http/serverlimits_p.h"

class PrometheusUpdatePrivate;

namespace QtPrometheusPrivate {
class HttpReply;
class HttpServer;
class RenderWorker;
class UpdateNotifier;
struct HttpResponse;

// A scrape accepted on the metrics path and not yet answered.
struct PendingScrape
{
    HttpRequest request;
    std::shared_ptr<HttpReply> reply;
    QElapsedTimer age;
    QDeadlineTimer deadline; // when it is answered even if the update is not done
    RenderRequest wanted; // format, families and encoding, once it may be rendered
};
} // namespace QtPrometheusPrivate

class PrometheusExporterPrivate
{
    Q_DECLARE_PUBLIC(PrometheusExporter)
public:
    static constexpr int DefaultIntervalMs = 1000;
    static constexpr int DefaultUpdateTimeoutMs = 10000;
    static constexpr int DefaultMaxScrapesInFlight = 32;
    // How long stop() lets connections send the answers they were given.
    static constexpr std::chrono::milliseconds StopFlushDeadline {2000};

    PrometheusExporterPrivate(PrometheusExporter *q,
                              std::shared_ptr<prometheus::Registry> registry);
    ~PrometheusExporterPrivate();

    void setError(PrometheusExporter::Error error, const QString &message);
    void clearError();
    static QString normalizePath(const QString &path, QString *error);

    // Where a request is routed: the metrics path, the landing page, or 404.
    void handleRequest(QtPrometheusPrivate::HttpRequest &&request,
                       std::shared_ptr<QtPrometheusPrivate::HttpReply> reply);
    void answerSimple(const QtPrometheusPrivate::HttpRequest &request,
                      QtPrometheusPrivate::HttpReply &reply,
                      QtPrometheusPrivate::HttpResponse response);

    // Where a scrape waits for an update (notify and repeat modes).
    void acceptScrape(QtPrometheusPrivate::PendingScrape &&scrape);
    enum class UpdateKind { Scrape, Interval };
    void beginUpdate(UpdateKind kind);
    void onUpdateFinished(quint64 generation);
    void onIntervalTimeout();
    void onDeadlineTimeout();
    void rearmDeadlineTimer();
    QDeadlineTimer deadlineFor(const QtPrometheusPrivate::HttpRequest &request) const;

    // Where waiting scrapes are rendered and written back: inline when the last
    // render was cheap, else on the render worker (SPEC §6). A scrape that
    // arrives while a render runs waits for the next one; no update starts
    // while a render collects (it is deferred until the render is done).
    // Each returns false when a slot connected to scrapeAnswered() (or to an
    // update signal) destroyed the exporter.
    [[nodiscard]] bool answerScrapes(std::vector<QtPrometheusPrivate::PendingScrape> scrapes);
    [[nodiscard]] bool answerNow(std::vector<QtPrometheusPrivate::PendingScrape> scrapes);
    [[nodiscard]] bool answerFrom(QtPrometheusPrivate::MetricsRender &render,
                                  std::vector<QtPrometheusPrivate::PendingScrape> &scrapes);
    void startRender();
    void onRenderFinished();
    [[nodiscard]] bool finishRenders(); // for stop(): everything in flight, now
    bool renderBusy() const;
    bool renderOffThread() const;
    int scrapesInFlight() const;
    QtPrometheusPrivate::RenderRequest
    renderRequestFor(const QtPrometheusPrivate::HttpRequest &request);
    [[nodiscard]] bool finishUpdate();
    QtPrometheusPrivate::RenderInput renderInput() const;
    void updateIntervalTimer();
    void shutdownServer();
    bool finishStart(QtPrometheusPrivate::HttpServer *server);
    const QSslConfiguration *tlsConfiguration() const;
    void applyLimits();
    void updateRuntimeCollectors();

    PrometheusExporter *q_ptr;
    std::shared_ptr<prometheus::Registry> registry;
    std::vector<std::weak_ptr<prometheus::Collectable>> collectables;

    QHostAddress address = QHostAddress(QHostAddress::LocalHost);
    quint16 port = PrometheusExporter::DefaultPort;
    QString path = QStringLiteral("/metrics");
    PrometheusExporter::Mode mode = PrometheusExporter::Mode::Notify;
    int intervalMs = DefaultIntervalMs;
    int updateTimeoutMs = DefaultUpdateTimeoutMs;
    PrometheusExporter::Status status = PrometheusExporter::Status::Ok;
    QString statusMessage;
    QString statusMetricName;
    bool selfMetricsEnabled = true;
    bool compressionEnabled = true;
    bool runtimeMetricsEnabled = true;
    QtPrometheusPrivate::ServerLimits limits;
    int maxScrapesInFlight = DefaultMaxScrapesInFlight;
#if QT_CONFIG(ssl)
    std::optional<QSslConfiguration> tls;
#endif
    QtPrometheusPrivate::BasicAuth basicAuth;
    QString basicAuthRealm = QStringLiteral("metrics");
    std::shared_ptr<ProcessCollector> processCollector;
    std::shared_ptr<QtRuntimeCollector> runtimeCollector;

    PrometheusExporter::Error error = PrometheusExporter::Error::NoError;
    QString errorString;

    QtPrometheusPrivate::HttpServer *server = nullptr;
    quint16 boundPort = 0;

    std::shared_ptr<QtPrometheusPrivate::UpdateNotifier> notifier;
    std::weak_ptr<PrometheusUpdatePrivate> currentUpdate;
    quint64 updateGeneration = 0;
    bool updateActive = false;
    std::vector<QtPrometheusPrivate::PendingScrape> waiting;
    bool updateDeferred = false; // due once the running render is done
    UpdateKind deferredUpdate = UpdateKind::Scrape;

    // A render runs inline when the previous one took less than this (about
    // 300 series of exporter-demo's shape in a Release build), on the worker
    // otherwise: only below it is inline faster, and a GUI never notices a
    // tenth of a millisecond. Measured with bench/load/threshold.sh (see
    // bench/README.md); QTPROMETHEUSEXPORTER_INLINE_RENDER_USEC overrides it
    // (0: never inline).
    static constexpr qint64 DefaultInlineRenderLimitNs = 100'000;
    // How long stop() waits for a render in flight before answering 503.
    static constexpr int StopRenderWaitMs = 2000;
    static qint64 initialInlineRenderLimitNs();
    qint64 inlineRenderLimitNs = initialInlineRenderLimitNs();
    qint64 lastRenderCostNs = -1; // -1: nothing rendered yet, so its cost is unknown
    std::unique_ptr<QtPrometheusPrivate::RenderWorker> renderWorker; // created on first use
    std::vector<QtPrometheusPrivate::PendingScrape> rendering; // answered by the running render
    std::vector<QtPrometheusPrivate::PendingScrape> renderQueue; // waiting for the next render
    // The last Accept and Accept-Encoding seen and what they meant: a scraper
    // sends the same ones every time.
    QByteArray lastAccept;
    QtPrometheusPrivate::ExpositionFormat lastFormat
        = QtPrometheusPrivate::ExpositionFormat::Text004;
    QByteArray lastAcceptEncoding;
    bool lastAcceptsGzip = false;

    // Children of the exporter, so they follow it into another thread.
    QTimer *intervalTimer = nullptr;
    QTimer *deadlineTimer = nullptr;
    // Frees finished renders once the sockets have sent them, so that a large
    // body is not kept until the next scrape (which may be a minute away).
    QTimer *retireTimer = nullptr;
    // First look 500 ms after an answer, then less and less often: a client
    // that has stopped reading may hold its body for as long as it stays.
    static constexpr std::chrono::milliseconds RetireCheckInterval {500};
    static constexpr std::chrono::milliseconds MaxRetireCheckInterval {8000};
    enum class RetireCheck { AfterAnswer, Again };
    void releaseRetiredRenders(RetireCheck check);
    QtPrometheusPrivate::SelfMetrics selfMetrics;
};

#endif // PROMETHEUSEXPORTER_P_H
