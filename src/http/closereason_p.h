// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef CLOSEREASON_P_H
#define CLOSEREASON_P_H

#include <cstddef>

namespace QtPrometheusPrivate {

// Why the server closed a connection itself; the self metrics count each.
enum class CloseReason {
    HeaderTimeout, // the request header did not arrive in time
    IdleTimeout, // an idle keep-alive connection
    Evicted, // closed to make room for a new one: still waiting for its header, or idle
    Rejected, // a new connection answered 503: every slot was busy
    WriteBacklog, // the client stopped reading its answers
    WriteTimeout, // the client took nothing of its answer for the idle timeout
    HeaderTooLarge, // answered 431 or 414: too many header fields, or too many bytes
    BadRequest, // answered 400: Qt could not parse a request, or empty lines flooded
};
// BadRequest is the last reason; SelfMetrics labels each.
constexpr std::size_t CloseReasonCount = std::size_t(CloseReason::BadRequest) + 1;

} // namespace QtPrometheusPrivate

#endif // CLOSEREASON_P_H
