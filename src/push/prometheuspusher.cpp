// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include <QtPrometheusExporter/prometheuspusher.h>

#include "logging_p.h"
#include "push/prometheuspusher_p.h"
#include "push/pushgatewayurl_p.h"

#include <QtCore/qloggingcategory.h>
#include <QtNetwork/qnetworkaccessmanager.h>

#include <prometheus/collectable.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <utility>

using namespace QtPrometheusPrivate;

/*!
    \class PrometheusPusher
    \brief Pushes prometheus-cpp metrics to a Prometheus Pushgateway from the Qt
    event loop.

    Short-lived tools and batch jobs end before any scrape can reach them; they
    push their metrics to a Pushgateway instead, which keeps them for Prometheus.
    The pusher sends the registry (and any registered collectables) in the text
    format with QNetworkAccessManager and never blocks the calling thread, except
    for the one final push on quit (see pushOnQuit).

    A group is addressed by the job name and the grouping labels; the URL is
    built with the Pushgateway's encoding rules, including the \c{@base64} form
    for values that contain \c{/} or are empty. push() replaces the whole group
    (PUT), pushAdd() replaces only the metrics with the same names (POST),
    deleteGroup() removes the group (DELETE). start() pushes periodically.

    One request is on the wire at a time and operations are sent in the order
    they were asked for; asking again for the operation that is already waiting
    merges into it, and a periodic push that falls due while a request is still
    running is skipped. Every request ends in pushSucceeded() or pushFailed()
    with an error text that names the HTTP status and the gateway's message.

    Logging category: \c{prometheus.pusher}.
*/

/*!
    \enum PrometheusPusher::Operation
    \value Push      PUT: the pushed metrics replace every metric of the group.
    \value PushAdd   POST: the pushed metrics replace only the group's metrics
                     with the same names; the others stay.
    \value Delete    DELETE: the group is removed from the gateway.
*/

/*!
    \enum PrometheusPusher::Error
    \value NoError                    The last request succeeded.
    \value InvalidConfigurationError  No usable gateway URL, an empty job name or
                                      an invalid grouping label name; nothing was sent.
    \value CollectError               A collectable threw while collecting; nothing
                                      was sent.
    \value ConnectionError            The gateway could not be reached (refused,
                                      host not found, connection lost).
    \value TlsError                   The TLS handshake failed, for example an
                                      untrusted certificate.
    \value TimeoutError               No complete answer within timeout().
    \value HttpError                  The gateway answered with a status other than
                                      2xx (redirects included, they are not followed).
    \value InvalidOperationError      setOperation() was given Operation::Delete,
                                      which deletes rather than pushes; the old
                                      operation stays.
*/

/*!
    \fn void PrometheusPusher::pushSucceeded(PrometheusPusher::Operation operation)
    Emitted when the gateway accepted \a operation (answered 2xx).
*/

/*!
    \fn void PrometheusPusher::pushFailed(PrometheusPusher::Operation operation,
                                          PrometheusPusher::Error error,
                                          const QString &errorString)
    Emitted when \a operation failed; \a errorString names the method, the URL,
    the HTTP status and the gateway's message, and is also logged as a warning.
    The next operation is sent all the same: there is no automatic retry, the
    next periodic push is the retry. errorOccurred() follows.
*/

/*!
    \fn void PrometheusPusher::errorOccurred(PrometheusPusher::Error error)
    Emitted with every error: a failed push (after pushFailed()), a start()
    that was refused, an operation setOperation() refused. errorString()
    says why, as PrometheusExporter::errorOccurred() does.
*/

/*!
    \variable PrometheusPusher::DefaultInterval
    The default interval of periodic pushes, in milliseconds: 15 000.
*/

/*!
    \variable PrometheusPusher::DefaultTimeout
    The default timeout of one request, in milliseconds: 10 000.
*/

