/* test-item-list.c: FbItemList order, search, and one precise items-changed per change */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-item-list"

#include "config.h"

#include "fb-item-list.h"
#include "fb-store.h"
#include "fb-test-store.h"
#include "fb-test-wait.h"

typedef struct
{
  guint position;
  guint removed;
  guint added;
} Change;

typedef struct
{
  char       *dir;
  FbStore    *store;
  gint64      now;
  FbItemList *list;
  GArray     *changes;   /* Change */
  GPtrArray  *shadow;    /* what a view would hold after replaying the signals */
  guint       search_notifies;
} Fixture;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  Change change = { position, removed, added };

  g_array_append_val (f->changes, change);

  /* Replay on the shadow, as GtkListView does: the model already holds
   * the new items. */
  g_assert_cmpuint (position + removed, <=, f->shadow->len);
  g_ptr_array_remove_range (f->shadow, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (f->shadow, position + i, g_list_model_get_item (model, position + i));
  g_assert_cmpuint (f->shadow->len, ==, g_list_model_get_n_items (model));
}

static void
notify_search_cb (GObject    *object,
                  GParamSpec *pspec,
                  Fixture    *f)
{
  f->search_notifies++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = fb_test_make_tmp_dir ();
  path = g_build_filename (f->dir, "fieldbook.db", NULL);
  f->store = fb_store_new (path, &error);
  g_assert_no_error (error);
  f->now = 1700000000000;
  _fb_store_set_clock (f->store, fb_test_clock, &f->now);
  f->changes = g_array_new (FALSE, FALSE, sizeof (Change));
  f->shadow = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->list != NULL)
    g_assert_finalize_object (f->list);
  g_assert_finalize_object (f->store);
  g_array_unref (f->changes);
  g_ptr_array_unref (f->shadow);
  fb_test_remove_tree (f->dir);
  g_assert_false (g_file_test (f->dir, G_FILE_TEST_EXISTS));
  g_free (f->dir);
}

static void
watch_list (Fixture    *f,
            const char *collection)
{
  f->list = fb_item_list_new (f->store, collection);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (f->list)); i++)
    g_ptr_array_add (f->shadow, g_list_model_get_item (G_LIST_MODEL (f->list), i));
  g_signal_connect (f->list, "items-changed", G_CALLBACK (items_changed_cb), f);
  g_signal_connect (f->list, "notify::search", G_CALLBACK (notify_search_cb), f);
}

static FbItem *
create_note (Fixture    *f,
             const char *title,
             const char *text)
{
  return fb_test_store_create_note (f->store, title, text);
}

static void
update_note (Fixture    *f,
             FbItem     *item,
             const char *title,
             const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = fb_note_body_new (title, text);

  g_assert_true (fb_store_update_item (f->store, fb_item_get_id (item), body, &error));
  g_assert_no_error (error);
}

static char *
model_titles (GListModel *model)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (model, i);

      if (i > 0)
        g_string_append_c (out, '|');
      g_string_append (out, fb_item_get_title (item));
    }

  return g_string_free (out, FALSE);
}

/* What a view got when it was told and what the model gives now are the
 * same version of the same item (the lazy model may make a new snapshot
 * object for a row it let go of). */
static void
assert_same_snapshot (FbItem *seen,
                      FbItem *now)
{
  g_assert_cmpstr (fb_item_get_id (seen), ==, fb_item_get_id (now));
  g_assert_cmpint (fb_item_get_local_seq (seen), ==, fb_item_get_local_seq (now));
  g_assert_cmpint (fb_item_get_state (seen), ==, fb_item_get_state (now));
  g_assert_cmpstr (fb_item_get_body_json (seen), ==, fb_item_get_body_json (now));
}

/* The model matches what the store would list now, and the signals told a
 * view everything it needed to show exactly that. */
