/* fb-markdown-view.h: a note's Markdown rendered for reading, in a text buffer with styles */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Replaces @buffer's text with @markdown as it reads: headings larger,
 * **strong**, *emphasis*, ~~struck~~ and `code` styled without their
 * marks, list items with a bullet or their number, task boxes as ☐ / ☑,
 * quotes indented, links underlined (the tag of a link carries its address:
 * fb_markdown_view_link_at ()). No web engine, no HTML. */
void        fb_markdown_view_render  (GtkTextBuffer     *buffer,
                                      const char        *markdown);
/* The address of the link at @iter, or NULL. */
const char *fb_markdown_view_link_at (const GtkTextIter *iter);

G_END_DECLS
