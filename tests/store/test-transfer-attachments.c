/* test-transfer-attachments.c: attachment data in the export file, streamed both ways */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-transfer-attachments"

#include "config.h"

#include <string.h>

#include "fb-attachments.h"
#include "fb-store.h"
#include "fb-test-dir.h"
#include "fb-test-store.h"
#include "fb-transfer.h"

/* The data is not held in memory on the way out or in (see
 * src/store/fb-transfer-attachments.c; tests/bench/bench-attachments prints
 * the peak memory). These tests hold the file's form to CouchDB's inline
 * form and make sure that only the data of attachments is set aside: text
 * that looks like it, a field called "data" and data split across the
 * reader's 64 KiB buffers all arrive as they left. */

typedef struct
{
  char    *dir;
  FbStore *store;
} Fixture;

static FbStore *
open_store (Fixture    *f,
            const char *name)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  FbStore *store = fb_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = fb_test_make_tmp_dir ();
  f->store = open_store (f, "fieldbook.db");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->store);
  fb_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* @len bytes that are not all alike, from a fixed seed. */
static GBytes *
some_bytes (gsize   len,
            guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guchar *data = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    data[i] = g_rand_int_range (rand, 0, 256);
  return g_bytes_new_take (data, len);
}

static GBytes *
export_bytes (FbStore *store)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_transfer_export (store, out, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
import_bytes (FbStore *store,
              GBytes  *file)
{
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (file);
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_transfer_import (store, in, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* Two files over several of the reader's buffers (one not a multiple of
 * three bytes), a note whose text is what the writer's placeholder looks
 * like, a record with a long field called "data", a field holding an
 * object with "data" as deep as an attachment's, and one holding an
 * "_attachments" object of its own: the other store gets the same bytes
 * and the same text, and the file holds the data as plain base64. */
static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GBytes) photo = some_bytes (300 * 1024 + 1, 1);
  g_autoptr(GBytes) sound = some_bytes (200 * 1024, 2);
  g_autofree char *long_text = g_strnfill (150 * 1024, 'd');
  const char *lookalike = "\"data\" : \"fb-set-aside:0\" and {\"_attachments\": {\"a\": {\"data\": \"x\"}}}";
  g_autoptr(JsonObject) note_body = fb_note_body_new ("Look-alike", lookalike);
  g_autoptr(JsonObject) record_body = fb_record_body_new ("Fields");
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonObject) inner = json_object_new ();
  g_autoptr(JsonObject) inner_entry = json_object_new ();
  g_autoptr(JsonObject) plot = json_object_new ();
  g_autoptr(FbItem) note = NULL;
  g_autoptr(FbItem) record = NULL;
  g_autoptr(FbAttachment) a = NULL;
  g_autoptr(FbAttachment) b = NULL;
  g_autoptr(FbStore) other = open_store (f, "other.db");
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GBytes) photo_after = NULL;
  g_autoptr(GBytes) sound_after = NULL;
  g_autoptr(FbItem) note_after = NULL;
  g_autoptr(FbItem) record_after = NULL;
  g_autofree char *photo_base64 = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *fields_after;

  json_object_set_string_member (fields, "data", long_text);
  json_object_set_string_member (plot, "data", "as deep as attachment data");
  json_object_set_object_member (fields, "plot", g_steal_pointer (&plot));
  json_object_set_string_member (inner_entry, "data", "not an attachment");
  json_object_set_object_member (inner, "a", g_steal_pointer (&inner_entry));
  json_object_set_object_member (fields, "_attachments", g_steal_pointer (&inner));
  json_object_set_object_member (record_body, "fields", g_steal_pointer (&fields));
  note = fb_store_create_item (f->store, FB_COLLECTION_NOTES, note_body, &error);
  g_assert_no_error (error);
  record = fb_store_create_item (f->store, FB_COLLECTION_RECORDS, record_body, &error);
  g_assert_no_error (error);
  a = fb_test_store_attach (f->store, fb_item_get_id (note), "photo.jpg", NULL, photo);
  b = fb_test_store_attach (f->store, fb_item_get_id (record), "call.ogg", NULL, sound);

  file = export_bytes (f->store);
  photo_base64 = g_base64_encode (g_bytes_get_data (photo, NULL), g_bytes_get_size (photo));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (file, NULL), g_bytes_get_size (file),
                                  photo_base64));

  import_bytes (other, file);

  photo_after = fb_test_store_attachment_bytes (other, fb_item_get_id (note), "photo.jpg");
  sound_after = fb_test_store_attachment_bytes (other, fb_item_get_id (record), "call.ogg");
  g_assert_true (g_bytes_equal (photo_after, photo));
  g_assert_true (g_bytes_equal (sound_after, sound));

  note_after = fb_store_get_item (other, fb_item_get_id (note), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_body_get_string (fb_item_get_body (note_after), "text"), ==, lookalike);
  record_after = fb_store_get_item (other, fb_item_get_id (record), &error);
  g_assert_no_error (error);
  fields_after = fb_body_get_object (fb_item_get_body (record_after), "fields");
  g_assert_cmpstr (json_object_get_string_member (fields_after, "data"), ==, long_text);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (fields_after, "plot"),
                                                  "data"),
                   ==, "as deep as attachment data");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (
                       json_object_get_object_member (fields_after, "_attachments"), "a"),
                     "data"),
                   ==, "not an attachment");
}

