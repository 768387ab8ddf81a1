/* fb-window-search.c: one search over notes and records, its marks, and Escape back to where the list was */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-window"

#include "config.h"

#include "fb-search-highlight.h"
#include "fb-store-tags.h"
#include "fb-window-private.h"

/* The search box filters the collection's list (an FbItemList over the
 * store's full-text index); the rows, the note editor and the record
 * editor mark where it matched. Escape empties it and brings back the
 * item and the scroll position from before the search. */

/* Where the search matched, in the rows (rebound by the new search's
 * items-changed) and in both editors. */
static void
update_search_highlight (FbWindow *self)
{
  g_auto(GStrv) words = fb_search_words (self->search_text);

  g_clear_pointer (&self->search_regex, g_regex_unref);
  g_clear_pointer (&self->search_pattern, g_free);
  if (self->search_text != NULL)
    {
      self->search_regex = fb_search_regex_new ((const char * const *) words);
      self->search_pattern = fb_search_pattern_new ((const char * const *) words);
    }
  fb_note_editor_set_search (self->note_editor, self->search_pattern);
  fb_record_editor_set_search (self->record_editor, self->search_regex);
}

void
_fb_window_set_search_text (FbWindow   *self,
                            const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  char *new_text = *stripped != '\0' ? g_steal_pointer (&stripped) : NULL;

  if (g_strcmp0 (new_text, self->search_text) == 0)
    {
      g_free (new_text);
      return;
    }

  /* What Escape goes back to. */
  if (self->search_text == NULL)
    {
      g_free (self->pre_search_id);
      self->pre_search_id = g_strdup (_fb_window_current_id (self));
      _fb_window_remember_list_place (self);
    }

  g_free (self->search_text);
  self->search_text = new_text;
  update_search_highlight (self);
  _fb_window_apply_model (self);
}

static void
search_changed_cb (FbWindow *self)
{
  _fb_window_set_search_text (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

/* Escape: the collection's list as it was. An item of another collection
 * opened from the search is not in it: the item open before the search
 * comes back (or none). */
static void
stop_search_cb (FbWindow *self)
{
  g_autofree char *before = g_steal_pointer (&self->pre_search_id);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  _fb_window_set_search_text (self, NULL);
  g_clear_pointer (&self->pre_search_id, g_free);

  if (self->current != NULL &&
      g_strcmp0 (fb_item_get_collection (self->current), fb_window_get_collection (self)) != 0)
    {
      g_autoptr(FbItem) item = before != NULL ? fb_store_get_item (self->store, before, NULL) : NULL;

      if (item != NULL && fb_item_get_deleted (item))
        g_clear_object (&item);
      _fb_window_open_item (self, item);
    }
  _fb_window_restore_list_place (self, before);

  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* Enter opens the best match. */
static void
search_activate_cb (FbWindow *self)
{
  GListModel *model = _fb_window_list_model (self);
  g_autoptr(FbItem) first = NULL;

  _fb_window_set_search_text (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  if (g_list_model_get_n_items (model) == 0)
    return;

  first = g_list_model_get_item (model, 0);
  if (_fb_window_open_item (self, first))
    {
      if (_fb_window_is_folded (self))
        adw_leaflet_set_visible_child (self->leaflet, self->editor_pane);
      gtk_widget_child_focus (GTK_WIDGET (self->editor_stack), GTK_DIR_TAB_FORWARD);
    }
}

void
_fb_window_class_search_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
}

void
_fb_window_search_finalize (FbWindow *self)
{
  g_clear_pointer (&self->search_text, g_free);
  g_clear_pointer (&self->pre_search_id, g_free);
  g_clear_pointer (&self->search_regex, g_regex_unref);
  g_clear_pointer (&self->search_pattern, g_free);
}
