/* fb-attachment-fetch.h: files only the server has, fetched when their tile is clicked */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "fb-attachments.h"

G_BEGIN_DECLS

/* The fetches of one item's tiles (the attachment strip's or a photo or
 * file field's): which files are downloading, and why one could not be.
 * The fetch goes through the sync manager of the window @owner is in;
 * when one ends, @changed (@owner) shows the tiles again, and a fetched
 * file is opened with @open_action (s name) on @owner. */
typedef struct _FbAttachmentFetches FbAttachmentFetches;
typedef void (*FbAttachmentFetchesChanged) (GtkWidget *owner);

FbAttachmentFetches *fb_attachment_fetches_new      (GtkWidget                  *owner,
                                                     const char                 *open_action,
                                                     FbAttachmentFetchesChanged  changed);
/* Cancels what is in flight. */
void                 fb_attachment_fetches_free     (FbAttachmentFetches        *fetches);
/* The item the tiles are of; another item cancels and forgets the
 * fetches of the one before. */
void                 fb_attachment_fetches_set_item (FbAttachmentFetches        *fetches,
                                                     const char                 *id);
/* Fetches @name now (TRUE, also when it is already on its way); FALSE
 * when there is no sync to fetch it with. @changed is called at once. */
gboolean             fb_attachment_fetches_start    (FbAttachmentFetches        *fetches,
                                                     const char                 *name);
gboolean             fb_attachment_fetches_running  (FbAttachmentFetches        *fetches,
                                                     const char                 *name);
/* The words under the name of @attachment's tile: "Downloading…", why
 * it was not downloaded (@failed set), "On the server, 3 MB", or its
 * size. */
char                *fb_attachment_fetches_describe (FbAttachmentFetches        *fetches,
                                                     const FbAttachment         *attachment,
                                                     gboolean                   *failed);

G_END_DECLS
