/* sync-window-screenshots.c: the real Fieldbook window in its sync states, photographed */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Not a test: run it through tests/ui/sync-screenshots.sh, which starts it
 * on a private Broadway display with a connected Chromium. It runs the real
 * FbApplication on a store with realistic notes, a fake network and a real
 * PouchDB Server, and for each state runs build-aux/screenshot.mjs:
 *
 *   sync-offline.png    offline, two edits waiting ("2 pending")
 *   sync-syncing.png    a run in progress (the spinner)
 *   sync-conflicts.png  another device changed a note I changed ("1 conflict")
 *   main-window.png     everything synced, a note open ("Synced at …")
 *   reading-view.png    the same note rendered for reading (Ctrl+Shift+P)
 *   tags.png            the sidebar's tag "birds" chosen: its notes and record
 *   search.png          one search over notes and records, matches highlighted (the record open)
 *   folded.png          the narrow (folded) window: the list with its status
 */

#define G_LOG_DOMAIN "fb-sync-window-screenshots"

#include "config.h"

#include "fb-application.h"
#include "fb-credentials.h"
#include "fb-note-editor.h"
#include "fb-test-screenshot.h"
#include "fb-window.h"
#include "sync-ui-test-util.h"

#define SCHEMA "io.github.fieldbook.Fieldbook"
#define DB     "fieldbook"

static const char *out_dir;
static const char *script;
static FbTestServer *server;
static FbApplication *app;
static FbStore *store;
static GNetworkMonitor *monitor;
static GSettings *settings;

/* ---- Taking a picture through the connected browser ---- */

static void
screenshot (const char *name)
{
  fb_test_screenshot (script, out_dir, name, "1280x800", 800);
}

/* ---- Content ---- */

static const char *survey_text =
  "# Mill pond survey\n\n"
  "Arrived 06:50. Mist on the water until about 07:30, then clear and still.\n\n"
  "## Observations\n\n"
  "- **Grey heron** fishing by the weir, 07:40\n"
  "- Pair of *great crested grebes* displaying in the middle of the pond\n"
  "- Fresh otter spraint on the flat stone below the sluice\n\n"
  "## To do\n\n"
  "- [x] Check the trail camera by the gate\n"
  "- [ ] Take water samples at points `A`, `B` and `C`\n"
  "- [ ] Photograph the eroded bank for the [report](https://example.org/mill-pond)\n\n"
  "## Route\n\n"
  "1. Gate by the car park\n"
  "2. Along the east bank to the weir\n";

/* @tags: comma-separated. */
static void
set_tags (JsonObject *body,
          const char *tags)
{
  g_auto(GStrv) names = g_strsplit (tags, ",", -1);
  JsonArray *array = json_array_new ();

  for (guint i = 0; names[i] != NULL; i++)
    json_array_add_string_element (array, names[i]);
  json_object_set_array_member (body, "tags", array);
}

static void
add_note (const char *id,
          const char *title,
          const char *tags,
          const char *text)
{
  g_autoptr(JsonObject) body = fb_note_body_new (title, text);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = NULL;

  set_tags (body, tags);
  item = fb_store_put_item (store, id, FB_COLLECTION_NOTES, body, &error);
  g_assert_no_error (error);
}

static void
add_record (const char *id,
            const char *title,
            const char *tags,
            const char *field,
            const char *value)
{
  g_autoptr(JsonObject) body = fb_record_body_new (title);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = NULL;

  json_object_set_string_member (fields, field, value);
  json_object_set_object_member (body, "fields", json_object_ref (fields));
  if (*tags != '\0')
    set_tags (body, tags);
  item = fb_store_put_item (store, id, FB_COLLECTION_RECORDS, body, &error);
  g_assert_no_error (error);
}

static void
fill_store (void)
{
  add_record ("heron-nest-4", "Heron nest 4", "birds", "Species", "Grey heron");
  add_record ("soil-b7", "Soil sample B-7", "", "Depth", "30 cm");
  add_note ("equipment", "Equipment to bring", "fieldwork",
            "- Binoculars (8×42)\n- Spare batteries for the GPS\n- Waders\n"
            "- Soil auger and sample bags\n- Flask of tea\n");
  add_note ("landowner", "Questions for the landowner", "fieldwork,mill pond",
            "Can we leave the trail camera by the gate until June?\n\n"
            "Is the north meadow cut before or after the 15th?\n");
  add_note ("transect-14", "Transect walk, week 14", "birds,fieldwork",
            "Overcast, light wind from the west. Water level up about 10 cm since last week.\n\n"
            "## Birds\n\n- Chiffchaff singing at the **first stile**\n"
            "- Two little egrets on the scrape\n- Kingfisher, once, flying upstream\n");
  add_note ("mill-pond", "Mill pond survey — day one", "birds,mill pond,survey", survey_text);
}

