/* fb-couch-client.c: the CouchDB client object, its session and requests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-couch"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "fb-couch-client-private.h"
#include "fb-json-text.h"
#include "fb-soup-session.h"


G_DEFINE_FINAL_TYPE (FbCouchClient, fb_couch_client, G_TYPE_OBJECT)

/* ------------------------------------------------------------------ */
/* Session and URLs                                                    */
/* ------------------------------------------------------------------ */

/* CouchDB's rule for database names (also Cloudant's and PouchDB's). */
static gboolean
database_name_is_valid (const char *name)
{
  const char *p;

  if (name[0] < 'a' || name[0] > 'z')
    return FALSE;

  for (p = name + 1; *p != '\0'; p++)
    {
      if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
        continue;
      if (strchr ("_$()+-/", *p) == NULL)
        return FALSE;
    }

  return TRUE;
}

static char *
normalise_server_url (const char  *server_url,
                      char       **url_user,
                      char       **url_password,
                      GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) clean = NULL;
  g_autofree char *path = NULL;
  g_autofree char *host_lower = NULL;
  const char *scheme;
  const char *host;

  uri = g_uri_parse (server_url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    {
      g_set_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_INVALID_URL,
                   _("“%s” is not a valid server address."), server_url);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
    {
      g_set_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_INVALID_URL,
                   _("The server address must start with https:// or http://."));
      return NULL;
    }

  host = g_uri_get_host (uri);
  if (host == NULL || host[0] == '\0')
    {
      g_set_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_INVALID_URL,
                   _("The server address “%s” has no host name."), server_url);
      return NULL;
    }

  if (g_uri_get_user (uri) != NULL)
    *url_user = g_uri_unescape_string (g_uri_get_user (uri), NULL);
  if (g_uri_get_password (uri) != NULL)
    *url_password = g_uri_unescape_string (g_uri_get_password (uri), NULL);

  path = g_strdup (g_uri_get_path (uri));
  if (path[0] == '\0' || !g_str_has_suffix (path, "/"))
    {
      char *with_slash = g_strconcat (path, "/", NULL);

      g_free (path);
      path = with_slash;
    }

  host_lower = g_ascii_strdown (host, -1);
  clean = g_uri_build (SOUP_HTTP_URI_FLAGS, scheme, NULL, host_lower,
                       g_uri_get_port (uri), path, NULL, NULL);
  return g_uri_to_string (clean);
}

/* ------------------------------------------------------------------ */
/* One HTTP request                                                    */
/* ------------------------------------------------------------------ */

/* Answers above this size are parsed in a worker thread: parsing a batch
 * of a thousand documents takes tens of milliseconds, which the main
 * thread spends storing the previous batch instead. */
#define PARSE_IN_THREAD_ABOVE (64 * 1024)

typedef struct
{
  GBytes *bytes;
  char   *content_type;
  guint   status;
} ParseData;

static void
parse_data_free (ParseData *data)
{
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_clear_pointer (&data->content_type, g_free);
  g_free (data);
}

static void
parse_in_thread_cb (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ParseData *data = task_data;
  FbCouchReply *reply = g_new0 (FbCouchReply, 1);
  GError *error = NULL;

  reply->status = data->status;
  reply->root = _fb_couch_parse_body (data->bytes, data->content_type, &error);
  if (reply->root == NULL)
    {
      _fb_couch_reply_free (reply);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, reply, (GDestroyNotify) _fb_couch_reply_free);
}

