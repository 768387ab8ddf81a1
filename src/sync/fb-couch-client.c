/* fb-couch-client.c: async libsoup 3 client for the CouchDB HTTP API */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-couch"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "fb-couch-client.h"
#include "fb-json-text.h"
#include "fb-soup-session.h"

/* A longpoll longer than this asks for a heartbeat so the connection
 * stays busy within the session's I/O timeout. */
#define HEARTBEAT_ABOVE_MS     ((FB_SOUP_SESSION_TIMEOUT_S - 10) * 1000)
#define MAX_RETRY_AFTER_S      (24 * 60 * 60)
/* libsoup 3.2 has no name for it. */
#define STATUS_TOO_MANY_REQUESTS 429

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
};

G_DEFINE_FINAL_TYPE (FbCouchClient, fb_couch_client, G_TYPE_OBJECT)

/* ------------------------------------------------------------------ */
/* Session and URLs                                                    */
/* ------------------------------------------------------------------ */

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    {
      volatile char *p = *secret;

      while (*p != '\0')
        *p++ = '\0';
      g_clear_pointer (secret, g_free);
    }
}

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
/* Errors                                                              */
/* ------------------------------------------------------------------ */

static void
set_bad_response (GError     **error,
                  const char  *what)
{
  g_set_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE,
               _("The server’s answer was not what Fieldbook expected (%s)."),
               what);
}

static GError *
map_transport_error (FbCouchClient *self,
                     GError        *error)
{
  GError *mapped = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  if (error->domain == G_RESOLVER_ERROR)
    {
      g_autoptr(GUri) uri = g_uri_parse (self->server_url, SOUP_HTTP_URI_FLAGS, NULL);

      mapped = g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_UNREACHABLE,
                            _("The server “%s” could not be found. Check the address and the network connection."),
                            uri ? g_uri_get_host (uri) : self->server_url);
    }
  else if (error->domain == G_TLS_ERROR)
    {
      mapped = g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_TLS,
                            _("A secure connection to the server could not be made: %s"),
                            error->message);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      mapped = g_error_new_literal (FB_SYNC_ERROR, FB_SYNC_ERROR_TIMEOUT,
                                    _("The server did not answer in time."));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    {
      mapped = g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_UNREACHABLE,
                            _("The server at %s is not accepting connections. It may be down."),
                            self->server_url);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_FAILED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_NOT_ALLOWED))
    {
      mapped = g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_UNREACHABLE,
                            _("The server at %s cannot be reached. Check the network connection."),
                            self->server_url);
    }
  else if (error->domain == SOUP_SESSION_ERROR &&
           (error->code == SOUP_SESSION_ERROR_PARSING ||
            error->code == SOUP_SESSION_ERROR_ENCODING))
    {
      mapped = g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE,
                            _("The server’s answer could not be understood: %s"),
                            error->message);
    }
  else if (error->domain == SOUP_SESSION_ERROR)
    {
      mapped = g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_SERVER,
                            _("The server sent Fieldbook elsewhere: %s"),
                            error->message);
    }
  else
    {
      /* Connection closed, reset, partial input: the request may or may
       * not have reached the server. */
      mapped = g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_UNREACHABLE,
                            _("The connection to the server was lost: %s"),
                            error->message);
    }

  g_debug ("Transport error (%s, %d): %s",
           g_quark_to_string (error->domain), error->code, error->message);
  g_error_free (error);
  return mapped;
}

static const char *
reply_reason (JsonNode *root)
{
  JsonObject *object;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "reason"))
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "reason")) ||
      json_node_get_value_type (json_object_get_member (object, "reason")) != G_TYPE_STRING)
    return NULL;
  return json_object_get_string_member (object, "reason");
}

static GError *
status_error (FbCouchClient *self,
              guint          status,
              JsonNode      *root)
{
  const char *reason = reply_reason (root);
  const char *phrase = soup_status_get_phrase (status);

  if (phrase == NULL)
    phrase = "";

  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      return g_error_new_literal (FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED,
                                  self->user != NULL
                                  ? _("The server did not accept the user name or password.")
                                  : _("The server asks for a user name and password."));

    case SOUP_STATUS_FORBIDDEN:
      return g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_FORBIDDEN,
                          _("This account is not allowed to use the database “%s”."),
                          self->database);

    case SOUP_STATUS_NOT_FOUND:
      return g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_FOUND,
                          _("The database “%s” was not found on the server."),
                          self->database);

    case STATUS_TOO_MANY_REQUESTS:
      if (self->retry_after > 0)
        return g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_TOO_MANY_REQUESTS,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "The server is busy and asked to wait %u second.",
                                         "The server is busy and asked to wait %u seconds.",
                                         self->retry_after),
                            self->retry_after);
      return g_error_new_literal (FB_SYNC_ERROR, FB_SYNC_ERROR_TOO_MANY_REQUESTS,
                                  _("The server is busy and asked to slow down."));

    default:
      break;
    }

  if (status >= 500)
    {
      if (reason != NULL)
        return g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_SERVER,
                            _("The server had a problem (HTTP %u %s): %s"),
                            status, phrase, reason);
      return g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_SERVER,
                          _("The server had a problem (HTTP %u %s)."),
                          status, phrase);
    }

  if (reason != NULL)
    return g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_SERVER,
                        _("The server refused the request (HTTP %u %s): %s"),
                        status, phrase, reason);
  return g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_SERVER,
                      _("The server gave an unexpected answer (HTTP %u %s)."),
                      status, phrase);
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */
/* ------------------------------------------------------------------ */

