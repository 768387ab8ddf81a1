/* fb-couch-attachments.c: FbCouchClient fetching one attachment's data into the store */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-couch"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-couch-client-private.h"
#include "fb-crypto.h"
#include "fb-item-body.h"

/* Part of FbCouchClient (see fb-couch-client-private.h): GET
 * /db/doc/att for one attachment a body lists, its body read in pieces
 * and each written to the store's temporary file as it comes (opened first
 * when the data is sealed: end-to-end encryption), the digests computed
 * on the way; at the end the store checks the digest, syncs and renames
 * the file. A cut-off or damaged body leaves nothing. The pull's downloads
 * (fb-sync-attachments-download.c) and a file the person opens now
 * (fb_sync_manager_fetch_attachment_async ()) both come here. */

/* How much of the body is asked for at a time: memory stays at about this
 * (and one sealed chunk) whatever the file's size, and each piece is one
 * short write on the main loop. */
#define READ_CHUNK (64 * 1024)

typedef struct
{
  FbStore             *store;
  FbAttachment        *attachment;
  SoupMessage         *msg;
  GInputStream        *body;
  FbAttachmentWrite   *writer;
  FbAttachmentOpener  *opener;     /* sealed data only */
  GByteArray          *plain;      /* what the opener gave, for the writer */
  FbCouchTransferFunc  progress;
  gpointer             progress_data;
  guint64              received;
  guint64              total;      /* what the server says it sends */
  guint64              written;    /* plain bytes, once all came */
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_object (&fetch->store);
  g_clear_pointer (&fetch->attachment, fb_attachment_free);
  g_clear_object (&fetch->msg);
  g_clear_object (&fetch->body);
  g_clear_pointer (&fetch->writer, fb_attachment_write_abort);
  g_clear_pointer (&fetch->opener, fb_attachment_opener_free);
  g_clear_pointer (&fetch->plain, g_byte_array_unref);
  g_free (fetch);
}

static FbAttachment *
attachment_copy (const FbAttachment *attachment)
{
  FbAttachment *copy = g_new0 (FbAttachment, 1);

  copy->name = g_strdup (attachment->name);
  copy->content_type = g_strdup (attachment->content_type);
  copy->length = attachment->length;
  copy->digest = g_strdup (attachment->digest);
  copy->sha256 = g_strdup (attachment->sha256);
  copy->item_id = g_strdup (attachment->item_id);
  copy->rev = g_strdup (attachment->rev);
  copy->encrypted = attachment->encrypted;
  return copy;
}

/* Whether the entry of @attachment in its item's body says already that
 * the server holds only part of its sealed data: asking for it would
 * download all of that only to refuse it. */
static gboolean
listed_cut_off (FbStore            *store,
                const FbAttachment *attachment)
{
  g_autoptr(FbItem) item = NULL;
  JsonObject *entry;

  if (!attachment->encrypted)
    return FALSE;
  item = fb_store_get_item (store, attachment->item_id, NULL);
  if (item == NULL)
    return FALSE;
  entry = fb_body_get_object (fb_body_get_object (fb_item_get_body (item), FB_BODY_ATTACHMENTS),
                              attachment->name);
  return entry != NULL &&
         g_strcmp0 (fb_body_get_string (entry, "digest"), attachment->digest) == 0 &&
         fb_crypto_entry_is_cut_off (entry);
}

static void
report (Fetch *fetch)
{
  if (fetch->progress != NULL)
    fetch->progress (fetch->received, MAX (fetch->received, fetch->total), fetch->progress_data);
}

/* Sealed bytes that do not open (tampered, moved from another
 * attachment, another key, cut off) are refused in words: which file and
 * why (the opener's), and what became of it. */
static GError *
undecryptable (GError *error)
{
  GError *refused;

  /* Translators: %s says which file could not be decrypted and why, e.g.
   * "“heron.jpg” could not be decrypted: its header is damaged" */
  refused = g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE,
                         _("%s; nothing of it was kept, and the next sync tries again"),
                         error->message);
  g_error_free (error);
  return refused;
}

/* @len received bytes into the file: opened first when sealed. */
static gboolean
take_bytes (Fetch         *fetch,
            const guchar  *data,
            gsize          len,
            GError       **error)
{
  GError *local_error = NULL;
  gboolean ok;

  if (fetch->opener == NULL)
    return fb_attachment_write_chunk (fetch->writer, data, len, error);

  if (data != NULL)
    ok = fb_attachment_opener_add (fetch->opener, data, len, fetch->plain, &local_error);
  else
    ok = fb_attachment_opener_end (fetch->opener, fetch->plain, &local_error);
  if (!ok)
    {
      g_propagate_error (error, undecryptable (local_error));
      return FALSE;
    }
  ok = fb_attachment_write_chunk (fetch->writer, fetch->plain->data, fetch->plain->len, error);
  g_byte_array_set_size (fetch->plain, 0);
  return ok;
}

