// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef SCRIPTEDCOLLECTABLE_H
#define SCRIPTEDCOLLECTABLE_H

#include <prometheus/client_metric.h>
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>
#include <prometheus/metric_type.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

// Returns what Collect() is told to: a family with any name, or an exception.
class ScriptedCollectable : public prometheus::Collectable
{
public:
    std::vector<prometheus::MetricFamily> Collect() const override
    {
        ++collected;
        if (!throwMessage.empty())
            throw std::runtime_error(throwMessage);
        prometheus::MetricFamily family;
        family.name = name;
        family.help = "scripted";
        family.type = prometheus::MetricType::Gauge;
        prometheus::ClientMetric metric;
        metric.gauge.value = value >= 0 ? value : double(collected.load());
        family.metric.push_back(metric);
        return {family};
    }

    std::string name = "tst_scripted";
    double value = -1; // < 0: the number of Collect() calls so far
    std::string throwMessage;
    mutable std::atomic<int> collected {0};
};

#endif // SCRIPTEDCOLLECTABLE_H
