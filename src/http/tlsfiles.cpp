// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "http/tlsfiles_p.h"

#if QT_CONFIG(ssl)
#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qfile.h>
#include <QtNetwork/qsslkey.h>
#include <QtNetwork/qsslsocket.h>
#include <QtNetwork/qtcpserver.h>

#include <memory>

namespace QtPrometheusPrivate {

namespace {
std::optional<QByteArray> readFile(const QString &fileName, const char *what, QString *error)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the TLS %1 file %2: %3")
                     .arg(QLatin1String(what), fileName, file.errorString());
        return std::nullopt;
    }
    return file.readAll();
}

// Accepts one connection as a TLS server socket.
class ProbeServer : public QTcpServer
{
public:
    std::unique_ptr<QSslSocket> accepted;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        accepted = std::make_unique<QSslSocket>();
        accepted->setSocketDescriptor(descriptor);
    }
};

// Whether the key belongs to the certificate, found out the only portable way:
// a handshake with ourselves over loopback. The waitFor* calls select() on the
// two sockets and run no event loop, so no application code can run meanwhile.
QString handshakeProblem(const QSslConfiguration &configuration)
{
    ProbeServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return QString(); // cannot check here; the first real handshake will tell
    QSslSocket client;
    client.setPeerVerifyMode(QSslSocket::VerifyNone);
    client.connectToHost(QHostAddress(QHostAddress::LocalHost), server.serverPort());
    if (!client.waitForConnected(2000) || !server.waitForNewConnection(2000) || !server.accepted)
        return QString();
    QSslSocket &serverSide = *server.accepted;
    QSslConfiguration probe = configuration;
    probe.setPeerVerifyMode(QSslSocket::VerifyNone);
    serverSide.setSslConfiguration(probe);
    serverSide.startServerEncryption();
    client.startClientEncryption();
    // The short waits below set SocketTimeoutError; only other errors count.
    const auto failed = [&serverSide] {
        return serverSide.error() != QAbstractSocket::UnknownSocketError
            && serverSide.error() != QAbstractSocket::SocketTimeoutError;
    };
    const QDeadlineTimer deadline(3000);
    while (!deadline.hasExpired()) {
        if (failed())
            return serverSide.errorString();
        if (serverSide.isEncrypted() && client.isEncrypted())
            return QString();
        client.waitForEncrypted(20);
        serverSide.waitForEncrypted(20);
        client.waitForReadyRead(1);
        serverSide.waitForReadyRead(1);
    }
    return serverSide.error() != QAbstractSocket::UnknownSocketError ? serverSide.errorString()
                                                                     : QString();
}
} // namespace

std::optional<QSslConfiguration> loadTlsFiles(const QString &certificateFile,
                                              const QString &privateKeyFile,
                                              const QString &clientCaFile, QString *error)
{
    const auto certificateData = readFile(certificateFile, "certificate", error);
    if (!certificateData)
        return std::nullopt;
    const QList<QSslCertificate> chain = QSslCertificate::fromData(*certificateData, QSsl::Pem);
    if (chain.isEmpty()) {
        *error = QStringLiteral("the TLS certificate file %1 holds no PEM certificate")
                     .arg(certificateFile);
        return std::nullopt;
    }
    const auto keyData = readFile(privateKeyFile, "private key", error);
    if (!keyData)
        return std::nullopt;
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa, QSsl::Dh}) {
        key = QSslKey(*keyData, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *error = QStringLiteral("the TLS private key file %1 holds no unencrypted PEM private key")
                     .arg(privateKeyFile);
        return std::nullopt;
    }

    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    if (!clientCaFile.isEmpty()) {
        const auto caData = readFile(clientCaFile, "client CA", error);
        if (!caData)
            return std::nullopt;
        const QList<QSslCertificate> authorities = QSslCertificate::fromData(*caData, QSsl::Pem);
        if (authorities.isEmpty()) {
            *error = QStringLiteral("the TLS client CA file %1 holds no PEM certificate")
                         .arg(clientCaFile);
            return std::nullopt;
        }
        // Only these CAs, not the system's, vouch for clients.
        configuration.setCaCertificates(authorities);
        configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    }

    const QString problem = handshakeProblem(configuration);
    if (!problem.isEmpty()) {
        *error
            = QStringLiteral("the TLS certificate %1 and private key %2 do not work together: %3")
                  .arg(certificateFile, privateKeyFile, problem);
        return std::nullopt;
    }
    return configuration;
}
#endif

} // namespace QtPrometheusPrivate
