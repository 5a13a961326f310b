// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include <QtPrometheusExporter/processcollector.h>

#include "collectors/processcollector_p.h"
#include "collectors/processsample_p.h"
#include "logging_p.h"

#include <prometheus/client_metric.h>
#include <prometheus/metric_type.h>

#include <string>

using namespace QtPrometheusPrivate;

/*!
    \class ProcessCollector
    \brief Exports the standard \c{process_*} metrics of the running process.

    The names, units and help texts are those of the Go and Python clients, so
    dashboards and alerts written for them work unchanged:

    \table
    \header \li Metric \li Type \li Meaning
    \row \li \c process_cpu_seconds_total \li counter
         \li user plus system CPU time of all threads, in seconds
    \row \li \c process_open_fds \li gauge \li open file descriptors (handles on Windows)
    \row \li \c process_max_fds \li gauge \li the soft limit on open file descriptors
    \row \li \c process_virtual_memory_bytes \li gauge \li virtual memory size
    \row \li \c process_virtual_memory_max_bytes \li gauge
         \li the soft limit on virtual memory (RLIMIT_AS)
    \row \li \c process_resident_memory_bytes \li gauge \li resident set size
    \row \li \c process_start_time_seconds \li gauge
         \li when the process started, in seconds since the Unix epoch
    \row \li \c process_threads \li gauge \li operating-system threads of the process
    \endtable

    It is a prometheus::Collectable: register it with an exporter, or with
    anything else that takes one (prometheus-cpp's Exposer, a pusher); it holds
    no reference to them:

    \code
    auto process = std::make_shared<ProcessCollector>();
    exporter.registerCollectable(process);
    \endcode

    Every Collect() reads the values afresh with a few cheap system calls: on
    Linux one read of \c{/proc/self/stat}, one listing of \c{/proc/self/fd},
    getrusage() and getrlimit(); no process is started and no file stays open.
    Collect() may be called from any thread, also concurrently.

    A value that cannot be read (for example when \c{/proc} is not mounted or
    is hidden) is left out of the scrape rather than reported as 0; the first
    such failure is logged as a warning in the \c{prometheus.exporter}
    category.

    Platform details:
    \list
    \li Linux (and Android): CPU time from getrusage() (microsecond resolution;
        \c{/proc/self/stat}'s clock ticks as a fallback); memory and threads from
        \c{/proc/self/stat}; the start time from its \c starttime plus the boot
        time in \c{/proc/stat}. \c process_open_fds counts the entries of
        \c{/proc/self/fd} without the one descriptor the listing itself holds
        (Go and Python count that one too, so they show one more).
    \li macOS: proc_pidinfo() for memory, threads, descriptors and start time;
        getrusage() for CPU time; getrlimit() for the limits.
    \li Windows: GetProcessTimes(), GetProcessMemoryInfo() (the commit charge as
        virtual memory, the working set as resident memory) and
        GetProcessHandleCount() (handles as descriptors), with a fixed
        \c process_max_fds of 16777216, as Go's client reports; there is no
        \c process_virtual_memory_max_bytes and no \c process_threads.
    \li Anywhere else isSupported() is false and Collect() returns nothing.
    \endlist

    An unlimited resource limit (RLIM_INFINITY) is exported as 2^64 - 1
    (\c 1.8446744073709552e+19), the value Go's client reports on Linux.
*/

namespace {
void addFamily(std::vector<prometheus::MetricFamily> &families, const char *name, const char *help,
               prometheus::MetricType type, const std::optional<double> &value)
{
    if (!value)
        return;
    prometheus::MetricFamily family;
    family.name = name;
    family.help = help;
    family.type = type;
    prometheus::ClientMetric metric;
    if (type == prometheus::MetricType::Counter)
        metric.counter.value = *value;
    else
        metric.gauge.value = *value;
    family.metric.push_back(std::move(metric));
    families.push_back(std::move(family));
}
} // namespace

/*!
    Constructs a collector for the running process and reads its start time.
*/
ProcessCollector::ProcessCollector() : d_ptr(new ProcessCollectorPrivate)
{
    Q_D(ProcessCollector);
    if (!ProcessSampler::isSupported()) {
        qCDebug(lcExporter) << "no process metrics on this platform";
        return;
    }
    std::string errors;
    d->startTimeSeconds = ProcessSampler::startTimeSeconds(&errors);
    if (!errors.empty())
        qCWarning(lcExporter).noquote()
            << "process_start_time_seconds left out:" << QString::fromStdString(errors);
}

/*! Destroys the collector. */
ProcessCollector::~ProcessCollector() = default;

/*!
    Returns the \c{process_*} families with the values of this moment; a value
    that cannot be read is left out.
*/
std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const
{
    Q_D(const ProcessCollector);
    std::vector<prometheus::MetricFamily> families;
    if (!ProcessSampler::isSupported())
        return families;

    const ProcessSample sample = ProcessSampler::sample();
    if (!sample.errors.empty() && !d->warned.exchange(true)) {
        qCWarning(lcExporter).noquote()
            << "process metrics left out:" << QString::fromStdString(sample.errors);
    }

    using prometheus::MetricType;
    families.reserve(8);
    addFamily(families, "process_cpu_seconds_total",
              "Total user and system CPU time spent in seconds.", MetricType::Counter,
              sample.cpuSeconds);
    addFamily(families, "process_open_fds", "Number of open file descriptors.", MetricType::Gauge,
              sample.openFds);
    addFamily(families, "process_max_fds", "Maximum number of open file descriptors.",
              MetricType::Gauge, sample.maxFds);
    addFamily(families, "process_virtual_memory_bytes", "Virtual memory size in bytes.",
              MetricType::Gauge, sample.virtualMemoryBytes);
    addFamily(families, "process_virtual_memory_max_bytes",
              "Maximum amount of virtual memory available in bytes.", MetricType::Gauge,
              sample.virtualMemoryMaxBytes);
    addFamily(families, "process_resident_memory_bytes", "Resident memory size in bytes.",
              MetricType::Gauge, sample.residentMemoryBytes);
    addFamily(families, "process_start_time_seconds",
              "Start time of the process since unix epoch in seconds.", MetricType::Gauge,
              d->startTimeSeconds);
    addFamily(families, "process_threads", "Number of OS threads in the process.",
              MetricType::Gauge, sample.threads);
    return families;
}

/*!
    Returns whether this platform has an implementation (Linux, Android, macOS
    and Windows). Elsewhere the collector exists but exports nothing.
*/
bool ProcessCollector::isSupported()
{
    return ProcessSampler::isSupported();
}
