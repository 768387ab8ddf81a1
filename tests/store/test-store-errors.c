/* test-store-errors.c: what the store says when the disk, the file or another program gets in the way */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-store-errors"

#include "config.h"

#include <string.h>

#include "fb-store.h"
#include "fb-test-store.h"

typedef struct
{
  char    *dir;
  char    *path;
  guint    changed;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = fb_test_make_tmp_dir ();
  f->path = g_build_filename (f->dir, "fieldbook.db", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  fb_test_remove_tree (f->dir);
  g_assert_false (g_file_test (f->dir, G_FILE_TEST_EXISTS));
  g_free (f->dir);
  g_free (f->path);
}

static void
count_changed_cb (FbStore *store,
                  FbItem  *item,
                  Fixture *f)
{
  f->changed++;
}

static FbStore *
open_ok (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  FbStore *store = fb_store_new (f->path, &error);

  g_assert_no_error (error);
  g_signal_connect (store, "item-changed", G_CALLBACK (count_changed_cb), f);

  return store;
}

static void
assert_open_fails (const char *path,
                   int         code,
                   const char *message_part)
{
  g_autoptr(GError) error = NULL;
  FbStore *store = fb_store_new (path, &error);

  g_assert_null (store);
  g_assert_error (error, FB_STORE_ERROR, code);
  g_test_message ("%s → %s", path, error->message);
  if (message_part != NULL)
    g_assert_nonnull (strstr (error->message, message_part));
}

/* ---- Opening ---- */

static void
test_unwritable_folder (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *file = g_build_filename (f->dir, "afile", NULL);
  g_autofree char *under_file = g_build_filename (file, "sub", "fieldbook.db", NULL);
  g_autofree char *directly_under_file = g_build_filename (file, "fieldbook.db", NULL);
  g_autoptr(GError) error = NULL;

  /* A regular file where a folder should be stops root as well. */
  g_file_set_contents (file, "not a folder", -1, &error);
  g_assert_no_error (error);

  assert_open_fails (under_file, FB_STORE_ERROR_OPEN, "afile");
  assert_open_fails (directly_under_file, FB_STORE_ERROR_OPEN, "afile");
  assert_open_fails ("/proc/fieldbook-test/fieldbook.db", FB_STORE_ERROR_OPEN, "/proc");
  /* The database path is a folder. */
  assert_open_fails (f->dir, FB_STORE_ERROR_OPEN, f->dir);

  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
}

static void
assert_not_a_database (Fixture    *f,
                       const char *contents,
                       gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *expected = NULL;
  gsize after_length;

  g_file_set_contents (f->path, contents, length, &error);
  g_assert_no_error (error);

  expected = g_strdup_printf ("The database file “%s” is not a Fieldbook database", f->path);
  assert_open_fails (f->path, FB_STORE_ERROR_NOT_A_DATABASE, expected);

  /* The person's file is left exactly as it was. */
  g_file_get_contents (f->path, &after, &after_length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (after, after_length, contents, length);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_random_bytes (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  guint8 bytes[8192];

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = g_rand_int_range (rand, 0, 256);

  assert_not_a_database (f, (const char *) bytes, sizeof bytes);
}

static void
test_text_file (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < 200; i++)
    g_string_append_printf (text, "Line %u of my shopping list\n", i);
  assert_not_a_database (f, text->str, text->len);
}

static void
test_short_text_file (Fixture       *f,
                      gconstpointer  data)
{
  assert_not_a_database (f, "hello\n", 6);
}

static void
test_other_sqlite_database (Fixture       *f,
                            gconstpointer  data)
{
  sqlite3 *db = NULL;
  g_autofree char *expected = NULL;

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT);"
                                     "INSERT INTO photos (name) VALUES ('beach.jpg');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  expected = g_strdup_printf ("The database file “%s” is not a Fieldbook database", f->path);
  assert_open_fails (f->path, FB_STORE_ERROR_NOT_A_DATABASE, expected);

  /* Untouched: no Fieldbook tables were added to it. */
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (fb_test_query_int (db, "SELECT count(*) FROM sqlite_schema"), ==, 1);
  g_assert_cmpint (fb_test_query_int (db, "PRAGMA user_version"), ==, 0);
  sqlite3_close (db);
}

static void
test_too_new (Fixture       *f,
              gconstpointer  data)
{
  FbStore *store = open_ok (f);
  sqlite3 *db = NULL;

  g_assert_finalize_object (store);

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  assert_open_fails (f->path, FB_STORE_ERROR_TOO_NEW, "newer version of Fieldbook");
}

static void
test_corrupt (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  FbStore *store = open_ok (f);

  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(JsonObject) body = fb_note_body_new ("some", "text to fill pages");

      g_object_unref (fb_store_create_item (store, FB_COLLECTION_NOTES, body, &error));
      g_assert_no_error (error);
    }
  g_assert_finalize_object (store);

  /* Scribble over the first page after the header: the schema is there. */
  g_file_get_contents (f->path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 4096);
  memset (contents + 100, 0x5a, 4096 - 100);
  g_file_set_contents (f->path, contents, length, &error);
  g_assert_no_error (error);

  assert_open_fails (f->path, FB_STORE_ERROR_CORRUPT, "is damaged");
}