/* TRUE when @data ends inside a string or with an open object or array:
 * the body was cut off rather than being some other non-JSON. */
static gboolean
json_looks_truncated (const char *data,
                      gsize       len)
{
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;
  gssize depth = 0;
  gsize i;

  for (i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '{':
        case '[':
          depth++;
          break;
        case '}':
        case ']':
          depth--;
          if (depth < 0)
            return FALSE;
          break;
        default:
          break;
        }
    }

  return in_string || depth > 0;
}

static JsonNode *
parse_body (GBytes      *bytes,
            const char  *content_type,
            GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *protected = NULL;
  gsize protected_len = 0;
  const char *data;
  gsize len = 0;
  gsize start = 0;
  JsonNode *root;

  data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  /* Longpoll heartbeats are newlines before the JSON. */
  while (start < len && g_ascii_isspace (data[start]))
    start++;

  if (start == len)
    {
      g_set_error_literal (error, FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE,
                           _("The server sent an empty answer."));
      return NULL;
    }

  if ((content_type != NULL && g_ascii_strncasecmp (content_type, "text/html", 9) == 0) ||
      data[start] == '<')
    {
      g_set_error_literal (error, FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE,
                           _("The server sent a web page instead of data — is the URL right?"));
      return NULL;
    }

  /* NULs and lone surrogates in strings would be cut or lost by json-glib:
   * they travel on marked (see fb-json-text.h). */
  protected = fb_json_text_protect (data + start, len - start, &protected_len);
  if (protected != NULL)
    {
      data = protected;
      start = 0;
      len = protected_len;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data + start, len - start, &local_error))
    {
      if (json_looks_truncated (data + start, len - start))
        g_set_error_literal (error, FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE,
                             _("The server’s answer was cut off."));
      else
        g_set_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE,
                     _("The server’s answer is not valid data: %s"),
                     local_error->message);
      return NULL;
    }

  root = json_parser_steal_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE,
                           _("The server sent an empty answer."));
      return NULL;
    }

  return root;
}

static guint
parse_retry_after (const char *value)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  const char *p;
  GTimeSpan span;

  if (value == NULL)
    return 0;

  while (g_ascii_isspace (*value))
    value++;

  for (p = value; g_ascii_isdigit (*p); p++)
    ;
  if (p != value)
    {
      guint64 seconds = g_ascii_strtoull (value, NULL, 10);

      return (guint) MIN (seconds, MAX_RETRY_AFTER_S);
    }

  when = soup_date_time_new_from_http_string (value);
  if (when == NULL)
    return 0;

  now = g_date_time_new_now_utc ();
  span = g_date_time_difference (when, now);
  if (span <= 0)
    return 1;

  return (guint) MIN ((span + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND,
                      MAX_RETRY_AFTER_S);
}

static gboolean
member_is_string (JsonObject *object,
                  const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
member_is_array (JsonObject *object,
                 const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node);
}

static gboolean
member_is_object (JsonObject *object,
                  const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node);
}

