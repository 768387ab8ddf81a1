/* test-attachment-progress.c: a file being sent or downloaded, as the window shows it, against PouchDB Server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-attachment-progress"

#include "config.h"

#include "fb-attachment-strip.h"
#include "fb-attachments.h"
#include "fb-field-files.h"
#include "fb-note-editor.h"
#include "fb-record-editor.h"
#include "fb-record-files.h"
#include "fb-sync-run.h"
#include "fb-test-store.h"
#include "fb-sync-status.h"
#include "fb-template.h"
#include "fb-window.h"
#include "sync-ui-test-util.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;

/* What the window showed when the manager told of a transfer (the
 * window's own handlers ran first: they were connected before). */
typedef struct
{
  guint64   done;
  guint64   total;
  gboolean  bar_shown;
  double    fraction;
  char     *detail;   /* under the tile's name */
  char     *summary;  /* the sync status beside its icon */
  char     *details;  /* the sync status's popover */
} Seen;

static void
seen_free (Seen *seen)
{
  g_free (seen->detail);
  g_free (seen->summary);
  g_free (seen->details);
  g_free (seen);
}

typedef struct
{
  FbAttachmentStrip *strip;
  FbFieldFiles      *files;   /* or a record's photo field's tiles */
  FbSyncStatus      *status;
  const char        *name;
  GPtrArray         *seen;
  gboolean           ended;
} Watch;

static void
transfer_progress_cb (FbSyncManager       *manager,
                      const char          *item_id,
                      const char          *name,
                      FbTransferDirection  direction,
                      guint64              bytes_done,
                      guint64              bytes_total,
                      Watch               *watch)
{
  GtkProgressBar *bar = watch->files != NULL ? fb_field_files_get_progress_bar (watch->files, watch->name)
                                              : fb_attachment_strip_get_progress_bar (watch->strip, watch->name);
  Seen *seen = g_new0 (Seen, 1);

  seen->done = bytes_done;
  seen->total = bytes_total;
  seen->bar_shown = fb_test_is_shown (GTK_WIDGET (bar));
  seen->fraction = gtk_progress_bar_get_fraction (bar);
  seen->detail = g_strdup (watch->files != NULL ? fb_field_files_get_detail (watch->files, watch->name)
                                                : fb_attachment_strip_get_detail (watch->strip, watch->name));
  seen->summary = fb_sync_status_dup_summary (watch->status);
  seen->details = g_strdup (fb_sync_status_get_details (watch->status));
  g_ptr_array_add (watch->seen, seen);
  if (bytes_total == 0)
    watch->ended = TRUE;
}

static FbWindow *
open_window (Peer               *device,
             FbAttachmentStrip **strip,
             FbSyncStatus      **status)
{
  FbWindow *window = g_object_ref_sink (fb_window_new (NULL, device->store));

  fb_window_set_sync_manager (window, device->manager);
  gtk_window_present (GTK_WINDOW (window));
  *strip = fb_note_editor_get_attachment_strip (fb_test_template_child (window, FB_TYPE_WINDOW, "note_editor"));
  *status = fb_test_template_child (window, FB_TYPE_WINDOW, "sync_status");
  WAIT_FOR (fb_window_get_current_item (window) != NULL && gtk_widget_get_mapped (GTK_WIDGET (*strip)));
  return window;
}

static void
close_window (FbWindow *window)
{
  gtk_window_close (GTK_WINDOW (window));
  WAIT_FOR (G_OBJECT (window)->ref_count == 1);
  g_assert_finalize_object (window);
}

/* While the sync sends a photo, its tile shows a bar and "Sending… N %",
 * rising to 100 %, and the sync status says which file; once it is on
 * the server the bar is gone, the tile shows the size again and the
 * status no longer speaks of sending. */
