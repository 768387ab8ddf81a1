/* test-sync-window.c: the real application's window syncing with a real server, as a person sees it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-sync-window"

#include "config.h"

#include "fb-application.h"
#include "fb-conflict-dialog.h"
#include "fb-credentials.h"
#include "fb-history-dialog.h"
#include "fb-item-banner.h"
#include "fb-note-editor.h"
#include "fb-preferences.h"
#include "fb-store-private.h"
#include "fb-sync-banner.h"
#include "fb-sync-status.h"
#include "fb-trash-window.h"
#include "fb-window.h"
#include "sync-ui-test-util.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"
#define SCHEMA   "io.github.fieldbook.Fieldbook"

static FbTestServer *server;
/* The unreachable test's own server, which it stops and starts. */
static FbTestServer *persistent;

/* The application as it runs: its store in a temporary folder, a network
 * the test switches on and off, its settings and the keyring's password. */
typedef struct {
  char            *dir;
  FbStore         *store;
  GNetworkMonitor *monitor;
  GSettings       *settings;
  FbApplication   *app;
  FbSyncManager   *manager;
  FbWindow        *window;
  guint            n_runs;
  guint            n_notifications;
  char            *notification_title;
  gboolean         saw_syncing;
  gboolean         spinner_while_syncing;
} App;

static void
run_finished_cb (FbSyncManager *manager,
                 const GError  *error,
                 App           *app)
{
  app->n_runs++;
}

static void
notification_sent_cb (FbApplication *application,
                      const char    *id,
                      const char    *title,
                      GNotification *notification,
                      App           *app)
{
  g_assert_cmpstr (id, ==, "remote-changes");
  g_assert_true (G_IS_NOTIFICATION (notification));
  app->n_notifications++;
  g_free (app->notification_title);
  app->notification_title = g_strdup (title);
}

static gpointer
window_part (App        *app,
             const char *name)
{
  return fb_test_template_child (app->window, FB_TYPE_WINDOW, name);
}

/* A part of the header bar's sync status, declared in the window's template. */
static gpointer
status_part (App        *app,
             const char *name)
{
  GtkWidget *status = window_part (app, "sync_status");

  g_assert_true (FB_IS_SYNC_STATUS (status));
  return fb_test_template_child (status, FB_TYPE_SYNC_STATUS, name);
}

/* A part of the sync banner (fb-sync-banner.ui) under the editor's header bar. */
static gpointer
banner_part (App        *app,
             const char *name)
{
  return fb_test_template_child (window_part (app, "sync_banner"), FB_TYPE_SYNC_BANNER, name);
}

/* The sync status follows the app's manager: the spinner turns while a run
 * is going (seen when the state changes, after the widget followed it). */
static void
state_changed_cb (FbSyncManager *manager,
                  GParamSpec    *pspec,
                  App           *app)
{
  GtkWidget *spinner, *stack;

  if (fb_sync_manager_get_state (manager) != FB_SYNC_STATE_SYNCING || app->window == NULL)
    return;

  spinner = status_part (app, "spinner");
  stack = status_part (app, "refresh_stack");
  app->saw_syncing = TRUE;
  app->spinner_while_syncing = gtk_spinner_get_spinning (GTK_SPINNER (spinner)) &&
                               gtk_stack_get_visible_child (GTK_STACK (stack)) == spinner;
}

static FbWindow *
first_window (App *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app->app)); l != NULL; l = l->next)
    if (FB_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

/* The window the application opened at its start, or a new one as the
 * launcher would open it. */
static void
open_window (App *app)
{
  if (first_window (app) == NULL)
    g_application_activate (G_APPLICATION (app->app));
  WAIT_FOR (first_window (app) != NULL && gtk_widget_get_mapped (GTK_WIDGET (first_window (app))));
  app->window = first_window (app);
  g_object_add_weak_pointer (G_OBJECT (app->window), (gpointer *) &app->window);
  g_assert_true (fb_window_get_sync_manager (app->window) == app->manager);
}

static void
close_all_windows (App *app)
{
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app->app)));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  WAIT_FOR (gtk_application_get_windows (GTK_APPLICATION (app->app)) == NULL);
}

/* ---- The keyring, through the same (asynchronous) path as the app: the
 * file backend's synchronous and asynchronous sides each keep their own
 * copy of the file and refuse to write over the other's changes. ---- */

typedef struct {
  gboolean      done;
  GAsyncResult *result;
} Waiter;

static void
keyring_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  waiter->done = TRUE;
}

static void
keyring_store (const char *url,
               const char *password)
{
  Waiter waiter = { FALSE, NULL };
  g_autoptr(GError) error = NULL;
  gboolean stored;

  fb_credentials_store_async (url, ADMIN, password, NULL, keyring_done_cb, &waiter);
  WAIT_FOR (waiter.done);
  stored = fb_credentials_store_finish (waiter.result, &error);
  /* The keyring's reason first, when it has one. */
  g_assert_no_error (error);
  g_assert_true (stored);
  g_object_unref (waiter.result);
}

static void
keyring_clear (const char *url)
{
  Waiter waiter = { FALSE, NULL };
  g_autoptr(GError) error = NULL;

  fb_credentials_clear_async (url, ADMIN, NULL, keyring_done_cb, &waiter);
  WAIT_FOR (waiter.done);
  fb_credentials_clear_finish (waiter.result, &error);
  g_assert_no_error (error);
  g_object_unref (waiter.result);
}

typedef void (*AppBody) (App *app);

static AppBody current_body;
static gboolean current_configured;

/* The test runs inside g_application_run (), as the program does. */
static gboolean
run_body_cb (gpointer data)
{
  App *app = data;

  open_window (app);
  if (current_configured)
    WAIT_FOR (fb_sync_manager_get_state (app->manager) != FB_SYNC_STATE_NOT_CONFIGURED);

  current_body (app);

  close_all_windows (app);
  g_application_quit (G_APPLICATION (app->app));
  return G_SOURCE_REMOVE;
}

/* After FbApplication's own startup: the sync manager exists, and starts
 * once the keyring has answered. */
static void
startup_cb (GApplication *application,
            App          *app)
{
  app->manager = fb_application_get_sync_manager (app->app);
  g_assert_nonnull (app->manager);
  /* Short debounce; a long retry base so only the test decides when a
   * failed run is tried again. */
  fb_sync_manager_set_tuning (app->manager, 20, 10000, 60000, 0, 0);
  g_signal_connect (app->manager, "run-finished", G_CALLBACK (run_finished_cb), app);
  /* After: the status widget has followed the change by then. */
  g_signal_connect_after (app->manager, "notify::state", G_CALLBACK (state_changed_cb), app);
}

