// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// The Pushgateway group URL as a unit: label names, the encoding of one
// name/value pair (checked against the examples of the Pushgateway's README),
// the group path, and the whole URL on the gateway's scheme, host and prefix.

#include <QtTest/qtest.h>

#include "push/pushgatewayurl_p.h"

using namespace QtPrometheusPrivate;

using Labels = QMap<QString, QString>;

namespace {
const QString noError;

QString invalidName(const QString &name)
{
    return QStringLiteral("invalid grouping label name \"%1\": use letters, digits and '_', not "
                          "starting with a digit")
        .arg(name);
}

QString reservedName(const QString &name)
{
    return QStringLiteral("grouping label name \"%1\" is reserved (\"__\" prefix)").arg(name);
}

const QString jobAsLabel
    = QStringLiteral("\"job\" cannot be a grouping label: set the job name instead");
const QString emptyName = QStringLiteral("grouping label name is empty");
const QString emptyJob = QStringLiteral("the job name is empty");

QString invalidGateway(const QString &shown)
{
    return QStringLiteral("invalid Pushgateway URL \"%1\": expected http://HOST:PORT or "
                          "https://HOST:PORT, optionally with a path prefix")
        .arg(shown);
}
} // namespace

class tst_PushgatewayUrl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isValidLabelName_data();
    void isValidLabelName();
    void encodePair_data();
    void encodePair();
    void groupPath_data();
    void groupPath();
    void groupUrl_data();
    void groupUrl();
};

void tst_PushgatewayUrl::isValidLabelName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("error"); // empty: valid

    QTest::newRow("instance") << QStringLiteral("instance") << noError;
    QTest::newRow("upper case") << QStringLiteral("Zone") << noError;
    QTest::newRow("underscore start") << QStringLiteral("_private") << noError;
    QTest::newRow("single underscore") << QStringLiteral("_") << noError;
    QTest::newRow("single letter") << QStringLiteral("a") << noError;
    QTest::newRow("digits after start") << QStringLiteral("a1_B2") << noError;
    QTest::newRow("underscore then digit") << QStringLiteral("_1") << noError;
    QTest::newRow("inner double underscore") << QStringLiteral("a__b") << noError;
    QTest::newRow("Job in another case") << QStringLiteral("Job") << noError;
    QTest::newRow("job prefix") << QStringLiteral("jobs") << noError;

    QTest::newRow("empty") << QString() << emptyName;
    QTest::newRow("leading digit") << QStringLiteral("1abc") << invalidName(QStringLiteral("1abc"));
    QTest::newRow("digit only") << QStringLiteral("0") << invalidName(QStringLiteral("0"));
    QTest::newRow("hyphen") << QStringLiteral("a-b") << invalidName(QStringLiteral("a-b"));
    QTest::newRow("dot") << QStringLiteral("a.b") << invalidName(QStringLiteral("a.b"));
    QTest::newRow("colon") << QStringLiteral("a:b") << invalidName(QStringLiteral("a:b"));
    QTest::newRow("space") << QStringLiteral("a b") << invalidName(QStringLiteral("a b"));
    QTest::newRow("at") << QStringLiteral("a@base64") << invalidName(QStringLiteral("a@base64"));
    QTest::newRow("non-ascii") << QStringLiteral("naïve") << invalidName(QStringLiteral("naïve"));
    // U+0161 and U+FF41 have the low bytes of 'a' and 'A': the whole UTF-16 unit counts.
    QTest::newRow("u+0161") << QStringLiteral("\u0161") << invalidName(QStringLiteral("\u0161"));
    QTest::newRow("fullwidth a") << QStringLiteral("x\uFF41")
                                 << invalidName(QStringLiteral("x\uFF41"));
    QTest::newRow("reserved") << QStringLiteral("__name__")
                              << reservedName(QStringLiteral("__name__"));
    QTest::newRow("reserved, two underscores")
        << QStringLiteral("__") << reservedName(QStringLiteral("__"));
    // An invalid character is reported before the reserved prefix.
    QTest::newRow("reserved and invalid")
        << QStringLiteral("__a-b") << invalidName(QStringLiteral("__a-b"));
    QTest::newRow("job") << QStringLiteral("job") << jobAsLabel;
}

