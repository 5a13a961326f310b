// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// HTTP basic authentication as a unit: parsing the Authorization header
// (RFC 7617), the constant-time comparison, and BasicAuth with credentials,
// with a handler, and switched off.

#include <QtTest/qtest.h>

#include "http/basicauth_p.h"

using namespace QtPrometheusPrivate;

namespace {
QByteArray basic(QByteArrayView userColonPassword)
{
    return "Basic " + userColonPassword.toByteArray().toBase64();
}

// Header shapes that never parse, so a handler must never see them.
const QList<QByteArray> mangledHeaders = {
    QByteArray(),
    QByteArray("Basic"),
    QByteArray("Bearer dXNlcjpwYXNz"),
    QByteArray("Basic dXNl*jpwYXNz"),
    QByteArray("Basic dXNlcnBhc3M="), // "userpass": no colon
    "Basic " + QByteArray(MaxAuthorizationLength, 'A'),
};
} // namespace

class tst_BasicAuth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void lengthLimit();
    void constantTimeEquals_data();
    void constantTimeEquals();
    void disabledByDefault();
    void credentials_data();
    void credentials();
    void acceptedHeadersAreRemembered();
    void newCredentialsForgetAcceptedHeaders();
    void emptyCredentials();
    void handler();
    void handlerNotCalledForMangledHeaders();
    void clearTurnsItOff();
    void setCredentialsReplacesHandler();
    void setHandlerReplacesCredentials();
    void emptyHandlerTurnsItOff();
};

void tst_BasicAuth::parse_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");

    const QString none;
    const QString user = QStringLiteral("user");
    const QString pass = QStringLiteral("pass");

    // RFC 7617 §2 and §2.1's own examples.
    QTest::newRow("rfc example") << QByteArray("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==") << true
                                 << QStringLiteral("Aladdin") << QStringLiteral("open sesame");
    QTest::newRow("rfc utf-8 example") << QByteArray("Basic dGVzdDoxMjPCow==") << true
                                       << QStringLiteral("test") << QStringLiteral("123£");

    // The scheme is case-insensitive (RFC 9110 §11.1).
    QTest::newRow("lower-case scheme") << QByteArray("basic dXNlcjpwYXNz") << true << user << pass;
    QTest::newRow("upper-case scheme") << QByteArray("BASIC dXNlcjpwYXNz") << true << user << pass;
    QTest::newRow("mixed-case scheme") << QByteArray("bAsIc dXNlcjpwYXNz") << true << user << pass;
    QTest::newRow("other scheme") << QByteArray("Bearer dXNlcjpwYXNz") << false << none << none;
    QTest::newRow("longer scheme") << QByteArray("Basicx dXNlcjpwYXNz") << false << none << none;
    QTest::newRow("shorter scheme") << QByteArray("Basi dXNlcjpwYXNz") << false << none << none;
    QTest::newRow("no scheme") << QByteArray("dXNlcjpwYXNz") << false << none << none;

    QTest::newRow("whitespace around")
        << QByteArray(" \tBasic dXNlcjpwYXNz \t") << true << user << pass;
    QTest::newRow("spaces after scheme")
        << QByteArray("Basic    dXNlcjpwYXNz") << true << user << pass;
    // RFC 9110 §11.4: the scheme and the token are separated by spaces only.
    QTest::newRow("tab after scheme") << QByteArray("Basic\tdXNlcjpwYXNz") << false << none << none;
    QTest::newRow("space inside token")
        << QByteArray("Basic dXNl cjpwYXNz") << false << none << none;
    QTest::newRow("two tokens") << QByteArray("Basic dXNlcjpwYXNz dXNlcjpwYXNz") << false << none
                                << none;

    QTest::newRow("empty") << QByteArray() << false << none << none;
    QTest::newRow("blank") << QByteArray("   ") << false << none << none;
    QTest::newRow("scheme alone") << QByteArray("Basic") << false << none << none;
    QTest::newRow("scheme and spaces") << QByteArray("Basic   ") << false << none << none;

    // Qt's decoder takes a token without its padding, not one with part of it.
    QTest::newRow("padding omitted") << QByteArray("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ") << true
                                     << QStringLiteral("Aladdin") << QStringLiteral("open sesame");
    QTest::newRow("padding cut short")
        << QByteArray("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=") << false << none << none;
    QTest::newRow("padding not due") << QByteArray("Basic dXNlcjpwYXNz=") << false << none << none;
    QTest::newRow("padding inside") << QByteArray("Basic Og==Og==") << false << none << none;
    QTest::newRow("invalid character") << QByteArray("Basic dXNl*jpwYXNz") << false << none << none;
    QTest::newRow("base64url alphabet") << QByteArray("Basic dXNlcjr_") << false << none << none;

    QTest::newRow("no colon") << basic("userpass") << false << none << none;
    QTest::newRow("colon in password")
        << basic("user:pa:ss") << true << user << QStringLiteral("pa:ss");
    QTest::newRow("password only colons")
        << basic("user:::") << true << user << QStringLiteral("::");
    QTest::newRow("empty user") << basic(":pass") << true << QString() << pass;
    QTest::newRow("empty password") << basic("user:") << true << user << QString();
    QTest::newRow("both empty") << QByteArray("Basic Og==") << true << QString() << QString();
    QTest::newRow("spaces kept") << basic(" user : pass ") << true << QStringLiteral(" user ")
                                 << QStringLiteral(" pass ");
    QTest::newRow("nul in password") << basic(QByteArrayView("user:pa\0ss", 10)) << true << user
                                     << QString::fromUtf8("pa\0ss", 5);
    QTest::newRow("utf-8") << basic("jürgen:pässwört") << true << QStringLiteral("jürgen")
                           << QStringLiteral("pässwört");
    // Latin-1 is not UTF-8: each such byte decodes to U+FFFD.
    QTest::newRow("latin-1") << QByteArray("Basic avxyZ2VuOnDkc3N39nJ0") << true
                             << QStringLiteral("j\uFFFDrgen")
                             << QStringLiteral("p\uFFFDssw\uFFFDrt");
    QTest::newRow("invalid utf-8")
        << QByteArray("Basic dXNlcjr/") << true << user << QStringLiteral("\uFFFD");
}

