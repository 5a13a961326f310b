// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include <QtPrometheusExporter/prometheusexporter.h>

#include "contentnegotiation_p.h"
#include "exporterlogging_p.h"
#include "httpliterals_p.h"
#include "httpreply_p.h"
#include "httpserver_p.h"
#include "prometheusexporter_p.h"
#include "prometheusupdate_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qpointer.h>
#include <QtCore/qregularexpression.h>

#include <prometheus/registry.h>

#include <algorithm>
#include <limits>

/*!
    \class PrometheusExporter
    \brief Serves prometheus-cpp metrics over HTTP from the Qt event loop.

    The exporter lives in the thread that created it, which needs a running
    event loop. It listens on 127.0.0.1:9184 by default and answers
    \c{GET /metrics} with the Prometheus text format.

    In Notify mode (the default) it emits scrapeRequested() before every scrape
    and answers once the update handle is gone; in Repeat mode it emits
    intervalElapsed() every interval and holds scrapes back while that update
    runs; in Plain mode it serves whatever the registry holds.
*/

namespace {
bool sameCollectable(const std::weak_ptr<prometheus::Collectable> &a,
                     const std::weak_ptr<prometheus::Collectable> &b)
{
    return !a.owner_before(b) && !b.owner_before(a);
}

HttpResponse textResponse(int statusCode, const QByteArray &body)
{
    HttpResponse response;
    response.statusCode = statusCode;
    response.contentType = HttpLiterals::contentTypePlain;
    response.body = body;
    return response;
}
} // namespace

PrometheusExporterPrivate::PrometheusExporterPrivate(PrometheusExporter *q,
                                                     std::shared_ptr<prometheus::Registry> registry)
    : q_ptr(q), registry(registry ? std::move(registry) : std::make_shared<prometheus::Registry>()),
      notifier(std::make_shared<UpdateNotifier>())
{ }

PrometheusExporterPrivate::~PrometheusExporterPrivate() = default;

void PrometheusExporterPrivate::setError(PrometheusExporter::Error newError, const QString &message)
{
    Q_Q(PrometheusExporter);
    error = newError;
    errorString = message;
    // Reported through errorString() and errorOccurred(), like QTcpServer; only
    // a debug line here, so that an application does not print it twice.
    qCDebug(lcExporter).noquote() << message;
    Q_EMIT q->errorOccurred(newError);
}

void PrometheusExporterPrivate::clearError()
{
    error = PrometheusExporter::Error::NoError;
    errorString.clear();
}

QString PrometheusExporterPrivate::normalizePath(const QString &path, QString *error)
{
    const QString trimmed = path.trimmed();
    for (const QChar c : trimmed) {
        // Visible ASCII only: the path is compared with the decoded request path,
        // and '?' or '#' would never match anything.
        if (c.unicode() < 0x21 || c.unicode() > 0x7e || c == QLatin1Char('?')
            || c == QLatin1Char('#')) {
            *error = QStringLiteral("invalid metrics path \"%1\": only visible ASCII characters "
                                    "without '?' and '#' are allowed")
                         .arg(path);
            return QString();
        }
    }
    qsizetype start = 0;
    while (start < trimmed.size() && trimmed.at(start) == QLatin1Char('/'))
        ++start;
    if (trimmed.isEmpty()) {
        *error = QStringLiteral("invalid metrics path: the path is empty");
        return QString();
    }
    return QLatin1Char('/') + trimmed.mid(start);
}

/*! Constructs an exporter with a registry of its own. */
PrometheusExporter::PrometheusExporter(QObject *parent)
    : PrometheusExporter(std::make_shared<prometheus::Registry>(), parent)
{ }

