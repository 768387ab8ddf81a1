/* test-couch-client.c: FbCouchClient against a real PouchDB Server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-couch"

#include "config.h"

#include <string.h>

#include "fb-couch-client.h"
#include "fb-test-proxy.h"
#include "fb-test-server.h"

#define ADMIN_USER     "admin"
#define ADMIN_PASSWORD "s3cret pass"
#define WAIT_MS        60000

static FbTestServer *open_server;   /* no admin */
static FbTestServer *auth_server;   /* with an admin */

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static char *
unique_db (const char *prefix)
{
  static guint counter;

  return g_strdup_printf ("%s-%u", prefix, ++counter);
}

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  g_assert_false (wait->done);
  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

static GAsyncResult *
wait_result (Wait *wait)
{
  fb_test_wait_for_flag (&wait->done, WAIT_MS);
  return wait->result;
}

static FbCouchClient *
client_new (const char *url,
            const char *db,
            const char *user,
            const char *password)
{
  g_autoptr(GError) error = NULL;
  FbCouchClient *client;

  client = fb_couch_client_new (url, db, user, password, &error);
  g_assert_no_error (error);
  g_assert_true (FB_IS_COUCH_CLIENT (client));
  return client;
}

static JsonObject *
open_db (FbCouchClient  *client,
         gboolean        create,
         GError        **error)
{
  Wait wait = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  fb_couch_client_open_database_async (client, create, NULL, wait_cb, &wait);
  result = wait_result (&wait);
  return fb_couch_client_open_database_finish (client, result, error);
}

static JsonArray *
bulk_docs (FbCouchClient  *client,
           JsonArray      *docs,
           GError        **error)
{
  Wait wait = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  fb_couch_client_bulk_docs_async (client, docs, NULL, wait_cb, &wait);
  result = wait_result (&wait);
  return fb_couch_client_bulk_docs_finish (client, result, error);
}

static GHashTable *
get_docs (FbCouchClient       *client,
          const char * const  *ids,
          GError             **error)
{
  Wait wait = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  fb_couch_client_get_docs_async (client, ids, NULL, wait_cb, &wait);
  result = wait_result (&wait);
  return fb_couch_client_get_docs_finish (client, result, error);
}

static JsonObject *
changes (FbCouchClient  *client,
         JsonNode       *since,
         guint           limit,
         gboolean        longpoll,
         guint           timeout_ms,
         GCancellable   *cancellable,
         GError        **error)
{
  Wait wait = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  fb_couch_client_changes_async (client, since, limit, longpoll, timeout_ms,
                                 cancellable, wait_cb, &wait);
  result = wait_result (&wait);
  return fb_couch_client_changes_finish (client, result, error);
}

/* A client on a fresh, created database of @server. */
static FbCouchClient *
client_with_db (FbTestServer *server,
                const char   *url,
                char        **db_out)
{
  g_autofree char *db = unique_db ("db");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = NULL;
  FbCouchClient *client;

  g_assert_true (fb_test_server_create_db (server, db, &error));
  g_assert_no_error (error);

  client = client_new (url ? url : fb_test_server_get_url (server), db,
                       server == auth_server ? ADMIN_USER : NULL,
                       server == auth_server ? ADMIN_PASSWORD : NULL);
  info = open_db (client, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);

  if (db_out != NULL)
    *db_out = g_steal_pointer (&db);
  return client;
}

static JsonArray *
docs_from_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);
  JsonArray *array;

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  array = json_node_dup_array (node);
  json_node_unref (node);
  return array;
}

