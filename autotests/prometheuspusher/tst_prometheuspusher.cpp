// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include <QtPrometheusExporter/PrometheusExporter>
#include <QtPrometheusExporter/PrometheusPusher>

#include <QtCore/qelapsedtimer.h>
#include <QtCore/qfile.h>
#include <QtCore/qpointer.h>
#include <QtCore/qprocess.h>
#include <QtCore/qrandom.h>
#include <QtCore/qregularexpression.h>
#include <QtCore/qstandardpaths.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qtimer.h>
#if QT_CONFIG(ssl)
#include <QtNetwork/qsslconfiguration.h>
#include <QtNetwork/qsslsocket.h>
#endif
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdio>
#include <memory>
#include <optional>

#include "fakegateway.h"
#include "httptestclient.h"
#include "logcapture.h"
#include "pushgatewayfixture.h"
#include "scriptedcollectable.h"

using namespace std::chrono_literals;

namespace {
constexpr char helperFlag[] = "--push-on-quit-helper";

prometheus::Gauge &addGauge(prometheus::Registry &registry, const std::string &name,
                            const prometheus::Labels &labels = {})
{
    return prometheus::BuildGauge().Name(name).Help("test gauge").Register(registry).Add(labels);
}

// Waits until the pusher has nothing on the wire and nothing waiting.
bool waitIdle(PrometheusPusher &pusher, int timeoutMs = 15000)
{
    QElapsedTimer clock;
    clock.start();
    QSignalSpy spy(&pusher, &PrometheusPusher::pushingChanged);
    while (pusher.isPushing() && clock.elapsed() < timeoutMs)
        spy.wait(int(qMax<qint64>(1, timeoutMs - clock.elapsed())));
    return !pusher.isPushing();
}

// The gateway's decoding of a group path, written from its README: the test's
// own reading of what the pusher wrote.
std::optional<Labels> decodeGroupPath(const QByteArray &path)
{
    if (!path.startsWith("/metrics/"))
        return std::nullopt;
    const QList<QByteArray> parts = path.mid(9).split('/');
    if (parts.size() % 2 != 0)
        return std::nullopt;
    Labels labels;
    for (qsizetype i = 0; i < parts.size(); i += 2) {
        QByteArray name = parts.at(i);
        QString value;
        if (name.endsWith("@base64")) {
            name.chop(7);
            QByteArray encoded = parts.at(i + 1);
            while (encoded.endsWith('='))
                encoded.chop(1);
            const auto decoded = QByteArray::fromBase64Encoding(
                encoded, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded)
                return std::nullopt;
            value = QString::fromUtf8(*decoded);
        } else {
            value = QString::fromUtf8(QByteArray::fromPercentEncoding(parts.at(i + 1)));
        }
        labels.insert(QString::fromLatin1(name), value);
    }
    return labels;
}

// Run as a child process: pushes only from QCoreApplication::aboutToQuit.
int pushOnQuitHelper(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments(); // exe, flag, gateway, job, value, timeout
    if (args.size() != 6)
        return 2;
    PrometheusPusher pusher;
    pusher.setGatewayUrl(QUrl(args.at(2)));
    pusher.setJob(args.at(3));
    pusher.setTimeout(args.at(5).toInt());
    addGauge(*pusher.registry(), "tst_quit_value").Set(args.at(4).toDouble());
    pusher.setPushOnQuit(true);
    QObject::connect(&pusher, &PrometheusPusher::pushSucceeded, &app, [] {
        std::fputs("pushed\n", stdout);
        std::fflush(stdout);
    });
    QObject::connect(&pusher, &PrometheusPusher::pushFailed, &app,
                     [](auto, auto, const QString &message) {
                         std::fprintf(stdout, "failed: %s\n", qPrintable(message));
                         std::fflush(stdout);
                     });
    QTimer::singleShot(0, &app, &QCoreApplication::quit);
    return app.exec();
}
} // namespace

class tst_PrometheusPusher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void defaultsAndProperties();
    void groupUrl_data();
    void warningsOutsideQtCategories();
    void startRefusesWhatCannotPush();
    void groupUrl();
    void groupUrlRoundTrip();

    void pushAndReadBack();
    void awkwardKeysReachTheGateway();
    void pushReplacesGroup();
    void pushAddKeepsOtherMetrics();
    void deleteRemovesGroup();
    void operationsKeepTheirOrder();
    void repeatedCallsAreMerged();
    void collectables();
    void pushBodyEqualsScrapeBody();
    void collectExceptionFails();
    void invalidConfigurationFails_data();
    void invalidConfigurationFails();

    void gatewayDown();
    void gatewayRejectsInvalidMetric();
    void gatewayWrongPath();
    void serverErrorWithLongBody();
    void redirectIsNotFollowed();
    void timeout();
    void destroyWhileInFlight();
    void destroyInFailureSlot();
    void destroyInTimeoutSlot();

    void periodicPushing();
    void periodicPushIsNotDuplicated();
    void basicAuthAndTls();

    void pushOnQuitArrives();
    void pushOnQuitIsBounded();

private:
    QString uniqueJob()
    {
        return QStringLiteral("tst_%1_%2")
            .arg(QString::fromLatin1(QTest::currentTestFunction()))
            .arg(++m_jobCounter);
    }
    std::unique_ptr<PrometheusPusher>
    makePusher(const QString &job, std::shared_ptr<prometheus::Registry> registry = {})
    {
        auto pusher = std::make_unique<PrometheusPusher>(std::move(registry));
        pusher->setGatewayUrl(m_gateway.url());
        pusher->setJob(job);
        return pusher;
    }
    // Runs this test binary as the push-on-quit helper; returns its stdout.
    QByteArray runHelper(const QUrl &gateway, const QString &job, double value, int timeoutMs,
                         qint64 *elapsedMs);

    Pushgateway m_gateway;
    int m_jobCounter = 0;
};

void tst_PrometheusPusher::initTestCase()
{
    if (pushgatewayExecutable().isEmpty())
        QFAIL("prometheus-pushgateway not found: install the Debian package "
              "'prometheus-pushgateway' (or set PUSHGATEWAY_EXECUTABLE)");
    QVERIFY2(m_gateway.start(), "cannot start prometheus-pushgateway");
}

void tst_PrometheusPusher::cleanupTestCase()
{
    m_gateway.stop();
}

