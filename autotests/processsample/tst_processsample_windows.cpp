// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// The Windows branch of ProcessSampler, cross-built with mingw-w64 and run
// under Wine (autotests/CMakeLists.txt). It is plain Win32 code without Qt, so
// this test is a plain program too: it checks each value against what the
// process itself just did (CPU burnt, memory committed and touched, handles
// opened) and exits non-zero on the first failed check.
//
// Wine answers GetProcessHandleCount() with 0; the test accepts that there, and
// only there, and says so in its output.

#include "collectors/processsample_p.h"

#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

using namespace QtPrometheusPrivate;

namespace {
int failures = 0;

void check(bool ok, const char *what)
{
    std::printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
    if (!ok)
        ++failures;
}

// Wine's ntdll exports wine_get_version(); Windows' does not.
const char *wineVersion()
{
    using Getter = const char *(*)();
    const HMODULE ntdll = ::GetModuleHandleA("ntdll.dll");
    if (!ntdll)
        return nullptr;
    const auto getter = reinterpret_cast<Getter>(
        reinterpret_cast<void *>(::GetProcAddress(ntdll, "wine_get_version")));
    return getter ? getter() : nullptr;
}

double mib(double bytes)
{
    return bytes / (1024.0 * 1024.0);
}

void supported()
{
    check(ProcessSampler::isSupported(), "isSupported() is true on Windows");
}

void startTime()
{
    std::string errors;
    const auto start = ProcessSampler::startTimeSeconds(&errors);
    const double now = double(std::time(nullptr));
    check(start.has_value() && errors.empty(), "startTimeSeconds() has a value and no error");
    if (!start)
        return;
    std::printf("  process_start_time_seconds %.3f (now %.0f)\n", *start, now);
    // The process started moments ago: not in the future, not an hour back.
    check(*start <= now + 1 && *start > now - 3600, "the start time is within the last hour");
    // A second reading is the same instant.
    const auto again = ProcessSampler::startTimeSeconds(nullptr);
    check(again && std::fabs(*again - *start) < 1e-6, "the start time does not change");
}

void cpuTime()
{
    const ProcessSample before = ProcessSampler::sample();
    check(before.cpuSeconds.has_value(), "process_cpu_seconds_total has a value");
    if (!before.cpuSeconds)
        return;
    // Burn CPU until the counter moves by 0.2 s, for at most 20 s of wall time.
    const auto wallStart = std::chrono::steady_clock::now();
    volatile double sink = 0;
    double now = *before.cpuSeconds;
    while (now < *before.cpuSeconds + 0.2
           && std::chrono::steady_clock::now() - wallStart < std::chrono::seconds(20)) {
        for (int i = 0; i < 1000000; ++i)
            sink = sink + std::sqrt(double(i));
        now = ProcessSampler::sample().cpuSeconds.value_or(0);
    }
    const double wall
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    std::printf("  cpu %.3f s -> %.3f s over %.3f s of wall time\n", *before.cpuSeconds, now, wall);
    check(now >= *before.cpuSeconds + 0.2, "the CPU time grows while the process computes");
    // One thread computed: it cannot have used much more CPU than wall time.
    check(now - *before.cpuSeconds <= wall + 0.5, "the CPU time is not more than the wall time");
}

void memory()
{
    const ProcessSample before = ProcessSampler::sample();
    check(before.residentMemoryBytes && *before.residentMemoryBytes > 512 * 1024.0
              && *before.residentMemoryBytes < 64 * 1024.0 * 1024 * 1024,
          "process_resident_memory_bytes is between 512 KiB and 64 GiB");
    check(before.virtualMemoryBytes && *before.virtualMemoryBytes > 0,
          "process_virtual_memory_bytes has a positive value");
    if (!before.residentMemoryBytes || !before.virtualMemoryBytes)
        return;

    // Commit and touch 64 MiB: both the commit charge and the working set grow.
    const std::size_t size = 64u * 1024 * 1024;
    void *block = ::VirtualAlloc(nullptr, size, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    check(block != nullptr, "VirtualAlloc(64 MiB)");
    if (!block)
        return;
    std::memset(block, 0x5a, size);
    const ProcessSample after = ProcessSampler::sample();
    std::printf("  resident %.1f MiB -> %.1f MiB, virtual (commit) %.1f MiB -> %.1f MiB\n",
                mib(*before.residentMemoryBytes), mib(after.residentMemoryBytes.value_or(0)),
                mib(*before.virtualMemoryBytes), mib(after.virtualMemoryBytes.value_or(0)));
    check(after.residentMemoryBytes.value_or(0) >= *before.residentMemoryBytes + 48 * 1024.0 * 1024,
          "the resident memory grows by the 64 MiB touched (at least 48 MiB)");
    check(after.virtualMemoryBytes.value_or(0) >= *before.virtualMemoryBytes + 48 * 1024.0 * 1024,
          "the virtual memory grows by the 64 MiB committed (at least 48 MiB)");
    ::VirtualFree(block, 0, MEM_RELEASE);
    const ProcessSample freed = ProcessSampler::sample();
    check(freed.virtualMemoryBytes.value_or(0)
              <= after.virtualMemoryBytes.value_or(0) - 48 * 1024.0 * 1024,
          "the virtual memory shrinks when the block is released");
}

void handles()
{
    const ProcessSample before = ProcessSampler::sample();
    check(before.maxFds && *before.maxFds == 16.0 * 1024 * 1024,
          "process_max_fds is the kernel's per-process handle limit, 16777216");
    check(before.openFds.has_value(), "process_open_fds has a value");
    if (!before.openFds)
        return;
    std::vector<HANDLE> events;
    for (int i = 0; i < 20; ++i)
        events.push_back(::CreateEventA(nullptr, TRUE, FALSE, nullptr));
    const ProcessSample after = ProcessSampler::sample();
    for (HANDLE event : events)
        ::CloseHandle(event);
    std::printf("  handles %.0f -> %.0f after opening 20 events\n", *before.openFds,
                after.openFds.value_or(-1));
    if (wineVersion() && *before.openFds == 0 && after.openFds.value_or(-1) == 0) {
        std::printf("  NOTE: Wine %s reports no handle count (GetProcessHandleCount() gives 0);"
                    " the handle checks need Windows\n",
                    wineVersion());
        return;
    }
    check(*before.openFds >= 1, "process_open_fds counts at least one handle");
    check(after.openFds.value_or(0) >= *before.openFds + 20,
          "process_open_fds grows by the 20 handles opened");
}

void leftOut()
{
    // Documented: Windows has no RLIMIT_AS and no cheap thread count.
    const ProcessSample sample = ProcessSampler::sample();
    check(!sample.virtualMemoryMaxBytes && !sample.threads,
          "process_virtual_memory_max_bytes and process_threads are left out");
    check(sample.errors.empty(), "sample() reports no error");
    if (!sample.errors.empty())
        std::printf("  errors: %s\n", sample.errors.c_str());
}
} // namespace

int main()
{
    if (const char *wine = wineVersion())
        std::printf("running under Wine %s\n", wine);
    else
        std::printf("running on Windows\n");
    supported();
    startTime();
    cpuTime();
    memory();
    handles();
    leftOut();
    std::printf("%s: %d failed\n", failures ? "FAILED" : "PASSED", failures);
    return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
