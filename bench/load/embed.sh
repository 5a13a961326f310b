#!/usr/bin/env bash
# What a process pays in memory for embedding a server: bench_load_server with
# --server qt and --server exposer, each against --server none (the same binary
# and registry, nothing served), per registry size. Prints a Markdown table
# (bench/README.md, "What embedding costs").
#
#   bench/load/embed.sh [BUILD_DIR]
#
# For each size and server two runs: "started" is stopped after IDLE seconds
# without a request; "scraped" after SCRAPES sequential plain scrapes with curl.
# Each figure is the median of RUNS runs. Settings, from the environment:
#   SERIES="100 10000 100000"  IDLE=1  SCRAPES=10  RUNS=3
# Only 127.0.0.1 is used, and every process started here is stopped by its PID.
set -euo pipefail

build=${1:-build-bench}
server_bin=$build/bench/load/bench_load_server
series_list=${SERIES:-100 10000 100000}
idle=${IDLE:-1}
scrapes=${SCRAPES:-10}
runs=${RUNS:-3}

command -v curl >/dev/null || { echo "embed.sh: curl is missing (apt-get install curl)" >&2; exit 2; }
[ -x "$server_bin" ] || { echo "embed.sh: $server_bin not built" >&2; exit 2; }

work=$(mktemp -d)
pid=
cleanup() {
    [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# One run: prints "rss_kib private_kib openssl" of the server after the phase.
measure() {
    local server=$1 series=$2 phase=$3 out=$work/out
    : >"$out"
    "$server_bin" --server "$server" --series "$series" --no-lag-probe >"$out" 2>&1 &
    pid=$!
    local port=
    for _ in $(seq 1 600); do
        grep -q -e '^listening' -e '^ready' "$out" && break
        sleep 0.05
    done
    port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\)/metrics|\1|p' "$out")
    sleep "$idle"
    if [ "$phase" = scraped ] && [ -n "$port" ]; then
        for _ in $(seq 1 "$scrapes"); do
            curl -sf -o /dev/null "http://127.0.0.1:$port/metrics"
        done
    fi
    kill -TERM "$pid"
    wait "$pid" || true
    pid=
    echo "$(sed -n 's/^peak_rss_kib //p' "$out") $(sed -n 's/^peak_private_kib //p' "$out") $(sed -n 's/^openssl_loaded //p' "$out")"
}

# The median of RUNS runs, column by column.
median_of() {
    local server=$1 series=$2 phase=$3 rows=
    for _ in $(seq 1 "$runs"); do
        rows+="$(measure "$server" "$series" "$phase")"$'\n'
    done
    local middle=$(((runs + 1) / 2))
    column() { printf '%s' "$rows" | awk -v c="$1" '{ print $c }' | sort -n | sed -n "${middle}p"; }
    echo "$(column 1) $(column 2) $(column 3)"
}

echo "Qt $(pkg-config --modversion Qt6Core 2>/dev/null || echo '?'), series: $series_list, median of $runs runs"
echo
echo "| series | phase | none: VmHWM / private | ours: added VmHWM / private | Exposer: added VmHWM / private |"
echo "|---|---|---|---|---|"
for series in $series_list; do
    for phase in started scraped; do
        read -r none_rss none_priv _ <<<"$(median_of none "$series" "$phase")"
        read -r qt_rss qt_priv _ <<<"$(median_of qt "$series" "$phase")"
        read -r ex_rss ex_priv _ <<<"$(median_of exposer "$series" "$phase")"
        awk -v s="$series" -v ph="$phase" -v nr="$none_rss" -v np="$none_priv" \
            -v qr="$qt_rss" -v qp="$qt_priv" -v er="$ex_rss" -v ep="$ex_priv" \
            'function mib(k) { return sprintf("%.1f", k / 1024) }
             BEGIN { printf "| %d | %s | %s / %s MiB | %s / %s MiB | %s / %s MiB |\n",
                     s, ph, mib(nr), mib(np), mib(qr - nr), mib(qp - np), mib(er - nr), mib(ep - np) }'
    done
done