void tst_PrometheusPusher::defaultsAndProperties()
{
    PrometheusPusher pusher;
    QVERIFY(pusher.registry());
    QCOMPARE(pusher.gatewayUrl(), QUrl());
    QCOMPARE(pusher.job(), QString());
    QVERIFY(pusher.groupingLabels().isEmpty());
    QCOMPARE(pusher.groupUrl(), QUrl());
    QCOMPARE(pusher.operation(), PrometheusPusher::Operation::Push);
    QCOMPARE(pusher.interval(), PrometheusPusher::DefaultInterval);
    QCOMPARE(pusher.timeout(), PrometheusPusher::DefaultTimeout);
    QCOMPARE(pusher.pushOnQuit(), false);
    QCOMPARE(pusher.isRunning(), false);
    QCOMPARE(pusher.isPushing(), false);
    QCOMPARE(pusher.error(), PrometheusPusher::Error::NoError);
    QCOMPARE(pusher.basicAuthUser(), QString());
    QVERIFY(!pusher.isBasicAuthEnabled());

    QSignalSpy urlSpy(&pusher, &PrometheusPusher::groupUrlChanged);
    QSignalSpy jobSpy(&pusher, &PrometheusPusher::jobChanged);
    QSignalSpy labelsSpy(&pusher, &PrometheusPusher::groupingLabelsChanged);
    pusher.setGatewayUrl(QUrl(QStringLiteral("http://127.0.0.1:9091")));
    QCOMPARE(urlSpy.count(), 0); // still no job: no group URL yet
    pusher.setJob(QStringLiteral("backup"));
    pusher.setJob(QStringLiteral("backup"));
    QCOMPARE(jobSpy.count(), 1);
    QCOMPARE(urlSpy.count(), 1);
    QCOMPARE(pusher.groupUrl(), QUrl(QStringLiteral("http://127.0.0.1:9091/metrics/job/backup")));
    pusher.setGroupingLabel(QStringLiteral("instance"), QStringLiteral("db1"));
    pusher.setGroupingLabel(QStringLiteral("instance"), QStringLiteral("db1"));
    QCOMPARE(labelsSpy.count(), 1);
    QCOMPARE(urlSpy.count(), 2);
    pusher.removeGroupingLabel(QStringLiteral("nothing"));
    QCOMPARE(labelsSpy.count(), 1);
    pusher.removeGroupingLabel(QStringLiteral("instance"));
    QCOMPARE(labelsSpy.count(), 2);
    QCOMPARE(urlSpy.count(), 3);

    QSignalSpy operationSpy(&pusher, &PrometheusPusher::operationChanged);
    QSignalSpy errorSpy(&pusher, &PrometheusPusher::errorOccurred);
    pusher.setOperation(PrometheusPusher::Operation::PushAdd);
    QCOMPARE(pusher.error(), PrometheusPusher::Error::NoError);
    // Delete deletes rather than pushes: refused with an error, the old one stays.
    pusher.setOperation(PrometheusPusher::Operation::Delete);
    QCOMPARE(pusher.operation(), PrometheusPusher::Operation::PushAdd);
    QCOMPARE(operationSpy.count(), 1);
    QCOMPARE(errorSpy.count(), 1);
    QCOMPARE(errorSpy.at(0).at(0).value<PrometheusPusher::Error>(),
             PrometheusPusher::Error::InvalidOperationError);
    QCOMPARE(pusher.error(), PrometheusPusher::Error::InvalidOperationError);
    QVERIFY2(pusher.errorString().contains(QLatin1String("deleteGroup()")),
             qPrintable(pusher.errorString()));

    QSignalSpy intervalSpy(&pusher, &PrometheusPusher::intervalChanged);
    pusher.setInterval(2s);
    QCOMPARE(pusher.interval(), 2000);
    QCOMPARE(pusher.intervalAsDuration(), 2000ms);
    pusher.setInterval(-5);
    QCOMPARE(pusher.interval(), 1);
    QCOMPARE(intervalSpy.count(), 2);

    QSignalSpy timeoutSpy(&pusher, &PrometheusPusher::timeoutChanged);
    pusher.setTimeout(1500ms);
    QCOMPARE(pusher.timeoutAsDuration(), 1500ms);
    pusher.setTimeout(0);
    QCOMPARE(pusher.timeout(), 1);
    QCOMPARE(timeoutSpy.count(), 2);

    QSignalSpy quitSpy(&pusher, &PrometheusPusher::pushOnQuitChanged);
    pusher.setPushOnQuit(true);
    pusher.setPushOnQuit(true);
    pusher.setPushOnQuit(false);
    QCOMPARE(quitSpy.count(), 2);

    pusher.setBasicAuth(QStringLiteral("user"), QStringLiteral("pw"));
    QCOMPARE(pusher.basicAuthUser(), QStringLiteral("user"));
    QVERIFY(pusher.isBasicAuthEnabled());
    pusher.clearBasicAuth();
    QCOMPARE(pusher.basicAuthUser(), QString());
    QVERIFY(!pusher.isBasicAuthEnabled());
}

void tst_PrometheusPusher::groupUrl_data()
{
    QTest::addColumn<QString>("gateway");
    QTest::addColumn<QString>("job");
    QTest::addColumn<Labels>("labels");
    QTest::addColumn<QString>("expected"); // empty: refused

    const QString gw = QStringLiteral("http://127.0.0.1:9091");
    const QString job = QStringLiteral("backup");
    auto l = [](const char *name, const QString &value) {
        return Labels {{QString::fromLatin1(name), value}};
    };

    QTest::newRow("job only") << gw << job << Labels()
                              << gw + QStringLiteral("/metrics/job/backup");
    QTest::newRow("labels in name order")
        << gw << job
        << Labels {{QStringLiteral("instance"), QStringLiteral("db1")},
                   {QStringLiteral("a"), QStringLiteral("x")}}
        << gw + QStringLiteral("/metrics/job/backup/a/x/instance/db1");
    // The README's own example.
    QTest::newRow("slash in value")
        << gw << QStringLiteral("directory_cleaner") << l("path", QStringLiteral("/var/tmp"))
        << gw + QStringLiteral("/metrics/job/directory_cleaner/path@base64/L3Zhci90bXA");
    QTest::newRow("empty value") << gw << job << l("e", QString())
                                 << gw + QStringLiteral("/metrics/job/backup/e@base64/=");
    QTest::newRow("slash in job") << gw << QStringLiteral("a/b") << Labels()
                                  << gw + QStringLiteral("/metrics/job@base64/YS9i");
    QTest::newRow("base64url alphabet, no padding")
        << gw << job << l("v", QStringLiteral("/>>?"))
        << gw + QStringLiteral("/metrics/job/backup/v@base64/Lz4-Pw");
    QTest::newRow("base64url underscore")
        << gw << job << l("v", QStringLiteral("/\u00ff"))
        << gw + QStringLiteral("/metrics/job/backup/v@base64/L8O_");
    QTest::newRow("dot value") << gw << job << l("d", QStringLiteral("."))
                               << gw + QStringLiteral("/metrics/job/backup/d@base64/Lg");
    QTest::newRow("dot-dot job") << gw << QStringLiteral("..") << Labels()
                                 << gw + QStringLiteral("/metrics/job@base64/Li4");
    QTest::newRow("percent-encoded")
        << gw << job << l("v", QStringLiteral("a b%c?d#e+f:g@h;i=j"))
        << gw + QStringLiteral("/metrics/job/backup/v/a%20b%25c%3Fd%23e%2Bf%3Ag%40h%3Bi%3Dj");
    QTest::newRow("unicode") << gw << QStringLiteral("gr\u00fcn") << Labels()
                             << gw + QStringLiteral("/metrics/job/gr%C3%BCn");
    QTest::newRow("path prefix, trailing slash")
        << QStringLiteral("https://gw.example/push/") << job << Labels()
        << QStringLiteral("https://gw.example/push/metrics/job/backup");
    QTest::newRow("query and fragment dropped")
        << QStringLiteral("http://gw.example:1/p?x=1#f") << job << Labels()
        << QStringLiteral("http://gw.example:1/p/metrics/job/backup");

    QTest::newRow("empty job") << gw << QString() << Labels() << QString();
    QTest::newRow("label name starting with a digit")
        << gw << job << l("1abc", QStringLiteral("x")) << QString();
    QTest::newRow("label name with a dash")
        << gw << job << l("a-b", QStringLiteral("x")) << QString();
    QTest::newRow("reserved label name")
        << gw << job << l("__name__", QStringLiteral("x")) << QString();
    QTest::newRow("job as label") << gw << job << l("job", QStringLiteral("x")) << QString();
    QTest::newRow("empty label name") << gw << job << l("", QStringLiteral("x")) << QString();
    QTest::newRow("no gateway") << QString() << job << Labels() << QString();
    QTest::newRow("ftp gateway") << QStringLiteral("ftp://gw.example/") << job << Labels()
                                 << QString();
    QTest::newRow("no scheme") << QStringLiteral("127.0.0.1:9091") << job << Labels() << QString();
}

