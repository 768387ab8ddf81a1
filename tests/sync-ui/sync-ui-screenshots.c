/* sync-ui-screenshots.c: puts the sync UI in its states and saves screenshots of each */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Not a test: run it under tests/ui/broadway-run.sh with FB_BROADWAY_INFO
 * set (see tests/sync-ui/screenshots.sh). For each state it runs
 * build-aux/screenshot.mjs, which captures the page of the Chromium that is
 * connected to the Broadway display. */

#define G_LOG_DOMAIN "fb-sync-ui-screenshots"

#include "config.h"

#include "fb-conflict-dialog.h"
#include "fb-encryption-page.h"
#include "fb-preferences.h"
#include "fb-sync-status.h"
#include "fb-test-screenshot.h"
#include "sync-ui-test-util.h"

static const char *out_dir;
static const char *script;

static void
screenshot (const char *name,
            const char *size)
{
  fb_test_screenshot (script, out_dir, name, size, 600);
}

/* A window like Fieldbook's: a header bar with the sync status and a list. */
static GtkWindow *
main_window (FbSyncManager *manager,
             FbSyncStatus **status_out)
{
  GtkWindow *window = GTK_WINDOW (adw_window_new ());
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *title = adw_window_title_new ("Fieldbook", "Notes");
  GtkWidget *status = fb_sync_status_new (manager);
  GtkWidget *menu = gtk_menu_button_new ();
  GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *clamp = adw_clamp_new ();
  g_autoptr(GMenu) model = g_menu_new ();
  const char *rows[][2] = {
    { "Mill pond survey", "Arrived 06:50. Mist on the water until about 07:30." },
    { "Field kit", "Binoculars (8×42), spare batteries for the GPS, waders" },
    { "Questions for the landowner", "Can we leave the trail camera by the gate until June?" },
  };

  g_menu_append (model, "Preferences", "app.preferences");
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu), "open-menu-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu), G_MENU_MODEL (model));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), add);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), menu);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), status);
  gtk_box_append (GTK_BOX (box), header);

  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), rows[i][0]);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), rows[i][1]);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  adw_clamp_set_child (ADW_CLAMP (clamp), list);
  gtk_widget_set_margin_top (clamp, 18);
  gtk_widget_set_margin_bottom (clamp, 18);
  gtk_widget_set_margin_start (clamp, 12);
  gtk_widget_set_margin_end (clamp, 12);
  gtk_widget_set_vexpand (clamp, TRUE);
  gtk_box_append (GTK_BOX (box), clamp);

  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_maximize (window);
  gtk_window_present (window);
  WAIT_FOR (gtk_widget_get_mapped (status));
  *status_out = FB_SYNC_STATUS (status);
  return window;
}

/* A server that accepts connections and never answers: a sync run stays
 * in progress, long enough to see the spinner. */
static GSocketListener *
silent_server (guint16 *port)
{
  GSocketListener *listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;

  *port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  return listener;
}

static void
accepted_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GPtrArray *held = user_data;
  GSocketConnection *connection =
    g_socket_listener_accept_finish (G_SOCKET_LISTENER (object), result, NULL, NULL);

  if (connection == NULL)
    return;
  g_ptr_array_add (held, connection);
  g_socket_listener_accept_async (G_SOCKET_LISTENER (object), NULL, accepted_cb, held);
}

static const char *base_text =
  "Arrived 06:50. Mist on the water until about 07:30.\n"
  "\n"
  "Grey heron fishing by the weir, 07:40\n"
  "Pair of great crested grebes displaying\n"
  "Fresh otter spraint below the sluice\n"
  "\n"
  "Check the trail camera by the gate";

static const char *server_text =
  "Arrived 06:50. Mist on the water until about 07:30.\n"
  "\n"
  "Grey heron fishing by the weir, 07:45\n"
  "Pair of great crested grebes displaying\n"
  "Fresh otter spraint below the sluice\n"
  "\n"
  "Check the trail camera by the gate (new batteries)";

