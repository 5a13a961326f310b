// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// ProcessSampler on macOS: proc_pidinfo(), getrusage() and getrlimit().

#include "collectors/processsample_p.h"
#include "collectors/processsample_unix_p.h"

#include <libproc.h>
#include <sys/proc_info.h>
#include <unistd.h>

#include <vector>

namespace QtPrometheusPrivate {

namespace ProcessSampler {

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
    sample.cpuSeconds = Unix::cpuSeconds();
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

    Unix::readLimits(&sample);
    return sample;
}

} // namespace ProcessSampler

} // namespace QtPrometheusPrivate