/* A file another program wrote in CouchDB's inline form: escaped slashes
 * in the base64, white space around the colon, "data" before
 * "content_type", two attachments on one item. */
static void
test_foreign_file (Fixture       *f,
                   gconstpointer  data)
{
  /* FB FF BF is "+/+/" and FF FF FF is "////": a JSON writer may escape
   * the slashes. */
  const char *text =
    "{\"fieldbook\":1,\"items\":[{\"_id\":\"n1\",\"type\":\"notes\",\"title\":\"Two files\","
    "\"_attachments\":{\"a.bin\":{\"data\" :\"+/+/\",\"content_type\":\"application/octet-stream\"},"
    "\"b.bin\":{ \"content_type\":\"application/octet-stream\", \"data\": \"\\/\\/\\/\\/\" }}}]}";
  g_autoptr(GBytes) file = g_bytes_new_static (text, strlen (text));
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;

  import_bytes (f->store, file);

  a = fb_test_store_attachment_bytes (f->store, "n1", "a.bin");
  b = fb_test_store_attachment_bytes (f->store, "n1", "b.bin");
  g_assert_cmpmem (g_bytes_get_data (a, NULL), g_bytes_get_size (a), "\xfb\xff\xbf", 3);
  g_assert_cmpmem (g_bytes_get_data (b, NULL), g_bytes_get_size (b), "\xff\xff\xff", 3);
}

/* A file cut off inside the data imports nothing and says so. */
static void
test_cut_in_data (Fixture       *f,
                  gconstpointer  data)
{
  const char *text =
    "{\"fieldbook\":1,\"items\":[{\"_id\":\"n1\",\"type\":\"notes\",\"title\":\"Cut\","
    "\"_attachments\":{\"a.bin\":{\"content_type\":\"application/octet-stream\",\"data\":\"Pz8+Pz8+";
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data (text, -1, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;

  g_assert_false (fb_transfer_import (f->store, in, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_NOT_JSON);
  items = fb_store_list_items (f->store, NULL, NULL);
  g_assert_cmpuint (items->len, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/transfer-attachments/round-trip", Fixture, NULL, fixture_setup, test_round_trip,
              fixture_teardown);
  g_test_add ("/transfer-attachments/foreign-file", Fixture, NULL, fixture_setup, test_foreign_file,
              fixture_teardown);
  g_test_add ("/transfer-attachments/cut-in-data", Fixture, NULL, fixture_setup, test_cut_in_data,
              fixture_teardown);

  return g_test_run ();
}
