// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef HTTPSERVER_P_H
#define HTTPSERVER_P_H

#include <QtHttpServer/qabstracthttpserver.h>

#include <functional>
#include <memory>

#include "httprequest_p.h"

class HttpConnection;
class HttpReply;
class ListenServer;

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

    // Binds the listener; false with the reason in errorString on failure.
    bool listen(const QHostAddress &address, quint16 port);
    // Takes over the listening socket of an already listening QTcpServer.
    bool adopt(QTcpServer *listener);

    quint16 serverPort() const;
    QHostAddress serverAddress() const;
    QString errorString() const { return m_errorString; }
    bool addressInUse() const { return m_addressInUse; }

    // Stops accepting, flushes and closes every connection.
    void close();
    bool isDispatching() const { return m_dispatching > 0; }

protected:
#if QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;
#else
    bool handleRequest(const QHttpServerRequest &request, QHttpServerResponder &responder) override;
#if QT_VERSION < QT_VERSION_CHECK(6, 8, 0)
    void missingHandler(const QHttpServerRequest &request,
                        QHttpServerResponder &&responder) override;
#else
    void missingHandler(const QHttpServerRequest &request,
                        QHttpServerResponder &responder) override;
#endif
#endif

private:
    void bindListener();
    void
    dispatch(const QHttpServerRequest &request, HttpConnection *connection,
             const std::function<std::shared_ptr<HttpReply>(bool head, bool close)> &makeReply);

    ListenServer *m_listener = nullptr;
    RequestHandler m_handler;
    QString m_errorString;
    bool m_addressInUse = false;
    int m_dispatching = 0;
    bool m_closed = false;
};

#endif // HTTPSERVER_P_H
