/* fb-attachment-edit.h: what a note's attachment strip and a record's photo
 * and file fields do alike: attaching chosen files, removing one with Undo,
 * and opening one in the larger view */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "fb-attachment-fetch.h"
#include "fb-attachments.h"
#include "fb-store.h"

G_BEGIN_DECLS

/* Attaches @file to what @owner shows; FALSE when it could not, after
 * telling the person why. */
typedef gboolean (*FbAttachFileFunc) (GtkWidget  *owner,
                                      GFile      *file,
                                      GError    **error);

/* The file chooser (the portal inside Flatpak) over @owner's window:
 * each file chosen goes to @attach in turn, until one fails. With
 * @pictures, it offers pictures first. */
void      fb_attachment_edit_choose_files  (GtkWidget        *owner,
                                            const char       *title,
                                            gboolean          pictures,
                                            FbAttachFileFunc  attach);

/* The sentence that says why @name could not be attached. */
char     *fb_attachment_edit_attach_failed (const char       *name,
                                            const GError     *error);

/* The larger view of attachment @name of item @id over @owner's window,
 * presented; NULL when it is not shown: fetching started through
 * @fetches (only the server has it), or *@message says why. */
GtkWidget *fb_attachment_edit_open         (GtkWidget           *owner,
                                            FbStore             *store,
                                            const char          *id,
                                            const char          *name,
                                            FbAttachmentFetches *fetches,
                                            char               **message);

/* One attachment removed, kept for Undo: the attachment, the item it was
 * on, and the record's photo and file fields that named it. */
typedef struct _FbAttachmentRemoval FbAttachmentRemoval;

FbAttachmentRemoval *fb_attachment_removal_new    (void);
void                 fb_attachment_removal_free   (FbAttachmentRemoval *self);
/* Takes @name off item @id (and out of the record's fields that name
 * it) in one edit, and keeps it for Undo instead of the one before.
 * NULL when done, else the sentence that says why not. */
char                *fb_attachment_removal_remove (FbAttachmentRemoval *self,
                                                   FbStore             *store,
                                                   const char          *id,
                                                   const char          *name);
/* The last one removed, until it is put back (NULL: none). */
const FbAttachment  *fb_attachment_removal_get    (FbAttachmentRemoval *self);
/* "“heron.jpg” removed", with an Undo button for the caller to connect. */
AdwToast            *fb_attachment_removal_toast  (FbAttachmentRemoval *self);
/* Puts the last one removed back; NULL when done or when there is none,
 * else the sentence that says why not. */
char                *fb_attachment_removal_undo   (FbAttachmentRemoval *self,
                                                   FbStore             *store);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbAttachmentRemoval, fb_attachment_removal_free)

G_END_DECLS
