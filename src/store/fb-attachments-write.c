/* fb-attachments-write.c: writing attachment files, whole or as their bytes arrive */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/* O_DIRECTORY and O_CLOEXEC under -std=c11. */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <utime.h>
#include <unistd.h>

#include "fb-attachments-private.h"
#include "fb-store-private.h"

/* Owns the one way a file enters the folder: written under a temporary
 * name while both digests are computed, synced to disk, renamed to its
 * SHA-256, the folder synced, and only then named in attachment_blobs. A
 * file attached here is written at once (_fb_attachments_write_blob ());
 * one that arrives from a server is written chunk by chunk as it comes
 * (FbAttachmentWrite), and its fsync and rename run in a worker thread so
 * the main loop goes on meanwhile. */

#define READ_SIZE (64 * 1024)

struct _FbAttachmentWrite
{
  char             *dir;
  char             *tmp;     /* NULL once renamed or removed */
  int               fd;      /* -1 once closed */
  GChecksum        *sha256;
  GChecksum        *md5;
  FbAttachmentBlob  blob;
};

void
_fb_attachment_blob_clear (FbAttachmentBlob *blob)
{
  g_clear_pointer (&blob->sha256, g_free);
  g_clear_pointer (&blob->digest, g_free);
}

static void
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *path)
{
  g_set_error (error, FB_STORE_ERROR,
               saved_errno == ENOSPC ? FB_STORE_ERROR_FULL : FB_STORE_ERROR_FAILED,
               _("Could not write the attachment file “%s”: %s"),
               path, g_strerror (saved_errno));
}

static gboolean
sync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = fsync (fd) == 0;
  close (fd);
  return ok;
}

static gboolean
check_writable (FbStore  *self,
                GError  **error)
{
  if (!fb_store_get_read_only (self))
    return TRUE;
  g_propagate_error (error, g_error_copy (fb_store_get_read_only_error (self)));
  return FALSE;
}

/* ---- FbAttachmentWrite ---- */

FbAttachmentWrite *
fb_store_begin_attachment_write (FbStore  *self,
                                 GError  **error)
{
  g_autoptr(FbAttachmentWrite) writer = NULL;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);

  if (!check_writable (self, error))
    return NULL;

  writer = g_new0 (FbAttachmentWrite, 1);
  writer->fd = -1;
  writer->dir = fb_store_dup_attachments_dir (self);
  if (g_mkdir_with_parents (writer->dir, 0700) != 0)
    {
      set_errno_error (error, errno, writer->dir);
      return NULL;
    }

  /* The collector takes a temporary file nothing names once it is older
   * than its grace time: what a crash leaves behind. */
  writer->tmp = g_build_filename (writer->dir, ".tmp-XXXXXX", NULL);
  writer->fd = g_mkstemp_full (writer->tmp, O_RDWR | O_CLOEXEC, 0600);
  if (writer->fd < 0)
    {
      set_errno_error (error, errno, writer->tmp);
      g_clear_pointer (&writer->tmp, g_free);
      return NULL;
    }
  writer->sha256 = g_checksum_new (G_CHECKSUM_SHA256);
  writer->md5 = g_checksum_new (G_CHECKSUM_MD5);

  return g_steal_pointer (&writer);
}

gboolean
fb_attachment_write_chunk (FbAttachmentWrite  *writer,
                           const void         *data,
                           gsize               len,
                           GError            **error)
{
  const guchar *at = data;
  gsize left = len;

  g_return_val_if_fail (writer != NULL && writer->fd >= 0, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  /* An empty piece (the end of a body) changes nothing; memcpy () may
   * not be given its NULL. */
  if (len == 0)
    return TRUE;

  while (left > 0)
    {
      ssize_t n = write (writer->fd, at, left);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_errno_error (error, errno, writer->tmp);
          return FALSE;
        }
      at += n;
      left -= (gsize) n;
    }

  if (writer->blob.head_len < sizeof writer->blob.head)
    {
      gsize more = MIN (len, sizeof writer->blob.head - writer->blob.head_len);

      memcpy (writer->blob.head + writer->blob.head_len, data, more);
      writer->blob.head_len += more;
    }
  g_checksum_update (writer->sha256, data, len);
  g_checksum_update (writer->md5, data, len);
  writer->blob.length += len;
  return TRUE;
}

guint64
fb_attachment_write_get_length (FbAttachmentWrite *writer)
{
  g_return_val_if_fail (writer != NULL, 0);

  return (guint64) writer->blob.length;
}

void
fb_attachment_write_abort (FbAttachmentWrite *writer)
{
  if (writer == NULL)
    return;
  if (writer->fd >= 0)
    close (writer->fd);
  if (writer->tmp != NULL)
    g_unlink (writer->tmp);
  g_free (writer->tmp);
  g_free (writer->dir);
  g_clear_pointer (&writer->sha256, g_checksum_free);
  g_clear_pointer (&writer->md5, g_checksum_free);
  _fb_attachment_blob_clear (&writer->blob);
  g_free (writer);
}

/* The digests of all that was written, into writer->blob. */
static void
end_digests (FbAttachmentWrite *writer)
{
  guint8 md5_bytes[16];
  gsize md5_len = sizeof md5_bytes;
  g_autofree char *base64 = NULL;

  g_checksum_get_digest (writer->md5, md5_bytes, &md5_len);
  base64 = g_base64_encode (md5_bytes, md5_len);
  writer->blob.sha256 = g_strdup (g_checksum_get_string (writer->sha256));
  writer->blob.digest = g_strconcat ("md5-", base64, NULL);
}

