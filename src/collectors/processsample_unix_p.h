// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PROCESSSAMPLE_UNIX_P_H
#define PROCESSSAMPLE_UNIX_P_H

#include "collectors/processsample_p.h"

#include <optional>

namespace QtPrometheusPrivate {

// What Linux and macOS read the same way: CPU time from getrusage() and the
// limits from getrlimit().
namespace ProcessSampler::Unix {
// User plus system CPU time of all threads, in seconds.
std::optional<double> cpuSeconds();
// process_max_fds and process_virtual_memory_max_bytes.
void readLimits(ProcessSample *sample);
} // namespace ProcessSampler::Unix

} // namespace QtPrometheusPrivate

#endif // PROCESSSAMPLE_UNIX_P_H
