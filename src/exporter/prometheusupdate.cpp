// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include <QtPrometheusExporter/prometheusupdate.h>

#include "exporter/prometheusupdate_p.h"

#include <QtCore/qmetaobject.h>
#include <QtCore/qobject.h>

using namespace QtPrometheusPrivate;

/*!
    \class PrometheusUpdate
    \brief A handle to one pending update of the metrics.

    PrometheusExporter passes a PrometheusUpdate with scrapeRequested() and
    intervalElapsed(). While any copy of the handle exists, the scrapes waiting
    for the update are held back (up to the exporter's update timeout); when the
    last copy is gone, they are answered with the values the update wrote.

    A slot that updates the metrics synchronously does nothing with the handle.
    A slot in another thread (a queued connection) also needs nothing: the queued
    call holds a copy until the slot has returned. A slot that starts asynchronous
    work keeps a copy and drops it, or calls release(), when the work is done.

    Copies are cheap and may be passed to and dropped in any thread.
*/

PrometheusUpdatePrivate::~PrometheusUpdatePrivate()
{
    QMutexLocker locker(&notifier->mutex);
    if (!notifier->context)
        return;
    // Posted even when already in the exporter's thread: the exporter may be in
    // the middle of emitting the signal that created this update.
    QMetaObject::invokeMethod(
        notifier->context,
        [notifier = notifier, generation = generation] {
            if (notifier->onFinished)
                notifier->onFinished(generation);
        },
        Qt::QueuedConnection);
}

/*! Constructs an invalid handle that holds back nothing. */
PrometheusUpdate::PrometheusUpdate() noexcept = default;

PrometheusUpdate::PrometheusUpdate(std::shared_ptr<PrometheusUpdatePrivate> d) noexcept
    : d(std::move(d))
{ }

/*! Constructs a copy of \a other; the update now also waits for this copy. */
PrometheusUpdate::PrometheusUpdate(const PrometheusUpdate &other) noexcept = default;
/*! Takes over the hold of \a other, which becomes invalid. */
PrometheusUpdate::PrometheusUpdate(PrometheusUpdate &&other) noexcept = default;
/*!
    Drops the update this handle held, if any, and holds the one of \a other
    instead.
*/
PrometheusUpdate &PrometheusUpdate::operator=(const PrometheusUpdate &other) noexcept = default;
/*!
    Drops the update this handle held, if any, and takes over the hold of
    \a other, which becomes invalid.
*/
PrometheusUpdate &PrometheusUpdate::operator=(PrometheusUpdate &&other) noexcept = default;

/*! Destroys this copy; the update completes when the last copy is destroyed. */
PrometheusUpdate::~PrometheusUpdate() = default;

/*! Returns \c true while this copy still holds the update back. */
bool PrometheusUpdate::isValid() const noexcept
{
    return d != nullptr;
}

/*!
    Drops this copy now instead of at destruction, for a slot that keeps the
    handle in a member until its asynchronous work has finished.
*/
void PrometheusUpdate::release() noexcept
{
    d.reset();
}
