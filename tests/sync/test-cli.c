/* test-cli.c: the local commands (--export, --import, --search, --tags, --list, the Trash and history, CSV), run as a user would */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <string.h>

#include "fb-cli.h"
#include "fb-store-history.h"
#include "fb-store.h"
#include "fb-template.h"
#include "fb-test-cli.h"
#include "fb-test-disk.h"
#include "fb-test-store.h"

/* ---- Tests ---- */

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
  g_autofree char *home_a = fb_test_cli_new_home ();
  g_autofree char *home_b = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *record_id = NULL;
  g_autofree char *file = g_build_filename (fb_test_cli_tmp_root (), "export.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *items;

  fb_test_cli_fill_store (home_a, &note_id, &record_id);

  g_assert_true (fb_test_cli_run (home_a, "export", file, NULL));
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
  g_assert_true (fb_test_cli_run (home_b, "import", file, NULL));
  g_test_trap_assert_stdout ("Imported 2 items\n");
  {
    g_autoptr(FbStore) a = fb_test_cli_open_store (home_a);
    g_autoptr(FbStore) b = fb_test_cli_open_store (home_b);
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
  g_assert_true (fb_test_cli_run (home_b, "import", file, NULL));
  g_test_trap_assert_stdout ("Imported 2 items\n");
  g_assert_cmpuint (fb_test_cli_count_items (home_b), ==, 2);

  /* An edited copy in B: importing makes it an edit of the same item. */
  {
    g_autoptr(FbStore) b = fb_test_cli_open_store (home_b);
    g_autoptr(JsonObject) body = fb_note_body_new ("Groceries", "changed\n");

    fb_store_update_item (b, note_id, body, &error);
    g_assert_no_error (error);
  }
  g_assert_true (fb_test_cli_run (home_b, "import", file, NULL));
  g_assert_cmpuint (fb_test_cli_count_items (home_b), ==, 2);
  {
    g_autoptr(FbStore) b = fb_test_cli_open_store (home_b);
    g_autoptr(FbItem) item = fb_store_get_item (b, note_id, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (fb_item_get_text (item), ==, "milk\neggs\n");
  }

  /* To standard output: the JSON there, the summary on stderr. */
  g_assert_true (fb_test_cli_run (home_a, "export", "-", NULL));
  g_test_trap_assert_stdout ("{*\"fieldbook\" : 1,*\"items\" : [*");
  g_test_trap_assert_stderr ("*Exported 2 items*");

  fb_test_remove_tree (home_a);
  fb_test_remove_tree (home_b);
}

static void
test_import_bad_files (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
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
      g_autofree char *file = fb_test_cli_write_file (cases[i].name, cases[i].contents);

      g_test_message ("Importing %s", cases[i].name);
      g_assert_false (fb_test_cli_run (home, "import", file, NULL));
      g_test_trap_assert_stderr (cases[i].message);
      g_test_trap_assert_stdout ("");
      g_assert_cmpuint (fb_test_cli_count_items (home), ==, 0);
    }

  {
    g_autofree char *missing = g_build_filename (fb_test_cli_tmp_root (), "missing.json", NULL);

    g_assert_false (fb_test_cli_run (home, "import", missing, NULL));
    g_test_trap_assert_stderr ("*Could not import*");
  }

  fb_test_remove_tree (home);
}

/* --tags lists each tag with its count; --tag NAME (alone or with
 * --search) keeps the items that have it, notes and records alike. */
static void
test_tags (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *record_id = NULL;
  g_autofree char *heron = NULL;
  g_autofree char *nest = NULL;
  g_autofree char *expected = NULL;

  fb_test_cli_fill_store (home, &note_id, &record_id);
  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home);
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

  g_assert_true (fb_test_cli_run (home, "tags", NULL));
  g_test_trap_assert_stdout ("Birds\t2\nriver walk\t1\n");

  g_assert_true (fb_test_cli_run (home, "tag", "birds", NULL));
  expected = g_strdup_printf ("%s\tHeron nest 4\n%s\tHeron at the weir\n", nest, heron);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  g_assert_true (fb_test_cli_run (home, "tag", "river walk", "search", "weir", NULL));
  expected = g_strdup_printf ("%s\tHeron at the weir\n", heron);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  g_assert_true (fb_test_cli_run (home, "search", "tag:birds nest", NULL));
  expected = g_strdup_printf ("%s\tHeron nest 4\n", nest);
  g_test_trap_assert_stdout (expected);

  g_assert_true (fb_test_cli_run (home, "tag", "milk", NULL));
  g_test_trap_assert_stdout ("");
  g_assert_false (fb_test_cli_run (home, "tag", " ", NULL));
  g_test_trap_assert_stderr ("*Could not search*");

  fb_test_remove_tree (home);
}