/* ---- Driving the window ---- */

static FbWindow *
the_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (FB_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static FbSyncManager *
manager (void)
{
  return fb_application_get_sync_manager (app);
}

static GListModel *
list_model (FbWindow *window)
{
  return G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (
    gtk_widget_get_template_child (GTK_WIDGET (window), FB_TYPE_WINDOW, "list_view"))));
}

static GtkEditable *
search_entry (FbWindow *window)
{
  return GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (window), FB_TYPE_WINDOW,
                                                      "search_entry"));
}

/* Selects the item @id in the list, as a click would. */
static void
open_item (FbWindow   *window,
           const char *id)
{
  GtkListView *list = GTK_LIST_VIEW (gtk_widget_get_template_child (GTK_WIDGET (window), FB_TYPE_WINDOW,
                                                                  "list_view"));
  GtkSelectionModel *model = gtk_list_view_get_model (list);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      if (g_strcmp0 (fb_item_get_id (item), id) == 0)
        {
          gtk_selection_model_select_item (model, i, TRUE);
          WAIT_FOR (fb_window_get_current_item (window) != NULL &&
                    g_strcmp0 (fb_item_get_id (fb_window_get_current_item (window)), id) == 0);
          return;
        }
    }
  g_error ("no item %s in the list", id);
}

/* Types @line at the end of the note in the editor, and saves. */
static void
append_line (FbWindow   *window,
             const char *line)
{
  FbNoteEditor *editor = FB_NOTE_EDITOR (gtk_widget_get_template_child (GTK_WIDGET (window), FB_TYPE_WINDOW,
                                                                        "note_editor"));
  GtkTextBuffer *buffer = fb_note_editor_get_buffer (editor);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
  gtk_text_buffer_insert_interactive_at_cursor (buffer, line, -1, TRUE);
  g_assert_true (fb_window_flush (window));
}

static gboolean
server_has (const char *id,
            const char *needle)
{
  g_autoptr(JsonObject) doc = fb_test_server_get_doc (server, DB, id, NULL);

  return doc != NULL &&
         strstr (json_object_get_string_member_with_default (doc, "text", ""), needle) != NULL;
}

/* A server that accepts connections and never answers: a sync run stays
 * in progress, long enough to see the spinner. */
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

