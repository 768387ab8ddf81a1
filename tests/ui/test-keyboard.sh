#!/usr/bin/env bash
# test-keyboard.sh: the real program driven by real key events through the
# browser (run under broadway-run.sh): Ctrl+N, typing, Ctrl+F, Markdown keys
# (Enter in a list, Ctrl+Enter, Ctrl+B, Ctrl+Shift+P), Ctrl+Alt+P (pin), and Ctrl+Q straight
# after the last keystroke; what was typed must be in the store. Delete in
# the list, then Tab and Enter: the first Tab reaches the toast's Undo, so
# the deleted note is back.
#
#   broadway-run.sh test-keyboard.sh FIELDBOOK KEYBOARD_MJS
set -u
fieldbook=$1
keyboard=$2

node_ok () {
  command -v node >/dev/null 2>&1 &&
    node --experimental-websocket -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' 2>/dev/null
}
if ! node_ok; then
  echo "SKIP: needs Node with --experimental-websocket (Node 20.10 or newer)"
  exit 77
fi

fail () {
  echo "FAIL: $*" >&2
  exit 1
}

# Never hand the run over to a Fieldbook already open on this desktop's bus.
export DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/fieldbook-test-bus

"$fieldbook" &
app=$!

node --experimental-websocket "$keyboard" \
  wait-window \
  ctrl+n "text:Typed title" enter "text:Typed in the browser" \
  ctrl+f "text:browser" escape \
  delete tab enter \
  ctrl+n "text:Groceries" enter "text:- [ ] milk" enter "text:eggs" ctrl+enter \
  enter enter "text:Done " ctrl+b "text:bold" \
  ctrl+shift+p ctrl+shift+p \
  ctrl+n "text:Second note" ctrl+alt+p \
  ctrl+q 2>&1 | grep -v ExperimentalWarning
[ "${PIPESTATUS[0]}" -eq 0 ] || { kill "$app" 2>/dev/null; fail "could not type into the page"; }

# Ctrl+Q closes the window, which saves; the program then ends by itself.
for _ in $(seq 1 100); do
  kill -0 "$app" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$app" 2>/dev/null; then
  kill "$app"
  fail "Ctrl+Q did not quit"
fi
wait "$app" || fail "fieldbook exited with status $?"

export_file=$(mktemp)
trap 'rm -f "$export_file"' EXIT
"$fieldbook" --export "$export_file" >/dev/null || fail "--export failed"

node -e '
  const items = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).items;
  const find = (title) => items.find((i) => i.type === "notes" && i.title === title);
  const first = find("Typed title");
  if (!first) { console.error("no note titled \"Typed title\": " + JSON.stringify(items)); process.exit(1); }
  if (first.text !== "Typed in the browser") { console.error("text is " + JSON.stringify(first.text)); process.exit(1); }
  // Markdown as typed: Enter continued the task list (unticked) and ended it
  // on the empty item, Ctrl+Enter ticked the line, Ctrl+B made a pair.
  const groceries = find("Groceries");
  if (!groceries || groceries.text !== "- [ ] milk\n- [x] eggs\nDone **bold**") {
    console.error("Markdown keys: " + JSON.stringify(groceries && groceries.text)); process.exit(1);
  }
  const second = find("Second note");
  if (!second) { console.error("the note typed just before Ctrl+Q was lost: " + JSON.stringify(items)); process.exit(1); }
  // Ctrl+Alt+P pinned it (the body member that syncs).
  if (second.pinned !== true) { console.error("Ctrl+Alt+P did not pin: " + JSON.stringify(second)); process.exit(1); }
' "$export_file" || fail "the store does not hold what was typed"

echo "ok: typed notes survived Ctrl+Q"
