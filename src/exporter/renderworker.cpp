// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "exporter/renderworker_p.h"

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qobject.h>
#include <QtCore/qwaitcondition.h>

namespace QtPrometheusPrivate {

// Shared by the worker and every job it started. The worker detaches the
// context in its destructor; the mutex makes that race-free against a job that
// finishes at the same moment. The mutex also guards every Job.
struct RenderWorker::Handoff
{
    QMutex mutex;
    QWaitCondition finished;
    QObject *context = nullptr; // null once the worker is destroyed
    std::function<void()> onFinished; // runs in the context's thread
};

struct RenderWorker::Job
{
    bool done = false;
    std::unique_ptr<RenderOutcome> outcome; // until taken
};

RenderWorker::RenderWorker(QObject *context, std::function<void()> onFinished)
    : m_handoff(std::make_shared<Handoff>())
{
    m_handoff->context = context;
    m_handoff->onFinished = std::move(onFinished);
    m_pool.setObjectName(QStringLiteral("QtPrometheusExporter render"));
    m_pool.setMaxThreadCount(1);
}

RenderWorker::~RenderWorker()
{
    {
        QMutexLocker locker(&m_handoff->mutex);
        m_handoff->context = nullptr;
    }
    m_pool.waitForDone(); // what QThreadPool's destructor would do, but with no post after it
}

RenderOutcome RenderWorker::renderNow(const RenderInput &input,
                                      const std::vector<RenderRequest> &requests)
{
    QElapsedTimer timer;
    timer.start();
    RenderOutcome outcome;
    outcome.render = std::make_unique<MetricsRender>(input);
    for (const RenderRequest &request : requests)
        (void)outcome.render->body(request);
    // The families are the bulk of a render's memory, and freeing them is a
    // fair part of its cost: both stay in the thread that rendered.
    outcome.render->releaseFamilies();
    outcome.costNs = timer.nsecsElapsed();
    return outcome;
}

void RenderWorker::start(RenderInput input, std::vector<RenderRequest> requests)
{
    Q_ASSERT(!isRunning());
    m_job = std::make_shared<Job>();
    m_pool.start([handoff = m_handoff, job = m_job, input = std::move(input),
                  requests = std::move(requests)] {
        auto outcome = std::make_unique<RenderOutcome>(renderNow(input, requests));
        QMutexLocker locker(&handoff->mutex);
        job->outcome = std::move(outcome);
        job->done = true;
        handoff->finished.wakeAll();
        if (!handoff->context)
            return;
        QMetaObject::invokeMethod(
            handoff->context,
            [handoff] {
                // In the context's thread, the only one that detaches it.
                if (handoff->context && handoff->onFinished)
                    handoff->onFinished();
            },
            Qt::QueuedConnection);
    });
}

void RenderWorker::retire(std::unique_ptr<RenderOutcome> outcome)
{
    m_retired.push_back(std::move(outcome));
}

bool RenderWorker::releaseRetired()
{
    if (m_retired.empty())
        return false;
    auto unshared = std::make_shared<std::vector<std::unique_ptr<RenderOutcome>>>();
    for (auto it = m_retired.begin(); it != m_retired.end();) {
        if ((*it)->render->isShared()) {
            ++it;
        } else {
            unshared->push_back(std::move(*it));
            it = m_retired.erase(it);
        }
    }
    if (!unshared->empty())
        m_pool.start([unshared] { unshared->clear(); });
    return !m_retired.empty();
}

std::unique_ptr<RenderOutcome> RenderWorker::takeOutcome()
{
    if (!m_job)
        return nullptr;
    QMutexLocker locker(&m_handoff->mutex);
    if (!m_job->done)
        return nullptr;
    std::unique_ptr<RenderOutcome> outcome = std::move(m_job->outcome);
    locker.unlock();
    m_job.reset();
    return outcome;
}

std::unique_ptr<RenderOutcome> RenderWorker::waitForOutcome(QDeadlineTimer deadline)
{
    if (!m_job)
        return nullptr;
    QMutexLocker locker(&m_handoff->mutex);
    while (!m_job->done) {
        if (!m_handoff->finished.wait(&m_handoff->mutex, deadline))
            break;
    }
    std::unique_ptr<RenderOutcome> outcome = std::move(m_job->outcome);
    locker.unlock();
    // A job that is not done by now is given up: it finishes on its own, and
    // its outcome goes with its last reference, in the worker's thread.
    m_job.reset();
    return outcome;
}

} // namespace QtPrometheusPrivate
