#!/usr/bin/env bash
# Runs a command on a copy of this tree in a chroot of another Debian release:
# trixie (Debian 13: Qt 6.8, prometheus-cpp 1.0.2, Prometheus 2.53) or sid
# (Qt 6.11, Prometheus 3.5). CI runs the whole suite this way (scripts/run-tests.sh).
#
# Usage: scripts/run-in-debian.sh trixie|sid COMMAND...
#   e.g. scripts/run-in-debian.sh sid bash scripts/run-tests.sh
#        scripts/run-in-debian.sh trixie bash      (a shell in the copy)
#
# The chroot is made once and then reused: `debootstrap --variant=minbase` from
# Debian's archive gives a base per suite, and a copy of it gets the packages of
# `scripts/install-deps.sh --suite-only`. Both live outside the clone, in
# $QTPE_CHROOT_DIR (default /var/cache/qtprometheusexporter/chroots); the
# second is named after a hash of its package list, so a change of the list
# makes a new one (from the kept base) and a chroot never holds a stale list.
#
# Each run copies the tree (tracked and untracked files, not the ignored ones)
# to /src in the chroot, replacing the last run's copy, and runs COMMAND there as
# root with a clean environment. /proc, /dev, /sys and a tmpfs /tmp are mounted in
# a private mount namespace (unshare -m), so nothing stays mounted after the run,
# even after a crash. build-logs/ of the copy, if any, comes back to
# build-logs/debian-SUITE/ of this tree.
#
# Environment:
#   QTPE_CHROOT_DIR      where the chroots are kept
#   QTPE_DEBIAN_MIRROR   Debian archive (default http://deb.debian.org/debian)
#   CI JOBS CTEST_JOBS CTEST_TIMEOUT SKIP_* QTPE_*   passed into the chroot
# Needs root, debootstrap (scripts/install-deps.sh installs it) and util-linux.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() { sed -n '2,10p' "$0" >&2; exit 2; }
[[ $# -ge 2 ]] || usage
suite="$1"
shift
case "$suite" in
    trixie | sid) ;;
    *) echo "run-in-debian: unknown suite '$suite' (trixie or sid)" >&2; exit 2 ;;
esac
if [[ $(id -u) -ne 0 ]]; then
    echo "run-in-debian: needs root (debootstrap, chroot, mounts)" >&2
    exit 1
fi

chroots="${QTPE_CHROOT_DIR:-/var/cache/qtprometheusexporter/chroots}"
mirror="${QTPE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mkdir -p "$chroots"

log() { echo "run-in-debian[$suite]: $*" >&2; }

# The chroot's package list and its key. Bump `layout` when the way a chroot is
# set up below changes, so old ones are not reused.
layout=1
package_list="$(bash "$repo_root/scripts/install-deps.sh" --suite-only --print)"
key="$(printf 'layout %s\nsuite %s\n%s\n' "$layout" "$suite" "$package_list" | sha256sum | cut -c1-12)"
base="$chroots/$suite-base"
root="$chroots/$suite-$key"

# Runs a command in a chroot with the pseudo file systems mounted, in a mount
# namespace of its own.
in_chroot() {
    local dir="$1"
    shift
    unshare -m -- bash -euo pipefail -c '
        dir="$1"; shift
        mount --make-rprivate /
        mount -t proc proc "$dir/proc"
        mount --rbind /dev "$dir/dev"
        mount --rbind /sys "$dir/sys"
        mount -t tmpfs -o size=8g,mode=1777 tmpfs "$dir/tmp"
        exec chroot "$dir" "$@"' in_chroot "$dir" "$@"
}

chroot_env=(/usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" DEBIAN_FRONTEND=noninteractive)

make_base() {
    [[ -f "$base/.qtpe-complete" ]] && return 0
    log "making the base with debootstrap --variant=minbase (from $mirror)"
    rm -rf "$base.tmp"
    # sid's Release is signed by the keys of the releases around it; Debian 12's
    # keyring has trixie's, and debootstrap checks the signature with it.
    debootstrap --variant=minbase "$suite" "$base.tmp" "$mirror" >"$chroots/$suite-base.log" 2>&1 || {
        tail -n 30 "$chroots/$suite-base.log" >&2
        return 1
    }
    touch "$base.tmp/.qtpe-complete"
    mv "$base.tmp" "$base"
}

make_chroot() {
    [[ -f "$root/.qtpe-complete" ]] && return 0
    make_base
    log "installing $(wc -l <<<"$package_list") packages into $root"
    rm -rf "$root.tmp"
    cp -a "$base" "$root.tmp"
    rm -f "$root.tmp/.qtpe-complete"
    cp /etc/resolv.conf "$root.tmp/etc/resolv.conf"
    # sid's Release file can be past its Valid-Until date; recommends would pull
    # in far more than the suite needs; no service may start inside the chroot.
    cat >"$root.tmp/etc/apt/apt.conf.d/90qtpe" <<'EOF'
Acquire::Check-Valid-Until "false";
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Dpkg::Use-Pty "0";
EOF
    printf '#!/bin/sh\nexit 101\n' >"$root.tmp/usr/sbin/policy-rc.d"
    chmod 755 "$root.tmp/usr/sbin/policy-rc.d"
    # shellcheck disable=SC2086  # one package a word
    in_chroot "$root.tmp" "${chroot_env[@]}" sh -c \
        'apt-get update -q && apt-get install -y -q "$@" && apt-get clean' sh $package_list \
        >"$root.tmp.log" 2>&1 || {
        tail -n 30 "$root.tmp.log" >&2
        return 1
    }
    mv "$root.tmp.log" "$root.tmp/qtpe-install.log"
    printf '%s\n' "$package_list" >"$root.tmp/qtpe-packages.txt"
    touch "$root.tmp/.qtpe-complete"
    mv "$root.tmp" "$root"
    # Chroots of this suite with another package list are no longer used.
    local old
    for old in "$chroots/$suite"-*; do
        [[ "$old" == "$root" || "$old" == "$base" || ! -d "$old" ]] && continue
        log "removing the outdated $old"
        rm -rf "$old"
    done
}

# One run at a time per suite: the chroot and its /src are shared.
exec 9>"$chroots/.$suite.lock"
flock 9
make_chroot

log "copying the tree to /src"
rm -rf "$root/src"
mkdir -p "$root/src"
(cd "$repo_root" &&
    git ls-files -z --cached --others --exclude-standard |
    tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$root/src"

passthrough=()
while IFS='=' read -r name _; do
    case "$name" in
        CI | JOBS | CTEST_JOBS | CTEST_TIMEOUT | SKIP_* | QTPE_*) passthrough+=("$name=${!name}") ;;
    esac
done < <(env)

rc=0
in_chroot "$root" "${chroot_env[@]}" "${passthrough[@]}" \
    bash -c 'cd /src && exec "$@"' run-in-debian "$@" || rc=$?

if [[ -d "$root/src/build-logs" ]]; then
    rm -rf "$repo_root/build-logs/debian-$suite"
    mkdir -p "$repo_root/build-logs"
    cp -a "$root/src/build-logs" "$repo_root/build-logs/debian-$suite"
fi
exit "$rc"
