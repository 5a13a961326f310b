// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// A Qt Widgets desktop application that exports metrics.
//
// The window shows where the exporter listens, whether it runs, and how many scrapes it
// has answered; a slider is bound to a gauge, so moving it changes what the next scrape
// reports. Everything runs in the GUI thread: the exporter serves from the same event
// loop that paints the window, and never blocks it.
//
//   desktop-widgets-example [--listen HOST:PORT] [--initial-value N]
//                           [--screenshot FILE [--screenshot-after-scrapes N]]
//
// Once listening it prints "listening on URL" on stdout, like exporter-demo, so a test
// (autotests/desktopexample) can scrape it. With --screenshot it saves a picture of its
// window after N scrapes (default 0: as soon as it is shown) and quits; that is how
// scripts/desktop-screenshot.sh takes the picture CI keeps.

#include <QtPrometheusExporter/PrometheusExporter>
#include <QtPrometheusExporter/PrometheusUpdate>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QTimer>
#include <QtGui/QPixmap>
#include <QtNetwork/QHostAddress>
#include <QtWidgets/QApplication>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSlider>
#include <QtWidgets/QVBoxLayout>
#include <QtWidgets/QWidget>

#include <cstdio>

class ExporterWindow : public QWidget
{
    Q_OBJECT
public:
    ExporterWindow(PrometheusExporter *exporter, int initialValue, QWidget *parent = nullptr)
        : QWidget(parent), m_exporter(exporter)
    {
        setWindowTitle(tr("QtPrometheusExporter \u2014 desktop example"));

        // The metrics are ordinary prometheus-cpp objects in the exporter's registry.
        prometheus::Registry &registry = *exporter->registry();
        prometheus::Gauge &sliderGauge = prometheus::BuildGauge()
                                             .Name("desktop_slider_value")
                                             .Help("Position of the window's slider (0-100)")
                                             .Register(registry)
                                             .Add({});
        prometheus::Counter &sliderMoves = prometheus::BuildCounter()
                                               .Name("desktop_slider_moves_total")
                                               .Help("Number of times the slider was moved")
                                               .Register(registry)
                                               .Add({});
        prometheus::Gauge &windowActive
            = prometheus::BuildGauge()
                  .Name("desktop_window_active")
                  .Help("1 while the window has the keyboard focus, read at each scrape")
                  .Register(registry)
                  .Add({});

        m_urlLabel = new QLabel(this);
        m_urlLabel->setTextInteractionFlags(Qt::TextBrowserInteraction);
        m_urlLabel->setOpenExternalLinks(true);
        m_stateLabel = new QLabel(this);
        m_scrapesLabel = new QLabel(this);
        m_startStop = new QPushButton(this);

        auto *slider = new QSlider(Qt::Horizontal, this);
        slider->setRange(0, 100);
        auto *sliderValue = new QLabel(this);
        sliderValue->setMinimumWidth(
            sliderValue->fontMetrics().horizontalAdvance(QStringLiteral("000")));

        auto *form = new QFormLayout;
        form->addRow(tr("Metrics URL:"), m_urlLabel);
        form->addRow(tr("State:"), m_stateLabel);
        form->addRow(tr("Scrapes answered:"), m_scrapesLabel);
        auto *sliderRow = new QHBoxLayout;
        sliderRow->addWidget(slider, 1);
        sliderRow->addWidget(sliderValue);
        form->addRow(tr("desktop_slider_value:"), sliderRow);
        auto *layout = new QVBoxLayout(this);
        layout->addLayout(form);
        layout->addWidget(m_startStop, 0, Qt::AlignRight);

        // The binding: every move sets the gauge at once (prometheus-cpp metrics are
        // thread-safe and cheap to set), so a scrape always reports where the slider is.
        slider->setValue(initialValue); // before connecting: the initial position is no move
        sliderGauge.Set(slider->value());
        sliderValue->setNum(slider->value());
        connect(slider, &QSlider::valueChanged, this,
                [&sliderGauge, &sliderMoves, sliderValue](int value) {
                    sliderGauge.Set(value);
                    sliderMoves.Increment();
                    sliderValue->setNum(value);
                });

        // Notify mode: state that is only worth reading when someone asks is read in the
        // scrapeRequested slot. It runs in the GUI thread, so touching widgets is fine,
        // and the scrape is answered right after it returns.
        connect(exporter, &PrometheusExporter::scrapeRequested, this,
                [this, &windowActive](const PrometheusUpdate &) {
                    windowActive.Set(isActiveWindow() ? 1 : 0);
                });

        // The window follows the exporter through its signals, never by polling.
        connect(exporter, &PrometheusExporter::urlChanged, this, &ExporterWindow::showUrl);
        connect(exporter, &PrometheusExporter::runningChanged, this, &ExporterWindow::showState);
        connect(exporter, &PrometheusExporter::errorOccurred, this, &ExporterWindow::showState);
        connect(exporter, &PrometheusExporter::scrapeAnswered, this, [this](int statusCode) {
            ++m_scrapes;
            m_scrapesLabel->setText(tr("%1 (last answer: HTTP %2)").arg(m_scrapes).arg(statusCode));
        });
        connect(m_startStop, &QPushButton::clicked, this, [this] {
            if (m_exporter->isRunning())
                m_exporter->stop();
            else
                m_exporter->start();
        });

        m_scrapesLabel->setText(QStringLiteral("0"));
        showUrl();
        showState();
    }

private:
    void showUrl()
    {
        const QString url = m_exporter->url().toString();
        m_urlLabel->setText(url.isEmpty()
                                ? tr("(not listening)")
                                : QStringLiteral("<a href=\"%1\">%1</a>").arg(url.toHtmlEscaped()));
    }

