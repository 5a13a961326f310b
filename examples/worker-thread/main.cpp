// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// Notify mode with the update slot in a worker thread.
//
// Reading some values is slow (a blocking driver call, a database query, walking a large
// structure). Doing that in the exporter's thread, often the GUI thread, would freeze it for
// every scrape. Here the slow read runs in a QObject that lives in a worker QThread, and
// the scrape still sees the freshly read value.

#include <QtPrometheusExporter/PrometheusExporter>
#include <QtPrometheusExporter/PrometheusUpdate>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>
#include <QtCore/QTextStream>
#include <QtCore/QThread>

class SlowProbe : public QObject
{
    Q_OBJECT
public:
    explicit SlowProbe(prometheus::Registry &registry, QObject *parent = nullptr)
        : QObject(parent), value(prometheus::BuildGauge()
                                     .Name("worker_probe_value")
                                     .Help("A value that takes 50 ms to read")
                                     .Register(registry)
                                     .Add({})),
          duration(prometheus::BuildGauge()
                       .Name("worker_probe_last_duration_seconds")
                       .Help("How long the last read took, in the worker thread")
                       .Register(registry)
                       .Add({})),
          reads(prometheus::BuildCounter()
                    .Name("worker_probe_reads_total")
                    .Help("Number of reads done for scrapes")
                    .Register(registry)
                    .Add({}))
    { }

public Q_SLOTS:
    // Runs in the worker thread. `update` refers to the copy of the handle stored in the
    // queued event, so the scrape that caused this call is held back until we return.
    void refresh(const PrometheusUpdate &update)
    {
        Q_UNUSED(update);
        QElapsedTimer timer;
        timer.start();

        QThread::msleep(50); // stands in for the slow read
        reads.Increment();
        value.Set(reads.Value() * 10);

        duration.Set(double(timer.nsecsElapsed()) / 1e9);
    }

private:
    // prometheus-cpp metrics are thread-safe: setting them here while another thread
    // collects the registry is fine.
    prometheus::Gauge &value;
    prometheus::Gauge &duration;
    prometheus::Counter &reads;
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);

    PrometheusExporter exporter; // lives in, and serves from, the main thread
    exporter.setPort(0);
    exporter.setMode(PrometheusExporter::Mode::Notify);

    QThread workerThread;
    auto *probe = new SlowProbe(*exporter.registry());
    probe->moveToThread(&workerThread);
    QObject::connect(&workerThread, &QThread::finished, probe, &QObject::deleteLater);

    // Why the scrape waits for a slot in another thread, without blocking anyone:
    //
    // The exporter emits scrapeRequested(update) and renders the response only once every
    // copy of `update` has been destroyed. With a queued connection, emit does not call
    // refresh(); it copies the arguments (here the handle) into an event posted to the
    // worker thread and returns at once. That copy lives inside the event until the
    // worker's event loop has delivered it and refresh() has returned; only then is the
    // event deleted, the last copy released, and the response rendered.
    //
    // Meanwhile the main thread is not waiting on anything: its event loop keeps running
    // (other connections, timers, a GUI), and the pending scrape is answered from there
    // once the handle is released. Scrapes arriving during the 50 ms join the same update.
    //
    // Qt::QueuedConnection is what AutoConnection would pick here anyway; it is spelled
    // out because the example depends on it.
    QObject::connect(&exporter, &PrometheusExporter::scrapeRequested, probe, &SlowProbe::refresh,
                     Qt::QueuedConnection);

    workerThread.start();

    if (!exporter.start()) {
        QTextStream(stderr) << exporter.errorString() << Qt::endl;
        workerThread.quit();
        workerThread.wait();
        return 1;
    }
    QTextStream(stdout) << "listening on " << exporter.url().toString() << Qt::endl;

    const int result = app.exec();

    // Stop serving first, so no new scrape posts work to a thread that is going away.
    exporter.stop();
    workerThread.quit();
    workerThread.wait();
    return result;
}

#include "main.moc"
