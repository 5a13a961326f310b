// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef EVENTLOOPPROBE_P_H
#define EVENTLOOPPROBE_P_H

#include <QtCore/qmutex.h>
#include <QtCore/qobject.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>

QT_BEGIN_NAMESPACE
class QThread;
class QTimer;
QT_END_NAMESPACE

namespace QtPrometheusPrivate {

// The lag observations of one thread: written by its probe, read by
// QtRuntimeCollector::Collect() in whatever thread renders the scrape.
class EventLoopLag
{
public:
    // Upper bounds in seconds, fit for UI work: 1 ms is invisible, 100 ms is a
    // noticeable hitch, seconds are a frozen window.
    static constexpr std::array<double, 12> Buckets
        = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

    struct Snapshot
    {
        // Per bucket, not cumulative; the last one counts what exceeds every bound.
        std::array<std::uint64_t, Buckets.size() + 1> counts {};
        std::uint64_t count = 0;
        double sum = 0;
        double max = 0; // since the previous takeSnapshot()
    };

    void observe(double seconds);
    // A copy of the observations; starts a new period for the maximum.
    Snapshot takeSnapshot();

private:
    QMutex m_mutex;
    Snapshot m_data;
};

// The probe: a timer in the measured thread that notes how late it fires.
// A timer that is due while the thread is busy fires when the thread returns to
// its event loop; the delay is what any event (a click, a repaint, a socket)
// would have waited at that moment.
class EventLoopProbe : public QObject
{
    Q_OBJECT

public:
    // Starts measuring thread's event loop (the probe moves there). Returns the
    // probe, to be given to dispose() and nowhere else.
    static EventLoopProbe *create(QThread *thread, std::shared_ptr<EventLoopLag> lag,
                                  std::chrono::milliseconds interval);
    // Stops and deletes the probe from any thread: directly when its thread is the
    // current one or no longer runs, else through that thread's event loop (a
    // timer can only be stopped in its own thread).
    static void dispose(EventLoopProbe *probe);

private:
    EventLoopProbe(std::shared_ptr<EventLoopLag> lag, std::chrono::milliseconds interval);
    ~EventLoopProbe() override;

    void start();
    void stop();
    void onTimeout();

    QTimer *m_timer;
    std::shared_ptr<EventLoopLag> m_lag;
    std::chrono::milliseconds m_interval;
    std::chrono::steady_clock::time_point m_due;
};

} // namespace QtPrometheusPrivate

#endif // EVENTLOOPPROBE_P_H
