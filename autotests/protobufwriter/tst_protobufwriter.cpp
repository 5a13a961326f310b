// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

// The protobuf writer, judged by a decoder that is not ours: protoc, with the
// metrics.proto of Prometheus's Go client (Debian package
// golang-github-prometheus-client-model-dev). Every body is decoded by protoc
// and must say what the text 0.0.4 writer says for the same families (same
// families, types, help, samples, exactly); encoded back by protoc, it must
// give our bytes, so that our encoding is protobuf's canonical one.

#include "exposition/protobufwriter_p.h"
#include "exposition/textwriter_p.h"
#include "writerchecks.h"

#include <QtCore/qfile.h>
#include <QtCore/qtemporarydir.h>
#include <QtTest/qtest.h>

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cmath>
#include <limits>
#include <map>
#include <optional>

using namespace QtPrometheusPrivate;

using Exposition::Kind;
using prometheus::ClientMetric;
using prometheus::MetricFamily;
using TestExposition::Families;
using TestExposition::Flavour;
using TestExposition::Generator;
using TestExposition::Sample;
using TestExposition::Syntax;

Q_DECLARE_METATYPE(Families)

namespace {
QByteArray writeProtobuf(const Families &input, Exposition::WriteResult *result = nullptr)
{
    QByteArray out;
    Exposition::WriteResult written = Exposition::writeProtobuf(input.families, input.kinds, out);
    if (result)
        *result = std::move(written);
    return out;
}

// protoc's text format read back: a message is a list of fields, each a
// scalar (value) or a message (fields).
struct TextMessage
{
    struct Field
    {
        QByteArray name;
        QByteArray value; // scalars: unescaped strings, numbers and enums as printed
        std::shared_ptr<TextMessage> message;
    };
    std::vector<Field> fields;

    std::vector<const Field *> all(const char *name) const
    {
        std::vector<const Field *> found;
        for (const Field &field : fields) {
            if (field.name == name)
                found.push_back(&field);
        }
        return found;
    }
    const Field *first(const char *name) const
    {
        const auto found = all(name);
        return found.empty() ? nullptr : found.front();
    }
    QByteArray scalar(const char *name) const
    {
        const Field *field = first(name);
        return field ? field->value : QByteArray();
    }
    double number(const char *name) const { return parseNumber(scalar(name)); }