/* ---- Another program holds the database ---- */

static void
test_busy_write (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = fb_note_body_new ("Mine", "before");
  g_autoptr(JsonObject) edit = fb_note_body_new ("Mine", "after");
  g_autoptr(FbItem) item = NULL;
  g_autoptr(FbItem) unchanged = NULL;
  g_autoptr(FbItem) created = NULL;
  g_autoptr(FbItem) edited = NULL;
  g_autofree char *expected = NULL;
  FbStore *store = open_ok (f);
  sqlite3 *other = NULL;

  item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, &error);
  g_assert_no_error (error);
  _fb_store_set_busy_timeout (store, 20);
  f->changed = 0;

  /* A second connection, as another program would have, holds the write
   * lock. */
  g_assert_cmpint (sqlite3_open (f->path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE;"
                                        "INSERT INTO meta VALUES ('held', 'by another program')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);

  g_assert_false (fb_store_update_item (store, fb_item_get_id (item), edit, &error));
  expected = g_strdup_printf ("Another program is using the database “%s”", f->path);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, expected));
  g_clear_error (&error);

  created = fb_store_create_item (store, FB_COLLECTION_NOTES, edit, &error);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_BUSY);
  g_assert_null (created);
  g_clear_error (&error);

  /* Readers are not blocked (WAL) and see nothing half-written. */
  unchanged = fb_store_get_item (store, fb_item_get_id (item), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_item_get_text (unchanged), ==, "before");
  g_assert_cmpint (fb_item_get_local_seq (unchanged), ==, fb_item_get_local_seq (item));
  g_assert_cmpuint (fb_store_get_pending_count (store), ==, 1);
  g_assert_cmpuint (f->changed, ==, 0);

  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (fb_test_query_int (other, "SELECT count(*) FROM items"), ==, 1);

  /* Once the other program lets go, the same edit works. */
  g_assert_true (fb_store_update_item (store, fb_item_get_id (item), edit, &error));
  g_assert_no_error (error);
  edited = fb_store_get_item (store, fb_item_get_id (item), &error);
  g_assert_cmpstr (fb_item_get_text (edited), ==, "after");
  g_assert_cmpuint (f->changed, ==, 1);

  sqlite3_close (other);
  g_assert_finalize_object (store);
}

static void
test_busy_open (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = fb_note_body_new ("Kept", "");
  g_autoptr(FbItem) item = NULL;
  FbStore *store = open_ok (f);
  sqlite3 *other = NULL;

  item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (store);

  /* The other program locks the file for itself alone. */
  g_assert_cmpint (sqlite3_open (f->path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "PRAGMA locking_mode = EXCLUSIVE;"
                                        "BEGIN EXCLUSIVE;"
                                        "INSERT INTO meta VALUES ('held', 'x')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);

  _fb_store_set_default_busy_timeout (20);
  assert_open_fails (f->path, FB_STORE_ERROR_BUSY, "Another program is using the database");
  _fb_store_set_default_busy_timeout (5000);

  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);

  store = open_ok (f);
  g_clear_object (&item);
  item = fb_store_get_item (store, "missing", &error);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autoptr(GPtrArray) list = fb_store_list_items (store, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 1);
  }
  g_assert_null (fb_store_get_meta (store, "held"));
  g_assert_finalize_object (store);
}

