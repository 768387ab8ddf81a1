/* fb-markdown-edit.h: Markdown editing in a text buffer: lists, tasks, emphasis, headings */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Enter at the cursor of @buffer. On a list item ("- ", "* ", "+ ",
 * "3. ", "- [ ] ", indented or not) it continues the list on the next
 * line (numbers count on, a task starts unchecked); on an empty item it
 * ends the list (the marker goes). TRUE when handled; FALSE leaves Enter to
 * the view (not a list line, a selection, or the cursor inside the marker). */
gboolean fb_markdown_edit_newline      (GtkTextBuffer     *buffer);
/* Ticks or clears the task box ("- [ ]" ↔ "- [x]") of @iter's line. FALSE
 * when the line is no task. */
gboolean fb_markdown_edit_toggle_task  (GtkTextBuffer     *buffer,
                                        const GtkTextIter *iter);
/* @iter is on the "[ ]" of a task line (where a click toggles it). */
gboolean fb_markdown_edit_is_task_box  (const GtkTextIter *iter);
/* Wraps the selection in @mark ("**" strong, "*" emphasis) and keeps it
 * selected, or takes the marks away when it is wrapped already. Without a
 * selection, inserts the pair with the cursor between. */
void     fb_markdown_edit_wrap         (GtkTextBuffer     *buffer,
                                        const char        *mark);
/* From now on, heading lines ("# …" to "###### …") of @buffer are larger
 * than body text (tags "fb-heading-1" … "fb-heading-6"), as they are
 * typed, pasted or loaded. */
void     fb_markdown_edit_track_headings (GtkTextBuffer   *buffer);

G_END_DECLS