    static double parseNumber(const QByteArray &text)
    {
        if (text == "inf")
            return std::numeric_limits<double>::infinity();
        if (text == "-inf")
            return -std::numeric_limits<double>::infinity();
        if (text == "nan" || text == "-nan")
            return std::numeric_limits<double>::quiet_NaN();
        return std::strtod(text.constData(), nullptr);
    }
};

// C escapes as protoc writes them: \n \r \t \" \' \\, octal and hex bytes.
QByteArray unescape(const QByteArray &quoted)
{
    QByteArray out;
    for (qsizetype i = 1; i + 1 < quoted.size(); ++i) {
        char c = quoted.at(i);
        if (c != '\\') {
            out += c;
            continue;
        }
        c = quoted.at(++i);
        switch (c) {
        case 'n':
            out += '\n';
            break;
        case 'r':
            out += '\r';
            break;
        case 't':
            out += '\t';
            break;
        case 'x': {
            int value = 0;
            for (int digits = 0; digits < 2 && i + 2 < quoted.size()
                 && std::isxdigit(static_cast<unsigned char>(quoted.at(i + 1)));
                 ++digits) {
                value = value * 16 + QByteArray(1, quoted.at(++i)).toInt(nullptr, 16);
            }
            out += char(value);
            break;
        }
        default:
            if (c >= '0' && c <= '7') {
                int value = c - '0';
                for (int digits = 1;
                     digits < 3 && quoted.at(i + 1) >= '0' && quoted.at(i + 1) <= '7'; ++digits)
                    value = value * 8 + (quoted.at(++i) - '0');
                out += char(value);
            } else {
                out += c; // \" \' \\ and the rest
            }
        }
    }
    return out;
}

std::optional<TextMessage> parseTextFormat(const QByteArray &text)
{
    TextMessage root;
    std::vector<TextMessage *> stack {&root};
    for (const QByteArray &rawLine : text.split('\n')) {
        const QByteArray line = rawLine.trimmed();
        if (line.isEmpty())
            continue;
        if (line == "}") {
            if (stack.size() < 2)
                return std::nullopt;
            stack.pop_back();
        } else if (line.endsWith(" {")) {
            TextMessage::Field field;
            field.name = line.chopped(2);
            field.message = std::make_shared<TextMessage>();
            TextMessage *child = field.message.get();
            stack.back()->fields.push_back(std::move(field));
            stack.push_back(child);
        } else {
            const qsizetype colon = line.indexOf(": ");
            if (colon <= 0)
                return std::nullopt;
            TextMessage::Field field;
            field.name = line.left(colon);
            field.value = line.mid(colon + 2);
            if (field.value.startsWith('"'))
                field.value = unescape(field.value);
            stack.back()->fields.push_back(std::move(field));
        }
    }
    if (stack.size() != 1)
        return std::nullopt;
    return root;
}

// The samples a family says, named as text 0.0.4 and Prometheus name them.
void appendSamples(const TextMessage &family, std::vector<Sample> &samples)
{
    const std::string name = family.scalar("name").toStdString();
    const QByteArray type = family.scalar("type");
    for (const auto *metricField : family.all("metric")) {
        const TextMessage &metric = *metricField->message;
        Sample base;
        for (const auto *label : metric.all("label")) {
            base.labels.emplace_back(label->message->scalar("name").toStdString(),
                                     label->message->scalar("value").toStdString());
        }
        std::sort(base.labels.begin(), base.labels.end());
        if (const auto *timestamp = metric.first("timestamp_ms"))
            base.timestampMs = timestamp->value.toLongLong();
        const auto add = [&](std::string sampleName, double value,
                             std::optional<double> bound = std::nullopt) {
            Sample sample = base;
            sample.name = std::move(sampleName);
            sample.value = value;
            sample.hasBound = bound.has_value();
            sample.bound = bound.value_or(0) == 0 ? 0 : *bound;
            samples.push_back(std::move(sample));
        };
        if (type == "COUNTER") {
            add(name, metric.first("counter")->message->number("value"));
        } else if (type == "GAUGE") {
            add(name, metric.first("gauge")->message->number("value"));
        } else if (type == "UNTYPED") {
            add(name, metric.first("untyped")->message->number("value"));
        } else if (type == "SUMMARY") {
            const TextMessage &summary = *metric.first("summary")->message;
            for (const auto *quantile : summary.all("quantile")) {
                add(name, quantile->message->number("value"),
                    quantile->message->number("quantile"));
            }
            add(name + "_sum", summary.number("sample_sum"));
            add(name + "_count", summary.number("sample_count"));
        } else if (type == "HISTOGRAM") {
            const TextMessage &histogram = *metric.first("histogram")->message;
            bool infinite = false;
            for (const auto *bucket : histogram.all("bucket")) {
                const double bound = bucket->message->number("upper_bound");
                add(name + "_bucket", bucket->message->number("cumulative_count"), bound);
                infinite = std::isinf(bound) && bound > 0;
            }
            if (!infinite) { // the +Inf bucket a reader takes from sample_count
                add(name + "_bucket", histogram.number("sample_count"),
                    std::numeric_limits<double>::infinity());
            }
            add(name + "_sum", histogram.number("sample_sum"));
            add(name + "_count", histogram.number("sample_count"));
        }
    }
}
} // namespace

class tst_ProtobufWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void emptyRegistry();
    void counterBytes();
    void saysWhatTextSays_data();
    void saysWhatTextSays();
    void largeFamiliesAndLabels();
    void timestamps();
    void sameNameMergedOtherTypeDropped();

