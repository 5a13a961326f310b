#!/usr/bin/env bash
# Install (with apt) everything QtPrometheusExporter needs to build, run its
# examples and run its whole test suite on a fresh Debian 12 (bookworm) machine.
#
# Idempotent and fast when repeated: when every package is already installed it
# touches nothing (no `apt-get update`, no root needed) and returns at once.
#
# Usage: scripts/install-deps.sh [--suite-only] [--dry-run | --print]
#   --suite-only  only what the build and the ctest suite need (the chroots of
#                 scripts/run-in-debian.sh), not the host's extra stages
#   --dry-run     only show what apt-get would do (apt-get install --dry-run)
#   --print       print the package list, one a line, and exit
# Environment:
#   QTPE_EXTRA_PACKAGES   extra Debian packages to install as well (space separated)
set -euo pipefail

# What the build and the ctest suite need, on every Debian release CI runs
# (bookworm on the host; trixie and sid in chroots, scripts/run-in-debian.sh).
# Runtime libraries come in as dependencies of the -dev packages, so no name
# here changes between releases (e.g. libssl3 / libssl3t64).
packages=(
    # toolchain and build system
    build-essential
    cmake
    ninja-build
    pkg-config
    # Qt 6 (Core, Network, Gui/Widgets for the desktop example, Test) and the
    # offscreen platform plugin the widget tests run on; QHttpServer
    qt6-base-dev
    qt6-base-dev-tools
    qt6-qpa-plugins
    qt6-httpserver-dev
    # Qt6HttpServerConfig.cmake requires Qt6WebSockets, but Debian's
    # qt6-httpserver-dev does not depend on it: without it CMake finds no HttpServer
    qt6-websockets-dev
    # the optional QML module (Qt Qml) and the QML example and test (Qt Quick
    # Controls at run time)
    qt6-declarative-dev
    qml6-module-qtqml
    qml6-module-qtqml-models
    qml6-module-qtqml-workerscript
    qml6-module-qtquick
    qml6-module-qtquick-controls
    qml6-module-qtquick-layouts
    qml6-module-qtquick-templates
    qml6-module-qtquick-window
    # prometheus-cpp; its CMake config also looks for civetweb, zlib, curl
    prometheus-cpp-dev
    libcivetweb-dev
    libcurl4-openssl-dev
    zlib1g-dev
    # TLS: Qt's OpenSSL backend loads libssl at run time (openssl depends on
    # it, whatever its name in the release); openssl makes test certs
    openssl
    # the real peers: promtool and the Prometheus server (package prometheus),
    # the Pushgateway, curl; python for helper scripts and the Python client's
    # strict OpenMetrics parser, which judges our output
    prometheus
    prometheus-pushgateway
    curl
    ca-certificates
    python3
    python3-prometheus-client
    procps
    # protobuf exposition: protoc and libprotobuf decode our bodies with the
    # metrics.proto that Prometheus's Go client ships
    protobuf-compiler
    libprotobuf-dev
    golang-github-prometheus-client-model-dev
)
# The host (Debian 12) runs the stages that stay off the chroots: sanitizers and
# libFuzzer (clang + compiler-rt), formatting, the API docs (Doxygen), the
# desktop example's screenshot (Xvfb), the chroots themselves (debootstrap) and
# the Windows process sampler's test (mingw-w64 cross compiler, Wine).
host_packages=(
    clang
    libclang-rt-14-dev
    clang-format
    doxygen
    xvfb
    debootstrap
    g++-mingw-w64-x86-64-posix
    wine64
)
if [[ -n "${QTPE_EXTRA_PACKAGES:-}" ]]; then
    # shellcheck disable=SC2206
    packages+=(${QTPE_EXTRA_PACKAGES})
fi

dry_run=0
suite_only=0
print_only=0
for arg in "$@"; do
    case "$arg" in
        --dry-run) dry_run=1 ;;
        --suite-only) suite_only=1 ;;
        --print) print_only=1 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "install-deps.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

if [[ $suite_only -eq 0 ]]; then
    packages+=("${host_packages[@]}")
fi
if [[ $print_only -eq 1 ]]; then
    printf '%s\n' "${packages[@]}"
    exit 0
fi

is_installed() {
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == "installed" ]]
}

missing=()
for p in "${packages[@]}"; do
    is_installed "$p" || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 && $dry_run -eq 0 ]]; then
    echo "install-deps: all ${#packages[@]} packages already installed"
    exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
fi
apt_env=(env DEBIAN_FRONTEND=noninteractive)
apt_opts=(-y -q --no-install-recommends -o Dpkg::Use-Pty=0)

if [[ $dry_run -eq 1 ]]; then
    echo "install-deps: missing: ${missing[*]:-(none)}"
    exec "${sudo[@]}" "${apt_env[@]}" apt-get install --dry-run "${apt_opts[@]}" "${packages[@]}"
fi

echo "install-deps: installing ${missing[*]}"

# Installing `prometheus` would start a Prometheus server (port 9090) on a machine
# whose init honours invoke-rc.d; tests only need promtool. Where no
# policy-rc.d exists, put a temporary one in place that forbids starting services.
policy=/usr/sbin/policy-rc.d
created_policy=0
cleanup() {
    if [[ $created_policy -eq 1 ]]; then
        "${sudo[@]}" rm -f "$policy"
    fi
}
trap cleanup EXIT
if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\n# temporary, from QtPrometheusExporter scripts/install-deps.sh\nexit 101\n' \
        | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    created_policy=1
fi

"${sudo[@]}" "${apt_env[@]}" apt-get update -q
# Only the missing packages: installed ones are left at their version.
"${sudo[@]}" "${apt_env[@]}" apt-get install "${apt_opts[@]}" "${missing[@]}"

still_missing=()
for p in "${packages[@]}"; do
    is_installed "$p" || still_missing+=("$p")
done
if [[ ${#still_missing[@]} -ne 0 ]]; then
    echo "install-deps: still not installed: ${still_missing[*]}" >&2
    exit 1
fi
echo "install-deps: done"
