/* fb-history-dialog.h: the earlier versions of an item, each against the current one */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "fb-store.h"

G_BEGIN_DECLS

#define FB_TYPE_HISTORY_DIALOG (fb_history_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FbHistoryDialog, fb_history_dialog, FB, HISTORY_DIALOG, AdwWindow)

FbHistoryDialog *fb_history_dialog_new              (FbStore         *store,
                                                     const char      *item_id);
/* The versions' rows, newest first (AdwActionRow: title = time, subtitle =
 * where it came from). */
GtkListBox      *fb_history_dialog_get_list         (FbHistoryDialog *self);
/* The side-by-side view of the selected version and the current one. */
GtkGrid         *fb_history_dialog_get_grid         (FbHistoryDialog *self);
/* Why restoring is refused (an item in conflict), or NULL. */
const char      *fb_history_dialog_get_notice       (FbHistoryDialog *self);
/* Selects the version in row @index (0: newest). */
void             fb_history_dialog_select           (FbHistoryDialog *self,
                                                     guint            index);

G_END_DECLS
