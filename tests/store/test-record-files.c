/* test-record-files.c: photo and file fields of records: values, attachments in step, CSV, merge */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-record-files"

#include "config.h"

#include <string.h>

#include "fb-attachments.h"
#include "fb-item-list.h"
#include "fb-merge.h"
#include "fb-record-csv.h"
#include "fb-record-files.h"
#include "fb-record-query.h"
#include "fb-template.h"
#include "fb-test-store.h"

typedef struct
{
  char    *dir;
  FbStore *store;
  gint64   now;
  FbItem  *template;  /* "Nest survey": Site (text), Photos (photo, required), Papers (file) */
  char    *id;        /* a record of it */
  guint    changes;
} Fixture;

static void
item_changed_cb (FbStore *store,
                 FbItem  *item,
                 Fixture *f)
{
  if (g_strcmp0 (fb_item_get_id (item), f->id) == 0)
    f->changes++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) template = fb_template_body_new ("Nest survey");
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(FbItem) item = NULL;

  f->dir = fb_test_make_tmp_dir ();
  path = g_build_filename (f->dir, "fieldbook.db", NULL);
  f->now = 1700000000000;
  f->store = fb_store_new (path, &error);
  g_assert_no_error (error);
  _fb_store_set_clock (f->store, fb_test_clock, &f->now);

  fb_template_add_field (template, "Site", FB_FIELD_TEXT);
  json_object_set_boolean_member (fb_template_add_field (template, "Photos", FB_FIELD_PHOTO),
                                  "required", TRUE);
  fb_template_add_field (template, "Papers", FB_FIELD_FILE);
  f->template = fb_store_create_item (f->store, FB_COLLECTION_TEMPLATES, template, &error);
  g_assert_no_error (error);

  record = fb_record_body_new_from_template ("Nest 1", fb_item_get_id (f->template),
                                             fb_item_get_body (f->template));
  item = fb_store_create_item (f->store, FB_COLLECTION_RECORDS, record, &error);
  g_assert_no_error (error);
  f->id = g_strdup (fb_item_get_id (item));
  g_signal_connect (f->store, "item-changed", G_CALLBACK (item_changed_cb), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->template);
  g_assert_finalize_object (g_steal_pointer (&f->store));
  fb_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->id);
}

static GInputStream *
bytes_stream (const char *text)
{
  return g_memory_input_stream_new_from_data (g_strdup (text), strlen (text), g_free);
}

