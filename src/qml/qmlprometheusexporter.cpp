// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "qmlprometheusexporter_p.h"

#include "qmlprometheusmetric_p.h"

#include <QtPrometheusExporter/prometheusupdate.h>

#include <QtNetwork/qhostaddress.h>
#include <QtQml/qqmlinfo.h>

/*!
    \class QmlPrometheusExporter
    \brief The QML type \c PrometheusExporter of the module \c QtPrometheusExporter.

    \code
    import QtPrometheusExporter

    PrometheusExporter {
        port: 9184
        onScrapeRequested: queueLength.value = backlog.count
        PrometheusGauge { id: queueLength; name: "app_queue_length"; help: "Jobs waiting." }
    }
    \endcode

    It owns a PrometheusExporter and forwards its properties. The differences
    from C++:
    \li \c address is a string (\c{"127.0.0.1"}, \c{"0.0.0.0"}, \c{"::"}).
    \li \c running is writable, like Timer's: the exporter starts by itself when
        the component is complete unless \c{running: false} is written.
    \li \c scrapeRequested() and \c intervalElapsed() carry no update handle: the
        update is complete when the handler returns. Asynchronous updates need C++.
    \li \c errorOccurred() passes the errorString.
    \li Objects declared inside it are kept as its children; PrometheusGauge and
        PrometheusCounter declared there use its registry without naming it.
*/

QmlPrometheusExporter::QmlPrometheusExporter(QObject *parent)
    : QObject(parent), m_exporter(new PrometheusExporter(this))
{
    PrometheusExporter *e = m_exporter;
    // Direct connections: the handle is dropped as soon as the QML handlers return.
    connect(e, &PrometheusExporter::scrapeRequested, this,
            [this](const PrometheusUpdate &) { Q_EMIT scrapeRequested(); });
    connect(e, &PrometheusExporter::intervalElapsed, this,
            [this](const PrometheusUpdate &) { Q_EMIT intervalElapsed(); });
    connect(e, &PrometheusExporter::updateTimedOut, this, &QmlPrometheusExporter::updateTimedOut);
    connect(e, &PrometheusExporter::scrapeAnswered, this, &QmlPrometheusExporter::scrapeAnswered);
    connect(e, &PrometheusExporter::errorOccurred, this, [this] {
        Q_EMIT errorStringChanged();
        Q_EMIT errorOccurred(m_exporter->errorString());
    });
    connect(e, &PrometheusExporter::addressChanged, this, &QmlPrometheusExporter::addressChanged);
    connect(e, &PrometheusExporter::portChanged, this, &QmlPrometheusExporter::portChanged);
    connect(e, &PrometheusExporter::pathChanged, this, &QmlPrometheusExporter::pathChanged);
    connect(e, &PrometheusExporter::modeChanged, this, &QmlPrometheusExporter::modeChanged);
    connect(e, &PrometheusExporter::intervalChanged, this, &QmlPrometheusExporter::intervalChanged);
    connect(e, &PrometheusExporter::updateTimeoutChanged, this,
            &QmlPrometheusExporter::updateTimeoutChanged);
    connect(e, &PrometheusExporter::runningChanged, this, &QmlPrometheusExporter::runningChanged);
    connect(e, &PrometheusExporter::urlChanged, this, &QmlPrometheusExporter::urlChanged);
    connect(e, &PrometheusExporter::statusChanged, this, &QmlPrometheusExporter::statusChanged);
    connect(e, &PrometheusExporter::statusMetricNameChanged, this,
            &QmlPrometheusExporter::statusMetricNameChanged);
    connect(e, &PrometheusExporter::selfMetricsEnabledChanged, this,
            &QmlPrometheusExporter::selfMetricsEnabledChanged);
    connect(e, &PrometheusExporter::runtimeMetricsEnabledChanged, this,
            &QmlPrometheusExporter::runtimeMetricsEnabledChanged);
    connect(e, &PrometheusExporter::compressionEnabledChanged, this,
            &QmlPrometheusExporter::compressionEnabledChanged);
}

QmlPrometheusExporter::~QmlPrometheusExporter()
{
    // Nothing may reach QML while the object is half destroyed.
    m_exporter->disconnect(this);
}

QString QmlPrometheusExporter::address() const
{
    return m_exporter->address().toString();
}

void QmlPrometheusExporter::setAddress(const QString &address)
{
    QHostAddress parsed;
    if (address.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) {
        parsed = QHostAddress(QHostAddress::LocalHost);
    } else if (!parsed.setAddress(address)) {
        qmlWarning(this) << "PrometheusExporter: \"" << address
                         << "\" is not an IP address; the address stays "
                         << m_exporter->address().toString();
        return;
    }
    m_exporter->setAddress(parsed);
}

int QmlPrometheusExporter::port() const
{
    return m_exporter->port();
}

void QmlPrometheusExporter::setPort(int port)
{
    if (port < 0 || port > 65535) {
        qmlWarning(this) << "PrometheusExporter: port " << port << " is not in 0-65535";
        return;
    }
    m_exporter->setPort(quint16(port));
}

