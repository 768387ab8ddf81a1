/* fb-window-editing.c: the window's editor: loading, saving, the selection, changes from the store */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-conflict-dialog.h"
#include "fb-edit-merge.h"
#include "fb-store-history.h"
#include "fb-window-private.h"

/* What is in the editor and how it gets saved: the item follows the
 * selection, typing is saved after a pause, and versions from elsewhere
 * reach the editor without losing what is typed there. */

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

/* ---- Saving ---- */

gboolean
_fb_window_save_now (FbWindow *self)
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
          _fb_window_select_current (self);
        }
    }

  if (error != NULL)
    {
      g_autofree char *message = NULL;

      self->dirty = TRUE;
      g_message ("Cannot save %s: %s", id, error->message);
      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("Your changes could not be saved: %s"), error->message);
      _fb_window_show_error (self, message);
      _fb_window_update_header (self);
      return FALSE;
    }

  self->close_anyway = FALSE;
  _fb_window_update_header (self);

  return TRUE;
}

gboolean
fb_window_flush (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), FALSE);

  return _fb_window_save_now (self);
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  FbWindow *self = user_data;

  self->save_source = 0;
  /* Not while an import holds the file (it would wait for it): the save
   * comes when the import ends (fb-window-transfer.c). */
  if (_fb_window_is_importing (self))
    return G_SOURCE_REMOVE;
  _fb_window_save_now (self);

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
  _fb_window_update_header (self);
}

void
fb_window_set_save_delay (FbWindow *self,
                          guint     delay_ms)
{
  g_return_if_fail (FB_IS_WINDOW (self));

  self->save_delay_ms = delay_ms;
}

/* ---- The editor and the selection ---- */

void
_fb_window_show_item (FbWindow *self,
                      FbItem   *item)
{
  /* Leaving an item keeps what it says now among its earlier versions. */
  if (self->current != NULL && !fb_store_get_read_only (self->store) &&
      (item == NULL || g_strcmp0 (fb_item_get_id (item), _fb_window_current_id (self)) != 0))
    fb_store_keep_version (self->store, _fb_window_current_id (self), NULL);

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
  {
    gboolean record = item != NULL && g_strcmp0 (fb_item_get_collection (item), FB_COLLECTION_RECORDS) == 0;

    fb_attachment_strip_set_item (fb_note_editor_get_attachment_strip (self->note_editor), self->store,
                                  item != NULL && !record ? fb_item_get_id (item) : NULL);
    fb_attachment_strip_set_item (fb_record_editor_get_attachment_strip (self->record_editor), self->store,
                                  record ? fb_item_get_id (item) : NULL);
  }

  fb_item_banner_set_item (self->item_banner, item);
  _fb_window_tags_item_shown (self, item);
  _fb_window_update_actions (self);
  _fb_window_update_header (self);
}

void
_fb_window_focus_title (FbWindow *self)
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

  /* The window's lists know where each item is without reading the rows:
   * with 100,000 items, reading them all took seconds. */
  if (FB_IS_ITEM_LIST (model))
    return fb_item_list_find (FB_ITEM_LIST (model), id);

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
void
_fb_window_select_current (FbWindow *self)
{
  guint position = GTK_INVALID_LIST_POSITION;

  if (self->current != NULL && _fb_window_list_model (self) != NULL)
    position = find_position (_fb_window_list_model (self), _fb_window_current_id (self));

  if (gtk_single_selection_get_selected (self->selection) == position)
    return;

  self->selecting++;
  gtk_single_selection_set_selected (self->selection, position);
  self->selecting--;

  if (position != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

static GtkAdjustment *
list_adjustment (FbWindow *self)
{
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
}

void
_fb_window_remember_list_place (FbWindow *self)
{
  if (self->scroll_back_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->list_view), self->scroll_back_id);
      self->scroll_back_id = 0;
    }
  self->pre_search_scroll = gtk_adjustment_get_value (list_adjustment (self));
}

/* The list's height comes with its next layout: until it is tall enough,
 * setting the value would stop short. A list that shrank meanwhile gets
 * as far as it goes. */
static gboolean
scroll_back_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  FbWindow *self = user_data;
  GtkAdjustment *adjustment = list_adjustment (self);
  double most = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  if (most < self->pre_search_scroll &&
      gdk_frame_clock_get_frame_counter (clock) < self->scroll_back_frame + 10)
    return G_SOURCE_CONTINUE;

  gtk_adjustment_set_value (adjustment, self->pre_search_scroll);
  self->scroll_back_id = 0;
  return G_SOURCE_REMOVE;
}