static void
test_sending (void)
{
  const char *db = "attachment-progress-up";
  g_autoptr(Peer) a = peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(GBytes) photo = fb_test_bytes (300 * 1024);
  g_autofree char *id = fb_test_peer_create_note (a, "Plot 8", "one photo");
  g_autofree char *size = g_format_size (g_bytes_get_size (photo));
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  Watch watch = { .name = "survey.tif", .seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free) };
  FbWindow *window;
  Seen *first, *last, *end;
  gulong handler;

  fb_attachment_free (fb_test_store_attach (a->store, id, "survey.tif", "image/tiff", photo));
  window = open_window (a, &watch.strip, &watch.status);
  g_assert_cmpstr (fb_attachment_strip_get_detail (watch.strip, "survey.tif"), ==, size);
  g_assert_false (fb_test_is_shown (GTK_WIDGET (fb_attachment_strip_get_progress_bar (watch.strip, "survey.tif"))));

  handler = g_signal_connect (a->manager, "transfer-progress", G_CALLBACK (transfer_progress_cb), &watch);
  stats = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  WAIT_FOR (watch.ended);
  g_signal_handler_disconnect (a->manager, handler);

  g_assert_cmpuint (watch.seen->len, >=, 3);
  first = watch.seen->pdata[0];
  last = watch.seen->pdata[watch.seen->len - 2];
  end = watch.seen->pdata[watch.seen->len - 1];
  for (guint i = 0; i + 1 < watch.seen->len; i++)
    {
      Seen *seen = watch.seen->pdata[i];
      g_autofree char *words = NULL;
      g_autofree char *status_words = NULL;
      int percent = (int) (100.0 * (double) seen->done / (double) seen->total);

      g_test_message ("%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT ": tile “%s”, status “%s”",
                      seen->done, seen->total, seen->detail, seen->summary);
      g_assert_cmpuint (seen->total, >, 0);
      g_assert_true (seen->bar_shown);
      g_assert_cmpfloat_with_epsilon (seen->fraction, (double) seen->done / (double) seen->total, 1e-9);
      words = g_strdup_printf ("Sending… %d %%", percent);
      g_assert_cmpstr (seen->detail, ==, words);
      status_words = g_strdup_printf ("Sending “survey.tif”… %d %%", percent);
      g_assert_cmpstr (seen->summary, ==, status_words);
      g_assert_nonnull (strstr (seen->details, status_words));
    }
  g_assert_cmpuint (first->done, ==, 0);
  g_assert_cmpstr (first->detail, ==, "Sending… 0 %");
  g_assert_cmpuint (last->done, ==, last->total);
  g_assert_cmpstr (last->detail, ==, "Sending… 100 %");

  g_assert_cmpuint (end->total, ==, 0);
  g_assert_false (end->bar_shown);
  g_assert_cmpstr (end->detail, ==, size);
  g_assert_null (strstr (end->summary, "Sending"));
  g_assert_null (strstr (end->details, "Sending"));
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);

  g_ptr_array_unref (watch.seen);
  close_window (window);
}

/* A click on the tile of a photo only the server has downloads it: the
 * tile shows a bar and "Downloading… X of Y", rising to all of it, and
 * the sync status says which file; then the bar is gone, the larger view
 * opens and the tile shows the size. */
