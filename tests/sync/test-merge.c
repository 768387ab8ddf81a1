/* test-merge.c: table-driven tests of the three-way merge of bodies and texts */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-merge"

#include "config.h"

#include <string.h>

#include "fb-merge.h"

typedef enum {
  EXPECT_CLEAN,
  EXPECT_DELETED,
  EXPECT_CONFLICT,
} Expect;

/* JSON is written with single quotes to keep the table readable; they become
 * double quotes before parsing. A literal apostrophe is written \\u0027.
 * NULL base means "no ancestor", NULL mine/theirs means "deleted". */
typedef struct {
  const char *name;
  const char *base;
  const char *mine;
  const char *theirs;
  Expect      expect;
  const char *merged;
} BodyCase;

static const BodyCase body_cases[] = {
  /* Whole bodies */
  { "all-identical",
    "{'title': 'a', 'text': 'x\\n', 'tags': []}",
    "{'title': 'a', 'text': 'x\\n', 'tags': []}",
    "{'title': 'a', 'text': 'x\\n', 'tags': []}",
    EXPECT_CLEAN, "{'title': 'a', 'text': 'x\\n', 'tags': []}" },
  { "same-edit-both-sides",
    "{'title': 'a', 'text': 'x\\n', 'tags': ['t']}",
    "{'title': 'b', 'text': 'y\\n', 'tags': ['u']}",
    "{'title': 'b', 'text': 'y\\n', 'tags': ['u']}",
    EXPECT_CLEAN, "{'title': 'b', 'text': 'y\\n', 'tags': ['u']}" },
  { "same-edit-both-sides-tags-and-order-match",
    "{'title': 'a', 'tags': ['x', 'y']}",
    "{'title': 'a', 'tags': ['y', 'x', 'z']}",
    "{'title': 'a', 'tags': ['y', 'x', 'z']}",
    EXPECT_CLEAN, "{'title': 'a', 'tags': ['y', 'x', 'z']}" },
  { "mine-unchanged-takes-theirs",
    "{'title': 'a', 'text': 'x', 'tags': []}",
    "{'title': 'a', 'text': 'x', 'tags': []}",
    "{'title': 'b', 'text': 'y', 'tags': ['t'], 'pinned': true}",
    EXPECT_CLEAN, "{'title': 'b', 'text': 'y', 'tags': ['t'], 'pinned': true}" },
  { "theirs-unchanged-keeps-mine",
    "{'title': 'a', 'text': 'x', 'tags': []}",
    "{'title': 'b', 'tags': ['t']}",
    "{'title': 'a', 'text': 'x', 'tags': []}",
    EXPECT_CLEAN, "{'title': 'b', 'tags': ['t']}" },
  { "integer-and-double-same-number",
    "{'n': 1}",
    "{'n': 4}",
    "{'n': 4.0}",
    EXPECT_CLEAN, "{'n': 4}" },

  /* Note fields */
  { "different-fields-edited",
    "{'title': 'Trip', 'text': 'Pack boots.\\n', 'tags': []}",
    "{'title': 'Trip to Skye', 'text': 'Pack boots.\\n', 'tags': []}",
    "{'title': 'Trip', 'text': 'Pack boots and a map.\\n', 'tags': []}",
    EXPECT_CLEAN, "{'title': 'Trip to Skye', 'text': 'Pack boots and a map.\\n', 'tags': []}" },
  { "different-fields-edited-tags-and-text",
    "{'title': 'T', 'text': 'a\\n', 'tags': ['x']}",
    "{'title': 'T', 'text': 'a\\n', 'tags': ['x', 'y']}",
    "{'title': 'T', 'text': 'b\\n', 'tags': ['x']}",
    EXPECT_CLEAN, "{'title': 'T', 'text': 'b\\n', 'tags': ['x', 'y']}" },
  { "title-edited-differently",
    "{'title': 'Trip', 'text': ''}",
    "{'title': 'Trip to Skye', 'text': ''}",
    "{'title': 'Trip to Mull', 'text': ''}",
    EXPECT_CONFLICT, NULL },
  { "title-same-edit-text-different-paragraphs",
    "{'title': 'T', 'text': 'one\\n\\ntwo\\n'}",
    "{'title': 'U', 'text': 'ONE\\n\\ntwo\\n'}",
    "{'title': 'U', 'text': 'one\\n\\nTWO\\n'}",
    EXPECT_CLEAN, "{'title': 'U', 'text': 'ONE\\n\\nTWO\\n'}" },

  /* Text */
  { "text-different-paragraphs",
    "{'text': 'First para.\\n\\nSecond para.\\n\\nThird para.\\n'}",
    "{'text': 'First para, edited.\\n\\nSecond para.\\n\\nThird para.\\n'}",
    "{'text': 'First para.\\n\\nSecond para.\\n\\nThird para, edited.\\n'}",
    EXPECT_CLEAN,
    "{'text': 'First para, edited.\\n\\nSecond para.\\n\\nThird para, edited.\\n'}" },
  { "text-same-line-edited-differently",
    "{'text': 'a\\nb\\nc\\n'}",
    "{'text': 'a\\nB1\\nc\\n'}",
    "{'text': 'a\\nB2\\nc\\n'}",
    EXPECT_CONFLICT, NULL },
  { "text-same-line-same-edit-plus-other-line",
    "{'text': 'a\\nb\\nc\\nd\\ne\\n'}",
    "{'text': 'a\\nB\\nc\\nd\\ne\\n'}",
    "{'text': 'a\\nB\\nc\\nd\\nE\\n'}",
    EXPECT_CLEAN, "{'text': 'a\\nB\\nc\\nd\\nE\\n'}" },
  /* Neighbouring lines changed on each side are different lines: merged. */
  { "text-adjacent-lines-merge",
    "{'text': 'a\\nb\\nc\\n'}",
    "{'text': 'a\\nB\\nc\\n'}",
    "{'text': 'a\\nb\\nC\\n'}",
    EXPECT_CLEAN, "{'text': 'a\\nB\\nC\\n'}" },
  { "text-adjacent-first-and-second-line",
    "{'text': 'one\\ntwo\\nthree\\n'}",
    "{'text': 'ONE\\ntwo\\nthree\\n'}",
    "{'text': 'one\\nTWO\\nthree\\n'}",
    EXPECT_CLEAN, "{'text': 'ONE\\nTWO\\nthree\\n'}" },
  { "text-adjacent-insert-after-line-1-vs-change-line-2",
    "{'text': 'one\\ntwo\\nthree\\n'}",
    "{'text': 'one\\nnew\\ntwo\\nthree\\n'}",
    "{'text': 'one\\nTWO\\nthree\\n'}",
    EXPECT_CLEAN, "{'text': 'one\\nnew\\nTWO\\nthree\\n'}" },
  { "text-adjacent-insert-after-line-2-vs-change-line-2",
    "{'text': 'one\\ntwo\\nthree\\n'}",
    "{'text': 'one\\ntwo\\nnew\\nthree\\n'}",
    "{'text': 'one\\nTWO\\nthree\\n'}",
    EXPECT_CLEAN, "{'text': 'one\\nTWO\\nnew\\nthree\\n'}" },
  { "text-adjacent-delete-line-1-vs-change-line-2",
    "{'text': 'one\\ntwo\\nthree\\n'}",
    "{'text': 'two\\nthree\\n'}",
    "{'text': 'one\\nTWO\\nthree\\n'}",
    EXPECT_CLEAN, "{'text': 'TWO\\nthree\\n'}" },
  { "text-adjacent-delete-line-2-vs-change-line-1",
    "{'text': 'one\\ntwo\\nthree\\n'}",
    "{'text': 'one\\nthree\\n'}",
    "{'text': 'ONE\\ntwo\\nthree\\n'}",
    EXPECT_CLEAN, "{'text': 'ONE\\nthree\\n'}" },
  { "text-adjacent-delete-vs-change-same-line",
    "{'text': 'one\\ntwo\\nthree\\n'}",
    "{'text': 'one\\nthree\\n'}",
    "{'text': 'one\\nTWO\\nthree\\n'}",
    EXPECT_CONFLICT, NULL },
  { "text-adjacent-at-end-change-last-vs-append",
    "{'text': 'one\\ntwo\\n'}",
    "{'text': 'one\\nTWO\\n'}",
    "{'text': 'one\\ntwo\\nthree\\n'}",
    EXPECT_CLEAN, "{'text': 'one\\nTWO\\nthree\\n'}" },
  { "text-adjacent-at-end-last-two-lines",
    "{'text': 'one\\ntwo\\nthree\\n'}",
    "{'text': 'one\\nTWO\\nthree\\n'}",
    "{'text': 'one\\ntwo\\nTHREE\\n'}",
    EXPECT_CLEAN, "{'text': 'one\\nTWO\\nTHREE\\n'}" },
  { "text-adjacent-no-final-newline",
    "{'text': 'one\\ntwo'}",
    "{'text': 'ONE\\ntwo'}",
    "{'text': 'one\\nTWO'}",
    EXPECT_CLEAN, "{'text': 'ONE\\nTWO'}" },
  { "text-adjacent-no-final-newline-append-vs-change-last",
    "{'text': 'one\\ntwo'}",
    "{'text': 'one\\ntwo\\nthree'}",
    "{'text': 'one\\nTWO'}",
    EXPECT_CLEAN, "{'text': 'one\\nTWO\\nthree'}" },
  { "text-insert-same-place-same-text",
    "{'text': 'one\\ntwo\\n'}",
    "{'text': 'one\\nnew\\ntwo\\n'}",
    "{'text': 'one\\nnew\\ntwo\\n'}",
    EXPECT_CLEAN, "{'text': 'one\\nnew\\ntwo\\n'}" },
  { "text-insert-same-place-different-text",
    "{'text': 'one\\ntwo\\n'}",
    "{'text': 'one\\nmine\\ntwo\\n'}",
    "{'text': 'one\\ntheirs\\ntwo\\n'}",
    EXPECT_CONFLICT, NULL },
  { "text-insert-inside-changed-block",
    "{'text': 'one\\ntwo\\nthree\\n'}",
    "{'text': 'ONE\\nTWO\\nthree\\n'}",
    "{'text': 'one\\nnew\\ntwo\\nthree\\n'}",
    EXPECT_CONFLICT, NULL },
  { "text-overlapping-changes-agree-on-shared-line",
    "{'text': 'a\\nb\\nc\\nd\\n'}",
    "{'text': 'a\\nB\\nC\\nd\\n'}",
    "{'text': 'a\\nB\\nc\\nd\\n'}",
    EXPECT_CLEAN, "{'text': 'a\\nB\\nC\\nd\\n'}" },
  { "text-overlapping-changes-differ-on-shared-line",
    "{'text': 'a\\nb\\nc\\nd\\n'}",
    "{'text': 'a\\nB\\nC\\nd\\n'}",
    "{'text': 'a\\nb\\nC2\\nd\\n'}",
    EXPECT_CONFLICT, NULL },
  { "text-two-lines-joined-vs-one-of-them-changed",
    "{'text': 'a\\nb\\nc\\nd\\n'}",
    "{'text': 'a\\nb c\\nd\\n'}",
    "{'text': 'a\\nb\\nC\\nd\\n'}",
    EXPECT_CONFLICT, NULL },
  { "text-insert-top-vs-append-bottom",
    "{'text': 'middle 1\\nmiddle 2\\n'}",
    "{'text': 'top\\nmiddle 1\\nmiddle 2\\n'}",
    "{'text': 'middle 1\\nmiddle 2\\nbottom\\n'}",
    EXPECT_CLEAN, "{'text': 'top\\nmiddle 1\\nmiddle 2\\nbottom\\n'}" },
  { "text-insert-top-vs-append-bottom-one-line",
    "{'text': 'only\\n'}",
    "{'text': 'top\\nonly\\n'}",
    "{'text': 'only\\nbottom\\n'}",
    EXPECT_CLEAN, "{'text': 'top\\nonly\\nbottom\\n'}" },
  { "text-insert-top-vs-append-bottom-no-final-newline",
    "{'text': 'a\\nb'}",
    "{'text': 'top\\na\\nb'}",
    "{'text': 'a\\nb\\nbottom'}",
    EXPECT_CLEAN, "{'text': 'top\\na\\nb\\nbottom'}" },
  { "text-both-append-differently",
    "{'text': 'a\\n'}",
    "{'text': 'a\\nmine\\n'}",
    "{'text': 'a\\ntheirs\\n'}",
    EXPECT_CONFLICT, NULL },
  { "text-trailing-newline-added-one-side",
    "{'text': 'a\\nb\\nc'}",
    "{'text': 'a\\nb\\nc\\n'}",
    "{'text': 'A\\nb\\nc'}",
    EXPECT_CLEAN, "{'text': 'A\\nb\\nc\\n'}" },
  { "text-trailing-newline-added-other-side-edits-last-line",
    "{'text': 'a\\nb'}",
    "{'text': 'a\\nb\\n'}",
    "{'text': 'a\\nB'}",
    EXPECT_CLEAN, "{'text': 'a\\nB\\n'}" },
  { "text-trailing-newline-removed-one-side",
    "{'text': 'a\\nb\\nc\\n'}",
    "{'text': 'A\\nb\\nc\\n'}",
    "{'text': 'a\\nb\\nc'}",
    EXPECT_CLEAN, "{'text': 'A\\nb\\nc'}" },
  { "text-trailing-newline-only-change-taken-verbatim",
    "{'title': 'x', 'text': 'a\\nb'}",
    "{'title': 'y', 'text': 'a\\nb'}",
    "{'title': 'x', 'text': 'a\\nb\\n'}",
    EXPECT_CLEAN, "{'title': 'y', 'text': 'a\\nb\\n'}" },
  { "text-trailing-newline-added-both-sides",
    "{'text': 'a\\nb\\nc'}",
    "{'text': 'A\\nb\\nc\\n'}",
    "{'text': 'a\\nb\\nC\\n'}",
    EXPECT_CLEAN, "{'text': 'A\\nb\\nC\\n'}" },
  { "text-no-final-newline-different-lines",
    "{'text': 'one\\ntwo\\nthree\\nfour'}",
    "{'text': 'ONE\\ntwo\\nthree\\nfour'}",
    "{'text': 'one\\ntwo\\nthree\\nFOUR'}",
    EXPECT_CLEAN, "{'text': 'ONE\\ntwo\\nthree\\nFOUR'}" },
  { "text-no-final-newline-same-last-line",
    "{'text': 'a\\nb'}",
    "{'text': 'a\\nb1'}",
    "{'text': 'a\\nb2'}",
    EXPECT_CONFLICT, NULL },
  { "text-crlf-lines",
    "{'text': 'a\\r\\nb\\r\\nc\\r\\n'}",
    "{'text': 'A\\r\\nb\\r\\nc\\r\\n'}",
    "{'text': 'a\\r\\nb\\r\\nC\\r\\n'}",
    EXPECT_CLEAN, "{'text': 'A\\r\\nb\\r\\nC\\r\\n'}" },
  { "text-crlf-adjacent-lines-merge",
    "{'text': 'a\\r\\nb\\r\\nc\\r\\n'}",
    "{'text': 'A\\r\\nb\\r\\nc\\r\\n'}",
    "{'text': 'a\\r\\nB\\r\\nc\\r\\n'}",
    EXPECT_CLEAN, "{'text': 'A\\r\\nB\\r\\nc\\r\\n'}" },
  { "text-both-added-no-base-key",
    "{'title': 'T'}",
    "{'title': 'T', 'text': 'mine\\n'}",
    "{'title': 'T', 'text': 'theirs\\n'}",
    EXPECT_CONFLICT, NULL },
  { "text-apostrophes-and-quotes",
    "{'text': 'it\\u0027s\\n\\n\\\"quoted\\\"\\n'}",
    "{'text': 'it\\u0027s mine\\n\\n\\\"quoted\\\"\\n'}",
    "{'text': 'it\\u0027s\\n\\n\\\"quoted\\\" too\\n'}",
    EXPECT_CLEAN, "{'text': 'it\\u0027s mine\\n\\n\\\"quoted\\\" too\\n'}" },

  /* Unicode passes through byte for byte */
  { "unicode-accents",
    "{'text': 'café\\n\\nnaïve\\n\\nrésumé\\n'}",
    "{'text': 'café crème\\n\\nnaïve\\n\\nrésumé\\n'}",
    "{'text': 'café\\n\\nnaïve\\n\\nrésumé à jour\\n'}",
    EXPECT_CLEAN, "{'text': 'café crème\\n\\nnaïve\\n\\nrésumé à jour\\n'}" },
  { "unicode-cjk",
    "{'title': '旅行', 'text': '你好\\n\\n世界\\n\\n日本語のテキスト\\n'}",
    "{'title': '旅行', 'text': '你好，朋友\\n\\n世界\\n\\n日本語のテキスト\\n'}",
    "{'title': '旅行', 'text': '你好\\n\\n世界\\n\\n한국어 텍스트\\n'}",
    EXPECT_CLEAN, "{'title': '旅行', 'text': '你好，朋友\\n\\n世界\\n\\n한국어 텍스트\\n'}" },
  { "unicode-cjk-same-line-conflict",
    "{'text': '你好\\n'}",
    "{'text': '你好吗\\n'}",
    "{'text': '您好\\n'}",
    EXPECT_CONFLICT, NULL },
  { "unicode-emoji",
    "{'title': 'Trip', 'text': '🏔️ climb\\n\\n🍕 eat\\n\\n😴 sleep\\n'}",
    "{'title': 'Trip 🇬🇧', 'text': '🏔️ climb 👍🏽\\n\\n🍕 eat\\n\\n😴 sleep\\n'}",
    "{'title': 'Trip', 'text': '🏔️ climb\\n\\n🍕 eat\\n\\n😴 sleep 👨‍👩‍👧\\n'}",
    EXPECT_CLEAN,
    "{'title': 'Trip 🇬🇧', 'text': '🏔️ climb 👍🏽\\n\\n🍕 eat\\n\\n😴 sleep 👨‍👩‍👧\\n'}" },
  { "unicode-combining-marks",
    "{'text': 'cafe\\u0301\\n\\nx\\n\\nn\\u0303\\n'}",
    "{'text': 'cafe\\u0301 noir\\n\\nx\\n\\nn\\u0303\\n'}",
    "{'text': 'cafe\\u0301\\n\\nx\\n\\nn\\u0303a\\u0308\\n'}",
    EXPECT_CLEAN, "{'text': 'cafe\\u0301 noir\\n\\nx\\n\\nn\\u0303a\\u0308\\n'}" },
  { "unicode-combining-marks-raw-bytes",
    "{'text': 'cafe\u0301\\n\\nx\\n\\nn\u0303\\n'}",
    "{'text': 'cafe\u0301 noir\\n\\nx\\n\\nn\u0303\\n'}",
    "{'text': 'cafe\u0301\\n\\nx\\n\\nn\u0303a\u0308\\n'}",
    EXPECT_CLEAN, "{'text': 'cafe\u0301 noir\\n\\nx\\n\\nn\u0303a\u0308\\n'}" },
  { "unicode-nfc-vs-nfd-is-a-difference",
    "{'title': 'cafe'}",
    "{'title': 'caf\u00e9'}",
    "{'title': 'cafe\u0301'}",
    EXPECT_CONFLICT, NULL },
  { "unicode-astral-in-unchanged-and-changed-lines",
    "{'text': '𝄞 music\\n\\n𠜎 rare\\n'}",
    "{'text': '𝄞 music 𝄢\\n\\n𠜎 rare\\n'}",
    "{'text': '𝄞 music\\n\\n𠜎 rare 𠜱\\n'}",
    EXPECT_CLEAN, "{'text': '𝄞 music 𝄢\\n\\n𠜎 rare 𠜱\\n'}" },

  /* Tags */
  { "tags-added-both-sides",
    "{'tags': ['a']}",
    "{'tags': ['a', 'mine']}",
    "{'tags': ['a', 'theirs']}",
    EXPECT_CLEAN, "{'tags': ['a', 'mine', 'theirs']}" },
  { "tags-removed-one-added-other",
    "{'tags': ['a', 'b', 'c']}",
    "{'tags': ['a', 'c']}",
    "{'tags': ['a', 'b', 'c', 'd']}",
    EXPECT_CLEAN, "{'tags': ['a', 'c', 'd']}" },
  { "tags-removed-both-sides-different",
    "{'tags': ['a', 'b', 'c']}",
    "{'tags': ['b', 'c']}",
    "{'tags': ['a', 'b']}",
    EXPECT_CLEAN, "{'tags': ['b']}" },
  { "tags-same-added-both-sides",
    "{'tags': ['a']}",
    "{'tags': ['a', 'x', 'm']}",
    "{'tags': ['t', 'x', 'a']}",
    EXPECT_CLEAN, "{'tags': ['a', 'x', 'm', 't']}" },
  { "tags-removed-by-theirs-kept-by-mine-reordered",
    "{'tags': ['a', 'b', 'c']}",
    "{'tags': ['c', 'b', 'a']}",
    "{'tags': ['a', 'c']}",
    EXPECT_CLEAN, "{'tags': ['c', 'a']}" },
  { "tags-all-removed-one-side-added-other",
    "{'tags': ['a']}",
    "{'tags': []}",
    "{'tags': ['a', 'b']}",
    EXPECT_CLEAN, "{'tags': ['b']}" },
  { "tags-unicode",
    "{'tags': ['été']}",
    "{'tags': ['été', '日記']}",
    "{'tags': ['🌲']}",
    EXPECT_CLEAN, "{'tags': ['日記', '🌲']}" },
  { "tags-key-added-both-sides",
    "{'title': 'T'}",
    "{'title': 'T', 'tags': ['x']}",
    "{'title': 'T', 'tags': ['y', 'x']}",
    EXPECT_CLEAN, "{'title': 'T', 'tags': ['x', 'y']}" },
  { "tags-removed-key-vs-added-tag",
    "{'title': 'T', 'tags': ['x']}",
    "{'title': 'T'}",
    "{'title': 'T', 'tags': ['x', 'y']}",
    EXPECT_CONFLICT, NULL },
  { "tags-not-strings-is-a-conflict",
    "{'tags': [1]}",
    "{'tags': [1, 2]}",
    "{'tags': [1, 3]}",
    EXPECT_CONFLICT, NULL },

  /* Records */
  { "record-different-fields-changed",
    "{'title': 'Oak', 'fields': {'height': '12 m', 'girth': '3 m'}, 'order': ['height', 'girth']}",
    "{'title': 'Oak', 'fields': {'height': '13 m', 'girth': '3 m'}, 'order': ['height', 'girth']}",
    "{'title': 'Oak', 'fields': {'height': '12 m', 'girth': '3.2 m'}, 'order': ['height', 'girth']}",
    EXPECT_CLEAN,
    "{'title': 'Oak', 'fields': {'height': '13 m', 'girth': '3.2 m'}, 'order': ['height', 'girth']}" },
  { "record-fields-added-each-side",
    "{'title': 'Oak', 'fields': {'height': '12 m'}, 'order': ['height']}",
    "{'title': 'Oak', 'fields': {'height': '12 m', 'age': '80'}, 'order': ['height', 'age']}",
    "{'title': 'Oak', 'fields': {'height': '12 m', 'site': 'N4'}, 'order': ['height', 'site']}",
    EXPECT_CLEAN,
    "{'title': 'Oak', 'fields': {'height': '12 m', 'age': '80', 'site': 'N4'},"
    " 'order': ['height', 'age', 'site']}" },
  { "record-field-removed-one-side-unchanged-other",
    "{'fields': {'a': '1', 'b': '2', 'c': '3'}, 'order': ['a', 'b', 'c']}",
    "{'fields': {'a': '1', 'c': '3'}, 'order': ['a', 'c']}",
    "{'fields': {'a': '1', 'b': '2', 'c': '30'}, 'order': ['a', 'b', 'c']}",
    EXPECT_CLEAN, "{'fields': {'a': '1', 'c': '30'}, 'order': ['a', 'c']}" },
  { "record-field-removed-one-side-changed-other",
    "{'fields': {'a': '1', 'b': '2'}, 'order': ['a', 'b']}",
    "{'fields': {'a': '1'}, 'order': ['a']}",
    "{'fields': {'a': '1', 'b': '20'}, 'order': ['a', 'b']}",
    EXPECT_CONFLICT, NULL },
  { "record-field-removed-both-sides",
    "{'fields': {'a': '1', 'b': '2', 'c': '3'}, 'order': ['a', 'b', 'c']}",
    "{'fields': {'a': '10', 'c': '3'}, 'order': ['a', 'c']}",
    "{'fields': {'a': '1', 'c': '30'}, 'order': ['a', 'c']}",
    EXPECT_CLEAN, "{'fields': {'a': '10', 'c': '30'}, 'order': ['a', 'c']}" },
  { "record-field-same-change-both-sides",
    "{'title': 'x', 'fields': {'a': '1'}}",
    "{'title': 'y', 'fields': {'a': '2'}}",
    "{'title': 'x', 'fields': {'a': '2'}}",
    EXPECT_CLEAN, "{'title': 'y', 'fields': {'a': '2'}}" },
  { "record-field-changed-differently",
    "{'fields': {'a': '1', 'b': 'x'}}",
    "{'fields': {'a': '2', 'b': 'x'}}",
    "{'fields': {'a': '3', 'b': 'y'}}",
    EXPECT_CONFLICT, NULL },
  { "record-multiline-field-merges-by-line",
    "{'fields': {'notes': 'line 1\\nline 2\\nline 3\\n'}}",
    "{'fields': {'notes': 'line 1 mine\\nline 2\\nline 3\\n'}}",
    "{'fields': {'notes': 'line 1\\nline 2\\nline 3 theirs\\n'}}",
    EXPECT_CLEAN, "{'fields': {'notes': 'line 1 mine\\nline 2\\nline 3 theirs\\n'}}" },
  { "record-field-number-changed-one-side",
    "{'fields': {'count': 3, 'name': 'a'}}",
    "{'fields': {'count': 4, 'name': 'a'}}",
    "{'fields': {'count': 3, 'name': 'b'}}",
    EXPECT_CLEAN, "{'fields': {'count': 4, 'name': 'b'}}" },
  { "record-field-number-changed-differently",
    "{'fields': {'count': 3}}",
    "{'fields': {'count': 4}}",
    "{'fields': {'count': 5}}",
    EXPECT_CONFLICT, NULL },
  { "record-field-type-changed-vs-edited",
    "{'fields': {'count': '3'}}",
    "{'fields': {'count': 3}}",
    "{'fields': {'count': '4'}}",
    EXPECT_CONFLICT, NULL },
  { "record-rename-vs-edit-elsewhere",
    "{'fields': {'phone': '123', 'email': 'a@b'}, 'order': ['phone', 'email']}",
    "{'fields': {'mobile': '123', 'email': 'a@b'}, 'order': ['mobile', 'email']}",
    "{'fields': {'phone': '123', 'email': 'c@d'}, 'order': ['phone', 'email']}",
    EXPECT_CLEAN,
    "{'fields': {'mobile': '123', 'email': 'c@d'}, 'order': ['mobile', 'email']}" },
  { "record-rename-vs-edit-of-renamed-field",
    "{'fields': {'phone': '123'}, 'order': ['phone']}",
    "{'fields': {'mobile': '123'}, 'order': ['mobile']}",
    "{'fields': {'phone': '456'}, 'order': ['phone']}",
    EXPECT_CONFLICT, NULL },
  { "record-same-rename-both-sides",
    "{'title': 'a', 'fields': {'phone': '123'}, 'order': ['phone']}",
    "{'title': 'b', 'fields': {'mobile': '123'}, 'order': ['mobile']}",
    "{'title': 'a', 'fields': {'mobile': '123'}, 'order': ['mobile']}",
    EXPECT_CLEAN, "{'title': 'b', 'fields': {'mobile': '123'}, 'order': ['mobile']}" },
  { "record-rename-vs-add-field",
    "{'fields': {'phone': '1'}, 'order': ['phone']}",
    "{'fields': {'mobile': '1'}, 'order': ['mobile']}",
    "{'fields': {'phone': '1', 'email': 'e'}, 'order': ['phone', 'email']}",
    EXPECT_CLEAN, "{'fields': {'mobile': '1', 'email': 'e'}, 'order': ['mobile', 'email']}" },
  { "record-nested-tags-field-is-not-a-set",
    "{'fields': {'tags': ['a']}}",
    "{'fields': {'tags': ['a', 'b']}}",
    "{'fields': {'tags': ['a', 'c']}}",
    EXPECT_CONFLICT, NULL },

  /* Order */
  { "order-reordered-mine-added-theirs",
    "{'order': ['a', 'b', 'c']}",
    "{'order': ['c', 'a', 'b']}",
    "{'order': ['a', 'd', 'b', 'c']}",
    EXPECT_CLEAN, "{'order': ['c', 'a', 'b', 'd']}" },
  { "order-added-both-sides",
    "{'order': ['a']}",
    "{'order': ['m', 'a']}",
    "{'order': ['a', 't1', 't2']}",
    EXPECT_CLEAN, "{'order': ['m', 'a', 't1', 't2']}" },
  { "order-removed-mine-reordered-theirs",
    "{'order': ['a', 'b', 'c']}",
    "{'order': ['a', 'c']}",
    "{'order': ['c', 'b', 'a']}",
    EXPECT_CLEAN, "{'order': ['a', 'c']}" },
  { "order-removed-theirs-reordered-mine",
    "{'order': ['a', 'b', 'c']}",
    "{'order': ['c', 'b', 'a']}",
    "{'order': ['a', 'c']}",
    EXPECT_CLEAN, "{'order': ['c', 'a']}" },
  { "order-not-strings-is-a-conflict",
    "{'order': [1, 2]}",
    "{'order': [2, 1]}",
    "{'order': [1, 2, 3]}",
    EXPECT_CONFLICT, NULL },
  { "order-with-duplicates-is-a-conflict",
    "{'order': ['a', 'b']}",
    "{'order': ['b', 'a']}",
    "{'order': ['a', 'b', 'a']}",
    EXPECT_CONFLICT, NULL },

  /* Keys from other clients */
  { "unknown-key-added-one-side",
    "{'title': 'a'}",
    "{'title': 'b'}",
    "{'title': 'a', 'color': 'red'}",
    EXPECT_CLEAN, "{'title': 'b', 'color': 'red'}" },
  { "unknown-key-added-both-sides-identically",
    "{'title': 'a'}",
    "{'title': 'b', 'pinned': true}",
    "{'title': 'a', 'pinned': true}",
    EXPECT_CLEAN, "{'title': 'b', 'pinned': true}" },
  { "unknown-key-added-both-sides-differently",
    "{'title': 'a'}",
    "{'title': 'b', 'pinned': true}",
    "{'title': 'a', 'pinned': false}",
    EXPECT_CONFLICT, NULL },
  { "unknown-number-changed-one-side",
    "{'title': 'a', 'rating': 3}",
    "{'title': 'b', 'rating': 3}",
    "{'title': 'a', 'rating': 4.5}",
    EXPECT_CLEAN, "{'title': 'b', 'rating': 4.5}" },
  { "unknown-bool-changed-differently",
    "{'done': null}",
    "{'done': true}",
    "{'done': false}",
    EXPECT_CONFLICT, NULL },
  { "unknown-array-changed-one-side",
    "{'title': 'a', 'points': [1, 2]}",
    "{'title': 'b', 'points': [1, 2]}",
    "{'title': 'a', 'points': [1, 2, 3]}",
    EXPECT_CLEAN, "{'title': 'b', 'points': [1, 2, 3]}" },
  { "unknown-array-changed-both-sides",
    "{'points': [1, 2]}",
    "{'points': [1, 2, 4]}",
    "{'points': [1, 2, 3]}",
    EXPECT_CONFLICT, NULL },
  { "unknown-string-array-named-like-tags-not-a-set",
    "{'labels': ['a']}",
    "{'labels': ['a', 'b']}",
    "{'labels': ['a', 'c']}",
    EXPECT_CONFLICT, NULL },
  { "unknown-key-removed-one-side-unchanged-other",
    "{'title': 'a', 'color': 'red'}",
    "{'title': 'b'}",
    "{'title': 'a', 'color': 'red'}",
    EXPECT_CLEAN, "{'title': 'b'}" },
  { "unknown-key-removed-one-side-changed-other",
    "{'title': 'a', 'color': 'red'}",
    "{'title': 'b'}",
    "{'title': 'a', 'color': 'blue'}",
    EXPECT_CONFLICT, NULL },
  { "unknown-key-removed-both-sides",
    "{'title': 'a', 'color': 'red', 'size': 1}",
    "{'title': 'b', 'size': 1}",
    "{'title': 'a', 'size': 2}",
    EXPECT_CLEAN, "{'title': 'b', 'size': 2}" },
  { "unknown-null-value-kept",
    "{'title': 'a', 'x': null}",
    "{'title': 'b', 'x': null}",
    "{'title': 'a', 'x': null, 'y': null}",
    EXPECT_CLEAN, "{'title': 'b', 'x': null, 'y': null}" },
  { "nested-unknown-objects-key-by-key",
    "{'geo': {'lat': 1, 'lon': 2, 'meta': {'src': 'gps', 'acc': 5}}}",
    "{'geo': {'lat': 1.5, 'lon': 2, 'meta': {'src': 'gps', 'acc': 5, 'alt': 10}}}",
    "{'geo': {'lat': 1, 'lon': 2, 'meta': {'src': 'manual', 'acc': 5}}}",
    EXPECT_CLEAN,
    "{'geo': {'lat': 1.5, 'lon': 2, 'meta': {'src': 'manual', 'acc': 5, 'alt': 10}}}" },
  { "nested-unknown-objects-deep-conflict",
    "{'geo': {'meta': {'src': 'gps'}}, 'title': 'a'}",
    "{'geo': {'meta': {'src': 'map'}}, 'title': 'b'}",
    "{'geo': {'meta': {'src': 'manual'}}, 'title': 'a'}",
    EXPECT_CONFLICT, NULL },
  { "nested-unknown-object-added-both-sides",
    "{'title': 'a'}",
    "{'title': 'a', 'geo': {'lat': 1, 'note': 'x'}}",
    "{'title': 'a', 'geo': {'lon': 2, 'note': 'x'}}",
    EXPECT_CLEAN, "{'title': 'a', 'geo': {'lat': 1, 'note': 'x', 'lon': 2}}" },
  { "nested-unknown-object-vs-value",
    "{'geo': {'lat': 1}}",
    "{'geo': {'lat': 2}}",
    "{'geo': 'unknown'}",
    EXPECT_CONFLICT, NULL },
  { "nested-object-removed-vs-edited-inside",
    "{'geo': {'lat': 1}, 'title': 'a'}",
    "{'title': 'b'}",
    "{'geo': {'lat': 2}, 'title': 'a'}",
    EXPECT_CONFLICT, NULL },

  /* Deletions */
  /* Another program's attachment stubs: kept, merged by name, each stub whole */
  { "attachments-kept-through-edit",
    "{'text': 'a\\n', '_attachments': {'p.png': {'stub': true, 'digest': 'd1', 'revpos': 1}}}",
    "{'text': 'b\\n', '_attachments': {'p.png': {'stub': true, 'digest': 'd1', 'revpos': 1}}}",
    "{'text': 'a\\n', '_attachments': {'p.png': {'stub': true, 'digest': 'd1', 'revpos': 1}}}",
    EXPECT_CLEAN,
    "{'text': 'b\\n', '_attachments': {'p.png': {'stub': true, 'digest': 'd1', 'revpos': 1}}}" },
  { "attachments-added-by-theirs-text-edited-by-mine",
    "{'text': 'a\\nb\\n'}",
    "{'text': 'A\\nb\\n'}",
    "{'text': 'a\\nb\\n', '_attachments': {'p.png': {'stub': true, 'digest': 'd1'}}}",
    EXPECT_CLEAN,
    "{'text': 'A\\nb\\n', '_attachments': {'p.png': {'stub': true, 'digest': 'd1'}}}" },
  { "attachments-different-names-each-side",
    "{'_attachments': {'a': {'stub': true, 'digest': 'd1'}}}",
    "{'_attachments': {'a': {'stub': true, 'digest': 'd1'}, 'b': {'stub': true, 'digest': 'd2'}}}",
    "{'_attachments': {'a': {'stub': true, 'digest': 'd1'}, 'c': {'stub': true, 'digest': 'd3'}}}",
    EXPECT_CLEAN,
    "{'_attachments': {'a': {'stub': true, 'digest': 'd1'}, 'b': {'stub': true, 'digest': 'd2'},"
    " 'c': {'stub': true, 'digest': 'd3'}}}" },
  { "attachments-removed-one-side-other-added",
    "{'_attachments': {'a': {'stub': true, 'digest': 'd1'}}}",
    "{'_attachments': {}}",
    "{'_attachments': {'a': {'stub': true, 'digest': 'd1'}, 'c': {'stub': true, 'digest': 'd3'}}}",
    EXPECT_CLEAN, "{'_attachments': {'c': {'stub': true, 'digest': 'd3'}}}" },
  /* Attachments merge as a set by name and digest, never as a conflict. */
  { "attachments-changed-mine-same-digest-theirs",
    "{'_attachments': {'a': {'stub': true, 'digest': 'd1', 'length': 1}}}",
    "{'_attachments': {'a': {'digest': 'd2', 'length': 1}}}",
    "{'_attachments': {'a': {'stub': true, 'digest': 'd1', 'length': 2}}}",
    EXPECT_CLEAN, "{'_attachments': {'a': {'digest': 'd2', 'length': 1}}}" },
  { "attachments-ours-and-the-servers-stub-are-one",
    "{'_attachments': {'a': {'content_type': 'image/png', 'digest': 'd1', 'length': 1}}}",
    "{'text': 'x', '_attachments': {'a': {'content_type': 'image/png', 'digest': 'd1', 'length': 1}}}",
    "{'_attachments': {'a': {'content_type': 'image/png', 'digest': 'd1', 'length': 1,"
    " 'revpos': 2, 'stub': true}}}",
    EXPECT_CLEAN,
    "{'text': 'x', '_attachments': {'a': {'content_type': 'image/png', 'digest': 'd1', 'length': 1,"
    " 'revpos': 2, 'stub': true}}}" },
  { "attachments-removed-mine-unchanged-theirs-as-stub",
    "{'_attachments': {'a': {'digest': 'd1'}, 'b': {'digest': 'd2'}}}",
    "{'_attachments': {'b': {'digest': 'd2'}}}",
    "{'_attachments': {'a': {'digest': 'd1', 'stub': true}, 'b': {'digest': 'd2', 'stub': true}}}",
    EXPECT_CLEAN, "{'_attachments': {'b': {'digest': 'd2', 'stub': true}}}" },
  { "attachments-removed-theirs-changed-mine",
    "{'_attachments': {'a': {'digest': 'd1'}}}",
    "{'_attachments': {'a': {'digest': 'd2'}}}",
    "{'_attachments': {}}",
    EXPECT_CLEAN, "{'_attachments': {'a': {'digest': 'd2'}}}" },
  { "attachments-same-name-other-bytes-both-kept",
    "{'title': 't'}",
    "{'title': 't', '_attachments': {'heron.jpg': {'digest': 'd2'}}}",
    "{'title': 't', '_attachments': {'heron.jpg': {'digest': 'd3', 'stub': true}}}",
    EXPECT_CLEAN,
    "{'title': 't', '_attachments': {'heron.jpg': {'digest': 'd3', 'stub': true},"
    " 'heron (2).jpg': {'digest': 'd2'}}}" },

  { "delete-vs-unchanged",
    "{'title': 'a', 'text': 'x'}",
    NULL,
    "{'title': 'a', 'text': 'x'}",
    EXPECT_DELETED, NULL },
  { "unchanged-vs-delete",
    "{'title': 'a', 'text': 'x'}",
    "{'title': 'a', 'text': 'x'}",
    NULL,
    EXPECT_DELETED, NULL },
  { "delete-vs-edit",
    "{'title': 'a', 'text': 'x'}",
    NULL,
    "{'title': 'a', 'text': 'y'}",
    EXPECT_CONFLICT, NULL },
  { "edit-vs-delete",
    "{'title': 'a', 'tags': []}",
    "{'title': 'a', 'tags': ['new']}",
    NULL,
    EXPECT_CONFLICT, NULL },
  { "both-deleted",
    "{'title': 'a'}",
    NULL,
    NULL,
    EXPECT_DELETED, NULL },
  { "both-deleted-no-base",
    NULL,
    NULL,
    NULL,
    EXPECT_DELETED, NULL },
  { "delete-no-base-vs-added",
    NULL,
    NULL,
    "{'title': 'a'}",
    EXPECT_CONFLICT, NULL },
  { "delete-no-base-vs-empty",
    NULL,
    "{}",
    NULL,
    EXPECT_DELETED, NULL },

  /* No common ancestor: both sides added */
  { "no-base-identical",
    NULL,
    "{'title': 'a', 'text': 'x\\n', 'tags': ['t']}",
    "{'title': 'a', 'text': 'x\\n', 'tags': ['t']}",
    EXPECT_CLEAN, "{'title': 'a', 'text': 'x\\n', 'tags': ['t']}" },
  { "no-base-different-keys",
    NULL,
    "{'title': 'a', 'color': 'red'}",
    "{'title': 'a', 'text': 'x\\n'}",
    EXPECT_CLEAN, "{'title': 'a', 'color': 'red', 'text': 'x\\n'}" },
  { "no-base-same-key-different",
    NULL,
    "{'title': 'a'}",
    "{'title': 'b'}",
    EXPECT_CONFLICT, NULL },
  { "no-base-tags-union",
    NULL,
    "{'title': 'a', 'tags': ['x', 'y']}",
    "{'title': 'a', 'tags': ['z', 'x']}",
    EXPECT_CLEAN, "{'title': 'a', 'tags': ['x', 'y', 'z']}" },
  { "no-base-one-side-empty",
    NULL,
    "{}",
    "{'title': 'a'}",
    EXPECT_CLEAN, "{'title': 'a'}" },
  { "no-base-nested-objects",
    NULL,
    "{'fields': {'a': '1'}, 'order': ['a']}",
    "{'fields': {'b': '2'}, 'order': ['b']}",
    EXPECT_CLEAN, "{'fields': {'a': '1', 'b': '2'}, 'order': ['a', 'b']}" },

  /* Records made from a template: a multiple choice merges as a set. */
  { "typed-choice-set-added-and-removed",
    "{'template': 't1', 'fields': {'Seen': ['feeding', 'calling']}, 'order': ['Seen']}",
    "{'template': 't1', 'fields': {'Seen': ['feeding', 'calling', 'flying']}, 'order': ['Seen']}",
    "{'template': 't1', 'fields': {'Seen': ['calling', 'nesting']}, 'order': ['Seen']}",
    EXPECT_CLEAN, "{'template': 't1', 'fields': {'Seen': ['calling', 'flying', 'nesting']},"
                  " 'order': ['Seen']}" },
  { "typed-choice-set-from-empty",
    "{'template': 't1', 'fields': {'Seen': null}, 'order': ['Seen']}",
    "{'template': 't1', 'fields': {'Seen': ['feeding']}, 'order': ['Seen']}",
    "{'template': 't1', 'fields': {'Seen': ['calling', 'feeding']}, 'order': ['Seen']}",
    EXPECT_CLEAN, "{'template': 't1', 'fields': {'Seen': ['feeding', 'calling']}, 'order': ['Seen']}" },
  { "typed-numbers-changed-differently-collide",
    "{'template': 't1', 'fields': {'Count': 3, 'Seen': ['a']}, 'order': ['Count', 'Seen']}",
    "{'template': 't1', 'fields': {'Count': 4, 'Seen': ['a']}, 'order': ['Count', 'Seen']}",
    "{'template': 't1', 'fields': {'Count': 5, 'Seen': ['a', 'b']}, 'order': ['Count', 'Seen']}",
    EXPECT_CONFLICT, NULL },
  { "typed-number-and-choice-set-different-fields",
    "{'template': 't1', 'fields': {'Count': 3, 'Seen': ['a']}, 'order': ['Count', 'Seen']}",
    "{'template': 't1', 'fields': {'Count': 4, 'Seen': ['a', 'c']}, 'order': ['Count', 'Seen']}",
    "{'template': 't1', 'fields': {'Count': 3, 'Seen': ['b']}, 'order': ['Count', 'Seen']}",
    EXPECT_CLEAN, "{'template': 't1', 'fields': {'Count': 4, 'Seen': ['c', 'b']},"
                  " 'order': ['Count', 'Seen']}" },
  { "untyped-record-list-values-still-collide",
    "{'fields': {'Seen': ['feeding', 'calling']}, 'order': ['Seen']}",
    "{'fields': {'Seen': ['feeding', 'calling', 'flying']}, 'order': ['Seen']}",
    "{'fields': {'Seen': ['calling', 'nesting']}, 'order': ['Seen']}",
    EXPECT_CONFLICT, NULL },
};

