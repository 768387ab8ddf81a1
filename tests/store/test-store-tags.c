/* test-store-tags.c: tag counts, tag:NAME searches, a tag-filtered FbItemList, and searching everywhere */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-store-tags"

#include "config.h"

#include "fb-item-body.h"
#include "fb-item-list.h"
#include "fb-store-tags.h"
#include "fb-test-store.h"

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
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

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

/* A note or record titled @title with the NULL-terminated @tags. */
static char *
create_tagged (Fixture    *f,
               const char *collection,
               const char *title,
               ...)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *tags = json_array_new ();
  const char *tag;
  va_list args;

  body = g_str_equal (collection, FB_COLLECTION_NOTES)
         ? fb_note_body_new (title, "")
         : fb_record_body_new (title);
  if (g_str_equal (collection, FB_COLLECTION_TEMPLATES))
    json_object_remove_member (body, "fields");
  json_object_set_array_member (body, "tags", tags);
  va_start (args, title);
  while ((tag = va_arg (args, const char *)) != NULL)
    json_array_add_string_element (tags, tag);
  va_end (args);

  item = fb_store_create_item (f->store, collection, body, &error);
  g_assert_no_error (error);

  return g_strdup (fb_item_get_id (item));
}

static void
set_tags (Fixture    *f,
          const char *id,
          const char *tag)
{
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *tags = json_array_new ();

  item = fb_store_get_item (f->store, id, &error);
  g_assert_no_error (error);
  body = fb_body_copy (fb_item_get_body (item));
  if (tag != NULL)
    json_array_add_string_element (tags, tag);
  json_object_set_array_member (body, "tags", tags);
  fb_store_update_item (f->store, id, body, &error);
  g_assert_no_error (error);
}

/* "name count, name count" */
static char *
tags_text (Fixture    *f,
           const char *collection)
{
  g_autoptr(GPtrArray) tags = NULL;
  g_autoptr(GError) error = NULL;
  GString *text = g_string_new (NULL);

  tags = fb_store_list_tags (f->store, collection, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < tags->len; i++)
    {
      FbTagCount *tag = tags->pdata[i];

      g_string_append_printf (text, "%s%s %u", i > 0 ? ", " : "", tag->name, tag->count);
    }

  return g_string_free (text, FALSE);
}

static void
counted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The same as tags_text (), counted on the store's worker; with @cancel,
 * cancelled at once, which it must report. */
static char *
tags_text_on_worker (Fixture    *f,
                     const char *collection,
                     gboolean    cancel)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) tags = NULL;
  g_autoptr(GError) error = NULL;
  GString *text = g_string_new (NULL);

  fb_store_list_tags_async (f->store, collection, cancellable, counted_cb, &result);
  if (cancel)
    g_cancellable_cancel (cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  tags = fb_store_list_tags_finish (result, &error);
  if (cancel)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_null (tags);
      return g_string_free (text, FALSE);
    }
  g_assert_no_error (error);
  for (guint i = 0; i < tags->len; i++)
    {
      FbTagCount *tag = tags->pdata[i];

      g_string_append_printf (text, "%s%s %u", i > 0 ? ", " : "", tag->name, tag->count);
    }

  return g_string_free (text, FALSE);
}

/* The titles a search finds, in order, joined by ", ". */
static char *
search_titles (Fixture    *f,
               const char *collection,
               const char *query)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  GString *text = g_string_new (NULL);

  items = fb_store_search (f->store, collection, query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "",
                            fb_body_get_string (fb_item_get_body (items->pdata[i]), "title"));

  return g_string_free (text, FALSE);
}

static char *
list_titles (FbItemList *list)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_string_append_printf (text, "%s%s", i > 0 ? ", " : "",
                              fb_body_get_string (fb_item_get_body (item), "title"));
    }

  return g_string_free (text, FALSE);
}

#define assert_text(expr, expected) \
  G_STMT_START { g_autofree char *_t = (expr); g_assert_cmpstr (_t, ==, expected); } G_STMT_END

/* Each tag once per item, spelled as first written, counted per
 * collection or over both; a deleted item's tags are gone. */