static void
assert_server_alive (FbTestServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  guint status = 0;

  root = fb_test_server_request (server, "GET", "", NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
}

/* ------------------------------------------------------------------ */
/* Construction                                                        */
/* ------------------------------------------------------------------ */

static void
test_new_invalid (void)
{
  static const char * const bad_urls[] = {
    "ftp://example.com/", "not a url", "http://", "file:///etc/passwd",
    "mailto:someone@example.com", "example.com:5984",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(FbCouchClient) client = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad_urls); i++)
    {
      FbCouchClient *bad = fb_couch_client_new (bad_urls[i], "db", NULL, NULL, &error);

      g_assert_null (bad);
      g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_INVALID_URL);
      g_assert_nonnull (error->message);
      g_clear_error (&error);
    }

  g_assert_null (fb_couch_client_new ("", "db", NULL, NULL, &error));
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_CONFIGURED);
  g_clear_error (&error);

  g_assert_null (fb_couch_client_new ("http://127.0.0.1:5984", "", NULL, NULL, &error));
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_INVALID_URL);
  g_clear_error (&error);

  g_assert_null (fb_couch_client_new ("http://127.0.0.1:5984", "Notes", NULL, NULL, &error));
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_INVALID_URL);
  g_clear_error (&error);

  client = fb_couch_client_new ("https://user:pw@Example.COM:6984/couch", "a/b", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_couch_client_get_server_url (client), ==, "https://example.com:6984/couch/");
  g_assert_cmpstr (fb_couch_client_get_database (client), ==, "a/b");
  g_assert_cmpuint (fb_couch_client_get_retry_after (client), ==, 0);
  {
    g_autofree char *key = fb_couch_client_dup_remote_key (client);

    g_assert_nonnull (strstr (key, "example.com:6984/couch/a%2Fb"));
    g_assert_nonnull (strstr (key, "user"));
    g_assert_null (strstr (key, "pw"));
  }
  g_clear_object (&client);

  client = fb_couch_client_new ("http://127.0.0.1:5984", "db", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_couch_client_get_server_url (client), ==, "http://127.0.0.1:5984/");
}

/* Which failures sync retries by itself and which wait for the person:
 * the manager's NEEDS_ATTENTION state. */
static void
test_error_needs_attention (void)
{
  static const struct { FbSyncError code; gboolean needs_attention; } cases[] = {
    { FB_SYNC_ERROR_NOT_CONFIGURED, TRUE },
    { FB_SYNC_ERROR_INVALID_URL, TRUE },
    { FB_SYNC_ERROR_UNREACHABLE, FALSE },
    { FB_SYNC_ERROR_TIMEOUT, FALSE },
    { FB_SYNC_ERROR_TLS, FALSE },
    { FB_SYNC_ERROR_UNAUTHORIZED, TRUE },
    { FB_SYNC_ERROR_FORBIDDEN, TRUE },
    { FB_SYNC_ERROR_NOT_FOUND, FALSE },
    { FB_SYNC_ERROR_TOO_MANY_REQUESTS, FALSE },
    { FB_SYNC_ERROR_SERVER, FALSE },
    { FB_SYNC_ERROR_BAD_RESPONSE, FALSE },
    { FB_SYNC_ERROR_STORE, FALSE },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (FB_SYNC_ERROR, cases[i].code, "x");

      g_assert_cmpint (fb_sync_error_needs_attention (error), ==, cases[i].needs_attention);
    }

  {
    g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");

    g_assert_false (fb_sync_error_needs_attention (error));
  }
}

/* ------------------------------------------------------------------ */
/* open_database                                                       */
/* ------------------------------------------------------------------ */

