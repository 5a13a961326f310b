// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PROMETHEUSEXPORTER_H
#define PROMETHEUSEXPORTER_H

#include <QtPrometheusExporter/prometheusupdate.h>
#include <QtPrometheusExporter/qtprometheusexporterglobal.h>

#include <QtCore/qobject.h>
#include <QtCore/qstring.h>
#include <QtCore/qurl.h>
#include <QtNetwork/qhostaddress.h>
#include <QtNetwork/qtnetworkglobal.h>

#include <chrono>
#include <functional>
#include <memory>

namespace prometheus {
class Collectable;
class Registry;
} // namespace prometheus

class QSslConfiguration;
class QTcpServer;
class PrometheusExporterPrivate;

class QTPROMETHEUSEXPORTER_EXPORT PrometheusExporter : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QHostAddress address READ address WRITE setAddress NOTIFY addressChanged)
    Q_PROPERTY(quint16 port READ port WRITE setPort NOTIFY portChanged)
    Q_PROPERTY(QString path READ path WRITE setPath NOTIFY pathChanged)
    Q_PROPERTY(Mode mode READ mode WRITE setMode NOTIFY modeChanged)
    Q_PROPERTY(int interval READ interval WRITE setInterval NOTIFY intervalChanged)
    Q_PROPERTY(
        int updateTimeout READ updateTimeout WRITE setUpdateTimeout NOTIFY updateTimeoutChanged)
    Q_PROPERTY(bool running READ isRunning NOTIFY runningChanged)
    Q_PROPERTY(QUrl url READ url NOTIFY urlChanged)
    Q_PROPERTY(Status status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString statusMessage READ statusMessage NOTIFY statusChanged)
    Q_PROPERTY(QString statusMetricName READ statusMetricName WRITE setStatusMetricName NOTIFY
                   statusMetricNameChanged)
    Q_PROPERTY(bool selfMetricsEnabled READ selfMetricsEnabled WRITE setSelfMetricsEnabled NOTIFY
                   selfMetricsEnabledChanged)
    Q_PROPERTY(bool runtimeMetricsEnabled READ runtimeMetricsEnabled WRITE setRuntimeMetricsEnabled
                   NOTIFY runtimeMetricsEnabledChanged)
    Q_PROPERTY(bool compressionEnabled READ compressionEnabled WRITE setCompressionEnabled NOTIFY
                   compressionEnabledChanged)

public:
    enum class Mode {
        Plain,
        Notify,
        Repeat,
    };
    Q_ENUM(Mode)

    enum class Status {
        Ok,
        Failing,
    };
    Q_ENUM(Status)

    enum class Error {
        NoError,
        AddressInUseError,
        ListenError,
        InvalidPathError,
        InvalidListenerError,
        TlsConfigurationError,
    };
    Q_ENUM(Error)

    static constexpr quint16 DefaultPort = 9184;

    explicit PrometheusExporter(QObject *parent = nullptr);
    explicit PrometheusExporter(std::shared_ptr<prometheus::Registry> registry,
                                QObject *parent = nullptr);
    ~PrometheusExporter() override;

    std::shared_ptr<prometheus::Registry> registry() const;
    static std::shared_ptr<prometheus::Registry> defaultRegistry();

    void registerCollectable(const std::weak_ptr<prometheus::Collectable> &collectable);
    void removeCollectable(const std::weak_ptr<prometheus::Collectable> &collectable);

    QHostAddress address() const;
    void setAddress(const QHostAddress &address);

    quint16 port() const;
    void setPort(quint16 port);

    QString path() const;
    void setPath(const QString &path);

    Mode mode() const;
    void setMode(Mode mode);

    int interval() const;
    void setInterval(int msec);
    std::chrono::milliseconds intervalAsDuration() const;
    void setInterval(std::chrono::milliseconds interval) { setInterval(int(interval.count())); }

    int updateTimeout() const;
    void setUpdateTimeout(int msec);
    std::chrono::milliseconds updateTimeoutAsDuration() const;
    void setUpdateTimeout(std::chrono::milliseconds timeout)
    {
        setUpdateTimeout(int(timeout.count()));
    }

    Status status() const;
    QString statusMessage() const;
    void setStatus(Status status, const QString &message = QString());
    void setStatusOk() { setStatus(Status::Ok); }
    void setStatusFailing(const QString &message = QString())
    {
        setStatus(Status::Failing, message);
    }

    QString statusMetricName() const;
    void setStatusMetricName(const QString &name);

    bool selfMetricsEnabled() const;
    void setSelfMetricsEnabled(bool enabled);

    bool runtimeMetricsEnabled() const;
    void setRuntimeMetricsEnabled(bool enabled);

    bool compressionEnabled() const;
    void setCompressionEnabled(bool enabled);

    // Limits; each applies to the next connection, scrape or write.
    qint64 readBufferSize() const;
    void setReadBufferSize(qint64 bytes);
    std::chrono::milliseconds requestHeaderTimeout() const;
    void setRequestHeaderTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds idleTimeout() const;
    void setIdleTimeout(std::chrono::milliseconds timeout);
    int maxConnections() const;
    void setMaxConnections(int count);
    int maxScrapesInFlight() const;
    void setMaxScrapesInFlight(int count);
    qint64 maxWriteBacklog() const;
    void setMaxWriteBacklog(qint64 bytes);
    qint64 maxTotalWriteBacklog() const;
    void setMaxTotalWriteBacklog(qint64 bytes);

    // TLS, used by the next start().
    bool setTlsFiles(const QString &certificateFile, const QString &privateKeyFile,
                     const QString &clientCaFile = QString());
#if QT_CONFIG(ssl)
    void setSslConfiguration(const QSslConfiguration &configuration);
    QSslConfiguration sslConfiguration() const;
#endif
    void disableTls();
    bool isTlsEnabled() const;

    // HTTP basic authentication of every request.
    using BasicAuthHandler = std::function<bool(const QString &user, const QString &password)>;
    void setBasicAuth(const QString &user, const QString &password);
    void setBasicAuthHandler(BasicAuthHandler handler);
    void clearBasicAuth();
    bool isBasicAuthEnabled() const;
    QString basicAuthRealm() const;
    void setBasicAuthRealm(const QString &realm);

    bool isRunning() const;
    QUrl url() const;

    Error error() const;
    QString errorString() const;

    // Not an overload of start(): &PrometheusExporter::start connects without qOverload.
    bool startOn(QTcpServer *listener);

public Q_SLOTS:
    bool start();
    void stop();

Q_SIGNALS:
    void scrapeRequested(PrometheusUpdate update);
    void intervalElapsed(PrometheusUpdate update);
    void updateTimedOut();
    void scrapeAnswered(int statusCode);

    void addressChanged(const QHostAddress &address);
    void portChanged(quint16 port);
    void pathChanged(const QString &path);
    void modeChanged(PrometheusExporter::Mode mode);
    void intervalChanged(int msec);
    void updateTimeoutChanged(int msec);
    void runningChanged(bool running);
    void stopped();
    void urlChanged(const QUrl &url);
    void statusChanged();
    void statusMetricNameChanged(const QString &name);
    void selfMetricsEnabledChanged(bool enabled);
    void compressionEnabledChanged(bool enabled);
    void runtimeMetricsEnabledChanged(bool enabled);
    void errorOccurred(PrometheusExporter::Error error);

private:
    Q_DECLARE_PRIVATE(PrometheusExporter)
    Q_DISABLE_COPY_MOVE(PrometheusExporter)
    std::unique_ptr<PrometheusExporterPrivate> d_ptr;
};

#endif // PROMETHEUSEXPORTER_H
