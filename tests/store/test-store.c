/* test-store.c: FbStore edits, search, migration, counts and every sync-facing call */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <glib/gstdio.h>

#include <string.h>

#include "fb-store.h"
#include "fb-store-tags.h"
#include "fb-test-store.h"

typedef struct
{
  char      *dir;
  char      *path;
  FbStore   *store;
  gint64     now;
  GPtrArray *changed;           /* FbItem, as item-changed gave them */
  guint      pending_notifies;
  guint      conflict_notifies;
} Fixture;

static void
item_changed_cb (FbStore *store,
                 FbItem  *item,
                 Fixture *f)
{
  g_ptr_array_add (f->changed, g_object_ref (item));
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           Fixture    *f)
{
  if (g_str_equal (pspec->name, "pending-count"))
    f->pending_notifies++;
  else if (g_str_equal (pspec->name, "conflict-count"))
    f->conflict_notifies++;
}

static void
open_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->store = fb_store_new (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
  _fb_store_set_clock (f->store, fb_test_clock, &f->now);
  g_signal_connect (f->store, "item-changed", G_CALLBACK (item_changed_cb), f);
  g_signal_connect (f->store, "notify", G_CALLBACK (notify_cb), f);
}

static void
close_store (Fixture *f)
{
  g_assert_finalize_object (g_steal_pointer (&f->store));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = fb_test_make_tmp_dir ();
  /* A folder that does not exist yet: the store makes it. */
  f->path = g_build_filename (f->dir, "sub", "fieldbook.db", NULL);
  f->now = 1700000000000;
  f->changed = g_ptr_array_new_with_free_func (g_object_unref);
  open_store (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->store != NULL)
    close_store (f);
  g_ptr_array_unref (f->changed);
  fb_test_remove_tree (f->dir);
  g_assert_false (g_file_test (f->dir, G_FILE_TEST_EXISTS));
  g_free (f->dir);
  g_free (f->path);
}

static void
reset_recorders (Fixture *f)
{
  g_ptr_array_set_size (f->changed, 0);
  f->pending_notifies = 0;
  f->conflict_notifies = 0;
}

static FbItem *
create_note (Fixture    *f,
             const char *title,
             const char *text)
{
  return fb_test_store_create_note (f->store, title, text);
}

static FbItem *
get_item (Fixture    *f,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  FbItem *item = fb_store_get_item (f->store, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (item);

  return item;
}

static void
assert_gone (Fixture    *f,
             const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = fb_store_get_item (f->store, id, &error);

  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
  g_assert_null (item);
}

/* The server has the deletion; this device keeps the last body in the
 * Trash, out of every list and search. */
static void
assert_in_trash (Fixture    *f,
                 const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = fb_store_get_item (f->store, id, &error);
  g_autoptr(GPtrArray) trash = NULL;
  gboolean listed = FALSE;

  g_assert_no_error (error);
  g_assert_true (fb_item_get_deleted (item));
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  trash = fb_store_list_trash (f->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < trash->len; i++)
    listed |= g_str_equal (fb_item_get_id (trash->pdata[i]), id);
  g_assert_true (listed);
}

static void
update_note (Fixture    *f,
             const char *id,
             const char *title,
             const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = fb_note_body_new (title, text);

  g_assert_true (fb_store_update_item (f->store, id, body, &error));
  g_assert_no_error (error);
}

/* Titles of a result array, joined by "|": compact to assert on. */
static char *
titles_of (GPtrArray *items)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, '|');
      g_string_append (out, fb_item_get_title (g_ptr_array_index (items, i)));
    }

  return g_string_free (out, FALSE);
}

static char *
search_titles (Fixture    *f,
               const char *collection,
               const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = fb_store_search (f->store, collection, query, &error);

  g_assert_no_error (error);
  g_assert_nonnull (items);

  return titles_of (items);
}

static gint64
max_pending_seq (Fixture *f)
{
  return fb_test_query_int (_fb_store_get_db (f->store),
                            "SELECT coalesce(max(local_seq), 0) FROM items");
}

/* ---- Basics ---- */

static void
test_default_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "fieldbook",
                                                "fieldbook.db", NULL);
  g_autofree char *path = fb_store_get_default_path ();
  FbStore *store;

  g_assert_cmpstr (path, ==, expected);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  store = fb_store_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_store_get_path (store), ==, expected);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_finalize_object (store);
}

static void
test_pragmas (Fixture       *f,
              gconstpointer  data)
{
  sqlite3 *db = _fb_store_get_db (f->store);
  g_autofree char *mode = fb_test_query_text (db, "PRAGMA journal_mode");

  g_assert_cmpstr (mode, ==, "wal");
  /* FULL (2): each commit is on the disk before the window says "Saved",
   * also across a power cut, which a test cannot cause. */
  g_assert_cmpint (fb_test_query_int (db, "PRAGMA synchronous"), ==, 2);
  g_assert_cmpint (fb_test_query_int (db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (fb_test_query_int (db, "PRAGMA user_version"), ==, FB_STORE_SCHEMA_VERSION);
  g_assert_cmpint (fb_test_query_int (db, "PRAGMA application_id"), ==, FB_STORE_APPLICATION_ID);
  /* list_pending is served by an index, not a scan. */
  g_assert_cmpint (fb_test_query_int (db,
                                      "SELECT count(*) FROM pragma_index_info('items_by_state')"),
                   ==, 2);
}

static char *
query_plan (sqlite3    *db,
            const char *sql)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  GString *plan = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, explain, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);

  return g_string_free (plan, FALSE);
}

/* What the sync engine runs per item and per batch is an index lookup,
 * never a scan of every item or a sort. */
static void
test_query_plans (Fixture       *f,
                  gconstpointer  data)
{
  sqlite3 *db = _fb_store_get_db (f->store);
  g_autofree char *pending = NULL;
  g_autofree char *by_id = NULL;
  g_autofree char *update = NULL;
  g_autofree char *count = NULL;

  pending = query_plan (db, "SELECT " FB_ITEM_COLUMNS " FROM items "
                            "WHERE state = 'pending' AND local_seq > ?1 "
                            "ORDER BY local_seq LIMIT ?2");
  g_test_message ("%s", pending);
  g_assert_nonnull (strstr (pending, "USING INDEX items_by_state (state=? AND local_seq>?)"));
  g_assert_null (strstr (pending, "TEMP B-TREE"));

  by_id = query_plan (db, "SELECT " FB_ITEM_COLUMNS " FROM items WHERE id = ?1");
  g_assert_nonnull (strstr (by_id, "USING INDEX sqlite_autoindex_items_1 (id=?)"));

  update = query_plan (db, "UPDATE items SET body = ?2, state = ?7 WHERE id = ?1");
  g_assert_nonnull (strstr (update, "(id=?)"));

  count = query_plan (db, "SELECT state, count(*) FROM items "
                          "WHERE state IN ('pending', 'conflict') GROUP BY state");
  g_assert_nonnull (strstr (count, "items_by_state"));
  g_assert_null (strstr (count, "SCAN items\n"));
}

static void
test_crud (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(FbItem) again = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(FbItem) record_item = NULL;
  g_autofree char *id = NULL;
  gint64 created;

  item = create_note (f, "Shopping", "milk\neggs");
  id = g_strdup (fb_item_get_id (item));
  g_assert_true (g_uuid_string_is_valid (id));
  g_assert_cmpstr (fb_item_get_collection (item), ==, FB_COLLECTION_NOTES);
  g_assert_cmpstr (fb_item_get_title (item), ==, "Shopping");
  g_assert_cmpstr (fb_item_get_text (item), ==, "milk\neggs");
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);
  g_assert_false (fb_item_get_deleted (item));
  g_assert_cmpint (fb_item_get_local_seq (item), >, 0);
  g_assert_null (fb_item_get_base_rev (item));
  g_assert_null (fb_item_get_base_body (item));
  g_assert_null (fb_item_get_sync_error (item));
  created = fb_item_get_created_at (item);
  g_assert_cmpint (created, ==, fb_item_get_updated_at (item));
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 1);
  g_assert_cmpuint (f->changed->len, ==, 1);
  g_assert_cmpstr (fb_item_get_id (g_ptr_array_index (f->changed, 0)), ==, id);

  update_note (f, id, "Shopping list", "milk\neggs\nbread");
  again = get_item (f, id);
  g_assert_cmpstr (fb_item_get_title (again), ==, "Shopping list");
  g_assert_cmpstr (fb_item_get_text (again), ==, "milk\neggs\nbread");
  g_assert_cmpint (fb_item_get_created_at (again), ==, created);
  g_assert_cmpint (fb_item_get_updated_at (again), >, created);
  g_assert_cmpint (fb_item_get_local_seq (again), >, fb_item_get_local_seq (item));
  /* The earlier snapshot did not change. */
  g_assert_cmpstr (fb_item_get_title (item), ==, "Shopping");

  /* Saving the same content again is not an edit. */
  reset_recorders (f);
  update_note (f, id, "Shopping list", "milk\neggs\nbread");
  g_assert_cmpuint (f->changed->len, ==, 0);
  g_clear_object (&item);
  item = get_item (f, id);
  g_assert_cmpint (fb_item_get_local_seq (item), ==, fb_item_get_local_seq (again));

  record = fb_record_body_new ("Oak tree");
  json_object_set_string_member (json_object_get_object_member (record, "fields"),
                                 "height", "12 m");
  record_item = fb_store_create_item (f->store, FB_COLLECTION_RECORDS, record, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_item_get_text (record_item), ==, "");
  g_assert_true (fb_body_equal (fb_item_get_body (record_item), record));

  list = fb_store_list_items (f->store, FB_COLLECTION_NOTES, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = fb_store_list_items (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  /* Newest first. */
  g_assert_cmpstr (fb_item_get_title (g_ptr_array_index (list, 0)), ==, "Oak tree");

  /* Everything survives closing and opening again. */
  close_store (f);
  open_store (f);
  g_clear_object (&again);
  again = get_item (f, id);
  g_assert_cmpstr (fb_item_get_title (again), ==, "Shopping list");
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 2);
}