void tst_PrometheusPusher::groupUrl()
{
    QFETCH(QString, gateway);
    QFETCH(QString, job);
    QFETCH(Labels, labels);
    QFETCH(QString, expected);

    PrometheusPusher pusher;
    pusher.setGatewayUrl(QUrl(gateway));
    pusher.setJob(job);
    pusher.setGroupingLabels(labels);
    QCOMPARE(pusher.groupUrl().toString(QUrl::FullyEncoded), expected);
}

void tst_PrometheusPusher::groupUrlRoundTrip()
{
    // Random job names and values from the awkward characters, decoded the way
    // the gateway does: what comes back must be what went in.
    const std::u32string alphabet = U"ab/.%=@+?#& :;~-_\u00fc\u20ac\U0001F600\t\"'\\{}";
    QRandomGenerator random(20260101);
    auto randomText = [&] {
        std::u32string text;
        const int length = int(random.bounded(6));
        for (int i = 0; i < length; ++i)
            text += alphabet.at(random.bounded(quint32(alphabet.size())));
        return QString::fromStdU32String(text);
    };
    PrometheusPusher pusher;
    pusher.setGatewayUrl(QUrl(QStringLiteral("http://127.0.0.1:9091")));
    for (int round = 0; round < 2000; ++round) {
        QString job = randomText();
        if (job.isEmpty())
            job = QStringLiteral("j");
        Labels labels;
        const int count = int(random.bounded(4));
        for (int i = 0; i < count; ++i)
            labels.insert(QStringLiteral("l%1").arg(i), randomText());
        pusher.setJob(job);
        pusher.setGroupingLabels(labels);

        const QUrl url = pusher.groupUrl();
        QVERIFY2(url.isValid(), qPrintable(job));
        const QByteArray path = url.path(QUrl::FullyEncoded).toLatin1();
        QVERIFY2(!path.contains("//"), path.constData());
        for (const QByteArray &segment : path.split('/'))
            QVERIFY2(segment != "." && segment != "..", path.constData());
        const auto decoded = decodeGroupPath(path);
        QVERIFY2(decoded, path.constData());
        Labels expected = labels;
        expected.insert(QStringLiteral("job"), job);
        QCOMPARE(*decoded, expected);
    }
}

void tst_PrometheusPusher::pushAndReadBack()
{
    const QString job = uniqueJob();
    auto pusher = makePusher(job);
    auto &requests = prometheus::BuildCounter()
                         .Name("tst_requests_total")
                         .Help("requests")
                         .Register(*pusher->registry())
                         .Add({{"method", "get"}});
    requests.Increment(3);
    addGauge(*pusher->registry(), "tst_temperature_celsius", {{"room", "lab"}}).Set(21.5);
    // Values the URL cannot carry plainly: they must arrive as they were.
    const Labels grouping {{QStringLiteral("instance"), QStringLiteral("host:9100")},
                           {QStringLiteral("path"), QStringLiteral("/var/tmp")},
                           {QStringLiteral("empty"), QString()},
                           {QStringLiteral("text"), QStringLiteral("gr\u00fcn 100% a+b")}};
    pusher->setGroupingLabels(grouping);

    QSignalSpy succeeded(pusher.get(), &PrometheusPusher::pushSucceeded);
    QSignalSpy failed(pusher.get(), &PrometheusPusher::pushFailed);
    QSignalSpy pushing(pusher.get(), &PrometheusPusher::pushingChanged);
    pusher->push();
    QVERIFY(pusher->isPushing());
    QVERIFY(succeeded.wait(10000));
    QCOMPARE(failed.count(), 0);
    QCOMPARE(succeeded.count(), 1);
    QCOMPARE(succeeded.at(0).at(0).value<PrometheusPusher::Operation>(),
             PrometheusPusher::Operation::Push);
    QCOMPARE(pusher->error(), PrometheusPusher::Error::NoError);
    QCOMPARE(pusher->errorString(), QString());
    QVERIFY(!pusher->isPushing());
    QCOMPARE(pushing.count(), 2);

    Labels key = grouping;
    key.insert(QStringLiteral("job"), job);
    const auto group = m_gateway.group(key);
    QVERIFY2(group, "the group is not on the gateway");
    QCOMPARE(group->value(QLatin1String("last_push_successful")).toBool(), true);

    const auto counter = sample(*group, QStringLiteral("tst_requests_total"));
    QVERIFY(counter);
    QCOMPARE(counter->value, 3.0);
    Labels expected = key;
    expected.insert(QStringLiteral("method"), QStringLiteral("get"));
    QCOMPARE(counter->labels, expected);
    QCOMPARE(group->value(QLatin1String("tst_requests_total"))
                 .toObject()
                 .value(QLatin1String("type"))
                 .toString(),
             QStringLiteral("COUNTER"));

    const auto gauge = sample(*group, QStringLiteral("tst_temperature_celsius"));
    QVERIFY(gauge);
    QCOMPARE(gauge->value, 21.5);
    QCOMPARE(gauge->labels.value(QStringLiteral("room")), QStringLiteral("lab"));
    QCOMPARE(gauge->labels.value(QStringLiteral("path")), QStringLiteral("/var/tmp"));
}

