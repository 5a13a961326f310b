// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include <QtPrometheusExporter/prometheusexporter.h>

#include "exporter/prometheusexporter_p.h"
#include "exporter/prometheusupdate_p.h"
#include "exporter/renderworker_p.h"
#include "exposition/contentnegotiation_p.h"
#include "http/httpliterals_p.h"
#include "http/httpreply_p.h"
#include "http/httpserver_p.h"
#include "http/tlsfiles_p.h"
#include "logging_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qpointer.h>
#include <QtCore/qregularexpression.h>

#include <prometheus/registry.h>

#include <algorithm>
#include <limits>

using namespace QtPrometheusPrivate;

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

    Rendering a scrape of a large registry (collecting, serialising and
    compressing it) never stalls the exporter's thread, which in a desktop
    application is the GUI thread: it runs on a worker thread of the
    exporter's own, and only registries whose previous render took less than
    a tenth of a millisecond are rendered in the exporter's thread. The
    registry's and every collectable's Collect() may therefore be called from
    that worker, as prometheus-cpp's Exposer calls them from its own threads.
    Scrapes that arrive while a render runs get the next render, all of them
    the same bytes; and no update (scrapeRequested(), intervalElapsed()) is
    emitted while a render collects: it follows right after, so no scrape
    sees half of an update.
*/

/*!
    \enum PrometheusExporter::Mode
    When the application is asked to update its metrics.
    \value Plain   Never: scrapes are answered with whatever the registry holds.
    \value Notify  Before every scrape: scrapeRequested() is emitted and the
                   scrape is answered once its update handle is gone (default).
    \value Repeat  Every interval: intervalElapsed() is emitted, and scrapes
                   that arrive while that update runs wait for it.
*/

/*!
    \enum PrometheusExporter::Status
    What scrapes report about the application (the crate's status).
    \value Ok       Scrapes are answered with HTTP 200 (default).
    \value Failing  Scrapes are answered with HTTP 500, the statusMessage as a
                    comment, then the metrics.
*/

/*!
    \enum PrometheusExporter::Error
    The kind of the last error, with errorString() telling the details.
    \value NoError                No error.
    \value AddressInUseError      start(): the address and port are taken.
    \value ListenError            start(): listening failed for another reason.
    \value InvalidPathError       setPath(): the path was refused; the old one stays.
    \value InvalidListenerError   start(QTcpServer *): the listener is not listening
                                  or its socket cannot be taken over.
    \value TlsConfigurationError  The TLS certificate or key could not be used.
*/

/*!
    \variable PrometheusExporter::DefaultPort
    The port an exporter listens on unless told otherwise: 9184.
*/

/*!
    \typedef PrometheusExporter::BasicAuthHandler
    A function that decides whether a user and password sent by a client may
    read the metrics; see setBasicAuthHandler().
*/

/*!
    \fn void PrometheusExporter::scrapeRequested(PrometheusUpdate update)
    Emitted in Notify mode before a scrape is rendered. Update the metrics in
    the slot; the scrape is answered when the last copy of \a update is gone,
    so a slot that finishes later keeps a copy and drops it when done. Scrapes
    that arrive meanwhile join this update. With no slot connected the scrape
    is answered at once.
*/

/*!
    \fn void PrometheusExporter::intervalElapsed(PrometheusUpdate update)
    Emitted in Repeat mode every interval. Scrapes that arrive while a copy of
    \a update lives wait for it (up to updateTimeout), and the next interval is
    not emitted before the last copy is gone.
*/

/*!
    \fn void PrometheusExporter::updateTimedOut()
    Emitted when scrapes were answered without waiting any longer for an update
    that took more than the update timeout.
*/

/*!
    \fn void PrometheusExporter::scrapeAnswered(int statusCode)
    Emitted for every scrape of the metrics path once its answer, with HTTP
    \a statusCode (200, or 500 while failing), was handed to the connection.
*/

/*!
    \fn void PrometheusExporter::errorOccurred(PrometheusExporter::Error error)
    Emitted when start() fails or a setting is refused; \a error tells the kind
    and errorString() the details.
*/

