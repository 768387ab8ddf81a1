#!/usr/bin/env bash
# attachments-screenshots.sh: saves the screenshots of a note with photos and the larger
# view (data/screenshots/attachments.png, attachment-view.png).
#
#   tests/ui/attachments-screenshots.sh BUILD-DIR [OUT-DIR]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
out=$(mkdir -p "${2:-$src/data/screenshots}" && cd "${2:-$src/data/screenshots}" && pwd)
info=$(mktemp "${TMPDIR:-/tmp}/fb-broadway-info.XXXXXX")
trap 'rm -f "$info"' EXIT
rm -f "$info"

ninja -C "$build" tests/ui/attachments-screenshots >/dev/null
FB_BROADWAY_INFO="$info" \
GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" \
  "$src/tests/ui/broadway-run.sh" \
  "$build/tests/ui/attachments-screenshots" "$out" "$src/build-aux/screenshot.mjs"
