/* fb-item-row.h: one row of the item list: title, snippet and time */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "fb-item.h"

G_BEGIN_DECLS

#define FB_TYPE_ITEM_ROW (fb_item_row_get_type ())
G_DECLARE_FINAL_TYPE (FbItemRow, fb_item_row, FB, ITEM_ROW, GtkWidget)

GtkWidget  *fb_item_row_new       (void);
void        fb_item_row_set_item  (FbItemRow *self,
                                   FbItem    *item);
FbItem     *fb_item_row_get_item  (FbItemRow *self);
/* A record with problems (fb_record_body_get_problems ()) is marked, the
 * problems in words in its tooltip and accessible label (NULL: none). */
void        fb_item_row_set_problems (FbItemRow  *self,
                                      const char *problems);
const char *fb_item_row_get_problems (FbItemRow  *self);
/* While searching: @search (fb_search_regex_new (), may be NULL) is
 * highlighted in the title and the snippet (a note's first line that
 * matches), and with @show_kind an icon says "Note" or "Record". */
void        fb_item_row_set_search   (FbItemRow  *self,
                                      GRegex     *search,
                                      gboolean    show_kind);
/* What the row shows, as a person reads it. */
const char *fb_item_row_get_title   (FbItemRow *self);
/* Whether the row shows the pin marker (fb_item_get_pinned ()). */
gboolean    fb_item_row_get_pinned  (FbItemRow *self);

/* The first line of text worth showing for @item (never NULL). */
char       *fb_item_make_snippet  (FbItem    *item);

G_END_DECLS
