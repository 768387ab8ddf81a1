/* fb-test-proxy.c: an HTTP reverse proxy that injects faults, for tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-proxy"

#include "config.h"

#include <string.h>

#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib-unix.h>
#include <libsoup/soup.h>

#include "fb-test-proxy.h"

struct _FbTestProxy
{
  SoupServer      *server;
  SoupSession     *session;
  char            *upstream;     /* without the trailing '/' */
  char            *url;

  FbTestProxyMode  mode;
  guint            remaining;    /* 0: until changed */
  char            *path_match;
  guint            retry_after;
  char            *retry_after_value;

  guint            requests;
  guint64          request_bytes;
  guint            faults;
  guint            holds;
  GPtrArray       *seen;         /* "METHOD /path" of every request, in order */

  GPtrArray       *forwards;     /* of Forward*, in flight */
  GPtrArray       *held;         /* of Forward*, answers held (owned) */
};

typedef struct
{
  FbTestProxy       *proxy;      /* NULL once the proxy is freed */
  SoupServerMessage *msg;
  SoupMessage       *upstream;
  GCancellable      *cancellable;
  FbTestProxyMode    mode;
  gulong             disconnected_id;
  /* HOLD_REQUEST: the upstream request's body comes through a pipe that
   * gets the first half only. Both holds: half of the body, how much of
   * it went through, and whether the hold was counted. */
  GOutputStream     *held_pipe;
  guint64            half;
  guint64            passed;
  gboolean           holding;
} Forward;

static const char * const hop_by_hop[] = {
  "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade",
  "Proxy-Authorization", "Proxy-Authenticate", "Host", "Content-Length",
  "Accept-Encoding", "Content-Encoding", NULL,
};

static gboolean
is_hop_by_hop (const char *name)
{
  guint i;

  for (i = 0; hop_by_hop[i] != NULL; i++)
    if (g_ascii_strcasecmp (name, hop_by_hop[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
copy_headers (SoupMessageHeaders *from,
              SoupMessageHeaders *to)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;

  soup_message_headers_iter_init (&iter, from);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (!is_hop_by_hop (name))
      soup_message_headers_append (to, name, value);
}

static void
drop_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

static void
forward_free (Forward *forward)
{
  if (forward->disconnected_id != 0)
    g_signal_handler_disconnect (forward->msg, forward->disconnected_id);
  if (forward->msg != NULL)
    g_signal_handlers_disconnect_by_data (forward->msg, forward);
  if (forward->upstream != NULL)
    g_signal_handlers_disconnect_by_data (forward->upstream, forward);
  g_clear_object (&forward->msg);
  g_clear_object (&forward->upstream);
  g_clear_object (&forward->cancellable);
  g_clear_object (&forward->held_pipe);
  g_free (forward);
}

/* Half of a held body went through: counted once. */
static void
count_passed (Forward *forward,
              guint    chunk_size)
{
  forward->passed += chunk_size;
  if (!forward->holding && forward->passed >= forward->half && forward->proxy != NULL)
    {
      forward->holding = TRUE;
      forward->proxy->holds++;
      g_debug ("Holding after %" G_GUINT64_FORMAT " bytes", forward->passed);
    }
}

static void
upstream_wrote_body_data_cb (SoupMessage *msg,
                             guint        chunk_size,
                             Forward     *forward)
{
  count_passed (forward, chunk_size);
}

static void
client_wrote_body_data_cb (SoupServerMessage *msg,
                           guint              chunk_size,
                           Forward           *forward)
{
  count_passed (forward, chunk_size);
}

static void
held_half_written_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GBytes) body = user_data;

  /* Written, or cancelled with the exchange: either way nothing more. */
  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL);
}

static void
forward_disconnected_cb (SoupServerMessage *msg,
                         Forward           *forward)
{
  /* The client went away (cancelled): no one to answer. LOSE mode still
   * lets the upstream request finish so the server commits. */
  if (forward->mode != FB_TEST_PROXY_LOSE_RESPONSE_AFTER_COMMIT &&
      forward->mode != FB_TEST_PROXY_COMMIT_HALF_REQUEST)
    g_cancellable_cancel (forward->cancellable);
}