void tst_PushgatewayUrl::isValidLabelName()
{
    QFETCH(QString, name);
    QFETCH(QString, error);

    QString actualError;
    QCOMPARE(PushgatewayUrl::isValidLabelName(name, &actualError), error.isEmpty());
    QCOMPARE(actualError, error);
    QCOMPARE(PushgatewayUrl::isValidLabelName(name), error.isEmpty());
}

void tst_PushgatewayUrl::encodePair_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("encoded");

    QTest::newRow("plain") << QByteArray("instance") << QStringLiteral("web-1.example_a~b")
                           << QByteArray("instance/web-1.example_a~b");
    QTest::newRow("three dots are a name")
        << QByteArray("dir") << QStringLiteral("...") << QByteArray("dir/...");
    QTest::newRow("relative path")
        << QByteArray("file") << QStringLiteral("./a") << QByteArray("file@base64/Li9h");
    // Everything but the unreserved characters of RFC 3986 is percent-encoded.
    QTest::newRow("port") << QByteArray("instance") << QStringLiteral("host:9100")
                          << QByteArray("instance/host%3A9100");
    QTest::newRow("space") << QByteArray("name") << QStringLiteral("a b")
                           << QByteArray("name/a%20b");
    QTest::newRow("reserved characters")
        << QByteArray("name") << QStringLiteral("?#[]@!$&'()*+,;=")
        << QByteArray("name/%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D");
    QTest::newRow("percent") << QByteArray("ratio") << QStringLiteral("100%")
                             << QByteArray("ratio/100%25");
    QTest::newRow("encoded slash stays text")
        << QByteArray("name") << QStringLiteral("a%2Fb") << QByteArray("name/a%252Fb");
    QTest::newRow("backslash") << QByteArray("name") << QStringLiteral("a\\b")
                               << QByteArray("name/a%5Cb");
    QTest::newRow("control character")
        << QByteArray("name") << QStringLiteral("a\tb") << QByteArray("name/a%09b");
    QTest::newRow("non-ascii") << QByteArray("city") << QStringLiteral("Zürich")
                               << QByteArray("city/Z%C3%BCrich");
    // README: name="Προμηθεύς" as /name/%CE%A0%CF%81%CE%BF%CE%BC%CE%B7%CE%B8%CE%B5%CF%8D%CF%82
    QTest::newRow("readme greek")
        << QByteArray("name") << QStringLiteral("Προμηθεύς")
        << QByteArray("name/%CE%A0%CF%81%CE%BF%CE%BC%CE%B7%CE%B8%CE%B5%CF%8D%CF%82");

    // README: path="/var/tmp" as /path@base64/L3Zhci90bXA.
    QTest::newRow("readme slash") << QByteArray("path") << QStringLiteral("/var/tmp")
                                  << QByteArray("path@base64/L3Zhci90bXA");
    // README: first_label="" as /first_label@base64/=.
    QTest::newRow("readme empty") << QByteArray("first_label") << QString()
                                  << QByteArray("first_label@base64/=");
    QTest::newRow("slash alone") << QByteArray("path") << QStringLiteral("/")
                                 << QByteArray("path@base64/Lw");
    // '.' is 0x2E: 001011 10(0000) → "Lg", padding dropped.
    QTest::newRow("dot") << QByteArray("dir") << QStringLiteral(".") << QByteArray("dir@base64/Lg");
    QTest::newRow("dot dot") << QByteArray("dir") << QStringLiteral("..")
                             << QByteArray("dir@base64/Li4");
    // The URL-safe alphabet: "/??" is 001011 110011 111100 111111 → L z 8 _
    // and "/>>" is 001011 110011 111000 111110 → L z 4 -.
    QTest::newRow("url-safe alphabet")
        << QByteArray("path") << QStringLiteral("/?\?/>>") << QByteArray("path@base64/Lz8_Lz4-");
    // README's base64 of "Προμηθεύς" (18 bytes, so no padding), then "/" as "Lw".
    QTest::newRow("readme greek with slash")
        << QByteArray("name") << QStringLiteral("Προμηθεύς/")
        << QByteArray("name@base64/zqDPgc6_zrzOt864zrXPjc-CLw");
    QTest::newRow("job name") << QByteArray("job") << QStringLiteral("batch/nightly")
                              << QByteArray("job@base64/YmF0Y2gvbmlnaHRseQ");
}

