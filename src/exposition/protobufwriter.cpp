// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "exposition/protobufwriter_p.h"

#include <limits>

namespace QtPrometheusPrivate {

namespace Exposition {

namespace {
// The field numbers of io.prometheus.client's metrics.proto.
namespace Field {
constexpr unsigned FamilyName = 1, FamilyHelp = 2, FamilyType = 3, FamilyMetric = 4;
constexpr unsigned LabelName = 1, LabelValue = 2;
constexpr unsigned MetricLabel = 1, MetricGauge = 2, MetricCounter = 3, MetricSummary = 4,
                   MetricUntyped = 5, MetricTimestampMs = 6, MetricHistogram = 7;
constexpr unsigned Value = 1; // Gauge, Counter, Untyped
constexpr unsigned SampleCount = 1, SampleSum = 2; // Summary, Histogram
constexpr unsigned SummaryQuantile = 3, QuantileQuantile = 1, QuantileValue = 2;
constexpr unsigned HistogramBucket = 3, BucketCumulativeCount = 1, BucketUpperBound = 2;
} // namespace Field

// io.prometheus.client.MetricType
enum class ProtoType : std::uint8_t {
    Counter = 0,
    Gauge = 1,
    Summary = 2,
    Untyped = 3,
    Histogram = 4
};

enum WireType : unsigned { Varint = 0, Fixed64 = 1, LengthDelimited = 2 };

// Every field number here is below 16: a tag is one byte.
constexpr char tag(unsigned field, WireType type)
{
    return char(field << 3 | type);
}

constexpr qsizetype varintSize(std::uint64_t value)
{
    qsizetype size = 1;
    for (; value >= 0x80; value >>= 7)
        ++size;
    return size;
}

constexpr qsizetype MaxVarintBytes = 10;
// A family's length is written once the family is: into a slot of 5 bytes
// (lengths below 2^35), closed up behind it. A metric's length is worked out
// beforehand instead, since metrics are many and small.
constexpr qsizetype LengthSlotBytes = 5;

// A string field: tag, length, bytes.
constexpr qsizetype stringFieldSize(std::size_t size)
{
    return 1 + varintSize(size) + qsizetype(size);
}

constexpr qsizetype DoubleFieldSize = 9;
constexpr qsizetype ValueMessageSize = DoubleFieldSize; // Gauge, Counter, Untyped
constexpr qsizetype QuantileSize = 2 * DoubleFieldSize;

class Encoder
{
public:
    explicit Encoder(OutputBuffer &buffer) : m_buffer(buffer) { }

    // The put*() calls write without checks: ensure() first.
    void ensure(qsizetype bytes) { m_buffer.ensure(bytes); }

    void putVarint(std::uint64_t value)
    {
        for (; value >= 0x80; value >>= 7)
            m_buffer.put(char(value | 0x80));
        m_buffer.put(char(value));
    }
    void putVarintField(unsigned field, std::uint64_t value)
    {
        m_buffer.put(tag(field, Varint));
        putVarint(value);
    }
    void putDoubleField(unsigned field, double value)
    {
        static_assert(std::numeric_limits<double>::is_iec559, "protobuf doubles are IEEE 754");
        std::uint64_t bits;
        std::memcpy(&bits, &value, sizeof bits);
        char bytes[8];
        for (char &byte : bytes) { // little-endian on every host
            byte = char(bits & 0xff);
            bits >>= 8;
        }
        m_buffer.put(tag(field, Fixed64));
        m_buffer.put(bytes, sizeof bytes);
    }
    void putMessageHeader(unsigned field, qsizetype size)
    {
        m_buffer.put(tag(field, LengthDelimited));
        putVarint(std::uint64_t(size));
    }
    void putStringField(unsigned field, std::string_view text)
    {
        ensure(stringFieldSize(text.size()));
        putMessageHeader(field, qsizetype(text.size()));
        m_buffer.put(text);
    }

