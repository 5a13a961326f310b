// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef FAMILYGENERATOR_H
#define FAMILYGENERATOR_H

// Metric families for the writers' tests: random registries, reproducible from
// their seed, hand-made families, and the fixed registry behind the golden files.

#include "exposition/writercommon_p.h"

#include <QtCore/qrandom.h>

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <string>
#include <vector>

namespace TestExposition {

// What a writer is given: the families and the kind of each.
struct Families
{
    std::vector<prometheus::MetricFamily> families;
    std::vector<QtPrometheusPrivate::Exposition::Kind> kinds;

    void add(prometheus::MetricFamily family, QtPrometheusPrivate::Exposition::Kind kind)
    {
        families.push_back(std::move(family));
        kinds.push_back(kind);
    }
};

enum class Flavour {
    Wild, // any value anywhere: for comparing samples
    Valid, // what promtool's linter and OpenMetrics' rules accept
    ValidTimestamped, // Valid, and every sample has a timestamp
};

class Generator
{
public:
    Generator(quint32 seed, Flavour flavour) : m_rng(seed), m_flavour(flavour) { }

    // count families named rnd_f<i>_things, of random kinds.
    Families families(int count);

private:
    using Kind = QtPrometheusPrivate::Exposition::Kind;

    bool wild() const { return m_flavour == Flavour::Wild; }
    bool chance(int percent) { return int(m_rng.bounded(100)) < percent; }

    double anyValue();
    double nonNegativeValue();
    double value() { return wild() ? anyValue() : nonNegativeValue(); }
    std::string labelValue();
    std::string help();
    std::int64_t timestamp();
    std::vector<prometheus::ClientMetric::Label> labels(int index, bool none);
    void fillHistogram(prometheus::ClientMetric &metric);
    void fillSummary(prometheus::ClientMetric &metric);
    prometheus::MetricFamily family(int index, Kind kind);

    QRandomGenerator m_rng;
    Flavour m_flavour;
};

// Hand-made families both writers' suites write, each in its own format.
// Counters named "a_total", "b" (no _total) and "_total" (nothing left without it).
Families counterNameFamilies();
// The info family "app" with a version label.
Families infoFamily();
// The histogram "h": a series with a +Inf bucket, one without, one with a
// negative bound.
Families histogramBucketFamilies();

// Real prometheus-cpp families plus hand-made ones: escapes, odd numbers, a
// merged name, a type conflict (golden_temperature_celsius, dropped), info,
// timestamps, negative buckets.
Families goldenFamilies();

} // namespace TestExposition

#endif // FAMILYGENERATOR_H
