// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef RAWSOCKET_H
#define RAWSOCKET_H

#include <QtCore/qglobal.h>

#ifdef Q_OS_UNIX
#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

// A TCP connection to 127.0.0.1:port that needs no event loop of its own: the
// kernel completes it while the exporter, in the same thread, has not yet
// accepted it. Blocking by default; non-blocking ones never wait for a full
// accept queue. A receive buffer size, when given, is set before connecting.
// Returns the descriptor (the caller closes it), or -1.
inline int connectRaw(quint16 port, bool nonBlocking = false, int receiveBufferSize = 0)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | (nonBlocking ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0)
        return -1;
    if (receiveBufferSize > 0
        && ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receiveBufferSize, sizeof receiveBufferSize)
            != 0) {
        ::close(fd);
        return -1;
    }
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0
        && !(nonBlocking && errno == EINPROGRESS)) {
        ::close(fd);
        return -1;
    }
    return fd;
}
#endif

#endif // RAWSOCKET_H
