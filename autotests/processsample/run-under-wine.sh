#!/usr/bin/env bash
# Runs a Windows test program under Wine in a prefix of its own, then stops
# that prefix's wineserver, so that nothing the test started outlives it.
# Usage: run-under-wine.sh WINE64 PREFIX PROGRAM.exe
set -uo pipefail
wine="$1" prefix="$2" program="$3"
export WINEPREFIX="$prefix" WINEDEBUG=-all
# No Mono or Gecko installer dialogs when the prefix is made.
export WINEDLLOVERRIDES="mscoree,mshtml="
wineserver="$(dirname "$wine")/wineserver"
"$wine" "$program"
rc=$?
"$wineserver" -k 2>/dev/null || true
"$wineserver" -w 2>/dev/null || true
exit "$rc"
