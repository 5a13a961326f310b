// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// PrometheusExporter's properties: where and what it serves, its modes and
// status. Their documentation is here too; the class's is in prometheusexporter.cpp.

#include <QtPrometheusExporter/prometheusexporter.h>

#include "exporter/prometheusexporter_p.h"
#include "http/httpserver_p.h"
#include "logging_p.h"

#include <QtCore/qregularexpression.h>

using namespace QtPrometheusPrivate;

/*!
    \property PrometheusExporter::address
    The address to listen on; 127.0.0.1 by default, so that a desktop
    application opens no port to the network unless asked. Used by start().
*/
QHostAddress PrometheusExporter::address() const
{
    Q_D(const PrometheusExporter);
    return d->address;
}

void PrometheusExporter::setAddress(const QHostAddress &address)
{
    Q_D(PrometheusExporter);
    if (d->address == address)
        return;
    d->address = address;
    Q_EMIT addressChanged(address);
}

/*!
    \property PrometheusExporter::port
    The port to listen on (9184 by default, 0 for any free port). While running
    it holds the port actually bound.
*/
quint16 PrometheusExporter::port() const
{
    Q_D(const PrometheusExporter);
    return d->server ? d->boundPort : d->port;
}

void PrometheusExporter::setPort(quint16 port)
{
    Q_D(PrometheusExporter);
    if (d->port == port)
        return;
    d->port = port;
    if (!d->server)
        Q_EMIT portChanged(port);
}

/*!
    \property PrometheusExporter::path
    The path metrics are served on, \c{/metrics} by default. It is normalised to
    one leading slash; a path with characters other than visible ASCII is
    refused with InvalidPathError and the previous path stays.
*/
QString PrometheusExporter::path() const
{
    Q_D(const PrometheusExporter);
    return d->router.path;
}

void PrometheusExporter::setPath(const QString &path)
{
    Q_D(PrometheusExporter);
    QString message;
    const QString normalized = PrometheusExporterPrivate::normalizePath(path, &message);
    if (normalized.isEmpty()) {
        d->setError(Error::InvalidPathError, message);
        return;
    }
    if (d->router.path == normalized)
        return;
    d->router.path = normalized;
    Q_EMIT pathChanged(normalized);
    if (d->server)
        Q_EMIT urlChanged(url());
}

/*!
    \property PrometheusExporter::mode
    When the application is asked to update its metrics: Notify (default),
    Repeat or Plain.
*/
PrometheusExporter::Mode PrometheusExporter::mode() const
{
    Q_D(const PrometheusExporter);
    return d->updates.mode();
}

void PrometheusExporter::setMode(Mode mode)
{
    Q_D(PrometheusExporter);
    if (d->updates.mode() == mode)
        return;
    d->updates.setMode(mode);
    Q_EMIT modeChanged(mode);
}

/*!
    \property PrometheusExporter::interval
    The Repeat mode interval in milliseconds (1000 by default).
*/
int PrometheusExporter::interval() const
{
    Q_D(const PrometheusExporter);
    return d->updates.intervalMs();
}

std::chrono::milliseconds PrometheusExporter::intervalAsDuration() const
{
    return std::chrono::milliseconds(interval());
}

void PrometheusExporter::setInterval(int msec)
{
    Q_D(PrometheusExporter);
    msec = qMax(1, msec);
    if (d->updates.intervalMs() == msec)
        return;
    d->updates.setIntervalMs(msec);
    Q_EMIT intervalChanged(msec);
}

/*!
    \property PrometheusExporter::updateTimeout
    How long a scrape waits for an update, in milliseconds (10 000 by default).
    A scraper's \c{X-Prometheus-Scrape-Timeout-Seconds} lowers it for that
    scrape, keeping a small margin so the answer arrives in time. When it
    passes, the scrape is answered with the values present, a warning is
    logged, updateTimedOut() is emitted and the timeout is counted.
*/
int PrometheusExporter::updateTimeout() const
{
    Q_D(const PrometheusExporter);
    return d->router.updateTimeoutMs;
}

std::chrono::milliseconds PrometheusExporter::updateTimeoutAsDuration() const
{
    return std::chrono::milliseconds(updateTimeout());
}

void PrometheusExporter::setUpdateTimeout(int msec)
{
    Q_D(PrometheusExporter);
    msec = qMax(0, msec);
    if (d->router.updateTimeoutMs == msec)
        return;
    d->router.updateTimeoutMs = msec;
    Q_EMIT updateTimeoutChanged(msec);
}

/*!
    \property PrometheusExporter::status
    Ok (default) or Failing. While failing, scrapes are answered with HTTP 500;
    the body starts with statusMessage as \c{#} comment lines, then the metrics.
*/
PrometheusExporter::Status PrometheusExporter::status() const
{
    Q_D(const PrometheusExporter);
    return d->status;
}

/*!
    \property PrometheusExporter::statusMessage
    The message given with setStatusFailing(); empty while the status is Ok.
*/
QString PrometheusExporter::statusMessage() const
{
    Q_D(const PrometheusExporter);
    return d->statusMessage;
}