static gboolean
member_is_true (JsonObject *object,
                const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

/* ------------------------------------------------------------------ */
/* One HTTP request                                                    */
/* ------------------------------------------------------------------ */

typedef struct
{
  guint     status;
  JsonNode *root;     /* parsed body: always for 2xx, when possible otherwise */
  GError   *error;    /* the mapped error for a non-2xx status */
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->root, json_node_unref);
  g_clear_error (&reply->error);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static gboolean
reply_is_success (Reply *reply)
{
  return SOUP_STATUS_IS_SUCCESSFUL (reply->status);
}

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
parse_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ParseData *data = task_data;
  Reply *reply = g_new0 (Reply, 1);
  GError *error = NULL;

  reply->status = data->status;
  reply->root = parse_body (data->bytes, data->content_type, &error);
  if (reply->root == NULL)
    {
      reply_free (reply);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, reply, (GDestroyNotify) reply_free);
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
  g_autoptr(Reply) reply = NULL;
  GError *error = NULL;
  const char *content_type;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, map_transport_error (self, error));
      return;
    }

  reply = g_new0 (Reply, 1);
  reply->status = soup_message_get_status (msg);
  content_type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);

  g_debug ("%s %s → %u (%" G_GSIZE_FORMAT " bytes)",
           soup_message_get_method (msg),
           g_uri_get_path (soup_message_get_uri (msg)),
           reply->status, g_bytes_get_size (bytes));

  if (reply->status == STATUS_TOO_MANY_REQUESTS ||
      reply->status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    self->retry_after = parse_retry_after (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                                         "Retry-After"));
  else if (reply_is_success (reply))
    self->retry_after = 0;

  if (reply_is_success (reply) && g_bytes_get_size (bytes) > PARSE_IN_THREAD_ABOVE)
    {
      ParseData *data = g_new0 (ParseData, 1);

      data->bytes = g_bytes_ref (bytes);
      data->content_type = g_strdup (content_type);
      data->status = reply->status;
      /* The message is done with: the task now carries what to parse. */
      g_task_set_task_data (task, data, (GDestroyNotify) parse_data_free);
      g_task_run_in_thread (task, parse_in_thread);
      return;
    }

  if (reply_is_success (reply))
    {
      reply->root = parse_body (bytes, content_type, &error);
      if (reply->root == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  else
    {
      reply->root = parse_body (bytes, content_type, NULL);
      reply->error = status_error (self, reply->status, reply->root);
    }

  g_task_return_pointer (task, g_steal_pointer (&reply), (GDestroyNotify) reply_free);
}

/* @rel: the path and query relative to the server URL, already escaped.
 * @body: JSON text, nullable. */
static void
request_bytes_async (FbCouchClient       *self,
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
  g_task_set_source_tag (task, request_bytes_async);

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

static void
request_async (FbCouchClient       *self,
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

  request_bytes_async (self, method, rel, bytes, cancellable, callback, user_data);
}

static Reply *
request_finish (FbCouchClient  *self,
                GAsyncResult   *result,
                GError        **error)
{
  g_assert (g_task_is_valid (result, self));
  g_assert (g_task_get_source_tag (G_TASK (result)) == request_bytes_async);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A request on behalf of @task (whose cancellable it uses); takes @task,
 * which becomes the callback's user data. */
static void
request_for_task (GTask               *task,
                  const char          *method,
                  const char          *rel,
                  JsonNode            *body,
                  GAsyncReadyCallback  callback)
{
  FbCouchClient *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  request_async (self, method, rel, body, cancellable, callback, task);
}

/* Takes the reply's error, for statuses the caller does not handle. */
static void
task_return_reply_error (GTask *task,
                         Reply *reply)
{
  g_assert (reply->error != NULL);
  g_task_return_error (task, g_steal_pointer (&reply->error));
}

/* The array member @name of a successful reply's root object. Otherwise
 * the task returns the reply's error, or a bad response saying @missing,
 * and this returns NULL. */
static JsonArray *
reply_root_array_or_return (GTask      *task,
                            Reply      *reply,
                            const char *name,
                            const char *missing)
{
  GError *error = NULL;

  if (!reply_is_success (reply))
    {
      task_return_reply_error (task, reply);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (reply->root) ||
      !member_is_array (json_node_get_object (reply->root), name))
    {
      set_bad_response (&error, missing);
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
  clear_secret (&self->password);
  clear_secret (&self->authorization);

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
      clear_secret (&url_password);
      return NULL;
    }

  if (!database_name_is_valid (database))
    {
      g_set_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_INVALID_URL,
                   _("“%s” is not a valid database name: it must start with a lowercase letter and may contain lowercase letters, digits and _$()+-/."),
                   database);
      clear_secret (&url_password);
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

  clear_secret (&url_password);

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

  request_async (self, "GET", "", NULL, cancellable, open_root_cb,
                 g_steal_pointer (&task));
}

static void
open_root_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *self = FB_COUCH_CLIENT (object);
  g_autoptr(Reply) reply = NULL;
  GError *error = NULL;

  reply = request_finish (self, result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (!reply_is_success (reply))
    {
      if (reply->status == SOUP_STATUS_NOT_FOUND)
        g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_FOUND,
                                 _("There is no CouchDB server at %s — is the URL right?"),
                                 self->server_url);
      else
        task_return_reply_error (task, reply);
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (reply->root))
    {
      GError *shape = NULL;

      set_bad_response (&shape, "the server’s welcome is not an object");
      g_task_return_error (task, shape);
      return;
    }

  /* Check the credentials before anything could write: PouchDB Server
   * crashes on an unauthorised PUT /newdb once an admin exists. */
  request_for_task (g_steal_pointer (&task), "GET", "_session", NULL, open_session_cb);
}

static void
get_db_async (GTask               *task,
              GAsyncReadyCallback  callback)
{
  FbCouchClient *self = g_task_get_source_object (task);

  request_async (self, "GET", self->db_path, NULL, g_task_get_cancellable (task),
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
  g_autoptr(Reply) reply = NULL;
  GError *error = NULL;

  reply = request_finish (self, result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (reply->status == SOUP_STATUS_UNAUTHORIZED ||
      reply->status == SOUP_STATUS_FORBIDDEN)
    {
      task_return_reply_error (task, reply);
      return;
    }

  /* A server without _session (or behind a proxy hiding it) is fine: the
   * database request below still checks the credentials. */
  if (reply_is_success (reply) && JSON_NODE_HOLDS_OBJECT (reply->root))
    {
      JsonObject *object_ = json_node_get_object (reply->root);

      if (member_is_object (object_, "userCtx"))
        {
          JsonObject *ctx = json_object_get_object_member (object_, "userCtx");

          data->session_known = TRUE;
          data->authenticated = member_is_string (ctx, "name");
          if (member_is_array (ctx, "roles"))
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
  g_autoptr(Reply) reply = NULL;
  GError *error = NULL;

  reply = request_finish (self, result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

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

      request_for_task (g_steal_pointer (&task), "PUT", self->db_path, NULL, open_put_db_cb);
      return;
    }

  if (!reply_is_success (reply))
    {
      task_return_reply_error (task, reply);
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (reply->root))
    {
      set_bad_response (&error, "the database information is not an object");
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
  g_autoptr(Reply) reply = NULL;
  GError *error = NULL;

  reply = request_finish (self, result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* 412: someone else created it meanwhile, which is just as good. */
  if (!reply_is_success (reply) && reply->status != SOUP_STATUS_PRECONDITION_FAILED)
    {
      task_return_reply_error (task, reply);
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
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        fb_couch_client_open_database_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
  g_autoptr(Reply) reply = NULL;
  GError *error = NULL;

  reply = request_finish (FB_COUCH_CLIENT (object), result, &error);
  if (reply == NULL)
    g_task_return_error (task, error);
  /* A refusal (401, 404) is an answer: the run that follows says what is
   * wrong. A 5xx is a proxy in front of a server that is not there. */
  else if (SOUP_STATUS_IS_SERVER_ERROR (reply->status))
    task_return_reply_error (task, reply);
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
  request_async (self, "GET", "", NULL, cancellable, ping_cb, g_steal_pointer (&task));
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
/* bulk_docs                                                           */
/* ------------------------------------------------------------------ */

static void
bulk_docs_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *self = FB_COUCH_CLIENT (object);
  guint expected = GPOINTER_TO_UINT (g_task_get_task_data (task));
  g_autoptr(Reply) reply = NULL;
  GError *error = NULL;
  JsonArray *array;
  guint i;

  reply = request_finish (self, result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (!reply_is_success (reply))
    {
      task_return_reply_error (task, reply);
      return;
    }

  if (!JSON_NODE_HOLDS_ARRAY (reply->root))
    {
      set_bad_response (&error, "_bulk_docs did not return a list");
      g_task_return_error (task, error);
      return;
    }

  array = json_node_get_array (reply->root);
  if (json_array_get_length (array) != expected)
    {
      set_bad_response (&error, "_bulk_docs returned a different number of results");
      g_task_return_error (task, error);
      return;
    }

  for (i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !member_is_string (json_node_get_object (element), "id"))
        {
          set_bad_response (&error, "a _bulk_docs result has no “id”");
          g_task_return_error (task, error);
          return;
        }
    }

  g_task_return_pointer (task, json_array_ref (array),
                         (GDestroyNotify) json_array_unref);
}

void
fb_couch_client_bulk_docs_async (FbCouchClient       *self,
                                 JsonArray           *docs,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *rel = NULL;
  JsonObject *object;

  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (docs != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_couch_client_bulk_docs_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (json_array_get_length (docs)), NULL);

  object = json_object_new ();
  json_object_set_array_member (object, "docs", json_array_ref (docs));
  body = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);

  rel = g_strconcat (self->db_path, "/_bulk_docs", NULL);
  request_async (self, "POST", rel, body, cancellable, bulk_docs_cb,
                 g_steal_pointer (&task));
}

void
fb_couch_client_bulk_docs_json_async (FbCouchClient       *self,
                                      GPtrArray           *docs,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *rel = NULL;
  GString *text;

  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (docs != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_couch_client_bulk_docs_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (docs->len), NULL);

  text = g_string_new ("{\"docs\":[");
  for (guint i = 0; i < docs->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, ',');
      g_string_append (text, g_ptr_array_index (docs, i));
    }
  g_string_append (text, "]}");
  body = g_string_free_to_bytes (text);

  rel = g_strconcat (self->db_path, "/_bulk_docs", NULL);
  request_bytes_async (self, "POST", rel, body, cancellable, bulk_docs_cb,
                       g_steal_pointer (&task));
}

JsonArray *
fb_couch_client_bulk_docs_finish (FbCouchClient  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        fb_couch_client_bulk_docs_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* get_docs                                                            */
/* ------------------------------------------------------------------ */

typedef struct
{
  GPtrArray  *ids;       /* of char*, the ids asked for */
  GHashTable *found;     /* id → JsonObject */
  gboolean    conflicts; /* with each document's "_conflicts" */
} GetDocsData;

static void
get_docs_data_free (GetDocsData *data)
{
  g_clear_pointer (&data->ids, g_ptr_array_unref);
  g_clear_pointer (&data->found, g_hash_table_unref);
  g_free (data);
}

static JsonNode *
ids_body (GPtrArray  *ids,
          const char *member,
          gboolean    as_objects)
{
  JsonObject *object = json_object_new ();
  JsonArray *array = json_array_sized_new (ids->len);
  JsonNode *node;
  guint i;

  for (i = 0; i < ids->len; i++)
    {
      if (as_objects)
        {
          JsonObject *doc = json_object_new ();

          json_object_set_string_member (doc, "id", g_ptr_array_index (ids, i));
          json_array_add_object_element (array, doc);
        }
      else
        json_array_add_string_element (array, g_ptr_array_index (ids, i));
    }

  json_object_set_array_member (object, member, array);
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

static void get_docs_bulk_get_cb (GObject *, GAsyncResult *, gpointer);
static void get_docs_all_docs_cb (GObject *, GAsyncResult *, gpointer);

static void
all_docs_async (GTask     *task,
                GPtrArray *ids)
{
  FbCouchClient *self = g_task_get_source_object (task);
  GetDocsData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) body = ids_body (ids, "keys", FALSE);
  g_autofree char *rel = g_strconcat (self->db_path, "/_all_docs?include_docs=true",
                                      data->conflicts ? "&conflicts=true" : NULL, NULL);

  request_async (self, "POST", rel, body, g_task_get_cancellable (task),
                 get_docs_all_docs_cb, task);
}

static void
get_docs_async (FbCouchClient       *self,
                const char * const  *ids,
                gboolean             conflicts,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GetDocsData *data;
  guint i;

  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (ids != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_couch_client_get_docs_async);

  data = g_new0 (GetDocsData, 1);
  data->conflicts = conflicts;
  data->ids = g_ptr_array_new_with_free_func (g_free);
  data->found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) json_object_unref);
  for (i = 0; ids[i] != NULL; i++)
    g_ptr_array_add (data->ids, g_strdup (ids[i]));
  g_task_set_task_data (task, data, (GDestroyNotify) get_docs_data_free);

  if (data->ids->len == 0)
    {
      g_task_return_pointer (task, g_hash_table_ref (data->found),
                             (GDestroyNotify) g_hash_table_unref);
      return;
    }

  /* _bulk_get has no "_conflicts"; _all_docs has. */
  if (self->no_bulk_get || conflicts)
    {
      all_docs_async (g_steal_pointer (&task), data->ids);
    }
  else
    {
      g_autoptr(JsonNode) body = ids_body (data->ids, "docs", TRUE);
      g_autofree char *rel = g_strconcat (self->db_path, "/_bulk_get", NULL);

      request_async (self, "POST", rel, body, cancellable, get_docs_bulk_get_cb,
                     g_steal_pointer (&task));
    }
}

void
fb_couch_client_get_docs_async (FbCouchClient       *self,
                                const char * const  *ids,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  get_docs_async (self, ids, FALSE, cancellable, callback, user_data);
}

void
fb_couch_client_get_docs_with_conflicts_async (FbCouchClient       *self,
                                               const char * const  *ids,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  get_docs_async (self, ids, TRUE, cancellable, callback, user_data);
}

static void
get_docs_bulk_get_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *self = FB_COUCH_CLIENT (object);
  GetDocsData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(Reply) reply = NULL;
  GError *error = NULL;
  JsonArray *results;
  guint i, j;

  reply = request_finish (self, result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (reply->status == SOUP_STATUS_NOT_FOUND ||
      reply->status == SOUP_STATUS_METHOD_NOT_ALLOWED ||
      reply->status == SOUP_STATUS_BAD_REQUEST ||
      reply->status == SOUP_STATUS_NOT_IMPLEMENTED)
    {
      g_debug ("The server has no _bulk_get (HTTP %u); using _all_docs", reply->status);
      self->no_bulk_get = TRUE;
      all_docs_async (g_steal_pointer (&task), data->ids);
      return;
    }

  results = reply_root_array_or_return (task, reply, "results",
                                        "_bulk_get returned no “results” list");
  if (results == NULL)
    return;

  for (i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *element = json_array_get_element (results, i);
      JsonArray *docs;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !member_is_array (json_node_get_object (element), "docs"))
        {
          set_bad_response (&error, "a _bulk_get result has no “docs” list");
          g_task_return_error (task, error);
          return;
        }

      docs = json_object_get_array_member (json_node_get_object (element), "docs");
      for (j = 0; j < json_array_get_length (docs); j++)
        {
          JsonNode *entry = json_array_get_element (docs, j);
          JsonObject *doc;

          if (!JSON_NODE_HOLDS_OBJECT (entry) ||
              !member_is_object (json_node_get_object (entry), "ok"))
            continue;

          doc = json_object_get_object_member (json_node_get_object (entry), "ok");
          if (!member_is_string (doc, "_id") || !member_is_string (doc, "_rev"))
            {
              set_bad_response (&error, "a document from _bulk_get has no “_id” or “_rev”");
              g_task_return_error (task, error);
              return;
            }

          g_hash_table_replace (data->found,
                                g_strdup (json_object_get_string_member (doc, "_id")),
                                json_object_ref (doc));
        }
    }

  /* Deleted documents come back from _bulk_get as errors (CouchDB) or
   * empty objects (PouchDB Server), like missing ones; _all_docs tells
   * them apart and gives their revision. */
  missing = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < data->ids->len; i++)
    {
      const char *id = g_ptr_array_index (data->ids, i);

      if (!g_hash_table_contains (data->found, id))
        g_ptr_array_add (missing, g_strdup (id));
    }

  if (missing->len > 0)
    {
      all_docs_async (g_steal_pointer (&task), missing);
      return;
    }

  g_task_return_pointer (task, g_hash_table_ref (data->found),
                         (GDestroyNotify) g_hash_table_unref);
}

static void
get_docs_all_docs_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *self = FB_COUCH_CLIENT (object);
  GetDocsData *data = g_task_get_task_data (task);
  g_autoptr(Reply) reply = NULL;
  GError *error = NULL;
  JsonArray *rows;
  guint i;

  reply = request_finish (self, result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  rows = reply_root_array_or_return (task, reply, "rows",
                                     "_all_docs returned no “rows” list");
  if (rows == NULL)
    return;

  for (i = 0; i < json_array_get_length (rows); i++)
    {
      JsonNode *element = json_array_get_element (rows, i);
      JsonObject *row;
      JsonObject *value;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          set_bad_response (&error, "an _all_docs row is not an object");
          g_task_return_error (task, error);
          return;
        }

      row = json_node_get_object (element);
      if (json_object_has_member (row, "error"))
        continue;   /* not_found */

      if (!member_is_string (row, "id") || !member_is_object (row, "value") ||
          !member_is_string (json_object_get_object_member (row, "value"), "rev"))
        {
          set_bad_response (&error, "an _all_docs row has no “id” or “value.rev”");
          g_task_return_error (task, error);
          return;
        }

      id = json_object_get_string_member (row, "id");
      value = json_object_get_object_member (row, "value");

      if (member_is_true (value, "deleted"))
        {
          JsonObject *tombstone = json_object_new ();

          json_object_set_string_member (tombstone, "_id", id);
          json_object_set_string_member (tombstone, "_rev",
                                         json_object_get_string_member (value, "rev"));
          json_object_set_boolean_member (tombstone, "_deleted", TRUE);
          g_hash_table_replace (data->found, g_strdup (id), tombstone);
        }
      else if (member_is_object (row, "doc"))
        {
          g_hash_table_replace (data->found, g_strdup (id),
                                json_object_ref (json_object_get_object_member (row, "doc")));
        }
      else
        {
          set_bad_response (&error, "an _all_docs row has no “doc”");
          g_task_return_error (task, error);
          return;
        }
    }

  g_task_return_pointer (task, g_hash_table_ref (data->found),
                         (GDestroyNotify) g_hash_table_unref);
}

GHashTable *
fb_couch_client_get_docs_finish (FbCouchClient  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        fb_couch_client_get_docs_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* get_revisions                                                       */
/* ------------------------------------------------------------------ */

static void
get_revisions_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *self = FB_COUCH_CLIENT (object);
  g_autoptr(Reply) reply = NULL;
  g_autoptr(GPtrArray) found = NULL;
  GError *error = NULL;
  JsonArray *results;

  reply = request_finish (self, result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  /* A server without _bulk_get (CouchDB 1.x) shows only winners: the
   * branches stay as they are, as they did before. */
  if (reply->status == SOUP_STATUS_NOT_FOUND ||
      reply->status == SOUP_STATUS_METHOD_NOT_ALLOWED ||
      reply->status == SOUP_STATUS_NOT_IMPLEMENTED)
    {
      g_debug ("The server has no _bulk_get (HTTP %u): branches are not merged", reply->status);
      g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  results = reply_root_array_or_return (task, reply, "results",
                                        "_bulk_get returned no “results” list");
  if (results == NULL)
    return;

  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *element = json_array_get_element (results, i);
      JsonArray *docs;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !member_is_array (json_node_get_object (element), "docs"))
        continue;

      docs = json_object_get_array_member (json_node_get_object (element), "docs");
      for (guint j = 0; j < json_array_get_length (docs); j++)
        {
          JsonNode *entry = json_array_get_element (docs, j);
          JsonObject *doc;

          /* "missing" or "error": compacted away, or never there. */
          if (!JSON_NODE_HOLDS_OBJECT (entry) ||
              !member_is_object (json_node_get_object (entry), "ok"))
            continue;

          doc = json_object_get_object_member (json_node_get_object (entry), "ok");
          if (member_is_string (doc, "_id") && member_is_string (doc, "_rev"))
            g_ptr_array_add (found, json_object_ref (doc));
        }
    }

  g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify) g_ptr_array_unref);
}

void
fb_couch_client_get_revisions_async (FbCouchClient       *self,
                                     JsonArray           *wanted,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *rel = NULL;
  JsonObject *object;

  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (wanted != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_couch_client_get_revisions_async);

  object = json_object_new ();
  json_object_set_array_member (object, "docs", json_array_ref (wanted));
  body = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);

  rel = g_strconcat (self->db_path, "/_bulk_get?revs=true", NULL);
  request_async (self, "POST", rel, body, cancellable, get_revisions_cb,
                 g_steal_pointer (&task));
}

