// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "http/basicauth_p.h"

#include <QtCore/qcryptographichash.h>
#include <QtCore/qrandom.h>
#include <QtNetwork/qpassworddigestor.h>

namespace QtPrometheusPrivate {

namespace {
// Enough to make an offline guess costly (about 7 ms a derivation); it runs off
// the exporter's thread (ScrapeRouter), and a header that passed once is
// remembered, so a scraper pays it once.
constexpr int Pbkdf2Iterations = 4096;
constexpr int HashLength = 32;
constexpr qsizetype MaxRemembered = 16;
} // namespace

std::optional<std::pair<QString, QString>> parseBasicAuthorization(const QByteArray &header)
{
    if (header.size() > MaxAuthorizationLength)
        return std::nullopt;
    const QByteArray trimmed = header.trimmed();
    const qsizetype space = trimmed.indexOf(' ');
    if (space <= 0 || trimmed.left(space).compare("basic", Qt::CaseInsensitive) != 0)
        return std::nullopt;
    const auto result = QByteArray::fromBase64Encoding(trimmed.mid(space + 1).trimmed(),
                                                       QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    const QByteArray &decoded = result.decoded;
    const qsizetype colon = decoded.indexOf(':');
    if (colon < 0)
        return std::nullopt;
    return std::make_pair(QString::fromUtf8(decoded.left(colon)),
                          QString::fromUtf8(decoded.mid(colon + 1)));
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return difference == 0;
}

namespace {
QByteArray derive(const QString &user, const QString &password, const QByteArray &salt)
{
    // PBKDF2 keys HMAC with its password, and HMAC pads short keys with zero
    // bytes: "pw" and "pw\0" would derive the same hash. A fixed-length digest
    // first makes every distinct "user:password" a distinct key.
    const QByteArray digest = QCryptographicHash::hash(
        (user + QLatin1Char(':') + password).toUtf8(), QCryptographicHash::Sha256);
    return QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, digest, salt,
                                              Pbkdf2Iterations, HashLength);
}
} // namespace

void BasicAuth::setCredentials(const QString &user, const QString &password)
{
    clear();
    m_salt.resize(16);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(m_salt.data()), 4);
    m_hash = derive(user, password, m_salt);
}

void BasicAuth::setHandler(Handler handler)
{
    clear();
    m_handler = std::move(handler);
}

void BasicAuth::clear()
{
    ++m_generation;
    m_salt.clear();
    m_hash.clear();
    m_handler = nullptr;
    m_accepted.clear();
}

QByteArray BasicAuth::fingerprint(const QByteArray &authorizationHeader) const
{
    return QCryptographicHash::hash(m_salt + authorizationHeader.trimmed(),
                                    QCryptographicHash::Sha256);
}

BasicAuth::Verdict BasicAuth::quickCheck(const QByteArray &authorizationHeader)
{
    if (!isEnabled())
        return Verdict::Accepted;
    const auto credentials = parseBasicAuthorization(authorizationHeader);
    if (!credentials)
        return Verdict::Rejected;
    if (m_handler) {
        return m_handler(credentials->first, credentials->second) ? Verdict::Accepted
                                                                  : Verdict::Rejected;
    }
    const QByteArray print = fingerprint(authorizationHeader);
    bool remembered = false;
    for (const QByteArray &accepted : std::as_const(m_accepted))
        remembered |= constantTimeEquals(accepted, print);
    return remembered ? Verdict::Accepted : Verdict::NeedsKeyDerivation;
}

std::function<bool()> BasicAuth::derivationJob(const QByteArray &authorizationHeader) const
{
    const auto credentials = parseBasicAuthorization(authorizationHeader);
    if (!credentials || m_hash.isEmpty())
        return [] {
            return false;
        };
    // Deep copies: an implicitly shared QByteArray freed in this thread after the
    // job dropped its reference would be a race to ThreadSanitizer, which cannot
    // see QtCore's (uninstrumented) reference counting.
    QByteArray salt(m_salt.constData(), m_salt.size());
    QByteArray hash(m_hash.constData(), m_hash.size());
    return [user = credentials->first, password = credentials->second, salt = std::move(salt),
            hash = std::move(hash)] {
        return constantTimeEquals(derive(user, password, salt), hash);
    };
}

void BasicAuth::remember(const QByteArray &authorizationHeader)
{
    if (m_accepted.size() >= MaxRemembered)
        m_accepted.removeFirst();
    m_accepted.append(fingerprint(authorizationHeader));
}

bool BasicAuth::check(const QByteArray &authorizationHeader)
{
    switch (quickCheck(authorizationHeader)) {
    case Verdict::Accepted:
        return true;
    case Verdict::Rejected:
        return false;
    case Verdict::NeedsKeyDerivation:
        break;
    }
    if (!derivationJob(authorizationHeader)())
        return false;
    remember(authorizationHeader);
    return true;
}

} // namespace QtPrometheusPrivate
