/* fb-window-private.h: what fb-window*.c share: the window's instance struct */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-item-banner.h"
#include "fb-item-list.h"
#include "fb-note-editor.h"
#include "fb-record-editor.h"
#include "fb-sync-banner.h"
#include "fb-sync-status.h"
#include "fb-ui-util.h"
#include "fb-window.h"

G_BEGIN_DECLS

/* One class over several files, as GNOME Text Editor's editor-window*.c:
 * fb-window.c (the object, its template, the list, collections),
 * fb-window-search.c (the search box and its marks),
 * fb-window-editing.c (the editor, saving, the selection, changes from the
 * store), fb-window-actions.c (win.* actions, shortcuts and the dialogs
 * they open). The sync banner is a widget of its own (fb-sync-banner.c). */

enum {
  NOTES,
  RECORDS,
  N_COLLECTIONS
};

static const char * const collection_names[N_COLLECTIONS] = {
  FB_COLLECTION_NOTES,
  FB_COLLECTION_RECORDS,
};

struct _FbWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar_pane;
  GtkWidget            *list_pane;
  GtkWidget            *editor_pane;
  GtkListBox           *sidebar;
  GtkListBoxRow        *notes_row;
  GtkListBoxRow        *records_row;
  GtkLabel             *notes_count;
  GtkLabel             *records_count;
  GtkWidget            *notes_conflict;
  GtkWidget            *records_conflict;
  GtkWidget            *tags_heading;
  GtkListBox           *tags_list;
  AdwWindowTitle       *list_title;
  AdwWindowTitle       *editor_title;
  GtkWidget            *new_button;
  GtkWidget            *delete_button;
  GtkSearchEntry       *search_entry;
  GtkStack             *list_stack;
  GtkListView          *list_view;
  AdwStatusPage        *empty_page;
  AdwStatusPage        *no_results_page;
  AdwStatusPage        *none_page;
  GtkStack             *editor_stack;
  FbNoteEditor         *note_editor;
  FbRecordEditor       *record_editor;
  FbSyncStatus         *sync_status;
  FbSyncBanner         *sync_banner;
  FbItemBanner         *item_banner;

  FbStore              *store;
  GSettings            *settings;
  guint                 collection;
  gboolean              collection_set;
  /* Every live item of each collection: the list when not searching, and
   * the counts in the sidebar. */
  FbItemList           *all_lists[N_COLLECTIONS];
  /* The current collection filtered by search_text. */
  FbItemList           *search_list;
  char                 *search_text;
  /* Where it matched (fb-search-highlight.c), and the item open before
   * the search began (Escape goes back to it). */
  GRegex               *search_regex;
  char                 *search_pattern;
  char                 *pre_search_id;
  /* How far the list was scrolled then, and the frame callback that
   * scrolls it back once the list is laid out again (or 0). */
  double                pre_search_scroll;
  guint                 scroll_back_id;
  gint64                scroll_back_frame;
  GtkSingleSelection   *selection;

  /* The item in the editor, as last saved or loaded. The editor follows this
   * id, not the selection: saving moves an item to the top of the list. */
  FbItem               *current;
  gboolean              dirty;
  guint                 save_source;
  guint                 save_delay_ms;
  guint                 selecting;
  gboolean              close_anyway;
  AdwToast             *last_toast;
  /* The toast the first Tab already went to (compared, not held). */
  gpointer              toast_tabbed;
  AdwToast             *error_toast;

  FbSyncManager        *sync_manager;
  GSignalGroup         *sync_signals;
  GtkWidget            *conflict_dialog;
  GtkWidget            *preferences;
  /* "id\nreason" of the server's rejections already told. */
  GHashTable           *rejections_told;

  /* Trash and history (fb-trash-window.c, fb-history-dialog.c): the
   * sidebar's Trash entry, and what Ctrl+Z in the list brings back. */
  GtkWidget            *trash_entry;
  char                 *last_deleted_id;

  /* fb-window-tags.c: the recount waiting for idle. */
  guint                 tags_source;
  GCancellable         *tags_cancellable; /* the count running on a worker */
  /* Item id → its tags as last counted (JSON; "" when deleted). */
  GHashTable           *known_tags;

  /* fb-window-transfer.c: an export or an import running on its worker. */
  GtkProgressBar       *transfer_progress;
  GtkButton            *transfer_cancel;
  GCancellable         *transfer_cancellable;
  GCancellable         *import_cancellable;
  gboolean              transferring;
  gboolean              importing;

  /* fb-window-sort.c: list.sort and list.pin, and the list's menu of them. */
  GSimpleActionGroup   *list_actions;
  GtkMenuButton        *sort_button;
};

