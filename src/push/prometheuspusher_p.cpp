// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// PrometheusPusherPrivate: the queue of operations, what a push sends and the
// push on quit. The public API and its documentation are in prometheuspusher.cpp;
// one request's life is PushRequest's.

#include "push/prometheuspusher_p.h"

#include "exposition/collection_p.h"
#include "exposition/textwriter_p.h"
#include "logging_p.h"
#include "push/pushgatewayurl_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qloggingcategory.h>

#include <prometheus/collectable.h>
#include <prometheus/registry.h>

#include <utility>

using namespace QtPrometheusPrivate;

PrometheusPusherPrivate::PrometheusPusherPrivate(PrometheusPusher *q,
                                                 std::shared_ptr<prometheus::Registry> registry)
    : q_ptr(q), registry(registry ? std::move(registry) : std::make_shared<prometheus::Registry>())
{ }

PrometheusPusherPrivate::~PrometheusPusherPrivate() = default;

void PrometheusPusherPrivate::request(Operation operation)
{
    if (!busy) {
        send(operation);
        return;
    }
    if (!queue.empty() && queue.back() == operation) {
        qCDebug(lcPusher) << "merging" << operation << "into the one already waiting";
        return;
    }
    queue.push_back(operation);
}

void PrometheusPusherPrivate::onIntervalTimeout()
{
    // A push still on the wire is not duplicated: the next tick sends fresh values.
    if (busy) {
        qCDebug(lcPusher) << "skipping a periodic push: the previous request is still running";
        return;
    }
    request(periodicOperation);
}

void PrometheusPusherPrivate::send(Operation operation)
{
    Q_Q(PrometheusPusher);
    busy = true;
    QPointer<PrometheusPusher> guard(q);
    setPushing(true);
    if (!guard)
        return; // a slot on pushingChanged() destroyed the pusher

    auto *request = new PushRequest(operation, q);
    active = request;
    QObject::connect(request, &PushRequest::finished, q,
                     [this, request](const PushVerdict &verdict) { onFinished(request, verdict); });
    QString message;
    const QUrl url = PushgatewayUrl::groupUrl(gatewayUrl, job, groupingLabels, &message);
    if (url.isEmpty()) {
        request->fail(Error::InvalidConfigurationError,
                      QStringLiteral("cannot %1: %2")
                          .arg(QString::fromLatin1(PushRequest::verb(operation)), message));
        return;
    }
    QByteArray body;
    if (operation != Operation::Delete && !collect(&body, &message)) {
        request->fail(Error::CollectError, message);
        return;
    }
    PushSettings settings;
    settings.authorization = authorization;
#if QT_CONFIG(ssl)
    settings.sslConfiguration = sslConfiguration;
#endif
    settings.timeoutMs = timeoutMs;
    request->send(network, url, body, settings);
}

bool PrometheusPusherPrivate::collect(QByteArray *body, QString *message) const
{
    // A collectable is user code: whatever it throws fails this push with a
    // message instead of crossing into Qt's event loop.
    std::vector<std::weak_ptr<prometheus::Collectable>> all;
    all.reserve(collectables.size() + 1);
    all.push_back(registry);
    all.insert(all.end(), collectables.cbegin(), collectables.cend());
    const Collection collection = collectMetrics(all);
    if (collection.failed()) {
        *message = collection.error;
        return false;
    }
    *body = serialize(collection.families);
    return true;
}

// The scrape's writer: a push carries the bytes a text 0.0.4 scrape of the
// same families would serve.
QByteArray PrometheusPusherPrivate::serialize(const std::vector<prometheus::MetricFamily> &families)
{
    QByteArray out;
    const Exposition::WriteResult result = Exposition::writeText004(families, out);
    for (const std::string &dropped : result.droppedFamilies) {
        qCWarning(lcPusher, "family %s left out: its name is taken by a family of another type",
                  dropped.c_str());
    }
    return out;
}

void PrometheusPusherPrivate::onFinished(PushRequest *request, const PushVerdict &verdict)
{
    Q_ASSERT(request == active);
    active = nullptr;
    request->deleteLater(); // it is emitting
    complete(request->operation(), verdict.error, verdict.message);
}

void PrometheusPusherPrivate::complete(Operation operation, Error newError, const QString &message)
{
    Q_Q(PrometheusPusher);
    // Still busy while the signal is out, so that what a slot asks for queues up
    // behind the operations that were already waiting.
    error = newError;
    errorString = message;
    QPointer<PrometheusPusher> guard(q);
    if (newError == Error::NoError) {
        qCDebug(lcPusher) << operation << "succeeded";
        Q_EMIT q->pushSucceeded(operation);
    } else {
        qCWarning(lcPusher).noquote() << message;
        Q_EMIT q->pushFailed(operation, newError, message);
        if (guard)
            Q_EMIT q->errorOccurred(newError);
    }
    if (!guard)
        return; // a slot destroyed the pusher
    busy = false;
    if (!queue.empty()) {
        const Operation next = queue.front();
        queue.pop_front();
        send(next);
        return;
    }
    setPushing(false);
}

void PrometheusPusherPrivate::setError(Error newError, const QString &message)
{
    Q_Q(PrometheusPusher);
    error = newError;
    errorString = message;
    // Reported through errorString() and errorOccurred(), as the exporter does;
    // only a debug line here, so that an application does not print it twice.
    qCDebug(lcPusher).noquote() << message;
    Q_EMIT q->errorOccurred(newError);
}

void PrometheusPusherPrivate::setPushing(bool value)
{
    Q_Q(PrometheusPusher);
    if (pushing == value)
        return;
    pushing = value;
    Q_EMIT q->pushingChanged(value);
}

void PrometheusPusherPrivate::connectAboutToQuit()
{
    Q_Q(PrometheusPusher);
    if (quitConnection || !pushOnQuit)
        return;
    if (auto *app = QCoreApplication::instance()) {
        quitConnection
            = QObject::connect(app, &QCoreApplication::aboutToQuit, q, [this] { onAboutToQuit(); });
    }
}

void PrometheusPusherPrivate::onAboutToQuit()
{
    Q_Q(PrometheusPusher);
    if (!pushOnQuit)
        return;
    QPointer<PrometheusPusher> guard(q);
    q->stop();
    if (!guard)
        return;
    request(periodicOperation);
    if (!guard || !pushing)
        return;

    // The application's event loop has ended, so nothing would ever deliver the
    // answer: a local loop runs until this and every request before it is done.
    // Each request is bounded by the timeout, so quitting is delayed by at most
    // that much per request; the timer below only guards against the unforeseen.
    QEventLoop loop;
    QObject::connect(q, &PrometheusPusher::pushingChanged, &loop, [&loop](bool stillPushing) {
        if (!stillPushing)
            loop.quit();
    });
    QTimer bound;
    bound.setSingleShot(true);
    QObject::connect(&bound, &QTimer::timeout, &loop, &QEventLoop::quit);
    bound.start(qint64(timeoutMs) * qint64(queue.size() + 1) + 1000);
    qCDebug(lcPusher) << "waiting for the final push before quitting";
    loop.exec(QEventLoop::ExcludeUserInputEvents);
}

void PrometheusPusherPrivate::emitGroupUrlIfChanged()
{
    Q_Q(PrometheusPusher);
    const QUrl url = q->groupUrl();
    if (url == lastGroupUrl)
        return;
    lastGroupUrl = url;
    Q_EMIT q->groupUrlChanged(url);
}
