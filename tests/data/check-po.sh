#!/usr/bin/env bash
# check-po.sh SRCROOT: checks po/ against the sources.
#  - po/POTFILES.in is sorted, and every file it lists exists;
#  - every file under src/ with translatable strings is listed there;
#  - po/LINGUAS and the po/*.po files agree;
#  - every translation is complete (no untranslated or fuzzy message) against
#    a template regenerated now from POTFILES.in, and passes msgfmt --check.
# Works from any directory; writes only to a temporary directory.
set -eu

srcroot=$(cd "${1:?usage: check-po.sh SRCROOT}" && pwd)
podir=$srcroot/po
domain=fieldbook
status=0
fail () { echo "FAIL: $*" >&2; status=1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# POTFILES.in without comments and blank lines.
grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$podir/POTFILES.in" > "$tmp/potfiles"

if ! LC_ALL=C sort -c "$tmp/potfiles" 2>"$tmp/sort.err"; then
  fail "po/POTFILES.in is not sorted (LC_ALL=C sort): $(cat "$tmp/sort.err")"
fi
if [ -n "$(LC_ALL=C sort "$tmp/potfiles" | uniq -d)" ]; then
  fail "po/POTFILES.in lists a file twice: $(LC_ALL=C sort "$tmp/potfiles" | uniq -d | tr '\n' ' ')"
fi
while IFS= read -r f; do
  [ -f "$srcroot/$f" ] || fail "po/POTFILES.in lists $f, which does not exist"
done < "$tmp/potfiles"

# Files under src/ that have translatable strings: gettext calls in C
# (_("…"), N_(, C_(, NC_(, ngettext/g_dngettext, with or without a space
# before the parenthesis) and translatable="yes" in GtkBuilder files.
(
  cd "$srcroot"
  grep -rlE --include='*.c' --include='*.h' \
    '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|ngettext|g_dngettext|g_dpgettext2) ?\(' src || true
  grep -rl --include='*.ui' --include='*.blp' 'translatable="yes"' src || true
) | LC_ALL=C sort -u > "$tmp/needed"
while IFS= read -r f; do
  grep -qxF "$f" "$tmp/potfiles" || fail "$f has translatable strings but is not listed in po/POTFILES.in"
done < "$tmp/needed"

# LINGUAS <-> po/*.po
grep -v -e '^[[:space:]]*#' "$podir/LINGUAS" | tr -s ' \t' '\n\n' | grep -v '^$' > "$tmp/linguas" || true
while IFS= read -r lang; do
  [ -f "$podir/$lang.po" ] || fail "po/LINGUAS lists $lang but po/$lang.po does not exist"
done < "$tmp/linguas"
for po in "$podir"/*.po; do
  [ -e "$po" ] || continue
  lang=$(basename "$po" .po)
  grep -qxF "$lang" "$tmp/linguas" || fail "po/$lang.po exists but $lang is not in po/LINGUAS"
done

# The template, as meson's glib preset makes it (fieldbook-pot target):
# ITS rules shipped with gettext/GLib/GTK cover .ui, .gschema.xml, metainfo
# and .desktop files.
if ! xgettext --package-name="$domain" \
    --directory="$srcroot" --files-from="$tmp/potfiles" \
    --output="$tmp/$domain.pot" \
    --from-code=UTF-8 --add-comments \
    --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
    --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
    --keyword=ngettext:1,2 \
    --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
    --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
    --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
    --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
    --flag=g_markup_printf_escaped:1:c-format \
    2>"$tmp/xgettext.err"; then
  cat "$tmp/xgettext.err" >&2
  fail "xgettext could not extract the template"
  exit 1
fi
# xgettext writes nothing when there is nothing to translate.
[ -f "$tmp/$domain.pot" ] || { fail "no translatable strings found"; exit 1; }
total=$(msgattrib --no-obsolete "$tmp/$domain.pot" | grep -c '^msgid ' || true)
echo "template: $((total - 1)) messages from $(wc -l < "$tmp/potfiles") files"

while IFS= read -r lang; do
  po=$podir/$lang.po
  [ -f "$po" ] || continue
  if ! msgfmt --check --output-file=/dev/null "$po" 2>"$tmp/check.err"; then
    cat "$tmp/check.err" >&2
    fail "po/$lang.po does not pass msgfmt --check"
    continue
  fi
  msgmerge --quiet --output-file="$tmp/$lang.po" "$po" "$tmp/$domain.pot"
  stats=$(LC_ALL=C msgfmt --check --statistics --output-file=/dev/null "$tmp/$lang.po" 2>&1)
  echo "$lang: $stats"
  case "$stats" in
    *fuzzy*|*untranslated*)
      fail "po/$lang.po is incomplete against the current sources: $stats"
      LC_ALL=C msgattrib --only-fuzzy --no-obsolete "$tmp/$lang.po" | grep '^msgid' | sed "s/^/  fuzzy $lang: /" >&2 || true
      LC_ALL=C msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep '^msgid' | sed "s/^/  untranslated $lang: /" >&2 || true
      ;;
  esac
done < "$tmp/linguas"

exit $status
