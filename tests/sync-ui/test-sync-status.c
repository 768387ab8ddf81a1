/* test-sync-status.c: the header bar's sync status against a real store, manager and server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-sync-status"

#include "config.h"

#include "fb-sync-error.h"
#include "fb-sync-status.h"
#include "fb-sync-words.h"
#include "sync-ui-test-util.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;

typedef struct {
  GtkWindow    *window;
  FbSyncStatus *status;
} Shown;

/* The status in a header bar of a window, as the app shows it. */
static Shown
show_status (FbSyncManager *manager)
{
  Shown shown;
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  shown.window = GTK_WINDOW (gtk_window_new ());
  shown.status = FB_SYNC_STATUS (fb_sync_status_new (manager));
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (shown.status));
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), gtk_label_new ("Fieldbook"));
  gtk_window_set_child (shown.window, box);
  gtk_window_set_default_size (shown.window, 640, 200);
  gtk_window_present (shown.window);
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (shown.status)));
  return shown;
}

static void
hide_status (Shown *shown)
{
  GtkWidget *status = GTK_WIDGET (shown->status);

  g_object_add_weak_pointer (G_OBJECT (status), (gpointer *) &shown->status);
  gtk_window_destroy (shown->window);
  fb_test_drain_main_context ();
  g_assert_null (shown->status);
  (void) status;
}

static GtkWidget *
part (Shown      *shown,
      const char *name)
{
  return fb_test_template_child (shown->status, FB_TYPE_SYNC_STATUS, name);
}

static const char *
icon_name (Shown *shown)
{
  return gtk_image_get_icon_name (GTK_IMAGE (part (shown, "state_icon")));
}

static const char *
pending_text (Shown *shown)
{
  return gtk_label_get_label (GTK_LABEL (part (shown, "pending_badge")));
}

static const char *
conflicts_text (Shown *shown)
{
  return gtk_label_get_label (GTK_LABEL (part (shown, "conflicts_label")));
}

/* The words beside the icon, as shown. */
static const char *
label_text (Shown *shown)
{
  g_assert_true (fb_test_is_shown (part (shown, "state_label")));
  return gtk_label_get_label (GTK_LABEL (part (shown, "state_label")));
}

static gboolean
label_starts_with (Shown      *shown,
                   const char *words)
{
  return g_str_has_prefix (label_text (shown), words);
}

/* A window action the status activates, counted. */
typedef struct {
  GSimpleActionGroup *group;
  guint               n_preferences;
} WinActions;

static void
count_preferences_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  ((WinActions *) user_data)->n_preferences++;
}

static void
install_win_actions (Shown      *shown,
                     WinActions *actions)
{
  g_autoptr(GSimpleAction) action = g_simple_action_new ("show-preferences", NULL);

  actions->group = g_simple_action_group_new ();
  actions->n_preferences = 0;
  g_signal_connect (action, "activate", G_CALLBACK (count_preferences_cb), actions);
  g_action_map_add_action (G_ACTION_MAP (actions->group), G_ACTION (action));
  gtk_widget_insert_action_group (GTK_WIDGET (shown->window), "win", G_ACTION_GROUP (actions->group));
}

static gboolean
description_has (Shown      *shown,
                 const char *words)
{
  g_autofree char *description = fb_sync_status_dup_description (shown->status);

  return strstr (description, words) != NULL;
}

/* The icon's accessible label says what its tooltip says. */
static void
assert_icon_words (Shown *shown)
{
  g_autofree char *description = fb_sync_status_dup_description (shown->status);

  assert_accessible_label (part (shown, "state_icon"), description);
}

/* ---- Tests ---- */

