// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// Times the library's text 0.0.4, OpenMetrics 1.0 and protobuf writers and
// prometheus-cpp's TextSerializer on the same Collect() output, then prints the
// bytes/s of each and the ratios, and the protobuf writer's time and body size
// against the text writer's. Times things, judges nothing; the figures go in
// ../README.md.

#include "exposition/openmetricswriter_p.h"
#include "exposition/protobufwriter_p.h"
#include "exposition/textwriter_p.h"

#include <benchmark/benchmark.h>

#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

using namespace QtPrometheusPrivate;

namespace {
constexpr int SeriesPerFamily = 100;

// Like `exporter-demo --series N`: N gauges in families of 100
// (demo_synthetic_value_0000, ...) with labels group and id; half of them hold
// integers (as the demo's do), half hold fractions that need all 17 digits.
// Plus one latency histogram series (11 buckets) per 100 gauges.
std::shared_ptr<prometheus::Registry> makeRegistry(int series)
{
    auto registry = std::make_shared<prometheus::Registry>();
    prometheus::Family<prometheus::Gauge> *family = nullptr;
    for (int i = 0; i < series; ++i) {
        const int group = i / SeriesPerFamily;
        if (i % SeriesPerFamily == 0) {
            char name[64];
            std::snprintf(name, sizeof name, "demo_synthetic_value_%04d", group);
            family = &prometheus::BuildGauge()
                          .Name(name)
                          .Help("Synthetic values for load tests")
                          .Register(*registry);
        }
        family->Add({{"group", std::to_string(group)}, {"id", std::to_string(i)}})
            .Set(i % 2 == 0 ? double(i) : i / 7.0);
    }
    auto &latency = prometheus::BuildHistogram()
                        .Name("demo_request_duration_seconds")
                        .Help("Request latency")
                        .Register(*registry);
    const prometheus::Histogram::BucketBoundaries buckets {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                           0.5,   1,    2.5,   5,    10};
    for (int i = 0; i < series / SeriesPerFamily; ++i) {
        auto &histogram = latency.Add({{"handler", "/api/v1/item/" + std::to_string(i)}}, buckets);
        for (int k = 0; k < 20; ++k)
            histogram.Observe(0.001 * (k * 37 % 1000) + 0.0001 * i);
    }
    return registry;
}

const std::vector<prometheus::MetricFamily> &collected(int series)
{
    static std::map<int, std::vector<prometheus::MetricFamily>> cache;
    auto it = cache.find(series);
    if (it == cache.end())
        it = cache.emplace(series, makeRegistry(series)->Collect()).first;
    return it->second;
}

void BM_TextSerializer(benchmark::State &state)
{
    const auto &families = collected(int(state.range(0)));
    std::size_t bytes = 0;
    for (auto _ : state) {
        const std::string body = prometheus::TextSerializer().Serialize(families);
        bytes = body.size();
        benchmark::DoNotOptimize(body.data());
    }
    state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(bytes));
    state.counters["body_bytes"] = double(bytes);
}

void BM_WriteText004(benchmark::State &state)
{
    const auto &families = collected(int(state.range(0)));
    qsizetype bytes = 0;
    for (auto _ : state) {
        QByteArray body;
        Exposition::writeText004(families, body);
        bytes = body.size();
        benchmark::DoNotOptimize(body.data());
    }
    state.SetBytesProcessed(std::int64_t(state.iterations()) * bytes);
    state.counters["body_bytes"] = double(bytes);
}

void BM_WriteOpenMetrics100(benchmark::State &state)
{
    const auto &families = collected(int(state.range(0)));
    qsizetype bytes = 0;
    for (auto _ : state) {
        QByteArray body;
        Exposition::writeOpenMetrics100(families, body);
        bytes = body.size();
        benchmark::DoNotOptimize(body.data());
    }
    state.SetBytesProcessed(std::int64_t(state.iterations()) * bytes);
    state.counters["body_bytes"] = double(bytes);
}

