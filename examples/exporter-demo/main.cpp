// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// exporter-demo: a headless exporter driven from the command line.
//
// Besides being an example, this program is the handle that tests outside the repository
// (and load tests) use to talk to the library, so its command line, its one line of output
// and its exit codes are part of the contract (SPEC §8):
//
//   stdout  exactly "listening on http://HOST:PORT/PATH" once the port is bound
//   exit 0  stopped by SIGINT/SIGTERM
//   exit 1  the exporter could not start (e.g. the port is busy), one line on stderr
//   exit 2  bad command line, one line on stderr

#include <QtPrometheusExporter/PrometheusExporter>
#include <QtPrometheusExporter/PrometheusUpdate>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <QtCore/QCommandLineOption>
#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QStringList>
#include <QtCore/QTextStream>
#include <QtNetwork/QHostAddress>

#ifdef Q_OS_UNIX
#include <QtCore/QSocketNotifier>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int ExitStartFailure = 1;
constexpr int ExitUsage = 2;

constexpr int SeriesPerFamily = 100;
// The family suffix has four digits, so at most 10000 families.
constexpr int MaxSeries = 10000 * SeriesPerFamily;

// Everything the caller may see on stderr is this one line; newlines inside a message
// (Qt's parser joins some errors with them) would break that.
void printError(const QString &message)
{
    QString line = QCoreApplication::applicationName() + QLatin1String(": ") + message;
    line.replace(QLatin1Char('\n'), QLatin1Char(' '));
    line = line.trimmed();
    line += QLatin1Char('\n');
    std::fputs(line.toLocal8Bit().constData(), stderr);
    std::fflush(stderr);
}

struct ListenAddress
{
    QHostAddress address;
    quint16 port = 0;
};

// HOST:PORT with an IP literal as HOST; an IPv6 HOST must be in brackets ([::1]:9184),
// since a bare "::1:9184" cannot be split unambiguously.
bool parseListen(const QString &text, ListenAddress *result, QString *error)
{
    const bool bracketed = text.startsWith(QLatin1Char('['));
    QString host;
    QString port;
    if (bracketed) {
        const qsizetype close = text.indexOf(QLatin1String("]:"));
        if (close < 0) {
            *error
                = QStringLiteral("invalid --listen value \"%1\": expected [IPV6]:PORT").arg(text);
            return false;
        }
        host = text.mid(1, close - 1);
        port = text.mid(close + 2);
    } else {
        const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
        if (colon < 0 || text.indexOf(QLatin1Char(':')) != colon) {
            *error = QStringLiteral("invalid --listen value \"%1\": expected HOST:PORT "
                                    "(IPv6 as [ADDRESS]:PORT)")
                         .arg(text);
            return false;
        }
        host = text.left(colon);
        port = text.mid(colon + 1);
    }

    // "localhost" is accepted for convenience; anything else must be an IP literal, so the
    // demo never depends on name resolution.
    QHostAddress address;
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0 && !bracketed) {
        address = QHostAddress(QHostAddress::LocalHost);
    } else if (!address.setAddress(host)
               || (bracketed != (address.protocol() == QAbstractSocket::IPv6Protocol))) {
        *error = QStringLiteral("invalid --listen host \"%1\": expected an IP address").arg(host);
        return false;
    }

    bool ok = false;
    const uint portNumber = port.toUInt(&ok);
    if (!ok || portNumber > 65535) {
        *error = QStringLiteral("invalid --listen port \"%1\": expected 0-65535").arg(port);
        return false;
    }

    result->address = address;
    result->port = quint16(portNumber);
    return true;
}

// The demo's own metrics. All of them live in the exporter's registry, so they are
// served together with the library's self metrics and the `demo_up` status gauge.
class DemoMetrics
{
public:
    DemoMetrics(prometheus::Registry &registry, int seriesCount)
        : scrapeUpdates(prometheus::BuildCounter()
                            .Name("demo_scrape_updates_total")
                            .Help("Number of scrapeRequested signals handled")
                            .Register(registry)
                            .Add({})),
          intervalUpdates(prometheus::BuildCounter()
                              .Name("demo_interval_updates_total")
                              .Help("Number of intervalElapsed signals handled")
                              .Register(registry)
                              .Add({}))
    {
        synthetic.reserve(std::size_t(seriesCount));
        prometheus::Family<prometheus::Gauge> *family = nullptr;
        for (int i = 0; i < seriesCount; ++i) {
            const int group = i / SeriesPerFamily;
            if (i % SeriesPerFamily == 0) {
                char name[64];
                std::snprintf(name, sizeof name, "demo_synthetic_value_%04d", group);
                family = &prometheus::BuildGauge()
                              .Name(name)
                              .Help("Synthetic values for load tests")
                              .Register(registry);
            }
            synthetic.push_back(
                &family->Add({{"group", std::to_string(group)}, {"id", std::to_string(i)}}));
        }
        refreshSynthetic();
    }

