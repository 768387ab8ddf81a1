/* fb-store-open.c: opening the local store's SQLite file, and its WAL checkpoints */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fb-store-private.h"

/* Owns the connection: opening the file writable (WAL, migrations, the
 * device id) or for reading only when it cannot be written, and the
 * checkpoints that copy the write-ahead log back on a worker thread. */

/* ---- Checkpoints ----
 *
 * A commit appends to the write-ahead log; a checkpoint copies the log
 * back into the database file and syncs it. SQLite does that inside the
 * commit that makes the log pass 1000 pages, on the committing thread: a
 * pull of 10,000 items paid ~15 % of its time for it. Here the commit that
 * passes the mark starts a PASSIVE checkpoint on a worker thread with its
 * own connection, which never blocks our writes. What is durable does not
 * change: each commit is in the log before it returns, exactly as before. */

#define CHECKPOINT_PAGES 1000

/* How long the checkpoint connection waits for a lock (when it first reads
 * the schema; a PASSIVE checkpoint itself never waits). */
#define CHECKPOINT_BUSY_TIMEOUT_MS 1000

static void
checkpoint_thread_cb (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  FbStore *self = task_data;

  /* Only this thread uses the connection, and finalize waits for it. */
  if (self->checkpoint_db == NULL)
    {
      /* A connection only knows the file is in WAL mode once it has read
       * from it: until then a checkpoint does nothing and says OK. */
      if (sqlite3_open_v2 (self->path, &self->checkpoint_db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
          sqlite3_busy_timeout (self->checkpoint_db, CHECKPOINT_BUSY_TIMEOUT_MS) != SQLITE_OK ||
          sqlite3_exec (self->checkpoint_db, "PRAGMA schema_version", NULL, NULL, NULL) != SQLITE_OK)
        {
          sqlite3_close_v2 (self->checkpoint_db);
          self->checkpoint_db = NULL;
        }
    }

  if (self->checkpoint_db != NULL)
    {
      int rc = sqlite3_wal_checkpoint_v2 (self->checkpoint_db, NULL,
                                          SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

      if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        g_debug ("Background checkpoint of %s: %s", self->path, sqlite3_errstr (rc));
    }

  /* Last touch of @self: finalize may run as soon as this is seen. */
  g_mutex_lock (&self->checkpoint_lock);
  self->checkpoint_unavailable = self->checkpoint_db == NULL;
  self->checkpoint_running = FALSE;
  g_cond_broadcast (&self->checkpoint_cond);
  g_mutex_unlock (&self->checkpoint_lock);
}

static int
wal_hook_cb (gpointer     user_data,
             sqlite3     *db,
             const char  *name,
             int          n_pages)
{
  FbStore *self = user_data;
  gboolean start = FALSE;
  gboolean inline_checkpoint = FALSE;

  if (n_pages < CHECKPOINT_PAGES)
    return SQLITE_OK;

  g_mutex_lock (&self->checkpoint_lock);
  if (self->checkpoint_unavailable)
    inline_checkpoint = TRUE;
  else if (!self->checkpoint_running)
    start = self->checkpoint_running = TRUE;
  g_mutex_unlock (&self->checkpoint_lock);

  if (start)
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

      g_task_set_task_data (task, self, NULL);
      g_task_run_in_thread (task, checkpoint_thread_cb);
    }
  else if (inline_checkpoint)
    {
      /* No second connection: what SQLite's own auto-checkpoint does. */
      sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    }

  return SQLITE_OK;
}

void
_fb_store_checkpoint_wait (FbStore *self)
{
  g_mutex_lock (&self->checkpoint_lock);
  while (self->checkpoint_running)
    g_cond_wait (&self->checkpoint_cond, &self->checkpoint_lock);
  g_mutex_unlock (&self->checkpoint_lock);
}

static gboolean
write_device_id_in_transaction (FbStore   *self,
                                gpointer   user_data,
                                GError   **error)
{
  const char *device_id = user_data;

  return _fb_store_write_meta (self, "device_id", device_id, error);
}

static gboolean
ensure_device_id (FbStore  *self,
                  GError  **error)
{
  g_autofree char *device_id = NULL;

  device_id = _fb_store_read_meta (self, "device_id", error);
  if (device_id == NULL)
    {
      if (error != NULL && *error != NULL)
        return FALSE;

      device_id = g_uuid_string_random ();
      if (!fb_store_with_transaction (self, write_device_id_in_transaction, device_id, error))
        return FALSE;
    }

  g_free (self->device_id);
  self->device_id = g_steal_pointer (&device_id);

  return TRUE;
}

static gboolean
open_connection (FbStore     *self,
                 const char  *filename,
                 int          flags,
                 GError     **error)
{
  int rc;

  rc = sqlite3_open_v2 (filename, &self->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      int saved_errno = self->db != NULL ? sqlite3_system_errno (self->db) : 0;

      if ((rc & 0xff) == SQLITE_CANTOPEN && saved_errno != 0)
        g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_OPEN,
                     _("Cannot open the database file “%s”: %s"),
                     self->path, g_strerror (saved_errno));
      else
        _fb_store_set_sqlite_error (self, error, rc);
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, self->busy_timeout);

  return TRUE;
}

void
_fb_store_close_database (FbStore *self)
{
  /* Statements belong to their connection. */
  g_hash_table_remove_all (self->statements);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  self->db = NULL;
}

