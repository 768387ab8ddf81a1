#!/usr/bin/env bash
# run.sh: installs the build dependencies, builds Fieldbook and runs it from
# the build tree (no server needed: it works offline on its local database).
set -eu
cd "$(dirname "$0")/.."
build-aux/install-deps.sh
[ -f _build/build.ninja ] || meson setup _build
meson compile -C _build
exec meson devenv -C _build -w . ./_build/src/fieldbook "$@"
