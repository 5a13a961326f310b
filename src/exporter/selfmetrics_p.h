// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef SELFMETRICS_P_H
#define SELFMETRICS_P_H

#include <QtCore/qhash.h>

#include <array>
#include <memory>

#include "http/closereason_p.h"

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
class Registry;
template<typename T> class Family;
} // namespace prometheus

namespace QtPrometheusPrivate {

// The exporter's own metrics, named as the Rust crate names them, in a registry
// of their own so that they never mix with (or leak into) the user's registry.
class SelfMetrics
{
public:
    SelfMetrics();
    ~SelfMetrics();

    std::shared_ptr<prometheus::Registry> registry() const { return m_registry; }

    void countRequest(int statusCode);
    void observeScrape(double seconds, qint64 bodySize);
    void countUpdateTimeout();
    void setScrapesInFlight(int count);
    void countConnectionClosed(CloseReason reason);
    void setOpenConnections(int count) const;

private:
    std::shared_ptr<prometheus::Registry> m_registry;
    prometheus::Family<prometheus::Counter> *m_requests = nullptr;
    QHash<int, prometheus::Counter *> m_requestsByCode;
    prometheus::Gauge *m_responseSize = nullptr;
    prometheus::Histogram *m_duration = nullptr;
    prometheus::Counter *m_updateTimeouts = nullptr;
    prometheus::Gauge *m_inFlight = nullptr;
    std::array<prometheus::Counter *, CloseReasonCount> m_closedByReason {};
    prometheus::Gauge *m_openConnections = nullptr;
};

} // namespace QtPrometheusPrivate

#endif // SELFMETRICS_P_H
