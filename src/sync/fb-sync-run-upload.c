/* fb-sync-run-upload.c: the push's large attachments, each on its own after its document */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fb-couch-client-private.h"
#include "fb-crypto.h"
#include "fb-item-body.h"
#include "fb-sync-run-private.h"

/* Part of FbSyncRun's push (see fb-sync-run-private.h). A new attachment
 * over FB_SYNC_INLINE_ATTACHMENT_BYTES is left out of its document
 * (fb-sync-attachments.c); once _bulk_docs took the document, each one
 * goes with PUT /db/doc/att?rev=REV, its body read from the file as libsoup
 * writes it, and each answer's revision is the next one's. Until the last
 * answer the store keeps the item pending on top of the document's
 * revision, with a base that lacks these files, so that a run cut short
 * anywhere in between (killed, the network gone, another writer) sends
 * them again and loses nothing. */

gboolean
_fb_sync_uploads_any_alone (GPtrArray *uploads)
{
  for (guint i = 0; uploads != NULL && i < uploads->len; i++)
    if (((FbSyncUpload *) uploads->pdata[i])->alone)
      return TRUE;
  return FALSE;
}

JsonObject *
_fb_sync_uploads_body_without_alone (JsonObject *body,
                                     GPtrArray  *uploads)
{
  JsonObject *copy = fb_body_copy (body);
  JsonObject *attachments = fb_body_get_object (copy, FB_BODY_ATTACHMENTS);

  for (guint i = 0; attachments != NULL && i < uploads->len; i++)
    {
      FbSyncUpload *upload = uploads->pdata[i];

      if (upload->alone)
        json_object_remove_member (attachments, upload->name);
    }
  return copy;
}

typedef struct
{
  FbSyncRun    *run;
  FbItem       *item;
  char         *rev;      /* the document's on the server, so far */
  GPtrArray    *uploads;
  JsonObject   *base;     /* nullable */
  guint         next;
  FbSyncUpload *current;
  guint64       total;
  GFile        *sealed_file;  /* the current one sealed, to be removed */
} UploadChain;

static void
remove_sealed_file (UploadChain *chain)
{
  if (chain->sealed_file != NULL)
    g_file_delete (chain->sealed_file, NULL, NULL);
  g_clear_object (&chain->sealed_file);
}

static void
upload_chain_free (UploadChain *chain)
{
  remove_sealed_file (chain);
  g_clear_object (&chain->run);
  g_clear_object (&chain->item);
  g_clear_pointer (&chain->rev, g_free);
  g_clear_pointer (&chain->uploads, g_ptr_array_unref);
  g_clear_pointer (&chain->base, json_object_unref);
  g_free (chain);
}

static void put_next (GTask *task);

static void
body_written_cb (guint64  bytes_written,
                 gpointer user_data)
{
  UploadChain *chain = user_data;

  _fb_sync_run_report_transfer (chain->run, fb_item_get_id (chain->item), chain->current->name,
                                FB_TRANSFER_UP, bytes_written, chain->total);
}

static void
put_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  GTask *task = user_data;
  UploadChain *chain = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *rev = NULL;

  rev = _fb_couch_client_put_attachment_finish (FB_COUCH_CLIENT (object), result, &error);
  remove_sealed_file (chain);
  if (rev == NULL)
    {
      _fb_sync_run_end_transfer (chain->run);
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  _fb_sync_run_report_transfer (chain->run, fb_item_get_id (chain->item), chain->current->name,
                                FB_TRANSFER_UP, chain->total, chain->total);
  _fb_sync_run_end_transfer (chain->run);
  g_free (chain->rev);
  chain->rev = g_steal_pointer (&rev);
  put_next (task);
}