static void
test_open_create (void)
{
  g_autofree char *db = unique_db ("create");
  g_autoptr(FbCouchClient) client = client_new (fb_test_server_get_url (open_server), db, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = NULL;

  info = open_db (client, FALSE, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_FOUND);
  g_assert_null (info);
  g_clear_error (&error);

  info = open_db (client, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (info, "db_name"), ==, db);
  g_clear_pointer (&info, json_object_unref);

  info = open_db (client, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (info, "db_name"), ==, db);
}

static void
test_open_auth (void)
{
  g_autofree char *db = unique_db ("auth");
  const char *url = fb_test_server_get_url (auth_server);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = NULL;

  /* Wrong password: refused, and the server survives. */
  {
    g_autoptr(FbCouchClient) client = client_new (url, db, ADMIN_USER, "wrong");

    info = open_db (client, TRUE, &error);
    g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED);
    g_assert_true (fb_sync_error_needs_attention (error));
    g_assert_null (strstr (error->message, "wrong"));
    g_assert_null (info);
    g_clear_error (&error);
    assert_server_alive (auth_server);
  }

  /* Anonymous creation would crash PouchDB Server: refused before the PUT. */
  {
    g_autoptr(FbCouchClient) client = client_new (url, db, NULL, NULL);

    info = open_db (client, TRUE, &error);
    g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED);
    g_clear_error (&error);
    assert_server_alive (auth_server);
  }

  /* Unknown user. */
  {
    g_autoptr(FbCouchClient) client = client_new (url, db, "nobody", "x");

    info = open_db (client, TRUE, &error);
    g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED);
    g_clear_error (&error);
    assert_server_alive (auth_server);
  }

  /* The right password creates and opens it. */
  {
    g_autoptr(FbCouchClient) client = client_new (url, db, ADMIN_USER, ADMIN_PASSWORD);

    info = open_db (client, TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (info, "db_name"), ==, db);
    g_clear_pointer (&info, json_object_unref);
  }

  /* Credentials in the URL work too. */
  {
    g_autofree char *with_user = g_strdup_printf ("http://%s:%s@127.0.0.1:%u", ADMIN_USER,
                                                  "s3cret%20pass",
                                                  fb_test_server_get_port (auth_server));
    g_autoptr(FbCouchClient) client = client_new (with_user, db, NULL, NULL);
    g_autofree char *key = fb_couch_client_dup_remote_key (client);

    g_assert_null (strstr (fb_couch_client_get_server_url (client), "s3cret"));
    g_assert_null (strstr (key, "s3cret"));
    info = open_db (client, FALSE, &error);
    g_assert_no_error (error);
  }
}

static void
test_unreachable (void)
{
  g_autoptr(GError) error = NULL;
  guint16 port = fb_test_find_free_port (&error);
  g_autofree char *url = NULL;
  g_autoptr(FbCouchClient) client = NULL;
  g_autoptr(JsonObject) info = NULL;

  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  client = client_new (url, "db", NULL, NULL);

  info = open_db (client, TRUE, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNREACHABLE);
  g_assert_false (fb_sync_error_needs_attention (error));
  g_assert_null (info);
}

/* ------------------------------------------------------------------ */
/* Documents                                                           */
/* ------------------------------------------------------------------ */

static void
test_bulk_docs (void)
{
  g_autofree char *db = NULL;
  g_autoptr(FbCouchClient) client = client_with_db (auth_server, NULL, &db);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) docs = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonObject) stored = NULL;
  g_autofree char *rev_a = NULL;
  g_autofree char *update = NULL;
  JsonObject *r;

  docs = docs_from_json ("[{\"_id\":\"a\",\"type\":\"notes\",\"title\":\"A\"},"
                         " {\"_id\":\"b\",\"type\":\"notes\",\"title\":\"B\"}]");
  results = bulk_docs (client, docs, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (results), ==, 2);

  r = json_array_get_object_element (results, 0);
  g_assert_cmpstr (json_object_get_string_member (r, "id"), ==, "a");
  g_assert_true (json_object_get_boolean_member_with_default (r, "ok", FALSE));
  rev_a = g_strdup (json_object_get_string_member (r, "rev"));
  g_assert_true (g_str_has_prefix (rev_a, "1-"));
  r = json_array_get_object_element (results, 1);
  g_assert_cmpstr (json_object_get_string_member (r, "id"), ==, "b");

  stored = fb_test_server_get_doc (auth_server, db, "a", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (stored, "title"), ==, "A");

  /* a: on top of its rev → ok; b: without a rev → conflict. */
  g_clear_pointer (&docs, json_array_unref);
  g_clear_pointer (&results, json_array_unref);
  update = g_strdup_printf ("[{\"_id\":\"a\",\"_rev\":\"%s\",\"title\":\"A2\"},"
                            " {\"_id\":\"b\",\"title\":\"B2\"},"
                            " {\"_id\":\"c\",\"title\":\"C\"}]", rev_a);
  docs = docs_from_json (update);
  results = bulk_docs (client, docs, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (results), ==, 3);

  r = json_array_get_object_element (results, 0);
  g_assert_cmpstr (json_object_get_string_member (r, "id"), ==, "a");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (r, "rev"), "2-"));
  r = json_array_get_object_element (results, 1);
  g_assert_cmpstr (json_object_get_string_member (r, "id"), ==, "b");
  g_assert_cmpstr (json_object_get_string_member (r, "error"), ==, "conflict");
  g_assert_false (json_object_has_member (r, "rev"));
  r = json_array_get_object_element (results, 2);
  g_assert_cmpstr (json_object_get_string_member (r, "id"), ==, "c");
  g_assert_true (json_object_has_member (r, "rev"));
}

