#!/usr/bin/env bash
# Build the library and run the headless demo exporter in the foreground.
#
# Usage: scripts/run-demo.sh [exporter-demo options...]
#   e.g. scripts/run-demo.sh --mode repeat --interval 1000 --series 1000
# The demo listens on its default 127.0.0.1:9184 unless --listen is given;
# `scripts/run-demo.sh --help` lists its options. Stop it with Ctrl+C.
# Environment: JOBS (parallel build jobs, default 2), BUILD_DIR (default build).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

jobs="${JOBS:-2}"
build_dir="${BUILD_DIR:-build}"

bash scripts/install-deps.sh >&2

if [[ -f "$build_dir/CMakeCache.txt" ]] &&
    ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$build_dir/CMakeCache.txt"; then
    echo "run-demo: $build_dir/ was configured with another generator; remove it or set BUILD_DIR" >&2
    exit 1
fi

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >&2
cmake --build "$build_dir" --target exporter-demo -j "$jobs" >&2

demo="$build_dir/examples/exporter-demo/exporter-demo"
if [[ ! -x "$demo" ]]; then
    echo "run-demo: $demo was not built" >&2
    exit 1
fi
exec "$demo" "$@"
