#!/usr/bin/env bash
# Takes a screenshot of examples/desktop-widgets as a real X11 window (xcb platform
# plugin) under a virtual X server (xvfb-run, Debian package xvfb), after it has
# answered a few scrapes, so the picture shows the URL, the state and the count.
#
# Usage: scripts/desktop-screenshot.sh [BUILD_DIR] [OUTPUT_PNG]
#   BUILD_DIR   a built top-level build of this checkout   (default: build-ci)
#   OUTPUT_PNG  where to save the picture                 (default: build-logs/desktop-example.png)
# Exit code 0 when the picture was written; the example's own output is shown.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
build_dir="${1:-build-ci}"
output="${2:-build-logs/desktop-example.png}"
[[ "$output" = /* ]] || output="$repo_root/$output"
scrapes=3

example="$build_dir/examples/desktop-widgets/desktop-widgets-example"
if [[ ! -x "$example" ]]; then
    echo "desktop-screenshot: $example not built (needs Qt Widgets)" >&2
    exit 1
fi
if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "desktop-screenshot: xvfb-run not found (Debian package xvfb)" >&2
    exit 1
fi
mkdir -p "$(dirname "$output")"
rm -f "$output"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/qtpe-screenshot.XXXXXX")"
pid=""
cleanup() {
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# The example saves the picture itself (QWidget::grab()) once it answered $scrapes
# scrapes, then quits. xvfb-run -a picks a free display number.
QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1024x768x24" \
    "$example" --listen 127.0.0.1:0 --initial-value 42 \
    --screenshot "$output" --screenshot-after-scrapes "$scrapes" \
    >"$tmp/stdout" 2>"$tmp/stderr" </dev/null &
pid=$!

url=""
for _ in $(seq 1 200); do
    url="$(sed -n 's/^listening on //p' "$tmp/stdout" | head -n 1)"
    [[ -n "$url" ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if [[ -z "$url" ]]; then
    echo "desktop-screenshot: the example did not start" >&2
    cat "$tmp/stderr" >&2
    exit 1
fi
echo "desktop-screenshot: example listening on $url"

for _ in $(seq 1 "$scrapes"); do
    curl -fsS --max-time 10 "$url" >"$tmp/scrape.txt"
done
grep '^desktop_slider_value ' "$tmp/scrape.txt"

rc=0
wait "$pid" || rc=$?
pid=""
if [[ $rc -ne 0 || ! -s "$output" ]]; then
    echo "desktop-screenshot: no picture (exit $rc)" >&2
    cat "$tmp/stderr" >&2
    exit 1
fi
echo "desktop-screenshot: saved $output"
