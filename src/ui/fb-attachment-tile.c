/* fb-attachment-tile.c: one attachment as a tile (the strip's and a photo/file field's), with its transfer */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-attachment-tile"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-attachment-tile.h"
#include "fb-sync-manager.h"
#include "fb-transfer-words.h"
#include "fb-window.h"

/* A picture to click (it opens the file), a small round remove button in
 * one corner, the menu, if any, in the other, a progress bar over the
 * foot of the picture while the file is in flight (the tile keeps its
 * size), then the name and the words under it. */
FbAttachmentTile *
fb_attachment_tile_new (const FbAttachmentTileOptions *options)
{
  int margin = options->compact ? 2 : 4;
  int chars = options->compact ? 12 : 14;
  g_autofree char *open_label = NULL;
  g_autofree char *remove_label = NULL;
  FbAttachmentTile *tile = g_new0 (FbAttachmentTile, 1);
  GtkWidget *overlay, *open, *remove, *label;

  tile->widget = gtk_box_new (GTK_ORIENTATION_VERTICAL, options->compact ? 2 : 4);
  gtk_widget_add_css_class (tile->widget, "fb-attachment");
  gtk_widget_set_size_request (tile->widget, options->width, -1);

  overlay = gtk_overlay_new ();
  open = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (open), options->picture);
  gtk_widget_add_css_class (open, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open), options->open_action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (open), g_variant_new_string (options->name));
  gtk_widget_set_sensitive (open, options->can_open);
  /* TRANSLATORS: %s is an attachment's file name */
  open_label = g_strdup_printf (_("Open “%s”"), options->name);
  gtk_widget_set_tooltip_text (open, open_label);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), open);

  remove = gtk_button_new_from_icon_name ("window-close-symbolic");
  gtk_widget_add_css_class (remove, "circular");
  gtk_widget_add_css_class (remove, "osd");
  gtk_widget_set_halign (remove, GTK_ALIGN_END);
  gtk_widget_set_valign (remove, GTK_ALIGN_START);
  gtk_widget_set_margin_top (remove, margin);
  gtk_widget_set_margin_end (remove, margin);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), options->remove_action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (remove), g_variant_new_string (options->name));
  /* TRANSLATORS: %s is an attachment's file name */
  remove_label = g_strdup_printf (_("Remove “%s”"), options->name);
  gtk_widget_set_tooltip_text (remove, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), remove);

  if (options->menu != NULL)
    {
      gtk_widget_set_halign (options->menu, GTK_ALIGN_START);
      gtk_widget_set_valign (options->menu, GTK_ALIGN_START);
      gtk_widget_set_margin_top (options->menu, margin);
      gtk_widget_set_margin_start (options->menu, margin);
      gtk_overlay_add_overlay (GTK_OVERLAY (overlay), options->menu);
    }

  tile->bar = gtk_progress_bar_new ();
  gtk_widget_set_valign (tile->bar, GTK_ALIGN_END);
  gtk_widget_set_margin_start (tile->bar, options->width * 22 / 96);
  gtk_widget_set_margin_end (tile->bar, options->width * 22 / 96);
  gtk_widget_set_margin_bottom (tile->bar, options->width * 10 / 96);
  gtk_widget_set_can_target (tile->bar, FALSE);
  gtk_widget_set_visible (tile->bar, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), tile->bar);
  gtk_box_append (GTK_BOX (tile->widget), overlay);

  label = gtk_label_new (options->name);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), chars);
  if (options->compact)
    gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (tile->widget), label);

  tile->resting = g_strdup (options->detail);
  tile->detail = gtk_label_new (options->detail);
  gtk_label_set_wrap (GTK_LABEL (tile->detail), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (tile->detail), chars);
  gtk_widget_add_css_class (tile->detail, "caption");
  gtk_widget_add_css_class (tile->detail, options->detail_error ? "error" : "dim-label");
  gtk_box_append (GTK_BOX (tile->widget), tile->detail);
  return tile;
}

void
fb_attachment_tile_free (FbAttachmentTile *tile)
{
  if (tile == NULL)
    return;
  g_free (tile->resting);
  g_free (tile);
}

const char *
fb_attachment_tile_get_detail (FbAttachmentTile *tile)
{
  g_return_val_if_fail (tile != NULL, NULL);
  return gtk_label_get_label (GTK_LABEL (tile->detail));
}

