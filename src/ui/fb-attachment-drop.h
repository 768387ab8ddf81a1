/* fb-attachment-drop.h: files dropped onto an editor are attached */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-attachment-strip.h"

G_BEGIN_DECLS

GtkDropTarget *fb_attachment_drop_add_target (GtkWidget         *onto,
                                              FbAttachmentStrip *strip);
GtkDropTarget *fb_attachment_drop_get_target (GtkWidget         *onto);

G_END_DECLS
