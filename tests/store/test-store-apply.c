/* test-store-apply.c: a pulled batch applied in one transaction, and its items read in one query */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-store-apply"

#include "config.h"

#include "fb-store.h"
#include "fb-test-store.h"

typedef struct
{
  char    *dir;
  FbStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = fb_test_make_tmp_dir ();
  path = g_build_filename (f->dir, "store.db", NULL);
  f->store = fb_store_new (path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  fb_test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
apply_in_batch (Fixture    *f,
                const char *id,
                const char *rev,
                const char *title)
{
  g_autoptr(JsonObject) body = fb_note_body_new (title, "Seen from the bridge");
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_store_apply_remote_in_batch (f->store, id, FB_COLLECTION_NOTES, rev, body,
                                                 FALSE, 1700000000000, &error));
  g_assert_no_error (error);
}

static guint
n_found (Fixture    *f,
         const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = fb_store_search (f->store, NULL, query, &error);

  g_assert_no_error (error);
  return found->len;
}

/* A whole batch in one commit: every item is there, synced with the
 * server's revision, and found by a search right after the commit. */
static void
test_batch_committed (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) heron = NULL;

  g_assert_true (fb_store_begin (f->store, &error));
  apply_in_batch (f, "heron", "1-a", "Grey heron");
  apply_in_batch (f, "egret", "1-b", "Little egret");
  apply_in_batch (f, "heron", "2-c", "Grey heron, fishing");
  g_assert_true (fb_store_commit (f->store, &error));
  g_assert_no_error (error);

  heron = fb_store_get_item (f->store, "heron", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_item_get_title (heron), ==, "Grey heron, fishing");
  g_assert_cmpstr (fb_item_get_base_rev (heron), ==, "2-c");
  g_assert_cmpint (fb_item_get_state (heron), ==, FB_ITEM_STATE_SYNCED);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 0);
  g_assert_cmpuint (n_found (f, "fishing"), ==, 1);
  g_assert_cmpuint (n_found (f, "egret"), ==, 1);
  g_assert_cmpuint (n_found (f, "bridge"), ==, 2);
}

/* One change of the batch fails (the item has an edit not synced yet): the
 * batch is rolled back whole, and what came before it in the batch is
 * neither in the store nor in the index. */
static void
test_batch_failure_keeps_nothing (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(JsonObject) mine = fb_note_body_new ("My kingfisher", "Typed here");
  g_autoptr(JsonObject) theirs = fb_note_body_new ("Their kingfisher", "From the server");
  g_autoptr(FbItem) local = NULL;
  g_autoptr(FbItem) after = NULL;
  g_autoptr(GError) error = NULL;

  local = fb_store_put_item (f->store, "kingfisher", FB_COLLECTION_NOTES, mine, &error);
  g_assert_no_error (error);

  g_assert_true (fb_store_begin (f->store, &error));
  apply_in_batch (f, "dipper", "1-d", "White-throated dipper");
  g_assert_false (fb_store_apply_remote_in_batch (f->store, "kingfisher", FB_COLLECTION_NOTES,
                                                  "1-k", theirs, FALSE, 0, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID);
  fb_store_rollback (f->store);

  g_clear_error (&error);
  g_assert_null (fb_store_get_item (f->store, "dipper", &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (n_found (f, "dipper"), ==, 0);
  g_clear_error (&error);
  after = fb_store_get_item (f->store, "kingfisher", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_item_get_title (after), ==, "My kingfisher");
  g_assert_cmpint (fb_item_get_state (after), ==, FB_ITEM_STATE_PENDING);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 1);
}

/* The items a batch names, in one query: those that exist, as the store has
 * them (state, revision), whatever characters their ids hold. */
static void
test_lookup_items (Fixture       *f,
                   gconstpointer  data)
{
  const char *odd_id = "note \"quoted\" \\ back, \xc3\xa4 and \xe2\x9c\x93";
  const char *ids[] = { "synced", "missing", NULL, NULL, NULL };
  g_autoptr(JsonObject) body = fb_note_body_new ("Pending", "Mine");
  g_autoptr(GHashTable) items = NULL;
  g_autoptr(FbItem) pending = NULL;
  g_autoptr(GError) error = NULL;
  FbItem *found;

  ids[2] = odd_id;
  g_assert_true (fb_store_begin (f->store, &error));
  apply_in_batch (f, "synced", "3-s", "Synced one");
  g_assert_true (fb_store_commit (f->store, &error));
  pending = fb_store_put_item (f->store, odd_id, FB_COLLECTION_NOTES, body, &error);
  g_assert_no_error (error);

  items = fb_store_lookup_items (f->store, ids, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (items), ==, 2);
  g_assert_false (g_hash_table_contains (items, "missing"));
  found = g_hash_table_lookup (items, "synced");
  g_assert_nonnull (found);
  g_assert_cmpstr (fb_item_get_base_rev (found), ==, "3-s");
  g_assert_cmpint (fb_item_get_state (found), ==, FB_ITEM_STATE_SYNCED);
  found = g_hash_table_lookup (items, odd_id);
  g_assert_nonnull (found);
  g_assert_cmpstr (fb_item_get_title (found), ==, "Pending");
  g_assert_cmpint (fb_item_get_state (found), ==, FB_ITEM_STATE_PENDING);

  g_clear_pointer (&items, g_hash_table_unref);
  ids[0] = NULL;
  items = fb_store_lookup_items (f->store, ids, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (items), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/store-apply/batch-committed", Fixture, NULL,
              fixture_set_up, test_batch_committed, fixture_tear_down);
  g_test_add ("/store-apply/batch-failure-keeps-nothing", Fixture, NULL,
              fixture_set_up, test_batch_failure_keeps_nothing, fixture_tear_down);
  g_test_add ("/store-apply/lookup-items", Fixture, NULL,
              fixture_set_up, test_lookup_items, fixture_tear_down);

  return g_test_run ();
}