static void
forward_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Forward *forward = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  SoupServerMessage *msg = forward->msg;
  gboolean gone;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  gone = forward->proxy == NULL || g_cancellable_is_cancelled (forward->cancellable);

  if (forward->proxy != NULL)
    g_ptr_array_remove_fast (forward->proxy->forwards, forward);

  if (gone)
    {
      forward_free (forward);
      return;
    }

  if (forward->disconnected_id != 0)
    {
      g_signal_handler_disconnect (forward->msg, forward->disconnected_id);
      forward->disconnected_id = 0;
    }

  if (bytes == NULL)
    {
      static const char body[] = "{\"error\":\"bad_gateway\",\"reason\":\"The upstream server did not answer\"}";

      g_debug ("Upstream failed: %s", error->message);
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_GATEWAY, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        body, strlen (body));
      soup_server_message_unpause (msg);
    }
  else if (forward->mode == FB_TEST_PROXY_LOSE_RESPONSE_AFTER_COMMIT ||
           forward->mode == FB_TEST_PROXY_COMMIT_HALF_REQUEST)
    {
      g_debug ("Dropping the answer (HTTP %u) after the server committed",
               soup_message_get_status (forward->upstream));
      soup_server_message_unpause (msg);
      drop_connection (msg);
    }
  else
    {
      gsize len = g_bytes_get_size (bytes);
      guint status = soup_message_get_status (forward->upstream);

      if (forward->mode == FB_TEST_PROXY_ACCEPTED &&
          (status == SOUP_STATUS_OK || status == SOUP_STATUS_CREATED))
        soup_server_message_set_status (msg, SOUP_STATUS_ACCEPTED, NULL);
      else
        soup_server_message_set_status (msg, status,
                                        soup_message_get_reason_phrase (forward->upstream));
      copy_headers (soup_message_get_response_headers (forward->upstream),
                    soup_server_message_get_response_headers (msg));

      if (forward->mode == FB_TEST_PROXY_HOLD_RESPONSE && len > 0)
        {
          g_autoptr(GBytes) half = g_bytes_new_from_bytes (bytes, 0, len / 2);
          SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

          /* The whole length announced, half of it sent, and the body
           * never completed: the client waits for the rest. */
          soup_message_headers_set_content_length (headers, len);
          forward->half = len / 2;
          g_signal_connect (msg, "wrote-body-data", G_CALLBACK (client_wrote_body_data_cb), forward);
          soup_message_body_append_bytes (soup_server_message_get_response_body (msg), half);
          soup_server_message_unpause (msg);
          g_ptr_array_add (forward->proxy->held, forward);
          return;
        }
      else if (forward->mode == FB_TEST_PROXY_TRUNCATED)
        {
          g_autoptr(GBytes) half = g_bytes_new_from_bytes (bytes, 0, len / 2);

          soup_message_body_append_bytes (soup_server_message_get_response_body (msg), half);
        }
      else
        {
          soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
        }
      soup_message_body_complete (soup_server_message_get_response_body (msg));
      soup_server_message_unpause (msg);
    }

  forward_free (forward);
}

static void
start_forward (FbTestProxy       *self,
               SoupServerMessage *msg,
               FbTestProxyMode    mode)
{
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *url = NULL;
  g_autoptr(GBytes) body = NULL;
  Forward *forward;

  url = g_strconcat (self->upstream, g_uri_get_path (uri),
                     g_uri_get_query (uri) ? "?" : "",
                     g_uri_get_query (uri) ? g_uri_get_query (uri) : "",
                     NULL);

  forward = g_new0 (Forward, 1);
  forward->proxy = self;
  forward->msg = g_object_ref (msg);
  forward->mode = mode;
  forward->cancellable = g_cancellable_new ();
  forward->upstream = soup_message_new (soup_server_message_get_method (msg), url);
  g_assert (forward->upstream != NULL);

  copy_headers (soup_server_message_get_request_headers (msg),
                soup_message_get_request_headers (forward->upstream));

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  if (mode == FB_TEST_PROXY_HOLD_REQUEST && g_bytes_get_size (body) > 1)
    {
      g_autoptr(GInputStream) in = NULL;
      g_autoptr(GError) error = NULL;
      int fds[2];

      /* The server is told the whole length and gets half of it. */
      /* Non-blocking, or GIO's asynchronous calls on them block. */
      if (!g_unix_open_pipe (fds, FD_CLOEXEC, &error) ||
          !g_unix_set_fd_nonblocking (fds[0], TRUE, &error) ||
          !g_unix_set_fd_nonblocking (fds[1], TRUE, &error))
        g_error ("A pipe for the held request: %s", error->message);
      in = g_unix_input_stream_new (fds[0], TRUE);
      forward->held_pipe = g_unix_output_stream_new (fds[1], TRUE);
      forward->half = g_bytes_get_size (body) / 2;
      soup_message_set_request_body (forward->upstream, NULL, in, (gssize) g_bytes_get_size (body));
      g_signal_connect (forward->upstream, "wrote-body-data",
                        G_CALLBACK (upstream_wrote_body_data_cb), forward);
      g_output_stream_write_all_async (forward->held_pipe, g_bytes_get_data (body, NULL), forward->half,
                                       G_PRIORITY_DEFAULT, forward->cancellable,
                                       held_half_written_cb, g_bytes_ref (body));
    }
  else if (mode == FB_TEST_PROXY_COMMIT_HALF_REQUEST && g_bytes_get_size (body) > 1)
    {
      g_autoptr(GBytes) half = g_bytes_new_from_bytes (body, 0, g_bytes_get_size (body) / 2);

      soup_message_set_request_body_from_bytes (forward->upstream, NULL, half);
    }
  else if (g_bytes_get_size (body) > 0)
    soup_message_set_request_body_from_bytes (forward->upstream, NULL, body);

  forward->disconnected_id = g_signal_connect (msg, "disconnected",
                                               G_CALLBACK (forward_disconnected_cb),
                                               forward);
  g_ptr_array_add (self->forwards, forward);

  soup_server_message_pause (msg);
  soup_session_send_and_read_async (self->session, forward->upstream,
                                    G_PRIORITY_DEFAULT, forward->cancellable,
                                    forward_read_cb, forward);
}

