/* fb-attachment-strip-private.h: the strip's insides, shared by its files
 * (fb-attachment-strip.c, fb-attachment-strip-transfer.c) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-attachment-strip.h"
#include "fb-attachments.h"
#include "fb-sync-progress.h"

G_BEGIN_DECLS

/* The parts of one tile that change while it shows (owned by the box). */
typedef struct
{
  GtkWidget *bar;     /* a GtkProgressBar, shown while the file is in flight */
  GtkWidget *detail;  /* the label under the name */
} FbAttachmentTile;

struct _FbAttachmentStrip
{
  GtkWidget      parent_instance;

  GtkWidget     *scroller;
  GtkWidget     *box;

  FbStore       *store;
  char          *id;
  gulong         changed_id;
  GHashTable    *details;  /* name → label under it */
  GHashTable    *tiles;    /* name → FbAttachmentTile */
  GPtrArray     *names;

  FbAttachment  *removed;  /* for Undo */
  char          *removed_from;
  char         **removed_fields;  /* the record's photo and file fields that named it */
  AdwToast      *toast;
  GtkWidget     *viewer;   /* the larger view, while it shows (weak) */

  /* Attachments only the server has, fetched when clicked */
  GHashTable    *fetching;      /* name → GCancellable */
  GHashTable    *fetch_errors;  /* name → why it failed, in words */

  /* The file of this item in flight, as the window's sync manager tells
   * it (fb-attachment-strip-transfer.c); NULL name: none. */
  GSignalGroup        *manager_signals;
  GBindingGroup       *window_bindings;  /* window's sync-manager → the group */
  char                *transfer_name;
  FbTransferDirection  transfer_direction;
  guint64              transfer_done;
  guint64              transfer_total;
};

void _fb_attachment_strip_reload             (FbAttachmentStrip *self);

void _fb_attachment_strip_transfer_init      (FbAttachmentStrip *self);
void _fb_attachment_strip_transfer_dispose   (FbAttachmentStrip *self);
/* Follows the sync manager of the window the strip is in (NULL: none). */
void _fb_attachment_strip_transfer_set_root  (FbAttachmentStrip *self,
                                              GtkRoot           *root);
/* Another item is shown: what was in flight is not its. */
void _fb_attachment_strip_transfer_forget    (FbAttachmentStrip *self);
/* A new tile for @name shows the transfer, if it is @name's. */
void _fb_attachment_strip_transfer_show      (FbAttachmentStrip *self,
                                              const char        *name,
                                              FbAttachmentTile  *tile);

G_END_DECLS
