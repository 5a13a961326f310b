// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// bench_load_server: serves one synthetic registry, shaped like
// `exporter-demo --series N`, with either this library's PrometheusExporter
// (plain mode) or prometheus-cpp's own Exposer (civetweb), so that run.sh can
// load both with wrk in one run. `--server none` builds the same registry and
// serves nothing: embed.sh subtracts its memory from the servers'.
//
// In both cases the main thread runs a Qt event loop with a 1 ms lag probe: a
// precise timer that records how late it fires. For `--server qt` that thread
// is the exporter's, so the probe shows how long serving stalls it (what a GUI
// would feel); for `--server exposer` nothing else runs there, so it shows what
// the machine's own scheduling adds under the same load.
//
//   stdout  "listening on http://127.0.0.1:PORT/metrics" once serving
//   SIGUSR1 prints one "lag ..." line for the time since the last one, and resets
//   SIGTERM prints "peak_rss_kib N" (VmHWM), "peak_private_kib N" and
//           "openssl_loaded 0|1" (libssl mapped into the process), and exits 0
//
// VmHWM counts every resident page, also the shared libraries' (file-backed,
// shared with every other process that maps them). peak_private_kib is the
// highest resident minus file-backed size (statm's resident - shared) seen by a
// sampler thread every --memory-sample-ms (10): the memory the process itself
// allocated.

#include <QtPrometheusExporter/PrometheusExporter>

#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QSocketNotifier>
#include <QtCore/QTimer>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

constexpr int SeriesPerFamily = 100;

// exporter-demo's synthetic gauges: families of 100, labels group and id.
void fillRegistry(prometheus::Registry &registry, int series)
{
    prometheus::Family<prometheus::Gauge> *family = nullptr;
    for (int i = 0; i < series; ++i) {
        const int group = i / SeriesPerFamily;
        if (i % SeriesPerFamily == 0) {
            char name[64];
            std::snprintf(name, sizeof name, "demo_synthetic_value_%04d", group);
            family = &prometheus::BuildGauge()
                          .Name(name)
                          .Help("Synthetic values for load tests")
                          .Register(registry);
        }
        family->Add({{"group", std::to_string(group)}, {"id", std::to_string(i)}})
            .Set(double(1 + i));
    }
}

// How late a 1 ms precise timer fires in this thread. Single shot and re-armed
// from its due time, so a stall shows as one late firing, not as lost beats.
class LagProbe : public QObject
{
public:
    LagProbe()
    {
        m_timer.setSingleShot(true);
        m_timer.setTimerType(Qt::PreciseTimer);
        connect(&m_timer, &QTimer::timeout, this, &LagProbe::fired);
        m_clock.start();
        reset();
        arm();
    }

    void reset()
    {
        m_lateUs.clear();
        m_since = m_clock.nsecsElapsed();
    }

    void report() const
    {
        std::vector<double> late = m_lateUs;
        std::sort(late.begin(), late.end());
        const auto at = [&late](double q) {
            return late.empty() ? 0.0
                                : late[std::min(late.size() - 1, std::size_t(q * late.size()))];
        };
        const auto over1ms
            = std::count_if(late.cbegin(), late.cend(), [](double us) { return us > 1000.0; });
        std::printf("lag seconds=%.1f samples=%zu p50_us=%.0f p99_us=%.0f p999_us=%.0f "
                    "max_us=%.0f over_1ms=%ld\n",
                    double(m_clock.nsecsElapsed() - m_since) / 1e9, late.size(), at(0.5), at(0.99),
                    at(0.999), late.empty() ? 0.0 : late.back(), long(over1ms));
        std::fflush(stdout);
    }

private:
    void arm()
    {
        m_due = m_clock.nsecsElapsed() + 1000000;
        m_timer.start(1);
    }
    void fired()
    {
        // Qt's timers have millisecond granularity: "late" is beyond the due time.
        m_lateUs.push_back(std::max<double>(0.0, double(m_clock.nsecsElapsed() - m_due) / 1e3));
        arm();
    }

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_due = 0;
    qint64 m_since = 0;
    std::vector<double> m_lateUs;
};

long peakRssKib()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLong();
    }
    return -1;
}

// Whether libssl is mapped: Qt 6.4's HTTP server loads OpenSSL even for plain HTTP.
bool openSslLoaded()
{
    QFile maps(QStringLiteral("/proc/self/maps"));
    return maps.open(QIODevice::ReadOnly) && maps.readAll().contains("libssl.so");
}

// The highest private (anonymous) resident size, sampled from /proc/self/statm
// in a thread of its own. Each read takes the process's memory-map lock, so the
// period is kept well above a millisecond.
class PrivateMemorySampler
{
public:
    explicit PrivateMemorySampler(std::chrono::milliseconds period)
        : m_period(period), m_thread([this] { run(); })
    { }
    ~PrivateMemorySampler()
    {
        m_stop = true;
        m_thread.join();
    }
    long peakKib() const { return m_peakPages * (::sysconf(_SC_PAGESIZE) / 1024); }

private:
    void run()
    {
        if (m_period.count() <= 0)
            return;
        const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return;
        while (!m_stop) {
            char text[128];
            const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
            if (n > 0) {
                text[n] = '\0';
                long size = 0, resident = 0, shared = 0;
                if (std::sscanf(text, "%ld %ld %ld", &size, &resident, &shared) == 3)
                    m_peakPages = std::max(m_peakPages.load(), resident - shared);
            }
            std::this_thread::sleep_for(m_period);
        }
        ::close(fd);
    }

