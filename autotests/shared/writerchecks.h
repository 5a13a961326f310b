// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef WRITERCHECKS_H
#define WRITERCHECKS_H

// What the writers' tests check against: the writers run on Families, the
// samples they should write built directly from the data, and the external
// programs (promtool, Python) that judge their output.

#include "expositionparser.h"
#include "familygenerator.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qstring.h>
#include <QtCore/qstringlist.h>

#include <prometheus/metric_family.h>

#include <string>
#include <string_view>
#include <vector>

namespace TestExposition {

// TextSerializer writes 16 significant digits: 5e-16 relative, plus parsing.
constexpr double textSerializerTolerance = 1e-15;

QByteArray writeText(const Families &input,
                     QtPrometheusPrivate::Exposition::WriteResult *result = nullptr);
QByteArray writeOpenMetrics(const Families &input,
                            QtPrometheusPrivate::Exposition::WriteResult *result = nullptr);

inline std::string_view view(const QByteArray &bytes)
{
    return std::string_view(bytes.constData(), std::size_t(bytes.size()));
}

inline bool endsWith(const std::string &text, std::string_view suffix)
{
    return text.size() >= suffix.size()
        && std::string_view(text).substr(text.size() - suffix.size()) == suffix;
}

// formatLabelNumber() as a string.
std::string labelNumber(double value, bool openMetrics);

// What the writers should say, built directly from the data: every sample of
// input as the syntax names it, sorted.
std::vector<Sample> expectedSamples(const Families &input, Syntax syntax);

// What prometheus-cpp 1.0.1's TextSerializer is given: the same families, with
// the help dropped (it does not escape it, so a help with a newline would
// break its output apart) and info families as the gauges newer
// TextSerializers write for them (<name>_info, value 1).
std::vector<prometheus::MetricFamily> forTextSerializer(const Families &input);

struct ProcessResult
{
    bool started = false;
    int exitCode = -1;
    QByteArray output; // standard output, then standard error
};

// Runs program with input on its standard input, for at most a minute.
ProcessResult run(const QString &program, const QStringList &arguments, const QByteArray &input);

// The first line where actual and expected differ, for a failure message.
QString firstDifference(const QByteArray &actual, const QByteArray &expected);

} // namespace TestExposition

#endif // WRITERCHECKS_H
