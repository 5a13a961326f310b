// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// RequestLineScanner as a unit: the HTTP version of each request line of a
// connection's byte stream, however the socket cuts it, and where it loses
// track (a request with a body, an over-long request line).

#include <QtCore/qrandom.h>
#include <QtTest/qtest.h>

#include "http/requestlinescanner_p.h"

using namespace QtPrometheusPrivate;

namespace {
enum Chunking { Whole = 0, ByteByByte = -1 }; // or a positive seed: random chunks

// "1.0", "1.1" (any other version), "lost" (version unknown) or "lost 1.0".
QString describe(const RequestLineScanner::Line &line)
{
    if (line.lost)
        return line.http10 ? QStringLiteral("lost 1.0") : QStringLiteral("lost");
    return line.http10 ? QStringLiteral("1.0") : QStringLiteral("1.1");
}

QStringList take(RequestLineScanner &scanner, qsizetype count)
{
    QStringList lines;
    for (qsizetype i = 0; i < count; ++i)
        lines.append(describe(scanner.takeNext()));
    return lines;
}

void feed(RequestLineScanner &scanner, const QByteArray &stream, int chunking)
{
    if (chunking == Whole) {
        scanner.feed(stream.constData(), stream.size());
        return;
    }
    QRandomGenerator random(quint32(qMax(chunking, 0)));
    for (qsizetype at = 0; at < stream.size();) {
        qsizetype chunk = 1;
        if (chunking != ByteByByte) {
            // Mostly a few bytes, sometimes a large read.
            chunk = random.bounded(8) == 0 ? 1 + random.bounded(4096) : 1 + random.bounded(16);
        }
        chunk = qMin(chunk, stream.size() - at);
        scanner.feed(stream.constData() + at, chunk);
        scanner.feed(stream.constData() + at + chunk, 0); // an empty read changes nothing
        at += chunk;
    }
}

// A request line of exactly length bytes, line end excluded.
QByteArray requestLine(qsizetype length)
{
    return "GET /" + QByteArray(length - 5 - 9, 'a') + " HTTP/1.0";
}
} // namespace

class tst_RequestLineScanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scan_data();
    void scan();
    void everySplitPoint();
    void takeNextOnNothing();
    void betweenRequestsByteByByte();
    void lostIsFinal();
    void takeWhileFeeding();
    void headerSize();
    void tooManyFields();
};

void tst_RequestLineScanner::scan_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<int>("chunking");
    QTest::addColumn<QStringList>("lines");
    QTest::addColumn<bool>("betweenRequests");

    const auto add = [](const char *name, const QByteArray &stream, const QStringList &lines,
                        bool betweenRequests) {
        const QList<std::pair<int, const char *>> chunkings = {
            {Whole, "whole"}, {ByteByByte, "byte by byte"}, {1, "random 1"}, {2, "random 2"},
            {3, "random 3"},
        };
        for (const auto &[chunking, chunkingName] : chunkings) {
            QTest::addRow("%s: %s", name, chunkingName)
                << stream << chunking << lines << betweenRequests;
        }
    };
    const QByteArray get10 = "GET / HTTP/1.0\r\n\r\n";
    const QByteArray get11 = "GET / HTTP/1.1\r\n\r\n";

    add("http/1.1", "GET /metrics HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n", {"1.1"},
        true);
    add("http/1.0", "GET /metrics HTTP/1.0\r\n\r\n", {"1.0"}, true);
    add("http/1.0 with headers",
        "GET /metrics HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n", {"1.0"}, true);
    add("bare line feeds", "GET / HTTP/1.0\nHost: a\n\n", {"1.0"}, true);
    add("pipelined",
        "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.0\r\n\r\nHEAD /c HTTP/1.1\r\n\r\n",
        {"1.1", "1.0", "1.1"}, true);
    add("version is case-sensitive", "GET / http/1.0\r\n\r\n", {"1.1"}, true);
    add("version at the end only", "GET /HTTP/1.0 HTTP/1.1\r\n\r\nGET / HTTP/1.00\r\n\r\n",
        {"1.1", "1.1"}, true);
    add("headers are not request lines", "GET / HTTP/1.1\r\nX-Was: GET / HTTP/1.0\r\n\r\n", {"1.1"},
        true);

    // RFC 9112 §2.2: empty lines before a request line are skipped.
    add("empty lines before", "\r\n\r\n\n" + get10, {"1.0"}, true);
    add("empty lines between", get11 + "\r\n\n\r\n" + get10, {"1.1", "1.0"}, true);
    add("only empty lines", "\r\n\n\r\n", {}, true);
    add("nothing", QByteArray(), {}, true);

    add("request line incomplete", "GET / HTTP/1.0", {}, false);
    add("headers incomplete", "GET / HTTP/1.0\r\nHost: a\r\n", {"1.0"}, false);
    add("blank line half received", "GET / HTTP/1.1\r\n\r", {"1.1"}, false);
    add("second request incomplete", get11 + "GET / HTTP/1.0\r\nHo", {"1.1", "1.0"}, false);

    add("content-length 0", "POST /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n" + get10, {"1.1", "1.0"},
        true);
    add("content-length 0, other spellings",
        "POST / HTTP/1.1\r\ncontent-LENGTH:0\r\n\r\n"
        "POST / HTTP/1.0\r\nContent-Length: \t0 \t\r\n\r\n",
        {"1.1", "1.0"}, true);
    add("lookalike headers",
        "GET / HTTP/1.1\r\nX-Content-Length: 5\r\nContent-Lengths: 5\r\n"
        "X-Transfer-Encoding: chunked\r\n\r\n"
            + get10,
        {"1.1", "1.0"}, true);
    // A zero written otherwise is not recognised: the scanner gives up.
    add("content-length 00", "POST / HTTP/1.1\r\nContent-Length: 00\r\n\r\n" + get10, {"lost"},
        false);
    add("body", "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello" + get10, {"lost"}, false);
    add("body after a followed request",
        get10 + "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello" + get11, {"1.0", "lost"},
        false);
    // Lost, but the request line itself was read: its version stays known.
    add("http/1.0 body", "POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc", {"lost 1.0"}, false);
    add("chunked",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + get10,
        {"lost"}, false);
    add("any transfer-encoding", "GET / HTTP/1.1\r\ntransfer-encoding: identity\r\n\r\n" + get10,
        {"lost"}, false);

    // The limit (8 KiB) counts the line's CR: a CRLF line gets one byte less.
    add("8191-byte request line", requestLine(8191) + "\r\n\r\n" + get10, {"1.0", "1.0"}, true);
    add("8192-byte request line", requestLine(8192) + "\r\n\r\n" + get10, {"lost", "1.0"}, true);
    add("8192-byte request line, bare line feeds", requestLine(8192) + "\n\n" + get10,
        {"1.0", "1.0"}, true);
    add("8193-byte request line, bare line feeds", requestLine(8193) + "\n\n" + get10,
        {"lost", "1.0"}, true);
    add("huge request line", requestLine(100000) + "\r\n\r\n" + get10, {"lost", "1.0"}, true);
    add("huge header", "GET / HTTP/1.0\r\nX-Long: " + QByteArray(20000, 'a') + "\r\n\r\n" + get11,
        {"1.0", "1.1"}, true);
}