/* Texts given directly to fb_merge_text; NULL merged means a conflict. */
typedef struct {
  const char *name;
  const char *base;
  const char *mine;
  const char *theirs;
  const char *merged;
} TextCase;

static const TextCase text_cases[] = {
  { "all-equal", "a\n", "a\n", "a\n", "a\n" },
  { "all-empty", "", "", "", "" },
  { "one-side", "a\nb\n", "a\nB\n", "a\nb\n", "a\nB\n" },
  { "other-side", "a\nb\n", "a\nb\n", "a\nB\n", "a\nB\n" },
  { "same-change", "a\nb\n", "x\n", "x\n", "x\n" },
  { "separate-lines", "1\n2\n3\n4\n5\n", "one\n2\n3\n4\n5\n", "1\n2\n3\n4\nfive\n",
    "one\n2\n3\n4\nfive\n" },
  { "same-line", "1\n2\n3\n", "1\ntwo\n3\n", "1\nzwei\n3\n", NULL },
  { "base-null-identical", NULL, "x", "x", "x" },
  { "base-null-one-side", NULL, "", "x\ny", "x\ny" },
  { "base-null-both-added", NULL, "x\n", "y\n", NULL },
  { "newline-added-one-side-only", "a\nb", "a\nb\n", "a\nb", "a\nb\n" },
  { "newline-removed-one-side-only", "a\nb\n", "a\nb\n", "a\nb", "a\nb" },
  { "newline-added-vs-last-line-edited", "a\nb", "a\nb\n", "a\nc", "a\nc\n" },
  { "newline-removed-vs-first-line-edited", "a\nb\nc\n", "a\nb\nc", "A\nb\nc\n",
    "A\nb\nc" },
  { "newline-added-both-vs-edits", "a\nb\nc\nd", "A\nb\nc\nd\n", "a\nb\nc\nD\n",
    "A\nb\nc\nD\n" },
  { "no-newline-edits-apart", "a\nb\nc\nd", "A\nb\nc\nd", "a\nb\nc\nD",
    "A\nb\nc\nD" },
  { "no-newline-last-line-collides", "a\nb", "a\nB", "a\nb!", NULL },
  { "same-change-one-adds-newline", "a", "b", "b\n", "b\n" },
  { "single-line-title", "Trip", "Trip to Skye", "Trip to Mull", NULL },
  { "single-line-title-same", "Trip", "Trip!", "Trip!", "Trip!" },
  { "one-side-emptied", "a\nb\n", "", "a\nb\n", "" },
  { "emptied-vs-edited", "a\nb\n", "", "a\nB\n", NULL },
  { "blank-lines-only", "\n\n\n", "\n\n\n\n", "\n\n\n", "\n\n\n\n" },
  { "utf8-cjk", "一\n二\n三\n四\n", "壹\n二\n三\n四\n", "一\n二\n三\n肆\n",
    "壹\n二\n三\n肆\n" },
  { "utf8-emoji", "🙂\n\n🙃\n", "🙂👋\n\n🙃\n", "🙂\n\n🙃🎉", "🙂👋\n\n🙃🎉" },
  { "utf8-combining", "a\u0301\n\ne\n", "a\u0301\u0323\n\ne\n", "a\u0301\n\ne\u0308\n",
    "a\u0301\u0323\n\ne\u0308\n" },
  { "utf8-same-line", "naïve", "naïve!", "naïveté", NULL },
  { "adjacent-line-1-vs-2", "1\n2\n3\n", "one\n2\n3\n", "1\ntwo\n3\n", "one\ntwo\n3\n" },
  { "adjacent-insert-after-1-vs-change-2", "1\n2\n3\n", "1\nnew\n2\n3\n", "1\ntwo\n3\n",
    "1\nnew\ntwo\n3\n" },
  { "adjacent-delete-1-vs-change-2", "1\n2\n3\n", "2\n3\n", "1\ntwo\n3\n", "two\n3\n" },
  { "adjacent-delete-2-vs-change-3", "1\n2\n3\n", "1\n3\n", "1\n2\nthree\n", "1\nthree\n" },
  { "adjacent-at-end", "1\n2\n", "1\ntwo\n", "1\n2\n3\n", "1\ntwo\n3\n" },
  { "adjacent-at-end-both-last-lines", "1\n2\n3\n", "1\ntwo\n3\n", "1\n2\nthree\n",
    "1\ntwo\nthree\n" },
  { "adjacent-no-final-newline", "1\n2", "one\n2", "1\ntwo", "one\ntwo" },
  { "adjacent-no-final-newline-append", "1\n2", "1\ntwo", "1\n2\n3", "1\ntwo\n3" },
  { "adjacent-single-lines", "1\n2", "one\n2", "1\ntwo\n", "one\ntwo\n" },
  { "insert-same-place-differently", "1\n2\n", "1\nx\n2\n", "1\ny\n2\n", NULL },
  { "insert-same-place-identically", "1\n2\n", "1\nx\n2\n", "1\nx\n2\n", "1\nx\n2\n" },
  { "delete-vs-change-same-line", "1\n2\n3\n", "1\n3\n", "1\ntwo\n3\n", NULL },
  { "same-line-with-adjacent-merge-elsewhere", "1\n2\n3\n4\n", "one\n2\nTHREE\n4\n",
    "1\ntwo\nthree\n4\n", NULL },
  { "control-characters", "a\x01\x02\x03\x04\n\nb\t\x1b\n",
    "A\x01\x02\x03\x04\n\nb\t\x1b\n", "a\x01\x02\x03\x04\n\nB\t\x1b\n",
    "A\x01\x02\x03\x04\n\nB\t\x1b\n" },
};