/* Runs @body in the real application, with @url NULL (no server set up) or
 * the server's @db, and @password (NULL: none) in the keyring. */
static void
run_app (const char *url,
         const char *db,
         const char *password,
         gboolean    network,
         AppBody     body)
{
  App *app = g_new0 (App, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  char *argv[] = { (char *) "test-sync-window", NULL };
  const char *keys[] = { "server-url", "database", "user-name", "sync-enabled" };
  int status;

  app->settings = g_settings_new (SCHEMA);
  g_settings_set_string (app->settings, "server-url", url != NULL ? url : "");
  g_settings_set_string (app->settings, "database", db != NULL ? db : "fieldbook");
  g_settings_set_string (app->settings, "user-name", ADMIN);
  g_settings_set_boolean (app->settings, "sync-enabled", TRUE);
  if (url != NULL && password != NULL)
    keyring_store (url, password);
  else if (url != NULL)
    keyring_clear (url);

  app->dir = g_dir_make_tmp ("fb-test-sync-window-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (app->dir, "fieldbook.db", NULL);
  app->store = fb_store_new (path, &error);
  g_assert_no_error (error);
  app->monitor = fb_fake_network_monitor_new (network);

  app->app = fb_application_new_for_testing (app->store, app->monitor);
  g_signal_connect (app->app, "notification-sent", G_CALLBACK (notification_sent_cb), app);
  g_signal_connect_after (app->app, "startup", G_CALLBACK (startup_cb), app);

  current_body = body;
  current_configured = url != NULL;
  g_idle_add (run_body_cb, app);
  status = g_application_run (G_APPLICATION (app->app), 1, argv);
  g_assert_cmpint (status, ==, 0);

  g_signal_handlers_disconnect_by_data (app->manager, app);
  g_assert_finalize_object (g_steal_pointer (&app->app));
  /* Cancelled requests still hold the store until they come back. */
  WAIT_FOR (G_OBJECT (app->store)->ref_count == 1);
  g_assert_finalize_object (g_steal_pointer (&app->store));
  g_object_unref (app->monitor);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (app->settings, keys[i]);
  g_object_unref (app->settings);
  fb_test_remove_tree (app->dir);
  g_free (app->dir);
  g_free (app->notification_title);
  g_free (app);
}

/* A new note typed into the window, saved at once; returns its id. */
static char *
type_new_note (App        *app,
               const char *title,
               const char *text)
{
  FbNoteEditor *editor = window_part (app, "note_editor");
  GtkTextBuffer *buffer = fb_note_editor_get_buffer (editor);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app->window), "win.new-item", NULL));
  gtk_editable_set_text (fb_note_editor_get_title_entry (editor), title);
  gtk_text_buffer_insert_interactive_at_cursor (buffer, text, -1, TRUE);
  g_assert_true (fb_window_flush (app->window));

  return g_strdup (fb_item_get_id (fb_window_get_current_item (app->window)));
}

/* Replaces the text of the note in the editor, as typing over it would. */
static void
retype_text (App        *app,
             const char *text)
{
  GtkTextBuffer *buffer = fb_note_editor_get_buffer (window_part (app, "note_editor"));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_delete_interactive (buffer, &start, &end, TRUE);
  gtk_text_buffer_insert_interactive_at_cursor (buffer, text, -1, TRUE);
  g_assert_true (fb_window_flush (app->window));
}

static void
app_sync (App *app)
{
  guint before = app->n_runs;

  fb_sync_manager_sync_now (app->manager);
  WAIT_FOR (app->n_runs > before &&
            fb_sync_manager_get_state (app->manager) != FB_SYNC_STATE_SYNCING);
}

static gboolean
server_text_is (const char *db,
                const char *id,
                const char *expected)
{
  g_autoptr(JsonObject) doc = fb_test_server_get_doc (server, db, id, NULL);

  return doc != NULL &&
         g_strcmp0 (json_object_get_string_member_with_default (doc, "text", NULL), expected) == 0;
}

static gboolean
has_item (App        *app,
          const char *id)
{
  g_autoptr(FbItem) item = fb_store_get_item (app->store, id, NULL);

  return item != NULL;
}

static const char *
label_text (gpointer label)
{
  return gtk_label_get_label (GTK_LABEL (label));
}

static gboolean
banner_shown (App *app)
{
  return gtk_revealer_get_child_revealed (banner_part (app, "banner_revealer")) &&
         fb_test_is_shown (banner_part (app, "banner_label"));
}

static gboolean
banner_hidden (App *app)
{
  return !gtk_revealer_get_reveal_child (banner_part (app, "banner_revealer")) &&
         fb_window_get_banner_text (app->window) == NULL;
}

static FbPreferences *
find_preferences (App *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app->app)); l != NULL; l = l->next)
    if (FB_IS_PREFERENCES (l->data))
      return l->data;
  return NULL;
}

static FbConflictDialog *
find_conflict_dialog (App *app)
{
  FbConflictDialog *found = NULL;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app->app)); l != NULL; l = l->next)
    if (FB_IS_CONFLICT_DIALOG (l->data))
      {
        g_assert_null (found);
        found = l->data;
      }
  return found;
}

/* ---- Tests ---- */

/* Offline, an edit waits as "1 pending"; when the network comes back the
 * spinner turns, the badge goes and the server has the edit. */
static void
offline_then_online (App *app)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;


  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_OFFLINE);
  g_assert_cmpstr (gtk_image_get_icon_name (status_part (app, "state_icon")), ==,
                   "network-offline-symbolic");
  g_assert_false (fb_test_is_shown (status_part (app, "pending_badge")));
  g_assert_true (banner_hidden (app));

  id = type_new_note (app, "Field trip", "Meet at the gate at 8");
  WAIT_FOR (fb_test_is_shown (status_part (app, "pending_badge")));
  g_assert_cmpstr (label_text (status_part (app, "pending_badge")), ==, "1 pending");
  assert_accessible_label (status_part (app, "pending_badge"), "1 pending");
  g_assert_cmpstr (gtk_image_get_icon_name (status_part (app, "state_icon")), ==,
                   "network-offline-symbolic");
  /* Offline is not a problem to explain: no banner. */
  g_assert_true (banner_hidden (app));

  fb_fake_network_monitor_set_available (app->monitor, TRUE);
  WAIT_FOR (app->saw_syncing);
  g_assert_true (app->spinner_while_syncing);
  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_IDLE &&
            !gtk_widget_get_visible (status_part (app, "pending_badge")));
  g_assert_cmpstr (gtk_image_get_icon_name (status_part (app, "state_icon")), ==,
                   "emblem-ok-symbolic");
  g_assert_true (server_text_is ("win-offline", id, "Meet at the gate at 8"));
  g_assert_true (banner_hidden (app));
}

