/* fb-test-cli.c: the command line run in a child process, for the test-cli* tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-cli"

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb-cli.h"
#include "fb-crypto.h"
#include "fb-test-cli.h"
#include "fb-test-dir.h"
#include "fb-test-disk.h"

/* The test each child runs: it reads its arguments from FB_TEST_CLI_ARGS. */
#define SUBPROCESS_PATH "/cli/subprocess/run"

static char *tmp_root;

/* ---- Running the command line in a child process ----
 *
 * Each command runs in a subprocess (/cli/subprocess/run) so its stdout,
 * stderr and exit status can be checked, and so that g_get_user_data_dir()
 * follows the XDG_DATA_HOME the parent chose. The arguments travel in
 * FB_TEST_CLI_ARGS, separated by '\n'. */

static void
subprocess_run (void)
{
  g_autoptr(GApplication) app = NULL;
  g_autoptr(GVariantDict) options = g_variant_dict_new (NULL);
  g_auto(GStrv) args = NULL;
  g_autoptr(GStrvBuilder) tags = g_strv_builder_new ();
  g_auto(GStrv) tag_array = NULL;
  int status;

  if (!g_test_subprocess ())
    {
      g_test_skip ("Only runs as the child of another test");
      return;
    }

  args = g_strsplit (g_getenv ("FB_TEST_CLI_ARGS"), "\n", -1);
  for (guint i = 0; args[i] != NULL && *args[i] != '\0'; i++)
    {
      const char *name = args[i];

      if (strcmp (name, "sync") == 0 || strcmp (name, "trash") == 0 ||
          strcmp (name, "empty-trash") == 0 || strcmp (name, "change-passphrase") == 0 ||
          strcmp (name, "encrypt") == 0 || strcmp (name, "compact") == 0 ||
          strcmp (name, "tags") == 0 || strcmp (name, "collect-attachments") == 0 ||
          strcmp (name, "conflicts") == 0)
        g_variant_dict_insert (options, name, "b", TRUE);
      else if (strcmp (name, "rest") == 0)
        {
          const char *rest[] = { args[++i], NULL };

          g_variant_dict_insert (options, G_OPTION_REMAINING, "^as", rest);
        }
      else if (strcmp (name, "rest2") == 0)
        {
          const char *rest[] = { args[i + 1], args[i + 2], NULL };

          i += 2;
          g_variant_dict_insert (options, G_OPTION_REMAINING, "^as", rest);
        }
      else if (strcmp (name, "export") == 0 || strcmp (name, "import") == 0)
        g_variant_dict_insert (options, name, "^ay", args[++i]);
      else if (strcmp (name, "limit") == 0)
        g_variant_dict_insert (options, name, "i", atoi (args[++i]));
      else if (strcmp (name, "tag") == 0)
        /* Repeatable, as the option parser gives it: a string array. */
        g_strv_builder_add (tags, args[++i]);
      else
        g_variant_dict_insert (options, name, "s", args[++i]);
    }
  tag_array = g_strv_builder_end (tags);
  if (tag_array[0] != NULL)
    g_variant_dict_insert (options, "tag", "^as", tag_array);

  app = g_application_new ("io.github.fieldbook.TestCli", G_APPLICATION_NON_UNIQUE);
  fb_cli_add_options (app);
  status = fb_cli_handle_local_options (app, options);
  fflush (stdout);

  /* The parent learns the exact status from a file: GLib's trap only
   * tells passed (0) from failed. FB_TEST_CLI_STATUS puts it elsewhere
   * when the data dir is on a full disk. */
  {
    g_autofree char *status_file = g_getenv ("FB_TEST_CLI_STATUS") != NULL
      ? g_strdup (g_getenv ("FB_TEST_CLI_STATUS"))
      : g_build_filename (g_getenv ("XDG_DATA_HOME"), "cli-exit-status", NULL);
    g_autofree char *text = g_strdup_printf ("%d", status);

    g_file_set_contents (status_file, text, -1, NULL);
  }
  exit (status < 0 ? 2 : status);
}

