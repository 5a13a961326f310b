// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef TESTGAUGES_H
#define TESTGAUGES_H

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string>

// Bulk for the tests: count gauges of family name, labelled id="0".."count-1",
// each set to its id (about 27 bytes of text exposition each).
inline void addGauges(prometheus::Registry &registry, const std::string &name, int count)
{
    auto &family = prometheus::BuildGauge().Name(name).Help("Test gauges.").Register(registry);
    for (int i = 0; i < count; ++i)
        family.Add({{"id", std::to_string(i)}}).Set(i);
}

#endif // TESTGAUGES_H
