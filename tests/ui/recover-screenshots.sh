#!/usr/bin/env bash
# recover-screenshots.sh: saves the screenshots of the Trash and the History
# view (data/screenshots/trash.png, history.png).
#
#   tests/ui/recover-screenshots.sh BUILD-DIR [OUT-DIR]
. "$(dirname "$0")/screenshots-common.sh"

run_screenshots tests/ui/recover-screenshots