/* Inside a transaction the search index is written at the commit, but a
 * search made before it already sees the transaction's own changes, and a
 * rolled back level takes its index entries with it. */
static void
test_search_in_transaction (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) zebra = NULL;
  g_autoptr(FbItem) yak = NULL;
  g_autoptr(FbItem) gnu = NULL;
  g_autofree char *found = NULL;

  g_assert_true (fb_store_begin (f->store, &error));
  zebra = create_note (f, "Zebra", "stripes");
  found = search_titles (f, NULL, "zebra");
  g_assert_cmpstr (found, ==, "Zebra");
  g_clear_pointer (&found, g_free);

  /* A savepoint searched inside and then rolled back. */
  g_assert_true (fb_store_begin (f->store, &error));
  yak = create_note (f, "Yak", "stripes too");
  found = search_titles (f, NULL, "yak");
  g_assert_cmpstr (found, ==, "Yak");
  g_clear_pointer (&found, g_free);
  found = search_titles (f, NULL, "zebra");
  g_assert_cmpstr (found, ==, "Zebra");
  g_clear_pointer (&found, g_free);
  fb_store_rollback (f->store);

  /* Edited after the early index write: the commit writes the last text. */
  update_note (f, fb_item_get_id (zebra), "Zebra", "spots");
  gnu = create_note (f, "Gnu", "horns");
  g_assert_true (fb_store_commit (f->store, &error));
  g_assert_no_error (error);

  found = search_titles (f, NULL, "stripes");
  g_assert_cmpstr (found, ==, "");
  g_clear_pointer (&found, g_free);
  found = search_titles (f, NULL, "spots");
  g_assert_cmpstr (found, ==, "Zebra");
  g_clear_pointer (&found, g_free);
  found = search_titles (f, NULL, "yak");
  g_assert_cmpstr (found, ==, "");
  g_clear_pointer (&found, g_free);
  found = search_titles (f, NULL, "horns");
  g_assert_cmpstr (found, ==, "Gnu");
  g_clear_pointer (&found, g_free);

  /* Rolled back whole: nothing of it is found. */
  g_assert_true (fb_store_begin (f->store, &error));
  g_clear_object (&yak);
  yak = create_note (f, "Yak", "woolly");
  g_assert_true (fb_store_delete_item (f->store, fb_item_get_id (gnu), &error));
  found = search_titles (f, NULL, "woolly");
  g_assert_cmpstr (found, ==, "Yak");
  g_clear_pointer (&found, g_free);
  fb_store_rollback (f->store);
  found = search_titles (f, NULL, "woolly");
  g_assert_cmpstr (found, ==, "");
  g_clear_pointer (&found, g_free);
  found = search_titles (f, NULL, "horns");
  g_assert_cmpstr (found, ==, "Gnu");
  g_clear_pointer (&found, g_free);

  g_assert_cmpint (fb_test_query_int (_fb_store_get_db (f->store),
                                      "SELECT count(*) FROM items_fts"), ==, 2);
}

/* Once the write-ahead log passes 1000 pages, a worker copies it into the
 * database file while writing goes on; nothing is lost or damaged. */
static void
test_background_checkpoint (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GStatBuf st;
  goffset initial;
  gint64 deadline;
  sqlite3 *db;

  while (text->len < 20000)
    g_string_append (text, "a line of text that fills the log up \n");

  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  initial = st.st_size;

  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *title = g_strdup_printf ("Note %u", i);
      g_autoptr(FbItem) item = create_note (f, title, text->str);
    }

  /* Only a checkpoint makes the database file itself grow. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  do
    {
      g_usleep (10000);
      g_assert_cmpint (g_stat (f->path, &st), ==, 0);
    }
  while (st.st_size <= initial && g_get_monotonic_time () < deadline);
  g_assert_cmpint (st.st_size, >, initial);

  close_store (f);
  open_store (f);
  db = _fb_store_get_db (f->store);
  g_assert_cmpint (fb_test_query_int (db, "SELECT count(*) FROM items"), ==, 300);
  g_assert_cmpint (fb_test_query_int (db, "SELECT count(*) FROM items_fts"), ==, 300);
  g_assert_cmpint (fb_test_query_int (db, "SELECT count(*) FROM pragma_integrity_check "
                                          "WHERE integrity_check = 'ok'"), ==, 1);
}

/* Stored bodies are compared as text: fb_body_to_string () must write
 * exactly what json-glib writes, whatever the body holds. */
static void
test_body_to_string (void)
{
  const char *bodies[] = {
    "{}",
    "{\"title\":\"\",\"text\":\"\",\"tags\":[]}",
    "{\"title\":\"Plain \\\"quoted\\\" back\\\\slash / é 東京 😀\",\"text\":\"a\\nb\\tc\"}",
    "{\"title\":\"ctl \\u0001 \\u001e \\u007f \\r \\b \\f\",\"n\":null,\"t\":true,\"f\":false}",
    "{\"fields\":{\"count\":-42,\"big\":9007199254740993,\"pi\":3.25,\"e\":1e300,\"whole\":2.0},"
      "\"order\":[\"count\",\"pi\"],\"nested\":[[1,[2,{}]],{\"k\\\"ey\":[]}]}",
    "{\"z\":1,\"a\":2,\"m\":{\"y\":\"1\",\"b\":\"2\"}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) body = fb_body_from_string (bodies[i], &error);
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *ours = NULL;
      g_autofree char *theirs = NULL;

      g_assert_no_error (error);
      node = json_node_init_object (json_node_alloc (), body);
      ours = fb_body_to_string (body);
      theirs = json_to_string (node, FALSE);
      g_assert_cmpstr (ours, ==, theirs);
    }

  /* U+001F: json-glib 1.6 writes it as it is, which is not JSON (a server
   * refuses the document); it is escaped like every control character. */
  {
    g_autoptr(JsonObject) body = fb_note_body_new ("unit\x1fseparator", "");
    g_autofree char *text = fb_body_to_string (body);
    g_autoptr(JsonObject) back = NULL;

    g_assert_nonnull (strstr (text, "\"unit\\u001fseparator\""));
    for (const char *p = text; *p != '\0'; p++)
      g_assert_cmpint ((guchar) *p, >=, 0x20);
    back = fb_body_from_string (text, NULL);
    g_assert_true (fb_body_equal (body, back));
  }

  /* Built in code rather than parsed: member order as inserted. */
  {
    g_autoptr(JsonObject) body = fb_note_body_new ("Title \"x\"", "line\n\tindented\n");
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), body);
    g_autofree char *ours = NULL;
    g_autofree char *theirs = NULL;

    json_object_set_int_member (body, "n", 7);
    json_object_set_double_member (body, "d", 0.5);
    json_object_set_null_member (body, "z");
    ours = fb_body_to_string (body);
    theirs = json_to_string (node, FALSE);
    g_assert_cmpstr (ours, ==, theirs);
  }
}

static void
test_body_helpers (void)
{
  g_autoptr(JsonObject) note = fb_note_body_new ("T", NULL);
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(JsonObject) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  g_assert_cmpstr (json_object_get_string_member (note, "text"), ==, "");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (note, "tags")), ==, 0);

  json_array_add_string_element (json_object_get_array_member (note, "tags"), "a");
  json_object_set_int_member (note, "unknown", 7);
  copy = fb_body_copy (note);
  g_assert_true (fb_body_equal (note, copy));
  /* A deep copy: changing the copy leaves the original alone. */
  json_array_add_string_element (json_object_get_array_member (copy, "tags"), "b");
  g_assert_false (fb_body_equal (note, copy));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (note, "tags")), ==, 1);

  json = fb_body_to_string (note);
  parsed = fb_body_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_true (fb_body_equal (note, parsed));
  g_assert_cmpint (json_object_get_int_member (parsed, "unknown"), ==, 7);
  g_assert_true (fb_body_equal (NULL, NULL));
  g_assert_false (fb_body_equal (note, NULL));
}

