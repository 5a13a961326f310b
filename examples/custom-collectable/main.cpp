// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// A custom prometheus::Collectable: metrics computed at scrape time.
//
// Registering a Gauge per item and keeping it in sync is awkward when the set of items
// changes all the time (open documents, connected clients, queues created on demand): a
// removed item would have to be removed from its family too, or it is exported forever.
// A Collectable turns this around. It owns no metric objects; every scrape calls its
// Collect(), which builds MetricFamily values from the application's own data as it is
// right now. Nothing can go stale, and an item that is gone simply is not reported.
//
// Collect() is called at every scrape, possibly from a thread other than the one the
// exporter lives in (rendering a large registry may move off the GUI thread), so it must
// only read data that is safe to read from there: here a mutex guards the job table.

#include <QtPrometheusExporter/PrometheusExporter>

#include <prometheus/client_metric.h>
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>
#include <prometheus/metric_type.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QMutex>
#include <QtCore/QMutexLocker>
#include <QtCore/QRandomGenerator>
#include <QtCore/QString>
#include <QtCore/QTextStream>
#include <QtCore/QTimer>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace std::chrono_literals;

// The application's own data: print queues that come and go.
class PrintQueues
{
public:
    void setLength(const std::string &queue, int jobs)
    {
        QMutexLocker locker(&m_mutex);
        if (jobs > 0)
            m_jobs[queue] = jobs;
        else
            m_jobs.erase(queue); // an empty queue disappears, and so do its series
    }

    std::map<std::string, int> snapshot() const
    {
        QMutexLocker locker(&m_mutex);
        return m_jobs;
    }

private:
    mutable QMutex m_mutex;
    std::map<std::string, int> m_jobs;
};

// Reads PrintQueues at every scrape. Collect() is const and may run in any thread.
class PrintQueueCollector final : public prometheus::Collectable
{
public:
    explicit PrintQueueCollector(const PrintQueues &queues) : m_queues(queues) { }

    std::vector<prometheus::MetricFamily> Collect() const override
    {
        const std::map<std::string, int> jobs = m_queues.snapshot();

        prometheus::MetricFamily length;
        length.name = "print_queue_length";
        length.help = "Jobs waiting in each print queue, read at scrape time.";
        length.type = prometheus::MetricType::Gauge;

        prometheus::MetricFamily total;
        total.name = "print_queues";
        total.help = "Number of print queues with waiting jobs.";
        total.type = prometheus::MetricType::Gauge;

        for (const auto &[queue, count] : jobs) {
            prometheus::ClientMetric metric;
            metric.label.push_back({"queue", queue});
            metric.gauge.value = double(count);
            length.metric.push_back(std::move(metric));
        }
        prometheus::ClientMetric queues;
        queues.gauge.value = double(jobs.size());
        total.metric.push_back(std::move(queues));

        // A family without series is allowed; it still shows its HELP and TYPE lines.
        return {std::move(length), std::move(total)};
    }

private:
    const PrintQueues &m_queues;
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);

    PrintQueues queues;

    // Plain mode: nothing to refresh before a scrape, the collector reads the data itself.
    PrometheusExporter exporter;
    exporter.setPort(0);
    exporter.setMode(PrometheusExporter::Mode::Plain);

    // The exporter keeps only a std::weak_ptr, like prometheus-cpp's Exposer: the
    // application owns the collector and must keep it alive while it should be served.
    // (removeCollectable() takes it out again; an expired one is skipped.)
    const auto collector = std::make_shared<PrintQueueCollector>(queues);
    exporter.registerCollectable(collector);

    // Simulated activity: queues fill and drain, and appear and vanish.
    QTimer activity;
    QObject::connect(&activity, &QTimer::timeout, &activity, [&queues] {
        static const char *const names[] = {"office", "lab", "reception"};
        auto *random = QRandomGenerator::global();
        queues.setLength(names[random->bounded(3)], random->bounded(6));
    });
    activity.start(300ms);

    if (!exporter.start()) {
        QTextStream(stderr) << exporter.errorString() << Qt::endl;
        return 1;
    }
    QTextStream(stdout) << "listening on " << exporter.url().toString() << Qt::endl;
    return app.exec();
}