static void
assert_consistent (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  GListModel *model = G_LIST_MODEL (f->list);
  const char *search = fb_item_list_get_search (f->list);

  if (search != NULL)
    expected = fb_store_search (f->store, fb_item_list_get_collection (f->list), search, &error);
  else
    expected = fb_store_list_items (f->store, fb_item_list_get_collection (f->list), &error);
  g_assert_no_error (error);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected->len);
  g_assert_cmpuint (f->shadow->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (model, i);
      FbItem *want = g_ptr_array_index (expected, i);

      g_assert_cmpstr (fb_item_get_id (item), ==, fb_item_get_id (want));
      g_assert_cmpint (fb_item_get_local_seq (item), ==, fb_item_get_local_seq (want));
      g_assert_cmpint (fb_item_get_state (item), ==, fb_item_get_state (want));
      assert_same_snapshot (g_ptr_array_index (f->shadow, i), item);
    }
  g_assert_null (g_list_model_get_item (model, expected->len));
}

/* The signals told a view exactly what the model holds (for a list whose
 * rows changed from elsewhere, which keep their places, so the order is no
 * longer the store's). */
static void
assert_shadow_matches (Fixture *f)
{
  GListModel *model = G_LIST_MODEL (f->list);

  g_assert_cmpuint (f->shadow->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < f->shadow->len; i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (model, i);

      assert_same_snapshot (g_ptr_array_index (f->shadow, i), item);
    }
}

static void
assert_changes_full (Fixture      *f,
                     const Change *expected,
                     guint         n_expected,
                     gboolean      store_order)
{
  for (guint i = 0; i < f->changes->len; i++)
    {
      Change *got = &g_array_index (f->changes, Change, i);

      g_test_message ("items-changed (%u, %u, %u)", got->position, got->removed, got->added);
    }
  g_assert_cmpuint (f->changes->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      Change *got = &g_array_index (f->changes, Change, i);

      g_assert_cmpuint (got->position, ==, expected[i].position);
      g_assert_cmpuint (got->removed, ==, expected[i].removed);
      g_assert_cmpuint (got->added, ==, expected[i].added);
    }
  g_array_set_size (f->changes, 0);
  if (store_order)
    assert_consistent (f);
  else
    assert_shadow_matches (f);
}

static void
assert_changes (Fixture      *f,
                const Change *expected,
                guint         n_expected)
{
  assert_changes_full (f, expected, n_expected, TRUE);
}

#define ASSERT_CHANGES(f, ...) \
  G_STMT_START { \
    const Change _expected[] = { __VA_ARGS__ }; \
    assert_changes ((f), _expected, G_N_ELEMENTS (_expected)); \
  } G_STMT_END
#define ASSERT_NO_CHANGES(f) assert_changes ((f), NULL, 0)
#define ASSERT_CHANGES_IN_PLACE(f, ...) \
  G_STMT_START { \
    const Change _expected[] = { __VA_ARGS__ }; \
    assert_changes_full ((f), _expected, G_N_ELEMENTS (_expected), FALSE); \
  } G_STMT_END

static void
test_contents (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) record = fb_record_body_new ("Record");
  g_autoptr(FbItem) record_item = NULL;
  g_autoptr(FbItemList) all = NULL;
  g_autofree char *t = NULL;
  g_autofree char *t_all = NULL;
  g_autofree char *collection = NULL;

  g_object_unref (create_note (f, "A", ""));
  g_object_unref (create_note (f, "B", ""));
  record_item = fb_store_create_item (f->store, FB_COLLECTION_RECORDS, record, &error);
  g_object_unref (create_note (f, "C", ""));

  watch_list (f, FB_COLLECTION_NOTES);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (f->list)) == FB_TYPE_ITEM);
  t = model_titles (G_LIST_MODEL (f->list));
  g_assert_cmpstr (t, ==, "C|B|A");
  assert_consistent (f);
  g_object_get (f->list, "collection", &collection, NULL);
  g_assert_cmpstr (collection, ==, FB_COLLECTION_NOTES);
  g_assert_true (fb_item_list_get_store (f->list) == f->store);

  all = fb_item_list_new (f->store, NULL);
  t_all = model_titles (G_LIST_MODEL (all));
  g_assert_cmpstr (t_all, ==, "C|Record|B|A");

  /* A change in another collection says nothing. */
  g_assert_true (fb_store_delete_item (f->store, fb_item_get_id (record_item), &error));
  ASSERT_NO_CHANGES (f);
}

