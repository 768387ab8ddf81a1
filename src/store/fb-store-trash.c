/* fb-store-trash.c: the Trash of the local store */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-store-history.h"
#include "fb-store-private.h"

/* Owns the trash table: a deleted item stays listed there (its row kept,
 * deleted) until it is restored, forgotten or the Trash is emptied; the
 * version history is fb-store-history.c. */

gboolean
_fb_store_trash_keeps (FbStore          *self,
                       const FbStoreRow *before,
                       gboolean         *keep,
                       GError          **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  gboolean found;

  stmt = _fb_store_get_stmt (self, "SELECT forget FROM trash WHERE item_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, before->id);
  if (!_fb_store_step_row (self, stmt, &found, error))
    return FALSE;
  *keep = !found || sqlite3_column_int (stmt, 0) == 0;

  return TRUE;
}

gboolean
_fb_store_trash_add (FbStore     *self,
                     const char  *id,
                     GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  stmt = _fb_store_get_stmt (self,
                             "INSERT OR IGNORE INTO trash (item_id, trashed_at) VALUES (?1, ?2)",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, _fb_store_now (self));

  return _fb_store_step_done (self, stmt, error);
}

gboolean
_fb_store_trash_remove (FbStore     *self,
                        const char  *id,
                        GError     **error)
{
  return _fb_store_exec_cached_for_id (self, "DELETE FROM trash WHERE item_id = ?1", id, error);
}

#define IN_TRASH \
  "FROM items JOIN trash ON trash.item_id = items.id " \
  "WHERE items.deleted = 1 AND trash.forget = 0 "

GPtrArray *
fb_store_list_trash (FbStore  *self,
                     GError  **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = _fb_store_get_stmt (self,
                             "SELECT " FB_ITEM_COLUMNS " " IN_TRASH
                             "ORDER BY trash.trashed_at DESC, items.id",
                             error);
  if (stmt == NULL)
    return NULL;

  return _fb_store_collect_items (self, stmt, NULL, error);
}

guint
fb_store_get_trash_count (FbStore *self)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (FB_IS_STORE (self), 0);

  stmt = _fb_store_get_stmt (self, "SELECT count (*) " IN_TRASH, NULL);
  if (stmt == NULL || !_fb_store_step_row (self, stmt, &found, NULL) || !found)
    return 0;

  return sqlite3_column_int (stmt, 0);
}

gint64
fb_store_get_trashed_at (FbStore    *self,
                         const char *id)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (FB_IS_STORE (self), 0);
  g_return_val_if_fail (id != NULL, 0);

  stmt = _fb_store_get_stmt (self, "SELECT trash.trashed_at " IN_TRASH "AND items.id = ?1",
                             NULL);
  if (stmt == NULL)
    return 0;
  bind_text (stmt, 1, id);
  if (!_fb_store_step_row (self, stmt, &found, NULL) || !found)
    return 0;

  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
forget_in_transaction (FbStore   *self,
                       gpointer   user_data,
                       GError   **error)
{
  const char *id = user_data;
  g_auto(FbStoreRow) before = { 0, };
  g_autoptr(FbCachedStmt) stmt = NULL;
  gboolean found;

  if (!_fb_store_load_row (self, id, &before, &found, error))
    return FALSE;
  if (!found || !before.deleted)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
                   _("The item “%s” is not in the Trash"), id);
      return FALSE;
    }

  /* The server has the deletion, or never had the item: nothing to push. */
  if (before.state == FB_ITEM_STATE_SYNCED || before.base_rev == NULL)
    return _fb_store_forget_row (self, &before, FB_STORE_CHANGE_LOCAL_EDIT, error);

  /* The tombstone is still to be pushed; then the row goes. */
  stmt = _fb_store_get_stmt (self,
                             "INSERT OR REPLACE INTO trash (item_id, trashed_at, forget) "
                             "VALUES (?1, ?2, 1)",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, _fb_store_now (self));
  if (!_fb_store_step_done (self, stmt, error))
    return FALSE;

  _fb_store_queue_snapshot (self, &before);

  return _fb_store_exec_cached_for_id (self, "DELETE FROM history WHERE item_id = ?1", id, error);
}

gboolean
fb_store_forget_item (FbStore     *self,
                      const char  *id,
                      GError     **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fb_store_with_transaction (self, forget_in_transaction, (gpointer) id, error);
}

/* The user data of empty_in_transaction (). */
typedef struct
{
  gint64  older_than_ms;
  guint  *n_removed;
} TrashEmptying;

static gboolean
empty_in_transaction (FbStore   *self,
                      gpointer   user_data,
                      GError   **error)
{
  const TrashEmptying *emptying = user_data;
  gint64 older_than_ms = emptying->older_than_ms;
  guint *n_removed = emptying->n_removed;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FbCachedStmt) stmt = NULL;
  int rc;

  stmt = _fb_store_get_stmt (self, "SELECT items.id " IN_TRASH "AND trash.trashed_at <= ?1",
                             error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, older_than_ms > 0 ? _fb_store_now (self) - older_than_ms
                                                 : G_MAXINT64);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }
  g_clear_pointer (&stmt, fb_cached_stmt_release);

  for (guint i = 0; i < ids->len; i++)
    if (!forget_in_transaction (self, g_ptr_array_index (ids, i), error))
      return FALSE;

  if (n_removed != NULL)
    *n_removed = ids->len;

  return TRUE;
}

gboolean
fb_store_empty_trash (FbStore  *self,
                      gint64    older_than_ms,
                      guint    *n_removed,
                      GError  **error)
{
  TrashEmptying emptying = { .older_than_ms = older_than_ms, .n_removed = n_removed };

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_removed != NULL)
    *n_removed = 0;

  return fb_store_with_transaction (self, empty_in_transaction, &emptying, error);
}
