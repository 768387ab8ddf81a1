/* test-attachment-devices.c: a photo pasted offline on one device, seen in the other device's window after sync */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-attachment-devices"

#include "config.h"

#include "fb-attachment-strip.h"
#include "fb-attachments.h"
#include "fb-note-editor.h"
#include "fb-sync-status.h"
#include "fb-window.h"
#include "sync-ui-test-util.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;

typedef struct
{
  FbWindow          *window;
  FbAttachmentStrip *strip;
  GtkTextView       *text_view;
  FbSyncStatus      *status;
} Shown;

/* @device's window, on its first note, with the manager's status. */
static Shown
show_window (Peer *device)
{
  Shown shown = { 0, };
  GtkWidget *editor;

  shown.window = g_object_ref_sink (fb_window_new (NULL, device->store));
  fb_window_set_sync_manager (shown.window, device->manager);
  gtk_window_present (GTK_WINDOW (shown.window));
  editor = fb_test_template_child (shown.window, FB_TYPE_WINDOW, "note_editor");
  shown.strip = fb_note_editor_get_attachment_strip (FB_NOTE_EDITOR (editor));
  shown.text_view = GTK_TEXT_VIEW (fb_test_template_child (editor, FB_TYPE_NOTE_EDITOR, "text_view"));
  shown.status = FB_SYNC_STATUS (fb_test_template_child (shown.window, FB_TYPE_WINDOW, "sync_status"));
  WAIT_FOR (fb_window_get_current_item (shown.window) != NULL &&
            gtk_widget_get_mapped (GTK_WIDGET (shown.strip)));
  return shown;
}

static void
close_window (Shown *shown)
{
  gtk_window_close (GTK_WINDOW (shown->window));
  WAIT_FOR (G_OBJECT (shown->window)->ref_count == 1);
  g_assert_finalize_object (shown->window);
}

/* What the "N pending" badge says, or NULL while it is hidden. */
static const char *
pending_badge (Shown *shown)
{
  GtkWidget *badge = fb_test_template_child (shown->status, FB_TYPE_SYNC_STATUS, "pending_badge");

  return fb_test_is_shown (badge) ? gtk_label_get_label (GTK_LABEL (badge)) : NULL;
}

static gboolean
strip_shows_one (Shown      *shown,
                 const char *name)
{
  g_auto(GStrv) names = fb_attachment_strip_dup_names (shown->strip);

  return g_strv_length (names) == 1 && g_strcmp0 (names[0], name) == 0;
}

static guint
count_attachments (FbStore    *store,
                   const char *id)
{
  g_autoptr(GPtrArray) listed = fb_store_list_attachments (store, id, NULL);

  return listed != NULL ? listed->len : 0;
}

/* The "done when": a photo pasted into a note with no network is
 * kept and shown, counted as pending; when the network comes back it goes
 * out by itself, and the other device's window shows the same photo, with
 * the same bytes, in the strip and in the larger view. */
static void
test_photo_offline (void)
{
  const char *db = "attachment-devices";
  g_autoptr(Peer) a = peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, FALSE);
  g_autoptr(Peer) b = peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  g_autofree char *id = fb_test_peer_create_note (a, "Nest", "three eggs");
  g_autoptr(GdkTexture) photo = NULL;
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(FbAttachment) there = NULL;
  g_autoptr(GFile) file_a = NULL;
  g_autoptr(GFile) file_b = NULL;
  g_autoptr(GBytes) bytes_a = NULL;
  g_autoptr(GBytes) bytes_b = NULL;
  g_autoptr(GdkTexture) shown_b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  guchar data[8 * 6 * 4];
  GtkWindow *viewer;
  Shown on_a;
  Shown on_b;

  for (guint i = 0; i < sizeof data; i += 4)
    {
      data[i] = (guchar) (i * 5);
      data[i + 1] = 0x80;
      data[i + 2] = (guchar) (255 - i);
      data[i + 3] = 0xff;
    }
  pixels = g_bytes_new (data, sizeof data);
  photo = gdk_memory_texture_new (8, 6, GDK_MEMORY_R8G8B8A8, pixels, 8 * 4);

  /* Offline: pasted, kept, shown, pending. */
  fb_sync_manager_start (a->manager);
  WAIT_FOR (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_OFFLINE);
  on_a = show_window (a);
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (GTK_WIDGET (on_a.text_view)), photo);
  gtk_widget_grab_focus (GTK_WIDGET (on_a.text_view));
  g_signal_emit_by_name (on_a.text_view, "paste-clipboard");
  WAIT_FOR (count_attachments (a->store, id) == 1);
  listed = fb_store_list_attachments (a->store, id, &error);
  g_assert_no_error (error);
  name = g_strdup (((FbAttachment *) listed->pdata[0])->name);
  WAIT_FOR (strip_shows_one (&on_a, name));
  WAIT_FOR (g_strcmp0 (pending_badge (&on_a), "1 pending") == 0);
  there = fb_store_get_attachment (a->store, id, name, &error);
  g_assert_no_error (error);
  file_a = fb_store_get_attachment_file (a->store, there->digest, &error);
  g_assert_no_error (error);
  bytes_a = g_file_load_bytes (file_a, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Online again: it goes out by itself, and nothing is left pending. */
  fb_fake_network_monitor_set_available (a->monitor, TRUE);
  WAIT_FOR (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_IDLE &&
            fb_sync_manager_get_pending_count (a->manager) == 0);
  g_assert_null (fb_sync_manager_get_last_error (a->manager));
  WAIT_FOR (pending_badge (&on_a) == NULL);
  close_window (&on_a);

  /* The other device. */
  peer_sync (b);
  on_b = show_window (b);
  g_assert_cmpstr (fb_item_get_id (fb_window_get_current_item (on_b.window)), ==, id);
  WAIT_FOR (strip_shows_one (&on_b, name));
  g_clear_pointer (&there, fb_attachment_free);
  there = fb_store_get_attachment (b->store, id, name, &error);
  g_assert_no_error (error);
  file_b = fb_store_get_attachment_file (b->store, there->digest, &error);
  g_assert_no_error (error);
  bytes_b = g_file_load_bytes (file_b, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (bytes_a, bytes_b));
  shown_b = gdk_texture_new_from_file (file_b, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (shown_b), ==, 8);
  g_assert_cmpint (gdk_texture_get_height (shown_b), ==, 6);

  gtk_widget_activate_action (GTK_WIDGET (on_b.strip), "attachments.open", "s", name);
  WAIT_FOR ((viewer = fb_attachment_strip_get_viewer (on_b.strip)) != NULL &&
            gtk_widget_get_mapped (GTK_WIDGET (viewer)));
  g_assert_cmpstr (gtk_window_get_title (viewer), ==, name);
  gtk_window_destroy (viewer);
  WAIT_FOR (fb_attachment_strip_get_viewer (on_b.strip) == NULL);
  close_window (&on_b);
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

  g_test_add_func ("/attachment-devices/photo-offline", test_photo_offline);

  status = g_test_run ();
  fb_test_server_free (server);
  return status;
}
