/* fb-store-history.c: the version history of the local store */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fb-store-history.h"
#include "fb-store-private.h"

typedef struct
{
  guint max_versions;
  guint max_age_days;
} HistoryLimits;

static GQuark
limits_quark (void)
{
  return g_quark_from_static_string ("fb-store-history-limits");
}

static HistoryLimits *
get_limits (FbStore *self)
{
  HistoryLimits *limits = g_object_get_qdata (G_OBJECT (self), limits_quark ());

  if (limits == NULL)
    {
      limits = g_new0 (HistoryLimits, 1);
      limits->max_versions = FB_HISTORY_DEFAULT_MAX_VERSIONS;
      limits->max_age_days = FB_HISTORY_DEFAULT_MAX_AGE_DAYS;
      g_object_set_qdata_full (G_OBJECT (self), limits_quark (), limits, g_free);
    }

  return limits;
}



/* ---- Schema ---- */

gboolean
_fb_store_history_migrate (FbStore  *self,
                           GError  **error)
{
  int rc;

  rc = sqlite3_exec (_fb_store_get_db (self),
                     "CREATE TABLE trash ("
                     "  item_id    TEXT PRIMARY KEY NOT NULL,"
                     "  trashed_at INTEGER NOT NULL,"
                     /* Deleted for good, waiting for its tombstone's push. */
                     "  forget     INTEGER NOT NULL DEFAULT 0"
                     ");"
                     "CREATE TABLE history ("
                     "  id         INTEGER PRIMARY KEY,"
                     "  item_id    TEXT NOT NULL,"
                     "  saved_at   INTEGER NOT NULL,"
                     "  edited_at  INTEGER NOT NULL,"
                     "  origin     INTEGER NOT NULL,"
                     "  digest     TEXT NOT NULL,"
                     "  size       INTEGER NOT NULL,"
                     /* The body's JSON text, zlib-compressed. */
                     "  body       BLOB NOT NULL"
                     ");"
                     "CREATE INDEX history_by_item ON history (item_id, id);"
                     /* Where the current body of an item came from, while
                      * its local_seq is still that. No row: this device. */
                     "CREATE TABLE history_origin ("
                     "  item_id    TEXT PRIMARY KEY NOT NULL,"
                     "  origin     INTEGER NOT NULL,"
                     "  local_seq  INTEGER NOT NULL"
                     ");"
                     /* Deletions not pushed yet keep their body: Trash. */
                     "INSERT INTO trash (item_id, trashed_at) "
                     "  SELECT id, updated_at FROM items WHERE deleted = 1;",
                     NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  return TRUE;
}

/* ---- Compression ---- */

static GBytes *
convert_all (GConverter  *converter,
             const void  *data,
             gsize        size)
{
  g_autoptr(GByteArray) out = g_byte_array_sized_new (size / 2 + 64);
  const guint8 *in = data;
  gsize in_left = size;
  GConverterResult result;

  do
    {
      g_autoptr(GError) local_error = NULL;
      guint8 buffer[16384];
      gsize read = 0;
      gsize written = 0;

      result = g_converter_convert (converter, in, in_left, buffer, sizeof buffer,
                                    G_CONVERTER_INPUT_AT_END, &read, &written,
                                    &local_error);
      if (result == G_CONVERTER_ERROR)
        {
          g_warning ("History: %s", local_error->message);
          return NULL;
        }
      in += read;
      in_left -= read;
      g_byte_array_append (out, buffer, written);
    }
  while (result != G_CONVERTER_FINISHED);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static GBytes *
compress_text (const char *text)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);

  return convert_all (G_CONVERTER (compressor), text, strlen (text));
}

static char *
decompress_text (const void *data,
                 gsize       size)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
  g_autoptr(GBytes) bytes = convert_all (G_CONVERTER (decompressor), data, size);
  gsize len;
  const char *text;

  if (bytes == NULL)
    return NULL;
  text = g_bytes_get_data (bytes, &len);

  return g_strndup (text, len);
}

/* ---- Keeping versions ---- */

static gboolean
node_is_blank (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_NULL:
      return TRUE;
    case JSON_NODE_VALUE:
      return json_node_get_value_type (node) == G_TYPE_STRING &&
             *json_node_get_string (node) == '\0';
    case JSON_NODE_ARRAY:
      return json_array_get_length (json_node_get_array (node)) == 0;
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, NULL, &member))
          if (!node_is_blank (member))
            return FALSE;
        return TRUE;
      }
    default:
      return FALSE;
    }
}

