/* fb-window.c: the main window: collections, the item list and an editor */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-conflict-dialog.h"
#include "fb-history-dialog.h"
#include "fb-item-banner.h"
#include "fb-item-list.h"
#include "fb-item-row.h"
#include "fb-merge.h"
#include "fb-note-editor.h"
#include "fb-read-only-banner.h"
#include "fb-preferences.h"
#include "fb-record-editor.h"
#include "fb-sync-error.h"
#include "fb-store-history.h"
#include "fb-sync-status.h"
#include "fb-trash-window.h"
#include "fb-window.h"

#define SETTINGS_SCHEMA_ID "io.github.fieldbook.Fieldbook"
#define SAVE_DELAY_MS 500

enum {
  NOTES,
  RECORDS,
  N_COLLECTIONS
};

static const char * const collection_names[N_COLLECTIONS] = {
  FB_COLLECTION_NOTES,
  FB_COLLECTION_RECORDS,
};

struct _FbWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar_pane;
  GtkWidget            *list_pane;
  GtkWidget            *editor_pane;
  GtkListBox           *sidebar;
  GtkListBoxRow        *notes_row;
  GtkListBoxRow        *records_row;
  GtkLabel             *notes_count;
  GtkLabel             *records_count;
  GtkWidget            *notes_conflict;
  GtkWidget            *records_conflict;
  AdwWindowTitle       *list_title;
  AdwWindowTitle       *editor_title;
  GtkWidget            *new_button;
  GtkWidget            *delete_button;
  GtkSearchEntry       *search_entry;
  GtkStack             *list_stack;
  GtkListView          *list_view;
  AdwStatusPage        *empty_page;
  AdwStatusPage        *no_results_page;
  AdwStatusPage        *none_page;
  GtkStack             *editor_stack;
  FbNoteEditor         *note_editor;
  FbRecordEditor       *record_editor;
  GtkBox               *status_box;
  GtkRevealer          *banner_revealer;
  GtkLabel             *banner_label;
  GtkButton            *banner_button;
  FbItemBanner         *item_banner;

  FbStore              *store;
  GSettings            *settings;
  guint                 collection;
  gboolean              collection_set;
  /* Every live item of each collection: the list when not searching, and
   * the counts in the sidebar. */
  FbItemList           *all_lists[N_COLLECTIONS];
  /* The current collection filtered by search_text. */
  FbItemList           *search_list;
  char                 *search_text;
  GtkSingleSelection   *selection;

  /* The item in the editor, as last saved or loaded. The editor follows this
   * id, not the selection: saving moves an item to the top of the list. */
  FbItem               *current;
  gboolean              dirty;
  guint                 save_source;
  guint                 save_delay_ms;
  guint                 selecting;
  gboolean              close_anyway;
  AdwToast             *last_toast;
  AdwToast             *error_toast;

  FbSyncManager        *sync_manager;
  GSignalGroup         *sync_signals;
  GtkWidget            *sync_status;
  GtkWidget            *conflict_dialog;
  GtkWidget            *preferences;
  /* The sync error the banner is about (NULL: hidden), and what its button
   * does. */
  GError               *banner_error;
  guint                 banner_action;
  /* "id\nreason" of the server's rejections already told. */
  GHashTable           *rejections_told;

  /* Trash and history (fb-trash-window.c, fb-history-dialog.c): the
   * sidebar's Trash entry, and what Ctrl+Z in the list brings back. */
  GtkWidget            *trash_entry;
  char                 *last_deleted_id;
};

enum {
  BANNER_NONE,
  BANNER_RETRY,
  BANNER_PREFERENCES,
  BANNER_PASSWORD,
};

G_DEFINE_FINAL_TYPE (FbWindow, fb_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_COLLECTION,
  PROP_SYNC_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_list_stack (FbWindow *self);
static void select_current    (FbWindow *self);
static int  collection_index  (const char *collection);

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

GtkBox *
fb_window_get_status_box (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  return self->status_box;
}

FbSyncManager *
fb_window_get_sync_manager (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  return self->sync_manager;
}

static void update_banner (FbWindow *self);

void
fb_window_set_sync_manager (FbWindow      *self,
                            FbSyncManager *manager)
{
  g_return_if_fail (FB_IS_WINDOW (self));
  g_return_if_fail (manager == NULL || FB_IS_SYNC_MANAGER (manager));

  if (!g_set_object (&self->sync_manager, manager))
    return;

  fb_sync_status_set_manager (FB_SYNC_STATUS (self->sync_status), manager);
  g_signal_group_set_target (self->sync_signals, manager);
  g_clear_pointer (&self->banner_error, g_error_free);
  update_banner (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_MANAGER]);
}