static JsonObject *
parse_object (const char *quoted)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  JsonNode *root;

  if (quoted == NULL)
    return NULL;

  json = g_strdup (quoted);
  g_strdelimit (json, "'", '"');

  parser = json_parser_new ();
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);

  root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_object_ref (json_node_get_object (root));
}

static char *
object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = NULL;

  if (object == NULL)
    return g_strdup ("(null)");

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, object);

  return json_to_string (node, FALSE);
}

static void
assert_objects_equal (JsonObject *expected,
                      JsonObject *actual)
{
  if (!json_object_equal (expected, actual))
    {
      g_autofree char *e = object_to_string (expected);
      g_autofree char *a = object_to_string (actual);

      g_test_message ("expected %s", e);
      g_test_message ("actual   %s", a);
      g_test_fail_printf ("merged body differs: expected %s, got %s", e, a);
    }
}

static Expect
run_merge (JsonObject  *base,
           JsonObject  *mine,
           JsonObject  *theirs,
           JsonObject **merged)
{
  gboolean deleted = TRUE;
  FbMergeOutcome outcome;

  outcome = fb_merge_bodies (base, mine, theirs, merged, &deleted);

  if (outcome == FB_MERGE_CONFLICT)
    {
      g_assert_null (*merged);
      return EXPECT_CONFLICT;
    }

  g_assert_cmpint (outcome, ==, FB_MERGE_CLEAN);
  if (deleted)
    {
      g_assert_null (*merged);
      return EXPECT_DELETED;
    }

  g_assert_nonnull (*merged);

  return EXPECT_CLEAN;
}

