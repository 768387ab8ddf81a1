/* test-window-header.c: the window's header bars: the sync status in words, the editor's title and saved state */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-window-header"

#include "config.h"

#include <adwaita.h>

#include "fb-item-body.h"
#include "fb-note-editor.h"
#include "fb-preferences.h"
#include "fb-record-editor.h"
#include "fb-store.h"
#include "fb-sync-status.h"
#include "fb-test-dir.h"
#include "fb-test-peer.h"
#include "fb-test-ui.h"
#include "fb-test-wait.h"
#include "fb-window.h"

#define WAIT_FOR(cond) WAIT_UNTIL (cond, 10000)

typedef struct
{
  char     *dir;
  FbStore  *store;
  FbWindow *window;
} Fixture;

static gpointer
child (Fixture    *fixture,
       const char *name)
{
  return fb_test_template_child (fixture->window, FB_TYPE_WINDOW, name);
}

static GtkWidget *
status_part (FbSyncStatus *status,
             const char   *name)
{
  return fb_test_template_child (status, FB_TYPE_SYNC_STATUS, name);
}

static FbPreferences *
find_preferences (void)
{
  return fb_test_find_toplevel (FB_TYPE_PREFERENCES);
}

static void
open_window (Fixture *fixture,
             int      width)
{
  g_autofree char *path = g_build_filename (fixture->dir, "fieldbook.db", NULL);
  g_autoptr(GError) error = NULL;

  fixture->store = fb_store_new (path, &error);
  g_assert_no_error (error);
  fixture->window = g_object_ref_sink (fb_window_new (NULL, fixture->store));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, 700);
  gtk_window_present (GTK_WINDOW (fixture->window));
  WAIT_FOR (gtk_widget_get_mapped (child (fixture, "list_stack")) &&
            gtk_widget_get_width (child (fixture, "list_stack")) > 0);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dir = fb_test_make_tmp_dir ();
  open_window (fixture, GPOINTER_TO_INT (data) > 0 ? GPOINTER_TO_INT (data) : 1100);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  FbPreferences *preferences;

  while ((preferences = find_preferences ()) != NULL)
    gtk_window_destroy (GTK_WINDOW (preferences));

  gtk_window_close (GTK_WINDOW (fixture->window));
  WAIT_FOR (G_OBJECT (fixture->window)->ref_count == 1);
  g_assert_finalize_object (g_steal_pointer (&fixture->window));
  WAIT_FOR (G_OBJECT (fixture->store)->ref_count == 1);
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  fb_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* ---- The sync status ---- */

/* The status is under the list, in words, wide or narrow (folded, the
 * list is the page on screen). */
static void
assert_status_in_words (Fixture *fixture)
{
  FbSyncStatus *status = child (fixture, "sync_status");

  WAIT_FOR (fb_test_is_shown (GTK_WIDGET (status)));
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (status), child (fixture, "list_pane")));
  g_assert_true (fb_test_is_shown (status_part (status, "state_label")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (status_part (status, "state_label"))), ==,
                   "Set up sync");

  /* Clicking it where sync is not set up opens the preferences. */
  g_assert_null (find_preferences ());
  g_signal_emit_by_name (status_part (status, "state_button"), "clicked");
  WAIT_FOR (find_preferences () != NULL);
}

static void
test_folded_shows_status (Fixture       *fixture,
                          gconstpointer  data)
{
  WAIT_FOR (adw_leaflet_get_folded (child (fixture, "leaflet")));
  assert_status_in_words (fixture);
}

static void
test_wide_shows_status (Fixture       *fixture,
                        gconstpointer  data)
{
  g_assert_false (adw_leaflet_get_folded (child (fixture, "leaflet")));
  assert_status_in_words (fixture);
}

