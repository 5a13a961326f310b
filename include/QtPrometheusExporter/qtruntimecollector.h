// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef QTRUNTIMECOLLECTOR_H
#define QTRUNTIMECOLLECTOR_H

#include <QtPrometheusExporter/qtprometheusexporterglobal.h>

#include <QtCore/qstring.h>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <chrono>
#include <memory>
#include <vector>

class QThread;
class QtRuntimeCollectorPrivate;

class QTPROMETHEUSEXPORTER_EXPORT QtRuntimeCollector final : public prometheus::Collectable
{
public:
    static constexpr std::chrono::milliseconds DefaultProbeInterval {100};

    explicit QtRuntimeCollector(std::chrono::milliseconds probeInterval = DefaultProbeInterval);
    ~QtRuntimeCollector() override;

    bool addThread(QThread *thread, const QString &name = QString());
    bool removeThread(QThread *thread);

    std::chrono::milliseconds probeInterval() const;

    std::vector<prometheus::MetricFamily> Collect() const override;

private:
    Q_DECLARE_PRIVATE(QtRuntimeCollector)
    Q_DISABLE_COPY_MOVE(QtRuntimeCollector)
    std::unique_ptr<QtRuntimeCollectorPrivate> d_ptr;
};

#endif // QTRUNTIMECOLLECTOR_H
