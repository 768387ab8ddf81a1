/* fb-window-header.c: the editor's header bar: the item's title and whether it is saved and synced */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-window-private.h"

/* What the editor's header bar says about the item on screen: its title,
 * and a saved state that is always true: "Saving…" while typing waits to
 * be saved, "Not saved" when saving failed (the error toast says why),
 * "Not synced yet" while a saved change waits for the server, "Saved"
 * otherwise (and always when no server is set up, where nothing is
 * "not synced"). */

static gboolean
sync_is_set_up (FbWindow *self)
{
  return self->sync_manager != NULL &&
         fb_sync_manager_get_state (self->sync_manager) != FB_SYNC_STATE_NOT_CONFIGURED;
}

static const char *
saved_state (FbWindow *self)
{
  if (self->dirty)
    return self->save_source != 0 ? _("Saving…") : _("Not saved");

  switch (fb_item_get_state (self->current))
    {
    case FB_ITEM_STATE_CONFLICT:
      return _("Saved, in conflict");
    case FB_ITEM_STATE_PENDING:
      if (sync_is_set_up (self))
        return _("Not synced yet");
      return _("Saved");
    case FB_ITEM_STATE_SYNCED:
    default:
      return _("Saved");
    }
}

void
_fb_window_update_header (FbWindow *self)
{
  g_autofree char *title = NULL;

  if (self->current == NULL)
    {
      adw_window_title_set_title (self->editor_title, "");
      adw_window_title_set_subtitle (self->editor_title, "");
      return;
    }

  title = fb_body_dup_display_title (fb_item_get_body (self->current));
  adw_window_title_set_title (self->editor_title, title);
  adw_window_title_set_subtitle (self->editor_title, saved_state (self));
  _fb_window_update_pin (self);
}

const char *
fb_window_get_saved_state (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  return adw_window_title_get_subtitle (self->editor_title);
}

static void
header_item_changed_cb (FbWindow *self,
                        FbItem   *item)
{
  if (self->current != NULL &&
      g_strcmp0 (fb_item_get_id (item), _fb_window_current_id (self)) == 0)
    _fb_window_update_header (self);
}

static void
header_sync_state_cb (FbWindow *self)
{
  _fb_window_update_header (self);
}

/* After the editing part's own item-changed handler: the header reads the
 * item that handler made current. */
void
_fb_window_header_init (FbWindow *self)
{
  g_signal_connect_object (self->store, "item-changed",
                           G_CALLBACK (header_item_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_swapped (self->sync_signals, "notify::state",
                                  G_CALLBACK (header_sync_state_cb), self);
  _fb_window_update_header (self);
}