/* Ctrl+R without a server: nothing to sync with, so the preferences. */
static void
test_sync_now_without_server (Fixture       *fixture,
                              gconstpointer  data)
{
  g_assert_null (find_preferences ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.sync-now", NULL));
  WAIT_FOR (find_preferences () != NULL);
}

/* ---- The editor's title and saved state ---- */

static const char *
editor_title (Fixture *fixture)
{
  return adw_window_title_get_title (child (fixture, "editor_title"));
}

static void
test_saved_state (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JsonObject) body = fb_note_body_new ("Heron count", "four by the weir");
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;
  GtkTextBuffer *buffer;

  /* Nothing open: nothing said. */
  g_assert_cmpstr (editor_title (fixture), ==, "");
  g_assert_cmpstr (fb_window_get_saved_state (fixture->window), ==, "");

  item = fb_store_create_item (fixture->store, FB_COLLECTION_NOTES, body, &error);
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.collection", "s",
                                             FB_COLLECTION_RECORDS));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.collection", "s",
                                             FB_COLLECTION_NOTES));
  WAIT_FOR (g_strcmp0 (editor_title (fixture), "Heron count") == 0);
  /* No server is set up: saved is all there is to be. */
  g_assert_cmpstr (fb_window_get_saved_state (fixture->window), ==, "Saved");

  /* Typing: "Saving…" until the pause has passed and it is in the store. */
  fb_window_set_save_delay (fixture->window, 200);
  buffer = fb_note_editor_get_buffer (child (fixture, "note_editor"));
  gtk_text_buffer_insert_interactive_at_cursor (buffer, "Five now. ", -1, TRUE);
  g_assert_cmpstr (fb_window_get_saved_state (fixture->window), ==, "Saving…");
  WAIT_FOR (g_strcmp0 (fb_window_get_saved_state (fixture->window), "Saved") == 0);
  g_clear_object (&item);
  item = fb_store_get_item (fixture->store, fb_item_get_id (fb_window_get_current_item (fixture->window)),
                            &error);
  g_assert_cmpstr (fb_item_get_text (item), ==, "Five now. four by the weir");

  /* A new title reaches the header with the save. */
  gtk_editable_set_text (fb_note_editor_get_title_entry (child (fixture, "note_editor")), "Herons");
  WAIT_FOR (g_strcmp0 (editor_title (fixture), "Herons") == 0);
  g_assert_cmpstr (fb_window_get_saved_state (fixture->window), ==, "Saved");
}

/* Deleted elsewhere while on screen: the editor says nothing is selected,
 * and how to go on. */
static void
test_none_selected (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) first = fb_note_body_new ("First", "1");
  g_autoptr(JsonObject) second = fb_note_body_new ("Second", "2");
  g_autoptr(FbItem) a = fb_store_create_item (fixture->store, FB_COLLECTION_NOTES, first, NULL);
  g_autoptr(FbItem) b = fb_store_create_item (fixture->store, FB_COLLECTION_NOTES, second, NULL);
  AdwStatusPage *none_page = child (fixture, "none_page");

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.collection", "s", FB_COLLECTION_RECORDS);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.collection", "s", FB_COLLECTION_NOTES);
  WAIT_FOR (fb_window_get_current_item (fixture->window) != NULL);
  g_assert_true (fb_store_delete_item (fixture->store,
                                       fb_item_get_id (fb_window_get_current_item (fixture->window)),
                                       NULL));
  WAIT_FOR (fb_test_is_shown (GTK_WIDGET (none_page)));
  g_assert_cmpstr (adw_status_page_get_title (none_page), ==, "No Note Selected");
  g_assert_cmpstr (adw_status_page_get_description (none_page), ==,
                   "Choose a note in the list, or press Ctrl+N for a new one");
  g_assert_cmpstr (editor_title (fixture), ==, "");
}

/* With a server set up, a saved change that is not on it yet says so. */
static void
test_not_synced_yet (void)
{
  g_autoptr(FbTestPeer) peer = fb_test_peer_new ("https://couch.example.org/", "header", NULL, NULL, FALSE);
  g_autofree char *id = fb_test_peer_create_note (peer, "Field trip", "Meet at the gate");
  FbWindow *window = g_object_ref_sink (fb_window_new (NULL, peer->store));

  fb_window_set_sync_manager (window, peer->manager);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (fb_window_get_current_item (window) != NULL);
  g_assert_cmpstr (fb_item_get_id (fb_window_get_current_item (window)), ==, id);
  /* Not started: the manager says "not configured" until then. */
  fb_sync_manager_start (peer->manager);
  WAIT_FOR (fb_sync_manager_get_state (peer->manager) == FB_SYNC_STATE_OFFLINE);
  WAIT_FOR (g_strcmp0 (fb_window_get_saved_state (window), "Not synced yet") == 0);

  gtk_window_close (GTK_WINDOW (window));
  WAIT_FOR (G_OBJECT (window)->ref_count == 1);
  g_assert_finalize_object (window);
}

/* ---- The shortcuts window ---- */

/* Every shortcut of the window and the editor is listed in the shortcuts
 * window, as the person would look it up. */
static void
test_shortcuts_window_lists_all (void)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/fieldbook/Fieldbook/gtk/help-overlay.ui");
  GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func (g_free);
  const char *expected[] = {
    "<Control>n", "<Control>f", "Delete", "<Control>z", "<Alt>1", "<Alt>2",
    "<Control><Shift>p", "<Control>b", "<Control>i", "<Control>Return", "Return",
    "<Control>r", "<Control><Shift>r", "<Control>w", "<Control><Shift>t", "Return comma",
    "BackSpace", "Escape", "<Alt>Up", "<Alt>Down",
  };
  GtkWidget *widget = overlay;

  /* Depth-first over the window's shortcuts. */
  while (widget != NULL)
    {
      GtkWidget *next;

      if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
        {
          char *accelerator = NULL;

          g_object_get (widget, "accelerator", &accelerator, NULL);
          if (accelerator != NULL)
            g_ptr_array_add (listed, accelerator);
        }

      if ((next = gtk_widget_get_first_child (widget)) == NULL)
        {
          while (widget != NULL && (next = gtk_widget_get_next_sibling (widget)) == NULL)
            widget = gtk_widget_get_parent (widget) != overlay ? gtk_widget_get_parent (widget) : NULL;
        }
      widget = next;
    }

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < listed->len && !found; j++)
        found = g_str_equal (g_ptr_array_index (listed, j), expected[i]);
      if (!found)
        g_error ("The shortcuts window does not list %s", expected[i]);
    }

  gtk_window_destroy (GTK_WINDOW (overlay));
}