void tst_BasicAuth::parse()
{
    QFETCH(QByteArray, header);
    QFETCH(bool, valid);
    QFETCH(QString, user);
    QFETCH(QString, password);

    const auto parsed = parseBasicAuthorization(header);
    QCOMPARE(parsed.has_value(), valid);
    if (valid) {
        QCOMPARE(parsed->first, user);
        QCOMPARE(parsed->second, password);
    }
}

void tst_BasicAuth::lengthLimit()
{
    // 762 bytes of "user:ppp…" are 1016 base64 characters: with "Basic " 1022.
    const QByteArray password(757, 'p');
    const QByteArray header = basic("user:" + password);
    QCOMPARE(header.size(), 1022);
    QCOMPARE(MaxAuthorizationLength, 1024);

    const auto fits = parseBasicAuthorization(header + "  ");
    QVERIFY(fits);
    QCOMPARE(fits->first, QStringLiteral("user"));
    QCOMPARE(fits->second, QString::fromLatin1(password));

    // The limit is on the header as sent, whitespace and all.
    QVERIFY(!parseBasicAuthorization(header + "   "));
    QVERIFY(!parseBasicAuthorization(basic("user:" + password + 'p')));
    QVERIFY(!parseBasicAuthorization(basic("user:" + QByteArray(100000, 'p'))));

    // And so BasicAuth refuses right credentials in an over-long header.
    BasicAuth auth;
    auth.setCredentials(QStringLiteral("user"), QString::fromLatin1(password));
    QVERIFY(auth.check(header + "  "));
    QVERIFY(!auth.check(header + "   "));
}