static void
test_body_case (gconstpointer data)
{
  const BodyCase *c = data;
  g_autoptr(JsonObject) base = parse_object (c->base);
  g_autoptr(JsonObject) mine = parse_object (c->mine);
  g_autoptr(JsonObject) theirs = parse_object (c->theirs);
  g_autoptr(JsonObject) expected = parse_object (c->merged);
  g_autoptr(JsonObject) mine_before = parse_object (c->mine);
  g_autoptr(JsonObject) theirs_before = parse_object (c->theirs);
  g_autoptr(JsonObject) merged = NULL;
  Expect outcome;

  outcome = run_merge (base, mine, theirs, &merged);
  g_assert_cmpint (outcome, ==, c->expect);

  if (c->expect == EXPECT_CLEAN)
    assert_objects_equal (expected, merged);

  /* The inputs are left alone. */
  if (mine != NULL)
    g_assert_true (json_object_equal (mine, mine_before));
  if (theirs != NULL)
    g_assert_true (json_object_equal (theirs, theirs_before));
}

static int
compare_string_pointers (gconstpointer a,
                         gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void sort_string_arrays (JsonObject          *object,
                                const char * const  *keys,
                                gsize                n_keys);

/* Sorts top-level "tags" and "order", and a typed record's multiple
 * choices, so results of swapped sides compare: only their order depends
 * on which side is "mine". */
static void
sort_string_sets (JsonObject *object)
{
  const char *keys[] = { "tags", "order" };
  JsonObject *fields = json_object_get_member (object, "fields") != NULL &&
                       JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "fields"))
                       ? json_object_get_object_member (object, "fields") : NULL;

  sort_string_arrays (object, keys, G_N_ELEMENTS (keys));
  if (fields != NULL && json_object_has_member (object, "template"))
    {
      g_autoptr(GList) names = json_object_get_members (fields);

      for (GList *l = names; l != NULL; l = l->next)
        {
          const char *name[] = { l->data };

          sort_string_arrays (fields, name, 1);
        }
    }
}

