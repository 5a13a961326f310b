#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run):
#   1. install the Debian packages it needs        (scripts/install-deps.sh)
#   2. build-ci/    warnings as errors, ctest (Qt 6.4, Debian 12; with the
#                   Windows process sampler, built by mingw-w64, under Wine)
#   3. docs, screenshot: the API docs; the desktop example under Xvfb
#   4. build-asan/  ASan + UBSan (+ LeakSanitizer), ctest
#   5. build-fuzz/  libFuzzer targets of fuzz/, each run for a bounded time
#                   (scripts/run-fuzzers.sh)
#   6. build-tsan/  TSan, ctest of the tests that run threads
#   7. packaging    install build-ci/ and build a consumer both ways
#                   (autotests/package/test-package.sh)
#   8. debian-trixie, debian-sid: stages 1, 2 and 7 on Qt 6.8 and Qt 6.11, in
#                   chroots (scripts/run-in-debian.sh, this script with
#                   --suite-only)
# Every stage runs even when an earlier independent one failed; the exit code is
# non-zero when anything failed, and a summary closes the output.
#
# Usage: scripts/run-tests.sh [--suite-only]
#   --suite-only  only the build, ctest and the packaging test: what runs in
#                 the chroots of the other Debian releases
# Environment:
#   JOBS=2               parallel compile jobs (the machine has 2 cores)
#   CTEST_JOBS=1         tests run at once by ctest
#   CTEST_TIMEOUT=300    per-test timeout in seconds (build-ci)
#   ASAN_CTEST_TIMEOUT=900  per-test timeout in seconds (build-asan)
#   SKIP_ASAN=1          skip the sanitizer build
#   SKIP_FUZZ=1          skip the fuzzers (FUZZ_SECONDS=15: run time of each)
#   SKIP_TSAN=1          skip the ThreadSanitizer build
#   SKIP_PACKAGE=1       skip the packaging test
#   SKIP_DEBIAN=1        skip the trixie and sid chroots (or SKIP_TRIXIE, SKIP_SID)
#   SKIP_DEPS=1          do not run scripts/install-deps.sh
# shellcheck disable=SC2317  # stage functions are called through run_stage
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

suite_only=0
for arg in "$@"; do
    case "$arg" in
        --suite-only) suite_only=1 ;;
        *) echo "run-tests.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done
deps_args=()
if [[ $suite_only -eq 1 ]]; then
    deps_args=(--suite-only)
    # Only the build, ctest and the packaging test; the host runs the rest.
    export SKIP_ASAN=1 SKIP_FUZZ=1 SKIP_TSAN=1 SKIP_DEBIAN=1
fi

jobs="${JOBS:-2}"
ctest_jobs="${CTEST_JOBS:-1}"
ctest_timeout="${CTEST_TIMEOUT:-300}"
asan_ctest_timeout="${ASAN_CTEST_TIMEOUT:-900}"
logs="$repo_root/build-logs"
mkdir -p "$logs"

# Tests with widgets run without a display; no test may wait for input.
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
exec </dev/null

stage_names=()
stage_results=()
stage_times=()
stage_notes=()
tests_passed=0
tests_failed=0
overall=0
last_rc=0
note=""

# run_stage NAME COMMAND...: runs COMMAND in a subshell with errexit on, records
# PASS or FAIL and sets last_rc. Always returns 0 and must be called as a plain
# command (not in `if`, `||`, `&&`): bash ignores errexit, even a `set -e` inside
# a subshell, anywhere beneath such a condition.
run_stage() {
    local name="$1"
    shift
    local start=$SECONDS rc
    note=""
    echo
    echo "=================== $name ==================="
    set +e
    (set -e; "$@")
    rc=$?
    set -e
    # A stage's note comes back through a file: the subshell cannot set variables.
    if [[ -f "$logs/.note" ]]; then note="$(cat "$logs/.note")"; rm -f "$logs/.note"; fi
    if [[ "$note" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
        tests_passed=$((tests_passed + BASH_REMATCH[1]))
        tests_failed=$((tests_failed + BASH_REMATCH[2]))
    fi
    stage_names+=("$name")
    stage_times+=("$((SECONDS - start))s")
    stage_notes+=("$note")
    if [[ $rc -eq 0 ]]; then
        stage_results+=("PASS")
    else
        stage_results+=("FAIL($rc)")
        overall=1
    fi
    last_rc=$rc
    return 0
}

skip_stage() {
    stage_names+=("$1")
    stage_results+=("SKIP")
    stage_times+=("-")
    stage_notes+=("$2")
}

# Reads "N passed, N failed" from a ctest or test-package log into the stage's note
# (run_stage adds it to the totals).
count_tests() {
    local log="$1" kind="$2" line failed total passed
    if [[ "$kind" == ctest ]]; then
        line="$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)"
        [[ -n "$line" ]] || return 0
        failed="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")"
        total="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")"
        passed=$((total - failed))
    else
        line="$(grep -E '^package: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)"
        [[ -n "$line" ]] || return 0
        passed="$(sed -E 's/^package: ([0-9]+) passed, ([0-9]+) failed.*/\1/' <<<"$line")"
        failed="$(sed -E 's/^package: ([0-9]+) passed, ([0-9]+) failed.*/\2/' <<<"$line")"
    fi
    echo "$passed passed, $failed failed" >"$logs/.note"
}

