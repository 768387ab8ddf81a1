/* test-record-query.c: the records table's lazy list: one template, typed SQL sort, filters, precise changes */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-record-query"

#include "config.h"

#include "fb-item-body.h"
#include "fb-item-list.h"
#include "fb-record-query.h"
#include "fb-template.h"
#include "fb-test-store.h"

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
  JsonObject *template;
  char       *template_id;
  char       *other_id;
  GPtrArray  *records;   /* FbItem, r0 … */
  FbItemList *list;
  GArray     *changes;   /* Change */
  GPtrArray  *shadow;    /* what a view holds after replaying the signals */
} Fixture;

static char *
create (Fixture    *f,
        const char *collection,
        JsonObject *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = fb_store_create_item (f->store, collection, body, &error);

  g_assert_no_error (error);
  return g_strdup (fb_item_get_id (item));
}

/* A record of the template: @count is a JSON value (NULL: none). */
static void
add_record (Fixture    *f,
            const char *template_id,
            const char *title,
            const char *count_json,
            const char *species)
{
  g_autoptr(JsonObject) body = fb_record_body_new_from_template (title, template_id, f->template);
  JsonObject *fields = fb_body_get_object (body, "fields");
  g_autofree char *id = NULL;

  if (count_json != NULL)
    json_object_set_member (fields, "Count", json_from_string (count_json, NULL));
  json_object_set_string_member (fields, "Species", species);
  id = create (f, FB_COLLECTION_RECORDS, body);
  g_ptr_array_add (f->records, fb_store_get_item (f->store, id, NULL));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) other = fb_template_body_new ("Plot");
  JsonObject *field;

  f->dir = fb_test_make_tmp_dir ();
  path = g_build_filename (f->dir, "fieldbook.db", NULL);
  f->store = fb_store_new (path, &error);
  g_assert_no_error (error);
  f->now = 1700000000000;
  _fb_store_set_clock (f->store, fb_test_clock, &f->now);

  f->template = fb_template_body_new ("Bird sighting");
  field = fb_template_add_field (f->template, "Count", FB_FIELD_INTEGER);
  json_object_set_boolean_member (field, "required", TRUE);
  fb_template_add_field (f->template, "Species", FB_FIELD_TEXT);
  fb_template_add_field (f->template, "Wing \"span\"", FB_FIELD_DECIMAL);
  f->template_id = create (f, FB_COLLECTION_TEMPLATES, f->template);
  fb_template_add_field (other, "Count", FB_FIELD_INTEGER);
  f->other_id = create (f, FB_COLLECTION_TEMPLATES, other);

  f->records = g_ptr_array_new_with_free_func (g_object_unref);
  add_record (f, f->template_id, "heron", "10", "Grey heron");        /* r0 */
  add_record (f, f->template_id, "Egret", "9", "Little egret");       /* r1 */
  add_record (f, f->template_id, "avocet", "\"a dozen\"", "Avocet");  /* r2 */
  add_record (f, f->template_id, "Bittern", NULL, "Bittern");         /* r3 */
  add_record (f, f->template_id, "crane", "100", "Crane");            /* r4 */
  add_record (f, f->template_id, "Dunlin", "2.5", "Dunlin");          /* r5 */
  /* Not this template's, or not a record. */
  add_record (f, f->other_id, "plot", "1", "Little egret");
  g_free (create (f, FB_COLLECTION_NOTES, fb_note_body_new ("Egret note", "Little egret")));

  f->changes = g_array_new (FALSE, FALSE, sizeof (Change));
  f->shadow = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->list != NULL)
    g_assert_finalize_object (f->list);
  g_ptr_array_unref (f->records);
  g_assert_finalize_object (f->store);
  g_array_unref (f->changes);
  g_ptr_array_unref (f->shadow);
  json_object_unref (f->template);
  g_free (f->template_id);
  g_free (f->other_id);
  fb_test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  Change change = { position, removed, added };

  g_array_append_val (f->changes, change);
  g_assert_cmpuint (position + removed, <=, f->shadow->len);
  g_ptr_array_remove_range (f->shadow, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (f->shadow, position + i, g_list_model_get_item (model, position + i));
}

static FbRecordQuery *
query_new (Fixture     *f,
           const char  *sort_name,
           FbFieldType  type,
           gboolean     descending)
{
  FbRecordQuery *query = fb_record_query_new (f->template_id);

  fb_record_query_set_sort (query, sort_name, type, descending);
  return query;
}