static void
sort_string_arrays (JsonObject          *object,
                    const char * const  *keys,
                    gsize                n_keys)
{
  for (gsize k = 0; k < n_keys; k++)
    {
      JsonNode *node = json_object_get_member (object, keys[k]);
      g_autoptr(GPtrArray) strings = NULL;
      JsonArray *array;
      JsonArray *sorted;

      if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        continue;

      array = json_node_get_array (node);
      strings = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element)
              || json_node_get_value_type (element) != G_TYPE_STRING)
            return;
          g_ptr_array_add (strings, json_node_dup_string (element));
        }
      g_ptr_array_sort (strings, compare_string_pointers);

      sorted = json_array_new ();
      for (guint i = 0; i < strings->len; i++)
        json_array_add_string_element (sorted, g_ptr_array_index (strings, i));
      json_object_set_array_member (object, keys[k], sorted);
    }
}

/* Merging is symmetric up to the order of set-like arrays. */
static void
test_body_case_swapped (gconstpointer data)
{
  const BodyCase *c = data;
  g_autoptr(JsonObject) base = parse_object (c->base);
  g_autoptr(JsonObject) mine = parse_object (c->mine);
  g_autoptr(JsonObject) theirs = parse_object (c->theirs);
  g_autoptr(JsonObject) expected = parse_object (c->merged);
  g_autoptr(JsonObject) merged = NULL;
  Expect outcome;

  outcome = run_merge (base, theirs, mine, &merged);
  g_assert_cmpint (outcome, ==, c->expect);

  if (c->expect == EXPECT_CLEAN)
    {
      sort_string_sets (expected);
      sort_string_sets (merged);
      assert_objects_equal (expected, merged);
    }
}

