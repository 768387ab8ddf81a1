/* fb-couch-attachments.c: FbCouchClient fetching one attachment's data into the store */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-couch"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-couch-client-private.h"
#include "fb-crypto.h"

/* Part of FbCouchClient (see fb-couch-client-private.h): GET
 * /db/doc/att for one attachment a body lists, opened when its data is
 * sealed (end-to-end encryption), checked against its digest and kept
 * by the store. The pull's downloads (fb-sync-attachments.c) and a file
 * the person opens now (fb_sync_manager_fetch_attachment_async ()) both
 * come here. */

typedef struct
{
  FbStore      *store;
  FbAttachment *attachment;
  SoupMessage  *msg;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_object (&fetch->store);
  g_clear_pointer (&fetch->attachment, fb_attachment_free);
  g_clear_object (&fetch->msg);
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
  copy->encrypted = attachment->encrypted;
  return copy;
}

/* The plain bytes of @attachment as they came from the server: opened
 * when they are sealed. Bytes that do not open (tampered, moved from
 * another attachment, another key) are refused in words. */
static GBytes *
bytes_in (FbCouchClient       *client,
          const FbAttachment  *attachment,
          GBytes              *received,
          GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  GBytes *plain;

  if (!attachment->encrypted)
    return g_bytes_ref (received);

  plain = client->data_key != NULL
          ? fb_data_key_open_bytes (client->data_key, attachment->item_id, attachment->name,
                                    received, &local_error)
          : NULL;
  if (plain == NULL)
    {
      if (local_error != NULL)
        g_message ("%s", local_error->message);
      g_set_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE,
                   _("The attachment “%s” could not be decrypted; it was not kept"),
                   attachment->name);
    }
  return plain;
}

static void
fetch_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *client = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GInputStream) in = NULL;
  GError *error = NULL;
  guint status;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
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

  plain = bytes_in (client, fetch->attachment, bytes, &error);
  if (plain == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  in = g_memory_input_stream_new_from_bytes (plain);
  if (!fb_store_add_attachment_data (fetch->store, fetch->attachment->digest, in,
                                     g_task_get_cancellable (task), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
_fb_couch_client_fetch_attachment_async (FbCouchClient       *self,
                                         FbStore             *store,
                                         const FbAttachment  *attachment,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *server_name = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *url = NULL;
  Fetch *fetch;

  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (attachment != NULL && attachment->item_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _fb_couch_client_fetch_attachment_async);
  fetch = g_new0 (Fetch, 1);
  fetch->store = g_object_ref (store);
  fetch->attachment = attachment_copy (attachment);
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);

  if (attachment->encrypted && self->data_key == NULL)
    {
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_NEEDS_PASSPHRASE,
                               _("The database is encrypted and its key is not open yet: sync first"));
      return;
    }

  /* Sealed data is kept under a name that says nothing (fb-crypto.h). */
  server_name = attachment->encrypted
                ? fb_data_key_attachment_server_name (self->data_key, attachment->item_id, attachment->name)
                : g_strdup (attachment->name);
  id = g_uri_escape_string (attachment->item_id, NULL, FALSE);
  name = g_uri_escape_string (server_name, NULL, FALSE);
  url = g_strconcat (self->server_url, self->db_path, "/", id, "/", name, NULL);
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

  soup_session_send_and_read_async (self->session, fetch->msg, G_PRIORITY_DEFAULT, cancellable,
                                    fetch_read_cb, g_steal_pointer (&task));
}

gboolean
_fb_couch_client_fetch_attachment_finish (FbCouchClient  *self,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