namespace {
bool sameCollectable(const std::weak_ptr<prometheus::Collectable> &a,
                     const std::weak_ptr<prometheus::Collectable> &b)
{
    return !a.owner_before(b) && !b.owner_before(a);
}
} // namespace

/*! Constructs a pusher with a registry of its own. */
PrometheusPusher::PrometheusPusher(QObject *parent)
    : PrometheusPusher(std::make_shared<prometheus::Registry>(), parent)
{ }

/*!
    Constructs a pusher that pushes \a registry (a new one when null). The
    registry may be shared with an exporter or other code.
*/
PrometheusPusher::PrometheusPusher(std::shared_ptr<prometheus::Registry> registry, QObject *parent)
    : QObject(parent), d_ptr(new PrometheusPusherPrivate(this, std::move(registry)))
{
    Q_D(PrometheusPusher);
    d->network = new QNetworkAccessManager(this);
    d->intervalTimer = new QTimer(this);
    d->intervalTimer->setInterval(d->intervalMs);
    connect(d->intervalTimer, &QTimer::timeout, this, [d] { d->onIntervalTimeout(); });
}

/*!
    Destroys the pusher. A request still on the wire is aborted without a
    signal; operations still waiting are dropped.
*/
PrometheusPusher::~PrometheusPusher()
{
    Q_D(PrometheusPusher);
    // No signal may reach a half-destroyed object from here on.
    QSignalBlocker blocker(this);
    d->queue.clear();
    delete d->active.data(); // aborts the request on the wire before its manager goes
    delete d->network;
    d->network = nullptr;
}

/*! Returns the registry this pusher pushes. */
std::shared_ptr<prometheus::Registry> PrometheusPusher::registry() const
{
    Q_D(const PrometheusPusher);
    return d->registry;
}

/*!
    Adds \a collectable to what every push collects, besides the registry.
    The pusher does not keep it alive; an expired pointer is skipped.
*/
void PrometheusPusher::registerCollectable(
    const std::weak_ptr<prometheus::Collectable> &collectable)
{
    Q_D(PrometheusPusher);
    const auto found = std::find_if(d->collectables.cbegin(), d->collectables.cend(),
                                    [&](const auto &c) { return sameCollectable(c, collectable); });
    if (found == d->collectables.cend())
        d->collectables.push_back(collectable);
}

/*! Removes \a collectable added with registerCollectable(). */
void PrometheusPusher::removeCollectable(const std::weak_ptr<prometheus::Collectable> &collectable)
{
    Q_D(PrometheusPusher);
    d->collectables.erase(
        std::remove_if(d->collectables.begin(), d->collectables.end(),
                       [&](const auto &c) { return sameCollectable(c, collectable); }),
        d->collectables.end());
}

/*!
    \property PrometheusPusher::gatewayUrl
    The Pushgateway's base URL, such as \c{http://127.0.0.1:9091}: scheme
    \c{http} or \c{https}, host, port and optionally the path prefix it is
    served under — not the \c{/metrics/job/...} part, which the pusher adds.
    Empty by default; pushing without it fails with InvalidConfigurationError.
*/
QUrl PrometheusPusher::gatewayUrl() const
{
    Q_D(const PrometheusPusher);
    return d->gatewayUrl;
}

void PrometheusPusher::setGatewayUrl(const QUrl &url)
{
    Q_D(PrometheusPusher);
    if (d->gatewayUrl == url)
        return;
    d->gatewayUrl = url;
    Q_EMIT gatewayUrlChanged(url);
    d->emitGroupUrlIfChanged();
}

/*!
    \property PrometheusPusher::job
    The job name, the first part of the group's key. Any text is allowed; it is
    encoded for the URL as the Pushgateway expects. Empty by default; pushing
    without it fails with InvalidConfigurationError.
*/
QString PrometheusPusher::job() const
{
    Q_D(const PrometheusPusher);
    return d->job;
}

