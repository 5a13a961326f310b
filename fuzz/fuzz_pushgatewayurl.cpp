// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// The Pushgateway URL and grouping-key encoding (PushgatewayUrl::*) on any
// gateway URL, job name and grouping labels. Input, read with
// FuzzedDataProvider: the gateway URL, the job, then up to 4 label name/value
// pairs, each string ended by "\\ " (a backslash and any other byte).
// - isValidLabelName() agrees with [a-zA-Z_][a-zA-Z0-9_]*, not "__...", not "job",
//   and sets the error exactly when it says no;
// - every value reads back exactly from its segment (percent- or base64url-
//   decoded), and no segment is empty, ".", ".." or holds a raw '/';
// - the path is plain ASCII: unreserved characters, '%XX', '/', '@' and '=';
// - a URL, when there is one, is http(s) with a host, no query or fragment,
//   and its path ends with the group path.

#include "fuzzcheck.h"
#include "push/pushgatewayurl_p.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <QtCore/qregularexpression.h>

#include <algorithm>

using namespace QtPrometheusPrivate;

namespace {
QString consumeString(FuzzedDataProvider &provider, std::size_t maxLength)
{
    return QString::fromStdString(provider.ConsumeRandomLengthString(maxLength));
}

bool isPathByte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
        || c == '.' || c == '_' || c == '~' || c == '%' || c == '/' || c == '@' || c == '=';
}

bool expectedValidName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("\\A[a-zA-Z_][a-zA-Z0-9_]*\\z"));
    return pattern.match(name).hasMatch() && !name.startsWith(QLatin1String("__"))
        && name != QLatin1String("job");
}

// Checks one "name/value" or "name@base64/value" pair, split at its '/'.
void checkPair(const QByteArray &nameSegment, const QByteArray &valueSegment, const QString &name,
               const QString &value)
{
    FUZZ_CHECK(!valueSegment.isEmpty() && valueSegment != "." && valueSegment != "..");
    FUZZ_CHECK(!valueSegment.contains('/'));
    const QByteArray plainName = name.toLatin1();
    if (nameSegment == plainName) {
        FUZZ_CHECK(!value.isEmpty() && !value.contains(QLatin1Char('/')));
        FUZZ_CHECK(QByteArray::fromPercentEncoding(valueSegment) == value.toUtf8());
        return;
    }
    FUZZ_CHECK(nameSegment == plainName + "@base64");
    if (valueSegment == "=") {
        FUZZ_CHECK(value.isEmpty());
        return;
    }
    const auto decoded = QByteArray::fromBase64Encoding(
        valueSegment, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    FUZZ_CHECK(decoded.decodingStatus == QByteArray::Base64DecodingStatus::Ok);
    FUZZ_CHECK(decoded.decoded == value.toUtf8());
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    FuzzedDataProvider provider(data, size);
    const QString gateway = consumeString(provider, 256);
    const QString job = consumeString(provider, 64);
    QMap<QString, QString> labels;
    bool namesValid = true;
    for (int i = 0; i < 4 && provider.remaining_bytes() > 0; ++i) {
        const QString name = consumeString(provider, 24);
        const QString value = consumeString(provider, 64);
        QString error;
        const bool valid = PushgatewayUrl::isValidLabelName(name, &error);
        FUZZ_CHECK(valid == expectedValidName(name));
        FUZZ_CHECK(valid == error.isEmpty());
        namesValid = namesValid && valid;
        labels.insert(name, value);

        const QByteArray pair = PushgatewayUrl::encodePair(name.toUtf8(), value);
        const qsizetype slash = pair.indexOf('/');
        FUZZ_CHECK(slash >= 0);
        if (valid)
            checkPair(pair.left(slash), pair.mid(slash + 1), name, value);
    }

    QString error;
    const QByteArray path = PushgatewayUrl::groupPath(job, labels, &error);
    if (job.isEmpty() || !namesValid) {
        FUZZ_CHECK(path.isEmpty() && !error.isEmpty());
        return 0;
    }
    FUZZ_CHECK(!path.isEmpty());
    FUZZ_CHECK(std::all_of(path.begin(), path.end(), isPathByte));
    const QList<QByteArray> segments = path.split('/');
    FUZZ_CHECK(segments.size() == 4 + 2 * labels.size());
    FUZZ_CHECK(segments.at(0).isEmpty() && segments.at(1) == "metrics");
    checkPair(segments.at(2), segments.at(3), QStringLiteral("job"), job);
    qsizetype at = 4;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it, at += 2)
        checkPair(segments.at(at), segments.at(at + 1), it.key(), it.value());

    const QUrl gatewayUrl(gateway);
    const QUrl url = PushgatewayUrl::groupUrl(gatewayUrl, job, labels, &error);
    if (url.isEmpty()) {
        FUZZ_CHECK(!error.isEmpty());
        return 0;
    }
    FUZZ_CHECK(url.isValid());
    FUZZ_CHECK(url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"));
    FUZZ_CHECK(!url.host().isEmpty());
    FUZZ_CHECK(!url.hasQuery() && !url.hasFragment());
    FUZZ_CHECK(url.path(QUrl::FullyEncoded).endsWith(QString::fromLatin1(path)));
    return 0;
}
