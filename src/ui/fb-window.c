/* fb-window.c: the main window: collections, the item list and an editor */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-account.h"
#include "fb-item-row.h"
#include "fb-read-only-banner.h"
#include "fb-sync-banner.h"
#include "fb-trash-window.h"
#include "fb-ui-util.h"
#include "fb-window-private.h"

#define SAVE_DELAY_MS 500

G_DEFINE_FINAL_TYPE (FbWindow, fb_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_COLLECTION,
  PROP_SYNC_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static int collection_index (const char *collection);

FbWindow *
fb_window_new (GtkApplication *application,
               FbStore        *store)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (FB_IS_STORE (store), NULL);

  return g_object_new (FB_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       NULL);
}

FbStore *
fb_window_get_store (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  return self->store;
}

const char *
fb_window_get_collection (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  return collection_names[self->collection];
}

FbItem *
fb_window_get_current_item (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  return self->current;
}

AdwToast *
fb_window_get_last_toast (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  return self->last_toast;
}

FbSyncManager *
fb_window_get_sync_manager (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  return self->sync_manager;
}

void
fb_window_set_sync_manager (FbWindow      *self,
                            FbSyncManager *manager)
{
  g_return_if_fail (FB_IS_WINDOW (self));
  g_return_if_fail (manager == NULL || FB_IS_SYNC_MANAGER (manager));

  if (!g_set_object (&self->sync_manager, manager))
    return;

  fb_sync_status_set_manager (self->sync_status, manager);
  g_signal_group_set_target (self->sync_signals, manager);
  fb_sync_banner_set_manager (self->sync_banner, manager);
  _fb_window_update_header (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_MANAGER]);
}

const char *
fb_window_get_banner_text (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  return fb_sync_banner_get_text (self->sync_banner);
}

void
_fb_window_show_toast (FbWindow *self,
                       AdwToast *toast)
{
  g_set_object (&self->last_toast, toast);
  fb_toast_overlay_show (self->toast_overlay, toast);
}

static void
error_toast_dismissed_cb (FbWindow *self,
                          AdwToast *toast)
{
  if (self->error_toast == toast)
    g_clear_object (&self->error_toast);
}

/* Errors stay until dismissed; a failing save retried on every keystroke
 * updates the one toast instead of queueing more. */
void
_fb_window_show_error (FbWindow   *self,
                       const char *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast;

  if (self->error_toast != NULL)
    {
      adw_toast_set_title (self->error_toast, escaped);
      g_set_object (&self->last_toast, self->error_toast);
      return;
    }

  toast = adw_toast_new (escaped);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, FB_TOAST_UNTIL_DISMISSED);
  self->error_toast = g_object_ref (toast);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (error_toast_dismissed_cb),
                           self, G_CONNECT_SWAPPED);
  _fb_window_show_toast (self, toast);
}

const char *
_fb_window_current_id (FbWindow *self)
{
  return self->current != NULL ? fb_item_get_id (self->current) : NULL;
}

GListModel *
_fb_window_list_model (FbWindow *self)
{
  return gtk_single_selection_get_model (self->selection);
}

gboolean
_fb_window_is_folded (FbWindow *self)
{
  return adw_leaflet_get_folded (self->leaflet);
}

void
_fb_window_update_actions (FbWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-item",
                                 self->current != NULL && !fb_store_get_read_only (self->store));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.duplicate-item",
                                 self->current != NULL && !fb_store_get_read_only (self->store));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-history", self->current != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reading-view",
                                 self->current != NULL &&
                                 g_strcmp0 (fb_item_get_collection (self->current),
                                            FB_COLLECTION_NOTES) == 0);
}

GtkWidget *
fb_window_get_item_banner (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->item_banner);
}

/* ---- The list ---- */

static void
update_counts (FbWindow *self)
{
  GtkLabel *labels[N_COLLECTIONS] = { self->notes_count, self->records_count };

  for (guint i = 0; i < N_COLLECTIONS; i++)
    {
      g_autofree char *text = NULL;

      if (self->all_lists[i] == NULL)
        continue;
      text = g_strdup_printf ("%u", g_list_model_get_n_items (G_LIST_MODEL (self->all_lists[i])));
      gtk_label_set_text (labels[i], text);
    }
}

static void
all_list_items_changed_cb (FbWindow   *self,
                           guint       position,
                           guint       removed,
                           guint       added,
                           GListModel *model)
{
  update_counts (self);
}

