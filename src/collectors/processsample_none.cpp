// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// ProcessSampler where no implementation exists: ProcessCollector exports nothing.

#include "collectors/processsample_p.h"

namespace QtPrometheusPrivate {

namespace ProcessSampler {

bool isSupported()
{
    return false;
}

std::optional<double> startTimeSeconds(std::string *)
{
    return std::nullopt;
}

ProcessSample sample()
{
    return ProcessSample();
}

} // namespace ProcessSampler

} // namespace QtPrometheusPrivate
