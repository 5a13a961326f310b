// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "exporter/updatecoordinator_p.h"

#include "exporter/prometheusupdate_p.h"
#include "logging_p.h"

#include <QtCore/qtimer.h>

#include <limits>

namespace QtPrometheusPrivate {

UpdateCoordinator::UpdateCoordinator(QObject *context, Hooks hooks)
    : m_hooks(std::move(hooks)), m_notifier(std::make_shared<UpdateNotifier>()),
      m_intervalTimer(new QTimer(context)), m_deadlineTimer(new QTimer(context))
{
    m_notifier->context = context;
    m_notifier->onFinished = [this](quint64 generation) {
        onUpdateFinished(generation);
    };
    m_intervalTimer->setInterval(m_intervalMs);
    QObject::connect(m_intervalTimer, &QTimer::timeout, context, [this] { onIntervalTimeout(); });
    m_deadlineTimer->setSingleShot(true);
    QObject::connect(m_deadlineTimer, &QTimer::timeout, context, [this] { onDeadlineTimeout(); });
}

UpdateCoordinator::~UpdateCoordinator()
{
    detach();
}

void UpdateCoordinator::detach()
{
    {
        QMutexLocker locker(&m_notifier->mutex);
        m_notifier->context = nullptr;
    }
    m_notifier->onFinished = nullptr;
}

void UpdateCoordinator::setMode(PrometheusExporter::Mode mode)
{
    m_mode = mode;
    setServing(m_serving);
}

void UpdateCoordinator::setIntervalMs(int msec)
{
    m_intervalMs = msec;
    m_intervalTimer->setInterval(msec);
}

void UpdateCoordinator::setServing(bool serving)
{
    m_serving = serving;
    if (serving && m_mode == PrometheusExporter::Mode::Repeat) {
        if (!m_intervalTimer->isActive())
            m_intervalTimer->start(m_intervalMs);
    } else {
        m_intervalTimer->stop();
    }
}

void UpdateCoordinator::accept(PendingScrape &&scrape)
{
    switch (m_mode) {
    case PrometheusExporter::Mode::Plain:
        break;
    case PrometheusExporter::Mode::Notify:
        // Scrapes that arrive during an update join it: one signal, many answers.
        m_waiting.push_back(std::move(scrape));
        if (m_active)
            rearmDeadlineTimer();
        else
            begin(Kind::Scrape);
        return;
    case PrometheusExporter::Mode::Repeat:
        if (m_active || m_deferred) {
            m_waiting.push_back(std::move(scrape));
            rearmDeadlineTimer();
            return;
        }
        break;
    }
    std::vector<PendingScrape> now;
    now.push_back(std::move(scrape));
    (void)m_hooks.answer(std::move(now));
}

void UpdateCoordinator::begin(Kind kind)
{
    if (m_hooks.renderBusy()) {
        // An update must not run while a render collects, or the render's
        // scrapers could see half of it: it starts when the render is done.
        m_deferred = true;
        m_deferredKind = kind;
        rearmDeadlineTimer();
        return;
    }
    m_active = true;
    const quint64 generation = ++m_generation;
    auto token = std::make_shared<PrometheusUpdatePrivate>(m_notifier, generation);
    m_currentUpdate = token;
    rearmDeadlineTimer();

    if (!m_hooks.emitUpdate(kind, std::move(token)))
        return; // a slot destroyed the exporter, and this with it
    // A slot may have stopped the exporter, or started a new update.
    if (!m_active || generation != m_generation)
        return;
    // Direct slots only (or none at all): the update is complete already.
    if (m_currentUpdate.expired())
        (void)finish();
}

void UpdateCoordinator::onUpdateFinished(quint64 generation)
{
    if (!m_active || generation != m_generation || !m_currentUpdate.expired())
        return;
    (void)finish();
}

bool UpdateCoordinator::finish()
{
    m_active = false;
    m_deadlineTimer->stop();
    return m_hooks.answer(std::exchange(m_waiting, {}));
}

void UpdateCoordinator::onIntervalTimeout()
{
    // The next tick is not emitted while the previous update is still running.
    if (m_active) {
        qCDebug(lcExporter) << "skipping an interval: the previous update is still running";
        return;
    }
    begin(Kind::Interval);
}

void UpdateCoordinator::renderIdle()
{
    if (!m_deferred || m_active || m_hooks.renderBusy())
        return;
    m_deferred = false;
    // In Repeat mode, scrapes that came after the update was deferred wait for
    // it, so it runs even with none waiting; a Notify update without its
    // scrapes (answered by their deadline meanwhile) is not worth asking for.
    if (m_deferredKind == Kind::Interval || !m_waiting.empty())
        begin(m_deferredKind);
}

std::vector<PendingScrape> UpdateCoordinator::stop()
{
    m_intervalTimer->stop();
    m_deadlineTimer->stop();
    m_serving = false;
    m_active = false;
    m_deferred = false;
    ++m_generation; // a late update handle must not answer anything now
    return std::exchange(m_waiting, {});
}

void UpdateCoordinator::rearmDeadlineTimer()
{
    if (m_waiting.empty()) {
        m_deadlineTimer->stop();
        return;
    }
    qint64 earliest = std::numeric_limits<qint64>::max();
    for (const PendingScrape &scrape : m_waiting)
        earliest = qMin(earliest, scrape.deadline.remainingTime());
    m_deadlineTimer->start(
        int(qBound(qint64(0), earliest, qint64(std::numeric_limits<int>::max()))));
}

void UpdateCoordinator::onDeadlineTimeout()
{
    std::vector<PendingScrape> expired;
    for (auto it = m_waiting.begin(); it != m_waiting.end();) {
        if (it->deadline.hasExpired()) {
            expired.push_back(std::move(*it));
            it = m_waiting.erase(it);
        } else {
            ++it;
        }
    }
    rearmDeadlineTimer();
    if (expired.empty())
        return;
    if (!m_hooks.timedOut(expired.size()))
        return;
    (void)m_hooks.answer(std::move(expired));
}

} // namespace QtPrometheusPrivate
