/* test-item-sort.c: the list sorted by modification, creation or title, pinned items first, and pins that merge */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-item-sort"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "fb-item-body.h"
#include "fb-item-list.h"
#include "fb-item-sort.h"
#include "fb-merge.h"
#include "fb-test-store.h"

typedef struct
{
  char    *dir;
  char    *path;
  FbStore *store;
  gint64   now;
  /* Made oldest first; "cherry" edited last. */
  char    *cherry, *banana, *apple, *untitled;
} Fixture;

static char *
create_note (Fixture    *f,
             const char *title)
{
  g_autoptr(FbItem) item = fb_test_store_create_note (f->store, title, "text");

  return g_strdup (fb_item_get_id (item));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;

  f->dir = fb_test_make_tmp_dir ();
  f->path = g_build_filename (f->dir, "fieldbook.db", NULL);
  f->store = fb_store_new (f->path, &error);
  g_assert_no_error (error);
  f->now = 1700000000000;
  _fb_store_set_clock (f->store, fb_test_clock, &f->now);

  f->cherry = create_note (f, "cherry");
  f->banana = create_note (f, "Banana");
  f->apple = create_note (f, "apple");
  f->untitled = create_note (f, "  ");
  body = fb_note_body_new ("cherry", "edited");
  g_assert_true (fb_store_update_item (f->store, f->cherry, body, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->store);
  fb_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->cherry);
  g_free (f->banana);
  g_free (f->apple);
  g_free (f->untitled);
}

/* The titles in the list's order, "|"-joined. */
static char *
list_titles (GListModel *list)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (list, i);

      g_string_append_printf (out, "%s%s", i > 0 ? "|" : "", fb_item_get_title (item));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
assert_order (FbStore    *store,
              FbItemList *list,
              const char *expected)
{
  g_autoptr(FbItemList) fresh = fb_item_list_new (store, FB_COLLECTION_NOTES);
  g_autofree char *live = list_titles (G_LIST_MODEL (list));
  g_autofree char *listed = NULL;

  /* What the list became edit by edit is what a new list reads. */
  fb_item_list_set_sort (fresh, fb_item_list_get_sort (list));
  listed = list_titles (G_LIST_MODEL (fresh));
  g_assert_cmpstr (live, ==, expected);
  g_assert_cmpstr (listed, ==, expected);
}

static void
test_orders (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(FbItemList) list = fb_item_list_new (f->store, FB_COLLECTION_NOTES);
  FbItemSort sort;

  assert_order (f->store, list, "cherry|  |apple|Banana");
  fb_item_list_set_sort (list, FB_ITEM_SORT_CREATED);
  assert_order (f->store, list, "  |apple|Banana|cherry");
  /* By the person's alphabet, not by bytes ("B" < "a"); untitled last. */
  fb_item_list_set_sort (list, FB_ITEM_SORT_TITLE);
  assert_order (f->store, list, "apple|Banana|cherry|  ");
  g_assert_cmpint (fb_item_list_get_sort (list), ==, FB_ITEM_SORT_TITLE);

  g_assert_true (fb_item_sort_from_string ("created", &sort));
  g_assert_cmpint (sort, ==, FB_ITEM_SORT_CREATED);
  g_assert_cmpstr (fb_item_sort_to_string (FB_ITEM_SORT_TITLE), ==, "title");
  g_assert_false (fb_item_sort_from_string ("size", &sort));
}

typedef struct
{
  guint position, removed, added, calls;
} Change;

static void
items_changed_cb (GListModel *list,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Change     *change)
{
  change->position = position;
  change->removed = removed;
  change->added = added;
  change->calls++;
}