const char *
fb_window_get_banner_text (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->banner_revealer))
    return NULL;

  return gtk_label_get_label (self->banner_label);
}

static void
show_toast (FbWindow *self,
            AdwToast *toast)
{
  g_set_object (&self->last_toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
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
static void
show_error (FbWindow   *self,
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
  adw_toast_set_timeout (toast, 0);
  self->error_toast = g_object_ref (toast);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (error_toast_dismissed_cb),
                           self, G_CONNECT_SWAPPED);
  show_toast (self, toast);
}

static char *
display_title (FbItem *item)
{
  g_autofree char *title = g_strstrip (g_strdup (fb_item_get_title (item)));

  if (*title == '\0')
    return g_strdup (_("Untitled"));

  return g_steal_pointer (&title);
}

static const char *
current_id (FbWindow *self)
{
  return self->current != NULL ? fb_item_get_id (self->current) : NULL;
}

static GListModel *
list_model (FbWindow *self)
{
  return gtk_single_selection_get_model (self->selection);
}

static gboolean
is_folded (FbWindow *self)
{
  return adw_leaflet_get_folded (self->leaflet);
}

/* Which editor holds the item: the item's collection decides. */
static gboolean
editing_record (FbWindow *self)
{
  if (self->current != NULL)
    return g_strcmp0 (fb_item_get_collection (self->current), FB_COLLECTION_RECORDS) == 0;

  return self->collection == RECORDS;
}

static JsonObject *
build_body (FbWindow   *self,
            JsonObject *base)
{
  if (editing_record (self))
    return fb_record_editor_build_body (self->record_editor, base);

  return fb_note_editor_build_body (self->note_editor, base);
}

static void
update_actions (FbWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.delete-item",
                                 self->current != NULL && !fb_store_get_read_only (self->store));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-history", self->current != NULL);
}

/* ---- Saving ---- */

static gboolean
save_now (FbWindow *self)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  g_clear_handle_id (&self->save_source, g_source_remove);

  if (!self->dirty || self->current == NULL)
    return TRUE;

  id = g_strdup (fb_item_get_id (self->current));
  body = build_body (self, fb_item_get_body (self->current));

  /* Cleared first: the store tells us about our own save synchronously. */
  self->dirty = FALSE;
  if (!fb_store_update_item (self->store, id, body, &error) &&
      g_error_matches (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND))
    {
      g_autoptr(FbItem) item = NULL;

      /* Removed behind our back (another program, a purge): the words on
       * screen are worth more than the removal. */
      g_clear_error (&error);
      item = fb_store_put_item (self->store, id, fb_item_get_collection (self->current), body, &error);
      if (item != NULL)
        {
          g_set_object (&self->current, item);
          select_current (self);
        }
    }

  if (error != NULL)
    {
      g_autofree char *message = NULL;

      self->dirty = TRUE;
      g_message ("Cannot save %s: %s", id, error->message);
      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("Your changes could not be saved: %s"), error->message);
      show_error (self, message);
      return FALSE;
    }

  self->close_anyway = FALSE;

  return TRUE;
}

gboolean
fb_window_flush (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), FALSE);

  return save_now (self);
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  FbWindow *self = user_data;

  self->save_source = 0;
  save_now (self);

  return G_SOURCE_REMOVE;
}

static void
editor_changed_cb (FbWindow *self)
{
  if (self->current == NULL)
    return;

  self->dirty = TRUE;
  g_clear_handle_id (&self->save_source, g_source_remove);
  if (self->save_delay_ms > 0)
    self->save_source = g_timeout_add (self->save_delay_ms, save_timeout_cb, self);
}

void
fb_window_set_save_delay (FbWindow *self,
                          guint     delay_ms)
{
  g_return_if_fail (FB_IS_WINDOW (self));

  self->save_delay_ms = delay_ms;
}

GtkWidget *
fb_window_get_item_banner (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->item_banner);
}

/* ---- The editor ---- */