/*!
    \fn std::chrono::milliseconds PrometheusExporter::intervalAsDuration() const
    Returns the interval property as a std::chrono duration.
*/

/*!
    \fn std::chrono::milliseconds PrometheusExporter::updateTimeoutAsDuration() const
    Returns the updateTimeout property as a std::chrono duration.
*/

/*!
    \fn void PrometheusExporter::setUpdateTimeout(std::chrono::milliseconds timeout)
    Sets the updateTimeout property to \a timeout.
*/

/*!
    \fn void PrometheusExporter::setInterval(std::chrono::milliseconds interval)
    Sets the interval property to \a interval.
*/

/*!
    \fn void PrometheusExporter::setStatus(Status status, const QString &message)
    Sets the status to \a status with the explanation \a message (ignored for
    Ok).
*/

/*!
    \fn void PrometheusExporter::setStatusOk()
    Sets the status to Ok: scrapes are answered with HTTP 200 again.
*/

/*!
    \fn void PrometheusExporter::setStatusFailing(const QString &message)
    Sets the status to Failing with \a message: scrapes are answered with HTTP
    500, the message as a comment, then the metrics.
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
    d->retireTimer = new QTimer(this);
    d->retireTimer->setObjectName(QStringLiteral("qt_prometheus_retire_timer"));
    d->retireTimer->setSingleShot(true);
    connect(d->retireTimer, &QTimer::timeout, this,
            [d] { d->releaseRetiredRenders(PrometheusExporterPrivate::RetireCheck::Again); });
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
    The exporter does not keep it alive; an expired pointer is skipped. Its
    Collect() may run in the exporter's render thread.
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
    server->guard().limits = d->limits;
    if (!server->listen(d->address, d->port, d->tlsConfiguration())) {
        const QString message = server->errorString();
        const bool inUse = server->addressInUse();
        delete server;
        d->setError(inUse ? Error::AddressInUseError : Error::ListenError, message);
        return false;
    }
    return d->finishStart(server);
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
    server->guard().limits = d->limits;
    if (!server->adopt(listener, d->tlsConfiguration())) {
        const QString message = server->errorString();
        delete server;
        d->setError(Error::InvalidListenerError, message);
        return false;
    }
    return d->finishStart(server);
}

bool PrometheusExporterPrivate::finishStart(HttpServer *newServer)
{
    Q_Q(PrometheusExporter);
    server = newServer;
    boundPort = server->serverPort();
    server->setRequestHandler([this](HttpRequest &&request, std::shared_ptr<HttpReply> reply) {
        handleRequest(std::move(request), std::move(reply));
    });
    server->guard().onClosed = [this](CloseReason reason) {
        if (selfMetricsEnabled)
            selfMetrics.countConnectionClosed(reason);
    };
    updateIntervalTimer();
    updateRuntimeCollectors();
    qCInfo(lcExporter).noquote() << "serving metrics on" << q->url().toString();
    Q_EMIT q->runningChanged(true);
    Q_EMIT q->urlChanged(q->url());
    if (boundPort != port)
        Q_EMIT q->portChanged(boundPort);
    return true;
}

const QSslConfiguration *PrometheusExporterPrivate::tlsConfiguration() const
{
#if QT_CONFIG(ssl)
    return tls ? &*tls : nullptr;
#else
    return nullptr;
#endif
}

void PrometheusExporterPrivate::applyLimits()
{
    if (server)
        server->guard().limits = limits;
}

/*!
    The most a connection buffers of a request (64 KiB by default); a request
    header larger than this can never complete and is cut by the header timeout.
*/
qint64 PrometheusExporter::readBufferSize() const
{
    Q_D(const PrometheusExporter);
    return d->limits.readBufferSize;
}

/*! Sets the read buffer size to \a bytes (at least 1 KiB). \sa readBufferSize() */
void PrometheusExporter::setReadBufferSize(qint64 bytes)
{
    Q_D(PrometheusExporter);
    d->limits.readBufferSize = qMax<qint64>(1024, bytes);
    d->applyLimits();
}

