// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PROMETHEUSPUSHER_H
#define PROMETHEUSPUSHER_H

#include <QtPrometheusExporter/qtprometheusexporterglobal.h>

#include <QtCore/qmap.h>
#include <QtCore/qobject.h>
#include <QtCore/qstring.h>
#include <QtCore/qurl.h>
#include <QtNetwork/qtnetworkglobal.h>

#include <chrono>
#include <memory>

namespace prometheus {
class Collectable;
class Registry;
} // namespace prometheus

#if QT_CONFIG(ssl)
class QSslConfiguration;
#endif
class PrometheusPusherPrivate;

class QTPROMETHEUSEXPORTER_EXPORT PrometheusPusher : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QUrl gatewayUrl READ gatewayUrl WRITE setGatewayUrl NOTIFY gatewayUrlChanged)
    Q_PROPERTY(QString job READ job WRITE setJob NOTIFY jobChanged)
    Q_PROPERTY(QMap<QString, QString> groupingLabels READ groupingLabels WRITE setGroupingLabels
                   NOTIFY groupingLabelsChanged)
    Q_PROPERTY(QUrl groupUrl READ groupUrl NOTIFY groupUrlChanged)
    Q_PROPERTY(Operation operation READ operation WRITE setOperation NOTIFY operationChanged)
    Q_PROPERTY(int interval READ interval WRITE setInterval NOTIFY intervalChanged)
    Q_PROPERTY(int timeout READ timeout WRITE setTimeout NOTIFY timeoutChanged)
    Q_PROPERTY(bool pushOnQuit READ pushOnQuit WRITE setPushOnQuit NOTIFY pushOnQuitChanged)
    Q_PROPERTY(bool running READ isRunning NOTIFY runningChanged)
    Q_PROPERTY(bool pushing READ isPushing NOTIFY pushingChanged)

public:
    enum class Operation {
        Push, // PUT: replaces every metric of the group
        PushAdd, // POST: replaces only the metrics with the same names
        Delete, // DELETE: removes the group
    };
    Q_ENUM(Operation)

    enum class Error {
        NoError,
        InvalidConfigurationError,
        CollectError,
        ConnectionError,
        TlsError,
        TimeoutError,
        HttpError,
        InvalidOperationError,
    };
    Q_ENUM(Error)

    static constexpr int DefaultInterval = 15000;
    static constexpr int DefaultTimeout = 10000;

    explicit PrometheusPusher(QObject *parent = nullptr);
    explicit PrometheusPusher(std::shared_ptr<prometheus::Registry> registry,
                              QObject *parent = nullptr);
    ~PrometheusPusher() override;

    std::shared_ptr<prometheus::Registry> registry() const;

    void registerCollectable(const std::weak_ptr<prometheus::Collectable> &collectable);
    void removeCollectable(const std::weak_ptr<prometheus::Collectable> &collectable);

    QUrl gatewayUrl() const;
    void setGatewayUrl(const QUrl &url);

    QString job() const;
    void setJob(const QString &job);

    QMap<QString, QString> groupingLabels() const;
    void setGroupingLabels(const QMap<QString, QString> &labels);
    void setGroupingLabel(const QString &name, const QString &value);
    void removeGroupingLabel(const QString &name);

    QUrl groupUrl() const;

    Operation operation() const;
    void setOperation(Operation operation);

    int interval() const;
    void setInterval(int msec);
    std::chrono::milliseconds intervalAsDuration() const;
    void setInterval(std::chrono::milliseconds interval) { setInterval(int(interval.count())); }

    int timeout() const;
    void setTimeout(int msec);
    std::chrono::milliseconds timeoutAsDuration() const;
    void setTimeout(std::chrono::milliseconds timeout) { setTimeout(int(timeout.count())); }

    bool pushOnQuit() const;
    void setPushOnQuit(bool enabled);

    bool isBasicAuthEnabled() const;
    QString basicAuthUser() const;
    void setBasicAuth(const QString &user, const QString &password);
    void clearBasicAuth();

#if QT_CONFIG(ssl)
    QSslConfiguration sslConfiguration() const;
    void setSslConfiguration(const QSslConfiguration &configuration);
#endif

    bool isRunning() const;
    bool isPushing() const;

    Error error() const;
    QString errorString() const;

public Q_SLOTS:
    void push();
    void pushAdd();
    void deleteGroup();
    bool start();
    void stop();

Q_SIGNALS:
    void pushSucceeded(PrometheusPusher::Operation operation);
    void pushFailed(PrometheusPusher::Operation operation, PrometheusPusher::Error error,
                    const QString &errorString);
    void errorOccurred(PrometheusPusher::Error error);

    void gatewayUrlChanged(const QUrl &url);
    void jobChanged(const QString &job);
    void groupingLabelsChanged();
    void groupUrlChanged(const QUrl &url);
    void operationChanged(PrometheusPusher::Operation operation);
    void intervalChanged(int msec);
    void timeoutChanged(int msec);
    void pushOnQuitChanged(bool enabled);
    void runningChanged(bool running);
    void pushingChanged(bool pushing);

private:
    Q_DECLARE_PRIVATE(PrometheusPusher)
    Q_DISABLE_COPY_MOVE(PrometheusPusher)
    std::unique_ptr<PrometheusPusherPrivate> d_ptr;
};

#endif // PROMETHEUSPUSHER_H