void tst_BasicAuth::constantTimeEquals_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");

    QTest::newRow("equal") << QByteArray("secret") << QByteArray("secret") << true;
    QTest::newRow("both empty") << QByteArray() << QByteArray() << true;
    QTest::newRow("null and empty") << QByteArray() << QByteArray("") << true;
    QTest::newRow("first byte differs") << QByteArray("secret") << QByteArray("Secret") << false;
    QTest::newRow("last byte differs") << QByteArray("secret") << QByteArray("secreT") << false;
    QTest::newRow("one bit differs") << QByteArray("\x01", 1) << QByteArray("\x03", 1) << false;
    QTest::newRow("high bit differs") << QByteArray("\x80", 1) << QByteArray("\x00", 1) << false;
    QTest::newRow("prefix") << QByteArray("secret") << QByteArray("secre") << false;
    QTest::newRow("longer") << QByteArray("secret") << QByteArray("secrets") << false;
    QTest::newRow("nul appended") << QByteArray("secret") << QByteArray("secret\0", 7) << false;
    QTest::newRow("empty and not") << QByteArray() << QByteArray("x") << false;
    QTest::newRow("equal binary") << QByteArray(32, '\xff') << QByteArray(32, '\xff') << true;
}

void tst_BasicAuth::constantTimeEquals()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    QCOMPARE(QtPrometheusPrivate::constantTimeEquals(a, b), equal);
    QCOMPARE(QtPrometheusPrivate::constantTimeEquals(b, a), equal);
}

void tst_BasicAuth::disabledByDefault()
{
    // Off, check() lets every request through, with or without a header.
    BasicAuth auth;
    QVERIFY(!auth.isEnabled());
    QVERIFY(auth.check(QByteArray()));
    QVERIFY(auth.check(basic("user:pass")));
    for (const QByteArray &header : mangledHeaders)
        QVERIFY(auth.check(header));
}

void tst_BasicAuth::credentials_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<bool>("accepted");

    // The credentials set are "user" / "pa:ss".
    QTest::newRow("right") << basic("user:pa:ss") << true;
    QTest::newRow("right, lower-case scheme") << QByteArray("basic dXNlcjpwYTpzcw==") << true;
    QTest::newRow("right, whitespace around") << QByteArray("  Basic   dXNlcjpwYTpzcw==  ") << true;
    QTest::newRow("right, padding omitted") << QByteArray("Basic dXNlcjpwYTpzcw") << true;
    QTest::newRow("wrong user") << basic("usr:pa:ss") << false;
    QTest::newRow("user in another case") << basic("User:pa:ss") << false;
    QTest::newRow("wrong password") << basic("user:pa:sS") << false;
    QTest::newRow("password cut at its colon") << basic("user:pa") << false;
    QTest::newRow("password prefix") << basic("user:pa:s") << false;
    QTest::newRow("password with a space") << basic("user:pa:ss ") << false;
    // HMAC pads short keys with zero bytes; the derivation must not let that show.
    QTest::newRow("password with a nul") << basic(QByteArrayView("user:pa:ss\0", 11)) << false;
    QTest::newRow("user and password swapped") << basic("pa:ss:user") << false;
    QTest::newRow("user only") << basic("user:") << false;
    QTest::newRow("empty user and password") << basic(":") << false;
    QTest::newRow("no header") << QByteArray() << false;
    QTest::newRow("scheme alone") << QByteArray("Basic") << false;
    QTest::newRow("other scheme") << QByteArray("Bearer dXNlcjpwYTpzcw==") << false;
    QTest::newRow("raw credentials") << QByteArray("Basic user:pa:ss") << false;
    QTest::newRow("no colon") << basic("userpa") << false;
}