/* --list prints a collection in the window's order: --sort title by the
 * alphabet (not by bytes), pinned items first (--pin, --unpin). */
static void
test_list_sort (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *cherry = NULL;
  g_autofree char *banana = NULL;
  g_autofree char *apple = NULL;
  g_autofree char *expected = NULL;

  fb_test_cli_fill_store (home, &note_id, NULL);
  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home);
    g_autoptr(FbItem) a = fb_test_store_create_note (store, "cherry", "");
    g_autoptr(FbItem) b = fb_test_store_create_note (store, "Banana", "");
    g_autoptr(FbItem) c = fb_test_store_create_note (store, "apple", "");

    cherry = g_strdup (fb_item_get_id (a));
    banana = g_strdup (fb_item_get_id (b));
    apple = g_strdup (fb_item_get_id (c));
  }

  g_assert_true (fb_test_cli_run (home, "list", "notes", "sort", "title", NULL));
  expected = g_strdup_printf ("%s\tapple\n%s\tBanana\n%s\tcherry\n%s\tGroceries\n",
                              apple, banana, cherry, note_id);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  g_assert_true (fb_test_cli_run (home, "pin", cherry, NULL));
  g_assert_true (fb_test_cli_run (home, "list", "notes", "sort", "title", "limit", "2", NULL));
  expected = g_strdup_printf ("%s\tcherry\n%s\tapple\n", cherry, apple);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  /* Pinned before newer edits too. */
  g_assert_true (fb_test_cli_run (home, "list", "notes", "limit", "1", NULL));
  expected = g_strdup_printf ("%s\tcherry\n", cherry);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  g_assert_true (fb_test_cli_run (home, "unpin", cherry, NULL));
  g_assert_true (fb_test_cli_run (home, "list", "notes", "sort", "title", "limit", "1", NULL));
  expected = g_strdup_printf ("%s\tapple\n", apple);
  g_test_trap_assert_stdout (expected);

  g_assert_false (fb_test_cli_run (home, "list", "notes", "sort", "size", NULL));
  g_test_trap_assert_stderr ("*--sort needs modified, created or title*");
  g_assert_false (fb_test_cli_run (home, "list", "templates", NULL));
  g_test_trap_assert_stderr ("*--list needs notes or records*");
  g_assert_false (fb_test_cli_run (home, "pin", "no-such-item", NULL));
  g_test_trap_assert_stderr ("*Could not pin the item*");

  fb_test_remove_tree (home);
}

/* --search prints what the search box finds, in its order: the most
 * recently written first, every word required, record fields included. */
