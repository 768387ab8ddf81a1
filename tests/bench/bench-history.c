/* bench-history.c: what the version history costs on disk: 1,000 notes edited 50 times each */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "bench-history"

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb-store.h"
#include "fb-store-history.h"
#include "fb-store-private.h"
#include "fb-test-dir.h"

static const char * const words[] = {
  "heron", "wren", "gate", "oak", "river", "bank", "morning", "rain", "north",
  "field", "nest", "two", "eggs", "counted", "near", "the", "old", "wall", "after",
  "noon", "wind", "from", "west", "kingfisher", "flew", "low", "over", "water",
  "path", "muddy", "left", "of", "bridge", "seen", "again", "at", "dusk", "quiet",
};

/* A line of field-note prose, different for every (note, edit, line). */
static void
append_line (GString *text,
             GRand   *rand)
{
  guint n = g_rand_int_range (rand, 6, 14);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? " " : "",
                            words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
  g_string_append_printf (text, " %u.\n", g_rand_int_range (rand, 1, 500));
}

static void
free_text (gpointer text)
{
  g_string_free (text, TRUE);
}

static gint64
clock_cb (gpointer user_data)
{
  return *(gint64 *) user_data;
}

static gint64
db_bytes (FbStore *store)
{
  sqlite3 *db = _fb_store_get_db (store);
  sqlite3_stmt *stmt = NULL;
  gint64 pages = 0, size = 0, free_pages = 0;

  sqlite3_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "SELECT * FROM pragma_page_count, pragma_page_size, pragma_freelist_count",
                      -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      pages = sqlite3_column_int64 (stmt, 0);
      size = sqlite3_column_int64 (stmt, 1);
      free_pages = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_finalize (stmt);

  return (pages - free_pages) * size;
}

static gint64
raw_history_bytes (FbStore *store)
{
  sqlite3_stmt *stmt = NULL;
  gint64 bytes = 0;

  sqlite3_prepare_v2 (_fb_store_get_db (store), "SELECT coalesce (sum (size), 0) FROM history",
                      -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    bytes = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return bytes;
}

int
main (int   argc,
      char *argv[])
{
  guint n_notes = argc > 1 ? atoi (argv[1]) : 1000;
  guint n_edits = argc > 2 ? atoi (argv[2]) : 50;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fb-bench-history-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "fieldbook.db", NULL);
  g_autoptr(FbStore) store = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (free_text);
  g_autoptr(GRand) rand = g_rand_new_with_seed (8);
  gint64 now = 1700000000000;
  gint64 before, after, without, history_bytes = 0, n_versions = 0, raw;

  g_assert_no_error (error);
  store = fb_store_new (path, &error);
  g_assert_no_error (error);
  _fb_store_set_clock (store, clock_cb, &now);

  /* 1,000 notes of about 1 KB. */
  fb_store_begin (store, NULL);
  for (guint i = 0; i < n_notes; i++)
    {
      GString *text = g_string_new (NULL);
      g_autofree char *title = g_strdup_printf ("Field note %u", i);
      g_autoptr(JsonObject) body = NULL;
      g_autoptr(FbItem) item = NULL;

      while (text->len < 1000)
        append_line (text, rand);
      body = fb_note_body_new (title, text->str);
      item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, &error);
      g_assert_no_error (error);
      g_ptr_array_add (ids, g_strdup (fb_item_get_id (item)));
      g_ptr_array_add (texts, text);
    }
  fb_store_commit (store, NULL);
  before = db_bytes (store);

  /* 50 editing sessions per note, each a pause apart: every one keeps a
   * version (the most history this can make). An edit changes one line and
   * adds one, as field notes grow. */
  for (guint e = 0; e < n_edits; e++)
    {
      now += FB_HISTORY_PAUSE_MS + 1000;
      fb_store_begin (store, NULL);
      for (guint i = 0; i < n_notes; i++)
        {
          GString *text = texts->pdata[i];
          g_autofree char *title = g_strdup_printf ("Field note %u", i);
          g_autoptr(JsonObject) body = NULL;
          const char *nl = strchr (text->str + g_rand_int_range (rand, 0, text->len / 2), '\n');

          if (nl != NULL)
            g_string_insert (text, nl - text->str, " (checked)");
          append_line (text, rand);
          body = fb_note_body_new (title, text->str);
          if (!fb_store_update_item (store, ids->pdata[i], body, &error))
            g_error ("%s", error->message);
        }
      fb_store_commit (store, NULL);
    }

  after = db_bytes (store);
  fb_store_get_history_size (store, &history_bytes, &n_versions, &error);
  raw = raw_history_bytes (store);

  /* The same database without its history: what the history alone takes. */
  sqlite3_exec (_fb_store_get_db (store), "DELETE FROM history; VACUUM", NULL, NULL, NULL);
  without = db_bytes (store);

  g_print ("history of %u notes edited %u times each (a version per edit):\n", n_notes, n_edits);
  g_print ("  %" G_GINT64_FORMAT " versions, bodies %.1f MB as JSON, %.1f MB compressed (%.0f %%)\n",
           n_versions, raw / 1e6, history_bytes / 1e6, 100.0 * history_bytes / MAX (raw, 1));
  g_print ("  database: %.1f MB with the history, %.1f MB without (%.1f MB before the edits):\n"
           "  the history costs %.1f MB on disk, %.1f KB per note, %.2f KB per version\n",
           after / 1e6, without / 1e6, before / 1e6, (after - without) / 1e6,
           (after - without) / 1e3 / MAX (n_notes, 1),
           (after - without) / 1e3 / MAX (n_versions, 1));

  g_clear_object (&store);
  fb_test_remove_database (path);
  g_rmdir (dir);

  return 0;
}