static void
test_precise_changes (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) a = create_note (f, "A", "");
  g_autoptr(FbItem) b = create_note (f, "B", "");
  g_autoptr(FbItem) c = create_note (f, "C", "");
  g_autoptr(FbItem) d = NULL;
  g_autofree char *t = NULL;

  watch_list (f, FB_COLLECTION_NOTES);

  /* Create: one insertion at the top. */
  d = create_note (f, "D", "");
  ASSERT_CHANGES (f, { 0, 0, 1 });

  /* Edit of the oldest: it moves to the top, as a removal then an
   * insertion. */
  update_note (f, a, "A2", "");
  ASSERT_CHANGES (f, { 3, 1, 0 }, { 0, 0, 1 });
  t = model_titles (G_LIST_MODEL (f->list));
  g_assert_cmpstr (t, ==, "A2|D|C|B");

  /* Edit of the top item: replaced in place. */
  update_note (f, a, "A3", "");
  ASSERT_CHANGES (f, { 0, 1, 1 });

  /* A change of sync state only (same updated_at): replaced in place. */
  {
    g_autoptr(FbItem) current = fb_store_get_item (f->store, fb_item_get_id (c), &error);

    g_assert_true (fb_store_mark_pushed (f->store, fb_item_get_id (c),
                                         fb_item_get_local_seq (current), "1-c",
                                         fb_item_get_body (current), FALSE, &error));
    g_assert_no_error (error);
  }
  ASSERT_CHANGES (f, { 2, 1, 0 + 1 });

  /* Delete: one removal. */
  g_assert_true (fb_store_delete_item (f->store, fb_item_get_id (c), &error));
  ASSERT_CHANGES (f, { 2, 1, 0 });

  /* Restore (an edit, so newest): one insertion at the top. */
  g_assert_true (fb_store_restore_item (f->store, fb_item_get_id (c), &error));
  ASSERT_CHANGES (f, { 0, 0, 1 });
  g_clear_pointer (&t, g_free);
  t = model_titles (G_LIST_MODEL (f->list));
  g_assert_cmpstr (t, ==, "C|A3|D|B");

  /* An item from the server with an old date goes where it belongs. */
  {
    g_autoptr(JsonObject) body = fb_note_body_new ("Old", "");

    g_assert_true (fb_store_apply_remote (f->store, "old", FB_COLLECTION_NOTES, "1-o", body,
                                          FALSE, 5, &error));
    g_assert_no_error (error);
  }
  ASSERT_CHANGES (f, { 4, 0, 1 });

  /* The server's deletion moves it to the Trash: one removal. */
  g_assert_true (fb_store_apply_remote (f->store, "old", NULL, "2-o", NULL, TRUE, 0, &error));
  ASSERT_CHANGES (f, { 4, 1, 0 });

  /* Saving unchanged content is no change at all. */
  update_note (f, a, "A3", "");
  ASSERT_NO_CHANGES (f);
}

static void
update_note_by_id (Fixture    *f,
                   const char *id,
                   const char *title)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = fb_note_body_new (title, "");

  g_assert_true (fb_store_update_item (f->store, id, body, &error));
  g_assert_no_error (error);
}

static void
put_remote (Fixture    *f,
            const char *id,
            const char *rev,
            const char *title,
            gint64      updated_at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = fb_note_body_new (title, "");

  g_assert_true (fb_store_apply_remote (f->store, id, FB_COLLECTION_NOTES, rev, body,
                                        FALSE, updated_at, &error));
  g_assert_no_error (error);
}