/* ---- Bad ids and input ---- */

static void
test_not_found (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JsonObject) body = fb_note_body_new ("x", "");
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(FbItem) deleted = NULL;
  FbStore *store = open_ok (f);
  const char *id = "3f0c5b8e-0000-4000-8000-000000000000";

  item = fb_store_get_item (store, id, &error);
  g_assert_null (item);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, id));
  g_clear_error (&error);

#define ASSERT_NOT_FOUND(call)                                       \
  G_STMT_START {                                                     \
    g_assert_false (call);                                           \
    g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND); \
    g_clear_error (&error);                                          \
  } G_STMT_END

  ASSERT_NOT_FOUND (fb_store_update_item (store, id, body, &error));
  ASSERT_NOT_FOUND (fb_store_delete_item (store, id, &error));
  ASSERT_NOT_FOUND (fb_store_restore_item (store, id, &error));
  ASSERT_NOT_FOUND (fb_store_mark_pushed (store, id, 1, "1-a", body, FALSE, &error));
  ASSERT_NOT_FOUND (fb_store_apply_merged (store, id, "1-a", body, FALSE, body, FALSE, &error));
  ASSERT_NOT_FOUND (fb_store_set_conflict (store, id, "1-a", body, FALSE, &error));
  ASSERT_NOT_FOUND (fb_store_set_sync_error (store, id, "rejected", &error));
  ASSERT_NOT_FOUND (fb_store_resolve_conflict (store, id, FB_RESOLVE_KEEP_MINE, NULL, &error));

  /* A deleted item cannot be edited. */
  deleted = fb_store_create_item (store, FB_COLLECTION_NOTES, body, &error);
  g_assert_no_error (error);
  g_assert_true (fb_store_delete_item (store, fb_item_get_id (deleted), &error));
  ASSERT_NOT_FOUND (fb_store_update_item (store, fb_item_get_id (deleted), body, &error));

#undef ASSERT_NOT_FOUND

  g_assert_cmpuint (fb_store_get_pending_count (store), ==, 1);
  g_assert_finalize_object (store);
}

static void
test_invalid_input (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) body = fb_note_body_new ("x", "");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) parsed = NULL;
  FbItem *item;
  FbStore *store = open_ok (f);

  g_test_expect_message ("fb-store", G_LOG_LEVEL_CRITICAL, "*collection != NULL*");
  item = fb_store_create_item (store, NULL, body, &error);
  g_test_assert_expected_messages ();
  g_assert_null (item);
  g_assert_no_error (error);

  g_test_expect_message ("fb-store", G_LOG_LEVEL_CRITICAL, "*body != NULL*");
  item = fb_store_create_item (store, FB_COLLECTION_NOTES, NULL, &error);
  g_test_assert_expected_messages ();
  g_assert_null (item);

  item = fb_store_create_item (store, "", body, &error);
  g_assert_null (item);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID);
  g_clear_error (&error);

  item = fb_store_put_item (store, "", FB_COLLECTION_NOTES, body, &error);
  g_assert_null (item);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* A body must be a JSON object. */
  parsed = fb_body_from_string ("[1, 2, 3]", &error);
  g_assert_null (parsed);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  parsed = fb_body_from_string ("{\"title\": ", &error);
  g_assert_null (parsed);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  parsed = fb_body_from_string ("\"text\"", &error);
  g_assert_null (parsed);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* The server's document without content. */
  g_assert_false (fb_store_apply_remote (store, "doc", FB_COLLECTION_NOTES, "1-a", NULL,
                                         FALSE, 0, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Nothing was written by any of it. */
  {
    g_autoptr(GPtrArray) list = fb_store_list_items (store, NULL, &error);

    g_assert_cmpuint (list->len, ==, 0);
  }
  g_assert_cmpuint (fb_store_get_pending_count (store), ==, 0);
  g_assert_cmpuint (f->changed, ==, 0);
  g_assert_finalize_object (store);
}

/* ---- A full disk ---- */

static JsonObject *
big_body (void)
{
  g_autofree char *text = g_strnfill (256 * 1024, 'x');

  return fb_note_body_new ("Big", text);
}

static void
limit_to_current_size (FbStore *store)
{
  sqlite3 *db = _fb_store_get_db (store);
  g_autofree char *sql = NULL;

  /* SQLite's page limit makes a real SQLITE_FULL, as a full disk would. */
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT,
                         fb_test_query_int (db, "PRAGMA page_count"));
  g_assert_cmpint (fb_test_query_int (db, sql), >, 0);
}