static void
request_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *self = g_task_get_source_object (task);
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(FbCouchReply) reply = NULL;
  GError *error = NULL;
  const char *content_type;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, _fb_couch_client_map_transport_error (self, error));
      return;
    }

  reply = g_new0 (FbCouchReply, 1);
  reply->status = soup_message_get_status (msg);
  content_type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);

  g_debug ("%s %s → %u (%" G_GSIZE_FORMAT " bytes)",
           soup_message_get_method (msg),
           g_uri_get_path (soup_message_get_uri (msg)),
           reply->status, g_bytes_get_size (bytes));

  if (reply->status == FB_COUCH_STATUS_TOO_MANY_REQUESTS ||
      reply->status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    self->retry_after = _fb_couch_parse_retry_after (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                                         "Retry-After"));
  else if (_fb_couch_reply_is_success (reply))
    self->retry_after = 0;

  if (_fb_couch_reply_is_success (reply) && g_bytes_get_size (bytes) > PARSE_IN_THREAD_ABOVE)
    {
      ParseData *data = g_new0 (ParseData, 1);

      data->bytes = g_bytes_ref (bytes);
      data->content_type = g_strdup (content_type);
      data->status = reply->status;
      /* The message is done with: the task now carries what to parse. */
      g_task_set_task_data (task, data, (GDestroyNotify) parse_data_free);
      g_task_run_in_thread (task, parse_in_thread_cb);
      return;
    }

  if (_fb_couch_reply_is_success (reply))
    {
      reply->root = _fb_couch_parse_body (bytes, content_type, &error);
      if (reply->root == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  else
    {
      reply->root = _fb_couch_parse_body (bytes, content_type, NULL);
      reply->error = _fb_couch_client_status_error (self, reply->status, reply->root);
    }

  g_task_return_pointer (task, g_steal_pointer (&reply), (GDestroyNotify) _fb_couch_reply_free);
}

/* @rel: the path and query relative to the server URL, already escaped.
 * @body: JSON text, nullable. */
void
_fb_couch_client_request_bytes_async (FbCouchClient       *self,
                                      const char          *method,
                                      const char          *rel,
                                      GBytes              *body,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *url = NULL;
  SoupMessage *msg;
  SoupMessageHeaders *headers;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _fb_couch_client_request_bytes_async);

  url = g_strconcat (self->server_url, rel, NULL);
  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_INVALID_URL,
                               _("“%s” is not a valid server address."), self->server_url);
      return;
    }
  g_task_set_task_data (task, msg, g_object_unref);

  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", self->authorization);

  if (body != NULL)
    {
      gsize len = 0;
      const char *text = g_bytes_get_data (body, &len);
      gsize out_len = 0;
      char *unprotected = fb_json_text_unprotect (text, len, &out_len);

      /* The server gets back exactly the code units it sent. */
      if (unprotected != NULL)
        {
          g_autoptr(GBytes) bytes = g_bytes_new_take (unprotected, out_len);

          soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
        }
      else
        soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    cancellable, request_read_cb,
                                    g_steal_pointer (&task));
}

void
_fb_couch_client_request_async (FbCouchClient       *self,
                                const char          *method,
                                const char          *rel,
                                JsonNode            *body,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GBytes) bytes = NULL;

  if (body != NULL)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      char *text;
      gsize len;

      json_generator_set_root (generator, body);
      text = json_generator_to_data (generator, &len);
      bytes = g_bytes_new_take (text, len);
    }

  _fb_couch_client_request_bytes_async (self, method, rel, bytes, cancellable, callback, user_data);
}