static void
check_get_docs (FbCouchClient *client,
                const char    *db,
                const char    *deleted_rev,
                const char    *present_rev)
{
  static const char * const ids[] = { "present", "deleted", "missing", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) found = NULL;
  JsonObject *doc;

  found = get_docs (client, ids, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (found), ==, 2);

  doc = g_hash_table_lookup (found, "present");
  g_assert_nonnull (doc);
  g_assert_cmpstr (json_object_get_string_member (doc, "_id"), ==, "present");
  g_assert_cmpstr (json_object_get_string_member (doc, "_rev"), ==, present_rev);
  g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "here");

  doc = g_hash_table_lookup (found, "deleted");
  g_assert_nonnull (doc);
  g_assert_cmpstr (json_object_get_string_member (doc, "_id"), ==, "deleted");
  g_assert_cmpstr (json_object_get_string_member (doc, "_rev"), ==, deleted_rev);
  g_assert_true (json_object_get_boolean_member_with_default (doc, "_deleted", FALSE));

  g_assert_false (g_hash_table_contains (found, "missing"));
}

static void
test_get_docs (void)
{
  g_autofree char *db = NULL;
  g_autoptr(FbCouchClient) client = client_with_db (open_server, NULL, &db);
  g_autoptr(FbCouchClient) proxied = NULL;
  g_autoptr(FbTestProxy) proxy = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) empty = NULL;
  g_autofree char *present_rev = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *deleted_rev = NULL;
  static const char * const none[] = { NULL };

  present_rev = fb_test_server_put_doc (open_server, db, "present", "{\"title\":\"here\"}", &error);
  g_assert_no_error (error);
  rev = fb_test_server_put_doc (open_server, db, "deleted", "{\"title\":\"gone\"}", &error);
  g_assert_no_error (error);
  deleted_rev = fb_test_server_delete_doc (open_server, db, "deleted", rev, &error);
  g_assert_no_error (error);

  check_get_docs (client, db, deleted_rev, present_rev);

  empty = get_docs (client, none, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (empty), ==, 0);

  /* A server without _bulk_get: _all_docs, and the client remembers. */
  proxy = fb_test_proxy_new (fb_test_server_get_url (open_server), &error);
  g_assert_no_error (error);
  proxied = client_new (fb_test_proxy_get_url (proxy), db, NULL, NULL);
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_NOT_FOUND, 0, "_bulk_get");
  check_get_docs (proxied, db, deleted_rev, present_rev);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), ==, 1);
  check_get_docs (proxied, db, deleted_rev, present_rev);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), ==, 1);
}

/* ------------------------------------------------------------------ */
/* Changes                                                             */
/* ------------------------------------------------------------------ */