/* Runs the command with the data dir @home; TRUE when it exited with 0. */
gboolean
fb_test_cli_run (const char *home,
                 ...)
{
  g_autoptr(GString) args = g_string_new (NULL);
  va_list ap;
  const char *arg;

  va_start (ap, home);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_string_append_printf (args, "%s\n", arg);
  va_end (ap);

  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_setenv ("FB_TEST_CLI_ARGS", args->str, TRUE);
  g_test_trap_subprocess (SUBPROCESS_PATH, 120 * G_USEC_PER_SEC, 0);
  return g_test_trap_has_passed ();
}

/* The exit status of the last fb_test_cli_run () with the data dir @home. */
int
fb_test_cli_last_exit_status (const char *home)
{
  g_autofree char *status_file = g_build_filename (home, "cli-exit-status", NULL);
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (status_file, &text, NULL, NULL));
  return atoi (text);
}

/* ---- A fault proxy on its own thread ----
 *
 * While the parent waits for a child, GLib iterates a context of its own,
 * not the default one: the proxy the child talks to runs in a thread. */

static gpointer
proxy_thread_main (gpointer data)
{
  FbTestCliProxy *pt = data;
  g_autoptr(GError) error = NULL;
  FbTestProxy *proxy;

  g_main_context_push_thread_default (pt->context);
  proxy = fb_test_proxy_new (fb_test_server_get_url (pt->server), &error);
  g_assert_no_error (error);

  g_mutex_lock (&pt->lock);
  pt->proxy = proxy;
  g_cond_signal (&pt->ready);
  g_mutex_unlock (&pt->lock);

  g_main_loop_run (pt->loop);

  fb_test_proxy_free (proxy);
  g_main_context_pop_thread_default (pt->context);
  return NULL;
}

FbTestCliProxy *
fb_test_cli_proxy_new (FbTestServer *server)
{
  FbTestCliProxy *pt = g_new0 (FbTestCliProxy, 1);

  pt->server = server;
  g_mutex_init (&pt->lock);
  g_cond_init (&pt->ready);
  pt->context = g_main_context_new ();
  pt->loop = g_main_loop_new (pt->context, FALSE);
  pt->thread = g_thread_new ("test-proxy", proxy_thread_main, pt);

  g_mutex_lock (&pt->lock);
  while (pt->proxy == NULL)
    g_cond_wait (&pt->ready, &pt->lock);
  g_mutex_unlock (&pt->lock);

  return pt;
}

void
fb_test_cli_proxy_free (FbTestCliProxy *pt)
{
  g_main_loop_quit (pt->loop);
  g_thread_join (pt->thread);
  g_main_loop_unref (pt->loop);
  g_main_context_unref (pt->context);
  g_mutex_clear (&pt->lock);
  g_cond_clear (&pt->ready);
  g_free (pt);
}



/* Like fb_test_cli_run (), but returns the exit status. */
int
fb_test_cli_run_status (const char *home,
                        ...)
{
  g_autoptr(GString) args = g_string_new (NULL);
  g_autofree char *status_file = g_build_filename (tmp_root, "cli-status", NULL);
  g_autofree char *status = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;
  const char *arg;

  va_start (ap, home);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_string_append_printf (args, "%s\n", arg);
  va_end (ap);

  g_unlink (status_file);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_setenv ("FB_TEST_CLI_ARGS", args->str, TRUE);
  g_setenv ("FB_TEST_CLI_STATUS", status_file, TRUE);
  g_test_trap_subprocess (SUBPROCESS_PATH, 120 * G_USEC_PER_SEC, 0);
  g_unsetenv ("FB_TEST_CLI_STATUS");

  g_file_get_contents (status_file, &status, NULL, &error);
  g_assert_no_error (error);
  return atoi (status);
}

/* ---- Stores ---- */

char *
fb_test_cli_new_home (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fb-test-cli-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return g_steal_pointer (&dir);
}

