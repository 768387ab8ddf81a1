/* fb-test-server.c: a real PouchDB Server on a loopback port, for tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-server"

#include "config.h"

#define _GNU_SOURCE 1

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "fb-item-body.h"
#include "fb-test-server.h"

#define START_TIMEOUT_S 30
#define STOP_TIMEOUT_S  5

struct _FbTestServer
{
  char         *binary;
  char         *tmpdir;
  char         *config_path;
  char         *data_dir;      /* persistent mode only */
  char         *url;
  char         *admin_user;
  char         *admin_password;
  guint16       port;
  gboolean      persistent;

  GSubprocess  *process;
  GThread      *reader;

  /* Shared with the reader thread. */
  GMutex        lock;
  GCond         cond;
  GString      *log;
  gboolean      started;
  gboolean      eof;

  SoupSession  *session;       /* for the synchronous helpers */
};

guint16
fb_test_find_free_port (GError **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return 0;

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  if (!g_socket_bind (socket, address, FALSE, error))
    return 0;

  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return 0;

  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}

/* Runs in the child between fork and exec: its own process group (so stop
 * can kill everything it started), and death when the test dies, even by
 * abort or SIGKILL, so no node process outlives a test. */
static void
child_setup (gpointer user_data)
{
  setpgid (0, 0);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gpointer
reader_thread (gpointer user_data)
{
  FbTestServer *self = user_data;
  g_autoptr(GDataInputStream) lines = NULL;

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));

  for (;;)
    {
      g_autofree char *line = NULL;
      gsize len;

      line = g_data_input_stream_read_line_utf8 (lines, &len, NULL, NULL);
      if (line == NULL)
        break;

      g_mutex_lock (&self->lock);
      g_string_append (self->log, line);
      g_string_append_c (self->log, '\n');
      if (strstr (line, "has started on") != NULL)
        {
          self->started = TRUE;
          g_cond_broadcast (&self->cond);
        }
      g_mutex_unlock (&self->lock);

      if (g_test_verbose ())
        g_printerr ("[pouchdb-server:%u] %s\n", self->port, line);
    }

  g_mutex_lock (&self->lock);
  self->eof = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  return NULL;
}

static gboolean
write_config (FbTestServer  *self,
              GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *log_path = g_build_filename (self->tmpdir, "log.txt", NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "admins");
  json_builder_begin_object (builder);
  if (self->admin_user != NULL)
    {
      json_builder_set_member_name (builder, self->admin_user);
      json_builder_add_string_value (builder, self->admin_password ? self->admin_password : "");
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "log");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, log_path);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = json_to_string (root, TRUE);
  return g_file_set_contents (self->config_path, text, -1, error);
}

static gboolean
spawn_server (FbTestServer  *self,
              GError       **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *port = g_strdup_printf ("%u", self->port);
  gint64 deadline;
  gboolean started, eof;

  self->started = FALSE;
  self->eof = FALSE;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE |
                                        G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_subprocess_launcher_set_cwd (launcher, self->tmpdir);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  /* No colours in the log. */
  g_subprocess_launcher_setenv (launcher, "NO_COLOR", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "FORCE_COLOR", "0", TRUE);

  if (self->persistent)
    self->process = g_subprocess_launcher_spawn (launcher, error, self->binary,
                                                 "--dir", self->data_dir,
                                                 "--host", "127.0.0.1",
                                                 "--port", port,
                                                 "-c", self->config_path,
                                                 NULL);
  else
    self->process = g_subprocess_launcher_spawn (launcher, error, self->binary,
                                                 "--in-memory",
                                                 "--host", "127.0.0.1",
                                                 "--port", port,
                                                 "-c", self->config_path,
                                                 NULL);
  if (self->process == NULL)
    return FALSE;

  self->reader = g_thread_new ("fb-test-server", reader_thread, self);

  deadline = g_get_monotonic_time () + START_TIMEOUT_S * G_TIME_SPAN_SECOND;
  g_mutex_lock (&self->lock);
  while (!self->started && !self->eof)
    if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
      break;
  started = self->started;
  eof = self->eof;
  g_mutex_unlock (&self->lock);

  if (!started)
    {
      g_autofree char *log = fb_test_server_dup_log (self);

      fb_test_server_stop (self);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   eof ? "pouchdb-server exited before it started:\n%s"
                       : "pouchdb-server did not start within " G_STRINGIFY (START_TIMEOUT_S) " s:\n%s",
                   log);
      return FALSE;
    }

  return TRUE;
}

