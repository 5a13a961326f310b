// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "pushgatewayfixture.h"

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonvalue.h>
#include <QtCore/qstandardpaths.h>
#include <QtNetwork/qnetworkreply.h>
#include <QtNetwork/qnetworkrequest.h>
#include <QtNetwork/qtcpserver.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <memory>

QString pushgatewayExecutable()
{
    const QString fromEnv = qEnvironmentVariable("PUSHGATEWAY_EXECUTABLE");
    if (!fromEnv.isEmpty())
        return fromEnv;
    for (const char *name : {"prometheus-pushgateway", "pushgateway"}) {
        const QString found = QStandardPaths::findExecutable(QString::fromLatin1(name));
        if (!found.isEmpty())
            return found;
    }
    return QString();
}

quint16 freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

bool Pushgateway::start(const QStringList &extraArguments, const QString &scheme)
{
    const QString program = pushgatewayExecutable();
    if (program.isEmpty())
        return false;
    m_scheme = scheme;
    // The port can be taken between choosing and binding it: try a few.
    for (int attempt = 0; attempt < 5; ++attempt) {
        m_port = freePort();
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(
            program,
            QStringList {QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_port),
                         QStringLiteral("--persistence.file="), QStringLiteral("--log.level=warn")}
                + extraArguments);
        if (m_process.waitForStarted(10000) && waitReady())
            return true;
        qWarning("pushgateway did not come up on port %d: %s", m_port,
                 m_process.readAll().constData());
        stop();
    }
    return false;
}

void Pushgateway::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    // Ends exactly the process this test started, by its PID.
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QUrl Pushgateway::url() const
{
    QUrl url;
    url.setScheme(m_scheme);
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_port);
    return url;
}

HttpResult Pushgateway::get(const QString &path)
{
    QNetworkRequest request(url().resolved(QUrl(path)));
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false); // as the pusher
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
#if QT_CONFIG(ssl)
    if (tls)
        request.setSslConfiguration(*tls);
#endif
    std::unique_ptr<QNetworkReply> reply(m_network.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    HttpResult result;
    if (!reply->isFinished() && !finished.wait(5000)) {
        result.error = QStringLiteral("no answer");
        return result;
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.error = reply->errorString();
    return result;
}

QJsonArray Pushgateway::groups()
{
    const HttpResult result = get(QStringLiteral("/api/v1/metrics"));
    if (result.status != 200) {
        qWarning("GET /api/v1/metrics: %d %s", result.status, qPrintable(result.error));
        return QJsonArray();
    }
    return QJsonDocument::fromJson(result.body).object().value(QLatin1String("data")).toArray();
}

std::optional<QJsonObject> Pushgateway::group(const Labels &labels)
{
    const QJsonArray all = groups();
    for (const QJsonValue &value : all) {
        const QJsonObject group = value.toObject();
        if (toLabels(group.value(QLatin1String("labels")).toObject()) == labels)
            return group;
    }
    return std::nullopt;
}

Labels Pushgateway::toLabels(const QJsonObject &object)
{
    Labels labels;
    for (auto it = object.begin(); it != object.end(); ++it)
        labels.insert(it.key(), it.value().toString());
    return labels;
}

bool Pushgateway::waitReady()
{
    // No signal tells when a foreign process starts answering: ask, bounded.
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 15000) {
        if (m_process.state() == QProcess::NotRunning)
            return false;
        if (get(QStringLiteral("/-/ready")).status == 200)
            return true;
        QTest::qWait(50);
    }
    return false;
}

std::optional<Sample> sample(const QJsonObject &group, const QString &name, int index)
{
    const QJsonArray metrics
        = group.value(name).toObject().value(QLatin1String("metrics")).toArray();
    if (index >= metrics.size())
        return std::nullopt;
    const QJsonObject metric = metrics.at(index).toObject();
    Sample s;
    s.value = metric.value(QLatin1String("value")).toString().toDouble();
    s.labels = Pushgateway::toLabels(metric.value(QLatin1String("labels")).toObject());
    return s;
}
