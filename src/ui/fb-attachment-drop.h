/* fb-attachment-drop.h: files dropped onto an editor are attached */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-attachment-strip.h"

G_BEGIN_DECLS

GtkDropTarget *fb_attachment_drop_add_target (GtkWidget         *onto,
                                              FbAttachmentStrip *strip);
GtkDropTarget *fb_attachment_drop_get_target (GtkWidget         *onto);

/* A widget inside @onto that takes the files dropped on it itself (a
 * record's photo field): @func attaches each, as the strip would. */
typedef gboolean (*FbAttachmentDropFunc) (GtkWidget  *widget,
                                          GFile      *file,
                                          GError    **error);
void           fb_attachment_drop_set_inner  (GtkWidget            *widget,
                                              FbAttachmentDropFunc  func);

G_END_DECLS