static void
test_not_configured (void)
{
  g_autoptr(Peer) peer = peer_new (NULL, NULL, NULL, NULL, TRUE);
  Shown shown = show_status (peer->manager);

  g_assert_cmpstr (icon_name (&shown), ==, "network-server-symbolic");
  g_assert_false (fb_test_is_shown (part (&shown, "pending_badge")));
  g_assert_false (fb_test_is_shown (part (&shown, "conflicts_button")));
  g_assert_true (fb_test_is_shown (part (&shown, "refresh_button")));
  g_assert_false (gtk_widget_is_sensitive (part (&shown, "refresh_button")));
  g_assert_true (description_has (&shown, "Sync is not set up"));
  assert_icon_words (&shown);
  /* In words without hovering, and a click leads to where it is set up. */
  g_assert_cmpstr (label_text (&shown), ==, "Set up sync");
  {
    WinActions actions;

    install_win_actions (&shown, &actions);
    g_signal_emit_by_name (part (&shown, "state_button"), "clicked");
    g_assert_cmpuint (actions.n_preferences, ==, 1);
    g_assert_false (fb_sync_status_get_details_shown (shown.status));
    g_object_unref (actions.group);
  }

  /* Without a server, edits are not "pending": no badge. */
  fb_test_peer_create_note (peer, "Local only", "stays here");
  fb_test_drain_main_context ();
  g_assert_cmpuint (fb_sync_manager_get_pending_count (peer->manager), ==, 1);
  g_assert_false (gtk_widget_get_visible (part (&shown, "pending_badge")));

  hide_status (&shown);
}

static void
test_offline_pending (void)
{
  g_autoptr(Peer) peer = peer_new (fb_test_server_get_url (server), "status-offline",
                                   ADMIN, PASSWORD, FALSE);
  Shown shown = show_status (peer->manager);
  g_autofree char *id = NULL;
  g_autofree char *id2 = NULL;

  fb_sync_manager_start (peer->manager);
  WAIT_FOR (fb_sync_manager_get_state (peer->manager) == FB_SYNC_STATE_OFFLINE);
  g_assert_cmpstr (icon_name (&shown), ==, "network-offline-symbolic");
  g_assert_true (description_has (&shown, "Offline"));
  g_assert_true (description_has (&shown, "Never synced"));
  g_assert_cmpstr (label_text (&shown), ==, "Offline");
  assert_icon_words (&shown);
  g_assert_false (fb_test_is_shown (part (&shown, "pending_badge")));

  id = fb_test_peer_create_note (peer, "Field trip", "Meet at the gate at 8");
  WAIT_FOR (fb_test_is_shown (part (&shown, "pending_badge")));
  g_assert_cmpstr (pending_text (&shown), ==, "1 pending");
  assert_accessible_label (part (&shown, "pending_badge"), "1 pending");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (part (&shown, "pending_badge")), ==,
                   "1 change is not on the server yet");

  id2 = fb_test_peer_create_note (peer, "Birds", "Two herons by the pond");
  WAIT_FOR (g_strcmp0 (pending_text (&shown), "2 pending") == 0);
  assert_accessible_label (part (&shown, "pending_badge"), "2 pending");

  /* A click says it in sentences, and no preferences open. */
  {
    WinActions actions;

    install_win_actions (&shown, &actions);
    g_signal_emit_by_name (part (&shown, "state_button"), "clicked");
    WAIT_FOR (fb_sync_status_get_details_shown (shown.status));
    g_assert_cmpuint (actions.n_preferences, ==, 0);
    g_assert_nonnull (strstr (fb_sync_status_get_details (shown.status),
                              "Offline: changes are kept on this device"));
    g_assert_nonnull (strstr (fb_sync_status_get_details (shown.status),
                              "2 changes waiting to be sent"));
    g_object_unref (actions.group);
  }

  /* Offline, a sync cannot do anything but the button is still there. */
  g_assert_false (fb_test_is_shown (part (&shown, "conflicts_button")));
  g_assert_cmpstr (icon_name (&shown), ==, "network-offline-symbolic");

  hide_status (&shown);
}

typedef struct {
  FbSyncStatus *status;
  gboolean      saw_syncing;
  gboolean      spinner_while_syncing;
  gboolean      refresh_insensitive_while_syncing;
} SyncWatch;

