/* test-store-index.c: the full-text index holds exactly what the live rows say */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-store-index"

#include "config.h"

#include "fb-store.h"
#include "fb-test-store.h"

/* The index keeps no copy of the text (schema v8): taking a row out hands
 * FTS5 that row's text again. These tests read the index itself (through
 * fts5vocab), not search results, which join the items table and would
 * hide a row left behind. */

/* How many rows of the index hold @term. */
static gint64
docs_with (FbStore    *store,
           const char *term)
{
  sqlite3 *db = _fb_store_get_db (store);
  g_autofree char *sql = NULL;

  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab "
                                 "USING fts5vocab (main, items_fts, row)",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sql = g_strdup_printf ("SELECT coalesce ((SELECT doc FROM temp.vocab WHERE term = '%s'), 0)",
                         term);
  return fb_test_query_int (db, sql);
}

static guint
n_found (FbStore    *store,
         const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = fb_store_search (store, NULL, query, &error);

  g_assert_no_error (error);
  return found->len;
}

static void
update_note (FbStore    *store,
             FbItem     *item,
             const char *title,
             const char *text)
{
  g_autoptr(JsonObject) body = fb_note_body_new (title, text);
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_store_update_item (store, fb_item_get_id (item), body, &error));
  g_assert_no_error (error);
}

static void
assert_no_text_copy (FbStore *store)
{
  sqlite3 *db = _fb_store_get_db (store);

  g_assert_cmpint (fb_test_query_int (db, "SELECT count(*) FROM sqlite_schema "
                                          "WHERE name = 'items_fts_content'"), ==, 0);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO items_fts (items_fts) VALUES ('integrity-check')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
}

/* Edits, savepoints rolled back after a search inside them, the Trash and
 * back: every word a row no longer has is out of the index. */
static void
test_index_exact (void)
{
  g_autofree char *dir = fb_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbStore) store = fb_store_new (path, &error);
  g_autoptr(FbItem) zebra = NULL;
  g_autoptr(FbItem) yak = NULL;

  g_assert_no_error (error);
  zebra = fb_test_store_create_note (store, "Zebra", "stripes");
  yak = fb_test_store_create_note (store, "Yak", "woolly café");
  assert_no_text_copy (store);

  /* Edited twice in one transaction, searched in between, and an inner
   * level (searched too) rolled back. */
  g_assert_true (fb_store_begin (store, &error));
  update_note (store, zebra, "Zebra", "spots");
  g_assert_cmpuint (n_found (store, "spots"), ==, 1);
  g_assert_true (fb_store_begin (store, &error));
  update_note (store, zebra, "Zebra", "dots");
  g_assert_cmpuint (n_found (store, "dots"), ==, 1);
  fb_store_rollback (store);
  g_assert_cmpuint (n_found (store, "dots"), ==, 0);
  update_note (store, zebra, "Zebra", "bands");
  g_assert_true (fb_store_commit (store, &error));
  g_assert_no_error (error);

  g_assert_cmpint (docs_with (store, "stripes"), ==, 0);
  g_assert_cmpint (docs_with (store, "spots"), ==, 0);
  g_assert_cmpint (docs_with (store, "dots"), ==, 0);
  g_assert_cmpint (docs_with (store, "bands"), ==, 1);
  g_assert_cmpint (docs_with (store, "zebra"), ==, 1);

  /* To the Trash and back; the accent went in folded and comes out so. */
  g_assert_true (fb_store_delete_item (store, fb_item_get_id (yak), &error));
  g_assert_no_error (error);
  g_assert_cmpint (docs_with (store, "woolly"), ==, 0);
  g_assert_cmpint (docs_with (store, "cafe"), ==, 0);
  g_assert_true (fb_store_restore_item (store, fb_item_get_id (yak), &error));
  g_assert_no_error (error);
  g_assert_cmpint (docs_with (store, "woolly"), ==, 1);
  g_assert_cmpuint (n_found (store, "cafe"), ==, 1);
  assert_no_text_copy (store);

  g_clear_object (&store);
  fb_test_remove_tree (dir);
}

/* A v6 store (the index with its own copy of the text) is indexed again
 * from the bodies, and its rows come out of the index when edited. */
