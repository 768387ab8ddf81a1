#!/usr/bin/env bash
# test.sh: installs everything (Debian packages, the pinned npm test server),
# builds with warnings as errors and runs the whole test suite; the services
# the tests need (PouchDB Server, gtk4-broadwayd, headless Chromium) are
# started by the tests themselves. Then, in a second build dir (_asan), the
# store and sync suites again under AddressSanitizer and UBSan. Ends with
# "N passed, N failed" over both runs.
#
#   build-aux/test.sh [TEST...]   only these tests, and no sanitizer run
#   FB_TEST_SANITIZE=0            no sanitizer run
set -eu
cd "$(dirname "$0")/.."
build-aux/install-deps.sh --test
npm ci --prefix tests --no-audit --no-fund --loglevel=error

# As root (CI), the full-disk and read-only tests must run, not skip.
if [ "$(id -u)" = 0 ]; then
  export FB_TEST_REQUIRE_DISKS=1
fi

# Every process the tests start carries this mark; any still running after
# meson test returns was left behind.
run_id="fieldbook-tests-$$-$(date +%s%N)"
left_behind () {
  local environ pid
  for environ in /proc/[0-9]*/environ; do
    pid=${environ#/proc/}
    pid=${pid%/environ}
    if { tr '\0' '\n' < "$environ"; } 2>/dev/null | grep -qxF "FB_TEST_RUN_ID=$run_id"; then
      echo "$pid"
    fi
  done
}
check_left_behind () {
  local pids
  pids=$(left_behind)
  if [ -n "$pids" ]; then
    echo "FAIL: the tests left these processes running (now killed):" >&2
    # shellcheck disable=SC2086
    ps -o pid=,args= -p "$(echo $pids | tr ' ' ',')" >&2 || true
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null || true
    status=1
  fi
}

setup () {
  local dir=$1
  shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" -Dwerror=true "$@"
  else
    meson setup "$dir" -Dwerror=true "$@"
  fi
  meson compile -C "$dir"
}

status=0
logs=(_build/meson-logs/testlog.json)
setup _build
FB_TEST_RUN_ID=$run_id meson test -C _build --print-errorlogs --num-processes 2 "$@" || status=$?
check_left_behind

if [ $# -eq 0 ] && [ "${FB_TEST_SANITIZE:-1}" != 0 ]; then
  # Leaks inside GLib, GIO and libsecret are suppressed in tests/lsan.supp
  # (tests/meson.build sets LSAN_OPTIONS); any report from our code fails.
  setup _asan -Db_sanitize=address,undefined
  start=$(date +%s)
  FB_TEST_RUN_ID=$run_id meson test -C _asan --print-errorlogs --num-processes 2 \
    --suite store --suite sync || status=$?
  echo "Sanitizer run (store + sync suites): $(( $(date +%s) - start )) s"
  check_left_behind
  logs+=(_asan/meson-logs/testlog.json)
fi

python3 build-aux/test-summary.py "${logs[@]}" || status=1
exit $status