static void
test_changes_paging (void)
{
  g_autofree char *db = NULL;
  g_autoptr(FbCouchClient) client = client_with_db (open_server, NULL, &db);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonNode) since = NULL;
  guint i, batches = 0;

  for (i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("doc-%u", i);
      g_autofree char *rev = fb_test_server_put_doc (open_server, db, id, "{\"n\":1}", &error);

      g_assert_no_error (error);
    }

  for (;;)
    {
      g_autoptr(JsonObject) result = changes (client, since, 2, FALSE, 0, NULL, &error);
      JsonArray *results;

      g_assert_no_error (error);
      results = json_object_get_array_member (result, "results");
      g_assert_cmpuint (json_array_get_length (results), <=, 2);
      g_assert_true (json_object_has_member (result, "last_seq"));

      for (i = 0; i < json_array_get_length (results); i++)
        {
          JsonObject *change = json_array_get_object_element (results, i);
          JsonObject *doc = json_object_get_object_member (change, "doc");

          g_assert_nonnull (doc);
          g_assert_cmpstr (json_object_get_string_member (doc, "_id"), ==,
                           json_object_get_string_member (change, "id"));
          g_hash_table_add (seen, g_strdup (json_object_get_string_member (change, "id")));
        }

      g_clear_pointer (&since, json_node_unref);
      since = json_node_copy (json_object_get_member (result, "last_seq"));

      if (json_array_get_length (results) == 0)
        break;
      batches++;
      g_assert_cmpuint (batches, <=, 5);
    }

  g_assert_cmpuint (g_hash_table_size (seen), ==, 5);
  g_assert_cmpuint (batches, ==, 3);

  /* A string seq (as CouchDB's) is passed on as it is: PouchDB Server
   * parses "3" as 3. */
  {
    g_autoptr(JsonNode) string_seq = json_node_new (JSON_NODE_VALUE);
    g_autoptr(JsonObject) result = NULL;

    json_node_set_string (string_seq, "3");
    result = changes (client, string_seq, 0, FALSE, 0, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "results")), ==, 2);
  }
}

static void
test_changes_large (void)
{
  g_autofree char *db = NULL;
  g_autoptr(FbCouchClient) client = client_with_db (open_server, NULL, &db);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) docs = json_array_new ();
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *filler = g_strnfill (1000, 'x');
  gint64 start;
  guint i;

  for (i = 0; i < 10000; i++)
    {
      JsonObject *doc = json_object_new ();
      g_autofree char *id = g_strdup_printf ("note-%05u", i);

      json_object_set_string_member (doc, "_id", id);
      json_object_set_string_member (doc, "type", "notes");
      json_object_set_string_member (doc, "text", filler);
      json_array_add_object_element (docs, doc);
    }

  results = bulk_docs (client, docs, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (results), ==, 10000);

  start = g_get_monotonic_time ();
  result = changes (client, NULL, 0, FALSE, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "results")), ==, 10000);
  g_test_message ("10000 changes with 1 KB documents in %.2f s",
                  (g_get_monotonic_time () - start) / (double) G_TIME_SPAN_SECOND);
}

typedef struct
{
  FbTestServer *server;
  const char   *db;
  gboolean      written;
} LateWrite;

static gboolean
late_write_cb (gpointer user_data)
{
  LateWrite *late = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *rev = NULL;

  rev = fb_test_server_put_doc (late->server, late->db, "from-another-client",
                                "{\"title\":\"hello\"}", &error);
  g_assert_no_error (error);
  late->written = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_longpoll_wakes (guint write_after_ms)
{
  g_autofree char *db = NULL;
  g_autoptr(FbCouchClient) client = client_with_db (open_server, NULL, &db);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) result = NULL;
  LateWrite late = { open_server, NULL, FALSE };
  JsonArray *results;
  gint64 start, elapsed;

  first = changes (client, NULL, 0, FALSE, 0, NULL, &error);
  g_assert_no_error (error);

  late.db = db;
  g_timeout_add (write_after_ms, late_write_cb, &late);

  start = g_get_monotonic_time ();
  result = changes (client, json_object_get_member (first, "last_seq"), 0, TRUE, 30000, NULL, &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_assert_true (late.written);

  results = json_object_get_array_member (result, "results");
  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "id"),
                   ==, "from-another-client");
  g_assert_cmpint (elapsed, <, 30 * G_TIME_SPAN_SECOND);
}

static void
test_longpoll_wakes (void)
{
  run_longpoll_wakes (200);
}

/* PouchDB Server sends a newline heartbeat every ~6 s of waiting. */
static void
test_longpoll_heartbeat (void)
{
  run_longpoll_wakes (7000);
}

