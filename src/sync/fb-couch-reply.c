/* fb-couch-reply.c: what a CouchDB answer means */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-couch"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-couch-client-private.h"
#include "fb-json-text.h"

/* Owns reading a server's answer: the body as JSON (heartbeats, web
 * pages, cut-off bodies), a status or transport failure as an
 * FB_SYNC_ERROR with words for the person, and Retry-After. */

#define MAX_RETRY_AFTER_S (24 * 60 * 60)

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

void
_fb_couch_set_bad_response (GError     **error,
                            const char  *what)
{
  g_set_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE,
               _("The server’s answer was not what Fieldbook expected (%s)."),
               what);
}

GError *
_fb_couch_client_map_transport_error (FbCouchClient *self,
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

GError *
_fb_couch_client_status_error (FbCouchClient *self,
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

    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
      return g_error_new_literal (FB_SYNC_ERROR, FB_SYNC_ERROR_TOO_LARGE,
                                  _("The server refused it as too large (HTTP 413)."));

    case FB_COUCH_STATUS_TOO_MANY_REQUESTS:
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

JsonNode *
_fb_couch_parse_body (GBytes      *bytes,
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

guint
_fb_couch_parse_retry_after (const char *value)
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