static void
test_put (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = fb_note_body_new ("Imported", "one");
  g_autoptr(JsonObject) body2 = fb_note_body_new ("Imported", "two");
  g_autoptr(FbItem) item = NULL;
  g_autoptr(FbItem) item2 = NULL;
  g_autoptr(FbItem) item3 = NULL;

  item = fb_store_put_item (f->store, "import-1", FB_COLLECTION_NOTES, body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_item_get_id (item), ==, "import-1");
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);

  item2 = fb_store_put_item (f->store, "import-1", FB_COLLECTION_NOTES, body2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_item_get_text (item2), ==, "two");
  g_assert_cmpint (fb_item_get_created_at (item2), ==, fb_item_get_created_at (item));
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 1);

  item3 = fb_store_put_item (f->store, "import-1", FB_COLLECTION_RECORDS, body2, &error);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID);
  g_assert_null (item3);
}

/* Ten saves while offline are one pending item, and pending items come in
 * the order they were last edited. */
static void
test_coalescing (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) a = create_note (f, "A", "");
  g_autoptr(FbItem) b = create_note (f, "B", "");
  g_autoptr(FbItem) c = create_note (f, "C", "");
  g_autoptr(GPtrArray) pending = NULL;
  gint64 previous = 0;

  for (guint i = 1; i <= 10; i++)
    {
      g_autofree char *text = g_strdup_printf ("v%u", i);

      update_note (f, fb_item_get_id (a), "A", text);
    }
  update_note (f, fb_item_get_id (b), "B", "edited");

  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 3);
  g_assert_cmpint (fb_test_query_int (_fb_store_get_db (f->store),
                                      "SELECT count(*) FROM items WHERE state = 'pending'"),
                   ==, 3);

  pending = fb_store_list_pending (f->store, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 3);
  /* C was last touched when created; then A's ten edits; then B. */
  g_assert_cmpstr (fb_item_get_title (g_ptr_array_index (pending, 0)), ==, "C");
  g_assert_cmpstr (fb_item_get_title (g_ptr_array_index (pending, 1)), ==, "A");
  g_assert_cmpstr (fb_item_get_text (g_ptr_array_index (pending, 1)), ==, "v10");
  g_assert_cmpstr (fb_item_get_title (g_ptr_array_index (pending, 2)), ==, "B");
  for (guint i = 0; i < pending->len; i++)
    {
      gint64 seq = fb_item_get_local_seq (g_ptr_array_index (pending, i));

      g_assert_cmpint (seq, >, previous);
      previous = seq;
    }
}

static void
test_tombstone_restore (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = create_note (f, "Gone soon", "words");
  g_autoptr(FbItem) dead = NULL;
  g_autoptr(FbItem) alive = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *found = NULL;
  const char *id = fb_item_get_id (item);
  FbItem *signalled;

  reset_recorders (f);
  g_assert_true (fb_store_delete_item (f->store, id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->changed->len, ==, 1);
  signalled = g_ptr_array_index (f->changed, 0);
  g_assert_true (fb_item_get_deleted (signalled));
  g_assert_cmpint (fb_item_get_state (signalled), ==, FB_ITEM_STATE_PENDING);

  dead = get_item (f, id);
  g_assert_true (fb_item_get_deleted (dead));
  /* The tombstone keeps the body, so undo brings it back whole. */
  g_assert_cmpstr (fb_item_get_text (dead), ==, "words");
  g_assert_cmpint (fb_item_get_local_seq (dead), >, fb_item_get_local_seq (item));
  list = fb_store_list_items (f->store, NULL, &error);
  g_assert_cmpuint (list->len, ==, 0);
  found = search_titles (f, NULL, "words");
  g_assert_cmpstr (found, ==, "");
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 1);

  /* Deleting twice is harmless. */
  g_assert_true (fb_store_delete_item (f->store, id, &error));
  g_assert_no_error (error);

  g_assert_true (fb_store_restore_item (f->store, id, &error));
  g_assert_no_error (error);
  alive = get_item (f, id);
  g_assert_false (fb_item_get_deleted (alive));
  g_assert_cmpstr (fb_item_get_text (alive), ==, "words");
  g_assert_cmpint (fb_item_get_state (alive), ==, FB_ITEM_STATE_PENDING);
  g_clear_pointer (&found, g_free);
  found = search_titles (f, NULL, "words");
  g_assert_cmpstr (found, ==, "Gone soon");
}

