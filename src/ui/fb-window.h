/* fb-window.h: the main window: collections, the item list and an editor */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "fb-store.h"

G_BEGIN_DECLS

#define FB_TYPE_WINDOW (fb_window_get_type ())
G_DECLARE_FINAL_TYPE (FbWindow, fb_window, FB, WINDOW, AdwApplicationWindow)

/* Actions: win.new-item (Ctrl+N), win.delete-item (Delete in the list),
 * win.undo-delete (s id), win.search (Ctrl+F), win.collection (s, the
 * "collection" property: "notes" or "records").
 *
 * Edits are saved 500 ms after the last keystroke, and at once when another
 * item is opened and when the window closes. */

FbWindow   *fb_window_new                (GtkApplication *application,
                                          FbStore        *store);
FbStore    *fb_window_get_store          (FbWindow       *self);
const char *fb_window_get_collection     (FbWindow       *self);
void        fb_window_set_collection     (FbWindow       *self,
                                          const char     *collection);
/* The item in the editor (a snapshot as last saved or loaded), or NULL. */
FbItem     *fb_window_get_current_item   (FbWindow       *self);
/* Saves the editor's unsaved edits now. FALSE if saving failed (the person
 * has been told). */
gboolean    fb_window_flush              (FbWindow       *self);
/* The toast shown last (delete, errors), for tests; may have been dismissed. */
AdwToast   *fb_window_get_last_toast     (FbWindow       *self);
/* Where the sync status widget goes (end of the editor's header bar). */
GtkBox     *fb_window_get_status_box     (FbWindow       *self);

G_END_DECLS
