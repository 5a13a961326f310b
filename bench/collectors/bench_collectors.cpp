// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// What the runtime collectors add to a scrape, and what the lag probe costs an
// idle event loop.
//
// A scrape here is what the exporter does for every answer: Collect() of the
// registry and of every collectable, then the text serialisation. The registry
// holds 1 000 gauge series (10 families of 100, labels group and id, as
// exporter-demo's --series), so the difference between the With and Without
// rows is the collectors' share of a typical scrape.

#include <QtPrometheusExporter/ProcessCollector>
#include <QtPrometheusExporter/QtRuntimeCollector>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qtimer.h>

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace {
constexpr int SeriesPerFamily = 100;

std::shared_ptr<prometheus::Registry> makeRegistry(int series)
{
    auto registry = std::make_shared<prometheus::Registry>();
    prometheus::Family<prometheus::Gauge> *family = nullptr;
    for (int i = 0; i < series; ++i) {
        const int group = i / SeriesPerFamily;
        if (i % SeriesPerFamily == 0) {
            family = &prometheus::BuildGauge()
                          .Name("bench_value_" + std::to_string(group))
                          .Help("Synthetic values.")
                          .Register(*registry);
        }
        family->Add({{"group", std::to_string(group)}, {"id", std::to_string(i)}})
            .Set(double(i) * 1.5);
    }
    return registry;
}

std::string scrape(const std::vector<std::shared_ptr<prometheus::Collectable>> &collectables)
{
    std::vector<prometheus::MetricFamily> families;
    for (const auto &collectable : collectables) {
        auto collected = collectable->Collect();
        families.insert(families.end(), std::make_move_iterator(collected.begin()),
                        std::make_move_iterator(collected.end()));
    }
    return prometheus::TextSerializer().Serialize(families);
}

void runScrapes(benchmark::State &state,
                const std::vector<std::shared_ptr<prometheus::Collectable>> &collectables)
{
    std::size_t bytes = 0;
    for (auto _ : state) {
        const std::string text = scrape(collectables);
        bytes = text.size();
        benchmark::DoNotOptimize(text.data());
    }
    state.counters["body_bytes"] = double(bytes);
}

void BM_Scrape1kSeries_WithoutCollectors(benchmark::State &state)
{
    runScrapes(state, {makeRegistry(1000)});
}

void BM_Scrape1kSeries_WithCollectors(benchmark::State &state)
{
    runScrapes(state,
               {makeRegistry(1000), std::make_shared<ProcessCollector>(),
                std::make_shared<QtRuntimeCollector>()});
}

void BM_ProcessCollector_Collect(benchmark::State &state)
{
    ProcessCollector collector;
    for (auto _ : state)
        benchmark::DoNotOptimize(collector.Collect());
}

void BM_ProcessCollector_Scrape(benchmark::State &state)
{
    runScrapes(state, {std::make_shared<ProcessCollector>()});
}

void BM_QtRuntimeCollector_Collect(benchmark::State &state)
{
    QtRuntimeCollector collector;
    for (auto _ : state)
        benchmark::DoNotOptimize(collector.Collect());
}

void BM_QtRuntimeCollector_Scrape(benchmark::State &state)
{
    runScrapes(state, {std::make_shared<QtRuntimeCollector>()});
}

// The probe's price: the CPU time an otherwise idle event loop spends in 200 ms,
// without a probe (argument 0) and with a probe every N ms. Read the CPU column.
void BM_IdleEventLoop200ms_ProbeEveryMs(benchmark::State &state)
{
    const auto interval = std::chrono::milliseconds(state.range(0));
    std::unique_ptr<QtRuntimeCollector> collector;
    if (interval.count() > 0)
        collector = std::make_unique<QtRuntimeCollector>(interval);
    for (auto _ : state) {
        QEventLoop loop;
        QTimer::singleShot(200, &loop, &QEventLoop::quit);
        loop.exec();
    }
}
} // namespace

BENCHMARK(BM_Scrape1kSeries_WithoutCollectors)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Scrape1kSeries_WithCollectors)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ProcessCollector_Collect)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ProcessCollector_Scrape)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_QtRuntimeCollector_Collect)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_QtRuntimeCollector_Scrape)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_IdleEventLoop200ms_ProbeEveryMs)
    ->Arg(0)
    ->Arg(100)
    ->Arg(10)
    ->Arg(1)
    ->Iterations(10)
    ->Unit(benchmark::kMillisecond);

int main(int argc, char *argv[])
{
    // The lag probe needs an event dispatcher in this thread.
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