/* Where a widget starts, in the window. */
static double
left_edge (Fixture   *fixture,
           gpointer   widget)
{
  graphene_point_t at;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (fixture->window),
                                           &GRAPHENE_POINT_INIT (0, 0), &at));
  return at.x;
}

/* Two frames drawn from now: what was just loaded has been laid out. */
static void
wait_for_layout (Fixture *fixture)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (fixture->window));
  gint64 now = gdk_frame_clock_get_frame_counter (clock);

  gtk_widget_queue_draw (GTK_WIDGET (fixture->window));
  WAIT_FOR ((gtk_widget_queue_draw (GTK_WIDGET (fixture->window)),
             gdk_frame_clock_get_frame_counter (clock) >= now + 2));
}

static void
open_new (Fixture    *fixture,
          const char *collection,
          const char *title,
          const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = g_str_equal (collection, FB_COLLECTION_NOTES) ? fb_note_body_new (title, text)
                                                                              : fb_record_body_new (title);
  g_autoptr(FbItem) item = fb_store_create_item (fixture->store, collection, body, &error);

  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.collection", "s", collection));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.open-item", "s",
                                             fb_item_get_id (item)));
  WAIT_FOR (g_strcmp0 (fb_item_get_title (fb_window_get_current_item (fixture->window)), title) == 0);
  wait_for_layout (fixture);
}

/* In a wide window the list keeps its width whatever is open: a short
 * note, a note with long lines, a record. So the editors' titles start
 * at the same place and nothing jumps sideways going through the list. */
static void
test_panes_keep_their_width (Fixture       *fixture,
                             gconstpointer  data)
{
  FbNoteEditor *notes = child (fixture, "note_editor");
  FbRecordEditor *records = child (fixture, "record_editor");
  GtkWidget *list = child (fixture, "list_pane");
  int width;
  double title_at;

  open_new (fixture, FB_COLLECTION_NOTES, "Short", "Two lines.\nShort ones.");
  width = gtk_widget_get_width (list);
  title_at = left_edge (fixture, fb_note_editor_get_title_entry (notes));

  open_new (fixture, FB_COLLECTION_NOTES, "Long",
            "Arrived 06:50. Mist on the water until about 07:30, then clear and still; "
            "a grey heron by the weir, two grebes and an otter's spraint below the sluice.");
  g_assert_cmpint (gtk_widget_get_width (list), ==, width);
  g_assert_cmpfloat (left_edge (fixture, fb_note_editor_get_title_entry (notes)), ==, title_at);

  open_new (fixture, FB_COLLECTION_RECORDS, "Heron nest 4", NULL);
  g_assert_cmpint (gtk_widget_get_width (list), ==, width);
  g_assert_cmpfloat (left_edge (fixture, fb_record_editor_get_title_entry (records)), ==, title_at);
}

/* The key bindings shown in the window, as accelerator names: the
 * shortcuts of Fieldbook's own widgets and any added to others. */
static void
collect_bindings (GtkWidget  *widget,
                  GHashTable *keys,
                  GHashTable *actions)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean ours = g_str_has_prefix (G_OBJECT_TYPE_NAME (widget), "Fb");

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller) ||
          (!ours && g_strcmp0 (gtk_event_controller_get_name (controller), "gtk-widget-class-shortcuts") == 0))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          const char *name;

          /* Delete|KP_Delete: the first is the one a person reads. */
          while (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
            trigger = gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger));

          /* GTK's own (focus moves, the inspector) are signals and
           * callbacks; closing a window is GNOME's Ctrl+W everywhere. */
          if (!GTK_IS_NAMED_ACTION (action) || !GTK_IS_KEYVAL_TRIGGER (trigger))
            continue;
          name = gtk_named_action_get_action_name (GTK_NAMED_ACTION (action));
          if (g_str_equal (name, "window.close"))
            continue;
          g_hash_table_insert (keys,
                               gtk_accelerator_name (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)),
                                                     gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger))),
                               g_strdup_printf ("%s (%s)", name, G_OBJECT_TYPE_NAME (widget)));
          g_hash_table_add (actions, g_strdup (name));
        }
    }

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_bindings (c, keys, actions);
}

