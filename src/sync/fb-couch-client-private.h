/* fb-couch-client-private.h: what FbCouchClient's files share */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <libsoup/soup.h>

#include "fb-attachments.h"
#include "fb-couch-client.h"

G_BEGIN_DECLS

/* FbCouchClient is one class over several files: fb-couch-client.c (the
 * object, URLs, the request machinery, open/ping/db_request),
 * fb-couch-reply.c (answers and errors), fb-couch-docs.c (documents),
 * fb-couch-changes.c (the changes feed), fb-couch-attachments.c and
 * fb-couch-upload.c (one attachment down, one up). */

/* libsoup 3.2 has no name for it. */
#define FB_COUCH_STATUS_TOO_MANY_REQUESTS 429

struct _FbCouchClient
{
  GObject      parent_instance;

  SoupSession *session;
  char        *server_url;   /* normalised, ends in '/', no user info */
  char        *database;
  char        *db_path;      /* URL-escaped database name */
  char        *user;
  char        *password;
  char        *authorization;

  guint        retry_after;
  gboolean     no_bulk_get;

  /* fb-couch-crypt.c */
  char        *passphrase;
  FbDataKey   *data_key;      /* set once the keys document is open */
  GHashTable  *undecryptable; /* ids of documents that did not open */
};

typedef struct
{
  guint     status;
  JsonNode *root;     /* parsed body: always for 2xx, when possible otherwise */
  GError   *error;    /* the mapped error for a non-2xx status */
} FbCouchReply;

static inline void
_fb_couch_reply_free (FbCouchReply *reply)
{
  g_clear_pointer (&reply->root, json_node_unref);
  g_clear_error (&reply->error);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbCouchReply, _fb_couch_reply_free)

static inline gboolean
_fb_couch_reply_is_success (FbCouchReply *reply)
{
  return SOUP_STATUS_IS_SUCCESSFUL (reply->status);
}

static inline gboolean
_fb_couch_member_is_string (JsonObject *object,
                            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static inline gboolean
_fb_couch_member_is_array (JsonObject *object,
                           const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node);
}

static inline gboolean
_fb_couch_member_is_object (JsonObject *object,
                            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node);
}

static inline gboolean
_fb_couch_member_is_true (JsonObject *object,
                          const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

/* fb-couch-reply.c */
void          _fb_couch_set_bad_response           (GError        **error,
                                                    const char     *what);
GError       *_fb_couch_client_map_transport_error (FbCouchClient  *self,
                                                    GError         *error);
GError       *_fb_couch_client_status_error        (FbCouchClient  *self,
                                                    guint           status,
                                                    JsonNode       *root);
JsonNode     *_fb_couch_parse_body                 (GBytes         *bytes,
                                                    const char     *content_type,
                                                    GError        **error);
guint         _fb_couch_parse_retry_after          (const char     *value);

/* fb-couch-crypt.c: documents sealed on the way out, opened on the way in. */
char         *_fb_couch_client_seal_json           (FbCouchClient  *self,
                                                    const char     *json);
/* A new reference to the plain @doc, or NULL (recorded) when it does not open. */
JsonObject   *_fb_couch_client_open_document       (FbCouchClient  *self,
                                                    JsonObject     *doc);

/* fb-couch-client.c */
/* @rel: the path and query relative to the server URL, already escaped.
 * @body: JSON text, nullable. */
void          _fb_couch_client_request_bytes_async (FbCouchClient       *self,
                                                    const char          *method,
                                                    const char          *rel,
                                                    GBytes              *body,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
void          _fb_couch_client_request_async       (FbCouchClient       *self,
                                                    const char          *method,
                                                    const char          *rel,
                                                    JsonNode            *body,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
FbCouchReply *_fb_couch_client_request_finish      (FbCouchClient       *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* A request on behalf of @task (whose cancellable it uses); takes @task,
 * which becomes the callback's user data. */
void          _fb_couch_client_request_for_task    (GTask               *task,
                                                    const char          *method,
                                                    const char          *rel,
                                                    JsonNode            *body,
                                                    GAsyncReadyCallback  callback);
/* The reply to a request made for @task, or NULL after @task returned
 * the failure: a transport error, and with _success_reply also a
 * status other than 2xx. */
FbCouchReply *_fb_couch_task_reply                 (GTask               *task,
                                                    GAsyncResult        *result);
FbCouchReply *_fb_couch_task_success_reply         (GTask               *task,
                                                    GAsyncResult        *result);
/* The _finish of every client call whose result is a pointer. */
gpointer      _fb_couch_client_propagate_pointer   (FbCouchClient       *self,
                                                    GAsyncResult        *result,
                                                    gpointer             source_tag,
                                                    GError             **error);
/* Takes the reply's error, for statuses the caller does not handle. */
void          _fb_couch_task_return_reply_error    (GTask               *task,
                                                    FbCouchReply        *reply);
/* The array member @name of a successful reply's root object. Otherwise
 * the task returns the reply's error, or a bad response saying @missing,
 * and this returns NULL. */
JsonArray    *_fb_couch_reply_root_array_or_return (GTask               *task,
                                                    FbCouchReply        *reply,
                                                    const char          *name,
                                                    const char          *missing);

/* fb-couch-attachments.c: the data of @attachment (with its item_id) from
 * the server into @store, streamed: written to the store's temporary file
 * as it arrives (opened chunk by chunk when it is sealed), checked against
 * its digest, then kept (fb_store_begin_attachment_write ()); memory stays
 * at a few chunks whatever the size. @progress (may be NULL) hears the
 * bytes received of those the server sends, 0 first. Errors:
 * FB_SYNC_ERROR_NOT_FOUND when the server no longer has it,
 * FB_SYNC_ERROR_UNDECRYPTABLE when it does not open,
 * FB_SYNC_ERROR_BAD_RESPONSE when the body was cut off, the store's error
 * when it does not match or cannot be kept (nothing of it is kept then),
 * else a transport or status error. */
typedef void (*FbCouchTransferFunc) (guint64  bytes_done,
                                     guint64  bytes_total,
                                     gpointer user_data);

void          _fb_couch_client_fetch_attachment_async  (FbCouchClient       *self,
                                                        FbStore             *store,
                                                        const FbAttachment  *attachment,
                                                        FbCouchTransferFunc  progress,
                                                        gpointer             progress_data,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean      _fb_couch_client_fetch_attachment_finish (FbCouchClient       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* fb-couch-upload.c: PUT /db/@doc_id/@name?rev=@rev with @length bytes
 * of @body (read as they are written, never held), as @content_type;
 * @progress (nullable) is told the bytes written so far. Returns the
 * document's new revision (201 or 202). FB_COUCH_UPLOAD_ERROR_CONFLICT
 * when another writer moved the document (409), FB_SYNC_ERROR_TOO_LARGE
 * when the server takes nothing that large (413), else a transport or
 * status error. */
typedef void (*FbCouchProgressFunc) (guint64  bytes_written,
                                     gpointer user_data);

#define FB_COUCH_UPLOAD_ERROR (fb_couch_upload_error_quark ())
GQuark fb_couch_upload_error_quark (void);
typedef enum {
  FB_COUCH_UPLOAD_ERROR_CONFLICT,
} FbCouchUploadError;

void          _fb_couch_client_put_attachment_async  (FbCouchClient       *self,
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
                                                      gpointer             user_data);
char         *_fb_couch_client_put_attachment_finish (FbCouchClient       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
