// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "exposition/contentnegotiation_p.h"

#include "http/httpliterals_p.h"

#include <QtCore/qbytearraylist.h>

#include <optional>

namespace QtPrometheusPrivate {

namespace {
// Far beyond what any scraper sends; longer headers are cut, not parsed whole.
constexpr qsizetype MaxHeaderLength = 4096;
constexpr int MaxElements = 64;

// q is "0", "1" or a decimal with at most three digits (RFC 9110 §12.4.2);
// returned in thousandths so comparisons are exact.
std::optional<int> parseQValue(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 5)
        return std::nullopt;
    if (text.front() != '0' && text.front() != '1')
        return std::nullopt;
    int value = (text.front() - '0') * 1000;
    if (text.size() == 1)
        return value;
    if (text.at(1) != '.')
        return std::nullopt;
    int scale = 100;
    for (qsizetype i = 2; i < text.size(); ++i, scale /= 10) {
        const char c = text.at(i);
        if (c < '0' || c > '9')
            return std::nullopt;
        value += (c - '0') * scale;
    }
    return value <= 1000 ? std::optional<int>(value) : std::nullopt;
}

struct Element
{
    QByteArray value; // media range or coding, lower-case
    QByteArray version;
    QByteArray escaping;
    QByteArray proto; // protobuf: the message type, lower-case
    QByteArray encoding; // protobuf: "delimited", "text", ...
    int q = 1000;
    int order = 0;
};

// Splits a header into its comma-separated elements with their parameters.
// Elements with a malformed q are dropped, as if absent.
QList<Element> parseElements(const QByteArray &header)
{
    QList<Element> elements;
    const QList<QByteArray> parts = header.left(MaxHeaderLength).split(',');
    for (const QByteArray &part : parts) {
        if (elements.size() >= MaxElements)
            break;
        const QList<QByteArray> fields = part.split(';');
        Element element;
        element.value = fields.first().trimmed().toLower();
        if (element.value.isEmpty())
            continue;
        bool valid = true;
        for (qsizetype i = 1; i < fields.size(); ++i) {
            const QByteArray field = fields.at(i).trimmed();
            const qsizetype eq = field.indexOf('=');
            if (eq <= 0)
                continue;
            const QByteArray name = field.left(eq).trimmed().toLower();
            QByteArray value = field.mid(eq + 1).trimmed();
            if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"'))
                value = value.mid(1, value.size() - 2);
            if (name == "q") {
                const auto q = parseQValue(value);
                if (!q)
                    valid = false;
                else
                    element.q = *q;
            } else if (name == "version") {
                element.version = value;
            } else if (name == "escaping") {
                element.escaping = value.toLower();
            } else if (name == "proto") {
                element.proto = value.toLower();
            } else if (name == "encoding") {
                element.encoding = value.toLower();
            }
        }
        if (!valid)
            continue;
        element.order = int(elements.size());
        elements.append(element);
    }
    return elements;
}

struct Offer
{
    ExpositionFormat format;
    QByteArray type;
    QByteArray subtype;
    QByteArray version;
};

struct Match
{
    int q = -1; // -1: no range matches
    int specificity = -1;
    int order = 0;
    QByteArray escaping; // the matching range's parameter
};

// The q of the most specific media range that matches offer.
Match matchOffer(const QList<Element> &ranges, const Offer &offer)
{
    Match best;
    for (const Element &range : ranges) {
        const qsizetype slash = range.value.indexOf('/');
        if (slash <= 0)
            continue;
        const QByteArray type = range.value.left(slash);
        const QByteArray subtype = range.value.mid(slash + 1);
        int specificity;
        if (type == "*" && subtype == "*") {
            specificity = 0;
        } else if (type == offer.type && subtype == "*") {
            specificity = 1;
        } else if (type == offer.type && subtype == offer.subtype
                   && offer.format == ExpositionFormat::Protobuf) {
            // Only delimited MetricFamily messages are written.
            if ((!range.proto.isEmpty() && range.proto != "io.prometheus.client.metricfamily")
                || (!range.encoding.isEmpty() && range.encoding != "delimited")) {
                continue;
            }
            specificity = range.proto.isEmpty() ? 2 : 3;
        } else if (type == offer.type && subtype == offer.subtype) {
            if (range.version.isEmpty())
                specificity = 2;
            else if (range.version == offer.version)
                specificity = 3;
            else
                continue; // a version we do not produce
        } else {
            continue;
        }
        if (specificity > best.specificity) {
            best.specificity = specificity;
            best.q = range.q;
            best.order = range.order;
            best.escaping = range.escaping;
        }
    }
    return best;
}

// The escaping asked for, if format can honour it; underscores otherwise, as
// the content-negotiation spec prescribes when none is asked for.
NameEscaping escapingFor(ExpositionFormat format, const QByteArray &asked)
{
    if (asked == "allow-utf-8")
        return carriesUtf8Names(format) ? NameEscaping::AllowUtf8 : NameEscaping::Underscores;
    if (asked == "dots")
        return NameEscaping::Dots;
    if (asked == "values")
        return NameEscaping::Values;
    return NameEscaping::Underscores;
}
} // namespace

ResponseFormat negotiateFormat(const QByteArray &accept)
{
    ResponseFormat chosen;
    if (accept.trimmed().isEmpty())
        return chosen;
    const QList<Element> ranges = parseElements(accept);
    // Listed in order of the server's preference, which breaks complete ties:
    // "text/plain" alone means 0.0.4, "application/openmetrics-text" alone 1.0.0.
    const Offer offers[] = {
        {ExpositionFormat::Text004, "text", "plain", "0.0.4"},
        {ExpositionFormat::Text100, "text", "plain", "1.0.0"},
        {ExpositionFormat::OpenMetrics100, "application", "openmetrics-text", "1.0.0"},
        {ExpositionFormat::OpenMetrics001, "application", "openmetrics-text", "0.0.1"},
        {ExpositionFormat::Protobuf, "application", "vnd.google.protobuf", QByteArray()},
    };
    std::optional<Match> chosenMatch;
    for (const Offer &offer : offers) {
        const Match match = matchOffer(ranges, offer);
        if (match.q <= 0)
            continue;
        if (!chosenMatch || match.q > chosenMatch->q
            || (match.q == chosenMatch->q && match.order < chosenMatch->order)) {
            chosen.format = offer.format;
            chosenMatch = match;
        }
    }
    if (chosenMatch)
        chosen.escaping = escapingFor(chosen.format, chosenMatch->escaping);
    return chosen;
}

bool acceptsGzip(const QByteArray &acceptEncoding)
{
    std::optional<int> gzip;
    std::optional<int> any;
    for (const Element &coding : parseElements(acceptEncoding)) {
        if (coding.value == "gzip" || coding.value == "x-gzip")
            gzip = qMax(gzip.value_or(0), coding.q);
        else if (coding.value == "*")
            any = coding.q;
    }
    if (gzip)
        return *gzip > 0;
    return any.value_or(0) > 0;
}

} // namespace QtPrometheusPrivate