static void
watch (Fixture       *f,
       FbRecordQuery *query)
{
  f->list = fb_item_list_new (f->store, FB_COLLECTION_RECORDS);
  fb_item_list_set_record_query (f->list, query);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (f->list)); i++)
    g_ptr_array_add (f->shadow, g_list_model_get_item (G_LIST_MODEL (f->list), i));
  g_signal_connect (f->list, "items-changed", G_CALLBACK (items_changed_cb), f);
}

/* The titles of @model's rows, comma-separated. */
static char *
titles_of (GListModel *model)
{
  GString *titles = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (model, i);

      g_string_append_printf (titles, "%s%s", i > 0 ? "," : "", fb_item_get_title (item));
    }
  return g_string_free (titles, FALSE);
}

static char *
titles_in (FbStore       *store,
           FbRecordQuery *query,
           const char    *search)
{
  g_autoptr(FbItemList) list = fb_item_list_new (store, FB_COLLECTION_RECORDS);

  fb_item_list_set_search (list, search);
  fb_item_list_set_record_query (list, query);
  return titles_of (G_LIST_MODEL (list));
}

static void
assert_order (Fixture     *f,
              const char  *sort_name,
              FbFieldType  type,
              gboolean     descending,
              const char  *expected)
{
  g_autoptr(FbRecordQuery) query = query_new (f, sort_name, type, descending);
  g_autofree char *titles = titles_in (f->store, query, NULL);

  g_assert_cmpstr (titles, ==, expected);
}

/* Numbers as numbers (9 before 10, a decimal among them), a word in a
 * number field and an empty one last, each way; the title without
 * regard to case; a field whose name needs quoting in a JSON path. */
static void
test_sort (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(FbRecordQuery) unsorted = fb_record_query_new (f->template_id);
  g_autofree char *newest = titles_in (f->store, unsorted, NULL);
  g_autoptr(JsonObject) body = fb_body_copy (fb_item_get_body (f->records->pdata[4]));

  /* Only this template's records, newest first. */
  g_assert_cmpstr (newest, ==, "Dunlin,crane,Bittern,avocet,Egret,heron");

  assert_order (f, "Count", FB_FIELD_INTEGER, FALSE, "Dunlin,Egret,heron,crane,Bittern,avocet");
  assert_order (f, "Count", FB_FIELD_INTEGER, TRUE, "crane,heron,Egret,Dunlin,Bittern,avocet");
  assert_order (f, NULL, FB_FIELD_TEXT, FALSE, "avocet,Bittern,crane,Dunlin,Egret,heron");
  assert_order (f, NULL, FB_FIELD_TEXT, TRUE, "heron,Egret,Dunlin,crane,Bittern,avocet");
  assert_order (f, "Species", FB_FIELD_TEXT, FALSE, "avocet,Bittern,crane,Dunlin,heron,Egret");

  json_object_set_double_member (fb_body_get_object (body, "fields"), "Wing \"span\"", 1.5);
  g_assert_true (fb_store_update_item (f->store, fb_item_get_id (f->records->pdata[4]), body, NULL));
  assert_order (f, "Wing \"span\"", FB_FIELD_DECIMAL, FALSE, "crane,Dunlin,Bittern,avocet,Egret,heron");
}

static void
update_count (Fixture    *f,
              guint       index,
              const char *count_json)
{
  g_autoptr(FbItem) item = fb_store_get_item (f->store, fb_item_get_id (f->records->pdata[index]), NULL);
  g_autoptr(JsonObject) body = fb_body_copy (fb_item_get_body (item));
  g_autoptr(GError) error = NULL;

  json_object_set_member (fb_body_get_object (body, "fields"), "Count", json_from_string (count_json, NULL));
  g_assert_true (fb_store_update_item (f->store, fb_item_get_id (item), body, &error));
  g_assert_no_error (error);
}

static void
assert_change (Fixture *f,
               guint    index,
               guint    position,
               guint    removed,
               guint    added)
{
  Change *change;

  g_assert_cmpuint (index, <, f->changes->len);
  change = &g_array_index (f->changes, Change, index);
  g_assert_cmpuint (change->position, ==, position);
  g_assert_cmpuint (change->removed, ==, removed);
  g_assert_cmpuint (change->added, ==, added);
}