void tst_RequestLineScanner::scan()
{
    QFETCH(QByteArray, stream);
    QFETCH(int, chunking);
    QFETCH(QStringList, lines);
    QFETCH(bool, betweenRequests);

    RequestLineScanner scanner;
    feed(scanner, stream, chunking);
    QCOMPARE(scanner.isBetweenRequests(), betweenRequests);
    QCOMPARE(take(scanner, lines.size()), lines);
    // Past the last request line there is nothing but "lost".
    QCOMPARE(take(scanner, 2), QStringList({"lost", "lost"}));
    QCOMPARE(scanner.isBetweenRequests(), betweenRequests);
}

void tst_RequestLineScanner::everySplitPoint()
{
    const QByteArray stream = "\r\nGET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"
                              "\nGET / HTTP/1.0\r\n\r\n"
                              "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"
                              "GET / HTTP/1.0\r\n\r\n";
    const QStringList lines = {"1.1", "1.0", "lost", "lost"};
    for (qsizetype at = 0; at <= stream.size(); ++at) {
        RequestLineScanner scanner;
        scanner.feed(stream.constData(), at);
        scanner.feed(stream.constData() + at, stream.size() - at);
        QVERIFY2(!scanner.isBetweenRequests(), QByteArray::number(at).constData());
        QCOMPARE(take(scanner, lines.size()), lines);
    }
}

void tst_RequestLineScanner::takeNextOnNothing()
{
    RequestLineScanner scanner;
    QVERIFY(scanner.isBetweenRequests());
    const RequestLineScanner::Line line = scanner.takeNext();
    QVERIFY(line.lost);
    QVERIFY(!line.http10);
    QCOMPARE(take(scanner, 3), QStringList({"lost", "lost", "lost"}));
    QVERIFY(scanner.isBetweenRequests());

    // Taking past the end takes nothing from what comes later.
    const QByteArray get = "GET / HTTP/1.0\r\n\r\n";
    scanner.feed(get.constData(), get.size());
    QCOMPARE(take(scanner, 2), QStringList({"1.0", "lost"}));
}

void tst_RequestLineScanner::betweenRequestsByteByByte()
{
    const QByteArray leading = "\r\n";
    const QByteArray first = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    const QByteArray gap = "\n";
    const QByteArray second = "GET / HTTP/1.0\r\n\r\n";
    const QByteArray stream = leading + first + gap + second;
    // Between requests: before anything, within the empty lines, and after
    // each request's blank line; never inside a request.
    const QList<qsizetype> between = {0,
                                      1,
                                      2,
                                      leading.size() + first.size(),
                                      leading.size() + first.size() + gap.size(),
                                      stream.size()};

    RequestLineScanner scanner;
    for (qsizetype received = 0; received <= stream.size(); ++received) {
        if (received > 0)
            scanner.feed(stream.constData() + received - 1, 1);
        QVERIFY2(scanner.isBetweenRequests() == between.contains(received),
                 QByteArray::number(received).constData());
    }
    QCOMPARE(take(scanner, 3), QStringList({"1.1", "1.0", "lost"}));
}

