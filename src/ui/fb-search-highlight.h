/* fb-search-highlight.h: where a search matched, for the list's rows and the editor */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Finds what the search finds (fb_search_words ()): each word as the
 * start of a word, case ignored (a run of CJK anywhere, as the index
 * splits it). NULL when @words is NULL or empty. */
GRegex   *fb_search_regex_new        (const char * const *words);
/* The same as a pattern (for GtkSourceSearchSettings), or NULL. */
char     *fb_search_pattern_new      (const char * const *words);
/* @text as Pango markup, each match of @regex (may be NULL) highlighted. */
char     *fb_search_highlight_markup (const char         *text,
                                      GRegex             *regex);
/* Marks each match of @regex (NULL: none) in @buffer with the same
 * colours, and with @follow_edits again after each edit until another
 * call; returns how many. For the reading view and a record's longer
 * fields. */
guint     fb_search_highlight_buffer (GtkTextBuffer      *buffer,
                                      GRegex             *regex,
                                      gboolean            follow_edits);
/* The same in a one-line entry (GtkEntry, AdwEntryRow, GtkText), as its
 * text's attributes. */
guint     fb_search_highlight_editable (GtkEditable      *editable,
                                        GRegex           *regex);

G_END_DECLS
