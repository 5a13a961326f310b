// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PROMETHEUSEXPORTER_P_H
#define PROMETHEUSEXPORTER_P_H

#include <QtPrometheusExporter/processcollector.h>
#include <QtPrometheusExporter/prometheusexporter.h>
#include <QtPrometheusExporter/qtruntimecollector.h>

#if QT_CONFIG(ssl)
#include <QtNetwork/qsslconfiguration.h>
#endif

#include <memory>
#include <optional>
#include <vector>

#include "exporter/renderscheduler_p.h"
#include "exporter/scraperouter_p.h"
#include "exporter/selfmetrics_p.h"
#include "exporter/updatecoordinator_p.h"
#include "http/serverlimits_p.h"

namespace QtPrometheusPrivate {
class HttpServer;
} // namespace QtPrometheusPrivate

// The exporter's properties, start and stop. A request goes from the
// HttpServer to the ScrapeRouter, a scrape from there to the
// UpdateCoordinator (waiting for the application's update) and on to the
// RenderScheduler, which answers it; this class connects them.
class PrometheusExporterPrivate
{
    Q_DECLARE_PUBLIC(PrometheusExporter)
public:
    // The interval and the update timeout default where they are used: in
    // UpdateCoordinator and ScrapeRouter.
    static constexpr int DefaultMaxScrapesInFlight = 32;
    // How long stop() lets connections send the answers they were given.
    static constexpr std::chrono::milliseconds StopFlushDeadline {2000};

    PrometheusExporterPrivate(PrometheusExporter *q,
                              std::shared_ptr<prometheus::Registry> registry);
    ~PrometheusExporterPrivate();

    void setError(PrometheusExporter::Error error, const QString &message);
    void clearError();
    static QString normalizePath(const QString &path, QString *error);

    // A scrape the router accepted: 503 when too many are in flight.
    void acceptScrape(QtPrometheusPrivate::PendingScrape &&scrape);
    int scrapesInFlight() const;
    QtPrometheusPrivate::RenderInput renderInput() const;
    // The hooks of the pipeline; false when a slot destroyed the exporter.
    bool emitUpdate(QtPrometheusPrivate::UpdateCoordinator::Kind kind,
                    std::shared_ptr<PrometheusUpdatePrivate> token);
    bool reportTimedOut(std::size_t count);
    bool emitAnswered(int statusCode, std::size_t count);

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
    PrometheusExporter::Status status = PrometheusExporter::Status::Ok;
    QString statusMessage;
    QString statusMetricName;
    bool selfMetricsEnabled = true;
    bool runtimeMetricsEnabled = true;
    QtPrometheusPrivate::ServerLimits limits;
    int maxScrapesInFlight = DefaultMaxScrapesInFlight;
#if QT_CONFIG(ssl)
    std::optional<QSslConfiguration> tls;
#endif
    std::shared_ptr<ProcessCollector> processCollector;
    std::shared_ptr<QtRuntimeCollector> runtimeCollector;

    PrometheusExporter::Error error = PrometheusExporter::Error::NoError;
    QString errorString;

    QtPrometheusPrivate::HttpServer *server = nullptr;
    quint16 boundPort = 0;

    QtPrometheusPrivate::SelfMetrics selfMetrics;
    QtPrometheusPrivate::ScrapeRouter router;
    QtPrometheusPrivate::UpdateCoordinator updates;
    QtPrometheusPrivate::RenderScheduler renders;
};

#endif // PROMETHEUSEXPORTER_P_H
