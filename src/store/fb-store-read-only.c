/* fb-store-read-only.c: opening the database for reading when it cannot be written */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fb-store-private.h"

/* A WAL file shorter than its 32-byte header holds no transaction. */
#define WAL_HEADER_SIZE 32

char *
_fb_store_read_only_uri (const char *path,
                         gboolean    immutable)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *escaped = NULL;

  /* A URI's path: '?', '#' and '%' in a file name must not end it. */
  escaped = g_uri_escape_string (absolute, "/", TRUE);

  /* readonly_shm: the WAL index is only read, so a -shm that cannot grow
   * (a full disk) or be written (a read-only location) still serves, and
   * without another connection SQLite builds the index in memory from the
   * WAL (SQLite ≥ 3.22). immutable skips the WAL and all locking: only for
   * when there is neither a -shm nor a WAL with content (see
   * _fb_store_wal_is_empty ()). */
  return g_strdup_printf ("file:%s?%s", escaped,
                          immutable ? "immutable=1" : "mode=ro&readonly_shm=1");
}

gboolean
_fb_store_wal_is_empty (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf st;

  if (g_stat (wal, &st) != 0)
    return TRUE;

  return st.st_size < WAL_HEADER_SIZE;
}

gboolean
_fb_store_shm_exists (const char *path)
{
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  return g_file_test (shm, G_FILE_TEST_EXISTS);
}

void
_fb_store_set_read_only_error (GError     **error,
                               const char  *path,
                               gboolean     disk_full)
{
  if (disk_full)
    g_set_error_literal (error, FB_STORE_ERROR, FB_STORE_ERROR_READ_ONLY,
                         _("The disk is full: Fieldbook can show your notes but cannot save changes until space is freed"));
  else
    g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_READ_ONLY,
                 _("The database file “%s” cannot be written to: Fieldbook can show your notes but cannot save changes"),
                 path);
}