/* A change from elsewhere updates its row where it is: the list does not
 * re-sort under the person's pointer; an edit made here still moves the
 * item to the top. */
static void
test_remote_change_keeps_place (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *t = NULL;

  put_remote (f, "old", "1-o", "Old", 10);
  put_remote (f, "mid", "1-m", "Mid", 20);
  put_remote (f, "new", "1-n", "New", 30);
  watch_list (f, FB_COLLECTION_NOTES);
  t = model_titles (G_LIST_MODEL (f->list));
  g_assert_cmpstr (t, ==, "New|Mid|Old");

  /* Newer than all of them, from the server: replaced in place. */
  put_remote (f, "mid", "2-m", "Mid from elsewhere", 1000);
  ASSERT_CHANGES_IN_PLACE (f, { 1, 1, 1 });
  g_clear_pointer (&t, g_free);
  t = model_titles (G_LIST_MODEL (f->list));
  g_assert_cmpstr (t, ==, "New|Mid from elsewhere|Old");

  /* A conflict arriving: in place too. */
  {
    g_autoptr(JsonObject) theirs = fb_note_body_new ("Old, theirs", "");

    update_note_by_id (f, "old", "Old, mine");
    ASSERT_CHANGES_IN_PLACE (f, { 2, 1, 0 }, { 0, 0, 1 });
    g_assert_true (fb_store_set_conflict (f->store, "old", "2-o", theirs, FALSE, &error));
    g_assert_no_error (error);
    ASSERT_CHANGES_IN_PLACE (f, { 0, 1, 1 });
  }

  /* An edit made here moves the item to the top, as before. */
  update_note_by_id (f, "new", "New, edited");
  ASSERT_CHANGES_IN_PLACE (f, { 1, 1, 0 }, { 0, 0, 1 });
  g_clear_pointer (&t, g_free);
  t = model_titles (G_LIST_MODEL (f->list));
  g_assert_cmpstr (t, ==, "New, edited|Old, mine|Mid from elsewhere");
}

static void
test_transaction_batch (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) a = create_note (f, "A", "");

  watch_list (f, FB_COLLECTION_NOTES);

  g_assert_true (fb_store_begin (f->store, &error));
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *title = g_strdup_printf ("n%u", i);

      g_object_unref (create_note (f, title, ""));
      update_note (f, a, title, "");
    }
  g_assert_cmpuint (f->changes->len, ==, 0);
  g_assert_true (fb_store_commit (f->store, &error));

  /* One change per item (A moved once, fifty inserted), never a reset. */
  g_assert_cmpuint (f->changes->len, ==, 52);
  for (guint i = 0; i < f->changes->len; i++)
    {
      Change *change = &g_array_index (f->changes, Change, i);

      g_assert_cmpuint (change->removed + change->added, ==, 1);
    }
  g_array_set_size (f->changes, 0);
  assert_consistent (f);

  /* A rollback says nothing. */
  g_assert_true (fb_store_begin (f->store, &error));
  g_object_unref (create_note (f, "never", ""));
  fb_store_rollback (f->store);
  ASSERT_NO_CHANGES (f);
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) soup = create_note (f, "Tomato soup", "recipe");
  g_autoptr(FbItem) garden = create_note (f, "Garden", "tomatoes by the fence");
  g_autoptr(FbItem) other = create_note (f, "Shopping", "bread");
  g_autoptr(FbItem) salad = NULL;
  g_autofree char *t = NULL;
  g_autofree char *search = NULL;

  watch_list (f, FB_COLLECTION_NOTES);

  /* A new search is the one thing that may reset the list. */
  fb_item_list_set_search (f->list, "tomat");
  ASSERT_CHANGES (f, { 0, 3, 2 });
  g_assert_cmpuint (f->search_notifies, ==, 1);
  t = model_titles (G_LIST_MODEL (f->list));
  /* The most recently written first. */
  g_assert_cmpstr (t, ==, "Garden|Tomato soup");
  g_object_get (f->list, "search", &search, NULL);
  g_assert_cmpstr (search, ==, "tomat");

  /* The same search again: nothing. */
  fb_item_list_set_search (f->list, "tomat");
  ASSERT_NO_CHANGES (f);
  g_assert_cmpuint (f->search_notifies, ==, 1);

  /* Matching items come and go one by one. */
  salad = create_note (f, "Salad", "tomato, basil");
  ASSERT_CHANGES (f, { 0, 0, 1 });
  g_object_unref (create_note (f, "Cake", "flour"));
  ASSERT_NO_CHANGES (f);
  update_note (f, garden, "Garden", "roses by the fence");
  ASSERT_CHANGES (f, { 1, 1, 0 });
  update_note (f, other, "Shopping", "tomatoes");
  ASSERT_CHANGES (f, { 0, 0, 1 });
  g_assert_true (fb_store_delete_item (f->store, fb_item_get_id (soup), &error));
  ASSERT_CHANGES (f, { 2, 1, 0 });
  g_clear_pointer (&t, g_free);
  t = model_titles (G_LIST_MODEL (f->list));
  g_assert_cmpstr (t, ==, "Shopping|Salad");

  /* Typing on: a reset for the new query. */
  fb_item_list_set_search (f->list, "tomato basil");
  ASSERT_CHANGES (f, { 0, 2, 1 });
  g_object_set (f->list, "search", "", NULL);
  g_assert_null (fb_item_list_get_search (f->list));
  g_assert_cmpuint (f->search_notifies, ==, 3);
  ASSERT_CHANGES (f, { 0, 1, 4 });
  g_clear_pointer (&t, g_free);
  t = model_titles (G_LIST_MODEL (f->list));
  g_assert_cmpstr (t, ==, "Shopping|Garden|Cake|Salad");

  /* Blank is the same as no search. */
  fb_item_list_set_search (f->list, "   ");
  ASSERT_NO_CHANGES (f);
}

