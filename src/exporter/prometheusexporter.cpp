// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include <QtPrometheusExporter/prometheusexporter.h>

#include "exporter/prometheusexporter_p.h"
#include "exporter/prometheusupdate_p.h"
#include "http/httpreply_p.h"
#include "http/httpserver_p.h"
#include "logging_p.h"

#include <QtCore/qpointer.h>

#include <prometheus/registry.h>

#include <algorithm>

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
    What scrapes report about the application.
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
    \value InvalidListenerError   startOn(): the listener is not listening
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
    \fn void PrometheusExporter::stopped()
    Emitted after stop(), from the event loop, once every answer given before
    it has been handed to the operating system in full, or once the flush
    deadline (2 s) has passed and the connections still sending were cut. An
    application that quits when the exporter stops quits on this signal, not
    on runningChanged(false), which comes at once: quitting earlier cuts the
    answers still being sent, and a client may take a cut body for a whole one.
    \code
    QObject::connect(&exporter, &PrometheusExporter::stopped, &app, &QCoreApplication::quit);
    exporter.stop();
    \endcode
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
} // namespace

PrometheusExporterPrivate::PrometheusExporterPrivate(PrometheusExporter *q,
                                                     std::shared_ptr<prometheus::Registry> registry)
    : q_ptr(q), registry(registry ? std::move(registry) : std::make_shared<prometheus::Registry>()),
      router(
          q, [this](PendingScrape &&scrape) { acceptScrape(std::move(scrape)); },
          [this](int statusCode) {
              if (selfMetricsEnabled)
                  selfMetrics.countRequest(statusCode);
          }),
      updates(
          q,
          {[this](UpdateCoordinator::Kind kind, std::shared_ptr<PrometheusUpdatePrivate> token) {
               return emitUpdate(kind, std::move(token));
           },
           [this](std::vector<PendingScrape> scrapes) {
               return renders.answer(std::move(scrapes));
           },
           [this](std::size_t count) { return reportTimedOut(count); },
           [this] {
               return renders.isBusy();
           }}),
      renders(
          q,
          {[this] { return renderInput(); },
           [this](int statusCode, const PendingScrape &scrape, qsizetype bodySize) {
               if (!selfMetricsEnabled)
                   return;
               selfMetrics.countRequest(statusCode);
               selfMetrics.observeScrape(double(scrape.age.nsecsElapsed()) / 1e9, bodySize);
           },
           [this](int statusCode, std::size_t count) { return emitAnswered(statusCode, count); },
           [this](int extra) {
               if (selfMetricsEnabled)
                   selfMetrics.setScrapesInFlight(scrapesInFlight() + extra);
           },
           [this] {
               updates.renderIdle();
           }})
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
    Q_UNUSED(d);
    qRegisterMetaType<PrometheusUpdate>();
}

/*!
    Stops the exporter. Scrapes still waiting are answered with the current
    values; update handles that outlive the exporter are harmless.
*/
PrometheusExporter::~PrometheusExporter()
{
    Q_D(PrometheusExporter);
    d->updates.detach();
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
    Returns a process-wide registry for code that has no exporter at hand.
    Pass it to the constructor to serve it.
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
    server->setLimits(d->limits);
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
    Starts serving on the socket of \a listener, which must be listening, for
    an application that opens its own socket (inherited, or bound with special
    options). The exporter takes over a duplicate of the listening socket and
    closes \a listener; Unix only. Returns \c false with errorString() set
    otherwise.
*/
bool PrometheusExporter::startOn(QTcpServer *listener)
{
    Q_D(PrometheusExporter);
    if (d->server)
        return true;
    d->clearError();
    auto *server = new HttpServer(this);
    server->setLimits(d->limits);
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
        router.route(std::move(request), std::move(reply));
    });
    server->setCloseObserver([this](CloseReason reason) {
        if (selfMetricsEnabled)
            selfMetrics.countConnectionClosed(reason);
    });
    updates.setServing(true);
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

/*!
    Stops listening. Scrapes still waiting for an update are answered with the
    values present now, then every connection is closed once its answers are
    sent; stopped() tells when that is done.
*/
void PrometheusExporter::stop()
{
    Q_D(PrometheusExporter);
    if (!d->server)
        return;
    // Everything in flight is answered now, the scrapes waiting for an update
    // with the values present.
    if (!d->renders.finish(d->updates.stop()))
        return; // a slot connected to scrapeAnswered() destroyed the exporter
    if (!d->server)
        return; // such a slot called stop(), which has done the rest
    d->router.dropPending(); // requests still being authenticated: 503
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
    old->setCloseObserver(nullptr);
    old->close();
    // The answers just written still go out, within a short deadline; the
    // server outlives the exporter for that long if need be. stopped() comes
    // from the event loop, after runningChanged(false), even when all is sent.
    Q_Q(PrometheusExporter);
    old->deleteWhenFlushed(StopFlushDeadline, [exporter = QPointer<PrometheusExporter>(q)] {
        if (exporter) {
            QMetaObject::invokeMethod(
                exporter,
                [exporter] {
                    if (!exporter->isRunning()) // not when it was started again meanwhile
                        Q_EMIT exporter->stopped();
                },
                Qt::QueuedConnection);
        }
    });
}

void PrometheusExporterPrivate::acceptScrape(PendingScrape &&scrape)
{
    if (scrapesInFlight() >= maxScrapesInFlight) {
        router.answer(*scrape.reply,
                      textResponse(503, "Too many scrapes in flight, try again later.\n"));
        return;
    }
    updates.accept(std::move(scrape));
}

int PrometheusExporterPrivate::scrapesInFlight() const
{
    return int(updates.waitingCount() + renders.inFlight());
}

bool PrometheusExporterPrivate::emitUpdate(UpdateCoordinator::Kind kind,
                                           std::shared_ptr<PrometheusUpdatePrivate> token)
{
    Q_Q(PrometheusExporter);
    QPointer<PrometheusExporter> guard(q);
    const PrometheusUpdate update(std::move(token));
    if (kind == UpdateCoordinator::Kind::Scrape)
        Q_EMIT q->scrapeRequested(update);
    else
        Q_EMIT q->intervalElapsed(update);
    return !guard.isNull();
}

bool PrometheusExporterPrivate::reportTimedOut(std::size_t count)
{
    Q_Q(PrometheusExporter);
    qCWarning(lcExporter).nospace() << "the metrics update did not finish in time; answering "
                                    << count << " scrape(s) with the values present now";
    if (selfMetricsEnabled) {
        for (std::size_t i = 0; i < count; ++i)
            selfMetrics.countUpdateTimeout();
    }
    QPointer<PrometheusExporter> guard(q);
    Q_EMIT q->updateTimedOut();
    return !guard.isNull();
}

bool PrometheusExporterPrivate::emitAnswered(int statusCode, std::size_t count)
{
    Q_Q(PrometheusExporter);
    QPointer<PrometheusExporter> guard(q);
    for (std::size_t i = 0; i < count && guard; ++i)
        Q_EMIT q->scrapeAnswered(statusCode);
    return !guard.isNull();
}

RenderInput PrometheusExporterPrivate::renderInput() const
{
    RenderInput input;
    input.collectables.reserve(collectables.size() + 4);
    input.collectables.push_back(registry);
    input.collectables.insert(input.collectables.end(), collectables.begin(), collectables.end());
    if (selfMetricsEnabled) {
        if (server)
            selfMetrics.setOpenConnections(server->connectionCount());
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