    void onScrapeRequested()
    {
        scrapeUpdates.Increment();
        refreshSynthetic();
    }

    void onIntervalElapsed()
    {
        intervalUpdates.Increment();
        refreshSynthetic();
    }

private:
    // Cheap on purpose: a load test should measure the exporter, not the demo. One atomic
    // store per series still makes every scrape see different values.
    void refreshSynthetic()
    {
        ++generation;
        for (std::size_t i = 0; i < synthetic.size(); ++i)
            synthetic[i]->Set(double(generation + i));
    }

    prometheus::Counter &scrapeUpdates;
    prometheus::Counter &intervalUpdates;
    std::vector<prometheus::Gauge *> synthetic;
    std::size_t generation = 0;
};

#ifdef Q_OS_UNIX
// A signal handler may only call async-signal-safe functions, so it cannot touch Qt.
// It writes one byte into a socket pair; a QSocketNotifier on the other end turns that
// into an ordinary event in the Qt event loop, where stopping is safe.
int signalFds[2] = {-1, -1};

void handleTerminationSignal(int)
{
    const int savedErrno = errno;
    const char byte = 1;
    const auto written = ::write(signalFds[0], &byte, 1);
    Q_UNUSED(written); // a full pipe already has a byte waiting; nothing to do
    errno = savedErrno;
}

