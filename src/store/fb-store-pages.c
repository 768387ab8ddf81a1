/* fb-store-pages.c: the live items in list order, a row or a page at a time */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <string.h>

#include "fb-store-private.h"

/* Owns reading many items without holding them all: the export's cursor,
 * and the keys and pages of the lazy list model (fb-item-list.c). The
 * order is the list's, newest updated_at first then id, which the index
 * items_by_collection (collection, deleted, updated_at DESC, id) holds. */

/* The rowid of a row whose body changed becomes the highest, unless it is
 * already: the order of rowids is the order of the last writes. */
gboolean
_fb_store_move_to_newest (FbStore  *self,
                          gint64    rowid,
                          gint64   *new_rowid,
                          GError  **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  stmt = _fb_store_get_stmt (self,
                             "UPDATE items SET rowid = (SELECT max (rowid) FROM items) + 1 "
                             "WHERE rowid = ?1 AND rowid < (SELECT max (rowid) FROM items)",
                             error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  if (!_fb_store_step_done (self, stmt, error))
    return FALSE;

  *new_rowid = rowid;
  if (sqlite3_changes (_fb_store_get_db (self)) > 0)
    {
      g_autoptr(FbCachedStmt) max = NULL;
      gboolean has_row;

      /* An UPDATE leaves sqlite3_last_insert_rowid () as it was. */
      max = _fb_store_get_stmt (self, "SELECT max (rowid) FROM items", error);
      if (max == NULL || !_fb_store_step_row (self, max, &has_row, error))
        return FALSE;
      g_assert (has_row);
      *new_rowid = sqlite3_column_int64 (max, 0);
    }
  return TRUE;
}

static const char *const collections[] = {
  FB_COLLECTION_NOTES, FB_COLLECTION_RECORDS, FB_COLLECTION_TEMPLATES,
};

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  const FbStoreKey *key_a = a;
  const FbStoreKey *key_b = b;

  if (key_a->updated_at != key_b->updated_at)
    return key_a->updated_at > key_b->updated_at ? -1 : 1;
  return strcmp (key_a->id, key_b->id);
}

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

void
_fb_store_key_clear (FbStoreKey *key)
{
  g_clear_pointer (&key->id, g_free);
}

gboolean
_fb_store_collect_keys (FbStore       *self,
                        sqlite3_stmt  *stmt,
                        GArray        *keys,
                        GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FbStoreKey key;

      key.rowid = sqlite3_column_int64 (stmt, 0);
      key.updated_at = sqlite3_column_int64 (stmt, 1);
      key.id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      g_array_append_val (keys, key);
    }

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

gboolean
_fb_store_list_keys (FbStore     *self,
                     const char  *collection,
                     GArray      *keys,
                     GError     **error)
{
  if (collection == NULL)
    {
      /* Not the templates (FB_STORE_IN_COLLECTION ()). */
      for (guint i = 0; i < G_N_ELEMENTS (collections); i++)
        if (g_strcmp0 (collections[i], FB_COLLECTION_TEMPLATES) != 0 &&
            !_fb_store_list_keys (self, collections[i], keys, error))
          return FALSE;
      /* One order over both: newest first, then id. */
      g_array_sort (keys, compare_keys);
      return TRUE;
    }

  {
    g_autoptr(FbCachedStmt) stmt = NULL;

    stmt = _fb_store_get_stmt (self,
                               "SELECT rowid, updated_at, id FROM items "
                               "WHERE collection = ?1 AND deleted = 0 "
                               "ORDER BY updated_at DESC, id",
                               error);
    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, collection);

    return _fb_store_collect_keys (self, stmt, keys, error);
  }
}

gboolean
_fb_store_foreach_key (FbStore         *self,
                       const char      *collection,
                       FbStoreKeyFunc   func,
                       gpointer         user_data,
                       GError         **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  int rc;

  stmt = _fb_store_get_stmt (self,
                             "SELECT rowid, updated_at, id FROM items "
                             "WHERE collection = ?1 AND deleted = 0 "
                             "ORDER BY updated_at DESC, id",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, collection);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func (sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
          (const char *) sqlite3_column_text (stmt, 2), user_data);

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
_fb_store_load_rowids (FbStore       *self,
                       const gint64  *rowids,
                       guint          n_rowids,
                       GError       **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  g_autoptr(GString) list = g_string_new ("[");

  for (guint i = 0; i < n_rowids; i++)
    g_string_append_printf (list, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", rowids[i]);
  g_string_append_c (list, ']');

  stmt = _fb_store_get_stmt (self,
                             "SELECT " FB_ITEM_COLUMNS " FROM items "
                             "WHERE rowid IN (SELECT value FROM json_each (?1))",
                             error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, list->str);

  return _fb_store_collect_items (self, stmt, NULL, error);
}