void tst_BasicAuth::credentials()
{
    QFETCH(QByteArray, header);
    QFETCH(bool, accepted);

    BasicAuth auth;
    auth.setCredentials(QStringLiteral("user"), QStringLiteral("pa:ss"));
    QVERIFY(auth.isEnabled());
    QCOMPARE(auth.check(header), accepted);
    // A second look (from the cache for a header that passed) agrees.
    QCOMPARE(auth.check(header), accepted);
}

void tst_BasicAuth::acceptedHeadersAreRemembered()
{
    BasicAuth auth;
    auth.setCredentials(QStringLiteral("user"), QStringLiteral("pass"));
    const QByteArray right = basic("user:pass");
    const QByteArray wrong = basic("user:pasS");

    QVERIFY(!auth.check(wrong));
    QVERIFY(auth.check(right));
    QVERIFY(auth.check(right));
    // Having accepted a header does not let a wrong one through.
    QVERIFY(!auth.check(wrong));
    QVERIFY(!auth.check(QByteArray()));
    QVERIFY(auth.check(right));

    // More distinct right headers than are remembered (16): every one passes,
    // including those pushed out of the cache, and a wrong one still fails.
    QList<QByteArray> headers;
    for (int spaces = 1; spaces <= 20; ++spaces)
        headers.append("Basic" + QByteArray(spaces, ' ') + "dXNlcjpwYXNz");
    for (int round = 0; round < 2; ++round) {
        for (const QByteArray &header : std::as_const(headers))
            QVERIFY2(auth.check(header), header.constData());
    }
    QVERIFY(!auth.check(wrong));
    QVERIFY(auth.check(right));
}

void tst_BasicAuth::newCredentialsForgetAcceptedHeaders()
{
    BasicAuth auth;
    auth.setCredentials(QStringLiteral("user"), QStringLiteral("old"));
    const QByteArray oldHeader = basic("user:old");
    const QByteArray newHeader = basic("user:new");
    QVERIFY(auth.check(oldHeader));
    QVERIFY(auth.check(oldHeader));

    auth.setCredentials(QStringLiteral("user"), QStringLiteral("new"));
    QVERIFY(!auth.check(oldHeader));
    QVERIFY(auth.check(newHeader));
    QVERIFY(!auth.check(oldHeader));

    // Setting the same credentials again keeps accepting them.
    auth.setCredentials(QStringLiteral("user"), QStringLiteral("new"));
    QVERIFY(auth.check(newHeader));
}

void tst_BasicAuth::emptyCredentials()
{
    // Empty user and password are credentials like any other: required, not off.
    BasicAuth auth;
    auth.setCredentials(QString(), QString());
    QVERIFY(auth.isEnabled());
    QVERIFY(auth.check("Basic Og=="));
    QVERIFY(!auth.check(QByteArray()));
    QVERIFY(!auth.check(basic("user:")));
    QVERIFY(!auth.check(basic(":pass")));

    auth.setCredentials(QStringLiteral("user"), QString());
    QVERIFY(auth.check(basic("user:")));
    QVERIFY(!auth.check(basic("user: ")));
    QVERIFY(!auth.check("Basic Og=="));

    auth.setCredentials(QString(), QStringLiteral("pass"));
    QVERIFY(auth.check(basic(":pass")));
    QVERIFY(!auth.check(basic("pass:")));
}

void tst_BasicAuth::handler()
{
    BasicAuth auth;
    int calls = 0;
    QString seenUser;
    QString seenPassword;
    auth.setHandler([&](const QString &user, const QString &password) {
        ++calls;
        seenUser = user;
        seenPassword = password;
        return user == QStringLiteral("jürgen") && password == QStringLiteral("pa:ß");
    });
    QVERIFY(auth.isEnabled());

    QVERIFY(auth.check(basic("jürgen:pa:ß")));
    QCOMPARE(calls, 1);
    QCOMPARE(seenUser, QStringLiteral("jürgen"));
    QCOMPARE(seenPassword, QStringLiteral("pa:ß"));

    QVERIFY(!auth.check(basic("jürgen:wrong")));
    QCOMPARE(calls, 2);
    QCOMPARE(seenUser, QStringLiteral("jürgen"));
    QCOMPARE(seenPassword, QStringLiteral("wrong"));

    // Nothing is remembered for a handler: it decides every time.
    QVERIFY(auth.check(basic("jürgen:pa:ß")));
    QVERIFY(auth.check(basic("jürgen:pa:ß")));
    QCOMPARE(calls, 4);

    QVERIFY(!auth.check("Basic Og=="));
    QCOMPARE(calls, 5);
    QCOMPARE(seenUser, QString());
    QCOMPARE(seenPassword, QString());
}

