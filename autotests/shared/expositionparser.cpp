// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "expositionparser.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <tuple>

namespace TestExposition {

namespace {
bool isNameStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool isNameChar(char c)
{
    return isNameStart(c) || (c >= '0' && c <= '9');
}

std::optional<double> parseNumber(std::string_view text)
{
    if (text == "NaN" || text == "Nan")
        return std::numeric_limits<double>::quiet_NaN();
    if (text == "+Inf")
        return std::numeric_limits<double>::infinity();
    if (text == "-Inf")
        return -std::numeric_limits<double>::infinity();
    double value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<std::int64_t> parseMilliseconds(std::string_view text)
{
    std::int64_t value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size())
        return std::nullopt;
    return value;
}

// OpenMetrics timestamps are seconds; ours have at most 3 decimals. Read them
// exactly, as integers.
std::optional<std::int64_t> parseSeconds(std::string_view text)
{
    bool negative = false;
    if (!text.empty() && text.front() == '-') {
        negative = true;
        text.remove_prefix(1);
    }
    const auto point = text.find('.');
    const std::string_view whole = text.substr(0, point);
    std::string_view fraction
        = point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
    if (whole.empty() || fraction.size() > 3
        || (point != std::string_view::npos && fraction.empty()))
        return std::nullopt;
    std::uint64_t seconds = 0;
    auto result = std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
    if (result.ec != std::errc() || result.ptr != whole.data() + whole.size())
        return std::nullopt;
    std::uint64_t millis = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        char c = i < fraction.size() ? fraction[i] : '0';
        if (c < '0' || c > '9')
            return std::nullopt;
        millis = millis * 10 + std::uint64_t(c - '0');
    }
    const std::uint64_t magnitude = seconds * 1000 + millis;
    return negative ? std::int64_t(0 - magnitude) : std::int64_t(magnitude);
}

// Unescapes \\, \n and \" (the last only where allowed); anything else after
// a backslash is an error for label values, kept literally in HELP.
std::optional<std::string> unescape(std::string_view text, bool quoteEscape, bool strict)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c != '\\') {
            out += c;
            continue;
        }
        if (i + 1 == text.size()) {
            if (strict)
                return std::nullopt;
            out += c;
            continue;
        }
        const char next = text[++i];
        if (next == '\\')
            out += '\\';
        else if (next == 'n')
            out += '\n';
        else if (next == '"' && quoteEscape)
            out += '"';
        else if (strict)
            return std::nullopt;
        else {
            out += '\\';
            out += next;
        }
    }
    return out;
}

struct LineParser
{
    std::string_view line;
    std::size_t pos = 0;

    bool atEnd() const { return pos >= line.size(); }
    char peek() const { return atEnd() ? '\0' : line[pos]; }
    std::string_view name()
    {
        const std::size_t start = pos;
        if (atEnd() || !isNameStart(line[pos]))
            return {};
        while (!atEnd() && isNameChar(line[pos]))
            ++pos;
        return line.substr(start, pos - start);
    }
    // The raw (still escaped) text of a quoted label value.
    std::optional<std::string_view> quoted()
    {
        if (peek() != '"')
            return std::nullopt;
        const std::size_t start = ++pos;
        while (!atEnd() && line[pos] != '"') {
            if (line[pos] == '\\')
                ++pos;
            ++pos;
        }
        if (atEnd())
            return std::nullopt;
        return line.substr(start, pos++ - start);
    }
    std::string_view token()
    {
        const std::size_t start = pos;
        while (!atEnd() && line[pos] != ' ')
            ++pos;
        return line.substr(start, pos - start);
    }
};

std::string describe(std::size_t lineNumber, std::string_view line, const char *what)
{
    return "line " + std::to_string(lineNumber) + ": " + what + ": " + std::string(line);
}
} // namespace