void PrometheusExporter::setStatus(Status status, const QString &message)
{
    Q_D(PrometheusExporter);
    const QString newMessage = status == Status::Ok ? QString() : message;
    if (d->status == status && d->statusMessage == newMessage)
        return;
    d->status = status;
    d->statusMessage = newMessage;
    Q_EMIT statusChanged();
}

/*!
    \property PrometheusExporter::statusMetricName
    When set to \c{NAME}, a gauge \c{NAME_up} (1 ok, 0 failing) is served.
    Empty by default; never a bare \c{up}, which Prometheus writes itself.
    A name that is not a valid metric name is refused with a warning.
*/
QString PrometheusExporter::statusMetricName() const
{
    Q_D(const PrometheusExporter);
    return d->statusMetricName;
}

void PrometheusExporter::setStatusMetricName(const QString &name)
{
    Q_D(PrometheusExporter);
    static const QRegularExpression valid(QStringLiteral("^[a-zA-Z_:][a-zA-Z0-9_:]*$"));
    if (!name.isEmpty() && !valid.match(name).hasMatch()) {
        qCWarning(lcExporter) << "ignoring invalid status metric name" << name;
        return;
    }
    if (d->statusMetricName == name)
        return;
    d->statusMetricName = name;
    Q_EMIT statusMetricNameChanged(name);
}

/*!
    \property PrometheusExporter::selfMetricsEnabled
    Whether the exporter serves its own \c{prometheus_exporter_*} metrics
    (on by default).
*/
bool PrometheusExporter::selfMetricsEnabled() const
{
    Q_D(const PrometheusExporter);
    return d->selfMetricsEnabled;
}

void PrometheusExporter::setSelfMetricsEnabled(bool enabled)
{
    Q_D(PrometheusExporter);
    if (d->selfMetricsEnabled == enabled)
        return;
    d->selfMetricsEnabled = enabled;
    Q_EMIT selfMetricsEnabledChanged(enabled);
}

/*!
    \property PrometheusExporter::compressionEnabled
    Whether scrapes that accept gzip get a gzip body (on by default; bodies
    under 1 KiB are always sent as they are).
*/
bool PrometheusExporter::compressionEnabled() const
{
    Q_D(const PrometheusExporter);
    return d->renders.compressionEnabled;
}

void PrometheusExporter::setCompressionEnabled(bool enabled)
{
    Q_D(PrometheusExporter);
    if (d->renders.compressionEnabled == enabled)
        return;
    d->renders.compressionEnabled = enabled;
    Q_EMIT compressionEnabledChanged(enabled);
}

/*!
    \property PrometheusExporter::runtimeMetricsEnabled
    Whether the exporter serves the process metrics (ProcessCollector: CPU,
    memory, file descriptors, threads, start time) and the Qt runtime metrics
    (QtRuntimeCollector: Qt version, application info and the event-loop lag of
    the exporter's thread). On by default, like Go's and Python's clients.
*/
bool PrometheusExporter::runtimeMetricsEnabled() const
{
    Q_D(const PrometheusExporter);
    return d->runtimeMetricsEnabled;
}

void PrometheusExporter::setRuntimeMetricsEnabled(bool enabled)
{
    Q_D(PrometheusExporter);
    if (d->runtimeMetricsEnabled == enabled)
        return;
    d->runtimeMetricsEnabled = enabled;
    d->updateRuntimeCollectors();
    Q_EMIT runtimeMetricsEnabledChanged(enabled);
}

// Created while running, in the exporter's thread: the lag probe measures the
// thread the exporter lives in at start(), and no probe timer runs while stopped.
void PrometheusExporterPrivate::updateRuntimeCollectors()
{
    if (!runtimeMetricsEnabled || !server) {
        processCollector.reset();
        runtimeCollector.reset();
        return;
    }
    if (!processCollector)
        processCollector = std::make_shared<ProcessCollector>();
    if (!runtimeCollector)
        runtimeCollector = std::make_shared<QtRuntimeCollector>();
}

/*!
    \property PrometheusExporter::running
    Whether the exporter is listening.
*/
bool PrometheusExporter::isRunning() const
{
    Q_D(const PrometheusExporter);
    return d->server != nullptr;
}

/*!
    \property PrometheusExporter::url
    The full URL of the metrics while running, such as
    \c{http://127.0.0.1:9184/metrics}; empty when stopped.
*/
QUrl PrometheusExporter::url() const
{
    Q_D(const PrometheusExporter);
    if (!d->server)
        return QUrl();
    QUrl url;
    url.setScheme(d->tlsConfiguration() ? QStringLiteral("https") : QStringLiteral("http"));
    QHostAddress host = d->server->serverAddress();
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        host = QHostAddress(QHostAddress::AnyIPv4);
    else if (host == QHostAddress::AnyIPv6)
        host = QHostAddress(QHostAddress::AnyIPv6);
    url.setHost(host.toString());
    url.setPort(d->boundPort);
    url.setPath(d->router.path);
    return url;
}

/*! Returns the kind of the last error. */
PrometheusExporter::Error PrometheusExporter::error() const
{
    Q_D(const PrometheusExporter);
    return d->error;
}

/*!
    Returns a human-readable description of the last error, such as
    "address 127.0.0.1:9184 is already in use".
*/
QString PrometheusExporter::errorString() const
{
    Q_D(const PrometheusExporter);
    return d->errorString;
}
