// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef HTTPSERVER_P_H
#define HTTPSERVER_P_H

#include <QtHttpServer/qabstracthttpserver.h>

#include <functional>
#include <memory>

#include "http/connectionguard_p.h"
#include "http/httprequest_p.h"

QT_BEGIN_NAMESPACE
class QSslConfiguration;
class QTcpServer;
QT_END_NAMESPACE

namespace QtPrometheusPrivate {

class HttpConnection;
class HttpReply;

// Where every request is accepted: copies it into an HttpRequest, pairs it with
// the HttpReply that will answer it, and hands both to the exporter.
class HttpServer : public QAbstractHttpServer
{
    Q_OBJECT
public:
    using RequestHandler = std::function<void(HttpRequest &&, std::shared_ptr<HttpReply>)>;

    explicit HttpServer(QObject *parent = nullptr);
    ~HttpServer() override;

    void setRequestHandler(RequestHandler handler) { m_handler = std::move(handler); }

    // What the exporter may know of the connections: limits to apply (at once,
    // to open connections too), how many are open, and why each closes.
    void setLimits(const ServerLimits &limits) { m_guard.limits = limits; }
    int connectionCount() const { return m_guard.count(); }
    void setCloseObserver(std::function<void(CloseReason)> observer)
    {
        m_guard.onClosed = std::move(observer);
    }

    // Binds the listener, with TLS when tls is given; false with the reason in
    // errorString on failure.
    bool listen(const QHostAddress &address, quint16 port, const QSslConfiguration *tls);
    // Takes over the listening socket of an already listening QTcpServer.
    bool adopt(QTcpServer *listener, const QSslConfiguration *tls);

    quint16 serverPort() const;
    QHostAddress serverAddress() const;
    QString errorString() const { return m_errorString; }
    bool addressInUse() const { return m_addressInUse; }

    // Stops accepting and closes every connection once its answers are sent.
    void close();
    // Deletes the server once every connection has handed its answers to the
    // kernel, or at the deadline (aborting what is left); calls whenGone first.
    void deleteWhenFlushed(std::chrono::milliseconds deadline, std::function<void()> whenGone);
    bool isDispatching() const { return m_dispatching > 0; }

protected:
#if QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;
#else // Qt 6.8+ (6.5-6.7 are refused by CMakeLists.txt: no CI runs them)
    bool handleRequest(const QHttpServerRequest &request, QHttpServerResponder &responder) override;
    void missingHandler(const QHttpServerRequest &request,
                        QHttpServerResponder &responder) override;
#endif

private:
    QTcpServer *createListener(const QSslConfiguration *tls);
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    HttpConnection *connectionFor(const QHttpServerRequest &request) const;
#endif
    void bindListener(QTcpServer *listener);
    void
    dispatch(const QHttpServerRequest &request, HttpConnection *connection,
             const std::function<std::shared_ptr<HttpReply>(bool head, bool close)> &makeReply);

    ConnectionGuard m_guard;
    QTcpServer *m_listener = nullptr;
    std::function<void()> m_whenGone;
    RequestHandler m_handler;
    QString m_errorString;
    bool m_addressInUse = false;
    int m_dispatching = 0;
    bool m_closed = false;
};

} // namespace QtPrometheusPrivate

#endif // HTTPSERVER_P_H
