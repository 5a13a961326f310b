// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef QTRUNTIMECOLLECTOR_P_H
#define QTRUNTIMECOLLECTOR_P_H

#include <QtCore/qmutex.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace QtPrometheusPrivate {
class EventLoopLag;
class EventLoopProbe;
} // namespace QtPrometheusPrivate

class QtRuntimeCollectorPrivate
{
public:
    struct MeasuredThread
    {
        QThread *thread; // an identity only: never dereferenced, it may be gone
        std::string name;
        std::shared_ptr<QtPrometheusPrivate::EventLoopLag> lag;
        QtPrometheusPrivate::EventLoopProbe
            *probe; // deleted with QtPrometheusPrivate::EventLoopProbe::dispose()
    };

    std::chrono::milliseconds probeInterval;
    // Guards threads: Collect() runs in the rendering thread, addThread() and
    // removeThread() wherever the application calls them.
    mutable QMutex mutex;
    std::vector<MeasuredThread> threads;
    int unnamedThreads = 0;
};

#endif // QTRUNTIMECOLLECTOR_P_H