static FbAttachment *
attach_to (Fixture    *f,
           const char *field,
           const char *name,
           const char *text)
{
  g_autoptr(GInputStream) in = bytes_stream (text);
  g_autoptr(GError) error = NULL;
  FbAttachment *attached;

  attached = fb_store_attach_to_field (f->store, f->id, field, name, NULL, in, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (attached);
  return attached;
}

static JsonObject *
body_of (Fixture *f)
{
  g_autoptr(FbItem) item = fb_store_get_item (f->store, f->id, NULL);

  g_assert_nonnull (item);
  return fb_body_copy (fb_item_get_body (item));
}

/* The field's value as "a; b" (its text form), "(none)" when empty. */
static char *
names_of (Fixture    *f,
          const char *field)
{
  g_autoptr(JsonObject) body = body_of (f);
  JsonObject *fields = fb_body_get_object (body, "fields");
  JsonNode *value = json_object_get_member (fields, field);

  if (fb_field_value_is_empty (value))
    return g_strdup ("(none)");
  g_assert_true (fb_field_value_fits (FB_FIELD_FILE, value));
  return fb_field_value_to_text (FB_FIELD_FILE, value);
}

static gboolean
is_attached (Fixture    *f,
             const char *name)
{
  g_autoptr(JsonObject) body = body_of (f);

  return fb_body_get_object (fb_body_get_object (body, FB_BODY_ATTACHMENTS), name) != NULL;
}

static char *
problems_of (Fixture *f)
{
  g_autoptr(JsonObject) body = body_of (f);
  g_autoptr(GPtrArray) problems = fb_record_body_get_problems (body, fb_item_get_body (f->template));

  g_ptr_array_add (problems, NULL);
  return g_strjoinv (" | ", (char **) problems->pdata);
}

/* The typed JSON form: an array of names, each once; "; " between them in
 * text, read back the same way. */
static void
test_value_forms (void)
{
  g_autoptr(JsonNode) value = NULL;
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;
  gboolean fits = FALSE, known = FALSE;

  g_assert_cmpstr (fb_field_type_to_string (FB_FIELD_PHOTO), ==, "photo");
  g_assert_cmpstr (fb_field_type_to_string (FB_FIELD_FILE), ==, "file");
  g_assert_cmpint (fb_field_type_from_string ("photo", &known), ==, FB_FIELD_PHOTO);
  g_assert_true (known);
  g_assert_cmpint (fb_field_type_from_string ("file", &known), ==, FB_FIELD_FILE);

  value = fb_field_value_from_text (FB_FIELD_PHOTO, " heron.jpg;nest 2.jpg ; heron.jpg;", &fits);
  g_assert_true (fits);
  json = json_to_string (value, FALSE);
  g_assert_cmpstr (json, ==, "[\"heron.jpg\",\"nest 2.jpg\"]");
  g_assert_true (fb_field_value_fits (FB_FIELD_PHOTO, value));
  text = fb_field_value_to_text (FB_FIELD_PHOTO, value);
  g_assert_cmpstr (text, ==, "heron.jpg; nest 2.jpg");
  g_clear_pointer (&value, json_node_unref);
  value = fb_field_value_from_text (FB_FIELD_FILE, text, &fits);
  g_clear_pointer (&json, g_free);
  json = json_to_string (value, FALSE);
  g_assert_cmpstr (json, ==, "[\"heron.jpg\",\"nest 2.jpg\"]");

  /* A ";" or a backslash in a name is written escaped and reads back
   * as that one name; a backslash before anything else is itself. */
  g_clear_pointer (&value, json_node_unref);
  value = json_from_string ("[\"plot 3; east.jpg\",\"back\\\\slash.pdf\",\"end\\\\\"]", NULL);
  g_assert_true (fb_field_value_fits (FB_FIELD_FILE, value));
  g_clear_pointer (&text, g_free);
  text = fb_field_value_to_text (FB_FIELD_FILE, value);
  g_assert_cmpstr (text, ==, "plot 3\\; east.jpg; back\\\\slash.pdf; end\\\\");
  g_clear_pointer (&value, json_node_unref);
  value = fb_field_value_from_text (FB_FIELD_FILE, text, &fits);
  g_clear_pointer (&json, g_free);
  json = json_to_string (value, FALSE);
  g_assert_cmpstr (json, ==, "[\"plot 3; east.jpg\",\"back\\\\slash.pdf\",\"end\\\\\"]");
  g_clear_pointer (&value, json_node_unref);
  value = fb_field_value_from_text (FB_FIELD_FILE, "C:\\survey\\a.jpg;b.jpg", &fits);
  g_clear_pointer (&json, g_free);
  json = json_to_string (value, FALSE);
  g_assert_cmpstr (json, ==, "[\"C:\\\\survey\\\\a.jpg\",\"b.jpg\"]");

  /* Empty text is no value; a number is not a list of names. */
  g_assert_null (fb_field_value_from_text (FB_FIELD_FILE, "  ", &fits));
  g_clear_pointer (&value, json_node_unref);
  value = json_from_string ("3", NULL);
  g_assert_false (fb_field_value_fits (FB_FIELD_FILE, value));
  g_assert_cmpstr (fb_field_type_get_label (FB_FIELD_PHOTO), ==, "Photos");
}

/* Required: at least one; each name must be one of the record's files. */
static void
test_validation (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *problems = problems_of (f);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(FbAttachment) heron = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (problems, ==, "Photos is required");

  /* A name the record does not hold (typed into a CSV, say) is kept and
   * named. */
  body = body_of (f);
  json_object_set_member (fb_body_get_object (body, "fields"), "Papers",
                          fb_field_value_from_text (FB_FIELD_FILE, "permit.pdf", NULL));
  g_assert_true (fb_store_update_item (f->store, f->id, body, &error));
  g_assert_no_error (error);
  g_clear_pointer (&problems, g_free);
  problems = problems_of (f);
  g_assert_cmpstr (problems, ==, "Photos is required | “permit.pdf” is not attached");

  heron = attach_to (f, "Photos", "heron.jpg", "a grey heron");
  g_clear_pointer (&problems, g_free);
  problems = problems_of (f);
  g_assert_cmpstr (problems, ==, "“permit.pdf” is not attached");
}

/* Attaching through a field: the file and its name in one local edit. */
static void
test_attach_to_field (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(FbAttachment) heron = NULL;
  g_autoptr(FbAttachment) other = NULL;
  g_autoptr(FbAttachment) again = NULL;
  g_autoptr(FbAttachment) refused = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GInputStream) in = bytes_stream ("a site map");
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  gint64 seq;

  item = fb_store_get_item (f->store, f->id, NULL);
  seq = fb_item_get_local_seq (item);
  g_clear_object (&item);

  heron = attach_to (f, "Photos", "heron.jpg", "a grey heron");
  g_assert_cmpstr (heron->name, ==, "heron.jpg");
  g_assert_true (is_attached (f, "heron.jpg"));
  names = names_of (f, "Photos");
  g_assert_cmpstr (names, ==, "heron.jpg");
  /* One change seen, pending for the next push. */
  g_assert_cmpuint (f->changes, ==, 1);
  item = fb_store_get_item (f->store, f->id, NULL);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);
  g_assert_cmpint (fb_item_get_local_seq (item), >, seq);
  g_clear_object (&item);

  /* The same name with other bytes: a free name, in the field too. */
  other = attach_to (f, "Photos", "heron.jpg", "another heron");
  g_assert_cmpstr (other->name, ==, "heron (2).jpg");
  g_clear_pointer (&names, g_free);
  names = names_of (f, "Photos");
  g_assert_cmpstr (names, ==, "heron.jpg; heron (2).jpg");

  /* The same file again changes nothing: a set. */
  again = attach_to (f, "Photos", "heron.jpg", "a grey heron");
  g_assert_cmpstr (again->name, ==, "heron.jpg");
  g_clear_pointer (&names, g_free);
  names = names_of (f, "Photos");
  g_assert_cmpstr (names, ==, "heron.jpg; heron (2).jpg");

  /* Not a file field: refused, nothing attached. */
  refused = fb_store_attach_to_field (f->store, f->id, "Site", "map.txt", NULL, in, NULL, &error);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID);
  g_assert_null (refused);
  g_assert_false (is_attached (f, "map.txt"));
}

