// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// Preloaded (LD_PRELOAD) into the TSan test runs of scripts/run-tests.sh: tells
// ThreadSanitizer about the happens-before edges that Qt's own, uninstrumented
// libraries create, so that it does not report the hand-overs they make as races.
//
// Debian's Qt is not built with -fsanitize=thread. A queued call (a signal to an
// object in another thread, QMetaObject::invokeMethod(..., Qt::QueuedConnection))
// and a QThreadPool job are handed over under QtCore's internal mutexes, which
// TSan cannot see: everything the receiving thread then reads of what the sending
// thread wrote (the slot's captures, the object it was given) would be reported.
// These hooks add the missing edges, and nothing else:
//
//   sender side (release)            receiver side (acquire)
//   QMetaObject::activate (a signal)  every event delivered, in any thread
//   QMetaObject::invokeMethodImpl      (QInternal::EventNotifyCallback, which
//   QCoreApplication::postEvent        QCoreApplication::notifyInternal2 runs
//   QObject::deleteLater               before each event)
//   QObject::moveToThread, connect    every signal emitted, in any thread
//                                      (the signal-spy hook doActivate() runs
//                                      before calling slots: a connection made
//                                      in one thread, a signal such as
//                                      QThread::started emitted in another)
//   QThreadPool::start/tryStart(fn)   the job itself, before it runs
//   end of a QThreadPool job          QThreadPool::waitForDone() returning
//   a QThread's own signal emitted    QThread::wait(), isFinished() and
//    in its thread (started,           isRunning() returning
//    finished), after its slots ran
//
// That last pair: a thread ends with QThread::finished, whose slots run in it
// (our lag probe stops its timer there), and then marks itself finished under
// QThread's futex mutex. When wait() comes after that, it returns with only that
// mutex between the threads, and TSan would report what the ending thread last
// did (the probe's last beat, the slot it ran) against what the waiting thread
// does next (restarting the thread, deleting the connection).
//
// One more: QWaitCondition::wait(QMutex *) unlocks and relocks the QMutex inside
// QtCore, where Qt's own TSan annotations of QMutex (inline, qmutex.h) are not
// compiled in. TSan would think the waiting thread kept the mutex, report a
// "double lock" when another thread takes it, and miss the ordering it gives.
// The hook annotates that unlock and relock, as qmutex.h does for the others.
//
// A signal's queued arguments and a queued call's event are built inside
// QtCore, after the hook's release at the call; the hook releases again when the
// call returns. A receiver that delivers the event before the sender's call has
// returned can still see those few writes unordered (rare: not seen in dozens of
// runs); QtCore's own allocations are covered by scripts/tsan.supp.
//
// All edges go through one token: coarser than Qt's real per-queue ordering (it
// orders more than Qt does, so a race between a write before some post and a
// read after an unrelated delivery goes unseen), but it never hides a race
// between accesses that Qt does not order either (a write after the post, a
// read before the delivery, or two threads with no hand-over at all).
//
// A hook intercepts only calls that go through the dynamic linker: from our
// library, the tests and the other Qt libraries into QtCore. Calls inside
// QtCore itself (a post QtCore makes, the wait() in ~QThread) are not seen; the
// signal-spy callbacks are the exception, called for every signal. What remains
// is covered by scripts/tsan.supp, each entry explained there.
//
// Built by scripts/run-tests.sh (stage "tsan") with:
//   g++ -shared -fPIC -O1 $(pkg-config --cflags Qt6Core) scripts/tsan-qthooks.cpp
//       -o build-tsan/libtsan-qthooks.so $(pkg-config --libs Qt6Core) -ldl

#include <QtCore/qcoreapplication.h>
#include <QtCore/qmutex.h>
#include <QtCore/qnamespace.h>
#include <QtCore/qobject.h>
#include <QtCore/qthread.h>
#include <QtCore/qthreadpool.h>
#include <QtCore/qwaitcondition.h>

#include <dlfcn.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <utility>

// QtCore's signal-spy hooks (qobject_p.h, a private header Debian does not ship).
struct QSignalSpyCallbackSet
{
    using BeginCallback = void (*)(QObject *caller, int signalOrMethodIndex, void **argv);
    using EndCallback = void (*)(QObject *caller, int signalOrMethodIndex);
    BeginCallback signal_begin_callback, slot_begin_callback;
    EndCallback signal_end_callback, slot_end_callback;
};
void qt_register_signal_spy_callbacks(QSignalSpyCallbackSet *callbackSet);

