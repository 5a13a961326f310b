#!/usr/bin/env bash
# How the inline-render limit was chosen (bench/README.md): serves each registry size with
# every render on the worker (QTPROMETHEUSEXPORTER_INLINE_RENDER_USEC=0) and with every
# render inline (a limit nothing reaches), loads each with wrk at 1 and 4 connections, and
# prints requests/s, median latency and the exporter thread's event-loop lag side by side.
#
#   bench/load/threshold.sh [BUILD_DIR]
#
# Settings: SERIES="100 300 1000 3000 10000", DURATION=5, and the Debian packages wrk, curl.
set -euo pipefail

build=${1:-build-bench}
server_bin=$build/bench/load/bench_load_server
series_list=${SERIES:-100 300 1000 3000 10000}
duration=${DURATION:-5}
work=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

echo "| series | conns | worker req/s | inline req/s | inline/worker | worker p50 ms | inline p50 ms | worker lag p99/max µs | inline lag p99/max µs |"
echo "|---|---|---|---|---|---|---|---|---|"
for series in $series_list; do
    for conns in 1 4; do
        declare -A r=()
        for placement in worker inline; do
            limit=0
            [ "$placement" = inline ] && limit=100000000
            out=$work/$placement.out
            QTPROMETHEUSEXPORTER_INLINE_RENDER_USEC=$limit \
                "$server_bin" --server qt --series "$series" >"$out" 2>&1 &
            pid=$!
            for _ in $(seq 1 300); do grep -q '^listening on' "$out" && break; sleep 0.1; done
            url=$(sed -n 's/^listening on //p' "$out")
            curl -s -o /dev/null "$url"
            kill -USR1 "$pid"; sleep 0.2
            wrk -t1 -c"$conns" -d"${duration}s" --latency "$url" >"$work/wrk"
            kill -USR1 "$pid"; sleep 0.2
            r[$placement,rps]=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$work/wrk")
            r[$placement,p50]=$(awk '$1 == "50%" { v = $2; n = v + 0
                if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000
                printf "%.2f", n }' "$work/wrk")
            r[$placement,lag]=$( (grep '^lag' "$out" || true) | tail -n 1 | tr ' ' '\n' |
                sed -n 's/^p99_us=//p;s/^max_us=//p' | paste -sd/)
            kill -TERM "$pid"; wait "$pid" || true
            pid=
        done
        echo "| $series | $conns | ${r[worker,rps]} | ${r[inline,rps]} |" \
            "$(awk -v a="${r[inline,rps]}" -v b="${r[worker,rps]}" 'BEGIN { printf "%.2f", a / b }') |" \
            "${r[worker,p50]} | ${r[inline,p50]} | ${r[worker,lag]} | ${r[inline,lag]} |"
    done
done
