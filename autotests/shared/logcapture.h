// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef LOGCAPTURE_H
#define LOGCAPTURE_H

#include <QtCore/qbytearray.h>
#include <QtCore/qlist.h>
#include <QtCore/qloggingcategory.h>
#include <QtCore/qstring.h>

// Catches every message while it lives, with the category it was logged in,
// under the given logging rules (e.g. "qt.*=false"); restores Qt Test's
// handler and clears the rules when it goes.
class LogCapture
{
public:
    struct Message
    {
        QtMsgType type;
        QByteArray category;
        QString text;
    };

    explicit LogCapture(const QString &rules)
    {
        messages().clear();
        QLoggingCategory::setFilterRules(rules);
        m_previous = qInstallMessageHandler(&LogCapture::handle);
    }
    ~LogCapture()
    {
        qInstallMessageHandler(m_previous);
        QLoggingCategory::setFilterRules(QString());
    }
    LogCapture(const LogCapture &) = delete;
    LogCapture &operator=(const LogCapture &) = delete;

    static QList<Message> &messages()
    {
        static QList<Message> caught;
        return caught;
    }

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &text)
    {
        messages().append({type, QByteArray(context.category), text});
    }

    QtMessageHandler m_previous = nullptr;
};

#endif // LOGCAPTURE_H
