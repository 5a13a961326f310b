// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// Loads Main.qml, where everything happens. Prints "listening on URL" once the
// exporter declared there runs.
//
//   qml-example [--port N] [--initial-value N]

#include <QtCore/QCommandLineParser>
#include <QtCore/QUrl>
#include <QtCore/QVariantMap>
#include <QtGui/QGuiApplication>
#include <QtQml/QQmlApplicationEngine>

#include <cstdio>

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);

    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        QStringLiteral("Port to listen on (0: any free port)."),
                                        QStringLiteral("N"), QStringLiteral("9184"));
    const QCommandLineOption initialOption(QStringLiteral("initial-value"),
                                           QStringLiteral("Initial slider position, 0-100."),
                                           QStringLiteral("N"), QStringLiteral("25"));
    parser.addOptions({portOption, initialOption});
    parser.process(app);

    QQmlApplicationEngine engine;
    // Where the build put the QtPrometheusExporter QML module. An installed application
    // would rather rely on QML_IMPORT_PATH or on Qt's own qml directory.
    engine.addImportPath(QStringLiteral(QTPROMETHEUSEXPORTER_QML_IMPORT_DIR));
    engine.setInitialProperties({
        {QStringLiteral("exporterPort"), parser.value(portOption).toInt()},
        {QStringLiteral("initialValue"), parser.value(initialOption).toDouble()},
    });
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
        [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;

    if (QObject *exporter
        = engine.rootObjects().constFirst()->findChild<QObject *>(QStringLiteral("exporter"))) {
        const QUrl url = exporter->property("url").toUrl();
        if (url.isEmpty())
            return 1; // the reason was printed by the QML warning handler
        std::printf("listening on %s\n", qUtf8Printable(url.toString()));
        std::fflush(stdout);
    }
    return app.exec();
}
