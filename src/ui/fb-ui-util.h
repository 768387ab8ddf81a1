/* fb-ui-util.h: small helpers the editors share */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>
#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* How long toasts stay, in seconds (adw_toast_set_timeout ()). */
/* Errors stay until dismissed: they say what was not saved. */
#define FB_TOAST_UNTIL_DISMISSED 0
/* With an Undo button: longer than the default, so it is within reach. */
#define FB_TOAST_UNDO_SECONDS    15
/* News from the sync (an item the server refused). */
#define FB_TOAST_NOTICE_SECONDS  10

/* Beyond this many cells of a line-by-line LCS table, a diff gives up on
 * lines and treats what differs as one changed block. */
#define FB_MAX_LCS_CELLS (4 * 1024 * 1024)

/* Make @editable / @buffer show @text by replacing only the part that
 * differs, so a cursor outside that part does not move. */
void  fb_editable_replace_minimal   (GtkEditable   *editable,
                                     const char    *text);
void  fb_text_buffer_replace_minimal (GtkTextBuffer *buffer,
                                      const char    *text);

/* A JSON value as a person would type it: strings as they are, null as "",
 * anything else as JSON. */
char *fb_json_value_to_text         (JsonNode      *node);

/* A moment (ms since the epoch) with its date and time, as short as it can
 * be told apart: "Today, 14:02", " 3 Dec, 09:15", " 3 Dec 2025, 09:15". */
char *fb_format_date_time           (gint64         ms);

/* The name a person knows @file by (its display name, else its basename)
 * and, in *@content_type, GIO's content type for it (NULL if unknown):
 * what an attached file is called and guessed to be. */
char *fb_file_query_name_and_type   (GFile          *file,
                                     char          **content_type);

/* Shows @toast (transfer full) on @overlay in place of the toast shown
 * there before, which is dismissed first. libadwaita 1.2 crashes when an
 * overlay is disposed, or its toast dismissed, while a high-priority toast
 * is postponing another one (its hide animation then ends on freed data),
 * so no overlay of ours ever postpones: one toast at a time. Nor is a
 * toast dismissed while it is still coming in (see TOAST_SETTLE_MS): a
 * toast that replaces it waits until then, and one that waited is
 * dismissed unshown when yet another comes. */
void  fb_toast_overlay_show         (AdwToastOverlay *overlay,
                                     AdwToast        *toast);
/* Dismisses @toast (nullable) unless it is dismissed already: libadwaita
 * 1.2 runs a second hide animation for a second dismissal, and its end
 * frees the toast twice (a SIGSEGV under adw_animation_skip ()). Knows
 * the toasts fb_toast_overlay_show () showed; one still coming in is
 * dismissed once it is in. */
void  fb_toast_dismiss              (AdwToast        *toast);

/* A weak reference to @object on the heap, for an asynchronous call's
 * user data: a widget kept alive by a callback would outlive its window. */
GWeakRef *fb_weak_ref_new           (gpointer       object);
/* Frees @ref; returns its object (a new reference) or NULL if it is gone. */
gpointer  fb_weak_ref_steal         (GWeakRef      *ref);

G_END_DECLS
