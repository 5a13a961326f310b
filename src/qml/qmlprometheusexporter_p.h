// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef QMLPROMETHEUSEXPORTER_P_H
#define QMLPROMETHEUSEXPORTER_P_H

// The QML face of PrometheusExporter, in the optional QML module (URI
// QtPrometheusExporter). Not a public header: the library's own headers do not
// depend on QtQml, and C++ code uses PrometheusExporter directly.

#include <QtPrometheusExporter/prometheusexporter.h>

#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qurl.h>
#include <QtQml/qqml.h>
#include <QtQml/qqmllist.h>
#include <QtQml/qqmlparserstatus.h>

// A wrapper rather than QML_FOREIGN(PrometheusExporter): the C++ signals pass a
// PrometheusUpdate handle, and a handle stored in a JavaScript value lives until
// the garbage collector runs, which would hold every scrape until the update
// timeout. Here the QML signals carry no handle; the update is complete when
// the QML handler returns.
class QmlPrometheusExporter : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(PrometheusExporter)
    Q_PROPERTY(QString address READ address WRITE setAddress NOTIFY addressChanged)
    Q_PROPERTY(int port READ port WRITE setPort NOTIFY portChanged)
    Q_PROPERTY(QString path READ path WRITE setPath NOTIFY pathChanged)
    Q_PROPERTY(Mode mode READ mode WRITE setMode NOTIFY modeChanged)
    Q_PROPERTY(int interval READ interval WRITE setInterval NOTIFY intervalChanged)
    Q_PROPERTY(
        int updateTimeout READ updateTimeout WRITE setUpdateTimeout NOTIFY updateTimeoutChanged)
    Q_PROPERTY(bool running READ isRunning WRITE setRunning NOTIFY runningChanged)
    Q_PROPERTY(QUrl url READ url NOTIFY urlChanged)
    Q_PROPERTY(Status status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString statusMessage READ statusMessage NOTIFY statusChanged)
    Q_PROPERTY(QString statusMetricName READ statusMetricName WRITE setStatusMetricName NOTIFY
                   statusMetricNameChanged)
    Q_PROPERTY(bool selfMetricsEnabled READ selfMetricsEnabled WRITE setSelfMetricsEnabled NOTIFY
                   selfMetricsEnabledChanged)
    Q_PROPERTY(bool runtimeMetricsEnabled READ runtimeMetricsEnabled WRITE setRuntimeMetricsEnabled
                   NOTIFY runtimeMetricsEnabledChanged)
    Q_PROPERTY(bool compressionEnabled READ compressionEnabled WRITE setCompressionEnabled NOTIFY
                   compressionEnabledChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    Q_PROPERTY(QQmlListProperty<QObject> data READ data)
    Q_CLASSINFO("DefaultProperty", "data")

public:
    // Same values as PrometheusExporter::Mode and ::Status, readable from QML as
    // PrometheusExporter.Notify, PrometheusExporter.Failing, ...
    enum Mode {
        Plain = int(PrometheusExporter::Mode::Plain),
        Notify = int(PrometheusExporter::Mode::Notify),
        Repeat = int(PrometheusExporter::Mode::Repeat),
    };
    Q_ENUM(Mode)
    enum Status {
        Ok = int(PrometheusExporter::Status::Ok),
        Failing = int(PrometheusExporter::Status::Failing),
    };
    Q_ENUM(Status)

    explicit QmlPrometheusExporter(QObject *parent = nullptr);
    ~QmlPrometheusExporter() override;

    PrometheusExporter *exporter() const { return m_exporter; }

    QString address() const;
    void setAddress(const QString &address);
    int port() const;
    void setPort(int port);
    QString path() const;
    void setPath(const QString &path);
    Mode mode() const;
    void setMode(Mode mode);
    int interval() const;
    void setInterval(int msec);
    int updateTimeout() const;
    void setUpdateTimeout(int msec);
    bool isRunning() const;
    void setRunning(bool running);
    QUrl url() const;
    Status status() const;
    QString statusMessage() const;
    QString statusMetricName() const;
    void setStatusMetricName(const QString &name);
    bool selfMetricsEnabled() const;
    void setSelfMetricsEnabled(bool enabled);
    bool runtimeMetricsEnabled() const;
    void setRuntimeMetricsEnabled(bool enabled);
    bool compressionEnabled() const;
    void setCompressionEnabled(bool enabled);
    QString errorString() const;
    QQmlListProperty<QObject> data();

    Q_INVOKABLE bool start();
    Q_INVOKABLE void stop();
    Q_INVOKABLE void setStatusOk();
    Q_INVOKABLE void setStatusFailing(const QString &message = QString());

    void classBegin() override;
    void componentComplete() override;

Q_SIGNALS:
    void scrapeRequested();
    void intervalElapsed();
    void updateTimedOut();
    void scrapeAnswered(int statusCode);
    void errorOccurred(const QString &errorString);

    void addressChanged();
    void portChanged();
    void pathChanged();
    void modeChanged();
    void intervalChanged();
    void updateTimeoutChanged();
    void runningChanged();
    void urlChanged();
    void statusChanged();
    void statusMetricNameChanged();
    void selfMetricsEnabledChanged();
    void runtimeMetricsEnabledChanged();
    void compressionEnabledChanged();
    void errorStringChanged();

private:
    static void appendData(QQmlListProperty<QObject> *list, QObject *object);
    static qsizetype dataCount(QQmlListProperty<QObject> *list);
    static QObject *dataAt(QQmlListProperty<QObject> *list, qsizetype index);
    static void clearData(QQmlListProperty<QObject> *list);

    PrometheusExporter *m_exporter;
    QList<QObject *> m_data;
    bool m_complete = true;
    bool m_wantRunning = true;
};

#endif // QMLPROMETHEUSEXPORTER_P_H