static void
set_retry_after (FbTestProxy       *self,
                 SoupServerMessage *msg)
{
  g_autofree char *seconds = g_strdup_printf ("%u", self->retry_after);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Retry-After",
                                self->retry_after_value ? self->retry_after_value : seconds);
}

static FbTestProxyMode
take_mode (FbTestProxy *self,
           const char  *path)
{
  FbTestProxyMode mode = self->mode;

  if (mode == FB_TEST_PROXY_PASS)
    return mode;
  if (self->path_match != NULL && strstr (path, self->path_match) == NULL)
    return FB_TEST_PROXY_PASS;

  self->faults++;
  if (self->remaining > 0 && --self->remaining == 0)
    {
      self->mode = FB_TEST_PROXY_PASS;
      g_clear_pointer (&self->path_match, g_free);
    }

  return mode;
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  FbTestProxy *self = user_data;
  FbTestProxyMode mode;

  self->requests++;
  g_ptr_array_add (self->seen, g_strdup_printf ("%s %s", soup_server_message_get_method (msg), path));
  self->request_bytes += soup_server_message_get_request_body (msg)->length;
  mode = take_mode (self, path);
  g_debug ("%s %s (mode %d)", soup_server_message_get_method (msg), path, mode);

  switch (mode)
    {
    case FB_TEST_PROXY_HTML:
      {
        static const char html[] =
          "<!DOCTYPE html>\n<html><head><title>Sign in to the network</title></head>"
          "<body><h1>Welcome!</h1><p>Please accept the terms of use.</p></body></html>\n";

        soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC,
                                          html, strlen (html));
      }
      break;

    case FB_TEST_PROXY_TOO_MANY_REQUESTS:
      {
        static const char body[] =
          "{\"error\":\"too_many_requests\",\"reason\":\"You've exceeded your rate limit allowance.\"}";

        soup_server_message_set_status (msg, 429, "Too Many Requests");
        set_retry_after (self, msg);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                          body, strlen (body));
      }
      break;

    case FB_TEST_PROXY_SERVICE_UNAVAILABLE:
      {
        static const char body[] =
          "{\"error\":\"service_unavailable\",\"reason\":\"Down for maintenance\"}";

        soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
        set_retry_after (self, msg);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                          body, strlen (body));
      }
      break;

    case FB_TEST_PROXY_SERVER_ERROR:
      {
        static const char body[] =
          "{\"error\":\"unknown_error\",\"reason\":\"Something went wrong (injected by the test proxy)\"}";

        soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                          body, strlen (body));
      }
      break;

    case FB_TEST_PROXY_NOT_FOUND:
      {
        static const char body[] = "{\"error\":\"not_found\",\"reason\":\"missing\"}";

        soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                          body, strlen (body));
      }
      break;

    case FB_TEST_PROXY_TOO_LARGE:
      {
        /* What CouchDB answers over its max_attachment_size or
         * max_http_request_size. */
        static const char body[] =
          "{\"error\":\"too_large\",\"reason\":\"the request entity is too large\"}";

        soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                          body, strlen (body));
      }
      break;

    case FB_TEST_PROXY_DOWN:
      drop_connection (msg);
      break;

    case FB_TEST_PROXY_PASS:
    case FB_TEST_PROXY_HOLD_REQUEST:
    case FB_TEST_PROXY_HOLD_RESPONSE:
    case FB_TEST_PROXY_ACCEPTED:
    case FB_TEST_PROXY_TRUNCATED:
    case FB_TEST_PROXY_LOSE_RESPONSE_AFTER_COMMIT:
    case FB_TEST_PROXY_COMMIT_HALF_REQUEST:
    default:
      start_forward (self, msg, mode);
      break;
    }
}