static void
test_downloading (void)
{
  const char *db = "attachment-progress-down";
  g_autoptr(Peer) a = peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(Peer) b = peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(GBytes) photo = fb_test_bytes (FB_SYNC_EAGER_ATTACHMENT_BYTES + 300 * 1024);
  g_autofree char *id = fb_test_peer_create_note (a, "Plot 9", "one large photo");
  g_autofree char *size = g_format_size (g_bytes_get_size (photo));
  g_autoptr(FbSyncStats) stats = NULL;
  Watch watch = { .name = "survey.tif", .seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free) };
  FbWindow *window;
  GtkWindow *viewer;
  Seen *first, *last, *end;
  gulong handler;

  fb_attachment_free (fb_test_store_attach (a->store, id, "survey.tif", "image/tiff", photo));
  stats = fb_test_peer_sync (a);
  g_clear_pointer (&stats, fb_sync_stats_free);
  fb_fake_network_monitor_set_metered (b->monitor, TRUE);
  stats = fb_test_peer_sync (b);
  window = open_window (b, &watch.strip, &watch.status);
  g_assert_true (g_str_has_prefix (fb_attachment_strip_get_detail (watch.strip, "survey.tif"), "On the server, "));

  handler = g_signal_connect (b->manager, "transfer-progress", G_CALLBACK (transfer_progress_cb), &watch);
  gtk_widget_activate_action (GTK_WIDGET (watch.strip), "attachments.open", "s", "survey.tif");
  WAIT_FOR (watch.ended && (viewer = fb_attachment_strip_get_viewer (watch.strip)) != NULL &&
            gtk_widget_get_mapped (GTK_WIDGET (viewer)));
  g_signal_handler_disconnect (b->manager, handler);

  g_assert_cmpuint (watch.seen->len, >=, 3);
  first = watch.seen->pdata[0];
  last = watch.seen->pdata[watch.seen->len - 2];
  end = watch.seen->pdata[watch.seen->len - 1];
  for (guint i = 0; i + 1 < watch.seen->len; i++)
    {
      Seen *seen = watch.seen->pdata[i];
      g_autofree char *done = g_format_size (seen->done);
      g_autofree char *total = g_format_size (seen->total);
      g_autofree char *words = g_strdup_printf ("Downloading… %s of %s", done, total);
      g_autofree char *status_words = g_strdup_printf ("Downloading “survey.tif”… %s of %s", done, total);

      g_test_message ("%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT, seen->done, seen->total);
      g_assert_cmpuint (seen->total, >, 0);
      g_assert_true (seen->bar_shown);
      g_assert_cmpfloat_with_epsilon (seen->fraction, (double) seen->done / (double) seen->total, 1e-9);
      g_assert_cmpstr (seen->detail, ==, words);
      g_assert_cmpstr (seen->summary, ==, status_words);
      g_assert_nonnull (strstr (seen->details, status_words));
      if (i > 0)
        g_assert_cmpuint (seen->done, >=, ((Seen *) watch.seen->pdata[i - 1])->done);
    }
  g_assert_cmpuint (first->done, <, first->total);
  g_assert_cmpuint (last->done, ==, last->total);

  g_assert_cmpuint (end->total, ==, 0);
  g_assert_false (end->bar_shown);
  g_assert_null (strstr (end->summary, "Downloading"));
  g_assert_null (strstr (end->details, "Downloading"));
  g_assert_cmpstr (fb_attachment_strip_get_detail (watch.strip, "survey.tif"), ==, size);
  g_assert_false (fb_test_is_shown (GTK_WIDGET (fb_attachment_strip_get_progress_bar (watch.strip, "survey.tif"))));

  gtk_window_destroy (viewer);
  WAIT_FOR (fb_attachment_strip_get_viewer (watch.strip) == NULL);
  g_ptr_array_unref (watch.seen);
  close_window (window);
}

/* The window on @device, showing the record @id; its "Photos" field. */
static FbFieldFiles *
open_record (Peer        *device,
             const char  *id,
             FbWindow   **window,
             FbSyncStatus **status)
{
  FbRecordEditor *editor;
  GtkWidget *input;

  *window = g_object_ref_sink (fb_window_new (NULL, device->store));
  fb_window_set_sync_manager (*window, device->manager);
  gtk_window_present (GTK_WINDOW (*window));
  *status = fb_test_template_child (*window, FB_TYPE_WINDOW, "sync_status");
  editor = FB_RECORD_EDITOR (fb_test_template_child (*window, FB_TYPE_WINDOW, "record_editor"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (*window), "win.collection", "s", "records"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (*window), "win.open-item", "s", id));
  WAIT_FOR ((input = fb_record_editor_get_field_input (editor, "Photos")) != NULL && fb_test_is_shown (input));
  return fb_field_files_find (input);
}

static void
assert_in_flight (Watch      *watch,
                  const char *words_prefix)
{
  Seen *end;

  g_assert_cmpuint (watch->seen->len, >=, 3);
  for (guint i = 0; i + 1 < watch->seen->len; i++)
    {
      Seen *seen = watch->seen->pdata[i];

      g_test_message ("%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT ": tile “%s”",
                      seen->done, seen->total, seen->detail);
      g_assert_cmpuint (seen->total, >, 0);
      g_assert_true (seen->bar_shown);
      g_assert_cmpfloat_with_epsilon (seen->fraction, (double) seen->done / (double) seen->total, 1e-9);
      g_assert_true (g_str_has_prefix (seen->detail, words_prefix));
    }
  end = watch->seen->pdata[watch->seen->len - 1];
  g_assert_cmpuint (end->total, ==, 0);
  g_assert_false (end->bar_shown);
}