/* Synced to disk and renamed to its SHA-256 (or, when that file is there
 * already, only touched so the collector's grace time starts again). Uses
 * nothing but @writer: it runs in a worker thread for a download. */
static gboolean
end_file (FbAttachmentWrite  *writer,
          GError            **error)
{
  g_autofree char *target = g_build_filename (writer->dir, writer->blob.sha256, NULL);
  int fd = writer->fd;

  writer->fd = -1;
  if (fsync (fd) != 0)
    {
      set_errno_error (error, errno, writer->tmp);
      close (fd);
      return FALSE;
    }
  close (fd);

  if (g_file_test (target, G_FILE_TEST_IS_REGULAR) && g_utime (target, NULL) == 0)
    {
      /* Stored once: the same bytes are there already. */
      g_unlink (writer->tmp);
      g_clear_pointer (&writer->tmp, g_free);
      return TRUE;
    }
  if (g_rename (writer->tmp, target) != 0 || !sync_dir (writer->dir))
    {
      set_errno_error (error, errno, target);
      return FALSE;
    }
  g_clear_pointer (&writer->tmp, g_free);
  return TRUE;
}

/* An "md5-" digest is checked; another kind (a server's own) is taken as
 * it names these bytes. */
static gboolean
check_digest (FbAttachmentWrite  *writer,
              const char         *digest,
              GError            **error)
{
  if (g_str_has_prefix (digest, "md5-") && strcmp (digest, writer->blob.digest) != 0)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                   _("The attachment data that arrived is damaged (its digest is %s, not %s)"),
                   writer->blob.digest, digest);
      return FALSE;
    }
  g_free (writer->blob.digest);
  writer->blob.digest = g_strdup (digest);
  return TRUE;
}

static gboolean
record_blob_in_transaction (FbStore   *self,
                            gpointer   user_data,
                            GError   **error)
{
  return _fb_attachments_record_blob (self, user_data, error);
}

static void
end_file_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;

  if (end_file (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
end_file_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbStore *self = g_task_get_source_object (task);
  FbAttachmentWrite *writer = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) ||
      !check_writable (self, &error) ||
      !fb_store_with_transaction (self, record_blob_in_transaction, &writer->blob, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
fb_store_commit_attachment_write_async (FbStore             *self,
                                        FbAttachmentWrite   *writer,
                                        const char          *digest,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  GError *error = NULL;

  g_return_if_fail (FB_IS_STORE (self));
  g_return_if_fail (writer != NULL && writer->fd >= 0);
  g_return_if_fail (digest != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_store_commit_attachment_write_async);
  g_task_set_task_data (task, writer, (GDestroyNotify) fb_attachment_write_abort);
  /* Once the file is complete, what happened is what is told: a file
   * recorded is not reported as cancelled. */
  g_task_set_check_cancellable (task, FALSE);

  end_digests (writer);
  if (!check_digest (writer, digest, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The fsync may take long on a large file: not on the main loop. The
   * worker alone uses @writer until it returns. It holds no reference on
   * the store: the thread drops its reference to the worker task some time
   * after the result is back, and the store must be gone when its last
   * owner lets it go. */
  worker = g_task_new (NULL, NULL, end_file_cb, g_steal_pointer (&task));
  g_task_set_source_tag (worker, end_file_thread);
  g_task_set_task_data (worker, writer, NULL);
  g_task_run_in_thread (worker, end_file_thread);
}

gboolean
fb_store_commit_attachment_write_finish (FbStore       *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- A file attached here ---- */

gboolean
_fb_attachments_write_blob (FbStore           *self,
                            GInputStream      *data,
                            FbAttachmentBlob  *blob,
                            GCancellable      *cancellable,
                            GError           **error)
{
  g_autoptr(FbAttachmentWrite) writer = NULL;
  g_autofree guchar *buffer = g_malloc (READ_SIZE);

  writer = fb_store_begin_attachment_write (self, error);
  if (writer == NULL)
    return FALSE;

  for (;;)
    {
      gssize n = g_input_stream_read (data, buffer, READ_SIZE, cancellable, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        break;
      if (!fb_attachment_write_chunk (writer, buffer, (gsize) n, error))
        return FALSE;
    }

  end_digests (writer);
  if (!end_file (writer, error))
    return FALSE;

  *blob = writer->blob;
  memset (&writer->blob, 0, sizeof writer->blob);
  return TRUE;
}

gboolean
_fb_attachments_record_blob (FbStore                 *self,
                             const FbAttachmentBlob  *blob,
                             GError                 **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  g_autofree char *path = _fb_attachments_blob_path (self, blob->sha256);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_FAILED,
                   _("The attachment file “%s” was removed while it was being attached; try again"),
                   path);
      return FALSE;
    }

  stmt = _fb_store_get_stmt (self,
                             "INSERT OR REPLACE INTO attachment_blobs (digest, sha256, length) "
                             "VALUES (?1, ?2, ?3)",
                             error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, blob->digest, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, blob->sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, blob->length);

  return _fb_store_step_done (self, stmt, error);
}
