// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef SCOPEDTHREAD_H
#define SCOPEDTHREAD_H

#include <QtCore/qthread.h>

// A QThread that is stopped when it goes out of scope. A failed QVERIFY returns
// from the test function at once; a plain QThread destroyed while it runs then
// aborts the whole test binary ("QThread: Destroyed while thread is still
// running"), and every later case of the suite is lost with it.
class ScopedThread : public QThread
{
public:
    using QThread::QThread;
    ~ScopedThread() override
    {
        quit();
        wait();
    }
    Q_DISABLE_COPY_MOVE(ScopedThread)
};

#endif // SCOPEDTHREAD_H