private:
    // The body's delimited messages as one Batch message (see initTestCase),
    // or an empty array when the frames do not fill the body exactly.
    static QByteArray asBatch(const QByteArray &delimited);
    // protoc's text for body, read back; fails the test when protoc refuses it.
    std::optional<TextMessage> decode(const QByteArray &body, QByteArray *text = nullptr);
    // protoc's encoding of text: the canonical bytes.
    QByteArray encode(const QByteArray &text);
    void checkAgainstText(const Families &input);

    QTemporaryDir m_dir;
    QStringList m_protocArguments;
};

void tst_ProtobufWriter::initTestCase()
{
    if (!QFile::exists(QStringLiteral(PROTOC_EXECUTABLE)))
        QFAIL("protoc not found: install the Debian package 'protobuf-compiler'");
    if (!QFile::exists(QStringLiteral(METRICS_PROTO_DIR "/io/prometheus/client/metrics.proto")))
        QFAIL("metrics.proto not found: install 'golang-github-prometheus-client-model-dev'");
    QVERIFY(m_dir.isValid());
    // A delimited stream is not one message; prefixed with a tag (field 1,
    // length-delimited), each frame becomes an element of this message's
    // repeated field, which protoc decodes in one go.
    QFile proto(m_dir.filePath(QStringLiteral("batch.proto")));
    QVERIFY(proto.open(QIODevice::WriteOnly));
    proto.write("syntax = \"proto2\";\n"
                "package qtpe.test;\n"
                "import \"io/prometheus/client/metrics.proto\";\n"
                "message Batch { repeated io.prometheus.client.MetricFamily family = 1; }\n");
    proto.close();
    m_protocArguments = {QStringLiteral("--proto_path=") + m_dir.path(),
                         QStringLiteral("--proto_path=" METRICS_PROTO_DIR)};
    if (!QStringLiteral(PROTOBUF_INCLUDE_DIR).isEmpty())
        m_protocArguments << QStringLiteral("--proto_path=" PROTOBUF_INCLUDE_DIR);
    m_protocArguments << QStringLiteral("batch.proto");
}

QByteArray tst_ProtobufWriter::asBatch(const QByteArray &delimited)
{
    QByteArray batch;
    qsizetype pos = 0;
    while (pos < delimited.size()) {
        quint64 length = 0;
        int shift = 0;
        const qsizetype start = pos;
        for (;;) {
            if (pos >= delimited.size() || shift > 63)
                return QByteArray();
            const auto byte = quint8(delimited.at(pos++));
            length |= quint64(byte & 0x7f) << shift;
            shift += 7;
            if (!(byte & 0x80))
                break;
        }
        if (length > quint64(delimited.size() - pos))
            return QByteArray();
        batch += '\x0a';
        batch += delimited.mid(start, pos - start + qsizetype(length));
        pos += qsizetype(length);
    }
    return batch;
}

std::optional<TextMessage> tst_ProtobufWriter::decode(const QByteArray &body, QByteArray *text)
{
    const QByteArray batch = asBatch(body);
    if (batch.isEmpty() && !body.isEmpty()) {
        qWarning("the frames do not fill the body");
        return std::nullopt;
    }
    const auto result = TestExposition::run(
        QStringLiteral(PROTOC_EXECUTABLE),
        QStringList {QStringLiteral("--decode=qtpe.test.Batch")} + m_protocArguments, batch);
    if (!result.started || result.exitCode != 0) {
        qWarning().noquote() << "protoc --decode failed:" << result.output;
        return std::nullopt;
    }
    if (text)
        *text = result.output;
    return parseTextFormat(result.output);
}

QByteArray tst_ProtobufWriter::encode(const QByteArray &text)
{
    const auto result = TestExposition::run(
        QStringLiteral(PROTOC_EXECUTABLE),
        QStringList {QStringLiteral("--encode=qtpe.test.Batch")} + m_protocArguments, text);
    if (!result.started || result.exitCode != 0) {
        qWarning().noquote() << "protoc --encode failed:" << result.output;
        return QByteArray();
    }
    return result.output;
}