/* ---- Search ---- */

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) record = fb_record_body_new ("Specimen 12");
  g_autoptr(FbItem) record_item = NULL;
  g_autoptr(FbItem) deleted = NULL;
  g_autoptr(GPtrArray) results = NULL;
  const char *odd_queries[] = {
    "\"", "\"\"", "*", "-", "AND", "OR NOT", "NEAR(a b)", "title:x", "(", "a\"b",
    "^", "'", "  ", "✓", NULL
  };
  JsonObject *fields;
  char *t;

  g_object_unref (create_note (f, "Garden", "Plant tomatoes near the fence"));
  g_object_unref (create_note (f, "Tomato soup", "A recipe"));
  g_object_unref (create_note (f, "Café visit", "Crème brûlée was good"));
  g_object_unref (create_note (f, "東京旅行", "東京都庁の展望台に行った。"));
  g_object_unref (create_note (f, "Grüße", "Straße nach Zürich"));
  deleted = create_note (f, "Deleted tomato", "gone");

  fields = json_object_get_object_member (record, "fields");
  json_object_set_string_member (fields, "species", "Quercus robur");
  json_object_set_int_member (fields, "count", 4711);
  record_item = fb_store_create_item (f->store, FB_COLLECTION_RECORDS, record, &error);
  g_assert_no_error (error);

  g_assert_true (fb_store_delete_item (f->store, fb_item_get_id (deleted), &error));
  g_assert_no_error (error);

  /* Prefix; the title match ranks above the text match; deleted not found. */
  t = search_titles (f, NULL, "toma");
  g_assert_cmpstr (t, ==, "Tomato soup|Garden");
  g_free (t);
  /* Every word must match. */
  t = search_titles (f, NULL, "tomato fen");
  g_assert_cmpstr (t, ==, "Garden");
  g_free (t);
  t = search_titles (f, NULL, "TOMATOES");
  g_assert_cmpstr (t, ==, "Garden");
  g_free (t);

  /* Accents, both ways. */
  t = search_titles (f, NULL, "cafe");
  g_assert_cmpstr (t, ==, "Café visit");
  g_free (t);
  t = search_titles (f, NULL, "brulee");
  g_assert_cmpstr (t, ==, "Café visit");
  g_free (t);
  t = search_titles (f, NULL, "CRÈME");
  g_assert_cmpstr (t, ==, "Café visit");
  g_free (t);
  t = search_titles (f, NULL, "zurich");
  g_assert_cmpstr (t, ==, "Grüße");
  g_free (t);

  /* CJK: any substring a person types, not only the start of a run. */
  t = search_titles (f, NULL, "東京");
  g_assert_cmpstr (t, ==, "東京旅行");
  g_free (t);
  t = search_titles (f, NULL, "都庁");
  g_assert_cmpstr (t, ==, "東京旅行");
  g_free (t);
  t = search_titles (f, NULL, "展望台");
  g_assert_cmpstr (t, ==, "東京旅行");
  g_free (t);
  t = search_titles (f, NULL, "旅");
  g_assert_cmpstr (t, ==, "東京旅行");
  g_free (t);
  t = search_titles (f, NULL, "大阪");
  g_assert_cmpstr (t, ==, "");
  g_free (t);

  /* Record field values, strings and numbers; collection filter. */
  t = search_titles (f, NULL, "quercus");
  g_assert_cmpstr (t, ==, "Specimen 12");
  g_free (t);
  t = search_titles (f, NULL, "4711");
  g_assert_cmpstr (t, ==, "Specimen 12");
  g_free (t);
  t = search_titles (f, FB_COLLECTION_NOTES, "quercus");
  g_assert_cmpstr (t, ==, "");
  g_free (t);
  t = search_titles (f, FB_COLLECTION_RECORDS, "robur");
  g_assert_cmpstr (t, ==, "Specimen 12");
  g_free (t);

  /* Nothing a person types is an FTS syntax error. */
  for (guint i = 0; odd_queries[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) odd = fb_store_search (f->store, NULL, odd_queries[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (odd);
    }

  /* An empty query lists everything live. */
  results = fb_store_search (f->store, NULL, "", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 6);

  /* An edit is searchable at once; the old words are gone. */
  update_note (f, fb_item_get_id (record_item), "xylem", "y");
  t = search_titles (f, NULL, "quercus");
  g_assert_cmpstr (t, ==, "");
  g_free (t);
  t = search_titles (f, NULL, "xyl");
  g_assert_cmpstr (t, ==, "xylem");
  g_free (t);
}

static void
test_search_after_edit (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(FbItem) item = create_note (f, "First words", "alpha");
  char *t;

  update_note (f, fb_item_get_id (item), "Second words", "beta");
  t = search_titles (f, NULL, "alpha");
  g_assert_cmpstr (t, ==, "");
  g_free (t);
  t = search_titles (f, NULL, "first");
  g_assert_cmpstr (t, ==, "");
  g_free (t);
  t = search_titles (f, NULL, "beta");
  g_assert_cmpstr (t, ==, "Second words");
  g_free (t);
  /* The index holds exactly the live items. */
  g_assert_cmpint (fb_test_query_int (_fb_store_get_db (f->store),
                                      "SELECT count(*) FROM items_fts"),
                   ==, 1);
}

/* ---- Migration ---- */

static const char v1_schema[] =
  "PRAGMA application_id = 1178757937;"
  "PRAGMA user_version = 1;"
  "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT);"
  "CREATE TABLE items ("
  "  id TEXT PRIMARY KEY NOT NULL, collection TEXT NOT NULL, body TEXT NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'pending'"
  "  CHECK (state IN ('synced', 'pending', 'conflict')),"
  "  local_seq INTEGER NOT NULL DEFAULT 0, base_rev TEXT, base_body TEXT,"
  "  server_rev TEXT, server_body TEXT, server_deleted INTEGER NOT NULL DEFAULT 0,"
  "  sync_error TEXT);"
  "CREATE INDEX items_by_collection ON items (collection, deleted, updated_at);"
  "CREATE INDEX items_by_state ON items (state, local_seq);"
  "INSERT INTO meta VALUES ('local_seq', '7'), ('device_id', 'old-device'),"
  "  ('checkpoint:remote', '\"42-abc\"');"
  "INSERT INTO items (id, collection, body, deleted, created_at, updated_at, state,"
  "  local_seq, base_rev, base_body) VALUES"
  "  ('n1', 'notes', '{\"title\":\"Old café\",\"text\":\"written by v1\",\"tags\":[\"cafés\"]}',"
  "   0, 1000, 3000, 'synced', 2, '1-a', '{\"title\":\"Old café\",\"text\":\"written by v1\",\"tags\":[]}'),"
  "  ('n2', 'notes', '{\"title\":\"Pending note\",\"text\":\"日本語のテキスト\",\"tags\":[]}',"
  "   0, 1000, 2000, 'pending', 7, NULL, NULL),"
  "  ('n3', 'notes', '{\"title\":\"Tombstone\",\"text\":\"hidden\",\"tags\":[\"hidden\"]}',"
  "   1, 1000, 1000, 'pending', 5, '1-c', NULL),"
  "  ('r1', 'records', '{\"title\":\"Bird\",\"fields\":{\"species\":\"Erithacus rubecula\"},\"order\":[\"species\"]}',"
  "   0, 1000, 1000, 'synced', 1, '1-d', NULL);";

static void
test_migration_from_v1 (void)
{
  g_autofree char *dir = fb_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "v1.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) tags = NULL;
  g_autoptr(FbItem) created = NULL;
  g_autoptr(JsonObject) new_body = fb_note_body_new ("n", "");
  g_autofree char *checkpoint = NULL;
  FbStore *store;
  sqlite3 *db = NULL;
  char *t;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, v1_schema, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (fb_test_query_int (db, "PRAGMA application_id"), ==, FB_STORE_APPLICATION_ID);
  sqlite3_close (db);

  store = fb_store_new (path, &error);
  g_assert_no_error (error);
  db = _fb_store_get_db (store);
  g_assert_cmpint (fb_test_query_int (db, "PRAGMA user_version"), ==, FB_STORE_SCHEMA_VERSION);

  /* The data is all there. */
  g_assert_cmpstr (fb_store_get_device_id (store), ==, "old-device");
  checkpoint = fb_store_get_checkpoint (store, "remote");
  g_assert_cmpstr (checkpoint, ==, "\"42-abc\"");
  g_assert_cmpuint (fb_store_get_pending_count (store), ==, 2);
  list = fb_store_list_items (store, NULL, &error);
  g_assert_no_error (error);
  t = titles_of (list);
  g_assert_cmpstr (t, ==, "Old café|Pending note|Bird");
  g_free (t);

  /* The new index covers the old rows, live ones only. */
  found = fb_store_search (store, NULL, "cafe", &error);
  g_assert_no_error (error);
  t = titles_of (found);
  g_assert_cmpstr (t, ==, "Old café");
  g_free (t);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = fb_store_search (store, NULL, "テキスト", &error);
  t = titles_of (found);
  g_assert_cmpstr (t, ==, "Pending note");
  g_free (t);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = fb_store_search (store, NULL, "rubecula", &error);
  t = titles_of (found);
  g_assert_cmpstr (t, ==, "Bird");
  g_free (t);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = fb_store_search (store, NULL, "hidden", &error);
  g_assert_cmpuint (found->len, ==, 0);

  /* The tags index (v11) holds the old rows' tags, live ones only. */
  tags = fb_store_list_tags (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tags->len, ==, 1);
  g_assert_cmpstr (((FbTagCount *) tags->pdata[0])->name, ==, "cafés");
  g_assert_cmpuint (((FbTagCount *) tags->pdata[0])->count, ==, 1);

  /* The edit counter goes on from where v1 left it. */
  created = fb_store_create_item (store, FB_COLLECTION_NOTES, new_body, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fb_item_get_local_seq (created), ==, 8);

  g_assert_finalize_object (store);

  /* Opening again migrates nothing more. */
  store = fb_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fb_test_query_int (_fb_store_get_db (store), "SELECT count(*) FROM items_fts"),
                   ==, 4);
  g_assert_finalize_object (store);

  fb_test_remove_tree (dir);
}

/* ---- Counts ---- */

static void
test_counts_notify (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) server = fb_note_body_new ("server", "");
  guint value = 99;

  reset_recorders (f);
  item = create_note (f, "one", "");
  g_assert_cmpuint (f->pending_notifies, ==, 1);
  g_object_get (f->store, "pending-count", &value, NULL);
  g_assert_cmpuint (value, ==, 1);

  /* More edits of the same pending item: the count did not change. */
  update_note (f, fb_item_get_id (item), "two", "");
  update_note (f, fb_item_get_id (item), "three", "");
  g_assert_cmpuint (f->pending_notifies, ==, 1);
  g_assert_cmpuint (f->conflict_notifies, ==, 0);

  g_assert_true (fb_store_set_conflict (f->store, fb_item_get_id (item), "2-x", server,
                                        FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->pending_notifies, ==, 2);
  g_assert_cmpuint (f->conflict_notifies, ==, 1);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 0);
  g_assert_cmpuint (fb_store_get_conflict_count (f->store), ==, 1);
  g_object_get (f->store, "conflict-count", &value, NULL);
  g_assert_cmpuint (value, ==, 1);

  /* Editing while in conflict keeps the conflict. */
  update_note (f, fb_item_get_id (item), "four", "");
  g_assert_cmpuint (fb_store_get_conflict_count (f->store), ==, 1);
  g_assert_cmpuint (f->conflict_notifies, ==, 1);
}

/* ---- Meta ---- */