/* Whatever base is, equal sides merge to that side, and a side equal to the
 * base yields the other side. */
static void
test_body_case_identities (gconstpointer data)
{
  const BodyCase *c = data;
  g_autoptr(JsonObject) base = parse_object (c->base);
  g_autoptr(JsonObject) mine = parse_object (c->mine);
  g_autoptr(JsonObject) theirs = parse_object (c->theirs);
  JsonObject *sides[] = { mine, theirs };

  for (gsize i = 0; i < G_N_ELEMENTS (sides); i++)
    {
      g_autoptr(JsonObject) twice = NULL;
      g_autoptr(JsonObject) from_base = NULL;
      g_autoptr(JsonObject) to_base = NULL;

      if (sides[i] == NULL)
        continue;

      g_assert_cmpint (run_merge (base, sides[i], sides[i], &twice), ==, EXPECT_CLEAN);
      assert_objects_equal (sides[i], twice);

      if (base == NULL)
        continue;

      g_assert_cmpint (run_merge (base, base, sides[i], &from_base), ==, EXPECT_CLEAN);
      assert_objects_equal (sides[i], from_base);
      g_assert_cmpint (run_merge (base, sides[i], base, &to_base), ==, EXPECT_CLEAN);
      assert_objects_equal (sides[i], to_base);
    }
}

