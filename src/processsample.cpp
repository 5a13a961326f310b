// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// The platform side of ProcessCollector: one implementation per system behind
// #if, each made of cheap system calls (no process spawned, nothing kept open).

#include "processsample_p.h"

#if defined(__APPLE__)
#include <TargetConditionals.h>
#endif

// Android counts as Linux (it has /proc); iOS and the like have no libproc.
#if defined(__linux__)
#define PROCESS_SAMPLE_LINUX
#elif defined(__APPLE__) && TARGET_OS_OSX
#define PROCESS_SAMPLE_MACOS
#elif defined(_WIN32)
#define PROCESS_SAMPLE_WINDOWS
#endif

#if defined(PROCESS_SAMPLE_LINUX)
#include "procfs_p.h"
#endif

#if defined(PROCESS_SAMPLE_LINUX) || defined(PROCESS_SAMPLE_MACOS)
#include <cstdint>
#include <limits>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>
#endif

#if defined(PROCESS_SAMPLE_MACOS)
#include <libproc.h>
#include <sys/proc_info.h>
#include <vector>
#endif

#if defined(PROCESS_SAMPLE_WINDOWS)
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
// Version 2 maps GetProcessMemoryInfo to K32GetProcessMemoryInfo in kernel32,
// so no psapi.lib is needed.
#ifndef PSAPI_VERSION
#define PSAPI_VERSION 2
#endif
#include <psapi.h>
#endif

namespace {
void addError(std::string *errors, const char *what)
{
    if (!errors)
        return;
    if (!errors->empty())
        errors->append(", ");
    errors->append(what);
}

#if defined(PROCESS_SAMPLE_LINUX) || defined(PROCESS_SAMPLE_MACOS)
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
#endif

#if defined(PROCESS_SAMPLE_WINDOWS)
double fileTimeTicks(const FILETIME &time) // in 100 ns units
{
    ULARGE_INTEGER value;
    value.LowPart = time.dwLowDateTime;
    value.HighPart = time.dwHighDateTime;
    return static_cast<double>(value.QuadPart);
}
#endif
} // namespace

namespace ProcessSampler {

#if defined(PROCESS_SAMPLE_LINUX)

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
    sample.cpuSeconds = cpuSeconds();

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

    readLimits(&sample);
    return sample;
}

#elif defined(PROCESS_SAMPLE_MACOS)

bool isSupported()
{
    return true;
}

std::optional<double> startTimeSeconds(std::string *errors)
{
    proc_bsdinfo info {};
    const int size = int(sizeof info);
    if (::proc_pidinfo(::getpid(), PROC_PIDTBSDINFO, 0, &info, size) != size) {
        addError(errors, "proc_pidinfo(PROC_PIDTBSDINFO) failed");
        return std::nullopt;
    }
    return double(info.pbi_start_tvsec) + double(info.pbi_start_tvusec) / 1e6;
}

ProcessSample sample()
{
    ProcessSample sample;
    const pid_t pid = ::getpid();
    sample.cpuSeconds = cpuSeconds();
    if (!sample.cpuSeconds)
        addError(&sample.errors, "getrusage() failed");

    proc_taskinfo task {};
    const int taskSize = int(sizeof task);
    if (::proc_pidinfo(pid, PROC_PIDTASKINFO, 0, &task, taskSize) == taskSize) {
        sample.virtualMemoryBytes = double(task.pti_virtual_size);
        sample.residentMemoryBytes = double(task.pti_resident_size);
        sample.threads = double(task.pti_threadnum);
    } else {
        addError(&sample.errors, "proc_pidinfo(PROC_PIDTASKINFO) failed");
    }

    // The first call tells the size needed; descriptors opened in between are
    // caught by a full buffer, which makes it try again with more room.
    int bytes = ::proc_pidinfo(pid, PROC_PIDLISTFDS, 0, nullptr, 0);
    for (int attempt = 0; bytes > 0 && attempt < 4; ++attempt) {
        std::vector<proc_fdinfo> fds(std::size_t(bytes) / PROC_PIDLISTFD_SIZE + 32);
        const int room = int(fds.size() * PROC_PIDLISTFD_SIZE);
        const int got = ::proc_pidinfo(pid, PROC_PIDLISTFDS, 0, fds.data(), room);
        if (got <= 0)
            break;
        if (got < room) {
            sample.openFds = double(std::size_t(got) / PROC_PIDLISTFD_SIZE);
            break;
        }
        bytes = room * 2;
    }
    if (!sample.openFds)
        addError(&sample.errors, "proc_pidinfo(PROC_PIDLISTFDS) failed");

    readLimits(&sample);
    return sample;
}

#elif defined(PROCESS_SAMPLE_WINDOWS)

bool isSupported()
{
    return true;
}

std::optional<double> startTimeSeconds(std::string *errors)
{
    FILETIME creation, exitTime, kernel, user;
    if (!::GetProcessTimes(::GetCurrentProcess(), &creation, &exitTime, &kernel, &user)) {
        addError(errors, "GetProcessTimes() failed");
        return std::nullopt;
    }
    // FILETIME counts 100 ns from 1601-01-01; the Unix epoch is 11644473600 s later.
    return (fileTimeTicks(creation) - 116444736000000000.0) / 1e7;
}

ProcessSample sample()
{
    ProcessSample sample;
    const HANDLE process = ::GetCurrentProcess();

    FILETIME creation, exitTime, kernel, user;
    if (::GetProcessTimes(process, &creation, &exitTime, &kernel, &user))
        sample.cpuSeconds = (fileTimeTicks(kernel) + fileTimeTicks(user)) / 1e7;
    else
        addError(&sample.errors, "GetProcessTimes() failed");

    // As Go's client: the commit charge as virtual memory, the working set as
    // resident memory, handles as descriptors.
    PROCESS_MEMORY_COUNTERS_EX memory {};
    memory.cb = static_cast<DWORD>(sizeof memory);
    if (::GetProcessMemoryInfo(process, reinterpret_cast<PROCESS_MEMORY_COUNTERS *>(&memory),
                               static_cast<DWORD>(sizeof memory))) {
        sample.virtualMemoryBytes = static_cast<double>(memory.PrivateUsage);
        sample.residentMemoryBytes = static_cast<double>(memory.WorkingSetSize);
    } else {
        addError(&sample.errors, "GetProcessMemoryInfo() failed");
    }

    DWORD handles = 0;
    if (::GetProcessHandleCount(process, &handles))
        sample.openFds = static_cast<double>(handles);
    else
        addError(&sample.errors, "GetProcessHandleCount() failed");
    // The kernel's per-process handle limit, the figure Go's client reports.
    sample.maxFds = 16.0 * 1024 * 1024;
    return sample;
}

#else

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

#endif

} // namespace ProcessSampler
