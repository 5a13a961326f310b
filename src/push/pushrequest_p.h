// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PUSHREQUEST_P_H
#define PUSHREQUEST_P_H

#include <QtPrometheusExporter/prometheuspusher.h>

#include <QtCore/qbytearray.h>
#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>
#include <QtCore/qstring.h>
#include <QtCore/qtimer.h>
#include <QtCore/qurl.h>
#include <QtNetwork/qtnetworkglobal.h>
#if QT_CONFIG(ssl)
#include <QtNetwork/qsslconfiguration.h>
#endif

#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace QtPrometheusPrivate {

// Only the enums of PrometheusPusher are used here, never its meta-object: the
// internal objects are also linked without the public library (tests, fuzzers).

// How one request ended.
struct PushVerdict
{
    PrometheusPusher::Error error = PrometheusPusher::Error::NoError;
    QString message; // empty on success; one line naming the method and the URL
};

// What the pusher's properties say about each request.
struct PushSettings
{
    QByteArray authorization; // the whole "Basic ..." header value, empty when off
#if QT_CONFIG(ssl)
    std::optional<QSslConfiguration> sslConfiguration; // for https only
#endif
    int timeoutMs = PrometheusPusher::DefaultTimeout;
};

// One operation's request to the gateway, from sending to its verdict: builds
// the request, bounds it by the timeout, keeps the start of the answer and
// judges it. finished() is emitted once, always from the event loop, never
// inside send() or fail(); it may delete the request's parent. Deleting the
// request before that aborts it without a signal.
class PushRequest : public QObject
{
    Q_OBJECT
public:
    using Operation = PrometheusPusher::Operation;
    using Error = PrometheusPusher::Error;

    // How much of the gateway's answer goes into an error message.
    static constexpr qsizetype MaxMessageBytes = 1024;

    PushRequest(Operation operation, QObject *parent);
    ~PushRequest() override;

    Operation operation() const { return m_operation; }
    // The HTTP method of operation: PUT, POST or DELETE.
    static QByteArray verb(Operation operation);

    // Sends the operation to url with body (ignored for Delete).
    void send(QNetworkAccessManager *network, const QUrl &url, const QByteArray &body,
              const PushSettings &settings);
    // Ends the request unsent, as a network failure would end it.
    void fail(Error error, const QString &message);

Q_SIGNALS:
    void finished(const QtPrometheusPrivate::PushVerdict &verdict);

private:
    void onReadyRead();
    void onReplyFinished(QNetworkReply *reply);
    void onTimeout();
    PushVerdict judge(QNetworkReply *reply) const;

    Operation m_operation;
    QUrl m_url;
    int m_timeoutMs = 0;
    QPointer<QNetworkReply> m_reply;
    QByteArray m_answer; // the first MaxMessageBytes of the gateway's answer
    QString m_sslErrors;
    bool m_timedOut = false;
    QTimer m_timeoutTimer;
};

} // namespace QtPrometheusPrivate

#endif // PUSHREQUEST_P_H