void tst_ProtobufWriter::checkAgainstText(const Families &input)
{
    Exposition::WriteResult protobufResult;
    const QByteArray body = writeProtobuf(input, &protobufResult);
    Exposition::WriteResult textResult;
    QByteArray text;
    textResult = Exposition::writeText004(input.families, input.kinds, text);
    QCOMPARE(protobufResult.droppedFamilies, textResult.droppedFamilies);

    QByteArray decodedText;
    const auto decoded = decode(body, &decodedText);
    QVERIFY(decoded);
    QCOMPARE(encode(decodedText), asBatch(body));

    const auto expected = TestExposition::parse(TestExposition::view(text), Syntax::Text004);
    QVERIFY2(expected.error.empty(), expected.error.c_str());
    const auto families = decoded->all("family");
    QCOMPARE(families.size(), expected.families.size());
    std::vector<Sample> samples;
    for (std::size_t i = 0; i < families.size(); ++i) {
        const TextMessage &family = *families[i]->message;
        const auto &metadata = expected.families[i];
        QCOMPARE(family.scalar("name").toStdString(), metadata.name);
        QCOMPARE(family.scalar("type").toLower().toStdString(), metadata.type);
        const TextMessage::Field *help = family.first("help");
        QCOMPARE(help ? std::optional<std::string>(help->value.toStdString()) : std::nullopt,
                 metadata.help);
        appendSamples(family, samples);
    }
    std::vector<Sample> expectedSamples = expected.samples;
    TestExposition::sortSamples(samples);
    TestExposition::sortSamples(expectedSamples);
    const std::string difference = TestExposition::compareSamples(samples, expectedSamples, 0);
    QVERIFY2(difference.empty(), difference.c_str());
}

void tst_ProtobufWriter::emptyRegistry()
{
    QVERIFY(writeProtobuf(Families()).isEmpty());
    Families empty;
    MetricFamily family;
    family.name = "no_metrics";
    family.type = prometheus::MetricType::Gauge;
    empty.add(family, Kind::Gauge);
    QByteArray text;
    const auto decoded = decode(writeProtobuf(empty), &text);
    QVERIFY(decoded);
    QCOMPARE(text, QByteArray("family {\n  name: \"no_metrics\"\n  type: GAUGE\n}\n"));
}

void tst_ProtobufWriter::counterBytes()
{
    // One family written out by hand from the encoding rules, byte by byte.
    Families input;
    MetricFamily family;
    family.name = "c";
    family.help = "h";
    family.type = prometheus::MetricType::Counter;
    ClientMetric metric;
    metric.label = {{"a", "b"}};
    metric.counter.value = 1.0;
    family.metric = {metric};
    input.add(family, Kind::Counter);
    const QByteArray expected = QByteArray::fromHex("1d" // the family's length: 29
                                                    "0a0163" // name "c"
                                                    "120168" // help "h"
                                                    "1800" // type COUNTER
                                                    "2213" // metric, 19 bytes
                                                    "0a06" // label, 6 bytes
                                                    "0a0161"
                                                    "120162" // "a" = "b"
                                                    "1a09" // counter, 9 bytes
                                                    "09000000000000f03f"); // value 1.0
    QCOMPARE(writeProtobuf(input).toHex(), expected.toHex());
}

void tst_ProtobufWriter::saysWhatTextSays_data()
{
    QTest::addColumn<Families>("input");
    QTest::newRow("golden") << TestExposition::goldenFamilies();
    QTest::newRow("counter names") << TestExposition::counterNameFamilies();
    QTest::newRow("info") << TestExposition::infoFamily();
    QTest::newRow("histogram buckets") << TestExposition::histogramBucketFamilies();
    for (quint32 seed : {1u, 2u, 3u, 4u, 5u, 6u}) {
        QTest::addRow("random wild %u", seed) << Generator(seed, Flavour::Wild).families(40);
        QTest::addRow("random timestamped %u", seed)
            << Generator(seed, Flavour::ValidTimestamped).families(20);
    }
}

void tst_ProtobufWriter::saysWhatTextSays()
{
    QFETCH(Families, input);
    checkAgainstText(input);
}

