// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef SERVERLIMITS_P_H
#define SERVERLIMITS_P_H

#include <QtCore/qglobal.h>

#include <chrono>

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
    // All connections together: past it, the connections whose clients have
    // taken nothing for longest are dropped first.
    qint64 maxTotalWriteBacklog = 8 * 1024 * 1024;
};

} // namespace QtPrometheusPrivate

#endif // SERVERLIMITS_P_H
