/* fb-window-actions.c: the window's actions and shortcuts */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-attachments.h"
#include "fb-conflict-dialog.h"
#include "fb-history-dialog.h"
#include "fb-preferences.h"
#include "fb-window-private.h"

/* The win.* actions (see fb-window.h), their shortcuts, and the dialogs
 * they open: history, conflicts, preferences. */

void
_fb_window_add_new_item (FbWindow   *self,
                         JsonObject *body)
{
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;

  if (!_fb_window_save_now (self))
    return;

  /* A new, empty item would not match the search. */
  if (self->search_text != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      _fb_window_set_search_text (self, NULL);
    }

  item = fb_store_create_item (self->store, collection_names[self->collection], body, &error);
  if (item == NULL)
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("The new item could not be created: %s"), error->message);
      _fb_window_show_error (self, message);
      return;
    }

  _fb_window_show_item (self, item);
  _fb_window_select_current (self);
  if (_fb_window_is_folded (self))
    adw_leaflet_set_visible_child (self->leaflet, self->editor_pane);
  _fb_window_focus_title (self);
}

static void
new_item_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);
  g_autoptr(JsonObject) body = NULL;

  /* With templates, "New Record" asks which (fb-window-records.c). */
  if (self->collection == RECORDS && _fb_window_ask_template (self))
    return;

  if (self->collection == RECORDS)
    body = fb_record_body_new ("");
  else
    body = fb_note_body_new ("", "");
  _fb_window_add_new_item (self, body);
}

/* Makes the copy of item @id and opens it; @fetch_error (nullable) says
 * why a file of it could not be downloaded first. */
static void
duplicate_now (FbWindow     *self,
               const char   *id,
               const GError *fetch_error)
{
  g_autoptr(FbItem) copy = NULL;
  g_autoptr(GError) error = NULL;
  guint n_left_out = 0;

  copy = fb_store_duplicate_item (self->store, id, &n_left_out, &error);
  if (copy == NULL)
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("The item could not be duplicated: %s"), error->message);
      _fb_window_show_error (self, message);
      return;
    }

  /* The same words and tags: a search or a tag that showed the item
   * shows the copy too. */
  _fb_window_show_item (self, copy);
  _fb_window_select_current (self);
  _fb_window_focus_title (self);

  /* Not hidden: the copy lacks files whose data is not on this device. */
  if (n_left_out > 0 && fetch_error != NULL)
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s says why, with the file's name */
      message = g_strdup_printf (ngettext ("%u attachment was not copied, since it could not be downloaded: %s",
                                           "%u attachments were not copied, since they could not be downloaded: %s",
                                           n_left_out),
                                 n_left_out, fetch_error->message);
      _fb_window_show_error (self, message);
    }
  else if (n_left_out > 0)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (ngettext ("%u attachment was not copied: only the server has its file. "
                                           "Open it in the original to download it, then duplicate again.",
                                           "%u attachments were not copied: only the server has their files. "
                                           "Open them in the original to download them, then duplicate again.",
                                           n_left_out),
                                 n_left_out);
      _fb_window_show_error (self, message);
    }
}

typedef struct
{
  GWeakRef  window;
  char     *id;
} DuplicateFetch;

static void
duplicate_fetched_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  DuplicateFetch *fetch = user_data;
  g_autoptr(FbWindow) self = g_weak_ref_get (&fetch->window);
  g_autoptr(GError) error = NULL;

  fb_sync_manager_fetch_missing_attachments_finish (FB_SYNC_MANAGER (object), result, &error);
  if (self != NULL)
    duplicate_now (self, fetch->id, error);
  g_weak_ref_clear (&fetch->window);
  g_free (fetch->id);
  g_free (fetch);
}

/* A copy of the item on screen as it is now (saved first), opened, so that
 * yesterday's record can become today's with a few fields changed. Its
 * files that only the server has are downloaded first, when a sync is set
 * up, so that the copy has them too. */
