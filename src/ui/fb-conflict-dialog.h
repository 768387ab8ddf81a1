/* fb-conflict-dialog.h: side-by-side resolver for items in conflict */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "fb-store.h"
#include "fb-sync-manager.h"

G_BEGIN_DECLS

#define FB_TYPE_CONFLICT_DIALOG (fb_conflict_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FbConflictDialog, fb_conflict_dialog, FB, CONFLICT_DIALOG, AdwWindow)

/* A modal window, transient for @parent (nullable), that steps through
 * fb_store_list_conflicts (@store) ("2 of 5" in the header): "Your version"
 * and "Server version" side by side, fields aligned by name and text aligned
 * line by line, with what differs highlighted. Keep Mine / Use Server /
 * Keep Both call fb_store_resolve_conflict and move to the next conflict;
 * when none are left it says "All Conflicts Resolved". It follows the
 * store's item-changed signal, so conflicts that arrive or are resolved
 * meanwhile show up. Escape closes it. Call gtk_window_present () on it.
 *
 * Actions (for shortcuts and tests): conflict.keep-mine, conflict.use-server,
 * conflict.keep-both, conflict.previous (Alt+Left), conflict.next
 * (Alt+Right). */
GtkWidget  *fb_conflict_dialog_new              (GtkWindow        *parent,
                                                 FbStore          *store);

/* The sync that downloads a file of "Your version" that only the server
 * has, which Keep Both needs for its copy (nullable: none; Keep Both then
 * says so). */
void        fb_conflict_dialog_set_sync_manager (FbConflictDialog *self,
                                                 FbSyncManager    *manager);
/* The id of the item shown now, or NULL when none is left. */
const char *fb_conflict_dialog_get_current_id   (FbConflictDialog *self);
/* Shows the conflict of item @id if it is one; FALSE otherwise. */
gboolean    fb_conflict_dialog_show_item        (FbConflictDialog *self,
                                                 const char       *id);

G_END_DECLS
