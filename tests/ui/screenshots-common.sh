# screenshots-common.sh: the shared start of the screenshot scripts, sourced
# by each (tests/ui/*-screenshots.sh, tests/sync-ui/screenshots.sh). From the
# sourcing script's arguments (BUILD-DIR [OUT-DIR]) it sets
#   src    the source tree
#   build  the build directory
#   out    where the PNGs go (data/screenshots/ unless OUT-DIR is given)
# and gives run_screenshots TARGET [NAME=VALUE…]: builds the screenshot
# program TARGET (a path under the build directory) and runs it under
# tests/ui/broadway-run.sh, with the environment it needs and NAME=VALUE….
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
out=$(mkdir -p "${2:-$src/data/screenshots}" && cd "${2:-$src/data/screenshots}" && pwd)
info=$(mktemp "${TMPDIR:-/tmp}/fb-broadway-info.XXXXXX")
trap 'rm -f "$info"' EXIT
rm -f "$info"

run_screenshots () {
  local target=$1
  shift
  ninja -C "$build" "$target" >/dev/null
  env FB_BROADWAY_INFO="$info" \
      GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" \
      "$@" \
    "$src/tests/ui/broadway-run.sh" \
    "$build/$target" "$out" "$src/build-aux/screenshot.mjs"
}
