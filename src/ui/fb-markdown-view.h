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
/* The picture of an image's @address (a new reference), or NULL: with
 * *@words why there is none, in words, or without them when the address is
 * not one it knows (then the image is shown as a link to it). */
typedef GdkPaintable *(*FbMarkdownImageFunc) (const char  *address,
                                              char       **words,
                                              gpointer     user_data);

/* As fb_markdown_view_render (), in @view's buffer; and
 * ![caption](address) is the picture @image_func gives, its caption under
 * it, or the caption and @image_func's words. */
void        fb_markdown_view_render_with_images (GtkTextView         *view,
                                                 const char          *markdown,
                                                 FbMarkdownImageFunc  image_func,
                                                 gpointer             image_data);

/* The address of the link at @iter, or NULL. */
const char *fb_markdown_view_link_at (const GtkTextIter *iter);

G_END_DECLS