void
_fb_window_update_list_stack (FbWindow *self)
{
  GListModel *model = _fb_window_list_model (self);
  const char *page;

  if (model != NULL && g_list_model_get_n_items (model) > 0)
    page = "items";
  else if (self->search_text != NULL)
    page = "no-results";
  else
    page = "empty";

  gtk_stack_set_visible_child_name (self->list_stack, page);

  /* Beside "No Notes Yet", a second status page would only repeat it. */
  if (g_str_equal (page, "empty"))
    {
      adw_status_page_set_icon_name (self->none_page, NULL);
      adw_status_page_set_title (self->none_page, NULL);
      adw_status_page_set_description (self->none_page, NULL);
    }
  else
    {
      adw_status_page_set_icon_name (self->none_page, "accessories-text-editor-symbolic");
      adw_status_page_set_title (self->none_page,
                                 self->collection == RECORDS ? _("No Record Selected")
                                                             : _("No Note Selected"));
      adw_status_page_set_description (self->none_page,
                                       self->collection == RECORDS
                                       ? _("Choose a record in the list, or press Ctrl+N for a new one")
                                       : _("Choose a note in the list, or press Ctrl+N for a new one"));
    }
}

void
_fb_window_apply_model (FbWindow *self)
{
  GListModel *model;

  if (self->search_text != NULL)
    {
      if (self->search_list == NULL)
        self->search_list = fb_item_list_new (self->store, NULL);
      fb_item_list_set_search (self->search_list, self->search_text);
      model = G_LIST_MODEL (self->search_list);
    }
  else
    {
      model = G_LIST_MODEL (self->all_lists[self->collection]);
    }

  if (_fb_window_list_model (self) != model)
    {
      self->selecting++;
      gtk_single_selection_set_model (self->selection, model);
      self->selecting--;
    }

  _fb_window_select_current (self);
  _fb_window_update_list_stack (self);
}

static void
list_activate_cb (FbWindow *self,
                  guint     position)
{
  if (_fb_window_is_folded (self))
    adw_leaflet_set_visible_child (self->leaflet, self->editor_pane);
  else
    gtk_widget_child_focus (GTK_WIDGET (self->editor_stack), GTK_DIR_TAB_FORWARD);
}

static void
factory_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, fb_item_row_new ());
}

static void
factory_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  FbWindow *self = user_data;
  g_autofree char *problems = NULL;

  fb_item_row_set_search (FB_ITEM_ROW (gtk_list_item_get_child (list_item)),
                          self->search_regex, self->search_text != NULL);
  fb_item_row_set_item (FB_ITEM_ROW (gtk_list_item_get_child (list_item)),
                        gtk_list_item_get_item (list_item));
  problems = _fb_window_describe_problems (self, gtk_list_item_get_item (list_item));
  fb_item_row_set_problems (FB_ITEM_ROW (gtk_list_item_get_child (list_item)), problems);
}

static void
factory_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  fb_item_row_set_item (FB_ITEM_ROW (gtk_list_item_get_child (list_item)), NULL);
  fb_item_row_set_problems (FB_ITEM_ROW (gtk_list_item_get_child (list_item)), NULL);
}

/* ---- Conflicts ---- */

/* The collections with items in conflict carry a mark in the sidebar. */
static void
update_conflict_marks (FbWindow *self)
{
  g_autoptr(GPtrArray) conflicts = NULL;
  gboolean marked[N_COLLECTIONS] = { FALSE, };
  GtkWidget *marks[N_COLLECTIONS] = { self->notes_conflict, self->records_conflict };

  if (fb_store_get_conflict_count (self->store) > 0)
    conflicts = fb_store_list_conflicts (self->store, NULL);

  for (guint i = 0; conflicts != NULL && i < conflicts->len; i++)
    {
      int index = collection_index (fb_item_get_collection (g_ptr_array_index (conflicts, i)));

      if (index >= 0)
        marked[index] = TRUE;
    }

  for (guint i = 0; i < N_COLLECTIONS; i++)
    gtk_widget_set_visible (marks[i], marked[i]);
}

static void
conflict_count_notify_cb (FbWindow *self)
{
  update_conflict_marks (self);
}

/* ---- Collections ---- */

