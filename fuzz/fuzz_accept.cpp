// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// negotiateFormat() on any Accept header. Besides not crashing:
// - the answer is one of the two formats, with a Content-Type;
// - OpenMetrics only when something could have asked for it (a range naming
//   application/openmetrics-text, or a wildcard);
// - surrounding whitespace and letter case change nothing (media types and
//   parameter names are case-insensitive; the versions we match have no letters);
// - only the first 4 KiB count.

#include "exposition/contentnegotiation_p.h"
#include "fuzzcheck.h"

using namespace QtPrometheusPrivate;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray accept = FuzzInput::bytes(data, size);
    const ExpositionFormat format = negotiateFormat(accept);
    FUZZ_CHECK(format == ExpositionFormat::Text004 || format == ExpositionFormat::OpenMetrics100);
    FUZZ_CHECK(contentTypeFor(format).startsWith(
        format == ExpositionFormat::Text004 ? "text/plain; version=0.0.4"
                                            : "application/openmetrics-text; version=1.0.0"));
    if (format == ExpositionFormat::OpenMetrics100) {
        const QByteArray lower = accept.toLower();
        FUZZ_CHECK(lower.contains("openmetrics-text") || lower.contains('*'));
    }
    if (size > 4096) {
        FUZZ_CHECK(negotiateFormat(accept.left(4096)) == format);
    } else if (size <= 4000) {
        FUZZ_CHECK(negotiateFormat(" \t" + accept + "\t ") == format);
        FUZZ_CHECK(negotiateFormat(accept.toUpper()) == format);
    }
    return 0;
}