std::string Sample::seriesKey() const
{
    std::string key = name;
    key += '{';
    for (const auto &[labelName, labelValue] : labels) {
        key += labelName;
        key += "=\"";
        for (char c : labelValue)
            key += c == '\n' ? std::string("\\n") : std::string(1, c);
        key += "\",";
    }
    key += '}';
    return key;
}

std::string Sample::toString() const
{
    char number[64];
    std::string text = seriesKey();
    if (hasBound) {
        std::snprintf(number, sizeof number, "%.17g", bound);
        text += " bound=" + boundText + " (" + number + ")";
    }
    std::snprintf(number, sizeof number, "%.17g", value);
    text += " value=";
    text += number;
    if (value == 0 && std::signbit(value))
        text += " (negative zero)";
    if (timestampMs)
        text += " @" + std::to_string(*timestampMs);
    return text;
}

Exposition parse(std::string_view text, Syntax syntax)
{
    Exposition result;
    const bool om = syntax == Syntax::OpenMetrics;
    std::size_t lineNumber = 0;
    auto metadataFor = [&result](std::string_view name) -> Metadata & {
        for (auto &family : result.families) {
            if (family.name == name)
                return family;
        }
        result.families.push_back(Metadata {std::string(name), {}, std::nullopt});
        return result.families.back();
    };
    while (!text.empty()) {
        ++lineNumber;
        const auto newline = text.find('\n');
        if (newline == std::string_view::npos) {
            result.error = describe(lineNumber, text, "last line has no newline");
            return result;
        }
        const std::string_view line = text.substr(0, newline);
        text.remove_prefix(newline + 1);
        if (result.eof) {
            result.error = describe(lineNumber, line, "line after # EOF");
            return result;
        }
        if (line.empty()) {
            if (om) {
                result.error = describe(lineNumber, line, "blank line");
                return result;
            }
            continue;
        }
        if (line.front() == '#') {
            if (line == "# EOF") {
                result.eof = true;
                continue;
            }
            const bool isHelp = line.substr(0, 7) == "# HELP ";
            const bool isType = line.substr(0, 7) == "# TYPE ";
            if (!isHelp && !isType) {
                if (om) {
                    result.error = describe(lineNumber, line, "comment line in OpenMetrics");
                    return result;
                }
                continue;
            }
            LineParser p {line, 7};
            const std::string_view name = p.name();
            if (name.empty() || p.peek() != ' ') {
                result.error = describe(lineNumber, line, "bad metadata line");
                return result;
            }
            ++p.pos;
            const std::string_view rest = line.substr(p.pos);
            Metadata &family = metadataFor(name);
            if (isHelp) {
                if (family.help) {
                    result.error = describe(lineNumber, line, "second HELP");
                    return result;
                }
                family.help = unescape(rest, om, false);
            } else {
                if (!family.type.empty()) {
                    result.error = describe(lineNumber, line, "second TYPE");
                    return result;
                }
                family.type = std::string(rest);
            }
            continue;
        }

        LineParser p {line, 0};
        Sample sample;
        sample.name = std::string(p.name());
        if (sample.name.empty()) {
            result.error = describe(lineNumber, line, "bad metric name");
            return result;
        }
        if (p.peek() == '{') {
            ++p.pos;
            while (p.peek() != '}') {
                const std::string_view labelName = p.name();
                if (labelName.empty() || p.peek() != '=') {
                    result.error = describe(lineNumber, line, "bad label name");
                    return result;
                }
                ++p.pos;
                const auto raw = p.quoted();
                const auto value = raw ? unescape(*raw, true, true) : std::nullopt;
                if (!value) {
                    result.error = describe(lineNumber, line, "bad label value");
                    return result;
                }
                if (labelName == "le" || labelName == "quantile") {
                    const auto bound = parseNumber(*value);
                    if (!bound || sample.hasBound) {
                        result.error = describe(lineNumber, line, "bad le/quantile");
                        return result;
                    }
                    sample.hasBound = true;
                    sample.bound = *bound;
                    sample.boundText = *value;
                } else {
                    sample.labels.emplace_back(std::string(labelName), *value);
                }
                if (p.peek() == ',')
                    ++p.pos;
                else if (p.peek() != '}') {
                    result.error = describe(lineNumber, line, "expected , or }");
                    return result;
                }
            }
            ++p.pos;
        }
        std::sort(sample.labels.begin(), sample.labels.end());
        for (std::size_t i = 1; i < sample.labels.size(); ++i) {
            if (sample.labels[i - 1].first == sample.labels[i].first) {
                result.error = describe(lineNumber, line, "duplicate label name");
                return result;
            }
        }
        if (p.peek() != ' ') {
            result.error = describe(lineNumber, line, "expected a space before the value");
            return result;
        }
        ++p.pos;
        const auto value = parseNumber(p.token());
        if (!value) {
            result.error = describe(lineNumber, line, "bad value");
            return result;
        }
        sample.value = *value;
        if (p.peek() == ' ') {
            ++p.pos;
            const std::string_view stamp = p.token();
            sample.timestampMs = om ? parseSeconds(stamp) : parseMilliseconds(stamp);
            if (!sample.timestampMs) {
                result.error = describe(lineNumber, line, "bad timestamp");
                return result;
            }
        }
        if (!p.atEnd()) {
            result.error = describe(lineNumber, line, "trailing text");
            return result;
        }
        result.samples.push_back(std::move(sample));
    }
    if (om && !result.eof)
        result.error = "no # EOF at the end";
    return result;
}

