/* fb-store-apply.c: storing the server's versions of items as they are */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-store-private.h"

/* Owns the pull's writes of what the server has: one version applied on
 * its own, or a batch of them in the caller's one transaction, one sent
 * back as it is, and the items a batch names, read in one query. */

/* A version the server has, to be stored as it is (the user data of
 * apply_remote_in_transaction ()). */
typedef struct
{
  const char *id;
  const char *collection;
  const char *rev;
  const char *body;
  JsonObject *body_object;
  gboolean    deleted;
  gint64      updated_at;
} RemoteVersion;

static gboolean
apply_remote_in_transaction (FbStore   *self,
                             gpointer   user_data,
                             GError   **error)
{
  const RemoteVersion *remote = user_data;
  const char *id = remote->id;
  const char *collection = remote->collection;
  const char *rev = remote->rev;
  const char *body = remote->body;
  JsonObject *body_object = remote->body_object;
  gboolean deleted = remote->deleted;
  gint64 updated_at = remote->updated_at;
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };
  gboolean found;

  if (!_fb_store_load_row (self, id, &before, &found, error))
    return FALSE;

  if (found && before.state != FB_ITEM_STATE_SYNCED)
    {
      /* Overwriting it would drop the person's edit: it must be merged. */
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                   _("The item “%s” has changes that are not synced yet"), id);
      return FALSE;
    }

  if (deleted)
    {
      if (!found)
        return TRUE;
      /* Already in the Trash with that deletion. */
      if (before.deleted && g_strcmp0 (before.base_rev, rev) == 0)
        return TRUE;
      return _fb_store_purge_row (self, &before, rev, FB_STORE_CHANGE_PULL, error);
    }

  if (found)
    {
      /* Our own change coming back. */
      if (!before.deleted &&
          g_strcmp0 (before.base_rev, rev) == 0 &&
          g_strcmp0 (before.collection, collection) == 0 &&
          _fb_store_body_json_equal (before.body, body))
        return TRUE;

      if (!before.deleted &&
          !_fb_store_history_keep (self, &before, FB_HISTORY_KEEP_BEFORE_OVERWRITE, error))
        return FALSE;

      _fb_store_row_copy (&before, &after);
    }
  else
    {
      after.id = g_strdup (id);
      after.created_at = updated_at > 0 ? updated_at : _fb_store_now (self);
    }

  _fb_store_set_string (&after.collection, collection);
  _fb_store_set_string (&after.body, body);
  after.body_object = body_object;
  after.deleted = FALSE;
  after.updated_at = updated_at > 0 ? updated_at : _fb_store_now (self);
  after.state = FB_ITEM_STATE_SYNCED;
  _fb_store_set_string (&after.base_rev, rev);
  _fb_store_set_string (&after.base_body, body);
  after.base_body_object = body_object;
  g_clear_pointer (&after.server_rev, g_free);
  g_clear_pointer (&after.server_body, g_free);
  after.server_deleted = FALSE;
  g_clear_pointer (&after.sync_error, g_free);

  return _fb_store_save_row (self, found ? &before : NULL, &after, FB_STORE_CHANGE_PULL, error) &&
         _fb_store_history_set_origin (self, id, FB_VERSION_ORIGIN_SERVER,
                                       after.local_seq, error);
}

/* Checks what the server sent and fills @remote (*@json: the body as text,
 * which @remote points to). */
static gboolean
remote_version_init (RemoteVersion  *remote,
                     const char     *id,
                     const char     *collection,
                     const char     *rev,
                     JsonObject     *body,
                     gboolean        deleted,
                     gint64          updated_at,
                     char          **json,
                     GError        **error)
{
  g_return_val_if_fail (id != NULL, FALSE);

  if (!_fb_store_check_id (id, error))
    return FALSE;

  if (!deleted)
    {
      if (!_fb_store_check_collection (collection, error))
        return FALSE;
      if (body == NULL)
        {
          g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                       _("The server sent the item “%s” without content"), id);
          return FALSE;
        }
      *json = fb_body_to_string (body);
    }

  *remote = (RemoteVersion) {
    .id = id,
    .collection = collection,
    .rev = rev,
    .body = *json,
    .body_object = deleted ? NULL : body,
    .deleted = deleted,
    .updated_at = updated_at,
  };

  return TRUE;
}

