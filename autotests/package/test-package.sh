#!/usr/bin/env bash
# Packaging test: QtPrometheusExporter must work for a consumer both as an installed
# CMake package (find_package) and as add_subdirectory() of a checkout (SPEC §2).
#
# Usage: autotests/package/test-package.sh [BUILD_DIR]
#   BUILD_DIR: an already built, top-level build of this checkout (default: build-ci)
# Environment: JOBS (parallel build jobs, default 2), KEEP_TMP=1 keeps the temp dir,
#              PACKAGE_STATIC=0 skips the static-library variant.
# Prints one line per check and closes with "package: N passed, N failed".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
build_dir="${1:-build-ci}"
[[ "$build_dir" = /* ]] || build_dir="$repo_root/$build_dir"
jobs="${JOBS:-2}"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)

if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
    echo "test-package: $build_dir is not a configured build directory" >&2
    exit 2
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/qtpe-package.XXXXXX")"
cleanup() {
    if [[ "${KEEP_TMP:-0}" == 1 ]]; then echo "test-package: kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
prefix="$tmp/prefix"

passed=0
failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# Runs a step quietly into a log; on failure shows the log's tail.
run_logged() {
    local log="$1"
    shift
    if "$@" >"$log" 2>&1; then
        return 0
    fi
    echo "---- $* failed; last lines of $log:"
    tail -n 60 "$log"
    echo "----"
    return 1
}

# check_consumer LABEL HOW [cmake args...]: builds the consumer with
# -DCONSUME_VIA=HOW, runs it and checks what it prints.
check_consumer() {
    local label="$1" how="$2"
    shift 2
    local bdir="$tmp/consumer-$label"
    if ! run_logged "$tmp/configure-$label.log" cmake -S "$here/consumer" -B "$bdir" "${generator[@]}" \
        -DCMAKE_BUILD_TYPE=Release -DCONSUME_VIA="$how" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
        -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF "$@"; then
        fail "consumer configures via $label"
        return
    fi
    pass "consumer configures via $label"
    if ! run_logged "$tmp/build-$label.log" cmake --build "$bdir" -j "$jobs"; then
        fail "consumer and header checks build via $label"
        return
    fi
    pass "consumer and header checks build via $label (-Wall -Wextra -Wpedantic -Werror)"

    if [[ "$how" == package ]]; then
        # The consumer must run against the installed library, not the build tree.
        local lib
        lib="$(ldd "$bdir/consumer" | awk '/libQtPrometheusExporter/ {print $3}')"
        if [[ -z "$lib" || "$lib" == "$tmp"/prefix*/* ]]; then
            pass "consumer links the installed library (${lib:-static})"
        else
            fail "consumer links $lib instead of the installed one"
        fi
    fi

    local out rc=0
    out="$(cd "$tmp" && timeout 60 "$bdir/consumer" 2>"$tmp/run-$label.err")" || rc=$?
    if [[ $rc -ne 0 ]]; then
        fail "consumer via $label exits 0 (exit $rc)"
        sed 's/^/    /' "$tmp/run-$label.err"
        return
    fi
    if [[ "$out" =~ ^http://127\.0\.0\.1:[1-9][0-9]*/metrics$ ]]; then
        pass "consumer via $label starts on a free port, scrapes itself, stops ($out)"
    else
        fail "consumer via $label printed '$out', expected http://127.0.0.1:PORT/metrics"
    fi
}

echo "== install $build_dir into a temporary prefix"
if run_logged "$tmp/install.log" cmake --install "$build_dir" --prefix "$prefix"; then
    pass "cmake --install"
else
    fail "cmake --install"
    echo "package: $passed passed, $failed failed"
    exit 1
fi

inc="$prefix/include/QtPrometheusExporter"
config="$(find "$prefix" -name QtPrometheusExporterConfig.cmake -print -quit)"
if [[ -n "$config" && -f "$(dirname "$config")/QtPrometheusExporterConfigVersion.cmake" &&
    -f "$(dirname "$config")/QtPrometheusExporterTargets.cmake" ]]; then
    pass "package config installed (${config#"$prefix"/})"
else
    fail "QtPrometheusExporterConfig.cmake, ...ConfigVersion.cmake and ...Targets.cmake installed"
fi

if [[ -f "$inc/PrometheusExporter" && -f "$inc/prometheusexporter.h" ]]; then
    pass "public headers under include/QtPrometheusExporter/"
else
    fail "include/QtPrometheusExporter/PrometheusExporter and prometheusexporter.h installed"
fi

private="$(find "$prefix" -name '*_p.h' -printf '%P\n')"
if [[ -z "$private" ]]; then
    pass "no private header (*_p.h) installed"
else
    fail "private headers installed: $(tr "\n" " " <<<"$private")"
fi

# Every header of the checkout's include/QtPrometheusExporter/ is installed.
missing=()
for h in "$repo_root"/include/QtPrometheusExporter/*; do
    [[ -f "$h" ]] || continue
    [[ -f "$inc/$(basename "$h")" ]] || missing+=("$(basename "$h")")
done
if [[ ${#missing[@]} -eq 0 ]]; then
    pass "every header of include/QtPrometheusExporter/ installed"
else
    fail "headers not installed: ${missing[*]}"
fi

# The installed package must not point back into the checkout or the build tree.
leaks="$(grep -rlF -e "$repo_root/" -e "$build_dir/" "$prefix" --include='*.cmake' --include='*.pc' \
    --include='*.h' 2>/dev/null | sed "s|^$prefix/||" || true)"
if [[ -z "$leaks" ]]; then
    pass "installed CMake files and headers are relocatable (no source or build paths)"
else
    fail "installed files name the source or build tree: $(tr "\n" " " <<<"$leaks")"
fi

demo="$prefix/bin/exporter-demo"
if ! grep -q '^QTPROMETHEUSEXPORTER_BUILD_EXAMPLES:BOOL=ON$' "$build_dir/CMakeCache.txt"; then
    echo "SKIP: exporter-demo install check (examples not built in $build_dir)"
elif [[ -x "$demo" ]]; then
    if timeout 20 "$demo" --help >"$tmp/demo-help.txt" 2>&1 && grep -q -- '--listen' "$tmp/demo-help.txt"; then
        pass "exporter-demo installed and runs (--help)"
    else
        fail "installed exporter-demo --help"
        sed 's/^/    /' "$tmp/demo-help.txt" | head -20
    fi
else
    fail "exporter-demo installed into bin/ (SPEC §8)"
fi

echo "== consumer via find_package(QtPrometheusExporter CONFIG REQUIRED)"
check_consumer package package -DCMAKE_PREFIX_PATH="$prefix"

echo "== consumer via add_subdirectory($repo_root)"
check_consumer subdirectory subdirectory -DQTPROMETHEUSEXPORTER_SOURCE_DIR="$repo_root"

# A static build of the library, installed: its package must bring the private
# dependencies (Qt6::HttpServer) that a static library passes on to the link.
if [[ "${PACKAGE_STATIC:-1}" == 1 ]]; then
    echo "== static library: build, install, consumer via find_package"
    static_prefix="$tmp/prefix-static"
    if run_logged "$tmp/static-configure.log" cmake -S "$repo_root" -B "$tmp/static-build" \
            "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
            -DQTPROMETHEUSEXPORTER_BUILD_TESTS=OFF -DQTPROMETHEUSEXPORTER_BUILD_EXAMPLES=OFF &&
        run_logged "$tmp/static-build.log" cmake --build "$tmp/static-build" -j "$jobs" &&
        run_logged "$tmp/static-install.log" cmake --install "$tmp/static-build" --prefix "$static_prefix"; then
        if [[ -n "$(find "$static_prefix" -name 'libQtPrometheusExporter.a' -print -quit)" ]]; then
            pass "static library builds and installs"
            check_consumer static package -DCMAKE_PREFIX_PATH="$static_prefix"
        else
            fail "static build installed no libQtPrometheusExporter.a"
        fi
    else
        fail "static library builds and installs (-DBUILD_SHARED_LIBS=OFF)"
    fi
else
    echo "SKIP: static library package (PACKAGE_STATIC=0)"
fi

echo "package: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