static void
show_item (FbWindow *self,
           FbItem   *item)
{
  /* Leaving an item keeps what it says now among its earlier versions. */
  if (self->current != NULL && !fb_store_get_read_only (self->store) &&
      (item == NULL || g_strcmp0 (fb_item_get_id (item), current_id (self)) != 0))
    fb_store_keep_version (self->store, current_id (self), NULL);

  g_set_object (&self->current, item);
  self->dirty = FALSE;
  self->close_anyway = FALSE;

  if (item == NULL)
    {
      gtk_stack_set_visible_child_name (self->editor_stack, "none");
    }
  else if (g_strcmp0 (fb_item_get_collection (item), FB_COLLECTION_RECORDS) == 0)
    {
      fb_record_editor_load (self->record_editor, item);
      gtk_stack_set_visible_child_name (self->editor_stack, "record");
    }
  else
    {
      fb_note_editor_load (self->note_editor, item);
      gtk_stack_set_visible_child_name (self->editor_stack, "note");
    }

  fb_item_banner_set_item (self->item_banner, item);
  update_actions (self);
}

static void
focus_title (FbWindow *self)
{
  if (editing_record (self))
    fb_record_editor_focus_title (self->record_editor);
  else
    fb_note_editor_focus_title (self->note_editor);
}

static guint
find_position (GListModel *model,
               const char *id)
{
  guint n = g_list_model_get_n_items (model);

  /* From the top: the item being edited moves there with each save. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (fb_item_get_id (item), id) == 0)
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}

/* Points the list's selection at the item in the editor (or at nothing if
 * the list does not show it). */
static void
select_current (FbWindow *self)
{
  guint position = GTK_INVALID_LIST_POSITION;

  if (self->current != NULL && list_model (self) != NULL)
    position = find_position (list_model (self), current_id (self));

  if (gtk_single_selection_get_selected (self->selection) == position)
    return;

  self->selecting++;
  gtk_single_selection_set_selected (self->selection, position);
  self->selecting--;

  if (position != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

/* Opens @item in the editor after saving the one there. FALSE if the edits
 * there could not be saved: it stays open so nothing is lost. */
static gboolean
open_item (FbWindow *self,
           FbItem   *item)
{
  if (!save_now (self))
    {
      select_current (self);
      return FALSE;
    }

  show_item (self, item);
  select_current (self);

  return TRUE;
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

static void
update_list_stack (FbWindow *self)
{
  GListModel *model = list_model (self);
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
    }
  else
    {
      adw_status_page_set_icon_name (self->none_page, "accessories-text-editor-symbolic");
      adw_status_page_set_title (self->none_page,
                                 self->collection == RECORDS ? _("No Record Selected")
                                                             : _("No Note Selected"));
    }
}

static void
apply_model (FbWindow *self)
{
  GListModel *model;

  if (self->search_text != NULL)
    {
      if (self->search_list == NULL)
        self->search_list = fb_item_list_new (self->store, collection_names[self->collection]);
      fb_item_list_set_search (self->search_list, self->search_text);
      model = G_LIST_MODEL (self->search_list);
    }
  else
    {
      model = G_LIST_MODEL (self->all_lists[self->collection]);
    }

  if (list_model (self) != model)
    {
      self->selecting++;
      gtk_single_selection_set_model (self->selection, model);
      self->selecting--;
    }

  select_current (self);
  update_list_stack (self);
}

static void
selection_changed_cb (FbWindow *self)
{
  g_autoptr(FbItem) item = NULL;

  if (self->selecting > 0)
    return;

  /* Saving the previous item changes the list: hold on to this one. */
  item = gtk_single_selection_get_selected_item (self->selection);
  if (item != NULL)
    g_object_ref (item);

  /* Nothing selected: the item in the editor moved or left the list; the
   * items-changed handler puts the selection back where it belongs. */
  if (item == NULL)
    return;

  if (self->current != NULL && g_strcmp0 (fb_item_get_id (item), current_id (self)) == 0)
    return;

  if (open_item (self, item) && is_folded (self))
    adw_leaflet_set_visible_child (self->leaflet, self->editor_pane);
}

static void
selection_items_changed_cb (FbWindow   *self,
                            guint       position,
                            guint       removed,
                            guint       added,
                            GListModel *model)
{
  if (gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION)
    select_current (self);

  update_list_stack (self);
}

static void
list_activate_cb (FbWindow *self,
                  guint     position)
{
  if (is_folded (self))
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
  fb_item_row_set_item (FB_ITEM_ROW (gtk_list_item_get_child (list_item)),
                        gtk_list_item_get_item (list_item));
}

static void
factory_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  fb_item_row_set_item (FB_ITEM_ROW (gtk_list_item_get_child (list_item)), NULL);
}

/* ---- Changes from the store ---- */

/* The item in the editor was deleted elsewhere while the person was typing:
 * keep their words by bringing it back (or, if it is gone, as a new item). */
static void
rescue_edits (FbWindow *self,
              FbItem   *deleted)
{
  g_autoptr(JsonObject) body = build_body (self, fb_item_get_body (deleted));
  g_autofree char *id = g_strdup (fb_item_get_id (deleted));
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;

  self->dirty = FALSE;
  g_clear_handle_id (&self->save_source, g_source_remove);

  if (fb_store_restore_item (self->store, id, NULL) &&
      fb_store_update_item (self->store, id, body, NULL))
    item = fb_store_get_item (self->store, id, &error);
  else
    item = fb_store_create_item (self->store, fb_item_get_collection (deleted), body, &error);

  if (item == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Your changes could not be saved: %s"), error->message);

      /* Leave the editor as it is: the text is still there to copy. */
      self->dirty = TRUE;
      show_error (self, message);
      return;
    }

  g_set_object (&self->current, item);
  select_current (self);
}

static void
refresh_editor (FbWindow   *self,
                JsonObject *body)
{
  if (editing_record (self))
    fb_record_editor_refresh (self->record_editor, body);
  else
    fb_note_editor_refresh (self->note_editor, body);
}

/* ---- Collisions on screen ---- */

/* Unsaved typing and a version from elsewhere changed the same lines:
 * nothing is overwritten. The store keeps both as a conflict, what is on
 * screen as this device's side, for the person to resolve (the editor's
 * banner says so). */
static void
keep_collision (FbWindow   *self,
                JsonObject *mine)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup (current_id (self));

  /* Cleared first: the store tells us about this save synchronously. */
  self->dirty = FALSE;
  g_clear_handle_id (&self->save_source, g_source_remove);

  if (!fb_store_keep_edit_in_conflict (self->store, id, mine, &error))
    {
      g_autofree char *message = NULL;

      /* The words stay on screen, unsaved, to be tried again. */
      self->dirty = TRUE;
      g_message ("Cannot keep %s in conflict: %s", id, error->message);
      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("Your changes could not be saved: %s"), error->message);
      show_error (self, message);
    }
}

