// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// parseScrapeTimeoutHeader() and headerHasToken() on any header value.
// - a timeout, when there is one, lies in [0, 1 day] and came from a value
//   that strtod reads whole as a positive number of seconds;
// - headerHasToken() finds a token only where the value contains it, and
//   always finds a token that was appended as one more element.

#include "fuzzcheck.h"
#include "http/httprequest_p.h"

#include <cmath>
#include <string>

using namespace QtPrometheusPrivate;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray value = FuzzInput::bytes(data, size);

    if (const auto timeout = parseScrapeTimeoutHeader(value)) {
        FUZZ_CHECK(timeout->count() >= 0);
        FUZZ_CHECK(timeout->count() <= 86400 * 1000);
        const std::string trimmed = value.trimmed().toStdString();
        FUZZ_CHECK(!trimmed.empty() && trimmed.size() <= 32);
        char *end = nullptr;
        const double seconds = std::strtod(trimmed.c_str(), &end);
        FUZZ_CHECK(end == trimmed.c_str() + trimmed.size());
        FUZZ_CHECK(std::isfinite(seconds) && seconds > 0 && seconds <= 86400);
    }

    // The first byte picks a token among the ones the exporter looks for.
    static const QByteArray tokens[] = {"close", "keep-alive", "gzip", "Upgrade"};
    const QByteArray &token = tokens[size > 0 ? data[0] % 4 : 0];
    if (headerHasToken(value, token))
        FUZZ_CHECK(value.toLower().contains(token.toLower()));
    if (size <= 4096) {
        FUZZ_CHECK(headerHasToken(value + ", " + token.toUpper(), token));
        FUZZ_CHECK(headerHasToken(" " + token + " ," + value, token));
    }
    return 0;
}
