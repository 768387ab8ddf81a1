/* fb-store-statements.c: the local store's prepared statements and SQLite errors in words */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>

#include "fb-store-private.h"

/* Owns the statement cache (each SQL text prepared once per connection),
 * stepping, and SQLite's result codes as FbStoreError in words. */

/* ---- Errors ---- */

static void set_sqlite_error_internal (FbStore  *self,
                                       GError  **error,
                                       int       rc);

void
_fb_store_set_sqlite_error (FbStore  *self,
                            GError  **error,
                            int       rc)
{
  g_clear_error (&self->last_error);
  if (self->read_only != NULL && (rc & 0xff) == SQLITE_READONLY)
    self->last_error = g_error_copy (self->read_only);
  else
    set_sqlite_error_internal (self, &self->last_error, rc);
  if (error != NULL)
    *error = g_error_copy (self->last_error);
}

static void
set_sqlite_error_internal (FbStore  *self,
                           GError  **error,
                           int       rc)
{
  const char *path = self->path != NULL ? self->path : "";
  const char *detail = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  if (self->db != NULL && sqlite3_system_errno (self->db) == ENOSPC)
    rc = SQLITE_FULL;

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_BUSY,
                   _("Another program is using the database “%s”: close it and try again"),
                   path);
      break;
    case SQLITE_FULL:
      g_set_error_literal (error, FB_STORE_ERROR, FB_STORE_ERROR_FULL,
                           _("The disk is full: your last change was not saved"));
      break;
    case SQLITE_NOTADB:
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_A_DATABASE,
                   _("The database file “%s” is not a Fieldbook database"),
                   path);
      break;
    case SQLITE_CORRUPT:
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_CORRUPT,
                   _("The database file “%s” is damaged"),
                   path);
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_OPEN,
                   _("Cannot open the database file “%s”: %s"),
                   path, detail);
      break;
    case SQLITE_READONLY:
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_OPEN,
                   _("The database file “%s” cannot be written to: %s"),
                   path, detail);
      break;
    case SQLITE_IOERR:
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_FAILED,
                   _("Could not read or write the database file “%s”: %s"),
                   path, detail);
      break;
    default:
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_FAILED,
                   _("The database reported an error: %s"),
                   detail);
      break;
    }
}

gboolean
_fb_store_set_not_found (GError     **error,
                         const char  *id)
{
  g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
               _("The item “%s” does not exist"), id);
  return FALSE;
}

/* ---- Statements ---- */

FbCachedStmt *
_fb_store_get_stmt (FbStore     *self,
                    const char  *sql,
                    GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);

  return stmt;
}

/* Steps a statement that returns no rows (or whose rows do not matter). */
gboolean
_fb_store_step_done (FbStore       *self,
                     sqlite3_stmt  *stmt,
                     GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  return TRUE;
}

/* SQLITE_ROW → TRUE with *has_row; SQLITE_DONE → TRUE without; else FALSE. */
gboolean
_fb_store_step_row (FbStore       *self,
                    sqlite3_stmt  *stmt,
                    gboolean      *has_row,
                    GError       **error)
{
  int rc = sqlite3_step (stmt);

  *has_row = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;

  _fb_store_set_sqlite_error (self, error, rc);
  return FALSE;
}

gboolean
_fb_store_exec_cached (FbStore     *self,
                       const char  *sql,
                       GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = _fb_store_get_stmt (self, sql, error);

  return stmt != NULL && _fb_store_step_done (self, stmt, error);
}

gboolean
_fb_store_exec_cached_for_id (FbStore     *self,
                              const char  *sql,
                              const char  *id,
                              GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = _fb_store_get_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (id != NULL)
    bind_text (stmt, 1, id);

  return _fb_store_step_done (self, stmt, error);
}

/* For one-off statements (schema changes): not worth caching. */
gboolean
_fb_store_exec_once (FbStore     *self,
                     const char  *sql,
                     GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  return TRUE;
}