/* A pull announces many items at once while a search is shown: each still
 * comes as its own precise change, in search order. */
static void
test_search_batch (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_object_unref (create_note (f, "Fern", "green leaves"));
  watch_list (f, FB_COLLECTION_NOTES);
  fb_item_list_set_search (f->list, "leaf leaves");
  ASSERT_CHANGES (f, { 0, 1, 0 });
  fb_item_list_set_search (f->list, "leaves");
  ASSERT_CHANGES (f, { 0, 0, 1 });

  g_assert_true (fb_store_begin (f->store, &error));
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *id = g_strdup_printf ("pulled-%02u", i);
      g_autofree char *text = g_strdup_printf ("%s %u", i % 2 == 0 ? "leaves" : "roots",
                                               i);
      g_autoptr(JsonObject) body = fb_note_body_new (id, text);

      g_assert_true (fb_store_apply_remote (f->store, id, FB_COLLECTION_NOTES, "1-p", body,
                                            FALSE, 1000 + i, &error));
      g_assert_no_error (error);
    }
  g_assert_true (fb_store_commit (f->store, &error));

  g_assert_cmpuint (f->changes->len, ==, 20);
  for (guint i = 0; i < f->changes->len; i++)
    {
      Change *change = &g_array_index (f->changes, Change, i);

      g_assert_cmpuint (change->removed, ==, 0);
      g_assert_cmpuint (change->added, ==, 1);
    }
  g_array_set_size (f->changes, 0);
  assert_consistent (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, 21);
}

/* @n notes, "common" in every one, "even" in every second; one transaction. */
static void
fill_notes (Fixture *f,
            guint    n)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_store_begin (f->store, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("note %04u", i);
      g_autoptr(JsonObject) body = fb_note_body_new (title, i % 2 == 0 ? "common even" : "common");
      g_autoptr(FbItem) item = fb_store_create_item (f->store, FB_COLLECTION_NOTES, body, &error);

      g_assert_no_error (error);
    }
  g_assert_true (fb_store_commit (f->store, &error));
}

