/* test-attachments.c: attachment files in the local store (fb-attachments*.c) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-attachments"

#include "config.h"

#include <string.h>

#include "fb-attachments.h"
#include "fb-item-body.h"
#include "fb-item-sort.h"
#include "fb-store.h"
#include "fb-store-history.h"
#include "fb-transfer.h"
#include "fb-test-store.h"
#include "fb-test-wait.h"

typedef struct
{
  char    *dir;
  char    *path;
  FbStore *store;
  char    *id;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = NULL;

  f->dir = fb_test_make_tmp_dir ();
  f->path = g_build_filename (f->dir, "fieldbook.db", NULL);
  f->store = fb_store_new (f->path, &error);
  g_assert_no_error (error);
  item = fb_test_store_create_note (f->store, "Heron", "by the river");
  f->id = g_strdup (fb_item_get_id (item));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  fb_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->id);
}

static FbAttachment *
attach (Fixture    *f,
        const char *name,
        const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data (g_strdup (text), strlen (text), g_free);
  FbAttachment *attachment = fb_store_add_attachment (f->store, f->id, name, NULL, in, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (attachment);
  return attachment;
}

/* The files in the store's attachment folder (temporary ones included). */
static guint
count_files (Fixture *f)
{
  g_autofree char *path = fb_store_dup_attachments_dir (f->store);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static char *
read_attachment (Fixture    *f,
                 const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbAttachment) attachment = fb_store_get_attachment (f->store, f->id, name, &error);
  g_autoptr(GFile) file = NULL;
  char *contents = NULL;

  g_assert_no_error (error);
  file = fb_store_get_attachment_file (f->store, attachment->digest, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_load_contents (file, NULL, &contents, NULL, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

/* Attaching lists the file in the body (CouchDB's form) as a pending edit;
 * the same bytes are stored once, whatever their names. */
static void
test_attach_and_dedup (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(FbAttachment) a = attach (f, "heron.jpg", "feathers");
  g_autoptr(FbAttachment) b = attach (f, "copy.bin", "feathers");
  g_autoptr(FbItem) item = fb_store_get_item (f->store, f->id, NULL);
  g_autoptr(GPtrArray) list = fb_store_list_attachments (f->store, f->id, NULL);
  g_autofree char *contents = read_attachment (f, "copy.bin");
  g_autofree char *sha256 = fb_attachment_dup_sha256_digest (a);
  JsonObject *entry = fb_body_get_object (fb_body_get_object (fb_item_get_body (item),
                                                              FB_BODY_ATTACHMENTS),
                                          "heron.jpg");

  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((FbAttachment *) list->pdata[0])->name, ==, "copy.bin");
  g_assert_cmpstr (((FbAttachment *) list->pdata[1])->name, ==, "heron.jpg");
  g_assert_cmpstr (a->content_type, ==, "image/jpeg");
  g_assert_cmpint (a->length, ==, 8);
  /* As sha256sum and "openssl md5 -binary | base64" say (CouchDB's form). */
  g_assert_cmpstr (sha256, ==, "sha256-e9d9d0f618e05c97b1b5d121c57a45825461f2079ff2feee93f787d835a701d0");
  g_assert_cmpstr (a->digest, ==, "md5-OOecIf138eE8oxq44i25iQ==");
  g_assert_cmpstr (fb_body_get_string (entry, "digest"), ==, a->digest);
  g_assert_cmpstr (fb_body_get_string (entry, "content_type"), ==, "image/jpeg");
  g_assert_cmpstr (b->sha256, ==, a->sha256);
  g_assert_cmpstr (contents, ==, "feathers");
  g_assert_cmpuint (count_files (f), ==, 1);
}

/* The same name again: the same bytes change nothing, other bytes get a
 * name of their own; nothing is replaced. */
static void
test_same_name (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(FbAttachment) a = attach (f, "heron.jpg", "first");
  g_autoptr(FbItem) before = fb_store_get_item (f->store, f->id, NULL);
  g_autoptr(FbAttachment) again = attach (f, "heron.jpg", "first");
  g_autoptr(FbItem) after = fb_store_get_item (f->store, f->id, NULL);
  g_autoptr(FbAttachment) other = attach (f, "heron.jpg", "second");
  g_autofree char *first = read_attachment (f, "heron.jpg");
  g_autofree char *second = read_attachment (f, "heron (2).jpg");

  g_assert_cmpstr (again->name, ==, "heron.jpg");
  g_assert_cmpint (fb_item_get_local_seq (after), ==, fb_item_get_local_seq (before));
  g_assert_cmpstr (other->name, ==, "heron (2).jpg");
  g_assert_cmpstr (first, ==, "first");
  g_assert_cmpstr (second, ==, "second");
}

/* An editor's save (which never carries attachments) keeps them. */
static void
test_edit_keeps (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(FbAttachment) a = attach (f, "heron.jpg", "feathers");
  g_autoptr(JsonObject) body = fb_note_body_new ("Heron", "seen again");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_assert_true (fb_store_update_item (f->store, f->id, body, &error));
  g_assert_no_error (error);
  list = fb_store_list_attachments (f->store, f->id, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((FbAttachment *) list->pdata[0])->sha256, ==, a->sha256);
}

/* The collector removes only what nothing names: a removed attachment's
 * file stays while a version in the history or a push in flight names it,
 * and so does a file too young to be judged. */
static void
test_collector (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(FbAttachment) kept = attach (f, "kept.txt", "kept");
  g_autoptr(FbAttachment) removed = attach (f, "removed.txt", "removed");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autofree char *dir = fb_store_dup_attachments_dir (f->store);
  g_autofree char *orphan = g_build_filename (dir, ".tmp-left-by-a-crash", NULL);
  guint n = 99;

  /* A push in flight sends both. */
  pending = fb_store_list_pending (f->store, 0, 0, &error);
  g_assert_true (fb_store_record_in_flight (f->store, pending, &error));
  g_assert_no_error (error);

  g_assert_true (fb_store_remove_attachment (f->store, f->id, "removed.txt", &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (orphan, "half", -1, NULL));

  g_assert_true (fb_store_collect_attachments (f->store, FB_ATTACHMENTS_GRACE_MS, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpuint (count_files (f), ==, 3);

  /* Without its grace time, the half file goes; the history and the push
   * in flight still name "removed.txt". */
  g_assert_true (fb_store_collect_attachments (f->store, 0, &n, &error));
  g_assert_cmpuint (n, ==, 1);
  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (f), ==, 2);

  /* Deleted for good (history and all): both files go. */
  g_assert_true (fb_store_delete_item (f->store, f->id, &error));
  g_assert_true (fb_store_forget_item (f->store, f->id, &error));
  g_assert_no_error (error);
  g_assert_true (fb_store_collect_attachments (f->store, 0, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (count_files (f), ==, 0);
}

/* Removing, then undoing: the same file comes back. */
static void
test_remove_restore (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(FbAttachment) a = attach (f, "heron.jpg", "feathers");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *contents = NULL;

  g_assert_true (fb_store_remove_attachment (f->store, f->id, "heron.jpg", &error));
  g_assert_no_error (error);
  list = fb_store_list_attachments (f->store, f->id, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_false (fb_store_remove_attachment (f->store, f->id, "heron.jpg", &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (fb_store_restore_attachment (f->store, f->id, a, &error));
  g_assert_no_error (error);
  contents = read_attachment (f, "heron.jpg");
  g_assert_cmpstr (contents, ==, "feathers");
}

static gboolean
commit_write (Fixture            *f,
              FbAttachmentWrite  *writer,
              const char         *digest,
              GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fb_store_commit_attachment_write_async (f->store, writer, digest, NULL, fb_test_got_result_cb, &result);
  WAIT_UNTIL (result != NULL, 10000);
  return fb_store_commit_attachment_write_finish (f->store, result, error);
}

static guint
count_missing (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) missing = fb_store_list_missing_attachments (f->store, &error);

  g_assert_no_error (error);
  return missing->len;
}

/* Data a server sends is written as it arrives, in pieces, and kept only
 * when it has the digest it claims: other bytes leave no file, and the
 * attachment is still missing. */
static void
test_downloaded_data (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(FbAttachment) a = attach (f, "heron.jpg", "feathers");
  g_autoptr(FbAttachmentWrite) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *blobs = NULL;
  g_autofree char *dir = fb_store_dup_attachments_dir (f->store);

  /* Another device: the same body, no file yet. */
  g_assert_true (fb_store_collect_attachments (f->store, 0, NULL, &error));
  fb_test_remove_tree (dir);
  file = fb_store_get_attachment_file (f->store, a->digest, &error);
  g_assert_null (file);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (count_missing (f), ==, 1);

  writer = fb_store_begin_attachment_write (f->store, &error);
  g_assert_no_error (error);
  g_assert_true (fb_attachment_write_chunk (writer, "feath", 5, &error));
  g_assert_true (fb_attachment_write_chunk (writer, "ers!", 4, &error));
  g_assert_cmpuint (fb_attachment_write_get_length (writer), ==, 9);
  g_assert_cmpuint (count_files (f), ==, 1);
  g_assert_false (commit_write (f, g_steal_pointer (&writer), a->digest, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "damaged"));
  g_clear_error (&error);
  g_assert_cmpuint (count_files (f), ==, 0);
  g_assert_cmpuint (count_missing (f), ==, 1);

  /* Given up half way: nothing left behind either. */
  writer = fb_store_begin_attachment_write (f->store, &error);
  g_assert_true (fb_attachment_write_chunk (writer, "feat", 4, &error));
  g_clear_pointer (&writer, fb_attachment_write_abort);
  g_assert_cmpuint (count_files (f), ==, 0);
  g_assert_cmpuint (count_missing (f), ==, 1);

  writer = fb_store_begin_attachment_write (f->store, &error);
  for (const char *piece = "feathers"; *piece != '\0'; piece++)
    g_assert_true (fb_attachment_write_chunk (writer, piece, 1, &error));
  g_assert_no_error (error);
  g_assert_true (commit_write (f, g_steal_pointer (&writer), a->digest, &error));
  g_assert_no_error (error);
  blobs = read_attachment (f, "heron.jpg");
  g_assert_cmpstr (blobs, ==, "feathers");
  g_assert_cmpuint (count_files (f), ==, 1);
  g_assert_cmpuint (count_missing (f), ==, 0);
}

/* A name CouchDB would refuse is refused here, before any file is
 * written; so is an item that does not exist. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data ("x", 1, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_null (fb_store_add_attachment (f->store, f->id, "_design", NULL, in, NULL, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (fb_store_add_attachment (f->store, "no-such-item", "a.txt", NULL, in, NULL, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (count_files (f), ==, 0);
}

/* The export file carries the data in CouchDB's inline form; importing it
 * into another store gives the same bytes, and importing it again changes
 * nothing. */
static void
test_export_import (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(FbAttachment) a = attach (f, "heron.jpg", "feathers");
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *other_path = g_build_filename (f->dir, "other.db", NULL);
  g_autoptr(FbStore) other = NULL;
  g_autoptr(FbItem) before = NULL;
  g_autoptr(FbItem) after = NULL;
  g_autoptr(GPtrArray) list = NULL;
  JsonObject *entry;

  g_assert_true (fb_transfer_export (f->store, out, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, NULL);
  file = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));

  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (file, NULL),
                                             g_bytes_get_size (file), &error));
  entry = json_object_get_object_member (
    json_object_get_object_member (
      json_array_get_object_element (
        json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "items"), 0),
      "_attachments"),
    "heron.jpg");
  g_assert_cmpstr (json_object_get_string_member (entry, "data"), ==, "ZmVhdGhlcnM=");
  g_assert_cmpstr (json_object_get_string_member (entry, "content_type"), ==, "image/jpeg");

  other = fb_store_new (other_path, &error);
  g_assert_no_error (error);
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (file);

      g_clear_object (&before);
      before = fb_store_get_item (other, f->id, NULL);
      g_assert_true (fb_transfer_import (other, in, NULL, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
    }
  after = fb_store_get_item (other, f->id, NULL);
  g_assert_cmpint (fb_item_get_local_seq (after), ==, fb_item_get_local_seq (before));

  list = fb_store_list_attachments (other, f->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((FbAttachment *) list->pdata[0])->sha256, ==, a->sha256);
  g_assert_cmpstr (((FbAttachment *) list->pdata[0])->digest, ==, a->digest);
}

/* Renaming lists the same bytes under the new name (no new file) and
 * rewrites the note's references to it, in one edit; a name the item has
 * already is refused and nothing changes. */
static void
test_rename (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(FbAttachment) a = attach (f, "heron.jpg", "feathers");
  g_autoptr(FbAttachment) b = attach (f, "report.pdf", "pages");
  g_autoptr(FbAttachment) renamed = NULL;
  g_autoptr(FbAttachment) gone = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(FbItem) after = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  guint n_files;

  item = fb_store_get_item (f->store, f->id, &error);
  g_assert_no_error (error);
  body = fb_body_copy (fb_item_get_body (item));
  json_object_set_string_member (body, "text",
                                 "![A heron](attachment:heron.jpg)\n"
                                 "See [the report](attachment:report.pdf) and <attachment:heron.jpg>.\n"
                                 "Not this: attachment:heron.jpg2");
  g_assert_true (fb_store_update_item (f->store, f->id, body, &error));
  g_assert_no_error (error);
  n_files = count_files (f);

  g_assert_true (fb_store_rename_attachment (f->store, f->id, "heron.jpg", "grey heron.jpg", &error));
  g_assert_no_error (error);

  renamed = fb_store_get_attachment (f->store, f->id, "grey heron.jpg", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (renamed->digest, ==, a->digest);
  g_assert_cmpstr (renamed->sha256, ==, a->sha256);
  g_assert_cmpstr (renamed->content_type, ==, a->content_type);
  gone = fb_store_get_attachment (f->store, f->id, "heron.jpg", &error);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
  g_assert_null (gone);
  g_clear_error (&error);
  g_assert_cmpuint (count_files (f), ==, n_files);
  contents = read_attachment (f, "grey heron.jpg");
  g_assert_cmpstr (contents, ==, "feathers");

  after = fb_store_get_item (f->store, f->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_body_get_string (fb_item_get_body (after), "text"), ==,
                   "![A heron](attachment:grey%20heron.jpg)\n"
                   "See [the report](attachment:report.pdf) and <attachment:grey%20heron.jpg>.\n"
                   "Not this: attachment:heron.jpg2");
  g_assert_cmpint (fb_item_get_state (after), ==, FB_ITEM_STATE_PENDING);

  /* A name the item has already, or none: refused, nothing changed. */
  g_assert_false (fb_store_rename_attachment (f->store, f->id, "grey heron.jpg", "report.pdf", &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "already has an attachment named “report.pdf”"));
  g_clear_error (&error);
  g_assert_false (fb_store_rename_attachment (f->store, f->id, "grey heron.jpg", " ", &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&contents, g_free);
  contents = read_attachment (f, "grey heron.jpg");
  g_assert_cmpstr (contents, ==, "feathers");
  g_clear_pointer (&contents, g_free);
  contents = read_attachment (f, "report.pdf");
  g_assert_cmpstr (contents, ==, "pages");
  (void) b;
}

/* Duplicate: a new pending item with the same text, tags and files,
 * titled as a copy and not pinned; the original is as it was, and the
 * files stay while the copy names them, after the original is gone for
 * good. */
static void
test_duplicate (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(FbAttachment) photo = attach (f, "heron.jpg", "grey heron at the weir");
  g_autoptr(FbItem) original = NULL;
  g_autoptr(FbItem) copy = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *copy_id = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *original_id = g_strdup (f->id);
  JsonArray *tags;
  guint n = 0;

  original = fb_store_get_item (f->store, f->id, &error);
  body = fb_body_copy (fb_item_get_body (original));
  json_object_set_array_member (body, "tags", json_array_new ());
  json_array_add_string_element (json_object_get_array_member (body, "tags"), "birds");
  g_assert_true (fb_store_update_item (f->store, f->id, body, &error));
  g_assert_true (fb_store_set_pinned (f->store, f->id, TRUE, &error));
  g_assert_no_error (error);

  copy = fb_store_duplicate_item (f->store, f->id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (copy);
  copy_id = g_strdup (fb_item_get_id (copy));
  g_assert_cmpstr (copy_id, !=, f->id);
  g_assert_cmpstr (fb_item_get_collection (copy), ==, FB_COLLECTION_NOTES);
  g_assert_cmpstr (fb_item_get_title (copy), ==, "Heron (copy)");
  g_assert_cmpstr (fb_item_get_text (copy), ==, "by the river");
  g_assert_cmpint (fb_item_get_state (copy), ==, FB_ITEM_STATE_PENDING);
  g_assert_false (fb_item_get_pinned (copy));
  tags = fb_body_get_array (fb_item_get_body (copy), "tags");
  g_assert_nonnull (tags);
  g_assert_cmpuint (json_array_get_length (tags), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (tags, 0), ==, "birds");

  g_clear_object (&original);
  original = fb_store_get_item (f->store, f->id, &error);
  g_assert_cmpstr (fb_item_get_title (original), ==, "Heron");
  g_assert_true (fb_item_get_pinned (original));

  /* The original deleted for good: the copy's file is still there. */
  g_assert_true (fb_store_delete_item (f->store, original_id, &error));
  g_assert_true (fb_store_forget_item (f->store, original_id, &error));
  g_assert_true (fb_store_collect_attachments (f->store, 0, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
  g_free (f->id);
  f->id = g_strdup (copy_id);
  contents = read_attachment (f, "heron.jpg");
  g_assert_cmpstr (contents, ==, "grey heron at the weir");

  /* Nothing to copy: an unknown id, or one in the Trash. */
  g_assert_null (fb_store_duplicate_item (f->store, "no-such-item", NULL, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (fb_store_delete_item (f->store, copy_id, &error));
  g_assert_null (fb_store_duplicate_item (f->store, copy_id, NULL, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
}

/* A file only the server has cannot go with the copy (a new document has
 * no server data to name): the copy is made without it, and says how many
 * were left out; the original still names it. */
static void
test_duplicate_without_file (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(FbAttachment) photo = attach (f, "heron.jpg", "grey heron at the weir");
  g_autoptr(FbAttachment) note = attach (f, "tally.txt", "3 herons");
  g_autofree char *dir = fb_store_dup_attachments_dir (f->store);
  g_autoptr(GFile) gone = NULL;
  g_autoptr(FbItem) copy = NULL;
  g_autoptr(GPtrArray) copied = NULL;
  g_autoptr(GPtrArray) original = NULL;
  g_autoptr(GError) error = NULL;
  guint n_left_out = 99;

  /* As on a device that pulled the note but not yet the photo. */
  gone = fb_store_get_attachment_file (f->store, photo->digest, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_delete (gone, NULL, &error));

  copy = fb_store_duplicate_item (f->store, f->id, &n_left_out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_left_out, ==, 1);
  copied = fb_store_list_attachments (f->store, fb_item_get_id (copy), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (copied->len, ==, 1);
  g_assert_cmpstr (((FbAttachment *) copied->pdata[0])->name, ==, "tally.txt");
  original = fb_store_list_attachments (f->store, f->id, &error);
  g_assert_cmpuint (original->len, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/attachments/attach-and-dedup", test_attach_and_dedup);
  ADD ("/attachments/same-name", test_same_name);
  ADD ("/attachments/edit-keeps", test_edit_keeps);
  ADD ("/attachments/collector", test_collector);
  ADD ("/attachments/remove-restore", test_remove_restore);
  ADD ("/attachments/downloaded-data", test_downloaded_data);
  ADD ("/attachments/refused", test_refused);
  ADD ("/attachments/rename", test_rename);
  ADD ("/attachments/export-import", test_export_import);
  ADD ("/attachments/duplicate", test_duplicate);
  ADD ("/attachments/duplicate-without-file", test_duplicate_without_file);
#undef ADD

  return g_test_run ();
}
