/* fb-store-tags.h: the tags of notes and records: counts, and tag:NAME in searches */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-store.h"

G_BEGIN_DECLS

/* Tags are the body's "tags" array of strings (a set: fb-merge.c merges it
 * as one). In a search, `tag:NAME` (or `tag:"TWO WORDS"`) keeps the items
 * that have the tag NAME (ASCII case ignored); the other words are
 * searched as always, and a query of tag terms only lists every item with
 * those tags, newest first. */

typedef struct
{
  char  *name;
  guint  count;
} FbTagCount;

void        fb_tag_count_free            (FbTagCount *tag);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbTagCount, fb_tag_count_free)

/* The tags of the live items of @collection (NULL: notes and records), each with the
 * number of items that have it, sorted by name (ASCII case ignored).
 * Element type FbTagCount. */
GPtrArray  *fb_store_list_tags           (FbStore     *self,
                                          const char  *collection,
                                          GError     **error);

/* The same counted on a worker thread over a read-only connection of its
 * own, so that a large store (100,000 tagged notes: 0.15 s of reading
 * the tags index) does not hold up the caller's main loop. It counts what the last commit
 * left; a cancelled count reports G_IO_ERROR_CANCELLED. */
void        fb_store_list_tags_async     (FbStore             *self,
                                          const char          *collection,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
/* No store: the count holds none (the store may be gone by then). */
GPtrArray  *fb_store_list_tags_finish    (GAsyncResult        *result,
                                          GError             **error);

/* The search term that finds the items tagged @name: `tag:NAME`, quoted
 * when @name has spaces. */
char       *fb_tag_search_term           (const char  *name);

/* The words of @query a search matches (its tag:NAME terms left out, and
 * anything without a letter or digit), for showing where it matched; an
 * empty array when there are none. */
char      **fb_search_words              (const char  *query);

/* @tags (a JsonArray of strings, may be NULL) holds @name. */
gboolean    fb_tags_contain              (JsonArray   *tags,
                                          const char  *name);

G_END_DECLS