static const char *mine_text =
  "Arrived 06:50. Mist on the water until about 07:30.\n"
  "\n"
  "Two grey herons by the weir, 07:40\n"
  "Pair of great crested grebes displaying\n"
  "Kingfisher, once, flying upstream\n"
  "Fresh otter spraint below the sluice\n"
  "\n"
  "Check the trail camera by the gate";

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestServer) server = NULL;
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocketListener) listener = NULL;
  g_autofree char *silent_url = NULL;
  FbSyncStatus *status;
  GtkWindow *window;
  GtkWidget *dialog;
  guint16 port;

  if (argc != 3)
    {
      g_printerr ("usage: %s OUT-DIR SCREENSHOT-SCRIPT\n", argv[0]);
      return 2;
    }
  out_dir = argv[1];
  script = argv[2];
  /* Before libsecret is first used: the keyring is a file (the
   * preferences read it). */
  {
    g_autofree char *dir = g_dir_make_tmp ("fb-sync-ui-screenshots-XXXXXX", &error);
    g_autofree char *path = NULL;

    g_assert_no_error (error);
    path = g_build_filename (dir, "keyring", NULL);
    g_setenv ("SECRET_BACKEND", "file", TRUE);
    g_setenv ("SECRET_FILE_TEST_PATH", path, TRUE);
    g_setenv ("SECRET_FILE_TEST_PASSWORD", "x", TRUE);
  }
  gtk_init ();
  adw_init ();
  load_app_style ();

  /* 1. Offline, with edits waiting. */
  {
    g_autoptr(Peer) peer = peer_new ("https://couch.example.org/", "fieldbook", NULL, NULL, FALSE);

    window = main_window (peer->manager, &status);
    fb_sync_manager_start (peer->manager);
    g_free (fb_test_peer_create_note (peer, "Mill pond survey", base_text));
    g_free (fb_test_peer_create_note (peer, "Field kit", "Binoculars"));
    WAIT_FOR (fb_sync_manager_get_state (peer->manager) == FB_SYNC_STATE_OFFLINE &&
              fb_sync_manager_get_pending_count (peer->manager) == 2);
    screenshot ("sync-offline.png", "900x300");
    gtk_window_destroy (window);
  }

  /* 2. Syncing: the server takes its time. */
  listener = silent_server (&port);
  g_socket_listener_accept_async (listener, NULL, accepted_cb, held);
  silent_url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  {
    g_autoptr(Peer) peer = peer_new (silent_url, "fieldbook", NULL, NULL, TRUE);

    window = main_window (peer->manager, &status);
    g_free (fb_test_peer_create_note (peer, "Mill pond survey", base_text));
    fb_sync_manager_start (peer->manager);
    WAIT_FOR (fb_sync_manager_get_state (peer->manager) == FB_SYNC_STATE_SYNCING);
    screenshot ("sync-syncing.png", "900x300");
    gtk_window_destroy (window);
    fb_sync_manager_set_remote (peer->manager, NULL, NULL, NULL, NULL);
  }
  g_socket_listener_close (listener);

  /* 3. Conflicts from a second device, and 4. the resolver. */
  server = fb_test_server_start (NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fb_test_server_create_db (server, "fieldbook", &error));
  {
    const char *url = fb_test_server_get_url (server);
    g_autoptr(Peer) a = peer_new (url, "fieldbook", NULL, NULL, TRUE);
    g_autoptr(Peer) b = peer_new (url, "fieldbook", NULL, NULL, TRUE);
    g_autofree char *id = fb_test_peer_create_note (a, "Mill pond survey", base_text);
    g_autofree char *id2 = fb_test_peer_create_note (a, "Field kit", "Binoculars (8×42)\nWaders");

    peer_sync (a);
    peer_sync (b);
    fb_test_peer_edit (a, id, "text", server_text);
    fb_test_peer_edit (a, id2, "text", "Binoculars (8×42), cleaned\nWaders");
    peer_sync (a);
    fb_test_peer_edit (b, id, "text", mine_text);
    fb_test_peer_edit (b, id2, "text", "Binoculars (10×42)\nWaders");
    fb_test_peer_edit (b, id2, "title", "Field kit for May");
    peer_sync (b);
    g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 2);

    window = main_window (b->manager, &status);
    screenshot ("sync-conflicts.png", "900x300");

    /* The page keeps the size of the last picture, and Broadway fits new
     * windows into it: make it large before the dialog opens. */
    screenshot ("page-resize.png", "1280x800");
    {
      g_autofree char *path = g_build_filename (out_dir, "page-resize.png", NULL);

      g_unlink (path);
    }
    dialog = fb_conflict_dialog_new (window, b->store);
    fb_conflict_dialog_show_item (FB_CONFLICT_DIALOG (dialog), id);
    gtk_window_present (GTK_WINDOW (dialog));
    WAIT_FOR (gtk_widget_get_mapped (dialog));
    screenshot ("conflict-dialog.png", "1280x800");
    gtk_window_destroy (GTK_WINDOW (dialog));

    /* 5. Preferences → Encryption, about to be turned on. */
    {
      g_autoptr(GSettings) settings = g_settings_new (FB_SETTINGS_SCHEMA_ID);
      GtkWidget *prefs;
      gpointer page;

      g_settings_set_string (settings, "server-url", "https://couch.example.org/");
      prefs = fb_preferences_new (window, b->manager);
      page = fb_test_find_descendant (prefs, FB_TYPE_ENCRYPTION_PAGE);
      adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs), page);
      gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (page, FB_TYPE_ENCRYPTION_PAGE, "passphrase_row")),
                             "badgers dig at dusk");
      gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (page, FB_TYPE_ENCRYPTION_PAGE, "repeat_row")),
                             "badgers dig at dusk");
      gtk_window_present (GTK_WINDOW (prefs));
      WAIT_FOR (gtk_widget_get_mapped (prefs));
      screenshot ("preferences-encryption.png", "1280x800");
      gtk_window_destroy (GTK_WINDOW (prefs));
      g_settings_reset (settings, "server-url");
    }

    /* For a look at the preferences (not kept in data/screenshots). */
    if (g_getenv ("FB_SCREENSHOT_PREFERENCES") != NULL)
      {
        GtkWidget *prefs = fb_preferences_new (window, b->manager);

        gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (prefs, FB_TYPE_PREFERENCES, "url_row")),
                               "http://couch.example.org:5984/");
        gtk_window_present (GTK_WINDOW (prefs));
        WAIT_FOR (gtk_widget_get_mapped (prefs));
        screenshot ("preferences.png", "1280x800");
        gtk_window_destroy (GTK_WINDOW (prefs));
      }
    gtk_window_destroy (window);
  }

  return 0;
}
