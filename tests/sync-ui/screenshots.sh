#!/usr/bin/env bash
# screenshots.sh: saves the sync UI screenshots (header bar offline, syncing,
# with conflicts; the conflict resolver) into data/screenshots/.
#
#   tests/sync-ui/screenshots.sh BUILD-DIR [OUT-DIR]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
out=$(mkdir -p "${2:-$src/data/screenshots}" && cd "${2:-$src/data/screenshots}" && pwd)
info=$(mktemp "${TMPDIR:-/tmp}/fb-broadway-info.XXXXXX")
trap 'rm -f "$info"' EXIT
rm -f "$info"

ninja -C "$build" tests/sync-ui/sync-ui-screenshots >/dev/null
FB_BROADWAY_INFO="$info" \
FB_TEST_NODE_MODULES="$src/tests/node_modules" \
GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" \
  "$src/tests/ui/broadway-run.sh" \
  "$build/tests/sync-ui/sync-ui-screenshots" "$out" "$src/build-aux/screenshot.mjs"