configure_and_build() {
    local dir="$1"
    shift
    cmake -S . -B "$dir" -G Ninja "$@"
    cmake --build "$dir" -j "$jobs"
}

run_ctest() {
    local dir="$1" timeout="$2" log="$logs/ctest-$1.log"
    shift 2 # the rest: more ctest arguments
    local rc=0
    ctest --test-dir "$dir" --output-on-failure --no-tests=error \
        --timeout "$timeout" -j "$ctest_jobs" "$@" 2>&1 | tee "$log" || rc=$?
    count_tests "$log" ctest
    return "$rc"
}

# ---------------------------------------------------------------- stages
if [[ "${SKIP_DEPS:-0}" == 1 ]]; then
    skip_stage deps "SKIP_DEPS=1"
else
    run_stage deps bash scripts/install-deps.sh "${deps_args[@]}"
fi

# The host also cross-builds the Windows process sampler and runs it under Wine
# (autotests/processsample), a ctest test of build-ci.
windows_sampler=ON
[[ $suite_only -eq 0 ]] || windows_sampler=OFF
ci_built=0
run_stage build-ci configure_and_build build-ci \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DQTPROMETHEUSEXPORTER_WARNINGS_AS_ERRORS=ON \
    -DQTPROMETHEUSEXPORTER_BUILD_DOCS=ON \
    -DQTPROMETHEUSEXPORTER_TEST_WINDOWS_SAMPLER="$windows_sampler" \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
[[ $last_rc -ne 0 ]] || ci_built=1

if [[ $ci_built -eq 1 ]]; then
    run_stage ctest-ci run_ctest build-ci "$ctest_timeout"
else
    skip_stage ctest-ci "build-ci failed"
fi

# The API docs build warning-free; the desktop example shows itself in a real
# window under Xvfb (kept as build-logs/desktop-example.png).
if [[ $suite_only -eq 1 ]]; then
    : # the host's stages
elif [[ $ci_built -eq 1 ]]; then
    run_stage docs cmake --build build-ci --target docs
    run_stage screenshot bash scripts/desktop-screenshot.sh build-ci build-logs/desktop-example.png
else
    skip_stage docs "build-ci failed"
    skip_stage screenshot "build-ci failed"
fi

if [[ "${SKIP_ASAN:-0}" == 1 ]]; then
    skip_stage build-asan "SKIP_ASAN=1"
    skip_stage ctest-asan "SKIP_ASAN=1"
else
    sanitize="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
    run_stage build-asan configure_and_build build-asan \
        -DCMAKE_BUILD_TYPE=Debug \
        "-DCMAKE_CXX_FLAGS=-O1 -g $sanitize" \
        "-DCMAKE_EXE_LINKER_FLAGS=$sanitize" \
        "-DCMAKE_SHARED_LINKER_FLAGS=$sanitize" \
        "-DCMAKE_MODULE_LINKER_FLAGS=$sanitize"
    if [[ $last_rc -eq 0 ]]; then
        asan_options="detect_leaks=1:check_initialization_order=1:strict_init_order=1"
        # No LeakSanitizer suppressions: every leak fails the stage.
        lsan_options="print_suppressions=0"
        ctest_asan() {
            export ASAN_OPTIONS="$asan_options"
            export LSAN_OPTIONS="$lsan_options"
            export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
            run_ctest build-asan "$asan_ctest_timeout"
        }
        run_stage ctest-asan ctest_asan
    else
        skip_stage ctest-asan "build-asan failed"
    fi
fi

if [[ "${SKIP_FUZZ:-0}" == 1 ]]; then
    skip_stage fuzz "SKIP_FUZZ=1"