void PrometheusPusher::setJob(const QString &job)
{
    Q_D(PrometheusPusher);
    if (d->job == job)
        return;
    d->job = job;
    Q_EMIT jobChanged(job);
    d->emitGroupUrlIfChanged();
}

/*!
    \property PrometheusPusher::groupingLabels
    The grouping labels besides the job (label name to value), such as
    \c{instance}. Values may be any text, also empty or containing \c{/}. Names
    must be valid label names, not reserved (\c{__} prefix) and not \c{job};
    a push with an invalid name fails with InvalidConfigurationError. The
    Pushgateway sets these labels on every metric of the group, overriding
    labels of the same name in the pushed metrics.
*/
QMap<QString, QString> PrometheusPusher::groupingLabels() const
{
    Q_D(const PrometheusPusher);
    return d->groupingLabels;
}

void PrometheusPusher::setGroupingLabels(const QMap<QString, QString> &labels)
{
    Q_D(PrometheusPusher);
    if (d->groupingLabels == labels)
        return;
    d->groupingLabels = labels;
    Q_EMIT groupingLabelsChanged();
    d->emitGroupUrlIfChanged();
}

/*! Sets the grouping label \a name to \a value, adding it when missing. */
void PrometheusPusher::setGroupingLabel(const QString &name, const QString &value)
{
    Q_D(PrometheusPusher);
    const auto it = d->groupingLabels.constFind(name);
    if (it != d->groupingLabels.cend() && it.value() == value)
        return;
    d->groupingLabels.insert(name, value);
    Q_EMIT groupingLabelsChanged();
    d->emitGroupUrlIfChanged();
}

/*! Removes the grouping label \a name. */
void PrometheusPusher::removeGroupingLabel(const QString &name)
{
    Q_D(PrometheusPusher);
    if (d->groupingLabels.remove(name) == 0)
        return;
    Q_EMIT groupingLabelsChanged();
    d->emitGroupUrlIfChanged();
}

/*!
    \property PrometheusPusher::groupUrl
    The URL of the group the pusher sends to, such as
    \c{http://127.0.0.1:9091/metrics/job/backup/path@base64/L3Zhci90bXA};
    empty while gatewayUrl, job or a grouping label is missing or invalid.
*/
QUrl PrometheusPusher::groupUrl() const
{
    Q_D(const PrometheusPusher);
    QString ignored;
    return PushgatewayUrl::groupUrl(d->gatewayUrl, d->job, d->groupingLabels, &ignored);
}

/*!
    \property PrometheusPusher::operation
    What the periodic pushes and the push on quit send: Operation::Push (PUT,
    the default) or Operation::PushAdd (POST). Operation::Delete is refused
    with InvalidOperationError (see errorString()), and the operation stays.
*/
PrometheusPusher::Operation PrometheusPusher::operation() const
{
    Q_D(const PrometheusPusher);
    return d->periodicOperation;
}

void PrometheusPusher::setOperation(Operation operation)
{
    Q_D(PrometheusPusher);
    if (operation == Operation::Delete) {
        d->setError(Error::InvalidOperationError,
                    QStringLiteral("Operation::Delete cannot be the push operation; "
                                   "call deleteGroup() to delete the group"));
        return;
    }
    if (d->periodicOperation == operation)
        return;
    d->periodicOperation = operation;
    Q_EMIT operationChanged(operation);
}

/*!
    \property PrometheusPusher::interval
    The time between periodic pushes in milliseconds (15 000 by default). A
    push that falls due while the previous request is still running is skipped.
*/
int PrometheusPusher::interval() const
{
    Q_D(const PrometheusPusher);
    return d->intervalMs;
}

/*! Returns the interval property as a std::chrono duration. */
std::chrono::milliseconds PrometheusPusher::intervalAsDuration() const
{
    return std::chrono::milliseconds(interval());
}