/* What a view holds after the signals is what a fresh load shows. */
static void
assert_shadow_is_fresh (Fixture       *f,
                        FbRecordQuery *query)
{
  g_autoptr(GListStore) shown = g_list_store_new (FB_TYPE_ITEM);
  g_autofree char *fresh = titles_in (f->store, query, NULL);
  g_autofree char *seen = NULL;

  g_list_store_splice (shown, 0, 0, f->shadow->pdata, f->shadow->len);
  seen = titles_of (G_LIST_MODEL (shown));
  g_assert_cmpstr (seen, ==, fresh);
}

/* An edit moves its row to where the SQL puts it, as one removal and one
 * insertion; a new record goes in at its place; other templates' records
 * and a record leaving the template are told precisely. */
static void
test_edits (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(FbRecordQuery) query = query_new (f, "Count", FB_FIELD_INTEGER, FALSE);
  g_autoptr(JsonObject) moved = NULL;

  watch (f, query);
  g_assert_cmpuint (f->shadow->len, ==, 6);

  /* Egret 9 → 50: from position 1 to between heron (10) and crane (100). */
  update_count (f, 1, "50");
  g_assert_cmpuint (f->changes->len, ==, 2);
  assert_change (f, 0, 1, 1, 0);
  assert_change (f, 1, 2, 0, 1);
  assert_shadow_is_fresh (f, query);

  /* The word becomes a number: out of the empty ones at the end. */
  update_count (f, 2, "0");
  g_assert_cmpuint (f->changes->len, ==, 4);
  assert_change (f, 2, 5, 1, 0);
  assert_change (f, 3, 0, 0, 1);
  assert_shadow_is_fresh (f, query);

  /* A new record of this template, one of another's: one insertion. */
  add_record (f, f->other_id, "elsewhere", "3", "Crane");
  g_assert_cmpuint (f->changes->len, ==, 4);
  add_record (f, f->template_id, "Ruff", "3", "Ruff");
  g_assert_cmpuint (f->changes->len, ==, 5);
  assert_change (f, 4, 2, 0, 1);
  assert_shadow_is_fresh (f, query);

  /* Leaving the template, and deleted: removals. */
  moved = fb_body_copy (fb_item_get_body (f->records->pdata[4]));
  json_object_set_string_member (moved, "template", f->other_id);
  g_assert_true (fb_store_update_item (f->store, fb_item_get_id (f->records->pdata[4]), moved, NULL));
  g_assert_cmpuint (f->changes->len, ==, 6);
  assert_change (f, 5, 5, 1, 0);
  g_assert_true (fb_store_delete_item (f->store, fb_item_get_id (f->records->pdata[0]), NULL));
  g_assert_cmpuint (f->changes->len, ==, 7);
  assert_change (f, 6, 3, 1, 0);
  assert_shadow_is_fresh (f, query);
  g_assert_cmpuint (f->shadow->len, ==, 5);
}

/* The search filters without changing the order; "has problems" keeps
 * the records a required or mistyped value fails, and lets a fixed one
 * go. */
static void
test_filters (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(FbRecordQuery) query = query_new (f, "Count", FB_FIELD_INTEGER, FALSE);
  g_autoptr(FbRecordQuery) problems = query_new (f, "Count", FB_FIELD_INTEGER, FALSE);
  g_autofree char *egrets = titles_in (f->store, query, "egret");
  g_autofree char *nothing = titles_in (f->store, query, "!!!");

  g_assert_cmpstr (egrets, ==, "Egret");
  g_assert_cmpstr (nothing, ==, "");

  fb_record_query_set_problems_only (problems, f->template);
  watch (f, problems);
  {
    g_autofree char *titles = titles_of (G_LIST_MODEL (f->list));

    /* 2.5 is not a whole number, "a dozen" not a number, Bittern has none. */
    g_assert_cmpstr (titles, ==, "Dunlin,Bittern,avocet");
  }

  update_count (f, 2, "12");
  g_assert_cmpuint (f->changes->len, ==, 1);
  assert_change (f, 0, 2, 1, 0);
  update_count (f, 0, "\"many\"");
  g_assert_cmpuint (f->changes->len, ==, 2);
  assert_change (f, 1, 1, 0, 1);
  assert_shadow_is_fresh (f, problems);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/record-query/sort", test_sort);
  ADD ("/record-query/edits", test_edits);
  ADD ("/record-query/filters", test_filters);
#undef ADD

  return g_test_run ();
}
