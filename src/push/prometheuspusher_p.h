// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PROMETHEUSPUSHER_P_H
#define PROMETHEUSPUSHER_P_H

#include <QtPrometheusExporter/prometheuspusher.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qpointer.h>
#include <QtCore/qtimer.h>
#if QT_CONFIG(ssl)
#include <QtNetwork/qsslconfiguration.h>
#endif

#include <deque>
#include <optional>
#include <vector>

#include <prometheus/metric_family.h>

#include "push/pushrequest_p.h"

class QNetworkAccessManager;

// The queue of operations, the properties and the push on quit; one request's
// life and verdict are PushRequest's.
class PrometheusPusherPrivate
{
    Q_DECLARE_PUBLIC(PrometheusPusher)
public:
    using Operation = PrometheusPusher::Operation;
    using Error = PrometheusPusher::Error;

    PrometheusPusherPrivate(PrometheusPusher *q, std::shared_ptr<prometheus::Registry> registry);
    ~PrometheusPusherPrivate();

    // Where an operation waits its turn: one request at a time, in call order, so a
    // DELETE never overtakes the PUT before it; an operation asked for while the same
    // one is already waiting is merged into it.
    void request(Operation operation);
    void onIntervalTimeout();
    void send(Operation operation);

    // Where the metrics are collected and written.
    bool collect(QByteArray *body, QString *error) const;
    static QByteArray serialize(const std::vector<prometheus::MetricFamily> &families);

    // Where a request's verdict is reported and the next operation sent.
    void onFinished(QtPrometheusPrivate::PushRequest *request,
                    const QtPrometheusPrivate::PushVerdict &verdict);
    void complete(Operation operation, Error error, const QString &message);
    // Records an error that is not a push's, and reports it as the exporter does.
    void setError(Error error, const QString &message);
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
    Operation periodicOperation = Operation::Push; // the operation property
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
    QPointer<QtPrometheusPrivate::PushRequest> active; // a child of the pusher
    std::deque<Operation> queue;

    // Children of the pusher, so they follow it into another thread.
    QNetworkAccessManager *network = nullptr;
    QTimer *intervalTimer = nullptr;
};

#endif // PROMETHEUSPUSHER_P_H
