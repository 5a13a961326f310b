// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "collectors/eventloopprobe_p.h"

#include "logging_p.h"

#include <QtCore/qabstracteventdispatcher.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>

#include <algorithm>

namespace QtPrometheusPrivate {

void EventLoopLag::observe(double seconds)
{
    const auto bound = std::lower_bound(Buckets.cbegin(), Buckets.cend(), seconds);
    const auto index = std::size_t(bound - Buckets.cbegin());
    QMutexLocker locker(&m_mutex);
    ++m_data.counts[index];
    ++m_data.count;
    m_data.sum += seconds;
    m_data.max = std::max(m_data.max, seconds);
}

EventLoopLag::Snapshot EventLoopLag::takeSnapshot()
{
    QMutexLocker locker(&m_mutex);
    const Snapshot snapshot = m_data;
    m_data.max = 0;
    return snapshot;
}

EventLoopProbe::EventLoopProbe(std::shared_ptr<EventLoopLag> lag,
                               std::chrono::milliseconds interval)
    : m_timer(new QTimer(this)), m_lag(std::move(lag)), m_interval(interval)
{
    // Single shot, re-armed after each measurement: the due time is then exactly
    // known, where a repeating timer would silently skip the beats it missed.
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &EventLoopProbe::onTimeout);
}

EventLoopProbe::~EventLoopProbe() = default;

EventLoopProbe *EventLoopProbe::create(QThread *thread, std::shared_ptr<EventLoopLag> lag,
                                       std::chrono::milliseconds interval)
{
    auto *probe = new EventLoopProbe(std::move(lag), interval);
    const bool here = thread == QThread::currentThread();
    if (!here)
        probe->moveToThread(thread);
    // Both run in the measured thread itself: started before its event loop
    // (also when it is started again), finished after it, while a timer can
    // still be stopped there.
    connect(thread, &QThread::started, probe, &EventLoopProbe::start, Qt::DirectConnection);
    connect(thread, &QThread::finished, probe, &EventLoopProbe::stop, Qt::DirectConnection);
    if (here)
        probe->start();
    else
        QMetaObject::invokeMethod(probe, &EventLoopProbe::start, Qt::QueuedConnection);
    return probe;
}

void EventLoopProbe::dispose(EventLoopProbe *probe)
{
    if (!probe)
        return;
    QThread *thread = probe->thread();
    // A thread that no longer runs has stopped the timer on its way out (or never
    // started it); a destroyed QThread leaves thread() null.
    if (!thread || thread == QThread::currentThread() || !thread->isRunning())
        delete probe;
    else
        probe->deleteLater(); // a finishing QThread still deletes it on its way out
}

void EventLoopProbe::start()
{
    // Without an event dispatcher (a thread that never runs an event loop, or a
    // main thread before QCoreApplication) a timer cannot even be started.
    if (!QAbstractEventDispatcher::instance()) {
        qCDebug(lcExporter) << "event-loop lag not measured: the thread has no event dispatcher";
        return;
    }
    m_due = std::chrono::steady_clock::now() + m_interval;
    m_timer->start(m_interval);
}

void EventLoopProbe::stop()
{
    m_timer->stop();
}

void EventLoopProbe::onTimeout()
{
    const auto late = std::chrono::steady_clock::now() - m_due;
    m_lag->observe(late.count() > 0 ? std::chrono::duration<double>(late).count() : 0.0);
    start();
}

} // namespace QtPrometheusPrivate