void tst_PrometheusPusher::awkwardKeysReachTheGateway()
{
    // The gateway's own decoder is the judge of the encoding.
    const QString job = uniqueJob() + QStringLiteral("/sub dir");
    const Labels grouping {
        {QStringLiteral("dot"), QStringLiteral(".")},
        {QStringLiteral("dotdot"), QStringLiteral("..")},
        {QStringLiteral("empty"), QString()},
        {QStringLiteral("slash"), QStringLiteral("/")},
        {QStringLiteral("percent"), QStringLiteral("100%")},
        {QStringLiteral("query"), QStringLiteral("?a=b#c")},
        {QStringLiteral("plus"), QStringLiteral("a+b")},
        {QStringLiteral("space"), QStringLiteral(" ")},
        {QStringLiteral("unicode"), QStringLiteral("gr\u00fcn \u20ac \U0001F600")},
        {QStringLiteral("quote"), QStringLiteral("\"'\\")}};
    auto pusher = makePusher(job);
    pusher->setGroupingLabels(grouping);
    addGauge(*pusher->registry(), "tst_g").Set(5);
    pusher->push();
    QVERIFY(waitIdle(*pusher));
    QCOMPARE(pusher->errorString(), QString());
    Labels key = grouping;
    key.insert(QStringLiteral("job"), job);
    const auto group = m_gateway.group(key);
    QVERIFY2(group, "no group with exactly these labels on the gateway");
    QCOMPARE(sample(*group, QStringLiteral("tst_g"))->value, 5.0);
    pusher->deleteGroup();
    QVERIFY(waitIdle(*pusher));
    // The gateway answers a DELETE with 202 and deletes a moment later.
    QTRY_VERIFY_WITH_TIMEOUT(!m_gateway.group(key), 5000);
}

void tst_PrometheusPusher::pushReplacesGroup()
{
    const QString job = uniqueJob();
    auto first = makePusher(job);
    addGauge(*first->registry(), "tst_a").Set(1);
    addGauge(*first->registry(), "tst_b").Set(2);
    auto second = makePusher(job);
    addGauge(*second->registry(), "tst_c").Set(3);

    first->push();
    QVERIFY(waitIdle(*first));
    QCOMPARE(first->error(), PrometheusPusher::Error::NoError);
    second->push();
    QVERIFY(waitIdle(*second));
    QCOMPARE(second->error(), PrometheusPusher::Error::NoError);

    const auto group = m_gateway.group({{QStringLiteral("job"), job}});
    QVERIFY(group);
    QVERIFY(!sample(*group, QStringLiteral("tst_a")));
    QVERIFY(!sample(*group, QStringLiteral("tst_b")));
    QCOMPARE(sample(*group, QStringLiteral("tst_c"))->value, 3.0);
}

void tst_PrometheusPusher::pushAddKeepsOtherMetrics()
{
    const QString job = uniqueJob();
    auto first = makePusher(job);
    addGauge(*first->registry(), "tst_a").Set(1);
    addGauge(*first->registry(), "tst_b").Set(2);
    auto second = makePusher(job);
    addGauge(*second->registry(), "tst_a").Set(10);
    addGauge(*second->registry(), "tst_c").Set(3);

    first->push();
    QVERIFY(waitIdle(*first));
    QSignalSpy succeeded(second.get(), &PrometheusPusher::pushSucceeded);
    second->pushAdd();
    QVERIFY(waitIdle(*second));
    QCOMPARE(succeeded.count(), 1);
    QCOMPARE(succeeded.at(0).at(0).value<PrometheusPusher::Operation>(),
             PrometheusPusher::Operation::PushAdd);

    const auto group = m_gateway.group({{QStringLiteral("job"), job}});
    QVERIFY(group);
    QCOMPARE(sample(*group, QStringLiteral("tst_a"))->value, 10.0); // same name: replaced
    QCOMPARE(sample(*group, QStringLiteral("tst_b"))->value, 2.0); // other name: kept
    QCOMPARE(sample(*group, QStringLiteral("tst_c"))->value, 3.0);
}

void tst_PrometheusPusher::deleteRemovesGroup()
{
    const QString job = uniqueJob();
    auto doomed = makePusher(job);
    doomed->setGroupingLabel(QStringLiteral("instance"), QStringLiteral("a"));
    addGauge(*doomed->registry(), "tst_g").Set(1);
    auto kept = makePusher(job);
    kept->setGroupingLabel(QStringLiteral("instance"), QStringLiteral("b"));
    addGauge(*kept->registry(), "tst_g").Set(2);
    doomed->push();
    kept->push();
    QVERIFY(waitIdle(*doomed));
    QVERIFY(waitIdle(*kept));
    const Labels doomedKey {{QStringLiteral("job"), job},
                            {QStringLiteral("instance"), QStringLiteral("a")}};
    const Labels keptKey {{QStringLiteral("job"), job},
                          {QStringLiteral("instance"), QStringLiteral("b")}};
    QVERIFY(m_gateway.group(doomedKey));

    QSignalSpy succeeded(doomed.get(), &PrometheusPusher::pushSucceeded);
    doomed->deleteGroup();
    QVERIFY(succeeded.wait(10000));
    QCOMPARE(succeeded.at(0).at(0).value<PrometheusPusher::Operation>(),
             PrometheusPusher::Operation::Delete);
    // The gateway answers a DELETE with 202 and deletes a moment later.
    QTRY_VERIFY_WITH_TIMEOUT(!m_gateway.group(doomedKey), 5000);
    QVERIFY(m_gateway.group(keptKey));
}

void tst_PrometheusPusher::operationsKeepTheirOrder()
{
    const QString job = uniqueJob();
    auto pusher = makePusher(job);
    addGauge(*pusher->registry(), "tst_g").Set(1);
    const Labels key {{QStringLiteral("job"), job}};

    QList<PrometheusPusher::Operation> done;
    connect(pusher.get(), &PrometheusPusher::pushSucceeded, this,
            [&done](PrometheusPusher::Operation operation) { done.append(operation); });
    // QNetworkAccessManager would run these in parallel; the pusher must not.
    pusher->push();
    pusher->deleteGroup();
    QVERIFY(waitIdle(*pusher));
    QTRY_VERIFY_WITH_TIMEOUT(!m_gateway.group(key), 5000); // a DELETE is done after its 202

    pusher->push();
    pusher->deleteGroup();
    pusher->push();
    QVERIFY(waitIdle(*pusher));
    QVERIFY(m_gateway.group(key));
    using Op = PrometheusPusher::Operation;
    QCOMPARE(done, (QList<Op> {Op::Push, Op::Delete, Op::Push, Op::Delete, Op::Push}));
}