/*!
    Constructs an exporter that serves \a registry (a new one when null). The
    registry may be shared with other exporters or code.
*/
PrometheusExporter::PrometheusExporter(std::shared_ptr<prometheus::Registry> registry,
                                       QObject *parent)
    : QObject(parent), d_ptr(new PrometheusExporterPrivate(this, std::move(registry)))
{
    Q_D(PrometheusExporter);
    qRegisterMetaType<PrometheusUpdate>();
    d->notifier->context = this;
    d->notifier->onFinished = [d](quint64 generation) {
        d->onUpdateFinished(generation);
    };
    d->intervalTimer = new QTimer(this);
    d->intervalTimer->setInterval(d->intervalMs);
    connect(d->intervalTimer, &QTimer::timeout, this, [d] { d->onIntervalTimeout(); });
    d->deadlineTimer = new QTimer(this);
    d->deadlineTimer->setSingleShot(true);
    connect(d->deadlineTimer, &QTimer::timeout, this, [d] { d->onDeadlineTimeout(); });
}

/*!
    Stops the exporter. Scrapes still waiting are answered with the current
    values; update handles that outlive the exporter are harmless.
*/
PrometheusExporter::~PrometheusExporter()
{
    Q_D(PrometheusExporter);
    {
        QMutexLocker locker(&d->notifier->mutex);
        d->notifier->context = nullptr;
    }
    d->notifier->onFinished = nullptr;
    // No signal may reach a half-destroyed object from here on.
    QSignalBlocker blocker(this);
    stop();
}

/*! Returns the registry this exporter serves. */
std::shared_ptr<prometheus::Registry> PrometheusExporter::registry() const
{
    Q_D(const PrometheusExporter);
    return d->registry;
}

/*!
    Returns a process-wide registry for code that has no exporter at hand
    (the Rust crate's global registry). Pass it to the constructor to serve it.
*/
std::shared_ptr<prometheus::Registry> PrometheusExporter::defaultRegistry()
{
    static const auto registry = std::make_shared<prometheus::Registry>();
    return registry;
}

/*!
    Adds \a collectable to what every scrape collects, besides the registry.
    The exporter does not keep it alive; an expired pointer is skipped.
*/
void PrometheusExporter::registerCollectable(
    const std::weak_ptr<prometheus::Collectable> &collectable)
{
    Q_D(PrometheusExporter);
    const auto found = std::find_if(d->collectables.cbegin(), d->collectables.cend(),
                                    [&](const auto &c) { return sameCollectable(c, collectable); });
    if (found == d->collectables.cend())
        d->collectables.push_back(collectable);
}

/*! Removes \a collectable added with registerCollectable(). */
void PrometheusExporter::removeCollectable(
    const std::weak_ptr<prometheus::Collectable> &collectable)
{
    Q_D(PrometheusExporter);
    d->collectables.erase(
        std::remove_if(d->collectables.begin(), d->collectables.end(),
                       [&](const auto &c) { return sameCollectable(c, collectable); }),
        d->collectables.end());
}

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
    return d->path;
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
    if (d->path == normalized)
        return;
    d->path = normalized;
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
    return d->mode;
}

void PrometheusExporter::setMode(Mode mode)
{
    Q_D(PrometheusExporter);
    if (d->mode == mode)
        return;
    d->mode = mode;
    d->updateIntervalTimer();
    Q_EMIT modeChanged(mode);
}

/*!
    \property PrometheusExporter::interval
    The Repeat mode interval in milliseconds (1000 by default).
*/
int PrometheusExporter::interval() const
{
    Q_D(const PrometheusExporter);
    return d->intervalMs;
}

std::chrono::milliseconds PrometheusExporter::intervalAsDuration() const
{
    return std::chrono::milliseconds(interval());
}

void PrometheusExporter::setInterval(int msec)
{
    Q_D(PrometheusExporter);
    msec = qMax(1, msec);
    if (d->intervalMs == msec)
        return;
    d->intervalMs = msec;
    d->intervalTimer->setInterval(msec);
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
    return d->updateTimeoutMs;
}

std::chrono::milliseconds PrometheusExporter::updateTimeoutAsDuration() const
{
    return std::chrono::milliseconds(updateTimeout());
}

void PrometheusExporter::setUpdateTimeout(int msec)
{
    Q_D(PrometheusExporter);
    msec = qMax(0, msec);
    if (d->updateTimeoutMs == msec)
        return;
    d->updateTimeoutMs = msec;
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
    return d->compressionEnabled;
}

