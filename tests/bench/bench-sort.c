/* bench-sort.c: the item list at 100,000 notes sorted by modification, creation and title, in figures */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "bench-sort"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "fb-item-body.h"
#include "fb-item-list.h"
#include "fb-item-sort.h"
#include "fb-test-store.h"

/* Prints figures, never asserts a time. Notes of about 1 KB with titles of
 * three words (some with umlauts), one in a thousand pinned. */

static const char *const words[] = {
  "heron", "Kingfisher", "äsche", "weir", "Öl", "river", "mud", "Reed", "stone",
  "Ufer", "nest", "dipper", "Zander", "bank", "egret",
};

static double
list_ms (FbStore    *store,
         FbItemSort  sort,
         guint      *n)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(FbItemList) list = g_object_new (FB_TYPE_ITEM_LIST, "store", store,
                                             "collection", FB_COLLECTION_NOTES, NULL);
  double ms;

  /* A list made for the default order, then switched: what the window does. */
  if (sort != FB_ITEM_SORT_MODIFIED)
    {
      start = g_get_monotonic_time ();
      fb_item_list_set_sort (list, sort);
    }
  ms = (g_get_monotonic_time () - start) / 1000.0;
  *n = g_list_model_get_n_items (G_LIST_MODEL (list));
  return ms;
}

int
main (int   argc,
      char *argv[])
{
  guint n_notes = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(FbStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (14);
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 start;

  setlocale (LC_ALL, "");
  dir = fb_test_make_tmp_dir ();
  path = g_build_filename (dir, "fieldbook.db", NULL);
  store = fb_store_new (path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 100; i++)
    g_string_append_printf (text, "%s ", words[i % G_N_ELEMENTS (words)]);

  start = g_get_monotonic_time ();
  fb_store_begin (store, NULL);
  for (guint i = 0; i < n_notes; i++)
    {
      g_autofree char *title = g_strdup_printf ("%s %s %u",
                                                words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))],
                                                words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))],
                                                g_rand_int_range (rand, 0, 1000));
      g_autoptr(JsonObject) body = fb_note_body_new (title, text->str);
      g_autoptr(FbItem) item = NULL;

      if (i % 1000 == 0)
        json_object_set_boolean_member (body, "pinned", TRUE);
      item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, &error);
      g_assert_no_error (error);
      if (i % 5000 == 4999)
        {
          fb_store_commit (store, &error);
          g_assert_no_error (error);
          fb_store_begin (store, NULL);
        }
    }
  fb_store_commit (store, &error);
  g_assert_no_error (error);
  printf ("built %u notes in %.1f s\n", n_notes, (g_get_monotonic_time () - start) / 1e6);

  for (guint round = 0; round < 2; round++)
    for (FbItemSort sort = FB_ITEM_SORT_MODIFIED; sort <= FB_ITEM_SORT_TITLE; sort++)
      {
        guint n;
        double ms = list_ms (store, sort, &n);

        printf ("round %u: list of %u sorted by %s: %.0f ms\n", round + 1, n,
                fb_item_sort_to_string (sort), ms);
      }

  g_clear_object (&store);
  fb_test_remove_tree (dir);
  return 0;
}
