/* test-attachment-fetch.c: a tile of an attachment only the server has, clicked: fetched, shown, or why not */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-attachment-fetch"

#include "config.h"

#include "fb-attachment-strip.h"
#include "fb-attachments.h"
#include "fb-field-files.h"
#include "fb-note-editor.h"
#include "fb-record-editor.h"
#include "fb-record-files.h"
#include "fb-sync-run.h"
#include "fb-template.h"
#include "fb-test-store.h"
#include "fb-window.h"
#include "sync-ui-test-util.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;

static void
device_sync (Peer *device)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) stats = fb_test_peer_sync_full (device, &error);

  g_assert_no_error (error);
}

static gboolean
detail_is (FbAttachmentStrip *strip,
           const char        *name,
           const char        *prefix)
{
  return g_str_has_prefix (fb_attachment_strip_get_detail (strip, name) ?: "", prefix);
}

/* On a metered network the pull left two large photos on the server. A
 * click on the first one's tile shows it downloading, then its larger
 * view with the bytes on this device; the second one was removed on the
 * server meanwhile: its tile says why in words and stays. */
static void
test_fetch_on_click (void)
{
  const char *db = "attachment-fetch-ui";
  g_autoptr(Peer) a = peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(Peer) b = peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(GBytes) large = fb_test_bytes (FB_SYNC_EAGER_ATTACHMENT_BYTES + 1);
  g_autoptr(GBytes) other = fb_test_bytes (FB_SYNC_EAGER_ATTACHMENT_BYTES + 2);
  g_autofree char *id = fb_test_peer_create_note (a, "Plot 8", "two photos");
  g_autoptr(FbAttachment) got = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) got_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) names = NULL;
  guint status = 0;
  FbWindow *window;
  FbAttachmentStrip *strip;
  GtkWindow *viewer;

  fb_attachment_free (fb_test_store_attach (a->store, id, "large.tif", "image/tiff", large));
  fb_attachment_free (fb_test_store_attach (a->store, id, "other.tif", "image/tiff", other));
  device_sync (a);
  fb_fake_network_monitor_set_metered (b->monitor, TRUE);
  device_sync (b);

  window = g_object_ref_sink (fb_window_new (NULL, b->store));
  fb_window_set_sync_manager (window, b->manager);
  gtk_window_present (GTK_WINDOW (window));
  strip = fb_note_editor_get_attachment_strip (FB_NOTE_EDITOR (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                                              FB_TYPE_WINDOW,
                                                                                              "note_editor")));
  WAIT_FOR (fb_window_get_current_item (window) != NULL && gtk_widget_get_mapped (GTK_WIDGET (strip)));
  g_assert_true (detail_is (strip, "large.tif", "On the server, "));

  gtk_widget_activate_action (GTK_WIDGET (strip), "attachments.open", "s", "large.tif");
  g_assert_cmpstr (fb_attachment_strip_get_detail (strip, "large.tif"), ==, "Downloading…");
  WAIT_FOR ((viewer = fb_attachment_strip_get_viewer (strip)) != NULL &&
            gtk_widget_get_mapped (GTK_WIDGET (viewer)));
  g_assert_cmpstr (gtk_window_get_title (viewer), ==, "large.tif");
  {
    g_autofree char *size = g_format_size (g_bytes_get_size (large));

    g_assert_cmpstr (fb_attachment_strip_get_detail (strip, "large.tif"), ==, size);
  }
  got = fb_store_get_attachment (b->store, id, "large.tif", &error);
  g_assert_no_error (error);
  g_assert_nonnull (got->sha256);
  file = fb_store_get_attachment_file (b->store, got->digest, &error);
  g_assert_no_error (error);
  got_bytes = g_file_load_bytes (file, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got_bytes, large));
  gtk_window_destroy (viewer);
  WAIT_FOR (fb_attachment_strip_get_viewer (strip) == NULL);

  /* Someone else removes the other photo's data on the server, for good. */
  doc = fb_test_server_get_doc (server, db, id, &error);
  g_assert_no_error (error);
  path = g_strdup_printf ("%s/%s/other.tif?rev=%s", db, id, json_object_get_string_member (doc, "_rev"));
  answer = fb_test_server_request (server, "DELETE", path, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  /* B's item names the revision that had it, whose data stays until a
   * compaction (PouchDB Server answers once it is done). */
  g_clear_pointer (&answer, json_node_unref);
  g_free (path);
  path = g_strdup_printf ("%s/_compact", db);
  answer = fb_test_server_request (server, "POST", path, "{}", &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 202);

  gtk_widget_activate_action (GTK_WIDGET (strip), "attachments.open", "s", "other.tif");
  g_assert_cmpstr (fb_attachment_strip_get_detail (strip, "other.tif"), ==, "Downloading…");
  WAIT_FOR (detail_is (strip, "other.tif", "Not downloaded: "));
  g_assert_nonnull (strstr (fb_attachment_strip_get_detail (strip, "other.tif"), "other.tif"));
  g_assert_null (fb_attachment_strip_get_viewer (strip));
  names = fb_attachment_strip_dup_names (strip);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) names, "other.tif"));

  gtk_window_close (GTK_WINDOW (window));
  WAIT_FOR (G_OBJECT (window)->ref_count == 1);
  g_assert_finalize_object (window);
}

