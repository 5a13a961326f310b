// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// RequestLineScanner on any byte stream, cut into chunks the way a socket may
// deliver it. Input: one byte that seeds the chunk sizes, then the stream.
// - the requests found do not depend on how the stream was cut;
// - at most one request per line feed, and takeNext() past the last one
//   answers "lost" (version unknown);
// - taking requests while feeding (as HttpConnection does) finds the same
//   HTTP/1.0 requests (only "lost" depends on when a request is taken).

#include "fuzzcheck.h"
#include "http/httpconnection_p.h"

#include <algorithm>
#include <vector>

using namespace QtPrometheusPrivate;

namespace {
std::vector<RequestLineScanner::Line> drain(RequestLineScanner &scanner, qsizetype lineFeeds)
{
    // takeNext() never says how many there are: take one more than can exist.
    std::vector<RequestLineScanner::Line> lines;
    for (qsizetype i = 0; i <= lineFeeds; ++i)
        lines.push_back(scanner.takeNext());
    return lines;
}

bool sameLines(const std::vector<RequestLineScanner::Line> &a,
               const std::vector<RequestLineScanner::Line> &b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].http10 != b[i].http10 || a[i].lost != b[i].lost)
            return false;
    }
    return true;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    std::uint32_t seed = data[0] * 2654435761u + 1;
    const char *stream = reinterpret_cast<const char *>(data + 1);
    const auto length = qsizetype(size - 1);
    const qsizetype lineFeeds = QByteArrayView(stream, length).count('\n');

    RequestLineScanner whole;
    whole.feed(stream, length);
    const auto expected = drain(whole, lineFeeds);

    RequestLineScanner chunked;
    RequestLineScanner interleaved;
    std::vector<RequestLineScanner::Line> taken;
    for (qsizetype at = 0; at < length;) {
        seed = seed * 1103515245u + 12345u;
        // Mostly small chunks (1..16 bytes), sometimes a large one.
        const qsizetype chunk = (seed >> 16) % 8 == 0 ? qsizetype((seed >> 8) % 4096) + 1
                                                      : qsizetype((seed >> 16) % 16) + 1;
        const qsizetype n = qMin(chunk, length - at);
        chunked.feed(stream + at, n);
        chunked.feed(stream + at + n, 0); // an empty read changes nothing
        interleaved.feed(stream + at, n);
        if ((seed >> 4) % 3 == 0)
            taken.push_back(interleaved.takeNext());
        at += n;
    }
    FUZZ_CHECK(sameLines(drain(chunked, lineFeeds), expected));
    // lineFeeds + 1 were taken, so the last one was past the end.
    FUZZ_CHECK(expected.back().lost && !expected.back().http10);
    const auto rest = drain(interleaved, lineFeeds);
    FUZZ_CHECK(rest.back().lost && !rest.back().http10);
    const auto http10Count = [](const std::vector<RequestLineScanner::Line> &lines) {
        return std::count_if(lines.begin(), lines.end(), [](const auto &l) { return l.http10; });
    };
    FUZZ_CHECK(http10Count(taken) + http10Count(rest) == http10Count(expected));
    return 0;
}
