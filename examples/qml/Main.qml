// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// A Qt Quick window that exports metrics declaratively: no C++ besides main.cpp,
// which only loads this file. autotests/qml loads it offscreen and scrapes it.

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtPrometheusExporter

ApplicationWindow {
    id: window

    // main.cpp sets these from --port and --initial-value.
    property int exporterPort: 9184
    property real initialValue: 25

    width: 520
    height: 240
    visible: true
    title: qsTr("QtPrometheusExporter \u2014 QML example")

    PrometheusExporter {
        id: exporter
        objectName: "exporter"
        port: window.exporterPort      // 0: any free port; `url` tells which
        statusMetricName: "qml_example" // serves qml_example_up

        property int scrapes: 0

        // Notify mode (the default): runs right before each scrape is rendered.
        // The scrape is answered when this handler returns.
        onScrapeRequested: windowActive.value = window.active ? 1 : 0
        onScrapeAnswered: (statusCode) => scrapes++
        onErrorOccurred: (message) => console.warn("exporter:", message)

        // Metrics declared inside the exporter live in its registry.
        PrometheusGauge {
            name: "qml_slider_value"
            help: "Position of the window's slider (0-100)."
            value: slider.value         // a binding: the gauge follows the slider
        }
        PrometheusGauge {
            id: windowActive
            name: "qml_window_active"
            help: "1 while the window is active, read at each scrape."
        }
        PrometheusCounter {
            id: clicks
            name: "qml_button_clicks_total"
            help: "Clicks on the window's button."
            labels: ({ button: "count" })
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12

        Label {
            text: exporter.running ? qsTr("Metrics: %1").arg(exporter.url)
                                   : qsTr("Stopped %1").arg(exporter.errorString)
        }
        Label { text: qsTr("Scrapes answered: %1").arg(exporter.scrapes) }
        RowLayout {
            Label { text: "qml_slider_value" }
            Slider {
                id: slider
                objectName: "slider"
                Layout.fillWidth: true
                from: 0
                to: 100
                stepSize: 1
                value: window.initialValue
            }
            Label { text: slider.value.toFixed(0) }
        }
        RowLayout {
            Button {
                text: qsTr("Count a click (%1)").arg(clicks.value)
                onClicked: clicks.increment()
            }
            Button {
                text: exporter.running ? qsTr("Stop") : qsTr("Start")
                onClicked: exporter.running = !exporter.running
            }
        }
        Item { Layout.fillHeight: true }
    }
}