QString QmlPrometheusExporter::path() const
{
    return m_exporter->path();
}

void QmlPrometheusExporter::setPath(const QString &path)
{
    m_exporter->setPath(path);
}

QmlPrometheusExporter::Mode QmlPrometheusExporter::mode() const
{
    return Mode(int(m_exporter->mode()));
}

void QmlPrometheusExporter::setMode(Mode mode)
{
    m_exporter->setMode(PrometheusExporter::Mode(int(mode)));
}

int QmlPrometheusExporter::interval() const
{
    return m_exporter->interval();
}

void QmlPrometheusExporter::setInterval(int msec)
{
    m_exporter->setInterval(msec);
}

int QmlPrometheusExporter::updateTimeout() const
{
    return m_exporter->updateTimeout();
}

void QmlPrometheusExporter::setUpdateTimeout(int msec)
{
    m_exporter->setUpdateTimeout(msec);
}

bool QmlPrometheusExporter::isRunning() const
{
    return m_exporter->isRunning();
}

void QmlPrometheusExporter::setRunning(bool running)
{
    m_wantRunning = running;
    if (!m_complete)
        return; // componentComplete() starts it once every property is set
    if (running)
        start();
    else
        stop();
}

QUrl QmlPrometheusExporter::url() const
{
    return m_exporter->url();
}

QmlPrometheusExporter::Status QmlPrometheusExporter::status() const
{
    return Status(int(m_exporter->status()));
}

QString QmlPrometheusExporter::statusMessage() const
{
    return m_exporter->statusMessage();
}

QString QmlPrometheusExporter::statusMetricName() const
{
    return m_exporter->statusMetricName();
}

void QmlPrometheusExporter::setStatusMetricName(const QString &name)
{
    m_exporter->setStatusMetricName(name);
}

bool QmlPrometheusExporter::selfMetricsEnabled() const
{
    return m_exporter->selfMetricsEnabled();
}

void QmlPrometheusExporter::setSelfMetricsEnabled(bool enabled)
{
    m_exporter->setSelfMetricsEnabled(enabled);
}

bool QmlPrometheusExporter::runtimeMetricsEnabled() const
{
    return m_exporter->runtimeMetricsEnabled();
}

void QmlPrometheusExporter::setRuntimeMetricsEnabled(bool enabled)
{
    m_exporter->setRuntimeMetricsEnabled(enabled);
}

bool QmlPrometheusExporter::compressionEnabled() const
{
    return m_exporter->compressionEnabled();
}

void QmlPrometheusExporter::setCompressionEnabled(bool enabled)
{
    m_exporter->setCompressionEnabled(enabled);
}

QString QmlPrometheusExporter::errorString() const
{
    return m_exporter->errorString();
}

bool QmlPrometheusExporter::start()
{
    m_wantRunning = true;
    const bool hadError = !m_exporter->errorString().isEmpty();
    const bool started = m_exporter->start();
    // start() clears the previous error; errorOccurred() announced only new ones.
    if (started && hadError)
        Q_EMIT errorStringChanged();
    return started;
}

void QmlPrometheusExporter::stop()
{
    m_wantRunning = false;
    m_exporter->stop();
}

void QmlPrometheusExporter::setStatusOk()
{
    m_exporter->setStatusOk();
}

void QmlPrometheusExporter::setStatusFailing(const QString &message)
{
    m_exporter->setStatusFailing(message);
}

void QmlPrometheusExporter::classBegin()
{
    m_complete = false;
}

void QmlPrometheusExporter::componentComplete()
{
    m_complete = true;
    if (m_wantRunning)
        start();
}

QQmlListProperty<QObject> QmlPrometheusExporter::data()
{
    return QQmlListProperty<QObject>(
        this, nullptr, &QmlPrometheusExporter::appendData, &QmlPrometheusExporter::dataCount,
        &QmlPrometheusExporter::dataAt, &QmlPrometheusExporter::clearData);
}

void QmlPrometheusExporter::appendData(QQmlListProperty<QObject> *list, QObject *object)
{
    auto *self = static_cast<QmlPrometheusExporter *>(list->object);
    if (!object)
        return;
    if (!object->parent())
        object->setParent(self);
    self->m_data.append(object);
    if (auto *metric = qobject_cast<QmlPrometheusMetric *>(object)) {
        if (!metric->exporter())
            metric->setExporter(self);
    }
}

qsizetype QmlPrometheusExporter::dataCount(QQmlListProperty<QObject> *list)
{
    return static_cast<QmlPrometheusExporter *>(list->object)->m_data.size();
}

QObject *QmlPrometheusExporter::dataAt(QQmlListProperty<QObject> *list, qsizetype index)
{
    return static_cast<QmlPrometheusExporter *>(list->object)->m_data.value(index);
}

void QmlPrometheusExporter::clearData(QQmlListProperty<QObject> *list)
{
    static_cast<QmlPrometheusExporter *>(list->object)->m_data.clear();
}
