// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// writeText004() and writeOpenMetrics100() on families decoded from the input
// (format below): any help text and label values (every byte, newlines and
// quotes included), names from a small pool (so that families collide) or
// made up, every kind, NaN/Inf/-0/huge/denormal values, extreme timestamps.
//
// Both outputs are read back line by line and must be well formed:
// - every line is "# HELP", "# TYPE", "# EOF" (OpenMetrics: once, last; the
//   output ends with "# EOF\n") or a sample of the family last typed, with a
//   suffix its type allows; labels name="value" where a value holds no raw
//   newline or quote and only the escapes \\ \" \n; a number or NaN/+Inf/-Inf;
//   an optional timestamp;
// - escaped label values and help texts read back as one the input holds;
// - one TYPE per written name; the families kept and dropped, and the number
//   of sample lines, are what the format's rules give (see expectedPlan()).
//
// The input is decoded as fuzzfamilies.h describes.

#include "exposition/openmetricswriter_p.h"
#include "exposition/textwriter_p.h"
#include "fuzzcheck.h"
#include "fuzzfamilies.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using namespace QtPrometheusPrivate;

namespace {
using Exposition::Kind;
using FuzzFamilies::Reader;

enum class Format { Text, OpenMetrics };

bool endsWith(std::string_view s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The name a family's HELP and TYPE lines carry.
std::string writtenName(const prometheus::MetricFamily &family, Kind kind, Format format)
{
    if (format == Format::Text)
        return kind == Kind::Info ? family.name + "_info" : family.name;
    if (kind == Kind::Counter && family.name.size() > 6 && endsWith(family.name, "_total"))
        return family.name.substr(0, family.name.size() - 6);
    return family.name;
}

std::string_view typeName(Kind kind, Format format)
{
    switch (kind) {
    case Kind::Counter:
        return "counter";
    case Kind::Gauge:
        return "gauge";
    case Kind::Info:
        return format == Format::Text ? "gauge" : "info";
    case Kind::Summary:
        return "summary";
    case Kind::Histogram:
        return "histogram";
    case Kind::Untyped:
    case Kind::Unsupported:
        break;
    }
    return format == Format::Text ? "untyped" : "unknown";
}

// The sample lines one metric of a kind takes.
std::size_t sampleLines(const prometheus::ClientMetric &metric, Kind kind, Format format)
{
    switch (kind) {
    case Kind::Summary:
        return metric.summary.quantile.size() + 2;
    case Kind::Histogram: {
        const auto &buckets = metric.histogram.bucket;
        std::size_t lines = buckets.size();
        if (buckets.empty()
            || buckets.back().upper_bound != std::numeric_limits<double>::infinity())
            ++lines;
        bool negative = false;
        for (const auto &bucket : buckets)
            negative = negative || bucket.upper_bound < 0;
        if (format == Format::Text || !negative)
            lines += 2;
        return lines;
    }
    default:
        return 1;
    }
}

struct Plan
{
    std::vector<std::string> typeLines; // "<name> <type>", in writing order
    std::vector<std::string> dropped;
    std::size_t samples = 0;
};

// What the writers must produce, from the rules of FamilyPlan: grouped by
// written name, the first family's type wins, a later family of another type
// (or of no known type) is dropped.
Plan expectedPlan(const std::vector<prometheus::MetricFamily> &families,
                  const std::vector<Kind> &kinds, Format format)
{
    Plan plan;
    std::map<std::string, Kind> heads;
    for (std::size_t i = 0; i < families.size(); ++i) {
        const Kind kind = kinds[i];
        if (kind == Kind::Unsupported) {
            plan.dropped.push_back(families[i].name);
            continue;
        }
        const std::string name = writtenName(families[i], kind, format);
        const auto [it, inserted] = heads.emplace(name, kind);
        if (!inserted && it->second != kind) {
            plan.dropped.push_back(families[i].name);
            continue;
        }
        if (inserted)
            plan.typeLines.push_back(name + " " + std::string(typeName(kind, format)));
        for (const auto &metric : families[i].metric)
            plan.samples += sampleLines(metric, kind, format);
    }
    return plan;
}

bool isNameStart(char c, bool metric)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':');
}