static void
test_offline_then_online (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_test_server_create_db (server, "win-offline", &error));
  g_assert_no_error (error);
  run_app (fb_test_server_get_url (server), "win-offline", PASSWORD, FALSE, offline_then_online);
}

/* Another device changed the same line while mine was pending: "1 conflict";
 * its button opens the resolver (once), which shows both; keeping mine puts
 * mine on the server. */
static void
conflict (App *app)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *id = NULL;
  g_autofree char *doc_json = NULL;
  g_autofree char *rev = NULL;
  FbConflictDialog *dialog;

  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_IDLE);

  id = type_new_note (app, "Shopping", "bread\nmilk\neggs");
  WAIT_FOR (server_text_is ("win-conflict", id, "bread\nmilk\neggs") &&
            fb_sync_manager_get_pending_count (app->manager) == 0);

  /* Mine, offline. */
  fb_fake_network_monitor_set_available (app->monitor, FALSE);
  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_OFFLINE);
  retype_text (app, "bread\noat milk\neggs");
  WAIT_FOR (g_strcmp0 (label_text (status_part (app, "pending_badge")), "1 pending") == 0 &&
            fb_test_is_shown (status_part (app, "pending_badge")));

  /* The other device's, straight to the server. */
  doc = fb_test_server_get_doc (server, "win-conflict", id, &error);
  g_assert_no_error (error);
  json_object_set_string_member (doc, "text", "bread\nsoy milk\neggs");
  root = json_node_init_object (json_node_alloc (), doc);
  json_generator_set_root (generator, root);
  doc_json = json_generator_to_data (generator, NULL);
  rev = fb_test_server_put_doc (server, "win-conflict", id, doc_json, &error);
  g_assert_no_error (error);

  g_assert_false (fb_test_is_shown (status_part (app, "conflicts_button")));
  fb_fake_network_monitor_set_available (app->monitor, TRUE);
  WAIT_FOR (fb_test_is_shown (status_part (app, "conflicts_button")));
  g_assert_cmpstr (label_text (status_part (app, "conflicts_label")), ==, "1 conflict");
  /* A conflict is for the resolver, not the banner. */
  g_assert_true (banner_hidden (app));

  /* The badge's button: win.resolve-conflicts. */
  g_signal_emit_by_name (status_part (app, "conflicts_button"), "clicked");
  WAIT_FOR ((dialog = find_conflict_dialog (app)) != NULL &&
            gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (app->window));
  g_assert_cmpstr (fb_conflict_dialog_get_current_id (dialog), ==, id);
  g_assert_true (fb_test_is_shown (fb_test_find_label (GTK_WIDGET (dialog), "Your version")));
  g_assert_true (fb_test_is_shown (fb_test_find_label (GTK_WIDGET (dialog), "Server version")));
  g_assert_true (fb_test_is_shown (fb_test_find_label (GTK_WIDGET (dialog), "oat milk")));
  g_assert_true (fb_test_is_shown (fb_test_find_label (GTK_WIDGET (dialog), "soy milk")));

  /* One resolver at a time: asking again brings the same one forward. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app->window), "win.resolve-conflicts", NULL));
  fb_test_drain_main_context ();
  g_assert_true (find_conflict_dialog (app) == dialog);

  gtk_widget_activate_action (GTK_WIDGET (dialog), "conflict.keep-mine", NULL);
  WAIT_FOR (fb_test_is_shown (fb_test_find_label (GTK_WIDGET (dialog), "All Conflicts Resolved")));
  WAIT_FOR (!gtk_widget_get_visible (status_part (app, "conflicts_button")));

  WAIT_FOR (server_text_is ("win-conflict", id, "bread\noat milk\neggs") &&
            fb_sync_manager_get_pending_count (app->manager) == 0);
  WAIT_FOR (!gtk_widget_get_visible (status_part (app, "pending_badge")));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_conflict (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_test_server_create_db (server, "win-conflict", &error));
  g_assert_no_error (error);
  run_app (fb_test_server_get_url (server), "win-conflict", PASSWORD, TRUE, conflict);
}

/* Another device's version of the note, written straight to the server. */
static void
server_set_text (const char *db,
                 const char *id,
                 const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *doc_json = NULL;
  g_autofree char *rev = NULL;

  doc = fb_test_server_get_doc (server, db, id, &error);
  g_assert_no_error (error);
  json_object_set_string_member (doc, "text", text);
  /* As the other device saves it: now. */
  json_object_set_int_member (doc, "updated_at", g_get_real_time () / 1000 + 1000);
  root = json_node_init_object (json_node_alloc (), doc);
  doc_json = json_to_string (root, FALSE);
  rev = fb_test_server_put_doc (server, db, id, doc_json, &error);
  g_assert_no_error (error);
}

