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

void tst_ContentNegotiation::format_data()
{
    QTest::addColumn<QByteArray>("accept");
    QTest::addColumn<bool>("openMetrics");

    // What Prometheus really sends (research/anchors.md §3).
    QTest::newRow("prometheus 2.5-2.41")
        << QByteArray("application/openmetrics-text; version=0.0.1,text/plain;version=0.0.4;"
                      "q=0.5,*/*;q=0.1")
        << false;
    QTest::newRow("prometheus 2.42-2.48")
        << QByteArray("application/openmetrics-text;version=1.0.0,application/"
                      "openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,"
                      "*/*;q=0.1")
        << true;
    QTest::newRow("prometheus 2.42 native histograms")
        << QByteArray("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                      "encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,"
                      "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;"
                      "version=0.0.4;q=0.5,*/*;q=0.1")
        << true;
    QTest::newRow("prometheus 2.49-2.55")
        << QByteArray("application/openmetrics-text;version=1.0.0;q=0.5,application/"
                      "openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,"
                      "*/*;q=0.2")
        << true;
    QTest::newRow("prometheus 3.x")
        << QByteArray("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
                      "application/openmetrics-text;version=0.0.1;q=0.5,text/plain;"
                      "version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;"
                      "q=0.3,*/*;q=0.2")
        << true;
    QTest::newRow("prometheus 3.0.0")
        << QByteArray("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
                      "application/openmetrics-text;version=0.0.1;escaping=allow-utf-8;q=0.4,"
                      "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;"
                      "version=0.0.4;escaping=allow-utf-8;q=0.2,*/*;escaping=allow-utf-8;q=0.1")
        << true;

    QTest::newRow("none") << QByteArray() << false;
    QTest::newRow("blank") << QByteArray("  ") << false;
    QTest::newRow("any") << QByteArray("*/*") << false;
    QTest::newRow("text/plain") << QByteArray("text/plain") << false;
    QTest::newRow("text/*") << QByteArray("text/*") << false;
    QTest::newRow("openmetrics, no version") << QByteArray("application/openmetrics-text") << true;
    QTest::newRow("openmetrics upper case")
        << QByteArray("Application/OpenMetrics-Text; Version=\"1.0.0\"") << true;
    QTest::newRow("application/*") << QByteArray("application/*") << true;
    QTest::newRow("openmetrics refused")
        << QByteArray("application/openmetrics-text;q=0, */*") << false;
    QTest::newRow("text refused") << QByteArray("text/plain;q=0, */*;q=0.1") << true;
    QTest::newRow("only 0.0.1 offered")
        << QByteArray("application/openmetrics-text;version=0.0.1") << false;
    QTest::newRow("q decides") << QByteArray(
        "text/plain;q=0.9, application/openmetrics-text;q=0.91")
                               << true;
    QTest::newRow("equal q, order decides")
        << QByteArray("application/openmetrics-text, text/plain") << true;
    QTest::newRow("specific beats wildcard")
        << QByteArray("application/openmetrics-text;q=0.1, */*;q=1") << false;
    QTest::newRow("nothing acceptable") << QByteArray("image/png") << false;
    QTest::newRow("garbage") << QByteArray(";;;,,,/;q=;===") << false;
    QTest::newRow("bad q ignored") << QByteArray("application/openmetrics-text;q=2") << false;
    QTest::newRow("bad q ignored 2")
        << QByteArray("application/openmetrics-text;q=0.1234") << false;
    QTest::newRow("huge header") << QByteArray(100000, ',') + "application/openmetrics-text"
                                 << false;
}

void tst_ContentNegotiation::format()
{
    QFETCH(QByteArray, accept);
    QFETCH(bool, openMetrics);
    const ExpositionFormat format = negotiateFormat(accept);
    QCOMPARE(format == ExpositionFormat::OpenMetrics100, openMetrics);
    QCOMPARE(contentTypeFor(format),
             openMetrics ? QByteArray("application/openmetrics-text; version=1.0.0; charset=utf-8")
                         : QByteArray("text/plain; version=0.0.4; charset=utf-8"));
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
