// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PROCFS_P_H
#define PROCFS_P_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace QtPrometheusPrivate {

// The Linux /proc files the process collector reads. The parsers take the file's
// text, so that they can be tested (and fuzzed) on strings without a /proc; they
// accept only well-formed input and answer nullopt for anything else, never a
// guess. No Qt here: plain open/read/close with O_CLOEXEC, nothing kept open.
namespace ProcFs {

// The fields of /proc/<pid>/stat the collector uses, numbered as in proc(5).
struct Stat
{
    std::uint64_t userTicks = 0; // (14) utime, in clock ticks
    std::uint64_t systemTicks = 0; // (15) stime, in clock ticks
    std::int64_t threads = 0; // (20) num_threads
    std::uint64_t startTicks = 0; // (22) starttime, clock ticks after boot
    std::uint64_t virtualMemoryBytes = 0; // (23) vsize
    std::int64_t residentPages = 0; // (24) rss
};

// Parses the one line of /proc/<pid>/stat. The process name (field 2) may hold
// spaces, parentheses and newlines; it is skipped up to the last ')'.
std::optional<Stat> parseStat(std::string_view text);

// The "btime" line of /proc/stat: the boot time in seconds since the epoch.
std::optional<std::uint64_t> parseBootTime(std::string_view text);

// Reads a whole file (a /proc file reports size 0, so it reads until EOF).
// nullopt when it cannot be opened or read, or is larger than maxBytes.
std::optional<std::string> readFile(const char *path, std::size_t maxBytes = 1024 * 1024);

// The number of entries in /proc/self/fd, without the descriptor used to read it.
std::optional<std::int64_t> countOpenFds();

} // namespace ProcFs

} // namespace QtPrometheusPrivate

#endif // PROCFS_P_H