static void
state_changed_cb (FbSyncManager *manager,
                  GParamSpec    *pspec,
                  SyncWatch     *watch)
{
  GtkWidget *refresh;
  GtkWidget *spinner;
  GtkWidget *stack;

  if (fb_sync_manager_get_state (manager) != FB_SYNC_STATE_SYNCING)
    return;

  /* The widget connected first, so it has already followed. */
  refresh = fb_test_template_child (watch->status, FB_TYPE_SYNC_STATUS, "refresh_button");
  spinner = fb_test_template_child (watch->status, FB_TYPE_SYNC_STATUS, "spinner");
  stack = fb_test_template_child (watch->status, FB_TYPE_SYNC_STATUS, "refresh_stack");
  watch->saw_syncing = TRUE;
  watch->spinner_while_syncing =
    gtk_spinner_get_spinning (GTK_SPINNER (spinner)) &&
    gtk_stack_get_visible_child (GTK_STACK (stack)) == spinner;
  watch->refresh_insensitive_while_syncing = !gtk_widget_get_sensitive (refresh);
}

static void
test_online_sync (void)
{
  g_autoptr(Peer) peer = peer_new (fb_test_server_get_url (server), "status-online",
                                   ADMIN, PASSWORD, FALSE);
  Shown shown = show_status (peer->manager);
  SyncWatch watch = { shown.status, FALSE, FALSE, FALSE };
  g_autofree char *id = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_test_server_create_db (server, "status-online", &error));
  g_assert_no_error (error);

  fb_sync_manager_start (peer->manager);
  id = fb_test_peer_create_note (peer, "Field trip", "Meet at the gate at 8");
  WAIT_FOR (g_strcmp0 (pending_text (&shown), "1 pending") == 0 &&
            fb_test_is_shown (part (&shown, "pending_badge")));

  g_signal_connect (peer->manager, "notify::state", G_CALLBACK (state_changed_cb), &watch);
  fb_fake_network_monitor_set_available (peer->monitor, TRUE);

  WAIT_FOR (watch.saw_syncing);
  g_assert_true (watch.spinner_while_syncing);
  g_assert_true (watch.refresh_insensitive_while_syncing);

  WAIT_FOR (fb_sync_manager_get_state (peer->manager) == FB_SYNC_STATE_IDLE &&
            fb_sync_manager_get_pending_count (peer->manager) == 0);
  WAIT_FOR (!gtk_widget_get_visible (part (&shown, "pending_badge")));
  g_assert_cmpstr (icon_name (&shown), ==, "emblem-ok-symbolic");
  g_assert_true (gtk_widget_is_sensitive (part (&shown, "refresh_button")));
  g_assert_false (gtk_spinner_get_spinning (GTK_SPINNER (part (&shown, "spinner"))));
  g_assert_true (description_has (&shown, "Up to date"));
  g_assert_true (description_has (&shown, "Synced just now"));
  assert_icon_words (&shown);
  assert_accessible_label (part (&shown, "refresh_button"), "Sync Now");
  /* The time of the last sync, without hovering. */
  {
    g_autofree char *at = g_date_time_format (fb_sync_manager_get_last_synced (peer->manager),
                                              "Synced at %H:%M");

    g_assert_cmpstr (label_text (&shown), ==, at);
  }

  doc = fb_test_server_get_doc (server, "status-online", id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "Meet at the gate at 8");

  /* The refresh button runs a sync, spinning again. */
  watch.saw_syncing = FALSE;
  g_signal_emit_by_name (part (&shown, "refresh_button"), "clicked");
  WAIT_FOR (watch.saw_syncing);
  g_assert_true (watch.spinner_while_syncing);
  WAIT_FOR (fb_sync_manager_get_state (peer->manager) == FB_SYNC_STATE_IDLE);

  g_signal_handlers_disconnect_by_data (peer->manager, &watch);
  hide_status (&shown);
}

typedef struct {
  guint n_signals;
  guint n_actions;
} Resolve;

static gboolean
resolve_conflicts_cb (FbSyncStatus *status,
                      Resolve      *resolve)
{
  resolve->n_signals++;
  return TRUE;
}

static void
win_resolve_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  ((Resolve *) user_data)->n_actions++;
}

