// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef EXPOSITIONPARSER_H
#define EXPOSITIONPARSER_H

// A small parser for the tests: reads text 0.0.4 or OpenMetrics 1.0 back into
// samples, so that two expositions can be compared by what they say rather
// than by their bytes. Strict about the syntax our writers and prometheus-cpp's
// TextSerializer produce; not a general-purpose parser.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace TestExposition {

enum class Syntax { Text004, OpenMetrics };

struct Sample
{
    std::string name;
    // Sorted by name, unescaped; without "le" and "quantile", which go to bound.
    std::vector<std::pair<std::string, std::string>> labels;
    bool hasBound = false;
    double bound = 0; // le or quantile, as a number
    std::string boundText; // as written
    double value = 0;
    std::optional<std::int64_t> timestampMs;

    std::string seriesKey() const; // name and labels, for sorting and display
    std::string toString() const;
};

struct Metadata
{
    std::string name;
    std::string type; // empty if no TYPE line
    std::optional<std::string> help; // unescaped
};

struct Exposition
{
    std::vector<Sample> samples;
    std::vector<Metadata> families; // in the order of their first metadata line
    bool eof = false;
    std::string error; // empty when parsing succeeded
};

Exposition parse(std::string_view text, Syntax syntax);

// Sorts samples by series, then bound, then timestamp; ties keep their order.
void sortSamples(std::vector<Sample> &samples);

// Equal as numbers: NaN equals NaN, otherwise within the relative tolerance
// (0 means exactly, and then -0 differs from 0).
bool sameNumber(double a, double b, double relativeTolerance);

// Compares two sorted sample lists; returns a description of the first
// difference, or an empty string.
std::string compareSamples(const std::vector<Sample> &actual, const std::vector<Sample> &expected,
                           double relativeTolerance);

} // namespace TestExposition

#endif // EXPOSITIONPARSER_H