static void
assert_integrity (sqlite3 *db)
{
  g_autofree char *result = fb_test_query_text (db, "PRAGMA integrity_check");

  g_assert_cmpstr (result, ==, "ok");
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) small = fb_note_body_new ("Earlier", "kept");
  g_autoptr(JsonObject) big = big_body ();
  g_autoptr(FbItem) earlier = NULL;
  g_autoptr(FbItem) after = NULL;
  g_autoptr(FbItem) created = NULL;
  g_autoptr(GPtrArray) list = NULL;
  FbStore *store = open_ok (f);
  sqlite3 *db = _fb_store_get_db (store);

  earlier = fb_store_create_item (store, FB_COLLECTION_NOTES, small, &error);
  g_assert_no_error (error);
  f->changed = 0;

  limit_to_current_size (store);

  /* One write on its own. */
  created = fb_store_create_item (store, FB_COLLECTION_NOTES, big, &error);
  g_assert_null (created);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_FULL);
  g_assert_cmpstr (error->message, ==, "The disk is full: your last change was not saved");
  g_clear_error (&error);

  g_assert_false (fb_store_update_item (store, fb_item_get_id (earlier), big, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_FULL);
  g_clear_error (&error);

  after = fb_store_get_item (store, fb_item_get_id (earlier), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_item_get_text (after), ==, "kept");
  g_assert_cmpint (fb_item_get_local_seq (after), ==, fb_item_get_local_seq (earlier));
  g_assert_cmpuint (f->changed, ==, 0);
  list = fb_store_list_items (store, NULL, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpuint (fb_store_get_pending_count (store), ==, 1);
  assert_integrity (db);

  /* Room again: writing works. */
  g_assert_cmpint (fb_test_query_int (db, "PRAGMA max_page_count = 1000000"), ==, 1000000);
  g_clear_object (&created);
  created = fb_store_create_item (store, FB_COLLECTION_NOTES, big, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_cmpuint (fb_store_get_pending_count (store), ==, 2);

  g_assert_finalize_object (store);
}

/* In a transaction, a failed write rolls back everything before it. */
static void
test_disk_full_transaction (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) small = fb_note_body_new ("Earlier", "kept");
  g_autoptr(JsonObject) big = big_body ();
  g_autoptr(FbItem) earlier = NULL;
  g_autoptr(FbItem) after = NULL;
  FbStore *store = open_ok (f);
  sqlite3 *db = _fb_store_get_db (store);

  earlier = fb_store_create_item (store, FB_COLLECTION_NOTES, small, &error);
  g_assert_no_error (error);
  limit_to_current_size (store);
  f->changed = 0;

  g_assert_true (fb_store_begin (store, &error));
  g_assert_true (fb_store_delete_item (store, fb_item_get_id (earlier), &error));
  g_assert_no_error (error);
  g_assert_null (fb_store_create_item (store, FB_COLLECTION_NOTES, big, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_FULL);
  g_clear_error (&error);
  /* The caller sees the failure and gives up the whole change. */
  fb_store_rollback (store);

  after = fb_store_get_item (store, fb_item_get_id (earlier), &error);
  g_assert_no_error (error);
  g_assert_false (fb_item_get_deleted (after));
  g_assert_cmpuint (f->changed, ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (store), ==, 1);

  /* A caller that commits anyway gets told it was not saved. */
  g_assert_true (fb_store_begin (store, &error));
  g_assert_true (fb_store_delete_item (store, fb_item_get_id (earlier), &error));
  g_assert_null (fb_store_create_item (store, FB_COLLECTION_NOTES, big, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_FULL);
  g_clear_error (&error);
  /* Depending on where the disk filled up, SQLite undoes the failed
   * statement or the whole transaction. Either way nothing is half
   * written: the savepoint of the failed create is gone, and if the
   * transaction is gone too, nothing more may slip in outside it. */
  if (sqlite3_get_autocommit (db))
    {
      g_test_message ("SQLite rolled back the whole transaction");
      g_assert_false (fb_store_set_meta (store, "k", "v", &error));
      g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_FULL);
      g_clear_error (&error);
      g_assert_false (fb_store_commit (store, &error));
      g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_FULL);
      g_clear_error (&error);
      fb_store_rollback (store);
      g_assert_cmpuint (f->changed, ==, 0);
      g_clear_object (&after);
      after = fb_store_get_item (store, fb_item_get_id (earlier), &error);
      g_assert_no_error (error);
      g_assert_false (fb_item_get_deleted (after));
    }
  else
    {
      g_test_message ("SQLite rolled back the failed statement");
      g_assert_true (fb_store_commit (store, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (f->changed, ==, 1);
      g_clear_object (&after);
      after = fb_store_get_item (store, fb_item_get_id (earlier), &error);
      g_assert_no_error (error);
      g_assert_true (fb_item_get_deleted (after));
    }
  g_assert_null (fb_store_get_meta (store, "k"));
  g_assert_cmpint (fb_test_query_int (db, "SELECT count(*) FROM items"), ==, 1);
  assert_integrity (db);

  g_assert_finalize_object (store);
}

/* When SQLite itself rolls the whole transaction back (as it does for a
 * full disk hit by a plain insert), the store refuses to go on writing
 * outside it and the commit reports the failure. */
static void
test_transaction_lost (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) small = fb_note_body_new ("Earlier", "kept");
  g_autoptr(FbItem) earlier = NULL;
  g_autoptr(FbItem) after = NULL;
  FbStore *store = open_ok (f);
  sqlite3 *db = _fb_store_get_db (store);

  earlier = fb_store_create_item (store, FB_COLLECTION_NOTES, small, &error);
  g_assert_no_error (error);
  limit_to_current_size (store);
  f->changed = 0;

  g_assert_true (fb_store_begin (store, &error));
  g_assert_true (fb_store_delete_item (store, fb_item_get_id (earlier), &error));
  g_assert_no_error (error);
  /* Another writer on the same connection fills the disk. */
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO meta VALUES ('blob', randomblob(1000000))",
                                 NULL, NULL, NULL), ==, SQLITE_FULL);
  g_assert_true (sqlite3_get_autocommit (db));

  g_assert_false (fb_store_set_meta (store, "k", "v", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (fb_store_commit (store, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  /* Still inside it until the caller rolls back. */
  g_assert_false (fb_store_commit (store, &error));
  g_clear_error (&error);
  fb_store_rollback (store);

  g_assert_cmpuint (f->changed, ==, 0);
  after = fb_store_get_item (store, fb_item_get_id (earlier), &error);
  g_assert_no_error (error);
  g_assert_false (fb_item_get_deleted (after));
  g_assert_null (fb_store_get_meta (store, "k"));
  g_assert_cmpuint (fb_store_get_pending_count (store), ==, 1);

  /* And the store goes on working. */
  g_assert_cmpint (fb_test_query_int (db, "PRAGMA max_page_count = 1000000"), ==, 1000000);
  g_assert_true (fb_store_delete_item (store, fb_item_get_id (earlier), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->changed, ==, 1);

  g_assert_finalize_object (store);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/store-errors/unwritable-folder", test_unwritable_folder);
  ADD ("/store-errors/not-a-database/random-bytes", test_random_bytes);
  ADD ("/store-errors/not-a-database/text-file", test_text_file);
  ADD ("/store-errors/not-a-database/short-text-file", test_short_text_file);
  ADD ("/store-errors/not-a-database/other-sqlite", test_other_sqlite_database);
  ADD ("/store-errors/too-new", test_too_new);
  ADD ("/store-errors/corrupt", test_corrupt);
  ADD ("/store-errors/busy/write", test_busy_write);
  ADD ("/store-errors/busy/open", test_busy_open);
  ADD ("/store-errors/not-found", test_not_found);
  ADD ("/store-errors/invalid-input", test_invalid_input);
  ADD ("/store-errors/disk-full", test_disk_full);
  ADD ("/store-errors/disk-full-transaction", test_disk_full_transaction);
  ADD ("/store-errors/transaction-lost", test_transaction_lost);

  return g_test_run ();
}