FbTestProxy *
fb_test_proxy_new (const char  *upstream_url,
                   GError     **error)
{
  g_autoptr(FbTestProxy) self = NULL;
  GSList *uris;

  g_return_val_if_fail (upstream_url != NULL, NULL);

  self = g_new0 (FbTestProxy, 1);
  self->upstream = g_strdup (upstream_url);
  if (g_str_has_suffix (self->upstream, "/"))
    self->upstream[strlen (self->upstream) - 1] = '\0';
  self->retry_after = 7;
  self->forwards = g_ptr_array_new ();
  self->seen = g_ptr_array_new_with_free_func (g_free);
  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify) forward_free);

  self->session = soup_session_new_with_options ("max-conns", 64,
                                                 "max-conns-per-host", 32,
                                                 NULL);
  soup_session_remove_feature_by_type (self->session, SOUP_TYPE_CONTENT_DECODER);

  self->server = soup_server_new ("server-header", "fb-test-proxy ", NULL);
  soup_server_add_handler (self->server, NULL, server_cb, self, NULL);
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return NULL;

  uris = soup_server_get_uris (self->server);
  g_assert (uris != NULL);
  self->url = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return g_steal_pointer (&self);
}

const char *
fb_test_proxy_get_url (FbTestProxy *self)
{
  return self->url;
}

void
fb_test_proxy_set_mode (FbTestProxy     *self,
                        FbTestProxyMode  mode,
                        guint            count,
                        const char      *path_match)
{
  self->mode = mode;
  self->remaining = count;
  g_free (self->path_match);
  self->path_match = g_strdup (path_match);
}

FbTestProxyMode
fb_test_proxy_get_mode (FbTestProxy *self)
{
  return self->mode;
}

void
fb_test_proxy_set_retry_after (FbTestProxy *self,
                               guint        seconds)
{
  self->retry_after = seconds;
}

void
fb_test_proxy_set_retry_after_value (FbTestProxy *self,
                                     const char  *value)
{
  g_free (self->retry_after_value);
  self->retry_after_value = g_strdup (value);
}

guint
fb_test_proxy_get_request_count (FbTestProxy *self)
{
  return self->requests;
}

guint
fb_test_proxy_count_requests (FbTestProxy *self,
                              const char  *method,
                              const char  *path_match)
{
  g_autofree char *prefix = g_strconcat (method, " ", NULL);
  guint n = 0;

  for (guint i = 0; i < self->seen->len; i++)
    {
      const char *request = self->seen->pdata[i];

      if (g_str_has_prefix (request, prefix) && strstr (request + strlen (prefix), path_match) != NULL)
        n++;
    }
  return n;
}

guint64
fb_test_proxy_get_request_bytes (FbTestProxy *self)
{
  return self->request_bytes;
}

guint
fb_test_proxy_get_fault_count (FbTestProxy *self)
{
  return self->faults;
}

guint
fb_test_proxy_get_hold_count (FbTestProxy *self)
{
  return self->holds;
}

void
fb_test_proxy_drop_held (FbTestProxy *self)
{
  for (guint i = 0; i < self->forwards->len; i++)
    {
      Forward *forward = g_ptr_array_index (self->forwards, i);

      if (forward->mode == FB_TEST_PROXY_HOLD_REQUEST)
        {
          /* Cancelling closes the server's side; its answer then finds
           * the client gone. */
          drop_connection (forward->msg);
          g_cancellable_cancel (forward->cancellable);
        }
    }
  for (guint i = 0; i < self->held->len; i++)
    drop_connection (((Forward *) g_ptr_array_index (self->held, i))->msg);
  g_ptr_array_set_size (self->held, 0);
}

void
fb_test_proxy_free (FbTestProxy *self)
{
  guint i;

  if (self == NULL)
    return;

  /* In-flight forwards finish later on the main context; they must not
   * touch the freed proxy. */
  if (self->forwards != NULL)
    {
      for (i = 0; i < self->forwards->len; i++)
        {
          Forward *forward = g_ptr_array_index (self->forwards, i);

          forward->proxy = NULL;
          g_cancellable_cancel (forward->cancellable);
        }
      g_ptr_array_unref (self->forwards);
    }
  g_clear_pointer (&self->held, g_ptr_array_unref);

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  /* Let the closed connections finish tearing down. */
  while (g_main_context_iteration (g_main_context_get_thread_default (), FALSE))
    ;
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  g_free (self->upstream);
  g_free (self->url);
  g_free (self->path_match);
  g_free (self->retry_after_value);
  g_clear_pointer (&self->seen, g_ptr_array_unref);
  g_free (self);
}
