// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// ProcessSampler on Windows: GetProcessTimes(), GetProcessMemoryInfo() and
// GetProcessHandleCount(). CI cross-builds it with mingw-w64 and runs it under
// Wine (autotests/processsample).

#include "collectors/processsample_p.h"

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

namespace QtPrometheusPrivate {

namespace {
double fileTimeTicks(const FILETIME &time) // in 100 ns units
{
    ULARGE_INTEGER value;
    value.LowPart = time.dwLowDateTime;
    value.HighPart = time.dwHighDateTime;
    return static_cast<double>(value.QuadPart);
}
} // namespace

namespace ProcessSampler {

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
    // resident memory, handles as descriptors. The commit charge is read from
    // PagefileUsage, which Windows documents as the same figure as the _EX
    // struct's PrivateUsage; Wine fills only the former.
    PROCESS_MEMORY_COUNTERS memory {};
    memory.cb = static_cast<DWORD>(sizeof memory);
    if (::GetProcessMemoryInfo(process, &memory, static_cast<DWORD>(sizeof memory))) {
        sample.virtualMemoryBytes = static_cast<double>(memory.PagefileUsage);
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

} // namespace ProcessSampler

} // namespace QtPrometheusPrivate