void
_fb_window_restore_list_place (FbWindow   *self,
                               const char *before)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->list_view));

  if (g_strcmp0 (before, _fb_window_current_id (self)) != 0 || clock == NULL)
    return;

  self->scroll_back_frame = gdk_frame_clock_get_frame_counter (clock);
  if (self->scroll_back_id == 0)
    self->scroll_back_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view),
                                                        scroll_back_cb, self, NULL);
}

/* Opens @item in the editor after saving the one there. FALSE if the edits
 * there could not be saved: it stays open so nothing is lost. */
gboolean
_fb_window_open_item (FbWindow *self,
                      FbItem   *item)
{
  if (!_fb_window_save_now (self))
    {
      _fb_window_select_current (self);
      return FALSE;
    }

  _fb_window_show_item (self, item);
  _fb_window_select_current (self);

  return TRUE;
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

  if (self->current != NULL && g_strcmp0 (fb_item_get_id (item), _fb_window_current_id (self)) == 0)
    return;

  if (_fb_window_open_item (self, item) && _fb_window_is_folded (self))
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
    _fb_window_select_current (self);

  _fb_window_update_list_stack (self);
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
      _fb_window_show_error (self, message);
      return;
    }

  g_set_object (&self->current, item);
  _fb_window_select_current (self);
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

/* A new version arrived from elsewhere while the person has unsaved edits
 * (fb_edit_merge () decides): a clean merge is shown and saved with the
 * edits later; a collision is kept by the store as a conflict, what is on
 * screen as this device's side, and the editor's banner says so. */
static void
merge_into_editor (FbWindow *self,
                   FbItem   *base,
                   FbItem   *theirs)
{
  g_autoptr(JsonObject) mine = build_body (self, fb_item_get_body (base));
  g_autoptr(JsonObject) merged = NULL;
  g_autoptr(GError) error = NULL;
  FbMergeOutcome outcome;
  gboolean dirty = self->dirty;
  guint save_source = self->save_source;

  /* Cleared first: a conflict kept tells us about its save synchronously. */
  self->dirty = FALSE;
  self->save_source = 0;

  if (!fb_edit_merge (self->store, base, mine, theirs, &outcome, &merged, &error))
    {
      g_autofree char *message = NULL;

      /* The words stay on screen, unsaved, to be tried again. */
      self->dirty = dirty;
      self->save_source = save_source;
      g_message ("Cannot keep %s in conflict: %s", fb_item_get_id (theirs), error->message);
      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("Your changes could not be saved: %s"), error->message);
      _fb_window_show_error (self, message);
      return;
    }

  if (outcome == FB_MERGE_CLEAN)
    {
      /* Still unsaved: the merge goes out with the next save. */
      self->dirty = dirty;
      self->save_source = save_source;
      refresh_editor (self, merged);
      return;
    }

  if (save_source != 0)
    g_source_remove (save_source);
}

/* The conflict banner follows the item on screen. */
static void
item_banner_resolve_cb (FbWindow   *self,
                        const char *id)
{
  GtkWindow *dialog = fb_window_show_conflicts (self);

  fb_conflict_dialog_show_item (FB_CONFLICT_DIALOG (dialog), id);
}

static void
store_item_changed_cb (FbWindow *self,
                       FbItem   *item,
                       FbStore  *store)
{
  g_autoptr(FbItem) before = NULL;
  g_autoptr(JsonObject) shown = NULL;

  if (self->current == NULL || g_strcmp0 (fb_item_get_id (item), _fb_window_current_id (self)) != 0)
    return;

  if (fb_item_get_deleted (item))
    {
      if (self->dirty)
        rescue_edits (self, item);
      else
        _fb_window_show_item (self, NULL);
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

void
_fb_window_class_editing_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, editor_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, item_banner_resolve_cb);
}

/* After the selection exists (see fb_window_constructed ()). */
void
_fb_window_editing_init (FbWindow *self)
{
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  /* After: the list view must have seen the change before we select. */
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (selection_items_changed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (self->store, "item-changed",
                           G_CALLBACK (store_item_changed_cb), self, G_CONNECT_SWAPPED);
  /* What is typed is saved first: attaching is the next edit of the item. */
  g_signal_connect_object (fb_note_editor_get_attachment_strip (self->note_editor), "before-edit",
                           G_CALLBACK (_fb_window_save_now), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (fb_record_editor_get_attachment_strip (self->record_editor), "before-edit",
                           G_CALLBACK (_fb_window_save_now), self, G_CONNECT_SWAPPED);
}