/* A record's photo field shows its own photo (not the strip): its tile
 * shows the bar and "Sending… N %" while the sync sends it, and the bar
 * and "Downloading… X of Y" on another device whose click fetches it;
 * then the size again, without the bar. */
static void
test_field (void)
{
  const char *db = "attachment-progress-field";
  g_autoptr(Peer) a = peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(Peer) b = peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(GBytes) photo = fb_test_bytes (FB_SYNC_EAGER_ATTACHMENT_BYTES + 300 * 1024);
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (photo);
  g_autofree char *size = g_format_size (g_bytes_get_size (photo));
  g_autoptr(JsonObject) template = fb_template_body_new ("Nest survey");
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(FbItem) template_item = NULL;
  g_autoptr(FbItem) record_item = NULL;
  g_autoptr(FbAttachment) attached = NULL;
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  Watch up = { .name = "nest.tif", .seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free) };
  Watch down = { .name = "nest.tif", .seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free) };
  FbWindow *window;
  GtkWindow *viewer;
  gulong handler;

  fb_template_add_field (template, "Photos", FB_FIELD_PHOTO);
  template_item = fb_store_create_item (a->store, FB_COLLECTION_TEMPLATES, template, &error);
  g_assert_no_error (error);
  record = fb_record_body_new_from_template ("Nest 6", fb_item_get_id (template_item), template);
  record_item = fb_store_create_item (a->store, FB_COLLECTION_RECORDS, record, &error);
  g_assert_no_error (error);
  attached = fb_store_attach_to_field (a->store, fb_item_get_id (record_item), "Photos", "nest.tif",
                                       "image/tiff", in, NULL, &error);
  g_assert_no_error (error);

  up.files = open_record (a, fb_item_get_id (record_item), &window, &up.status);
  g_assert_nonnull (up.files);
  g_assert_cmpstr (fb_field_files_get_detail (up.files, "nest.tif"), ==, size);
  g_assert_false (fb_test_is_shown (GTK_WIDGET (fb_field_files_get_progress_bar (up.files, "nest.tif"))));
  handler = g_signal_connect (a->manager, "transfer-progress", G_CALLBACK (transfer_progress_cb), &up);
  stats = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  WAIT_FOR (up.ended);
  g_signal_handler_disconnect (a->manager, handler);
  assert_in_flight (&up, "Sending… ");
  g_assert_cmpstr (((Seen *) up.seen->pdata[0])->detail, ==, "Sending… 0 %");
  g_assert_cmpstr (fb_field_files_get_detail (up.files, "nest.tif"), ==, size);
  close_window (window);

  fb_fake_network_monitor_set_metered (b->monitor, TRUE);
  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync (b);
  down.files = open_record (b, fb_item_get_id (record_item), &window, &down.status);
  g_assert_true (g_str_has_prefix (fb_field_files_get_detail (down.files, "nest.tif"), "On the server, "));
  handler = g_signal_connect (b->manager, "transfer-progress", G_CALLBACK (transfer_progress_cb), &down);
  gtk_widget_activate_action (GTK_WIDGET (down.files), "field-files.open", "s", "nest.tif");
  WAIT_FOR (down.ended && (viewer = fb_field_files_get_viewer (down.files)) != NULL &&
            gtk_widget_get_mapped (GTK_WIDGET (viewer)));
  g_signal_handler_disconnect (b->manager, handler);
  assert_in_flight (&down, "Downloading… ");
  g_assert_cmpstr (fb_field_files_get_detail (down.files, "nest.tif"), ==, size);
  g_assert_false (fb_test_is_shown (GTK_WIDGET (fb_field_files_get_progress_bar (down.files, "nest.tif"))));

  gtk_window_destroy (viewer);
  WAIT_FOR (fb_field_files_get_viewer (down.files) == NULL);
  g_ptr_array_unref (up.seen);
  g_ptr_array_unref (down.seen);
  close_window (window);
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

  g_test_add_func ("/attachment-progress/sending", test_sending);
  g_test_add_func ("/attachment-progress/downloading", test_downloading);
  g_test_add_func ("/attachment-progress/field", test_field);

  status = g_test_run ();
  fb_test_server_free (server);
  return status;
}
