// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef UPDATECOORDINATOR_P_H
#define UPDATECOORDINATOR_P_H

#include <QtPrometheusExporter/prometheusexporter.h>

#include <functional>
#include <memory>
#include <vector>

#include "exporter/pendingscrape_p.h"

class PrometheusUpdatePrivate;

QT_BEGIN_NAMESPACE
class QTimer;
QT_END_NAMESPACE

namespace QtPrometheusPrivate {

class UpdateNotifier;

// Where a scrape waits for the application's update. In Notify mode every
// scrape asks for one (scrapes that come meanwhile join it); in Repeat mode a
// timer asks, and scrapes wait only while an update runs; in Plain mode
// nothing waits. An update is done when the last PrometheusUpdate handle is
// gone, or when the earliest waiting scrape's deadline passes. No update starts
// while a render collects: it is deferred until renderIdle().
class UpdateCoordinator
{
public:
    enum class Kind { Scrape, Interval };
    // Every hook that reaches the exporter returns false when a slot connected
    // to its signal destroyed the exporter; the coordinator then returns at once.
    struct Hooks
    {
        // Emits scrapeRequested() or intervalElapsed() with a handle on token.
        std::function<bool(Kind, std::shared_ptr<PrometheusUpdatePrivate> token)> emitUpdate;
        // Scrapes whose update is done (or given up on): render and answer them.
        std::function<bool(std::vector<PendingScrape>)> answer;
        // count scrapes waited past their deadline: warn, count, emit.
        std::function<bool(std::size_t count)> timedOut;
        // Whether a render is collecting now.
        std::function<bool()> renderBusy;
    };

    // Timers are children of context (the exporter), so that they follow it
    // into another thread; update handles post their end to its thread.
    UpdateCoordinator(QObject *context, Hooks hooks);
    ~UpdateCoordinator();
    Q_DISABLE_COPY_MOVE(UpdateCoordinator)

    PrometheusExporter::Mode mode() const { return m_mode; }
    void setMode(PrometheusExporter::Mode mode);
    int intervalMs() const { return m_intervalMs; }
    void setIntervalMs(int msec);
    // The interval timer runs only while serving in Repeat mode.
    void setServing(bool serving);

    void accept(PendingScrape &&scrape);
    // A render is done and nothing else is rendering: a deferred update may run.
    void renderIdle();
    std::size_t waitingCount() const { return m_waiting.size(); }
    // For stop(): no update runs or answers anything from now on; returns the
    // scrapes that were waiting.
    std::vector<PendingScrape> stop();
    // For the exporter's destructor: update handles still out there no longer
    // reach it.
    void detach();

private:
    void begin(Kind kind);
    void onUpdateFinished(quint64 generation);
    [[nodiscard]] bool finish();
    void onIntervalTimeout();
    void onDeadlineTimeout();
    void rearmDeadlineTimer();

    Hooks m_hooks;
    PrometheusExporter::Mode m_mode = PrometheusExporter::Mode::Notify;
    int m_intervalMs = 1000;
    bool m_serving = false;

    std::shared_ptr<UpdateNotifier> m_notifier;
    std::weak_ptr<PrometheusUpdatePrivate> m_currentUpdate;
    quint64 m_generation = 0;
    bool m_active = false;
    std::vector<PendingScrape> m_waiting;
    bool m_deferred = false; // due once the running render is done
    Kind m_deferredKind = Kind::Scrape;

    QTimer *m_intervalTimer;
    QTimer *m_deadlineTimer;
};

} // namespace QtPrometheusPrivate

#endif // UPDATECOORDINATOR_P_H