/* A new, still empty item is not worth a version. */
static gboolean
body_is_blank (const char *body)
{
  g_autoptr(JsonObject) object = fb_body_from_string (body, NULL);
  g_autoptr(JsonNode) node = NULL;

  if (object == NULL)
    return FALSE;
  node = json_node_init_object (json_node_alloc (), object);

  return node_is_blank (node);
}

static char *
digest_of (const char *body)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA1, body, -1);
}

/* The newest version of @id: *found, its saved_at and digest. */
static gboolean
load_newest (FbStore     *self,
             const char  *id,
             gboolean    *found,
             gint64      *saved_at,
             char       **digest,
             GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  stmt = _fb_store_get_stmt (self,
                             "SELECT saved_at, digest FROM history WHERE item_id = ?1 "
                             "ORDER BY id DESC LIMIT 1",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  if (!_fb_store_step_row (self, stmt, found, error))
    return FALSE;
  if (*found)
    {
      *saved_at = sqlite3_column_int64 (stmt, 0);
      if (digest != NULL)
        *digest = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }

  return TRUE;
}

static gboolean
load_origin (FbStore     *self,
             const char  *id,
             gint64       local_seq,
             int         *origin,
             GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  gboolean found;

  stmt = _fb_store_get_stmt (self,
                             "SELECT origin FROM history_origin "
                             "WHERE item_id = ?1 AND local_seq = ?2",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, local_seq);
  if (!_fb_store_step_row (self, stmt, &found, error))
    return FALSE;
  *origin = found ? sqlite3_column_int (stmt, 0) : FB_VERSION_ORIGIN_DEVICE;

  return TRUE;
}

static gboolean
prune_item (FbStore     *self,
            const char  *id,
            GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  guint max_versions = get_limits (self)->max_versions;

  if (max_versions == 0)
    return TRUE;

  stmt = _fb_store_get_stmt (self,
                             "DELETE FROM history WHERE item_id = ?1 AND id <= "
                             "  (SELECT id FROM history WHERE item_id = ?1 "
                             "   ORDER BY id DESC LIMIT 1 OFFSET ?2)",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, max_versions);

  return _fb_store_step_done (self, stmt, error);
}

/* Keeps @body as the newest version unless it already is (or is blank). */
static gboolean
insert_version (FbStore     *self,
                const char  *id,
                const char  *body,
                int          origin,
                gint64       edited_at,
                GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  g_autofree char *digest = digest_of (body);
  g_autofree char *newest_digest = NULL;
  g_autoptr(GBytes) compressed = NULL;
  gboolean found;
  gint64 saved_at;

  if (!load_newest (self, id, &found, &saved_at, &newest_digest, error))
    return FALSE;
  if (found && g_strcmp0 (digest, newest_digest) == 0)
    return TRUE;
  if (body_is_blank (body))
    return TRUE;

  compressed = compress_text (body);
  if (compressed == NULL)
    {
      g_set_error_literal (error, FB_STORE_ERROR, FB_STORE_ERROR_FAILED,
                           _("An earlier version could not be compressed"));
      return FALSE;
    }

  stmt = _fb_store_get_stmt (self,
                             "INSERT INTO history (item_id, saved_at, edited_at, origin, "
                             "  digest, size, body) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, _fb_store_now (self));
  sqlite3_bind_int64 (stmt, 3, edited_at);
  sqlite3_bind_int (stmt, 4, origin);
  bind_text (stmt, 5, digest);
  sqlite3_bind_int64 (stmt, 6, strlen (body));
  sqlite3_bind_blob (stmt, 7, g_bytes_get_data (compressed, NULL),
                     g_bytes_get_size (compressed), SQLITE_TRANSIENT);
  if (!_fb_store_step_done (self, stmt, error))
    return FALSE;

  return prune_item (self, id, error);
}

gboolean
_fb_store_history_keep (FbStore          *self,
                        const FbStoreRow *before,
                        FbHistoryMoment   moment,
                        GError          **error)
{
  gboolean found;
  gboolean recent;
  gint64 saved_at = 0;
  int origin;

  if (before->deleted || before->body == NULL)
    return TRUE;

  if (!load_newest (self, before->id, &found, &saved_at, NULL, error) ||
      !load_origin (self, before->id, before->local_seq, &origin, error))
    return FALSE;

  /* Not per keystroke: while the person keeps typing, one version per
   * pause; but a body from elsewhere is kept before it is replaced, and
   * so is this device's work before a sync replaces it. A server version
   * replaced by the next one from the server is kept once per pause. */
  recent = found && _fb_store_now (self) - saved_at < FB_HISTORY_PAUSE_MS;
  switch (moment)
    {
    case FB_HISTORY_KEEP_BEFORE_EDIT:
      if (recent && origin == FB_VERSION_ORIGIN_DEVICE)
        return TRUE;
      break;
    case FB_HISTORY_KEEP_BEFORE_OVERWRITE:
      if (recent && origin == FB_VERSION_ORIGIN_SERVER)
        return TRUE;
      break;
    case FB_HISTORY_KEEP_ALWAYS:
      break;
    default:
      g_assert_not_reached ();
    }

  return insert_version (self, before->id, before->body, origin, before->updated_at, error);
}

gboolean
_fb_store_history_keep_body (FbStore     *self,
                             const char  *id,
                             const char  *body,
                             int          origin,
                             gint64       edited_at,
                             GError     **error)
{
  return insert_version (self, id, body, origin, edited_at, error);
}

gboolean
_fb_store_history_set_origin (FbStore     *self,
                              const char  *id,
                              int          origin,
                              gint64       local_seq,
                              GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  stmt = _fb_store_get_stmt (self,
                             "INSERT OR REPLACE INTO history_origin (item_id, origin, local_seq) "
                             "VALUES (?1, ?2, ?3)",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  sqlite3_bind_int (stmt, 2, origin);
  sqlite3_bind_int64 (stmt, 3, local_seq);

  return _fb_store_step_done (self, stmt, error);
}

gboolean
_fb_store_history_forget (FbStore     *self,
                          const char  *id,
                          GError     **error)
{
  return _fb_store_exec_cached_for_id (self, "DELETE FROM history WHERE item_id = ?1", id, error) &&
         _fb_store_exec_cached_for_id (self, "DELETE FROM history_origin WHERE item_id = ?1", id, error) &&
         _fb_store_exec_cached_for_id (self, "DELETE FROM trash WHERE item_id = ?1", id, error);
}

/* ---- Reading versions ---- */

static FbVersion *
version_from_stmt (sqlite3_stmt  *stmt,
                   GError       **error)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) body = NULL;

  text = decompress_text (sqlite3_column_blob (stmt, 3), sqlite3_column_bytes (stmt, 3));
  if (text != NULL)
    body = fb_body_from_string (text, NULL);
  if (body == NULL)
    {
      g_set_error_literal (error, FB_STORE_ERROR, FB_STORE_ERROR_CORRUPT,
                           _("An earlier version is damaged and cannot be read"));
      return NULL;
    }

  return fb_version_new (sqlite3_column_int64 (stmt, 0),
                         sqlite3_column_int64 (stmt, 1),
                         sqlite3_column_int (stmt, 2),
                         body);
}

#define VERSION_COLUMNS "id, edited_at, origin, body"

GPtrArray *
fb_store_list_versions (FbStore     *self,
                        const char  *id,
                        GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = _fb_store_get_stmt (self,
                             "SELECT " VERSION_COLUMNS " FROM history WHERE item_id = ?1 "
                             "ORDER BY id DESC",
                             error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FbVersion *version = version_from_stmt (stmt, error);

      if (version == NULL)
        return NULL;
      g_ptr_array_add (versions, version);
    }
  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return NULL;
    }

  return g_steal_pointer (&versions);
}

