/* fb-attachment-strip-transfer.c: the tile of a file being sent or downloaded shows how far */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-attachment-strip"

#include "config.h"

#include "fb-attachment-strip-private.h"
#include "fb-sync-manager.h"
#include "fb-transfer-words.h"
#include "fb-window.h"

void
_fb_attachment_strip_transfer_show (FbAttachmentStrip *self,
                                    const char        *name,
                                    FbAttachmentTile  *tile)
{
  g_autofree char *words = NULL;

  if (self->transfer_name == NULL || g_strcmp0 (self->transfer_name, name) != 0)
    return;

  words = fb_transfer_words (NULL, self->transfer_direction, self->transfer_done, self->transfer_total);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (tile->bar),
                                 fb_transfer_fraction (self->transfer_done, self->transfer_total));
  gtk_widget_set_visible (tile->bar, TRUE);
  gtk_label_set_label (GTK_LABEL (tile->detail), words);
  g_hash_table_replace (self->details, g_strdup (name), g_steal_pointer (&words));
}

/* Nothing of this item in flight any more: its tile as it is now (a
 * downloaded file has its picture). */
static void
transfer_ended (FbAttachmentStrip *self)
{
  if (self->transfer_name == NULL)
    return;
  g_clear_pointer (&self->transfer_name, g_free);
  self->transfer_done = self->transfer_total = 0;
  _fb_attachment_strip_reload (self);
}

void
_fb_attachment_strip_transfer_forget (FbAttachmentStrip *self)
{
  g_clear_pointer (&self->transfer_name, g_free);
  self->transfer_done = self->transfer_total = 0;
}

static void
transfer_progress_cb (FbAttachmentStrip   *self,
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
  if (self->transfer_name != NULL && g_strcmp0 (self->transfer_name, name) != 0)
    transfer_ended (self);

  if (self->transfer_name == NULL)
    self->transfer_name = g_strdup (name);
  self->transfer_direction = direction;
  self->transfer_done = bytes_done;
  self->transfer_total = bytes_total;
  tile = g_hash_table_lookup (self->tiles, name);
  if (tile != NULL)
    _fb_attachment_strip_transfer_show (self, name, tile);
}

void
_fb_attachment_strip_transfer_set_root (FbAttachmentStrip *self,
                                        GtkRoot           *root)
{
  GtkWidget *window = root != NULL ? gtk_widget_get_ancestor (GTK_WIDGET (self), FB_TYPE_WINDOW) : NULL;

  g_binding_group_set_source (self->window_bindings, window);
  if (window == NULL)
    g_signal_group_set_target (self->manager_signals, NULL);
  _fb_attachment_strip_transfer_forget (self);
}

void
_fb_attachment_strip_transfer_init (FbAttachmentStrip *self)
{
  self->manager_signals = g_signal_group_new (FB_TYPE_SYNC_MANAGER);
  g_signal_group_connect_swapped (self->manager_signals, "transfer-progress",
                                  G_CALLBACK (transfer_progress_cb), self);
  self->window_bindings = g_binding_group_new ();
  g_binding_group_bind (self->window_bindings, "sync-manager", self->manager_signals, "target",
                        G_BINDING_SYNC_CREATE);
}

void
_fb_attachment_strip_transfer_dispose (FbAttachmentStrip *self)
{
  if (self->window_bindings != NULL)
    g_binding_group_set_source (self->window_bindings, NULL);
  g_clear_object (&self->window_bindings);
  if (self->manager_signals != NULL)
    g_signal_group_set_target (self->manager_signals, NULL);
  g_clear_object (&self->manager_signals);
  _fb_attachment_strip_transfer_forget (self);
}
