/* test-cli-sync.c: --sync, --encrypt and the keyring, against PouchDB Server, run as a user would */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-cli-sync"

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb-cli.h"
#include "fb-credentials.h"
#include "fb-store.h"
#include "fb-test-cli.h"
#include "fb-test-disk.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;

/* ---- Tests ---- */

static void
test_sync (void)
{
  g_autofree char *home_a = fb_test_cli_new_home ();
  g_autofree char *home_b = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  const char *url = fb_test_server_get_url (server);

  fb_test_cli_fill_store (home_a, &note_id, NULL);

  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_assert_true (fb_test_cli_run (home_a, "sync", "server", url, "database", "cli-sync", "user", ADMIN, NULL));
  /* Two items and the deleted one (a tombstone the server never saw). */
  g_test_trap_assert_stdout ("Pushed 3, pulled 0, merged 0, 0 new conflicts\nNo item is in conflict.\n");
  doc = fb_test_server_get_doc (server, "cli-sync", note_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "Groceries");

  g_assert_true (fb_test_cli_run (home_b, "sync", "server", url, "database", "cli-sync", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 0, pulled 2, merged 0, 0 new conflicts\nNo item is in conflict.\n");
  g_assert_cmpuint (fb_test_cli_count_items (home_b), ==, 2);

  /* Nothing new: nothing moves. */
  g_assert_true (fb_test_cli_run (home_b, "sync", "server", url, "database", "cli-sync", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 0, pulled 0, merged 0, 0 new conflicts\nNo item is in conflict.\n");

  g_setenv ("FIELDBOOK_PASSWORD", "wrong", TRUE);
  g_assert_false (fb_test_cli_run (home_b, "sync", "server", url, "database", "cli-sync", "user", ADMIN, NULL));
  g_test_trap_assert_stderr ("Could not sync: wrong user name or password\n");
  g_test_trap_assert_stdout ("");
  g_unsetenv ("FIELDBOOK_PASSWORD");

  /* No server in the settings nor in the options. */
  g_assert_false (fb_test_cli_run (home_b, "sync", NULL));
  g_test_trap_assert_stderr ("*Could not sync: no server is set up*");

  /* Without FIELDBOOK_PASSWORD the password comes from the keyring. */
  fb_credentials_store_sync (url, ADMIN, PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fb_test_cli_run (home_b, "sync", "server", url, "database", "cli-sync", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 0, pulled 0, merged 0, 0 new conflicts\nNo item is in conflict.\n");
  fb_credentials_clear_sync (url, ADMIN, NULL, &error);
  g_assert_no_error (error);

  fb_test_remove_tree (home_a);
  fb_test_remove_tree (home_b);
}

/* FIELDBOOK_PASSPHRASE turns end-to-end encryption on; a device without
 * it is told the database is encrypted, a wrong one that it is wrong, and
 * neither reads anything. */
static void
test_sync_encrypted (void)
{
  g_autofree char *home_a = fb_test_cli_new_home ();
  g_autofree char *home_b = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  const char *url = fb_test_server_get_url (server);

  fb_test_cli_fill_store (home_a, &note_id, NULL);
  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_setenv ("FIELDBOOK_PASSPHRASE", "field notes only", TRUE);
  g_assert_true (fb_test_cli_run (home_a, "sync", "server", url, "database", "cli-encrypted", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 3, pulled 0, merged 0, 0 new conflicts\nNo item is in conflict.\n");
  doc = fb_test_server_get_doc (server, "cli-encrypted", note_id, &error);
  g_assert_no_error (error);
  g_assert_false (json_object_has_member (doc, "title"));

  g_unsetenv ("FIELDBOOK_PASSPHRASE");
  g_assert_false (fb_test_cli_run (home_b, "sync", "server", url, "database", "cli-encrypted", "user", ADMIN, NULL));
  g_test_trap_assert_stderr ("Could not sync: the database is encrypted: give its passphrase in FIELDBOOK_PASSPHRASE\n");
  g_assert_cmpuint (fb_test_cli_count_items (home_b), ==, 0);

  g_setenv ("FIELDBOOK_PASSPHRASE", "field notes", TRUE);
  g_assert_false (fb_test_cli_run (home_b, "sync", "server", url, "database", "cli-encrypted", "user", ADMIN, NULL));
  g_test_trap_assert_stderr ("Could not sync: the encryption passphrase is wrong; nothing was changed\n");
  g_assert_cmpuint (fb_test_cli_count_items (home_b), ==, 0);

  g_setenv ("FIELDBOOK_PASSPHRASE", "field notes only", TRUE);
  g_assert_true (fb_test_cli_run (home_b, "sync", "server", url, "database", "cli-encrypted", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 0, pulled 2, merged 0, 0 new conflicts\nNo item is in conflict.\n");
  g_assert_cmpuint (fb_test_cli_count_items (home_b), ==, 2);

  /* A new passphrase: the old one no longer opens the key, the new one
   * does, also from the keyring alone. */
  g_setenv ("FIELDBOOK_NEW_PASSPHRASE", "a longer field passphrase", TRUE);
  g_assert_true (fb_test_cli_run (home_b, "change-passphrase", "server", url, "database", "cli-encrypted",
                          "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("The encryption passphrase is changed. Other devices need the new one from now on.\n");
  g_unsetenv ("FIELDBOOK_NEW_PASSPHRASE");
  g_assert_false (fb_test_cli_run (home_a, "sync", "server", url, "database", "cli-encrypted", "user", ADMIN, NULL));
  g_test_trap_assert_stderr ("Could not sync: the encryption passphrase is wrong; nothing was changed\n");
  g_unsetenv ("FIELDBOOK_PASSPHRASE");
  g_assert_true (fb_test_cli_run (home_a, "sync", "server", url, "database", "cli-encrypted", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 0, pulled 0, merged 0, 0 new conflicts\nNo item is in conflict.\n");

  g_unsetenv ("FIELDBOOK_PASSPHRASE");
  g_unsetenv ("FIELDBOOK_PASSWORD");
  fb_test_remove_tree (home_a);
  fb_test_remove_tree (home_b);
}

/* --encrypt turns encryption on for a database synced in plain before:
 * every item goes again, sealed; the passphrase is kept in the keyring so
 * a later --sync (and a second device of the same person) needs nothing
 * more; --compact then drops the plain revisions from the server. */
static void
test_encrypt (void)
{
  g_autofree char *home_a = fb_test_cli_new_home ();
  g_autofree char *home_b = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *plain_rev = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonNode) old = NULL;
  g_autofree char *parent_keyring = g_strdup (g_getenv ("SECRET_FILE_TEST_PATH"));
  g_autofree char *keyring = g_build_filename (home_a, "keyring", NULL);
  const char *url = fb_test_server_get_url (server);
  guint status = 0;

  /* The children share a keyring of their own: libsecret's file backend
   * in this process would find its file changed under it. */
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  fb_test_cli_fill_store (home_a, &note_id, NULL);
  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_unsetenv ("FIELDBOOK_PASSPHRASE");
  g_assert_true (fb_test_cli_run (home_a, "sync", "server", url, "database", "cli-encrypt", "user", ADMIN, NULL));
  doc = fb_test_server_get_doc (server, "cli-encrypt", note_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "Groceries");
  plain_rev = g_strdup (json_object_get_string_member (doc, "_rev"));
  g_clear_pointer (&doc, json_object_unref);

  /* No passphrase: nothing happens, and it says what to give. */
  g_assert_false (fb_test_cli_run (home_a, "encrypt", "server", url, "database", "cli-encrypt", "user", ADMIN, NULL));
  g_test_trap_assert_stderr ("Could not turn encryption on: give the passphrase in FIELDBOOK_PASSPHRASE\n");
  doc = fb_test_server_get_doc (server, "cli-encrypt", note_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "_rev"), ==, plain_rev);
  g_clear_pointer (&doc, json_object_unref);

  g_setenv ("FIELDBOOK_PASSPHRASE", "heron at the weir", TRUE);
  g_assert_true (fb_test_cli_run (home_a, "encrypt", "server", url, "database", "cli-encrypt", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 2, pulled 0, merged 0, 0 new conflicts\nNo item is in conflict.\nEncryption is on: 2 items were sent again encrypted. Older plain versions stay on the server until it is compacted (fieldbook --compact).\n");
  doc = fb_test_server_get_doc (server, "cli-encrypt", note_id, &error);
  g_assert_no_error (error);
  g_assert_false (json_object_has_member (doc, "title"));
  g_assert_cmpstr (json_object_get_string_member (doc, "_rev"), !=, plain_rev);
  g_clear_pointer (&doc, json_object_unref);

  /* Again: already on, nothing to send. */
  g_assert_true (fb_test_cli_run (home_a, "encrypt", "server", url, "database", "cli-encrypt", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 0, pulled 0, merged 0, 0 new conflicts\nNo item is in conflict.\nEncryption is on.\n");

  /* The keyring has it now: a second store reads everything without it. */
  g_unsetenv ("FIELDBOOK_PASSPHRASE");
  g_assert_true (fb_test_cli_run (home_b, "sync", "server", url, "database", "cli-encrypt", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 0, pulled 2, merged 0, 0 new conflicts\nNo item is in conflict.\n");
  g_assert_cmpuint (fb_test_cli_count_items (home_b), ==, 2);

  /* The plain revision is still there until the server compacts. */
  path = g_strdup_printf ("cli-encrypt/%s?rev=%s", note_id, plain_rev);
  old = fb_test_server_request (server, "GET", path, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (old), "title"), ==, "Groceries");
  g_clear_pointer (&old, json_node_unref);

  g_assert_true (fb_test_cli_run (home_b, "compact", "server", url, "database", "cli-encrypt", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("The server is compacting the database; old versions are removed in the background.\n");
  /* The pinned PouchDB Server compacts before it answers (CouchDB does
   * it in the background), so the plain body is gone now. */
  old = fb_test_server_request (server, "GET", path, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 404);
  g_clear_pointer (&old, json_node_unref);

  g_setenv ("FIELDBOOK_PASSWORD", "wrong", TRUE);
  g_assert_false (fb_test_cli_run (home_b, "compact", "server", url, "database", "cli-encrypt", "user", ADMIN, NULL));
  g_test_trap_assert_stderr ("Could not compact the database: the server lets only its administrator compact a database (check the user name and password)\n");

  g_unsetenv ("FIELDBOOK_PASSWORD");
  g_setenv ("SECRET_FILE_TEST_PATH", parent_keyring, TRUE);
  fb_test_remove_tree (home_a);
  fb_test_remove_tree (home_b);
}

/* A sync finds a conflict while pushing, then fails on _changes: it still
 * says what it did (and exits non-zero); the next one, which puts nothing
 * new into conflict, still says how many items wait in the store. */
static void
test_sync_conflict_then_failure (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autoptr(FbTestCliProxy) pt = fb_test_cli_proxy_new (server);
  const char *url = fb_test_server_get_url (server);
  const char *proxy_url = fb_test_proxy_get_url (pt->proxy);

  fb_test_cli_fill_store (home, &note_id, NULL);
  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_assert_true (fb_test_cli_run (home, "sync", "server", url, "database", "cli-conflict", "user", ADMIN,
                          NULL));
  g_assert_cmpint (fb_test_cli_last_exit_status (home), ==, 0);

  /* Another device changes the note's first line on the server ... */
  fb_test_cli_edit_on_server (server, "cli-conflict", note_id, "text", "oat milk\neggs\n");
  /* ... and this one the same line, differently. */
  fb_test_cli_edit_locally (home, note_id, "text", "soy milk\neggs\n");

  fb_test_proxy_set_mode (pt->proxy, FB_TEST_PROXY_SERVER_ERROR, 0, "_changes");
  g_assert_false (fb_test_cli_run (home, "sync", "server", proxy_url, "database", "cli-conflict",
                           "user", ADMIN, NULL));
  g_assert_cmpint (fb_test_cli_last_exit_status (home), ==, 1);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (pt->proxy), >=, 1);
  g_test_trap_assert_stdout ("Pushed 0, pulled 0, merged 0, 1 new conflict\n"
                             "1 item is in conflict and needs a decision: open Fieldbook to choose, or see fieldbook --conflicts.\n");
  g_test_trap_assert_stderr ("Could not sync: *");
  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home);

    g_assert_cmpuint (fb_store_get_conflict_count (store), ==, 1);
  }

  fb_test_proxy_set_mode (pt->proxy, FB_TEST_PROXY_PASS, 0, NULL);
  g_assert_true (fb_test_cli_run (home, "sync", "server", proxy_url, "database", "cli-conflict",
                          "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 0, pulled 0, merged 0, 0 new conflicts\n"
                             "1 item is in conflict and needs a decision: open Fieldbook to choose, or see fieldbook --conflicts.\n");

  g_unsetenv ("FIELDBOOK_PASSWORD");
  fb_test_remove_tree (home);
}

/* A sync that puts an item into conflict says so and exits with its own
 * status, so a script can tell "a person must decide" from "all synced". */
static void
test_sync_new_conflict_status (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  const char *url = fb_test_server_get_url (server);

  fb_test_cli_fill_store (home, &note_id, NULL);
  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_assert_true (fb_test_cli_run (home, "sync", "server", url, "database", "cli-new-conflict",
                          "user", ADMIN, NULL));

  fb_test_cli_edit_on_server (server, "cli-new-conflict", note_id, "title", "Shopping");
  fb_test_cli_edit_locally (home, note_id, "title", "Market");

  g_assert_false (fb_test_cli_run (home, "sync", "server", url, "database", "cli-new-conflict",
                           "user", ADMIN, NULL));
  g_assert_cmpint (fb_test_cli_last_exit_status (home), ==, 3);
  g_test_trap_assert_stdout ("Pushed 0, pulled 0, merged 0, 1 new conflict\n"
                             "1 item is in conflict and needs a decision: open Fieldbook to choose, or see fieldbook --conflicts.\n");
  g_test_trap_assert_stderr ("");

  g_unsetenv ("FIELDBOOK_PASSWORD");
  fb_test_remove_tree (home);
}

/* A full disk: the notes can still be exported; import and sync change
 * nothing, say why, and exit with their own status. */
static void
test_full_disk (void)
{
  g_autofree char *disk = fb_test_disk_new (2 * 1024 * 1024);
  g_autofree char *filler = NULL;
  g_autofree char *note_id = NULL;
  g_autofree char *file = g_build_filename (fb_test_cli_tmp_root (), "full-disk-export.json", NULL);
  g_autofree char *import = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *data = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(GError) error = NULL;
  const char *url = fb_test_server_get_url (server);

  if (disk == NULL)
    return;
  data = g_build_filename (disk, "fieldbook", NULL);

  fb_test_cli_fill_store (disk, &note_id, NULL);
  filler = fb_test_disk_fill (disk);

  g_assert_cmpint (fb_test_cli_run_status (disk, "export", file, NULL), ==, 0);
  g_test_trap_assert_stdout ("Exported 2 items\n");
  g_file_get_contents (file, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, "Groceries"));
  g_assert_nonnull (strstr (contents, "Bird count"));

  import = fb_test_cli_write_file ("full-disk-import.json",
                       "{\"fieldbook\": 1, \"items\": [{\"_id\": \"new-note\", \"type\": \"notes\","
                       " \"title\": \"New\", \"text\": \"\", \"tags\": []}]}");
  g_assert_cmpint (fb_test_cli_run_status (disk, "import", import, NULL), ==, FB_CLI_EXIT_READ_ONLY);
  g_test_trap_assert_stderr ("Could not import *: The disk is full: * until space is freed. Nothing was imported.\n");
  g_test_trap_assert_stdout ("");

  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_assert_cmpint (fb_test_cli_run_status (disk, "sync", "server", url, "database", "cli-full-disk",
                                   "user", ADMIN, NULL), ==, FB_CLI_EXIT_READ_ONLY);
  g_unsetenv ("FIELDBOOK_PASSWORD");
  g_test_trap_assert_stderr ("Could not sync: The disk is full: * until space is freed\n");
  /* Nothing reached the server: its answers could not have been saved. */
  doc = fb_test_server_get_doc (server, "cli-full-disk", note_id, &error);
  g_assert_null (doc);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Room again: importing works. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  g_assert_cmpint (fb_test_cli_run_status (disk, "import", import, NULL), ==, 0);
  g_test_trap_assert_stdout ("Imported 1 item\n");
  g_assert_cmpuint (fb_test_cli_count_items (disk), ==, 3);

  fb_test_remove_tree (data);
  fb_test_disk_free (g_steal_pointer (&disk));
}

typedef struct {
  GAsyncResult *result;
  gboolean      done;
} Waiter;

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Waiter *waiter = user_data;

  g_set_object (&waiter->result, result);
  waiter->done = TRUE;
}

static void
test_credentials (void)
{
  g_autoptr(GError) error = NULL;
  Waiter waiter = { NULL, FALSE };
  g_autofree char *found = NULL;
  g_autofree char *async_found = NULL;
  g_autofree char *other = NULL;

  found = fb_credentials_lookup_sync ("https://couch.example.org/", "ann", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  fb_credentials_store_sync ("https://couch.example.org/", "ann", "pa55word", NULL, &error);
  g_assert_no_error (error);
  fb_credentials_store_sync ("https://couch.example.org/", "bob", "other", NULL, &error);
  g_assert_no_error (error);

  found = fb_credentials_lookup_sync ("https://couch.example.org/", "ann", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "pa55word");

  fb_credentials_lookup_async ("https://couch.example.org/", "bob", NULL, lookup_cb, &waiter);
  fb_test_wait_for_flag (&waiter.done, 10000);
  async_found = fb_credentials_lookup_finish (waiter.result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (async_found, ==, "other");
  waiter.done = FALSE;

  /* Storing again replaces. */
  fb_credentials_store_sync ("https://couch.example.org/", "ann", "new one", NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&found, g_free);
  found = fb_credentials_lookup_sync ("https://couch.example.org/", "ann", NULL, &error);
  g_assert_cmpstr (found, ==, "new one");

  g_assert_true (fb_credentials_clear_sync ("https://couch.example.org/", "ann", NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&found, g_free);
  found = fb_credentials_lookup_sync ("https://couch.example.org/", "ann", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  /* Another server, same user: not the same entry. */
  other = fb_credentials_lookup_sync ("https://elsewhere.example.org/", "bob", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (other);

  fb_credentials_clear_async ("https://couch.example.org/", "bob", NULL, lookup_cb, &waiter);
  fb_test_wait_for_flag (&waiter.done, 10000);
  g_assert_true (fb_credentials_clear_finish (waiter.result, &error));
  g_assert_no_error (error);
  g_clear_object (&waiter.result);
}

/* A change the server refuses is not a success: --sync exits with 5 and
 * names it (id, title, the server's reason); the others went out. */
static void
test_sync_unsent (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *bad_id = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  const char *url = fb_test_server_get_url (server);

  fb_test_server_create_db (server, "cli-unsent", &error);
  g_assert_no_error (error);
  rev = fb_test_server_put_doc (server, "cli-unsent", "_design/rules",
                                "{\"validate_doc_update\": \"function (doc) {"
                                " if (doc.title === 'Secret plans')"
                                " throw ({forbidden: 'No secrets here'}); }\"}",
                                &error);
  g_assert_no_error (error);

  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home);
    g_autoptr(JsonObject) bad = fb_note_body_new ("Secret plans", "x\n");
    g_autoptr(JsonObject) good = fb_note_body_new ("Shopping", "y\n");
    g_autoptr(FbItem) item = fb_store_create_item (store, FB_COLLECTION_NOTES, bad, &error);
    g_autoptr(FbItem) other = NULL;

    g_assert_no_error (error);
    bad_id = g_strdup (fb_item_get_id (item));
    other = fb_store_create_item (store, FB_COLLECTION_NOTES, good, &error);
    g_assert_no_error (error);
  }

  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_assert_false (fb_test_cli_run (home, "sync", "server", url, "database", "cli-unsent", "user", ADMIN,
                           NULL));
  g_unsetenv ("FIELDBOOK_PASSWORD");
  g_assert_cmpint (fb_test_cli_last_exit_status (home), ==, 5);
  g_test_trap_assert_stdout ("Pushed 1, *");
  /* "?" matches the quotes, whatever the locale makes of them. */
  expected = g_strdup_printf ("1 change was not sent to the server:\n"
                              "  %s ?Secret plans?: No secrets here\n", bad_id);
  g_test_trap_assert_stderr (expected);
  fb_test_remove_tree (home);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  fb_test_cli_init (&argc, &argv);
  if (!g_test_subprocess ())
    {
      server = fb_test_server_start (ADMIN, PASSWORD, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/cli/sync", test_sync);
  g_test_add_func ("/cli/sync/encrypted", test_sync_encrypted);
  g_test_add_func ("/cli/encrypt", test_encrypt);
  g_test_add_func ("/cli/sync/conflict-then-failure", test_sync_conflict_then_failure);
  g_test_add_func ("/cli/sync/new-conflict-status", test_sync_new_conflict_status);
  g_test_add_func ("/cli/sync/unsent", test_sync_unsent);
  g_test_add_func ("/cli/credentials", test_credentials);
  g_test_add_func ("/cli/full-disk", test_full_disk);

  status = g_test_run ();

  g_clear_pointer (&server, fb_test_server_free);
  fb_test_cli_cleanup ();
  return status;
}
