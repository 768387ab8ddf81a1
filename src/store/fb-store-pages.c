/* fb-store-pages.c: the live items in list order, a row or a page at a time */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include "fb-store-private.h"

/* Owns reading many items without holding them all: the export's cursor,
 * and the keys and pages of the lazy list model (fb-item-list.c). The
 * order is the list's, newest updated_at first then id, which the index
 * items_by_collection (collection, deleted, updated_at DESC, id) holds. */

static const char *const collections[] = {
  FB_COLLECTION_NOTES, FB_COLLECTION_RECORDS, FB_COLLECTION_TEMPLATES,
};

gboolean
_fb_store_count_live (FbStore     *self,
                      const char  *collection,
                      guint       *count,
                      GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  gboolean has_row;

  stmt = _fb_store_get_stmt (self,
                             "SELECT count(*) FROM items "
                             "WHERE (?1 IS NULL OR collection = ?1) AND deleted = 0",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, collection);
  if (!_fb_store_step_row (self, stmt, &has_row, error))
    return FALSE;

  *count = has_row ? (guint) sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

/* A statement of its own, not a cached one: @func may use the store. */
static gboolean
foreach_in_collection (FbStore          *self,
                       const char       *collection,
                       FbStoreItemFunc   func,
                       gpointer          user_data,
                       GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  rc = sqlite3_prepare_v2 (_fb_store_get_db (self),
                           "SELECT " FB_ITEM_COLUMNS " FROM items "
                           "WHERE collection = ?1 AND deleted = 0 "
                           "ORDER BY updated_at DESC, id",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }
  bind_text (stmt, 1, collection);

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_auto(FbStoreRow) row = { 0, };
      g_autoptr(FbItem) item = NULL;

      _fb_store_row_from_stmt (stmt, &row);
      item = _fb_item_new_take_row (&row);
      ok = func (item, user_data, error);
    }

  if (ok && rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      ok = FALSE;
    }
  sqlite3_finalize (stmt);

  return ok;
}

gboolean
_fb_store_foreach_live_item (FbStore          *self,
                             const char       *collection,
                             FbStoreItemFunc   func,
                             gpointer          user_data,
                             GError          **error)
{
  if (collection != NULL)
    return foreach_in_collection (self, collection, func, user_data, error);

  for (guint i = 0; i < G_N_ELEMENTS (collections); i++)
    if (!foreach_in_collection (self, collections[i], func, user_data, error))
      return FALSE;

  return TRUE;
}
