/* fb-attachment-open.h: "Open With…": an attachment handed to another application */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GFile   *fb_attachment_open_make_copy (GFile       *source,
                                       const char  *name,
                                       GError     **error);
gboolean fb_attachment_open_with      (GtkWindow   *parent,
                                       GFile       *source,
                                       const char  *name,
                                       GError     **error);

G_END_DECLS