bool isNameChar(char c, bool metric)
{
    return isNameStart(c, metric) || (c >= '0' && c <= '9');
}

// Reads a name at pos; empty when there is none.
std::string_view readName(std::string_view line, std::size_t &pos, bool metric)
{
    const std::size_t start = pos;
    if (pos < line.size() && isNameStart(line[pos], metric)) {
        ++pos;
        while (pos < line.size() && isNameChar(line[pos], metric))
            ++pos;
    }
    return line.substr(start, pos - start);
}

// Unescapes text up to the end (help) or up to the closing quote (label value,
// pos then past the quote). False on a malformed escape or a missing quote.
bool readEscaped(std::string_view line, std::size_t &pos, bool quoted, bool quoteEscape,
                 std::string &out)
{
    while (pos < line.size()) {
        const char c = line[pos++];
        if (c == '"' && quoted)
            return true;
        if (c == '"' && quoteEscape)
            return false; // OpenMetrics escapes every quote, in HELP too
        if (c != '\\') {
            out += c;
            continue;
        }
        if (pos == line.size())
            return false;
        const char e = line[pos++];
        if (e == '\\')
            out += '\\';
        else if (e == 'n')
            out += '\n';
        else if (e == '"' && quoteEscape)
            out += '"';
        else
            return false;
    }
    return !quoted;
}

bool isNumber(std::string_view text)
{
    if (text == "NaN" || text == "+Inf" || text == "-Inf")
        return true;
    if (text.empty() || text.size() > 40)
        return false;
    const std::string copy(text);
    char *end = nullptr;
    std::strtod(copy.c_str(), &end);
    return end == copy.c_str() + copy.size() && copy.find_first_of(" \t") == std::string::npos;
}

bool isTimestamp(std::string_view text, Format format)
{
    std::size_t pos = text.empty() || text[0] != '-' ? 0 : 1;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
        ++pos, ++digits;
    if (digits == 0)
        return false;
    if (pos == text.size())
        return true;
    if (format == Format::Text || text[pos] != '.')
        return false;
    ++pos;
    std::size_t fraction = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
        ++pos, ++fraction;
    return pos == text.size() && fraction >= 1 && fraction <= 3 && text.back() != '0';
}

bool allowedSuffix(std::string_view suffix, Kind kind, Format format)
{
    switch (kind) {
    case Kind::Counter:
        return format == Format::Text ? suffix.empty() : suffix == "_total";
    case Kind::Gauge:
    case Kind::Untyped:
        return suffix.empty();
    case Kind::Info:
        return format == Format::Text ? suffix.empty() : suffix == "_info";
    case Kind::Summary:
        return suffix.empty() || suffix == "_sum" || suffix == "_count";
    case Kind::Histogram:
        return suffix == "_bucket" || suffix == "_sum" || suffix == "_count";
    case Kind::Unsupported:
        break;
    }
    return false;
}

