// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// The three ways to run an exporter, side by side. Each one gets its own port (0 = any free
// port) and prints its URL; curl them to see the difference.
//
// Which mode to pick depends on who knows when the numbers change:
//   plain  - the application does; it updates metrics as things happen.
//   notify - nobody; the values are cheap to read but only worth reading when someone asks
//            (queue lengths, cache sizes, ...), so read them right before each scrape.
//   repeat - a clock; sampling is expensive or must be regular, so do it every interval
//            and let scrapes serve the latest sample.

#include <QtPrometheusExporter/PrometheusExporter>
#include <QtPrometheusExporter/PrometheusUpdate>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QTextStream>
#include <QtCore/QTimer>

#include <chrono>

using namespace std::chrono_literals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);

    // Every exporter owns its registry; metrics are ordinary prometheus-cpp objects.
    // The references stay valid as long as the registry (and so the exporter) lives.

    // --- Plain: serve whatever the registry holds --------------------------------------
    PrometheusExporter plain;
    plain.setPort(0);
    plain.setMode(PrometheusExporter::Mode::Plain);
    auto &ticks = prometheus::BuildCounter()
                      .Name("modes_plain_ticks_total")
                      .Help("Incremented by the application's own timer")
                      .Register(*plain.registry())
                      .Add({});
    // The application updates whenever it likes; the exporter never asks. A scrape may
    // land between two related updates, which is fine for independent counters.
    QTimer ticker;
    QObject::connect(&ticker, &QTimer::timeout, &ticker, [&ticks] { ticks.Increment(); });
    ticker.start(500ms);

    // --- Notify: refresh right before every scrape --------------------------------------
    PrometheusExporter notify;
    notify.setPort(0);
    notify.setMode(PrometheusExporter::Mode::Notify); // the default, spelled out
    auto &now = prometheus::BuildGauge()
                    .Name("modes_notify_unixtime_seconds")
                    .Help("Wall clock read when the scrape arrived")
                    .Register(*notify.registry())
                    .Add({});
    // The exporter renders the response only once every copy of `update` is gone. With
    // this direct connection that is when the lambda returns, so the scrape always shows
    // the value set here. (To finish later, e.g. after a network reply, keep a copy of
    // `update` and drop it when done; the scrape waits for it, up to a timeout.)
    QObject::connect(&notify, &PrometheusExporter::scrapeRequested, &notify,
                     [&now](const PrometheusUpdate &update) {
                         Q_UNUSED(update);
                         now.Set(double(QDateTime::currentSecsSinceEpoch()));
                     });

    // --- Repeat: refresh on a timer -----------------------------------------------------
    PrometheusExporter repeat;
    repeat.setPort(0);
    repeat.setMode(PrometheusExporter::Mode::Repeat);
    repeat.setInterval(2s);
    auto &samples = prometheus::BuildCounter()
                        .Name("modes_repeat_samples_total")
                        .Help("Number of interval updates")
                        .Register(*repeat.registry())
                        .Add({});
    // Same handle rule: while `update` lives, scrapes wait, so nobody sees half of an
    // update that sets several related metrics. The next tick is not emitted before this
    // one is finished.
    QObject::connect(&repeat, &PrometheusExporter::intervalElapsed, &repeat,
                     [&samples](const PrometheusUpdate &update) {
                         Q_UNUSED(update);
                         samples.Increment();
                     });

    // start() binds the port right away; url() then holds the real port.
    for (PrometheusExporter *exporter : {&plain, &notify, &repeat}) {
        if (!exporter->start()) {
            QTextStream(stderr) << exporter->errorString() << Qt::endl;
            return 1;
        }
    }
    out << "plain:  " << plain.url().toString() << Qt::endl;
    out << "notify: " << notify.url().toString() << Qt::endl;
    out << "repeat: " << repeat.url().toString() << Qt::endl;

    return app.exec();
}