static void
test_longpoll_timeout (void)
{
  g_autofree char *db = NULL;
  g_autoptr(FbCouchClient) client = client_with_db (open_server, NULL, &db);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) result = NULL;
  JsonNode *since;
  gint64 start, elapsed;

  {
    g_autofree char *rev = fb_test_server_put_doc (open_server, db, "x", "{}", &error);

    g_assert_no_error (error);
  }

  first = changes (client, NULL, 0, FALSE, 0, NULL, &error);
  g_assert_no_error (error);
  since = json_object_get_member (first, "last_seq");

  start = g_get_monotonic_time ();
  result = changes (client, since, 0, TRUE, 1500, NULL, &error);
  elapsed = g_get_monotonic_time () - start;

  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "results")), ==, 0);
  g_assert_true (json_node_equal (json_object_get_member (result, "last_seq"), since));
  g_assert_cmpint (elapsed, >=, 1000 * 1000);
  g_assert_cmpint (elapsed, <, (1500 + 5000) * 1000);
}

/* ------------------------------------------------------------------ */
/* Cancellation                                                        */
/* ------------------------------------------------------------------ */

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  g_autofree char *db = NULL;
  g_autoptr(FbCouchClient) client = client_with_db (open_server, NULL, &db);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) already = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  gint64 start, elapsed;

  /* Cancelled during a longpoll: CANCELLED, not an empty result. */
  g_timeout_add (300, cancel_cb, cancellable);
  start = g_get_monotonic_time ();
  result = changes (client, NULL, 0, TRUE, 20000, cancellable, &error);
  /* since=NULL returns at once when the database has changes; it has none. */
  elapsed = g_get_monotonic_time () - start;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_cmpint (elapsed, <, 10 * G_TIME_SPAN_SECOND);
  g_clear_error (&error);

  /* Cancelled before it starts. */
  g_cancellable_cancel (already);
  result = changes (client, NULL, 0, FALSE, 0, already, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  {
    Wait wait = { 0 };
    g_autoptr(GAsyncResult) res = NULL;
    g_autoptr(JsonObject) info = NULL;

    fb_couch_client_open_database_async (client, TRUE, already, wait_cb, &wait);
    res = wait_result (&wait);
    info = fb_couch_client_open_database_finish (client, res, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }
}

/* ------------------------------------------------------------------ */
/* Faults through the proxy                                            */
/* ------------------------------------------------------------------ */

typedef struct
{
  FbTestProxy   *proxy;
  FbCouchClient *client;
  char          *db;
} ProxyFixture;

static void
proxy_fixture_setup (ProxyFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->proxy = fb_test_proxy_new (fb_test_server_get_url (auth_server), &error);
  g_assert_no_error (error);
  fixture->client = client_with_db (auth_server, fb_test_proxy_get_url (fixture->proxy),
                                    &fixture->db);
}

static void
proxy_fixture_teardown (ProxyFixture  *fixture,
                        gconstpointer  data)
{
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->proxy, fb_test_proxy_free);
  g_clear_pointer (&fixture->db, g_free);
}

static void
test_proxy_html (ProxyFixture  *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = NULL;

  fb_test_proxy_set_mode (fixture->proxy, FB_TEST_PROXY_HTML, 1, NULL);
  info = open_db (fixture->client, FALSE, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "web page"));
  g_assert_false (fb_sync_error_needs_attention (error));
  g_clear_error (&error);

  /* Only one request was affected. */
  info = open_db (fixture->client, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (fixture->proxy), ==, 1);
}

static void
test_proxy_truncated (ProxyFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonArray) docs = docs_from_json ("[{\"_id\":\"t1\",\"text\":\"one\"},"
                                              " {\"_id\":\"t2\",\"text\":\"two\"}]");
  g_autoptr(JsonArray) written = bulk_docs (fixture->client, docs, &error);

  g_assert_no_error (error);

  fb_test_proxy_set_mode (fixture->proxy, FB_TEST_PROXY_TRUNCATED, 1, "_changes");
  result = changes (fixture->client, NULL, 0, FALSE, 0, NULL, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "cut off"));
  g_assert_null (result);
  g_clear_error (&error);

  result = changes (fixture->client, NULL, 0, FALSE, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (result, "results")), ==, 2);
}

