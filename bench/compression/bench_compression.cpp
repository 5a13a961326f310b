// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// gzip of a scrape body: zlib (what src/exposition/compression.cpp uses) against
// libdeflate, each at levels 1 and 6, on the text 0.0.4 bodies of 10 000 and
// 100 000 series shaped like `exporter-demo --series N`, written by the
// library's own writer. Times things, judges nothing; the figures go in
// ../README.md. Every output is decompressed once (outside the timing) and
// compared with the body.

#include "exposition/compression_p.h"
#include "exposition/textwriter_p.h"

#include <benchmark/benchmark.h>

#include <libdeflate.h>
#include <zlib.h>

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

using namespace QtPrometheusPrivate;

namespace {
constexpr int SeriesPerFamily = 100;

// Like `exporter-demo --series N` after one update: N gauges in families of
// 100 (demo_synthetic_value_0000, ...) with labels group and id, holding
// generation + i (integers), as DemoMetrics::refreshSynthetic() sets them.
const QByteArray &body(int series)
{
    static std::map<int, QByteArray> cache;
    auto it = cache.find(series);
    if (it != cache.end())
        return it->second;
    prometheus::Registry registry;
    prometheus::Family<prometheus::Gauge> *family = nullptr;
    const double generation = 1;
    for (int i = 0; i < series; ++i) {
        const int group = i / SeriesPerFamily;
        if (i % SeriesPerFamily == 0) {
            char name[64];
            std::snprintf(name, sizeof name, "demo_synthetic_value_%04d", group);
            family = &prometheus::BuildGauge()
                          .Name(name)
                          .Help("Synthetic values for load tests")
                          .Register(registry);
        }
        family->Add({{"group", std::to_string(group)}, {"id", std::to_string(i)}})
            .Set(generation + i);
    }
    QByteArray text;
    Exposition::writeText004(registry.Collect(), text);
    return cache.emplace(series, std::move(text)).first->second;
}

void fail(const char *what)
{
    std::fprintf(stderr, "bench_compression: %s\n", what);
    std::abort();
}

// Decompresses a gzip member (with libdeflate, whose gzip reader checks the
// CRC and the size) and compares it with the body.
void verify(const QByteArray &gzip, const QByteArray &original)
{
    static libdeflate_decompressor *decompressor = libdeflate_alloc_decompressor();
    QByteArray out(original.size(), Qt::Uninitialized);
    std::size_t written = 0;
    const auto result
        = libdeflate_gzip_decompress(decompressor, gzip.constData(), std::size_t(gzip.size()),
                                     out.data(), std::size_t(out.size()), &written);
    if (result != LIBDEFLATE_SUCCESS || written != std::size_t(original.size()) || out != original)
        fail("a compressed body does not read back as the original");
}

// zlib with a gzip wrapper, as src/exposition/compression.cpp does it (one deflateInit2 per
// body, window 15, memLevel 8, output sized by deflateBound), at any level.
QByteArray zlibGzip(const QByteArray &data, int level)
{
    z_stream stream {};
    if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        fail("deflateInit2");
    QByteArray out(qsizetype(deflateBound(&stream, uLong(data.size()))), Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    const int result = deflate(&stream, Z_FINISH);
    deflateEnd(&stream);
    if (result != Z_STREAM_END)
        fail("deflate");
    out.resize(qsizetype(stream.total_out));
    return out;
}

// libdeflate: one compressor per level, kept (allocating one is measured apart).
QByteArray libdeflateGzip(libdeflate_compressor *compressor, const QByteArray &data)
{
    const std::size_t bound = libdeflate_gzip_compress_bound(compressor, std::size_t(data.size()));
    QByteArray out(qsizetype(bound), Qt::Uninitialized);
    const std::size_t size = libdeflate_gzip_compress(compressor, data.constData(),
                                                      std::size_t(data.size()), out.data(), bound);
    if (size == 0)
        fail("libdeflate_gzip_compress");
    out.resize(qsizetype(size));
    return out;
}

template<typename Compress> void run(benchmark::State &state, Compress &&compress)
{
    const QByteArray &text = body(int(state.range(0)));
    QByteArray gzip = compress(text);
    verify(gzip, text);
    for (auto _ : state) {
        gzip = compress(text);
        benchmark::DoNotOptimize(gzip.data());
    }
    state.SetBytesProcessed(std::int64_t(state.iterations()) * text.size());
    state.counters["body_bytes"] = double(text.size());
    state.counters["gzip_bytes"] = double(gzip.size());
    state.counters["ratio"] = double(text.size()) / double(gzip.size());
}

// The library's own function, for reference: zlib at level 1.
void BM_Library_Compression_gzip(benchmark::State &state)
{
    run(state, [](const QByteArray &text) { return Compression::gzip(text); });
}

void BM_Zlib(benchmark::State &state)
{
    const int level = int(state.range(1));
    run(state, [level](const QByteArray &text) { return zlibGzip(text, level); });
}

void BM_Libdeflate(benchmark::State &state)
{
    libdeflate_compressor *compressor = libdeflate_alloc_compressor(int(state.range(1)));
    if (!compressor)
        fail("libdeflate_alloc_compressor");
    run(state, [compressor](const QByteArray &text) { return libdeflateGzip(compressor, text); });
    libdeflate_free_compressor(compressor);
}

// What a compressor costs to make, for code that would not keep one.
void BM_LibdeflateAllocCompressor(benchmark::State &state)
{
    for (auto _ : state) {
        libdeflate_compressor *compressor = libdeflate_alloc_compressor(int(state.range(0)));
        benchmark::DoNotOptimize(compressor);
        libdeflate_free_compressor(compressor);
    }
}

BENCHMARK(BM_Library_Compression_gzip)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Zlib)->ArgsProduct({{10000, 100000}, {1, 6}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Libdeflate)->ArgsProduct({{10000, 100000}, {1, 6}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LibdeflateAllocCompressor)->Arg(1)->Arg(6)->Unit(benchmark::kMicrosecond);

// The console output, then one table: per body and compressor, MB/s of body
// (10^6 bytes; Google Benchmark's own column uses binary prefixes), the
// compressed size and the ratio. With repetitions the median is used.
class TableReporter : public benchmark::ConsoleReporter
{
public:
    TableReporter() : ConsoleReporter(isatty(fileno(stdout)) ? OO_ColorTabular : OO_Tabular) { }

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
            const auto gzip = run.counters.find("gzip_bytes");
            const auto bodyBytes = run.counters.find("body_bytes");
            if (rate == run.counters.end() || gzip == run.counters.end())
                continue;
            Row &row = m_rows[run.run_name.function_name + "/" + run.run_name.args];
            if (median || !row.median) {
                row = Row {rate->second.value, gzip->second.value, bodyBytes->second.value,
                           run.GetAdjustedRealTime(), median};
            }
        }
    }

    void Finalize() override
    {
        ConsoleReporter::Finalize();
        std::printf("\n%-40s %12s %10s %12s %7s\n", "benchmark/series/level", "body bytes", "MB/s",
                    "gzip bytes", "ratio");
        for (const auto &[name, row] : m_rows) {
            std::printf("%-40s %12.0f %10.1f %12.0f %7.2f\n", name.c_str(), row.body,
                        row.bytesPerSecond / 1e6, row.gzip, row.body / row.gzip);
        }
    }

private:
    struct Row
    {
        double bytesPerSecond = 0;
        double gzip = 0;
        double body = 0;
        double time = 0;
        bool median = false;
    };
    std::map<std::string, Row> m_rows;
};
} // namespace

int main(int argc, char **argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    TableReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