FbVersion *
fb_store_get_version (FbStore     *self,
                      const char  *id,
                      gint64       version_id,
                      GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  gboolean found;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = _fb_store_get_stmt (self,
                             "SELECT " VERSION_COLUMNS " FROM history "
                             "WHERE item_id = ?1 AND id = ?2",
                             error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, version_id);
  if (!_fb_store_step_row (self, stmt, &found, error))
    return NULL;
  if (!found)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, version_id);

      /* Translators: the second %s is a version number */
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
                   _("The item “%s” has no version %s"), id, number);
      return NULL;
    }

  return version_from_stmt (stmt, error);
}

/* ---- Writing versions ---- */

static gboolean
keep_version_in_transaction (FbStore   *self,
                             gpointer   user_data,
                             GError   **error)
{
  const char *id = user_data;
  g_auto(FbStoreRow) row = { 0, };
  gboolean found;

  if (!_fb_store_load_row (self, id, &row, &found, error))
    return FALSE;
  if (!found || row.deleted)
    return TRUE;

  return _fb_store_history_keep (self, &row, FB_HISTORY_KEEP_ALWAYS, error);
}

gboolean
fb_store_keep_version (FbStore     *self,
                       const char  *id,
                       GError     **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fb_store_with_transaction (self, keep_version_in_transaction, (gpointer) id, error);
}