static void
fetch_committed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  GError *error = NULL;

  if (fb_store_commit_attachment_write_finish (FB_STORE (object), result, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (!g_error_matches (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Not the bytes the document lists: said with the sizes when they
   * differ (a body cut short that still ended cleanly). */
  g_debug ("%s/%s: %s", fetch->attachment->item_id, fetch->attachment->name, error->message);
  g_clear_error (&error);
  if (fetch->attachment->length > 0 && (guint64) fetch->attachment->length > fetch->written)
    {
      g_autofree char *got = g_format_size (fetch->written);
      g_autofree char *listed = g_format_size ((guint64) fetch->attachment->length);

      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE,
                               _("“%s” arrived incomplete (%s of %s); nothing of it was kept, and the next sync tries again"),
                               fetch->attachment->name, got, listed);
    }
  else
    {
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE,
                               _("“%s” arrived damaged (its bytes do not match its digest); nothing of it was kept, and the next sync tries again"),
                               fetch->attachment->name);
    }
}

static void read_next (GTask *task);

static void
fetch_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  const guchar *data;
  gsize len;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }
  if (bytes == NULL)
    {
      g_autofree char *done = g_format_size (fetch->received);

      /* The connection ended before the body did: nothing is kept, and
       * the next sync asks again. */
      g_debug ("%s/%s: %s", fetch->attachment->item_id, fetch->attachment->name, error->message);
      g_error_free (error);
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE,
                               _("The download of “%s” was cut off after %s; nothing of it was kept, and the next sync tries again"),
                               fetch->attachment->name, done);
      return;
    }

  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      /* The end: the last sealed chunk, then the store checks the digest. */
      if (!take_bytes (fetch, NULL, 0, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      g_clear_object (&fetch->body);
      fetch->written = fb_attachment_write_get_length (fetch->writer);
      fb_store_commit_attachment_write_async (fetch->store, g_steal_pointer (&fetch->writer),
                                              fetch->attachment->digest, cancellable,
                                              fetch_committed_cb, g_steal_pointer (&task));
      return;
    }

  if (!take_bytes (fetch, data, len, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  fetch->received += len;
  report (fetch);
  read_next (g_steal_pointer (&task));
}

static void
read_next (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (fetch->body, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), fetch_read_cb, task);
}

static void
fetch_sent_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *client = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  GError *error = NULL;
  guint status;

  fetch->body = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (fetch->body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, error);
      else
        g_task_return_error (task, _fb_couch_client_map_transport_error (client, error));
      return;
    }

  status = soup_message_get_status (fetch->msg);
  if (status == SOUP_STATUS_NOT_FOUND)
    {
      /* That revision's data is gone (compacted, or a newer version
       * without it is on its way). */
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_FOUND,
                               _("The server no longer has the data of “%s”"), fetch->attachment->name);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_error (task, _fb_couch_client_status_error (client, status, NULL));
      return;
    }

  fetch->writer = fb_store_begin_attachment_write (fetch->store, &error);
  if (fetch->writer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (fetch->attachment->encrypted)
    {
      fetch->opener = fb_data_key_begin_open (client->data_key, fetch->attachment->item_id,
                                              fetch->attachment->name);
      fb_attachment_opener_expect_length (fetch->opener, fetch->attachment->length);
      fetch->plain = g_byte_array_sized_new (READ_CHUNK);
    }

  headers = soup_message_get_response_headers (fetch->msg);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    fetch->total = (guint64) soup_message_headers_get_content_length (headers);
  else
    fetch->total = (guint64) MAX (fetch->attachment->length, 0);
  report (fetch);
  read_next (g_steal_pointer (&task));
}

void
_fb_couch_client_fetch_attachment_async (FbCouchClient       *self,
                                         FbStore             *store,
                                         const FbAttachment  *attachment,
                                         FbCouchTransferFunc  progress,
                                         gpointer             progress_data,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *server_name = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *url = NULL;
  Fetch *fetch;

  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (attachment != NULL && attachment->item_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _fb_couch_client_fetch_attachment_async);
  fetch = g_new0 (Fetch, 1);
  fetch->store = g_object_ref (store);
  fetch->attachment = attachment_copy (attachment);
  fetch->progress = progress;
  fetch->progress_data = progress_data;
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);

  if (attachment->encrypted && self->data_key == NULL)
    {
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_NEEDS_PASSPHRASE,
                               _("The database is encrypted and its key is not open yet: sync first"));
      return;
    }

  /* Cut off on the server, as the listing says: refused in the words a
   * download of it ends with, without the download, until a device that
   * holds the file sent it whole again (the next pull then names it whole).
   * The opener still refuses data that comes short: the server may have
   * changed since the listing. */
  if (listed_cut_off (store, attachment))
    {
      g_debug ("%s/%s: the server holds only part of it, not asked for", attachment->item_id, attachment->name);
      g_task_return_error (task, undecryptable (fb_attachment_cut_off_error (attachment->name)));
      return;
    }

  /* Sealed data is kept under a name that says nothing (fb-crypto.h). */
  server_name = attachment->encrypted
                ? fb_data_key_attachment_server_name (self->data_key, attachment->item_id, attachment->name)
                : g_strdup (attachment->name);
  id = g_uri_escape_string (attachment->item_id, NULL, FALSE);
  name = g_uri_escape_string (server_name, NULL, FALSE);
  /* From the revision the item was made on: a newer one may have changed
   * or dropped the file (an item in conflict still names it), and that
   * revision keeps its data until the server compacts it. */
  rev = attachment->rev != NULL ? g_uri_escape_string (attachment->rev, NULL, FALSE) : NULL;
  url = g_strconcat (self->server_url, self->db_path, "/", id, "/", name,
                     rev != NULL ? "?rev=" : NULL, rev, NULL);
  fetch->msg = soup_message_new ("GET", url);
  if (fetch->msg == NULL)
    {
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_INVALID_URL,
                               "Cannot make a request for %s", url);
      return;
    }
  if (self->authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (fetch->msg),
                                  "Authorization", self->authorization);

  soup_session_send_async (self->session, fetch->msg, G_PRIORITY_DEFAULT, cancellable,
                           fetch_sent_cb, g_steal_pointer (&task));
}

gboolean
_fb_couch_client_fetch_attachment_finish (FbCouchClient  *self,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