static char *
editor_text (App *app)
{
  GtkTextBuffer *buffer = fb_note_editor_get_buffer (window_part (app, "note_editor"));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

/* Types over line @line (0-based) of the note on screen, as a person would,
 * leaving the cursor after the typing; nothing is saved. */
static void
type_over_line (App        *app,
                int         line,
                const char *text)
{
  GtkTextBuffer *buffer = fb_note_editor_get_buffer (window_part (app, "note_editor"));
  GtkTextIter start, end;

  gtk_text_buffer_get_iter_at_line (buffer, &start, line);
  end = start;
  gtk_text_iter_forward_to_line_end (&end);
  gtk_text_buffer_delete_interactive (buffer, &start, &end, TRUE);
  gtk_text_buffer_place_cursor (buffer, &start);
  gtk_text_buffer_insert_interactive_at_cursor (buffer, text, -1, TRUE);
}

static const char *
item_banner_text (App *app)
{
  FbItemBanner *banner = FB_ITEM_BANNER (fb_window_get_item_banner (app->window));

  if (!fb_test_is_shown (GTK_WIDGET (banner)))
    return NULL;
  return fb_item_banner_get_text (banner);
}

/* Unsaved typing on screen and another device's change to the same line:
 * both are kept as a conflict (mine: what is on screen), the editor says
 * so and its Resolve opens the resolver there; Keep Both's copy has a
 * title of its own. */
static void
collision_on_screen (App *app)
{
  g_autoptr(FbItem) item = NULL;
  g_autoptr(FbItem) copy = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  FbConflictDialog *dialog;

  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_IDLE);
  id = type_new_note (app, "Shopping", "bread\nmilk\neggs");
  WAIT_FOR (server_text_is ("win-collision", id, "bread\nmilk\neggs") &&
            fb_sync_manager_get_pending_count (app->manager) == 0);
  g_assert_null (item_banner_text (app));
  g_assert_false (fb_test_is_shown (window_part (app, "notes_conflict")));

  /* Typing that stays unsaved while the other version arrives. */
  fb_window_set_save_delay (app->window, 0);
  type_over_line (app, 1, "oat milk");
  server_set_text ("win-collision", id, "bread\nsoy milk\neggs");
  app_sync (app);

  WAIT_FOR (fb_store_get_conflict_count (app->store) == 1);
  text = editor_text (app);
  g_assert_cmpstr (text, ==, "bread\noat milk\neggs");
  item = fb_store_get_item (app->store, id, NULL);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_CONFLICT);
  g_assert_cmpstr (fb_item_get_text (item), ==, "bread\noat milk\neggs");
  g_assert_cmpstr (json_object_get_string_member (fb_item_get_server_body (item), "text"), ==,
                   "bread\nsoy milk\neggs");
  /* Nothing overwritten on the server either. */
  app_sync (app);
  g_assert_true (server_text_is ("win-collision", id, "bread\nsoy milk\neggs"));

  /* What the person sees: the banner, the sidebar's mark, the badge. */
  WAIT_FOR (item_banner_text (app) != NULL);
  g_assert_cmpstr (item_banner_text (app), ==, "Changed on another device too");
  WAIT_FOR (fb_test_is_shown (GTK_WIDGET (fb_item_banner_get_button (FB_ITEM_BANNER (fb_window_get_item_banner (app->window))))));
  g_assert_true (fb_test_is_shown (window_part (app, "notes_conflict")));
  assert_accessible_label (window_part (app, "notes_conflict"), "Some notes are in conflict");
  g_assert_false (fb_test_is_shown (window_part (app, "records_conflict")));
  WAIT_FOR (fb_test_is_shown (status_part (app, "conflicts_button")));

  g_signal_emit_by_name (fb_item_banner_get_button (FB_ITEM_BANNER (fb_window_get_item_banner (app->window))),
                         "clicked");
  WAIT_FOR ((dialog = find_conflict_dialog (app)) != NULL &&
            gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_cmpstr (fb_conflict_dialog_get_current_id (dialog), ==, id);
  g_assert_true (fb_test_is_shown (fb_test_find_label (GTK_WIDGET (dialog), "oat milk")));
  g_assert_true (fb_test_is_shown (fb_test_find_label (GTK_WIDGET (dialog), "soy milk")));

  gtk_widget_activate_action (GTK_WIDGET (dialog), "conflict.keep-both", NULL);
  WAIT_FOR (fb_test_is_shown (fb_test_find_label (GTK_WIDGET (dialog), "All Conflicts Resolved")));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The original takes the other device's version and keeps its title;
   * the copy says where it comes from. */
  WAIT_FOR (item_banner_text (app) == NULL);
  g_free (text);
  text = editor_text (app);
  g_assert_cmpstr (text, ==, "bread\nsoy milk\neggs");
  g_assert_false (fb_test_is_shown (window_part (app, "notes_conflict")));
  notes = fb_store_list_items (app->store, FB_COLLECTION_NOTES, NULL);
  g_assert_cmpuint (notes->len, ==, 2);
  for (guint i = 0; i < notes->len; i++)
    if (g_strcmp0 (fb_item_get_id (notes->pdata[i]), id) != 0)
      copy = g_object_ref (notes->pdata[i]);
  g_assert_nonnull (copy);
  g_assert_cmpstr (fb_item_get_title (copy), ==, "Shopping (copy from this device)");
  g_assert_cmpstr (fb_item_get_text (copy), ==, "bread\noat milk\neggs");
  g_clear_object (&item);
  item = fb_store_get_item (app->store, id, NULL);
  g_assert_cmpstr (fb_item_get_title (item), ==, "Shopping");
}

static void
test_collision_on_screen (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_test_server_create_db (server, "win-collision", &error));
  g_assert_no_error (error);
  run_app (fb_test_server_get_url (server), "win-collision", PASSWORD, TRUE, collision_on_screen);
}

/* Unsaved typing on one line, another device's change to other lines, above
 * and below it: the editor shows both, the cursor stays after the typing. */
static void
clean_merge_on_screen (App *app)
{
  GtkTextBuffer *buffer;
  GtkTextIter cursor;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  g_autofree char *before_cursor = NULL;
  GtkTextIter start;

  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_IDLE);
  id = type_new_note (app, "Birds", "heron\nswift\nkite\nowl\nwren");
  WAIT_FOR (server_text_is ("win-clean-merge", id, "heron\nswift\nkite\nowl\nwren") &&
            fb_sync_manager_get_pending_count (app->manager) == 0);

  fb_window_set_save_delay (app->window, 0);
  type_over_line (app, 2, "red kite");
  server_set_text ("win-clean-merge", id, "grey heron\nswift\nkite\nowl\njenny wren");
  app_sync (app);

  buffer = fb_note_editor_get_buffer (window_part (app, "note_editor"));
  WAIT_FOR ((g_free (text), text = editor_text (app),
             g_strcmp0 (text, "grey heron\nswift\nred kite\nowl\njenny wren") == 0));
  g_assert_cmpuint (fb_store_get_conflict_count (app->store), ==, 0);
  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  gtk_text_buffer_get_start_iter (buffer, &start);
  before_cursor = gtk_text_buffer_get_text (buffer, &start, &cursor, TRUE);
  g_assert_cmpstr (before_cursor, ==, "grey heron\nswift\nred kite");

  /* Saved as one: both changes reach the server. */
  g_assert_true (fb_window_flush (app->window));
  WAIT_FOR (server_text_is ("win-clean-merge", id, "grey heron\nswift\nred kite\nowl\njenny wren"));
}

static void
test_clean_merge_on_screen (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_test_server_create_db (server, "win-clean-merge", &error));
  g_assert_no_error (error);
  run_app (fb_test_server_get_url (server), "win-clean-merge", PASSWORD, TRUE, clean_merge_on_screen);
}

static gboolean
store_text_is (App        *app,
               const char *id,
               const char *text)
{
  g_autoptr(FbItem) item = fb_store_get_item (app->store, id, NULL);

  return item != NULL && g_strcmp0 (fb_item_get_text (item), text) == 0;
}

