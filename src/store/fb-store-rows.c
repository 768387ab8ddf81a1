/* fb-store-rows.c: one row of the items table, read and written */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-attachments.h"
#include "fb-store-private.h"

/* Owns the items table row by row: loading a row, writing one (with its
 * full-text entry, the counts and the snapshot to announce), the Trash's
 * tombstones, the edit counter (local_seq) and the pending/conflict counts. */

/* ---- Rows ---- */

void
_fb_store_row_clear (FbStoreRow *row)
{
  g_clear_pointer (&row->id, g_free);
  g_clear_pointer (&row->collection, g_free);
  g_clear_pointer (&row->body, g_free);
  g_clear_pointer (&row->base_rev, g_free);
  g_clear_pointer (&row->base_body, g_free);
  g_clear_pointer (&row->server_rev, g_free);
  g_clear_pointer (&row->server_body, g_free);
  g_clear_pointer (&row->sync_error, g_free);
}

void
_fb_store_row_copy (const FbStoreRow  *src,
                    FbStoreRow        *dest)
{
  *dest = *src;
  dest->id = g_strdup (src->id);
  dest->collection = g_strdup (src->collection);
  dest->body = g_strdup (src->body);
  dest->base_rev = g_strdup (src->base_rev);
  dest->base_body = g_strdup (src->base_body);
  dest->server_rev = g_strdup (src->server_rev);
  dest->server_body = g_strdup (src->server_body);
  dest->sync_error = g_strdup (src->sync_error);
  dest->body_object = NULL;
  dest->base_body_object = NULL;
}

void
_fb_store_set_string (char       **field,
                      const char  *value)
{
  if (*field != value)
    {
      g_free (*field);
      *field = g_strdup (value);
    }
}

char *
_fb_store_column_dup (sqlite3_stmt *stmt,
                      int           col)
{
  const unsigned char *text = sqlite3_column_text (stmt, col);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* TRUE unless SQLite failed; *found says whether the row exists. */
gboolean
_fb_store_load_row (FbStore     *self,
                    const char  *id,
                    FbStoreRow  *row,
                    gboolean    *found,
                    GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  stmt = _fb_store_get_stmt (self, "SELECT " FB_ITEM_COLUMNS " FROM items WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  if (!_fb_store_step_row (self, stmt, found, error))
    return FALSE;
  if (!*found)
    return TRUE;

  _fb_store_row_from_stmt (stmt, row);

  return TRUE;
}

void
_fb_store_row_from_stmt (sqlite3_stmt *stmt,
                         FbStoreRow   *row)
{
  row->rowid = sqlite3_column_int64 (stmt, 0);
  row->id = _fb_store_column_dup (stmt, 1);
  row->collection = _fb_store_column_dup (stmt, 2);
  row->body = _fb_store_column_dup (stmt, 3);
  row->deleted = sqlite3_column_int (stmt, 4) != 0;
  row->created_at = sqlite3_column_int64 (stmt, 5);
  row->updated_at = sqlite3_column_int64 (stmt, 6);
  row->state = _fb_item_state_from_string ((const char *) sqlite3_column_text (stmt, 7));
  row->local_seq = sqlite3_column_int64 (stmt, 8);
  row->base_rev = _fb_store_column_dup (stmt, 9);
  row->base_body = _fb_store_column_dup (stmt, 10);
  row->server_rev = _fb_store_column_dup (stmt, 11);
  row->server_body = _fb_store_column_dup (stmt, 12);
  row->server_deleted = sqlite3_column_int (stmt, 13) != 0;
  row->sync_error = _fb_store_column_dup (stmt, 14);
}

gboolean
_fb_store_load_existing_row (FbStore     *self,
                             const char  *id,
                             FbStoreRow  *row,
                             GError     **error)
{
  gboolean found;

  if (!_fb_store_load_row (self, id, row, &found, error))
    return FALSE;
  if (!found)
    return _fb_store_set_not_found (error, id);

  return TRUE;
}

/* As _fb_store_load_existing_row (), and refused when the item is in the
 * Trash: an edit is never made to a deleted item. */
gboolean
_fb_store_load_live_row (FbStore     *self,
                         const char  *id,
                         FbStoreRow  *row,
                         GError     **error)
{
  if (!_fb_store_load_existing_row (self, id, row, error))
    return FALSE;

  if (row->deleted)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
                   _("The item “%s” was deleted"), id);
      return FALSE;
    }

  return TRUE;
}

