// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "compression_p.h"

#include <zlib.h>

#include <limits>

QByteArray Compression::gzip(const QByteArray &data)
{
    if (quint64(data.size()) > std::numeric_limits<uInt>::max() / 2)
        return QByteArray(); // beyond zlib's one-shot sizes; sent uncompressed
    z_stream stream {};
    // windowBits 15 + 16 selects the gzip wrapper; level 1: exposition text
    // compresses nearly as well at the fastest level, and scrapes are frequent.
    if (deflateInit2(&stream, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return QByteArray();
    QByteArray out;
    out.resize(qsizetype(deflateBound(&stream, uLong(data.size()))));
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    const int result = deflate(&stream, Z_FINISH);
    deflateEnd(&stream);
    if (result != Z_STREAM_END)
        return QByteArray();
    out.resize(qsizetype(stream.total_out));
    return out;
}