static char *
list_titles (App *app)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (window_part (app, "list_view")));
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (model, i);

      if (i > 0)
        g_string_append_c (out, '|');
      g_string_append (out, fb_item_get_title (item));
    }
  return g_string_free (out, FALSE);
}

/* Changes from another device, to the item selected and to another one,
 * leave the list as it is: nothing moves under the pointer, and the
 * selected item stays selected. */
static void
list_stays_put (App *app)
{
  GtkSelectionModel *selection = gtk_list_view_get_model (window_part (app, "list_view"));
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *titles = NULL;
  g_autofree char *text = NULL;

  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_IDLE);
  a = type_new_note (app, "A", "a");
  b = type_new_note (app, "B", "b");
  c = type_new_note (app, "C", "c");
  WAIT_FOR (server_text_is ("win-list", a, "a") && server_text_is ("win-list", c, "c") &&
            fb_sync_manager_get_pending_count (app->manager) == 0);
  titles = list_titles (app);
  g_assert_cmpstr (titles, ==, "C|B|A");

  /* The person picks B, in the middle. */
  gtk_selection_model_select_item (selection, 1, TRUE);
  WAIT_FOR (g_strcmp0 (fb_item_get_id (fb_window_get_current_item (app->window)), b) == 0);

  /* Another device edits A, now. */
  server_set_text ("win-list", a, "a, from elsewhere");
  app_sync (app);
  WAIT_FOR (store_text_is (app, a, "a, from elsewhere"));
  fb_test_drain_main_context ();
  g_free (titles);
  titles = list_titles (app);
  g_assert_cmpstr (titles, ==, "C|B|A");
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (selection)), ==, 1);
  g_assert_cmpstr (fb_item_get_id (fb_window_get_current_item (app->window)), ==, b);

  /* And B itself: the editor shows it, B is still the one selected. */
  server_set_text ("win-list", b, "b, from elsewhere");
  app_sync (app);
  WAIT_FOR ((g_free (text), text = editor_text (app), g_strcmp0 (text, "b, from elsewhere") == 0));
  fb_test_drain_main_context ();
  g_free (titles);
  titles = list_titles (app);
  g_assert_cmpstr (titles, ==, "C|B|A");
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (selection)), ==, 1);
  g_assert_true (gtk_selection_model_is_selected (selection, 1));
  g_assert_cmpstr (fb_item_get_id (fb_window_get_current_item (app->window)), ==, b);
}

static void
test_list_stays_put (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_test_server_create_db (server, "win-list", &error));
  g_assert_no_error (error);
  run_app (fb_test_server_get_url (server), "win-list", PASSWORD, TRUE, list_stays_put);
}

/* The server refuses the password: the banner says so in words, and its
 * button opens the preferences at the password; the right one heals it. */
static void
wrong_password (App *app)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *button;
  FbPreferences *prefs;
  GtkWidget *password_row;
  GtkWidget *focus;


  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_NEEDS_ATTENTION);
  WAIT_FOR (banner_shown (app));
  g_assert_cmpstr (fb_window_get_banner_text (app->window), ==,
                   "The server refused the user name or password.");
  g_assert_cmpstr (label_text (banner_part (app, "banner_label")), ==,
                   "The server refused the user name or password.");
  button = banner_part (app, "banner_button");
  g_assert_true (fb_test_is_shown (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Preferences");
  g_assert_cmpstr (gtk_image_get_icon_name (status_part (app, "state_icon")), ==,
                   "dialog-warning-symbolic");

  /* Needs attention stays as it is: nothing new shown meanwhile. */
  g_assert_null (find_preferences (app));
  g_signal_emit_by_name (button, "clicked");
  WAIT_FOR ((prefs = find_preferences (app)) != NULL &&
            gtk_widget_get_mapped (GTK_WIDGET (prefs)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (prefs)) == GTK_WINDOW (app->window));
  g_assert_true (fb_preferences_get_manager (prefs) == app->manager);
  password_row = fb_test_template_child (prefs, FB_TYPE_PREFERENCES, "password_row");
  WAIT_FOR ((focus = gtk_window_get_focus (GTK_WINDOW (prefs))) != NULL &&
            gtk_widget_is_ancestor (focus, password_row));

  /* The same button again: the same window. */
  g_signal_emit_by_name (button, "clicked");
  fb_test_drain_main_context ();
  g_assert_true (find_preferences (app) == prefs);

  /* The right password, applied: the banner goes. */
  gtk_editable_set_text (GTK_EDITABLE (password_row), PASSWORD);
  fb_preferences_apply (prefs);
  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_IDLE);
  WAIT_FOR (banner_hidden (app));
  gtk_window_destroy (GTK_WINDOW (prefs));
}

static void
test_wrong_password (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_test_server_create_db (server, "win-password", &error));
  g_assert_no_error (error);
  run_app (fb_test_server_get_url (server), "win-password", "not-the-password", TRUE, wrong_password);
}

/* app.preferences (Ctrl+comma, in the main menu) opens the active window's
 * preferences; a change of the settings restarts sync once. */
static void
preferences_action (App *app)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) accels = NULL;
  FbPreferences *prefs;
  guint runs;

  g_assert_cmpint (fb_sync_manager_get_state (app->manager), ==, FB_SYNC_STATE_NOT_CONFIGURED);
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app->app), "app.preferences");
  g_assert_cmpstr (accels[0], ==, "<Control>comma");

  g_action_group_activate_action (G_ACTION_GROUP (app->app), "preferences", NULL);
  WAIT_FOR ((prefs = find_preferences (app)) != NULL &&
            gtk_widget_get_mapped (GTK_WIDGET (prefs)));
  g_assert_true (fb_preferences_get_manager (prefs) == app->manager);
  gtk_window_destroy (GTK_WINDOW (prefs));
  WAIT_FOR (find_preferences (app) == NULL);

  /* Set up from outside (another tool writing the settings). */
  g_assert_true (fb_test_server_create_db (server, "win-settings", &error));
  g_assert_no_error (error);
  keyring_store (fb_test_server_get_url (server), PASSWORD);
  runs = app->n_runs;
  g_settings_set_string (app->settings, "database", "win-settings");
  g_settings_set_string (app->settings, "user-name", ADMIN);
  g_settings_set_string (app->settings, "server-url", fb_test_server_get_url (server));
  WAIT_FOR (app->n_runs > runs &&
            fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_IDLE);
  g_assert_null (fb_sync_manager_get_last_error (app->manager));
  g_assert_nonnull (fb_sync_manager_get_last_synced (app->manager));

  /* Turned off: nothing syncs, but the badge still counts what the next
   * sync will send. */
  g_settings_set_boolean (app->settings, "sync-enabled", FALSE);
  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_NOT_CONFIGURED);
  g_free (type_new_note (app, "Local", "only here"));
  WAIT_FOR (fb_test_is_shown (status_part (app, "pending_badge")));
  g_assert_cmpstr (label_text (status_part (app, "pending_badge")), ==, "1 pending");
}