/* The next value of the database-wide edit counter: pending items ordered
 * by local_seq are in the order they were edited. (No RETURNING: SQLite
 * runs it through a temporary table, a costly allocation per write.) */
gboolean
_fb_store_next_local_seq (FbStore  *self,
                          gint64   *seq,
                          GError  **error)
{
  g_autoptr(FbCachedStmt) bump = NULL;
  g_autoptr(FbCachedStmt) read = NULL;
  gboolean has_row;

  bump = _fb_store_get_stmt (self,
                             "UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                             "WHERE key = 'local_seq'",
                             error);
  if (bump == NULL || !_fb_store_step_done (self, bump, error))
    return FALSE;

  read = _fb_store_get_stmt (self,
                             "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'local_seq'",
                             error);
  if (read == NULL || !_fb_store_step_row (self, read, &has_row, error))
    return FALSE;

  g_assert (has_row);
  *seq = sqlite3_column_int64 (read, 0);

  return TRUE;
}

static void
account_state (FbStore *self,
               int      old_state,
               int      new_state)
{
  if (old_state == new_state)
    return;

  if (old_state == FB_ITEM_STATE_PENDING)
    self->live_pending--;
  else if (old_state == FB_ITEM_STATE_CONFLICT)
    self->live_conflict--;

  if (new_state == FB_ITEM_STATE_PENDING)
    self->live_pending++;
  else if (new_state == FB_ITEM_STATE_CONFLICT)
    self->live_conflict++;
}

gboolean
_fb_store_load_counts (FbStore  *self,
                       guint    *pending,
                       guint    *conflict,
                       GError  **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  int rc;

  stmt = _fb_store_get_stmt (self,
                             "SELECT state, count(*) FROM items "
                             "WHERE state IN ('pending', 'conflict') GROUP BY state",
                             error);
  if (stmt == NULL)
    return FALSE;

  *pending = *conflict = 0;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FbItemState state = _fb_item_state_from_string ((const char *) sqlite3_column_text (stmt, 0));

      if (state == FB_ITEM_STATE_PENDING)
        *pending = sqlite3_column_int (stmt, 1);
      else if (state == FB_ITEM_STATE_CONFLICT)
        *conflict = sqlite3_column_int (stmt, 1);
    }

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  return TRUE;
}

void
_fb_store_reload_live_counts (FbStore *self)
{
  g_autoptr(GError) error = NULL;

  if (!_fb_store_load_counts (self, &self->live_pending, &self->live_conflict, &error))
    g_warning ("Could not count pending items: %s", error->message);
}

/* ---- Writing rows ---- */

/* Only while someone listens: a program without listeners (the command
 * line's import of 100,000 items in one transaction) would otherwise hold
 * a snapshot of every item until the commit. A handler connected while a
 * transaction is open hears only of the writes made after it connected. */
static void
queue_snapshot (FbStore             *self,
                const FbStoreRow    *row,
                gboolean             purged,
                FbStoreChangeOrigin  origin)
{
  if (!_fb_store_has_listeners (self))
    return;

  g_ptr_array_add (self->queue, _fb_item_new_from_row (row, purged));
  g_array_append_val (self->queue_origins, origin);
}

/* Writes @after (inserting it if @before is NULL), keeps the full-text
 * index and the counts in step, and queues the new snapshot. */