void PrometheusPusher::setInterval(int msec)
{
    Q_D(PrometheusPusher);
    msec = qMax(1, msec);
    if (d->intervalMs == msec)
        return;
    d->intervalMs = msec;
    d->intervalTimer->setInterval(msec);
    Q_EMIT intervalChanged(msec);
}

/*!
    \property PrometheusPusher::timeout
    How long one request may take in milliseconds, from sending to the full
    answer (10 000 by default, at least 1). A request that takes longer is
    aborted and fails with TimeoutError. It also bounds the push on quit.
*/
int PrometheusPusher::timeout() const
{
    Q_D(const PrometheusPusher);
    return d->timeoutMs;
}

/*! Returns the timeout property as a std::chrono duration. */
std::chrono::milliseconds PrometheusPusher::timeoutAsDuration() const
{
    return std::chrono::milliseconds(timeout());
}

void PrometheusPusher::setTimeout(int msec)
{
    Q_D(PrometheusPusher);
    msec = qMax(1, msec);
    if (d->timeoutMs == msec)
        return;
    d->timeoutMs = msec;
    Q_EMIT timeoutChanged(msec);
}

/*!
    \property PrometheusPusher::pushOnQuit
    Whether the pusher sends one last push (with operation()) when
    QCoreApplication::aboutToQuit() is emitted; off by default.

    The application's event loop has already ended then, so the pusher runs a
    local QEventLoop (excluding user input) until that push and any request
    before it are answered; each request is bounded by timeout(), so a gateway
    that is down delays quitting by at most that much. This works for a pusher
    in the main thread; a pusher in another thread gets the signal queued and
    pushes only if its thread still runs an event loop.
*/
bool PrometheusPusher::pushOnQuit() const
{
    Q_D(const PrometheusPusher);
    return d->pushOnQuit;
}

void PrometheusPusher::setPushOnQuit(bool enabled)
{
    Q_D(PrometheusPusher);
    if (d->pushOnQuit == enabled)
        return;
    d->pushOnQuit = enabled;
    if (enabled) {
        d->connectAboutToQuit();
        if (!d->quitConnection)
            qCWarning(lcPusher) << "pushOnQuit needs a QCoreApplication; none exists yet";
    } else {
        QObject::disconnect(std::exchange(d->quitConnection, {}));
    }
    Q_EMIT pushOnQuitChanged(enabled);
}

/*! Whether requests carry basic authentication. */
bool PrometheusPusher::isBasicAuthEnabled() const
{
    Q_D(const PrometheusPusher);
    return !d->authorization.isEmpty();
}

/*! Returns the user name set with setBasicAuth(), or an empty string. */
QString PrometheusPusher::basicAuthUser() const
{
    Q_D(const PrometheusPusher);
    return d->basicAuthUser;
}

/*!
    Sends HTTP basic authentication with \a user and \a password on every
    request (sent with the request, not after a 401). Use it over https: on
    plain http the password travels readable. An empty \a user turns it off.
*/
void PrometheusPusher::setBasicAuth(const QString &user, const QString &password)
{
    Q_D(PrometheusPusher);
    if (user.isEmpty()) {
        clearBasicAuth();
        return;
    }
    d->basicAuthUser = user;
    d->authorization = "Basic " + (user + QLatin1Char(':') + password).toUtf8().toBase64();
}

/*! Turns basic authentication off. */
void PrometheusPusher::clearBasicAuth()
{
    Q_D(PrometheusPusher);
    d->basicAuthUser.clear();
    d->authorization.clear();
}

#if QT_CONFIG(ssl)
/*!
    Returns the TLS configuration used for https gateways; Qt's default
    configuration (system CAs) unless setSslConfiguration() was called.
*/
QSslConfiguration PrometheusPusher::sslConfiguration() const
{
    Q_D(const PrometheusPusher);
    return d->sslConfiguration.value_or(QSslConfiguration::defaultConfiguration());
}

