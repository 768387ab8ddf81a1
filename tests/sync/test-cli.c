/* test-cli.c: --export, --import and --sync, and the keyring, run as a user would */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb-attachments.h"
#include "fb-cli.h"
#include "fb-crypto.h"
#include "fb-credentials.h"
#include "fb-store.h"
#include "fb-store-history.h"
#include "fb-test-store.h"
#include "fb-template.h"
#include "fb-test-disk.h"
#include "fb-test-proxy.h"
#include "fb-test-server.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;
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
          strcmp (name, "tags") == 0 || strcmp (name, "collect-attachments") == 0)
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
      else
        g_variant_dict_insert (options, name, "s", args[++i]);
    }

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
static gboolean
run_cli (const char *home,
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
  g_test_trap_subprocess ("/cli/subprocess/run", 120 * G_USEC_PER_SEC, 0);
  return g_test_trap_has_passed ();
}

/* The exit status of the last run_cli () with the data dir @home. */
static int
last_exit_status (const char *home)
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

typedef struct {
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
  FbTestProxy  *proxy;
  GMutex        lock;
  GCond         ready;
} ProxyThread;

static gpointer
proxy_thread_main (gpointer data)
{
  ProxyThread *pt = data;
  g_autoptr(GError) error = NULL;
  FbTestProxy *proxy;

  g_main_context_push_thread_default (pt->context);
  proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
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

static ProxyThread *
proxy_thread_new (void)
{
  ProxyThread *pt = g_new0 (ProxyThread, 1);

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

static void
proxy_thread_free (ProxyThread *pt)
{
  g_main_loop_quit (pt->loop);
  g_thread_join (pt->thread);
  g_main_loop_unref (pt->loop);
  g_main_context_unref (pt->context);
  g_mutex_clear (&pt->lock);
  g_cond_clear (&pt->ready);
  g_free (pt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProxyThread, proxy_thread_free)


/* Like run_cli (), but returns the exit status. */
static int
run_cli_status (const char *home,
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
  g_test_trap_subprocess ("/cli/subprocess/run", 120 * G_USEC_PER_SEC, 0);
  g_unsetenv ("FB_TEST_CLI_STATUS");

  g_file_get_contents (status_file, &status, NULL, &error);
  g_assert_no_error (error);
  return atoi (status);
}

/* ---- Stores ---- */

static char *
new_home (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fb-test-cli-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return g_steal_pointer (&dir);
}

static FbStore *
open_store (const char *home)
{
  g_autofree char *path = g_build_filename (home, "fieldbook", "fieldbook.db", NULL);
  g_autoptr(GError) error = NULL;
  FbStore *store = fb_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

static guint
count_items (const char *home)
{
  g_autoptr(FbStore) store = open_store (home);
  g_autoptr(GPtrArray) items = fb_store_list_items (store, NULL, NULL);

  return items->len;
}

/* Three items: a note, a record, and a deleted note (not exported). */
static void
fill_store (const char  *home,
            char       **note_id,
            char       **record_id)
{
  g_autoptr(FbStore) store = open_store (home);
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

static char *
write_file (const char *name,
            const char *contents)
{
  char *path = g_build_filename (tmp_root, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* ---- Tests ---- */

static void
test_no_command (void)
{
  g_autoptr(GApplication) app = g_application_new ("io.github.fieldbook.TestCli",
                                                   G_APPLICATION_NON_UNIQUE);
  g_autoptr(GVariantDict) options = g_variant_dict_new (NULL);

  fb_cli_add_options (app);
  /* --server alone is not a command: the GUI starts. */
  g_variant_dict_insert (options, "server", "s", "http://127.0.0.1:1/");
  g_assert_cmpint (fb_cli_handle_local_options (app, options), ==, -1);
}

static void
test_export_import (void)
{
  g_autofree char *home_a = new_home ();
  g_autofree char *home_b = new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *record_id = NULL;
  g_autofree char *file = g_build_filename (tmp_root, "export.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *items;

  fill_store (home_a, &note_id, &record_id);

  g_assert_true (run_cli (home_a, "export", file, NULL));
  g_test_trap_assert_stdout ("Exported 2 items\n");

  g_file_get_contents (file, &contents, NULL, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, contents, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "fieldbook"), ==, 1);
  items = json_object_get_array_member (root, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *id = json_object_get_string_member (item, "_id");

      g_assert_true (json_object_has_member (item, "updated_at"));
      if (g_strcmp0 (id, note_id) == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (item, "type"), ==, "notes");
          g_assert_cmpstr (json_object_get_string_member (item, "text"), ==, "milk\neggs\n");
          g_assert_cmpstr (json_object_get_string_member (item, "unknown-key"), ==, "kept");
        }
      else
        {
          g_assert_cmpstr (id, ==, record_id);
          g_assert_cmpstr (json_object_get_string_member (item, "type"), ==, "records");
          g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (item, "fields"),
                                                       "robins"), ==, 3);
        }
    }

  /* Into an empty store. */
  g_assert_true (run_cli (home_b, "import", file, NULL));
  g_test_trap_assert_stdout ("Imported 2 items\n");
  {
    g_autoptr(FbStore) a = open_store (home_a);
    g_autoptr(FbStore) b = open_store (home_b);
    const char *ids[] = { note_id, record_id };

    for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
      {
        g_autoptr(FbItem) item_a = fb_store_get_item (a, ids[i], &error);
        g_autoptr(FbItem) item_b = NULL;

        g_assert_no_error (error);
        item_b = fb_store_get_item (b, ids[i], &error);
        g_assert_no_error (error);
        g_assert_cmpstr (fb_item_get_collection (item_a), ==, fb_item_get_collection (item_b));
        g_assert_true (fb_body_equal (fb_item_get_body (item_a), fb_item_get_body (item_b)));
        g_assert_cmpint (fb_item_get_state (item_b), ==, FB_ITEM_STATE_PENDING);
      }
    g_assert_cmpuint (fb_store_get_pending_count (b), ==, 2);
  }

  /* Again: nothing duplicates. */
  g_assert_true (run_cli (home_b, "import", file, NULL));
  g_test_trap_assert_stdout ("Imported 2 items\n");
  g_assert_cmpuint (count_items (home_b), ==, 2);

  /* An edited copy in B: importing makes it an edit of the same item. */
  {
    g_autoptr(FbStore) b = open_store (home_b);
    g_autoptr(JsonObject) body = fb_note_body_new ("Groceries", "changed\n");

    fb_store_update_item (b, note_id, body, &error);
    g_assert_no_error (error);
  }
  g_assert_true (run_cli (home_b, "import", file, NULL));
  g_assert_cmpuint (count_items (home_b), ==, 2);
  {
    g_autoptr(FbStore) b = open_store (home_b);
    g_autoptr(FbItem) item = fb_store_get_item (b, note_id, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (fb_item_get_text (item), ==, "milk\neggs\n");
  }

  /* To standard output: the JSON there, the summary on stderr. */
  g_assert_true (run_cli (home_a, "export", "-", NULL));
  g_test_trap_assert_stdout ("{*\"fieldbook\" : 1,*\"items\" : [*");
  g_test_trap_assert_stderr ("*Exported 2 items*");

  fb_test_remove_tree (home_a);
  fb_test_remove_tree (home_b);
}

static void
test_import_bad_files (void)
{
  g_autofree char *home = new_home ();
  const struct {
    const char *name;
    const char *contents;
    const char *message;
  } cases[] = {
    { "not-json.json", "this is not { json", "*Could not import*not valid JSON*" },
    { "array.json", "[1, 2, 3]", "*Could not import*not a Fieldbook export*" },
    { "no-version.json", "{\"items\": []}", "*Could not import*not a Fieldbook export*" },
    { "newer.json", "{\"fieldbook\": 2, \"items\": []}", "*Could not import*newer format*" },
    { "no-items.json", "{\"fieldbook\": 1, \"items\": 3}", "*Could not import*not a Fieldbook export*" },
    { "no-id.json", "{\"fieldbook\": 1, \"items\": [{\"type\": \"notes\", \"title\": \"x\"}]}",
      "*Could not import*item 1*" },
    /* One good item before a bad one: still nothing imported. */
    { "second-bad.json",
      "{\"fieldbook\": 1, \"items\": [{\"_id\": \"good\", \"type\": \"notes\", \"title\": \"x\"},"
      " {\"_id\": \"bad\", \"type\": \"pictures\"}]}",
      "*Could not import*item 2*Nothing was imported*" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *file = write_file (cases[i].name, cases[i].contents);

      g_test_message ("Importing %s", cases[i].name);
      g_assert_false (run_cli (home, "import", file, NULL));
      g_test_trap_assert_stderr (cases[i].message);
      g_test_trap_assert_stdout ("");
      g_assert_cmpuint (count_items (home), ==, 0);
    }

  {
    g_autofree char *missing = g_build_filename (tmp_root, "missing.json", NULL);

    g_assert_false (run_cli (home, "import", missing, NULL));
    g_test_trap_assert_stderr ("*Could not import*");
  }

  fb_test_remove_tree (home);
}

/* --tags lists each tag with its count; --tag NAME (alone or with
 * --search) keeps the items that have it, notes and records alike. */
static void
test_tags (void)
{
  g_autofree char *home = new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *record_id = NULL;
  g_autofree char *heron = NULL;
  g_autofree char *nest = NULL;
  g_autofree char *expected = NULL;

  fill_store (home, &note_id, &record_id);
  {
    g_autoptr(FbStore) store = open_store (home);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) a = fb_note_body_new ("Heron at the weir", "grey heron");
    g_autoptr(JsonObject) b = fb_record_body_new ("Heron nest 4");
    g_autoptr(FbItem) first = NULL;
    g_autoptr(FbItem) second = NULL;
    JsonArray *tags = json_array_new ();

    json_array_add_string_element (tags, "birds");
    json_array_add_string_element (tags, "river walk");
    json_object_set_array_member (a, "tags", tags);
    tags = json_array_new ();
    json_array_add_string_element (tags, "Birds");
    json_object_set_array_member (b, "tags", tags);
    first = fb_store_create_item (store, FB_COLLECTION_NOTES, a, &error);
    g_assert_no_error (error);
    second = fb_store_create_item (store, FB_COLLECTION_RECORDS, b, &error);
    g_assert_no_error (error);
    heron = g_strdup (fb_item_get_id (first));
    nest = g_strdup (fb_item_get_id (second));
  }

  g_assert_true (run_cli (home, "tags", NULL));
  g_test_trap_assert_stdout ("Birds\t2\nriver walk\t1\n");

  g_assert_true (run_cli (home, "tag", "birds", NULL));
  expected = g_strdup_printf ("%s\tHeron nest 4\n%s\tHeron at the weir\n", nest, heron);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  g_assert_true (run_cli (home, "tag", "river walk", "search", "weir", NULL));
  expected = g_strdup_printf ("%s\tHeron at the weir\n", heron);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  g_assert_true (run_cli (home, "search", "tag:birds nest", NULL));
  expected = g_strdup_printf ("%s\tHeron nest 4\n", nest);
  g_test_trap_assert_stdout (expected);

  g_assert_true (run_cli (home, "tag", "milk", NULL));
  g_test_trap_assert_stdout ("");
  g_assert_false (run_cli (home, "tag", " ", NULL));
  g_test_trap_assert_stderr ("*Could not search*");

  fb_test_remove_tree (home);
}

/* --list prints a collection in the window's order: --sort title by the
 * alphabet (not by bytes), pinned items first (--pin, --unpin). */
static void
test_list_sort (void)
{
  g_autofree char *home = new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *cherry = NULL;
  g_autofree char *banana = NULL;
  g_autofree char *apple = NULL;
  g_autofree char *expected = NULL;

  fill_store (home, &note_id, NULL);
  {
    g_autoptr(FbStore) store = open_store (home);
    g_autoptr(FbItem) a = fb_test_store_create_note (store, "cherry", "");
    g_autoptr(FbItem) b = fb_test_store_create_note (store, "Banana", "");
    g_autoptr(FbItem) c = fb_test_store_create_note (store, "apple", "");

    cherry = g_strdup (fb_item_get_id (a));
    banana = g_strdup (fb_item_get_id (b));
    apple = g_strdup (fb_item_get_id (c));
  }

  g_assert_true (run_cli (home, "list", "notes", "sort", "title", NULL));
  expected = g_strdup_printf ("%s\tapple\n%s\tBanana\n%s\tcherry\n%s\tGroceries\n",
                              apple, banana, cherry, note_id);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  g_assert_true (run_cli (home, "pin", cherry, NULL));
  g_assert_true (run_cli (home, "list", "notes", "sort", "title", "limit", "2", NULL));
  expected = g_strdup_printf ("%s\tcherry\n%s\tapple\n", cherry, apple);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  /* Pinned before newer edits too. */
  g_assert_true (run_cli (home, "list", "notes", "limit", "1", NULL));
  expected = g_strdup_printf ("%s\tcherry\n", cherry);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  g_assert_true (run_cli (home, "unpin", cherry, NULL));
  g_assert_true (run_cli (home, "list", "notes", "sort", "title", "limit", "1", NULL));
  expected = g_strdup_printf ("%s\tapple\n", apple);
  g_test_trap_assert_stdout (expected);

  g_assert_false (run_cli (home, "list", "notes", "sort", "size", NULL));
  g_test_trap_assert_stderr ("*--sort needs modified, created or title*");
  g_assert_false (run_cli (home, "list", "templates", NULL));
  g_test_trap_assert_stderr ("*--list needs notes or records*");
  g_assert_false (run_cli (home, "pin", "no-such-item", NULL));
  g_test_trap_assert_stderr ("*Could not pin the item*");

  fb_test_remove_tree (home);
}

/* --search prints what the search box finds, in its order: the most
 * recently written first, every word required, record fields included. */
static void
test_search (void)
{
  g_autofree char *home = new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *record_id = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *heron_a = NULL;
  g_autofree char *heron_b = NULL;

  fill_store (home, &note_id, &record_id);
  {
    g_autoptr(FbStore) store = open_store (home);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) a = fb_note_body_new ("Heron\tat the weir", "grey heron");
    g_autoptr(JsonObject) b = fb_note_body_new ("Second heron", "Reiher am Wehr");
    g_autoptr(FbItem) first = fb_store_create_item (store, FB_COLLECTION_NOTES, a, &error);
    g_autoptr(FbItem) second = fb_store_create_item (store, FB_COLLECTION_NOTES, b, &error);

    g_assert_no_error (error);
    heron_a = g_strdup (fb_item_get_id (first));
    heron_b = g_strdup (fb_item_get_id (second));
  }

  g_assert_true (run_cli (home, "search", "milk", NULL));
  expected = g_strdup_printf ("%s\tGroceries\n", note_id);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  /* A record's field value; a deleted note is not found. */
  g_assert_true (run_cli (home, "search", "3", NULL));
  g_test_trap_assert_stdout ("*\tBird count\n");
  g_assert_true (run_cli (home, "search", "gone", NULL));
  g_test_trap_assert_stdout ("");

  /* Newest first; a tab in a title does not split the line. */
  g_assert_true (run_cli (home, "search", "her", NULL));
  expected = g_strdup_printf ("%s\tSecond heron\n%s\tHeron at the weir\n", heron_b, heron_a);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);
  g_assert_true (run_cli (home, "search", "her", "limit", "1", NULL));
  expected = g_strdup_printf ("%s\tSecond heron\n", heron_b);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  /* Every word must match. */
  g_assert_true (run_cli (home, "search", "heron weir", NULL));
  expected = g_strdup_printf ("%s\tHeron at the weir\n", heron_a);
  g_test_trap_assert_stdout (expected);

  g_assert_false (run_cli (home, "search", "her", "limit", "-1", NULL));
  g_test_trap_assert_stderr ("*Could not search*");

  fb_test_remove_tree (home);
}

/* --attach, --attachments, --save-attachment, --rename-attachment and
 * --collect-attachments: a file attached twice is stored once; the saved
 * copy has the same bytes; a rename keeps them. */
static void
test_attachments (void)
{
  g_autofree char *home = new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *record_id = NULL;
  g_autofree char *photo = g_build_filename (home, "heron.jpg", NULL);
  g_autofree char *copy = g_build_filename (home, "copy.jpg", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *sha256 = NULL;
  const char bytes[] = "\xff\xd8\xff\xe0 not really a JPEG";

  fill_store (home, &note_id, &record_id);
  g_assert_true (g_file_set_contents (photo, bytes, sizeof bytes, NULL));
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, sizeof bytes);
  expected = g_strdup_printf ("heron.jpg\timage/jpeg\t%zu\tsha256-%s\n", sizeof bytes, sha256);

  g_assert_true (run_cli (home, "attach", note_id, "rest", photo, NULL));
  g_test_trap_assert_stdout (expected);
  g_assert_true (run_cli (home, "attach", note_id, "rest", photo, NULL));
  g_assert_true (run_cli (home, "attachments", note_id, NULL));
  g_test_trap_assert_stdout (expected);

  {
    g_autoptr(FbStore) store = open_store (home);
    g_autofree char *dir = fb_store_dup_attachments_dir (store);
    g_autoptr(GDir) files = g_dir_open (dir, 0, NULL);
    guint n = 0;

    while (g_dir_read_name (files) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 1);
    g_assert_cmpuint (fb_store_get_pending_count (store), >=, 1);
  }

  g_assert_true (run_cli (home, "save-attachment", note_id, "rest2", "heron.jpg", copy, NULL));
  g_assert_true (g_file_get_contents (copy, &saved, NULL, NULL));
  g_assert_cmpmem (saved, sizeof bytes, bytes, sizeof bytes);

  g_assert_false (run_cli (home, "save-attachment", note_id, "rest2", "owl.jpg", copy, NULL));
  g_test_trap_assert_stderr ("*no attachment*owl.jpg*");
  g_assert_false (run_cli (home, "attach", note_id, NULL));
  g_test_trap_assert_stderr ("*--attach ID FILE*");
  g_assert_false (run_cli (home, "attach", "no-such-id", "rest", photo, NULL));
  g_test_trap_assert_stderr ("*Could not attach*");

  /* Renamed: the same bytes under the new name; a taken name refused. */
  g_assert_true (run_cli (home, "rename-attachment", note_id, "rest2", "heron.jpg", "grey heron.jpg", NULL));
  g_assert_true (run_cli (home, "attachments", note_id, NULL));
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("grey heron.jpg\timage/jpeg\t%zu\tsha256-%s\n", sizeof bytes, sha256);
  g_test_trap_assert_stdout (expected);
  g_assert_true (run_cli (home, "attach", note_id, "rest", photo, NULL));
  g_assert_false (run_cli (home, "rename-attachment", note_id, "rest2", "heron.jpg", "grey heron.jpg", NULL));
  g_test_trap_assert_stderr ("*already has an attachment named*grey heron.jpg*");

  /* Still named by the note: nothing to collect. */
  g_assert_true (run_cli (home, "collect-attachments", NULL));
  g_test_trap_assert_stdout ("Removed 0 unused attachment files\n");
}

/* Deletes every attachment file of the store under @home. */
static void
remove_attachment_files (const char *home)
{
  g_autoptr(FbStore) store = open_store (home);
  g_autofree char *dir = fb_store_dup_attachments_dir (store);
  g_autoptr(GDir) files = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (files)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
      n++;
    }
  g_assert_cmpuint (n, >=, 1);
}

/* --save-attachment of a file this device does not hold (lost here, or a
 * large one left on the server on a metered network) fetches it from the
 * server first; without a server it says so. */
static void
test_save_attachment_fetches (void)
{
  g_autofree char *home_a = new_home ();
  g_autofree char *home_b = new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *photo = g_build_filename (home_a, "heron.jpg", NULL);
  g_autofree char *copy = g_build_filename (home_b, "copy.jpg", NULL);
  g_autofree char *saved = NULL;
  const char *url = fb_test_server_get_url (server);
  const char bytes[] = "\xff\xd8\xff\xe0 a heron, fetched";
  gsize len = 0;

  fill_store (home_a, &note_id, NULL);
  g_assert_true (g_file_set_contents (photo, bytes, sizeof bytes, NULL));
  g_assert_true (run_cli (home_a, "attach", note_id, "rest", photo, NULL));
  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_assert_true (run_cli (home_a, "sync", "server", url, "database", "cli-fetch", "user", ADMIN, NULL));
  g_assert_true (run_cli (home_b, "sync", "server", url, "database", "cli-fetch", "user", ADMIN, NULL));

  remove_attachment_files (home_b);
  /* The server as --sync takes it (the tests' settings last one run). */
  g_assert_true (run_cli (home_b, "save-attachment", note_id, "rest2", "heron.jpg", copy,
                          "server", url, "database", "cli-fetch", "user", ADMIN, NULL));
  g_assert_true (g_file_get_contents (copy, &saved, &len, NULL));
  g_assert_cmpmem (saved, len, bytes, sizeof bytes);
  g_unsetenv ("FIELDBOOK_PASSWORD");

  /* A device without the file and without a server: said, nothing saved. */
  {
    g_autofree char *home_c = new_home ();
    g_autofree char *other_id = NULL;
    g_autofree char *copy_c = g_build_filename (home_c, "copy.jpg", NULL);

    fill_store (home_c, &other_id, NULL);
    g_assert_true (run_cli (home_c, "attach", other_id, "rest", photo, NULL));
    remove_attachment_files (home_c);
    g_assert_false (run_cli (home_c, "save-attachment", other_id, "rest2", "heron.jpg", copy_c, NULL));
    g_test_trap_assert_stderr ("*no server is set up*");
    g_assert_false (g_file_test (copy_c, G_FILE_TEST_EXISTS));
  }
}

static void
test_sync (void)
{
  g_autofree char *home_a = new_home ();
  g_autofree char *home_b = new_home ();
  g_autofree char *note_id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  const char *url = fb_test_server_get_url (server);

  fill_store (home_a, &note_id, NULL);

  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_assert_true (run_cli (home_a, "sync", "server", url, "database", "cli-sync", "user", ADMIN, NULL));
  /* Two items and the deleted one (a tombstone the server never saw). */
  g_test_trap_assert_stdout ("Pushed 3, pulled 0, merged 0, 0 new conflicts\nNo item is in conflict.\n");
  doc = fb_test_server_get_doc (server, "cli-sync", note_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "Groceries");

  g_assert_true (run_cli (home_b, "sync", "server", url, "database", "cli-sync", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 0, pulled 2, merged 0, 0 new conflicts\nNo item is in conflict.\n");
  g_assert_cmpuint (count_items (home_b), ==, 2);

  /* Nothing new: nothing moves. */
  g_assert_true (run_cli (home_b, "sync", "server", url, "database", "cli-sync", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 0, pulled 0, merged 0, 0 new conflicts\nNo item is in conflict.\n");

  g_setenv ("FIELDBOOK_PASSWORD", "wrong", TRUE);
  g_assert_false (run_cli (home_b, "sync", "server", url, "database", "cli-sync", "user", ADMIN, NULL));
  g_test_trap_assert_stderr ("Could not sync: wrong user name or password\n");
  g_test_trap_assert_stdout ("");
  g_unsetenv ("FIELDBOOK_PASSWORD");

  /* No server in the settings nor in the options. */
  g_assert_false (run_cli (home_b, "sync", NULL));
  g_test_trap_assert_stderr ("*Could not sync: no server is set up*");

  /* Without FIELDBOOK_PASSWORD the password comes from the keyring. */
  fb_credentials_store_sync (url, ADMIN, PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (run_cli (home_b, "sync", "server", url, "database", "cli-sync", "user", ADMIN, NULL));
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
  g_autofree char *home_a = new_home ();
  g_autofree char *home_b = new_home ();
  g_autofree char *note_id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  const char *url = fb_test_server_get_url (server);

  fill_store (home_a, &note_id, NULL);
  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_setenv ("FIELDBOOK_PASSPHRASE", "field notes only", TRUE);
  g_assert_true (run_cli (home_a, "sync", "server", url, "database", "cli-encrypted", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 3, pulled 0, merged 0, 0 new conflicts\nNo item is in conflict.\n");
  doc = fb_test_server_get_doc (server, "cli-encrypted", note_id, &error);
  g_assert_no_error (error);
  g_assert_false (json_object_has_member (doc, "title"));

  g_unsetenv ("FIELDBOOK_PASSPHRASE");
  g_assert_false (run_cli (home_b, "sync", "server", url, "database", "cli-encrypted", "user", ADMIN, NULL));
  g_test_trap_assert_stderr ("Could not sync: the database is encrypted: give its passphrase in FIELDBOOK_PASSPHRASE\n");
  g_assert_cmpuint (count_items (home_b), ==, 0);

  g_setenv ("FIELDBOOK_PASSPHRASE", "field notes", TRUE);
  g_assert_false (run_cli (home_b, "sync", "server", url, "database", "cli-encrypted", "user", ADMIN, NULL));
  g_test_trap_assert_stderr ("Could not sync: the encryption passphrase is wrong; nothing was changed\n");
  g_assert_cmpuint (count_items (home_b), ==, 0);

  g_setenv ("FIELDBOOK_PASSPHRASE", "field notes only", TRUE);
  g_assert_true (run_cli (home_b, "sync", "server", url, "database", "cli-encrypted", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 0, pulled 2, merged 0, 0 new conflicts\nNo item is in conflict.\n");
  g_assert_cmpuint (count_items (home_b), ==, 2);

  /* A new passphrase: the old one no longer opens the key, the new one
   * does, also from the keyring alone. */
  g_setenv ("FIELDBOOK_NEW_PASSPHRASE", "a longer field passphrase", TRUE);
  g_assert_true (run_cli (home_b, "change-passphrase", "server", url, "database", "cli-encrypted",
                          "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("The encryption passphrase is changed. Other devices need the new one from now on.\n");
  g_unsetenv ("FIELDBOOK_NEW_PASSPHRASE");
  g_assert_false (run_cli (home_a, "sync", "server", url, "database", "cli-encrypted", "user", ADMIN, NULL));
  g_test_trap_assert_stderr ("Could not sync: the encryption passphrase is wrong; nothing was changed\n");
  g_unsetenv ("FIELDBOOK_PASSPHRASE");
  g_assert_true (run_cli (home_a, "sync", "server", url, "database", "cli-encrypted", "user", ADMIN, NULL));
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
  g_autofree char *home_a = new_home ();
  g_autofree char *home_b = new_home ();
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
  fill_store (home_a, &note_id, NULL);
  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_unsetenv ("FIELDBOOK_PASSPHRASE");
  g_assert_true (run_cli (home_a, "sync", "server", url, "database", "cli-encrypt", "user", ADMIN, NULL));
  doc = fb_test_server_get_doc (server, "cli-encrypt", note_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "Groceries");
  plain_rev = g_strdup (json_object_get_string_member (doc, "_rev"));
  g_clear_pointer (&doc, json_object_unref);

  /* No passphrase: nothing happens, and it says what to give. */
  g_assert_false (run_cli (home_a, "encrypt", "server", url, "database", "cli-encrypt", "user", ADMIN, NULL));
  g_test_trap_assert_stderr ("Could not turn encryption on: give the passphrase in FIELDBOOK_PASSPHRASE\n");
  doc = fb_test_server_get_doc (server, "cli-encrypt", note_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "_rev"), ==, plain_rev);
  g_clear_pointer (&doc, json_object_unref);

  g_setenv ("FIELDBOOK_PASSPHRASE", "heron at the weir", TRUE);
  g_assert_true (run_cli (home_a, "encrypt", "server", url, "database", "cli-encrypt", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 2, pulled 0, merged 0, 0 new conflicts\nNo item is in conflict.\nEncryption is on: 2 items were sent again encrypted. Older plain versions stay on the server until it is compacted (fieldbook --compact).\n");
  doc = fb_test_server_get_doc (server, "cli-encrypt", note_id, &error);
  g_assert_no_error (error);
  g_assert_false (json_object_has_member (doc, "title"));
  g_assert_cmpstr (json_object_get_string_member (doc, "_rev"), !=, plain_rev);
  g_clear_pointer (&doc, json_object_unref);

  /* Again: already on, nothing to send. */
  g_assert_true (run_cli (home_a, "encrypt", "server", url, "database", "cli-encrypt", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 0, pulled 0, merged 0, 0 new conflicts\nNo item is in conflict.\nEncryption is on.\n");

  /* The keyring has it now: a second store reads everything without it. */
  g_unsetenv ("FIELDBOOK_PASSPHRASE");
  g_assert_true (run_cli (home_b, "sync", "server", url, "database", "cli-encrypt", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 0, pulled 2, merged 0, 0 new conflicts\nNo item is in conflict.\n");
  g_assert_cmpuint (count_items (home_b), ==, 2);

  /* The plain revision is still there until the server compacts. */
  path = g_strdup_printf ("cli-encrypt/%s?rev=%s", note_id, plain_rev);
  old = fb_test_server_request (server, "GET", path, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (old), "title"), ==, "Groceries");
  g_clear_pointer (&old, json_node_unref);

  g_assert_true (run_cli (home_b, "compact", "server", url, "database", "cli-encrypt", "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("The server is compacting the database; old versions are removed in the background.\n");
  /* The pinned PouchDB Server compacts before it answers (CouchDB does
   * it in the background), so the plain body is gone now. */
  old = fb_test_server_request (server, "GET", path, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 404);
  g_clear_pointer (&old, json_node_unref);

  g_setenv ("FIELDBOOK_PASSWORD", "wrong", TRUE);
  g_assert_false (run_cli (home_b, "compact", "server", url, "database", "cli-encrypt", "user", ADMIN, NULL));
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
  g_autofree char *home = new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *doc_json = NULL;
  g_autoptr(ProxyThread) pt = proxy_thread_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  const char *url = fb_test_server_get_url (server);
  const char *proxy_url = fb_test_proxy_get_url (pt->proxy);

  fill_store (home, &note_id, NULL);
  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_assert_true (run_cli (home, "sync", "server", url, "database", "cli-conflict", "user", ADMIN,
                          NULL));
  g_assert_cmpint (last_exit_status (home), ==, 0);

  /* Another device changes the note's first line on the server ... */
  doc = fb_test_server_get_doc (server, "cli-conflict", note_id, &error);
  g_assert_no_error (error);
  json_object_set_string_member (doc, "text", "oat milk\neggs\n");
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), doc);

    doc_json = json_to_string (node, FALSE);
  }
  rev = fb_test_server_put_doc (server, "cli-conflict", note_id, doc_json, &error);
  g_assert_no_error (error);

  /* ... and this one the same line, differently. */
  {
    g_autoptr(FbStore) store = open_store (home);
    g_autoptr(FbItem) item = fb_store_get_item (store, note_id, &error);
    g_autoptr(JsonObject) body = NULL;

    g_assert_no_error (error);
    body = fb_body_copy (fb_item_get_body (item));
    json_object_set_string_member (body, "text", "soy milk\neggs\n");
    fb_store_update_item (store, note_id, body, &error);
    g_assert_no_error (error);
  }

  fb_test_proxy_set_mode (pt->proxy, FB_TEST_PROXY_SERVER_ERROR, 0, "_changes");
  g_assert_false (run_cli (home, "sync", "server", proxy_url, "database", "cli-conflict",
                           "user", ADMIN, NULL));
  g_assert_cmpint (last_exit_status (home), ==, 1);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (pt->proxy), >=, 1);
  g_test_trap_assert_stdout ("Pushed 0, pulled 0, merged 0, 1 new conflict\n"
                             "1 item is in conflict and needs a decision: open Fieldbook to choose.\n");
  g_test_trap_assert_stderr ("Could not sync: *");
  {
    g_autoptr(FbStore) store = open_store (home);

    g_assert_cmpuint (fb_store_get_conflict_count (store), ==, 1);
  }

  fb_test_proxy_set_mode (pt->proxy, FB_TEST_PROXY_PASS, 0, NULL);
  g_assert_true (run_cli (home, "sync", "server", proxy_url, "database", "cli-conflict",
                          "user", ADMIN, NULL));
  g_test_trap_assert_stdout ("Pushed 0, pulled 0, merged 0, 0 new conflicts\n"
                             "1 item is in conflict and needs a decision: open Fieldbook to choose.\n");

  g_unsetenv ("FIELDBOOK_PASSWORD");
  fb_test_remove_tree (home);
}

/* A sync that puts an item into conflict says so and exits with its own
 * status, so a script can tell "a person must decide" from "all synced". */
static void
test_sync_new_conflict_status (void)
{
  g_autofree char *home = new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *doc_json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  const char *url = fb_test_server_get_url (server);

  fill_store (home, &note_id, NULL);
  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_assert_true (run_cli (home, "sync", "server", url, "database", "cli-new-conflict",
                          "user", ADMIN, NULL));

  doc = fb_test_server_get_doc (server, "cli-new-conflict", note_id, &error);
  g_assert_no_error (error);
  json_object_set_string_member (doc, "title", "Shopping");
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), doc);

    doc_json = json_to_string (node, FALSE);
  }
  rev = fb_test_server_put_doc (server, "cli-new-conflict", note_id, doc_json, &error);
  g_assert_no_error (error);
  {
    g_autoptr(FbStore) store = open_store (home);
    g_autoptr(FbItem) item = fb_store_get_item (store, note_id, &error);
    g_autoptr(JsonObject) body = NULL;

    g_assert_no_error (error);
    body = fb_body_copy (fb_item_get_body (item));
    json_object_set_string_member (body, "title", "Market");
    fb_store_update_item (store, note_id, body, &error);
    g_assert_no_error (error);
  }

  g_assert_false (run_cli (home, "sync", "server", url, "database", "cli-new-conflict",
                           "user", ADMIN, NULL));
  g_assert_cmpint (last_exit_status (home), ==, 3);
  g_test_trap_assert_stdout ("Pushed 0, pulled 0, merged 0, 1 new conflict\n"
                             "1 item is in conflict and needs a decision: open Fieldbook to choose.\n");
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
  g_autofree char *file = g_build_filename (tmp_root, "full-disk-export.json", NULL);
  g_autofree char *import = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *data = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(GError) error = NULL;
  const char *url = fb_test_server_get_url (server);

  if (disk == NULL)
    return;
  data = g_build_filename (disk, "fieldbook", NULL);

  fill_store (disk, &note_id, NULL);
  filler = fb_test_disk_fill (disk);

  g_assert_cmpint (run_cli_status (disk, "export", file, NULL), ==, 0);
  g_test_trap_assert_stdout ("Exported 2 items\n");
  g_file_get_contents (file, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, "Groceries"));
  g_assert_nonnull (strstr (contents, "Bird count"));

  import = write_file ("full-disk-import.json",
                       "{\"fieldbook\": 1, \"items\": [{\"_id\": \"new-note\", \"type\": \"notes\","
                       " \"title\": \"New\", \"text\": \"\", \"tags\": []}]}");
  g_assert_cmpint (run_cli_status (disk, "import", import, NULL), ==, FB_CLI_EXIT_READ_ONLY);
  g_test_trap_assert_stderr ("Could not import *: The disk is full: * until space is freed. Nothing was imported.\n");
  g_test_trap_assert_stdout ("");

  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_assert_cmpint (run_cli_status (disk, "sync", "server", url, "database", "cli-full-disk",
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
  g_assert_cmpint (run_cli_status (disk, "import", import, NULL), ==, 0);
  g_test_trap_assert_stdout ("Imported 1 item\n");
  g_assert_cmpuint (count_items (disk), ==, 3);

  fb_test_remove_tree (data);
  fb_test_disk_free (g_steal_pointer (&disk));
}

/* The database on a read-only location: exported, but never written. */
static void
test_read_only_folder (void)
{
  g_autofree char *disk = fb_test_disk_new (2 * 1024 * 1024);
  g_autofree char *data = NULL;
  g_autofree char *file = g_build_filename (tmp_root, "read-only-export.json", NULL);
  g_autofree char *import = NULL;

  if (disk == NULL)
    return;
  data = g_build_filename (disk, "fieldbook", NULL);

  fill_store (disk, NULL, NULL);
  if (fb_test_set_immutable (data, TRUE))
    {
      g_assert_cmpint (run_cli_status (disk, "export", file, NULL), ==, 0);
      g_test_trap_assert_stdout ("Exported 2 items\n");

      import = write_file ("read-only-import.json", "{\"fieldbook\": 1, \"items\": []}");
      g_assert_cmpint (run_cli_status (disk, "import", import, NULL), ==, FB_CLI_EXIT_READ_ONLY);
      g_test_trap_assert_stderr ("Could not import *: The database file * cannot be written to: *Nothing was imported.\n");
      fb_test_set_immutable (data, FALSE);
    }

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

/* The Trash and the history from the command line: listed, restored,
 * emptied; an earlier version made current as a pending edit; refused in
 * words for an item in conflict. */
static void
test_trash_history (void)
{
  g_autofree char *home = new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *gone_id = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *version = NULL;
  g_autoptr(GError) error = NULL;

  fill_store (home, &note_id, NULL);
  {
    g_autoptr(FbStore) store = open_store (home);
    g_autoptr(GPtrArray) trash = fb_store_list_trash (store, &error);

    g_assert_cmpuint (trash->len, ==, 1);
    gone_id = g_strdup (fb_item_get_id (trash->pdata[0]));
  }

  g_assert_true (run_cli (home, "trash", NULL));
  pattern = g_strdup_printf ("%s\t*\tnotes\tGone\n", gone_id);
  g_test_trap_assert_stdout (pattern);

  g_assert_false (run_cli (home, "restore", note_id, NULL));
  g_test_trap_assert_stderr ("*not in the Trash*");
  g_assert_true (run_cli (home, "restore", gone_id, NULL));
  g_test_trap_assert_stdout ("Restored *Gone*\n");
  g_assert_cmpuint (count_items (home), ==, 3);

  /* An edit keeps the text it replaces as a version. */
  {
    g_autoptr(FbStore) store = open_store (home);
    g_autoptr(JsonObject) body = fb_note_body_new ("Groceries", "bread\n");
    g_autoptr(GPtrArray) versions = NULL;
    g_autoptr(FbItem) item = NULL;

    g_assert_true (fb_store_update_item (store, note_id, body, &error));
    versions = fb_store_list_versions (store, note_id, &error);
    g_assert_cmpuint (versions->len, ==, 1);
    version = g_strdup_printf ("%" G_GINT64_FORMAT, fb_version_get_id (versions->pdata[0]));
    item = fb_store_get_item (store, note_id, &error);
    g_assert_true (fb_store_mark_item_pushed (store, item, "1-a", &error));
  }
  g_assert_true (run_cli (home, "history", note_id, NULL));
  g_clear_pointer (&pattern, g_free);
  pattern = g_strdup_printf ("%s\t*\tdevice\tGroceries\n", version);
  g_test_trap_assert_stdout (pattern);

  g_assert_false (run_cli (home, "restore-version", note_id, NULL));
  g_test_trap_assert_stderr ("*--restore-version ID VERSION*");
  g_assert_true (run_cli (home, "restore-version", note_id, "rest", version, NULL));
  g_test_trap_assert_stdout ("Restored version * of *Groceries*\n");
  {
    g_autoptr(FbStore) store = open_store (home);
    g_autoptr(FbItem) item = fb_store_get_item (store, note_id, &error);
    g_autoptr(JsonObject) theirs = fb_note_body_new ("Groceries", "server\n");

    g_assert_cmpstr (fb_item_get_text (item), ==, "milk\neggs\n");
    g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);
    g_assert_true (fb_store_set_conflict (store, note_id, "2-b", theirs, FALSE, &error));
  }
  g_assert_false (run_cli (home, "restore-version", note_id, "rest", version, NULL));
  g_test_trap_assert_stderr ("*resolve the conflict*");

  /* Empty Trash deletes for good. */
  {
    g_autoptr(FbStore) store = open_store (home);

    g_assert_true (fb_store_delete_item (store, gone_id, &error));
  }
  g_assert_true (run_cli (home, "empty-trash", NULL));
  g_test_trap_assert_stdout ("Deleted 1 item for good\n");
  g_assert_true (run_cli (home, "trash", NULL));
  g_test_trap_assert_stderr ("The Trash is empty\n");
  {
    g_autoptr(FbStore) store = open_store (home);

    g_assert_null (fb_store_get_item (store, gone_id, NULL));
  }
  fb_test_remove_tree (home);
}

/* --export-csv / --import-csv: a template named case-insensitively, a
 * header row, typed values, values that do not fit kept as text. */
static void
test_csv (void)
{
  g_autofree char *home = new_home ();
  g_autofree char *out = g_build_filename (tmp_root, "plots.csv", NULL);
  g_autofree char *in = NULL;
  g_autofree char *csv = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(FbStore) store = open_store (home);
    g_autoptr(JsonObject) template = fb_template_body_new ("Plot survey");
    g_autoptr(FbItem) item = NULL;

    fb_template_add_field (template, "Plot", FB_FIELD_TEXT);
    fb_template_add_field (template, "Trees", FB_FIELD_INTEGER);
    fb_template_add_field (template, "Surveyed", FB_FIELD_DATE);
    item = fb_store_create_item (store, FB_COLLECTION_TEMPLATES, template, &error);
    g_assert_no_error (error);
  }

  in = write_file ("plots-in.csv",
                   "Plot,trees,SURVEYED,Crew\r\n"
                   "\"N4, north\",12,2026-11-30,Ana\r\n"
                   "S2,about 30,2026-12-01,\r\n");
  g_assert_true (run_cli (home, "import-csv", "plot SURVEY", "rest", in, NULL));
  g_test_trap_assert_stdout ("Imported 2 records\n1 value did not fit its field and was kept as text*");

  g_assert_true (run_cli (home, "export-csv", "PLOT survey", "rest", out, NULL));
  g_test_trap_assert_stdout ("Exported 2 records\n");
  g_file_get_contents (out, &csv, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (csv, ==,
                   "Title,Plot,Trees,Surveyed,Crew\r\n"
                   ",\"N4, north\",12,2026-11-30,Ana\r\n"
                   ",S2,about 30,2026-12-01,\r\n");

  g_assert_true (run_cli (home, "export-csv", "Plot survey", "rest", "-", NULL));
  g_test_trap_assert_stdout ("Title,Plot,Trees,Surveyed,Crew\r\n*");

  g_assert_false (run_cli (home, "export-csv", "Bird sighting", "rest", out, NULL));
  g_test_trap_assert_stderr ("Could not export: There is no template called *Bird sighting*\n");
  g_assert_false (run_cli (home, "import-csv", "Plot survey", NULL));
  g_test_trap_assert_stderr ("*--import-csv TEMPLATE FILE*");
  g_assert_cmpuint (count_items (home), ==, 3);

  fb_test_remove_tree (home);
}

/* A change the server refuses is not a success: --sync exits with 5 and
 * names it (id, title, the server's reason); the others went out. */
static void
test_sync_unsent (void)
{
  g_autofree char *home = new_home ();
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
    g_autoptr(FbStore) store = open_store (home);
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
  g_assert_false (run_cli (home, "sync", "server", url, "database", "cli-unsent", "user", ADMIN,
                           NULL));
  g_unsetenv ("FIELDBOOK_PASSWORD");
  g_assert_cmpint (last_exit_status (home), ==, 5);
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
  g_autofree char *keyring = NULL;
  int status;

  /* Before anything could start a thread. */
  fb_test_disk_init ();
  g_test_init (&argc, &argv, NULL);
  /* Each run of the command line derives the encryption key anew. */
  fb_crypto_set_kdf_limits (FB_CRYPTO_KDF_INTERACTIVE);

  if (!g_test_subprocess ())
    {
      tmp_root = g_dir_make_tmp ("fb-test-cli-root-XXXXXX", &error);
      g_assert_no_error (error);
      keyring = g_build_filename (tmp_root, "keyring", NULL);
      /* libsecret's file backend: no D-Bus, no keyring daemon. Set before
       * the first libsecret call; children inherit it. */
      g_setenv ("SECRET_BACKEND", "file", TRUE);
      g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
      g_setenv ("SECRET_FILE_TEST_PASSWORD", "test", TRUE);
      g_unsetenv ("FIELDBOOK_PASSWORD");

      server = fb_test_server_start (ADMIN, PASSWORD, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/cli/subprocess/run", subprocess_run);
  g_test_add_func ("/cli/no-command", test_no_command);
  g_test_add_func ("/cli/export-import", test_export_import);
  g_test_add_func ("/cli/import-bad-files", test_import_bad_files);
  g_test_add_func ("/cli/search", test_search);
  g_test_add_func ("/cli/tags", test_tags);
  g_test_add_func ("/cli/list-sort", test_list_sort);
  g_test_add_func ("/cli/attachments", test_attachments);
  g_test_add_func ("/cli/save-attachment-fetches", test_save_attachment_fetches);
  g_test_add_func ("/cli/sync", test_sync);
  g_test_add_func ("/cli/sync/encrypted", test_sync_encrypted);
  g_test_add_func ("/cli/encrypt", test_encrypt);
  g_test_add_func ("/cli/sync/conflict-then-failure", test_sync_conflict_then_failure);
  g_test_add_func ("/cli/sync/new-conflict-status", test_sync_new_conflict_status);
  g_test_add_func ("/cli/sync/unsent", test_sync_unsent);
  g_test_add_func ("/cli/credentials", test_credentials);
  g_test_add_func ("/cli/trash-history", test_trash_history);
  g_test_add_func ("/cli/csv", test_csv);
  g_test_add_func ("/cli/full-disk", test_full_disk);
  g_test_add_func ("/cli/read-only-folder", test_read_only_folder);

  status = g_test_run ();

  if (server != NULL)
    fb_test_server_free (server);
  if (tmp_root != NULL)
    fb_test_remove_tree (tmp_root);
  g_free (tmp_root);
  return status;
}
