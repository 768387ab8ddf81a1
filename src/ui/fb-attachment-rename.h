/* fb-attachment-rename.h: the Rename… dialog of an attachment */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Asks for a new name of attachment @name (the entry holds @name, its
 * base name selected). Its "rename" response activates
 * "attachments.rename" ("(ss)": old, new name) on @strip, which renames
 * it or says in words why not. */
GtkWindow *fb_attachment_rename_dialog_show (GtkWidget  *strip,
                                             const char *name);
/* The name typed in @dialog (one fb_attachment_rename_dialog_show ()
 * returned). */
GtkEditable *fb_attachment_rename_dialog_get_entry (GtkWindow *dialog);

G_END_DECLS
