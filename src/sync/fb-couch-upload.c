/* fb-couch-upload.c: FbCouchClient sending one attachment on its own, its body streamed */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-couch"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-couch-client-private.h"

/* Part of FbCouchClient (see fb-couch-client-private.h): PUT
 * /db/doc/att?rev=REV with the attachment's bytes as the body, read from a
 * stream as libsoup writes them (never all of it in memory, no base64),
 * as CouchDB's attachment API takes them
 * (https://docs.couchdb.org/en/stable/api/document/attachments.html). */

typedef struct
{
  SoupMessage         *msg;
  FbCouchProgressFunc  progress;
  gpointer             progress_data;
  guint64              written;
} Upload;

static void
upload_free (Upload *upload)
{
  if (upload->msg != NULL)
    g_signal_handlers_disconnect_by_data (upload->msg, upload);
  g_clear_object (&upload->msg);
  g_free (upload);
}

static void
wrote_body_data_cb (SoupMessage *msg,
                    guint        chunk_size,
                    Upload      *upload)
{
  upload->written += chunk_size;
  if (upload->progress != NULL)
    upload->progress (upload->written, upload->progress_data);
}

static void
upload_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *client = g_task_get_source_object (task);
  Upload *upload = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  const char *content_type;
  JsonObject *answer;
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

  status = soup_message_get_status (upload->msg);
  content_type = soup_message_headers_get_content_type (soup_message_get_response_headers (upload->msg), NULL);
  root = _fb_couch_parse_body (bytes, content_type, NULL);
  if (status == SOUP_STATUS_CONFLICT)
    {
      /* Another writer moved the document since we read its revision. */
      g_task_return_new_error (task, FB_COUCH_UPLOAD_ERROR, FB_COUCH_UPLOAD_ERROR_CONFLICT,
                               "The document changed on the server meanwhile (HTTP 409)");
      return;
    }
  /* 201 Created, or 202 Accepted from a cluster short of its quorum: both
   * are stored. */
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_error (task, _fb_couch_client_status_error (client, status, root));
      return;
    }
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !_fb_couch_member_is_string (answer = json_node_get_object (root), "rev"))
    {
      _fb_couch_set_bad_response (&error, "an attachment's new revision");
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_strdup (json_object_get_string_member (answer, "rev")), g_free);
}

G_DEFINE_QUARK (fb-couch-upload-error-quark, fb_couch_upload_error)

void
_fb_couch_client_put_attachment_async (FbCouchClient       *self,
                                       const char          *doc_id,
                                       const char          *name,
                                       const char          *rev,
                                       const char          *content_type,
                                       GInputStream        *body,
                                       goffset              length,
                                       FbCouchProgressFunc  progress,
                                       gpointer             progress_data,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *id = NULL;
  g_autofree char *escaped_name = NULL;
  g_autofree char *escaped_rev = NULL;
  g_autofree char *url = NULL;
  Upload *upload;

  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (doc_id != NULL && name != NULL && rev != NULL);
  g_return_if_fail (G_IS_INPUT_STREAM (body));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _fb_couch_client_put_attachment_async);
  upload = g_new0 (Upload, 1);
  upload->progress = progress;
  upload->progress_data = progress_data;
  g_task_set_task_data (task, upload, (GDestroyNotify) upload_free);

  id = g_uri_escape_string (doc_id, NULL, FALSE);
  escaped_name = g_uri_escape_string (name, NULL, FALSE);
  escaped_rev = g_uri_escape_string (rev, NULL, FALSE);
  url = g_strconcat (self->server_url, self->db_path, "/", id, "/", escaped_name,
                     "?rev=", escaped_rev, NULL);
  upload->msg = soup_message_new ("PUT", url);
  if (upload->msg == NULL)
    {
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_INVALID_URL,
                               "Cannot make a request for %s", url);
      return;
    }
  if (self->authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (upload->msg),
                                  "Authorization", self->authorization);
  soup_message_headers_replace (soup_message_get_request_headers (upload->msg),
                                "Accept", "application/json");
  soup_message_set_request_body (upload->msg,
                                 content_type != NULL ? content_type : "application/octet-stream",
                                 body, length);
  g_signal_connect (upload->msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), upload);

  soup_session_send_and_read_async (self->session, upload->msg, G_PRIORITY_DEFAULT, cancellable,
                                    upload_read_cb, g_steal_pointer (&task));
}

char *
_fb_couch_client_put_attachment_finish (FbCouchClient  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