void tst_PrometheusPusher::repeatedCallsAreMerged()
{
    const QString job = uniqueJob();
    auto pusher = makePusher(job);
    auto &gauge = addGauge(*pusher->registry(), "tst_g");
    gauge.Set(1);
    QSignalSpy succeeded(pusher.get(), &PrometheusPusher::pushSucceeded);
    for (int i = 0; i < 5; ++i)
        pusher->push(); // the first goes out at once, the other four wait as one
    gauge.Set(7); // collected when the waiting push is sent
    QVERIFY(waitIdle(*pusher));
    QCOMPARE(succeeded.count(), 2);
    const auto group = m_gateway.group({{QStringLiteral("job"), job}});
    QVERIFY(group);
    QCOMPARE(sample(*group, QStringLiteral("tst_g"))->value, 7.0);
}

void tst_PrometheusPusher::collectables()
{
    const QString job = uniqueJob();
    auto pusher = makePusher(job);
    addGauge(*pusher->registry(), "tst_own").Set(1);
    auto extra = std::make_shared<prometheus::Registry>();
    addGauge(*extra, "tst_extra").Set(2);
    auto expired = std::make_shared<prometheus::Registry>();
    addGauge(*expired, "tst_expired").Set(3);
    pusher->registerCollectable(extra);
    pusher->registerCollectable(extra); // once is enough
    pusher->registerCollectable(expired);
    expired.reset();

    pusher->push();
    QVERIFY(waitIdle(*pusher));
    QCOMPARE(pusher->error(), PrometheusPusher::Error::NoError);
    auto group = m_gateway.group({{QStringLiteral("job"), job}});
    QVERIFY(group);
    QCOMPARE(sample(*group, QStringLiteral("tst_own"))->value, 1.0);
    QCOMPARE(sample(*group, QStringLiteral("tst_extra"))->value, 2.0);
    QCOMPARE(group->value(QLatin1String("tst_extra"))
                 .toObject()
                 .value(QLatin1String("metrics"))
                 .toArray()
                 .size(),
             1);

    pusher->removeCollectable(extra);
    pusher->push();
    QVERIFY(waitIdle(*pusher));
    group = m_gateway.group({{QStringLiteral("job"), job}});
    QVERIFY(group);
    QVERIFY(!sample(*group, QStringLiteral("tst_extra")));
}

void tst_PrometheusPusher::pushBodyEqualsScrapeBody()
{
    // One registry, served by an exporter and pushed by a pusher: the same
    // writer must give the same bytes, down to escapes and the last digit.
    auto registry = std::make_shared<prometheus::Registry>();
    auto &requests = prometheus::BuildCounter()
                         .Name("tst_requests_total")
                         .Help("Requests, \\ and a\nsecond line")
                         .Register(*registry);
    requests.Add({{"path", "C:\\tmp\n\"quoted\""}}).Increment(3);
    requests.Add({{"path", "/"}}).Increment(0.1 + 0.2); // 0.30000000000000004
    auto &values = prometheus::BuildGauge().Name("tst_value").Help("values").Register(*registry);
    values.Add({{"kind", "tiny"}}).Set(1e-300);
    values.Add({{"kind", "precise"}}).Set(0.12345678901234568); // 17 significant digits
    values.Add({{"kind", "negative"}}).Set(-1234567.8901234567);
    auto &latency = prometheus::BuildHistogram()
                        .Name("tst_latency_seconds")
                        .Help("latency")
                        .Register(*registry)
                        .Add({{"route", "/a b"}},
                             prometheus::Histogram::BucketBoundaries {0.005, 0.1, 1, 1e6});
    latency.Observe(0.05);
    latency.Observe(2);
    latency.Observe(3e6);

    // The exporter's self and runtime metrics live in collectables of its own,
    // not in this registry: switched off, the scrape holds exactly the registry,
    // which is what the pusher pushes.
    PrometheusExporter exporter(registry);
    exporter.setMode(PrometheusExporter::Mode::Plain);
    exporter.setPort(0);
    exporter.setSelfMetricsEnabled(false);
    exporter.setRuntimeMetricsEnabled(false);
    QVERIFY(exporter.start());
    // No Accept-Encoding: an identity body, comparable byte for byte.
    const auto scrape = httpGet(exporter.port(), "/metrics",
                                {QByteArrayLiteral("Accept: text/plain;version=0.0.4")});
    QVERIFY(scrape);
    QCOMPARE(scrape->statusCode, 200);
    QCOMPARE(scrape->header("Content-Encoding"), QByteArray());

    FakeGateway fake(httpAnswer("200 OK", QByteArray()));
    QVERIFY(fake.start());
    PrometheusPusher pusher(registry);
    pusher.setGatewayUrl(fake.url());
    pusher.setJob(QStringLiteral("j"));
    QSignalSpy succeeded(&pusher, &PrometheusPusher::pushSucceeded);
    pusher.push();
    QVERIFY2(succeeded.wait(10000), qPrintable(pusher.errorString()));
    QCOMPARE(fake.requests, 1);

    QCOMPARE(fake.lastBody, scrape->body);
    const QByteArray contentType = "\r\ncontent-type: " + scrape->header("Content-Type") + "\r\n";
    QVERIFY2(QByteArray(fake.lastHead + "\r\n").toLower().contains(contentType.toLower()),
             fake.lastHead.constData());
    // The comparison proves something only if the body holds the hard cases.
    for (const char *expected :
         {"tst_requests_total{path=\"/\"} 0.30000000000000004\n",
          "tst_requests_total{path=\"C:\\\\tmp\\n\\\"quoted\\\"\"} 3\n",
          "tst_value{kind=\"tiny\"} 1e-300\n", "tst_value{kind=\"precise\"} 0.12345678901234568\n",
          "tst_value{kind=\"negative\"} -1.2345678901234567e+06\n",
          "# HELP tst_requests_total Requests, \\\\ and a\\nsecond line\n",
          "tst_latency_seconds_bucket{route=\"/a b\",le=\"1e+06\"} 2\n"}) {
        QVERIFY2(
            fake.lastBody.contains(expected),
            qPrintable(QStringLiteral("%1 missing from:\n%2")
                           .arg(QString::fromUtf8(expected), QString::fromUtf8(fake.lastBody))));
    }
}

// The pusher logs in "prometheus.pusher", which "qt.*=false" leaves on.
void tst_PrometheusPusher::warningsOutsideQtCategories()
{
    PrometheusPusher pusher; // no gateway: the push fails, and says so
    QSignalSpy failed(&pusher, &PrometheusPusher::pushFailed);
    {
        LogCapture capture(QStringLiteral("qt.*=false"));
        pusher.push();
        QVERIFY(failed.wait(5000));
    }
    const auto &messages = LogCapture::messages();
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.at(0).type, QtWarningMsg);
    QCOMPARE(messages.at(0).category, QByteArray("prometheus.pusher"));
    QCOMPARE(messages.at(0).text, failed.at(0).at(2).toString());
}