FbTestServer *
fb_test_server_start_full (const char  *admin_user,
                           const char  *admin_password,
                           gboolean     persistent,
                           GError     **error)
{
  g_autoptr(FbTestServer) self = NULL;
  const char *modules = g_getenv ("FB_TEST_NODE_MODULES");
  g_autofree char *binary = NULL;

  if (modules == NULL || modules[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "FB_TEST_NODE_MODULES is not set (run the tests with meson test, "
                           "after: npm ci --prefix tests)");
      return NULL;
    }

  binary = g_build_filename (modules, ".bin", "pouchdb-server", NULL);
  if (!g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "%s is missing: run npm ci --prefix tests", binary);
      return NULL;
    }

  self = g_new0 (FbTestServer, 1);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->log = g_string_new (NULL);
  self->binary = g_steal_pointer (&binary);
  self->admin_user = g_strdup (admin_user);
  self->admin_password = g_strdup (admin_password);
  self->persistent = persistent;

  self->tmpdir = g_dir_make_tmp ("fb-test-server-XXXXXX", error);
  if (self->tmpdir == NULL)
    return NULL;
  self->config_path = g_build_filename (self->tmpdir, "config.json", NULL);
  if (persistent)
    {
      self->data_dir = g_build_filename (self->tmpdir, "data", NULL);
      if (g_mkdir (self->data_dir, 0700) != 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "Cannot create %s: %s", self->data_dir, g_strerror (saved));
          return NULL;
        }
    }

  if (!write_config (self, error))
    return NULL;

  self->port = fb_test_find_free_port (error);
  if (self->port == 0)
    return NULL;
  self->url = g_strdup_printf ("http://127.0.0.1:%u/", self->port);

  if (!spawn_server (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

FbTestServer *
fb_test_server_start (const char  *admin_user,
                      const char  *admin_password,
                      GError     **error)
{
  return fb_test_server_start_full (admin_user, admin_password, FALSE, error);
}

const char *
fb_test_server_get_url (FbTestServer *self)
{
  return self->url;
}

guint16
fb_test_server_get_port (FbTestServer *self)
{
  return self->port;
}

gboolean
fb_test_server_is_running (FbTestServer *self)
{
  return self->process != NULL;
}

char *
fb_test_server_dup_log (FbTestServer *self)
{
  char *copy;

  g_mutex_lock (&self->lock);
  copy = g_strdup (self->log->str);
  g_mutex_unlock (&self->lock);
  return copy;
}

void
fb_test_server_stop (FbTestServer *self)
{
  gint64 deadline;
  gboolean eof;
  pid_t pid = 0;
  const char *identifier;

  if (self->process == NULL)
    return;

  /* Its own group (child_setup): pid == pgid. Gone already when it
   * exited by itself, then the identifier is NULL. */
  identifier = g_subprocess_get_identifier (self->process);
  if (identifier != NULL)
    pid = (pid_t) atoi (identifier);

  if (pid > 0)
    kill (-pid, SIGTERM);

  deadline = g_get_monotonic_time () + STOP_TIMEOUT_S * G_TIME_SPAN_SECOND;
  g_mutex_lock (&self->lock);
  while (!self->eof)
    if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
      break;
  eof = self->eof;
  g_mutex_unlock (&self->lock);

  if (pid > 0)
    kill (-pid, SIGKILL);
  else if (!eof)
    g_subprocess_force_exit (self->process);

  g_subprocess_wait (self->process, NULL, NULL);
  g_clear_pointer (&self->reader, g_thread_join);
  g_clear_object (&self->process);
}

gboolean
fb_test_server_restart (FbTestServer  *self,
                        GError       **error)
{
  fb_test_server_stop (self);
  return spawn_server (self, error);
}

void
fb_test_server_free (FbTestServer *self)
{
  if (self == NULL)
    return;

  fb_test_server_stop (self);
  g_clear_object (&self->session);

  if (self->tmpdir != NULL)
    fb_test_remove_tree (self->tmpdir);

  g_free (self->binary);
  g_free (self->tmpdir);
  g_free (self->config_path);
  g_free (self->data_dir);
  g_free (self->url);
  g_free (self->admin_user);
  g_free (self->admin_password);
  g_string_free (self->log, TRUE);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

/* ------------------------------------------------------------------ */
/* Synchronous HTTP helpers                                            */
/* ------------------------------------------------------------------ */

GBytes *
fb_test_server_request_raw (FbTestServer  *self,
                            const char    *method,
                            const char    *path,
                            const char    *body_json,
                            guint         *status_out,
                            GError       **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *url = g_strconcat (self->url, path, NULL);

  if (self->session == NULL)
    self->session = soup_session_new_with_options ("timeout", 30, NULL);

  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Bad URL %s", url);
      return NULL;
    }

  soup_message_headers_replace (soup_message_get_request_headers (msg),
                                "Accept", "application/json");
  if (self->admin_user != NULL)
    {
      g_autofree char *pair = g_strconcat (self->admin_user, ":",
                                           self->admin_password ? self->admin_password : "",
                                           NULL);
      g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
      g_autofree char *header = g_strconcat ("Basic ", encoded, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg),
                                    "Authorization", header);
    }

  if (body_json != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (body_json, strlen (body_json));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }

  bytes = soup_session_send_and_read (self->session, msg, NULL, error);
  if (bytes == NULL)
    return NULL;

  if (status_out != NULL)
    *status_out = soup_message_get_status (msg);

  return g_steal_pointer (&bytes);
}

JsonNode *
fb_test_server_request (FbTestServer  *self,
                        const char    *method,
                        const char    *path,
                        const char    *body_json,
                        guint         *status_out,
                        GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  const char *data;
  gsize len;

  bytes = fb_test_server_request_raw (self, method, path, body_json, status_out, error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &len);
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data ? data : "", len, error))
    return NULL;

  if (json_parser_get_root (parser) == NULL)
    return json_node_new (JSON_NODE_NULL);

  return json_node_copy (json_parser_get_root (parser));
}

