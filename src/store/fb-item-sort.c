/* fb-item-sort.c: the orders of the item list (modified, created, title) and pinned items */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <string.h>

#include "fb-item-body.h"
#include "fb-item-sort.h"
#include "fb-store-private.h"

static const char *const sort_names[] = {
  [FB_ITEM_SORT_MODIFIED] = "modified",
  [FB_ITEM_SORT_CREATED] = "created",
  [FB_ITEM_SORT_TITLE] = "title",
};

gboolean
fb_item_sort_from_string (const char *str,
                          FbItemSort *sort)
{
  for (guint i = 0; i < G_N_ELEMENTS (sort_names); i++)
    if (g_strcmp0 (str, sort_names[i]) == 0)
      {
        *sort = (FbItemSort) i;
        return TRUE;
      }
  return FALSE;
}

const char *
fb_item_sort_to_string (FbItemSort sort)
{
  g_return_val_if_fail (sort < G_N_ELEMENTS (sort_names), NULL);

  return sort_names[sort];
}

/* The same test as the pinned column of schema v9 (json_type … 'true'). */
static gboolean
body_pinned (JsonObject *body)
{
  JsonNode *node = body != NULL ? json_object_get_member (body, "pinned") : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

gboolean
fb_item_get_pinned (FbItem *item)
{
  g_return_val_if_fail (FB_IS_ITEM (item), FALSE);

  return body_pinned (fb_item_get_body (item));
}

gboolean
fb_store_set_pinned (FbStore     *self,
                     const char  *id,
                     gboolean     pinned,
                     GError     **error)
{
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) body = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  item = fb_store_get_item (self, id, error);
  if (item == NULL)
    return FALSE;
  if (fb_item_get_deleted (item))
    return _fb_store_set_not_found (error, id);
  if (fb_item_get_pinned (item) == !!pinned)
    return TRUE;

  /* Unpinned is no member at all: the bodies of items never pinned stay
   * as they were, and a merge sees a removal against an unchanged base. */
  body = fb_body_copy (fb_item_get_body (item));
  if (pinned)
    json_object_set_boolean_member (body, "pinned", TRUE);
  else
    json_object_remove_member (body, "pinned");

  return fb_store_update_item (self, id, body, error);
}

char *
fb_item_sort_title_key (const char *title)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *key = NULL;

  trimmed = g_strstrip (g_strdup (title != NULL ? title : ""));
  if (*trimmed == '\0' || !g_utf8_validate (trimmed, -1, NULL))
    return g_strdup ("1");

  /* Casefolded first: a locale without case-insensitive collation (C)
   * still sorts "apple" before "Banana". */
  folded = g_utf8_casefold (trimmed, -1);
  key = g_utf8_collate_key (folded, -1);

  return g_strconcat ("0", key, NULL);
}

/* ---- Schema v9 and the keys of a sorted list ---- */

/* v9: "pinned" and the title as columns SQLite computes from the body
 * (never stored, so no writer changes), and one index over them: the
 * pinned items of a collection are found without reading any body, and
 * the title sort reads titles from the index instead of parsing 100,000
 * bodies. A body that is not JSON gives NULL, never an error. */
gboolean
_fb_store_sort_migrate (FbStore  *self,
                        GError  **error)
{
  gboolean has_column;

  if (!_fb_store_has_column (self, "pinned", &has_column, error))
    return FALSE;
  if (has_column)
    return TRUE;

  return _fb_store_exec_once (self,
                              "ALTER TABLE items ADD COLUMN pinned INTEGER "
                              "  GENERATED ALWAYS AS ("
                              "    CASE WHEN json_valid (body) "
                              "    THEN json_type (body, '$.pinned') IS 'true' ELSE 0 END) VIRTUAL;"
                              "ALTER TABLE items ADD COLUMN sort_title TEXT "
                              "  GENERATED ALWAYS AS ("
                              "    CASE WHEN json_valid (body) AND json_type (body, '$.title') = 'text' "
                              "    THEN json_extract (body, '$.title') END) VIRTUAL;"
                              "CREATE INDEX items_by_pin_and_title "
                              "  ON items (collection, deleted, pinned, sort_title);",
                              error);
}

gboolean
_fb_store_collect_pinned (FbStore     *self,
                          const char  *collection,
                          GHashTable  *rowids,
                          GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  int rc;

  stmt = _fb_store_get_stmt (self,
                             "SELECT rowid FROM items "
                             "WHERE collection = ?1 AND deleted = 0 AND pinned = 1",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, collection);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *rowid = g_new (gint64, 1);

      *rowid = sqlite3_column_int64 (stmt, 0);
      g_hash_table_add (rowids, rowid);
    }

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

gboolean
_fb_store_foreach_sort_key (FbStore             *self,
                            const char          *collection,
                            FbStoreSortKeyFunc   func,
                            gpointer             user_data,
                            GError             **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  int rc;

  /* Ordered as the index is, so SQLite walks it instead of the table. */
  stmt = _fb_store_get_stmt (self,
                             "SELECT rowid, id, updated_at, created_at, pinned, sort_title "
                             "FROM items WHERE collection = ?1 AND deleted = 0 "
                             "ORDER BY pinned DESC, sort_title",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, collection);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FbStoreSortKey key;

      key.rowid = sqlite3_column_int64 (stmt, 0);
      key.id = (const char *) sqlite3_column_text (stmt, 1);
      key.updated_at = sqlite3_column_int64 (stmt, 2);
      key.created_at = sqlite3_column_int64 (stmt, 3);
      key.pinned = sqlite3_column_int (stmt, 4) != 0;
      key.title = (const char *) sqlite3_column_text (stmt, 5);
      func (&key, user_data);
    }

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}