static gboolean
field_detail_is (FbFieldFiles *files,
                 const char   *name,
                 const char   *prefix)
{
  return g_str_has_prefix (fb_field_files_get_detail (files, name) ?: "", prefix);
}

/* The same for a record's photo field: its photos are only in the field
 * (not in the strip), so the field's tile fetches one when clicked,
 * saying so meanwhile, then shows it in the larger view; the other one,
 * removed on the server meanwhile, says why in words on its tile. */
static void
test_field_fetch_on_click (void)
{
  const char *db = "attachment-fetch-field-ui";
  g_autoptr(Peer) a = peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(Peer) b = peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(GBytes) large = fb_test_bytes (FB_SYNC_EAGER_ATTACHMENT_BYTES + 3);
  g_autoptr(GBytes) other = fb_test_bytes (FB_SYNC_EAGER_ATTACHMENT_BYTES + 4);
  g_autoptr(JsonObject) template = fb_template_body_new ("Nest survey");
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(FbItem) template_item = NULL;
  g_autoptr(FbItem) record_item = NULL;
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (large);
  g_autoptr(GInputStream) other_in = g_memory_input_stream_new_from_bytes (other);
  g_autoptr(FbAttachment) attached = NULL;
  g_autoptr(FbAttachment) other_attached = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  guint status = 0;
  FbWindow *window;
  FbRecordEditor *editor;
  FbFieldFiles *files;
  GtkWidget *input;
  GtkWindow *viewer;

  fb_template_add_field (template, "Photos", FB_FIELD_PHOTO);
  template_item = fb_store_create_item (a->store, FB_COLLECTION_TEMPLATES, template, &error);
  g_assert_no_error (error);
  record = fb_record_body_new_from_template ("Nest 6", fb_item_get_id (template_item), template);
  record_item = fb_store_create_item (a->store, FB_COLLECTION_RECORDS, record, &error);
  g_assert_no_error (error);
  attached = fb_store_attach_to_field (a->store, fb_item_get_id (record_item), "Photos", "nest.tif",
                                       "image/tiff", in, NULL, &error);
  g_assert_no_error (error);
  other_attached = fb_store_attach_to_field (a->store, fb_item_get_id (record_item), "Photos", "egg.tif",
                                             "image/tiff", other_in, NULL, &error);
  g_assert_no_error (error);
  device_sync (a);
  fb_fake_network_monitor_set_metered (b->monitor, TRUE);
  device_sync (b);
  g_assert_null (fb_test_store_attachment_bytes (b->store, fb_item_get_id (record_item), "nest.tif"));

  window = g_object_ref_sink (fb_window_new (NULL, b->store));
  fb_window_set_sync_manager (window, b->manager);
  gtk_window_present (GTK_WINDOW (window));
  editor = FB_RECORD_EDITOR (fb_test_template_child (window, FB_TYPE_WINDOW, "record_editor"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.collection", "s", "records"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-item", "s",
                                             fb_item_get_id (record_item)));
  WAIT_FOR ((input = fb_record_editor_get_field_input (editor, "Photos")) != NULL && fb_test_is_shown (input));
  files = fb_field_files_find (input);
  g_assert_nonnull (files);
  g_assert_true (field_detail_is (files, "nest.tif", "On the server, "));

  gtk_widget_activate_action (GTK_WIDGET (files), "field-files.open", "s", "nest.tif");
  g_assert_cmpstr (fb_field_files_get_detail (files, "nest.tif"), ==, "Downloading…");
  WAIT_FOR ((viewer = fb_field_files_get_viewer (files)) != NULL &&
            gtk_widget_get_mapped (GTK_WIDGET (viewer)));
  g_assert_cmpstr (gtk_window_get_title (viewer), ==, "nest.tif");
  got = fb_test_store_attachment_bytes (b->store, fb_item_get_id (record_item), "nest.tif");
  g_assert_nonnull (got);
  g_assert_true (g_bytes_equal (got, large));
  {
    g_autofree char *size = g_format_size (g_bytes_get_size (large));

    g_assert_cmpstr (fb_field_files_get_detail (files, "nest.tif"), ==, size);
  }
  gtk_window_destroy (viewer);
  WAIT_FOR (fb_field_files_get_viewer (files) == NULL);

  /* Someone else removes the other photo's data on the server, for good. */
  doc = fb_test_server_get_doc (server, db, fb_item_get_id (record_item), &error);
  g_assert_no_error (error);
  path = g_strdup_printf ("%s/%s/egg.tif?rev=%s", db, fb_item_get_id (record_item),
                          json_object_get_string_member (doc, "_rev"));
  answer = fb_test_server_request (server, "DELETE", path, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  /* B's item names the revision that had it, whose data stays until a
   * compaction (PouchDB Server answers once it is done). */
  g_clear_pointer (&answer, json_node_unref);
  g_free (path);
  path = g_strdup_printf ("%s/_compact", db);
  answer = fb_test_server_request (server, "POST", path, "{}", &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 202);

  gtk_widget_activate_action (GTK_WIDGET (files), "field-files.open", "s", "egg.tif");
  g_assert_cmpstr (fb_field_files_get_detail (files, "egg.tif"), ==, "Downloading…");
  WAIT_FOR (field_detail_is (files, "egg.tif", "Not downloaded: "));
  g_assert_nonnull (strstr (fb_field_files_get_detail (files, "egg.tif"), "egg.tif"));
  g_assert_null (fb_field_files_get_viewer (files));
  g_assert_null (fb_field_files_get_toast (files));

  gtk_window_close (GTK_WINDOW (window));
  WAIT_FOR (G_OBJECT (window)->ref_count == 1);
  g_assert_finalize_object (window);
}

/* Duplicate, on a metered network that left the note's large photo on
 * the server: the window downloads it first, so the copy has it too
 * (nothing said about a file left out), and the copy reaches the server
 * with it. */
static void
test_duplicate_downloads_first (void)
{
  const char *db = "attachment-fetch-duplicate";
  g_autoptr(Peer) a = peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(Peer) b = peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(GBytes) large = fb_test_bytes (FB_SYNC_EAGER_ATTACHMENT_BYTES + 3);
  g_autofree char *id = fb_test_peer_create_note (a, "Plot 9", "one photo");
  g_autoptr(GBytes) got = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autofree char *copy_id = NULL;
  FbWindow *window;

  fb_attachment_free (fb_test_store_attach (a->store, id, "large.tif", "image/tiff", large));
  device_sync (a);
  fb_fake_network_monitor_set_metered (b->monitor, TRUE);
  device_sync (b);

  window = g_object_ref_sink (fb_window_new (NULL, b->store));
  fb_window_set_sync_manager (window, b->manager);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.collection", "s", "notes"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-item", "s", id));
  WAIT_FOR (fb_window_get_current_item (window) != NULL &&
            g_strcmp0 (fb_item_get_id (fb_window_get_current_item (window)), id) == 0);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.duplicate-item", NULL);
  WAIT_FOR (fb_window_get_current_item (window) != NULL &&
            g_strcmp0 (fb_item_get_id (fb_window_get_current_item (window)), id) != 0);
  copy_id = g_strdup (fb_item_get_id (fb_window_get_current_item (window)));
  got = fb_test_store_attachment_bytes (b->store, copy_id, "large.tif");
  g_assert_nonnull (got);
  g_assert_true (g_bytes_equal (got, large));
  /* The last word was the download's, no file left out. */
  g_assert_cmpstr (adw_toast_get_title (fb_window_get_last_toast (window)), ==,
                   "Downloading the files first, for the copy…");

  fb_fake_network_monitor_set_metered (b->monitor, FALSE);
  device_sync (b);
  doc = fb_test_server_doc (server, db, copy_id);
  g_assert_nonnull (fb_test_doc_attachment_digest (doc, "large.tif"));

  gtk_window_close (GTK_WINDOW (window));
  WAIT_FOR (G_OBJECT (window)->ref_count == 1);
  g_assert_finalize_object (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  sync_ui_test_init (&argc, &argv);

  server = fb_test_server_start (ADMIN, PASSWORD, &error);
  g_assert_no_error (error);

  g_test_add_func ("/attachment-fetch/on-click", test_fetch_on_click);
  g_test_add_func ("/attachment-fetch/field-on-click", test_field_fetch_on_click);
  g_test_add_func ("/attachment-fetch/duplicate-downloads-first", test_duplicate_downloads_first);

  status = g_test_run ();
  fb_test_server_free (server);
  return status;
}
