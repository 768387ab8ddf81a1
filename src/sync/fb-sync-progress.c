/* fb-sync-progress.c: which reports of a file in flight are passed on */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include "fb-sync-progress.h"

G_DEFINE_ENUM_TYPE (FbTransferDirection, fb_transfer_direction,
  G_DEFINE_ENUM_VALUE (FB_TRANSFER_UP, "up"),
  G_DEFINE_ENUM_VALUE (FB_TRANSFER_DOWN, "down"))

#define PROGRESS_STEPS 200

gboolean
fb_sync_progress_update (FbSyncProgress      *self,
                         const char          *item_id,
                         const char          *name,
                         FbTransferDirection  direction,
                         guint64              bytes_done,
                         guint64              bytes_total)
{
  guint64 step;

  g_return_val_if_fail (item_id != NULL && name != NULL, FALSE);

  bytes_done = MIN (bytes_done, bytes_total);
  if (!self->active || self->direction != direction || self->total != bytes_total ||
      bytes_done < self->reported ||
      g_strcmp0 (self->item_id, item_id) != 0 || g_strcmp0 (self->name, name) != 0)
    {
      fb_sync_progress_clear (self);
      self->item_id = g_strdup (item_id);
      self->name = g_strdup (name);
      self->direction = direction;
      self->total = bytes_total;
      self->reported = bytes_done;
      self->active = TRUE;
      return TRUE;
    }

  step = MAX (bytes_total / PROGRESS_STEPS, FB_SYNC_PROGRESS_STEP);
  if (bytes_done == self->reported)
    return FALSE;
  if (bytes_done != bytes_total && bytes_done - self->reported < step)
    return FALSE;
  self->reported = bytes_done;
  return TRUE;
}

gboolean
fb_sync_progress_end (FbSyncProgress *self)
{
  gboolean was_active = self->active;

  fb_sync_progress_clear (self);
  return was_active;
}

void
fb_sync_progress_clear (FbSyncProgress *self)
{
  g_clear_pointer (&self->item_id, g_free);
  g_clear_pointer (&self->name, g_free);
  self->direction = FB_TRANSFER_UP;
  self->total = 0;
  self->reported = 0;
  self->active = FALSE;
}