gboolean
_fb_store_open_writable (FbStore  *self,
                         GError  **error)
{
  gint64 version = 0;

  if (!open_connection (self, self->path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error) ||
      !_fb_store_check_schema (self, &version, error))
    return FALSE;

  /* SQLite opens a file it may not write (chattr +i, a read-only file
   * system, another user's file) for reading by itself. */
  if (sqlite3_db_readonly (self->db, "main") == 1)
    {
      int saved_errno = g_access (self->path, W_OK) == 0 ? EACCES : errno;

      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_OPEN,
                   _("The database file “%s” cannot be written to: %s"),
                   self->path, g_strerror (saved_errno));
      return FALSE;
    }

  /* WAL: readers never wait for the writer, and a commit is one append.
   * synchronous=FULL syncs the WAL at each commit, so what the window
   * calls "Saved" (and a command says it wrote) outlives a power cut, a
   * field laptop's battery running out, not only a crash of the program
   * (NORMAL's promise, which could lose the last commits). It costs an
   * fsync a commit: ~1.5 ms on this machine's disk, at most two a second
   * while typing (the window saves after 500 ms), one a pull batch. */
  if (!_fb_store_exec_once (self, "PRAGMA journal_mode = WAL", error) ||
      !_fb_store_exec_once (self, "PRAGMA synchronous = FULL", error) ||
      !_fb_store_exec_once (self, "PRAGMA foreign_keys = ON", error))
    return FALSE;

  if (!_fb_store_migrate (self, version, error))
    return FALSE;

  sqlite3_wal_hook (self->db, wal_hook_cb, self);

  if (!_fb_store_load_counts (self, &self->pending_count, &self->conflict_count, error))
    return FALSE;
  self->live_pending = self->pending_count;
  self->live_conflict = self->conflict_count;

  return ensure_device_id (self, error);
}

/* For reading only: the WAL index in memory when the -shm cannot be
 * written, and without the WAL when there is none to read. */
gboolean
_fb_store_open_read_only (FbStore  *self,
                          GError  **error)
{
  g_autofree char *uri = _fb_store_read_only_uri (self->path, FALSE);
  g_autofree char *device_id = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 version = 0;

  if (!open_connection (self, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, error))
    return FALSE;

  if (!_fb_store_check_schema (self, &version, &local_error))
    {
      /* No -shm, and none can be made (a read-only folder): SQLite cannot
       * read the WAL then. Every connection keeps the -shm while it has the
       * database open, so without one nobody else has it open, and nobody
       * can start writing (that needs the -shm too). When the WAL holds no
       * transaction either, the database file alone is the whole truth and
       * can be read without locks. */
      if (!g_error_matches (local_error, FB_STORE_ERROR, FB_STORE_ERROR_OPEN) ||
          _fb_store_shm_exists (self->path) ||
          !_fb_store_wal_is_empty (self->path))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      g_clear_error (&local_error);
      _fb_store_close_database (self);
      g_free (uri);
      uri = _fb_store_read_only_uri (self->path, TRUE);
      if (!open_connection (self, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, error) ||
          !_fb_store_check_schema (self, &version, error))
        return FALSE;
    }

  /* An older schema cannot be read without updating it first. */
  if (version != FB_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_OPEN,
                   _("The database file “%s” must be updated before it can be read, and it cannot be written to"),
                   self->path);
      return FALSE;
    }

  if (!_fb_store_load_counts (self, &self->pending_count, &self->conflict_count, error))
    return FALSE;
  self->live_pending = self->pending_count;
  self->live_conflict = self->conflict_count;

  /* A database that never got as far as saving its device id: one for
   * this session (nothing is synced while read-only). */
  device_id = _fb_store_read_meta (self, "device_id", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_free (self->device_id);
  self->device_id = device_id != NULL ? g_steal_pointer (&device_id) : g_uuid_string_random ();

  return TRUE;
}

/* What may be read although it cannot be written: an existing file on a
 * full disk or a read-only location, not a damaged, foreign or newer one. */
static gboolean
can_read_instead (FbStore      *self,
                  const GError *error)
{
  if (error->domain != FB_STORE_ERROR ||
      (error->code != FB_STORE_ERROR_FULL &&
       error->code != FB_STORE_ERROR_OPEN &&
       error->code != FB_STORE_ERROR_FAILED))
    return FALSE;

  return g_file_test (self->path, G_FILE_TEST_IS_REGULAR);
}

gboolean
_fb_store_open_database (FbStore  *self,
                         GError  **error)
{
  g_autofree char *folder = g_path_get_dirname (self->path);
  g_autoptr(GError) writable_error = NULL;
  g_autoptr(GError) read_error = NULL;
  gboolean disk_full;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_OPEN,
                   _("Cannot create the folder “%s” for the database: %s"),
                   folder, g_strerror (saved_errno));
      return FALSE;
    }

  if (_fb_store_open_writable (self, &writable_error))
    return TRUE;

  disk_full = g_error_matches (writable_error, FB_STORE_ERROR, FB_STORE_ERROR_FULL);
  _fb_store_close_database (self);

  if (can_read_instead (self, writable_error))
    {
      if (_fb_store_open_read_only (self, &read_error))
        {
          g_debug ("Opened %s for reading only: %s", self->path, writable_error->message);
          _fb_store_set_read_only_error (&self->read_only, self->path, disk_full);
          return TRUE;
        }

      g_debug ("Cannot open %s for reading either: %s", self->path, read_error->message);
      _fb_store_close_database (self);
    }

  /* The words for a full disk at a write say a change was lost; here
   * nothing was changed. */
  if (disk_full)
    g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_FULL,
                 _("The disk is full: there is no room to open the database “%s”"),
                 self->path);
  else
    g_propagate_error (error, g_steal_pointer (&writable_error));

  return FALSE;
}