/* A new version arrived from elsewhere while the person has unsaved edits:
 * merge the two against the version the edits started from, as sync does,
 * so neither side's words are lost. A clean result is saved with the edits
 * later; a collision becomes a conflict at once. */
static void
merge_into_editor (FbWindow *self,
                   FbItem   *base,
                   FbItem   *theirs)
{
  g_autoptr(JsonObject) mine = build_body (self, fb_item_get_body (base));
  g_autoptr(JsonObject) merged = NULL;
  gboolean merged_deleted = FALSE;

  if (fb_item_get_state (theirs) != FB_ITEM_STATE_CONFLICT &&
      fb_merge_bodies (fb_item_get_body (base), mine, fb_item_get_body (theirs),
                       &merged, &merged_deleted) == FB_MERGE_CLEAN && merged != NULL)
    {
      refresh_editor (self, merged);
      return;
    }

  keep_collision (self, mine);
}

/* The conflict banner follows the item on screen. */
static void
item_banner_resolve_cb (FbWindow   *self,
                        const char *id)
{
  GtkWindow *dialog = fb_window_show_conflicts (self);

  fb_conflict_dialog_show_item (FB_CONFLICT_DIALOG (dialog), id);
}

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
store_item_changed_cb (FbWindow *self,
                       FbItem   *item,
                       FbStore  *store)
{
  g_autoptr(FbItem) before = NULL;
  g_autoptr(JsonObject) shown = NULL;

  if (self->current == NULL || g_strcmp0 (fb_item_get_id (item), current_id (self)) != 0)
    return;

  if (fb_item_get_deleted (item))
    {
      if (self->dirty)
        rescue_edits (self, item);
      else
        show_item (self, NULL);
      return;
    }

  before = g_object_ref (self->current);
  g_set_object (&self->current, item);

  /* Our own saves clear dirty first, so this came from elsewhere. */
  if (self->dirty)
    {
      if (!fb_body_equal (fb_item_get_body (before), fb_item_get_body (item)))
        merge_into_editor (self, before, item);
      /* Else mine as stored collided with the server's: the typing on
       * screen is saved on top of it as usual, the conflict stays. */
    }
  else
    {
      shown = build_body (self, fb_item_get_body (item));
      if (!fb_body_equal (shown, fb_item_get_body (item)))
        refresh_editor (self, fb_item_get_body (item));
    }

  /* The nested saves above may have moved current on already. */
  fb_item_banner_set_item (self->item_banner, self->current);
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
      g_object_set (self->search_entry, "placeholder-text", _("Search Records"), NULL);
      new_label = _("New Record");
      delete_label = _("Delete Record");
    }
  else
    {
      adw_window_title_set_title (self->list_title, _("Notes"));
      adw_status_page_set_title (self->empty_page, _("No Notes Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Press Ctrl+N or the + button to write your first note"));
      g_object_set (self->search_entry, "placeholder-text", _("Search Notes"), NULL);
      new_label = _("New Note");
      delete_label = _("Delete Note");
    }

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
  if (!save_now (self))
    {
      self->selecting++;
      gtk_list_box_select_row (self->sidebar,
                               self->collection == RECORDS ? self->records_row : self->notes_row);
      self->selecting--;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLLECTION]);
      return;
    }
  show_item (self, NULL);

  self->collection = index;
  self->collection_set = TRUE;
  g_clear_object (&self->search_list);

  self->selecting++;
  gtk_list_box_select_row (self->sidebar, index == RECORDS ? self->records_row : self->notes_row);
  self->selecting--;

  update_collection_labels (self);
  apply_model (self);

  /* Open the newest item, so there is something to read straight away. */
  model = list_model (self);
  if (g_list_model_get_n_items (model) > 0)
    {
      g_autoptr(FbItem) first = g_list_model_get_item (model, 0);

      open_item (self, first);
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
  if (is_folded (self))
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

/* ---- Search ---- */

static void
set_search_text (FbWindow   *self,
                 const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  char *new_text = *stripped != '\0' ? g_steal_pointer (&stripped) : NULL;

  if (g_strcmp0 (new_text, self->search_text) == 0)
    {
      g_free (new_text);
      return;
    }

  g_free (self->search_text);
  self->search_text = new_text;
  apply_model (self);
}

static void
search_changed_cb (FbWindow *self)
{
  set_search_text (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
stop_search_cb (FbWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  set_search_text (self, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* Enter opens the best match. */
static void
search_activate_cb (FbWindow *self)
{
  GListModel *model = list_model (self);
  g_autoptr(FbItem) first = NULL;

  set_search_text (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  if (g_list_model_get_n_items (model) == 0)
    return;

  first = g_list_model_get_item (model, 0);
  if (open_item (self, first))
    {
      if (is_folded (self))
        adw_leaflet_set_visible_child (self->leaflet, self->editor_pane);
      gtk_widget_child_focus (GTK_WIDGET (self->editor_stack), GTK_DIR_TAB_FORWARD);
    }
}

/* ---- Actions ---- */

static void
new_item_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;

  if (!save_now (self))
    return;

  /* A new, empty item would not match the search. */
  if (self->search_text != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      set_search_text (self, NULL);
    }

  if (self->collection == RECORDS)
    body = fb_record_body_new ("");
  else
    body = fb_note_body_new ("", "");

  item = fb_store_create_item (self->store, collection_names[self->collection], body, &error);
  if (item == NULL)
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("The new item could not be created: %s"), error->message);
      show_error (self, message);
      return;
    }

  show_item (self, item);
  select_current (self);
  if (is_folded (self))
    adw_leaflet_set_visible_child (self->leaflet, self->editor_pane);
  focus_title (self);
}

static void
delete_item_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *toast_title = NULL;
  GListModel *model;
  guint position;
  guint n_items;
  AdwToast *toast;

  if (self->current == NULL)
    return;

  /* Undo brings back what was on screen. If that cannot be saved, the
   * person asked for it to go anyway. */
  save_now (self);
  self->dirty = FALSE;

  id = g_strdup (current_id (self));
  title = display_title (self->current);
  position = gtk_single_selection_get_selected (self->selection);

  if (!fb_store_delete_item (self->store, id, &error))
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("The item could not be deleted: %s"), error->message);
      show_error (self, message);
      return;
    }

  /* The store's item-changed closed the editor; open the neighbour. */
  if (self->current != NULL)
    show_item (self, NULL);

  model = list_model (self);
  n_items = g_list_model_get_n_items (model);
  if (n_items > 0)
    {
      g_autoptr(FbItem) next = NULL;

      if (position == GTK_INVALID_LIST_POSITION)
        position = 0;
      next = g_list_model_get_item (model, MIN (position, n_items - 1));
      open_item (self, next);
    }

  escaped = g_markup_escape_text (title, -1);
  /* TRANSLATORS: %s is the title of the note or record */
  toast_title = g_strdup_printf (_("“%s” deleted"), escaped);
  toast = adw_toast_new (toast_title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-delete");
  adw_toast_set_action_target_value (toast, g_variant_new_string (id));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  /* Longer than the default: Ctrl+Z in the list and the Trash also undo. */
  adw_toast_set_timeout (toast, 15);
  show_toast (self, toast);

  g_free (self->last_deleted_id);
  self->last_deleted_id = g_steal_pointer (&id);
}

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;

  save_now (self);

  if (!fb_store_restore_item (self->store, id, &error) ||
      (item = fb_store_get_item (self->store, id, &error)) == NULL)
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("The item could not be brought back: %s"), error->message);
      show_error (self, message);
      return;
    }

  if (self->last_toast != NULL)
    adw_toast_dismiss (self->last_toast);
  if (g_strcmp0 (self->last_deleted_id, id) == 0)
    g_clear_pointer (&self->last_deleted_id, g_free);

  fb_window_set_collection (self, fb_item_get_collection (item));
  open_item (self, item);
}

