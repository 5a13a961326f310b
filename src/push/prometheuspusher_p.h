// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PROMETHEUSPUSHER_P_H
#define PROMETHEUSPUSHER_P_H

#include <QtPrometheusExporter/prometheuspusher.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qpointer.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qnetworkreply.h>
#if QT_CONFIG(ssl)
#include <QtNetwork/qsslconfiguration.h>
#endif

#include <deque>
#include <optional>
#include <vector>

#include <prometheus/metric_family.h>

class QNetworkAccessManager;

class PrometheusPusherPrivate
{
    Q_DECLARE_PUBLIC(PrometheusPusher)
public:
    using Operation = PrometheusPusher::Operation;
    using Error = PrometheusPusher::Error;

    // How much of the gateway's answer goes into an error message.
    static constexpr qsizetype MaxMessageBytes = 1024;

    PrometheusPusherPrivate(PrometheusPusher *q, std::shared_ptr<prometheus::Registry> registry);
    ~PrometheusPusherPrivate();

    // Where an operation waits its turn: one request at a time, in call order, so a
    // DELETE never overtakes the PUT before it; an operation asked for while the same
    // one is already waiting is merged into it.
    void request(Operation operation);
    void onIntervalTimeout();
    void send(Operation operation);
    void failLater(Error error, const QString &message);

    // Where the metrics are collected and written.
    bool collect(QByteArray *body, QString *error) const;
    static QByteArray serialize(const std::vector<prometheus::MetricFamily> &families);

    // Where the answer is judged and reported.
    void onReadyRead();
    void onReplyFinished(QNetworkReply *reply);
    void onTimeout();
    void complete(Error error, const QString &message);
    void setPushing(bool pushing);

    // The push on quit, and the properties that change the group's URL.
    void onAboutToQuit();
    void connectAboutToQuit();
    void emitGroupUrlIfChanged();

    PrometheusPusher *q_ptr;
    std::shared_ptr<prometheus::Registry> registry;
    std::vector<std::weak_ptr<prometheus::Collectable>> collectables;

    QUrl gatewayUrl;
    QString job;
    QMap<QString, QString> groupingLabels;
    QUrl lastGroupUrl;
    Operation method = Operation::Push;
    int intervalMs = PrometheusPusher::DefaultInterval;
    int timeoutMs = PrometheusPusher::DefaultTimeout;
    bool pushOnQuit = false;
    QMetaObject::Connection quitConnection;
    QString basicAuthUser;
    QByteArray authorization; // the whole "Basic ..." header value, empty when off
#if QT_CONFIG(ssl)
    std::optional<QSslConfiguration> sslConfiguration;
#endif

    PrometheusPusher::Error error = PrometheusPusher::Error::NoError;
    QString errorString;

    // The operation being sent (busy) and those waiting behind it.
    bool busy = false;
    bool pushing = false;
    quint64 requestId = 0;
    Operation current = Operation::Push;
    QUrl currentUrl;
    QPointer<QNetworkReply> reply;
    QByteArray answer; // the first MaxMessageBytes of the gateway's answer
    QString sslErrors;
    bool timedOut = false;
    std::deque<Operation> queue;

    // Children of the pusher, so they follow it into another thread.
    QNetworkAccessManager *network = nullptr;
    QTimer *intervalTimer = nullptr;
    QTimer *timeoutTimer = nullptr;
};

#endif // PROMETHEUSPUSHER_P_H
