// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef WRITERCOMMON_P_H
#define WRITERCOMMON_P_H

// What the text 0.0.4 and the OpenMetrics 1.0 writers share: the output buffer,
// number formatting, escaping, and the grouping of families that share a name.
// Everything here is private to the library.

#include <QtCore/qbytearray.h>
#include <QtCore/qglobal.h>

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>
#include <prometheus/metric_type.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace QtPrometheusPrivate {

namespace Exposition {

// The metric types the writers know. prometheus-cpp has MetricType::Info only
// from 1.2 on; kindOf() finds it when it is there.
enum class Kind : quint8 { Counter, Gauge, Summary, Untyped, Histogram, Info, Unsupported };

namespace detail {
template<typename E, typename = void> struct HasInfoEnumerator : std::false_type
{
};
template<typename E> struct HasInfoEnumerator<E, std::void_t<decltype(E::Info)>> : std::true_type
{
};
template<typename M, typename = void> struct HasInfoValue : std::false_type
{
};
template<typename M>
struct HasInfoValue<M, std::void_t<decltype(std::declval<const M &>().info.value)>> : std::true_type
{
};
} // namespace detail

template<typename Type = prometheus::MetricType> Kind kindOf(Type type)
{
    switch (type) {
    case Type::Counter:
        return Kind::Counter;
    case Type::Gauge:
        return Kind::Gauge;
    case Type::Summary:
        return Kind::Summary;
    case Type::Untyped:
        return Kind::Untyped;
    case Type::Histogram:
        return Kind::Histogram;
    default:
        break;
    }
    if constexpr (detail::HasInfoEnumerator<Type>::value) {
        if (type == Type::Info)
            return Kind::Info;
    }
    return Kind::Unsupported;
}

// An info metric's value: 1 by definition, read from the metric where
// prometheus-cpp stores it.
template<typename Metric = prometheus::ClientMetric> double infoValue(const Metric &metric)
{
    if constexpr (detail::HasInfoValue<Metric>::value)
        return metric.info.value;
    else
        return 1.0;
}

std::vector<Kind> kindsOf(const std::vector<prometheus::MetricFamily> &families);

// What a writer reports besides the bytes.
struct WriteResult
{
    // Families left out, in input order: a family whose name (as written in the
    // format) was already taken by an earlier family of another type, or whose
    // type the writers do not know. Empty in the normal case.
    std::vector<std::string> droppedFamilies;
};

// Appends to a QByteArray through a raw pointer. The caller reserves room with
// ensure() (a bound on what it writes next, not an exact size) and then writes
// without further checks. The array is sized once from an estimate; growing is
// the fallback.
class OutputBuffer
{
public:
    OutputBuffer(QByteArray &out, qsizetype expectedBytes);
    Q_DISABLE_COPY_MOVE(OutputBuffer)
    // Trims the array to what was written.
    ~OutputBuffer();

    void ensure(qsizetype bytes)
    {
        if (Q_UNLIKELY(m_end - m_pos < bytes))
            grow(bytes);
    }

    qsizetype offset() const { return m_pos - m_begin; }
    const char *at(qsizetype offset) const { return m_begin + offset; }
    char *at(qsizetype offset) { return m_begin + offset; }
    // Moves the cursor past bytes that are filled in later.
    void skip(qsizetype bytes) { m_pos += bytes; }
    // Takes out count bytes at offset, moving what follows them back.
    void remove(qsizetype offset, qsizetype count)
    {
        char *const from = m_begin + offset + count;
        std::memmove(m_begin + offset, from, std::size_t(m_pos - from));
        m_pos -= count;
    }

    void put(char c) { *m_pos++ = c; }
    void put(const char *data, std::size_t size)
    {
        if (size == 0) // an empty string_view's data() may be null
            return;
        std::memcpy(m_pos, data, size);
        m_pos += size;
    }
    void put(std::string_view text) { put(text.data(), text.size()); }
    template<std::size_t N> void putLiteral(const char (&text)[N]) { put(text, N - 1); }

    void putUInt(std::uint64_t value) { m_pos = std::to_chars(m_pos, m_pos + 20, value).ptr; }
    void putInt(std::int64_t value) { m_pos = std::to_chars(m_pos, m_pos + 20, value).ptr; }
    // Milliseconds as exact decimal seconds: 1520879607789 -> 1520879607.789.
    inline void putSeconds(std::int64_t milliseconds);
    inline void putDouble(double value);
    // Escapes '\\' and '\n', and '"' too when escapeQuote is set.
    inline void putEscaped(std::string_view text, bool escapeQuote);

    // The most a formatted number takes: a double (24), an integer (20), a
    // timestamp in seconds (22).
    static constexpr qsizetype MaxNumberBytes = 32;

private:
    void grow(qsizetype bytes);

