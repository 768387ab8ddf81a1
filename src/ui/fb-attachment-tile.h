/* fb-attachment-tile.h: one attachment as a tile (the strip's and a photo/file field's), with its transfer */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "fb-sync-progress.h"

G_BEGIN_DECLS

/* What a tile shows, and what its buttons do. */
typedef struct
{
  const char *name;           /* the file's name; the target of the actions */
  GtkWidget  *picture;        /* its picture or icon, sized (the tile takes it) */
  const char *detail;         /* the words under the name when nothing is in flight */
  gboolean    detail_error;   /* the words say something is wrong */
  int         width;          /* the picture's side */
  gboolean    compact;        /* smaller type and margins (a field's tile) */
  const char *open_action;    /* (s name) a click on the picture */
  gboolean    can_open;
  const char *remove_action;  /* (s name) the round button in its corner */
  GtkWidget  *menu;           /* or NULL: a button in the other corner (the tile takes it) */
} FbAttachmentTileOptions;

/* One tile: its widget (owned by the container it is put in) and the
 * parts that change while it shows. */
typedef struct
{
  GtkWidget *widget;
  GtkWidget *bar;      /* a GtkProgressBar over the foot of the picture, while in flight */
  GtkWidget *detail;   /* the label under the name */
  char      *resting;  /* its words when nothing is in flight */
} FbAttachmentTile;

FbAttachmentTile *fb_attachment_tile_new        (const FbAttachmentTileOptions *options);
void              fb_attachment_tile_free       (FbAttachmentTile              *tile);
/* The words under the name now. */
const char       *fb_attachment_tile_get_detail (FbAttachmentTile              *tile);

/* Which file of one item is in flight, as the sync manager of the
 * window @owner is in tells it ("transfer-progress"), shown on the tile
 * of that file in @tiles (name → FbAttachmentTile, the owner's). When it
 * is over, @ended (@owner) shows the tiles as they are now (a downloaded
 * file has its picture). */
typedef struct _FbTileTransfer FbTileTransfer;
typedef void (*FbTileTransferEnded) (GtkWidget *owner);

FbTileTransfer *fb_tile_transfer_new      (GtkWidget           *owner,
                                           GHashTable          *tiles,
                                           FbTileTransferEnded  ended);
void            fb_tile_transfer_free     (FbTileTransfer      *transfer);
/* The item the tiles are of; another item: what was in flight is not its. */
void            fb_tile_transfer_set_item (FbTileTransfer      *transfer,
                                           const char          *id);
/* Call from the owner's root () and unroot (): follows the sync manager
 * of the window the owner is in. */
void            fb_tile_transfer_set_root (FbTileTransfer      *transfer,
                                           gboolean             rooted);
/* A new tile for @name shows the transfer, if it is @name's. */
void            fb_tile_transfer_show     (FbTileTransfer      *transfer,
                                           const char          *name,
                                           FbAttachmentTile    *tile);

G_END_DECLS