static void
test_meta_checkpoint (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *device = g_strdup (fb_store_get_device_id (f->store));
  g_autofree char *cp = NULL;
  g_autofree char *other = NULL;
  g_autofree char *meta = NULL;

  g_assert_true (g_uuid_string_is_valid (device));
  g_assert_null (fb_store_get_checkpoint (f->store, "https://a/db"));
  g_assert_null (fb_store_get_meta (f->store, "nothing"));

  g_assert_true (fb_store_set_checkpoint (f->store, "https://a/db", "\"12-g1\"", &error));
  g_assert_no_error (error);
  g_assert_true (fb_store_set_checkpoint (f->store, "https://b/db", "17", &error));
  g_assert_true (fb_store_set_checkpoint (f->store, "https://a/db", "\"13-g1\"", &error));
  g_assert_true (fb_store_set_meta (f->store, "ui.sort", "title", &error));
  g_assert_no_error (error);

  g_assert_false (fb_store_set_meta (f->store, "local_seq", "0", &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID);
  g_clear_error (&error);

  close_store (f);
  open_store (f);

  g_assert_cmpstr (fb_store_get_device_id (f->store), ==, device);
  cp = fb_store_get_checkpoint (f->store, "https://a/db");
  g_assert_cmpstr (cp, ==, "\"13-g1\"");
  other = fb_store_get_checkpoint (f->store, "https://b/db");
  g_assert_cmpstr (other, ==, "17");
  meta = fb_store_get_meta (f->store, "ui.sort");
  g_assert_cmpstr (meta, ==, "title");

  g_assert_true (fb_store_set_meta (f->store, "ui.sort", NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&meta, g_free);
  meta = fb_store_get_meta (f->store, "ui.sort");
  g_assert_null (meta);
}

/* ---- Sync-facing ---- */

static void
test_list_pending_batches (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(FbItem) synced = NULL;
  g_autoptr(JsonObject) remote = fb_note_body_new ("remote", "");
  gint64 after = 0;
  guint batches = 0;
  guint total = 0;

  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *title = g_strdup_printf ("n%u", i);

      g_object_unref (create_note (f, title, ""));
    }
  /* A tombstone is pending too; a synced item is not. */
  {
    g_autoptr(GPtrArray) all = fb_store_list_items (f->store, NULL, &error);

    g_assert_true (fb_store_delete_item (f->store,
                                         fb_item_get_id (g_ptr_array_index (all, 0)),
                                         &error));
    g_assert_no_error (error);
  }
  g_assert_true (fb_store_apply_remote (f->store, "from-server", FB_COLLECTION_NOTES, "1-r",
                                        remote, FALSE, 5, &error));
  g_assert_no_error (error);

  while (TRUE)
    {
      g_autoptr(GPtrArray) batch = fb_store_list_pending (f->store, after, 10, &error);

      g_assert_no_error (error);
      if (batch->len == 0)
        break;
      batches++;
      g_assert_cmpuint (batch->len, <=, 10);
      for (guint i = 0; i < batch->len; i++)
        {
          FbItem *item = g_ptr_array_index (batch, i);

          g_assert_cmpint (fb_item_get_local_seq (item), >, after);
          after = fb_item_get_local_seq (item);
          g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);
          g_assert_true (g_hash_table_add (seen, g_strdup (fb_item_get_id (item))));
          total++;
        }
    }

  g_assert_cmpuint (batches, ==, 3);
  g_assert_cmpuint (total, ==, 25);
  g_assert_false (g_hash_table_contains (seen, "from-server"));
  g_assert_cmpint (after, ==, max_pending_seq (f));

  {
    g_autoptr(GPtrArray) all = fb_store_list_pending (f->store, 0, 0, &error);

    g_assert_cmpuint (all->len, ==, 25);
  }
}

static void
test_mark_pushed (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) a = create_note (f, "A", "one");
  g_autoptr(FbItem) b = create_note (f, "B", "one");
  g_autoptr(FbItem) a2 = NULL;
  g_autoptr(FbItem) b2 = NULL;
  g_autoptr(FbItem) b3 = NULL;
  g_autoptr(FbItem) tomb = NULL;
  g_autoptr(JsonObject) b_body_edit = NULL;
  FbItem *signalled;
  gint64 b_sent_seq = fb_item_get_local_seq (b);

  g_assert_true (fb_store_set_sync_error (f->store, fb_item_get_id (a), "Document too large",
                                          &error));
  g_assert_no_error (error);
  g_clear_object (&a2);
  a2 = get_item (f, fb_item_get_id (a));
  g_assert_cmpstr (fb_item_get_sync_error (a2), ==, "Document too large");
  g_assert_cmpint (fb_item_get_state (a2), ==, FB_ITEM_STATE_PENDING);
  g_assert_cmpint (fb_item_get_local_seq (a2), ==, fb_item_get_local_seq (a));
  g_clear_object (&a2);

  /* A: nothing changed while the push was on the way → synced. */
  reset_recorders (f);
  g_assert_true (fb_store_mark_pushed (f->store, fb_item_get_id (a), fb_item_get_local_seq (a),
                                       "1-a", fb_item_get_body (a), FALSE, &error));
  g_assert_no_error (error);
  a2 = get_item (f, fb_item_get_id (a));
  g_assert_cmpint (fb_item_get_state (a2), ==, FB_ITEM_STATE_SYNCED);
  g_assert_cmpstr (fb_item_get_base_rev (a2), ==, "1-a");
  g_assert_true (fb_body_equal (fb_item_get_base_body (a2), fb_item_get_body (a)));
  g_assert_null (fb_item_get_sync_error (a2));
  g_assert_cmpint (fb_item_get_local_seq (a2), ==, fb_item_get_local_seq (a));
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 1);
  g_assert_cmpuint (f->pending_notifies, ==, 1);
  g_assert_cmpuint (f->changed->len, ==, 1);
  g_assert_cmpint (fb_item_get_state (g_ptr_array_index (f->changed, 0)), ==,
                   FB_ITEM_STATE_SYNCED);

  /* B: edited while its push was on the way → base moves, stays pending. */
  update_note (f, fb_item_get_id (b), "B", "two");
  g_assert_true (fb_store_mark_pushed (f->store, fb_item_get_id (b), b_sent_seq,
                                       "1-b", fb_item_get_body (b), FALSE, &error));
  g_assert_no_error (error);
  b2 = get_item (f, fb_item_get_id (b));
  g_assert_cmpint (fb_item_get_state (b2), ==, FB_ITEM_STATE_PENDING);
  g_assert_cmpstr (fb_item_get_base_rev (b2), ==, "1-b");
  g_assert_cmpstr (fb_item_get_text (b2), ==, "two");
  g_assert_cmpstr (json_object_get_string_member (fb_item_get_base_body (b2), "text"), ==, "one");
  g_assert_cmpint (fb_item_get_local_seq (b2), >, b_sent_seq);

  /* Then the second push finishes. */
  g_assert_true (fb_store_mark_pushed (f->store, fb_item_get_id (b), fb_item_get_local_seq (b2),
                                       "2-b", fb_item_get_body (b2), FALSE, &error));
  b3 = get_item (f, fb_item_get_id (b));
  g_assert_cmpint (fb_item_get_state (b3), ==, FB_ITEM_STATE_SYNCED);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 0);

  /* A pushed tombstone stays in the Trash, and the last signal says deleted. */
  g_assert_true (fb_store_delete_item (f->store, fb_item_get_id (a), &error));
  tomb = get_item (f, fb_item_get_id (a));
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 1);
  reset_recorders (f);
  g_assert_true (fb_store_mark_pushed (f->store, fb_item_get_id (a), fb_item_get_local_seq (tomb),
                                       "2-a", NULL, TRUE, &error));
  g_assert_no_error (error);
  assert_in_trash (f, fb_item_get_id (a));
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 0);
  g_assert_cmpuint (f->changed->len, ==, 1);
  signalled = g_ptr_array_index (f->changed, 0);
  g_assert_true (fb_item_get_deleted (signalled));
  g_assert_cmpint (fb_item_get_state (signalled), ==, FB_ITEM_STATE_SYNCED);

  /* A tombstone restored while its push was on the way is kept, pending. */
  g_assert_true (fb_store_delete_item (f->store, fb_item_get_id (b), &error));
  g_clear_object (&tomb);
  tomb = get_item (f, fb_item_get_id (b));
  g_assert_true (fb_store_restore_item (f->store, fb_item_get_id (b), &error));
  g_assert_true (fb_store_mark_pushed (f->store, fb_item_get_id (b), fb_item_get_local_seq (tomb),
                                       "3-b", NULL, TRUE, &error));
  g_assert_no_error (error);
  g_clear_object (&b3);
  b3 = get_item (f, fb_item_get_id (b));
  g_assert_false (fb_item_get_deleted (b3));
  g_assert_cmpint (fb_item_get_state (b3), ==, FB_ITEM_STATE_PENDING);
  g_assert_cmpstr (fb_item_get_base_rev (b3), ==, "3-b");
  g_assert_null (fb_item_get_base_body (b3));

  g_assert_false (fb_store_mark_pushed (f->store, "no-such-id", 1, "1-z", fb_item_get_body (b),
                                        FALSE, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
}

/* The snapshot that was sent is what the server has: its body becomes the
 * base, an edit made meanwhile stays pending, a pushed tombstone goes. */
static void
test_mark_item_pushed (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) a = create_note (f, "A", "one");
  g_autoptr(FbItem) b = create_note (f, "B", "one");
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) tombs = NULL;
  g_autoptr(FbItem) a2 = NULL;
  g_autoptr(FbItem) b2 = NULL;
  FbItem *signalled;

  sent = fb_store_list_pending (f->store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sent->len, ==, 2);
  update_note (f, fb_item_get_id (b), "B", "two");

  reset_recorders (f);
  g_assert_true (fb_store_begin (f->store, &error));
  g_assert_true (fb_store_mark_item_pushed (f->store, sent->pdata[0], "1-a", &error));
  g_assert_true (fb_store_mark_item_pushed (f->store, sent->pdata[1], "1-b", &error));
  g_assert_true (fb_store_commit (f->store, &error));
  g_assert_no_error (error);

  a2 = get_item (f, fb_item_get_id (a));
  g_assert_cmpint (fb_item_get_state (a2), ==, FB_ITEM_STATE_SYNCED);
  g_assert_cmpstr (fb_item_get_base_rev (a2), ==, "1-a");
  g_assert_true (fb_body_equal (fb_item_get_base_body (a2), fb_item_get_body (a)));
  b2 = get_item (f, fb_item_get_id (b));
  g_assert_cmpint (fb_item_get_state (b2), ==, FB_ITEM_STATE_PENDING);
  g_assert_cmpstr (fb_item_get_base_rev (b2), ==, "1-b");
  g_assert_cmpstr (fb_item_get_text (b2), ==, "two");
  g_assert_cmpstr (json_object_get_string_member (fb_item_get_base_body (b2), "text"), ==, "one");
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 1);
  g_assert_cmpuint (f->changed->len, ==, 2);
  signalled = g_ptr_array_index (f->changed, 0);
  g_assert_cmpint (fb_item_get_state (signalled), ==, FB_ITEM_STATE_SYNCED);
  g_assert_true (fb_body_equal (fb_item_get_base_body (signalled), fb_item_get_body (a)));
  g_assert_cmpstr (fb_item_get_text (g_ptr_array_index (f->changed, 1)), ==, "two");

  g_assert_true (fb_store_delete_item (f->store, fb_item_get_id (a), &error));
  tombs = fb_store_list_pending (f->store, fb_item_get_local_seq (b2), 0, &error);
  g_assert_cmpuint (tombs->len, ==, 1);
  g_assert_true (fb_store_mark_item_pushed (f->store, tombs->pdata[0], "2-a", &error));
  g_assert_no_error (error);
  assert_in_trash (f, fb_item_get_id (a));
}