struct _FbTileTransfer
{
  GtkWidget           *owner;  /* owns the transfer */
  GHashTable          *tiles;  /* the owner's */
  FbTileTransferEnded  ended;
  char                *id;

  GSignalGroup        *manager_signals;
  GBindingGroup       *window_bindings;  /* window's sync-manager → the group */
  /* The file of the item in flight; NULL: none. */
  char                *name;
  FbTransferDirection  direction;
  guint64              done;
  guint64              total;
};

void
fb_tile_transfer_show (FbTileTransfer   *self,
                       const char       *name,
                       FbAttachmentTile *tile)
{
  g_autofree char *words = NULL;

  if (self->name == NULL || g_strcmp0 (self->name, name) != 0)
    return;

  words = fb_transfer_words (NULL, self->direction, self->done, self->total);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (tile->bar), fb_transfer_fraction (self->done, self->total));
  gtk_widget_set_visible (tile->bar, TRUE);
  gtk_label_set_label (GTK_LABEL (tile->detail), words);
}

static void
forget (FbTileTransfer *self)
{
  g_clear_pointer (&self->name, g_free);
  self->done = self->total = 0;
}

/* Nothing of this item in flight any more: its tiles as they are now. */
static void
transfer_ended (FbTileTransfer *self)
{
  if (self->name == NULL)
    return;
  forget (self);
  self->ended (self->owner);
}

static void
transfer_progress_cb (FbTileTransfer      *self,
                      const char          *item_id,
                      const char          *name,
                      FbTransferDirection  direction,
                      guint64              bytes_done,
                      guint64              bytes_total,
                      FbSyncManager       *manager)
{
  FbAttachmentTile *tile;

  /* 0 of 0: nothing in flight; another item's file: not ours either. */
  if (bytes_total == 0 || item_id == NULL || name == NULL || g_strcmp0 (item_id, self->id) != 0)
    {
      transfer_ended (self);
      return;
    }
  if (self->name != NULL && g_strcmp0 (self->name, name) != 0)
    transfer_ended (self);

  if (self->name == NULL)
    self->name = g_strdup (name);
  self->direction = direction;
  self->done = bytes_done;
  self->total = bytes_total;
  tile = g_hash_table_lookup (self->tiles, name);
  if (tile != NULL)
    fb_tile_transfer_show (self, name, tile);
}

FbTileTransfer *
fb_tile_transfer_new (GtkWidget           *owner,
                      GHashTable          *tiles,
                      FbTileTransferEnded  ended)
{
  FbTileTransfer *self = g_new0 (FbTileTransfer, 1);

  self->owner = owner;
  self->tiles = g_hash_table_ref (tiles);
  self->ended = ended;
  self->manager_signals = g_signal_group_new (FB_TYPE_SYNC_MANAGER);
  g_signal_group_connect_swapped (self->manager_signals, "transfer-progress",
                                  G_CALLBACK (transfer_progress_cb), self);
  self->window_bindings = g_binding_group_new ();
  g_binding_group_bind (self->window_bindings, "sync-manager", self->manager_signals, "target",
                        G_BINDING_SYNC_CREATE);
  return self;
}

void
fb_tile_transfer_free (FbTileTransfer *self)
{
  if (self == NULL)
    return;
  g_binding_group_set_source (self->window_bindings, NULL);
  g_clear_object (&self->window_bindings);
  g_signal_group_set_target (self->manager_signals, NULL);
  g_clear_object (&self->manager_signals);
  forget (self);
  g_hash_table_unref (self->tiles);
  g_free (self->id);
  g_free (self);
}

void
fb_tile_transfer_set_item (FbTileTransfer *self,
                           const char     *id)
{
  if (self == NULL || g_strcmp0 (self->id, id) == 0)
    return;
  forget (self);
  g_free (self->id);
  self->id = g_strdup (id);
}

void
fb_tile_transfer_set_root (FbTileTransfer *self,
                           gboolean        rooted)
{
  GtkWidget *window;

  /* unroot () may come after the owner's dispose freed it. */
  if (self == NULL)
    return;
  window = rooted ? gtk_widget_get_ancestor (self->owner, FB_TYPE_WINDOW) : NULL;
  g_binding_group_set_source (self->window_bindings, window);
  if (window == NULL)
    g_signal_group_set_target (self->manager_signals, NULL);
  forget (self);
}
