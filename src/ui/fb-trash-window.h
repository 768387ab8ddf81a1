/* fb-trash-window.h: the Trash: deleted items, restored or deleted for good */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "fb-store.h"

G_BEGIN_DECLS

#define FB_TYPE_TRASH_WINDOW (fb_trash_window_get_type ())
G_DECLARE_FINAL_TYPE (FbTrashWindow, fb_trash_window, FB, TRASH_WINDOW, AdwWindow)

FbTrashWindow *fb_trash_window_new           (FbStore       *store);
/* The rows of the list, in order (AdwActionRow, title = the item's title). */
GtkListBox    *fb_trash_window_get_list      (FbTrashWindow *self);
/* The confirmation "Empty Trash" asks for, while it is open. */
AdwMessageDialog *fb_trash_window_get_confirmation (FbTrashWindow *self);

/* The sidebar's "Trash" entry with its count: a list of one activatable row
 * that opens the Trash window beside the window it is in. */
GtkWidget     *fb_trash_entry_new            (FbStore       *store);
GtkLabel      *fb_trash_entry_get_count_label (GtkWidget    *entry);
/* The Trash window the entry opened, if it is open. */
FbTrashWindow *fb_trash_entry_get_window     (GtkWidget     *entry);

G_END_DECLS