static void
test_text_case (gconstpointer data)
{
  const TextCase *c = data;
  char *merged = (char *) "not touched";
  gboolean clean;

  clean = fb_merge_text (c->base, c->mine, c->theirs, &merged);

  if (c->merged == NULL)
    {
      if (clean)
        g_test_message ("unexpected merge: \"%s\"", merged);
      g_assert_false (clean);
      g_assert_null (merged);

      /* A collision does not depend on which side is mine either. */
      merged = (char *) "not touched";
      clean = fb_merge_text (c->base, c->theirs, c->mine, &merged);
      g_assert_false (clean);
      g_assert_null (merged);
      return;
    }

  g_assert_true (clean);
  g_assert_cmpstr (merged, ==, c->merged);
  g_assert_true (g_utf8_validate (merged, -1, NULL));
  g_free (merged);

  /* A clean merge does not depend on which side is mine. */
  clean = fb_merge_text (c->base, c->theirs, c->mine, &merged);
  g_assert_true (clean);
  g_assert_cmpstr (merged, ==, c->merged);
  g_free (merged);
}

/* The merged body is a copy: changing it must not change mine or theirs. */
static void
test_merged_is_independent (void)
{
  g_autoptr(JsonObject) base = parse_object ("{'fields': {'a': '1'}, 'geo': {'lat': 1}}");
  g_autoptr(JsonObject) mine = parse_object ("{'fields': {'a': '2'}, 'geo': {'lat': 1}}");
  g_autoptr(JsonObject) theirs = parse_object ("{'fields': {'a': '1'}, 'geo': {'lat': 2}}");
  g_autoptr(JsonObject) merged = NULL;
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(JsonObject) expected = parse_object ("{'fields': {'a': '2'}, 'geo': {'lat': 2}}");
  JsonObject *fields;

  g_assert_cmpint (run_merge (base, mine, theirs, &merged), ==, EXPECT_CLEAN);
  assert_objects_equal (expected, merged);

  fields = json_object_get_object_member (merged, "fields");
  json_object_set_string_member (fields, "a", "changed");
  json_object_set_int_member (json_object_get_object_member (merged, "geo"), "lat", 9);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (mine, "fields"),
                                                  "a"), ==, "2");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (theirs, "geo"),
                                               "lat"), ==, 2);

  /* Also when one side is taken whole. */
  g_assert_cmpint (run_merge (base, base, theirs, &copy), ==, EXPECT_CLEAN);
  json_object_set_int_member (json_object_get_object_member (copy, "geo"), "lat", 7);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (theirs, "geo"),
                                               "lat"), ==, 2);
}

