/* fb-attachment-view.h: the larger view of one attachment, and the one lookup
 * of an attachment's file here that it and Open With… share */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "fb-attachments.h"
#include "fb-store.h"

G_BEGIN_DECLS

#define FB_ATTACHMENT_VIEW_ERROR (fb_attachment_view_error_quark ())

typedef enum
{
  /* The attachment is on the server and its data not on this device yet. */
  FB_ATTACHMENT_VIEW_ERROR_ONLY_ON_SERVER,
} FbAttachmentViewError;

/* What the file was looked up for: the words of a failure follow it. */
typedef enum
{
  FB_ATTACHMENT_USE_SHOW,  /* the larger view */
  FB_ATTACHMENT_USE_OPEN,  /* Open With… */
} FbAttachmentUse;

GQuark fb_attachment_view_error_quark (void);

/* The file here of attachment @name of item @id. @attachment (may be
 * NULL) gets the attachment whenever the item has it, also when its
 * data is not here: then NULL and FB_ATTACHMENT_VIEW_ERROR_ONLY_ON_SERVER. */
GFile *fb_attachment_view_find_file        (FbStore       *store,
                                            const char    *id,
                                            const char    *name,
                                            FbAttachment **attachment,
                                            GError       **error);
/* The sentence the person reads when attachment @name could not be
 * had for @use, because of @error. */
char  *fb_attachment_view_describe_failure (const char    *name,
                                            FbAttachmentUse use,
                                            const GError  *error);

#define FB_TYPE_ATTACHMENT_VIEW (fb_attachment_view_get_type ())
G_DECLARE_FINAL_TYPE (FbAttachmentView, fb_attachment_view, FB, ATTACHMENT_VIEW, AdwWindow)

/* A modal window over @parent: the picture (or the type's icon), the
 * name and size in the header, Save As… and Open With….
 *
 * Signals: open-with (): the Open With… button was pressed; whoever
 * opened the view hands the file on (it knows where failures go). */
GtkWidget  *fb_attachment_view_new      (GtkWindow          *parent,
                                         const FbAttachment *attachment,
                                         GFile              *file);
const char *fb_attachment_view_get_name (FbAttachmentView   *self);
GFile      *fb_attachment_view_get_file (FbAttachmentView   *self);

G_END_DECLS
