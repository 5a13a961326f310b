// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// A batch job ends before Prometheus could ever scrape it, so it pushes its numbers to a
// Pushgateway instead, once, when it quits. Run a gateway (`prometheus-pushgateway`), then:
//   batch-job-example --gateway http://127.0.0.1:9091 [--job NAME] [--fail]
//   curl http://127.0.0.1:9091/metrics | grep batch_job

#include <QtPrometheusExporter/PrometheusPusher>

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QElapsedTimer>
#include <QtCore/QTextStream>
#include <QtCore/QThread>
#include <QtCore/QTimer>

#include <memory>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QElapsedTimer clock; // the job measures itself from the very start
    clock.start();

    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("gateway"), QStringLiteral("Pushgateway base URL."),
                      QStringLiteral("url"), QStringLiteral("http://127.0.0.1:9091")});
    parser.addOption({QStringLiteral("job"), QStringLiteral("Job name."), QStringLiteral("name"),
                      QStringLiteral("batch_job_example")});
    parser.addOption({QStringLiteral("fail"), QStringLiteral("Pretend the work failed.")});
    parser.process(app);

    PrometheusPusher pusher;
    pusher.setGatewayUrl(QUrl(parser.value(QStringLiteral("gateway"))));
    pusher.setJob(parser.value(QStringLiteral("job")));
    pusher.setTimeout(5000); // quitting waits for the push at most this long
    pusher.setPushOnQuit(true); // the one push happens in QCoreApplication::aboutToQuit

    auto gauge = [](prometheus::Registry &registry, const char *name,
                    const char *help) -> prometheus::Gauge & {
        return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
    };
    auto &duration
        = gauge(*pusher.registry(), "batch_job_duration_seconds", "How long the last run took.");
    auto &succeeded
        = gauge(*pusher.registry(), "batch_job_succeeded", "1 if the last run succeeded, else 0.");
    // Pushed only by a run that succeeds (see below), so it keeps the last success.
    const auto successRegistry = std::make_shared<prometheus::Registry>();
    auto &lastSuccess = gauge(*successRegistry, "batch_job_last_success_timestamp_seconds",
                              "Unix time of the last run that succeeded.");

    // A failed push is logged by the library (category prometheus.pusher).
    QObject::connect(&pusher, &PrometheusPusher::pushSucceeded, &app, [&pusher] {
        QTextStream(stdout) << "pushed to " << pusher.groupUrl().toString() << Qt::endl;
    });

    // The job itself runs inside the event loop and ends it with its exit code.
    QTimer::singleShot(0, &app, [&] {
        QThread::msleep(200); // stands in for the real work
        const bool ok = !parser.isSet(QStringLiteral("fail"));
        duration.Set(double(clock.nsecsElapsed()) / 1e9);
        succeeded.Set(ok ? 1 : 0);
        if (ok) {
            lastSuccess.Set(double(QDateTime::currentMSecsSinceEpoch()) / 1000.0);
            pusher.registerCollectable(successRegistry); // Push (PUT) replaces the group
        } else {
            // PushAdd (POST) replaces only the metrics pushed, so the last success
            // timestamp of an earlier run survives this failed one.
            pusher.setOperation(PrometheusPusher::Operation::PushAdd);
        }
        QCoreApplication::exit(ok ? 0 : 1);
    });
    return app.exec();
}