// start() reports a configuration that cannot push as the exporter's start()
// does: false, errorString() and errorOccurred(); it does not start.
void tst_PrometheusPusher::startRefusesWhatCannotPush()
{
    PrometheusPusher pusher;
    QSignalSpy errors(&pusher, &PrometheusPusher::errorOccurred);
    QSignalSpy running(&pusher, &PrometheusPusher::runningChanged);
    QVERIFY(!pusher.start()); // no gateway URL
    QVERIFY(!pusher.isRunning());
    QCOMPARE(running.count(), 0);
    QCOMPARE(errors.count(), 1);
    QCOMPARE(pusher.error(), PrometheusPusher::Error::InvalidConfigurationError);
    QVERIFY2(pusher.errorString().startsWith(QLatin1String("cannot start: ")),
             qPrintable(pusher.errorString()));

    pusher.setGatewayUrl(QUrl(QStringLiteral("http://127.0.0.1:9")));
    QVERIFY(!pusher.start()); // no job
    QCOMPARE(errors.count(), 2);
    QVERIFY(!pusher.isRunning());
}

void tst_PrometheusPusher::collectExceptionFails()
{
    const QString job = uniqueJob();
    auto pusher = makePusher(job);
    auto broken = std::make_shared<ScriptedCollectable>();
    broken->throwMessage = "sensor unplugged";
    pusher->registerCollectable(broken);

    QSignalSpy failed(pusher.get(), &PrometheusPusher::pushFailed);
    QTest::ignoreMessage(QtWarningMsg, "collecting metrics failed: sensor unplugged");
    pusher->push();
    QCOMPARE(failed.count(), 0); // reported from the event loop, never inside push()
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.at(0).at(1).value<PrometheusPusher::Error>(),
             PrometheusPusher::Error::CollectError);
    QVERIFY2(failed.at(0).at(2).toString().contains(QLatin1String("sensor unplugged")),
             qPrintable(failed.at(0).at(2).toString()));
    QCOMPARE(pusher->errorString(), failed.at(0).at(2).toString());
    QVERIFY(waitIdle(*pusher));
    QVERIFY(!m_gateway.group({{QStringLiteral("job"), job}})); // nothing was sent

    // The next push works again, and clears the error.
    pusher->removeCollectable(broken);
    pusher->push();
    QVERIFY(waitIdle(*pusher));
    QCOMPARE(pusher->error(), PrometheusPusher::Error::NoError);
    QCOMPARE(pusher->errorString(), QString());
}

void tst_PrometheusPusher::invalidConfigurationFails_data()
{
    QTest::addColumn<QString>("gateway");
    QTest::addColumn<QString>("job");
    QTest::addColumn<QString>("label");
    QTest::addColumn<QString>("message");
    QTest::newRow("no gateway") << QString() << QStringLiteral("j") << QString()
                                << QStringLiteral("no Pushgateway URL set");
    QTest::newRow("no job") << QStringLiteral("http://127.0.0.1:1") << QString() << QString()
                            << QStringLiteral("the job name is empty");
    QTest::newRow("bad label") << QStringLiteral("http://127.0.0.1:1") << QStringLiteral("j")
                               << QStringLiteral("bad-name")
                               << QStringLiteral("invalid grouping label name \"bad-name\"");
    QTest::newRow("ftp") << QStringLiteral("ftp://127.0.0.1/") << QStringLiteral("j") << QString()
                         << QStringLiteral("invalid Pushgateway URL \"ftp://127.0.0.1/\"");
}

void tst_PrometheusPusher::invalidConfigurationFails()
{
    QFETCH(QString, gateway);
    QFETCH(QString, job);
    QFETCH(QString, label);
    QFETCH(QString, message);

    PrometheusPusher pusher;
    pusher.setGatewayUrl(QUrl(gateway));
    pusher.setJob(job);
    if (!label.isEmpty())
        pusher.setGroupingLabel(label, QStringLiteral("x"));
    QSignalSpy failed(&pusher, &PrometheusPusher::pushFailed);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^cannot PUT: ")));
    pusher.push();
    QCOMPARE(failed.count(), 0);
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.at(0).at(1).value<PrometheusPusher::Error>(),
             PrometheusPusher::Error::InvalidConfigurationError);
    QVERIFY2(pusher.errorString().contains(message), qPrintable(pusher.errorString()));
    QVERIFY(!pusher.isPushing());
}

void tst_PrometheusPusher::gatewayDown()
{
    const quint16 port = freePort();
    QVERIFY(port != 0);
    PrometheusPusher pusher;
    pusher.setGatewayUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    pusher.setJob(QStringLiteral("down"));
    QSignalSpy failed(&pusher, &PrometheusPusher::pushFailed);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot reach")));
    pusher.push();
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.at(0).at(0).value<PrometheusPusher::Operation>(),
             PrometheusPusher::Operation::Push);
    QCOMPARE(failed.at(0).at(1).value<PrometheusPusher::Error>(),
             PrometheusPusher::Error::ConnectionError);
    const QString text = pusher.errorString();
    QVERIFY2(text.contains(QStringLiteral("PUT http://127.0.0.1:%1/metrics/job/down").arg(port)),
             qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("Connection refused")), qPrintable(text));
    QVERIFY(!pusher.isPushing());
}

void tst_PrometheusPusher::gatewayRejectsInvalidMetric()
{
    const QString job = uniqueJob();
    auto pusher = makePusher(job);
    auto invalid = std::make_shared<ScriptedCollectable>();
    invalid->name = "1starts_with_a_digit";
    pusher->registerCollectable(invalid);
    QSignalSpy failed(pusher.get(), &PrometheusPusher::pushFailed);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("HTTP 400")));
    pusher->push();
    QVERIFY(failed.wait(10000));
    QCOMPARE(pusher->error(), PrometheusPusher::Error::HttpError);
    const QString text = pusher->errorString();
    // Status, reason and the gateway's own explanation.
    QVERIFY2(text.contains(QLatin1String("the Pushgateway answered HTTP 400 Bad Request: ")),
             qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("text format parsing error")), qPrintable(text));
    QVERIFY2(!text.contains(QLatin1Char('\n')), qPrintable(text));
}

void tst_PrometheusPusher::gatewayWrongPath()
{
    PrometheusPusher pusher;
    QUrl url = m_gateway.url();
    url.setPath(QStringLiteral("/not-a-gateway"));
    pusher.setGatewayUrl(url);
    pusher.setJob(uniqueJob());
    QSignalSpy failed(&pusher, &PrometheusPusher::pushFailed);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("HTTP 404")));
    pusher.deleteGroup();
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.at(0).at(0).value<PrometheusPusher::Operation>(),
             PrometheusPusher::Operation::Delete);
    QCOMPARE(pusher.error(), PrometheusPusher::Error::HttpError);
    QVERIFY2(pusher.errorString().startsWith(QLatin1String("DELETE ")),
             qPrintable(pusher.errorString()));
    QVERIFY2(pusher.errorString().contains(QLatin1String("HTTP 404")),
             qPrintable(pusher.errorString()));
}

