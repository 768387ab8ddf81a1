/* fb-store-sync.c: the local store's sync-facing writes, in-flight pushes and meta values */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-store-private.h"

/* Owns what the sync engine reads and writes: the pending list, the
 * server's answers to a push (and what was in flight before it came), the
 * server's versions and merges, per-item sync errors, and the meta table
 * (checkpoints, the remote's session, the device id). */

/* ---- Sync-facing ---- */

GPtrArray *
fb_store_list_pending (FbStore  *self,
                       gint64    after_seq,
                       guint     limit,
                       GError  **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Served by the items_by_state (state, local_seq) index. */
  stmt = _fb_store_get_stmt (self,
                             "SELECT " FB_ITEM_COLUMNS " FROM items "
                             "WHERE state = 'pending' AND local_seq > ?1 "
                             "ORDER BY local_seq LIMIT ?2",
                             error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after_seq);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);

  return _fb_store_collect_items (self, stmt, NULL, error);
}

GPtrArray *
fb_store_list_known_to_server (FbStore     *self,
                               const char  *after_id,
                               guint        limit,
                               GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = _fb_store_get_stmt (self,
                             "SELECT " FB_ITEM_COLUMNS " FROM items "
                             "WHERE id > ?1 AND (base_rev IS NOT NULL OR server_rev IS NOT NULL) "
                             "ORDER BY id LIMIT ?2",
                             error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, after_id != NULL ? after_id : "");
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);

  return _fb_store_collect_items (self, stmt, NULL, error);
}

/* What earlier pushes sent is forgotten once the server's answer, or a
 * newer base, makes it moot: the rows up to @up_to_seq (all with -1). */
gboolean
_fb_store_clear_in_flight (FbStore     *self,
                           const char  *id,
                           gint64       up_to_seq,
                           GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  stmt = _fb_store_get_stmt (self, "DELETE FROM in_flight WHERE id = ?1 AND local_seq <= ?2", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, up_to_seq < 0 ? G_MAXINT64 : up_to_seq);

  return _fb_store_step_done (self, stmt, error);
}

/* The server stored what a push sent (the edit at @sent_local_seq) as
 * @rev (the user data of mark_pushed_in_transaction ()). */
typedef struct
{
  const char *id;
  gint64      sent_local_seq;
  const char *rev;
  const char *body;
  gboolean    deleted;
} PushAnswer;

static gboolean
mark_pushed_in_transaction (FbStore   *self,
                            gpointer   user_data,
                            GError   **error)
{
  const PushAnswer *answer = user_data;
  const char *id = answer->id;
  gint64 sent_local_seq = answer->sent_local_seq;
  const char *rev = answer->rev;
  const char *body = answer->body;
  gboolean deleted = answer->deleted;
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };

  if (!_fb_store_load_existing_row (self, id, &before, error) ||
      !_fb_store_clear_in_flight (self, id, sent_local_seq, error))
    return FALSE;

  _fb_store_row_copy (&before, &after);
  _fb_store_set_string (&after.base_rev, rev);
  _fb_store_set_string (&after.base_body, deleted ? NULL : body);
  g_clear_pointer (&after.sync_error, g_free);

  /* Edits made while the push was on the way are still to be pushed. */
  if (after.state == FB_ITEM_STATE_PENDING && after.local_seq == sent_local_seq)
    after.state = FB_ITEM_STATE_SYNCED;

  if (after.state == FB_ITEM_STATE_SYNCED && deleted && after.deleted)
    return _fb_store_purge_row (self, &before, rev, FB_STORE_CHANGE_PUSH, error);

  return _fb_store_save_row (self, &before, &after, FB_STORE_CHANGE_PUSH, error);
}

