/* fb-attachment-refs.h: Markdown references to a note's attachments (attachment:NAME) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "fb-store.h"

G_BEGIN_DECLS

/* The attachment name an address "attachment:NAME" (NAME plain or
 * %-escaped) refers to, or NULL when @address is not such a reference. */
char         *fb_attachment_refs_dup_name   (const char  *address);

/* The Markdown that refers to attachment @name: "![name](attachment:…)"
 * for an image (@content_type "image/…"), "[name](attachment:…)" for
 * another file, the name escaped as a URI. */
char         *fb_attachment_refs_dup_markdown (const char *name,
                                               const char *content_type);

/* The picture, at most @max_size pixels wide and high, of the image item
 * @id's reference @address names, from the file on this device; or NULL
 * with *@words saying why (no such attachment, not on this device yet, not
 * an image that can be read); or NULL without words when @address is not
 * an attachment reference. */
GdkPaintable *fb_attachment_refs_load_image (FbStore     *store,
                                             const char  *id,
                                             const char  *address,
                                             int          max_size,
                                             char       **words);

G_END_DECLS
