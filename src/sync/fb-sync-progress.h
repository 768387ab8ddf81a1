/* fb-sync-progress.h: the progress of the one file a sync is sending or receiving */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  FB_TRANSFER_UP,    /* this device → the server */
  FB_TRANSFER_DOWN,  /* the server → this device */
} FbTransferDirection;

#define FB_TYPE_TRANSFER_DIRECTION (fb_transfer_direction_get_type ())
GType fb_transfer_direction_get_type (void);

/* The smallest step passed on (or 1/200 of the file, if larger): a 50 MB
 * file is told about 200 times, not for every 8 KiB libsoup writes. */
#define FB_SYNC_PROGRESS_STEP (64 * 1024)

/* Which reports of a file in flight are worth passing on: the first one,
 * the last (done == total), and steps in between; never one with fewer
 * bytes done than the last passed on for the same file. Zero-filled is
 * an idle tracker. */
typedef struct {
  char                *item_id;
  char                *name;
  FbTransferDirection  direction;
  guint64              total;
  guint64              reported;  /* bytes done last passed on */
  gboolean             active;
} FbSyncProgress;

/* TRUE when @bytes_done of @bytes_total is to be passed on. Another file
 * (or fewer bytes than before: it starts over) begins a new transfer. */
gboolean fb_sync_progress_update (FbSyncProgress      *self,
                                  const char          *item_id,
                                  const char          *name,
                                  FbTransferDirection  direction,
                                  guint64              bytes_done,
                                  guint64              bytes_total);
/* TRUE when a file was in flight: its end (0 of 0 bytes) is to be passed
 * on; the tracker is idle again. */
gboolean fb_sync_progress_end    (FbSyncProgress      *self);
void     fb_sync_progress_clear  (FbSyncProgress      *self);

G_END_DECLS
