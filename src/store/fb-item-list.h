/* fb-item-list.h: a live, searchable list of one collection's items */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "fb-item-sort.h"
#include "fb-record-query.h"
#include "fb-store.h"

G_BEGIN_DECLS

#define FB_TYPE_ITEM_LIST (fb_item_list_get_type ())
G_DECLARE_FINAL_TYPE (FbItemList, fb_item_list, FB, ITEM_LIST, GObject)

/* A GListModel of FbItem: the live items of @collection (NULL: notes and
 * records, the search everywhere; never templates), newest
 * updated_at first (or as fb_item_list_set_sort () says, pinned items
 * first), or best match first while searching. It follows the
 * store's FbStore::item-changed and reports each change as one precise
 * items-changed (an insertion, a removal, a replacement in place, or a
 * move as a removal then an insertion); only a new search resets it. */
FbItemList  *fb_item_list_new            (FbStore    *store,
                                          const char *collection);
FbStore     *fb_item_list_get_store      (FbItemList *self);
const char  *fb_item_list_get_collection (FbItemList *self);
/* What a person typed in the search box; NULL or "" lists every item. */
void         fb_item_list_set_search     (FbItemList *self,
                                          const char *query);
const char  *fb_item_list_get_search     (FbItemList *self);
/* How the unfiltered list of one collection sorts (the search everywhere
 * sorts by modification); setting it lists the items again. */
void         fb_item_list_set_sort       (FbItemList *self,
                                          FbItemSort  sort);
FbItemSort   fb_item_list_get_sort       (FbItemList *self);
/* Where the item @id is in the list, without reading the rows before it;
 * GTK_INVALID_LIST_POSITION's value (G_MAXUINT) when the list does not
 * hold it (or not yet: a search's later pages come while idle). */
guint        fb_item_list_find           (FbItemList *self,
                                          const char *id);
/* A records list (FB_COLLECTION_RECORDS) as the table of one template:
 * the rows and order of @query, sorted in SQL (pins and the list's sort
 * aside), the search a filter only; edits keep it in that order with
 * precise items-changed, as above. NULL: the list's own order again.
 * Reloads (one reset). */
void         fb_item_list_set_record_query (FbItemList    *self,
                                            FbRecordQuery *query);

G_END_DECLS
