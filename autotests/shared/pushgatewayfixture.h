// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PUSHGATEWAYFIXTURE_H
#define PUSHGATEWAYFIXTURE_H

#include <QtCore/qbytearray.h>
#include <QtCore/qjsonarray.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qmap.h>
#include <QtCore/qprocess.h>
#include <QtCore/qstring.h>
#include <QtCore/qstringlist.h>
#include <QtCore/qurl.h>
#include <QtNetwork/qnetworkaccessmanager.h>
#if QT_CONFIG(ssl)
#include <QtNetwork/qsslconfiguration.h>
#endif

#include <optional>

// A grouping key, or a sample's labels.
using Labels = QMap<QString, QString>;

// $PUSHGATEWAY_EXECUTABLE, else prometheus-pushgateway (Debian's name) or
// pushgateway on the PATH; empty when there is none.
QString pushgatewayExecutable();

// A port nobody listens on right now: bound to port 0, then closed again.
quint16 freePort();

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QString error;
};

// A real Pushgateway on loopback, kept in memory only. The test reads groups
// back from the gateway's own JSON API.
class Pushgateway
{
public:
    Pushgateway() = default;
    ~Pushgateway() { stop(); }
    Q_DISABLE_COPY_MOVE(Pushgateway)

    bool start(const QStringList &extraArguments = {},
               const QString &scheme = QStringLiteral("http"));
    void stop();

    QUrl url() const;
    quint16 port() const { return m_port; }

    QByteArray authorization; // sent on the test's own requests
#if QT_CONFIG(ssl)
    std::optional<QSslConfiguration> tls;
#endif

    HttpResult get(const QString &path);
    // Every group the gateway holds, as its /api/v1/metrics reports them.
    QJsonArray groups();
    // The group whose grouping key (job included) is exactly labels.
    std::optional<QJsonObject> group(const Labels &labels);

    static Labels toLabels(const QJsonObject &object);

private:
    bool waitReady();

    QProcess m_process;
    QNetworkAccessManager m_network;
    QString m_scheme = QStringLiteral("http");
    quint16 m_port = 0;
};

// One sample of a group: value and labels.
struct Sample
{
    double value = 0;
    Labels labels;
};

// The index-th sample of the metric name in group, or nullopt when it is absent.
std::optional<Sample> sample(const QJsonObject &group, const QString &name, int index = 0);

#endif // PUSHGATEWAYFIXTURE_H