static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *a = create_tagged (f, FB_COLLECTION_NOTES, "Heron", "birds", "river", NULL);
  g_autofree char *b = create_tagged (f, FB_COLLECTION_NOTES, "Swift", "Birds", "birds", NULL);
  g_autofree char *c = create_tagged (f, FB_COLLECTION_RECORDS, "Heron nest 4", "birds",
                                      "field work", NULL);
  g_autofree char *d = create_tagged (f, FB_COLLECTION_NOTES, "Gone", "trash", NULL);
  g_autoptr(GError) error = NULL;

  assert_text (tags_text (f, NULL), "Birds 3, field work 1, river 1, trash 1");
  assert_text (tags_text (f, FB_COLLECTION_NOTES), "Birds 2, river 1, trash 1");
  assert_text (tags_text (f, FB_COLLECTION_RECORDS), "birds 1, field work 1");

  fb_store_delete_item (f->store, d, &error);
  g_assert_no_error (error);
  set_tags (f, a, NULL);
  assert_text (tags_text (f, FB_COLLECTION_NOTES), "Birds 1");
  (void) b;
  (void) c;
}

/* A body whose "tags" is not an array of names (another client's, or an
 * older Fieldbook's) counts only the names it has, and never fails. */
static void
test_list_odd_tags (Fixture       *f,
                    gconstpointer  data)
{
  const char *bodies[] = {
    "{\"title\":\"String\",\"tags\":\"birds\"}",
    "{\"title\":\"Mixed\",\"tags\":[3,\"\",null,[\"x\"],\"river\"]}",
    "{\"title\":\"Object\",\"tags\":{\"birds\":true}}",
    "{\"title\":\"Empty\",\"tags\":[]}",
    "{\"title\":\"None\"}",
  };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bodies[i], &error);
      g_autoptr(FbItem) item = NULL;

      g_assert_no_error (error);
      item = fb_store_create_item (f->store, FB_COLLECTION_NOTES, json_node_get_object (node),
                                   &error);
      g_assert_no_error (error);
    }

  assert_text (tags_text (f, NULL), "river 1");
  assert_text (tags_text_on_worker (f, NULL, FALSE), "river 1");
}

/* The count on a worker (the window's sidebar) says what the last commit
 * left, as the count on the store's own connection does. */
static void
test_list_on_worker (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *a = create_tagged (f, FB_COLLECTION_NOTES, "Heron", "birds", "river", NULL);
  g_autofree char *b = create_tagged (f, FB_COLLECTION_NOTES, "Swift", "Birds", "birds", NULL);
  g_autofree char *c = create_tagged (f, FB_COLLECTION_RECORDS, "Heron nest 4", "birds",
                                      "field work", NULL);

  assert_text (tags_text_on_worker (f, NULL, FALSE), "Birds 3, field work 1, river 1");
  assert_text (tags_text_on_worker (f, FB_COLLECTION_RECORDS, FALSE), "birds 1, field work 1");
  set_tags (f, a, "dawn");
  assert_text (tags_text_on_worker (f, FB_COLLECTION_NOTES, FALSE), "Birds 1, dawn 1");
  assert_text (tags_text_on_worker (f, NULL, TRUE), "");
  (void) b;
  (void) c;
}

/* tag:NAME keeps the tagged items (case aside), newest first; with words,
 * both must match; a plain word finds a tag too (the index holds them). */
static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *a = create_tagged (f, FB_COLLECTION_NOTES, "Heron", "birds", "river", NULL);
  g_autofree char *b = create_tagged (f, FB_COLLECTION_NOTES, "Swift", "Birds", NULL);
  g_autofree char *c = create_tagged (f, FB_COLLECTION_RECORDS, "Heron nest 4", "birds",
                                      "field work", NULL);
  g_autofree char *d = create_tagged (f, FB_COLLECTION_NOTES, "Riverbank", NULL);
  g_autofree char *term = fb_tag_search_term ("field work");

  assert_text (search_titles (f, NULL, "tag:birds"), "Heron nest 4, Swift, Heron");
  assert_text (search_titles (f, FB_COLLECTION_NOTES, "TAG:BIRDS"), "Swift, Heron");
  assert_text (search_titles (f, NULL, "heron tag:birds"), "Heron nest 4, Heron");
  assert_text (search_titles (f, NULL, "tag:birds tag:river"), "Heron");
  g_assert_cmpstr (term, ==, "tag:\"field work\"");
  assert_text (search_titles (f, NULL, term), "Heron nest 4");
  assert_text (search_titles (f, NULL, "tag:bird"), "");
  assert_text (search_titles (f, NULL, "river"), "Riverbank, Heron");
  (void) a;
  (void) b;
  (void) c;
  (void) d;
}