GPtrArray *
fb_couch_client_get_revisions_finish (FbCouchClient  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        fb_couch_client_get_revisions_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* changes                                                             */
/* ------------------------------------------------------------------ */

typedef struct
{
  JsonNode     *since;          /* nullable copy */
  GCancellable *cancellable;    /* the caller's, nullable */
  GCancellable *deadline;       /* child of it, cancelled by the timer */
  gulong        cancelled_id;
  GSource      *timer;
  gboolean      deadline_hit;
} ChangesData;

static void
changes_data_free (ChangesData *data)
{
  if (data->timer != NULL)
    {
      g_source_destroy (data->timer);
      g_source_unref (data->timer);
    }
  if (data->cancelled_id != 0)
    g_cancellable_disconnect (data->cancellable, data->cancelled_id);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->deadline);
  g_clear_pointer (&data->since, json_node_unref);
  g_free (data);
}

static void
changes_parent_cancelled_cb (GCancellable *cancellable,
                             GCancellable *deadline)
{
  g_cancellable_cancel (deadline);
}

static gboolean
changes_deadline_cb (gpointer user_data)
{
  ChangesData *data = user_data;

  g_debug ("Longpoll deadline reached; cancelling");
  data->deadline_hit = TRUE;
  g_clear_pointer (&data->timer, g_source_unref);
  g_cancellable_cancel (data->deadline);
  return G_SOURCE_REMOVE;
}