static void
test_preferences_action (void)
{
  run_app (NULL, NULL, NULL, TRUE, preferences_action);
}

/* The server goes away mid-use: the banner says so and when the next try
 * is; when it is back, everything recovers. */
static void
unreachable (App *app)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *description = NULL;
  const char *text;
  GtkWidget *button;

  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_IDLE);

  fb_test_server_stop (persistent);
  id = type_new_note (app, "Heron count", "Four by the weir");
  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_WAITING_TO_RETRY);
  WAIT_FOR (banner_shown (app));
  text = fb_window_get_banner_text (app->window);
  /* The retry base is 60 s (±25 %). */
  g_assert_true (g_str_has_prefix (text, "Can’t reach the server. Trying again in "));
  g_assert_true (g_str_has_suffix (text, " seconds.") || g_str_has_suffix (text, " minute.") ||
                 g_str_has_suffix (text, " minutes."));
  button = banner_part (app, "banner_button");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Retry");
  g_assert_cmpstr (gtk_image_get_icon_name (status_part (app, "state_icon")), ==,
                   "network-offline-symbolic");
  description = fb_sync_status_dup_description (window_part (app, "sync_status"));
  g_assert_nonnull (strstr (description, "Server unreachable"));
  g_assert_cmpstr (label_text (status_part (app, "pending_badge")), ==, "1 pending");

  /* Failing again for the same reason does not show anything new. */
  {
    guint runs = app->n_runs;

    g_signal_emit_by_name (button, "clicked");
    WAIT_FOR (app->n_runs > runs &&
              fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_WAITING_TO_RETRY);
    g_assert_true (banner_shown (app));
    g_assert_true (g_str_has_prefix (fb_window_get_banner_text (app->window),
                                     "Can’t reach the server. Trying again in "));
    g_assert_null (fb_window_get_last_toast (app->window));
  }

  g_assert_true (fb_test_server_restart (persistent, &error));
  g_assert_no_error (error);
  g_signal_emit_by_name (button, "clicked");
  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_IDLE);
  WAIT_FOR (banner_hidden (app));
  WAIT_FOR (!gtk_widget_get_visible (status_part (app, "pending_badge")));
  g_assert_cmpstr (gtk_image_get_icon_name (status_part (app, "state_icon")), ==,
                   "emblem-ok-symbolic");
  {
    g_autoptr(JsonObject) doc = fb_test_server_get_doc (persistent, "win-unreachable", id, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "Four by the weir");
  }
  close_all_windows (app);
}

static void
test_unreachable (void)
{
  g_autoptr(GError) error = NULL;

  persistent = fb_test_server_start_full (ADMIN, PASSWORD, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (fb_test_server_create_db (persistent, "win-unreachable", &error));
  g_assert_no_error (error);
  run_app (fb_test_server_get_url (persistent), "win-unreachable", PASSWORD, TRUE, unreachable);
  g_clear_pointer (&persistent, fb_test_server_free);
}

/* The server refuses one item: a toast names it and says why, once. */
static void
item_rejected (App *app)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  AdwToast *toast;
  guint runs;

  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_IDLE);

  id = type_new_note (app, "Secret", "the heronry is behind the mill");
  WAIT_FOR ((toast = fb_window_get_last_toast (app->window)) != NULL);
  g_assert_cmpstr (adw_toast_get_title (toast), ==,
                   "“Secret” could not be synced: notes may not be called Secret");
  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_IDLE);

  /* The next run refuses it again: no second toast. */
  runs = app->n_runs;
  app_sync (app);
  g_assert_cmpuint (app->n_runs, >, runs);
  g_assert_true (fb_window_get_last_toast (app->window) == toast);
  g_assert_cmpstr (label_text (status_part (app, "pending_badge")), ==, "1 pending");
}

static void
test_item_rejected (void)
{
  g_autoptr(GError) error = NULL;
  /* A validation function that refuses notes titled "Secret". */
  const char *design =
    "{\"validate_doc_update\": \"function (doc) { if (doc.title === 'Secret') "
    "throw ({forbidden: 'notes may not be called Secret'}); }\"}";

  g_assert_true (fb_test_server_create_db (server, "win-rejected", &error));
  g_assert_no_error (error);
  g_free (fb_test_server_put_doc (server, "win-rejected", "_design/rules", design, &error));
  g_assert_no_error (error);
  run_app (fb_test_server_get_url (server), "win-rejected", PASSWORD, TRUE, item_rejected);
}

/* Closing the last window with changes still to push keeps the application
 * until they are on the server. */
static void
background_push (App *app)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_IDLE);
  /* Pushes wait 1.5 s after an edit: the window is gone by then. */
  fb_sync_manager_set_tuning (app->manager, 1500, 0, 0, 0, 0);

  id = type_new_note (app, "Last words", "typed just before closing");
  g_assert_cmpuint (fb_sync_manager_get_pending_count (app->manager), ==, 1);
  gtk_window_close (GTK_WINDOW (app->window));
  WAIT_FOR (gtk_application_get_windows (GTK_APPLICATION (app->app)) == NULL);
  g_assert_true (fb_application_get_background_sync (app->app));

  WAIT_FOR (server_text_is ("win-background", id, "typed just before closing"));
  WAIT_FOR (!fb_application_get_background_sync (app->app));
  g_assert_cmpuint (fb_sync_manager_get_pending_count (app->manager), ==, 0);

  /* Back with a window: server changes still reach the application (a
   * notification, as this window is not the active one yet or is gone). */
  open_window (app);
  {
    guint before = app->n_notifications;

    WAIT_FOR (gtk_window_is_active (GTK_WINDOW (app->window)));
    gtk_window_close (GTK_WINDOW (app->window));
    WAIT_FOR (gtk_application_get_windows (GTK_APPLICATION (app->app)) == NULL);
    g_free (fb_test_server_put_doc (server, "win-background", "from-elsewhere",
                                    "{\"type\": \"notes\", \"title\": \"Elsewhere\", \"text\": \"\"}",
                                    &error));
    g_assert_no_error (error);
    WAIT_FOR (app->n_notifications == before + 1);
    g_assert_cmpstr (app->notification_title, ==, "1 note updated");
  }

  /* Offline there is nothing to wait for: closing lets go at once. */
  open_window (app);
  fb_fake_network_monitor_set_available (app->monitor, FALSE);
  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_OFFLINE);
  g_free (type_new_note (app, "Offline words", "stay on this device"));
  gtk_window_close (GTK_WINDOW (app->window));
  WAIT_FOR (gtk_application_get_windows (GTK_APPLICATION (app->app)) == NULL);
  g_assert_false (fb_application_get_background_sync (app->app));
}