void tst_PrometheusPusher::serverErrorWithLongBody()
{
    FakeGateway fake(httpAnswer("503 Service Unavailable",
                                "gateway under maintenance\n" + QByteArray(200000, 'x')));
    QVERIFY(fake.start());
    PrometheusPusher pusher;
    pusher.setGatewayUrl(fake.url());
    pusher.setJob(QStringLiteral("j"));
    QSignalSpy failed(&pusher, &PrometheusPusher::pushFailed);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("HTTP 503")));
    pusher.pushAdd();
    QVERIFY(failed.wait(10000));
    QCOMPARE(pusher.error(), PrometheusPusher::Error::HttpError);
    const QString text = pusher.errorString();
    QVERIFY2(text.startsWith(QLatin1String("POST ")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("HTTP 503 Service Unavailable: gateway under "
                                         "maintenance")),
             qPrintable(text));
    QVERIFY2(text.size() < 1500, "the gateway's message is capped");
    QCOMPARE(fake.requests, 1);
}

void tst_PrometheusPusher::redirectIsNotFollowed()
{
    FakeGateway fake(httpAnswer("307 Temporary Redirect", QByteArray(),
                                "Location: http://127.0.0.1:1/elsewhere\r\n"));
    QVERIFY(fake.start());
    PrometheusPusher pusher;
    pusher.setGatewayUrl(fake.url());
    pusher.setJob(QStringLiteral("j"));
    pusher.setBasicAuth(QStringLiteral("user"), QStringLiteral("secret"));
    QSignalSpy failed(&pusher, &PrometheusPusher::pushFailed);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("HTTP 307")));
    pusher.push();
    QVERIFY(failed.wait(10000));
    QCOMPARE(pusher.error(), PrometheusPusher::Error::HttpError);
    QVERIFY2(pusher.errorString().contains(QLatin1String("redirects are not followed")),
             qPrintable(pusher.errorString()));
    QCOMPARE(fake.requests, 1);
}

void tst_PrometheusPusher::timeout()
{
    FakeGateway silent;
    QVERIFY(silent.start());
    PrometheusPusher pusher;
    pusher.setGatewayUrl(silent.url());
    pusher.setJob(QStringLiteral("j"));
    pusher.setTimeout(300ms);
    QSignalSpy failed(&pusher, &PrometheusPusher::pushFailed);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("within 300 ms")));
    QElapsedTimer clock;
    clock.start();
    pusher.push();
    QVERIFY(failed.wait(10000));
    QVERIFY2(clock.elapsed() >= 250 && clock.elapsed() < 5000,
             qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(pusher.error(), PrometheusPusher::Error::TimeoutError);
    QVERIFY2(pusher.errorString().contains(QLatin1String("no answer from the Pushgateway within "
                                                         "300 ms")),
             qPrintable(pusher.errorString()));
    QCOMPARE(silent.requests, 1);
    QVERIFY(!pusher.isPushing());
}

void tst_PrometheusPusher::destroyWhileInFlight()
{
    FakeGateway silent;
    QVERIFY(silent.start());
    int emitted = 0;
    auto pusher = std::make_unique<PrometheusPusher>();
    pusher->setGatewayUrl(silent.url());
    pusher->setJob(QStringLiteral("j"));
    connect(pusher.get(), &PrometheusPusher::pushSucceeded, this, [&emitted] { ++emitted; });
    connect(pusher.get(), &PrometheusPusher::pushFailed, this, [&emitted] { ++emitted; });
    pusher->push();
    pusher->deleteGroup(); // waiting behind the push
    QTRY_COMPARE_WITH_TIMEOUT(silent.requests, 1, 5000);
    pusher.reset(); // aborts the request on the wire
    QTRY_COMPARE_WITH_TIMEOUT(silent.disconnections, silent.connections, 5000);
    QCOMPARE(emitted, 0);
    QCOMPARE(silent.requests, 1);
}

void tst_PrometheusPusher::destroyInFailureSlot()
{
    auto *pusher = new PrometheusPusher;
    pusher->setGatewayUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(freePort())));
    pusher->setJob(QStringLiteral("j"));
    QPointer<PrometheusPusher> guard(pusher);
    connect(pusher, &PrometheusPusher::pushFailed, this, [pusher] { delete pusher; });
    QSignalSpy destroyed(pusher, &QObject::destroyed);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot reach")));
    pusher->push();
    pusher->deleteGroup(); // never sent: its pusher is gone
    QVERIFY(destroyed.wait(10000));
    QVERIFY(!guard);
}

// A timed-out request is aborted; the failure must not be reported from inside
// QNetworkReply::abort(), which goes on using the reply after finished().
void tst_PrometheusPusher::destroyInTimeoutSlot()
{
    FakeGateway silent;
    QVERIFY(silent.start());
    auto *pusher = new PrometheusPusher;
    pusher->setGatewayUrl(silent.url());
    pusher->setJob(QStringLiteral("j"));
    pusher->setTimeout(200ms);
    QPointer<PrometheusPusher> guard(pusher);
    connect(pusher, &PrometheusPusher::pushFailed, this, [pusher] { delete pusher; });
    QSignalSpy destroyed(pusher, &QObject::destroyed);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("within 200 ms")));
    pusher->push();
    QVERIFY(destroyed.wait(10000));
    QVERIFY(!guard);
}

void tst_PrometheusPusher::periodicPushing()
{
    const QString job = uniqueJob();
    auto pusher = makePusher(job);
    auto counting = std::make_shared<ScriptedCollectable>();
    counting->name = "tst_collections";
    pusher->registerCollectable(counting);
    pusher->setInterval(100ms);

    QSignalSpy running(pusher.get(), &PrometheusPusher::runningChanged);
    QSignalSpy succeeded(pusher.get(), &PrometheusPusher::pushSucceeded);
    QVERIFY(pusher->start());
    QVERIFY(pusher->isRunning());
    QCOMPARE(running.count(), 1);
    QVERIFY(pusher->isPushing()); // the first push goes out at once
    while (succeeded.count() < 3)
        QVERIFY(succeeded.wait(10000));
    pusher->stop();
    QVERIFY(!pusher->isRunning());
    QCOMPARE(running.count(), 2);
    QVERIFY(waitIdle(*pusher));
    const int pushes = succeeded.count();
    QCOMPARE(counting->collected.load(), pushes);

    const auto group = m_gateway.group({{QStringLiteral("job"), job}});
    QVERIFY(group);
    QCOMPARE(sample(*group, QStringLiteral("tst_collections"))->value, double(pushes));
    // Stopped means stopped.
    QVERIFY(!succeeded.wait(400));
}