static gboolean
run_cb (gpointer user_data)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *silent_url = NULL;
  g_autofree char *doc_json = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  FbWindow *window;
  guint16 port;
  char *text;

  WAIT_FOR (the_window () != NULL && gtk_widget_get_mapped (GTK_WIDGET (the_window ())));
  window = the_window ();
  gtk_window_maximize (GTK_WINDOW (window));

  /* Everything on the server first. */
  WAIT_FOR (fb_sync_manager_get_state (manager ()) == FB_SYNC_STATE_IDLE &&
            fb_sync_manager_get_pending_count (manager ()) == 0 &&
            fb_sync_manager_get_last_synced (manager ()) != NULL);
  open_item (window, "mill-pond");
  screenshot ("main-window.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reading-view", NULL));
  WAIT_FOR (fb_note_editor_get_reading (FB_NOTE_EDITOR (gtk_widget_get_template_child (
    GTK_WIDGET (window), FB_TYPE_WINDOW, "note_editor"))));
  screenshot ("reading-view.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reading-view", NULL));

  /* The sidebar's tags: "birds" chosen. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-tag", "s", "birds"));
  WAIT_FOR (g_list_model_get_n_items (list_model (window)) == 3);
  open_item (window, "transect-14");
  screenshot ("tags.png");
  g_signal_emit_by_name (search_entry (window), "stop-search");

  /* One search over notes and records, from Notes: the record found
   * opens with the word marked in its title and its field. */
  gtk_editable_set_text (search_entry (window), "heron");
  WAIT_FOR (g_list_model_get_n_items (list_model (window)) == 2);
  open_item (window, "heron-nest-4");
  screenshot ("search.png");
  g_signal_emit_by_name (search_entry (window), "stop-search");
  WAIT_FOR (g_list_model_get_n_items (list_model (window)) == 4);

  /* Narrow: folded, the list with the status under it. */
  /* A mapped window keeps its size: shown again, it takes the new one. */
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  gtk_window_unmaximize (GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 760);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (adw_leaflet_get_folded (ADW_LEAFLET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                                FB_TYPE_WINDOW, "leaflet"))));
  adw_leaflet_set_visible_child (ADW_LEAFLET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                             FB_TYPE_WINDOW, "leaflet")),
                                 GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), FB_TYPE_WINDOW,
                                                                            "list_pane")));
  screenshot ("folded.png");
  gtk_window_maximize (GTK_WINDOW (window));
  WAIT_FOR (!adw_leaflet_get_folded (ADW_LEAFLET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                                 FB_TYPE_WINDOW, "leaflet"))));

  /* 1. Offline, two edits waiting. */
  fb_fake_network_monitor_set_available (monitor, FALSE);
  WAIT_FOR (fb_sync_manager_get_state (manager ()) == FB_SYNC_STATE_OFFLINE);
  open_item (window, "equipment");
  append_line (window, "- Spare memory card for the trail camera\n");
  open_item (window, "mill-pond");
  append_line (window, "\n> Ask Maja whether the nest boxes on the east side were cleaned in winter.\n");
  WAIT_FOR (fb_sync_manager_get_pending_count (manager ()) == 2);
  screenshot ("sync-offline.png");

  /* 2. Syncing: the network is back, and the server takes its time. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_accept_async (listener, NULL, accepted_cb, held);
  silent_url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  /* Straight to the application's manager: the settings stay as they are. */
  fb_sync_manager_set_remote (manager (), silent_url, DB, NULL, NULL);
  fb_fake_network_monitor_set_available (monitor, TRUE);
  WAIT_FOR (fb_sync_manager_get_state (manager ()) == FB_SYNC_STATE_SYNCING);
  screenshot ("sync-syncing.png");

  /* 3. Meanwhile another device changed the survey on the real server:
   * back there, my edit and theirs collide. */
  doc = fb_test_server_get_doc (server, DB, "mill-pond", &error);
  g_assert_no_error (error);
  text = g_strconcat (survey_text,
                      "\n> Ask Maja whether the nest boxes on the west side need new lids.\n", NULL);
  json_object_set_string_member (doc, "text", text);
  g_free (text);
  root = json_node_init_object (json_node_alloc (), doc);
  json_generator_set_root (generator, root);
  doc_json = json_generator_to_data (generator, NULL);
  g_free (fb_test_server_put_doc (server, DB, "mill-pond", doc_json, &error));
  g_assert_no_error (error);

  fb_sync_manager_set_remote (manager (), fb_test_server_get_url (server), DB, NULL, NULL);
  WAIT_FOR (fb_sync_manager_get_conflict_count (manager ()) == 1 &&
            fb_sync_manager_get_state (manager ()) == FB_SYNC_STATE_IDLE &&
            server_has ("equipment", "memory card"));
  screenshot ("sync-conflicts.png");

  g_socket_listener_close (listener);
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  char *app_argv[] = { (char *) "fieldbook", NULL };
  int status;

  if (argc != 3)
    {
      g_printerr ("usage: %s OUT-DIR SCREENSHOT-SCRIPT\n", argv[0]);
      return 2;
    }
  out_dir = argv[1];
  script = argv[2];

  /* Before libsecret is first used: the keyring is a file. */
  dir = g_dir_make_tmp ("fb-sync-window-screenshots-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "keyring", NULL);
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", path, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "x", TRUE);
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_free (path);

  server = fb_test_server_start (NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fb_test_server_create_db (server, DB, &error));
  g_assert_no_error (error);

  path = g_build_filename (dir, "fieldbook.db", NULL);
  store = fb_store_new (path, &error);
  g_assert_no_error (error);
  fill_store ();
  monitor = fb_fake_network_monitor_new (TRUE);

  settings = g_settings_new (SCHEMA);
  g_settings_set_string (settings, "server-url", fb_test_server_get_url (server));
  g_settings_set_string (settings, "database", DB);
  g_settings_set_string (settings, "user-name", "");

  app = fb_application_new_for_testing (store, monitor);
  g_idle_add (run_cb, NULL);
  status = g_application_run (G_APPLICATION (app), 1, app_argv);

  g_clear_object (&app);
  g_clear_object (&store);
  g_clear_object (&monitor);
  g_clear_object (&settings);
  fb_test_server_free (server);
  fb_test_remove_tree (dir);

  return status;
}
