#!/usr/bin/env bash
# Instructions per scrape of the exporter, counted by callgrind (repeatable where timings
# are not): serves the synthetic registry under valgrind with no lag probe, scrapes it
# N times one after another with curl, plain and gzip, and subtracts a run with no scrape.
#
#   bench/load/callgrind.sh BUILD_DIR [SERIES] [N]
#
# Prints "plain_ir_per_scrape X" and "gzip_ir_per_scrape Y" (all threads), and leaves
# callgrind.out.* of the last run in $OUT (default /tmp/callgrind-load) for
# callgrind_annotate. Debian packages: valgrind, curl.
set -euo pipefail

build=$1
series=${2:-10000}
n=${3:-20}
out=${OUT:-/tmp/callgrind-load}
server_bin=$build/bench/load/bench_load_server
mkdir -p "$out"

# Total instructions of one run with `plain` and `gzip` scrapes of each kind.
run() {
    local plain=$1 gzip=$2 tag=$3
    rm -f "$out/callgrind.out.$tag"* "$out/$tag.log"
    valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out.$tag" \
        "$server_bin" --server qt --series "$series" --no-lag-probe --memory-sample-ms 0 >"$out/$tag.log" 2>&1 &
    local pid=$!
    for _ in $(seq 1 1200); do grep -q '^listening on' "$out/$tag.log" && break; sleep 0.1; done
    local url
    url=$(sed -n 's/^listening on //p' "$out/$tag.log")
    for _ in $(seq 1 "$plain"); do curl -s -o /dev/null "$url"; done
    for _ in $(seq 1 "$gzip"); do curl -s -o /dev/null -H 'Accept-Encoding: gzip' "$url"; done
    sleep 1
    kill -TERM "$pid"
    wait "$pid" || true
    sed -n 's/.*Collected : //p' "$out/$tag.log" | head -n 1
}

base=$(run 0 0 none)
plain=$(run "$n" 0 plain)
gzip=$(run 0 "$n" gzip)
echo "series $series, $n scrapes each, baseline ${base} Ir"
echo "plain_ir_per_scrape $(( (plain - base) / n ))"
echo "gzip_ir_per_scrape $(( (gzip - base) / n ))"
