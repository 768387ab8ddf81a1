#!/usr/bin/env bash
# screenshots.sh: saves the sync UI screenshots (header bar offline, syncing,
# with conflicts; the conflict resolver) into data/screenshots/.
#
#   tests/sync-ui/screenshots.sh BUILD-DIR [OUT-DIR]
. "$(dirname "$0")/../ui/screenshots-common.sh"

run_screenshots tests/sync-ui/sync-ui-screenshots FB_TEST_NODE_MODULES="$src/tests/node_modules"
