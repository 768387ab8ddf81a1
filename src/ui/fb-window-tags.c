/* fb-window-tags.c: the sidebar's Tags, each with its count, that filter the list */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-store-tags.h"
#include "fb-window-private.h"

/* The tags of every live note and record, counted by the store on a worker
 * (fb_store_list_tags_async ()), once after each commit that announced changes:
 * a pull of a thousand items recounts once. A tag's row searches for
 * `tag:NAME` (the search box shows it, Escape leaves it), and the editors'
 * tag entries complete from the same names. */

static GtkWidget *
tag_row_new (const FbTagCount *tag)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name = gtk_label_new (tag->name);
  g_autofree char *count_text = g_strdup_printf ("%u", tag->count);
  GtkWidget *count = gtk_label_new (count_text);
  g_autofree char *description = NULL;

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), count);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  /* Translators: a tag in the sidebar, and how many items have it. */
  description = g_strdup_printf (ngettext ("Tag “%s”, %u item", "Tag “%s”, %u items", tag->count),
                                 tag->name, tag->count);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  description, -1);
  g_object_set_data_full (G_OBJECT (row), "fb-tag", g_strdup (tag->name), g_free);

  return row;
}

static void
show_tags (FbWindow  *self,
           GPtrArray *tags)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->tags_list))) != NULL)
    gtk_list_box_remove (self->tags_list, child);

  for (guint i = 0; i < tags->len; i++)
    {
      FbTagCount *tag = tags->pdata[i];

      gtk_list_box_append (self->tags_list, tag_row_new (tag));
      g_ptr_array_add (names, tag->name);
    }
  g_ptr_array_add (names, NULL);

  gtk_widget_set_visible (self->tags_heading, tags->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->tags_list), tags->len > 0);
  fb_tag_entry_set_known (fb_note_editor_get_tag_entry (self->note_editor),
                          (const char * const *) names->pdata);
  fb_tag_entry_set_known (fb_record_editor_get_tag_entry (self->record_editor),
                          (const char * const *) names->pdata);
}

static void
tags_counted_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GPtrArray) tags = NULL;
  g_autoptr(GError) error = NULL;
  FbWindow *self;

  tags = fb_store_list_tags_finish (result, &error);
  /* Cancelled by a newer count or by the window's dispose: @self may be gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = FB_WINDOW (user_data);
  g_clear_object (&self->tags_cancellable);
  if (tags == NULL)
    {
      /* A second connection could not read the file: count here. */
      g_debug ("Counting the tags on a worker failed: %s", error->message);
      g_clear_error (&error);
      tags = fb_store_list_tags (self->store, NULL, &error);
    }
  if (tags == NULL)
    {
      g_warning ("Could not count the tags: %s", error->message);
      return;
    }

  show_tags (self, tags);
}

/* Counts on a worker (reading every body takes 0.2 s at 100,000 notes,
 * which the window's start waited for); a newer count replaces one still
 * running. The sidebar shows the tags once they are counted. */
static void
update_tags (FbWindow *self)
{
  if (self->tags_cancellable != NULL)
    g_cancellable_cancel (self->tags_cancellable);
  g_clear_object (&self->tags_cancellable);
  self->tags_cancellable = g_cancellable_new ();
  fb_store_list_tags_async (self->store, NULL, self->tags_cancellable, tags_counted_cb, self);
}

static void
update_tags_idle_cb (gpointer user_data)
{
  FbWindow *self = user_data;

  self->tags_source = 0;
  update_tags (self);
}

/* What counts of @item: its tags, or nothing once deleted. */
static char *
counted_tags (FbItem *item)
{
  JsonArray *tags;
  g_autoptr(JsonNode) node = NULL;

  if (fb_item_get_deleted (item))
    return g_strdup ("");
  tags = fb_body_get_array (fb_item_get_body (item), "tags");
  if (tags == NULL)
    return g_strdup ("[]");
  node = json_node_init_array (json_node_alloc (), tags);
  return json_to_string (node, FALSE);
}

/* Counting reads every body (about 0.8 s for 100,000 notes): a save that
 * left an item's tags as they were (typing, most of all) does not recount.
 * The tags are known for the items the editor showed or that changed. */
static void
tags_item_changed_cb (FbWindow *self,
                      FbItem   *item)
{
  char *tags;
  const char *known;

  if (self->known_tags == NULL)
    return;
  tags = counted_tags (item);
  known = g_hash_table_lookup (self->known_tags, fb_item_get_id (item));

  if (g_strcmp0 (known, tags) == 0)
    {
      g_free (tags);
      return;
    }

  g_hash_table_insert (self->known_tags, g_strdup (fb_item_get_id (item)), tags);
  if (self->tags_source == 0)
    self->tags_source = g_idle_add_once (update_tags_idle_cb, self);
}

void
_fb_window_tags_item_shown (FbWindow *self,
                            FbItem   *item)
{
  if (item != NULL && self->known_tags != NULL)
    g_hash_table_insert (self->known_tags, g_strdup (fb_item_get_id (item)), counted_tags (item));
}

void
_fb_window_show_tag (FbWindow   *self,
                     const char *name)
{
  g_autofree char *term = fb_tag_search_term (name);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), term);
  _fb_window_set_search_text (self, term);
  if (_fb_window_is_folded (self))
    adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
}

static void
tag_row_activated_cb (FbWindow      *self,
                      GtkListBoxRow *row)
{
  _fb_window_show_tag (self, g_object_get_data (G_OBJECT (row), "fb-tag"));
}

static void
show_tag_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  _fb_window_show_tag (FB_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* Ctrl+Shift+T: to the open note's or record's tag entry. */
static void
edit_tags_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);

  if (self->current == NULL)
    return;

  if (_fb_window_is_folded (self))
    adw_leaflet_set_visible_child (self->leaflet, self->editor_pane);
  if (g_strcmp0 (fb_item_get_collection (self->current), FB_COLLECTION_RECORDS) == 0)
    gtk_widget_grab_focus (GTK_WIDGET (fb_record_editor_get_tag_entry (self->record_editor)));
  else
    gtk_widget_grab_focus (GTK_WIDGET (fb_note_editor_get_tag_entry (self->note_editor)));
}

void
_fb_window_class_tags_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, FbWindow, tags_heading);
  gtk_widget_class_bind_template_child (widget_class, FbWindow, tags_list);
  gtk_widget_class_bind_template_callback (widget_class, tag_row_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.show-tag", "s", show_tag_action);
  gtk_widget_class_install_action (widget_class, "win.edit-tags", NULL, edit_tags_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.edit-tags", NULL);
}

void
_fb_window_tags_init (FbWindow *self)
{
  self->known_tags = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_signal_connect_object (self->store, "item-changed",
                           G_CALLBACK (tags_item_changed_cb), self, G_CONNECT_SWAPPED);
  update_tags (self);
}

void
_fb_window_tags_dispose (FbWindow *self)
{
  g_clear_handle_id (&self->tags_source, g_source_remove);
  if (self->tags_cancellable != NULL)
    g_cancellable_cancel (self->tags_cancellable);
  g_clear_object (&self->tags_cancellable);
  g_clear_pointer (&self->known_tags, g_hash_table_unref);
}