static void
test_proxy_too_many_requests (ProxyFixture  *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) docs = docs_from_json ("[{\"_id\":\"r\"}]");
  g_autoptr(JsonArray) results = NULL;

  fb_test_proxy_set_retry_after (fixture->proxy, 42);
  fb_test_proxy_set_mode (fixture->proxy, FB_TEST_PROXY_TOO_MANY_REQUESTS, 1, "_bulk_docs");
  results = bulk_docs (fixture->client, docs, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_TOO_MANY_REQUESTS);
  g_assert_false (fb_sync_error_needs_attention (error));
  g_assert_cmpuint (fb_couch_client_get_retry_after (fixture->client), ==, 42);
  g_clear_error (&error);

  results = bulk_docs (fixture->client, docs, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fb_couch_client_get_retry_after (fixture->client), ==, 0);
}

static void
test_proxy_service_unavailable (ProxyFixture  *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 30);
  g_autofree char *date = g_date_time_format (later, "%a, %d %b %Y %H:%M:%S GMT");
  guint retry_after;

  /* Retry-After as an HTTP date. */
  fb_test_proxy_set_retry_after_value (fixture->proxy, date);
  fb_test_proxy_set_mode (fixture->proxy, FB_TEST_PROXY_SERVICE_UNAVAILABLE, 1, NULL);
  result = changes (fixture->client, NULL, 0, FALSE, 0, NULL, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_SERVER);
  g_assert_false (fb_sync_error_needs_attention (error));
  retry_after = fb_couch_client_get_retry_after (fixture->client);
  g_assert_cmpuint (retry_after, >=, 25);
  g_assert_cmpuint (retry_after, <=, 31);
}

static void
test_tls_error (void)
{
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/",
                                          fb_test_server_get_port (open_server));
  g_autoptr(FbCouchClient) client = client_new (url, "db", NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = NULL;

  /* TLS spoken to a plain HTTP server. */
  info = open_db (client, FALSE, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_TLS);
  g_assert_false (fb_sync_error_needs_attention (error));
}

static void
test_proxy_server_error (ProxyFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = NULL;

  fb_test_proxy_set_mode (fixture->proxy, FB_TEST_PROXY_SERVER_ERROR, 0, NULL);
  result = changes (fixture->client, NULL, 0, FALSE, 0, NULL, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_SERVER);
  g_assert_false (fb_sync_error_needs_attention (error));
  g_assert_nonnull (strstr (error->message, "500"));
}

static void
test_proxy_down (ProxyFixture  *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) info = NULL;

  fb_test_proxy_set_mode (fixture->proxy, FB_TEST_PROXY_DOWN, 0, NULL);
  info = open_db (fixture->client, FALSE, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNREACHABLE);
  g_assert_false (fb_sync_error_needs_attention (error));
  g_clear_error (&error);

  fb_test_proxy_set_mode (fixture->proxy, FB_TEST_PROXY_PASS, 0, NULL);
  info = open_db (fixture->client, FALSE, &error);
  g_assert_no_error (error);
}

static void
test_proxy_lose_response (ProxyFixture  *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) docs = docs_from_json ("[{\"_id\":\"lost\",\"title\":\"committed\"}]");
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonObject) stored = NULL;

  fb_test_proxy_set_mode (fixture->proxy, FB_TEST_PROXY_LOSE_RESPONSE_AFTER_COMMIT, 1, "_bulk_docs");
  results = bulk_docs (fixture->client, docs, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNREACHABLE);
  g_assert_false (fb_sync_error_needs_attention (error));
  g_assert_null (results);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (fixture->proxy), ==, 1);

  /* The server has it all the same. */
  stored = fb_test_server_get_doc (auth_server, fixture->db, "lost", NULL);
  g_assert_nonnull (stored);
  g_assert_cmpstr (json_object_get_string_member (stored, "title"), ==, "committed");
}

