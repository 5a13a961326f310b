// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "qmlprometheusmetric_p.h"

#include "qmlprometheusexporter_p.h"

#include <QtQml/qqmlinfo.h>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <exception>

/*!
    \class QmlPrometheusMetric
    \brief The common part of the QML types \c PrometheusGauge and
    \c PrometheusCounter: one series of a prometheus-cpp family.

    The series is added to the registry of \c exporter once the component is
    complete and \c name is set; a PrometheusGauge or PrometheusCounter declared
    inside a PrometheusExporter needs no \c exporter. Changing \c name, \c help,
    \c labels or \c exporter moves the series, keeping its value; destroying the
    object removes it. Several objects may share a name with different
    \c labels (one family, several series); declare each combination of name
    and labels only once. An invalid name or label, or a name already used by a
    metric of another type, is reported with a QML warning and \c registered
    stays false.
*/

QmlPrometheusMetric::QmlPrometheusMetric(QObject *parent) : QObject(parent) { }

QmlPrometheusMetric::~QmlPrometheusMetric() = default;

QmlPrometheusExporter *QmlPrometheusMetric::exporter() const
{
    return m_exporter.data();
}

void QmlPrometheusMetric::setExporter(QmlPrometheusExporter *exporter)
{
    if (m_exporter == exporter)
        return;
    m_exporter = exporter;
    reregister();
    Q_EMIT exporterChanged();
}

void QmlPrometheusMetric::setName(const QString &name)
{
    if (m_name == name)
        return;
    m_name = name;
    reregister();
    Q_EMIT nameChanged();
}

void QmlPrometheusMetric::setHelp(const QString &help)
{
    if (m_help == help)
        return;
    m_help = help;
    reregister();
    Q_EMIT helpChanged();
}

void QmlPrometheusMetric::setLabels(const QVariantMap &labels)
{
    if (m_labels == labels)
        return;
    m_labels = labels;
    reregister();
    Q_EMIT labelsChanged();
}

void QmlPrometheusMetric::classBegin()
{
    m_complete = false;
}

void QmlPrometheusMetric::componentComplete()
{
    m_complete = true;
    reregister();
}

// Called by the subclasses' destructors, while their series still exist.
void QmlPrometheusMetric::unregister()
{
    if (m_registered)
        removeFromFamily();
    m_registry.reset();
    if (std::exchange(m_registered, false))
        Q_EMIT registeredChanged();
}

void QmlPrometheusMetric::reregister()
{
    const bool wasRegistered = m_registered;
    if (m_registered)
        removeFromFamily();
    m_registered = false;
    m_registry.reset();
    if (m_complete && m_exporter && !m_name.isEmpty()) {
        Labels labels;
        for (auto it = m_labels.cbegin(); it != m_labels.cend(); ++it)
            labels.emplace(it.key().toStdString(), it.value().toString().toStdString());
        auto registry = m_exporter->exporter()->registry();
        try {
            // prometheus-cpp wants a help text; an empty one is allowed but shows as "# HELP x ".
            addTo(*registry, m_name.toStdString(), m_help.toStdString(), labels);
            m_registry = std::move(registry);
            m_registered = true;
        } catch (const std::exception &e) {
            qmlWarning(this) << "cannot register metric \"" << m_name
                             << "\": " << QString::fromStdString(e.what());
        }
    }
    if (m_registered != wasRegistered)
        Q_EMIT registeredChanged();
}

// ---------------------------------------------------------------- gauge

/*!
    \class QmlPrometheusGauge
    \brief The QML type \c PrometheusGauge: a value that goes up and down.

    \code
    PrometheusGauge { name: "app_volume"; help: "Volume slider."; value: slider.value }
    \endcode

    \c value is an ordinary property, so it can be bound; \c increment() and
    \c decrement() change it by a step (1 by default). The value is kept while the
    gauge is not registered and given to the series when it is.
*/

struct QmlPrometheusGauge::Series
{
    prometheus::Family<prometheus::Gauge> *family = nullptr;
    prometheus::Gauge *gauge = nullptr;
};

QmlPrometheusGauge::QmlPrometheusGauge(QObject *parent) : QmlPrometheusMetric(parent) { }

QmlPrometheusGauge::~QmlPrometheusGauge()
{
    unregister();
}

double QmlPrometheusGauge::value() const
{
    return m_value;
}

void QmlPrometheusGauge::setValue(double value)
{
    if (m_series)
        m_series->gauge->Set(value);
    if (m_value == value)
        return;
    m_value = value;
    Q_EMIT valueChanged();
}

void QmlPrometheusGauge::increment(double by)
{
    setValue(m_value + by);
}

void QmlPrometheusGauge::decrement(double by)
{
    setValue(m_value - by);
}

void QmlPrometheusGauge::addTo(prometheus::Registry &registry, const std::string &name,
                               const std::string &help, const Labels &labels)
{
    auto series = std::make_unique<Series>();
    series->family = &prometheus::BuildGauge().Name(name).Help(help).Register(registry);
    series->gauge = &series->family->Add(labels);
    series->gauge->Set(m_value);
    m_series = std::move(series);
}

void QmlPrometheusGauge::removeFromFamily()
{
    if (m_series)
        m_series->family->Remove(m_series->gauge);
    m_series.reset();
}

// ---------------------------------------------------------------- counter

/*!
    \class QmlPrometheusCounter
    \brief The QML type \c PrometheusCounter: a count that only goes up.

    \code
    PrometheusCounter { id: clicks; name: "app_clicks_total"; help: "Button clicks." }
    Button { onClicked: clicks.increment() }
    \endcode

    \c value is read-only; \c increment() adds a step (1 by default; a negative
    step is refused with a warning). The count survives a change of \c name,
    \c labels or \c exporter.
*/

struct QmlPrometheusCounter::Series
{
    prometheus::Family<prometheus::Counter> *family = nullptr;
    prometheus::Counter *counter = nullptr;
};

QmlPrometheusCounter::QmlPrometheusCounter(QObject *parent) : QmlPrometheusMetric(parent) { }

QmlPrometheusCounter::~QmlPrometheusCounter()
{
    unregister();
}

double QmlPrometheusCounter::value() const
{
    return m_value;
}

void QmlPrometheusCounter::increment(double by)
{
    if (!(by >= 0)) {
        qmlWarning(this) << "PrometheusCounter: cannot increment by " << by
                         << "; a counter only goes up";
        return;
    }
    if (by == 0)
        return;
    if (m_series)
        m_series->counter->Increment(by);
    m_value += by;
    Q_EMIT valueChanged();
}

void QmlPrometheusCounter::addTo(prometheus::Registry &registry, const std::string &name,
                                 const std::string &help, const Labels &labels)
{
    auto series = std::make_unique<Series>();
    series->family = &prometheus::BuildCounter().Name(name).Help(help).Register(registry);
    // A counter cannot be set, only incremented: a new series starts from zero and is
    // brought to the count kept so far.
    const bool existed = series->family->Has(labels);
    series->counter = &series->family->Add(labels);
    if (!existed)
        series->counter->Increment(m_value);
    m_series = std::move(series);
}

void QmlPrometheusCounter::removeFromFamily()
{
    if (m_series)
        m_series->family->Remove(m_series->counter);
    m_series.reset();
}