/* fb-window.c */
void        _fb_window_show_toast        (FbWindow   *self,
                                          AdwToast   *toast);
/* An error toast: stays until dismissed, one at a time. */
void        _fb_window_show_error        (FbWindow   *self,
                                          const char *message);
const char *_fb_window_current_id        (FbWindow   *self);
GListModel *_fb_window_list_model        (FbWindow   *self);
gboolean    _fb_window_is_folded         (FbWindow   *self);
void        _fb_window_update_actions    (FbWindow   *self);
void        _fb_window_update_list_stack (FbWindow   *self);
/* The list the window shows now: the collection's, or the search's. */
void        _fb_window_apply_model       (FbWindow   *self);

/* fb-window-search.c */
void        _fb_window_class_search_init (GtkWidgetClass *widget_class);
void        _fb_window_search_finalize   (FbWindow   *self);
void        _fb_window_set_search_text   (FbWindow   *self,
                                          const char *text);

/* fb-window-editing.c */
void        _fb_window_class_editing_init (GtkWidgetClass *widget_class);
void        _fb_window_editing_init       (FbWindow       *self);
/* Saves the editor's unsaved edits; FALSE (and an error toast) if that
 * failed. */
gboolean    _fb_window_save_now          (FbWindow   *self);
void        _fb_window_show_item         (FbWindow   *self,
                                          FbItem     *item);
void        _fb_window_select_current    (FbWindow   *self);
/* Before a search: how far the list is scrolled. After it: the list
 * scrolled back there, if the item open is still @before, the one open
 * before. */
void        _fb_window_remember_list_place (FbWindow   *self);
void        _fb_window_restore_list_place  (FbWindow   *self,
                                            const char *before);
gboolean    _fb_window_open_item         (FbWindow   *self,
                                          FbItem     *item);
void        _fb_window_focus_title       (FbWindow   *self);

/* fb-window-header.c: the editor's title and saved state */
void        _fb_window_header_init       (FbWindow   *self);
void        _fb_window_update_header     (FbWindow   *self);

/* fb-window-tags.c: the sidebar's Tags */
void        _fb_window_class_tags_init   (GtkWidgetClass *widget_class);
void        _fb_window_tags_init         (FbWindow   *self);
void        _fb_window_tags_dispose      (FbWindow   *self);
/* The editor shows @item: saving it with the same tags needs no recount. */
void        _fb_window_tags_item_shown   (FbWindow   *self,
                                          FbItem     *item);
/* Searches for the items tagged @name (the search box says `tag:NAME`). */
void        _fb_window_show_tag          (FbWindow   *self,
                                          const char *name);

/* fb-window-transfer.c: Import and Export in the window menu */
void        _fb_window_class_transfer_init (GtkWidgetClass *widget_class);
void        _fb_window_transfer_init     (FbWindow   *self);
void        _fb_window_transfer_dispose  (FbWindow   *self);
/* The import holds the database's write lock: saves as you type wait. */
gboolean    _fb_window_is_importing      (FbWindow   *self);

/* fb-window-sort.c: the sort menu and pinning */
void        _fb_window_class_sort_init   (GtkWidgetClass *widget_class);
void        _fb_window_sort_init         (FbWindow   *self);
/* list.pin follows the item in the editor. */
void        _fb_window_update_pin        (FbWindow   *self);

/* fb-window-keyboard.c: the first Tab after a toast goes to its button */
void        _fb_window_keyboard_init     (FbWindow   *self);
gboolean    _fb_window_tab_to_toast      (FbWindow   *self);
GtkWidget  *_fb_window_toast_button      (FbWindow   *self);

/* fb-window-actions.c */
void        _fb_window_class_actions_init (GtkWidgetClass *widget_class);
/* A new item of the current collection with @body, shown and selected,
 * its title focused (after saving the editor's edits). */
void        _fb_window_add_new_item      (FbWindow   *self,
                                          JsonObject *body);

/* fb-window-records.c: records and their templates */
void        _fb_window_class_records_init (GtkWidgetClass *widget_class);
/* When there are templates, asks which one a new record is made from
 * (or a blank record) and returns TRUE; FALSE when there are none. */
gboolean    _fb_window_ask_template      (FbWindow   *self);
/* What the template of the record @item finds wrong with it, one problem
 * a line, or NULL (no problems, no template, not a record). */
char       *_fb_window_describe_problems (FbWindow   *self,
                                          FbItem     *item);

G_END_DECLS