void tst_BasicAuth::handlerNotCalledForMangledHeaders()
{
    BasicAuth auth;
    int calls = 0;
    auth.setHandler([&](const QString &, const QString &) {
        ++calls;
        return true;
    });
    for (const QByteArray &header : mangledHeaders)
        QVERIFY2(!auth.check(header), header.left(40).constData());
    QCOMPARE(calls, 0);
    QVERIFY(auth.check(basic("anyone:anything")));
    QCOMPARE(calls, 1);
}

void tst_BasicAuth::clearTurnsItOff()
{
    BasicAuth auth;
    auth.setCredentials(QStringLiteral("user"), QStringLiteral("pass"));
    QVERIFY(auth.check(basic("user:pass")));
    QVERIFY(!auth.check(QByteArray()));

    auth.clear();
    QVERIFY(!auth.isEnabled());
    QVERIFY(auth.check(QByteArray()));
    QVERIFY(auth.check(basic("user:wrong")));

    int calls = 0;
    auth.setHandler([&](const QString &, const QString &) {
        ++calls;
        return false;
    });
    QVERIFY(!auth.check(basic("user:pass")));
    QCOMPARE(calls, 1);
    auth.clear();
    QVERIFY(!auth.isEnabled());
    QVERIFY(auth.check(basic("user:pass")));
    QCOMPARE(calls, 1);

    // Credentials set after clear() are required again.
    auth.setCredentials(QStringLiteral("user"), QStringLiteral("pass"));
    QVERIFY(!auth.check(basic("user:wrong")));
    QVERIFY(auth.check(basic("user:pass")));
}

void tst_BasicAuth::setCredentialsReplacesHandler()
{
    BasicAuth auth;
    int calls = 0;
    auth.setHandler([&](const QString &, const QString &) {
        ++calls;
        return true;
    });
    QVERIFY(auth.check(basic("other:other")));
    QCOMPARE(calls, 1);

    auth.setCredentials(QStringLiteral("user"), QStringLiteral("pass"));
    QVERIFY(auth.isEnabled());
    QVERIFY(!auth.check(basic("other:other")));
    QVERIFY(auth.check(basic("user:pass")));
    QCOMPARE(calls, 1);
}

void tst_BasicAuth::setHandlerReplacesCredentials()
{
    BasicAuth auth;
    auth.setCredentials(QStringLiteral("user"), QStringLiteral("pass"));
    const QByteArray right = basic("user:pass");
    QVERIFY(auth.check(right)); // now remembered

    int calls = 0;
    auth.setHandler([&](const QString &, const QString &) {
        ++calls;
        return false;
    });
    // Neither the credentials nor the headers they accepted count any more.
    QVERIFY(!auth.check(right));
    QCOMPARE(calls, 1);
}

void tst_BasicAuth::emptyHandlerTurnsItOff()
{
    BasicAuth auth;
    auth.setCredentials(QStringLiteral("user"), QStringLiteral("pass"));
    auth.setHandler(BasicAuth::Handler());
    QVERIFY(!auth.isEnabled());
    QVERIFY(auth.check(QByteArray()));
    QVERIFY(auth.check(basic("user:wrong")));
}

QTEST_GUILESS_MAIN(tst_BasicAuth)

#include "tst_basicauth.moc"