/*!
    How long a client may take to send a complete request header (5 s by
    default), counted from the connection or from the request's first byte.
    Slower clients are disconnected.
*/
std::chrono::milliseconds PrometheusExporter::requestHeaderTimeout() const
{
    Q_D(const PrometheusExporter);
    return d->limits.headerTimeout;
}

/*! Sets the request header timeout to \a timeout. \sa requestHeaderTimeout() */
void PrometheusExporter::setRequestHeaderTimeout(std::chrono::milliseconds timeout)
{
    Q_D(PrometheusExporter);
    d->limits.headerTimeout = qMax(std::chrono::milliseconds(1), timeout);
    d->applyLimits();
}

/*!
    How long an idle keep-alive connection stays open (30 s by default). A client
    that takes nothing of an answer for as long is dropped as well, however
    little it leaves unsent (see maxWriteBacklog()).
*/
std::chrono::milliseconds PrometheusExporter::idleTimeout() const
{
    Q_D(const PrometheusExporter);
    return d->limits.idleTimeout;
}

/*! Sets the idle timeout to \a timeout. \sa idleTimeout() */
void PrometheusExporter::setIdleTimeout(std::chrono::milliseconds timeout)
{
    Q_D(PrometheusExporter);
    d->limits.idleTimeout = qMax(std::chrono::milliseconds(1), timeout);
    d->applyLimits();
}

/*!
    The most connections open at once (256 by default). When full, idle
    keep-alive connections are closed to make room; when all are busy, a new
    connection is answered 503 and closed.
*/
int PrometheusExporter::maxConnections() const
{
    Q_D(const PrometheusExporter);
    return d->limits.maxConnections;
}

/*! Sets the most connections open at once to \a count. \sa maxConnections() */
void PrometheusExporter::setMaxConnections(int count)
{
    Q_D(PrometheusExporter);
    d->limits.maxConnections = qMax(1, count);
    d->applyLimits();
}

/*! The most scrapes waiting for an answer at once (32 by default); more get 503. */
int PrometheusExporter::maxScrapesInFlight() const
{
    Q_D(const PrometheusExporter);
    return d->maxScrapesInFlight;
}

/*! Sets the most scrapes in flight to \a count. \sa maxScrapesInFlight() */
void PrometheusExporter::setMaxScrapesInFlight(int count)
{
    Q_D(PrometheusExporter);
    d->maxScrapesInFlight = qMax(1, count);
}

/*!
    How much may wait unsent on a connection before the next answer (4 MiB by
    default): a client that stops reading is dropped instead of growing memory.
*/
qint64 PrometheusExporter::maxWriteBacklog() const
{
    Q_D(const PrometheusExporter);
    return d->limits.maxWriteBacklog;
}

/*! Sets the largest unsent backlog to \a bytes. \sa maxWriteBacklog() */
void PrometheusExporter::setMaxWriteBacklog(qint64 bytes)
{
    Q_D(PrometheusExporter);
    d->limits.maxWriteBacklog = qMax<qint64>(0, bytes);
    d->applyLimits();
}

/*!
    Serves HTTPS from the next start() on, with the PEM \a certificateFile
    (optionally followed by its chain) and the unencrypted PEM \a privateKeyFile,
    TLS 1.2 at least. With \a clientCaFile, clients must present a certificate
    issued by one of its CAs. Returns \c false, with errorString() naming the
    file and the reason, for missing, unreadable or mismatched files.
*/
bool PrometheusExporter::setTlsFiles(const QString &certificateFile, const QString &privateKeyFile,
                                     const QString &clientCaFile)
{
    Q_D(PrometheusExporter);
#if QT_CONFIG(ssl)
    QString message;
    auto configuration = loadTlsFiles(certificateFile, privateKeyFile, clientCaFile, &message);
    if (!configuration) {
        d->setError(Error::TlsConfigurationError, message);
        return false;
    }
    d->clearError();
    d->tls = std::move(configuration);
    return true;
#else
    Q_UNUSED(certificateFile);
    Q_UNUSED(privateKeyFile);
    Q_UNUSED(clientCaFile);
    d->setError(Error::TlsConfigurationError,
                QStringLiteral("TLS is not available in this build of Qt"));
    return false;
#endif
}