gboolean
fb_store_mark_pushed (FbStore     *self,
                      const char  *id,
                      gint64       sent_local_seq,
                      const char  *rev,
                      JsonObject  *body,
                      gboolean     deleted,
                      GError     **error)
{
  g_autofree char *json = NULL;
  PushAnswer answer;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (rev != NULL, FALSE);
  g_return_val_if_fail (deleted || body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (body != NULL)
    json = fb_body_to_string (body);
  answer = (PushAnswer) {
    .id = id, .sent_local_seq = sent_local_seq, .rev = rev, .body = json, .deleted = deleted,
  };

  return fb_store_with_transaction (self, mark_pushed_in_transaction, &answer, error);
}

gboolean
fb_store_mark_item_pushed (FbStore     *self,
                           FbItem      *sent,
                           const char  *rev,
                           GError     **error)
{
  PushAnswer answer;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (FB_IS_ITEM (sent), FALSE);
  g_return_val_if_fail (rev != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  answer = (PushAnswer) {
    .id = fb_item_get_id (sent),
    .sent_local_seq = fb_item_get_local_seq (sent),
    .rev = rev,
    .body = fb_item_get_body_json (sent),
    .deleted = fb_item_get_deleted (sent),
  };

  return fb_store_with_transaction (self, mark_pushed_in_transaction, &answer, error);
}

/* ---- In flight ----
 *
 * What a push sends is written down before it goes out, so that when the
 * answer is lost (the connection drops, the program is killed) and the
 * server later shows that very content, it is known as our own upload
 * instead of looking like a change made elsewhere. */

static gboolean
record_in_flight_in_transaction (FbStore   *self,
                                 gpointer   user_data,
                                 GError   **error)
{
  GPtrArray *items = user_data;
  g_autoptr(FbCachedStmt) stmt = NULL;

  stmt = _fb_store_get_stmt (self,
                             "INSERT OR REPLACE INTO in_flight (id, local_seq, body) "
                             "VALUES (?1, ?2, ?3)",
                             error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < items->len; i++)
    {
      FbItem *item = items->pdata[i];

      sqlite3_reset (stmt);
      bind_text (stmt, 1, fb_item_get_id (item));
      sqlite3_bind_int64 (stmt, 2, fb_item_get_local_seq (item));
      bind_text (stmt, 3, fb_item_get_deleted (item) ? NULL : fb_item_get_body_json (item));
      if (!_fb_store_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
fb_store_record_in_flight (FbStore    *self,
                           GPtrArray  *items,
                           GError    **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (items != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (items->len == 0)
    return TRUE;

  return fb_store_with_transaction (self, record_in_flight_in_transaction, items, error);
}

/* The newest recorded send of @id whose content is @server_json (NULL: a
 * deletion); *@found says whether there is one. */
static gboolean
find_in_flight (FbStore     *self,
                const char  *id,
                const char  *server_json,
                gboolean    *found,
                gint64      *sent_seq,
                char       **sent_body,
                GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  int rc;

  *found = FALSE;
  stmt = _fb_store_get_stmt (self,
                             "SELECT local_seq, body FROM in_flight WHERE id = ?1 "
                             "ORDER BY local_seq DESC",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *body = (const char *) sqlite3_column_text (stmt, 1);

      if ((body == NULL && server_json == NULL) ||
          (body != NULL && server_json != NULL && _fb_store_body_json_equal (body, server_json)))
        {
          *found = TRUE;
          *sent_seq = sqlite3_column_int64 (stmt, 0);
          *sent_body = g_strdup (body);
          return TRUE;
        }
    }

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  return TRUE;
}

/* What the server shows of @id, perhaps what a push sent (the user data of
 * adopt_in_flight_in_transaction ()). */
typedef struct
{
  const char *id;
  const char *rev;
  const char *server_json;
  gboolean    adopted;
} ServerVersion;

static gboolean
adopt_in_flight_in_transaction (FbStore   *self,
                                gpointer   user_data,
                                GError   **error)
{
  ServerVersion *version = user_data;
  const char *id = version->id;
  const char *rev = version->rev;
  const char *server_json = version->server_json;
  gboolean *adopted = &version->adopted;
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };
  g_autofree char *sent_body = NULL;
  gint64 sent_seq = 0;
  gboolean found;

  if (!_fb_store_load_row (self, id, &before, &found, error))
    return FALSE;
  if (!found || before.state != FB_ITEM_STATE_PENDING)
    return TRUE;

  if (!find_in_flight (self, id, server_json, &found, &sent_seq, &sent_body, error))
    return FALSE;
  if (!found)
    return TRUE;

  *adopted = TRUE;

  /* Nothing changed since that send: as if its answer had arrived. */
  if (before.local_seq == sent_seq)
    {
      PushAnswer answer = {
        .id = id, .sent_local_seq = sent_seq, .rev = rev, .body = sent_body,
        .deleted = sent_body == NULL,
      };

      return mark_pushed_in_transaction (self, &answer, error);
    }

  /* Edited since: mine goes on top of what the server already has. A new
   * local_seq lets a push that is under way pick it up again. */
  if (!_fb_store_clear_in_flight (self, id, sent_seq, error))
    return FALSE;
  _fb_store_row_copy (&before, &after);
  _fb_store_set_string (&after.base_rev, rev);
  _fb_store_set_string (&after.base_body, sent_body);
  g_clear_pointer (&after.sync_error, g_free);
  if (!_fb_store_next_local_seq (self, &after.local_seq, error))
    return FALSE;

  return _fb_store_save_row (self, &before, &after, FB_STORE_CHANGE_PUSH, error);
}

gboolean
fb_store_adopt_in_flight (FbStore     *self,
                          const char  *id,
                          const char  *rev,
                          JsonObject  *server_body,
                          gboolean     server_deleted,
                          gboolean    *adopted,
                          GError     **error)
{
  g_autofree char *server_json = NULL;
  ServerVersion version;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (rev != NULL, FALSE);
  g_return_val_if_fail (server_deleted || server_body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (adopted != NULL)
    *adopted = FALSE;
  if (!server_deleted)
    server_json = fb_body_to_string (server_body);

  version = (ServerVersion) { .id = id, .rev = rev, .server_json = server_json };
  if (!fb_store_with_transaction (self, adopt_in_flight_in_transaction, &version, error))
    return FALSE;

  if (adopted != NULL)
    *adopted = version.adopted;
  return TRUE;
}

/* The server's version and what merging mine with it made (the user data
 * of apply_merged_in_transaction ()). */
typedef struct
{
  const char *id;
  const char *rev;
  const char *server_body;
  gboolean    server_deleted;
  const char *merged;
  gboolean    merged_deleted;
} Merge;

static gboolean
apply_merged_in_transaction (FbStore   *self,
                             gpointer   user_data,
                             GError   **error)
{
  const Merge *merge = user_data;
  const char *id = merge->id;
  const char *rev = merge->rev;
  const char *server_body = merge->server_body;
  gboolean server_deleted = merge->server_deleted;
  const char *merged = merge->merged;
  gboolean merged_deleted = merge->merged_deleted;
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };
  gboolean same_as_server;

  /* A base that is not ours: what earlier pushes sent can no longer be
   * stored on top of it. */
  if (!_fb_store_load_existing_row (self, id, &before, error) ||
      !_fb_store_clear_in_flight (self, id, -1, error))
    return FALSE;

  if (!before.deleted &&
      !_fb_store_history_keep (self, &before, FB_HISTORY_KEEP_BEFORE_OVERWRITE, error))
    return FALSE;

  _fb_store_row_copy (&before, &after);
  _fb_store_set_string (&after.base_rev, rev);
  _fb_store_set_string (&after.base_body, server_deleted ? NULL : server_body);
  g_clear_pointer (&after.server_rev, g_free);
  g_clear_pointer (&after.server_body, g_free);
  after.server_deleted = FALSE;
  g_clear_pointer (&after.sync_error, g_free);

  if (!merged_deleted)
    _fb_store_set_string (&after.body, merged);
  after.deleted = merged_deleted;
  if (after.deleted != before.deleted || g_strcmp0 (after.body, before.body) != 0)
    after.updated_at = _fb_store_now (self);

  if (merged_deleted || server_deleted)
    same_as_server = merged_deleted && server_deleted;
  else
    same_as_server = _fb_store_body_json_equal (merged, server_body);

  if (same_as_server)
    {
      after.state = FB_ITEM_STATE_SYNCED;
      if (after.deleted)
        return _fb_store_purge_row (self, &before, rev, FB_STORE_CHANGE_MERGE, error);
    }
  else
    {
      after.state = FB_ITEM_STATE_PENDING;
      if (!_fb_store_next_local_seq (self, &after.local_seq, error))
        return FALSE;
    }

  return _fb_store_save_row (self, &before, &after, FB_STORE_CHANGE_MERGE, error) &&
         _fb_store_history_set_origin (self, id,
                                       same_as_server ? FB_VERSION_ORIGIN_SERVER
                                                      : FB_VERSION_ORIGIN_MERGE,
                                       after.local_seq, error);
}

gboolean
fb_store_apply_merged (FbStore     *self,
                       const char  *id,
                       const char  *rev,
                       JsonObject  *server_body,
                       gboolean     server_deleted,
                       JsonObject  *merged,
                       gboolean     merged_deleted,
                       GError     **error)
{
  g_autofree char *server_json = NULL;
  g_autofree char *merged_json = NULL;
  Merge merge;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (rev != NULL, FALSE);
  g_return_val_if_fail (server_deleted || server_body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (server_body != NULL && !server_deleted)
    server_json = fb_body_to_string (server_body);
  if (merged == NULL)
    merged_deleted = TRUE;
  if (!merged_deleted)
    merged_json = fb_body_to_string (merged);

  merge = (Merge) {
    .id = id,
    .rev = rev,
    .server_body = server_json,
    .server_deleted = server_deleted,
    .merged = merged_json,
    .merged_deleted = merged_deleted,
  };

  return fb_store_with_transaction (self, apply_merged_in_transaction, &merge, error);
}

/* The user data of set_sync_error_in_transaction (). */
typedef struct
{
  const char *id;
  const char *message;
} SyncError;

static gboolean
set_sync_error_in_transaction (FbStore   *self,
                               gpointer   user_data,
                               GError   **error)
{
  const SyncError *sync_error = user_data;
  const char *id = sync_error->id;
  const char *message = sync_error->message;
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };

  if (!_fb_store_load_existing_row (self, id, &before, error))
    return FALSE;

  if (g_strcmp0 (before.sync_error, message) == 0)
    return TRUE;

  _fb_store_row_copy (&before, &after);
  _fb_store_set_string (&after.sync_error, message);

  return _fb_store_save_row (self, &before, &after, FB_STORE_CHANGE_PUSH, error);
}

gboolean
fb_store_set_sync_error (FbStore     *self,
                         const char  *id,
                         const char  *message,
                         GError     **error)
{
  SyncError sync_error = { .id = id, .message = message };

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fb_store_with_transaction (self, set_sync_error_in_transaction, &sync_error, error);
}

static gboolean
forget_base_rev_in_transaction (FbStore   *self,
                                gpointer   user_data,
                                GError   **error)
{
  const char *id = user_data;
  g_auto(FbStoreRow) before = { 0, };
  g_auto(FbStoreRow) after = { 0, };

  if (!_fb_store_load_existing_row (self, id, &before, error))
    return FALSE;

  if (before.state != FB_ITEM_STATE_PENDING || before.base_rev == NULL)
    return TRUE;

  _fb_store_row_copy (&before, &after);
  g_clear_pointer (&after.base_rev, g_free);
  if (!_fb_store_next_local_seq (self, &after.local_seq, error))
    return FALSE;

  return _fb_store_save_row (self, &before, &after, FB_STORE_CHANGE_PUSH, error);
}

gboolean
fb_store_forget_base_rev (FbStore     *self,
                          const char  *id,
                          GError     **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fb_store_with_transaction (self, forget_base_rev_in_transaction, (gpointer) id, error);
}

static gboolean
mark_for_upload_in_transaction (FbStore   *self,
                                gpointer   user_data,
                                GError   **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  guint *n_marked = user_data;
  int rc;

  {
    g_autoptr(FbCachedStmt) stmt = NULL;

    stmt = _fb_store_get_stmt (self,
                               "SELECT id FROM items WHERE state = 'synced' AND deleted = 0 "
                               "AND base_rev IS NOT NULL",
                               error);
    if (stmt == NULL)
      return FALSE;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    if (rc != SQLITE_DONE)
      {
        _fb_store_set_sqlite_error (self, error, rc);
        return FALSE;
      }
  }

  for (guint i = 0; i < ids->len; i++)
    {
      g_auto(FbStoreRow) before = { 0, };
      g_auto(FbStoreRow) after = { 0, };

      if (!_fb_store_load_existing_row (self, ids->pdata[i], &before, error))
        return FALSE;
      _fb_store_row_copy (&before, &after);
      after.state = FB_ITEM_STATE_PENDING;
      if (!_fb_store_next_local_seq (self, &after.local_seq, error) ||
          !_fb_store_save_row (self, &before, &after, FB_STORE_CHANGE_PUSH, error))
        return FALSE;
      (*n_marked)++;
    }

  return TRUE;
}

gboolean
fb_store_mark_for_upload (FbStore  *self,
                          guint    *n_marked,
                          GError  **error)
{
  guint n = 0;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!fb_store_with_transaction (self, mark_for_upload_in_transaction, &n, error))
    return FALSE;
  if (n_marked != NULL)
    *n_marked = n;
  return TRUE;
}

/* ---- Meta ---- */

char *
_fb_store_read_meta (FbStore     *self,
                     const char  *key,
                     GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  gboolean found;

  stmt = _fb_store_get_stmt (self, "SELECT value FROM meta WHERE key = ?1", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  if (!_fb_store_step_row (self, stmt, &found, error) || !found)
    return NULL;

  return _fb_store_column_dup (stmt, 0);
}

gboolean
_fb_store_write_meta (FbStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  if (value == NULL)
    stmt = _fb_store_get_stmt (self, "DELETE FROM meta WHERE key = ?1", error);
  else
    stmt = _fb_store_get_stmt (self,
                               "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                               error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  if (value != NULL)
    bind_text (stmt, 2, value);

  return _fb_store_step_done (self, stmt, error);
}

char *
fb_store_get_meta (FbStore    *self,
                   const char *key)
{
  g_autoptr(GError) error = NULL;
  char *value;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  value = _fb_store_read_meta (self, key, &error);
  if (error != NULL)
    g_warning ("Could not read “%s” from the database: %s", key, error->message);

  return value;
}

/* The user data of write_meta_in_transaction (). */
typedef struct
{
  const char *key;
  const char *value;
} MetaValue;

static gboolean
write_meta_in_transaction (FbStore   *self,
                           gpointer   user_data,
                           GError   **error)
{
  const MetaValue *meta = user_data;

  return _fb_store_write_meta (self, meta->key, meta->value, error);
}

gboolean
fb_store_set_meta (FbStore     *self,
                   const char  *key,
                   const char  *value,
                   GError     **error)
{
  MetaValue meta = { .key = key, .value = value };

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The edit counter is the store's own: a wrong value would reorder
   * or lose pushes. */
  if (g_str_equal (key, "local_seq") || g_str_equal (key, "device_id"))
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                   _("“%s” is kept by the store itself"), key);
      return FALSE;
    }

  return fb_store_with_transaction (self, write_meta_in_transaction, &meta, error);
}

static char *
checkpoint_key (const char *remote)
{
  return g_strconcat ("checkpoint:", remote, NULL);
}

char *
fb_store_get_checkpoint (FbStore    *self,
                         const char *remote)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (remote != NULL, NULL);

  key = checkpoint_key (remote);

  return fb_store_get_meta (self, key);
}

gboolean
fb_store_set_checkpoint (FbStore     *self,
                         const char  *remote,
                         const char  *seq_json,
                         GError     **error)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (remote != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  key = checkpoint_key (remote);

  return fb_store_set_meta (self, key, seq_json, error);
}

char *
fb_store_get_remote_session (FbStore    *self,
                             const char *remote)
{
  g_autofree char *current = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (remote != NULL, NULL);

  current = fb_store_get_meta (self, "session_remote");
  if (g_strcmp0 (current, remote) != 0)
    return NULL;

  return fb_store_get_meta (self, "session");
}

/* The user data of set_remote_session_in_transaction (). */
typedef struct
{
  const char *remote;
  const char *session;
  gboolean    keep_checkpoint;
} RemoteSession;

static gboolean
set_remote_session_in_transaction (FbStore   *self,
                                   gpointer   user_data,
                                   GError   **error)
{
  const RemoteSession *remote_session = user_data;
  const char *remote = remote_session->remote;
  const char *session = remote_session->session;
  g_autofree char *key = checkpoint_key (remote);

  return _fb_store_write_meta (self, "session_remote", remote, error) &&
         _fb_store_write_meta (self, "session", session, error) &&
         _fb_store_write_meta (self, "session_unconfirmed", NULL, error) &&
         (remote_session->keep_checkpoint || _fb_store_write_meta (self, key, NULL, error));
}

gboolean
fb_store_set_remote_session (FbStore     *self,
                             const char  *remote,
                             const char  *session,
                             gboolean     keep_checkpoint,
                             GError     **error)
{
  RemoteSession remote_session = {
    .remote = remote, .session = session, .keep_checkpoint = keep_checkpoint,
  };

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (remote != NULL, FALSE);
  g_return_val_if_fail (session != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fb_store_with_transaction (self, set_remote_session_in_transaction, &remote_session,
                                    error);
}

gboolean
fb_store_mark_remote_unconfirmed (FbStore     *self,
                                  const char  *remote,
                                  GError     **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (remote != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fb_store_set_meta (self, "session_unconfirmed", remote, error);
}

gboolean
fb_store_get_remote_unconfirmed (FbStore    *self,
                                 const char *remote)
{
  g_autofree char *unconfirmed = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (remote != NULL, FALSE);

  unconfirmed = fb_store_get_meta (self, "session_unconfirmed");
  return g_strcmp0 (unconfirmed, remote) == 0;
}

const char *
fb_store_get_device_id (FbStore *self)
{
  g_return_val_if_fail (FB_IS_STORE (self), NULL);

  return self->device_id;
}
