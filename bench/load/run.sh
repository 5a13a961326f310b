#!/usr/bin/env bash
# Loads QtPrometheusExporter and prometheus-cpp's Exposer with wrk, in one run, on the
# same synthetic registry, and prints Markdown tables with the ratios (bench/README.md).
#
#   bench/load/run.sh [BUILD_DIR]
#
# BUILD_DIR holds bench/load/bench_load_server (configure with
# -DQTPROMETHEUSEXPORTER_BUILD_BENCH=ON, Release). Tools: Debian packages wrk and curl.
# Settings, from the environment:
#   SERIES="100 10000 100000"  registry sizes (exporter-demo --series shape)
#   DURATION=10                seconds of each wrk run
#   CONNECTIONS=4 THREADS=1    wrk -c and -t
#   IDLE=3                     seconds of idle event-loop lag measured before loading
#   KEEP=                      a directory to keep the raw wrk and server output in
# Only 127.0.0.1 is ever loaded, and every run ends by itself.
set -euo pipefail

build=${1:-build-bench}
server_bin=$build/bench/load/bench_load_server
series_list=${SERIES:-100 10000 100000}
duration=${DURATION:-10}
connections=${CONNECTIONS:-4}
threads=${THREADS:-1}
idle=${IDLE:-3}

for tool in wrk curl; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (apt-get install $tool)" >&2; exit 2; }
done
[ -x "$server_bin" ] || { echo "run.sh: $server_bin not built" >&2; exit 2; }

work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
pid=
cleanup() {
    [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
    [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

# wrk prints latencies as 812.00us, 1.23ms or 1.02s: in milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000
        printf "%.2f", n }'
}

# The value of key=... in the last line of file that starts with prefix.
field() { (grep "^$2" "$1" || true) | tail -n 1 | tr ' ' '\n' | sed -n "s/^$3=//p"; }

declare -A result
for series in $series_list; do
    for server in qt exposer; do
        tag=$server-$series
        out=$work/$tag.server
        "$server_bin" --server "$server" --series "$series" >"$out" 2>&1 &
        pid=$!
        for _ in $(seq 1 600); do
            grep -q '^listening on' "$out" && break
            kill -0 "$pid" 2>/dev/null || { cat "$out" >&2; exit 1; }
            sleep 0.1
        done
        url=$(sed -n 's/^listening on //p' "$out")
        result[$tag,plain_bytes]=$(curl -s -o /dev/null -w '%{size_download}' "$url")
        result[$tag,gzip_bytes]=$(curl -s -o /dev/null -w '%{size_download}' \
            -H 'Accept-Encoding: gzip' "$url")

        sleep 0.5
        kill -USR1 "$pid"; sleep 0.2 # starts the idle period
        sleep "$idle"
        kill -USR1 "$pid"; sleep 0.2
        result[$tag,idle_max]=$(field "$out" lag max_us)
        result[$tag,idle_p99]=$(field "$out" lag p99_us)

        for encoding in plain gzip; do
            header=()
            [ "$encoding" = gzip ] && header=(-H 'Accept-Encoding: gzip')
            wrk_out=$work/$tag-$encoding.wrk
            wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "${header[@]}" "$url" \
                >"$wrk_out"
            kill -USR1 "$pid"; sleep 0.2
            key=$tag,$encoding
            result[$key,rps]=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$wrk_out")
            result[$key,p50]=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$wrk_out")")
            result[$key,p99]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$wrk_out")")
            errors=$(grep -E 'Non-2xx|Socket errors' "$wrk_out" || true)
            result[$key,errors]=${errors:-none}
            result[$key,lag_max]=$(field "$out" lag max_us)
            result[$key,lag_p99]=$(field "$out" lag p99_us)
            result[$key,lag_over]=$(field "$out" lag over_1ms)
            result[$key,lag_samples]=$(field "$out" lag samples)
        done
        kill -TERM "$pid"
        wait "$pid" || true
        pid=
        result[$tag,rss]=$(awk '/^peak_rss_kib/ { printf "%.1f", $2 / 1024 }' "$out")
        result[$tag,private]=$(awk '/^peak_private_kib/ { printf "%.1f", $2 / 1024 }' "$out")
    done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "-" }'; }

echo "wrk -t$threads -c$connections -d${duration}s --latency, $(nproc) CPUs, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| series | encoding | body | ours req/s | Exposer req/s | ratio | ours p50 / p99 ms | Exposer p50 / p99 ms |"
echo "|---|---|---|---|---|---|---|---|"
for series in $series_list; do
    for encoding in plain gzip; do
        q=qt-$series,$encoding
        e=exposer-$series,$encoding
        echo "| $series | $encoding | $(awk -v b="${result[qt-$series,${encoding}_bytes]}" 'BEGIN { printf "%.1f kB", b / 1000 }') |" \
            "${result[$q,rps]} | ${result[$e,rps]} | $(ratio "${result[$q,rps]}" "${result[$e,rps]}") |" \
            "${result[$q,p50]} / ${result[$q,p99]} | ${result[$e,p50]} / ${result[$e,p99]} |"
    done
done
echo
echo "Event-loop lag of the serving process's main thread (1 ms precise timer; µs late). For"
echo "ours that is the exporter's thread; for the Exposer, an idle Qt loop beside civetweb's"
echo "threads: the machine's own scheduling noise under the same load."
echo
echo "| series | idle max (ours / Exposer's) | encoding | ours p99 / max | firings over 1 ms (ours) | Exposer's loop p99 / max |"
echo "|---|---|---|---|---|---|"
for series in $series_list; do
    for encoding in plain gzip; do
        q=qt-$series,$encoding
        e=exposer-$series,$encoding
        echo "| $series | ${result[qt-$series,idle_max]} / ${result[exposer-$series,idle_max]} | $encoding |" \
            "${result[$q,lag_p99]} / ${result[$q,lag_max]} | ${result[$q,lag_over]} of ${result[$q,lag_samples]} |" \
            "${result[$e,lag_p99]} / ${result[$e,lag_max]} |"
    done
done
echo
echo "Peak RSS (VmHWM) counts the shared libraries' resident pages too; peak private is the"
echo "highest resident size less its file-backed part (sampled every 10 ms): what the process allocated."
echo
echo "| series | peak RSS ours | peak RSS Exposer | ratio | peak private ours | peak private Exposer | ratio |"
echo "|---|---|---|---|---|---|---|"
for series in $series_list; do
    echo "| $series | ${result[qt-$series,rss]} MiB | ${result[exposer-$series,rss]} MiB |" \
        "$(ratio "${result[qt-$series,rss]}" "${result[exposer-$series,rss]}") |" \
        "${result[qt-$series,private]} MiB | ${result[exposer-$series,private]} MiB |" \
        "$(ratio "${result[qt-$series,private]}" "${result[exposer-$series,private]}") |"
done
echo
for series in $series_list; do
    for server in qt exposer; do
        for encoding in plain gzip; do
            e=${result[$server-$series,$encoding,errors]}
            [ "$e" = none ] || echo "wrk errors, $server $series $encoding: $e"
        done
    done
done