namespace {
char token; // the one synchronisation object of every hand-over

// From the TSan runtime of the instrumented test executable; null in a process
// without it (a child process that inherited LD_PRELOAD): the hooks then only
// forward. Looked up on first use: this library's initialisers may run before
// the runtime's.
using Annotation = void (*)(void *);
template<typename Function = Annotation> Function annotation(const char *name)
{
    return reinterpret_cast<Function>(dlsym(RTLD_DEFAULT, name));
}

// TSan symbolizes the stacks of a race before it can match them against
// scripts/tsan.supp, so even a race it then suppresses costs a symbolization;
// the first one loads the symbols of every module, which took 0.3-0.6 s on a
// busy two-core machine. Whatever thread found the race stalls that long: a test
// that measures event-loop stalls (tst_qtruntimecollector) saw one. Loaded here,
// at the first hand-over, before any test function runs.
void primeSymbolizer()
{
    static const bool primed = [] {
        using Symbolize
            = void (*)(const void *pc, const char *format, char *buffer, std::size_t size);
        const auto symbolize = annotation<Symbolize>("__sanitizer_symbolize_pc");
        if (!symbolize)
            return false;
        char buffer[256];
        symbolize(reinterpret_cast<const void *>(&qt_register_signal_spy_callbacks), "%f", buffer,
                  sizeof buffer);
        return true;
    }();
    (void)primed;
}

void release()
{
    primeSymbolizer();
    static const Annotation tsanRelease = annotation("__tsan_release");
    if (tsanRelease)
        tsanRelease(&token);
}

void acquire()
{
    primeSymbolizer();
    static const Annotation tsanAcquire = annotation("__tsan_acquire");
    if (tsanAcquire)
        tsanAcquire(&token);
}

// The mutex annotations qmutex.h makes (QtTsan::mutexPreLock, ...), flags 0.
using MutexLock = void (*)(void *, unsigned);
using MutexPostLock = void (*)(void *, unsigned, int);

void mutexUnlocked(QMutex *mutex)
{
    static const auto preUnlock = annotation<MutexLock>("__tsan_mutex_pre_unlock");
    static const auto postUnlock = annotation<MutexLock>("__tsan_mutex_post_unlock");
    if (preUnlock && postUnlock) {
        preUnlock(mutex, 0);
        postUnlock(mutex, 0);
    }
}

void mutexLocked(QMutex *mutex)
{
    static const auto preLock = annotation<MutexLock>("__tsan_mutex_pre_lock");
    static const auto postLock = annotation<MutexPostLock>("__tsan_mutex_post_lock");
    if (preLock && postLock) {
        preLock(mutex, 0);
        postLock(mutex, 0, 0);
    }
}

template<typename Function> Function next(const char *mangledName)
{
    void *symbol = dlsym(RTLD_NEXT, mangledName);
    if (!symbol) {
        std::fprintf(stderr, "tsan-qthooks: %s not found in the libraries after this one\n",
                     mangledName);
        std::abort();
    }
    return reinterpret_cast<Function>(symbol);
}

bool onEventNotify(void **)
{
    acquire();
    return false; // not handled: Qt delivers the event as usual
}

std::function<void()> wrapJob(std::function<void()> job)
{
    std::function<void()> wrapped = [job = std::move(job)] {
        acquire();
        job();
        release(); // for waitForDone()
    };
    release(); // after the wrapper's allocation, which the job reads
    return wrapped;
}

void onSignalBegin(QObject *, int, void **)
{
    acquire();
}

void onSignalEnd(QObject *caller, int)
{
    // Compared before anything dereferences caller: a slot may have deleted it.
    // Equal only for a QThread's signals emitted by the thread it manages.
    if (caller == QThread::currentThread())
        release();
}

__attribute__((constructor)) void installHooks()
{
    QInternal::registerCallback(QInternal::EventNotifyCallback, onEventNotify);
    // QtTest's -vs (signal dump) installs its own set and would replace this one.
    static QSignalSpyCallbackSet callbacks = {onSignalBegin, nullptr, onSignalEnd, nullptr};
    qt_register_signal_spy_callbacks(&callbacks);
}
} // namespace

void QMetaObject::activate(QObject *sender, const QMetaObject *metaObject, int localSignalIndex,
                           void **argv)
{
    using Fn = void (*)(QObject *, const QMetaObject *, int, void **);
    static const Fn real = next<Fn>("_ZN11QMetaObject8activateEP7QObjectPKS_iPPv");
    release();
    real(sender, metaObject, localSignalIndex, argv);
    release(); // again: queued connections copy the arguments inside the call
}

void QMetaObject::activate(QObject *sender, int signalIndex, void **argv)
{
    using Fn = void (*)(QObject *, int, void **);
    static const Fn real = next<Fn>("_ZN11QMetaObject8activateEP7QObjectiPPv");
    release();
    real(sender, signalIndex, argv);
    release();
}

void QMetaObject::activate(QObject *sender, int signalOffset, int localSignalIndex, void **argv)
{
    using Fn = void (*)(QObject *, int, int, void **);
    static const Fn real = next<Fn>("_ZN11QMetaObject8activateEP7QObjectiiPPv");
    release();
    real(sender, signalOffset, localSignalIndex, argv);
    release();
}

