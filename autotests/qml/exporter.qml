// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// Loaded by tst_qml: the QML module's types, declared as an application would.
import QtQml
import QtPrometheusExporter

PrometheusExporter {
    id: exporter
    port: 0
    address: "127.0.0.1"
    path: "/qml-metrics"
    selfMetricsEnabled: false
    runtimeMetricsEnabled: false
    compressionEnabled: false

    property int scrapeRequests: 0
    property int answered: 0
    property int lastStatusCode: 0

    onScrapeRequested: {
        scrapeRequests++
        refreshed.value = 40 + scrapeRequests
    }
    onScrapeAnswered: (statusCode) => {
        answered++
        lastStatusCode = statusCode
    }

    PrometheusGauge {
        id: fromQml
        objectName: "fromQml"
        name: "qml_test_value"
        help: "Set from QML."
        value: 12.5
    }
    PrometheusGauge {
        id: refreshed
        name: "qml_test_refreshed"
        help: "Set in onScrapeRequested."
    }
    PrometheusCounter {
        id: counter
        objectName: "counter"
        name: "qml_test_events_total"
        help: "Counted from QML."
        labels: ({ kind: "test" })
        Component.onCompleted: increment(3)
    }
}
