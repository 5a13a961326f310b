// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "exporter/selfmetrics_p.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <iterator>
#include <string>

namespace QtPrometheusPrivate {

namespace {
// The label of each CloseReason, in the enum's order.
constexpr const char *CloseReasonLabels[] = {
    "header_timeout", "idle_timeout",  "evicted",          "rejected",
    "write_backlog",  "write_timeout", "header_too_large", "bad_request",
};
static_assert(std::size(CloseReasonLabels) == CloseReasonCount, "a label for every CloseReason");
} // namespace

SelfMetrics::SelfMetrics() : m_registry(std::make_shared<prometheus::Registry>())
{
    m_requests = &prometheus::BuildCounter()
                      .Name("prometheus_exporter_requests_total")
                      .Help("Number of HTTP requests answered by the exporter, by status code.")
                      .Register(*m_registry);
    // Pre-created so that a dashboard sees 0 rather than no series.
    for (int code : {200, 500, 503})
        m_requestsByCode.insert(code, &m_requests->Add({{"code", std::to_string(code)}}));

    m_responseSize = &prometheus::BuildGauge()
                          .Name("prometheus_exporter_response_size_bytes")
                          .Help("Size of the last metrics response body, in bytes.")
                          .Register(*m_registry)
                          .Add({});
    m_duration = &prometheus::BuildHistogram()
                      .Name("prometheus_exporter_request_duration_seconds")
                      .Help("Time from a scrape's arrival to its answer, including the wait "
                            "for the application's update.")
                      .Register(*m_registry)
                      .Add({},
                           prometheus::Histogram::BucketBoundaries {0.0005, 0.001, 0.0025, 0.005,
                                                                    0.01, 0.025, 0.05, 0.1, 0.25,
                                                                    0.5, 1, 2.5, 5, 10});
    m_updateTimeouts = &prometheus::BuildCounter()
                            .Name("prometheus_exporter_update_timeouts_total")
                            .Help("Scrapes answered without waiting for the application's "
                                  "update, because the update took longer than the timeout.")
                            .Register(*m_registry)
                            .Add({});
    m_inFlight = &prometheus::BuildGauge()
                      .Name("prometheus_exporter_requests_in_flight")
                      .Help("Scrapes accepted and not yet answered, this one included.")
                      .Register(*m_registry)
                      .Add({});
    auto &closed = prometheus::BuildCounter()
                       .Name("prometheus_exporter_connections_closed_total")
                       .Help("Connections closed or turned away by the exporter's limits, "
                             "by reason.")
                       .Register(*m_registry);
    for (std::size_t reason = 0; reason < CloseReasonCount; ++reason)
        m_closedByReason[reason] = &closed.Add({{"reason", CloseReasonLabels[reason]}});
    m_openConnections = &prometheus::BuildGauge()
                             .Name("prometheus_exporter_connections")
                             .Help("Open HTTP connections.")
                             .Register(*m_registry)
                             .Add({});
}

SelfMetrics::~SelfMetrics() = default;

void SelfMetrics::countRequest(int statusCode)
{
    prometheus::Counter *&counter = m_requestsByCode[statusCode];
    if (!counter)
        counter = &m_requests->Add({{"code", std::to_string(statusCode)}});
    counter->Increment();
}

void SelfMetrics::observeScrape(double seconds, qint64 bodySize)
{
    m_duration->Observe(seconds);
    m_responseSize->Set(double(bodySize));
}

void SelfMetrics::countUpdateTimeout()
{
    m_updateTimeouts->Increment();
}

void SelfMetrics::setScrapesInFlight(int count)
{
    m_inFlight->Set(double(count));
}

void SelfMetrics::countConnectionClosed(CloseReason reason)
{
    m_closedByReason[std::size_t(reason)]->Increment();
}

void SelfMetrics::setOpenConnections(int count) const
{
    m_openConnections->Set(double(count));
}

} // namespace QtPrometheusPrivate