/* ---- Trash and history ---- */

/* Ctrl+Z in the list: the last delete made in this window comes back. */
static void
undo_last_delete_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);
  g_autofree char *id = g_steal_pointer (&self->last_deleted_id);

  if (id != NULL)
    gtk_widget_activate_action (widget, "win.undo-delete", "s", id);
}

static void
show_history_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);
  FbHistoryDialog *dialog;

  if (self->current == NULL)
    return;

  /* What is on screen is the current version the others are shown against. */
  save_now (self);

  dialog = fb_history_dialog_new (self->store, current_id (self));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

GtkWidget *
fb_window_get_trash_entry (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  return self->trash_entry;
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);

  if (is_folded (self))
    adw_leaflet_set_visible_child (self->leaflet, self->list_pane);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

/* ---- Sync: the banner, rejected items, conflicts, preferences ---- */

static gboolean
error_is_unreachable (const GError *error)
{
  return g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNREACHABLE) ||
         g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_TIMEOUT);
}

/* When the next try is, as a whole sentence; computed when the state
 * changes, so it is a countdown from then, good to a few seconds. */
static char *
describe_unreachable (gint64 next_retry)
{
  gint64 seconds;

  if (next_retry <= 0)
    return g_strdup (_("Can’t reach the server. Fieldbook will try again."));

  seconds = (next_retry - g_get_real_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  seconds = MAX (seconds, 1);
  if (seconds < 60)
    return g_strdup_printf (ngettext ("Can’t reach the server. Trying again in %u second.",
                                      "Can’t reach the server. Trying again in %u seconds.",
                                      (guint) seconds),
                            (guint) seconds);
  if (seconds < 60 * 60)
    {
      guint minutes = (seconds + 59) / 60;

      return g_strdup_printf (ngettext ("Can’t reach the server. Trying again in %u minute.",
                                        "Can’t reach the server. Trying again in %u minutes.",
                                        minutes),
                              minutes);
    }

  {
    g_autoptr(GDateTime) retry = g_date_time_new_from_unix_local (next_retry / G_USEC_PER_SEC);
    /* TRANSLATORS: a time of day, see the strftime manual */
    g_autofree char *time_str = g_date_time_format (retry, _("%H:%M"));

    /* TRANSLATORS: %s is a time of day, e.g. 14:05 */
    return g_strdup_printf (_("Can’t reach the server. Trying again at %s."), time_str);
  }
}

static char *
describe_failure (const GError *error,
                  gint64        next_retry)
{
  g_autofree char *words = fb_sync_describe_error (error);
  g_autoptr(GDateTime) retry = NULL;
  g_autofree char *time_str = NULL;

  if (next_retry <= 0)
    return g_steal_pointer (&words);

  retry = g_date_time_new_from_unix_local (next_retry / G_USEC_PER_SEC);
  /* TRANSLATORS: a time of day, see the strftime manual */
  time_str = g_date_time_format (retry, _("%H:%M"));
  /* TRANSLATORS: %1$s says why syncing failed (a sentence), %2$s is a time of day */
  return g_strdup_printf (_("%1$s Trying again at %2$s."), words, time_str);
}

static void
hide_banner (FbWindow *self)
{
  g_clear_pointer (&self->banner_error, g_error_free);
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

/* One banner for the sync problem of the moment. It follows the manager's
 * state and last error: the same failure again only refreshes its words,
 * and a successful run takes it away. */
static void
update_banner (FbWindow *self)
{
  const GError *error;
  g_autofree char *text = NULL;
  const char *button = NULL;
  guint action = BANNER_NONE;

  /* A read-only store has a banner of its own, which says it all. */
  if (self->sync_manager == NULL || fb_store_get_read_only (self->store))
    {
      hide_banner (self);
      return;
    }

  error = fb_sync_manager_get_last_error (self->sync_manager);
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      hide_banner (self);
      return;
    }

  switch (fb_sync_manager_get_state (self->sync_manager))
    {
    case FB_SYNC_STATE_SYNCING:
      /* Trying again: what was said stays until the outcome is known. */
      return;
    case FB_SYNC_STATE_NOT_CONFIGURED:
    case FB_SYNC_STATE_OFFLINE:
    case FB_SYNC_STATE_IDLE:
      /* Turned off, or no network: the status icon says so already. */
      hide_banner (self);
      return;
    case FB_SYNC_STATE_WAITING_TO_RETRY:
      if (error_is_unreachable (error))
        text = describe_unreachable (fb_sync_manager_get_next_retry (self->sync_manager));
      else if (g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_STORE))
        /* A full disk or a failing database: a retry alone will not help,
         * so no time; the words say what to do. */
        text = fb_sync_describe_error (error);
      else
        text = describe_failure (error, fb_sync_manager_get_next_retry (self->sync_manager));
      button = _("_Retry");
      action = BANNER_RETRY;
      break;
    case FB_SYNC_STATE_NEEDS_ATTENTION:
    default:
      if (g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED))
        text = g_strdup (_("The server refused the user name or password."));
      else
        text = fb_sync_describe_error (error);
      button = _("_Preferences");
      action = g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED) ||
               g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_FORBIDDEN)
               ? BANNER_PASSWORD : BANNER_PREFERENCES;
      break;
    }

  if (self->banner_error == NULL ||
      !g_error_matches (self->banner_error, error->domain, error->code) ||
      g_strcmp0 (self->banner_error->message, error->message) != 0)
    {
      g_clear_pointer (&self->banner_error, g_error_free);
      self->banner_error = g_error_copy (error);
    }

  gtk_label_set_label (self->banner_label, text);
  gtk_button_set_label (self->banner_button, button);
  self->banner_action = action;
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
banner_button_clicked_cb (FbWindow *self)
{
  switch (self->banner_action)
    {
    case BANNER_RETRY:
      if (self->sync_manager != NULL)
        fb_sync_manager_sync_now (self->sync_manager);
      break;
    case BANNER_PREFERENCES:
      fb_window_show_preferences (self, FALSE);
      break;
    case BANNER_PASSWORD:
      fb_window_show_preferences (self, TRUE);
      break;
    case BANNER_NONE:
    default:
      break;
    }
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
  if (item != NULL)
    title = display_title (item);
  else
    title = g_strdup (_("Untitled"));

  if (reason != NULL && *reason != '\0')
    /* TRANSLATORS: %1$s is the title of the note or record, %2$s the server's reason */
    message = g_strdup_printf (_("The server did not accept “%1$s”: %2$s"), title, reason);
  else
    /* TRANSLATORS: %s is the title of the note or record */
    message = g_strdup_printf (_("The server did not accept “%s”"), title);

  escaped = g_markup_escape_text (message, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, 10);
  show_toast (self, toast);
}