static void
duplicate_item_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);
  DuplicateFetch *fetch;

  if (self->current == NULL || !_fb_window_save_now (self))
    return;

  if (!fb_store_has_files_not_here (self->store, _fb_window_current_id (self)) ||
      self->sync_manager == NULL ||
      fb_sync_manager_get_state (self->sync_manager) == FB_SYNC_STATE_NOT_CONFIGURED)
    {
      duplicate_now (self, _fb_window_current_id (self), NULL);
      return;
    }

  _fb_window_show_toast (self, adw_toast_new (_("Downloading the files first, for the copy…")));
  fetch = g_new0 (DuplicateFetch, 1);
  g_weak_ref_init (&fetch->window, self);
  fetch->id = g_strdup (_fb_window_current_id (self));
  fb_sync_manager_fetch_missing_attachments_async (self->sync_manager, fetch->id, NULL,
                                                   duplicate_fetched_cb, fetch);
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
  _fb_window_save_now (self);
  self->dirty = FALSE;

  id = g_strdup (_fb_window_current_id (self));
  title = fb_body_dup_display_title (fb_item_get_body (self->current));
  position = gtk_single_selection_get_selected (self->selection);

  if (!fb_store_delete_item (self->store, id, &error))
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("The item could not be deleted: %s"), error->message);
      _fb_window_show_error (self, message);
      return;
    }

  /* The store's item-changed closed the editor; open the neighbour. */
  if (self->current != NULL)
    _fb_window_show_item (self, NULL);

  model = _fb_window_list_model (self);
  n_items = g_list_model_get_n_items (model);
  if (n_items > 0)
    {
      g_autoptr(FbItem) next = NULL;

      if (position == GTK_INVALID_LIST_POSITION)
        position = 0;
      next = g_list_model_get_item (model, MIN (position, n_items - 1));
      _fb_window_open_item (self, next);
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
  adw_toast_set_timeout (toast, FB_TOAST_UNDO_SECONDS);
  _fb_window_show_toast (self, toast);

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

  _fb_window_save_now (self);

  if (!fb_store_restore_item (self->store, id, &error) ||
      (item = fb_store_get_item (self->store, id, &error)) == NULL)
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("The item could not be brought back: %s"), error->message);
      _fb_window_show_error (self, message);
      return;
    }

  if (self->last_toast != NULL)
    fb_toast_dismiss (self->last_toast);
  if (g_strcmp0 (self->last_deleted_id, id) == 0)
    g_clear_pointer (&self->last_deleted_id, g_free);

  fb_window_set_collection (self, fb_item_get_collection (item));
  _fb_window_open_item (self, item);
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
  _fb_window_save_now (self);

  dialog = fb_history_dialog_new (self->store, _fb_window_current_id (self));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);

  if (_fb_window_is_folded (self))
    adw_leaflet_set_visible_child (self->leaflet, self->list_pane);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

/* ---- Conflicts and preferences ---- */

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
      fb_conflict_dialog_set_sync_manager (FB_CONFLICT_DIALOG (self->conflict_dialog), self->sync_manager);
      g_object_add_weak_pointer (G_OBJECT (self->conflict_dialog), (gpointer *) &self->conflict_dialog);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (self->conflict_dialog), TRUE);
      if (app != NULL)
        gtk_window_set_application (GTK_WINDOW (self->conflict_dialog), app);
    }

  gtk_window_present (GTK_WINDOW (self->conflict_dialog));

  return GTK_WINDOW (self->conflict_dialog);
}

static void
show_preferences_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  fb_window_show_preferences (FB_WINDOW (widget), FALSE);
}

/* Ctrl+R. Without a server there is nothing to sync with: the
 * preferences say how to set one up. */
static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);

  if (self->sync_manager == NULL ||
      fb_sync_manager_get_state (self->sync_manager) == FB_SYNC_STATE_NOT_CONFIGURED)
    {
      fb_window_show_preferences (self, FALSE);
      return;
    }

  fb_sync_manager_sync_now (self->sync_manager);
}

/* Ctrl+Shift+P: the note rendered for reading, or back to its Markdown. */
static void
reading_view_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);

  if (self->current == NULL ||
      g_strcmp0 (fb_item_get_collection (self->current), FB_COLLECTION_NOTES) != 0)
    return;

  /* What is rendered is what is saved. */
  _fb_window_save_now (self);
  fb_note_editor_set_reading (self->note_editor, !fb_note_editor_get_reading (self->note_editor));
}

/* Ctrl+Alt+A: a file chosen (the portal in Flatpak) is attached to the note or record. */
static void
attach_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);

  if (self->current == NULL)
    return;

  if (g_strcmp0 (fb_item_get_collection (self->current), FB_COLLECTION_RECORDS) == 0)
    gtk_widget_activate_action (GTK_WIDGET (fb_record_editor_get_attachment_strip (self->record_editor)),
                                "attachments.add-file", NULL);
  else
    gtk_widget_activate_action (GTK_WIDGET (fb_note_editor_get_attachment_strip (self->note_editor)),
                                "attachments.add-file", NULL);
}

static void
resolve_conflicts_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  fb_window_show_conflicts (FB_WINDOW (widget));
}

void
_fb_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new-item", NULL, new_item_action);
  gtk_widget_class_install_action (widget_class, "win.duplicate-item", NULL, duplicate_item_action);
  gtk_widget_class_install_action (widget_class, "win.delete-item", NULL, delete_item_action);
  gtk_widget_class_install_action (widget_class, "win.undo-delete", "s", undo_delete_action);
  gtk_widget_class_install_action (widget_class, "win.undo-last-delete", NULL, undo_last_delete_action);
  gtk_widget_class_install_action (widget_class, "win.show-history", NULL, show_history_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.resolve-conflicts", NULL, resolve_conflicts_action);
  gtk_widget_class_install_action (widget_class, "win.show-preferences", NULL, show_preferences_action);
  gtk_widget_class_install_action (widget_class, "win.sync-now", NULL, sync_now_action);
  gtk_widget_class_install_action (widget_class, "win.reading-view", NULL, reading_view_action);
  gtk_widget_class_install_action (widget_class, "win.attach-file", NULL, attach_file_action);
  gtk_widget_class_install_property_action (widget_class, "win.collection", "collection");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-item", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.sync-now", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.reading-view", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.resolve-conflicts", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_ALT_MASK,
                                       "win.attach-file", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK,
                                       "win.show-history", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK,
                                       "win.collection", "s", FB_COLLECTION_NOTES);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK,
                                       "win.collection", "s", FB_COLLECTION_RECORDS);
}
