// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PROCESSCOLLECTOR_P_H
#define PROCESSCOLLECTOR_P_H

#include <atomic>
#include <optional>

class ProcessCollectorPrivate
{
public:
    // A process's start time never changes: read once, not on every scrape.
    std::optional<double> startTimeSeconds;
    // What could not be read is logged once per collector, not on every scrape.
    mutable std::atomic<bool> warned {false};
};

#endif // PROCESSCOLLECTOR_P_H