#if QT_CONFIG(ssl)
/*! Serves HTTPS with \a configuration from the next start() on. */
void PrometheusExporter::setSslConfiguration(const QSslConfiguration &configuration)
{
    Q_D(PrometheusExporter);
    d->tls = configuration;
}

/*! The TLS configuration in use, or a null configuration without TLS. */
QSslConfiguration PrometheusExporter::sslConfiguration() const
{
    Q_D(const PrometheusExporter);
    return d->tls.value_or(QSslConfiguration());
}
#endif

/*! Serves plain HTTP from the next start() on. */
void PrometheusExporter::disableTls()
{
#if QT_CONFIG(ssl)
    Q_D(PrometheusExporter);
    d->tls.reset();
#endif
}

/*! Whether the next start() serves HTTPS. */
bool PrometheusExporter::isTlsEnabled() const
{
    Q_D(const PrometheusExporter);
    return d->tlsConfiguration() != nullptr;
}

/*!
    Requires HTTP basic authentication with \a user and \a password for every
    request. Only a salted hash of them is kept; requests without the right
    credentials get 401 with \c{WWW-Authenticate: Basic}.
*/
void PrometheusExporter::setBasicAuth(const QString &user, const QString &password)
{
    Q_D(PrometheusExporter);
    d->basicAuth.setCredentials(user, password);
}

/*!
    Requires HTTP basic authentication, deciding with \a handler, which is
    called in the exporter's thread with the user and password a client sent.
*/
void PrometheusExporter::setBasicAuthHandler(BasicAuthHandler handler)
{
    Q_D(PrometheusExporter);
    if (handler)
        d->basicAuth.setHandler(std::move(handler));
    else
        d->basicAuth.clear();
}

/*! Serves without authentication. */
void PrometheusExporter::clearBasicAuth()
{
    Q_D(PrometheusExporter);
    d->basicAuth.clear();
}

/*! Whether requests must authenticate. */
bool PrometheusExporter::isBasicAuthEnabled() const
{
    Q_D(const PrometheusExporter);
    return d->basicAuth.isEnabled();
}

/*! The realm named in \c{WWW-Authenticate} ("metrics" by default). */
QString PrometheusExporter::basicAuthRealm() const
{
    Q_D(const PrometheusExporter);
    return d->basicAuthRealm;
}

/*! Sets the realm named in \c{WWW-Authenticate} to \a realm. */
void PrometheusExporter::setBasicAuthRealm(const QString &realm)
{
    Q_D(PrometheusExporter);
    d->basicAuthRealm = realm;
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
    if (!d->finishRenders() || !guard)
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
    old->guard().onClosed = nullptr;
    old->close();
    // The answers just written still go out, within a short deadline; the
    // server outlives the exporter for that long if need be.
    old->deleteWhenFlushed(StopFlushDeadline);
}