static gboolean
tag_two_cb (FbStore   *store,
            gpointer   user_data,
            GError   **error)
{
  Fixture *f = user_data;
  char **ids = g_object_get_data (G_OBJECT (store), "ids");

  set_tags (f, ids[0], "birds");
  set_tags (f, ids[1], "birds");
  return TRUE;
}

/* A list filtered by a tag follows edits that add or remove the tag, one
 * at a time and several in one commit. */
static void
test_item_list (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *a = create_tagged (f, FB_COLLECTION_NOTES, "Heron", "birds", NULL);
  g_autofree char *b = create_tagged (f, FB_COLLECTION_NOTES, "Swift", NULL);
  g_autofree char *c = create_tagged (f, FB_COLLECTION_NOTES, "Wren", NULL);
  g_autoptr(FbItemList) list = fb_item_list_new (f->store, FB_COLLECTION_NOTES);
  g_autoptr(GError) error = NULL;
  char *ids[] = { b, c, NULL };

  fb_item_list_set_search (list, "tag:birds");
  assert_text (list_titles (list), "Heron");

  set_tags (f, b, "Birds");
  assert_text (list_titles (list), "Swift, Heron");
  set_tags (f, a, "river");
  assert_text (list_titles (list), "Swift");

  set_tags (f, b, NULL);
  g_object_set_data (G_OBJECT (f->store), "ids", ids);
  fb_store_with_transaction (f->store, tag_two_cb, f, &error);
  g_assert_no_error (error);
  assert_text (list_titles (list), "Wren, Swift");

  fb_item_list_set_search (list, "wren tag:birds");
  assert_text (list_titles (list), "Wren");
  g_object_set_data (G_OBJECT (f->store), "ids", NULL);
}

/* With no collection, a search (and the list it feeds) looks at notes and
 * records: a template is a form, not something a person looks for. */
static void
test_everywhere (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *template = create_tagged (f, FB_COLLECTION_TEMPLATES, "Heron survey", "birds",
                                             NULL);
  g_autofree char *note = create_tagged (f, FB_COLLECTION_NOTES, "Heron", "birds", NULL);
  g_autofree char *record = create_tagged (f, FB_COLLECTION_RECORDS, "Heron nest 4", NULL);
  g_autoptr(FbItemList) list = fb_item_list_new (f->store, NULL);
  g_autoptr(FbItemList) all = fb_item_list_new (f->store, NULL);
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GError) error = NULL;

  assert_text (search_titles (f, NULL, "heron"), "Heron nest 4, Heron");
  assert_text (search_titles (f, NULL, "tag:birds"), "Heron");
  assert_text (search_titles (f, FB_COLLECTION_TEMPLATES, "heron"), "Heron survey");
  assert_text (tags_text (f, NULL), "birds 1");
  first = fb_store_search_first (f->store, NULL, "", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, 2);

  fb_item_list_set_search (list, "heron");
  assert_text (list_titles (list), "Heron nest 4, Heron");
  assert_text (list_titles (all), "Heron nest 4, Heron");

  /* An edit of the template does not bring it in. */
  set_tags (f, template, "river");
  set_tags (f, note, "river");
  assert_text (list_titles (list), "Heron, Heron nest 4");
  assert_text (list_titles (all), "Heron, Heron nest 4");
  (void) record;
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/tags/list", Fixture, NULL, fixture_setup, test_list, fixture_teardown);
  g_test_add ("/store/tags/list-odd-tags", Fixture, NULL, fixture_setup, test_list_odd_tags,
              fixture_teardown);
  g_test_add ("/store/tags/list-on-worker", Fixture, NULL, fixture_setup, test_list_on_worker,
              fixture_teardown);
  g_test_add ("/store/tags/search", Fixture, NULL, fixture_setup, test_search, fixture_teardown);
  g_test_add ("/store/tags/item-list", Fixture, NULL, fixture_setup, test_item_list,
              fixture_teardown);
  g_test_add ("/store/search/everywhere", Fixture, NULL, fixture_setup, test_everywhere,
              fixture_teardown);

  return g_test_run ();
}