/* The user data of restore_version_in_transaction (). */
typedef struct
{
  const char *id;
  gint64      version_id;
  guint      *n_left_out;
} VersionToRestore;

/* The JSON text of @version_body restored over @before: its text and
 * fields, the current attachments, and those of the version the current
 * body no longer lists (the collector keeps their files while the history
 * names them): restoring brings a removed file back and removes none. One
 * that the last synced version still lists goes back as the server has
 * it; another is uploaded again, if its file is here, else counted in
 * @n_left_out. */
static char *
with_version_attachments (FbStore          *self,
                          const FbStoreRow *before,
                          JsonObject       *version_body,
                          guint            *n_left_out)
{
  JsonObject *old = fb_body_get_object (version_body, FB_BODY_ATTACHMENTS);
  g_autofree char *text = fb_body_to_string (version_body);
  g_autofree char *with_current = fb_body_json_with_attachments_of (text, before->body);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) base = NULL;
  JsonObject *base_attachments = NULL;
  JsonObject *current;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (old == NULL)
    return with_current != NULL ? g_steal_pointer (&with_current) : g_steal_pointer (&text);

  body = fb_body_from_string (with_current != NULL ? with_current : text, NULL);
  if (before->base_rev != NULL && before->base_body != NULL)
    base = fb_body_from_string (before->base_body, NULL);
  base_attachments = base != NULL ? fb_body_get_object (base, FB_BODY_ATTACHMENTS) : NULL;
  current = fb_body_get_object (body, FB_BODY_ATTACHMENTS);

  json_object_iter_init_ordered (&iter, old);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *base_entry = fb_body_get_object (base_attachments, name);
      JsonObject *back;

      if (entry == NULL || (current != NULL && json_object_has_member (current, name)))
        continue;
      if (base_entry != NULL &&
          g_strcmp0 (fb_body_get_string (base_entry, "digest"), fb_body_get_string (entry, "digest")) == 0)
        {
          g_autoptr(JsonNode) copy = fb_json_node_deep_copy (json_object_get_member (base_attachments, name));

          back = json_node_dup_object (copy);
        }
      else
        back = _fb_store_entry_to_upload (self, entry);
      if (back == NULL)
        {
          if (n_left_out != NULL)
            (*n_left_out)++;
          continue;
        }
      if (current == NULL)
        {
          current = json_object_new ();
          json_object_set_object_member (body, FB_BODY_ATTACHMENTS, current);
        }
      json_object_set_object_member (current, name, back);
    }

  return fb_body_to_string (body);
}

static gboolean
restore_version_in_transaction (FbStore   *self,
                                gpointer   user_data,
                                GError   **error)
{
  const VersionToRestore *restore = user_data;
  const char *id = restore->id;
  gint64 version_id = restore->version_id;
  g_auto(FbStoreRow) before = { 0, };
  g_autoptr(FbVersion) version = NULL;
  g_autofree char *body = NULL;
  gboolean found;

  if (!_fb_store_load_row (self, id, &before, &found, error))
    return FALSE;
  if (!found)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
                   _("There is no item “%s”"), id);
      return FALSE;
    }
  if (before.state == FB_ITEM_STATE_CONFLICT)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_IN_CONFLICT,
                   _("“%s” is in conflict with the server’s version: resolve the "
                     "conflict before restoring an earlier version"),
                   id);
      return FALSE;
    }
  if (before.deleted)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                   _("“%s” is in the Trash: restore it before restoring an earlier version"),
                   id);
      return FALSE;
    }

  version = fb_store_get_version (self, id, version_id, error);
  if (version == NULL)
    return FALSE;
  if (restore->n_left_out != NULL)
    *restore->n_left_out = 0;
  body = with_version_attachments (self, &before, fb_version_get_body (version), restore->n_left_out);
  if (g_strcmp0 (body, before.body) == 0)
    return TRUE;

  /* The body it replaces stays recoverable: restoring can be undone. */
  return _fb_store_history_keep (self, &before, FB_HISTORY_KEEP_ALWAYS, error) &&
         _fb_store_save_local_attachments (self, &before, body, error);
}