static void
collect_menu_actions (GMenuModel *menu,
                      GHashTable *actions)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GMenuLinkIter) links = g_menu_model_iterate_item_links (menu, i);
      char *action = NULL;

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &action))
        g_hash_table_add (actions, action);
      while (g_menu_link_iter_next (links))
        {
          g_autoptr(GMenuModel) linked = g_menu_link_iter_get_value (links);

          collect_menu_actions (linked, actions);
        }
    }
}

static void
collect_menus (GtkWidget  *widget,
               GHashTable *actions)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)) != NULL)
    collect_menu_actions (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)), actions);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_menus (c, actions);
}

/* The accelerators the shortcuts window lists, as accelerator names. */
static GHashTable *
listed_shortcuts (void)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/fieldbook/Fieldbook/gtk/help-overlay.ui");
  GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  GHashTable *listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_ptr_array_add (stack, overlay);
  while (stack->len > 0)
    {
      GtkWidget *widget = g_ptr_array_steal_index (stack, stack->len - 1);

      if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
        {
          g_autofree char *accelerator = NULL;
          g_auto(GStrv) each = NULL;

          g_object_get (widget, "accelerator", &accelerator, NULL);
          each = g_strsplit (accelerator != NULL ? accelerator : "", " ", -1);
          for (guint i = 0; each[i] != NULL; i++)
            {
              guint key;
              GdkModifierType modifiers;

              if (gtk_accelerator_parse (each[i], &key, &modifiers))
                g_hash_table_add (listed, gtk_accelerator_name (key, modifiers));
            }
        }
      for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (stack, c);
    }
  gtk_window_destroy (GTK_WINDOW (overlay));

  return listed;
}

/* Every key the window and its editors bind is in the shortcuts window,
 * and every action of the window without a target (those with one are
 * the buttons of toasts and rows) has a key or a menu item. Read from
 * the widgets themselves, so a new binding or action is held to it. */
static void
test_every_action_reachable (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) reachable = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) listed = listed_shortcuts ();
  g_autoptr(GString) missing = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;
  GType owner;
  const char *name, *property;
  const GVariantType *parameter;

  /* A record open, so that the record editor's rows are there too. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.collection", "s", "records"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-item", NULL));
  WAIT_FOR (fb_window_get_current_item (fixture->window) != NULL);

  collect_bindings (GTK_WIDGET (fixture->window), keys, reachable);
  collect_menus (GTK_WIDGET (fixture->window), reachable);
  g_assert_cmpuint (g_hash_table_size (keys), >=, 10);

  g_hash_table_iter_init (&iter, keys);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (listed, key))
      g_string_append_printf (missing, " %s for %s;", (char *) key, (char *) value);
  if (missing->len > 0)
    g_error ("The shortcuts window does not list:%s", missing->str);

  /* The window's own door to app.preferences (the menu's Preferences,
   * Ctrl+,), for the sync status and banners. */
  g_hash_table_add (reachable, g_strdup ("win.show-preferences"));
  for (guint i = 0; gtk_widget_class_query_action (GTK_WIDGET_GET_CLASS (fixture->window), i,
                                                   &owner, &name, &parameter, &property); i++)
    if (g_str_has_prefix (name, "win.") && (parameter == NULL || property != NULL) &&
        !g_hash_table_contains (reachable, name))
      g_string_append_printf (missing, " %s", name);
  if (missing->len > 0)
    g_error ("Neither a key nor a menu item for:%s", missing->str);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/window-header/panes-keep-their-width", Fixture, GINT_TO_POINTER (1280),
              fixture_setup, test_panes_keep_their_width, fixture_teardown);
  g_test_add ("/window-header/every-action-reachable", Fixture, NULL,
              fixture_setup, test_every_action_reachable, fixture_teardown);
  g_test_add ("/window-header/folded-shows-status", Fixture, GINT_TO_POINTER (360),
              fixture_setup, test_folded_shows_status, fixture_teardown);
  g_test_add ("/window-header/wide-shows-status", Fixture, NULL,
              fixture_setup, test_wide_shows_status, fixture_teardown);
  g_test_add ("/window-header/sync-now-without-server", Fixture, NULL,
              fixture_setup, test_sync_now_without_server, fixture_teardown);

  g_test_add ("/window-header/saved-state", Fixture, NULL,
              fixture_setup, test_saved_state, fixture_teardown);
  g_test_add ("/window-header/none-selected", Fixture, NULL,
              fixture_setup, test_none_selected, fixture_teardown);
  g_test_add_func ("/window-header/not-synced-yet", test_not_synced_yet);
  g_test_add_func ("/window-header/shortcuts-window-lists-all", test_shortcuts_window_lists_all);

  return g_test_run ();
}