FbCouchReply *
_fb_couch_client_request_finish (FbCouchClient  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_assert (g_task_is_valid (result, self));
  g_assert (g_task_get_source_tag (G_TASK (result)) == _fb_couch_client_request_bytes_async);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A request on behalf of @task (whose cancellable it uses); takes @task,
 * which becomes the callback's user data. */
void
_fb_couch_client_request_for_task (GTask               *task,
                                   const char          *method,
                                   const char          *rel,
                                   JsonNode            *body,
                                   GAsyncReadyCallback  callback)
{
  FbCouchClient *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  _fb_couch_client_request_async (self, method, rel, body, cancellable, callback, task);
}

/* The reply to a request made for @task (see request_for_task), or NULL
 * when the request failed: @task has then returned the error. */
FbCouchReply *
_fb_couch_task_reply (GTask        *task,
                      GAsyncResult *result)
{
  FbCouchClient *self = g_task_get_source_object (task);
  FbCouchReply *reply;
  GError *error = NULL;

  reply = _fb_couch_client_request_finish (self, result, &error);
  if (reply == NULL)
    g_task_return_error (task, error);
  return reply;
}

/* The same, and NULL for a status other than 2xx too (@task returned the
 * status's error). */
FbCouchReply *
_fb_couch_task_success_reply (GTask        *task,
                              GAsyncResult *result)
{
  FbCouchReply *reply = _fb_couch_task_reply (task, result);

  if (reply != NULL && !_fb_couch_reply_is_success (reply))
    {
      _fb_couch_task_return_reply_error (task, reply);
      g_clear_pointer (&reply, _fb_couch_reply_free);
    }
  return reply;
}

/* The _finish of every client call whose result is a pointer. */
gpointer
_fb_couch_client_propagate_pointer (FbCouchClient  *self,
                                    GAsyncResult   *result,
                                    gpointer        source_tag,
                                    GError        **error)
{
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Takes the reply's error, for statuses the caller does not handle. */
void
_fb_couch_task_return_reply_error (GTask *task,
                                   FbCouchReply *reply)
{
  g_assert (reply->error != NULL);
  g_task_return_error (task, g_steal_pointer (&reply->error));
}

/* The array member @name of a successful reply's root object. Otherwise
 * the task returns the reply's error, or a bad response saying @missing,
 * and this returns NULL. */
JsonArray *
_fb_couch_reply_root_array_or_return (GTask      *task,
                                      FbCouchReply      *reply,
                                      const char *name,
                                      const char *missing)
{
  GError *error = NULL;

  if (!_fb_couch_reply_is_success (reply))
    {
      _fb_couch_task_return_reply_error (task, reply);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (reply->root) ||
      !_fb_couch_member_is_array (json_node_get_object (reply->root), name))
    {
      _fb_couch_set_bad_response (&error, missing);
      g_task_return_error (task, error);
      return NULL;
    }

  return json_object_get_array_member (json_node_get_object (reply->root), name);
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */
/* ------------------------------------------------------------------ */

static void
fb_couch_client_dispose (GObject *object)
{
  FbCouchClient *self = FB_COUCH_CLIENT (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (fb_couch_client_parent_class)->dispose (object);
}

static void
fb_couch_client_finalize (GObject *object)
{
  FbCouchClient *self = FB_COUCH_CLIENT (object);

  g_free (self->server_url);
  g_free (self->database);
  g_free (self->db_path);
  g_free (self->user);
  fb_secret_free (&self->password);
  fb_secret_free (&self->authorization);
  fb_secret_free (&self->passphrase);
  g_clear_pointer (&self->data_key, fb_data_key_unref);
  g_clear_pointer (&self->undecryptable, g_hash_table_unref);

  G_OBJECT_CLASS (fb_couch_client_parent_class)->finalize (object);
}

static void
fb_couch_client_class_init (FbCouchClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fb_couch_client_dispose;
  object_class->finalize = fb_couch_client_finalize;
}

static void
fb_couch_client_init (FbCouchClient *self)
{
  self->session = fb_soup_session_new ();
  self->undecryptable = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

FbCouchClient *
fb_couch_client_new (const char  *server_url,
                     const char  *database,
                     const char  *user,
                     const char  *password,
                     GError     **error)
{
  g_autoptr(FbCouchClient) self = NULL;
  g_autofree char *url_user = NULL;
  g_autofree char *url_password = NULL;
  g_autofree char *normalised = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (server_url == NULL || server_url[0] == '\0')
    {
      g_set_error_literal (error, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_CONFIGURED,
                           _("No server address is set."));
      return NULL;
    }

  normalised = normalise_server_url (server_url, &url_user, &url_password, error);
  if (normalised == NULL)
    return NULL;

  if (database == NULL || database[0] == '\0')
    {
      g_set_error_literal (error, FB_SYNC_ERROR, FB_SYNC_ERROR_INVALID_URL,
                           _("No database name is set."));
      fb_secret_free (&url_password);
      return NULL;
    }

  if (!database_name_is_valid (database))
    {
      g_set_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_INVALID_URL,
                   _("“%s” is not a valid database name: it must start with a lowercase letter and may contain lowercase letters, digits and _$()+-/."),
                   database);
      fb_secret_free (&url_password);
      return NULL;
    }

  self = g_object_new (FB_TYPE_COUCH_CLIENT, NULL);
  self->server_url = g_steal_pointer (&normalised);
  self->database = g_strdup (database);
  self->db_path = g_uri_escape_string (database, NULL, FALSE);

  if (user == NULL && url_user != NULL)
    {
      user = url_user;
      if (password == NULL)
        password = url_password;
    }

  if (user != NULL && user[0] != '\0')
    {
      g_autofree char *pair = g_strconcat (user, ":", password ? password : "", NULL);
      g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

      self->user = g_strdup (user);
      self->password = g_strdup (password ? password : "");
      self->authorization = g_strconcat ("Basic ", encoded, NULL);
      memset (pair, 0, strlen (pair));
      memset (encoded, 0, strlen (encoded));
    }

  fb_secret_free (&url_password);

  return g_steal_pointer (&self);
}

const char *
fb_couch_client_get_server_url (FbCouchClient *self)
{
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), NULL);

  return self->server_url;
}

const char *
fb_couch_client_get_database (FbCouchClient *self)
{
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), NULL);

  return self->database;
}

