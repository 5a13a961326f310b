// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// Accept and Accept-Encoding negotiation, and the gzip bodies, as units.

#include <QtTest/qtest.h>

#include "exposition/compression_p.h"
#include "exposition/contentnegotiation_p.h"
#include "httptestclient.h"

using namespace QtPrometheusPrivate;

class tst_ContentNegotiation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void format_data();
    void format();
    void gzipAccepted_data();
    void gzipAccepted();
    void gzipRoundTrip();
    void gzipRoundTripOfAnyInput_data();
    void gzipRoundTripOfAnyInput();
};

namespace {
// The Content-Type of each answer: format version and escaping, always stated.
QByteArray contentType(const char *type, const char *version, const char *escaping)
{
    return QByteArray(type) + "; version=" + version + "; charset=utf-8; escaping=" + escaping;
}
const QByteArray text004 = contentType("text/plain", "0.0.4", "underscores");
const QByteArray om100 = contentType("application/openmetrics-text", "1.0.0", "underscores");
const QByteArray om100Utf8 = contentType("application/openmetrics-text", "1.0.0", "allow-utf-8");
const QByteArray om001 = contentType("application/openmetrics-text", "0.0.1", "underscores");
const QByteArray text100 = contentType("text/plain", "1.0.0", "underscores");
const QByteArray text100Utf8 = contentType("text/plain", "1.0.0", "allow-utf-8");
QByteArray protobuf(const char *escaping)
{
    return QByteArray("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; "
                      "encoding=delimited; escaping=")
        + escaping;
}
} // namespace