static void
update_collection_labels (FbWindow *self)
{
  const char *new_label, *delete_label;

  if (self->collection == RECORDS)
    {
      adw_window_title_set_title (self->list_title, _("Records"));
      adw_status_page_set_title (self->empty_page, _("No Records Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Press Ctrl+N or the + button to add your first record"));
      new_label = _("New Record");
      delete_label = _("Delete Record");
    }
  else
    {
      adw_window_title_set_title (self->list_title, _("Notes"));
      adw_status_page_set_title (self->empty_page, _("No Notes Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Press Ctrl+N or the + button to write your first note"));
      new_label = _("New Note");
      delete_label = _("Delete Note");
    }

  /* One search over notes and records, from either. */
  g_object_set (self->search_entry, "placeholder-text", _("Search Notes and Records"), NULL);
  gtk_widget_set_tooltip_text (self->new_button, new_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->new_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, new_label, -1);
  gtk_widget_set_tooltip_text (self->delete_button, delete_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->delete_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, delete_label, -1);
}

static int
collection_index (const char *collection)
{
  for (guint i = 0; i < N_COLLECTIONS; i++)
    if (g_strcmp0 (collection, collection_names[i]) == 0)
      return i;

  return -1;
}

void
fb_window_set_collection (FbWindow   *self,
                          const char *collection)
{
  int index;
  GListModel *model;

  g_return_if_fail (FB_IS_WINDOW (self));

  index = collection_index (collection);
  if (index < 0)
    {
      g_warning ("Unknown collection “%s”", collection);
      return;
    }

  if (self->collection_set && self->collection == (guint) index)
    return;

  /* The edits belong to the item in the other collection. If they cannot
   * be saved, stay: the words remain on screen and the toast says why. */
  if (!_fb_window_save_now (self))
    {
      self->selecting++;
      gtk_list_box_select_row (self->sidebar,
                               self->collection == RECORDS ? self->records_row : self->notes_row);
      self->selecting--;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLLECTION]);
      return;
    }
  _fb_window_show_item (self, NULL);

  self->collection = index;
  self->collection_set = TRUE;
  g_clear_object (&self->search_list);

  self->selecting++;
  gtk_list_box_select_row (self->sidebar, index == RECORDS ? self->records_row : self->notes_row);
  self->selecting--;

  update_collection_labels (self);
  _fb_window_apply_model (self);

  /* Open the newest item, so there is something to read straight away. */
  model = _fb_window_list_model (self);
  if (g_list_model_get_n_items (model) > 0)
    {
      g_autoptr(FbItem) first = g_list_model_get_item (model, 0);

      _fb_window_open_item (self, first);
    }

  if (self->settings != NULL)
    g_settings_set_string (self->settings, "last-collection", collection_names[index]);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLLECTION]);
}

static void
sidebar_row_selected_cb (FbWindow      *self,
                         GtkListBoxRow *row)
{
  if (self->selecting > 0 || row == NULL)
    return;

  fb_window_set_collection (self, collection_names[row == self->records_row ? RECORDS : NOTES]);
}

static void
sidebar_row_activated_cb (FbWindow      *self,
                          GtkListBoxRow *row)
{
  if (_fb_window_is_folded (self))
    adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
}

static void
back_to_sidebar_cb (FbWindow *self)
{
  adw_leaflet_set_visible_child (self->leaflet, self->sidebar_pane);
}

static void
back_to_list_cb (FbWindow *self)
{
  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
}

GtkWidget *
fb_window_get_trash_entry (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  return self->trash_entry;
}

/* ---- Sync: the banner, rejected items ---- */

static void
sync_banner_show_preferences_cb (FbWindow *self,
                                 gboolean  focus_password)
{
  fb_window_show_preferences (self, focus_password);
}

/* Told once per item and reason: the item stays pending and every later
 * run reports it again. */
static void
item_rejected_cb (FbWindow   *self,
                  const char *id,
                  const char *reason)
{
  g_autoptr(FbItem) item = NULL;
  g_autofree char *key = g_strconcat (id, "\n", reason != NULL ? reason : "", NULL);
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *message = NULL;
  AdwToast *toast;

  if (g_hash_table_contains (self->rejections_told, key))
    return;
  g_hash_table_add (self->rejections_told, g_steal_pointer (&key));

  item = fb_store_get_item (self->store, id, NULL);
  title = fb_body_dup_display_title (item != NULL ? fb_item_get_body (item) : NULL);

  /* Not "the server did not accept": a rejection is also the server's
   * version or file that did not decrypt, or a file that did not download. */
  if (reason != NULL && *reason != '\0')
    /* TRANSLATORS: %1$s is the title of the note or record, %2$s why (the server's words,
     * or that its version or file could not be decrypted or downloaded) */
    message = g_strdup_printf (_("“%1$s” could not be synced: %2$s"), title, reason);
  else
    /* TRANSLATORS: %s is the title of the note or record */
    message = g_strdup_printf (_("The server did not accept “%s”"), title);

  escaped = g_markup_escape_text (message, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, FB_TOAST_NOTICE_SECONDS);
  _fb_window_show_toast (self, toast);
}

