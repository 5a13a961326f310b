// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef TLSFILES_P_H
#define TLSFILES_P_H

#include <QtNetwork/qtnetworkglobal.h>

#if QT_CONFIG(ssl)
#include <QtNetwork/qsslconfiguration.h>

#include <optional>

namespace QtPrometheusPrivate {

// A server TLS configuration (TLS 1.2 at least) from PEM files: certificate
// chain, private key and, when given, the CAs that client certificates must
// chain to (then required). Nothing, with *error saying which file is wrong
// and why, for missing, unreadable or mismatched files.
std::optional<QSslConfiguration> loadTlsFiles(const QString &certificateFile,
                                              const QString &privateKeyFile,
                                              const QString &clientCaFile, QString *error);
#endif

} // namespace QtPrometheusPrivate

#endif // TLSFILES_P_H
