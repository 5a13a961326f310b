// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// parseBasicAuthorization(), constantTimeEquals() and BasicAuth::check() on
// any Authorization header.
// - headers over MaxAuthorizationLength are refused undecoded;
// - a parsed user holds no ':', and "Basic " + base64(user ":" password)
//   parses back to the same user and password;
// - the scheme is case-insensitive;
// - check() with a handler passes it exactly the parsed pair and answers what
//   it answers; with credentials "user" / "pa:ss" it accepts only headers that
//   parse to them (the key derivation takes ~1 ms, so only parsed headers pay it);
// - constantTimeEquals() is ==.

#include "fuzzcheck.h"
#include "http/basicauth_p.h"

using namespace QtPrometheusPrivate;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray header = FuzzInput::bytes(data, size);
    const auto parsed = parseBasicAuthorization(header);
    if (header.size() > MaxAuthorizationLength)
        FUZZ_CHECK(!parsed);

    if (parsed) {
        const auto &[user, password] = *parsed;
        FUZZ_CHECK(!user.contains(QLatin1Char(':')));
        const QByteArray again
            = "Basic " + (user + QLatin1Char(':') + password).toUtf8().toBase64();
        if (again.size() <= MaxAuthorizationLength)
            FUZZ_CHECK(parseBasicAuthorization(again) == parsed);
        FUZZ_CHECK(parseBasicAuthorization(header.toUpper().left(5) + header.mid(5)) == parsed);
    }

    BasicAuth withHandler;
    std::optional<std::pair<QString, QString>> seen;
    const bool answer = size > 0 && (data[0] & 1);
    withHandler.setHandler([&](const QString &user, const QString &password) {
        seen = std::make_pair(user, password);
        return answer;
    });
    const bool handled = withHandler.check(header);
    FUZZ_CHECK(seen == parsed);
    FUZZ_CHECK(handled == (parsed && answer));

    static BasicAuth *withCredentials = [] {
        auto *auth = new BasicAuth;
        auth->setCredentials(QStringLiteral("user"), QStringLiteral("pa:ss"));
        return auth;
    }();
    const bool accepted = withCredentials->check(header);
    const bool expected = parsed && parsed->first == QLatin1String("user")
        && parsed->second == QLatin1String("pa:ss");
    FUZZ_CHECK(accepted == expected);

    const qsizetype half = header.size() / 2;
    const QByteArray a = header.left(half);
    const QByteArray b = header.mid(half, half);
    FUZZ_CHECK(constantTimeEquals(a, b) == (a == b));
    FUZZ_CHECK(constantTimeEquals(header, header));
    return 0;
}
