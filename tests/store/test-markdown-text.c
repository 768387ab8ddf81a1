/* test-markdown-text.c: Markdown lines as the plain text a list row shows */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-markdown-text"

#include "config.h"

#include "fb-markdown-text.h"

static void
assert_plain (const char *markdown,
              const char *expected)
{
  g_autofree char *plain = fb_markdown_line_to_plain (markdown);

  g_assert_cmpstr (plain, ==, expected);
}

static void
test_inline_marks (void)
{
  assert_plain ("**Grey heron** fishing by the weir", "Grey heron fishing by the weir");
  assert_plain ("Pair of *great crested grebes*", "Pair of great crested grebes");
  assert_plain ("__strong__ and _soft_", "strong and soft");
  assert_plain ("~~no~~ yes", "no yes");
  assert_plain ("points `A`, `B`", "points A, B");
  assert_plain ("see [the map](https://example.org/map_(old)) here", "see the map here");
  assert_plain ("![heron](heron.jpg) at dawn", "heron at dawn");
  /* A mark that is text stays. */
  assert_plain ("snake_case_name", "snake_case_name");
  assert_plain ("2 \\* 3 = 6", "2 * 3 = 6");
  assert_plain ("[not a link] really", "[not a link] really");
}

static void
test_block_marks (void)
{
  assert_plain ("## Observations", "Observations");
  assert_plain ("> Ask Maja", "Ask Maja");
  assert_plain ("- Fresh otter spraint", "Fresh otter spraint");
  assert_plain ("* item", "item");
  assert_plain ("12. Check the camera", "Check the camera");
  assert_plain ("- [ ] Buy bread", "Buy bread");
  assert_plain ("- [x] **Done** already", "Done already");
  assert_plain ("> - quoted item", "quoted item");
  /* Not marks: a hashtag, a number, a dash inside words. */
  assert_plain ("#heron count", "#heron count");
  assert_plain ("3.5 herons an hour", "3.5 herons an hour");
  assert_plain ("well-known", "well-known");
  assert_plain ("", "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/markdown-text/inline-marks", test_inline_marks);
  g_test_add_func ("/markdown-text/block-marks", test_block_marks);

  return g_test_run ();
}
