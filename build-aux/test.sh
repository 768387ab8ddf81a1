#!/usr/bin/env bash
# test.sh: installs everything (Debian packages, the pinned npm test server),
# builds with warnings as errors and runs the whole test suite; the services
# the tests need (PouchDB Server, gtk4-broadwayd, headless Chromium) are
# started by the tests themselves. Ends with "N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
build-aux/install-deps.sh --test
npm ci --prefix tests --no-audit --no-fund --loglevel=error
if [ -f _build/build.ninja ]; then
  meson configure _build -Dwerror=true
else
  meson setup _build -Dwerror=true
fi
meson compile -C _build
status=0
meson test -C _build --print-errorlogs --num-processes 2 "$@" || status=$?
python3 build-aux/test-summary.py _build/meson-logs/testlog.json || status=1
exit $status