static void
test_index_migration_from_v6 (void)
{
  g_autofree char *dir = fb_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "v6.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) heron = NULL;
  g_autoptr(FbItem) trashed = NULL;
  FbStore *store;
  sqlite3 *db;

  store = fb_store_new (path, &error);
  g_assert_no_error (error);
  heron = fb_test_store_create_note (store, "Heron", "grey heron by the river");
  trashed = fb_test_store_create_note (store, "Old", "forgotten words");
  g_assert_true (fb_store_delete_item (store, fb_item_get_id (trashed), &error));
  g_assert_finalize_object (store);

  /* Back to v6, as that version wrote it. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "DROP TABLE attachment_blobs;"
                                 "DROP TABLE items_fts;"
                                 "CREATE VIRTUAL TABLE items_fts USING fts5 ("
                                 "  title, text, extra,"
                                 "  tokenize = 'unicode61 remove_diacritics 2',"
                                 "  prefix = '1 2 3');"
                                 "INSERT INTO items_fts (rowid, title, text, extra) "
                                 "  SELECT rowid, body ->> 'title', body ->> 'text', '' "
                                 "  FROM items WHERE deleted = 0;"
                                 "PRAGMA user_version = 6;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (fb_test_query_int (db, "SELECT count(*) FROM sqlite_schema "
                                          "WHERE name = 'items_fts_content'"), ==, 1);
  sqlite3_close (db);

  store = fb_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fb_test_query_int (_fb_store_get_db (store), "PRAGMA user_version"),
                   ==, FB_STORE_SCHEMA_VERSION);
  assert_no_text_copy (store);
  g_assert_cmpuint (n_found (store, "gre"), ==, 1);
  g_assert_cmpint (docs_with (store, "heron"), ==, 1);
  g_assert_cmpint (docs_with (store, "forgotten"), ==, 0);

  update_note (store, heron, "Egret", "white");
  g_assert_cmpint (docs_with (store, "heron"), ==, 0);
  g_assert_cmpint (docs_with (store, "river"), ==, 0);
  g_assert_cmpuint (n_found (store, "white"), ==, 1);
  g_assert_finalize_object (store);

  fb_test_remove_tree (dir);
}

/* The index's segments: FTS5 numbers its pages by segment, the segment
 * id above bit 37 of the row id (ids 1 and 10 are its own records). */
static gint64
n_segments (FbStore *store)
{
  return fb_test_query_int (_fb_store_get_db (store),
                            "SELECT count (DISTINCT id >> 37) FROM items_fts_data "
                            "WHERE id >> 37 > 0");
}

static void
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
set_true_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until the index has at most @most segments (the
 * merge waits for a quiet second first), or 20 s went by. */
static void
wait_for_segments (FbStore *store,
                   gint64   most)
{
  gboolean timed_out = FALSE;
  guint guard = g_timeout_add_seconds (20, set_true_cb, &timed_out);

  while (n_segments (store) > most && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (guard);
}

/* A save writes its index segment and merges nothing (schema v10): the
 * segments are merged once the index was left alone for a second and the
 * main loop is idle, and every search is exact before and after. */
static void
test_index_merged_while_idle (void)
{
  g_autofree char *dir = fb_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "merge.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_object_unref);
  FbStore *store;
  gint64 before, after;

  store = fb_store_new (path, &error);
  g_assert_no_error (error);
  /* FTS5 would merge at a commit every 64 pages written, too rarely to
   * see in a few small saves: the setting itself. */
  g_assert_cmpint (fb_test_query_int (_fb_store_get_db (store),
                                      "SELECT v FROM items_fts_config WHERE k = 'automerge'"),
                   ==, 0);
  drain_main_context ();
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *title = g_strdup_printf ("Note %u", i);

      g_ptr_array_add (notes, fb_test_store_create_note (store, title, "a heron by the river"));
    }
  for (guint i = 0; i < notes->len; i++)
    update_note (store, notes->pdata[i], "Egret", i % 2 == 0 ? "white egret" : "grey heron");

  /* 24 commits, a segment each; FTS5's crisismerge made 16 of them one. */
  before = n_segments (store);
  g_assert_cmpint (before, >=, 8);
  g_assert_cmpuint (n_found (store, "heron"), ==, 6);
  g_assert_cmpuint (n_found (store, "white"), ==, 6);
  g_assert_cmpuint (n_found (store, "riv"), ==, 0);

  /* Nothing merged while the saves went on. */
  drain_main_context ();
  g_assert_cmpint (n_segments (store), ==, before);
  wait_for_segments (store, 4);
  after = n_segments (store);
  g_test_message ("index segments: %" G_GINT64_FORMAT " after the saves, %" G_GINT64_FORMAT
                  " once idle", before, after);
  g_assert_cmpint (after, <=, 4);
  g_assert_cmpuint (n_found (store, "heron"), ==, 6);
  g_assert_cmpuint (n_found (store, "white"), ==, 6);
  g_assert_cmpuint (n_found (store, "riv"), ==, 0);
  g_assert_cmpint (docs_with (store, "river"), ==, 0);
  g_assert_cmpint (docs_with (store, "egret"), ==, 12);
  g_assert_cmpint (sqlite3_exec (_fb_store_get_db (store),
                                 "INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 0)",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_finalize_object (store);

  fb_test_remove_tree (dir);
}

/* A v9 file (FTS5's automerge at its default) stops merging at commits. */
static void
test_index_migration_from_v9 (void)
{
  g_autofree char *dir = fb_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "v9.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) heron = NULL;
  FbStore *store;
  sqlite3 *db;

  store = fb_store_new (path, &error);
  g_assert_no_error (error);
  heron = fb_test_store_create_note (store, "Heron", "grey heron by the river");
  g_assert_finalize_object (store);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "DELETE FROM items_fts_config WHERE k = 'automerge';"
                                 "PRAGMA user_version = 9;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = fb_store_new (path, &error);
  g_assert_no_error (error);
  db = _fb_store_get_db (store);
  g_assert_cmpint (fb_test_query_int (db, "PRAGMA user_version"), ==, FB_STORE_SCHEMA_VERSION);
  g_assert_cmpint (fb_test_query_int (db, "SELECT v FROM items_fts_config WHERE k = 'automerge'"),
                   ==, 0);
  g_assert_cmpuint (n_found (store, "heron"), ==, 1);
  g_assert_finalize_object (store);

  fb_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/index/exact", test_index_exact);
  g_test_add_func ("/store/index/migration-from-v6", test_index_migration_from_v6);
  g_test_add_func ("/store/index/merged-while-idle", test_index_merged_while_idle);
  g_test_add_func ("/store/index/migration-from-v9", test_index_migration_from_v9);

  return g_test_run ();
}