char *
fb_couch_client_dup_remote_key (FbCouchClient *self)
{
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), NULL);

  return g_strdup_printf ("%s%s %s", self->server_url, self->db_path,
                          self->user ? self->user : "");
}

guint
fb_couch_client_get_retry_after (FbCouchClient *self)
{
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), 0);

  return self->retry_after;
}

/* ------------------------------------------------------------------ */
/* open_database                                                       */
/* ------------------------------------------------------------------ */

typedef struct
{
  gboolean create;
  gboolean session_known;
  gboolean authenticated;
  gboolean is_admin;
} OpenData;

static void open_root_cb        (GObject *, GAsyncResult *, gpointer);
static void open_session_cb     (GObject *, GAsyncResult *, gpointer);
static void open_get_db_cb      (GObject *, GAsyncResult *, gpointer);
static void open_put_db_cb      (GObject *, GAsyncResult *, gpointer);
static void open_get_created_cb (GObject *, GAsyncResult *, gpointer);

void
fb_couch_client_open_database_async (FbCouchClient       *self,
                                     gboolean             create,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenData *data;

  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_couch_client_open_database_async);
  data = g_new0 (OpenData, 1);
  data->create = create;
  g_task_set_task_data (task, data, g_free);

  _fb_couch_client_request_async (self, "GET", "", NULL, cancellable, open_root_cb,
                                  g_steal_pointer (&task));
}

static void
open_root_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *self = FB_COUCH_CLIENT (object);
  g_autoptr(FbCouchReply) reply = NULL;

  reply = _fb_couch_task_reply (task, result);
  if (reply == NULL)
    return;

  if (!_fb_couch_reply_is_success (reply))
    {
      if (reply->status == SOUP_STATUS_NOT_FOUND)
        g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_FOUND,
                                 _("There is no CouchDB server at %s — is the URL right?"),
                                 self->server_url);
      else
        _fb_couch_task_return_reply_error (task, reply);
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (reply->root))
    {
      GError *shape = NULL;

      _fb_couch_set_bad_response (&shape, "the server’s welcome is not an object");
      g_task_return_error (task, shape);
      return;
    }

  /* Check the credentials before anything could write: PouchDB Server
   * crashes on an unauthorised PUT /newdb once an admin exists. */
  _fb_couch_client_request_for_task (g_steal_pointer (&task), "GET", "_session", NULL, open_session_cb);
}

static void
get_db_async (GTask               *task,
              GAsyncReadyCallback  callback)
{
  FbCouchClient *self = g_task_get_source_object (task);

  _fb_couch_client_request_async (self, "GET", self->db_path, NULL, g_task_get_cancellable (task),
                                  callback, task);
}

static void
open_session_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *self = FB_COUCH_CLIENT (object);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(FbCouchReply) reply = NULL;

  reply = _fb_couch_task_reply (task, result);
  if (reply == NULL)
    return;

  if (reply->status == SOUP_STATUS_UNAUTHORIZED ||
      reply->status == SOUP_STATUS_FORBIDDEN)
    {
      _fb_couch_task_return_reply_error (task, reply);
      return;
    }

  /* A server without _session (or behind a proxy hiding it) is fine: the
   * database request below still checks the credentials. */
  if (_fb_couch_reply_is_success (reply) && JSON_NODE_HOLDS_OBJECT (reply->root))
    {
      JsonObject *object_ = json_node_get_object (reply->root);

      if (_fb_couch_member_is_object (object_, "userCtx"))
        {
          JsonObject *ctx = json_object_get_object_member (object_, "userCtx");

          data->session_known = TRUE;
          data->authenticated = _fb_couch_member_is_string (ctx, "name");
          if (_fb_couch_member_is_array (ctx, "roles"))
            {
              JsonArray *roles = json_object_get_array_member (ctx, "roles");
              guint i;

              for (i = 0; i < json_array_get_length (roles); i++)
                {
                  JsonNode *role = json_array_get_element (roles, i);

                  if (JSON_NODE_HOLDS_VALUE (role) &&
                      json_node_get_value_type (role) == G_TYPE_STRING &&
                      g_strcmp0 (json_node_get_string (role), "_admin") == 0)
                    data->is_admin = TRUE;
                }
            }

          if (self->user != NULL && !data->authenticated)
            {
              g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED,
                                       _("The server did not accept the user name or password."));
              return;
            }
        }
    }

  get_db_async (g_steal_pointer (&task), open_get_db_cb);
}

