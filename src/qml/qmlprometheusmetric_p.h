// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef QMLPROMETHEUSMETRIC_P_H
#define QMLPROMETHEUSMETRIC_P_H

// PrometheusGauge and PrometheusCounter: one prometheus-cpp series each,
// declared in QML, for QML code that has no prometheus-cpp at hand.

#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>
#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>
#include <QtQml/qqml.h>
#include <QtQml/qqmlparserstatus.h>

#include <map>
#include <memory>
#include <string>

namespace prometheus {
class Registry;
} // namespace prometheus

class QmlPrometheusExporter;

class QmlPrometheusMetric : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(PrometheusMetric)
    QML_UNCREATABLE("PrometheusMetric is the base of PrometheusGauge and PrometheusCounter.")
    Q_PROPERTY(
        QmlPrometheusExporter *exporter READ exporter WRITE setExporter NOTIFY exporterChanged)
    Q_PROPERTY(QString name READ name WRITE setName NOTIFY nameChanged)
    Q_PROPERTY(QString help READ help WRITE setHelp NOTIFY helpChanged)
    Q_PROPERTY(QVariantMap labels READ labels WRITE setLabels NOTIFY labelsChanged)
    Q_PROPERTY(bool registered READ isRegistered NOTIFY registeredChanged)

public:
    ~QmlPrometheusMetric() override;

    QmlPrometheusExporter *exporter() const;
    void setExporter(QmlPrometheusExporter *exporter);
    QString name() const { return m_name; }
    void setName(const QString &name);
    QString help() const { return m_help; }
    void setHelp(const QString &help);
    QVariantMap labels() const { return m_labels; }
    void setLabels(const QVariantMap &labels);
    bool isRegistered() const { return m_registered; }

    void classBegin() override;
    void componentComplete() override;

Q_SIGNALS:
    void exporterChanged();
    void nameChanged();
    void helpChanged();
    void labelsChanged();
    void registeredChanged();

protected:
    using Labels = std::map<std::string, std::string>;

    explicit QmlPrometheusMetric(QObject *parent = nullptr);
    // Adds the series to registry and gives it the value kept so far; throws what
    // prometheus-cpp throws for invalid names.
    virtual void addTo(prometheus::Registry &registry, const std::string &name,
                       const std::string &help, const Labels &labels)
        = 0;
    // Removes the series added by addTo(), keeping its last value.
    virtual void removeFromFamily() = 0;
    void reregister();
    void unregister();

private:
    QPointer<QmlPrometheusExporter> m_exporter;
    std::shared_ptr<prometheus::Registry> m_registry; // kept alive while a series is in it
    QString m_name;
    QString m_help;
    QVariantMap m_labels;
    bool m_complete = true;
    bool m_registered = false;
};

class QmlPrometheusGauge : public QmlPrometheusMetric
{
    Q_OBJECT
    QML_NAMED_ELEMENT(PrometheusGauge)
    Q_PROPERTY(double value READ value WRITE setValue NOTIFY valueChanged)

public:
    explicit QmlPrometheusGauge(QObject *parent = nullptr);
    ~QmlPrometheusGauge() override;

    double value() const;
    void setValue(double value);
    Q_INVOKABLE void increment(double by = 1);
    Q_INVOKABLE void decrement(double by = 1);

Q_SIGNALS:
    void valueChanged();

protected:
    void addTo(prometheus::Registry &registry, const std::string &name, const std::string &help,
               const Labels &labels) override;
    void removeFromFamily() override;

private:
    struct Series;
    std::unique_ptr<Series> m_series;
    double m_value = 0;
};

class QmlPrometheusCounter : public QmlPrometheusMetric
{
    Q_OBJECT
    QML_NAMED_ELEMENT(PrometheusCounter)
    Q_PROPERTY(double value READ value NOTIFY valueChanged)

public:
    explicit QmlPrometheusCounter(QObject *parent = nullptr);
    ~QmlPrometheusCounter() override;

    double value() const;
    Q_INVOKABLE void increment(double by = 1);

Q_SIGNALS:
    void valueChanged();

protected:
    void addTo(prometheus::Registry &registry, const std::string &name, const std::string &help,
               const Labels &labels) override;
    void removeFromFamily() override;

private:
    struct Series;
    std::unique_ptr<Series> m_series;
    double m_value = 0;
};

#endif // QMLPROMETHEUSMETRIC_P_H