/* All of them there: the last revision is what the store records. */
static void
record_pushed (GTask *task)
{
  UploadChain *chain = g_task_get_task_data (task);
  FbSyncRun *run = chain->run;
  const char *id = fb_item_get_id (chain->item);
  g_autoptr(GError) error = NULL;
  gboolean recorded;

  if (chain->base != NULL)
    {
      _fb_sync_attachments_set_revpos (chain->base, chain->rev);
      recorded = fb_store_mark_pushed (run->store, id, fb_item_get_local_seq (chain->item),
                                       chain->rev, chain->base, FALSE, &error);
    }
  else
    {
      recorded = fb_store_mark_item_pushed (run->store, chain->item, chain->rev, &error);
    }
  if (!recorded)
    {
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_STORE, "%s", error->message);
      return;
    }
  /* The pull knows this revision as our own. */
  g_hash_table_replace (run->pushed_revs, g_strdup (id), g_strdup (chain->rev));
  g_task_return_boolean (task, TRUE);
}

/* PUT of @file (the plain one, or the current one sealed) as @name. */
static void
send_file (GTask      *task,
           GFile      *file,
           const char *name,
           const char *content_type)
{
  UploadChain *chain = g_task_get_task_data (task);
  FbSyncRun *run = chain->run;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  in = g_file_read (file, run->cancellable, &error);
  if (in != NULL)
    info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, run->cancellable, &error);
  if (info == NULL)
    {
      remove_sealed_file (chain);
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_STORE, "%s", error->message);
      g_object_unref (task);
      return;
    }

  chain->total = (guint64) g_file_info_get_size (info);
  _fb_sync_run_report_transfer (run, fb_item_get_id (chain->item), chain->current->name,
                                FB_TRANSFER_UP, 0, chain->total);
  g_debug ("Sending %s/%s (%" G_GUINT64_FORMAT " bytes) on top of %s",
           fb_item_get_id (chain->item), chain->current->name, chain->total, chain->rev);
  _fb_couch_client_put_attachment_async (run->client, fb_item_get_id (chain->item),
                                         name, chain->rev, content_type, G_INPUT_STREAM (in),
                                         (goffset) chain->total, body_written_cb, chain,
                                         run->cancellable, put_cb, task);
}

/* ---- Sealing a large file on a worker thread ---- */

typedef struct
{
  FbDataKey *key;
  char      *doc_id;
  char      *name;
  GFile     *plain;
  char      *dir;      /* the store's attachment folder */
  GFile     *sealed;
  char      *sealed_digest;
  guint64    sealed_length;
} Sealing;

static void
sealing_free (Sealing *sealing)
{
  g_clear_pointer (&sealing->key, fb_data_key_unref);
  g_free (sealing->doc_id);
  g_free (sealing->name);
  g_clear_object (&sealing->plain);
  g_free (sealing->dir);
  if (sealing->sealed != NULL)
    g_file_delete (sealing->sealed, NULL, NULL);
  g_clear_object (&sealing->sealed);
  g_free (sealing->sealed_digest);
  g_free (sealing);
}

/* A temporary file in the store's attachment folder: what a killed run
 * leaves there, the collector removes once its grace time is over. */
static GOutputStream *
create_sealed_file (Sealing  *sealing,
                    GError  **error)
{
  g_autofree char *path = g_build_filename (sealing->dir, ".tmp-upload-XXXXXX", NULL);
  int fd = g_mkstemp_full (path, O_RDWR, 0600);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "%s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  sealing->sealed = g_file_new_for_path (path);
  return g_unix_output_stream_new (fd, TRUE);
}