void PrometheusExporter::setCompressionEnabled(bool enabled)
{
    Q_D(PrometheusExporter);
    if (d->compressionEnabled == enabled)
        return;
    d->compressionEnabled = enabled;
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

/*! \property PrometheusExporter::running Whether the exporter is listening. */
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
    url.setScheme(QStringLiteral("http"));
    QHostAddress host = d->server->serverAddress();
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        host = QHostAddress(QHostAddress::AnyIPv4);
    else if (host == QHostAddress::AnyIPv6)
        host = QHostAddress(QHostAddress::AnyIPv6);
    url.setHost(host.toString());
    url.setPort(d->boundPort);
    url.setPath(d->path);
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

/*!
    Starts listening on address() and port(). Returns \c true on success (also
    when already running); on failure errorString() says why and
    errorOccurred() is emitted.
*/
bool PrometheusExporter::start()
{
    Q_D(PrometheusExporter);
    if (d->server)
        return true;
    d->clearError();
    auto *server = new HttpServer(this);
    if (!server->listen(d->address, d->port)) {
        const QString message = server->errorString();
        const bool inUse = server->addressInUse();
        delete server;
        d->setError(inUse ? Error::AddressInUseError : Error::ListenError, message);
        return false;
    }
    d->server = server;
    d->boundPort = server->serverPort();
    server->setRequestHandler([d](HttpRequest &&request, std::shared_ptr<HttpReply> reply) {
        d->handleRequest(std::move(request), std::move(reply));
    });
    d->updateIntervalTimer();
    d->updateRuntimeCollectors();
    qCInfo(lcExporter).noquote() << "serving metrics on" << url().toString();
    Q_EMIT runningChanged(true);
    Q_EMIT urlChanged(url());
    if (d->boundPort != d->port)
        Q_EMIT portChanged(d->boundPort);
    return true;
}

/*!
    Starts serving on the socket of \a listener, which must be listening (the
    crate's own-listener option). The exporter takes over a duplicate of the
    listening socket and closes \a listener; Unix only.
*/
bool PrometheusExporter::start(QTcpServer *listener)
{
    Q_D(PrometheusExporter);
    if (d->server)
        return true;
    d->clearError();
    auto *server = new HttpServer(this);
    if (!server->adopt(listener)) {
        const QString message = server->errorString();
        delete server;
        d->setError(Error::InvalidListenerError, message);
        return false;
    }
    d->server = server;
    d->boundPort = server->serverPort();
    server->setRequestHandler([d](HttpRequest &&request, std::shared_ptr<HttpReply> reply) {
        d->handleRequest(std::move(request), std::move(reply));
    });
    d->updateIntervalTimer();
    d->updateRuntimeCollectors();
    Q_EMIT runningChanged(true);
    Q_EMIT urlChanged(url());
    Q_EMIT portChanged(d->boundPort);
    return true;
}

/*!
    Stops listening. Scrapes still waiting for an update are answered with the
    values present now, then every connection is closed.
*/
void PrometheusExporter::stop()
{
    Q_D(PrometheusExporter);
    if (!d->server)
        return;
    d->intervalTimer->stop();
    d->deadlineTimer->stop();
    d->updateActive = false;
    ++d->updateGeneration; // a late update handle must not answer anything now
    QPointer<PrometheusExporter> guard(this);
    if (!d->answerScrapes(std::exchange(d->waiting, {})) || !guard)
        return;
    d->shutdownServer();
    d->updateRuntimeCollectors();
    Q_EMIT runningChanged(false);
    Q_EMIT urlChanged(QUrl());
    if (d->boundPort != d->port)
        Q_EMIT portChanged(d->port);
    d->boundPort = 0;
}

void PrometheusExporterPrivate::shutdownServer()
{
    HttpServer *old = std::exchange(server, nullptr);
    old->close();
    // Deleting the server from inside its own request handler would pull the
    // socket out from under Qt's code that called us; and as the exporter's
    // child it would be deleted with the exporter, so it is set free first.
    if (old->isDispatching()) {
        old->setParent(nullptr);
        old->deleteLater();
    } else {
        delete old;
    }
}

void PrometheusExporterPrivate::handleRequest(HttpRequest &&request,
                                              std::shared_ptr<HttpReply> reply)
{
    const bool readMethod = request.method != HttpRequest::Method::Other;
    if (request.path == path) {
        if (!readMethod) {
            HttpResponse response = textResponse(405, "Method not allowed: use GET or HEAD.\n");
            response.headers.append({QByteArrayLiteral("Allow"), HttpLiterals::allowedMethods});
            answerSimple(request, *reply, std::move(response));
            return;
        }
        PendingScrape scrape;
        scrape.request = std::move(request);
        scrape.reply = std::move(reply);
        scrape.age.start();
        scrape.deadline = deadlineFor(scrape.request);
        acceptScrape(std::move(scrape));
        return;
    }
    if (request.path == QLatin1String("/")) {
        if (!readMethod) {
            HttpResponse response = textResponse(405, "Method not allowed: use GET or HEAD.\n");
            response.headers.append({QByteArrayLiteral("Allow"), HttpLiterals::allowedMethods});
            answerSimple(request, *reply, std::move(response));
            return;
        }
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
        answerSimple(request, *reply, std::move(response));
        return;
    }
    answerSimple(request, *reply,
                 textResponse(404, "Not found. Metrics are served at " + path.toUtf8() + "\n"));
}

void PrometheusExporterPrivate::answerSimple(const HttpRequest &, HttpReply &reply,
                                             HttpResponse response)
{
    reply.send(response);
    if (selfMetricsEnabled)
        selfMetrics.countRequest(response.statusCode);
}

QDeadlineTimer PrometheusExporterPrivate::deadlineFor(const HttpRequest &request) const
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

void PrometheusExporterPrivate::acceptScrape(PendingScrape &&scrape)
{
    if (waiting.size() >= MaxScrapesInFlight) {
        answerSimple(scrape.request, *scrape.reply,
                     textResponse(503, "Too many scrapes in flight, try again later.\n"));
        return;
    }
    switch (mode) {
    case PrometheusExporter::Mode::Plain:
        break;
    case PrometheusExporter::Mode::Notify:
        // Scrapes that arrive during an update join it: one signal, many answers.
        waiting.push_back(std::move(scrape));
        if (updateActive)
            rearmDeadlineTimer();
        else
            beginUpdate(UpdateKind::Scrape);
        return;
    case PrometheusExporter::Mode::Repeat:
        if (updateActive) {
            waiting.push_back(std::move(scrape));
            rearmDeadlineTimer();
            return;
        }
        break;
    }
    std::vector<PendingScrape> now;
    now.push_back(std::move(scrape));
    (void)answerScrapes(std::move(now));
}

void PrometheusExporterPrivate::beginUpdate(UpdateKind kind)
{
    Q_Q(PrometheusExporter);
    updateActive = true;
    const quint64 generation = ++updateGeneration;
    auto token = std::make_shared<PrometheusUpdatePrivate>(notifier, generation);
    currentUpdate = token;
    rearmDeadlineTimer();

    QPointer<PrometheusExporter> guard(q);
    {
        const PrometheusUpdate update(std::move(token));
        if (kind == UpdateKind::Scrape)
            Q_EMIT q->scrapeRequested(update);
        else
            Q_EMIT q->intervalElapsed(update);
    }
    // A slot may have stopped or destroyed the exporter, or started a new update.
    if (!guard || !updateActive || generation != updateGeneration)
        return;
    // Direct slots only (or none at all): the update is complete already.
    if (currentUpdate.expired())
        (void)finishUpdate();
}

void PrometheusExporterPrivate::onUpdateFinished(quint64 generation)
{
    if (!updateActive || generation != updateGeneration || !currentUpdate.expired())
        return;
    (void)finishUpdate();
}

bool PrometheusExporterPrivate::finishUpdate()
{
    updateActive = false;
    deadlineTimer->stop();
    return answerScrapes(std::exchange(waiting, {}));
}

void PrometheusExporterPrivate::onIntervalTimeout()
{
    // The next tick is not emitted while the previous update is still running.
    if (updateActive) {
        qCDebug(lcExporter) << "skipping an interval: the previous update is still running";
        return;
    }
    beginUpdate(UpdateKind::Interval);
}

void PrometheusExporterPrivate::rearmDeadlineTimer()
{
    if (waiting.empty()) {
        deadlineTimer->stop();
        return;
    }
    qint64 earliest = std::numeric_limits<qint64>::max();
    for (const PendingScrape &scrape : waiting)
        earliest = qMin(earliest, scrape.deadline.remainingTime());
    deadlineTimer->start(int(qBound(qint64(0), earliest, qint64(std::numeric_limits<int>::max()))));
}

void PrometheusExporterPrivate::onDeadlineTimeout()
{
    Q_Q(PrometheusExporter);
    std::vector<PendingScrape> expired;
    for (auto it = waiting.begin(); it != waiting.end();) {
        if (it->deadline.hasExpired()) {
            expired.push_back(std::move(*it));
            it = waiting.erase(it);
        } else {
            ++it;
        }
    }
    rearmDeadlineTimer();
    if (expired.empty())
        return;
    qCWarning(lcExporter).nospace() << "the metrics update did not finish in time; answering "
                                    << expired.size() << " scrape(s) with the values present now";
    if (selfMetricsEnabled) {
        for (std::size_t i = 0; i < expired.size(); ++i)
            selfMetrics.countUpdateTimeout();
    }
    QPointer<PrometheusExporter> guard(q);
    Q_EMIT q->updateTimedOut();
    if (!guard)
        return;
    (void)answerScrapes(std::move(expired));
}

RenderInput PrometheusExporterPrivate::renderInput() const
{
    RenderInput input;
    input.collectables.reserve(collectables.size() + 4);
    input.collectables.push_back(registry);
    input.collectables.insert(input.collectables.end(), collectables.begin(), collectables.end());
    if (selfMetricsEnabled)
        input.collectables.push_back(selfMetrics.registry());
    if (processCollector)
        input.collectables.push_back(processCollector);
    if (runtimeCollector)
        input.collectables.push_back(runtimeCollector);
    input.failing = status == PrometheusExporter::Status::Failing;
    input.failingMessage = statusMessage;
    input.statusMetricName = statusMetricName;
    return input;
}

bool PrometheusExporterPrivate::answerScrapes(std::vector<PendingScrape> scrapes)
{
    Q_Q(PrometheusExporter);
    if (scrapes.empty())
        return true;
    if (selfMetricsEnabled)
        selfMetrics.setScrapesInFlight(int(waiting.size() + scrapes.size()));

    // One collection serves every scrape that waited for the same update; scrapes
    // asking for the same format and encoding share the same bytes.
    MetricsRender render(renderInput());
    const int statusCode = render.statusCode();
    for (PendingScrape &scrape : scrapes) {
        RenderRequest wanted;
        wanted.format = negotiateFormat(scrape.request.accept);
        wanted.names = scrape.request.familyNames;
        wanted.gzip = compressionEnabled && acceptsGzip(scrape.request.acceptEncoding);
        RenderedBody rendered = render.body(wanted);

        HttpResponse response;
        response.statusCode = statusCode;
        response.contentType = rendered.contentType;
        response.body = std::move(rendered.body);
        if (rendered.gzipped)
            response.headers.append({QByteArrayLiteral("Content-Encoding"), "gzip"});
        if (compressionEnabled)
            response.headers.append({QByteArrayLiteral("Vary"), "Accept-Encoding"});
        if (scrape.reply->send(response) < 0)
            qCDebug(lcExporter) << "a client left before its scrape was answered";
        if (selfMetricsEnabled) {
            selfMetrics.countRequest(statusCode);
            selfMetrics.observeScrape(double(scrape.age.nsecsElapsed()) / 1e9,
                                      response.body.size());
        }
    }
    if (selfMetricsEnabled)
        selfMetrics.setScrapesInFlight(int(waiting.size()));

    QPointer<PrometheusExporter> guard(q);
    for (std::size_t i = 0; i < scrapes.size() && guard; ++i)
        Q_EMIT q->scrapeAnswered(statusCode);
    return !guard.isNull();
}

void PrometheusExporterPrivate::updateIntervalTimer()
{
    if (server && mode == PrometheusExporter::Mode::Repeat) {
        if (!intervalTimer->isActive())
            intervalTimer->start(intervalMs);
    } else {
        intervalTimer->stop();
    }
}