static void
test_background_push (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_test_server_create_db (server, "win-background", &error));
  g_assert_no_error (error);
  run_app (fb_test_server_get_url (server), "win-background", PASSWORD, TRUE, background_push);
}

/* Server changes while no window is active: one notification that sums
 * them up; none while the person is looking. */
static void
notification (App *app)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkWindow) other = NULL;
  g_autoptr(JsonNode) answer = NULL;
  guint runs;

  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_IDLE);

  /* Looking at the window: the list shows the change, no notification. */
  WAIT_FOR (gtk_window_is_active (GTK_WINDOW (app->window)));
  runs = app->n_runs;
  g_free (fb_test_server_put_doc (server, "win-notify", "seen-1",
                                  "{\"type\": \"notes\", \"title\": \"Seen\", \"text\": \"\"}", &error));
  g_assert_no_error (error);
  WAIT_FOR (app->n_runs > runs && has_item (app, "seen-1"));
  fb_test_drain_main_context ();
  g_assert_cmpuint (app->n_notifications, ==, 0);

  /* Another program's window has the focus. */
  other = g_object_ref_sink (GTK_WINDOW (gtk_window_new ()));
  gtk_window_present (other);
  WAIT_FOR (!gtk_window_is_active (GTK_WINDOW (app->window)));

  runs = app->n_runs;
  answer = (fb_test_server_request (server, "POST", "win-notify/_bulk_docs",
                                  "{\"docs\": ["
                                  "{\"_id\": \"n-1\", \"type\": \"notes\", \"title\": \"Egrets\", \"text\": \"\"},"
                                  "{\"_id\": \"n-2\", \"type\": \"notes\", \"title\": \"Ibis\", \"text\": \"\"},"
                                  "{\"_id\": \"n-3\", \"type\": \"notes\", \"title\": \"Stork\", \"text\": \"\"}]}",
                                  NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  WAIT_FOR (has_item (app, "n-1") &&
            has_item (app, "n-2") &&
            has_item (app, "n-3") &&
            app->n_notifications > 0);
  /* The three may come in one run or two: each run says what it brought. */
  if (app->n_notifications == 1)
    g_assert_cmpstr (app->notification_title, ==, "3 notes updated");
  fb_test_drain_main_context ();
  g_assert_cmpuint (app->n_notifications, <=, 2);

  /* One more while away: exactly one more notification. */
  {
    guint before = app->n_notifications;

    g_free (fb_test_server_put_doc (server, "win-notify", "r-1",
                                    "{\"type\": \"records\", \"title\": \"Pond\", \"fields\": {}}", &error));
    g_assert_no_error (error);
    WAIT_FOR (app->n_notifications > before);
    g_assert_cmpstr (app->notification_title, ==, "1 record updated");
    fb_test_drain_main_context ();
    g_assert_cmpuint (app->n_notifications, ==, before + 1);
  }

  gtk_window_destroy (other);
}

static void
test_notification (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_test_server_create_db (server, "win-notify", &error));
  g_assert_no_error (error);
  run_app (fb_test_server_get_url (server), "win-notify", PASSWORD, TRUE, notification);
}

/* The disk fills while server changes come in: the banner says so in
 * words; with room again, Retry brings them in and the banner goes. */
static void
disk_full (App *app)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) big = g_string_new (NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *doc_json = NULL;
  g_autofree char *sql = NULL;
  sqlite3 *db = _fb_store_get_db (app->store);
  sqlite3_stmt *stmt = NULL;
  gint64 pages;
  guint runs;

  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_IDLE);

  /* SQLite's page limit makes a real SQLITE_FULL, as a full disk would. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA page_count", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  pages = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);

  for (guint i = 0; i < 4000; i++)
    g_string_append (big, "The heron stood in the shallows for an hour. ");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "notes");
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, "Long watch");
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, big->str);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  doc_json = json_generator_to_data (generator, NULL);
  g_free (fb_test_server_put_doc (server, "win-full", "long-watch", doc_json, &error));
  g_assert_no_error (error);

  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_WAITING_TO_RETRY);
  WAIT_FOR (banner_shown (app));
  g_assert_cmpstr (fb_window_get_banner_text (app->window), ==,
                   "Changes could not be saved on this device: "
                   "The disk is full: your last change was not saved");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (banner_part (app, "banner_button"))), ==,
                   "_Retry");
  g_assert_false (has_item (app, "long-watch"));

  g_assert_cmpint (sqlite3_exec (db, "PRAGMA max_page_count = 1073741823", NULL, NULL, NULL), ==, SQLITE_OK);
  runs = app->n_runs;
  g_signal_emit_by_name (banner_part (app, "banner_button"), "clicked");
  WAIT_FOR (app->n_runs > runs &&
            fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_IDLE);
  WAIT_FOR (banner_hidden (app));
  g_assert_true (has_item (app, "long-watch"));
}

static void
test_disk_full (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_test_server_create_db (server, "win-full", &error));
  g_assert_no_error (error);
  run_app (fb_test_server_get_url (server), "win-full", PASSWORD, TRUE, disk_full);
}

static void
test_describe_remote_changes (void)
{
  struct { guint n_total, n_notes, n_records; const char *expected; } cases[] = {
    { 1, 1, 0, "1 note updated" },
    { 2, 2, 0, "2 notes updated" },
    { 1, 0, 1, "1 record updated" },
    { 3, 2, 1, "3 items updated" },
    { 1, 0, 0, "1 item updated" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = fb_application_describe_remote_changes (cases[i].n_total, cases[i].n_notes,
                                                                      cases[i].n_records);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

static gboolean
buffer_text_is (GtkTextBuffer *buffer,
                const char    *expected)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
  return g_strcmp0 (text, expected) == 0;
}

/* Whether @overlay shows a toast (its children after the main one). */
static gboolean
has_toast (GtkWidget *overlay)
{
  for (GtkWidget *child = gtk_widget_get_first_child (overlay);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (gtk_widget_get_css_name (child), "toast") == 0)
      return TRUE;
  return FALSE;
}