FbStore *
fb_test_cli_open_store (const char *home)
{
  g_autofree char *path = g_build_filename (home, "fieldbook", "fieldbook.db", NULL);
  g_autoptr(GError) error = NULL;
  FbStore *store = fb_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

guint
fb_test_cli_count_items (const char *home)
{
  g_autoptr(FbStore) store = fb_test_cli_open_store (home);
  g_autoptr(GPtrArray) items = fb_store_list_items (store, NULL, NULL);

  return items->len;
}

/* Three items: a note, a record, and a deleted note (not exported). */
void
fb_test_cli_fill_store (const char  *home,
                        char       **note_id,
                        char       **record_id)
{
  g_autoptr(FbStore) store = fb_test_cli_open_store (home);
  g_autoptr(JsonObject) note = fb_note_body_new ("Groceries", "milk\neggs\n");
  g_autoptr(JsonObject) record = fb_record_body_new ("Bird count");
  g_autoptr(JsonObject) gone = fb_note_body_new ("Gone", "");
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(FbItem) a = NULL;
  g_autoptr(FbItem) b = NULL;
  g_autoptr(FbItem) c = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_int_member (fields, "robins", 3);
  json_object_set_object_member (record, "fields", g_steal_pointer (&fields));
  json_object_set_string_member (note, "unknown-key", "kept");

  a = fb_store_create_item (store, FB_COLLECTION_NOTES, note, &error);
  g_assert_no_error (error);
  b = fb_store_create_item (store, FB_COLLECTION_RECORDS, record, &error);
  g_assert_no_error (error);
  c = fb_store_create_item (store, FB_COLLECTION_NOTES, gone, &error);
  g_assert_no_error (error);
  fb_store_delete_item (store, fb_item_get_id (c), &error);
  g_assert_no_error (error);

  if (note_id != NULL)
    *note_id = g_strdup (fb_item_get_id (a));
  if (record_id != NULL)
    *record_id = g_strdup (fb_item_get_id (b));
}

/* Another device sets @member of item @id to @value on the server. */
void
fb_test_cli_edit_on_server (FbTestServer *server,
                            const char   *db,
                            const char   *id,
                            const char   *member,
                            const char   *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = fb_test_server_get_doc (server, db, id, &error);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *doc_json = NULL;
  g_autofree char *rev = NULL;

  g_assert_no_error (error);
  json_object_set_string_member (doc, member, value);
  node = json_node_init_object (json_node_alloc (), doc);
  doc_json = json_to_string (node, FALSE);
  rev = fb_test_server_put_doc (server, db, id, doc_json, &error);
  g_assert_no_error (error);
}

/* This device sets @member of item @id to @value, as an editor would. */
void
fb_test_cli_edit_locally (const char *home,
                          const char *id,
                          const char *member,
                          const char *value)
{
  g_autoptr(FbStore) store = fb_test_cli_open_store (home);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = fb_store_get_item (store, id, &error);
  g_autoptr(JsonObject) body = NULL;

  g_assert_no_error (error);
  body = fb_body_copy (fb_item_get_body (item));
  json_object_set_string_member (body, member, value);
  fb_store_update_item (store, id, body, &error);
  g_assert_no_error (error);
}

char *
fb_test_cli_write_file (const char *name,
                        const char *contents)
{
  char *path = g_build_filename (tmp_root, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

const char *
fb_test_cli_tmp_root (void)
{
  return tmp_root;
}

void
fb_test_cli_init (int    *argc,
                  char ***argv)
{
  g_autoptr(GError) error = NULL;

  /* Before anything could start a thread. */
  fb_test_disk_init ();
  g_test_init (argc, argv, NULL);
  /* Each run of the command line derives the encryption key anew. */
  fb_crypto_set_kdf_limits (FB_CRYPTO_KDF_INTERACTIVE);

  if (!g_test_subprocess ())
    {
      g_autofree char *keyring = NULL;

      tmp_root = g_dir_make_tmp ("fb-test-cli-root-XXXXXX", &error);
      g_assert_no_error (error);
      keyring = g_build_filename (tmp_root, "keyring", NULL);
      /* libsecret's file backend: no D-Bus, no keyring daemon. Set before
       * the first libsecret call; children inherit it. */
      g_setenv ("SECRET_BACKEND", "file", TRUE);
      g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
      g_setenv ("SECRET_FILE_TEST_PASSWORD", "test", TRUE);
      g_unsetenv ("FIELDBOOK_PASSWORD");
    }

  g_test_add_func (SUBPROCESS_PATH, subprocess_run);
}

void
fb_test_cli_cleanup (void)
{
  if (tmp_root != NULL)
    fb_test_remove_tree (tmp_root);
  g_clear_pointer (&tmp_root, g_free);
}
