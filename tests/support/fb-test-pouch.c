/* fb-test-pouch.c: a PouchDB 9 client (tests/sync/pouchdb-peer.js) replicating a database */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test"

#include "config.h"

#include <string.h>

#include "fb-test-pouch.h"

FbTestPouch *
fb_test_pouch_start (FbTestServer *server,
                     const char   *db,
                     const char   *user,
                     const char   *password)
{
  FbTestPouch *pouch = g_new0 (FbTestPouch, 1);
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "sync", "pouchdb-peer.js", NULL);
  g_autofree char *url = g_strdup_printf ("%s%s", fb_test_server_get_url (server), db);
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;

  pouch->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                     &error, "node", script, url, user, password, NULL);
  g_assert_no_error (error);
  pouch->in = g_subprocess_get_stdin_pipe (pouch->process);
  pouch->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (pouch->process));

  line = g_data_input_stream_read_line_utf8 (pouch->out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "pulled");
  return pouch;
}

JsonObject *
fb_test_pouch_finish (FbTestPouch *pouch,
                      const char  *edits_json)
{
  g_autofree char *input = g_strdup_printf ("%s\n", edits_json);
  g_autofree char *line = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (pouch->in, input, strlen (input), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (pouch->in, NULL, &error);
  g_assert_no_error (error);

  line = g_data_input_stream_read_line_utf8 (pouch->out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_subprocess_wait_check (pouch->process, NULL, &error);
  g_assert_no_error (error);

  answer = json_from_string (line, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (answer));
  return json_object_ref (json_node_get_object (answer));
}

void
fb_test_pouch_free (FbTestPouch *pouch)
{
  g_clear_object (&pouch->out);
  g_clear_object (&pouch->process);
  g_free (pouch);
}