static void
test_conflict_badge (void)
{
  const char *url = fb_test_server_get_url (server);
  g_autoptr(Peer) a = peer_new (url, "status-conflict", ADMIN, PASSWORD, TRUE);
  g_autoptr(Peer) b = peer_new (url, "status-conflict", ADMIN, PASSWORD, TRUE);
  Shown shown = show_status (b->manager);
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) action = g_simple_action_new ("resolve-conflicts", NULL);
  Resolve resolve = { 0, 0 };
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;
  gulong handler;

  g_assert_true (fb_test_server_create_db (server, "status-conflict", &error));
  g_assert_false (fb_test_is_shown (part (&shown, "conflicts_button")));

  id = make_text_conflict (a, b, "oat milk", "soy milk");
  WAIT_FOR (fb_test_is_shown (part (&shown, "conflicts_button")));
  g_assert_cmpstr (conflicts_text (&shown), ==, "1 conflict");
  /* Synced, but not up to date: no check mark beside the badge. */
  g_assert_cmpint (fb_sync_manager_get_state (b->manager), ==, FB_SYNC_STATE_IDLE);
  g_assert_cmpstr (icon_name (&shown), ==, "dialog-warning-symbolic");
  g_assert_true (description_has (&shown, "Some changes wait for your choice"));
  g_assert_false (description_has (&shown, "Up to date"));
  assert_icon_words (&shown);
  assert_accessible_label (part (&shown, "conflicts_button"), "1 conflict");
  g_assert_true (gtk_widget_has_css_class (part (&shown, "conflicts_button"), "warning"));

  /* Without a handler, the badge activates win.resolve-conflicts. */
  g_signal_connect (action, "activate", G_CALLBACK (win_resolve_cb), &resolve);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
  gtk_widget_insert_action_group (GTK_WIDGET (shown.window), "win", G_ACTION_GROUP (group));
  g_signal_emit_by_name (part (&shown, "conflicts_button"), "clicked");
  g_assert_cmpuint (resolve.n_actions, ==, 1);

  /* A handler that returns TRUE takes it instead. */
  handler = g_signal_connect (shown.status, "resolve-conflicts",
                              G_CALLBACK (resolve_conflicts_cb), &resolve);
  g_signal_emit_by_name (part (&shown, "conflicts_button"), "clicked");
  g_assert_cmpuint (resolve.n_signals, ==, 1);
  g_assert_cmpuint (resolve.n_actions, ==, 1);
  g_signal_handler_disconnect (shown.status, handler);

  /* Resolving makes the badge go away by itself. */
  g_assert_true (fb_store_resolve_conflict (b->store, id, FB_RESOLVE_USE_SERVER, NULL, &error));
  g_assert_no_error (error);
  WAIT_FOR (!gtk_widget_get_visible (part (&shown, "conflicts_button")));
  g_assert_cmpstr (icon_name (&shown), ==, "emblem-ok-symbolic");
  g_assert_true (description_has (&shown, "Up to date"));

  hide_status (&shown);
}

/* The server refuses an item, which stays pending after a run that went
 * well: the badge counts it and the icon is no check mark. */
static void
test_pending_is_not_up_to_date (void)
{
  g_autoptr(Peer) peer = peer_new (fb_test_server_get_url (server), "status-rejected",
                                   ADMIN, PASSWORD, TRUE);
  Shown shown = show_status (peer->manager);
  g_autoptr(GError) error = NULL;
  const char *design =
    "{\"validate_doc_update\": \"function (doc) { if (doc.title === 'Secret') "
    "throw ({forbidden: 'notes may not be called Secret'}); }\"}";

  g_assert_true (fb_test_server_create_db (server, "status-rejected", &error));
  g_assert_no_error (error);
  g_free (fb_test_server_put_doc (server, "status-rejected", "_design/rules", design, &error));
  g_assert_no_error (error);

  fb_test_peer_create_note (peer, "Secret", "behind the mill");
  peer_sync (peer);
  g_assert_cmpint (fb_sync_manager_get_state (peer->manager), ==, FB_SYNC_STATE_IDLE);
  g_assert_cmpuint (fb_sync_manager_get_pending_count (peer->manager), ==, 1);
  WAIT_FOR (fb_test_is_shown (part (&shown, "pending_badge")));
  g_assert_cmpstr (pending_text (&shown), ==, "1 pending");
  g_assert_cmpstr (icon_name (&shown), !=, "emblem-ok-symbolic");
  g_assert_cmpstr (icon_name (&shown), ==, "network-transmit-symbolic");
  g_assert_true (description_has (&shown, "Some changes are not on the server yet"));
  g_assert_false (description_has (&shown, "Up to date"));
  assert_icon_words (&shown);

  hide_status (&shown);
}