static void
test_search (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *record_id = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *heron_a = NULL;
  g_autofree char *heron_b = NULL;

  fb_test_cli_fill_store (home, &note_id, &record_id);
  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) a = fb_note_body_new ("Heron\tat the weir", "grey heron");
    g_autoptr(JsonObject) b = fb_note_body_new ("Second heron", "Reiher am Wehr");
    g_autoptr(FbItem) first = fb_store_create_item (store, FB_COLLECTION_NOTES, a, &error);
    g_autoptr(FbItem) second = fb_store_create_item (store, FB_COLLECTION_NOTES, b, &error);

    g_assert_no_error (error);
    heron_a = g_strdup (fb_item_get_id (first));
    heron_b = g_strdup (fb_item_get_id (second));
  }

  g_assert_true (fb_test_cli_run (home, "search", "milk", NULL));
  expected = g_strdup_printf ("%s\tGroceries\n", note_id);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  /* A record's field value; a deleted note is not found. */
  g_assert_true (fb_test_cli_run (home, "search", "3", NULL));
  g_test_trap_assert_stdout ("*\tBird count\n");
  g_assert_true (fb_test_cli_run (home, "search", "gone", NULL));
  g_test_trap_assert_stdout ("");

  /* Newest first; a tab in a title does not split the line. */
  g_assert_true (fb_test_cli_run (home, "search", "her", NULL));
  expected = g_strdup_printf ("%s\tSecond heron\n%s\tHeron at the weir\n", heron_b, heron_a);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);
  g_assert_true (fb_test_cli_run (home, "search", "her", "limit", "1", NULL));
  expected = g_strdup_printf ("%s\tSecond heron\n", heron_b);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  /* Every word must match. */
  g_assert_true (fb_test_cli_run (home, "search", "heron weir", NULL));
  expected = g_strdup_printf ("%s\tHeron at the weir\n", heron_a);
  g_test_trap_assert_stdout (expected);

  g_assert_false (fb_test_cli_run (home, "search", "her", "limit", "-1", NULL));
  g_test_trap_assert_stderr ("*Could not search*");

  fb_test_remove_tree (home);
}

/* The database on a read-only location: exported, but never written. */
static void
test_read_only_folder (void)
{
  g_autofree char *disk = fb_test_disk_new (2 * 1024 * 1024);
  g_autofree char *data = NULL;
  g_autofree char *file = g_build_filename (fb_test_cli_tmp_root (), "read-only-export.json", NULL);
  g_autofree char *import = NULL;
  g_autofree char *note_id = NULL;
  g_autofree char *in_trash = NULL;

  if (disk == NULL)
    return;
  data = g_build_filename (disk, "fieldbook", NULL);

  fb_test_cli_fill_store (disk, &note_id, NULL);
  in_trash = g_strdup_printf ("*%s*", note_id);
  if (fb_test_set_immutable (data, TRUE))
    {
      /* Refused with the read-only status, and the note stays where it was. */
      g_assert_cmpint (fb_test_cli_run_status (disk, "delete", note_id, NULL), ==, FB_CLI_EXIT_READ_ONLY);
      g_test_trap_assert_stderr ("Could not delete *: The database file * cannot be written to*");
      g_assert_cmpint (fb_test_cli_run_status (disk, "trash", NULL), ==, 0);
      g_test_trap_assert_stdout_unmatched (in_trash);

      g_assert_cmpint (fb_test_cli_run_status (disk, "export", file, NULL), ==, 0);
      g_test_trap_assert_stdout ("Exported 2 items\n");

      import = fb_test_cli_write_file ("read-only-import.json", "{\"fieldbook\": 1, \"items\": []}");
      g_assert_cmpint (fb_test_cli_run_status (disk, "import", import, NULL), ==, FB_CLI_EXIT_READ_ONLY);
      g_test_trap_assert_stderr ("Could not import *: The database file * cannot be written to: *Nothing was imported.\n");
      fb_test_set_immutable (data, FALSE);
    }

  fb_test_remove_tree (data);
  fb_test_disk_free (g_steal_pointer (&disk));
}

/* The Trash and the history from the command line: listed, restored,
 * emptied; an earlier version made current as a pending edit; refused in
 * words for an item in conflict. */