static void
open_get_db_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *self = FB_COUCH_CLIENT (object);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr(FbCouchReply) reply = NULL;
  GError *error = NULL;

  reply = _fb_couch_task_reply (task, result);
  if (reply == NULL)
    return;

  if (reply->status == SOUP_STATUS_NOT_FOUND && data->create)
    {
      /* Never PUT anonymously without admin rights (see open_root_cb). */
      if (data->session_known && !data->authenticated && !data->is_admin)
        {
          g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED,
                                   _("The database “%s” does not exist yet; creating it needs a user name and password."),
                                   self->database);
          return;
        }

      _fb_couch_client_request_for_task (g_steal_pointer (&task), "PUT", self->db_path, NULL, open_put_db_cb);
      return;
    }

  if (!_fb_couch_reply_is_success (reply))
    {
      _fb_couch_task_return_reply_error (task, reply);
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (reply->root))
    {
      _fb_couch_set_bad_response (&error, "the database information is not an object");
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, json_node_dup_object (reply->root),
                         (GDestroyNotify) json_object_unref);
}

static void
open_put_db_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *self = FB_COUCH_CLIENT (object);
  g_autoptr(FbCouchReply) reply = NULL;

  reply = _fb_couch_task_reply (task, result);
  if (reply == NULL)
    return;

  /* 412: someone else created it meanwhile, which is just as good. */
  if (!_fb_couch_reply_is_success (reply) && reply->status != SOUP_STATUS_PRECONDITION_FAILED)
    {
      _fb_couch_task_return_reply_error (task, reply);
      return;
    }

  g_debug ("Created database %s", self->database);
  get_db_async (g_steal_pointer (&task), open_get_created_cb);
}

static void
open_get_created_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  OpenData *data = g_task_get_task_data (task);

  /* Do not loop: a database that vanishes right after creation is an
   * error, not something to create again. */
  data->create = FALSE;
  open_get_db_cb (object, result, task);
}

JsonObject *
fb_couch_client_open_database_finish (FbCouchClient  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  return _fb_couch_client_propagate_pointer (self, result,
                                             fb_couch_client_open_database_async, error);
}

/* ------------------------------------------------------------------ */
/* ping                                                                */
/* ------------------------------------------------------------------ */

static void
ping_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(FbCouchReply) reply = NULL;
  GError *error = NULL;

  reply = _fb_couch_client_request_finish (FB_COUCH_CLIENT (object), result, &error);
  if (reply == NULL)
    g_task_return_error (task, error);
  /* A refusal (401, 404) is an answer: the run that follows says what is
   * wrong. A 5xx is a proxy in front of a server that is not there. */
  else if (SOUP_STATUS_IS_SERVER_ERROR (reply->status))
    _fb_couch_task_return_reply_error (task, reply);
  else
    g_task_return_boolean (task, TRUE);
}

void
fb_couch_client_ping_async (FbCouchClient       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_couch_client_ping_async);
  _fb_couch_client_request_async (self, "GET", "", NULL, cancellable, ping_cb, g_steal_pointer (&task));
}

gboolean
fb_couch_client_ping_finish (FbCouchClient  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        fb_couch_client_ping_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Other requests to the database                                      */
/* ------------------------------------------------------------------ */

static void
db_request_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(FbCouchReply) reply = NULL;

  reply = _fb_couch_task_success_reply (task, result);
  if (reply == NULL)
    return;

  g_task_return_pointer (task, g_steal_pointer (&reply->root), (GDestroyNotify) json_node_unref);
}

void
fb_couch_client_db_request_async (FbCouchClient       *self,
                                  const char          *method,
                                  const char          *path,
                                  JsonNode            *body,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *rel = NULL;

  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_couch_client_db_request_async);

  rel = g_strconcat (self->db_path, "/", path, NULL);
  _fb_couch_client_request_for_task (g_steal_pointer (&task), method, rel, body, db_request_cb);
}

JsonNode *
fb_couch_client_db_request_finish (FbCouchClient  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  return _fb_couch_client_propagate_pointer (self, result,
                                             fb_couch_client_db_request_async, error);
}

