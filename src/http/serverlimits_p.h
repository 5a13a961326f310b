// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef SERVERLIMITS_P_H
#define SERVERLIMITS_P_H

#include <QtCore/qglobal.h>

#include <chrono>
#include <cstddef>

namespace QtPrometheusPrivate {

// The limits Qt's HTTP server does not have (research/qhttpserver-6.4.md R3-R7),
// with the SPEC §5 defaults.
struct ServerLimits
{
    qint64 readBufferSize = 64 * 1024;
    std::chrono::milliseconds headerTimeout {5000};
    // Also how long a client may take nothing of an answer being sent.
    std::chrono::milliseconds idleTimeout {30000};
    int maxConnections = 256;
    // A client that stops reading is dropped once this much is waiting to be sent
    // (but one response of any size always gets its chance).
    qint64 maxWriteBacklog = 4 * 1024 * 1024;
};

enum class CloseReason {
    HeaderTimeout, // the request header did not arrive in time
    IdleTimeout, // an idle keep-alive connection
    Evicted, // an idle connection closed to make room for a new one
    Rejected, // a new connection answered 503: every slot was busy
    WriteBacklog, // the client stopped reading its answers
    WriteTimeout, // the client took nothing of its answer for the idle timeout
};
// WriteTimeout is the last reason; SelfMetrics labels each.
constexpr std::size_t CloseReasonCount = std::size_t(CloseReason::WriteTimeout) + 1;

} // namespace QtPrometheusPrivate

#endif // SERVERLIMITS_P_H