void tst_ContentNegotiation::format_data()
{
    QTest::addColumn<QByteArray>("accept");
    QTest::addColumn<QByteArray>("contentType");

    // What Prometheus really sends, by version.
    QTest::newRow("prometheus 2.5-2.41")
        << QByteArray("application/openmetrics-text; version=0.0.1,text/plain;version=0.0.4;"
                      "q=0.5,*/*;q=0.1")
        << om001;
    QTest::newRow("prometheus 2.42-2.48")
        << QByteArray("application/openmetrics-text;version=1.0.0,application/"
                      "openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,"
                      "*/*;q=0.1")
        << om100;
    // Captured from Debian 12's Prometheus 2.42 run with
    // --enable-feature=native-histograms.
    QTest::newRow("prometheus 2.42 native histograms")
        << QByteArray("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                      "encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,"
                      "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;"
                      "version=0.0.4;q=0.5,*/*;q=0.1")
        << protobuf("underscores");
    QTest::newRow("prometheus 2.49-2.55")
        << QByteArray("application/openmetrics-text;version=1.0.0;q=0.5,application/"
                      "openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,"
                      "*/*;q=0.2")
        << om100;
    QTest::newRow("prometheus 3.x")
        << QByteArray("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
                      "application/openmetrics-text;version=0.0.1;q=0.5,text/plain;"
                      "version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;"
                      "q=0.3,*/*;q=0.2")
        << om100Utf8;
    QTest::newRow("prometheus 3.0.0")
        << QByteArray("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
                      "application/openmetrics-text;version=0.0.1;escaping=allow-utf-8;q=0.4,"
                      "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;"
                      "version=0.0.4;escaping=allow-utf-8;q=0.2,*/*;escaping=allow-utf-8;q=0.1")
        << om100Utf8;
    QTest::newRow("prometheus 3.x, metric_name_escaping_scheme underscores")
        << QByteArray("application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.6,"
                      "application/openmetrics-text;version=0.0.1;q=0.5,text/plain;"
                      "version=1.0.0;escaping=underscores;q=0.4,text/plain;version=0.0.4;"
                      "q=0.3,*/*;q=0.2")
        << om100;
    // Prometheus 3's scrape_protocols, one protocol each: its q, then */* below it.
    QTest::newRow("scrape_protocols [PrometheusText1.0.0]")
        << QByteArray("text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,*/*;q=0.2")
        << text100Utf8;
    QTest::newRow("scrape_protocols [PrometheusText0.0.4]")
        << QByteArray("text/plain;version=0.0.4;q=0.3,*/*;q=0.2") << text004;
    QTest::newRow("scrape_protocols [OpenMetricsText1.0.0]")
        << QByteArray("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.3,"
                      "*/*;q=0.2")
        << om100Utf8;
    QTest::newRow("scrape_protocols [OpenMetricsText0.0.1]")
        << QByteArray("application/openmetrics-text;version=0.0.1;q=0.3,*/*;q=0.2") << om001;

    QTest::newRow("none") << QByteArray() << text004;
    QTest::newRow("blank") << QByteArray("  ") << text004;
    QTest::newRow("any") << QByteArray("*/*") << text004;
    QTest::newRow("text/plain") << QByteArray("text/plain") << text004;
    QTest::newRow("text/*") << QByteArray("text/*") << text004;
    QTest::newRow("text 1.0.0") << QByteArray("text/plain;version=1.0.0") << text100;
    QTest::newRow("openmetrics, no version") << QByteArray("application/openmetrics-text") << om100;
    QTest::newRow("openmetrics upper case")
        << QByteArray("Application/OpenMetrics-Text; Version=\"1.0.0\"; Escaping=Allow-UTF-8")
        << om100Utf8;
    QTest::newRow("application/*") << QByteArray("application/*") << om100;
    QTest::newRow("openmetrics refused")
        << QByteArray("application/openmetrics-text;q=0, */*") << text004;
    QTest::newRow("text refused") << QByteArray("text/plain;q=0, */*;q=0.1") << om100;
    QTest::newRow("only 0.0.1 offered")
        << QByteArray("application/openmetrics-text;version=0.0.1") << om001;
    QTest::newRow("q decides") << QByteArray(
        "text/plain;q=0.9, application/openmetrics-text;q=0.91")
                               << om100;
    QTest::newRow("equal q, order decides")
        << QByteArray("application/openmetrics-text, text/plain") << om100;
    // What the wildcard rates above the 0.0.4 range goes first: text 1.0.0,
    // the server's preference among the formats it alone names.
    QTest::newRow("wildcard above 0.0.4")
        << QByteArray("text/plain;version=0.0.4;q=0.5, */*") << text100;
    QTest::newRow("text/plain above 0.0.4")
        << QByteArray("text/plain;version=0.0.4;q=0.5, text/plain;q=0.75") << text100;
    QTest::newRow("specific beats wildcard")
        << QByteArray("application/openmetrics-text;q=0.1, */*;q=1") << text004;
    QTest::newRow("nothing acceptable") << QByteArray("image/png") << text004;
    QTest::newRow("garbage") << QByteArray(";;;,,,/;q=;===") << text004;
    QTest::newRow("bad q ignored") << QByteArray("application/openmetrics-text;q=2") << text004;
    QTest::newRow("bad q ignored 2")
        << QByteArray("application/openmetrics-text;q=0.1234") << text004;
    QTest::newRow("protobuf alone")
        << QByteArray("application/vnd.google.protobuf") << protobuf("underscores");
    QTest::newRow("protobuf, utf-8 names")
        << QByteArray("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                      "encoding=delimited;escaping=allow-utf-8")
        << protobuf("allow-utf-8");
    // Only delimited MetricFamily messages are written.
    QTest::newRow("protobuf text encoding refused")
        << QByteArray("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                      "encoding=text,application/openmetrics-text;q=0.5")
        << om100;
    QTest::newRow("protobuf of another message refused")
        << QByteArray("application/vnd.google.protobuf;proto=example.Other,text/plain;"
                      "version=1.0.0;q=0.5")
        << text100;
    QTest::newRow("protobuf below openmetrics")
        << QByteArray("application/vnd.google.protobuf;q=0.4,application/openmetrics-text;q=0.5")
        << om100;
    QTest::newRow("application/* prefers openmetrics")
        << QByteArray("application/*;escaping=allow-utf-8") << om100Utf8;
    QTest::newRow("huge header") << QByteArray(100000, ',') + "application/openmetrics-text"
                                 << text004;

    // Escaping: as asked where the format can honour it, underscores otherwise.
    QTest::newRow("0.0.4 cannot carry utf-8")
        << QByteArray("text/plain;version=0.0.4;escaping=allow-utf-8") << text004;
    QTest::newRow("openmetrics 0.0.1 cannot carry utf-8")
        << QByteArray("application/openmetrics-text;version=0.0.1;escaping=allow-utf-8") << om001;
    QTest::newRow("dots") << QByteArray("application/openmetrics-text;escaping=dots")
                          << contentType("application/openmetrics-text", "1.0.0", "dots");
    QTest::newRow("values") << QByteArray("text/plain;version=0.0.4;escaping=values")
                            << contentType("text/plain", "0.0.4", "values");
    QTest::newRow("unknown escaping")
        << QByteArray("text/plain;version=1.0.0;escaping=rot13") << text100;
    QTest::newRow("escaping of the range that matched")
        << QByteArray("text/plain;escaping=dots;q=0.5, text/plain;version=1.0.0;escaping=values")
        << contentType("text/plain", "1.0.0", "values");
}

void tst_ContentNegotiation::format()
{
    QFETCH(QByteArray, accept);
    QFETCH(QByteArray, contentType);
    QCOMPARE(contentTypeFor(negotiateFormat(accept)), contentType);
}

void tst_ContentNegotiation::gzipAccepted_data()
{
    QTest::addColumn<QByteArray>("acceptEncoding");
    QTest::addColumn<bool>("gzip");
    QTest::newRow("prometheus") << QByteArray("gzip") << true;
    QTest::newRow("absent") << QByteArray() << false;
    QTest::newRow("identity") << QByteArray("identity") << false;
    QTest::newRow("browser") << QByteArray("gzip, deflate, br, zstd") << true;
    QTest::newRow("upper case") << QByteArray("GZIP") << true;
    QTest::newRow("x-gzip") << QByteArray("x-gzip") << true;
    QTest::newRow("q=0") << QByteArray("gzip;q=0") << false;
    QTest::newRow("q=0.001") << QByteArray("gzip;q=0.001") << true;
    QTest::newRow("star") << QByteArray("*") << true;
    QTest::newRow("star but not gzip") << QByteArray("*, gzip;q=0") << false;
    QTest::newRow("star refused") << QByteArray("*;q=0") << false;
    QTest::newRow("substring is not a token") << QByteArray("gzipped, notgzip") << false;
    QTest::newRow("mangled") << QByteArray("gzip;q=abc") << false;
    QTest::newRow("spaces") << QByteArray("  deflate ,  gzip ; q=0.5 ") << true;
}

void tst_ContentNegotiation::gzipAccepted()
{
    QFETCH(QByteArray, acceptEncoding);
    QFETCH(bool, gzip);
    QCOMPARE(acceptsGzip(acceptEncoding), gzip);
}

void tst_ContentNegotiation::gzipRoundTrip()
{
    QByteArray text;
    for (int i = 0; i < 2000; ++i)
        text += "demo_value{group=\"" + QByteArray::number(i / 100) + "\",id=\""
            + QByteArray::number(i) + "\"} " + QByteArray::number(i * 0.5) + '\n';
    const QByteArray compressed = Compression::gzip(text);
    QVERIFY(compressed.startsWith("\x1f\x8b")); // the gzip magic, not a zlib stream
    QVERIFY(compressed.size() < text.size() / 4);
    QCOMPARE(gunzip(compressed), text);
    QCOMPARE(gunzip(Compression::gzip(QByteArray())), QByteArray());
}

void tst_ContentNegotiation::gzipRoundTripOfAnyInput_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::newRow("one byte") << QByteArray("x");
    // Incompressible input needs the whole bound the output buffer is sized to.
    QByteArray noise(256 * 1024, Qt::Uninitialized);
    quint32 state = 2463534242u; // xorshift32: the same bytes on every run
    for (char &byte : noise) {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        byte = char(state);
    }
    QTest::newRow("256 KiB of noise") << noise;
    QTest::newRow("4 MiB of one byte") << QByteArray(4 * 1024 * 1024, 'a');
    QByteArray lines;
    for (int i = 0; i < 100000; ++i)
        lines += "demo_synthetic_value_" + QByteArray::number(i / 100) + "{id=\""
            + QByteArray::number(i) + "\"} " + QByteArray::number(i) + '\n';
    QTest::newRow("100k exposition lines") << lines;
}

void tst_ContentNegotiation::gzipRoundTripOfAnyInput()
{
    QFETCH(QByteArray, input);
    const QByteArray compressed = Compression::gzip(input);
    QVERIFY(compressed.startsWith("\x1f\x8b"));
    QCOMPARE(gunzip(compressed), input);
}

QTEST_APPLESS_MAIN(tst_ContentNegotiation)
#include "tst_contentnegotiation.moc"
