// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef FUZZFAMILIES_H
#define FUZZFAMILIES_H

// Metric families decoded from a fuzzer's input, for the writers' fuzzers.
//
// Input format (every read past the end gives 0 bytes):
//   byte: number of families % 6, then per family:
//   name (byte < 0x80: from the pool; else a made-up name of byte % 12 + 1
//   characters, one byte each), help (string), kind (byte % 7, 6 = unsupported),
//   metrics (byte % 5), per metric: labels (byte % 4) as name (byte: pool or
//   made up) and value (string), timestamp, then the kind's values.
//   string: a length byte % 41, then that many bytes.
//   number: a byte: < 24 a special value, < 128 (byte - 72) / 4, else 8 raw bytes.

#include "exposition/writercommon_p.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace FuzzFamilies {

using QtPrometheusPrivate::Exposition::Kind;

class Reader
{
public:
    Reader(const std::uint8_t *data, std::size_t size) : m_data(data), m_size(size) { }

    std::uint8_t byte() { return m_pos < m_size ? m_data[m_pos++] : 0; }

    std::uint64_t raw64()
    {
        std::uint64_t value = 0;
        for (int i = 0; i < 8; ++i)
            value |= std::uint64_t(byte()) << (8 * i);
        return value;
    }

    std::string string(std::size_t maxLength = 40)
    {
        std::size_t length = byte() % (maxLength + 1);
        length = std::min(length, m_size - std::min(m_pos, m_size));
        std::string s(reinterpret_cast<const char *>(m_data + m_pos), length);
        m_pos += length;
        return s;
    }

    double number()
    {
        static const double specials[] = {
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            1e6,
            1e-7,
            std::numeric_limits<double>::quiet_NaN(),
            std::numeric_limits<double>::infinity(),
            -std::numeric_limits<double>::infinity(),
            std::numeric_limits<double>::max(),
            -std::numeric_limits<double>::max(),
            std::numeric_limits<double>::min(),
            std::numeric_limits<double>::denorm_min(),
            9007199254740992.0, // 2^53
            9007199254740994.0,
            -9007199254740992.0,
            -9223372036854775808.0, // -2^63
            9223372036854775808.0, // 2^63
            1e21,
            1e-300,
            0.30000000000000004,
            123456789.125,
            5e-324,
        };
        const std::uint8_t selector = byte();
        if (selector < 24)
            return specials[selector];
        if (selector < 128)
            return (selector - 72) / 4.0;
        const std::uint64_t bits = raw64();
        double value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }

    std::uint64_t count()
    {
        const std::uint8_t selector = byte();
        return selector < 200 ? selector : raw64();
    }

    std::int64_t timestamp()
    {
        const std::uint8_t selector = byte();
        if (selector < 128)
            return 0; // no timestamp
        if (selector < 200)
            return (selector - 164) * std::int64_t(123456789);
        return std::int64_t(raw64());
    }

private:
    const std::uint8_t *m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
};

inline std::string madeUpName(Reader &in, bool metricName)
{
    static constexpr std::string_view first
        = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_:";
    static constexpr std::string_view rest
        = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789:";
    const std::size_t firstCount = first.size() - (metricName ? 0 : 1); // no ':' in labels
    const std::size_t restCount = rest.size() - (metricName ? 0 : 1);
    const int length = in.byte() % 12 + 1;
    std::string name(1, first[in.byte() % firstCount]);
    for (int i = 1; i < length; ++i)
        name += rest[in.byte() % restCount];
    return name;
}

inline std::string metricName(Reader &in)
{
    static const char *const pool[]
        = {"a", "a_total", "a_info", "b", "b_total", "requests_total", "x:y", "latency_seconds"};
    const std::uint8_t selector = in.byte();
    if (selector < 0x80)
        return pool[selector % 8];
    return madeUpName(in, true);
}

inline std::string labelName(Reader &in)
{
    static const char *const pool[] = {"job", "instance", "le", "quantile", "a", "b", "_", "code"};
    const std::uint8_t selector = in.byte();
    if (selector < 0x80)
        return pool[selector % 8];
    return madeUpName(in, false);
}

inline prometheus::MetricType typeOf(Kind kind)
{
    switch (kind) {
    case Kind::Counter:
        return prometheus::MetricType::Counter;
    case Kind::Gauge:
    case Kind::Info:
        return prometheus::MetricType::Gauge;
    case Kind::Summary:
        return prometheus::MetricType::Summary;
    case Kind::Histogram:
        return prometheus::MetricType::Histogram;
    case Kind::Untyped:
    case Kind::Unsupported:
        break;
    }
    return prometheus::MetricType::Untyped;
}

inline void decode(Reader &in, std::vector<prometheus::MetricFamily> &families,
                   std::vector<Kind> &kinds)
{
    const int familyCount = in.byte() % 6;
    for (int f = 0; f < familyCount; ++f) {
        prometheus::MetricFamily family;
        family.name = metricName(in);
        family.help = in.string();
        const Kind kind = Kind(in.byte() % 7);
        family.type = typeOf(kind);
        const int metricCount = in.byte() % 5;
        for (int m = 0; m < metricCount; ++m) {
            prometheus::ClientMetric metric;
            const int labelCount = in.byte() % 4;
            for (int l = 0; l < labelCount; ++l) {
                prometheus::ClientMetric::Label label;
                label.name = labelName(in);
                label.value = in.string();
                metric.label.push_back(std::move(label));
            }
            metric.timestamp_ms = in.timestamp();
            switch (kind) {
            case Kind::Counter:
                metric.counter.value = in.number();
                break;
            case Kind::Gauge:
            case Kind::Info:
                metric.gauge.value = in.number();
                break;
            case Kind::Untyped:
            case Kind::Unsupported:
                metric.untyped.value = in.number();
                break;
            case Kind::Summary: {
                const int quantiles = in.byte() % 5;
                for (int q = 0; q < quantiles; ++q) {
                    prometheus::ClientMetric::Quantile quantile;
                    quantile.quantile = in.number();
                    quantile.value = in.number();
                    metric.summary.quantile.push_back(quantile);
                }
                metric.summary.sample_count = in.count();
                metric.summary.sample_sum = in.number();
                break;
            }
            case Kind::Histogram: {
                const int buckets = in.byte() % 6;
                for (int b = 0; b < buckets; ++b) {
                    prometheus::ClientMetric::Bucket bucket;
                    bucket.upper_bound = in.number();
                    bucket.cumulative_count = in.count();
                    metric.histogram.bucket.push_back(bucket);
                }
                metric.histogram.sample_count = in.count();
                metric.histogram.sample_sum = in.number();
                break;
            }
            }
            family.metric.push_back(std::move(metric));
        }
        families.push_back(std::move(family));
        kinds.push_back(kind);
    }
}

} // namespace FuzzFamilies

#endif // FUZZFAMILIES_H
