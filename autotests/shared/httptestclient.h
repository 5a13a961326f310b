// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef HTTPTESTCLIENT_H
#define HTTPTESTCLIENT_H

#include <QtCore/qbytearray.h>
#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtNetwork/qtcpsocket.h>

#include <optional>

// A deliberately small HTTP/1.1 client over a raw QTcpSocket: the tests need
// to send exactly the bytes they choose (pipelining, HTTP/1.0, bad requests)
// and to see exactly the bytes the exporter writes. Every wait spins the event
// loop, because the exporter under test lives in the same thread.
struct HttpTestResponse
{
    int statusCode = 0;
    QByteArray statusLine;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const;
    int headerCount(const QByteArray &name) const;
};

class HttpTestClient
{
public:
    HttpTestClient() = default;
    ~HttpTestClient();
    Q_DISABLE_COPY_MOVE(HttpTestClient)

    bool connectTo(quint16 port, int timeoutMs = 5000);
    void send(const QByteArray &raw);
    void sendGet(const QByteArray &path, const QList<QByteArray> &extraHeaders = {});
    // Half-closes the connection (shutdown(SHUT_WR)): the server sees the end
    // of the request stream while the client still reads its answers.
    bool finishSending();
    // Reads one response; a HEAD response has no body whatever Content-Length says.
    std::optional<HttpTestResponse> read(bool head = false, int timeoutMs = 15000);
    // Waits until the server has closed the connection.
    bool waitForClosed(int timeoutMs = 5000);
    // Everything received and not yet consumed by read().
    QByteArray pending() const { return m_buffer; }
    void disconnect();
    QTcpSocket &socket() { return m_socket; }

private:
    void pull();
    std::optional<HttpTestResponse> parse(bool head, bool *incomplete);

    QTcpSocket m_socket;
    QByteArray m_buffer;
};

// One GET on a fresh connection; nullopt when no complete answer came.
std::optional<HttpTestResponse> httpGet(quint16 port, const QByteArray &path,
                                        const QList<QByteArray> &extraHeaders = {});

// count identical GET /metrics requests, back to back (pipelined).
QByteArray pipelinedGets(int count);

// Decompresses a gzip body; empty on any error.
QByteArray gunzip(const QByteArray &data);

// The value of the first sample whose line starts with name (including labels).
std::optional<double> sampleValue(const QByteArray &body, const QByteArray &name);

#endif // HTTPTESTCLIENT_H