/* Deleted in the window: the server loses it, the Trash has it; restored
 * from the Trash, it is back on the server with its text. Another device's
 * version arrives by the pull; the History lists it and this device's, and
 * restoring one changes the editor and makes the item pending. */
static void
trash_and_history (App *app)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *id = NULL;
  g_autofree char *doc_json = NULL;
  g_autofree char *rev = NULL;
  GtkWidget *entry = fb_window_get_trash_entry (app->window);
  GtkTextBuffer *buffer = fb_note_editor_get_buffer (window_part (app, "note_editor"));
  FbTrashWindow *trash;
  FbHistoryDialog *history = NULL;

  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_IDLE);
  id = type_new_note (app, "Nest sites", "oak by the gate");
  WAIT_FOR (server_text_is ("win-trash", id, "oak by the gate") &&
            fb_sync_manager_get_pending_count (app->manager) == 0);

  gtk_widget_grab_focus (window_part (app, "list_view"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app->window), "win.delete-item", NULL));
  WAIT_FOR (g_strcmp0 (gtk_label_get_text (fb_trash_entry_get_count_label (entry)), "1") == 0);
  WAIT_FOR (fb_test_server_get_doc (server, "win-trash", id, NULL) == NULL &&
            fb_sync_manager_get_pending_count (app->manager) == 0);

  g_signal_emit_by_name (entry, "row-activated", gtk_list_box_get_row_at_index (GTK_LIST_BOX (entry), 0));
  WAIT_FOR ((trash = fb_trash_entry_get_window (entry)) != NULL &&
            gtk_widget_get_mapped (GTK_WIDGET (trash)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (trash), "trash.restore", "s", id));
  WAIT_FOR (g_strcmp0 (gtk_label_get_text (fb_trash_entry_get_count_label (entry)), "0") == 0);
  WAIT_FOR (server_text_is ("win-trash", id, "oak by the gate") &&
            fb_sync_manager_get_pending_count (app->manager) == 0);
  g_assert_cmpstr (fb_item_get_id (fb_window_get_current_item (app->window)), ==, id);
  /* The restore dismissed the main window's "Deleted" toast. libadwaita
   * 1.2 crashes when a transient window goes while that toast's hide
   * animation still runs (its "done" handler unrefs a freed object, seen
   * as a SIGSEGV under adw_animation_skip ()): wait until it is gone. */
  WAIT_FOR (!has_toast (window_part (app, "toast_overlay")));
  gtk_window_destroy (GTK_WINDOW (trash));

  /* The other device's version, straight to the server; the pull brings it. */
  doc = fb_test_server_get_doc (server, "win-trash", id, &error);
  g_assert_no_error (error);
  json_object_set_string_member (doc, "text", "oak by the gate\nash by the stream");
  root = json_node_init_object (json_node_alloc (), doc);
  json_generator_set_root (generator, root);
  doc_json = json_generator_to_data (generator, NULL);
  rev = fb_test_server_put_doc (server, "win-trash", id, doc_json, &error);
  g_assert_no_error (error);
  app_sync (app);
  WAIT_FOR (buffer_text_is (buffer, "oak by the gate\nash by the stream"));

  /* Offline, so "pending" stays to be seen. */
  fb_fake_network_monitor_set_available (app->monitor, FALSE);
  WAIT_FOR (fb_sync_manager_get_state (app->manager) == FB_SYNC_STATE_OFFLINE);
  retype_text (app, "oak by the gate\nash by the stream\nbeech, fallen");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (app->window), "win.show-history", NULL));
  for (guint tries = 0; history == NULL; tries++)
    {
      for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
        if (FB_IS_HISTORY_DIALOG (l->data))
          history = l->data;
      if (history == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fb_history_dialog_get_list (history))));
  {
    GtkListBox *list = fb_history_dialog_get_list (history);
    GtkWidget *newest = GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0));
    GtkWidget *older = GTK_WIDGET (gtk_list_box_get_row_at_index (list, 1));

    g_assert_nonnull (older);
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (newest)), ==,
                     "From the server or another device");
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (older)), ==,
                     "Edited on this device");
  }
  fb_history_dialog_select (history, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (history), "history.restore", NULL));
  WAIT_FOR (buffer_text_is (buffer, "oak by the gate\nash by the stream"));
  WAIT_FOR (g_strcmp0 (label_text (status_part (app, "pending_badge")), "1 pending") == 0 &&
            fb_test_is_shown (status_part (app, "pending_badge")));
}

static void
test_trash_and_history (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_test_server_create_db (server, "win-trash", &error));
  g_assert_no_error (error);
  run_app (fb_test_server_get_url (server), "win-trash", PASSWORD, TRUE, trash_and_history);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* Never the session bus: no notification daemon, no other Fieldbook. */
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  sync_ui_test_init (&argc, &argv);
  /* libadwaita 1.2 leaves an animation's "unmap" handler on a toast's
   * widget after the animation is gone; when the window's layout unmaps the
   * toast later, it skips the freed animation (a SIGSEGV under
   * adw_animation_skip (), seen here after a restore from the Trash
   * dismissed the "Deleted" toast, often under load). Without animations a
   * toast comes and goes at once and no handler is left: these tests are
   * about what the window says, not how it moves. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  server = fb_test_server_start (ADMIN, PASSWORD, &error);
  g_assert_no_error (error);

  g_test_add_func ("/sync-window/describe-remote-changes", test_describe_remote_changes);
  g_test_add_func ("/sync-window/offline-then-online", test_offline_then_online);
  g_test_add_func ("/sync-window/conflict", test_conflict);
  g_test_add_func ("/sync-window/trash-and-history", test_trash_and_history);
  g_test_add_func ("/sync-window/collision-on-screen", test_collision_on_screen);
  g_test_add_func ("/sync-window/clean-merge-on-screen", test_clean_merge_on_screen);
  g_test_add_func ("/sync-window/list-stays-put", test_list_stays_put);
  g_test_add_func ("/sync-window/wrong-password", test_wrong_password);
  g_test_add_func ("/sync-window/preferences-action", test_preferences_action);
  g_test_add_func ("/sync-window/unreachable", test_unreachable);
  g_test_add_func ("/sync-window/item-rejected", test_item_rejected);
  g_test_add_func ("/sync-window/disk-full", test_disk_full);
  g_test_add_func ("/sync-window/background-push", test_background_push);
  g_test_add_func ("/sync-window/notification", test_notification);

  status = g_test_run ();
  fb_test_server_free (server);
  return status;
}