void BM_WriteProtobuf(benchmark::State &state)
{
    const auto &families = collected(int(state.range(0)));
    qsizetype bytes = 0;
    for (auto _ : state) {
        QByteArray body;
        Exposition::writeProtobuf(families, body);
        bytes = body.size();
        benchmark::DoNotOptimize(body.data());
    }
    state.SetBytesProcessed(std::int64_t(state.iterations()) * bytes);
    state.counters["body_bytes"] = double(bytes);
}

// For scale: what every fresh scrape pays before any writer runs.
void BM_RegistryCollect(benchmark::State &state)
{
    const auto registry = makeRegistry(int(state.range(0)));
    for (auto _ : state)
        benchmark::DoNotOptimize(registry->Collect());
}

BENCHMARK(BM_TextSerializer)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WriteText004)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WriteOpenMetrics100)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WriteProtobuf)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RegistryCollect)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// The console output, then a table of bytes/s per size and the ratios to
// TextSerializer. With repetitions the median is used.
class RatioReporter : public benchmark::ConsoleReporter
{
public:
    // Colours only on a terminal (the library's own choice is not public).
    RatioReporter() : ConsoleReporter(isatty(fileno(stdout)) ? OO_ColorTabular : OO_Tabular) { }

    void ReportRuns(const std::vector<Run> &runs) override
    {
        ConsoleReporter::ReportRuns(runs);
        for (const Run &run : runs) {
            if (run.error_occurred)
                continue;
            const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
            if (run.run_type == Run::RT_Aggregate && !median)
                continue;
            const auto rate = run.counters.find("bytes_per_second");
            const auto body = run.counters.find("body_bytes");
            if (rate == run.counters.end() || body == run.counters.end())
                continue;
            Entry &entry = m_rates[run.run_name.args][run.run_name.function_name];
            if (median || !entry.median)
                entry = Entry {rate->second.value, body->second.value, median};
        }
    }

    void Finalize() override
    {
        ConsoleReporter::Finalize();
        std::printf("\n%-8s %18s %16s %20s %9s %9s\n", "series", "TextSerializer MB/s",
                    "writeText004 MB/s", "writeOpenMetrics MB/s", "text/TS", "OM/TS");
        for (const auto &[args, byFunction] : m_rates) {
            const auto rate = [&byFunction = byFunction](const char *function) {
                const auto it = byFunction.find(function);
                return it == byFunction.end() ? 0.0 : it->second.bytesPerSecond / 1e6;
            };
            const double serializer = rate("BM_TextSerializer");
            const double text = rate("BM_WriteText004");
            const double om = rate("BM_WriteOpenMetrics100");
            if (serializer <= 0)
                continue;
            std::printf("%-8s %18.1f %16.1f %20.1f %8.2fx %8.2fx\n", args.c_str(), serializer, text,
                        om, text / serializer, om / serializer);
        }
        // Protobuf bodies are smaller (labels once per histogram, numbers in 8
        // bytes), so time per body is what compares.
        std::printf("\n%-8s %14s %14s %16s %16s %11s\n", "series", "text body kB", "proto body kB",
                    "writeText004 ms", "writeProtobuf ms", "proto/text");
        for (const auto &[args, byFunction] : m_rates) {
            const auto text = byFunction.find("BM_WriteText004");
            const auto proto = byFunction.find("BM_WriteProtobuf");
            if (text == byFunction.end() || proto == byFunction.end())
                continue;
            const double textMs = text->second.msPerBody();
            const double protoMs = proto->second.msPerBody();
            std::printf("%-8s %14.1f %14.1f %16.3f %16.3f %10.2fx\n", args.c_str(),
                        text->second.bodyBytes / 1e3, proto->second.bodyBytes / 1e3, textMs,
                        protoMs, protoMs / textMs);
        }
    }

private:
    struct Entry
    {
        double bytesPerSecond = 0;
        double bodyBytes = 0;
        bool median = false;

        double msPerBody() const
        {
            return bytesPerSecond > 0 ? bodyBytes / bytesPerSecond * 1e3 : 0;
        }
    };
    std::map<std::string, std::map<std::string, Entry>> m_rates;
};
} // namespace

int main(int argc, char **argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
