/* fb-attachments-collect.c: removing attachment files that nothing names any more */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fb-attachments.h"
#include "fb-item-body.h"
#include "fb-store-private.h"

/* Owns fb_store_collect_attachments (): in one transaction, every digest
 * anything still names (items, their bases and server sides, pushes in
 * flight, the history) is gathered, the attachment_blobs rows of the
 * others are deleted and the files nothing keeps, older than the grace
 * time, removed. Files are written in fb-attachments.c. */

static void
add_digests_of (GHashTable *digests,
                const char *json)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) list = NULL;

  if (json == NULL || strstr (json, "\"" FB_BODY_ATTACHMENTS "\"") == NULL)
    return;
  body = fb_body_from_string (json, NULL);
  if (body == NULL)
    return;

  list = fb_body_list_attachments (body);
  for (guint i = 0; i < list->len; i++)
    {
      FbAttachment *attachment = list->pdata[i];

      g_hash_table_add (digests, g_steal_pointer (&attachment->digest));
    }
}

static gboolean
add_history_digests_cb (const char *body,
                        gpointer    user_data)
{
  add_digests_of (user_data, body);
  return TRUE;
}

static gboolean
add_column_digests (FbStore     *self,
                    const char  *sql,
                    GHashTable  *digests,
                    GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (int col = 0; col < sqlite3_column_count (stmt); col++)
        add_digests_of (digests, (const char *) sqlite3_column_text (stmt, col));
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

typedef struct
{
  gint64 grace_ms;
  guint  n_removed;
} Collect;

static gboolean
collect_in_transaction (FbStore   *self,
                        gpointer   user_data,
                        GError   **error)
{
  Collect *collect = user_data;
  g_autoptr(GHashTable) digests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) keep = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) unnamed = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir_path = fb_store_dup_attachments_dir (self);
  g_autoptr(GDir) dir = NULL;
  sqlite3_stmt *stmt = NULL;
  const char *file;
  gint64 now = g_get_real_time ();
  int rc;

  /* Everything that names a file: what the person has, what the server
   * had (a merge's base), a conflict's other side, a push in flight, and
   * every version the history keeps. */
  if (!add_column_digests (self, "SELECT body, base_body, server_body FROM items", digests, error) ||
      !add_column_digests (self, "SELECT body FROM in_flight", digests, error) ||
      !_fb_store_history_foreach_body (self, add_history_digests_cb, digests, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (self->db, "SELECT digest, sha256 FROM attachment_blobs", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *digest = (const char *) sqlite3_column_text (stmt, 0);
      const char *sha256 = (const char *) sqlite3_column_text (stmt, 1);

      if (g_hash_table_contains (digests, digest))
        g_hash_table_add (keep, g_strdup (sha256));
      else
        g_ptr_array_add (unnamed, g_strdup (digest));
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  for (guint i = 0; i < unnamed->len; i++)
    {
      g_autoptr(FbCachedStmt) del = _fb_store_get_stmt (self,
                                                         "DELETE FROM attachment_blobs WHERE digest = ?1",
                                                         error);
      if (del == NULL)
        return FALSE;
      sqlite3_bind_text (del, 1, unnamed->pdata[i], -1, SQLITE_TRANSIENT);
      if (!_fb_store_step_done (self, del, error))
        return FALSE;
    }

  /* The files go inside the transaction: an attach in another process
   * checks its file in its own transaction, after this one. */
  dir = g_dir_open (dir_path, 0, NULL);
  while (dir != NULL && (file = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, file, NULL);
      GStatBuf st;

      if (g_hash_table_contains (keep, file) || g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      if (collect->grace_ms > 0 &&
          now - (gint64) st.st_mtime * G_USEC_PER_SEC < collect->grace_ms * 1000)
        continue;
      if (g_unlink (path) == 0)
        collect->n_removed++;
    }

  return TRUE;
}

gboolean
fb_store_collect_attachments (FbStore  *self,
                              gint64    grace_ms,
                              guint    *n_removed,
                              GError  **error)
{
  Collect collect = { .grace_ms = grace_ms };

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);

  if (!fb_store_with_transaction (self, collect_in_transaction, &collect, error))
    return FALSE;
  if (n_removed != NULL)
    *n_removed = collect.n_removed;
  return TRUE;
}