static void
count_finalized_cb (gpointer  data,
                    GObject  *where_the_object_was)
{
  (*(guint *) data)++;
}

/* A long list keeps only a bounded number of snapshots, whatever a view
 * read from it, and still gives every row. */
static void
test_lazy (Fixture       *f,
           gconstpointer  data)
{
  /* Static: the snapshots still cached die with the list, after the test. */
  static guint finalized;
  guint n = 3000;
  GListModel *model;

  finalized = 0;
  fill_notes (f, n);
  f->list = fb_item_list_new (f->store, FB_COLLECTION_NOTES);
  model = G_LIST_MODEL (f->list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);

  /* Scrolled from the bottom to the top, as a view would. */
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (model, i - 1);
      g_autofree char *title = g_strdup_printf ("note %04u", n - i);

      g_assert_cmpstr (fb_item_get_title (item), ==, title);
      g_object_weak_ref (G_OBJECT (item), count_finalized_cb, &finalized);
    }
  /* Most of what was read is gone again. */
  g_assert_cmpuint (finalized, >=, n - 1000);

  /* Where an item is, without reading the rows before it. */
  for (guint i = 0; i < n; i += 499)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (model, i);

      g_assert_cmpuint (fb_item_list_find (f->list, fb_item_get_id (item)), ==, i);
    }
  g_assert_cmpuint (fb_item_list_find (f->list, "no-such-id"), ==, G_MAXUINT);
}

/* A search shows its first screenful at once and brings in the rest while
 * idle, each part told as an insertion at the end; a new search stops it. */
static void
test_search_paged (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model;
  guint first;

  fill_notes (f, 2500);
  watch_list (f, FB_COLLECTION_NOTES);
  model = G_LIST_MODEL (f->list);
  g_array_set_size (f->changes, 0);

  fb_item_list_set_search (f->list, "even");
  first = g_list_model_get_n_items (model);
  g_assert_cmpuint (first, >, 0);
  g_assert_cmpuint (first, <, 1250);
  g_assert_cmpuint (f->changes->len, ==, 1);
  g_array_set_size (f->changes, 0);

  /* The oldest match comes last: not found until its page is here. */
  {
    g_autoptr(GPtrArray) all = fb_store_search (f->store, FB_COLLECTION_NOTES, "even", &error);
    const char *oldest = fb_item_get_id (all->pdata[all->len - 1]);

    g_assert_cmpuint (fb_item_list_find (f->list, oldest), ==, G_MAXUINT);
    WAIT_UNTIL (g_list_model_get_n_items (model) == 1250, 10000);
    g_assert_cmpuint (fb_item_list_find (f->list, oldest), ==, 1249);
  }
  for (guint i = 0; i < f->changes->len; i++)
    {
      Change *change = &g_array_index (f->changes, Change, i);

      g_assert_cmpuint (change->removed, ==, 0);
      g_assert_cmpuint (change->position + change->added, <=, 1250);
    }
  g_array_set_size (f->changes, 0);
  assert_consistent (f);

  /* Superseded: the first search fetches nothing more. */
  fb_item_list_set_search (f->list, "common");
  first = g_list_model_get_n_items (model);
  fb_item_list_set_search (f->list, "note 0001");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_array_set_size (f->changes, 0);
  fb_test_drain_main_context ();
  ASSERT_NO_CHANGES (f);
  g_assert_cmpuint (first, <, 2500);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/item-list/contents", test_contents);
  ADD ("/item-list/precise-changes", test_precise_changes);
  ADD ("/item-list/remote-change-keeps-place", test_remote_change_keeps_place);
  ADD ("/item-list/transaction-batch", test_transaction_batch);
  ADD ("/item-list/search", test_search);
  ADD ("/item-list/search-batch", test_search_batch);
  ADD ("/item-list/lazy", test_lazy);
  ADD ("/item-list/search-paged", test_search_paged);

  return g_test_run ();
}
