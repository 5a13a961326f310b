// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef FUZZCHECK_H
#define FUZZCHECK_H

// What the fuzzers share: a check that aborts (so that libFuzzer keeps the
// input as a crash) and says which property broke.

#include <QtCore/qbytearray.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition) \
    do { \
        if (!(condition)) { \
            std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, \
                         #condition); \
            std::abort(); \
        } \
    } while (false)

namespace FuzzInput {
inline QByteArray bytes(const std::uint8_t *data, std::size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}
} // namespace FuzzInput

#endif // FUZZCHECK_H
