#!/usr/bin/env bash
# Scrape a metrics endpoint and check the answer with `promtool check metrics`.
# Fails on a transport error, an HTTP status other than 200, a parse error or
# any lint problem that promtool reports.
#
# Usage: scripts/promtool-check.sh URL [extra curl options...]
#   e.g. scripts/promtool-check.sh http://127.0.0.1:9184/metrics
#        scripts/promtool-check.sh https://127.0.0.1:9184/metrics -k -u user:secret
set -euo pipefail

if [[ $# -lt 1 || "$1" == -h || "$1" == --help ]]; then
    sed -n '2,9p' "$0"
    exit 2
fi
url="$1"
shift

for tool in curl promtool; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "promtool-check: $tool not found (run scripts/install-deps.sh)" >&2
        exit 2
    fi
done

body="$(mktemp)"
trap 'rm -f "$body"' EXIT

# Ask for the Prometheus text format explicitly: promtool parses text 0.0.4 only.
status="$(curl -sS --compressed --max-time 30 -o "$body" -w '%{http_code}' \
    -H 'Accept: text/plain;version=0.0.4;q=1,*/*;q=0.1' "$@" "$url")"

rc=0
if [[ "$status" != 200 ]]; then
    echo "promtool-check: HTTP status $status from $url" >&2
    rc=1
fi
if [[ ! -s "$body" ]]; then
    echo "promtool-check: empty body from $url" >&2
    exit 1
fi

# promtool prints nothing and exits 0 when the metrics are clean; parse errors and
# lint problems both print and exit non-zero.
problems="$(promtool check metrics <"$body" 2>&1)" || rc=1
if [[ -n "$problems" ]]; then
    printf '%s\n' "$problems" >&2
    rc=1
fi
if [[ $rc -eq 0 ]]; then
    echo "promtool-check: OK ($(grep -vc '^#' "$body") samples from $url)"
else
    echo "promtool-check: FAILED for $url" >&2
fi
exit "$rc"
