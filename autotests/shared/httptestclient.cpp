// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "httptestclient.h"

#include <QtTest/qtest.h>

#include <zlib.h>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

QByteArray HttpTestResponse::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return QByteArray();
}

int HttpTestResponse::headerCount(const QByteArray &name) const
{
    int count = 0;
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            ++count;
    }
    return count;
}

HttpTestClient::~HttpTestClient()
{
    m_socket.abort();
}

bool HttpTestClient::connectTo(quint16 port, int timeoutMs)
{
    m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; },
                           timeoutMs);
}

void HttpTestClient::send(const QByteArray &raw)
{
    m_socket.write(raw);
    m_socket.flush();
}

void HttpTestClient::sendGet(const QByteArray &path, const QList<QByteArray> &extraHeaders)
{
    QByteArray raw = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const QByteArray &header : extraHeaders)
        raw += header + "\r\n";
    raw += "\r\n";
    send(raw);
}

bool HttpTestClient::finishSending()
{
#ifdef Q_OS_UNIX
    m_socket.flush();
    return ::shutdown(int(m_socket.socketDescriptor()), SHUT_WR) == 0;
#else
    return false;
#endif
}

void HttpTestClient::pull()
{
    m_buffer += m_socket.readAll();
}

std::optional<HttpTestResponse> HttpTestClient::parse(bool head, bool *incomplete)
{
    *incomplete = true;
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return std::nullopt;
    HttpTestResponse response;
    const QList<QByteArray> lines = m_buffer.left(end).split('\n');
    response.statusLine = lines.value(0).trimmed();
    const QList<QByteArray> parts = response.statusLine.split(' ');
    response.statusCode = parts.value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            response.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    const qsizetype length = head ? 0 : response.header("Content-Length").toLongLong();
    const qsizetype bodyStart = end + 4;
    if (m_buffer.size() < bodyStart + length)
        return std::nullopt;
    response.body = m_buffer.mid(bodyStart, length);
    m_buffer.remove(0, bodyStart + length);
    *incomplete = false;
    return response;
}

std::optional<HttpTestResponse> HttpTestClient::read(bool head, int timeoutMs)
{
    std::optional<HttpTestResponse> result;
    bool incomplete = true;
    (void)QTest::qWaitFor(
        [&] {
            pull();
            result = parse(head, &incomplete);
            return !incomplete || m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
    if (incomplete) {
        pull();
        result = parse(head, &incomplete);
    }
    return result;
}

bool HttpTestClient::waitForClosed(int timeoutMs)
{
    return QTest::qWaitFor(
        [this] {
            pull();
            return m_socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
}

void HttpTestClient::disconnect()
{
    m_socket.abort();
}

std::optional<HttpTestResponse> httpGet(quint16 port, const QByteArray &path,
                                        const QList<QByteArray> &extraHeaders)
{
    HttpTestClient client;
    if (!client.connectTo(port))
        return std::nullopt;
    client.sendGet(path, extraHeaders);
    return client.read();
}

QByteArray pipelinedGets(int count)
{
    QByteArray pipeline;
    for (int i = 0; i < count; ++i)
        pipeline += "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    return pipeline;
}

std::optional<double> sampleValue(const QByteArray &body, const QByteArray &name)
{
    for (const QByteArray &line : body.split('\n')) {
        if (line.startsWith('#') || !line.startsWith(name))
            continue;
        const QByteArray rest = line.mid(name.size());
        if (!rest.startsWith(' '))
            continue; // a longer name or other labels
        bool ok = false;
        const double value = rest.trimmed().split(' ').value(0).toDouble(&ok);
        if (ok)
            return value;
    }
    return std::nullopt;
}

QByteArray gunzip(const QByteArray &data)
{
    z_stream stream {};
    if (inflateInit2(&stream, 15 + 16) != Z_OK)
        return QByteArray();
    QByteArray out;
    char chunk[64 * 1024];
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    int result = Z_OK;
    while (result == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef *>(chunk);
        stream.avail_out = sizeof chunk;
        result = inflate(&stream, Z_NO_FLUSH);
        out.append(chunk, qsizetype(sizeof chunk - stream.avail_out));
    }
    inflateEnd(&stream);
    return result == Z_STREAM_END ? out : QByteArray();
}