void checkOutput(const std::vector<prometheus::MetricFamily> &families,
                 const std::vector<Kind> &kinds, const Exposition::WriteResult &result,
                 const QByteArray &out, Format format)
{
    const Plan plan = expectedPlan(families, kinds, format);
    FUZZ_CHECK(result.droppedFamilies == plan.dropped);

    std::set<std::string> helps;
    std::set<std::string> labelValues;
    for (const auto &family : families) {
        helps.insert(family.help);
        for (const auto &metric : family.metric) {
            for (const auto &label : metric.label)
                labelValues.insert(label.value);
        }
    }

    const std::string_view text(out.constData(), std::size_t(out.size()));
    FUZZ_CHECK(text.empty() || text.back() == '\n');
    if (format == Format::OpenMetrics)
        FUZZ_CHECK(endsWith(text, "# EOF\n"));

    std::vector<std::string> typeLines;
    std::map<std::string, Kind> kindOfName;
    for (std::size_t i = 0; i < families.size(); ++i) {
        if (kinds[i] != Kind::Unsupported)
            kindOfName.emplace(writtenName(families[i], kinds[i], format), kinds[i]);
    }
    std::string family; // the name of the last TYPE line
    Kind kind = Kind::Unsupported;
    std::size_t samples = 0;
    bool eof = false;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t newline = text.find('\n', start);
        const std::string_view line = text.substr(start, newline - start);
        start = newline + 1;
        FUZZ_CHECK(!eof); // nothing after "# EOF"

        if (line == "# EOF") {
            FUZZ_CHECK(format == Format::OpenMetrics);
            eof = true;
            continue;
        }
        if (line.substr(0, 7) == "# HELP " || line.substr(0, 7) == "# TYPE ") {
            std::size_t pos = 7;
            const std::string_view name = readName(line, pos, true);
            FUZZ_CHECK(!name.empty() && pos < line.size() && line[pos] == ' ');
            ++pos;
            if (line[2] == 'T') {
                typeLines.push_back(std::string(line.substr(7)));
                family = std::string(name);
                const auto it = kindOfName.find(family);
                FUZZ_CHECK(it != kindOfName.end());
                kind = it->second;
            } else {
                // Text writes HELP before TYPE, OpenMetrics after.
                FUZZ_CHECK(format == Format::Text || name == family);
                std::string help;
                FUZZ_CHECK(readEscaped(line, pos, false, format == Format::OpenMetrics, help));
                FUZZ_CHECK(!help.empty() && helps.count(help) == 1);
            }
            continue;
        }

        // A sample of the family last typed.
        ++samples;
        std::size_t pos = 0;
        const std::string_view name = readName(line, pos, true);
        FUZZ_CHECK(!family.empty() && name.substr(0, family.size()) == family);
        FUZZ_CHECK(allowedSuffix(name.substr(family.size()), kind, format));
        if (pos < line.size() && line[pos] == '{') {
            ++pos;
            for (bool first = true; pos < line.size() && line[pos] != '}'; first = false) {
                if (!first) {
                    FUZZ_CHECK(line[pos] == ',');
                    ++pos;
                }
                const std::string_view labelName = readName(line, pos, false);
                FUZZ_CHECK(!labelName.empty());
                FUZZ_CHECK(pos + 1 < line.size() && line[pos] == '=' && line[pos + 1] == '"');
                pos += 2;
                std::string value;
                // A raw newline in a value would have ended the line before
                // its closing quote: readEscaped() fails then.
                FUZZ_CHECK(readEscaped(line, pos, true, true, value));
                if (labelName == "le" || labelName == "quantile")
                    FUZZ_CHECK(labelValues.count(value) == 1 || isNumber(value));
                else
                    FUZZ_CHECK(labelValues.count(value) == 1);
            }
            FUZZ_CHECK(pos < line.size() && line[pos] == '}');
            ++pos;
        }
        FUZZ_CHECK(pos < line.size() && line[pos] == ' ');
        ++pos;
        const std::size_t space = line.find(' ', pos);
        FUZZ_CHECK(isNumber(line.substr(pos, space - pos)));
        if (space != std::string_view::npos)
            FUZZ_CHECK(isTimestamp(line.substr(space + 1), format));
    }
    FUZZ_CHECK(eof == (format == Format::OpenMetrics));
    FUZZ_CHECK(typeLines == plan.typeLines);
    FUZZ_CHECK(samples == plan.samples);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    Reader in(data, size);
    std::vector<prometheus::MetricFamily> families;
    std::vector<Kind> kinds;
    FuzzFamilies::decode(in, families, kinds);

    // Appended to what is already there, as the exporter does.
    QByteArray text = "prefix";
    const auto textResult = Exposition::writeText004(families, kinds, text);
    FUZZ_CHECK(text.startsWith("prefix"));
    checkOutput(families, kinds, textResult, text.mid(6), Format::Text);

    QByteArray openMetrics;
    const auto omResult = Exposition::writeOpenMetrics100(families, kinds, openMetrics);
    checkOutput(families, kinds, omResult, openMetrics, Format::OpenMetrics);

    // The overloads without kinds read them from the families' types.
    QByteArray again;
    Exposition::writeText004(families, again);
    return 0;
}
