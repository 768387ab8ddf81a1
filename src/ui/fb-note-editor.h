/* fb-note-editor.h: edits a note: a title, tags and Markdown text */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "fb-attachment-strip.h"
#include "fb-item.h"
#include "fb-tag-entry.h"

G_BEGIN_DECLS

#define FB_TYPE_NOTE_EDITOR (fb_note_editor_get_type ())
G_DECLARE_FINAL_TYPE (FbNoteEditor, fb_note_editor, FB, NOTE_EDITOR, GtkWidget)

/* Signals: changed (): the person edited the title, the tags or the text. Never
 * emitted for changes made through load/refresh.
 *
 * Markdown while typing (fb-markdown-edit.c): Enter continues or ends a
 * list, Ctrl+Enter or a click on its box ticks a task, Ctrl+B / Ctrl+I
 * (actions note.wrap "**" / "*") wrap the selection, headings are larger.
 * note.toggle-task ticks the task on the cursor's line. */

GtkWidget     *fb_note_editor_new             (void);
/* Shows @item, forgetting the undo history; the cursor goes to the start. */
void           fb_note_editor_load            (FbNoteEditor *self,
                                               FbItem       *item);
/* Shows a newer body of the same item (changed elsewhere, or merged with
 * the editor's), editing only what differs so the cursor stays where it
 * was. */
void           fb_note_editor_refresh         (FbNoteEditor *self,
                                               JsonObject   *body);
/* @base (the stored body, kept for keys this editor does not show) with the
 * editor's title and text. */
JsonObject    *fb_note_editor_build_body      (FbNoteEditor *self,
                                               JsonObject   *base);
void           fb_note_editor_focus_title     (FbNoteEditor *self);
GtkEditable   *fb_note_editor_get_title_entry (FbNoteEditor *self);
/* The tags under the title (the body's "tags"). */
FbTagEntry    *fb_note_editor_get_tag_entry   (FbNoteEditor *self);
GtkTextBuffer *fb_note_editor_get_buffer      (FbNoteEditor *self);
/* Highlights the text the list's search matched: @pattern from
 * fb_search_pattern_new () (case ignored), or NULL for none. */
void           fb_note_editor_set_search      (FbNoteEditor *self,
                                               const char   *pattern);
/* How many places are highlighted now (for tests). */
guint          fb_note_editor_count_search_matches (FbNoteEditor *self);
/* The reading view: the text rendered (fb-markdown-view.c) in place of
 * the Markdown, not editable; it follows loads and refreshes. */
gboolean       fb_note_editor_get_reading     (FbNoteEditor *self);
void           fb_note_editor_set_reading     (FbNoteEditor *self,
                                               gboolean      reading);
GtkTextBuffer *fb_note_editor_get_read_buffer (FbNoteEditor *self);
/* The note's attachments under the text (the window gives it the item). */
FbAttachmentStrip *fb_note_editor_get_attachment_strip (FbNoteEditor *self);

G_END_DECLS
