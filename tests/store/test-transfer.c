/* test-transfer.c: the export file written and read item by item, with progress */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-transfer"

#include "config.h"

#include <string.h>

#include "fb-store.h"
#include "fb-test-store.h"
#include "fb-transfer.h"

typedef struct
{
  char    *dir;
  FbStore *store;
  gint64   now;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = fb_test_make_tmp_dir ();
  path = g_build_filename (f->dir, "fieldbook.db", NULL);
  f->store = fb_store_new (path, &error);
  g_assert_no_error (error);
  f->now = 1700000000000;
  _fb_store_set_clock (f->store, fb_test_clock, &f->now);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->store);
  fb_test_remove_tree (f->dir);
  g_free (f->dir);
}

static FbStore *
open_other_store (Fixture    *f,
                  const char *name)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  FbStore *store = fb_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

static void
record_progress_cb (guint    done,
                    guint    total,
                    gpointer user_data)
{
  GArray *seen = user_data;

  g_array_append_val (seen, done);
  g_array_append_val (seen, total);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/* What the window would show: the titles of the store's items, sorted. */
static char *
titles_of (FbStore *store)
{
  g_autoptr(GPtrArray) items = fb_store_list_items (store, NULL, NULL);
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();

  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (titles, (gpointer) fb_item_get_title (items->pdata[i]));
  g_ptr_array_sort (titles, compare_strings);
  g_ptr_array_add (titles, NULL);
  return g_strjoinv ("|", (char **) titles->pdata);
}

/* Text that a bracket counter could lose its way in survives the trip. */
static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  static const char *const titles[] = {
    "plain", "with \"quotes\" and } ] brackets", "back\\slash \\\" end",
    "[{\"not\": \"json\"}]", "Käse, 東京, \u00e9t\u00e9", "line\nbreak",
  };
  g_autoptr(FbStore) other = open_other_store (f, "other.db");
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *imported = NULL;
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    g_object_unref (fb_test_store_create_note (f->store, titles[i], "]}\"\\"));
  {
    g_autoptr(JsonObject) record = fb_record_body_new ("a record");
    g_autoptr(FbItem) item = NULL;

    json_object_set_object_member (record, "fields", json_object_new ());
    json_object_set_string_member (json_object_get_object_member (record, "fields"),
                                   "count", "{3}");
    item = fb_store_create_item (f->store, FB_COLLECTION_RECORDS, record, &error);
    g_assert_no_error (error);
  }

  g_assert_true (fb_transfer_export (f->store, out, record_progress_cb, seen, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (titles) + 1);
  /* After each item: done of total. */
  g_assert_cmpuint (seen->len, ==, 2 * n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (g_array_index (seen, guint, 2 * i), ==, i + 1);
      g_assert_cmpuint (g_array_index (seen, guint, 2 * i + 1), ==, n);
    }

  g_output_stream_close (out, NULL, NULL);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  g_array_set_size (seen, 0);
  in = g_memory_input_stream_new_from_bytes (bytes);
  g_assert_true (fb_transfer_import (other, in, record_progress_cb, seen, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (titles) + 1);
  /* The file's count gives the total from the first item on. */
  g_assert_cmpuint (g_array_index (seen, guint, 0), ==, 1);
  g_assert_cmpuint (g_array_index (seen, guint, 1), ==, n);

  expected = titles_of (f->store);
  imported = titles_of (other);
  g_assert_cmpstr (imported, ==, expected);
  {
    g_autoptr(GPtrArray) mine = fb_store_list_items (f->store, NULL, NULL);

    for (guint i = 0; i < mine->len; i++)
      {
        g_autoptr(FbItem) copy = fb_store_get_item (other, fb_item_get_id (mine->pdata[i]), &error);

        g_assert_no_error (error);
        g_assert_true (fb_body_equal (fb_item_get_body (copy), fb_item_get_body (mine->pdata[i])));
      }
  }
}

/* A file cut short: the items before the cut are read (and reported) one
 * at a time, then the whole import is undone. */
static void
test_cut_short (Fixture       *f,
                gconstpointer  data)
{
  const char *text =
    "{\"fieldbook\": 1, \"items\": ["
    "{\"_id\": \"a\", \"type\": \"notes\", \"title\": \"one\"},\n"
    "{\"_id\": \"b\", \"type\": \"notes\", \"title\": \"two ]}\"},\n"
    "{\"_id\": \"c\", \"type\": \"notes\", \"title\": \"thr";
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data (text, -1, NULL);
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  g_autofree char *titles = NULL;

  g_assert_false (fb_transfer_import (f->store, in, record_progress_cb, seen, NULL, NULL, &error));
  g_assert_error (error, FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_NOT_JSON);
  /* Two items were read before the cut; no total was given. */
  g_assert_cmpuint (seen->len, ==, 4);
  g_assert_cmpuint (g_array_index (seen, guint, 2), ==, 2);
  g_assert_cmpuint (g_array_index (seen, guint, 3), ==, 2);

  titles = titles_of (f->store);
  g_assert_cmpstr (titles, ==, "");
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 0);
}

/* The members in another order, unknown members, and a wrong version
 * after the items (they are rolled back). */
static void
test_member_order (Fixture       *f,
                   gconstpointer  data)
{
  const struct {
    const char   *text;
    const char   *titles;
    GQuark        domain;
    int           code;
  } cases[] = {
    { "{\"items\": [{\"_id\": \"a\", \"type\": \"notes\", \"title\": \"x\"}],"
      " \"other\": {\"items\": [1]}, \"fieldbook\": 1}", "x", 0, 0 },
    { "{\"items\": [{\"_id\": \"a\", \"type\": \"notes\", \"title\": \"y\"}], \"fieldbook\": 2}",
      "x", FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_TOO_NEW },
    { "{\"fieldbook\": 1, \"items\": []} trailing", "x", FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_NOT_JSON },
    { "{\"fieldbook\": 1}", "x", FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_NOT_EXPORT },
    { "{}", "x", FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_NOT_EXPORT },
    { "\"items\"", "x", FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_NOT_EXPORT },
    { "{\"fieldbook\": 1, \"items\": [{\"_id\": \"a\", \"type\": \"notes\", \"title\": \"z\"},]}",
      "x", FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_NOT_JSON },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data (cases[i].text, -1, NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *titles = NULL;
      gboolean ok;

      g_test_message ("Importing %s", cases[i].text);
      ok = fb_transfer_import (f->store, in, NULL, NULL, NULL, NULL, &error);
      if (cases[i].domain == 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_error (error, cases[i].domain, cases[i].code);
          g_assert_false (ok);
        }
      titles = titles_of (f->store);
      g_assert_cmpstr (titles, ==, cases[i].titles);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/transfer/round-trip", Fixture, NULL, fixture_setup, test_round_trip, fixture_teardown);
  g_test_add ("/transfer/cut-short", Fixture, NULL, fixture_setup, test_cut_short, fixture_teardown);
  g_test_add ("/transfer/member-order", Fixture, NULL, fixture_setup, test_member_order, fixture_teardown);

  return g_test_run ();
}
