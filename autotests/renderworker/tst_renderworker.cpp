// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// RenderWorker as a unit: a finished render is kept while a socket still
// shares its body, and freed (on the worker) once nothing does.

#include <QtCore/qobject.h>
#include <QtTest/qtest.h>

#include <prometheus/registry.h>

#include <memory>

#include "exporter/renderworker_p.h"
#include "testgauges.h"

using namespace QtPrometheusPrivate;

class tst_RenderWorker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void retiredRenderIsFreedOnceUnshared();
};

void tst_RenderWorker::retiredRenderIsFreedOnceUnshared()
{
    auto registry = std::make_shared<prometheus::Registry>();
    addGauges(*registry, "test_retire", 1000);
    RenderInput input;
    input.collectables.push_back(registry);
    const RenderRequest plain;
    RenderRequest gzip;
    gzip.gzip = true;

    QObject context;
    RenderWorker worker(&context, [] {});
    auto outcome = std::make_unique<RenderOutcome>(RenderWorker::renderNow(input, {plain, gzip}));
    // What a socket's write buffer does with a large body: it shares it.
    QByteArray inFlight = outcome->render->body(plain).body;
    QVERIFY(inFlight.contains("test_retire{id=\"999\"} 999"));
    QVERIFY(!outcome->render->body(gzip).body.isEmpty());

    worker.retire(std::move(outcome));
    QVERIFY(worker.releaseRetired()); // still shared: kept
    QVERIFY(worker.releaseRetired());
    inFlight.clear(); // sent
    QVERIFY(!worker.releaseRetired()); // freed (on the worker)
    QVERIFY(!worker.releaseRetired());
}

QTEST_GUILESS_MAIN(tst_RenderWorker)
#include "tst_renderworker.moc"