static void
test_trash_history (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *gone_id = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *version = NULL;
  g_autoptr(GError) error = NULL;

  fb_test_cli_fill_store (home, &note_id, NULL);
  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home);
    g_autoptr(GPtrArray) trash = fb_store_list_trash (store, &error);

    g_assert_cmpuint (trash->len, ==, 1);
    gone_id = g_strdup (fb_item_get_id (trash->pdata[0]));
  }

  g_assert_true (fb_test_cli_run (home, "trash", NULL));
  pattern = g_strdup_printf ("%s\t*\tnotes\tGone\n", gone_id);
  g_test_trap_assert_stdout (pattern);

  g_assert_false (fb_test_cli_run (home, "restore", note_id, NULL));
  g_test_trap_assert_stderr ("*not in the Trash*");
  g_assert_true (fb_test_cli_run (home, "restore", gone_id, NULL));
  g_test_trap_assert_stdout ("Restored *Gone*\n");
  g_assert_cmpuint (fb_test_cli_count_items (home), ==, 3);

  /* An edit keeps the text it replaces as a version. */
  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home);
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
  g_assert_true (fb_test_cli_run (home, "history", note_id, NULL));
  g_clear_pointer (&pattern, g_free);
  pattern = g_strdup_printf ("%s\t*\tdevice\tGroceries\n", version);
  g_test_trap_assert_stdout (pattern);

  g_assert_false (fb_test_cli_run (home, "restore-version", note_id, NULL));
  g_test_trap_assert_stderr ("*--restore-version ID VERSION*");
  g_assert_true (fb_test_cli_run (home, "restore-version", note_id, "rest", version, NULL));
  g_test_trap_assert_stdout ("Restored version * of *Groceries*\n");
  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home);
    g_autoptr(FbItem) item = fb_store_get_item (store, note_id, &error);
    g_autoptr(JsonObject) theirs = fb_note_body_new ("Groceries", "server\n");

    g_assert_cmpstr (fb_item_get_text (item), ==, "milk\neggs\n");
    g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);
    g_assert_true (fb_store_set_conflict (store, note_id, "2-b", theirs, FALSE, &error));
  }
  g_assert_false (fb_test_cli_run (home, "restore-version", note_id, "rest", version, NULL));
  g_test_trap_assert_stderr ("*resolve the conflict*");

  /* Empty Trash deletes for good. */
  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home);

    g_assert_true (fb_store_delete_item (store, gone_id, &error));
  }
  g_assert_true (fb_test_cli_run (home, "empty-trash", NULL));
  g_test_trap_assert_stdout ("Deleted 1 item for good\n");
  g_assert_true (fb_test_cli_run (home, "trash", NULL));
  g_test_trap_assert_stderr ("The Trash is empty\n");
  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home);

    g_assert_null (fb_store_get_item (store, gone_id, NULL));
  }
  fb_test_remove_tree (home);
}

/* --trash and --history print one line per entry, whatever a title
 * holds: a tab or a line break in it (a note from another client) is a
 * space, so a script's columns stay where they are. */
static void
test_trash_history_columns (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *id = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home);
    g_autoptr(JsonObject) first = fb_note_body_new ("Heron\tat the\nweir", "grey\n");
    g_autoptr(JsonObject) second = fb_note_body_new ("Heron\r\nagain", "grey heron\n");
    g_autoptr(FbItem) item = fb_store_create_item (store, FB_COLLECTION_NOTES, first, &error);

    g_assert_no_error (error);
    id = g_strdup (fb_item_get_id (item));
    g_assert_true (fb_store_update_item (store, id, second, &error));
    g_assert_true (fb_store_delete_item (store, id, &error));
  }

  g_assert_true (fb_test_cli_run (home, "trash", NULL));
  expected = g_strdup_printf ("%s\t*\tnotes\tHeron  again\n", id);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  /* The edit kept the text it replaced as a version. */
  g_assert_true (fb_test_cli_run (home, "history", id, NULL));
  g_test_trap_assert_stdout ("1\t*\tdevice\tHeron at the weir\n");

  fb_test_remove_tree (home);
}

/* --export-csv / --import-csv: a template named case-insensitively, a
 * header row, typed values, values that do not fit kept as text. */