namespace {
// NaN sorts last; otherwise numeric order.
bool numberLess(double a, double b)
{
    if (std::isnan(a) || std::isnan(b))
        return !std::isnan(a) && std::isnan(b);
    return a < b;
}
} // namespace

void sortSamples(std::vector<Sample> &samples)
{
    // Stable: samples that tie keep the order they were written in (two
    // buckets whose bounds TextSerializer rounds to the same 16 digits).
    std::stable_sort(samples.begin(), samples.end(), [](const Sample &a, const Sample &b) {
        if (a.name != b.name)
            return a.name < b.name;
        if (a.labels != b.labels)
            return a.labels < b.labels;
        if (a.hasBound != b.hasBound)
            return a.hasBound < b.hasBound;
        if (a.hasBound && numberLess(a.bound, b.bound) != numberLess(b.bound, a.bound))
            return numberLess(a.bound, b.bound);
        return a.timestampMs < b.timestampMs;
    });
}

bool sameNumber(double a, double b, double relativeTolerance)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    if (relativeTolerance == 0)
        return a == b && std::signbit(a) == std::signbit(b);
    if (a == b)
        return true;
    if (std::isinf(a) || std::isinf(b))
        return false;
    return std::fabs(a - b) <= relativeTolerance * std::max(std::fabs(a), std::fabs(b));
}

std::string compareSamples(const std::vector<Sample> &actual, const std::vector<Sample> &expected,
                           double relativeTolerance)
{
    const std::size_t common = std::min(actual.size(), expected.size());
    for (std::size_t i = 0; i < common; ++i) {
        const Sample &a = actual[i];
        const Sample &e = expected[i];
        const bool same = a.name == e.name && a.labels == e.labels && a.hasBound == e.hasBound
            && (!a.hasBound || sameNumber(a.bound, e.bound, relativeTolerance))
            && a.timestampMs == e.timestampMs && sameNumber(a.value, e.value, relativeTolerance);
        if (!same) {
            return "sample " + std::to_string(i) + " differs:\n  actual:   " + a.toString()
                + "\n  expected: " + e.toString();
        }
    }
    if (actual.size() != expected.size()) {
        const auto &longer = actual.size() > expected.size() ? actual : expected;
        return std::to_string(actual.size()) + " samples, expected "
            + std::to_string(expected.size()) + "; first extra ("
            + (actual.size() > expected.size() ? "actual" : "expected")
            + "): " + longer[common].toString();
    }
    return {};
}

} // namespace TestExposition
