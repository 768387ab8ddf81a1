#!/usr/bin/env bash
# broadway-run.sh: runs one GTK program (a UI test, or the app for screenshots)
# on a private headless Broadway display with a headless Chromium connected
# to it, then stops both and exits with the program's status.
#
#   tests/ui/broadway-run.sh PROGRAM [ARGS...]
#
# GTK's frame clock stops when no browser is connected to broadwayd, so the
# browser stays connected for the whole run. Each run gets its own
# XDG_DATA_HOME / XDG_CONFIG_HOME / XDG_CACHE_HOME / XDG_RUNTIME_DIR, and
# FB_DEVTOOLS_PORT: the connected Chromium's DevTools port, to drive it.
#
# Environment:
#   FB_BROADWAY_INFO=FILE   write "display=N", "http_port=P" and
#                           "devtools_port=Q" there once everything is up
#                           (build-aux/screenshot.mjs reads the port from it)
#   FB_BROADWAY_KEEP=1      keep the temporary directory (for debugging)
set -u

if [ $# -lt 1 ]; then
  echo "usage: $0 PROGRAM [ARGS...]" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fb-broadway.XXXXXX")
broadwayd_pid=
chromium_pid=
program_pid=

cleanup () {
  local pid
  if [ -n "$program_pid" ]; then
    kill -TERM "$program_pid" 2>/dev/null
    wait "$program_pid" 2>/dev/null
  fi
  for pid in $chromium_pid $broadwayd_pid; do
    # Chromium's helpers share its process group; broadwayd is alone in its own.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  done
  for pid in $chromium_pid $broadwayd_pid; do
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
  done
  if [ "${FB_BROADWAY_KEEP:-}" = 1 ]; then
    echo "broadway-run: kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_in_use () {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Retries every 0.1 s for at most $2 tenths of a second until "$1" succeeds.
wait_for () {
  local tries=$2
  while ! eval "$1"; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || return 1
    sleep 0.1
  done
}

# broadwayd and GTK meet on a socket in XDG_RUNTIME_DIR: give both ours.
mkdir -p "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
chmod 700 "$tmp/runtime"
export XDG_RUNTIME_DIR="$tmp/runtime"

# A display whose HTTP port is free. Another run may take the same one
# between the check and broadwayd's bind: then broadwayd exits and we try
# the next.
display=
for n in $(shuf -i 20-400 -n 60); do
  port=$((8080 + n))
  port_in_use "$port" && continue
  setsid gtk4-broadwayd --address 127.0.0.1 --port "$port" ":$n" \
    >"$tmp/broadwayd.log" 2>&1 &
  broadwayd_pid=$!
  if wait_for "port_in_use $port || ! kill -0 $broadwayd_pid 2>/dev/null" 100 &&
     kill -0 "$broadwayd_pid" 2>/dev/null; then
    display=$n
    break
  fi
  kill -KILL "$broadwayd_pid" 2>/dev/null
  wait "$broadwayd_pid" 2>/dev/null
  broadwayd_pid=
done
if [ -z "$display" ]; then
  echo "broadway-run: could not start gtk4-broadwayd" >&2
  cat "$tmp/broadwayd.log" >&2 2>/dev/null
  exit 1
fi
http_port=$((8080 + display))

# Chromium picks its own DevTools port (0) and writes it to DevToolsActivePort.
mkdir -p "$tmp/chromium"
setsid chromium --headless --no-sandbox --disable-gpu --disable-quic \
  --no-first-run --disable-background-networking --disable-component-update \
  --disable-sync --disable-dev-shm-usage --user-data-dir="$tmp/chromium" \
  --remote-debugging-address=127.0.0.1 --remote-debugging-port=0 \
  --window-size=1280,800 "http://127.0.0.1:$http_port/" \
  >"$tmp/chromium.log" 2>&1 &
chromium_pid=$!

if ! wait_for "[ -s '$tmp/chromium/DevToolsActivePort' ] || ! kill -0 $chromium_pid 2>/dev/null" 300 ||
   ! kill -0 "$chromium_pid" 2>/dev/null; then
  echo "broadway-run: chromium did not start" >&2
  tail -20 "$tmp/chromium.log" >&2
  exit 1
fi
devtools_port=$(head -n 1 "$tmp/chromium/DevToolsActivePort")

# The page has connected when broadwayd's port has an established
# connection (state 01 in /proc/net/tcp; no dependency on iproute2's ss).
port_hex=$(printf '%04X' "$http_port")
connected () {
  awk -v port=":$port_hex" '$2 ~ port"$" && $4 == "01" { found = 1 } END { exit !found }' \
    /proc/net/tcp 2>/dev/null
}
if ! wait_for connected 300; then
  echo "broadway-run: chromium did not connect to broadwayd" >&2
  tail -20 "$tmp/chromium.log" >&2
  exit 1
fi

if [ -n "${FB_BROADWAY_INFO:-}" ]; then
  printf 'display=%s\nhttp_port=%s\ndevtools_port=%s\n' \
    "$display" "$http_port" "$devtools_port" >"$FB_BROADWAY_INFO"
fi

# In the background, so a signal to this script cleans up at once instead of
# waiting for the program.
env GDK_BACKEND=broadway BROADWAY_DISPLAY=":$display" \
  FB_DEVTOOLS_PORT="$devtools_port" \
  XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" \
  XDG_CACHE_HOME="$tmp/cache" \
  "$@" &
program_pid=$!
wait "$program_pid"
status=$?
program_pid=

exit $status
