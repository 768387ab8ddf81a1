#!/usr/bin/env bash
# records-screenshots.sh: saves the screenshots of the template window, a typed
# record and the table (data/screenshots/template-editor.png, record.png, table.png).
#
#   tests/ui/records-screenshots.sh BUILD-DIR [OUT-DIR]
. "$(dirname "$0")/screenshots-common.sh"

run_screenshots tests/ui/records-screenshots