/* ---- GtkWindow ---- */

static gboolean
fb_window_close_request (GtkWindow *window)
{
  FbWindow *self = FB_WINDOW (window);

  if (!_fb_window_save_now (self) && !self->close_anyway)
    {
      /* The error toast is up; a second close means "discard". */
      self->close_anyway = TRUE;
      _fb_window_show_error (self, _("Your last changes could not be saved. Close the window again to discard them."));
      return TRUE;
    }

  return GTK_WINDOW_CLASS (fb_window_parent_class)->close_request (window);
}

/* ---- GObject ---- */

static void
bind_setting (FbWindow   *self,
              const char *key,
              const char *property)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  if (g_settings_schema_has_key (schema, key))
    g_settings_bind (self->settings, key, self, property, G_SETTINGS_BIND_DEFAULT);
}

static char *
saved_collection (FbWindow *self)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  if (self->settings == NULL)
    return NULL;

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  if (!g_settings_schema_has_key (schema, "last-collection"))
    return NULL;

  return g_settings_get_string (self->settings, "last-collection");
}

/* ---- A store that can only be read (a full disk, a read-only folder) ---- */

/* Nothing can be typed that could not be saved: the editor does not take
 * input, and nothing can be created or deleted, until the store can be
 * written again. */
static void
store_read_only_cb (FbWindow *self)
{
  gboolean writable = !fb_store_get_read_only (self->store);

  gtk_widget_set_sensitive (GTK_WIDGET (self->editor_stack), writable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-item", writable);
  _fb_window_update_actions (self);
}

static void
setup_read_only (FbWindow *self)
{
  GtkWidget *banner = GTK_WIDGET (self->sync_banner);

  /* Under the editor's header bar, above the sync banner. */
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (banner)),
                              fb_read_only_banner_new (self->store),
                              gtk_widget_get_prev_sibling (banner));
  g_signal_connect_object (self->store, "notify::read-only",
                           G_CALLBACK (store_read_only_cb), self, G_CONNECT_SWAPPED);
  store_read_only_cb (self);
}

static void
fb_window_constructed (GObject *object)
{
  FbWindow *self = FB_WINDOW (object);
  GtkListItemFactory *factory;
  g_autofree char *collection = NULL;

  G_OBJECT_CLASS (fb_window_parent_class)->constructed (object);

  g_assert (FB_IS_STORE (self->store));

  self->settings = fb_settings_new_if_installed ();
  if (self->settings != NULL)
    {
      bind_setting (self, "window-width", "default-width");
      bind_setting (self, "window-height", "default-height");
      bind_setting (self, "window-maximized", "maximized");
    }

  for (guint i = 0; i < N_COLLECTIONS; i++)
    {
      self->all_lists[i] = fb_item_list_new (self->store, collection_names[i]);
      g_signal_connect_object (self->all_lists[i], "items-changed",
                               G_CALLBACK (all_list_items_changed_cb), self, G_CONNECT_SWAPPED);
    }
  update_counts (self);

  /* The Trash, under the collections. */
  self->trash_entry = fb_trash_entry_new (self->store);
  gtk_box_append (GTK_BOX (self->sidebar_pane), self->trash_entry);

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, FALSE);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (factory_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (factory_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (factory_unbind_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  _fb_window_editing_init (self);
  _fb_window_header_init (self);
  _fb_window_keyboard_init (self);
  _fb_window_tags_init (self);
  _fb_window_transfer_init (self);
  _fb_window_sort_init (self);
  fb_sync_banner_set_store (self->sync_banner, self->store);
  fb_record_editor_set_store (self->record_editor, self->store);
  setup_read_only (self);
  g_signal_connect_object (self->store, "notify::conflict-count",
                           G_CALLBACK (conflict_count_notify_cb), self, G_CONNECT_SWAPPED);
  update_conflict_marks (self);

  /* When the window is narrow, it opens on the list, not the collections. */
  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);

  collection = saved_collection (self);
  if (collection_index (collection) < 0)
    {
      g_free (collection);
      collection = g_strdup (FB_COLLECTION_NOTES);
    }
  fb_window_set_collection (self, collection);

  _fb_window_update_actions (self);
}

static void
fb_window_dispose (GObject *object)
{
  FbWindow *self = FB_WINDOW (object);

  /* Normally done by close-request; a window destroyed directly must not
   * lose edits either. */
  if (self->store != NULL)
    _fb_window_save_now (self);
  g_clear_handle_id (&self->save_source, g_source_remove);
  _fb_window_tags_dispose (self);
  _fb_window_transfer_dispose (self);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);

  if (self->sync_signals != NULL)
    g_signal_group_set_target (self->sync_signals, NULL);
  g_clear_object (&self->sync_signals);
  if (self->preferences != NULL)
    gtk_window_destroy (GTK_WINDOW (self->preferences));
  if (self->conflict_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->conflict_dialog));

  gtk_widget_dispose_template (GTK_WIDGET (self), FB_TYPE_WINDOW);

  g_clear_object (&self->sync_manager);
  g_clear_object (&self->selection);
  g_clear_object (&self->search_list);
  for (guint i = 0; i < N_COLLECTIONS; i++)
    g_clear_object (&self->all_lists[i]);
  g_clear_object (&self->current);
  g_clear_object (&self->last_toast);
  g_clear_object (&self->error_toast);
  g_clear_object (&self->settings);
  g_clear_object (&self->list_actions);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fb_window_parent_class)->dispose (object);
}

