#!/usr/bin/env bash
# records-screenshots.sh: saves the screenshots of the template window, a typed
# record and the table (data/screenshots/template-editor.png, record.png, table.png).
#
#   tests/ui/records-screenshots.sh BUILD-DIR [OUT-DIR]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
out=$(mkdir -p "${2:-$src/data/screenshots}" && cd "${2:-$src/data/screenshots}" && pwd)
info=$(mktemp "${TMPDIR:-/tmp}/fb-broadway-info.XXXXXX")
trap 'rm -f "$info"' EXIT
rm -f "$info"

ninja -C "$build" tests/ui/records-screenshots >/dev/null
FB_BROADWAY_INFO="$info" \
GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" \
  "$src/tests/ui/broadway-run.sh" \
  "$build/tests/ui/records-screenshots" "$out" "$src/build-aux/screenshot.mjs"