    const std::chrono::milliseconds m_period;
    std::atomic<bool> m_stop {false};
    std::atomic<long> m_peakPages {0};
    std::thread m_thread;
};

// A signal handler may only write a byte; the event loop does the rest.
int signalFds[2] = {-1, -1};

void onSignal(int signal)
{
    const int saved = errno;
    const char byte = char(signal);
    (void)!::write(signalFds[0], &byte, 1);
    errno = saved;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Serves a synthetic registry with PrometheusExporter or prometheus-cpp's Exposer."));
    parser.addHelpOption();
    const QCommandLineOption serverOption(QStringLiteral("server"),
                                          QStringLiteral("qt (PrometheusExporter), exposer, or "
                                                         "none (the registry alone)."),
                                          QStringLiteral("NAME"), QStringLiteral("qt"));
    const QCommandLineOption seriesOption(QStringLiteral("series"),
                                          QStringLiteral("Synthetic gauge series, 100 per family."),
                                          QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        QStringLiteral("Port on 127.0.0.1 (0: any free one)."),
                                        QStringLiteral("PORT"), QStringLiteral("0"));
    const QCommandLineOption noProbeOption(
        QStringLiteral("no-lag-probe"),
        QStringLiteral("No 1 ms timer: for callgrind, whose counts it would make depend on time."));
    const QCommandLineOption sampleOption(
        QStringLiteral("memory-sample-ms"),
        QStringLiteral("Period of the private-memory sampler (0: off)."), QStringLiteral("MS"),
        QStringLiteral("10"));
    parser.addOptions({serverOption, seriesOption, portOption, noProbeOption, sampleOption});
    parser.process(app);

    const QString server = parser.value(serverOption);
    const int series = parser.value(seriesOption).toInt();
    const int port = parser.value(portOption).toInt();
    if ((server != QLatin1String("qt") && server != QLatin1String("exposer")
         && server != QLatin1String("none"))
        || series < 0) {
        std::fprintf(stderr, "bench_load_server: bad --server or --series\n");
        return 2;
    }

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalFds) != 0)
        return 1;
    ::fcntl(signalFds[0], F_SETFL, ::fcntl(signalFds[0], F_GETFL) | O_NONBLOCK);
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGUSR1, &action, nullptr);

    PrivateMemorySampler privateMemory(
        std::chrono::milliseconds(parser.value(sampleOption).toInt()));
    auto registry = std::make_shared<prometheus::Registry>();
    fillRegistry(*registry, series);

    std::unique_ptr<PrometheusExporter> exporter;
    std::unique_ptr<prometheus::Exposer> exposer;
    int boundPort = 0;
    if (server == QLatin1String("qt")) {
        exporter = std::make_unique<PrometheusExporter>(registry);
        exporter->setMode(PrometheusExporter::Mode::Plain);
        exporter->setRuntimeMetricsEnabled(false); // the Exposer has no process_* either
        exporter->setPort(quint16(port));
        if (!exporter->start()) {
            std::fprintf(stderr, "bench_load_server: %s\n", qPrintable(exporter->errorString()));
            return 1;
        }
        boundPort = exporter->port();
    } else if (server == QLatin1String("exposer")) {
        exposer = std::make_unique<prometheus::Exposer>("127.0.0.1:" + std::to_string(port));
        exposer->RegisterCollectable(registry);
        boundPort = exposer->GetListeningPorts().at(0);
    }

    std::unique_ptr<LagProbe> probe;
    if (!parser.isSet(noProbeOption))
        probe = std::make_unique<LagProbe>();
    QSocketNotifier notifier(signalFds[1], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [&probe] {
        char received[16];
        const auto count = ::read(signalFds[1], received, sizeof received);
        for (ssize_t i = 0; i < count; ++i) {
            if (received[i] == SIGUSR1) {
                if (probe) {
                    probe->report();
                    probe->reset();
                }
            } else {
                QCoreApplication::quit();
            }
        }
    });

    if (boundPort > 0)
        std::printf("listening on http://127.0.0.1:%d/metrics\n", boundPort);
    else
        std::printf("ready, serving nothing\n");
    std::fflush(stdout);
    const int result = app.exec();
    const bool openSsl = openSslLoaded(); // while serving: not what stopping loads
    exporter.reset();
    exposer.reset();
    std::printf("peak_rss_kib %ld\npeak_private_kib %ld\nopenssl_loaded %d\n", peakRssKib(),
                privateMemory.peakKib(), int(openSsl));
    std::fflush(stdout);
    return result;
}
