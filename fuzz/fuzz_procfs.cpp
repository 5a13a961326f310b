// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// ProcFs::parseStat() and ProcFs::parseBootTime() on any text.
// - a parsed stat has at least one thread and a non-negative resident size;
// - the process name (between the first '(' and the last ')') never changes
//   the result, whatever it holds: spaces, parentheses, newlines;
// - lines before the "btime" line never change the boot time.

#include "collectors/procfs_p.h"
#include "fuzzcheck.h"

#include <string>
#include <string_view>

using namespace QtPrometheusPrivate;

namespace {
bool sameStat(const std::optional<ProcFs::Stat> &a, const std::optional<ProcFs::Stat> &b)
{
    if (!a || !b)
        return !a && !b;
    return a->userTicks == b->userTicks && a->systemTicks == b->systemTicks
        && a->threads == b->threads && a->startTicks == b->startTicks
        && a->virtualMemoryBytes == b->virtualMemoryBytes && a->residentPages == b->residentPages;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);

    const auto stat = ProcFs::parseStat(text);
    if (stat) {
        FUZZ_CHECK(stat->threads >= 1);
        FUZZ_CHECK(stat->residentPages >= 0);
    }
    const std::size_t open = text.find('(');
    const std::size_t close = text.rfind(')');
    if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
        std::string renamed(text.substr(0, open + 1));
        renamed += "a) (b\n c)d ";
        renamed += text.substr(close);
        FUZZ_CHECK(sameStat(ProcFs::parseStat(renamed), stat));
    }

    const auto bootTime = ProcFs::parseBootTime(text);
    std::string prefixed = "cpu  1 2 3 4\nbtime\nbtimes 7\n intr 5\n";
    prefixed += text;
    FUZZ_CHECK(ProcFs::parseBootTime(prefixed) == bootTime);
    return 0;
}
