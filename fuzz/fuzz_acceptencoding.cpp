// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// acceptsGzip() on any Accept-Encoding header. Besides not crashing:
// - gzip only when the header names gzip (or x-gzip) or a wildcard;
// - surrounding whitespace and letter case change nothing;
// - only the first 4 KiB count.

#include "exposition/contentnegotiation_p.h"
#include "fuzzcheck.h"

using namespace QtPrometheusPrivate;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray header = FuzzInput::bytes(data, size);
    const bool gzip = acceptsGzip(header);
    if (gzip) {
        const QByteArray lower = header.toLower();
        FUZZ_CHECK(lower.contains("gzip") || lower.contains('*'));
    }
    if (size > 4096) {
        FUZZ_CHECK(acceptsGzip(header.left(4096)) == gzip);
    } else if (size <= 4000) {
        FUZZ_CHECK(acceptsGzip(" \t" + header + "\t ") == gzip);
        FUZZ_CHECK(acceptsGzip(header.toUpper()) == gzip);
    }
    return 0;
}
