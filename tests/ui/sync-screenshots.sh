#!/usr/bin/env bash
# sync-screenshots.sh: saves the screenshots of the real window's sync states
# (offline with edits waiting, syncing, a conflict) into data/screenshots/.
#
#   tests/ui/sync-screenshots.sh BUILD-DIR [OUT-DIR]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
out=$(mkdir -p "${2:-$src/data/screenshots}" && cd "${2:-$src/data/screenshots}" && pwd)
info=$(mktemp "${TMPDIR:-/tmp}/fb-broadway-info.XXXXXX")
trap 'rm -f "$info"' EXIT
rm -f "$info"

ninja -C "$build" tests/ui/sync-window-screenshots >/dev/null
FB_BROADWAY_INFO="$info" \
FB_TEST_NODE_MODULES="$src/tests/node_modules" \
GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" \
  "$src/tests/ui/broadway-run.sh" \
  "$build/tests/ui/sync-window-screenshots" "$out" "$src/build-aux/screenshot.mjs"
# The narrow window floats on the browser's page: keep the window.
/usr/bin/convert "$out/folded.png" -crop 440x700+40+34 +repage "$out/folded.png"