else
    run_stage fuzz bash scripts/run-fuzzers.sh
fi

if [[ "${SKIP_TSAN:-0}" == 1 ]]; then
    skip_stage build-tsan "SKIP_TSAN=1"
    skip_stage ctest-tsan "SKIP_TSAN=1"
else
    # Only the tests that run threads of ours: the exporter (render worker, a
    # worker-thread slot, the auth thread), render scheduling, the render
    # worker itself, the HTTP server and the runtime collector (lag probes).
    tsan_tests=(prometheusexporter renderscheduler renderworker qtruntimecollector httpserver)
    build_tsan() {
        local tsan="-fsanitize=thread -fno-omit-frame-pointer"
        cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
            "-DCMAKE_CXX_FLAGS=-O1 -g $tsan" \
            "-DCMAKE_EXE_LINKER_FLAGS=$tsan" \
            "-DCMAKE_SHARED_LINKER_FLAGS=$tsan" \
            -DQTPROMETHEUSEXPORTER_BUILD_EXAMPLES=OFF
        cmake --build build-tsan -j "$jobs" --target "${tsan_tests[@]/#/tst_}"
        # Shows TSan the hand-overs Qt's uninstrumented libraries make (see the file).
        # shellcheck disable=SC2046  # pkg-config prints several words
        g++ -std=c++17 -shared -fPIC -O1 $(pkg-config --cflags Qt6Core) \
            scripts/tsan-qthooks.cpp -o build-tsan/libtsan-qthooks.so \
            $(pkg-config --libs Qt6Core) -ldl
    }
    run_stage build-tsan build_tsan
    if [[ $last_rc -eq 0 ]]; then
        ctest_tsan() {
            # die_after_fork=0: tests start promtool from a process that has threads.
            export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:die_after_fork=0:suppressions=$repo_root/scripts/tsan.supp"
            export LD_PRELOAD="$repo_root/build-tsan/libtsan-qthooks.so"
            local names
            names="$(IFS='|'; echo "${tsan_tests[*]}")"
            run_ctest build-tsan "$asan_ctest_timeout" -R "^($names)\$"
        }
        run_stage ctest-tsan ctest_tsan
    else
        skip_stage ctest-tsan "build-tsan failed"
    fi
fi

if [[ "${SKIP_PACKAGE:-0}" == 1 ]]; then
    skip_stage package "SKIP_PACKAGE=1"
elif [[ $ci_built -eq 1 ]]; then
    package_stage() {
        local rc=0
        JOBS="$jobs" bash autotests/package/test-package.sh build-ci 2>&1 |
            tee "$logs/package.log" || rc=$?
        count_tests "$logs/package.log" package
        return "$rc"
    }
    run_stage package package_stage
else
    skip_stage package "build-ci failed"
fi

# The same suite on the other Qt versions users have: Debian 13 (Qt 6.8) and
# sid (Qt 6.11), each in a chroot made or reused by scripts/run-in-debian.sh.
debian_stage() {
    local suite="$1" rc=0 log="$logs/debian-$1.log"
    bash scripts/run-in-debian.sh "$suite" bash scripts/run-tests.sh --suite-only 2>&1 |
        tee "$log" || rc=$?
    local line
    line="$(grep -E '^tests: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)"
    local qt
    qt="$(grep -oE 'Qt [0-9]+\.[0-9]+\.[0-9]+' "$log" | head -n 1 || true)"
    [[ -z "$line" ]] || echo "${line#tests: }${qt:+ ($qt)}" >"$logs/.note"
    return "$rc"
}
for suite in trixie sid; do
    skip_var="SKIP_${suite^^}"
    if [[ "${SKIP_DEBIAN:-0}" == 1 || "${!skip_var:-0}" == 1 ]]; then
        [[ $suite_only -eq 1 ]] || skip_stage "debian-$suite" "SKIP_DEBIAN or $skip_var"
    else
        run_stage "debian-$suite" debian_stage "$suite"
    fi
done

# ---------------------------------------------------------------- summary
echo
echo "=================== summary ==================="
for i in "${!stage_names[@]}"; do
    printf '  %-12s %-9s %6s  %s\n' "${stage_names[$i]}" "${stage_results[$i]}" \
        "${stage_times[$i]}" "${stage_notes[$i]}"
done
echo "  logs: $logs/"
if [[ $overall -eq 0 ]]; then
    echo "ALL STAGES PASSED"
else
    echo "SOME STAGES FAILED"
fi
echo "tests: $tests_passed passed, $tests_failed failed"
exit $overall
