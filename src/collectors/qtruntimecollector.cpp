// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include <QtPrometheusExporter/qtruntimecollector.h>

#include "collectors/eventloopprobe_p.h"
#include "collectors/qtruntimecollector_p.h"
#include "logging_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qthread.h>

#include <prometheus/client_metric.h>
#include <prometheus/metric_type.h>

#include <algorithm>
#include <limits>

using namespace QtPrometheusPrivate;

/*!
    \class QtRuntimeCollector
    \brief Exports the Qt version, the application's identity and how
    unresponsive the Qt event loop is.

    \table
    \header \li Metric \li Type \li Meaning
    \row \li \c{qt_info{version}} \li gauge, always 1
         \li the Qt version the application runs with (qVersion())
    \row \li \c{qt_application_info{name,version,organization}} \li gauge, always 1
         \li QCoreApplication's applicationName(), applicationVersion() and
             organizationName(), read at each scrape
    \row \li \c{qt_event_loop_lag_seconds{thread}} \li histogram
         \li how late the event loop of each measured thread served a probe timer
    \row \li \c{qt_event_loop_lag_max_seconds{thread}} \li gauge
         \li the longest of those lags since the previous scrape
    \endtable

    The lag is measured by a probe: a precise single-shot timer in the measured
    thread, due every probeInterval() (100 ms by default). When the thread is busy
    the timer fires late, and the delay is what any event arriving at that
    moment (a click, a repaint, a network reply) waited; it is observed into
    buckets from 1 ms to 5 s, fit for UI work. A stall of \e S is observed as a
    lag between \e{S - probeInterval()} and \e S, depending on where in the
    probe's period it began. The probe costs one timer wake-up per interval.

    The constructor measures the thread that constructs the collector, which
    therefore needs a running event loop (create it after QCoreApplication);
    addThread() measures further threads, each series labelled with the
    thread's name. To export only the info metrics, call
    removeThread(QThread::currentThread()).

    \code
    auto runtime = std::make_shared<QtRuntimeCollector>(); // in the GUI thread
    runtime->addThread(&workerThread, QStringLiteral("worker"));
    exporter.registerCollectable(runtime);
    \endcode

    Collect() may run in any thread. Each call starts a new period for
    \c qt_event_loop_lag_max_seconds, so register the collector with one
    exporter (or registry) only: two scrapers would each see a part of the
    maxima.
*/

namespace {
prometheus::ClientMetric::Label label(const char *name, std::string value)
{
    prometheus::ClientMetric::Label result;
    result.name = name;
    result.value = std::move(value);
    return result;
}

prometheus::MetricFamily infoFamily(const char *name, const char *help,
                                    std::vector<prometheus::ClientMetric::Label> labels)
{
    prometheus::MetricFamily family;
    family.name = name;
    family.help = help;
    family.type = prometheus::MetricType::Gauge;
    prometheus::ClientMetric metric;
    metric.label = std::move(labels);
    metric.gauge.value = 1;
    family.metric.push_back(std::move(metric));
    return family;
}

std::string defaultThreadName(QThread *thread, int *unnamed)
{
    // The main thread first: Qt 6.8 names its object "Qt mainThread", and the
    // series must not change its label with the Qt version.
    const QCoreApplication *app = QCoreApplication::instance();
    if (app && app->thread() == thread)
        return "main";
    if (!thread->objectName().isEmpty())
        return thread->objectName().toStdString();
    return "thread" + std::to_string(++*unnamed);
}
} // namespace

/*!
    \variable QtRuntimeCollector::DefaultProbeInterval
    How often the probe timers are due unless the constructor is told otherwise:
    100 ms, ten wake-ups a second.
*/

/*!
    Constructs a collector that measures the event loop of the calling thread
    with a probe timer due every \a probeInterval (at least 1 ms).
*/
QtRuntimeCollector::QtRuntimeCollector(std::chrono::milliseconds probeInterval)
    : d_ptr(new QtRuntimeCollectorPrivate)
{
    Q_D(QtRuntimeCollector);
    d->probeInterval = std::max(probeInterval, std::chrono::milliseconds(1));
    addThread(QThread::currentThread());
}

/*!
    Destroys the collector and its probes. A probe in another thread that still
    runs is deleted by that thread's event loop.
*/
QtRuntimeCollector::~QtRuntimeCollector()
{
    Q_D(QtRuntimeCollector);
    for (const auto &measured : d->threads)
        EventLoopProbe::dispose(measured.probe);
}

