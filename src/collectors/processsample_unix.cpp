// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// The getrusage() and getrlimit() readings Linux and macOS share.

#include "collectors/processsample_unix_p.h"

#include <cstdint>
#include <limits>
#include <sys/resource.h>
#include <sys/time.h>

namespace QtPrometheusPrivate {

namespace {
double seconds(const timeval &tv)
{
    return double(tv.tv_sec) + double(tv.tv_usec) / 1e6;
}

// An unlimited resource is exported as 2^64 - 1, as Go's client does on Linux.
double limitValue(const rlimit &limit)
{
    if (limit.rlim_cur == RLIM_INFINITY)
        return double(std::numeric_limits<std::uint64_t>::max());
    return double(limit.rlim_cur);
}

} // namespace

namespace ProcessSampler::Unix {

// getrusage() has microsecond resolution where /proc's clock ticks have 10 ms;
// both count the same kernel time, user plus system, of all threads.
std::optional<double> cpuSeconds()
{
    rusage usage {};
    if (::getrusage(RUSAGE_SELF, &usage) != 0)
        return std::nullopt;
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void readLimits(ProcessSample *sample)
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0)
        sample->maxFds = limitValue(limit);
    else
        addError(&sample->errors, "getrlimit(RLIMIT_NOFILE) failed");
    if (::getrlimit(RLIMIT_AS, &limit) == 0)
        sample->virtualMemoryMaxBytes = limitValue(limit);
    else
        addError(&sample->errors, "getrlimit(RLIMIT_AS) failed");
}

} // namespace ProcessSampler::Unix

} // namespace QtPrometheusPrivate
