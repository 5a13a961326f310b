// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef RENDERWORKER_P_H
#define RENDERWORKER_P_H

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qmutex.h>
#include <QtCore/qthreadpool.h>

#include <functional>
#include <memory>
#include <vector>

#include "exposition/metricsrender_p.h"

QT_BEGIN_NAMESPACE
class QObject;
QT_END_NAMESPACE

namespace QtPrometheusPrivate {

// A finished render: the bodies for every request it was given (the collected
// families are already freed, in the worker) and how long it took.
struct RenderOutcome
{
    std::unique_ptr<MetricsRender> render;
    qint64 costNs = 0;
};

// Where large scrapes are rendered: collection, serialisation and compression
// run on a thread pool of the exporter's own (one thread: scrapes that arrive
// during a render wait for the next one, so a second thread would have nothing
// to do), and the outcome is handed back to the exporter's thread with a
// queued invocation (never QFuture continuations, which crash on Qt 6.4.2).
//
// The job touches nothing of the exporter: it gets a copy of the render input
// and posts to the exporter only while the exporter is alive (the same guard
// as UpdateNotifier's).
class RenderWorker
{
public:
    // onFinished runs in context's thread after a job finished, unless
    // waitForOutcome() took the outcome first.
    RenderWorker(QObject *context, std::function<void()> onFinished);
    ~RenderWorker(); // detaches from the context, then waits for a running job
    Q_DISABLE_COPY_MOVE(RenderWorker)

    // Starts rendering every request of requests from a fresh collection.
    // Only one job runs at a time: call it only when !isRunning().
    void start(RenderInput input, std::vector<RenderRequest> requests);
    bool isRunning() const { return m_job != nullptr; }

    // The outcome of the job that finished; null when none is waiting (the
    // notification of a job already taken, or still running).
    std::unique_ptr<RenderOutcome> takeOutcome();
    // Blocks until the running job is done or the deadline passes; null when
    // it is not done by then (its outcome is then dropped when it finishes).
    std::unique_ptr<RenderOutcome> waitForOutcome(QDeadlineTimer deadline);

    // Keeps outcome until releaseRetired() finds that no reply or socket
    // shares its bodies any more.
    void retire(std::unique_ptr<RenderOutcome> outcome);
    // Frees, on the worker, every retired outcome that nothing shares any more;
    // true while some are still shared (a socket is still sending them).
    // Memory is best freed by the thread that allocated it: glibc trims a
    // thread's heap in whichever thread frees its top, and trimming the tens
    // of MiB a large collection used takes milliseconds.
    bool releaseRetired();

    // Renders in the calling thread, as the job does: for small registries,
    // whose render costs less than handing it to another thread.
    static RenderOutcome renderNow(const RenderInput &input,
                                   const std::vector<RenderRequest> &requests);

private:
    struct Handoff;
    struct Job;

    QThreadPool m_pool;
    std::shared_ptr<Handoff> m_handoff;
    std::shared_ptr<Job> m_job; // running, or finished with its outcome not yet taken
    std::vector<std::unique_ptr<RenderOutcome>> m_retired; // still shared
};

} // namespace QtPrometheusPrivate

#endif // RENDERWORKER_P_H