bool installSignalHandlers(QString *error)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalFds) != 0) {
        *error = QStringLiteral("cannot create signal socket pair: %1")
                     .arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    for (const int fd : signalFds)
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    // The handler must never block, even if signals keep coming while the loop is busy.
    ::fcntl(signalFds[0], F_SETFL, ::fcntl(signalFds[0], F_GETFL) | O_NONBLOCK);

    struct sigaction action = {};
    action.sa_handler = handleTerminationSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (::sigaction(SIGINT, &action, nullptr) != 0 || ::sigaction(SIGTERM, &action, nullptr) != 0) {
        *error = QStringLiteral("cannot install signal handlers: %1")
                     .arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    return true;
}
#endif

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("exporter-demo"));
    QCoreApplication::setApplicationVersion(QStringLiteral(EXPORTER_DEMO_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Serves demo Prometheus metrics with QtPrometheusExporter."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption listenOption(
        QStringLiteral("listen"),
        QStringLiteral("Address to listen on; IPv6 as [ADDRESS]:PORT, port 0 picks a free "
                       "port (default 127.0.0.1:9184)."),
        QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:9184"));
    const QCommandLineOption pathOption(QStringLiteral("path"),
                                        QStringLiteral("Metrics path (default /metrics)."),
                                        QStringLiteral("PATH"), QStringLiteral("/metrics"));
    const QCommandLineOption modeOption(QStringLiteral("mode"),
                                        QStringLiteral("Update mode: plain, notify or repeat "
                                                       "(default notify)."),
                                        QStringLiteral("MODE"), QStringLiteral("notify"));
    const QCommandLineOption intervalOption(
        QStringLiteral("interval"),
        QStringLiteral("Update interval in repeat mode, in milliseconds (default 1000)."),
        QStringLiteral("MS"), QStringLiteral("1000"));
    const QCommandLineOption seriesOption(
        QStringLiteral("series"),
        QStringLiteral("Number of synthetic gauge series, 100 per family (default 0)."),
        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption noRuntimeMetricsOption(
        QStringLiteral("no-runtime-metrics"),
        QStringLiteral("Do not serve the process_* and qt_* runtime metrics."));
    const QCommandLineOption basicAuthOption(
        QStringLiteral("basic-auth"),
        QStringLiteral("Require HTTP basic authentication with these credentials."),
        QStringLiteral("USER:PASSWORD"));
    const QCommandLineOption tlsCertOption(
        QStringLiteral("tls-cert"),
        QStringLiteral("Serve HTTPS with this PEM certificate (needs --tls-key)."),
        QStringLiteral("FILE"));
    const QCommandLineOption tlsKeyOption(QStringLiteral("tls-key"),
                                          QStringLiteral("The PEM private key of --tls-cert."),
                                          QStringLiteral("FILE"));
    parser.addOptions({listenOption, pathOption, modeOption, intervalOption, seriesOption,
                       noRuntimeMetricsOption, basicAuthOption, tlsCertOption, tlsKeyOption});

    // parse() rather than process(): process() exits with 1 on a bad flag, and the
    // contract says 2, with a single line.
    if (!parser.parse(QCoreApplication::arguments())) {
        printError(parser.errorText());
        return ExitUsage;
    }
    if (parser.isSet(helpOption))
        parser.showHelp(0);
    if (parser.isSet(versionOption))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty()) {
        printError(QStringLiteral("unexpected argument \"%1\"")
                       .arg(parser.positionalArguments().constFirst()));
        return ExitUsage;
    }

    QString error;
    ListenAddress listen;
    if (!parseListen(parser.value(listenOption), &listen, &error)) {
        printError(error);
        return ExitUsage;
    }

    PrometheusExporter::Mode mode = PrometheusExporter::Mode::Notify;
    const QString modeName = parser.value(modeOption).toLower();
    if (modeName == QLatin1String("plain")) {
        mode = PrometheusExporter::Mode::Plain;
    } else if (modeName == QLatin1String("notify")) {
        mode = PrometheusExporter::Mode::Notify;
    } else if (modeName == QLatin1String("repeat")) {
        mode = PrometheusExporter::Mode::Repeat;
    } else {
        printError(QStringLiteral("invalid --mode \"%1\": expected plain, notify or repeat")
                       .arg(parser.value(modeOption)));
        return ExitUsage;
    }

    bool ok = false;
    const int interval = parser.value(intervalOption).toInt(&ok);
    if (!ok || interval <= 0) {
        printError(QStringLiteral("invalid --interval \"%1\": expected a positive number of "
                                  "milliseconds")
                       .arg(parser.value(intervalOption)));
        return ExitUsage;
    }

    const int series = parser.value(seriesOption).toInt(&ok);
    if (!ok || series < 0 || series > MaxSeries) {
        printError(QStringLiteral("invalid --series \"%1\": expected 0-%2")
                       .arg(parser.value(seriesOption))
                       .arg(MaxSeries));
        return ExitUsage;
    }

    PrometheusExporter exporter;
    exporter.setRuntimeMetricsEnabled(!parser.isSet(noRuntimeMetricsOption));
    exporter.setPath(parser.value(pathOption));
    // An invalid path keeps the old one and only records the error, so check here:
    // serving /metrics when the user asked for something else would be a silent surprise.
    if (exporter.error() == PrometheusExporter::Error::InvalidPathError) {
        printError(exporter.errorString());
        return ExitUsage;
    }
    exporter.setAddress(listen.address);
    exporter.setPort(listen.port);
    exporter.setMode(mode);
    exporter.setInterval(std::chrono::milliseconds(interval));
    exporter.setStatusMetricName(QStringLiteral("demo"));

    if (parser.isSet(basicAuthOption)) {
        const QString credentials = parser.value(basicAuthOption);
        const qsizetype colon = credentials.indexOf(QLatin1Char(':'));
        if (colon <= 0) {
            printError(QStringLiteral("invalid --basic-auth: expected USER:PASSWORD"));
            return ExitUsage;
        }
        exporter.setBasicAuth(credentials.left(colon), credentials.mid(colon + 1));
    }
    if (parser.isSet(tlsCertOption) != parser.isSet(tlsKeyOption)) {
        printError(QStringLiteral("--tls-cert and --tls-key go together"));
        return ExitUsage;
    }
    if (parser.isSet(tlsCertOption)
        && !exporter.setTlsFiles(parser.value(tlsCertOption), parser.value(tlsKeyOption))) {
        printError(exporter.errorString());
        return ExitUsage;
    }

    DemoMetrics metrics(*exporter.registry(), series);
    // Direct connections: each slot has returned before the exporter renders, so scrape k
    // in notify mode shows demo_scrape_updates_total k. Only the signal of the chosen mode
    // is ever emitted, so connecting both is harmless.
    QObject::connect(&exporter, &PrometheusExporter::scrapeRequested, &exporter,
                     [&metrics](const PrometheusUpdate &) { metrics.onScrapeRequested(); });
    QObject::connect(&exporter, &PrometheusExporter::intervalElapsed, &exporter,
                     [&metrics](const PrometheusUpdate &) { metrics.onIntervalElapsed(); });

#ifdef Q_OS_UNIX
    if (!installSignalHandlers(&error)) {
        printError(error);
        return ExitStartFailure;
    }
    QSocketNotifier signalNotifier(signalFds[1], QSocketNotifier::Read);
    bool stopping = false;
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &exporter,
                     [&exporter, &stopping] {
                         char buffer[16];
                         const auto drained = ::read(signalFds[1], buffer, sizeof buffer);
                         Q_UNUSED(drained);
                         // A second signal while stopping means "now".
                         if (stopping || !exporter.isRunning()) {
                             QCoreApplication::quit();
                             return;
                         }
                         stopping = true;
                         // stop() answers the scrapes in flight; quit once those answers
                         // have gone out (stopped()), not when it stops listening, or a
                         // client could get a cut body.
                         QObject::connect(&exporter, &PrometheusExporter::stopped,
                                          QCoreApplication::instance(), &QCoreApplication::quit);
                         exporter.stop();
                     });
#endif

    if (!exporter.start()) {
        printError(exporter.errorString());
        return ExitStartFailure;
    }

    QTextStream out(stdout);
    out << "listening on " << exporter.url().toString() << Qt::endl; // endl flushes

    return app.exec();
}