static gboolean
check_status (guint        status,
              JsonNode    *root,
              const char  *what,
              GError     **error)
{
  const char *reason = "";

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    return TRUE;

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
      json_object_has_member (json_node_get_object (root), "reason"))
    reason = json_object_get_string_member (json_node_get_object (root), "reason");

  g_set_error (error, G_IO_ERROR,
               status == SOUP_STATUS_NOT_FOUND ? G_IO_ERROR_NOT_FOUND
               : status == SOUP_STATUS_CONFLICT ? G_IO_ERROR_EXISTS
               : G_IO_ERROR_FAILED,
               "%s: HTTP %u %s", what, status, reason ? reason : "");
  return FALSE;
}

gboolean
fb_test_server_create_db (FbTestServer  *self,
                          const char    *db,
                          GError       **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *path = g_uri_escape_string (db, NULL, FALSE);
  guint status = 0;

  root = fb_test_server_request (self, "PUT", path, NULL, &status, error);
  if (root == NULL)
    return FALSE;

  if (status == SOUP_STATUS_PRECONDITION_FAILED)
    return TRUE;

  return check_status (status, root, "PUT database", error);
}

static char *
doc_path (const char *db,
          const char *id)
{
  g_autofree char *db_escaped = g_uri_escape_string (db, NULL, FALSE);
  g_autofree char *id_escaped = g_uri_escape_string (id, NULL, FALSE);

  return g_strconcat (db_escaped, "/", id_escaped, NULL);
}

static char *
rev_from_reply (JsonNode  *root,
                GError   **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "rev"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "No rev in the answer");
      return NULL;
    }

  return g_strdup (json_object_get_string_member (json_node_get_object (root), "rev"));
}

char *
fb_test_server_put_doc (FbTestServer  *self,
                        const char    *db,
                        const char    *id,
                        const char    *doc_json,
                        GError       **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *path = doc_path (db, id);
  guint status = 0;

  root = fb_test_server_request (self, "PUT", path, doc_json, &status, error);
  if (root == NULL || !check_status (status, root, "PUT document", error))
    return NULL;

  return rev_from_reply (root, error);
}

JsonObject *
fb_test_server_get_doc (FbTestServer  *self,
                        const char    *db,
                        const char    *id,
                        GError       **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *path = doc_path (db, id);
  guint status = 0;

  root = fb_test_server_request (self, "GET", path, NULL, &status, error);
  if (root == NULL || !check_status (status, root, "GET document", error))
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not an object");
      return NULL;
    }

  return json_node_dup_object (root);
}

JsonObject *
fb_test_server_doc (FbTestServer *self,
                    const char   *db,
                    const char   *id)
{
  g_autoptr(GError) error = NULL;
  JsonObject *doc = fb_test_server_get_doc (self, db, id, &error);

  g_assert_no_error (error);
  return doc;
}

const char *
fb_test_doc_attachment_digest (JsonObject *doc,
                               const char *name)
{
  JsonObject *attachments = fb_body_get_object (doc, "_attachments");
  JsonObject *entry = fb_body_get_object (attachments, name);

  return entry != NULL && fb_body_has_string (entry, "digest") ? fb_body_get_string (entry, "digest") : NULL;
}

char *
fb_test_server_delete_doc (FbTestServer  *self,
                           const char    *db,
                           const char    *id,
                           const char    *rev,
                           GError       **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *base = doc_path (db, id);
  g_autofree char *rev_escaped = g_uri_escape_string (rev, NULL, FALSE);
  g_autofree char *path = g_strconcat (base, "?rev=", rev_escaped, NULL);
  guint status = 0;

  root = fb_test_server_request (self, "DELETE", path, NULL, &status, error);
  if (root == NULL || !check_status (status, root, "DELETE document", error))
    return NULL;

  return rev_from_reply (root, error);
}
