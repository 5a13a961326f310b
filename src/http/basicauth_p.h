// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef BASICAUTH_P_H
#define BASICAUTH_P_H

#include <QtCore/qbytearray.h>
#include <QtCore/qlist.h>
#include <QtCore/qstring.h>

#include <functional>
#include <optional>
#include <utility>

namespace QtPrometheusPrivate {

// Longer Authorization headers are refused without being decoded.
inline constexpr qsizetype MaxAuthorizationLength = 1024;

// "Basic <base64 user:password>" (RFC 7617) → user and password; nothing for a
// missing, over-long or mangled header.
std::optional<std::pair<QString, QString>> parseBasicAuthorization(const QByteArray &header);

// Compares without an early exit, so the time taken tells nothing of where
// the first difference is.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

// HTTP basic authentication. Only a salted PBKDF2 hash of "user:password" is
// kept; every check derives the same hash from what the client sent, so an
// unknown user costs exactly what a known one does. Headers that passed are
// remembered by a salted SHA-256, so a scraper's repeated scrapes do not pay
// the key derivation each time.
class BasicAuth
{
public:
    using Handler = std::function<bool(const QString &user, const QString &password)>;

    void setCredentials(const QString &user, const QString &password);
    void setHandler(Handler handler);
    void clear();
    bool isEnabled() const { return !m_hash.isEmpty() || m_handler; }
    // Changes with every setCredentials(), setHandler() and clear(), so that a
    // verdict reached under older settings can be told apart.
    quint64 generation() const { return m_generation; }

    enum class Verdict { Accepted, Rejected, NeedsKeyDerivation };
    // Decides what it can at once: authentication off, a header that passed
    // before, a mangled header, or the handler's verdict. Only an unknown
    // header of well-formed credentials needs the costly key derivation.
    Verdict quickCheck(const QByteArray &authorizationHeader);
    // That derivation as a job that may run on any thread: it owns copies of
    // everything it reads. True when the credentials are right.
    std::function<bool()> derivationJob(const QByteArray &authorizationHeader) const;
    // A header whose derivation passed: later requests with it pass at once.
    void remember(const QByteArray &authorizationHeader);

    // quickCheck(), then the derivation in this thread when it is needed.
    bool check(const QByteArray &authorizationHeader);

private:
    QByteArray fingerprint(const QByteArray &authorizationHeader) const;

    QByteArray m_salt;
    QByteArray m_hash;
    Handler m_handler;
    QList<QByteArray> m_accepted; // salted SHA-256 of headers that passed
    quint64 m_generation = 0;
};

} // namespace QtPrometheusPrivate

#endif // BASICAUTH_P_H