GtkWindow *
fb_window_show_preferences (FbWindow *self,
                            gboolean  focus_password)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  if (self->preferences == NULL)
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

      self->preferences = fb_preferences_new (GTK_WINDOW (self), self->sync_manager);
      g_object_add_weak_pointer (G_OBJECT (self->preferences), (gpointer *) &self->preferences);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (self->preferences), TRUE);
      /* So the application knows it is open (see fb-application.c). */
      if (app != NULL)
        gtk_window_set_application (GTK_WINDOW (self->preferences), app);
    }

  if (focus_password)
    fb_preferences_focus_password (FB_PREFERENCES (self->preferences));
  gtk_window_present (GTK_WINDOW (self->preferences));

  return GTK_WINDOW (self->preferences);
}

GtkWindow *
fb_window_show_conflicts (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  if (self->conflict_dialog == NULL)
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

      self->conflict_dialog = fb_conflict_dialog_new (GTK_WINDOW (self), self->store);
      g_object_add_weak_pointer (G_OBJECT (self->conflict_dialog), (gpointer *) &self->conflict_dialog);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (self->conflict_dialog), TRUE);
      if (app != NULL)
        gtk_window_set_application (GTK_WINDOW (self->conflict_dialog), app);
    }

  gtk_window_present (GTK_WINDOW (self->conflict_dialog));

  return GTK_WINDOW (self->conflict_dialog);
}