static void
test_apply_remote (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) v1 = fb_note_body_new ("From server", "v1");
  g_autoptr(JsonObject) v2 = fb_note_body_new ("From server", "v2");
  g_autoptr(FbItem) item = NULL;
  g_autoptr(FbItem) local = NULL;
  g_autoptr(FbItem) local_after = NULL;
  FbItem *signalled;

  /* Insert. */
  reset_recorders (f);
  g_assert_true (fb_store_apply_remote (f->store, "srv-1", FB_COLLECTION_NOTES, "1-s", v1,
                                        FALSE, 1600000000000, &error));
  g_assert_no_error (error);
  item = get_item (f, "srv-1");
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  g_assert_cmpstr (fb_item_get_base_rev (item), ==, "1-s");
  g_assert_true (fb_body_equal (fb_item_get_base_body (item), v1));
  g_assert_true (fb_body_equal (fb_item_get_body (item), v1));
  g_assert_cmpint (fb_item_get_updated_at (item), ==, 1600000000000);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 0);
  g_assert_cmpuint (f->pending_notifies, ==, 0);
  g_assert_cmpuint (f->changed->len, ==, 1);
  g_assert_cmpint (fb_item_get_state (g_ptr_array_index (f->changed, 0)), ==,
                   FB_ITEM_STATE_SYNCED);
  g_assert_cmpint (max_pending_seq (f), ==, 0);

  /* Our own echo changes nothing and says nothing. */
  reset_recorders (f);
  g_assert_true (fb_store_apply_remote (f->store, "srv-1", FB_COLLECTION_NOTES, "1-s", v1,
                                        FALSE, 1600000000000, &error));
  g_assert_cmpuint (f->changed->len, ==, 0);

  /* Update. */
  g_assert_true (fb_store_apply_remote (f->store, "srv-1", FB_COLLECTION_NOTES, "2-s", v2,
                                        FALSE, 1600000001000, &error));
  g_assert_no_error (error);
  g_clear_object (&item);
  item = get_item (f, "srv-1");
  g_assert_cmpstr (fb_item_get_text (item), ==, "v2");
  g_assert_cmpstr (fb_item_get_base_rev (item), ==, "2-s");
  g_assert_cmpint (fb_item_get_created_at (item), ==, 1600000000000);
  {
    g_autofree char *t = search_titles (f, NULL, "v2");

    g_assert_cmpstr (t, ==, "From server");
  }

  /* Delete of a known item puts it in the Trash. */
  reset_recorders (f);
  g_assert_true (fb_store_apply_remote (f->store, "srv-1", NULL, "3-s", NULL, TRUE, 0, &error));
  g_assert_no_error (error);
  assert_in_trash (f, "srv-1");
  g_assert_cmpuint (f->changed->len, ==, 1);
  signalled = g_ptr_array_index (f->changed, 0);
  g_assert_true (fb_item_get_deleted (signalled));
  g_assert_cmpstr (fb_item_get_id (signalled), ==, "srv-1");
  {
    g_autofree char *t = search_titles (f, NULL, "v2");

    g_assert_cmpstr (t, ==, "");
  }

  /* Delete of an unknown one is nothing. */
  reset_recorders (f);
  g_assert_true (fb_store_apply_remote (f->store, "never-seen", NULL, "2-n", NULL, TRUE, 0,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->changed->len, ==, 0);

  /* A local edit is never overwritten: it has to be merged. */
  local = create_note (f, "Mine", "local");
  g_assert_false (fb_store_apply_remote (f->store, fb_item_get_id (local), FB_COLLECTION_NOTES,
                                         "1-x", v1, FALSE, 0, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID);
  local_after = get_item (f, fb_item_get_id (local));
  g_assert_cmpstr (fb_item_get_text (local_after), ==, "local");
  g_assert_cmpint (fb_item_get_state (local_after), ==, FB_ITEM_STATE_PENDING);
}

/* A pull of many documents in one transaction per batch. */
static void
test_apply_remote_batch (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *t = NULL;
  const guint n = 2000;

  for (guint batch = 0; batch < n / 500; batch++)
    {
      reset_recorders (f);
      g_assert_true (fb_store_begin (f->store, &error));
      for (guint i = batch * 500; i < (batch + 1) * 500; i++)
        {
          g_autofree char *id = g_strdup_printf ("doc-%05u", i);
          g_autofree char *title = g_strdup_printf ("Document %u", i);
          g_autoptr(JsonObject) body = fb_note_body_new (title, "pulled");

          g_assert_true (fb_store_apply_remote (f->store, id, FB_COLLECTION_NOTES, "1-p", body,
                                                FALSE, 1000 + i, &error));
          g_assert_no_error (error);
        }
      g_assert_true (fb_store_set_checkpoint (f->store, "r", "1", &error));
      /* Nothing is announced before the batch is committed. */
      g_assert_cmpuint (f->changed->len, ==, 0);
      g_assert_true (fb_store_commit (f->store, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (f->changed->len, ==, 500);
    }

  list = fb_store_list_items (f->store, FB_COLLECTION_NOTES, &error);
  g_assert_cmpuint (list->len, ==, n);
  g_assert_cmpstr (fb_item_get_title (g_ptr_array_index (list, 0)), ==, "Document 1999");
  t = search_titles (f, NULL, "Document 1234");
  g_assert_cmpstr (t, ==, "Document 1234");
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 0);
}

static void
test_apply_merged (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = create_note (f, "T", "mine");
  g_autoptr(JsonObject) server = fb_note_body_new ("T server", "base");
  g_autoptr(JsonObject) merged = fb_note_body_new ("T server", "mine");
  g_autoptr(FbItem) after = NULL;
  g_autoptr(FbItem) other = NULL;
  g_autoptr(FbItem) third = NULL;
  const char *id = fb_item_get_id (item);

  /* Merged differs from the server: pending on top of the server's rev. */
  g_assert_true (fb_store_apply_merged (f->store, id, "2-s", server, FALSE, merged, FALSE,
                                        &error));
  g_assert_no_error (error);
  after = get_item (f, id);
  g_assert_cmpint (fb_item_get_state (after), ==, FB_ITEM_STATE_PENDING);
  g_assert_cmpstr (fb_item_get_base_rev (after), ==, "2-s");
  g_assert_true (fb_body_equal (fb_item_get_base_body (after), server));
  g_assert_true (fb_body_equal (fb_item_get_body (after), merged));
  g_assert_cmpint (fb_item_get_local_seq (after), >, fb_item_get_local_seq (item));
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 1);

  /* Merged equals the server: synced, nothing to push. */
  g_assert_true (fb_store_apply_merged (f->store, id, "3-s", merged, FALSE, merged, FALSE,
                                        &error));
  g_clear_object (&after);
  after = get_item (f, id);
  g_assert_cmpint (fb_item_get_state (after), ==, FB_ITEM_STATE_SYNCED);
  g_assert_cmpstr (fb_item_get_base_rev (after), ==, "3-s");
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 0);

  /* Both sides deleted: in the Trash. */
  other = create_note (f, "Other", "");
  g_assert_true (fb_store_delete_item (f->store, fb_item_get_id (other), &error));
  g_assert_true (fb_store_apply_merged (f->store, fb_item_get_id (other), "2-d", NULL, TRUE,
                                        NULL, TRUE, &error));
  g_assert_no_error (error);
  assert_in_trash (f, fb_item_get_id (other));

  /* Server deleted, mine edited, merge keeps mine: pending, recreated. */
  third = create_note (f, "Third", "x");
  g_assert_true (fb_store_apply_merged (f->store, fb_item_get_id (third), "2-t", NULL, TRUE,
                                        fb_item_get_body (third), FALSE, &error));
  g_assert_no_error (error);
  g_clear_object (&after);
  after = get_item (f, fb_item_get_id (third));
  g_assert_cmpint (fb_item_get_state (after), ==, FB_ITEM_STATE_PENDING);
  g_assert_null (fb_item_get_base_body (after));
  g_assert_cmpstr (fb_item_get_base_rev (after), ==, "2-t");
}

