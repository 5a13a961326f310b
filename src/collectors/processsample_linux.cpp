// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// ProcessSampler on Linux and Android: /proc/self/stat, /proc/stat and
// /proc/self/fd (parsed by ProcFs), getrusage() and getrlimit().

#include "collectors/processsample_p.h"
#include "collectors/processsample_unix_p.h"
#include "collectors/procfs_p.h"

#include <unistd.h>

namespace QtPrometheusPrivate {

namespace ProcessSampler {

bool isSupported()
{
    return true;
}

std::optional<double> startTimeSeconds(std::string *errors)
{
    // starttime counts clock ticks from boot; /proc/stat's btime is the boot time.
    const long ticksPerSecond = ::sysconf(_SC_CLK_TCK);
    const auto statText = ProcFs::readFile("/proc/self/stat");
    const auto stat = statText ? ProcFs::parseStat(*statText) : std::nullopt;
    const auto systemStat = ProcFs::readFile("/proc/stat");
    const auto bootTime = systemStat ? ProcFs::parseBootTime(*systemStat) : std::nullopt;
    if (!stat || !bootTime || ticksPerSecond <= 0) {
        addError(errors, "cannot read the start time from /proc/self/stat and /proc/stat");
        return std::nullopt;
    }
    return double(*bootTime) + double(stat->startTicks) / double(ticksPerSecond);
}

ProcessSample sample()
{
    ProcessSample sample;
    sample.cpuSeconds = Unix::cpuSeconds();

    const auto statText = ProcFs::readFile("/proc/self/stat");
    const auto stat = statText ? ProcFs::parseStat(*statText) : std::nullopt;
    if (stat) {
        const long pageSize = ::sysconf(_SC_PAGESIZE);
        const long ticksPerSecond = ::sysconf(_SC_CLK_TCK);
        sample.virtualMemoryBytes = double(stat->virtualMemoryBytes);
        if (pageSize > 0)
            sample.residentMemoryBytes = double(stat->residentPages) * double(pageSize);
        sample.threads = double(stat->threads);
        if (!sample.cpuSeconds && ticksPerSecond > 0)
            sample.cpuSeconds
                = double(stat->userTicks + stat->systemTicks) / double(ticksPerSecond);
    } else {
        addError(&sample.errors, "cannot read /proc/self/stat");
    }
    if (!sample.cpuSeconds)
        addError(&sample.errors, "getrusage() failed");

    if (const auto fds = ProcFs::countOpenFds())
        sample.openFds = double(*fds);
    else
        addError(&sample.errors, "cannot list /proc/self/fd");

    Unix::readLimits(&sample);
    return sample;
}

} // namespace ProcessSampler

} // namespace QtPrometheusPrivate