static char *
since_to_param (JsonNode *since)
{
  if (since == NULL || JSON_NODE_HOLDS_NULL (since))
    return NULL;

  if (JSON_NODE_HOLDS_VALUE (since))
    {
      GType type = json_node_get_value_type (since);

      if (type == G_TYPE_STRING)
        return g_uri_escape_string (json_node_get_string (since), NULL, FALSE);
      if (type == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (since));
    }

  /* Arrays (CouchDB 1.x clusters) and anything else: as JSON text. */
  {
    g_autofree char *text = json_to_string (since, FALSE);

    return g_uri_escape_string (text, NULL, FALSE);
  }
}

static void
changes_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *self = FB_COUCH_CLIENT (object);
  ChangesData *data = g_task_get_task_data (task);
  g_autoptr(Reply) reply = NULL;
  GError *error = NULL;
  JsonObject *root;
  JsonArray *results;
  guint i;

  reply = request_finish (self, result, &error);
  if (reply == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          data->deadline_hit &&
          (data->cancellable == NULL || !g_cancellable_is_cancelled (data->cancellable)))
        {
          JsonObject *empty = json_object_new ();

          g_error_free (error);
          json_object_set_array_member (empty, "results", json_array_new ());
          json_object_set_member (empty, "last_seq",
                                  data->since != NULL ? json_node_copy (data->since)
                                                      : json_node_new (JSON_NODE_NULL));
          g_task_return_pointer (task, empty, (GDestroyNotify) json_object_unref);
          return;
        }

      g_task_return_error (task, error);
      return;
    }

  if (!reply_is_success (reply))
    {
      task_return_reply_error (task, reply);
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (reply->root))
    {
      set_bad_response (&error, "_changes did not return an object");
      g_task_return_error (task, error);
      return;
    }

  root = json_node_get_object (reply->root);
  if (!member_is_array (root, "results") || !json_object_has_member (root, "last_seq"))
    {
      set_bad_response (&error, "_changes returned no “results” list or “last_seq”");
      g_task_return_error (task, error);
      return;
    }

  results = json_object_get_array_member (root, "results");
  for (i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *element = json_array_get_element (results, i);

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !member_is_string (json_node_get_object (element), "id"))
        {
          set_bad_response (&error, "a change has no “id”");
          g_task_return_error (task, error);
          return;
        }
    }

  g_task_return_pointer (task, json_object_ref (root),
                         (GDestroyNotify) json_object_unref);
}

