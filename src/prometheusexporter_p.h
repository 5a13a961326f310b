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

#include <memory>
#include <vector>

#include "httprequest_p.h"
#include "metricsrenderer_p.h"
#include "selfmetrics_p.h"

class HttpReply;
class HttpServer;
class PrometheusUpdatePrivate;
class UpdateNotifier;
struct HttpResponse;

// A scrape accepted on the metrics path and not yet answered.
struct PendingScrape
{
    HttpRequest request;
    std::shared_ptr<HttpReply> reply;
    QElapsedTimer age;
    QDeadlineTimer deadline; // when it is answered even if the update is not done
};

class PrometheusExporterPrivate
{
    Q_DECLARE_PUBLIC(PrometheusExporter)
public:
    static constexpr int DefaultIntervalMs = 1000;
    static constexpr int DefaultUpdateTimeoutMs = 10000;
    static constexpr int MaxScrapesInFlight = 32;

    PrometheusExporterPrivate(PrometheusExporter *q,
                              std::shared_ptr<prometheus::Registry> registry);
    ~PrometheusExporterPrivate();

    void setError(PrometheusExporter::Error error, const QString &message);
    void clearError();
    static QString normalizePath(const QString &path, QString *error);

    // Where a request is routed: the metrics path, the landing page, or 404.
    void handleRequest(HttpRequest &&request, std::shared_ptr<HttpReply> reply);
    void answerSimple(const HttpRequest &request, HttpReply &reply, HttpResponse response);

    // Where a scrape waits for an update (notify and repeat modes).
    void acceptScrape(PendingScrape &&scrape);
    enum class UpdateKind { Scrape, Interval };
    void beginUpdate(UpdateKind kind);
    void onUpdateFinished(quint64 generation);
    void onIntervalTimeout();
    void onDeadlineTimeout();
    void rearmDeadlineTimer();
    QDeadlineTimer deadlineFor(const HttpRequest &request) const;

    // Where waiting scrapes are rendered and written back.
    // Returns false when a slot connected to scrapeAnswered() destroyed the exporter.
    [[nodiscard]] bool answerScrapes(std::vector<PendingScrape> scrapes);
    [[nodiscard]] bool finishUpdate();
    RenderInput renderInput() const;
    void updateIntervalTimer();
    void shutdownServer();
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
    std::shared_ptr<ProcessCollector> processCollector;
    std::shared_ptr<QtRuntimeCollector> runtimeCollector;

    PrometheusExporter::Error error = PrometheusExporter::Error::NoError;
    QString errorString;

    HttpServer *server = nullptr;
    quint16 boundPort = 0;

    std::shared_ptr<UpdateNotifier> notifier;
    std::weak_ptr<PrometheusUpdatePrivate> currentUpdate;
    quint64 updateGeneration = 0;
    bool updateActive = false;
    std::vector<PendingScrape> waiting;

    // Children of the exporter, so they follow it into another thread.
    QTimer *intervalTimer = nullptr;
    QTimer *deadlineTimer = nullptr;
    SelfMetrics selfMetrics;
};

#endif // PROMETHEUSEXPORTER_P_H