void tst_PrometheusPusher::periodicPushIsNotDuplicated()
{
    FakeGateway silent;
    QVERIFY(silent.start());
    PrometheusPusher pusher;
    pusher.setGatewayUrl(silent.url());
    pusher.setJob(QStringLiteral("j"));
    pusher.setInterval(20ms);
    pusher.setTimeout(600ms);
    QSignalSpy failed(&pusher, &PrometheusPusher::pushFailed);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("within 600 ms")));
    QVERIFY(pusher.start());
    // About 30 ticks fall due while the first push hangs; none is sent beside it.
    QVERIFY(failed.wait(10000));
    pusher.stop();
    QCOMPARE(silent.connections, 1);
    QCOMPARE(silent.requests, 1);
    QCOMPARE(failed.count(), 1);
}

void tst_PrometheusPusher::basicAuthAndTls()
{
#if !QT_CONFIG(ssl)
    QSKIP("Qt was built without TLS support");
#else
    if (!QSslSocket::supportsSsl())
        QSKIP("no TLS backend available");
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty())
        QFAIL("openssl not found: install the Debian package 'openssl'");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    QProcess req;
    req.start(openssl,
              {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
               QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), key,
               QStringLiteral("-out"), cert, QStringLiteral("-days"), QStringLiteral("2"),
               QStringLiteral("-subj"), QStringLiteral("/CN=localhost"), QStringLiteral("-addext"),
               QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost")});
    QVERIFY(req.waitForFinished(60000));
    QCOMPARE(req.exitCode(), 0);

    // bcrypt (cost 4, fast for tests) of "s3cret-pass".
    QFile config(dir.filePath(QStringLiteral("web.yml")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("tls_server_config:\n  cert_file: " + cert.toUtf8()
                 + "\n  key_file: " + key.toUtf8()
                 + "\nbasic_auth_users:\n  pusher: "
                   "$2b$04$6HOCFkJ8eY5BQp0oEN4xDu1UKXxfgQDJM3H.40DnKTquITZBUsRS.\n");
    config.close();

    QSslConfiguration trusting = QSslConfiguration::defaultConfiguration();
    QVERIFY(trusting.addCaCertificates(cert));
    Pushgateway tlsGateway;
    tlsGateway.tls = trusting;
    tlsGateway.authorization = "Basic " + QByteArray("pusher:s3cret-pass").toBase64();
    QVERIFY2(tlsGateway.start({QStringLiteral("--web.config.file=") + config.fileName()},
                              QStringLiteral("https")),
             "cannot start prometheus-pushgateway with TLS");

    PrometheusPusher pusher;
    pusher.setGatewayUrl(tlsGateway.url());
    pusher.setJob(QStringLiteral("secure"));
    addGauge(*pusher.registry(), "tst_secure").Set(42);
    QSignalSpy failed(&pusher, &PrometheusPusher::pushFailed);

    // The gateway's certificate is not trusted by default.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("TLS handshake failed")));
    pusher.push();
    QVERIFY(failed.wait(10000));
    QCOMPARE(pusher.error(), PrometheusPusher::Error::TlsError);

    // Trusted, but no credentials, then wrong ones.
    pusher.setSslConfiguration(trusting);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("HTTP 401")));
    pusher.push();
    QVERIFY(failed.wait(10000));
    QCOMPARE(pusher.error(), PrometheusPusher::Error::HttpError);
    pusher.setBasicAuth(QStringLiteral("pusher"), QStringLiteral("wrong"));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("HTTP 401")));
    pusher.push();
    QVERIFY(failed.wait(10000));
    QVERIFY2(pusher.errorString().contains(QLatin1String("HTTP 401")),
             qPrintable(pusher.errorString()));

    pusher.setBasicAuth(QStringLiteral("pusher"), QStringLiteral("s3cret-pass"));
    QSignalSpy succeeded(&pusher, &PrometheusPusher::pushSucceeded);
    pusher.push();
    QVERIFY2(succeeded.wait(10000), qPrintable(pusher.errorString()));
    const auto group = tlsGateway.group({{QStringLiteral("job"), QStringLiteral("secure")}});
    QVERIFY(group);
    QCOMPARE(sample(*group, QStringLiteral("tst_secure"))->value, 42.0);
#endif
}

QByteArray tst_PrometheusPusher::runHelper(const QUrl &gateway, const QString &job, double value,
                                           int timeoutMs, qint64 *elapsedMs)
{
    QProcess helper;
    QElapsedTimer clock;
    clock.start();
    helper.start(QCoreApplication::applicationFilePath(),
                 {QString::fromLatin1(helperFlag), gateway.toString(), job, QString::number(value),
                  QString::number(timeoutMs)});
    if (!helper.waitForStarted(10000))
        return "helper did not start";
    // The fake gateway of a test lives in this thread: wait with the event loop running.
    QSignalSpy finished(&helper, &QProcess::finished);
    if (helper.state() != QProcess::NotRunning && !finished.wait(30000)) {
        helper.kill();
        helper.waitForFinished(5000);
        return "helper did not finish";
    }
    *elapsedMs = clock.elapsed();
    if (helper.exitStatus() != QProcess::NormalExit || helper.exitCode() != 0)
        return "helper crashed or failed: " + helper.readAllStandardError();
    return helper.readAllStandardOutput();
}

void tst_PrometheusPusher::pushOnQuitArrives()
{
    const QString job = uniqueJob();
    qint64 elapsed = 0;
    const QByteArray output = runHelper(m_gateway.url(), job, 12.5, 10000, &elapsed);
    QCOMPARE(output, QByteArray("pushed\n"));
    const auto group = m_gateway.group({{QStringLiteral("job"), job}});
    QVERIFY2(group, "the push on quit did not arrive");
    QCOMPARE(sample(*group, QStringLiteral("tst_quit_value"))->value, 12.5);
}

void tst_PrometheusPusher::pushOnQuitIsBounded()
{
    // A gateway that never answers holds quitting back by the timeout, no longer.
    FakeGateway silent;
    QVERIFY(silent.start());
    qint64 elapsed = 0;
    const QByteArray output = runHelper(silent.url(), QStringLiteral("j"), 1, 500, &elapsed);
    QVERIFY2(output.startsWith("failed: ") && output.contains("within 500 ms"), output.constData());
    QCOMPARE(silent.requests, 1);
    QVERIFY2(elapsed < 10000, qPrintable(QString::number(elapsed)));
}

int main(int argc, char *argv[])
{
    if (argc > 1 && qstrcmp(argv[1], helperFlag) == 0)
        return pushOnQuitHelper(argc, argv);
    QCoreApplication app(argc, argv);
    tst_PrometheusPusher test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_prometheuspusher.moc"
