// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "collectors/procfs_p.h"

#include <array>
#include <charconv>
#include <system_error>

#if defined(__linux__)
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#endif

namespace QtPrometheusPrivate {

namespace {
// A whole token as a decimal number; a sign, a blank or any trailing byte fails.
template<typename T> std::optional<T> toNumber(std::string_view token)
{
    T value {};
    if (token.empty())
        return std::nullopt;
    const char *end = token.data() + token.size();
    const auto [ptr, ec] = std::from_chars(token.data(), end, value);
    if (ec != std::errc() || ptr != end)
        return std::nullopt;
    return value;
}

// Splits on single spaces; the line's trailing newline ends the last field.
class FieldReader
{
public:
    explicit FieldReader(std::string_view text) : m_text(text) { }

    std::optional<std::string_view> next()
    {
        if (m_pos >= m_text.size())
            return std::nullopt;
        const std::size_t end = m_text.find_first_of(" \n", m_pos);
        const std::size_t stop = end == std::string_view::npos ? m_text.size() : end;
        const std::string_view field = m_text.substr(m_pos, stop - m_pos);
        m_pos = stop + 1;
        return field;
    }

private:
    std::string_view m_text;
    std::size_t m_pos = 0;
};
} // namespace

namespace ProcFs {

std::optional<Stat> parseStat(std::string_view text)
{
    // "pid (comm) state ppid ...": the name is whatever lies between the first '('
    // and the last ')', because the fields after it never contain a parenthesis.
    const std::size_t open = text.find('(');
    const std::size_t close = text.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open)
        return std::nullopt;
    if (open < 2 || text[open - 1] != ' ' || !toNumber<std::int64_t>(text.substr(0, open - 1)))
        return std::nullopt;
    if (close + 1 >= text.size() || text[close + 1] != ' ')
        return std::nullopt;

    // Fields 3 (state) to 24 (rss) follow the name; field n is at index n - 3.
    constexpr int LastField = 24;
    std::array<std::string_view, LastField - 2> fields;
    FieldReader reader(text.substr(close + 2));
    for (std::string_view &field : fields) {
        const auto next = reader.next();
        if (!next || next->empty())
            return std::nullopt;
        field = *next;
    }
    const auto field = [&fields](int number) {
        return fields[number - 3];
    };

    Stat stat;
    const auto user = toNumber<std::uint64_t>(field(14));
    const auto system = toNumber<std::uint64_t>(field(15));
    const auto threads = toNumber<std::int64_t>(field(20));
    const auto start = toNumber<std::uint64_t>(field(22));
    const auto vsize = toNumber<std::uint64_t>(field(23));
    const auto rss = toNumber<std::int64_t>(field(24));
    if (!user || !system || !threads || !start || !vsize || !rss || *threads < 1 || *rss < 0)
        return std::nullopt;
    stat.userTicks = *user;
    stat.systemTicks = *system;
    stat.threads = *threads;
    stat.startTicks = *start;
    stat.virtualMemoryBytes = *vsize;
    stat.residentPages = *rss;
    return stat;
}

std::optional<std::uint64_t> parseBootTime(std::string_view text)
{
    constexpr std::string_view key = "btime ";
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string_view line = text.substr(pos, end - pos);
        if (line.substr(0, key.size()) == key)
            return toNumber<std::uint64_t>(line.substr(key.size()));
        pos = end + 1;
    }
    return std::nullopt;
}

#if defined(__linux__)

std::optional<std::string> readFile(const char *path, std::size_t maxBytes)
{
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    std::string content;
    char buffer[4096];
    bool ok = true;
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 || content.size() + std::size_t(got) > maxBytes) {
            ok = false;
            break;
        }
        if (got == 0)
            break;
        content.append(buffer, std::size_t(got));
    }
    ::close(fd);
    if (!ok)
        return std::nullopt;
    return content;
}

std::optional<std::int64_t> countOpenFds()
{
    const int dirFd = ::open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd < 0)
        return std::nullopt;
    DIR *dir = ::fdopendir(dirFd);
    if (!dir) {
        ::close(dirFd);
        return std::nullopt;
    }
    std::int64_t count = 0;
    bool ok = true;
    for (;;) {
        errno = 0;
        const dirent *entry = ::readdir(dir);
        if (!entry) {
            ok = errno == 0;
            break;
        }
        const std::string_view name(entry->d_name);
        const auto fd = toNumber<int>(name);
        // "." and "..", and the descriptor this very listing holds open.
        if (fd && *fd != dirFd)
            ++count;
    }
    ::closedir(dir); // closes dirFd too
    if (!ok)
        return std::nullopt;
    return count;
}

#else

std::optional<std::string> readFile(const char *, std::size_t)
{
    return std::nullopt;
}

std::optional<std::int64_t> countOpenFds()
{
    return std::nullopt;
}

#endif

} // namespace ProcFs

} // namespace QtPrometheusPrivate