    QByteArray &m_out;
    char *m_begin = nullptr;
    char *m_pos = nullptr;
    char *m_end = nullptr;
    qsizetype m_start = 0;
};

// Writes value as a sample value: integers (up to 2^53) as integers, NaN, +Inf
// and -Inf spelled as Prometheus spells them, every other value in the shortest
// form that reads back as exactly the same double (laid out like Go's
// strconv.FormatFloat(v, 'g', -1, 64)). Returns the end. Needs 32 bytes.
char *formatDouble(char *out, double value);

// The canonical form of an "le" or "quantile" label value (OpenMetrics 1.0,
// "Canonical Numbers"): Go's %g shortest form, -0 written as 0, and with
// openMetrics set ".0" appended when there is neither a '.' nor an exponent
// ("1.0", "0.5", "1e+06", "+Inf"). Needs 32 bytes.
char *formatLabelNumber(char *out, double value, bool openMetrics);

namespace detail {
char *formatShortestGo(char *out, double value);

inline std::uint64_t load64(const char *p)
{
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Whether any of the 8 bytes is '\\', '\n' or (with quote) '"'.
inline bool hasSpecialByte(std::uint64_t x, bool quote)
{
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    const auto zeroByte = [](std::uint64_t v) {
        return (v - ones) & ~v & highs;
    };
    std::uint64_t found = zeroByte(x ^ (ones * '\\')) | zeroByte(x ^ (ones * '\n'));
    if (quote)
        found |= zeroByte(x ^ (ones * '"'));
    return found != 0;
}
} // namespace detail

inline void OutputBuffer::putDouble(double value)
{
    // The common cases first: small integers, which is what most gauges and
    // counters hold.
    if (value >= -9007199254740992.0 && value <= 9007199254740992.0) {
        const auto integer = static_cast<std::int64_t>(value);
        if (static_cast<double>(integer) == value && (integer != 0 || !std::signbit(value))) {
            putInt(integer);
            return;
        }
    }
    m_pos = formatDouble(m_pos, value);
}

inline void OutputBuffer::putSeconds(std::int64_t milliseconds)
{
    std::uint64_t magnitude = std::uint64_t(milliseconds);
    if (milliseconds < 0) {
        *m_pos++ = '-';
        magnitude = 0 - magnitude; // also right for INT64_MIN
    }
    putUInt(magnitude / 1000);
    unsigned fraction = unsigned(magnitude % 1000);
    if (fraction == 0)
        return;
    char digits[3]
        = {char('0' + fraction / 100), char('0' + fraction / 10 % 10), char('0' + fraction % 10)};
    std::size_t length = 3;
    while (digits[length - 1] == '0')
        --length;
    *m_pos++ = '.';
    put(digits, length);
}

inline void OutputBuffer::putEscaped(std::string_view text, bool escapeQuote)
{
    const char *run = text.data();
    const char *const end = run + text.size();
    const char *scan = run;
    for (;;) {
        // Skip 8 plain bytes at a time, then find the special byte itself.
        while (end - scan >= 8 && !detail::hasSpecialByte(detail::load64(scan), escapeQuote))
            scan += 8;
        while (scan != end && *scan != '\\' && *scan != '\n' && !(escapeQuote && *scan == '"'))
            ++scan;
        put(run, std::size_t(scan - run));
        if (scan == end)
            return;
        *m_pos++ = '\\';
        *m_pos++ = *scan == '\n' ? 'n' : *scan;
        run = ++scan;
    }
}

// Writes the lines of one metric (one ClientMetric): each line is the metric
// name with a suffix, the labels (escaped once, then copied for the following
// lines), an optional extra label, the value and the timestamp.
class SeriesWriter
{
public:
    enum class Timestamps { Milliseconds, Seconds };

    inline SeriesWriter(OutputBuffer &buffer, std::string_view name,
                        const prometheus::ClientMetric &metric, Timestamps timestamps);

    // Starts a line. extraValue is a formatted number: it needs no escaping.
    inline void begin(std::string_view suffix, std::string_view extraName = {},
                      std::string_view extraValue = {});
    void endValue(double value)
    {
        m_buffer.put(' ');
        m_buffer.putDouble(value);
        endLine();
    }
    void endCount(std::uint64_t count)
    {
        m_buffer.put(' ');
        m_buffer.putUInt(count);
        endLine();
    }

private:
    inline void endLine();

    // What can follow the labels: ",quantile=\"<number>\"} <value> <timestamp>\n"
    static constexpr qsizetype MaxTailBytes = 16 + 3 * OutputBuffer::MaxNumberBytes + 8;