void tst_RequestLineScanner::lostIsFinal()
{
    RequestLineScanner scanner;
    const QByteArray body = "POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\n";
    scanner.feed(body.constData(), body.size());
    QVERIFY(!scanner.isBetweenRequests());

    // Nothing after the body is read as requests any more, not even the
    // blank lines and request lines that would follow it.
    const QByteArray more = "body\r\n\r\nGET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n";
    scanner.feed(more.constData(), more.size());
    QVERIFY(!scanner.isBetweenRequests());
    QCOMPARE(take(scanner, 3), QStringList({"lost", "lost", "lost"}));
    scanner.feed(more.constData(), more.size());
    QVERIFY(!scanner.isBetweenRequests());
    QCOMPARE(take(scanner, 1), QStringList({"lost"}));
}

void tst_RequestLineScanner::takeWhileFeeding()
{
    RequestLineScanner scanner;
    const auto feedBytes = [&scanner](const QByteArray &bytes) {
        scanner.feed(bytes.constData(), bytes.size());
    };

    feedBytes("GET / HTTP/1.0\r\n\r\n");
    QCOMPARE(take(scanner, 1), QStringList({"1.0"}));
    feedBytes("GET / HTTP/1.1\r\n\r\n");
    QCOMPARE(take(scanner, 1), QStringList({"1.1"}));

    // A request followed by one with a body: only the latter is lost.
    feedBytes("GET / HTTP/1.0\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx");
    QCOMPARE(take(scanner, 1), QStringList({"1.0"}));
    QCOMPARE(take(scanner, 2), QStringList({"lost", "lost"}));

    // Taken before its headers are in, a request is not marked lost later.
    // HttpConnection feeds every byte before Qt's parser sees it, so it never
    // takes a request that early.
    RequestLineScanner early;
    const QByteArray line = "POST / HTTP/1.0\r\n";
    const QByteArray headers = "Content-Length: 4\r\n\r\nbody";
    early.feed(line.constData(), line.size());
    QCOMPARE(take(early, 1), QStringList({"1.0"}));
    early.feed(headers.constData(), headers.size());
    QVERIFY(!early.isBetweenRequests());
    QCOMPARE(take(early, 1), QStringList({"lost"}));
}

// The header being received, counted as it arrives with the empty lines
// before it; zero once it is complete.
void tst_RequestLineScanner::headerSize()
{
    RequestLineScanner scanner;
    QCOMPARE(scanner.headerFields(), 0);
    QCOMPARE(scanner.headerBytes(), qsizetype(0));
    const QByteArray start
        = "\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n"; // the empty line is no field
    scanner.feed(start.constData(), 2);
    QVERIFY(scanner.isBetweenRequests());
    QVERIFY(!scanner.hasBegunRequest()); // one empty line may follow any request
    QCOMPARE(scanner.headerBytes(), qsizetype(2));
    scanner.feed(start.constData() + 2, start.size() - 2);
    QVERIFY(scanner.hasBegunRequest());
    QCOMPARE(scanner.headerFields(), 1);
    QCOMPARE(scanner.headerBytes(), start.size());
    const QByteArray more = "Accept: */*\r\nX-Part";
    scanner.feed(more.constData(), more.size());
    QCOMPARE(scanner.headerFields(), 2); // the unfinished line is not a field yet
    QCOMPARE(scanner.headerBytes(), start.size() + more.size());
    const QByteArray end = "ial: 1\r\n\r\n";
    scanner.feed(end.constData(), end.size());
    QVERIFY(scanner.isBetweenRequests());
    QCOMPARE(scanner.headerFields(), 0);
    QCOMPARE(scanner.headerBytes(), qsizetype(0));
    QVERIFY(!scanner.takeNext().tooManyFields);
    scanner.feed("\r\n\r\n", 4); // more than one: a client sending empty lines
    QVERIFY(scanner.isBetweenRequests());
    QVERIFY(scanner.hasBegunRequest());
}

// More than MaxHeaderFields fields mark the request; exactly as many do not.
void tst_RequestLineScanner::tooManyFields()
{
    for (const int fields :
         {RequestLineScanner::MaxHeaderFields, RequestLineScanner::MaxHeaderFields + 1}) {
        QByteArray raw = "GET /metrics HTTP/1.1\r\n";
        for (int i = 0; i < fields; ++i)
            raw += "X-" + QByteArray::number(i) + ": v\r\n";
        raw += "\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
        RequestLineScanner scanner;
        scanner.feed(raw.constData(), raw.size());
        QCOMPARE(scanner.takeNext().tooManyFields, fields > RequestLineScanner::MaxHeaderFields);
        QVERIFY(!scanner.takeNext().tooManyFields); // the next request starts afresh
    }
}

QTEST_GUILESS_MAIN(tst_RequestLineScanner)

#include "tst_requestlinescanner.moc"
