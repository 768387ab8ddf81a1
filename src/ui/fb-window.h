/* fb-window.h: the main window: collections, the item list and an editor */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "fb-store.h"
#include "fb-sync-manager.h"

G_BEGIN_DECLS

#define FB_TYPE_WINDOW (fb_window_get_type ())
G_DECLARE_FINAL_TYPE (FbWindow, fb_window, FB, WINDOW, AdwApplicationWindow)

/* Actions: win.new-item (Ctrl+N), win.delete-item (Delete in the list),
 * win.undo-delete (s id), win.search (Ctrl+F), win.collection (s, the
 * "collection" property: "notes" or "records"; Alt+1, Alt+2),
 * win.resolve-conflicts (Ctrl+Shift+R: opens the conflict resolver, or
 * brings the open one to the front), win.sync-now (Ctrl+R; without a
 * server, the preferences), win.show-preferences.
 *
 * With a sync manager ("sync-manager" property), a bar under the list
 * shows its status in words (also when the window is folded), a banner under it says in words why syncing fails (with
 * a button to try again or to open the preferences), and items the server
 * refused are told in a toast, once per item and reason.
 *
 * Edits are saved 500 ms after the last keystroke, and at once when another
 * item is opened and when the window closes. */

FbWindow      *fb_window_new                (GtkApplication *application,
                                             FbStore        *store);
FbStore       *fb_window_get_store          (FbWindow       *self);
const char    *fb_window_get_collection     (FbWindow       *self);
void           fb_window_set_collection     (FbWindow       *self,
                                             const char     *collection);
/* The item in the editor (a snapshot as last saved or loaded), or NULL. */
FbItem        *fb_window_get_current_item   (FbWindow       *self);
/* Saves the editor's unsaved edits now. FALSE if saving failed (the person
 * has been told). */
gboolean       fb_window_flush              (FbWindow       *self);
/* The toast shown last (delete, errors), for tests; may have been dismissed. */
AdwToast      *fb_window_get_last_toast     (FbWindow       *self);

FbSyncManager *fb_window_get_sync_manager   (FbWindow       *self);
void           fb_window_set_sync_manager   (FbWindow       *self,
                                             FbSyncManager  *manager);
/* What the sync banner says, or NULL when it is hidden (for tests). */
const char    *fb_window_get_banner_text    (FbWindow       *self);
/* The preferences window (one per main window), presented; with
 * @focus_password, the password row has the focus. */
GtkWindow     *fb_window_show_preferences   (FbWindow       *self,
                                             gboolean        focus_password);
/* How long typing waits before it is saved (0: never by itself, only on
 * fb_window_flush (), switching items or closing; for tests that need
 * typing to stay unsaved). The default is half a second. */
void           fb_window_set_save_delay     (FbWindow       *self,
                                             guint           delay_ms);
/* The editor's conflict banner ("Changed on another device too"), for
 * tests. */
GtkWidget     *fb_window_get_item_banner    (FbWindow       *self);
/* The conflict resolver (one per main window), presented. */
GtkWindow     *fb_window_show_conflicts     (FbWindow       *self);
/* What the editor's header says under the title: "Saved", "Saving…",
 * "Not saved", "Not synced yet", "Saved, in conflict" ("" with no item). */
const char    *fb_window_get_saved_state    (FbWindow       *self);
/* The sidebar's Trash entry (see fb_trash_entry_new ()). */
GtkWidget     *fb_window_get_trash_entry    (FbWindow       *self);
/* Records from templates (fb-window-records.c): win.new-record (s template
 * id, "" for a blank record); win.edit-templates opens the template
 * window, returned here while it is open (else NULL). Ctrl+N in Records
 * asks which template when there are any. win.export-csv writes the
 * records of the current record's template (or one asked for) to a CSV
 * file chosen in a file chooser; win.export-csv-to ((ss) template id,
 * path) writes it there and says how many in a toast. win.import-csv
 * asks for a file (and a template, unless a record of one is open);
 * win.import-csv-from ((ss) template id, path) asks what each column
 * fills (a field, the title, a new field or nothing) and imports on
 * "Import". win.open-item (s id) opens an
 * item (a link field's record), or says in words that it is not here. */
struct _FbTemplateWindow *fb_window_get_template_window (FbWindow *self);
/* win.show-table (s template id) opens the table of a template's records
 * (win.show-table-current: the current record's template, or one asked
 * for); a row opens its record here. The open table, or NULL. */
struct _FbRecordTable    *fb_window_get_record_table    (FbWindow *self);

G_END_DECLS