static FbItem *
make_conflict (Fixture    *f,
               const char *mine_text,
               JsonObject *server,
               gboolean    server_deleted)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = create_note (f, "Conflicted", mine_text);

  g_assert_true (fb_store_set_conflict (f->store, fb_item_get_id (item), "5-s", server,
                                        server_deleted, &error));
  g_assert_no_error (error);

  return get_item (f, fb_item_get_id (item));
}

static void
test_conflicts (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) server = fb_note_body_new ("Conflicted", "theirs");
  g_autoptr(FbItem) mine = NULL;
  g_autoptr(FbItem) both = NULL;
  g_autoptr(FbItem) gone = NULL;
  g_autoptr(FbItem) after = NULL;
  g_autoptr(FbItem) copy = NULL;
  g_autoptr(FbItem) plain = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autofree char *new_id = NULL;
  char *unused = (char *) "untouched";

  mine = make_conflict (f, "keep mine", server, FALSE);
  g_assert_cmpint (fb_item_get_state (mine), ==, FB_ITEM_STATE_CONFLICT);
  g_assert_cmpstr (fb_item_get_server_rev (mine), ==, "5-s");
  g_assert_true (fb_body_equal (fb_item_get_server_body (mine), server));
  g_assert_false (fb_item_get_server_deleted (mine));
  both = make_conflict (f, "keep both", server, FALSE);
  gone = make_conflict (f, "server deleted", NULL, TRUE);
  g_assert_true (fb_item_get_server_deleted (gone));
  g_assert_null (fb_item_get_server_body (gone));

  g_assert_cmpuint (fb_store_get_conflict_count (f->store), ==, 3);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 0);
  conflicts = fb_store_list_conflicts (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 3);
  g_assert_cmpstr (fb_item_get_text (g_ptr_array_index (conflicts, 0)), ==, "keep mine");
  g_assert_cmpstr (fb_item_get_text (g_ptr_array_index (conflicts, 2)), ==, "server deleted");

  /* Keep mine: pending on top of the server's rev. */
  g_assert_true (fb_store_resolve_conflict (f->store, fb_item_get_id (mine),
                                            FB_RESOLVE_KEEP_MINE, &unused, &error));
  g_assert_no_error (error);
  g_assert_null (unused);
  after = get_item (f, fb_item_get_id (mine));
  g_assert_cmpint (fb_item_get_state (after), ==, FB_ITEM_STATE_PENDING);
  g_assert_cmpstr (fb_item_get_text (after), ==, "keep mine");
  g_assert_cmpstr (fb_item_get_base_rev (after), ==, "5-s");
  g_assert_true (fb_body_equal (fb_item_get_base_body (after), server));
  g_assert_null (fb_item_get_server_rev (after));
  g_assert_null (fb_item_get_server_body (after));
  g_assert_cmpint (fb_item_get_local_seq (after), >, fb_item_get_local_seq (mine));

  /* Keep both: mine becomes a new pending item, this one takes the server's. */
  g_assert_true (fb_store_resolve_conflict (f->store, fb_item_get_id (both),
                                            FB_RESOLVE_KEEP_BOTH, &new_id, &error));
  g_assert_no_error (error);
  g_assert_nonnull (new_id);
  g_assert_cmpstr (new_id, !=, fb_item_get_id (both));
  copy = get_item (f, new_id);
  g_assert_cmpstr (fb_item_get_text (copy), ==, "keep both");
  /* The copy says which one it is; the original keeps its title. */
  g_assert_cmpstr (fb_item_get_title (copy), ==, "Conflicted (copy from this device)");
  g_assert_cmpint (fb_item_get_state (copy), ==, FB_ITEM_STATE_PENDING);
  g_assert_null (fb_item_get_base_rev (copy));
  g_clear_object (&after);
  after = get_item (f, fb_item_get_id (both));
  g_assert_cmpstr (fb_item_get_text (after), ==, "theirs");
  g_assert_cmpstr (fb_item_get_title (after), ==, "Conflicted");
  g_assert_cmpint (fb_item_get_state (after), ==, FB_ITEM_STATE_SYNCED);
  g_assert_cmpstr (fb_item_get_base_rev (after), ==, "5-s");

  /* Use server when the server deleted it: in the Trash. */
  g_assert_true (fb_store_resolve_conflict (f->store, fb_item_get_id (gone),
                                            FB_RESOLVE_USE_SERVER, NULL, &error));
  g_assert_no_error (error);
  assert_in_trash (f, fb_item_get_id (gone));

  g_assert_cmpuint (fb_store_get_conflict_count (f->store), ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 2);

  /* Only a conflict can be resolved. */
  plain = create_note (f, "plain", "");
  g_assert_false (fb_store_resolve_conflict (f->store, fb_item_get_id (plain),
                                             FB_RESOLVE_USE_SERVER, NULL, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID);
}

static void
test_use_server (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) server = fb_note_body_new ("Server title", "theirs");
  g_autoptr(FbItem) item = make_conflict (f, "mine", server, FALSE);
  g_autoptr(FbItem) after = NULL;
  g_autofree char *t = NULL;

  g_assert_true (fb_store_resolve_conflict (f->store, fb_item_get_id (item),
                                            FB_RESOLVE_USE_SERVER, NULL, &error));
  g_assert_no_error (error);
  after = get_item (f, fb_item_get_id (item));
  g_assert_cmpint (fb_item_get_state (after), ==, FB_ITEM_STATE_SYNCED);
  g_assert_true (fb_body_equal (fb_item_get_body (after), server));
  g_assert_true (fb_body_equal (fb_item_get_base_body (after), server));
  g_assert_cmpstr (fb_item_get_base_rev (after), ==, "5-s");
  t = search_titles (f, NULL, "theirs");
  g_assert_cmpstr (t, ==, "Server title");
  g_assert_cmpuint (fb_store_get_conflict_count (f->store), ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 0);
}

/* Unsaved typing on screen collided with a version that arrived: both
 * are kept, what was on screen as mine, the arrival as the server's side. */
static void
test_keep_edit_in_conflict (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) server = fb_note_body_new ("List", "bread\nsoy milk");
  g_autoptr(JsonObject) mine = fb_note_body_new ("List", "bread\noat milk");
  g_autoptr(JsonObject) later = fb_note_body_new ("List", "bread\noat milk\ntea");
  g_autoptr(FbItem) item = NULL;
  g_autoptr(FbItem) after = NULL;
  g_autoptr(FbItem) fresh = NULL;
  g_autoptr(FbItem) resolved = NULL;

  g_assert_true (fb_store_apply_remote (f->store, "on-screen", FB_COLLECTION_NOTES, "2-b",
                                        server, FALSE, 0, &error));
  g_assert_no_error (error);
  item = get_item (f, "on-screen");

  g_assert_true (fb_store_keep_edit_in_conflict (f->store, "on-screen", mine, &error));
  g_assert_no_error (error);
  after = get_item (f, "on-screen");
  g_assert_cmpint (fb_item_get_state (after), ==, FB_ITEM_STATE_CONFLICT);
  g_assert_cmpstr (fb_item_get_text (after), ==, "bread\noat milk");
  g_assert_cmpstr (fb_item_get_server_rev (after), ==, "2-b");
  g_assert_true (fb_body_equal (fb_item_get_server_body (after), server));
  g_assert_cmpint (fb_item_get_local_seq (after), >, fb_item_get_local_seq (item));
  g_assert_cmpuint (fb_store_get_conflict_count (f->store), ==, 1);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 0);

  /* More typing while in conflict: still mine, the server's side kept. */
  g_assert_true (fb_store_keep_edit_in_conflict (f->store, "on-screen", later, &error));
  g_assert_no_error (error);
  g_clear_object (&after);
  after = get_item (f, "on-screen");
  g_assert_cmpint (fb_item_get_state (after), ==, FB_ITEM_STATE_CONFLICT);
  g_assert_cmpstr (fb_item_get_text (after), ==, "bread\noat milk\ntea");
  g_assert_true (fb_body_equal (fb_item_get_server_body (after), server));

  /* Either side can still be chosen. */
  g_assert_true (fb_store_resolve_conflict (f->store, "on-screen", FB_RESOLVE_USE_SERVER,
                                            NULL, &error));
  g_assert_no_error (error);
  resolved = get_item (f, "on-screen");
  g_assert_cmpstr (fb_item_get_text (resolved), ==, "bread\nsoy milk");

  /* Never on a server: nothing to collide with, a plain edit. */
  fresh = create_note (f, "New", "one");
  g_assert_true (fb_store_keep_edit_in_conflict (f->store, fb_item_get_id (fresh), mine, &error));
  g_assert_no_error (error);
  g_clear_object (&after);
  after = get_item (f, fb_item_get_id (fresh));
  g_assert_cmpint (fb_item_get_state (after), ==, FB_ITEM_STATE_PENDING);
  g_assert_cmpstr (fb_item_get_text (after), ==, "bread\noat milk");
}

