// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// negotiateFormat() on any Accept header. Besides not crashing:
// - the Content-Type names the format's media type and version, then an escaping;
// - OpenMetrics only when something could have asked for it (a range naming
//   application/openmetrics-text, or a wildcard); text 1.0.0 only through a
//   text range or a wildcard (one without a version may rate it above 0.0.4);
//   protobuf only through a range naming it or a wildcard;
// - allow-utf-8 only where asked, and only in a format that can carry it;
// - surrounding whitespace and letter case change nothing (media types,
//   parameter names and escaping values are case-insensitive; the versions we
//   match have no letters);
// - only the first 4 KiB count.

#include "exposition/contentnegotiation_p.h"
#include "fuzzcheck.h"

using namespace QtPrometheusPrivate;

namespace {
const char *mediaTypeOf(ExpositionFormat format)
{
    switch (format) {
    case ExpositionFormat::Text004:
        return "text/plain; version=0.0.4; charset=utf-8; escaping=";
    case ExpositionFormat::Text100:
        return "text/plain; version=1.0.0; charset=utf-8; escaping=";
    case ExpositionFormat::OpenMetrics001:
        return "application/openmetrics-text; version=0.0.1; charset=utf-8; escaping=";
    case ExpositionFormat::OpenMetrics100:
        return "application/openmetrics-text; version=1.0.0; charset=utf-8; escaping=";
    case ExpositionFormat::Protobuf:
        return "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; "
               "encoding=delimited; escaping=";
    }
    return "?";
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray accept = FuzzInput::bytes(data, size);
    const ResponseFormat chosen = negotiateFormat(accept);
    const QByteArray contentType = contentTypeFor(chosen);
    FUZZ_CHECK(contentType.startsWith(mediaTypeOf(chosen.format)));
    const QByteArray escaping = contentType.mid(qstrlen(mediaTypeOf(chosen.format)));
    FUZZ_CHECK(escaping == "allow-utf-8" || escaping == "underscores" || escaping == "dots"
               || escaping == "values");
    const QByteArray lower = accept.toLower();
    if (isOpenMetrics(chosen.format))
        FUZZ_CHECK(lower.contains("openmetrics-text") || lower.contains('*'));
    if (chosen.format == ExpositionFormat::Text100)
        FUZZ_CHECK(lower.contains("text/") || lower.contains('*'));
    if (chosen.format == ExpositionFormat::Protobuf)
        FUZZ_CHECK(lower.contains("vnd.google.protobuf") || lower.contains('*'));
    if (chosen.escaping == NameEscaping::AllowUtf8)
        FUZZ_CHECK(carriesUtf8Names(chosen.format) && lower.contains("allow-utf-8"));
    if (size > 4096) {
        FUZZ_CHECK(negotiateFormat(accept.left(4096)) == chosen);
    } else if (size <= 4000) {
        FUZZ_CHECK(negotiateFormat(" \t" + accept + "\t ") == chosen);
        FUZZ_CHECK(negotiateFormat(accept.toUpper()) == chosen);
    }
    return 0;
}
