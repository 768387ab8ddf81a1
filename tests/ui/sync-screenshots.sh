#!/usr/bin/env bash
# sync-screenshots.sh: saves the screenshots of the real window's sync states
# (offline with edits waiting, syncing, a conflict) into data/screenshots/.
#
#   tests/ui/sync-screenshots.sh BUILD-DIR [OUT-DIR]
. "$(dirname "$0")/screenshots-common.sh"

run_screenshots tests/ui/sync-window-screenshots FB_TEST_NODE_MODULES="$src/tests/node_modules"
# The narrow window floats on the browser's page: keep the window.
/usr/bin/convert "$out/folded.png" -crop 440x700+40+34 +repage "$out/folded.png"