static void
changes_async (FbCouchClient       *self,
               JsonNode            *since,
               guint                limit,
               gboolean             include_docs,
               gboolean             longpoll,
               guint                timeout_ms,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GString) rel = NULL;
  g_autofree char *since_param = NULL;
  ChangesData *data;
  GCancellable *request_cancellable = cancellable;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  data = g_new0 (ChangesData, 1);
  data->since = since != NULL ? json_node_copy (since) : NULL;
  data->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) changes_data_free);

  rel = g_string_new (self->db_path);
  /* All leaves, so that branches (several leaf revisions) are seen; with
   * the documents, each winner says which live leaves lost to it. */
  g_string_append (rel, include_docs ? "/_changes?include_docs=true&conflicts=true&style=all_docs"
                                     : "/_changes?style=all_docs");

  since_param = since_to_param (since);
  if (since_param != NULL)
    g_string_append_printf (rel, "&since=%s", since_param);
  if (limit > 0)
    g_string_append_printf (rel, "&limit=%u", limit);

  if (longpoll)
    {
      g_string_append (rel, "&feed=longpoll");

      if (timeout_ms > 0)
        {
          /* PouchDB Server ignores "timeout": the client keeps its own
           * deadline. CouchDB honours it and answers empty by itself. */
          g_string_append_printf (rel, "&timeout=%u", timeout_ms);
          if (timeout_ms > HEARTBEAT_ABOVE_MS)
            g_string_append (rel, "&heartbeat=10000");

          data->deadline = g_cancellable_new ();
          if (cancellable != NULL)
            data->cancelled_id = g_cancellable_connect (cancellable,
                                                        G_CALLBACK (changes_parent_cancelled_cb),
                                                        g_object_ref (data->deadline),
                                                        g_object_unref);
          data->timer = g_timeout_source_new (timeout_ms);
          g_source_set_callback (data->timer, changes_deadline_cb, data, NULL);
          g_source_set_static_name (data->timer, "[fb-couch] longpoll deadline");
          g_source_attach (data->timer, g_task_get_context (task));
          request_cancellable = data->deadline;
        }
    }

  request_async (self, "GET", rel->str, NULL, request_cancellable, changes_cb,
                 g_steal_pointer (&task));
}