/*!
    Starts measuring the event loop of \a thread, with \a name as the value of
    the \c thread label. When \a name is empty, the application's main thread
    is \c main (whatever its objectName(), which Qt sets from 6.8 on), another
    thread is named by its objectName(), or else \c thread1, \c thread2, ... in
    the order they were added.

    The thread may be running or not yet started; it is measured while its
    event loop runs (QThread::exec()). A thread restarted later is measured
    again.

    Returns false, and measures nothing new, when \a thread is null, already
    measured, or \a name is taken by another thread. Thread-safe.
*/
bool QtRuntimeCollector::addThread(QThread *thread, const QString &name)
{
    Q_D(QtRuntimeCollector);
    if (!thread)
        return false;
    QMutexLocker locker(&d->mutex);
    const auto found = std::find_if(d->threads.cbegin(), d->threads.cend(),
                                    [thread](const auto &t) { return t.thread == thread; });
    if (found != d->threads.cend())
        return false;
    const std::string label
        = name.isEmpty() ? defaultThreadName(thread, &d->unnamedThreads) : name.toStdString();
    const auto taken = std::find_if(d->threads.cbegin(), d->threads.cend(),
                                    [&label](const auto &t) { return t.name == label; });
    if (taken != d->threads.cend()) {
        qCWarning(lcExporter).nospace()
            << "QtRuntimeCollector: a thread named \"" << QString::fromStdString(label)
            << "\" is already measured; give the thread another name";
        return false;
    }
    auto lag = std::make_shared<EventLoopLag>();
    EventLoopProbe *probe = EventLoopProbe::create(thread, lag, d->probeInterval);
    d->threads.push_back({thread, label, std::move(lag), probe});
    return true;
}

/*!
    Stops measuring \a thread; its series disappear from the next scrape.
    Returns false if it was not measured. Thread-safe.
*/
bool QtRuntimeCollector::removeThread(QThread *thread)
{
    Q_D(QtRuntimeCollector);
    EventLoopProbe *probe = nullptr;
    {
        QMutexLocker locker(&d->mutex);
        const auto found = std::find_if(d->threads.begin(), d->threads.end(),
                                        [thread](const auto &t) { return t.thread == thread; });
        if (found == d->threads.end())
            return false;
        probe = found->probe;
        d->threads.erase(found);
    }
    EventLoopProbe::dispose(probe);
    return true;
}

/*! Returns how often the probe timers are due. */
std::chrono::milliseconds QtRuntimeCollector::probeInterval() const
{
    Q_D(const QtRuntimeCollector);
    return d->probeInterval;
}

/*!
    Returns \c qt_info, \c qt_application_info and, when at least one thread is
    measured, the lag histogram and maximum, one series per thread. Starts a new
    period for the maximum.
*/
std::vector<prometheus::MetricFamily> QtRuntimeCollector::Collect() const
{
    Q_D(const QtRuntimeCollector);
    std::vector<prometheus::MetricFamily> families;
    families.reserve(4);
    families.push_back(infoFamily("qt_info", "Version of the Qt library the application runs with.",
                                  {label("version", qVersion())}));
    families.push_back(
        infoFamily("qt_application_info",
                   "Name, version and organization of the application, as set on QCoreApplication.",
                   {label("name", QCoreApplication::applicationName().toStdString()),
                    label("version", QCoreApplication::applicationVersion().toStdString()),
                    label("organization", QCoreApplication::organizationName().toStdString())}));

    std::vector<std::pair<std::string, std::shared_ptr<EventLoopLag>>> measured;
    {
        QMutexLocker locker(&d->mutex);
        measured.reserve(d->threads.size());
        for (const auto &t : d->threads)
            measured.emplace_back(t.name, t.lag);
    }
    if (measured.empty())
        return families;

    prometheus::MetricFamily histogram;
    histogram.name = "qt_event_loop_lag_seconds";
    histogram.help = "How late the thread's event loop served a probe timer, in seconds: "
                     "how long an event arriving then waited.";
    histogram.type = prometheus::MetricType::Histogram;
    prometheus::MetricFamily maximum;
    maximum.name = "qt_event_loop_lag_max_seconds";
    maximum.help = "Longest event-loop lag since the previous scrape, in seconds.";
    maximum.type = prometheus::MetricType::Gauge;

    for (const auto &[name, lag] : measured) {
        const EventLoopLag::Snapshot snapshot = lag->takeSnapshot();
        prometheus::ClientMetric metric;
        metric.label = {label("thread", name)};
        metric.histogram.sample_count = snapshot.count;
        metric.histogram.sample_sum = snapshot.sum;
        std::uint64_t cumulative = 0;
        metric.histogram.bucket.reserve(EventLoopLag::Buckets.size() + 1);
        for (std::size_t i = 0; i <= EventLoopLag::Buckets.size(); ++i) {
            cumulative += snapshot.counts[i];
            prometheus::ClientMetric::Bucket bucket;
            bucket.cumulative_count = cumulative;
            bucket.upper_bound = i < EventLoopLag::Buckets.size()
                ? EventLoopLag::Buckets[i]
                : std::numeric_limits<double>::infinity();
            metric.histogram.bucket.push_back(bucket);
        }
        histogram.metric.push_back(metric);

        prometheus::ClientMetric max;
        max.label = metric.label;
        max.gauge.value = snapshot.max;
        maximum.metric.push_back(std::move(max));
    }
    families.push_back(std::move(histogram));
    families.push_back(std::move(maximum));
    return families;
}
