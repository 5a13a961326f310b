// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef COMPRESSION_P_H
#define COMPRESSION_P_H

#include <QtCore/qbytearray.h>

namespace QtPrometheusPrivate {

namespace Compression {

// Below this size gzip saves too little to be worth its CPU time and header.
inline constexpr qsizetype MinimumGzipSize = 1024;

// A complete gzip member (RFC 1952) of data; empty on failure.
QByteArray gzip(const QByteArray &data);

} // namespace Compression

} // namespace QtPrometheusPrivate

#endif // COMPRESSION_P_H