void tst_PushgatewayUrl::encodePair()
{
    QFETCH(QByteArray, name);
    QFETCH(QString, value);
    QFETCH(QByteArray, encoded);

    QCOMPARE(PushgatewayUrl::encodePair(name, value), encoded);

    // The gateway's reading of the segment gives the value back.
    const qsizetype slash = encoded.indexOf('/');
    QByteArray segment = encoded.mid(slash + 1);
    if (encoded.left(slash).endsWith("@base64")) {
        // README: "Padding is optional", so "=" reads as nothing.
        while (segment.endsWith('='))
            segment.chop(1);
        const auto decoded = QByteArray::fromBase64Encoding(
            segment, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
        QVERIFY(decoded);
        QCOMPARE(QString::fromUtf8(decoded.decoded), value);
    } else {
        QCOMPARE(QString::fromUtf8(QByteArray::fromPercentEncoding(segment)), value);
    }
}

void tst_PushgatewayUrl::groupPath_data()
{
    QTest::addColumn<QString>("job");
    QTest::addColumn<Labels>("labels");
    QTest::addColumn<QByteArray>("path"); // empty: refused
    QTest::addColumn<QString>("error");

    QTest::newRow("job only") << QStringLiteral("batch") << Labels()
                              << QByteArray("/metrics/job/batch") << noError;
    QTest::newRow("one label") << QStringLiteral("batch")
                               << Labels {{QStringLiteral("instance"), QStringLiteral("h:1")}}
                               << QByteArray("/metrics/job/batch/instance/h%3A1") << noError;
    // QMap order: by UTF-16 code unit, so upper case, then '_', then lower case.
    QTest::newRow("labels in name order")
        << QStringLiteral("batch")
        << Labels {{QStringLiteral("zone"), QStringLiteral("z")},
                   {QStringLiteral("b"), QStringLiteral("2")},
                   {QStringLiteral("_u"), QStringLiteral("u")},
                   {QStringLiteral("a"), QStringLiteral("1")},
                   {QStringLiteral("Z"), QStringLiteral("Z")}}
        << QByteArray("/metrics/job/batch/Z/Z/_u/u/a/1/b/2/zone/z") << noError;
    // README: job="example",first_label="",second_label="foobar".
    QTest::newRow("readme empty value")
        << QStringLiteral("example")
        << Labels {{QStringLiteral("first_label"), QString()},
                   {QStringLiteral("second_label"), QStringLiteral("foobar")}}
        << QByteArray("/metrics/job/example/first_label@base64/=/second_label/foobar") << noError;
    // README: job="directory_cleaner",path="/var/tmp".
    QTest::newRow("readme slash") << QStringLiteral("directory_cleaner")
                                  << Labels {{QStringLiteral("path"), QStringLiteral("/var/tmp")}}
                                  << QByteArray(
                                         "/metrics/job/directory_cleaner/path@base64/L3Zhci90bXA")
                                  << noError;
    QTest::newRow("job with slash")
        << QStringLiteral("batch/nightly") << Labels()
        << QByteArray("/metrics/job@base64/YmF0Y2gvbmlnaHRseQ") << noError;
    QTest::newRow("job dot") << QStringLiteral(".") << Labels()
                             << QByteArray("/metrics/job@base64/Lg") << noError;
    QTest::newRow("job with space")
        << QStringLiteral("my job") << Labels() << QByteArray("/metrics/job/my%20job") << noError;

    QTest::newRow("empty job") << QString() << Labels() << QByteArray() << emptyJob;
    QTest::newRow("empty job with labels")
        << QString() << Labels {{QStringLiteral("instance"), QStringLiteral("h")}} << QByteArray()
        << emptyJob;
    QTest::newRow("label named job")
        << QStringLiteral("batch") << Labels {{QStringLiteral("job"), QStringLiteral("x")}}
        << QByteArray() << jobAsLabel;
    QTest::newRow("invalid label after valid ones")
        << QStringLiteral("batch")
        << Labels {{QStringLiteral("a"), QStringLiteral("1")},
                   {QStringLiteral("b-c"), QStringLiteral("2")}}
        << QByteArray() << invalidName(QStringLiteral("b-c"));
    QTest::newRow("reserved label")
        << QStringLiteral("batch") << Labels {{QStringLiteral("__address__"), QStringLiteral("h")}}
        << QByteArray() << reservedName(QStringLiteral("__address__"));
    QTest::newRow("empty label name")
        << QStringLiteral("batch") << Labels {{QString(), QStringLiteral("x")}} << QByteArray()
        << emptyName;
}

void tst_PushgatewayUrl::groupPath()
{
    QFETCH(QString, job);
    QFETCH(Labels, labels);
    QFETCH(QByteArray, path);
    QFETCH(QString, error);

    QString actualError;
    QCOMPARE(PushgatewayUrl::groupPath(job, labels, &actualError), path);
    QCOMPARE(actualError, error);
}

void tst_PushgatewayUrl::groupUrl_data()
{
    QTest::addColumn<QUrl>("gateway");
    QTest::addColumn<QString>("job");
    QTest::addColumn<Labels>("labels");
    QTest::addColumn<QByteArray>("url"); // fully encoded; empty: refused
    QTest::addColumn<QString>("error");

    const QString job = QStringLiteral("batch");
    QTest::newRow("http") << QUrl(QStringLiteral("http://gw:9091")) << job << Labels()
                          << QByteArray("http://gw:9091/metrics/job/batch") << noError;
    QTest::newRow("https") << QUrl(QStringLiteral("https://gw.example.com")) << job << Labels()
                           << QByteArray("https://gw.example.com/metrics/job/batch") << noError;
    QTest::newRow("https with port")
        << QUrl(QStringLiteral("https://gw.example.com:8443")) << job << Labels()
        << QByteArray("https://gw.example.com:8443/metrics/job/batch") << noError;
    QTest::newRow("ipv6") << QUrl(QStringLiteral("http://[::1]:9091")) << job << Labels()
                          << QByteArray("http://[::1]:9091/metrics/job/batch") << noError;
    QTest::newRow("upper-case scheme and host")
        << QUrl(QStringLiteral("HTTP://GW.Example:9091")) << job << Labels()
        << QByteArray("http://gw.example:9091/metrics/job/batch") << noError;
    QTest::newRow("trailing slash") << QUrl(QStringLiteral("http://gw:9091/")) << job << Labels()
                                    << QByteArray("http://gw:9091/metrics/job/batch") << noError;
    QTest::newRow("path prefix") << QUrl(QStringLiteral("http://proxy/pushgateway")) << job
                                 << Labels()
                                 << QByteArray("http://proxy/pushgateway/metrics/job/batch")
                                 << noError;
    QTest::newRow("path prefix, trailing slash")
        << QUrl(QStringLiteral("http://proxy/pushgateway/")) << job << Labels()
        << QByteArray("http://proxy/pushgateway/metrics/job/batch") << noError;
    QTest::newRow("path prefix, trailing slashes")
        << QUrl(QStringLiteral("http://proxy/pushgateway///")) << job << Labels()
        << QByteArray("http://proxy/pushgateway/metrics/job/batch") << noError;
    QTest::newRow("nested prefix")
        << QUrl(QStringLiteral("https://proxy:443/a/b/")) << job << Labels()
        << QByteArray("https://proxy:443/a/b/metrics/job/batch") << noError;
    // The prefix is kept as it was encoded: "%2F" stays inside its segment.
    QTest::newRow("encoded prefix")
        << QUrl(QStringLiteral("http://proxy/a%2Fb%20c/")) << job << Labels()
        << QByteArray("http://proxy/a%2Fb%20c/metrics/job/batch") << noError;
    QTest::newRow("query dropped") << QUrl(QStringLiteral("http://gw:9091/?x=1")) << job << Labels()
                                   << QByteArray("http://gw:9091/metrics/job/batch") << noError;
    QTest::newRow("fragment dropped")
        << QUrl(QStringLiteral("http://gw:9091#top")) << job << Labels()
        << QByteArray("http://gw:9091/metrics/job/batch") << noError;
    QTest::newRow("prefix, query and fragment")
        << QUrl(QStringLiteral("http://proxy/pg/?a=b#c")) << job << Labels()
        << QByteArray("http://proxy/pg/metrics/job/batch") << noError;
    // The user info is the gateway's business (basic auth in the URL): kept.
    QTest::newRow("user info kept")
        << QUrl(QStringLiteral("http://u:secret@gw:9091")) << job << Labels()
        << QByteArray("http://u:secret@gw:9091/metrics/job/batch") << noError;
    QTest::newRow("labels encoded")
        << QUrl(QStringLiteral("http://gw:9091/pg/")) << QStringLiteral("batch/nightly")
        << Labels {{QStringLiteral("path"), QStringLiteral("/var/tmp")},
                   {QStringLiteral("instance"), QStringLiteral("host:9100")},
                   {QStringLiteral("empty"), QString()},
                   {QStringLiteral("ratio"), QStringLiteral("100%")},
                   {QStringLiteral("city"), QStringLiteral("Zürich")}}
        << QByteArray("http://gw:9091/pg/metrics/job@base64/YmF0Y2gvbmlnaHRseQ/city/Z%C3%BCrich/"
                      "empty@base64/=/instance/host%3A9100/path@base64/L3Zhci90bXA/ratio/100%25")
        << noError;

    QTest::newRow("no URL") << QUrl() << job << Labels() << QByteArray()
                            << QStringLiteral("no Pushgateway URL set");
    // The URL is judged before the job.
    QTest::newRow("no URL, no job") << QUrl() << QString() << Labels() << QByteArray()
                                    << QStringLiteral("no Pushgateway URL set");
    QTest::newRow("ftp") << QUrl(QStringLiteral("ftp://gw:9091")) << job << Labels() << QByteArray()
                         << invalidGateway(QStringLiteral("ftp://gw:9091"));
    QTest::newRow("file") << QUrl(QStringLiteral("file:///tmp/gw")) << job << Labels()
                          << QByteArray() << invalidGateway(QStringLiteral("file:///tmp/gw"));
    // Without "http://" the host is taken for a scheme.
    QTest::newRow("host:port only")
        << QUrl(QStringLiteral("localhost:9091")) << job << Labels() << QByteArray()
        << invalidGateway(QStringLiteral("localhost:9091"));
    QTest::newRow("relative") << QUrl(QStringLiteral("/metrics")) << job << Labels() << QByteArray()
                              << invalidGateway(QStringLiteral("/metrics"));
    QTest::newRow("no host") << QUrl(QStringLiteral("http:///pg")) << job << Labels()
                             << QByteArray() << invalidGateway(QStringLiteral("http:///pg"));
    QTest::newRow("empty authority") << QUrl(QStringLiteral("http://")) << job << Labels()
                                     << QByteArray() << invalidGateway(QStringLiteral("http://"));
    // The password is not repeated in the message.
    QTest::newRow("user info hidden")
        << QUrl(QStringLiteral("ftp://u:secret@gw")) << job << Labels() << QByteArray()
        << invalidGateway(QStringLiteral("ftp://gw"));
    // An invalid QUrl has no text to show any more.
    QTest::newRow("port out of range") << QUrl(QStringLiteral("http://gw:99999")) << job << Labels()
                                       << QByteArray() << invalidGateway(QString());
    QTest::newRow("empty job") << QUrl(QStringLiteral("http://gw:9091")) << QString() << Labels()
                               << QByteArray() << emptyJob;
    QTest::newRow("invalid label") << QUrl(QStringLiteral("http://gw:9091")) << job
                                   << Labels {{QStringLiteral("1x"), QStringLiteral("v")}}
                                   << QByteArray() << invalidName(QStringLiteral("1x"));
}

void tst_PushgatewayUrl::groupUrl()
{
    QFETCH(QUrl, gateway);
    QFETCH(QString, job);
    QFETCH(Labels, labels);
    QFETCH(QByteArray, url);
    QFETCH(QString, error);

    QString actualError;
    const QUrl actual = PushgatewayUrl::groupUrl(gateway, job, labels, &actualError);
    QCOMPARE(actual.toEncoded(), url);
    QCOMPARE(actualError, error);
    QCOMPARE(actual.isEmpty(), url.isEmpty());
    if (!url.isEmpty()) {
        QVERIFY(actual.isValid());
        QVERIFY(!actual.hasQuery());
        QVERIFY(!actual.hasFragment());
    }
}

QTEST_GUILESS_MAIN(tst_PushgatewayUrl)

#include "tst_pushgatewayurl.moc"