gboolean
fb_store_restore_version (FbStore     *self,
                          const char  *id,
                          gint64       version_id,
                          guint       *n_left_out,
                          GError     **error)
{
  VersionToRestore restore = { .id = id, .version_id = version_id, .n_left_out = n_left_out };

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fb_store_with_transaction (self, restore_version_in_transaction, &restore, error);
}

void
fb_store_set_history_limits (FbStore *self,
                             guint    max_versions,
                             guint    max_age_days)
{
  HistoryLimits *limits;

  g_return_if_fail (FB_IS_STORE (self));

  limits = get_limits (self);
  limits->max_versions = max_versions;
  limits->max_age_days = max_age_days;
}

static gboolean
prune_in_transaction (FbStore   *self,
                      gpointer   user_data,
                      GError   **error)
{
  guint *n_removed = user_data;
  HistoryLimits *limits = get_limits (self);
  sqlite3 *db = _fb_store_get_db (self);
  guint removed = 0;

  if (limits->max_versions > 0)
    {
      g_autoptr(FbCachedStmt) stmt = NULL;

      /* The newest max_versions of each item stay. */
      stmt = _fb_store_get_stmt (self,
                                 "DELETE FROM history WHERE id IN ("
                                 "  SELECT id FROM (SELECT id, row_number () OVER "
                                 "    (PARTITION BY item_id ORDER BY id DESC) AS n FROM history) "
                                 "  WHERE n > ?1)",
                                 error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, limits->max_versions);
      if (!_fb_store_step_done (self, stmt, error))
        return FALSE;
      removed += sqlite3_changes (db);
    }

  if (limits->max_age_days > 0)
    {
      g_autoptr(FbCachedStmt) stmt = NULL;
      gint64 cutoff = _fb_store_now (self) -
                      (gint64) limits->max_age_days * (G_TIME_SPAN_DAY / G_TIME_SPAN_MILLISECOND);

      stmt = _fb_store_get_stmt (self,
                                 "DELETE FROM history WHERE saved_at < ?1 AND id NOT IN "
                                 "  (SELECT max (id) FROM history GROUP BY item_id)",
                                 error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, cutoff);
      if (!_fb_store_step_done (self, stmt, error))
        return FALSE;
      removed += sqlite3_changes (db);
    }

  if (n_removed != NULL)
    *n_removed = removed;

  return TRUE;
}

gboolean
fb_store_prune_history (FbStore  *self,
                        guint    *n_removed,
                        GError  **error)
{
  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return fb_store_with_transaction (self, prune_in_transaction, n_removed, error);
}

gboolean
fb_store_get_history_size (FbStore  *self,
                           gint64   *bytes,
                           gint64   *n_versions,
                           GError  **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  gboolean found;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);

  stmt = _fb_store_get_stmt (self,
                             "SELECT coalesce (sum (length (body)), 0), count (*) FROM history",
                             error);
  if (stmt == NULL || !_fb_store_step_row (self, stmt, &found, error))
    return FALSE;
  if (bytes != NULL)
    *bytes = sqlite3_column_int64 (stmt, 0);
  if (n_versions != NULL)
    *n_versions = sqlite3_column_int64 (stmt, 1);

  return TRUE;
}

gboolean
_fb_store_history_foreach_body (FbStore         *self,
                                FbStoreBodyFunc  func,
                                gpointer         user_data,
                                GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* Its own statement: @func may run queries of the cache. */
  rc = sqlite3_prepare_v2 (self->db, "SELECT body FROM history", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *body = decompress_text (sqlite3_column_blob (stmt, 0),
                                               sqlite3_column_bytes (stmt, 0));

      if (body != NULL && !func (body, user_data))
        {
          rc = SQLITE_DONE;
          break;
        }
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  return TRUE;
}