bool QMetaObject::invokeMethodImpl(QObject *object, QtPrivate::QSlotObjectBase *slot,
                                   Qt::ConnectionType type, void *ret)
{
    using Fn = bool (*)(QObject *, QtPrivate::QSlotObjectBase *, Qt::ConnectionType, void *);
    static const Fn real = next<Fn>("_ZN11QMetaObject16invokeMethodImplEP7QObjectPN9QtPrivate15QSlo"
                                    "tObjectBaseEN2Qt14ConnectionTypeEPv");
    release();
    const bool invoked = real(object, slot, type, ret);
    release(); // again: the event is built inside the call
    return invoked;
}

void QCoreApplication::postEvent(QObject *receiver, QEvent *event, int priority)
{
    using Fn = void (*)(QObject *, QEvent *, int);
    static const Fn real = next<Fn>("_ZN16QCoreApplication9postEventEP7QObjectP6QEventi");
    release();
    real(receiver, event, priority);
}

void QObject::deleteLater()
{
    using Fn = void (*)(QObject *);
    static const Fn real = next<Fn>("_ZN7QObject11deleteLaterEv");
    release();
    real(this);
}

QMetaObject::Connection QObject::connectImpl(const QObject *sender, void **signal,
                                             const QObject *receiver, void **slot,
                                             QtPrivate::QSlotObjectBase *slotObject,
                                             Qt::ConnectionType type, const int *types,
                                             const QMetaObject *senderMetaObject)
{
    using Fn = QMetaObject::Connection (*)(const QObject *, void **, const QObject *, void **,
                                           QtPrivate::QSlotObjectBase *, Qt::ConnectionType,
                                           const int *, const QMetaObject *);
    static const Fn real
        = next<Fn>("_ZN7QObject11connectImplEPKS_PPvS1_S3_"
                   "PN9QtPrivate15QSlotObjectBaseEN2Qt14ConnectionTypeEPKiPK11QMetaObject");
    release();
    return real(sender, signal, receiver, slot, slotObject, type, types, senderMetaObject);
}

void QObject::moveToThread(QThread *thread)
{
    using Fn = void (*)(QObject *, QThread *);
    static const Fn real = next<Fn>("_ZN7QObject12moveToThreadEP7QThread");
    release();
    real(this, thread);
    release(); // again: QtCore moves the object's posted events inside the call
}

void QThreadPool::start(std::function<void()> functionToRun, int priority)
{
    using Fn = void (*)(QThreadPool *, std::function<void()>, int);
    static const Fn real = next<Fn>("_ZN11QThreadPool5startESt8functionIFvvEEi");
    real(this, wrapJob(std::move(functionToRun)), priority);
}

bool QThreadPool::tryStart(std::function<void()> functionToRun)
{
    using Fn = bool (*)(QThreadPool *, std::function<void()>);
    static const Fn real = next<Fn>("_ZN11QThreadPool8tryStartESt8functionIFvvEE");
    return real(this, wrapJob(std::move(functionToRun)));
}

bool QWaitCondition::wait(QMutex *lockedMutex, QDeadlineTimer deadline)
{
    using Fn = bool (*)(QWaitCondition *, QMutex *, QDeadlineTimer);
    static const Fn real = next<Fn>("_ZN14QWaitCondition4waitEP6QMutex14QDeadlineTimer");
    mutexUnlocked(lockedMutex);
    const bool woken = real(this, lockedMutex, deadline);
    mutexLocked(lockedMutex);
    return woken;
}

bool QWaitCondition::wait(QMutex *lockedMutex, unsigned long time)
{
    using Fn = bool (*)(QWaitCondition *, QMutex *, unsigned long);
    static const Fn real = next<Fn>("_ZN14QWaitCondition4waitEP6QMutexm");
    mutexUnlocked(lockedMutex);
    const bool woken = real(this, lockedMutex, time);
    mutexLocked(lockedMutex);
    return woken;
}

bool QThreadPool::waitForDone(int msecs)
{
    using Fn = bool (*)(QThreadPool *, int);
    static const Fn real = next<Fn>("_ZN11QThreadPool11waitForDoneEi");
    const bool done = real(this, msecs);
    acquire();
    return done;
}

bool QThread::wait(QDeadlineTimer deadline)
{
    using Fn = bool (*)(QThread *, QDeadlineTimer);
    static const Fn real = next<Fn>("_ZN7QThread4waitE14QDeadlineTimer");
    const bool finished = real(this, deadline);
    acquire();
    return finished;
}

bool QThread::isFinished() const
{
    using Fn = bool (*)(const QThread *);
    static const Fn real = next<Fn>("_ZNK7QThread10isFinishedEv");
    const bool finished = real(this);
    acquire();
    return finished;
}

bool QThread::isRunning() const
{
    using Fn = bool (*)(const QThread *);
    static const Fn real = next<Fn>("_ZNK7QThread9isRunningEv");
    const bool running = real(this);
    acquire();
    return running;
}
