// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef HTTPLITERALS_P_H
#define HTTPLITERALS_P_H

#include <QtCore/qbytearray.h>

namespace QtPrometheusPrivate {

// Header names and values shared by the HTTP code, in one place so their
// spelling (Qt 6.4 compares response header names case-sensitively) cannot drift.
namespace HttpLiterals {

inline constexpr char contentTypePlain[] = "text/plain; charset=utf-8";
inline constexpr char contentTypeHtml[] = "text/html; charset=utf-8";
inline constexpr char allowedMethods[] = "GET, HEAD";

inline constexpr char headerAccept[] = "accept";
inline constexpr char headerAcceptEncoding[] = "accept-encoding";
inline constexpr char headerConnection[] = "connection";
inline constexpr char headerScrapeTimeout[] = "x-prometheus-scrape-timeout-seconds";

} // namespace HttpLiterals

} // namespace QtPrometheusPrivate

#endif // HTTPLITERALS_P_H