static void
resolve_conflicts_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  fb_window_show_conflicts (FB_WINDOW (widget));
}

/* ---- GtkWindow ---- */

static gboolean
fb_window_close_request (GtkWindow *window)
{
  FbWindow *self = FB_WINDOW (window);

  if (!save_now (self) && !self->close_anyway)
    {
      /* The error toast is up; a second close means "discard". */
      self->close_anyway = TRUE;
      show_error (self, _("Your last changes could not be saved. Close the window again to discard them."));
      return TRUE;
    }

  return GTK_WINDOW_CLASS (fb_window_parent_class)->close_request (window);
}

/* ---- GObject ---- */

static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SETTINGS_SCHEMA_ID, TRUE);

  if (schema == NULL)
    {
      g_debug ("Settings schema %s is not installed; the window will not remember its state",
               SETTINGS_SCHEMA_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

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
  update_actions (self);
  update_banner (self);
}

static void
setup_read_only (FbWindow *self)
{
  GtkWidget *revealer = GTK_WIDGET (self->banner_revealer);

  /* Under the editor's header bar, above the sync banner. */
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (revealer)),
                              fb_read_only_banner_new (self->store),
                              gtk_widget_get_prev_sibling (revealer));
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

  self->settings = settings_new_if_installed ();
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
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  /* After: the list view must have seen the change before we select. */
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (selection_items_changed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (factory_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (factory_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (factory_unbind_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->store, "item-changed",
                           G_CALLBACK (store_item_changed_cb), self, G_CONNECT_SWAPPED);
  setup_read_only (self);
  g_signal_connect_object (self->store, "notify::conflict-count",
                           G_CALLBACK (update_conflict_marks), self, G_CONNECT_SWAPPED);
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

  update_actions (self);
}

static void
fb_window_dispose (GObject *object)
{
  FbWindow *self = FB_WINDOW (object);

  /* Normally done by close-request; a window destroyed directly must not
   * lose edits either. */
  if (self->store != NULL)
    save_now (self);
  g_clear_handle_id (&self->save_source, g_source_remove);

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
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fb_window_parent_class)->dispose (object);
}

static void
fb_window_finalize (GObject *object)
{
  FbWindow *self = FB_WINDOW (object);

  g_free (self->search_text);
  g_free (self->last_deleted_id);
  g_clear_pointer (&self->banner_error, g_error_free);
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
  gtk_widget_class_bind_template_child (widget_class, FbWindow, status_box);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, banner_button);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, item_banner);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_to_sidebar_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_to_list_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, editor_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, banner_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, item_banner_resolve_cb);

  gtk_widget_class_install_action (widget_class, "win.new-item", NULL, new_item_action);
  gtk_widget_class_install_action (widget_class, "win.delete-item", NULL, delete_item_action);
  gtk_widget_class_install_action (widget_class, "win.undo-delete", "s", undo_delete_action);
  gtk_widget_class_install_action (widget_class, "win.undo-last-delete", NULL, undo_last_delete_action);
  gtk_widget_class_install_action (widget_class, "win.show-history", NULL, show_history_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.resolve-conflicts", NULL, resolve_conflicts_action);
  gtk_widget_class_install_property_action (widget_class, "win.collection", "collection");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-item", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
fb_window_init (FbWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->save_delay_ms = SAVE_DELAY_MS;
  self->rejections_told = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  self->sync_status = fb_sync_status_new (NULL);
  gtk_box_append (self->status_box, self->sync_status);

  self->sync_signals = g_signal_group_new (FB_TYPE_SYNC_MANAGER);
  g_signal_group_connect_swapped (self->sync_signals, "notify::state",
                                  G_CALLBACK (update_banner), self);
  g_signal_group_connect_swapped (self->sync_signals, "notify::last-error",
                                  G_CALLBACK (update_banner), self);
  g_signal_group_connect_swapped (self->sync_signals, "item-rejected",
                                  G_CALLBACK (item_rejected_cb), self);
}
