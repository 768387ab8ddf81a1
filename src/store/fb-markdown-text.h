/* fb-markdown-text.h: Markdown as plain text, for one-line previews */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One line of Markdown as a person reads it: without the marks at its
 * start (headings, quotes, list markers, task boxes) and inside it
 * (**strong**, *emphasis*, _, ~~, `code`, [text](link) → text,
 * ![alt](image) → alt). A backslash keeps the mark after it as text.
 * Never NULL. */
char *fb_markdown_line_to_plain (const char *line);

G_END_DECLS