/* Removing a file takes it out of the fields; Undo puts back both. */
static void
test_detach_and_undo (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(FbAttachment) heron = attach_to (f, "Photos", "heron.jpg", "a grey heron");
  g_autoptr(FbAttachment) nest = attach_to (f, "Photos", "nest.jpg", "a nest");
  g_autoptr(FbAttachment) before = NULL;
  g_auto(GStrv) fields = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;

  before = fb_store_get_attachment (f->store, f->id, "heron.jpg", &error);
  g_assert_no_error (error);
  g_assert_true (fb_store_detach_attachment (f->store, f->id, "heron.jpg", &fields, &error));
  g_assert_no_error (error);
  g_assert_cmpstrv (fields, ((const char *[]) { "Photos", NULL }));
  g_assert_false (is_attached (f, "heron.jpg"));
  names = names_of (f, "Photos");
  g_assert_cmpstr (names, ==, "nest.jpg");

  g_assert_true (fb_store_reattach_attachment (f->store, f->id, before,
                                               (const char * const *) fields, &error));
  g_assert_no_error (error);
  g_assert_true (is_attached (f, "heron.jpg"));
  g_clear_pointer (&names, g_free);
  names = names_of (f, "Photos");
  g_assert_cmpstr (names, ==, "nest.jpg; heron.jpg");
}

/* Renaming the attachment renames it in the fields. */
static void
test_rename (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(FbAttachment) heron = attach_to (f, "Photos", "IMG_0001.jpg", "a grey heron");
  g_autoptr(FbAttachment) permit = attach_to (f, "Papers", "permit.pdf", "a permit");
  g_autoptr(GError) error = NULL;
  g_autofree char *photos = NULL;
  g_autofree char *papers = NULL;
  g_autofree char *problems = NULL;

  g_assert_true (fb_store_rename_attachment (f->store, f->id, "IMG_0001.jpg", "heron.jpg", &error));
  g_assert_no_error (error);
  photos = names_of (f, "Photos");
  papers = names_of (f, "Papers");
  g_assert_cmpstr (photos, ==, "heron.jpg");
  g_assert_cmpstr (papers, ==, "permit.pdf");
  problems = problems_of (f);
  g_assert_cmpstr (problems, ==, "");
}

