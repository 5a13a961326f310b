// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// PrometheusExporter's security settings: connection limits and timeouts,
// TLS and basic authentication (applied to a running server at once).

#include <QtPrometheusExporter/prometheusexporter.h>

#include "exporter/prometheusexporter_p.h"
#include "http/httpserver_p.h"
#include "http/tlsfiles_p.h"
#include "logging_p.h"

using namespace QtPrometheusPrivate;

void PrometheusExporterPrivate::applyLimits()
{
    if (server)
        server->setLimits(limits);
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
    How much may wait unsent on all connections together (8 MiB by default).
    An answer that would pass it first drops the connections whose clients have
    taken nothing of their answers for longest, so that memory stays bounded
    however many clients stop reading.
*/
qint64 PrometheusExporter::maxTotalWriteBacklog() const
{
    Q_D(const PrometheusExporter);
    return d->limits.maxTotalWriteBacklog;
}

/*! Sets the largest unsent backlog of all connections to \a bytes. \sa maxTotalWriteBacklog() */
void PrometheusExporter::setMaxTotalWriteBacklog(qint64 bytes)
{
    Q_D(PrometheusExporter);
    d->limits.maxTotalWriteBacklog = qMax<qint64>(0, bytes);
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
    d->router.basicAuth.setCredentials(user, password);
}

/*!
    Requires HTTP basic authentication, deciding with \a handler, which is
    called in the exporter's thread with the user and password a client sent.
*/
void PrometheusExporter::setBasicAuthHandler(BasicAuthHandler handler)
{
    Q_D(PrometheusExporter);
    if (handler)
        d->router.basicAuth.setHandler(std::move(handler));
    else
        d->router.basicAuth.clear();
}

/*! Serves without authentication. */
void PrometheusExporter::clearBasicAuth()
{
    Q_D(PrometheusExporter);
    d->router.basicAuth.clear();
}

/*! Whether requests must authenticate. */
bool PrometheusExporter::isBasicAuthEnabled() const
{
    Q_D(const PrometheusExporter);
    return d->router.basicAuth.isEnabled();
}

/*! The realm named in \c{WWW-Authenticate} ("metrics" by default). */
QString PrometheusExporter::basicAuthRealm() const
{
    Q_D(const PrometheusExporter);
    return d->router.basicAuthRealm;
}

/*! Sets the realm named in \c{WWW-Authenticate} to \a realm. */
void PrometheusExporter::setBasicAuthRealm(const QString &realm)
{
    Q_D(PrometheusExporter);
    d->router.basicAuthRealm = realm;
}