/* ---- Transactions ---- */

static void
test_transactions (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) outer = NULL;
  g_autoptr(FbItem) inner = NULL;
  g_autoptr(FbItem) edited = NULL;
  g_autoptr(GPtrArray) list = NULL;

  reset_recorders (f);
  g_assert_true (fb_store_begin (f->store, &error));
  outer = create_note (f, "outer", "1");
  update_note (f, fb_item_get_id (outer), "outer", "2");

  g_assert_true (fb_store_begin (f->store, &error));
  inner = create_note (f, "inner", "");
  update_note (f, fb_item_get_id (outer), "outer", "3");
  fb_store_rollback (f->store);

  /* Inside the transaction the savepoint's changes are gone. */
  assert_gone (f, fb_item_get_id (inner));
  edited = get_item (f, fb_item_get_id (outer));
  g_assert_cmpstr (fb_item_get_text (edited), ==, "2");

  g_assert_true (fb_store_begin (f->store, &error));
  g_assert_true (fb_store_begin (f->store, &error));
  g_object_unref (create_note (f, "deep", ""));
  g_assert_true (fb_store_commit (f->store, &error));
  g_assert_true (fb_store_commit (f->store, &error));

  /* Nothing announced before the outermost commit. */
  g_assert_cmpuint (f->changed->len, ==, 0);
  g_assert_cmpuint (f->pending_notifies, ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 0);

  g_assert_true (fb_store_commit (f->store, &error));
  g_assert_no_error (error);

  /* Once per item, with its last snapshot. */
  g_assert_cmpuint (f->changed->len, ==, 2);
  for (guint i = 0; i < f->changed->len; i++)
    {
      FbItem *item = g_ptr_array_index (f->changed, i);

      g_assert_cmpstr (fb_item_get_id (item), !=, fb_item_get_id (inner));
      if (g_str_equal (fb_item_get_id (item), fb_item_get_id (outer)))
        g_assert_cmpstr (fb_item_get_text (item), ==, "2");
      else
        g_assert_cmpstr (fb_item_get_title (item), ==, "deep");
    }
  g_assert_cmpuint (f->pending_notifies, ==, 1);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 2);

  /* A rolled back transaction announces nothing and keeps nothing. */
  reset_recorders (f);
  g_assert_true (fb_store_begin (f->store, &error));
  g_object_unref (create_note (f, "never", ""));
  g_assert_true (fb_store_delete_item (f->store, fb_item_get_id (outer), &error));
  fb_store_rollback (f->store);
  g_assert_cmpuint (f->changed->len, ==, 0);
  g_assert_cmpuint (f->pending_notifies, ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 2);
  list = fb_store_list_items (f->store, NULL, &error);
  g_assert_cmpuint (list->len, ==, 2);

  /* The store works normally afterwards. */
  g_object_unref (create_note (f, "after", ""));
  g_assert_cmpuint (f->changed->len, ==, 1);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 3);
}

/* Two notes in one transaction; @user_data says whether it commits, and
 * whether the second write or the work itself is what fails. */
typedef enum {
  TXN_COMMIT,
  TXN_FAIL_AFTER_WRITING,
  TXN_FAIL_IN_A_WRITE,
} TxnOutcome;

static gboolean
write_two_notes_txn (FbStore   *store,
                     gpointer   user_data,
                     GError   **error)
{
  TxnOutcome outcome = GPOINTER_TO_INT (user_data);
  g_autoptr(JsonObject) body = fb_note_body_new ("first of two", "");
  g_autoptr(FbItem) first = NULL;
  g_autoptr(FbItem) second = NULL;

  first = fb_store_create_item (store, "notes", body, error);
  if (first == NULL)
    return FALSE;

  if (outcome == TXN_FAIL_IN_A_WRITE)
    return fb_store_update_item (store, "no-such-item", body, error);

  json_object_set_string_member (body, "title", "second of two");
  second = fb_store_create_item (store, "notes", body, error);
  if (second == NULL)
    return FALSE;

  if (outcome == TXN_FAIL_AFTER_WRITING)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "changed my mind");
      return FALSE;
    }

  return TRUE;
}

static void
test_with_transaction (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  /* Work that fails keeps nothing, announces nothing, and its error is
   * the caller's. */
  reset_recorders (f);
  g_assert_false (fb_store_with_transaction (f->store, write_two_notes_txn,
                                             GINT_TO_POINTER (TXN_FAIL_AFTER_WRITING), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (fb_store_with_transaction (f->store, write_two_notes_txn,
                                             GINT_TO_POINTER (TXN_FAIL_IN_A_WRITE), &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  list = fb_store_list_items (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_cmpuint (f->changed->len, ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Work that succeeds is committed once, both notes together. */
  g_assert_true (fb_store_with_transaction (f->store, write_two_notes_txn,
                                            GINT_TO_POINTER (TXN_COMMIT), &error));
  g_assert_no_error (error);
  list = fb_store_list_items (f->store, NULL, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpuint (f->changed->len, ==, 2);
  g_assert_cmpuint (f->pending_notifies, ==, 1);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Inside another transaction it is a savepoint: a failure drops only
   * its own writes, and nothing is announced before the outer commit. */
  reset_recorders (f);
  g_assert_true (fb_store_begin (f->store, &error));
  g_object_unref (create_note (f, "outer", ""));
  g_assert_false (fb_store_with_transaction (f->store, write_two_notes_txn,
                                             GINT_TO_POINTER (TXN_FAIL_AFTER_WRITING), &error));
  g_clear_error (&error);
  g_assert_true (fb_store_with_transaction (f->store, write_two_notes_txn,
                                            GINT_TO_POINTER (TXN_COMMIT), &error));
  g_assert_cmpuint (f->changed->len, ==, 0);
  g_assert_true (fb_store_commit (f->store, &error));
  g_assert_no_error (error);
  list = fb_store_list_items (f->store, NULL, &error);
  g_assert_cmpuint (list->len, ==, 5);
  g_assert_cmpuint (f->changed->len, ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/store/default-path", test_default_path);
  g_test_add_func ("/store/body-helpers", test_body_helpers);
  g_test_add_func ("/store/body-to-string", test_body_to_string);
  ADD ("/store/pragmas", test_pragmas);
  ADD ("/store/query-plans", test_query_plans);
  ADD ("/store/crud", test_crud);
  ADD ("/store/put", test_put);
  ADD ("/store/coalescing", test_coalescing);
  ADD ("/store/tombstone-restore", test_tombstone_restore);
  ADD ("/store/search", test_search);
  ADD ("/store/search-after-edit", test_search_after_edit);
  g_test_add_func ("/store/migration-from-v1", test_migration_from_v1);
  ADD ("/store/counts-notify", test_counts_notify);
  ADD ("/store/meta-checkpoint", test_meta_checkpoint);
  ADD ("/store/sync/list-pending-batches", test_list_pending_batches);
  ADD ("/store/sync/mark-pushed", test_mark_pushed);
  ADD ("/store/sync/mark-item-pushed", test_mark_item_pushed);
  ADD ("/store/search/in-transaction", test_search_in_transaction);
  ADD ("/store/background-checkpoint", test_background_checkpoint);
  ADD ("/store/sync/apply-remote", test_apply_remote);
  ADD ("/store/sync/apply-remote-batch", test_apply_remote_batch);
  ADD ("/store/sync/apply-merged", test_apply_merged);
  ADD ("/store/sync/conflicts", test_conflicts);
  ADD ("/store/sync/use-server", test_use_server);
  ADD ("/store/sync/keep-edit-in-conflict", test_keep_edit_in_conflict);
  ADD ("/store/transactions", test_transactions);
  ADD ("/store/with-transaction", test_with_transaction);

  return g_test_run ();
}