/* Into a temporary file, chunk by chunk: the PUT then streams it. */
static void
seal_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Sealing *sealing = task_data;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GOutputStream) out = NULL;
  GError *error = NULL;

  in = g_file_read (sealing->plain, cancellable, &error);
  if (in != NULL)
    out = create_sealed_file (sealing, &error);
  if (out == NULL ||
      !fb_data_key_seal_stream (sealing->key, sealing->doc_id, sealing->name, G_INPUT_STREAM (in),
                                out, &sealing->sealed_digest, &sealing->sealed_length,
                                cancellable, &error) ||
      !g_output_stream_close (out, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
sealed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  UploadChain *chain = g_task_get_task_data (task);
  Sealing *sealing = g_task_get_task_data (G_TASK (result));
  JsonObject *attachments = fb_body_get_object (chain->base, FB_BODY_ATTACHMENTS);
  g_autoptr(GError) error = NULL;
  g_autofree char *server_name = NULL;
  JsonObject *recorded;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_STORE, "%s", error->message);
      g_object_unref (task);
      return;
    }

  /* What the server will hold of it, for the base once it is there. */
  recorded = json_object_new ();
  json_object_set_string_member (recorded, "content_type", chain->current->content_type);
  json_object_set_int_member (recorded, "length", (gint64) chain->current->length);
  json_object_set_string_member (recorded, "digest", chain->current->digest);
  json_object_set_boolean_member (recorded, FB_CRYPTO_ATTACHMENT_ENCRYPTED, TRUE);
  json_object_set_string_member (recorded, FB_CRYPTO_SEALED_DIGEST, sealing->sealed_digest);
  json_object_set_int_member (recorded, FB_CRYPTO_SEALED_LENGTH, (gint64) sealing->sealed_length);
  if (attachments == NULL)
    {
      attachments = json_object_new ();
      json_object_set_object_member (chain->base, FB_BODY_ATTACHMENTS, attachments);
    }
  json_object_set_object_member (attachments, chain->current->name, recorded);

  chain->sealed_file = g_steal_pointer (&sealing->sealed);
  server_name = fb_data_key_attachment_server_name (sealing->key, sealing->doc_id, sealing->name);
  send_file (task, chain->sealed_file, server_name, "application/octet-stream");
}

static void
put_next (GTask *task)
{
  UploadChain *chain = g_task_get_task_data (task);
  FbSyncRun *run = chain->run;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  chain->current = NULL;
  while (chain->next < chain->uploads->len)
    {
      FbSyncUpload *upload = chain->uploads->pdata[chain->next++];

      if (upload->alone)
        {
          chain->current = upload;
          break;
        }
    }
  if (chain->current == NULL)
    {
      record_pushed (task);
      g_object_unref (task);
      return;
    }

  file = fb_store_get_attachment_file (run->store, chain->current->digest, &error);
  if (file == NULL)
    {
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_STORE, "%s", error->message);
      g_object_unref (task);
      return;
    }

  if (chain->current->sealed)
    {
      FbDataKey *key = fb_couch_client_get_data_key (run->client);
      g_autoptr(GTask) seal = NULL;
      Sealing *sealing;

      /* The key went away (a new passphrase): the next run sends it. */
      if (key == NULL || chain->base == NULL)
        {
          g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_NEEDS_PASSPHRASE,
                                   _("The database's key is not open: the file goes with the next sync"));
          g_object_unref (task);
          return;
        }
      sealing = g_new0 (Sealing, 1);
      sealing->key = fb_data_key_ref (key);
      sealing->doc_id = g_strdup (fb_item_get_id (chain->item));
      sealing->name = g_strdup (chain->current->name);
      sealing->plain = g_object_ref (file);
      sealing->dir = fb_store_dup_attachments_dir (run->store);
      seal = g_task_new (NULL, run->cancellable, sealed_cb, task);
      g_task_set_task_data (seal, sealing, (GDestroyNotify) sealing_free);
      g_task_run_in_thread (seal, seal_thread);
      return;
    }

  send_file (task, file, chain->current->name, chain->current->content_type);
}

void
_fb_sync_run_upload_alone_async (FbSyncRun           *run,
                                 FbItem              *item,
                                 const char          *rev,
                                 GPtrArray           *uploads,
                                 JsonObject          *base,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task = g_task_new (run, run->cancellable, callback, user_data);
  UploadChain *chain = g_new0 (UploadChain, 1);

  g_task_set_source_tag (task, _fb_sync_run_upload_alone_async);
  chain->run = g_object_ref (run);
  chain->item = g_object_ref (item);
  chain->rev = g_strdup (rev);
  chain->uploads = g_ptr_array_ref (uploads);
  chain->base = base != NULL ? json_object_ref (base) : NULL;
  g_task_set_task_data (task, chain, (GDestroyNotify) upload_chain_free);

  put_next (task);
}

gboolean
_fb_sync_run_upload_alone_finish (FbSyncRun     *run,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, run), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