/* Sync turned off: edits still count as pending, and the badge says so. */
static void
test_sync_off_pending (void)
{
  g_autoptr(Peer) peer = peer_new (fb_test_server_get_url (server), "status-off",
                                   ADMIN, PASSWORD, TRUE);
  Shown shown = show_status (peer->manager);

  fb_sync_manager_set_enabled (peer->manager, FALSE);
  fb_test_drain_main_context ();
  g_assert_true (description_has (&shown, "Sync is turned off"));
  g_assert_false (fb_test_is_shown (part (&shown, "pending_badge")));

  fb_test_peer_create_note (peer, "Offline walk", "kept for later");
  WAIT_FOR (fb_test_is_shown (part (&shown, "pending_badge")));
  g_assert_cmpstr (pending_text (&shown), ==, "1 pending");
  assert_accessible_label (part (&shown, "pending_badge"), "1 pending");
  g_assert_cmpstr (icon_name (&shown), ==, "network-server-symbolic");

  hide_status (&shown);
}

/* The server goes away after a sync and comes back: meanwhile the words
 * never say "Synced just now"; once it answers, the sync resumes by itself
 * long before the backoff's next run (60 s here). */
static void
test_unreachable_then_back (void)
{
  g_autoptr(FbTestServer) own = NULL;
  g_autoptr(Peer) peer = NULL;
  g_autoptr(GError) error = NULL;
  Shown shown;

  own = fb_test_server_start_full (ADMIN, PASSWORD, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (fb_test_server_create_db (own, "status-back", &error));
  g_assert_no_error (error);
  peer = peer_new (fb_test_server_get_url (own), "status-back", ADMIN, PASSWORD, TRUE);
  shown = show_status (peer->manager);

  fb_sync_manager_start (peer->manager);
  WAIT_FOR (fb_sync_manager_get_state (peer->manager) == FB_SYNC_STATE_IDLE &&
            fb_sync_manager_get_last_synced (peer->manager) != NULL);
  g_assert_true (description_has (&shown, "Synced just now"));

  fb_test_server_stop (own);
  fb_test_peer_create_note (peer, "Heron count", "four by the weir");
  WAIT_FOR (fb_sync_manager_get_state (peer->manager) == FB_SYNC_STATE_WAITING_TO_RETRY);
  g_assert_cmpstr (icon_name (&shown), ==, "network-offline-symbolic");
  g_assert_true (description_has (&shown, "Server unreachable"));
  g_assert_false (description_has (&shown, "Synced just now"));
  g_assert_true (description_has (&shown, "Last synced at "));
  assert_icon_words (&shown);
  g_assert_cmpstr (pending_text (&shown), ==, "1 pending");

  /* Back: nobody presses anything. */
  g_assert_true (fb_test_server_restart (own, &error));
  g_assert_no_error (error);
  WAIT_FOR (fb_sync_manager_get_state (peer->manager) == FB_SYNC_STATE_IDLE &&
            fb_sync_manager_get_pending_count (peer->manager) == 0);
  WAIT_FOR (!gtk_widget_get_visible (part (&shown, "pending_badge")));
  g_assert_cmpstr (icon_name (&shown), ==, "emblem-ok-symbolic");
  g_assert_true (description_has (&shown, "Synced just now"));

  hide_status (&shown);
}

static void
test_wrong_password (void)
{
  g_autoptr(Peer) peer = peer_new (fb_test_server_get_url (server), "status-wrong-password",
                                   ADMIN, "not-the-password", TRUE);
  Shown shown = show_status (peer->manager);

  fb_sync_manager_start (peer->manager);
  WAIT_FOR (fb_sync_manager_get_state (peer->manager) == FB_SYNC_STATE_NEEDS_ATTENTION);
  g_assert_cmpstr (icon_name (&shown), ==, "dialog-warning-symbolic");
  g_assert_true (description_has (&shown, "Sync needs attention"));
  g_assert_true (description_has (&shown, "The server did not accept the user name or password."));
  g_assert_cmpstr (label_text (&shown), ==, "Password refused");
  assert_icon_words (&shown);
  /* The person can try again after fixing it elsewhere. */
  g_assert_true (gtk_widget_is_sensitive (part (&shown, "refresh_button")));

  hide_status (&shown);
}

static void
test_unreachable (void)
{
  g_autoptr(GError) error = NULL;
  guint16 port = fb_test_find_free_port (&error);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_autoptr(Peer) peer = peer_new (url, "status-unreachable", NULL, NULL, TRUE);
  Shown shown = show_status (peer->manager);

  g_assert_no_error (error);
  fb_test_peer_create_note (peer, "Kept", "on this device");
  fb_sync_manager_start (peer->manager);
  WAIT_FOR (fb_sync_manager_get_state (peer->manager) == FB_SYNC_STATE_WAITING_TO_RETRY);
  /* A proper offline symbol, not Adwaita's question mark. */
  g_assert_cmpstr (icon_name (&shown), ==, "network-offline-symbolic");
  g_assert_true (label_starts_with (&shown, "Can’t reach the server, retrying in "));
  g_assert_true (description_has (&shown, "Server unreachable"));
  g_assert_true (description_has (&shown, "The server cannot be reached."));
  g_assert_true (description_has (&shown, "Trying again at "));
  assert_icon_words (&shown);
  g_assert_cmpstr (pending_text (&shown), ==, "1 pending");
  g_assert_true (fb_test_is_shown (part (&shown, "pending_badge")));

  hide_status (&shown);
}

static void
test_describe_last_synced (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_local (2026, 11, 25, 15, 30, 0);
  g_autoptr(GDateTime) seconds = g_date_time_add_seconds (now, -20);
  g_autoptr(GDateTime) one_minute = g_date_time_add_minutes (now, -1);
  g_autoptr(GDateTime) minutes = g_date_time_add_minutes (now, -2);
  g_autoptr(GDateTime) hours = g_date_time_add_hours (now, -3);
  g_autoptr(GDateTime) morning = g_date_time_new_local (2026, 11, 25, 1, 5, 0);
  g_autofree char *a = fb_sync_words_last_synced (NULL, now);
  g_autofree char *b = fb_sync_words_last_synced (seconds, now);
  g_autofree char *c = fb_sync_words_last_synced (one_minute, now);
  g_autofree char *d = fb_sync_words_last_synced (minutes, now);
  g_autofree char *e = fb_sync_words_last_synced (hours, now);
  g_autofree char *f = fb_sync_words_last_synced (morning, now);

  g_assert_cmpstr (a, ==, "Never synced");
  g_assert_cmpstr (b, ==, "Synced just now");
  g_assert_cmpstr (c, ==, "Synced 1 minute ago");
  g_assert_cmpstr (d, ==, "Synced 2 minutes ago");
  g_assert_cmpstr (e, ==, "Synced 3 hours ago");
  g_assert_cmpstr (f, ==, "Synced today at 01:05");
}

/* The label's words, at a fixed time. */
static void
test_describe_summary (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_local (2026, 11, 25, 19, 30, 0);
  g_autoptr(GDateTime) synced = g_date_time_new_local (2026, 11, 25, 19, 27, 10);
  g_autoptr(GDateTime) yesterday = g_date_time_new_local (2026, 11, 24, 8, 0, 0);
  gint64 now_us = g_date_time_to_unix (now) * G_USEC_PER_SEC;
  g_autoptr(GError) unreachable = g_error_new_literal (FB_SYNC_ERROR, FB_SYNC_ERROR_UNREACHABLE, "x");
  g_autoptr(GError) failed = g_error_new_literal (FB_SYNC_ERROR, FB_SYNC_ERROR_SERVER, "x");
  struct {
    char *words;
    const char *expected;
  } cases[] = {
    { fb_sync_words_summary (FB_SYNC_STATE_IDLE, TRUE, NULL, synced, 0, now_us), "Synced at 19:27" },
    { fb_sync_words_summary (FB_SYNC_STATE_IDLE, TRUE, NULL, yesterday, 0, now_us), "Synced on 24 Nov" },
    { fb_sync_words_summary (FB_SYNC_STATE_IDLE, TRUE, NULL, NULL, 0, now_us), "Never synced" },
    { fb_sync_words_summary (FB_SYNC_STATE_OFFLINE, TRUE, NULL, synced, 0, now_us), "Offline" },
    { fb_sync_words_summary (FB_SYNC_STATE_SYNCING, TRUE, NULL, synced, 0, now_us), "Syncing…" },
    { fb_sync_words_summary (FB_SYNC_STATE_WAITING_TO_RETRY, TRUE, unreachable, synced,
                             now_us + 6200 * 1000, now_us),
      "Can’t reach the server, retrying in 7 s" },
    { fb_sync_words_summary (FB_SYNC_STATE_WAITING_TO_RETRY, TRUE, failed, synced,
                             now_us + 90 * G_USEC_PER_SEC, now_us),
      "Sync failed, retrying in 2 min" },
    { fb_sync_words_summary (FB_SYNC_STATE_NOT_CONFIGURED, TRUE, NULL, NULL, 0, now_us), "Set up sync" },
    { fb_sync_words_summary (FB_SYNC_STATE_NOT_CONFIGURED, FALSE, NULL, NULL, 0, now_us), "Sync off" },
    { fb_sync_words_counts (2, 1),
      "2 changes waiting to be sent\n1 item in conflict, waiting for your choice" },
    { fb_sync_words_counts (0, 0), "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpstr (cases[i].words, ==, cases[i].expected);
      g_free (cases[i].words);
    }
}

static void
test_manager_swap (void)
{
  g_autoptr(Peer) peer = peer_new ("https://couch.example.org/", "db", NULL, NULL, FALSE);
  Shown shown = show_status (NULL);

  g_assert_cmpstr (icon_name (&shown), ==, "network-server-symbolic");
  fb_test_peer_create_note (peer, "One", "1");
  fb_sync_status_set_manager (shown.status, peer->manager);
  g_assert_true (fb_sync_status_get_manager (shown.status) == peer->manager);
  WAIT_FOR (fb_test_is_shown (part (&shown, "pending_badge")));
  g_assert_cmpstr (pending_text (&shown), ==, "1 pending");

  /* Dropping the manager lets it go. */
  fb_sync_status_set_manager (shown.status, NULL);
  WAIT_FOR (!gtk_widget_get_visible (part (&shown, "pending_badge")));
  hide_status (&shown);
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

  g_test_add_func ("/sync-status/not-configured", test_not_configured);
  g_test_add_func ("/sync-status/offline-pending", test_offline_pending);
  g_test_add_func ("/sync-status/online-sync", test_online_sync);
  g_test_add_func ("/sync-status/conflict-badge", test_conflict_badge);
  g_test_add_func ("/sync-status/wrong-password", test_wrong_password);
  g_test_add_func ("/sync-status/unreachable", test_unreachable);
  g_test_add_func ("/sync-status/unreachable-then-back", test_unreachable_then_back);
  g_test_add_func ("/sync-status/pending-is-not-up-to-date", test_pending_is_not_up_to_date);
  g_test_add_func ("/sync-status/sync-off-pending", test_sync_off_pending);
  g_test_add_func ("/sync-status/describe-last-synced", test_describe_last_synced);
  g_test_add_func ("/sync-status/describe-summary", test_describe_summary);
  g_test_add_func ("/sync-status/manager-swap", test_manager_swap);

  status = g_test_run ();
  fb_test_server_free (server);
  return status;
}
