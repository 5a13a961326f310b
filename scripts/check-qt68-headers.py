#!/usr/bin/env python3
# Copyright (C) 2026 The QtPrometheusExporter authors
# SPDX-License-Identifier: MIT
"""Compiles every source of ours against Qt 6.8's headers (syntax only).

Debian 12 has Qt 6.4 only, but users also build with Qt 6.5-6.8, and the code
has branches for them (QT_VERSION_CHECK(6, 5, 0) and (6, 8, 0)). Debian 13's
Qt 6.8 development packages are fetched from Debian's archive and unpacked into
a directory of their own (nothing is installed: their programs need a newer
glibc than Debian 12's). Each file of BUILD_DIR/compile_commands.json under
src/, examples/, autotests/, bench/ and fuzz/ is then compiled with its own
flags (warnings as errors included) and -fsyntax-only, the Qt include
directories pointed at the Qt 6.8 headers; a forced include asserts that they
really are 6.8's.

What this does not cover: linking and running against Qt 6.8, moc 6.8 (the
.moc files of Qt 6.4's moc are used), and the Qt 6.5-6.7 branches that 6.8
replaced.

    scripts/check-qt68-headers.py BUILD_DIR CACHE_DIR

Exit status: 0 when every file compiles, 1 when one does not, 77 when Debian's
archive could not be reached (nothing was checked).
"""

import concurrent.futures
import json
import lzma
import os
import pathlib
import shlex
import subprocess
import sys
import urllib.request

ARCHIVE = "http://deb.debian.org/debian"
SUITE = "trixie"  # Debian 13: Qt 6.8
PACKAGES = ["qt6-base-dev", "qt6-httpserver-dev", "qt6-websockets-dev", "qt6-declarative-dev"]
QT_INCLUDE = "/usr/include/x86_64-linux-gnu/qt6"
QT_MKSPECS = "/usr/lib/x86_64-linux-gnu/qt6/mkspecs"
SOURCE_DIRS = ("src", "examples", "autotests", "bench", "fuzz")
VERSION_CHECK = """#include <QtCore/qglobal.h>
static_assert(QT_VERSION >= QT_VERSION_CHECK(6, 8, 0), "not Qt 6.8's headers");
"""


def fetch(url, timeout=120):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def package_files(index, names):
    """Maps each package name to its Filename in the archive's Packages index."""
    files = {}
    for stanza in index.split("\n\n"):
        fields = {}
        for line in stanza.splitlines():
            key, _, value = line.partition(": ")
            if key in ("Package", "Filename"):
                fields[key] = value
        if fields.get("Package") in names:
            files[fields["Package"]] = fields["Filename"]
    return files


def unpack_qt68(cache):
    """Fetches and unpacks the packages once; returns the unpacked root."""
    root = cache / "root"
    done = cache / "unpacked"
    if done.exists():
        return root
    index = lzma.decompress(
        fetch(f"{ARCHIVE}/dists/{SUITE}/main/binary-amd64/Packages.xz")).decode()
    files = package_files(index, set(PACKAGES))
    missing = set(PACKAGES) - set(files)
    if missing:
        raise RuntimeError(f"not in {SUITE}'s index: {', '.join(sorted(missing))}")
    cache.mkdir(parents=True, exist_ok=True)
    for name in PACKAGES:
        deb = cache / pathlib.Path(files[name]).name
        deb.write_bytes(fetch(f"{ARCHIVE}/{files[name]}"))
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        print(f"unpacked {deb.name}")
    done.touch()
    return root


def syntax_check_command(entry, root, forced_include):
    command = []
    arguments = iter(shlex.split(entry["command"]))
    for argument in arguments:
        if argument == "-o":
            next(arguments, None)
            continue
        if argument == "-c":
            continue
        argument = argument.replace(QT_INCLUDE, str(root) + QT_INCLUDE)
        argument = argument.replace(QT_MKSPECS, str(root) + QT_MKSPECS)
        command.append(argument)
    command[1:1] = ["-fsyntax-only", "-include", str(forced_include)]
    return command


def main():
    if len(sys.argv) != 3:
        print("usage: scripts/check-qt68-headers.py BUILD_DIR CACHE_DIR", file=sys.stderr)
        return 2
    build = pathlib.Path(sys.argv[1]).resolve()
    cache = pathlib.Path(sys.argv[2]).resolve()
    source = pathlib.Path(__file__).resolve().parent.parent
    try:
        root = unpack_qt68(cache)
    except OSError as error:  # urllib's errors are OSErrors
        print(f"Debian's archive could not be reached: {error}")
        return 77
    version = root / QT_INCLUDE.lstrip("/") / "QtCore" / "qconfig.h"
    print(next(line for line in version.read_text().splitlines() if "QT_VERSION_STR" in line))

    forced_include = cache / "qt68check.h"
    forced_include.write_text(VERSION_CHECK)
    entries = json.loads((build / "compile_commands.json").read_text())
    ours = [str(source / directory) + "/" for directory in SOURCE_DIRS]
    files = {}
    for entry in entries:  # a file built into several targets (tests) is checked once
        path = entry["file"]
        if any(path.startswith(prefix) for prefix in ours) and "_autogen" not in path:
            files.setdefault(path, entry)

    def check(entry):
        return subprocess.run(syntax_check_command(entry, root, forced_include),
                              cwd=entry["directory"], capture_output=True, text=True)

    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        results = pool.map(check, [files[path] for path in sorted(files)])
    checked, failed = len(files), 0
    for path, result in zip(sorted(files), results):
        relative = pathlib.Path(path).relative_to(source)
        if result.returncode != 0 or result.stderr.strip():
            failed += 1
            print(f"FAIL: {relative}\n{result.stderr}")
        else:
            print(f"PASS: {relative}")
    print(f"qt68-headers: {checked - failed} of {checked} files compile against Qt 6.8's headers")
    return 1 if failed or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
