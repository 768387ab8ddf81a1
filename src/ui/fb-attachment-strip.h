/* fb-attachment-strip.h: the attachments of the item in the editor, as thumbnails */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "fb-store.h"

G_BEGIN_DECLS

#define FB_TYPE_ATTACHMENT_STRIP (fb_attachment_strip_get_type ())
G_DECLARE_FINAL_TYPE (FbAttachmentStrip, fb_attachment_strip, FB, ATTACHMENT_STRIP, GtkWidget)

/* One button per attachment: a picture for an image that is here, else a
 * themed icon of its type; name and size in words under it. One only the
 * server has yet says so. The strip follows the store's changes of its
 * item (a pull, a restored version, an undo). Inside an FbWindow with a
 * sync manager, the tile of a file being sent or downloaded shows a
 * progress bar and how far ("Sending… 40 %", "Downloading… 12.0 MB of
 * 50.0 MB"), gone when it ends.
 *
 * Signals: before-edit (): about to change the item through the store;
 * the window saves what is typed first, so both are one item's edits.
 *
 * Actions (on the strip):
 *   attachments.add-file         chooses a file (portal in Flatpak)
 *   attachments.remove (s name)  with an Undo toast
 *   attachments.undo-remove      puts the last removed one back
 *   attachments.paste            an image or files from the clipboard
 *   attachments.open (s name)    the larger view, with Save As…
 *   attachments.show-rename (s name)  the Rename… dialog (tile menu)
 *   attachments.rename ((ss) old, new)  renames, with an Undo toast */

GtkWidget *fb_attachment_strip_new         (void);
void       fb_attachment_strip_set_item    (FbAttachmentStrip *self,
                                            FbStore           *store,
                                            const char        *id);
/* The store and item set_item () gave (NULL: none). */
FbStore   *fb_attachment_strip_get_store   (FbAttachmentStrip *self);
const char *fb_attachment_strip_get_item_id (FbAttachmentStrip *self);
/* Attaches @file to the item; on failure the toast says why, in words, and
 * FALSE with @error. */
gboolean   fb_attachment_strip_add_file    (FbAttachmentStrip *self,
                                            GFile             *file,
                                            GError           **error);
/* Attaches @texture as a PNG named "Pasted image <date and time>.png". */
gboolean   fb_attachment_strip_add_texture (FbAttachmentStrip *self,
                                            GdkTexture        *texture,
                                            GError           **error);
/* Pastes an image or files from the clipboard; FALSE when it holds
 * neither (then text is pasted as usual). */
gboolean   fb_attachment_strip_paste       (FbAttachmentStrip *self);
/* The names shown, in order (free with g_strfreev), and the label under
 * @name ("On the server", or its size). */
char     **fb_attachment_strip_dup_names   (FbAttachmentStrip *self);
const char *fb_attachment_strip_get_detail (FbAttachmentStrip *self,
                                            const char        *name);
/* The bar on @name's tile that shows how much of the file is sent or
 * downloaded (visible only then; NULL: no such tile). */
GtkProgressBar *fb_attachment_strip_get_progress_bar (FbAttachmentStrip *self,
                                                      const char        *name);
/* The larger view (attachments.open), while it shows. */
GtkWindow *fb_attachment_strip_get_viewer  (FbAttachmentStrip *self);
/* The toast of the last removal or failure, while it shows. */
AdwToast  *fb_attachment_strip_get_toast   (FbAttachmentStrip *self);

G_END_DECLS
