// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef PUSHGATEWAYURL_P_H
#define PUSHGATEWAYURL_P_H

#include <QtCore/qbytearray.h>
#include <QtCore/qbytearrayview.h>
#include <QtCore/qmap.h>
#include <QtCore/qstring.h>
#include <QtCore/qurl.h>

namespace QtPrometheusPrivate {

// Where a group's URL is built: the Pushgateway addresses a group by its path,
// /metrics/job/<job>{/<label>/<value>}, with the encoding rules of its README:
// a value is URI-encoded as one path segment, and a value that cannot survive
// as a segment (empty, containing '/', or the dot segments "." and "..") is
// written as <label>@base64/<base64url> instead, an empty value as "=".
// Pure functions of their input, so they can be unit-tested and fuzzed alone.
namespace PushgatewayUrl {

// A label name the Pushgateway accepts in a grouping key: [a-zA-Z_][a-zA-Z0-9_]*,
// not reserved ("__" prefix) and not "job", which is the job name's own place.
bool isValidLabelName(QStringView name, QString *error = nullptr);

// "name/value" or "name@base64/encoded", fully percent-encoded, no leading '/'.
QByteArray encodePair(QByteArrayView name, const QString &value);

// "/metrics/job/<job>{/<name>/<value>}" (labels in name order), fully encoded;
// empty with *error set when the job name is empty or a label name is invalid.
QByteArray groupPath(const QString &job, const QMap<QString, QString> &labels, QString *error);

// The gateway's scheme, authority and path prefix followed by groupPath(); an
// empty QUrl with *error set when the gateway URL is not http(s) or not usable.
QUrl groupUrl(const QUrl &gateway, const QString &job, const QMap<QString, QString> &labels,
              QString *error);

} // namespace PushgatewayUrl

} // namespace QtPrometheusPrivate

#endif // PUSHGATEWAYURL_P_H
