/* fb-search-highlight.h: where a search matched, for the list's rows and the editor */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

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

G_END_DECLS
