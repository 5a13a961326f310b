// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PROMETHEUSUPDATE_H
#define PROMETHEUSUPDATE_H

#include <QtPrometheusExporter/qtprometheusexporterglobal.h>

#include <QtCore/qmetatype.h>

#include <memory>

class PrometheusUpdatePrivate;

class QTPROMETHEUSEXPORTER_EXPORT PrometheusUpdate
{
public:
    PrometheusUpdate() noexcept;
    PrometheusUpdate(const PrometheusUpdate &other) noexcept;
    PrometheusUpdate(PrometheusUpdate &&other) noexcept;
    PrometheusUpdate &operator=(const PrometheusUpdate &other) noexcept;
    PrometheusUpdate &operator=(PrometheusUpdate &&other) noexcept;
    ~PrometheusUpdate();

    bool isValid() const noexcept;
    void release() noexcept;

private:
    friend class PrometheusExporterPrivate;
    explicit PrometheusUpdate(std::shared_ptr<PrometheusUpdatePrivate> d) noexcept;

    std::shared_ptr<PrometheusUpdatePrivate> d;
};

Q_DECLARE_METATYPE(PrometheusUpdate)

#endif // PROMETHEUSUPDATE_H
