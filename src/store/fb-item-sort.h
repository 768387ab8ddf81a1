/* fb-item-sort.h: how a list of items is ordered, and items pinned to its top */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "fb-item.h"
#include "fb-store.h"

G_BEGIN_DECLS

/* What an unfiltered list sorts by after its pinned items (a search
 * lists best match first). Modified and created: newest first; title:
 * A to Z in the person's language, untitled items last. */
typedef enum {
  FB_ITEM_SORT_MODIFIED,
  FB_ITEM_SORT_CREATED,
  FB_ITEM_SORT_TITLE,
} FbItemSort;

/* "modified", "created", "title" (the settings' and the command line's
 * words); FALSE for anything else. */
gboolean     fb_item_sort_from_string    (const char  *str,
                                          FbItemSort  *sort);
const char  *fb_item_sort_to_string      (FbItemSort   sort);

/* The body's "pinned": true. A member of the body, so a pin syncs and
 * merges (three-way, as any value changed on one side) like the title. */
gboolean     fb_item_get_pinned          (FbItem      *item);
/* A local edit of @id that pins or unpins it (nothing when it already is). */
gboolean     fb_store_set_pinned         (FbStore     *self,
                                          const char  *id,
                                          gboolean     pinned,
                                          GError     **error);

/* What a title sorts by: its collation key, casefolded, in the current
 * locale (compare with strcmp ()); an empty or missing title sorts last. */
char        *fb_item_sort_title_key      (const char  *title);

G_END_DECLS