/*!
    Uses \a configuration for https gateways, for example to trust a private
    CA:
    \code
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.addCaCertificates(QStringLiteral("/etc/ssl/private-ca.pem"));
    pusher.setSslConfiguration(tls);
    \endcode
    A gateway whose certificate does not verify fails with TlsError.
*/
void PrometheusPusher::setSslConfiguration(const QSslConfiguration &configuration)
{
    Q_D(PrometheusPusher);
    d->sslConfiguration = configuration;
    // QNetworkAccessManager reuses a connection to the same host with the TLS
    // configuration it was made with; the next request must use the new one.
    d->network->clearConnectionCache();
}
#endif

/*!
    \property PrometheusPusher::running
    Whether periodic pushing is on (between start() and stop()).
*/
bool PrometheusPusher::isRunning() const
{
    Q_D(const PrometheusPusher);
    return d->intervalTimer->isActive();
}

/*!
    \property PrometheusPusher::pushing
    Whether a request is on the wire or waiting to be sent. It turns false after
    the last pushSucceeded() or pushFailed().
*/
bool PrometheusPusher::isPushing() const
{
    Q_D(const PrometheusPusher);
    return d->pushing;
}

/*! Returns the kind of the last request's error; NoError after a success. */
PrometheusPusher::Error PrometheusPusher::error() const
{
    Q_D(const PrometheusPusher);
    return d->error;
}

/*!
    Returns a human-readable description of the last request's error, naming
    the method, the URL, the HTTP status and the gateway's message, such as
    "PUT http://127.0.0.1:9091/metrics/job/backup: the Pushgateway answered
    HTTP 400 Bad Request: text format parsing error in line 1: invalid metric
    name". Empty after a success.
*/
QString PrometheusPusher::errorString() const
{
    Q_D(const PrometheusPusher);
    return d->errorString;
}

/*!
    Pushes the metrics with PUT: the group's metrics are replaced by the ones
    pushed. Returns at once; pushSucceeded() or pushFailed() follows.
    The metrics are collected when the request is sent.
*/
void PrometheusPusher::push()
{
    Q_D(PrometheusPusher);
    d->request(Operation::Push);
}

/*!
    Pushes the metrics with POST: only the group's metrics with the same names
    as the pushed ones are replaced; the others stay.
*/
void PrometheusPusher::pushAdd()
{
    Q_D(PrometheusPusher);
    d->request(Operation::PushAdd);
}

/*! Deletes the group (job and grouping labels) from the Pushgateway. */
void PrometheusPusher::deleteGroup()
{
    Q_D(PrometheusPusher);
    d->request(Operation::Delete);
}

/*!
    Starts periodic pushing: pushes at once with operation(), then every
    interval(). Calling it while running restarts the interval. Returns
    \c false, with errorString() set and errorOccurred() emitted, when no
    push could be sent: no usable gatewayUrl(), an empty job() or an invalid
    grouping label. A push that fails later is reported by pushFailed().
*/
bool PrometheusPusher::start()
{
    Q_D(PrometheusPusher);
    QString message;
    if (PushgatewayUrl::groupUrl(d->gatewayUrl, d->job, d->groupingLabels, &message).isEmpty()) {
        d->setError(Error::InvalidConfigurationError,
                    QStringLiteral("cannot start: %1").arg(message));
        return false;
    }
    const bool wasRunning = d->intervalTimer->isActive();
    d->intervalTimer->start(d->intervalMs);
    QPointer<PrometheusPusher> guard(this);
    if (!wasRunning)
        Q_EMIT runningChanged(true);
    if (!guard)
        return true; // a slot destroyed the pusher; it did start
    d->onIntervalTimeout();
    return true;
}

/*! Stops periodic pushing. A request on the wire still completes. */
void PrometheusPusher::stop()
{
    Q_D(PrometheusPusher);
    if (!d->intervalTimer->isActive())
        return;
    d->intervalTimer->stop();
    Q_EMIT runningChanged(false);
}