void PrometheusExporterPrivate::handleRequest(HttpRequest &&request,
                                              std::shared_ptr<HttpReply> reply)
{
    if (!basicAuth.check(request.authorization)) {
        HttpResponse response = textResponse(401, "Unauthorized.\n");
        QString realm = basicAuthRealm;
        realm.remove(QLatin1Char('"')).remove(QLatin1Char('\\'));
        response.headers.append({QByteArrayLiteral("WWW-Authenticate"),
                                 "Basic realm=\"" + realm.toUtf8() + "\", charset=\"UTF-8\""});
        answerSimple(request, *reply, std::move(response));
        return;
    }
    const bool metricsPath = request.path == path;
    const bool landingPage = !metricsPath && request.path == QLatin1String("/");
    if (!metricsPath && !landingPage) {
        answerSimple(request, *reply,
                     textResponse(404, "Not found. Metrics are served at " + path.toUtf8() + "\n"));
        return;
    }
    if (request.method == HttpRequest::Method::Other) {
        HttpResponse response = textResponse(405, "Method not allowed: use GET or HEAD.\n");
        response.headers.append({QByteArrayLiteral("Allow"), HttpLiterals::allowedMethods});
        answerSimple(request, *reply, std::move(response));
        return;
    }
    if (metricsPath) {
        PendingScrape scrape;
        scrape.request = std::move(request);
        scrape.reply = std::move(reply);
        scrape.age.start();
        scrape.deadline = deadlineFor(scrape.request);
        acceptScrape(std::move(scrape));
        return;
    }
    // The landing page.
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
    if (scrapesInFlight() >= maxScrapesInFlight) {
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
        if (updateActive || updateDeferred) {
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
    if (renderBusy()) {
        // An update must not run while a render collects, or the render's
        // scrapers could see half of it: it starts when the render is done.
        updateDeferred = true;
        deferredUpdate = kind;
        rearmDeadlineTimer();
        return;
    }
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
    if (selfMetricsEnabled) {
        if (server)
            selfMetrics.setOpenConnections(server->guard().count());
        input.collectables.push_back(selfMetrics.registry());
    }
    if (processCollector)
        input.collectables.push_back(processCollector);
    if (runtimeCollector)
        input.collectables.push_back(runtimeCollector);
    input.failing = status == PrometheusExporter::Status::Failing;
    input.failingMessage = statusMessage;
    input.statusMetricName = statusMetricName;
    return input;
}

RenderRequest PrometheusExporterPrivate::renderRequestFor(const HttpRequest &request)
{
    if (request.accept != lastAccept) {
        lastAccept = request.accept;
        lastFormat = negotiateFormat(lastAccept);
    }
    if (request.acceptEncoding != lastAcceptEncoding) {
        lastAcceptEncoding = request.acceptEncoding;
        lastAcceptsGzip = acceptsGzip(lastAcceptEncoding);
    }
    RenderRequest wanted;
    wanted.format = lastFormat;
    wanted.names = request.familyNames;
    wanted.gzip = compressionEnabled && lastAcceptsGzip;
    return wanted;
}

qint64 PrometheusExporterPrivate::initialInlineRenderLimitNs()
{
    bool ok = false;
    const int usec = qEnvironmentVariableIntValue("QTPROMETHEUSEXPORTER_INLINE_RENDER_USEC", &ok);
    return ok && usec >= 0 ? qint64(usec) * 1000 : DefaultInlineRenderLimitNs;
}

int PrometheusExporterPrivate::scrapesInFlight() const
{
    return int(waiting.size() + renderQueue.size() + rendering.size());
}

bool PrometheusExporterPrivate::renderBusy() const
{
    return renderWorker && renderWorker->isRunning();
}

bool PrometheusExporterPrivate::renderOffThread() const
{
    // The first render's cost is unknown: it could be large, so it goes off-thread.
    return lastRenderCostNs < 0 || lastRenderCostNs >= inlineRenderLimitNs;
}

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

bool PrometheusExporterPrivate::answerScrapes(std::vector<PendingScrape> scrapes)
{
    if (scrapes.empty())
        return true;
    for (PendingScrape &scrape : scrapes)
        scrape.wanted = renderRequestFor(scrape.request);
    if (!renderBusy() && !renderOffThread())
        return answerNow(std::move(scrapes));
    // Joins the next render: one that is running may have collected already.
    renderQueue.insert(renderQueue.end(), std::make_move_iterator(scrapes.begin()),
                       std::make_move_iterator(scrapes.end()));
    if (!renderBusy())
        startRender();
    else if (selfMetricsEnabled)
        selfMetrics.setScrapesInFlight(scrapesInFlight());
    return true;
}

bool PrometheusExporterPrivate::answerNow(std::vector<PendingScrape> scrapes)
{
    if (scrapes.empty())
        return true;
    if (selfMetricsEnabled)
        selfMetrics.setScrapesInFlight(scrapesInFlight() + int(scrapes.size()));
    RenderOutcome outcome = RenderWorker::renderNow(renderInput(), distinctRequests(scrapes));
    lastRenderCostNs = outcome.costNs;
    return answerFrom(*outcome.render, scrapes);
}

void PrometheusExporterPrivate::startRender()
{
    Q_Q(PrometheusExporter);
    Q_ASSERT(!renderBusy() && rendering.empty());
    if (!renderWorker)
        renderWorker = std::make_unique<RenderWorker>(q, [this] { onRenderFinished(); });
    rendering = std::exchange(renderQueue, {});
    if (selfMetricsEnabled)
        selfMetrics.setScrapesInFlight(scrapesInFlight());
    renderWorker->start(renderInput(), distinctRequests(rendering));
}

void PrometheusExporterPrivate::releaseRetiredRenders(RetireCheck check)
{
    // Not while a render runs: its end releases them anyway, and freeing a
    // large body in the worker just before a collection lets glibc hand the
    // worker's heap back to the system, which the collection must then fault
    // in again (at 100k series that made back-to-back scrapes 3x slower).
    if (!renderWorker || (!renderBusy() && !renderWorker->releaseRetired())) {
        retireTimer->stop();
        return;
    }
    const auto interval = check == RetireCheck::AfterAnswer
        ? RetireCheckInterval
        : std::min(retireTimer->intervalAsDuration() * 2, MaxRetireCheckInterval);
    retireTimer->start(interval);
}

void PrometheusExporterPrivate::onRenderFinished()
{
    Q_Q(PrometheusExporter);
    std::unique_ptr<RenderOutcome> outcome = renderWorker->takeOutcome();
    if (!outcome)
        return; // taken by stop() already
    lastRenderCostNs = outcome->costNs;
    std::vector<PendingScrape> batch = std::exchange(rendering, {});
    if (!answerFrom(*outcome->render, batch))
        return;
    batch.clear(); // the replies: until they are gone, they share the bodies
    renderWorker->retire(std::move(outcome));
    releaseRetiredRenders(RetireCheck::AfterAnswer); // frees it now if nothing shares it

    // Scrapes that came during the render get the next one; only then may a
    // deferred update run (in Repeat mode, scrapes that came after it was
    // deferred wait for it, so it cannot be put off for ever).
    QPointer<PrometheusExporter> guard(q);
    if (!renderQueue.empty()) {
        if (renderOffThread()) {
            startRender();
            return;
        }
        if (!answerNow(std::exchange(renderQueue, {})) || !guard)
            return;
    }
    if (updateDeferred && !updateActive && !renderBusy()) {
        updateDeferred = false;
        if (deferredUpdate == UpdateKind::Interval || !waiting.empty())
            beginUpdate(deferredUpdate);
    }
}

bool PrometheusExporterPrivate::finishRenders()
{
    updateDeferred = false;
    if (renderBusy()) {
        std::vector<PendingScrape> batch = std::exchange(rendering, {});
        const auto outcome = renderWorker->waitForOutcome(QDeadlineTimer(StopRenderWaitMs));
        if (outcome) {
            lastRenderCostNs = outcome->costNs;
            if (!answerFrom(*outcome->render, batch))
                return false;
        } else {
            qCWarning(lcExporter).nospace()
                << "stopping: a render did not finish within " << StopRenderWaitMs << " ms; its "
                << batch.size() << " scrape(s) are answered 503";
        }
    }
    std::vector<PendingScrape> rest = std::exchange(renderQueue, {});
    rest.insert(rest.end(), std::make_move_iterator(waiting.begin()),
                std::make_move_iterator(waiting.end()));
    waiting.clear();
    for (PendingScrape &scrape : rest)
        scrape.wanted = renderRequestFor(scrape.request);
    return answerNow(std::move(rest));
}

bool PrometheusExporterPrivate::answerFrom(MetricsRender &render,
                                           std::vector<PendingScrape> &scrapes)
{
    Q_Q(PrometheusExporter);
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
        if (scrape.reply->send(response) < 0)
            qCDebug(lcExporter) << "a client left before its scrape was answered";
        if (selfMetricsEnabled) {
            selfMetrics.countRequest(statusCode);
            selfMetrics.observeScrape(double(scrape.age.nsecsElapsed()) / 1e9,
                                      response.body.size());
        }
    }
    if (selfMetricsEnabled)
        selfMetrics.setScrapesInFlight(scrapesInFlight());

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
