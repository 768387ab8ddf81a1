/* fb-store-schema.c: the local store's schema and its stepwise migrations */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-store-private.h"

/* Owns PRAGMA user_version and application_id: checking what a file holds
 * and migrating it one version at a time, each step one transaction. */

static gboolean
query_int (FbStore     *self,
           const char  *sql,
           gint64      *value,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* Set on every path: callers read it only on success, but the compiler
   * cannot see that through _fb_store_set_sqlite_error (). */
  *value = 0;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        {
          *value = 0;
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate_to_v1 (FbStore  *self,
               GError  **error)
{
  return _fb_store_exec_once (self,
                              "PRAGMA application_id = " G_STRINGIFY (FB_STORE_APPLICATION_ID) ";"
                              "CREATE TABLE meta ("
                              "  key   TEXT PRIMARY KEY NOT NULL,"
                              "  value TEXT"
                              ");"
                              "CREATE TABLE items ("
                              "  id             TEXT PRIMARY KEY NOT NULL,"
                              "  collection     TEXT NOT NULL,"
                              "  body           TEXT NOT NULL,"
                              "  deleted        INTEGER NOT NULL DEFAULT 0,"
                              "  created_at     INTEGER NOT NULL,"
                              "  updated_at     INTEGER NOT NULL,"
                              /* Not "IN (…)": SQLite checks that through a
                     * temporary b-tree on every write. */
                              "  state          TEXT NOT NULL DEFAULT 'pending'"
                              "                 CHECK (state = 'synced' OR state = 'pending'"
                              "                        OR state = 'conflict'),"
                              "  local_seq      INTEGER NOT NULL DEFAULT 0,"
                              "  base_rev       TEXT,"
                              "  base_body      TEXT,"
                              "  server_rev     TEXT,"
                              "  server_body    TEXT,"
                              "  server_deleted INTEGER NOT NULL DEFAULT 0,"
                              "  sync_error     TEXT"
                              ");"
                              "CREATE INDEX items_by_collection ON items (collection, deleted, updated_at);"
                              "CREATE INDEX items_by_state ON items (state, local_seq);"
                              "INSERT INTO meta (key, value) VALUES ('local_seq', '0');",
                              error);
}

/* Puts every live row in the full-text index (from C rather than by
 * triggers, because CJK text is split per character on the way in). */
static gboolean
index_live_rows (FbStore  *self,
                 GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "SELECT rowid, body FROM items WHERE deleted = 0",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!_fb_store_index_row (self, sqlite3_column_int64 (stmt, 0),
                                (const char *) sqlite3_column_text (stmt, 1), FALSE, error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  return TRUE;
}

/* v2: full-text search. Its rowids are those of items; items are never
 * VACUUMed without rebuilding it (VACUUM may renumber rowids). */
static gboolean
migrate_to_v2 (FbStore  *self,
               GError  **error)
{
  return _fb_store_exec_once (self,
                              "CREATE VIRTUAL TABLE items_fts USING fts5 ("
                              "  title, text, extra,"
                              "  tokenize = 'unicode61 remove_diacritics 2'"
                              ");",
                              error) &&
         index_live_rows (self, error);
}

/* v4: what each push sent, until its answer is known (see "In flight"). */
static gboolean
migrate_to_v4 (FbStore  *self,
               GError  **error)
{
  return _fb_store_exec_once (self,
                              "CREATE TABLE in_flight ("
                              "  id        TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,"
                              "  local_seq INTEGER NOT NULL,"
                              "  body      TEXT," /* NULL: a deletion */
                              "  PRIMARY KEY (id, local_seq)"
                              ") WITHOUT ROWID;",
                              error);
}

/* v5: the list's order (newest first, then id) is the index's, id
 * included: a lazy list reads its keys and pages from the index alone, and
 * items saved in the same millisecond (an import) need no sort. */
static gboolean
migrate_to_v5 (FbStore  *self,
               GError  **error)
{
  return _fb_store_exec_once (self,
                              "DROP INDEX items_by_collection;"
                              "CREATE INDEX items_by_collection ON items "
                              "  (collection, deleted, updated_at DESC, id);",
                              error);
}

/* v6: prefix indexes of one to three characters, so a search for a short
 * prefix reads one list of rows instead of merging the lists of every word
 * that starts so, and can stop after the first screenful. */
static gboolean
migrate_to_v6 (FbStore  *self,
               GError  **error)
{
  return _fb_store_exec_once (self,
                              "CREATE VIRTUAL TABLE items_fts_v6 USING fts5 ("
                              "  title, text, extra,"
                              "  tokenize = 'unicode61 remove_diacritics 2',"
                              "  prefix = '1 2 3'"
                              ");"
                              "INSERT INTO items_fts_v6 (rowid, title, text, extra) "
                              "  SELECT rowid, title, text, extra FROM items_fts;"
                              "DROP TABLE items_fts;"
                              "ALTER TABLE items_fts_v6 RENAME TO items_fts;",
                              error);
}

/* v8: the index keeps no copy of the text (content=''): a save wrote
 * every note twice, once in items and once in the index's own content
 * table, and FTS5 read that copy back to take the old text out. Taking a
 * row out now passes its text again (fb-store-index.c), so the index is
 * filled from the bodies, with the very function that later takes them out. */
static gboolean
migrate_to_v8 (FbStore  *self,
               GError  **error)
{
  return _fb_store_exec_once (self,
                              "DROP TABLE items_fts;"
                              "CREATE VIRTUAL TABLE items_fts USING fts5 ("
                              "  title, text, extra,"
                              "  content = '',"
                              "  tokenize = 'unicode61 remove_diacritics 2',"
                              "  prefix = '1 2 3'"
                              ");",
                              error) &&
         index_live_rows (self, error);
}

/* v10: a commit writes its own index segment and merges nothing; the
 * segments are merged while idle (fb-store-index.c). FTS5 keeps the
 * setting in items_fts_config. */
static gboolean
migrate_to_v10 (FbStore  *self,
                GError  **error)
{
  return _fb_store_exec_once (self,
                              "INSERT INTO items_fts (items_fts, rank) VALUES ('automerge', 0);",
                              error);
}

gboolean
_fb_store_has_column (FbStore     *self,
                      const char  *column,
                      gboolean    *has_column,
                      GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;

  stmt = _fb_store_get_stmt (self, "SELECT 1 FROM pragma_table_xinfo ('items') WHERE name = ?1",
                             error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, column);
  return _fb_store_step_row (self, stmt, has_column, error);
}

typedef gboolean (*MigrateFunc) (FbStore *self, GError **error);

static const MigrateFunc migrations[FB_STORE_SCHEMA_VERSION] = {
  migrate_to_v1,
  migrate_to_v2,
  /* v3: the Trash and version history (fb-store-history.c). */
  _fb_store_history_migrate,
  migrate_to_v4,
  migrate_to_v5,
  migrate_to_v6,
  /* v7: attachment files (fb-attachments.c). */
  _fb_store_attachments_migrate,
  migrate_to_v8,
  /* v9: pinned items and the title order (fb-item-sort.c). */
  _fb_store_sort_migrate,
  migrate_to_v10,
  /* v11: the tags column and its index (fb-store-tags.c). */
  _fb_store_tags_migrate,
};

gboolean
_fb_store_migrate (FbStore  *self,
                   gint64    version,
                   GError  **error)
{
  for (; version < FB_STORE_SCHEMA_VERSION; version++)
    {
      g_autofree char *set_version = NULL;

      /* Each step is one transaction: a crash leaves the older schema. */
      if (!_fb_store_exec_once (self, "BEGIN IMMEDIATE", error))
        return FALSE;

      set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, version + 1);
      if (!migrations[version] (self, error) ||
          !_fb_store_exec_once (self, set_version, error) ||
          !_fb_store_exec_once (self, "COMMIT", error))
        {
          if (!sqlite3_get_autocommit (self->db))
            sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
_fb_store_check_schema (FbStore  *self,
                        gint64   *version,
                        GError  **error)
{
  gint64 application_id = 0;
  gint64 n_objects = 0;

  if (!query_int (self, "PRAGMA application_id", &application_id, error) ||
      !query_int (self, "PRAGMA user_version", version, error) ||
      !query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    return FALSE;

  if (application_id != FB_STORE_APPLICATION_ID &&
      (application_id != 0 || *version != 0 || n_objects != 0))
    {
      _fb_store_set_sqlite_error (self, error, SQLITE_NOTADB);
      return FALSE;
    }

  if (*version > FB_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_TOO_NEW,
                   _("The database file “%s” was written by a newer version of Fieldbook"),
                   self->path);
      return FALSE;
    }

  return TRUE;
}
