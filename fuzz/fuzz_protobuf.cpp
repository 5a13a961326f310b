// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// writeProtobuf() on families decoded from the input (fuzzfamilies.h), read
// back by a decoder that is not ours: libprotobuf, with classes protoc made
// from the metrics.proto of Prometheus's Go client. The body must be a
// sequence of length-delimited MetricFamily messages and nothing else, and
// say exactly what the families hold:
// - grouped as FamilyPlan groups them (by written name; info families as
//   <name>_info gauges; the first type wins, later families of another type
//   and of unknown types dropped and reported, in input order);
// - a group's help is its first non-empty one, and absent when there is none;
// - every metric's labels, values (bit for bit), counts, buckets, quantiles
//   and timestamp as given.

#include "exposition/protobufwriter_p.h"
#include "fuzzcheck.h"
#include "fuzzfamilies.h"

#include "io/prometheus/client/metrics.pb.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/delimited_message_util.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

using namespace QtPrometheusPrivate;
using Exposition::Kind;

namespace {
namespace pb = io::prometheus::client;

struct Group
{
    std::string name;
    Kind kind;
    std::string help;
    std::vector<const prometheus::ClientMetric *> metrics;
};

bool sameBits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

pb::MetricType protoType(Kind kind)
{
    switch (kind) {
    case Kind::Counter:
        return pb::COUNTER;
    case Kind::Gauge:
    case Kind::Info:
        return pb::GAUGE;
    case Kind::Summary:
        return pb::SUMMARY;
    case Kind::Histogram:
        return pb::HISTOGRAM;
    case Kind::Untyped:
    case Kind::Unsupported:
        break;
    }
    return pb::UNTYPED;
}

void checkMetric(const pb::Metric &decoded, const prometheus::ClientMetric &metric, Kind kind)
{
    FUZZ_CHECK(std::size_t(decoded.label_size()) == metric.label.size());
    for (std::size_t i = 0; i < metric.label.size(); ++i) {
        FUZZ_CHECK(decoded.label(int(i)).name() == metric.label[i].name);
        FUZZ_CHECK(decoded.label(int(i)).value() == metric.label[i].value);
    }
    FUZZ_CHECK(decoded.has_timestamp_ms() == (metric.timestamp_ms != 0));
    FUZZ_CHECK(decoded.timestamp_ms() == metric.timestamp_ms);
    FUZZ_CHECK(decoded.has_counter() == (kind == Kind::Counter));
    FUZZ_CHECK(decoded.has_gauge() == (kind == Kind::Gauge || kind == Kind::Info));
    FUZZ_CHECK(decoded.has_untyped() == (kind == Kind::Untyped));
    FUZZ_CHECK(decoded.has_summary() == (kind == Kind::Summary));
    FUZZ_CHECK(decoded.has_histogram() == (kind == Kind::Histogram));
    switch (kind) {
    case Kind::Counter:
        FUZZ_CHECK(sameBits(decoded.counter().value(), metric.counter.value));
        break;
    case Kind::Gauge:
        FUZZ_CHECK(sameBits(decoded.gauge().value(), metric.gauge.value));
        break;
    case Kind::Info:
        FUZZ_CHECK(sameBits(decoded.gauge().value(), Exposition::infoValue(metric)));
        break;
    case Kind::Untyped:
        FUZZ_CHECK(sameBits(decoded.untyped().value(), metric.untyped.value));
        break;
    case Kind::Summary: {
        const auto &summary = decoded.summary();
        FUZZ_CHECK(summary.sample_count() == metric.summary.sample_count);
        FUZZ_CHECK(sameBits(summary.sample_sum(), metric.summary.sample_sum));
        FUZZ_CHECK(std::size_t(summary.quantile_size()) == metric.summary.quantile.size());
        for (std::size_t i = 0; i < metric.summary.quantile.size(); ++i) {
            const auto &quantile = summary.quantile(int(i));
            FUZZ_CHECK(sameBits(quantile.quantile(), metric.summary.quantile[i].quantile));
            FUZZ_CHECK(sameBits(quantile.value(), metric.summary.quantile[i].value));
        }
        break;
    }
    case Kind::Histogram: {
        const auto &histogram = decoded.histogram();
        FUZZ_CHECK(histogram.sample_count() == metric.histogram.sample_count);
        FUZZ_CHECK(sameBits(histogram.sample_sum(), metric.histogram.sample_sum));
        FUZZ_CHECK(std::size_t(histogram.bucket_size()) == metric.histogram.bucket.size());
        for (std::size_t i = 0; i < metric.histogram.bucket.size(); ++i) {
            const auto &bucket = histogram.bucket(int(i));
            FUZZ_CHECK(bucket.cumulative_count() == metric.histogram.bucket[i].cumulative_count);
            FUZZ_CHECK(sameBits(bucket.upper_bound(), metric.histogram.bucket[i].upper_bound));
        }
        // Only classic histograms: nothing a reader would take as native.
        FUZZ_CHECK(histogram.positive_span_size() == 0 && histogram.negative_span_size() == 0);
        FUZZ_CHECK(!histogram.has_zero_threshold() && !histogram.has_zero_count());
        break;
    }
    case Kind::Unsupported:
        FUZZ_CHECK(false);
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    FuzzFamilies::Reader in(data, size);
    std::vector<prometheus::MetricFamily> families;
    std::vector<Kind> kinds;
    FuzzFamilies::decode(in, families, kinds);

    // Appended to what is already there, as a render does.
    QByteArray out = "prefix";
    const Exposition::WriteResult result = Exposition::writeProtobuf(families, kinds, out);
    FUZZ_CHECK(out.startsWith("prefix"));
    const QByteArray body = out.mid(6);

    std::vector<Group> groups;
    std::map<std::string, std::size_t> byName;
    std::vector<std::string> dropped;
    for (std::size_t i = 0; i < families.size(); ++i) {
        const Kind kind = kinds[i];
        const std::string name = kind == Kind::Info ? families[i].name + "_info" : families[i].name;
        const auto found = byName.find(name);
        if (kind == Kind::Unsupported
            || (found != byName.end() && groups[found->second].kind != kind)) {
            dropped.push_back(families[i].name);
            continue;
        }
        if (found == byName.end()) {
            byName.emplace(name, groups.size());
            groups.push_back({name, kind, {}, {}});
        }
        Group &group = groups[byName.at(name)];
        if (group.help.empty())
            group.help = families[i].help;
        for (const auto &metric : families[i].metric)
            group.metrics.push_back(&metric);
    }
    FUZZ_CHECK(result.droppedFamilies == dropped);

    google::protobuf::io::ArrayInputStream stream(body.constData(), int(body.size()));
    for (const Group &group : groups) {
        pb::MetricFamily decoded;
        bool clean = false;
        FUZZ_CHECK(
            google::protobuf::util::ParseDelimitedFromZeroCopyStream(&decoded, &stream, &clean));
        FUZZ_CHECK(decoded.name() == group.name);
        FUZZ_CHECK(decoded.has_help() == !group.help.empty());
        FUZZ_CHECK(decoded.help() == group.help);
        FUZZ_CHECK(decoded.type() == protoType(group.kind));
        FUZZ_CHECK(std::size_t(decoded.metric_size()) == group.metrics.size());
        for (std::size_t i = 0; i < group.metrics.size(); ++i)
            checkMetric(decoded.metric(int(i)), *group.metrics[i], group.kind);
    }
    // Nothing after the last family.
    pb::MetricFamily extra;
    bool clean = false;
    FUZZ_CHECK(!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&extra, &stream, &clean));
    FUZZ_CHECK(clean);

    // Byte for byte what libprotobuf writes for the messages it read.
    std::string canonical;
    {
        google::protobuf::io::StringOutputStream output(&canonical);
        google::protobuf::io::ArrayInputStream again(body.constData(), int(body.size()));
        for (std::size_t i = 0; i < groups.size(); ++i) {
            pb::MetricFamily decoded; // parsing merges into what is there
            FUZZ_CHECK(google::protobuf::util::ParseDelimitedFromZeroCopyStream(&decoded, &again,
                                                                                nullptr));
            FUZZ_CHECK(
                google::protobuf::util::SerializeDelimitedToZeroCopyStream(decoded, &output));
        }
    }
    FUZZ_CHECK(canonical == std::string(body.constData(), std::size_t(body.size())));
    return 0;
}