void tst_ProtobufWriter::largeFamiliesAndLabels()
{
    // Lengths of one, two and three bytes: long label values, a family of
    // more than 16 KiB, a metric of more than 16 KiB.
    Families input;
    MetricFamily wide;
    wide.name = "wide";
    wide.type = prometheus::MetricType::Gauge;
    for (int i = 0; i < 2000; ++i) {
        ClientMetric metric;
        metric.label = {{"i", std::to_string(i)}, {"pad", std::string(std::size_t(i % 300), 'x')}};
        metric.gauge.value = i * 0.5;
        wide.metric.push_back(metric);
    }
    input.add(wide, Kind::Gauge);
    MetricFamily huge;
    huge.name = "huge_label";
    huge.help = std::string(70000, 'h');
    huge.type = prometheus::MetricType::Untyped;
    ClientMetric metric;
    metric.label = {{"v", std::string(100000, 'v')}};
    metric.untyped.value = 3;
    huge.metric = {metric};
    input.add(huge, Kind::Untyped);
    MetricFamily buckets;
    buckets.name = "many_buckets";
    buckets.type = prometheus::MetricType::Histogram;
    ClientMetric histogram;
    for (int i = 0; i < 3000; ++i)
        histogram.histogram.bucket.push_back({std::uint64_t(i) * 1000003, i * 0.25});
    histogram.histogram.sample_count = 3000ull * 1000003;
    histogram.histogram.sample_sum = 1e9;
    buckets.metric = {histogram};
    input.add(buckets, Kind::Histogram);
    checkAgainstText(input);
}

void tst_ProtobufWriter::timestamps()
{
    Families input;
    MetricFamily family;
    family.name = "stamped";
    family.type = prometheus::MetricType::Histogram;
    for (std::int64_t ms :
         {std::int64_t(1), std::int64_t(-1), std::int64_t(1700000000123),
          std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
        ClientMetric metric;
        metric.label = {{"ms", std::to_string(ms)}};
        metric.timestamp_ms = ms;
        metric.histogram.bucket = {{1, 0.5}, {2, std::numeric_limits<double>::infinity()}};
        metric.histogram.sample_count = 2;
        metric.histogram.sample_sum = 0.75;
        family.metric.push_back(metric);
    }
    input.add(family, Kind::Histogram);
    checkAgainstText(input);
    const auto decoded = decode(writeProtobuf(input));
    QVERIFY(decoded);
    const auto metrics = decoded->first("family")->message->all("metric");
    QCOMPARE(metrics.size(), std::size_t(5));
    QCOMPARE(metrics[3]->message->scalar("timestamp_ms"), QByteArray("-9223372036854775808"));
}

void tst_ProtobufWriter::sameNameMergedOtherTypeDropped()
{
    // Two registries with a family of the same name: one MetricFamily holds
    // both; a family of that name and another type is left out and reported.
    Families input;
    for (const char *label : {"first", "second"}) {
        MetricFamily family;
        family.name = "requests_total";
        family.help = label == std::string("first") ? "" : "Requests.";
        family.type = prometheus::MetricType::Counter;
        ClientMetric metric;
        metric.label = {{"registry", label}};
        metric.counter.value = 1;
        family.metric = {metric};
        input.add(family, Kind::Counter);
    }
    MetricFamily gauge;
    gauge.name = "requests_total";
    gauge.type = prometheus::MetricType::Gauge;
    gauge.metric = {ClientMetric()};
    input.add(gauge, Kind::Gauge);

    Exposition::WriteResult result;
    const auto decoded = decode(writeProtobuf(input, &result));
    QVERIFY(decoded);
    QCOMPARE(result.droppedFamilies, std::vector<std::string> {"requests_total"});
    const auto families = decoded->all("family");
    QCOMPARE(families.size(), std::size_t(1));
    const TextMessage &family = *families.front()->message;
    QCOMPARE(family.scalar("help"), QByteArray("Requests."));
    QCOMPARE(family.all("metric").size(), std::size_t(2));
    checkAgainstText(input);
}

QTEST_GUILESS_MAIN(tst_ProtobufWriter)
#include "tst_protobufwriter.moc"