/* Callers that only look at *merged may pass NULL for merged_deleted. */
static void
test_merged_deleted_optional (void)
{
  g_autoptr(JsonObject) base = parse_object ("{'title': 'a'}");
  JsonObject *merged = (JsonObject *) base;

  g_assert_cmpint (fb_merge_bodies (base, NULL, base, &merged, NULL), ==, FB_MERGE_CLEAN);
  g_assert_null (merged);
}

/* A long text with edits scattered through it, far apart. */
static void
test_text_long (void)
{
  g_autoptr(GString) base = g_string_new (NULL);
  g_autoptr(GString) mine = g_string_new (NULL);
  g_autoptr(GString) theirs = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *merged = NULL;

  for (guint i = 0; i < 2000; i++)
    {
      g_string_append_printf (base, "line %u ✓\n", i);
      g_string_append_printf (mine, i % 10 == 0 ? "line %u ✓ mine\n" : "line %u ✓\n", i);
      g_string_append_printf (theirs, i % 10 == 5 ? "line %u ✓ theirs\n" : "line %u ✓\n", i);
      g_string_append_printf (expected,
                              i % 10 == 0 ? "line %u ✓ mine\n"
                              : i % 10 == 5 ? "line %u ✓ theirs\n" : "line %u ✓\n", i);
    }

  g_assert_true (fb_merge_text (base->str, mine->str, theirs->str, &merged));
  g_assert_cmpstr (merged, ==, expected->str);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (body_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/merge/bodies/%s", body_cases[i].name);
      g_autofree char *swapped = g_strdup_printf ("/merge/bodies-swapped/%s",
                                                  body_cases[i].name);
      g_autofree char *identities = g_strdup_printf ("/merge/bodies-identities/%s",
                                                     body_cases[i].name);

      g_test_add_data_func (path, &body_cases[i], test_body_case);
      g_test_add_data_func (swapped, &body_cases[i], test_body_case_swapped);
      g_test_add_data_func (identities, &body_cases[i], test_body_case_identities);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (text_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/merge/text/%s", text_cases[i].name);

      g_test_add_data_func (path, &text_cases[i], test_text_case);
    }

  g_test_add_func ("/merge/bodies/merged-is-independent", test_merged_is_independent);
  g_test_add_func ("/merge/bodies/merged-deleted-optional", test_merged_deleted_optional);
  g_test_add_func ("/merge/text/long", test_text_long);

  return g_test_run ();
}