gboolean
fb_store_apply_remote (FbStore     *self,
                       const char  *id,
                       const char  *collection,
                       const char  *rev,
                       JsonObject  *body,
                       gboolean     deleted,
                       gint64       updated_at,
                       GError     **error)
{
  g_autofree char *json = NULL;
  RemoteVersion remote;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!remote_version_init (&remote, id, collection, rev, body, deleted, updated_at, &json,
                            error))
    return FALSE;

  return fb_store_with_transaction (self, apply_remote_in_transaction, &remote, error);
}

gboolean
fb_store_apply_remote_in_batch (FbStore     *self,
                                const char  *id,
                                const char  *collection,
                                const char  *rev,
                                JsonObject  *body,
                                gboolean     deleted,
                                gint64       updated_at,
                                GError     **error)
{
  g_autofree char *json = NULL;
  RemoteVersion remote;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!remote_version_init (&remote, id, collection, rev, body, deleted, updated_at, &json,
                            error))
    return FALSE;

  /* No savepoint: the caller rolls the whole batch back on a failure. */
  return apply_remote_in_transaction (self, &remote, error);
}

/* ---- The server's version sent back ---- */

/* The user data of send_again_in_transaction (). */
typedef struct
{
  const char *id;
  const char *rev;
  gboolean   *marked;
} SendAgain;

static gboolean
send_again_in_transaction (FbStore   *self,
                           gpointer   user_data,
                           GError   **error)
{
  const SendAgain *again = user_data;
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };

  if (!_fb_store_load_existing_row (self, again->id, &before, error))
    return FALSE;

  /* Edited since, or another revision: that push or merge decides. */
  if (before.state != FB_ITEM_STATE_SYNCED || before.deleted ||
      g_strcmp0 (before.base_rev, again->rev) != 0)
    return TRUE;

  _fb_store_row_copy (&before, &after);
  after.state = FB_ITEM_STATE_PENDING;
  if (!_fb_store_next_local_seq (self, &after.local_seq, error) ||
      !_fb_store_save_row (self, &before, &after, FB_STORE_CHANGE_PUSH, error))
    return FALSE;
  *again->marked = TRUE;
  return TRUE;
}

gboolean
fb_store_send_again (FbStore     *self,
                     const char  *id,
                     const char  *rev,
                     gboolean    *marked,
                     GError     **error)
{
  gboolean marked_here = FALSE;
  SendAgain again = { .id = id, .rev = rev, .marked = &marked_here };

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (rev != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!fb_store_with_transaction (self, send_again_in_transaction, &again, error))
    return FALSE;
  if (marked != NULL)
    *marked = marked_here;
  return TRUE;
}

/* ---- A batch's items ---- */

GHashTable *
fb_store_lookup_items (FbStore            *self,
                       const char * const *ids,
                       GError            **error)
{
  g_autoptr(GHashTable) items = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                       g_object_unref);
  g_autoptr(GString) json = g_string_new ("[");
  g_autoptr(FbCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (ids != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (json, ',');
      fb_json_append_string (json, ids[i]);
    }
  g_string_append_c (json, ']');

  /* One query instead of one per change: the ids as a JSON array. */
  stmt = _fb_store_get_stmt (self,
                             "SELECT " FB_ITEM_COLUMNS " FROM items "
                             "WHERE id IN (SELECT value FROM json_each (?1))",
                             error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, json->str, json->len, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_auto(FbStoreRow) row = { 0, };
      FbItem *item;

      _fb_store_row_from_stmt (stmt, &row);
      item = _fb_item_new_take_row (&row);
      g_hash_table_insert (items, (gpointer) fb_item_get_id (item), item);
    }
  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return NULL;
    }

  return g_steal_pointer (&items);
}