/* ------------------------------------------------------------------ */
/* The harness itself                                                  */
/* ------------------------------------------------------------------ */

static void
test_server_restart (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestServer) server = NULL;
  g_autoptr(FbCouchClient) client = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autofree char *rev = NULL;

  server = fb_test_server_start_full (ADMIN_USER, ADMIN_PASSWORD, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (fb_test_server_create_db (server, "kept", &error));
  rev = fb_test_server_put_doc (server, "kept", "doc", "{\"v\":1}", &error);
  g_assert_no_error (error);

  client = client_new (fb_test_server_get_url (server), "kept", ADMIN_USER, ADMIN_PASSWORD);
  fb_test_server_stop (server);
  g_assert_false (fb_test_server_is_running (server));

  info = open_db (client, FALSE, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNREACHABLE);
  g_clear_error (&error);

  g_assert_true (fb_test_server_restart (server, &error));
  g_assert_no_error (error);

  info = open_db (client, FALSE, &error);
  g_assert_no_error (error);
  doc = fb_test_server_get_doc (server, "kept", "doc", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "_rev"), ==, rev);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  open_server = fb_test_server_start (NULL, NULL, &error);
  g_assert_no_error (error);
  auth_server = fb_test_server_start (ADMIN_USER, ADMIN_PASSWORD, &error);
  g_assert_no_error (error);

  g_test_add_func ("/couch-client/new/invalid", test_new_invalid);
  g_test_add_func ("/couch-client/error/needs-attention", test_error_needs_attention);
  g_test_add_func ("/couch-client/open/create", test_open_create);
  g_test_add_func ("/couch-client/open/auth", test_open_auth);
  g_test_add_func ("/couch-client/open/unreachable", test_unreachable);
  g_test_add_func ("/couch-client/open/tls", test_tls_error);
  g_test_add_func ("/couch-client/bulk-docs", test_bulk_docs);
  g_test_add_func ("/couch-client/get-docs", test_get_docs);
  g_test_add_func ("/couch-client/changes/paging", test_changes_paging);
  g_test_add_func ("/couch-client/changes/large", test_changes_large);
  g_test_add_func ("/couch-client/changes/longpoll-wakes", test_longpoll_wakes);
  g_test_add_func ("/couch-client/changes/longpoll-heartbeat", test_longpoll_heartbeat);
  g_test_add_func ("/couch-client/changes/longpoll-timeout", test_longpoll_timeout);
  g_test_add_func ("/couch-client/cancel", test_cancel);
  g_test_add ("/couch-client/proxy/html", ProxyFixture, NULL,
              proxy_fixture_setup, test_proxy_html, proxy_fixture_teardown);
  g_test_add ("/couch-client/proxy/truncated", ProxyFixture, NULL,
              proxy_fixture_setup, test_proxy_truncated, proxy_fixture_teardown);
  g_test_add ("/couch-client/proxy/too-many-requests", ProxyFixture, NULL,
              proxy_fixture_setup, test_proxy_too_many_requests, proxy_fixture_teardown);
  g_test_add ("/couch-client/proxy/service-unavailable", ProxyFixture, NULL,
              proxy_fixture_setup, test_proxy_service_unavailable, proxy_fixture_teardown);
  g_test_add ("/couch-client/proxy/server-error", ProxyFixture, NULL,
              proxy_fixture_setup, test_proxy_server_error, proxy_fixture_teardown);
  g_test_add ("/couch-client/proxy/down", ProxyFixture, NULL,
              proxy_fixture_setup, test_proxy_down, proxy_fixture_teardown);
  g_test_add ("/couch-client/proxy/lose-response", ProxyFixture, NULL,
              proxy_fixture_setup, test_proxy_lose_response, proxy_fixture_teardown);
  g_test_add_func ("/couch-client/harness/restart", test_server_restart);

  ret = g_test_run ();

  g_clear_pointer (&open_server, fb_test_server_free);
  g_clear_pointer (&auth_server, fb_test_server_free);

  return ret;
}