    OutputBuffer &m_buffer;
    const std::string_view m_name;
    const prometheus::ClientMetric &m_metric;
    qsizetype m_labelsOffset = -1;
    qsizetype m_labelsLength = 0;
    const Timestamps m_timestamps;
};

// The families in writing order, with same-named families merged.
//
// Families are grouped by the name the format writes in HELP and TYPE. The
// first family of a name is the head: its position decides where the group is
// written, its type is the group's type. Later families with that name and the
// same type are appended to the group (their samples follow the head's); a
// later family with another type is dropped and reported, since one name can
// carry only one type. Families of an unsupported type are dropped as well.
class FamilyPlan
{
public:
    // name(i) gives the name family i is written under.
    template<typename NameFn>
    FamilyPlan(const std::vector<prometheus::MetricFamily> &families,
               const std::vector<Kind> &kinds, NameFn &&name);

    struct Entry
    {
        std::string_view name; // as written in HELP/TYPE
        int next = -1; // next family of the same group
        int tail = -1; // heads only: last family of the group
        Kind kind = Kind::Unsupported;
        bool head = false;
    };

    // Families under their own names, but an info family <name> as the gauge
    // <name>_info (text 0.0.4 and protobuf), built in infoNames, which must
    // outlive the plan: its names are views.
    static FamilyPlan withInfoNames(const std::vector<prometheus::MetricFamily> &families,
                                    const std::vector<Kind> &kinds, std::string &infoNames);

    const std::vector<Entry> &entries() const { return m_entries; }
    // The group's help: the first non-empty one.
    std::string_view help(const std::vector<prometheus::MetricFamily> &families, int head) const;
    // A bound on the bytes the whole exposition takes (not counting escapes).
    qsizetype estimateBytes(const std::vector<prometheus::MetricFamily> &families) const;

    WriteResult result;

private:
    void add(int index, std::string_view name, Kind kind,
             const std::vector<prometheus::MetricFamily> &families);

    std::vector<Entry> m_entries;
    std::vector<int> m_slots; // open addressing: index of a head, or -1
};

template<typename NameFn>
FamilyPlan::FamilyPlan(const std::vector<prometheus::MetricFamily> &families,
                       const std::vector<Kind> &kinds, NameFn &&name)
{
    const auto count = families.size();
    m_entries.resize(count);
    std::size_t slotCount = 16;
    while (slotCount < count * 2)
        slotCount *= 2;
    m_slots.assign(slotCount, -1);
    for (std::size_t i = 0; i < count; ++i)
        add(int(i), name(int(i)), kinds[i], families);
}

SeriesWriter::SeriesWriter(OutputBuffer &buffer, std::string_view name,
                           const prometheus::ClientMetric &metric, Timestamps timestamps)
    : m_buffer(buffer), m_name(name), m_metric(metric), m_timestamps(timestamps)
{ }

void SeriesWriter::begin(std::string_view suffix, std::string_view extraName,
                         std::string_view extraValue)
{
    // Room is reserved as the line goes, each time for what follows at most:
    // no pass over the labels beforehand.
    m_buffer.ensure(qsizetype(m_name.size() + suffix.size()) + 1 + m_labelsLength + MaxTailBytes);
    m_buffer.put(m_name);
    m_buffer.put(suffix);
    const bool hasLabels = !m_metric.label.empty();
    if (!hasLabels && extraName.empty())
        return;
    m_buffer.put('{');
    if (hasLabels) {
        if (m_labelsOffset < 0) {
            m_labelsOffset = m_buffer.offset();
            bool first = true;
            for (const auto &label : m_metric.label) {
                m_buffer.ensure(qsizetype(label.name.size() + 2 * label.value.size()) + 4
                                + MaxTailBytes);
                if (!first)
                    m_buffer.put(',');
                first = false;
                m_buffer.put(label.name);
                m_buffer.put('=');
                m_buffer.put('"');
                m_buffer.putEscaped(label.value, true);
                m_buffer.put('"');
            }
            m_labelsLength = m_buffer.offset() - m_labelsOffset;
        } else {
            // The same labels as the metric's first line, already escaped.
            m_buffer.put(m_buffer.at(m_labelsOffset), std::size_t(m_labelsLength));
        }
    }
    if (!extraName.empty()) {
        if (hasLabels)
            m_buffer.put(',');
        m_buffer.put(extraName);
        m_buffer.put('=');
        m_buffer.put('"');
        m_buffer.put(extraValue);
        m_buffer.put('"');
    }
    m_buffer.put('}');
}

void SeriesWriter::endLine()
{
    // prometheus-cpp's ClientMetric has no "unset": 0 means no timestamp.
    if (const std::int64_t ms = m_metric.timestamp_ms; ms != 0) {
        m_buffer.put(' ');
        if (m_timestamps == Timestamps::Milliseconds)
            m_buffer.putInt(ms);
        else
            m_buffer.putSeconds(ms);
    }
    m_buffer.put('\n');
}

} // namespace Exposition

} // namespace QtPrometheusPrivate

#endif // WRITERCOMMON_P_H