static void
fb_window_finalize (GObject *object)
{
  FbWindow *self = FB_WINDOW (object);

  _fb_window_search_finalize (self);
  g_free (self->last_deleted_id);
  g_clear_pointer (&self->rejections_told, g_hash_table_unref);

  G_OBJECT_CLASS (fb_window_parent_class)->finalize (object);
}

static void
fb_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FbWindow *self = FB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_COLLECTION:
      g_value_set_string (value, collection_names[self->collection]);
      break;
    case PROP_SYNC_MANAGER:
      g_value_set_object (value, self->sync_manager);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  FbWindow *self = FB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_COLLECTION:
      /* Before construction the lists do not exist yet. */
      if (self->all_lists[0] != NULL)
        fb_window_set_collection (self, g_value_get_string (value));
      break;
    case PROP_SYNC_MANAGER:
      fb_window_set_sync_manager (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_window_class_init (FbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = fb_window_constructed;
  object_class->dispose = fb_window_dispose;
  object_class->finalize = fb_window_finalize;
  object_class->get_property = fb_window_get_property;
  object_class->set_property = fb_window_set_property;
  window_class->close_request = fb_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         FB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLLECTION] =
    g_param_spec_string ("collection", NULL, NULL,
                         FB_COLLECTION_NOTES,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Nullable: without one, the status says sync is not set up. */
  properties[PROP_SYNC_MANAGER] =
    g_param_spec_object ("sync-manager", NULL, NULL,
                         FB_TYPE_SYNC_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FB_TYPE_ITEM_BANNER);
  g_type_ensure (FB_TYPE_NOTE_EDITOR);
  g_type_ensure (FB_TYPE_RECORD_EDITOR);
  g_type_ensure (FB_TYPE_SYNC_BANNER);
  g_type_ensure (FB_TYPE_SYNC_STATUS);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/fieldbook/Fieldbook/ui/fb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, sidebar_pane);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, list_pane);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, editor_pane);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, notes_row);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, records_row);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, notes_count);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, records_count);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, notes_conflict);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, records_conflict);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, list_title);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, editor_title);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, new_button);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, delete_button);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, none_page);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, editor_stack);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, note_editor);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, record_editor);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, sync_status);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, sync_banner);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, item_banner);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_to_sidebar_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_to_list_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, sync_banner_show_preferences_cb);

  _fb_window_class_editing_init (widget_class);
  _fb_window_class_actions_init (widget_class);
  _fb_window_class_records_init (widget_class);
  _fb_window_class_search_init (widget_class);
  _fb_window_class_tags_init (widget_class);
  _fb_window_class_transfer_init (widget_class);
  _fb_window_class_sort_init (widget_class);


}

static void
fb_window_init (FbWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->save_delay_ms = SAVE_DELAY_MS;
  self->rejections_told = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);


  self->sync_signals = g_signal_group_new (FB_TYPE_SYNC_MANAGER);
  g_signal_group_connect_swapped (self->sync_signals, "item-rejected",
                                  G_CALLBACK (item_rejected_cb), self);
}
