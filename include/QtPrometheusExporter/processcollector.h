// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PROCESSCOLLECTOR_H
#define PROCESSCOLLECTOR_H

#include <QtPrometheusExporter/qtprometheusexporterglobal.h>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <memory>
#include <vector>

class ProcessCollectorPrivate;

class QTPROMETHEUSEXPORTER_EXPORT ProcessCollector final : public prometheus::Collectable
{
public:
    ProcessCollector();
    ~ProcessCollector() override;

    std::vector<prometheus::MetricFamily> Collect() const override;

    static bool isSupported();

private:
    Q_DECLARE_PRIVATE(ProcessCollector)
    Q_DISABLE_COPY_MOVE(ProcessCollector)
    std::unique_ptr<ProcessCollectorPrivate> d_ptr;
};

#endif // PROCESSCOLLECTOR_H