    // A message whose length is known only once written: returns its slot.
    qsizetype beginDelimited()
    {
        ensure(LengthSlotBytes);
        const qsizetype slot = m_buffer.offset();
        m_buffer.skip(LengthSlotBytes);
        return slot;
    }
    void endDelimited(qsizetype slot)
    {
        const auto size = std::uint64_t(m_buffer.offset() - slot - LengthSlotBytes);
        char *out = m_buffer.at(slot);
        char *const start = out;
        std::uint64_t value = size;
        for (; value >= 0x80; value >>= 7)
            *out++ = char(value | 0x80);
        *out++ = char(value);
        const qsizetype used = out - start;
        if (used < LengthSlotBytes)
            m_buffer.remove(slot + used, LengthSlotBytes - used);
    }

private:
    OutputBuffer &m_buffer;
};

qsizetype labelPairSize(const prometheus::ClientMetric::Label &label)
{
    return stringFieldSize(label.name.size()) + stringFieldSize(label.value.size());
}

qsizetype bucketSize(const prometheus::ClientMetric::Bucket &bucket)
{
    return 1 + varintSize(bucket.cumulative_count) + DoubleFieldSize;
}

// The Summary or Histogram message's size; 0 for the other kinds.
qsizetype aggregateSize(Kind kind, const prometheus::ClientMetric &metric)
{
    if (kind == Kind::Summary) {
        const auto &summary = metric.summary;
        return 1 + varintSize(summary.sample_count) + DoubleFieldSize
            + qsizetype(summary.quantile.size()) * (2 + QuantileSize);
    }
    const auto &histogram = metric.histogram;
    qsizetype size = 1 + varintSize(histogram.sample_count) + DoubleFieldSize;
    for (const auto &bucket : histogram.bucket) {
        const qsizetype bytes = bucketSize(bucket);
        size += 1 + varintSize(std::uint64_t(bytes)) + bytes;
    }
    return size;
}

void writeMetric(Encoder &encoder, Kind kind, const prometheus::ClientMetric &metric)
{
    qsizetype labelsSize = 0;
    for (const auto &label : metric.label) {
        const qsizetype pair = labelPairSize(label);
        labelsSize += 1 + varintSize(std::uint64_t(pair)) + pair;
    }
    const bool aggregate = kind == Kind::Summary || kind == Kind::Histogram;
    const qsizetype valueSize = aggregate ? aggregateSize(kind, metric) : ValueMessageSize;
    const qsizetype valueFieldSize = 1 + varintSize(std::uint64_t(valueSize)) + valueSize;
    // prometheus-cpp's ClientMetric has no "unset": 0 means no timestamp.
    const std::int64_t timestamp = metric.timestamp_ms;
    const qsizetype timestampSize = timestamp != 0 ? 1 + varintSize(std::uint64_t(timestamp)) : 0;
    const qsizetype metricSize = labelsSize + valueFieldSize + timestampSize;

    encoder.ensure(1 + MaxVarintBytes + labelsSize + 24);
    encoder.putMessageHeader(Field::FamilyMetric, metricSize);
    for (const auto &label : metric.label) {
        encoder.putMessageHeader(Field::MetricLabel, labelPairSize(label));
        encoder.putStringField(Field::LabelName, label.name);
        encoder.putStringField(Field::LabelValue, label.value);
    }

    // Fields in the order of their numbers, as protobuf's own encoders write
    // them: timestamp_ms (6) before histogram (7).
    const auto putTimestamp = [&] {
        if (timestampSize != 0) {
            encoder.ensure(timestampSize);
            encoder.putVarintField(Field::MetricTimestampMs, std::uint64_t(timestamp));
        }
    };
    const auto putValue = [&](unsigned field, double value) {
        encoder.ensure(2 + ValueMessageSize);
        encoder.putMessageHeader(field, ValueMessageSize);
        encoder.putDoubleField(Field::Value, value);
    };
    switch (kind) {
    case Kind::Counter:
        putValue(Field::MetricCounter, metric.counter.value);
        break;
    case Kind::Gauge:
        putValue(Field::MetricGauge, metric.gauge.value);
        break;
    case Kind::Info:
        putValue(Field::MetricGauge, infoValue(metric));
        break;
    case Kind::Untyped:
        putValue(Field::MetricUntyped, metric.untyped.value);
        break;
    case Kind::Summary: {
        const auto &summary = metric.summary;
        encoder.ensure(valueFieldSize);
        encoder.putMessageHeader(Field::MetricSummary, valueSize);
        encoder.putVarintField(Field::SampleCount, summary.sample_count);
        encoder.putDoubleField(Field::SampleSum, summary.sample_sum);
        for (const auto &quantile : summary.quantile) {
            encoder.putMessageHeader(Field::SummaryQuantile, QuantileSize);
            encoder.putDoubleField(Field::QuantileQuantile, quantile.quantile);
            encoder.putDoubleField(Field::QuantileValue, quantile.value);
        }
        break;
    }
    case Kind::Histogram: {
        putTimestamp();
        const auto &histogram = metric.histogram;
        encoder.ensure(valueFieldSize);
        encoder.putMessageHeader(Field::MetricHistogram, valueSize);
        encoder.putVarintField(Field::SampleCount, histogram.sample_count);
        encoder.putDoubleField(Field::SampleSum, histogram.sample_sum);
        for (const auto &bucket : histogram.bucket) {
            encoder.putMessageHeader(Field::HistogramBucket, bucketSize(bucket));
            encoder.putVarintField(Field::BucketCumulativeCount, bucket.cumulative_count);
            encoder.putDoubleField(Field::BucketUpperBound, bucket.upper_bound);
        }
        return;
    }
    case Kind::Unsupported:
        break;
    }
    putTimestamp();
}

ProtoType protoType(Kind kind)
{
    switch (kind) {
    case Kind::Counter:
        return ProtoType::Counter;
    case Kind::Gauge:
    case Kind::Info:
        return ProtoType::Gauge;
    case Kind::Summary:
        return ProtoType::Summary;
    case Kind::Histogram:
        return ProtoType::Histogram;
    case Kind::Untyped:
    case Kind::Unsupported:
        break;
    }
    return ProtoType::Untyped;
}

// A bound on the body, from each family's first metric as the text writers
// estimate theirs; a wrong guess only costs a grow().
qsizetype estimateBytes(const std::vector<prometheus::MetricFamily> &families,
                        const std::vector<Kind> &kinds)
{
    qsizetype bytes = 0;
    for (std::size_t i = 0; i < families.size(); ++i) {
        const auto &family = families[i];
        bytes += qsizetype(family.name.size() + family.help.size()) + 24;
        if (family.metric.empty() || kinds[i] == Kind::Unsupported)
            continue;
        const auto &metric = family.metric.front();
        qsizetype size = 16 + (metric.timestamp_ms != 0 ? 11 : 0);
        for (const auto &label : metric.label)
            size += qsizetype(label.name.size() + label.value.size()) + 8;
        if (kinds[i] == Kind::Summary || kinds[i] == Kind::Histogram)
            size += aggregateSize(kinds[i], metric) + 4;
        bytes += qsizetype(family.metric.size()) * size;
    }
    return bytes;
}
} // namespace

WriteResult writeProtobuf(const std::vector<prometheus::MetricFamily> &families, QByteArray &out)
{
    return writeProtobuf(families, kindsOf(families), out);
}

WriteResult writeProtobuf(const std::vector<prometheus::MetricFamily> &families,
                          const std::vector<Kind> &kinds, QByteArray &out)
{
    // Named as the text 0.0.4 writer names them.
    std::string infoNames;
    FamilyPlan plan = FamilyPlan::withInfoNames(families, kinds, infoNames);

    {
        OutputBuffer buffer(out, estimateBytes(families, kinds));
        Encoder encoder(buffer);
        const auto &entries = plan.entries();
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto &entry = entries[i];
            if (!entry.head)
                continue;
            const qsizetype slot = encoder.beginDelimited();
            encoder.putStringField(Field::FamilyName, entry.name);
            if (const std::string_view help = plan.help(families, int(i)); !help.empty())
                encoder.putStringField(Field::FamilyHelp, help);
            encoder.ensure(2);
            encoder.putVarintField(Field::FamilyType, std::uint64_t(protoType(entry.kind)));
            for (int j = int(i); j >= 0; j = entries[std::size_t(j)].next) {
                for (const auto &metric : families[std::size_t(j)].metric)
                    writeMetric(encoder, entry.kind, metric);
            }
            encoder.endDelimited(slot);
        }
    }
    return std::move(plan.result);
}

} // namespace Exposition

} // namespace QtPrometheusPrivate
