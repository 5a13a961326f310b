// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "push/pushrequest_p.h"

#include "exposition/contentnegotiation_p.h"
#include "logging_p.h"

#include <QtCore/qloggingcategory.h>
#include <QtNetwork/qnetworkaccessmanager.h>
#include <QtNetwork/qnetworkreply.h>
#include <QtNetwork/qnetworkrequest.h>
#if QT_CONFIG(ssl)
#include <QtNetwork/qsslerror.h>
#endif

namespace QtPrometheusPrivate {

namespace {
// The gateway's answer as one line of text: it goes into an error message.
QString oneLine(const QByteArray &bytes)
{
    QString text = QString::fromUtf8(bytes).trimmed();
    for (QChar &c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            c = QLatin1Char(' ');
    }
    return text;
}
} // namespace

PushRequest::PushRequest(Operation operation, QObject *parent)
    : QObject(parent), m_operation(operation), m_timeoutTimer(this)
{
    m_timeoutTimer.setSingleShot(true);
    connect(&m_timeoutTimer, &QTimer::timeout, this, &PushRequest::onTimeout);
}

PushRequest::~PushRequest()
{
    if (QNetworkReply *reply = m_reply.data()) {
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        delete reply;
    }
}

QByteArray PushRequest::verb(Operation operation)
{
    switch (operation) {
    case Operation::Push:
        return QByteArrayLiteral("PUT");
    case Operation::PushAdd:
        return QByteArrayLiteral("POST");
    case Operation::Delete:
        break;
    }
    return QByteArrayLiteral("DELETE");
}

void PushRequest::send(QNetworkAccessManager *network, const QUrl &url, const QByteArray &body,
                       const PushSettings &settings)
{
    Q_ASSERT(!m_reply);
    m_url = url;
    m_timeoutMs = settings.timeoutMs;

    QNetworkRequest request(url);
    // A redirect would turn a PUT into a GET and could carry the credentials
    // elsewhere; a gateway that redirects is reported instead.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("QtPrometheusExporter"));
    // HTTP/1.1 only: one request at a time gains nothing from HTTP/2, and Qt 6.4's
    // HTTP/2 client crashes now and then in its network thread when a gateway
    // answers 401 (seen in tst_prometheuspusher, about one run in fifteen).
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (!settings.authorization.isEmpty())
        request.setRawHeader(QByteArrayLiteral("Authorization"), settings.authorization);
#if QT_CONFIG(ssl)
    if (settings.sslConfiguration && url.scheme() == QLatin1String("https"))
        request.setSslConfiguration(*settings.sslConfiguration);
#endif

    QNetworkReply *reply = nullptr;
    switch (m_operation) {
    case Operation::Push:
        // The scrape's Content-Type: the body is what a text 0.0.4 scrape serves.
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentTypeFor(ResponseFormat()));
        reply = network->put(request, body);
        break;
    case Operation::PushAdd:
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentTypeFor(ResponseFormat()));
        reply = network->post(request, body);
        break;
    case Operation::Delete:
        reply = network->deleteResource(request);
        break;
    }
    m_reply = reply;
    connect(reply, &QNetworkReply::readyRead, this, &PushRequest::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onReplyFinished(reply); });
#if QT_CONFIG(ssl)
    connect(reply, &QNetworkReply::sslErrors, this, [this](const QList<QSslError> &errors) {
        QStringList texts;
        for (const QSslError &e : errors)
            texts.append(e.errorString());
        m_sslErrors = texts.join(QLatin1String("; "));
    });
#endif
    m_timeoutTimer.start(m_timeoutMs);
    qCDebug(lcPusher).noquote() << verb(m_operation) << url.toDisplayString() << body.size()
                                << "bytes";
}

void PushRequest::fail(Error error, const QString &message)
{
    Q_ASSERT(!m_reply);
    // Reported from the event loop, as a network failure would be: a slot never
    // runs inside the push() call that caused it.
    QMetaObject::invokeMethod(
        this, [this, verdict = PushVerdict {error, message}] { Q_EMIT finished(verdict); },
        Qt::QueuedConnection);
}

void PushRequest::onReadyRead()
{
    if (!m_reply)
        return;
    // Keep the start of the answer for the error message and drop the rest, so
    // a gateway that talks too much cannot fill the memory.
    while (m_reply->bytesAvailable() > 0) {
        const QByteArray chunk = m_reply->read(64 * 1024);
        if (chunk.isEmpty())
            break;
        if (m_answer.size() < MaxMessageBytes)
            m_answer.append(chunk.left(MaxMessageBytes - m_answer.size()));
    }
}

void PushRequest::onTimeout()
{
    if (!m_reply)
        return;
    m_timedOut = true;
    // abort() emits finished() from inside itself and goes on using the reply
    // afterwards: no slot of ours, nor the application's (which may delete the
    // pusher and with it the network manager), may run in there.
    QNetworkReply *reply = m_reply.data();
    m_reply = nullptr;
    reply->disconnect(this);
    reply->abort();
    reply->deleteLater();
    QMetaObject::invokeMethod(
        this, [this, verdict = judge(reply)] { Q_EMIT finished(verdict); }, Qt::QueuedConnection);
}

void PushRequest::onReplyFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    if (reply != m_reply)
        return;
    onReadyRead();
    m_timeoutTimer.stop();
    m_reply = nullptr;
    const PushVerdict verdict = judge(reply);
    // Last: a slot may delete this request.
    Q_EMIT finished(verdict);
}

PushVerdict PushRequest::judge(QNetworkReply *reply) const
{
    const QString what = QString::fromLatin1(verb(m_operation)) + QLatin1Char(' ')
        + m_url.toDisplayString(QUrl::RemoveUserInfo);
    if (m_timedOut) {
        return {Error::TimeoutError,
                QStringLiteral("%1: no answer from the Pushgateway within %2 ms")
                    .arg(what, QString::number(m_timeoutMs))};
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 0 && (status < 200 || status > 299)) {
        const QString reason = QString::fromUtf8(
            reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray());
        QString text = QStringLiteral("%1: the Pushgateway answered HTTP %2")
                           .arg(what, QString::number(status));
        if (!reason.isEmpty())
            text += QLatin1Char(' ') + reason;
        const QString gatewayMessage = oneLine(m_answer);
        if (!gatewayMessage.isEmpty())
            text += QStringLiteral(": ") + gatewayMessage;
        if (status >= 300 && status < 400) {
            text += QStringLiteral(" (redirects are not followed; point the gateway URL at %1)")
                        .arg(QString::fromUtf8(reply->rawHeader("Location")));
        }
        return {Error::HttpError, text};
    }
    if (reply->error() != QNetworkReply::NoError) {
        const bool tls = reply->error() == QNetworkReply::SslHandshakeFailedError;
        QString detail = reply->errorString();
        if (tls && !m_sslErrors.isEmpty())
            detail = m_sslErrors;
        return {tls ? Error::TlsError : Error::ConnectionError,
                QStringLiteral("%1: %2 the Pushgateway: %3")
                    .arg(what,
                         tls ? QStringLiteral("TLS handshake failed with")
                             : QStringLiteral("cannot reach"),
                         detail)};
    }
    return {};
}

} // namespace QtPrometheusPrivate
