// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "exposition/writercommon_p.h"

#include <algorithm>
#include <functional>

namespace QtPrometheusPrivate {

namespace Exposition {

std::vector<Kind> kindsOf(const std::vector<prometheus::MetricFamily> &families)
{
    std::vector<Kind> kinds;
    kinds.reserve(families.size());
    for (const auto &family : families)
        kinds.push_back(kindOf(family.type));
    return kinds;
}

OutputBuffer::OutputBuffer(QByteArray &out, qsizetype expectedBytes) : m_out(out)
{
    m_start = out.size();
    // resize() leaves the new bytes uninitialised: nothing is written twice.
    out.resize(m_start + std::max<qsizetype>(expectedBytes, 256));
    m_begin = out.data();
    m_pos = m_begin + m_start;
    m_end = m_begin + out.size();
}

OutputBuffer::~OutputBuffer()
{
    m_out.resize(offset());
}

void OutputBuffer::grow(qsizetype bytes)
{
    const qsizetype used = offset();
    const qsizetype size = std::max(used + bytes, m_out.size() + m_out.size() / 2);
    m_out.resize(size);
    m_begin = m_out.data();
    m_pos = m_begin + used;
    m_end = m_begin + m_out.size();
}

namespace detail {
// Go's strconv.FormatFloat(value, 'g', -1, 64): the shortest digits that read
// back as value, in fixed notation when the decimal exponent is in [-4, 6),
// otherwise as d.ddde±XX. value must be finite.
char *formatShortestGo(char *out, double value)
{
    char scientific[32];
    const auto converted = std::to_chars(scientific, scientific + sizeof scientific, value,
                                         std::chars_format::scientific);
    const char *p = scientific;
    const bool negative = *p == '-';
    if (negative)
        ++p;
    char digits[24];
    int digitCount = 0;
    for (; *p != 'e'; ++p) {
        if (*p != '.')
            digits[digitCount++] = *p;
    }
    ++p; // 'e'
    const bool negativeExponent = *p == '-';
    int exponent = 0;
    for (++p; p != converted.ptr; ++p)
        exponent = exponent * 10 + (*p - '0');
    if (negativeExponent)
        exponent = -exponent;

    if (exponent < -4 || exponent >= 6) {
        // to_chars writes the exponent with at least two digits, as Go does.
        const auto length = std::size_t(converted.ptr - scientific);
        std::memcpy(out, scientific, length);
        return out + length;
    }
    if (negative)
        *out++ = '-';
    const int point = exponent + 1; // digits before the decimal point
    if (point <= 0) {
        *out++ = '0';
        *out++ = '.';
        for (int i = point; i < 0; ++i)
            *out++ = '0';
        std::memcpy(out, digits, std::size_t(digitCount));
        return out + digitCount;
    }
    if (point < digitCount) {
        std::memcpy(out, digits, std::size_t(point));
        out += point;
        *out++ = '.';
        std::memcpy(out, digits + point, std::size_t(digitCount - point));
        return out + (digitCount - point);
    }
    std::memcpy(out, digits, std::size_t(digitCount));
    out += digitCount;
    for (int i = digitCount; i < point; ++i)
        *out++ = '0';
    return out;
}

char *putSpecial(char *out, double value)
{
    const char *text = std::isnan(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
    const std::size_t length = std::strlen(text);
    std::memcpy(out, text, length);
    return out + length;
}
} // namespace detail

char *formatDouble(char *out, double value)
{
    if (!std::isfinite(value))
        return detail::putSpecial(out, value);
    if (value >= -9007199254740992.0 && value <= 9007199254740992.0) {
        const auto integer = static_cast<std::int64_t>(value);
        if (static_cast<double>(integer) == value && (integer != 0 || !std::signbit(value)))
            return std::to_chars(out, out + 20, integer).ptr;
    }
    return detail::formatShortestGo(out, value);
}

char *formatLabelNumber(char *out, double value, bool openMetrics)
{
    if (!std::isfinite(value))
        return detail::putSpecial(out, value);
    if (value == 0) // -0 too: one label value per number
        value = 0;
    char *const start = out;
    out = detail::formatShortestGo(out, value);
    if (openMetrics
        && std::find_if(start, out, [](char c) { return c == '.' || c == 'e'; }) == out) {
        *out++ = '.';
        *out++ = '0';
    }
    return out;
}

void FamilyPlan::add(int index, std::string_view name, Kind kind,
                     const std::vector<prometheus::MetricFamily> &families)
{
    Entry &entry = m_entries[std::size_t(index)];
    entry.name = name;
    entry.kind = kind;
    if (kind == Kind::Unsupported) {
        result.droppedFamilies.push_back(families[std::size_t(index)].name);
        return;
    }
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t slot = std::hash<std::string_view>()(name) & mask;; slot = (slot + 1) & mask) {
        const int head = m_slots[slot];
        if (head < 0) {
            m_slots[slot] = index;
            entry.head = true;
            entry.tail = index;
            return;
        }
        Entry &headEntry = m_entries[std::size_t(head)];
        if (headEntry.name == name) {
            if (headEntry.kind != kind) {
                entry.kind = Kind::Unsupported;
                result.droppedFamilies.push_back(families[std::size_t(index)].name);
                return;
            }
            m_entries[std::size_t(headEntry.tail)].next = index;
            headEntry.tail = index;
            return;
        }
    }
}

FamilyPlan FamilyPlan::withInfoNames(const std::vector<prometheus::MetricFamily> &families,
                                     const std::vector<Kind> &kinds, std::string &infoNames)
{
    // Reserved up front, so that the views stay valid.
    std::size_t infoBytes = 0;
    for (std::size_t i = 0; i < families.size(); ++i) {
        if (kinds[i] == Kind::Info)
            infoBytes += families[i].name.size() + 5;
    }
    infoNames.reserve(infoNames.size() + infoBytes);
    return FamilyPlan(families, kinds, [&](int i) -> std::string_view {
        const std::string &name = families[std::size_t(i)].name;
        if (kinds[std::size_t(i)] != Kind::Info)
            return name;
        const std::size_t start = infoNames.size();
        infoNames += name;
        infoNames += "_info";
        return std::string_view(infoNames).substr(start);
    });
}

std::string_view FamilyPlan::help(const std::vector<prometheus::MetricFamily> &families,
                                  int head) const
{
    for (int i = head; i >= 0; i = m_entries[std::size_t(i)].next) {
        const std::string &help = families[std::size_t(i)].help;
        if (!help.empty())
            return help;
    }
    return {};
}

qsizetype FamilyPlan::estimateBytes(const std::vector<prometheus::MetricFamily> &families) const
{
    // An estimate, cheap on purpose: the first metric of a family stands for
    // all of them (a family's metrics share their label names and buckets),
    // with typical widths for values and timestamps. Reading every metric's
    // labels here would cost as much as a fifth of the writing; a wrong
    // estimate only costs a rare grow().
    constexpr qsizetype valueBytes = 12;
    constexpr qsizetype timestampBytes = 15;
    qsizetype bytes = 8; // "# EOF\n"
    for (std::size_t i = 0; i < families.size(); ++i) {
        const Entry &entry = m_entries[i];
        if (entry.kind == Kind::Unsupported)
            continue;
        const auto &family = families[i];
        const auto nameBytes = qsizetype(entry.name.size());
        if (entry.head)
            bytes += 2 * nameBytes + qsizetype(family.help.size()) + 32;
        if (family.metric.empty())
            continue;
        const auto &metric = family.metric.front();
        qsizetype lines = 1;
        qsizetype extraLabel = 0;
        if (entry.kind == Kind::Histogram) {
            lines = qsizetype(metric.histogram.bucket.size()) + 3;
            extraLabel = 12;
        } else if (entry.kind == Kind::Summary) {
            lines = qsizetype(metric.summary.quantile.size()) + 2;
            extraLabel = 16;
        }
        qsizetype line = nameBytes + 8 + valueBytes + 2 + extraLabel;
        if (metric.timestamp_ms != 0)
            line += timestampBytes;
        for (const auto &label : metric.label)
            line += qsizetype(label.name.size() + label.value.size() + 4);
        bytes += qsizetype(family.metric.size()) * lines * line;
    }
    return bytes;
}

} // namespace Exposition

} // namespace QtPrometheusPrivate