static void
test_csv (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *out = g_build_filename (fb_test_cli_tmp_root (), "plots.csv", NULL);
  g_autofree char *in = NULL;
  g_autofree char *csv = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home);
    g_autoptr(JsonObject) template = fb_template_body_new ("Plot survey");
    g_autoptr(FbItem) item = NULL;

    fb_template_add_field (template, "Plot", FB_FIELD_TEXT);
    fb_template_add_field (template, "Trees", FB_FIELD_INTEGER);
    fb_template_add_field (template, "Surveyed", FB_FIELD_DATE);
    item = fb_store_create_item (store, FB_COLLECTION_TEMPLATES, template, &error);
    g_assert_no_error (error);
  }

  in = fb_test_cli_write_file ("plots-in.csv",
                   "Plot,trees,SURVEYED,Crew\r\n"
                   "\"N4, north\",12,2026-11-30,Ana\r\n"
                   "S2,about 30,2026-12-01,\r\n");
  g_assert_true (fb_test_cli_run (home, "import-csv", "plot SURVEY", "rest", in, NULL));
  g_test_trap_assert_stdout ("Imported 2 records\n1 value did not fit its field and was kept as text*");

  /* --templates names what --export-csv takes, by name, each with its
   * own records. */
  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home);
    g_autoptr(JsonObject) other = fb_template_body_new ("Bird count");
    g_autoptr(FbItem) created = fb_store_create_item (store, FB_COLLECTION_TEMPLATES, other, &error);
    g_autoptr(GPtrArray) templates = fb_store_list_templates (store, &error);
    g_autofree char *expected = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (templates->len, ==, 2);
    g_assert_cmpstr (fb_item_get_id (templates->pdata[0]), ==, fb_item_get_id (created));
    expected = g_strdup_printf ("%s\tBird count\t0\n%s\tPlot survey\t2\n",
                                fb_item_get_id (templates->pdata[0]),
                                fb_item_get_id (templates->pdata[1]));
    g_assert_true (fb_test_cli_run (home, "templates", NULL));
    g_test_trap_assert_stdout (expected);
  }

  g_assert_true (fb_test_cli_run (home, "export-csv", "PLOT survey", "rest", out, NULL));
  g_test_trap_assert_stdout ("Exported 2 records\n");
  g_file_get_contents (out, &csv, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (csv, ==,
                   "Title,Plot,Trees,Surveyed,Crew\r\n"
                   ",\"N4, north\",12,2026-11-30,Ana\r\n"
                   ",S2,about 30,2026-12-01,\r\n");

  g_assert_true (fb_test_cli_run (home, "export-csv", "Plot survey", "rest", "-", NULL));
  g_test_trap_assert_stdout ("Title,Plot,Trees,Surveyed,Crew\r\n*");

  g_assert_false (fb_test_cli_run (home, "export-csv", "Bird sighting", "rest", out, NULL));
  g_test_trap_assert_stderr ("Could not export: There is no template called *Bird sighting*\n");
  g_assert_false (fb_test_cli_run (home, "import-csv", "Plot survey", NULL));
  g_test_trap_assert_stderr ("*--import-csv TEMPLATE FILE*");
  g_assert_cmpuint (fb_test_cli_count_items (home), ==, 4); /* two templates, two records */

  fb_test_remove_tree (home);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  fb_test_cli_init (&argc, &argv);

  g_test_add_func ("/cli/no-command", test_no_command);
  g_test_add_func ("/cli/export-import", test_export_import);
  g_test_add_func ("/cli/import-bad-files", test_import_bad_files);
  g_test_add_func ("/cli/search", test_search);
  g_test_add_func ("/cli/tags", test_tags);
  g_test_add_func ("/cli/list-sort", test_list_sort);
  g_test_add_func ("/cli/trash-history", test_trash_history);
  g_test_add_func ("/cli/trash-history/columns", test_trash_history_columns);
  g_test_add_func ("/cli/csv", test_csv);
  g_test_add_func ("/cli/read-only-folder", test_read_only_folder);

  status = g_test_run ();

  fb_test_cli_cleanup ();
  return status;
}