static guint
count_files (Fixture *f)
{
  g_autofree char *dir = fb_store_dup_attachments_dir (f->store);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* The collector keeps every file a field names. */
static void
test_collector_keeps (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(FbAttachment) heron = attach_to (f, "Photos", "heron.jpg", "a grey heron");
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  guint n = 99;

  g_assert_true (fb_store_collect_attachments (f->store, 0, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpuint (count_files (f), ==, 1);
  file = fb_store_get_attachment_file (f->store, heron->digest, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_query_exists (file, NULL));
}

static JsonObject *
fields_body (const char *photos)
{
  g_autoptr(JsonObject) body = json_object_new ();
  JsonObject *fields = json_object_new ();

  json_object_set_string_member (body, "title", "Nest 1");
  json_object_set_string_member (body, "template", "t");
  json_object_set_member (fields, "Photos", *photos != '\0' ? fb_field_value_from_text (FB_FIELD_PHOTO, photos, NULL) : json_node_new (JSON_NODE_NULL));
  json_object_set_object_member (body, "fields", fields);
  return g_steal_pointer (&body);
}

/* Two devices' names merge as a set: added on either side kept, removed
 * on one side removed. */
static void
test_merge_as_set (void)
{
  g_autoptr(JsonObject) base = fields_body ("heron.jpg; nest.jpg");
  g_autoptr(JsonObject) mine = fields_body ("heron.jpg; nest.jpg; egg.jpg");
  g_autoptr(JsonObject) theirs = fields_body ("heron.jpg; chick.jpg");
  g_autoptr(JsonObject) merged = NULL;
  g_autofree char *text = NULL;
  gboolean deleted = TRUE;

  g_assert_cmpint (fb_merge_bodies (base, mine, theirs, &merged, &deleted), ==, FB_MERGE_CLEAN);
  g_assert_false (deleted);
  text = fb_field_value_to_text (FB_FIELD_PHOTO,
                                 json_object_get_member (fb_body_get_object (merged, "fields"), "Photos"));
  g_assert_cmpstr (text, ==, "heron.jpg; egg.jpg; chick.jpg");
}

/* fields_body () with attachment @name of bytes @digest (NULL: none). */
static JsonObject *
files_body (const char *photos,
            const char *name,
            const char *digest)
{
  JsonObject *body = fields_body (photos);
  JsonObject *attachments = json_object_new ();

  if (name != NULL)
    {
      JsonObject *entry = json_object_new ();

      json_object_set_string_member (entry, "content_type", "image/jpeg");
      json_object_set_string_member (entry, "digest", digest);
      json_object_set_object_member (attachments, name, entry);
    }
  json_object_set_object_member (body, FB_BODY_ATTACHMENTS, attachments);
  return body;
}

/* One name, other bytes on both sides: the attachments keep both, one
 * renamed, and the field names both, each name the bytes its side put in
 * the field; whether the base had the name or not. */
static void
test_merge_renamed_follows (void)
{
  for (guint in_base = 0; in_base < 2; in_base++)
    {
      g_autoptr(JsonObject) base = in_base ? files_body ("heron.jpg", "heron.jpg", "md5-base")
                                           : files_body ("", NULL, NULL);
      g_autoptr(JsonObject) mine = files_body ("heron.jpg", "heron.jpg", "md5-mine");
      g_autoptr(JsonObject) theirs = files_body ("heron.jpg", "heron.jpg", "md5-theirs");
      g_autoptr(JsonObject) merged = NULL;
      g_autofree char *text = NULL;
      JsonObject *attachments;
      gboolean deleted = TRUE;

      g_assert_cmpint (fb_merge_bodies (base, mine, theirs, &merged, &deleted), ==, FB_MERGE_CLEAN);
      attachments = fb_body_get_object (merged, FB_BODY_ATTACHMENTS);
      g_assert_cmpuint (json_object_get_size (attachments), ==, 2);
      /* The smaller digest keeps the name (neither is the server's stub). */
      g_assert_cmpstr (fb_body_get_string (fb_body_get_object (attachments, "heron.jpg"), "digest"), ==, "md5-mine");
      g_assert_cmpstr (fb_body_get_string (fb_body_get_object (attachments, "heron (2).jpg"), "digest"), ==, "md5-theirs");
      text = fb_field_value_to_text (FB_FIELD_PHOTO,
                                     json_object_get_member (fb_body_get_object (merged, "fields"), "Photos"));
      g_assert_cmpstr (text, ==, "heron.jpg; heron (2).jpg");

      /* The sides as given are left alone. */
      g_assert_cmpstr (fb_body_get_string (fb_body_get_object (fb_body_get_object (theirs, FB_BODY_ATTACHMENTS),
                                                               "heron.jpg"), "digest"), ==, "md5-theirs");
    }

  /* A side that removed the name from its field but kept changed bytes
   * does not bring the renamed one into the field. */
  {
    g_autoptr(JsonObject) base = files_body ("", NULL, NULL);
    g_autoptr(JsonObject) mine = files_body ("heron.jpg", "heron.jpg", "md5-mine");
    g_autoptr(JsonObject) theirs = files_body ("", "heron.jpg", "md5-theirs");
    g_autoptr(JsonObject) merged = NULL;
    g_autofree char *text = NULL;

    g_assert_cmpint (fb_merge_bodies (base, mine, theirs, &merged, NULL), ==, FB_MERGE_CLEAN);
    text = fb_field_value_to_text (FB_FIELD_PHOTO,
                                   json_object_get_member (fb_body_get_object (merged, "fields"), "Photos"));
    g_assert_cmpstr (text, ==, "heron.jpg");
  }
}

/* CSV writes the names; reading them into new records keeps them, shown
 * as not attached (a new record has no files). */
static void
test_csv_round_trip (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(FbAttachment) heron = attach_to (f, "Photos", "heron.jpg", "a grey heron");
  g_autoptr(FbAttachment) nest = attach_to (f, "Photos", "nest east.jpg", "a nest");
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autoptr(GPtrArray) records = NULL;
  FbRecordCsvImport result = { 0, };
  guint n = 0;

  csv = fb_record_csv_export (f->store, f->template, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (csv, ==, "Title,Site,Photos,Papers\r\n"
                            "Nest 1,,heron.jpg; nest east.jpg,\r\n");

  g_assert_true (fb_record_csv_import (f->store, f->template,
                                       "Title,Photos\r\nNest 2,heron.jpg; nest.jpg\r\n", -1,
                                       &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_records, ==, 1);
  g_assert_cmpuint (result.n_misfits, ==, 0);
  g_assert_cmpuint (result.n_unattached, ==, 2);

  records = fb_store_list_template_records (f->store, fb_item_get_id (f->template), &error);
  g_assert_cmpuint (records->len, ==, 2);
  {
    JsonObject *body = fb_item_get_body (g_ptr_array_index (records, 1));
    g_autoptr(GPtrArray) problems = fb_record_body_get_problems (body, fb_item_get_body (f->template));
    g_autofree char *json = json_to_string (json_object_get_member (fb_body_get_object (body, "fields"),
                                                                    "Photos"), FALSE);

    g_assert_cmpstr (json, ==, "[\"heron.jpg\",\"nest.jpg\"]");
    g_assert_cmpuint (problems->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (problems, 0), ==, "“heron.jpg” is not attached");
  }
}

/* The table sorts a file column by its first name, then the next. */
static void
test_sort (Fixture       *f,
           gconstpointer  data)
{
  static const char * const photos[] = { "egg.jpg; ant.jpg", "nest.jpg", "egg.jpg; zebra.jpg", NULL };
  g_autoptr(FbRecordQuery) query = fb_record_query_new (fb_item_get_id (f->template));
  g_autoptr(FbItemList) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) order = g_string_new (NULL);

  for (guint i = 0; photos[i] != NULL; i++)
    {
      g_autoptr(JsonObject) body = fb_record_body_new_from_template (photos[i], fb_item_get_id (f->template),
                                                                     fb_item_get_body (f->template));
      g_autoptr(FbItem) item = NULL;

      json_object_set_member (fb_body_get_object (body, "fields"), "Photos",
                              fb_field_value_from_text (FB_FIELD_PHOTO, photos[i], NULL));
      item = fb_store_create_item (f->store, FB_COLLECTION_RECORDS, body, &error);
      g_assert_no_error (error);
    }

  fb_record_query_set_sort (query, "Photos", FB_FIELD_PHOTO, FALSE);
  list = fb_item_list_new (f->store, FB_COLLECTION_RECORDS);
  fb_item_list_set_record_query (list, query);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_string_append_printf (order, "%s|", fb_body_get_string (fb_item_get_body (item), "title"));
    }
  /* Nest 1 has no photos: last. */
  g_assert_cmpstr (order->str, ==, "egg.jpg; ant.jpg|egg.jpg; zebra.jpg|nest.jpg|Nest 1|");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/record-files/value-forms", test_value_forms);
  g_test_add_func ("/record-files/merge-as-set", test_merge_as_set);
  g_test_add_func ("/record-files/merge-renamed-follows", test_merge_renamed_follows);
#define ADD(path, func) \
  g_test_add ("/record-files/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("validation", test_validation);
  ADD ("attach-to-field", test_attach_to_field);
  ADD ("detach-and-undo", test_detach_and_undo);
  ADD ("rename", test_rename);
  ADD ("collector-keeps", test_collector_keeps);
  ADD ("csv-round-trip", test_csv_round_trip);
  ADD ("sort", test_sort);
#undef ADD

  return g_test_run ();
}