void
fb_couch_client_changes_async (FbCouchClient       *self,
                               JsonNode            *since,
                               guint                limit,
                               gboolean             longpoll,
                               guint                timeout_ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  changes_async (self, since, limit, TRUE, longpoll, timeout_ms, cancellable,
                 callback, user_data, fb_couch_client_changes_async);
}

void
fb_couch_client_changes_full_async (FbCouchClient       *self,
                                    JsonNode            *since,
                                    guint                limit,
                                    gboolean             include_docs,
                                    gboolean             longpoll,
                                    guint                timeout_ms,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  changes_async (self, since, limit, include_docs, longpoll, timeout_ms, cancellable,
                 callback, user_data, fb_couch_client_changes_full_async);
}

JsonObject *
fb_couch_client_changes_full_finish (FbCouchClient  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        fb_couch_client_changes_full_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

JsonObject *
fb_couch_client_changes_finish (FbCouchClient  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        fb_couch_client_changes_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
  g_autoptr(Reply) reply = NULL;
  GError *error = NULL;

  reply = request_finish (FB_COUCH_CLIENT (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!reply_is_success (reply))
    {
      task_return_reply_error (task, reply);
      return;
    }

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
  request_for_task (g_steal_pointer (&task), method, rel, body, db_request_cb);
}

JsonNode *
fb_couch_client_db_request_finish (FbCouchClient  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        fb_couch_client_db_request_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
