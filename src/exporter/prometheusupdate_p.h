// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PROMETHEUSUPDATE_P_H
#define PROMETHEUSUPDATE_P_H

#include <QtCore/qmutex.h>
#include <QtCore/qpointer.h>

#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QObject;
QT_END_NAMESPACE

namespace QtPrometheusPrivate {
// Shared by an exporter and every update it hands out. The exporter detaches
// itself in its destructor; the mutex makes that race-free against a handle
// dropped in another thread at the same moment.
class UpdateNotifier
{
public:
    QMutex mutex;
    QObject *context = nullptr; // the exporter; events go to its thread
    std::function<void(quint64)> onFinished; // runs in the exporter's thread
};
} // namespace QtPrometheusPrivate

// Lives exactly as long as the last PrometheusUpdate copy. Its destructor may
// run in any thread, so it only posts the news to the exporter's thread.
class PrometheusUpdatePrivate
{
public:
    PrometheusUpdatePrivate(std::shared_ptr<QtPrometheusPrivate::UpdateNotifier> notifier,
                            quint64 generation)
        : notifier(std::move(notifier)), generation(generation)
    { }
    ~PrometheusUpdatePrivate();
    Q_DISABLE_COPY_MOVE(PrometheusUpdatePrivate)

    std::shared_ptr<QtPrometheusPrivate::UpdateNotifier> notifier;
    quint64 generation;
};

#endif // PROMETHEUSUPDATE_P_H
