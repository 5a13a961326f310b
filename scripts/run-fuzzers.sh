#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang in build-fuzz/ and runs each for a
# bounded time, starting from its seeds in fuzz/corpus/<name>/. Fails when a build
# fails or any fuzzer finds something: a crash, a sanitizer report (ASan, UBSan,
# LeakSanitizer), a failed FUZZ_CHECK, an input slower than FUZZ_TIMEOUT or memory
# beyond FUZZ_RSS_LIMIT_MB. scripts/run-tests.sh runs it as its "fuzz" stage.
#
# Usage: scripts/run-fuzzers.sh [NAME...]     (default: every fuzz/fuzz_<name>.cpp)
# Environment:
#   JOBS=2                 parallel compile jobs
#   FUZZ_SECONDS=15        run time of each fuzzer (they run one after the other)
#   FUZZ_TIMEOUT=10        seconds one input may take
#   FUZZ_RSS_LIMIT_MB=2048 memory limit of a fuzzer process
#   FUZZ_BUILD_DIR=build-fuzz
#
# What a fuzzer finds is saved as build-fuzz/artifacts/<name>/crash-* (or leak-,
# timeout-, oom-); replay it with
#   build-fuzz/fuzz/fuzz_<name> build-fuzz/artifacts/<name>/crash-...
# Inputs that reached new code accumulate in build-fuzz/corpus/<name>/ and are
# reused by the next run; fuzz/corpus/ (the seeds) is only read.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

jobs="${JOBS:-2}"
seconds="${FUZZ_SECONDS:-15}"
timeout="${FUZZ_TIMEOUT:-10}"
rss_limit="${FUZZ_RSS_LIMIT_MB:-2048}"
build="${FUZZ_BUILD_DIR:-build-fuzz}"

if [[ $# -gt 0 ]]; then
    names=("$@")
else
    names=()
    for source in fuzz/fuzz_*.cpp; do
        name="${source#fuzz/fuzz_}"
        names+=("${name%.cpp}")
    done
fi

for tool in clang clang++; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "run-fuzzers: $tool not found (Debian: clang libclang-rt-14-dev)" >&2
        exit 1
    fi
done

# Only the fuzzers are built: no library, tests or examples.
cmake -S . -B "$build" -G Ninja \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS=-O1 -g" \
    -DQTPROMETHEUSEXPORTER_BUILD_FUZZERS=ON \
    -DQTPROMETHEUSEXPORTER_BUILD_TESTS=OFF \
    -DQTPROMETHEUSEXPORTER_BUILD_EXAMPLES=OFF \
    -DQTPROMETHEUSEXPORTER_BUILD_DOCS=OFF \
    -DQTPROMETHEUSEXPORTER_BUILD_QML=OFF \
    -DQTPROMETHEUSEXPORTER_INSTALL=OFF
targets=()
for name in "${names[@]}"; do
    targets+=("fuzz_$name")
done
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

# Sanitizer reports end the run with a non-zero status, as libFuzzer's own findings do.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1:strict_init_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"

results=()
failed=0
for name in "${names[@]}"; do
    seeds="fuzz/corpus/$name"
    corpus="$build/corpus/$name"
    artifacts="$build/artifacts/$name"
    log="$build/fuzz-$name.log"
    mkdir -p "$corpus" "$artifacts"
    [[ -d "$seeds" ]] || seeds=""
    echo
    echo "--- fuzz_$name: ${seconds}s"
    rc=0
    "$build/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout="$timeout" \
        -rss_limit_mb="$rss_limit" -print_final_stats=1 -artifact_prefix="$artifacts/" \
        "$corpus" ${seeds:+"$seeds"} >"$log" 2>&1 || rc=$?
    runs="$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -n 1)"
    coverage="$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 || true)"
    if [[ $rc -eq 0 ]]; then
        results+=("$(printf '  %-16s ok     %9s runs  %s' "$name" "${runs:-?}" "$coverage")")
    else
        failed=1
        results+=("$(printf '  %-16s FAILED (exit %d), see %s' "$name" "$rc" "$log")")
        # The finding: the sanitizer's or libFuzzer's report, and the saved input.
        grep -E -A40 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|FUZZ_CHECK failed|==ERROR' \
            "$log" | head -n 80 || true
        grep -E 'Test unit written to' "$log" || true
    fi
    tail -n 3 "$log" | sed 's/^/    /'
done

echo
echo "fuzzers (${seconds}s each):"
printf '%s\n' "${results[@]}"
exit $failed
