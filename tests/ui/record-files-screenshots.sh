#!/usr/bin/env bash
# record-files-screenshots.sh: saves the screenshot of a record with a photo
# field and a file field (data/screenshots/record-photos.png).
#
#   tests/ui/record-files-screenshots.sh BUILD-DIR [OUT-DIR]
. "$(dirname "$0")/screenshots-common.sh"

run_screenshots tests/ui/record-files-screenshots