static void
test_pin (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = NULL;
  const FbItemSort sorts[] = { FB_ITEM_SORT_MODIFIED, FB_ITEM_SORT_CREATED, FB_ITEM_SORT_TITLE };
  FbItemList *lists[G_N_ELEMENTS (sorts)];
  Change change = { 0, };

  for (guint i = 0; i < G_N_ELEMENTS (sorts); i++)
    {
      lists[i] = fb_item_list_new (f->store, FB_COLLECTION_NOTES);
      fb_item_list_set_sort (lists[i], sorts[i]);
    }
  g_signal_connect (lists[2], "items-changed", G_CALLBACK (items_changed_cb), &change);

  g_assert_true (fb_store_set_pinned (f->store, f->banana, TRUE, &error));
  g_assert_no_error (error);
  item = fb_store_get_item (f->store, f->banana, &error);
  g_assert_true (fb_item_get_pinned (item));
  g_assert_true (json_object_get_boolean_member (fb_item_get_body (item), "pinned"));
  /* A move to the top, told as a removal then an insertion. */
  g_assert_cmpuint (change.position, ==, 0);
  g_assert_cmpuint (change.added, ==, 1);

  assert_order (f->store, lists[0], "Banana|cherry|  |apple");
  assert_order (f->store, lists[1], "Banana|  |apple|cherry");
  assert_order (f->store, lists[2], "Banana|apple|cherry|  ");

  /* Pinned items sort among themselves as the rest do. */
  g_assert_true (fb_store_set_pinned (f->store, f->untitled, TRUE, &error));
  assert_order (f->store, lists[2], "Banana|  |apple|cherry");
  assert_order (f->store, lists[1], "  |Banana|apple|cherry");

  /* A new note takes its place in the title order at once. */
  change.calls = 0;
  g_clear_object (&item);
  item = fb_test_store_create_note (f->store, "avocado", "");
  g_assert_cmpuint (change.calls, ==, 1);
  g_assert_cmpuint (change.position, ==, 3);
  g_assert_cmpuint (change.removed, ==, 0);
  assert_order (f->store, lists[2], "Banana|  |apple|avocado|cherry");

  /* Unpinned: no member left, back in its place. */
  g_assert_true (fb_store_set_pinned (f->store, f->banana, FALSE, &error));
  g_assert_no_error (error);
  g_clear_object (&item);
  item = fb_store_get_item (f->store, f->banana, &error);
  g_assert_false (fb_item_get_pinned (item));
  g_assert_false (json_object_has_member (fb_item_get_body (item), "pinned"));
  assert_order (f->store, lists[2], "  |apple|avocado|Banana|cherry");

  /* Pinning what is pinned is no edit. */
  change.calls = 0;
  g_assert_true (fb_store_set_pinned (f->store, f->untitled, TRUE, &error));
  g_assert_cmpuint (change.calls, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (sorts); i++)
    g_object_unref (lists[i]);
}

/* A pin is a member of the body: it merges three-way as any value
 * changed on one side. */
static void
test_pin_merges (void)
{
  g_autoptr(JsonObject) base = fb_note_body_new ("Heron", "line\n");
  g_autoptr(JsonObject) mine = fb_body_copy (base);
  g_autoptr(JsonObject) theirs = fb_note_body_new ("Heron nest", "line\n");
  g_autoptr(JsonObject) merged = NULL;
  g_autoptr(JsonObject) unpinned = NULL;
  gboolean deleted = FALSE;

  json_object_set_boolean_member (mine, "pinned", TRUE);
  g_assert_cmpint (fb_merge_bodies (base, mine, theirs, &merged, &deleted), ==, FB_MERGE_CLEAN);
  g_assert_true (json_object_get_boolean_member (merged, "pinned"));
  g_assert_cmpstr (json_object_get_string_member (merged, "title"), ==, "Heron nest");

  /* Unpinned here (member removed), the other side changed the title. */
  g_clear_pointer (&merged, json_object_unref);
  unpinned = fb_body_copy (base);
  json_object_set_boolean_member (base, "pinned", TRUE);
  json_object_set_boolean_member (theirs, "pinned", TRUE);
  g_assert_cmpint (fb_merge_bodies (base, unpinned, theirs, &merged, &deleted), ==, FB_MERGE_CLEAN);
  g_assert_false (json_object_has_member (merged, "pinned"));
  g_assert_cmpstr (json_object_get_string_member (merged, "title"), ==, "Heron nest");
}

/* The pinned items are found in the index without reading bodies. */
static void
test_pinned_index (Fixture       *f,
                   gconstpointer  data)
{
  sqlite3 *db = _fb_store_get_db (f->store);
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) plan = g_string_new (NULL);

  g_assert_true (fb_store_set_pinned (f->store, f->apple, TRUE, NULL));
  g_assert_cmpint (fb_test_query_int (db, "SELECT count(*) FROM items WHERE pinned = 1"), ==, 1);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "EXPLAIN QUERY PLAN SELECT rowid FROM items "
                                           "WHERE collection = 'notes' AND deleted = 0 "
                                           "AND pinned = 1", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append (plan, (const char *) sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  g_assert_nonnull (strstr (plan->str, "items_by_pin_and_title"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/item-sort/orders", Fixture, NULL, fixture_setup, test_orders, fixture_teardown);
  g_test_add ("/item-sort/pin", Fixture, NULL, fixture_setup, test_pin, fixture_teardown);
  g_test_add ("/item-sort/pinned-index", Fixture, NULL, fixture_setup, test_pinned_index,
              fixture_teardown);
  g_test_add_func ("/item-sort/pin-merges", test_pin_merges);

  return g_test_run ();
}
