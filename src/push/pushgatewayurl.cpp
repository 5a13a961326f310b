// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "push/pushgatewayurl_p.h"

namespace QtPrometheusPrivate {

namespace {
bool isNameStart(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || u == u'_';
}

bool isNameChar(QChar c)
{
    return isNameStart(c) || (c.unicode() >= u'0' && c.unicode() <= u'9');
}

// A value the gateway would not read back as it was written if it stood as a
// plain segment: '/' splits it (even as %2F, which is decoded before routing),
// an empty segment vanishes when the path is cleaned, and "." or ".." are
// resolved away by clients and servers alike.
bool needsBase64(const QString &value)
{
    return value.isEmpty() || value.contains(QLatin1Char('/')) || value == QLatin1String(".")
        || value == QLatin1String("..");
}
} // namespace

namespace PushgatewayUrl {

bool isValidLabelName(QStringView name, QString *error)
{
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (name.isEmpty())
        return fail(QStringLiteral("grouping label name is empty"));
    bool valid = isNameStart(name.front());
    for (const QChar c : name)
        valid = valid && isNameChar(c);
    if (!valid) {
        return fail(QStringLiteral("invalid grouping label name \"%1\": use letters, digits and "
                                   "'_', not starting with a digit")
                        .arg(name));
    }
    if (name.startsWith(QLatin1String("__")))
        return fail(
            QStringLiteral("grouping label name \"%1\" is reserved (\"__\" prefix)").arg(name));
    if (name == QLatin1String("job"))
        return fail(QStringLiteral("\"job\" cannot be a grouping label: set the job name instead"));
    return true;
}

QByteArray encodePair(QByteArrayView name, const QString &value)
{
    QByteArray out(name.data(), name.size());
    if (!needsBase64(value))
        return out + '/' + QUrl::toPercentEncoding(value);
    out += "@base64/";
    if (value.isEmpty()) {
        // The empty string encodes to nothing, which is no segment at all; the
        // README asks for a single padding character instead.
        out += '=';
    } else {
        out += value.toUtf8().toBase64(QByteArray::Base64UrlEncoding
                                       | QByteArray::OmitTrailingEquals);
    }
    return out;
}

QByteArray groupPath(const QString &job, const QMap<QString, QString> &labels, QString *error)
{
    if (job.isEmpty()) {
        *error = QStringLiteral("the job name is empty");
        return QByteArray();
    }
    QByteArray path = "/metrics/" + encodePair("job", job);
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        if (!isValidLabelName(it.key(), error))
            return QByteArray();
        path += '/' + encodePair(it.key().toLatin1(), it.value());
    }
    return path;
}

QUrl groupUrl(const QUrl &gateway, const QString &job, const QMap<QString, QString> &labels,
              QString *error)
{
    const QString shown = gateway.toDisplayString(QUrl::RemoveUserInfo);
    if (gateway.isEmpty()) {
        *error = QStringLiteral("no Pushgateway URL set");
        return QUrl();
    }
    const QString scheme = gateway.scheme();
    if (!gateway.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        || gateway.host().isEmpty()) {
        *error = QStringLiteral("invalid Pushgateway URL \"%1\": expected http://HOST:PORT or "
                                "https://HOST:PORT, optionally with a path prefix")
                     .arg(shown);
        return QUrl();
    }
    const QByteArray path = groupPath(job, labels, error);
    if (path.isEmpty())
        return QUrl();

    // The gateway may sit behind a path prefix (a reverse proxy); keep it,
    // without its trailing slashes, and drop any query or fragment.
    QString prefix = gateway.path(QUrl::FullyEncoded);
    while (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    QUrl url = gateway.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment);
    url.setPath(prefix + QString::fromLatin1(path), QUrl::StrictMode);
    if (!url.isValid()) {
        *error = QStringLiteral("invalid Pushgateway URL \"%1\": %2").arg(shown, url.errorString());
        return QUrl();
    }
    return url;
}

} // namespace PushgatewayUrl

} // namespace QtPrometheusPrivate