    void showState()
    {
        if (m_exporter->isRunning())
            m_stateLabel->setText(tr("running"));
        else if (!m_exporter->errorString().isEmpty())
            m_stateLabel->setText(tr("stopped: %1").arg(m_exporter->errorString()));
        else
            m_stateLabel->setText(tr("stopped"));
        m_startStop->setText(m_exporter->isRunning() ? tr("Stop") : tr("Start"));
    }

    PrometheusExporter *m_exporter;
    QLabel *m_urlLabel = nullptr;
    QLabel *m_stateLabel = nullptr;
    QLabel *m_scrapesLabel = nullptr;
    QPushButton *m_startStop = nullptr;
    int m_scrapes = 0;
};

namespace {
// HOST:PORT with an IP address as HOST; IPv6 in brackets ([::1]:9184).
bool parseListen(const QString &text, QHostAddress *address, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint number = text.mid(colon + 1).toUInt(&ok);
    if (!ok || number > 65535 || !address->setAddress(host))
        return false;
    *port = quint16(number);
    return true;
}

int fail(int exitCode, const QString &message)
{
    std::fprintf(stderr, "desktop-widgets-example: %s\n", qUtf8Printable(message));
    return exitCode;
}
} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("desktop-widgets-example"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("A Qt Widgets window that exports a slider as a Prometheus gauge."));
    parser.addHelpOption();
    const QCommandLineOption listenOption(
        QStringLiteral("listen"),
        QStringLiteral("Address and port to listen on (port 0: any free port)."),
        QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:9184"));
    const QCommandLineOption initialOption(QStringLiteral("initial-value"),
                                           QStringLiteral("Initial slider position, 0-100."),
                                           QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"), QStringLiteral("Save a picture of the window and quit."),
        QStringLiteral("FILE"));
    const QCommandLineOption afterOption(
        QStringLiteral("screenshot-after-scrapes"),
        QStringLiteral("Take the screenshot once N scrapes were answered (default 0)."),
        QStringLiteral("N"), QStringLiteral("0"));
    parser.addOptions({listenOption, initialOption, screenshotOption, afterOption});
    if (!parser.parse(QCoreApplication::arguments()))
        return fail(2, parser.errorText());
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);

    QHostAddress address;
    quint16 port = 0;
    if (!parseListen(parser.value(listenOption), &address, &port))
        return fail(2, QStringLiteral("invalid --listen value, expected HOST:PORT"));
    bool ok = false;
    const int initialValue = parser.value(initialOption).toInt(&ok);
    if (!ok || initialValue < 0 || initialValue > 100)
        return fail(2, QStringLiteral("invalid --initial-value, expected 0-100"));
    const int screenshotAfter = parser.value(afterOption).toInt(&ok);
    if (!ok || screenshotAfter < 0)
        return fail(2, QStringLiteral("invalid --screenshot-after-scrapes"));

    PrometheusExporter exporter;
    exporter.setAddress(address);
    exporter.setPort(port);
    exporter.setStatusMetricName(QStringLiteral("desktop"));

    ExporterWindow window(&exporter, initialValue);
    window.resize(520, 180);
    window.show();

    if (!exporter.start())
        return fail(1, exporter.errorString());
    std::printf("listening on %s\n", qUtf8Printable(exporter.url().toString()));
    std::fflush(stdout);

    if (parser.isSet(screenshotOption)) {
        // grab() renders the window as it is on screen, with no tool outside Qt. Queued a
        // little, so the labels have been repainted with the latest count. Everything the
        // lambdas use is copied: they run from the event loop, long after this block.
        const QString file = parser.value(screenshotOption);
        auto takeScreenshot = [&window, file] {
            QTimer::singleShot(100, &window, [&window, file] {
                const bool saved = window.grab().save(file);
                if (!saved)
                    std::fprintf(stderr, "desktop-widgets-example: cannot write %s\n",
                                 qUtf8Printable(file));
                QCoreApplication::exit(saved ? 0 : 1);
            });
        };
        if (screenshotAfter == 0) {
            takeScreenshot();
        } else {
            QObject::connect(&exporter, &PrometheusExporter::scrapeAnswered, &window,
                             [takeScreenshot, screenshotAfter, answered = 0](int) mutable {
                                 if (++answered == screenshotAfter)
                                     takeScreenshot();
                             });
        }
    }
    return app.exec();
}

#include "main.moc"
