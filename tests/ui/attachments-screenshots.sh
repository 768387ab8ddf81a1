#!/usr/bin/env bash
# attachments-screenshots.sh: saves the screenshots of a note with photos and the larger
# view (data/screenshots/attachments.png, attachment-view.png), and a photo being
# sent (attachment-progress.png).
#
#   tests/ui/attachments-screenshots.sh BUILD-DIR [OUT-DIR]
. "$(dirname "$0")/screenshots-common.sh"

run_screenshots tests/ui/attachments-screenshots