gboolean
_fb_store_save_row (FbStore             *self,
                    const FbStoreRow    *before,
                    FbStoreRow          *after,
                    FbStoreChangeOrigin  origin,
                    GError             **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  g_assert (self->depth > 0);

  /* Plain INSERT or UPDATE: an upsert costs SQLite a temporary b-tree. */
  if (before == NULL)
    stmt = _fb_store_get_stmt (self,
                               "INSERT INTO items (id, collection, body, deleted, created_at, "
                               "  updated_at, state, local_seq, base_rev, base_body, server_rev, "
                               "  server_body, server_deleted, sync_error) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                               error);
  else
    stmt = _fb_store_get_stmt (self,
                               "UPDATE items SET collection = ?2, body = ?3, deleted = ?4, "
                               "  created_at = ?5, updated_at = ?6, state = ?7, local_seq = ?8, "
                               "  base_rev = ?9, base_body = ?10, server_rev = ?11, "
                               "  server_body = ?12, server_deleted = ?13, sync_error = ?14 "
                               "WHERE id = ?1",
                               error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, after->id);
  bind_text (stmt, 2, after->collection);
  bind_text (stmt, 3, after->body);
  sqlite3_bind_int (stmt, 4, after->deleted ? 1 : 0);
  sqlite3_bind_int64 (stmt, 5, after->created_at);
  sqlite3_bind_int64 (stmt, 6, after->updated_at);
  bind_text (stmt, 7, _fb_item_state_to_string (after->state));
  sqlite3_bind_int64 (stmt, 8, after->local_seq);
  bind_text (stmt, 9, after->base_rev);
  bind_text (stmt, 10, after->base_body);
  bind_text (stmt, 11, after->server_rev);
  bind_text (stmt, 12, after->server_body);
  sqlite3_bind_int (stmt, 13, after->server_deleted ? 1 : 0);
  bind_text (stmt, 14, after->sync_error);

  if (!_fb_store_step_done (self, stmt, error))
    return FALSE;

  if (before == NULL)
    {
      after->rowid = sqlite3_last_insert_rowid (self->db);
      _fb_store_index_queue (self, after->rowid, after->body, after->body_object,
                             after->deleted, FALSE);
    }
  else if (before->deleted != after->deleted || g_strcmp0 (before->body, after->body) != 0)
    {
      /* A new body takes the next rowid, which keys the full-text index
       * too: search walks the index newest first (fb-store-index.c). */
      if (!_fb_store_move_to_newest (self, before->rowid, &after->rowid, error))
        return FALSE;
      _fb_store_index_queue (self, before->rowid, before->body, before->body_object,
                             before->deleted, TRUE);
      _fb_store_index_queue (self, after->rowid, after->body, after->body_object,
                             after->deleted, FALSE);
    }
  else
    {
      after->rowid = before->rowid;
    }

  /* Back from the Trash (restored, or brought back by another device). */
  if (before != NULL && before->deleted && !after->deleted &&
      !_fb_store_trash_remove (self, after->id, error))
    return FALSE;

  account_state (self, before != NULL ? (int) before->state : -1, after->state);
  queue_snapshot (self, after, FALSE, origin);

  return TRUE;
}

/* The row goes for good, its last snapshot says deleted + synced. */
gboolean
_fb_store_forget_row (FbStore             *self,
                      const FbStoreRow    *before,
                      FbStoreChangeOrigin  origin,
                      GError             **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  stmt = _fb_store_get_stmt (self, "DELETE FROM items WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, before->id);
  /* Its in_flight rows go with it (ON DELETE CASCADE). */
  if (!_fb_store_step_done (self, stmt, error))
    return FALSE;
  if (!_fb_store_history_forget (self, before->id, error))
    return FALSE;

  _fb_store_index_queue (self, before->rowid, before->body, before->body_object,
                         before->deleted, TRUE);

  account_state (self, before->state, -1);
  queue_snapshot (self, before, TRUE, origin);

  return TRUE;
}

/* The server has the deletion (as @rev): the row stays as a synced
 * tombstone in the Trash, with its last body, unless the person deleted
 * it for good. */
gboolean
_fb_store_purge_row (FbStore             *self,
                     const FbStoreRow    *before,
                     const char          *rev,
                     FbStoreChangeOrigin  origin,
                     GError             **error)
{
  g_auto(FbStoreRow) after = { 0, };
  gboolean keep;

  if (!_fb_store_trash_keeps (self, before, &keep, error))
    return FALSE;
  if (!keep)
    return _fb_store_forget_row (self, before, origin, error);

  _fb_store_row_copy (before, &after);
  after.deleted = TRUE;
  after.state = FB_ITEM_STATE_SYNCED;
  _fb_store_set_string (&after.base_rev, rev);
  g_clear_pointer (&after.base_body, g_free);
  g_clear_pointer (&after.server_rev, g_free);
  g_clear_pointer (&after.server_body, g_free);
  after.server_deleted = FALSE;
  g_clear_pointer (&after.sync_error, g_free);

  return _fb_store_save_row (self, before, &after, origin, error) &&
         _fb_store_trash_add (self, before->id, error);
}

/* A change with @body as given: a new local_seq, pending (a conflict
 * stays a conflict until it is resolved). @body_object, when not NULL, is
 * @body parsed. */
static gboolean
save_local_edit_as_is (FbStore           *self,
                       const FbStoreRow  *before,
                       const char        *body,
                       JsonObject        *body_object,
                       gboolean           deleted,
                       GError           **error)
{
  g_auto(FbStoreRow) after = { 0, };

  _fb_store_row_copy (before, &after);
  _fb_store_set_string (&after.body, body);
  after.body_object = body_object;
  after.deleted = deleted;
  after.updated_at = _fb_store_now (self);
  if (after.state != FB_ITEM_STATE_CONFLICT)
    after.state = FB_ITEM_STATE_PENDING;
  if (!_fb_store_next_local_seq (self, &after.local_seq, error))
    return FALSE;

  return _fb_store_save_row (self, before, &after, FB_STORE_CHANGE_LOCAL_EDIT, error);
}

/* A change the person made: new body/deleted, its attachments kept. */
gboolean
_fb_store_save_local_edit (FbStore           *self,
                           const FbStoreRow  *before,
                           const char        *body,
                           JsonObject        *body_object,
                           gboolean           deleted,
                           GError           **error)
{
  g_autofree char *kept = NULL;

  /* A local edit never changes the attachments, whatever the editor or an
   * import passed: only fb-attachments.c does
   * (_fb_store_save_local_attachments ()). */
  kept = fb_body_json_with_attachments_of (body, before->body);
  if (kept != NULL)
    {
      body = kept;
      body_object = NULL;
    }

  return save_local_edit_as_is (self, before, body, body_object, deleted, error);
}

gboolean
_fb_store_save_local_attachments (FbStore           *self,
                                  const FbStoreRow  *before,
                                  const char        *body,
                                  GError           **error)
{
  return _fb_store_history_keep (self, before, FB_HISTORY_KEEP_BEFORE_EDIT, error) &&
         save_local_edit_as_is (self, before, body, NULL, FALSE, error);
}


static gboolean
insert_row (FbStore     *self,
            const char  *id,
            const char  *collection,
            const char  *body,
            JsonObject  *body_object,
            GError     **error)
{
  g_auto(FbStoreRow) row = { 0, };

  row.id = g_strdup (id);
  row.collection = g_strdup (collection);
  row.body = g_strdup (body);
  row.body_object = body_object;
  row.created_at = row.updated_at = _fb_store_now (self);
  row.state = FB_ITEM_STATE_PENDING;
  if (!_fb_store_next_local_seq (self, &row.local_seq, error))
    return FALSE;

  return _fb_store_save_row (self, NULL, &row, FB_STORE_CHANGE_LOCAL_EDIT, error);
}

gboolean
_fb_store_insert_new_item (FbStore     *self,
                           const char  *id,
                           const char  *collection,
                           const char  *body,
                           JsonObject  *body_object,
                           GError     **error)
{
  g_autofree char *without = NULL;

  /* Attachment stubs name data of a server revision; a new document has
   * none (an imported document brings its data: fb_store_import_attachments ()). */
  without = fb_body_json_with_attachments_of (body, NULL);

  return insert_row (self, id, collection, without != NULL ? without : body,
                     without != NULL ? NULL : body_object, error);
}

JsonObject *
_fb_store_entry_to_upload (FbStore    *self,
                           JsonObject *entry)
{
  const char *digest = fb_body_get_string (entry, "digest");
  g_autoptr(GFile) file = NULL;
  JsonObject *copy;

  if (digest == NULL || (file = fb_store_get_attachment_file (self, digest, NULL)) == NULL)
    return NULL;

  copy = json_object_new ();
  for (const char * const *member = (const char * const[]) { "content_type", "length", "digest", NULL };
       *member != NULL; member++)
    if (json_object_has_member (entry, *member))
      json_object_set_member (copy, *member, json_node_copy (json_object_get_member (entry, *member)));
  return copy;
}

gboolean
_fb_store_insert_copy (FbStore     *self,
                       const char  *id,
                       const char  *collection,
                       JsonObject  *body,
                       guint       *n_left_out,
                       GError     **error)
{
  JsonObject *attachments = fb_body_get_object (body, FB_BODY_ATTACHMENTS);
  g_autofree char *json = NULL;
  guint left_out = 0;

  /* A new document has no server data a stub could name: the copy takes
   * the files that are here, as new ones its push uploads. One only the
   * server has stays with the original, which keeps its own. */
  if (attachments != NULL)
    {
      JsonObject *kept = json_object_new ();
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      json_object_iter_init_ordered (&iter, attachments);
      while (json_object_iter_next_ordered (&iter, &name, &node))
        {
          JsonObject *copy = JSON_NODE_HOLDS_OBJECT (node)
                             ? _fb_store_entry_to_upload (self, json_node_get_object (node)) : NULL;

          if (copy == NULL)
            left_out++;
          else
            json_object_set_object_member (kept, name, copy);
        }
      if (json_object_get_size (kept) > 0)
        json_object_set_object_member (body, FB_BODY_ATTACHMENTS, kept);
      else
        {
          json_object_unref (kept);
          json_object_remove_member (body, FB_BODY_ATTACHMENTS);
        }
    }

  if (n_left_out != NULL)
    *n_left_out = left_out;
  json = fb_body_to_string (body);
  return insert_row (self, id, collection, json, body, error);
}

gboolean
_fb_store_check_collection (const char  *collection,
                            GError     **error)
{
  if (collection == NULL || *collection == '\0' || !g_utf8_validate (collection, -1, NULL))
    {
      g_set_error_literal (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                           _("An item must belong to a collection"));
      return FALSE;
    }

  return TRUE;
}

gboolean
_fb_store_check_id (const char  *id,
                    GError     **error)
{
  if (id == NULL || *id == '\0' || !g_utf8_validate (id, -1, NULL))
    {
      g_set_error_literal (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                           _("An item must have an id"));
      return FALSE;
    }

  return TRUE;
}

gboolean
_fb_store_body_json_equal (const char *a,
                           const char *b)
{
  g_autoptr(JsonObject) object_a = NULL;
  g_autoptr(JsonObject) object_b = NULL;

  if (g_strcmp0 (a, b) == 0)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  object_a = fb_body_from_string (a, NULL);
  object_b = fb_body_from_string (b, NULL);

  return object_a != NULL && object_b != NULL && fb_body_equal (object_a, object_b);
}

/* ---- Shared with fb-store-history.c and fb-store-trash.c ---- */

void
_fb_store_queue_snapshot (FbStore           *self,
                          const FbStoreRow  *row)
{
  queue_snapshot (self, row, FALSE, FB_STORE_CHANGE_LOCAL_EDIT);
}
