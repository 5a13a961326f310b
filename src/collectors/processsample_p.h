// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PROCESSSAMPLE_P_H
#define PROCESSSAMPLE_P_H

#include <optional>
#include <string>

namespace QtPrometheusPrivate {

// One reading of the process's resource usage, in the units of the exported
// metrics (seconds, bytes, counts). A member without a value could not be read
// on this platform or at this moment, and its metric is left out of the scrape.
// Kept free of Qt so that the platform code stays plain system calls: each
// platform has a file of its own, processsample_<platform>.cpp, and CMake
// builds only the one for the target.
struct ProcessSample
{
    std::optional<double> cpuSeconds;
    std::optional<double> openFds;
    std::optional<double> maxFds;
    std::optional<double> virtualMemoryBytes;
    std::optional<double> virtualMemoryMaxBytes;
    std::optional<double> residentMemoryBytes;
    std::optional<double> threads;
    // What could not be read, for a log line; empty when all went well.
    std::string errors;
};

namespace ProcessSampler {
// Whether this platform has an implementation at all.
bool isSupported();
// When the process started, in seconds since the Unix epoch; it never changes,
// so the collector asks once.
std::optional<double> startTimeSeconds(std::string *errors);
ProcessSample sample();

// Appends to a comma-separated list of what could not be read; null is allowed.
inline void addError(std::string *errors, const char *what)
{
    if (!errors)
        return;
    if (!errors->empty())
        errors->append(", ");
    errors->append(what);
}
} // namespace ProcessSampler

} // namespace QtPrometheusPrivate

#endif // PROCESSSAMPLE_P_H
