/* test-cli-conflicts.c: --conflicts, --resolve, --delete and --duplicate, against PouchDB Server, run as a user would */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-cli-conflicts"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "fb-attachments.h"
#include "fb-cli.h"
#include "fb-item-body.h"
#include "fb-store.h"
#include "fb-test-cli.h"
#include "fb-test-disk.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;

/* --sync of @home with database @db: its exit status. */
static int
sync_status (const char *home,
             const char *db)
{
  int status;

  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  status = fb_test_cli_run_status (home, "sync", "server", fb_test_server_get_url (server),
                                   "database", db, "user", ADMIN, NULL);
  g_unsetenv ("FIELDBOOK_PASSWORD");
  return status;
}

/* @home syncs through @pt, which fails every request whose path holds
 * @file (from then on): @home lists that file, without its data. */
static void
sync_without_file (const char     *home,
                   FbTestCliProxy *pt,
                   const char     *db,
                   const char     *file)
{
  fb_test_proxy_set_mode (pt->proxy, FB_TEST_PROXY_NOT_FOUND, 0, file);
  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  fb_test_cli_run (home, "sync", "server", fb_test_proxy_get_url (pt->proxy), "database", db,
                   "user", ADMIN, NULL);
  g_unsetenv ("FIELDBOOK_PASSWORD");
}

static char *
create_note (const char *home,
             const char *title,
             const char *text)
{
  g_autoptr(FbStore) store = fb_test_cli_open_store (home);
  g_autoptr(JsonObject) body = fb_note_body_new (title, text);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, &error);

  g_assert_no_error (error);
  return g_strdup (fb_item_get_id (item));
}

/* The record's field "robins" becomes @robins: on the server when @db is
 * given, else on this device. */
static void
set_robins (const char *home,
            const char *db,
            const char *id,
            gint64      robins)
{
  g_autoptr(GError) error = NULL;

  if (db != NULL)
    {
      g_autoptr(JsonObject) doc = fb_test_server_get_doc (server, db, id, &error);
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *json = NULL;
      g_autofree char *rev = NULL;

      g_assert_no_error (error);
      json_object_set_int_member (json_object_get_object_member (doc, "fields"), "robins", robins);
      node = json_node_init_object (json_node_alloc (), doc);
      json = json_to_string (node, FALSE);
      rev = fb_test_server_put_doc (server, db, id, json, &error);
      g_assert_no_error (error);
    }
  else
    {
      g_autoptr(FbStore) store = fb_test_cli_open_store (home);
      g_autoptr(FbItem) item = fb_store_get_item (store, id, &error);
      g_autoptr(JsonObject) body = NULL;

      g_assert_no_error (error);
      body = fb_body_copy (fb_item_get_body (item));
      json_object_set_int_member (json_object_get_object_member (body, "fields"), "robins", robins);
      fb_store_update_item (store, id, body, &error);
      g_assert_no_error (error);
    }
}

static FbItem *
local_item (const char *home,
            const char *id)
{
  g_autoptr(FbStore) store = fb_test_cli_open_store (home);
  g_autoptr(GError) error = NULL;
  FbItem *item = fb_store_get_item (store, id, &error);

  g_assert_no_error (error);
  return item;
}

/* Five real conflicts, one of each kind, listed by --conflicts and settled
 * by --resolve each way; the next --sync sends the decisions. */
static void
test_conflicts_resolve (void)
{
  const char *db = "cli-conflicts";
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *record_id = NULL;
  g_autofree char *packing_id = NULL;
  g_autofree char *camp_id = NULL;
  g_autofree char *trip_id = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *copy_id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(FbItem) item = NULL;

  fb_test_cli_fill_store (home, &note_id, &record_id);
  packing_id = create_note (home, "Packing", "tent\n");
  camp_id = create_note (home, "Camp", "stove\n");
  trip_id = create_note (home, "Trip", "north\n");
  g_assert_cmpint (sync_status (home, db), ==, 0);

  /* None yet: nothing printed, and that is not a failure. */
  g_assert_cmpint (fb_test_cli_run_status (home, "conflicts", NULL), ==, 0);
  g_test_trap_assert_stdout ("");
  g_test_trap_assert_stderr ("");

  /* Another device and this one change the same things. */
  fb_test_cli_edit_on_server (server, db, note_id, "text", "oat milk\neggs\n");
  fb_test_cli_edit_locally (home, note_id, "text", "soy milk\neggs\n");
  set_robins (home, db, record_id, 4);
  set_robins (home, NULL, record_id, 5);
  fb_test_cli_edit_on_server (server, db, packing_id, "title", "Packing list");
  fb_test_cli_edit_locally (home, packing_id, "title", "Packing for camp");
  fb_test_cli_edit_on_server (server, db, camp_id, "text", "stove\ngas\n");
  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home);

    fb_store_delete_item (store, camp_id, &error);
    g_assert_no_error (error);
  }
  doc = fb_test_server_doc (server, db, trip_id);
  g_free (fb_test_server_delete_doc (server, db, trip_id,
                                     json_object_get_string_member (doc, "_rev"), &error));
  g_assert_no_error (error);
  g_clear_pointer (&doc, json_object_unref);
  fb_test_cli_edit_locally (home, trip_id, "text", "north\nby the coast\n");

  g_assert_cmpint (sync_status (home, db), ==, FB_CLI_EXIT_NEW_CONFLICTS);
  g_test_trap_assert_stdout ("*5 items are in conflict and need a decision: "
                             "open Fieldbook to choose, or see fieldbook --conflicts.\n");

  g_assert_cmpint (fb_test_cli_run_status (home, "conflicts", NULL), ==, 0);
  expected = g_strdup_printf ("%s\tnotes\tboth-changed\tGroceries\ttext\n"
                              "%s\trecords\tboth-changed\tBird count\trobins\n"
                              "%s\tnotes\tboth-changed\tPacking for camp\ttitle\n"
                              "%s\tnotes\tdeleted-here\tCamp\ttext\n"
                              "%s\tnotes\tdeleted-on-server\tTrip\ttext\n",
                              note_id, record_id, packing_id, camp_id, trip_id);
  g_test_trap_assert_stdout (expected);
  g_test_trap_assert_stderr ("");

  /* Mine: the server gets my line at the next sync. */
  g_assert_cmpint (fb_test_cli_run_status (home, "resolve", note_id, "rest", "mine", NULL), ==, 0);
  g_test_trap_assert_stdout ("Kept your version of ?Groceries?; the next --sync sends it\n");
  /* Server: the server's count here at once. */
  g_assert_cmpint (fb_test_cli_run_status (home, "resolve", record_id, "rest", "server", NULL), ==, 0);
  g_test_trap_assert_stdout ("Took the server?s version of ?Bird count?\n");
  item = local_item (home, record_id);
  g_assert_cmpint (json_object_get_int_member (fb_body_get_object (fb_item_get_body (item), "fields"),
                                               "robins"), ==, 4);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  g_clear_object (&item);
  /* Both: the server's title stays, mine is a new item. */
  g_assert_cmpuint (fb_test_cli_count_items (home), ==, 4);
  g_assert_cmpint (fb_test_cli_run_status (home, "resolve", packing_id, "rest", "both", NULL), ==, 0);
  g_test_trap_assert_stdout ("Kept both versions of ?Packing for camp?: the server?s stays, "
                             "yours is now a new item *\n");
  g_assert_cmpuint (fb_test_cli_count_items (home), ==, 5);
  item = local_item (home, packing_id);
  g_assert_cmpstr (fb_item_get_title (item), ==, "Packing list");
  g_clear_object (&item);
  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home);
    g_autoptr(GPtrArray) items = fb_store_list_items (store, NULL, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < items->len; i++)
      if (strstr (fb_item_get_title (items->pdata[i]), "Packing for camp") != NULL)
        copy_id = g_strdup (fb_item_get_id (items->pdata[i]));
    g_assert_nonnull (copy_id);
  }
  /* Deleted here, changed there: "server" brings the item back. */
  g_assert_cmpint (fb_test_cli_run_status (home, "resolve", camp_id, "rest", "server", NULL), ==, 0);
  g_test_trap_assert_stdout ("Took the server?s version of ?Camp? (yours was deleted: there is no copy to keep)\n");
  item = local_item (home, camp_id);
  g_assert_false (fb_item_get_deleted (item));
  g_assert_cmpstr (fb_item_get_text (item), ==, "stove\ngas\n");
  g_clear_object (&item);
  /* Deleted there, changed here: "mine" sends it again. */
  g_assert_cmpint (fb_test_cli_run_status (home, "resolve", trip_id, "rest", "mine", NULL), ==, 0);

  g_assert_cmpint (fb_test_cli_run_status (home, "conflicts", NULL), ==, 0);
  g_test_trap_assert_stdout ("");

  g_assert_cmpint (sync_status (home, db), ==, 0);
  g_test_trap_assert_stdout ("*No item is in conflict.\n");
  doc = fb_test_server_doc (server, db, note_id);
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "soy milk\neggs\n");
  g_clear_pointer (&doc, json_object_unref);
  doc = fb_test_server_doc (server, db, record_id);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (doc, "fields"), "robins"),
                   ==, 4);
  g_clear_pointer (&doc, json_object_unref);
  doc = fb_test_server_doc (server, db, packing_id);
  g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "Packing list");
  g_clear_pointer (&doc, json_object_unref);
  doc = fb_test_server_doc (server, db, copy_id);
  g_assert_nonnull (strstr (json_object_get_string_member (doc, "title"), "Packing for camp"));
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "tent\n");
  g_clear_pointer (&doc, json_object_unref);
  doc = fb_test_server_doc (server, db, camp_id);
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "stove\ngas\n");
  g_clear_pointer (&doc, json_object_unref);
  doc = fb_test_server_doc (server, db, trip_id);
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "north\nby the coast\n");
  g_clear_pointer (&doc, json_object_unref);

  fb_test_remove_tree (home);
}

/* What --resolve refuses, with words and status 1, changing nothing. */
static void
test_resolve_errors (void)
{
  const char *db = "cli-resolve-errors";
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *record_id = NULL;
  g_autofree char *expected = NULL;

  fb_test_cli_fill_store (home, &note_id, &record_id);
  g_assert_cmpint (sync_status (home, db), ==, 0);
  fb_test_cli_edit_on_server (server, db, note_id, "title", "Shopping");
  fb_test_cli_edit_locally (home, note_id, "title", "Market");
  g_assert_cmpint (sync_status (home, db), ==, FB_CLI_EXIT_NEW_CONFLICTS);

  g_assert_cmpint (fb_test_cli_run_status (home, "resolve", "no-such-item", "rest", "mine", NULL), ==, 1);
  g_test_trap_assert_stderr ("Could not resolve ?no-such-item?: *\n");
  g_test_trap_assert_stdout ("");

  g_assert_cmpint (fb_test_cli_run_status (home, "resolve", record_id, "rest", "mine", NULL), ==, 1);
  expected = g_strdup_printf ("Could not resolve ?%s?: it is not in conflict (see --conflicts)\n",
                              record_id);
  g_test_trap_assert_stderr (expected);

  g_assert_cmpint (fb_test_cli_run_status (home, "resolve", note_id, "rest", "theirs", NULL), ==, 1);
  g_test_trap_assert_stderr ("?theirs? is not a way to settle a conflict: give mine, server or both\n");

  g_assert_cmpint (fb_test_cli_run_status (home, "resolve", note_id, NULL), ==, 1);
  g_test_trap_assert_stderr ("--resolve needs an item and how to settle it: --resolve ID mine|server|both\n");

  /* All of that left the conflict as it was. */
  g_assert_cmpint (fb_test_cli_run_status (home, "conflicts", NULL), ==, 0);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%s\tnotes\tboth-changed\tMarket\ttitle\n", note_id);
  g_test_trap_assert_stdout (expected);

  fb_test_remove_tree (home);
}

/* --delete moves an item to the Trash, as the window's Delete does; the
 * next --sync deletes it on the server, --restore brings it back. */
static void
test_delete (void)
{
  const char *db = "cli-delete";
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;

  fb_test_cli_fill_store (home, &note_id, NULL);
  g_assert_cmpint (sync_status (home, db), ==, 0);

  g_assert_cmpint (fb_test_cli_run_status (home, "delete", note_id, NULL), ==, 0);
  expected = g_strdup_printf ("Moved ?Groceries? to the Trash (--restore %s brings it back)\n", note_id);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);
  g_assert_cmpuint (fb_test_cli_count_items (home), ==, 1);

  g_assert_cmpint (fb_test_cli_run_status (home, "trash", NULL), ==, 0);
  expected = g_strdup_printf ("*%s\t*\tnotes\tGroceries\n*", note_id);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  /* Twice, or an id that is not there: words, status 1. */
  g_assert_cmpint (fb_test_cli_run_status (home, "delete", note_id, NULL), ==, 1);
  expected = g_strdup_printf ("Could not delete ?%s?: it is in the Trash already (--restore %s brings it back)\n",
                              note_id, note_id);
  g_test_trap_assert_stderr (expected);
  g_clear_pointer (&expected, g_free);
  g_assert_cmpint (fb_test_cli_run_status (home, "delete", "no-such-item", NULL), ==, 1);
  g_test_trap_assert_stderr ("Could not delete ?no-such-item?: *\n");
  g_test_trap_assert_stdout ("");

  g_assert_cmpint (sync_status (home, db), ==, 0);
  doc = fb_test_server_get_doc (server, db, note_id, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (doc);
  g_clear_error (&error);

  /* Still in the Trash after the sync, and it comes back. */
  g_assert_cmpint (fb_test_cli_run_status (home, "restore", note_id, NULL), ==, 0);
  g_assert_cmpuint (fb_test_cli_count_items (home), ==, 2);

  fb_test_remove_tree (home);
}

/* A full disk: --resolve changes nothing, says why and exits with the
 * read-only status; the item stays in conflict until there is room. */
static void
test_resolve_full_disk (void)
{
  const char *db = "cli-conflicts-full-disk";
  g_autofree char *disk = fb_test_disk_new (2 * 1024 * 1024);
  g_autofree char *data = NULL;
  g_autofree char *filler = NULL;
  g_autofree char *note_id = NULL;
  g_autofree char *expected = NULL;

  if (disk == NULL)
    return;
  data = g_build_filename (disk, "fieldbook", NULL);

  fb_test_cli_fill_store (disk, &note_id, NULL);
  g_assert_cmpint (sync_status (disk, db), ==, 0);
  fb_test_cli_edit_on_server (server, db, note_id, "text", "oat milk\neggs\n");
  fb_test_cli_edit_locally (disk, note_id, "text", "soy milk\neggs\n");
  g_assert_cmpint (sync_status (disk, db), ==, FB_CLI_EXIT_NEW_CONFLICTS);
  expected = g_strdup_printf ("%s\tnotes\tboth-changed\tGroceries\ttext\n", note_id);

  filler = fb_test_disk_fill (disk);
  g_assert_cmpint (fb_test_cli_run_status (disk, "resolve", note_id, "rest", "mine", NULL),
                   ==, FB_CLI_EXIT_READ_ONLY);
  g_test_trap_assert_stderr ("Could not resolve *: The disk is full*");
  g_test_trap_assert_stdout ("");
  g_assert_cmpint (fb_test_cli_run_status (disk, "conflicts", NULL), ==, 0);
  g_test_trap_assert_stdout (expected);

  /* Room again: it settles. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  g_assert_cmpint (fb_test_cli_run_status (disk, "resolve", note_id, "rest", "mine", NULL), ==, 0);
  g_assert_cmpint (fb_test_cli_run_status (disk, "conflicts", NULL), ==, 0);
  g_test_trap_assert_stdout ("");

  fb_test_remove_tree (data);
  fb_test_disk_free (g_steal_pointer (&disk));
}

/* --resolve ID both while this device's version names a file it never
 * downloaded, which the server's newest version no longer has: it is
 * downloaded first, from the revision this device's version was made on,
 * and both are kept, the copy with the file. With no server to download
 * from, or a download that fails, it is refused in words and the
 * conflict kept. */
static void
test_resolve_both_file_not_here (void)
{
  const char *db = "cli-resolve-file-not-here";
  g_autofree char *home_a = fb_test_cli_new_home ();
  g_autofree char *home_b = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *map = fb_test_cli_write_file ("map.pdf", "the weir, the bank, the heronry");
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(FbTestCliProxy) pt = fb_test_cli_proxy_new (server);
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  fb_test_cli_fill_store (home_a, &note_id, NULL);
  g_assert_true (fb_test_cli_run (home_a, "attach", note_id, "rest", map, NULL));
  g_assert_cmpint (sync_status (home_a, db), ==, 0);

  sync_without_file (home_b, pt, db, "/map.pdf");
  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);

  /* Another device removes the file and retitles the note; B retitles it too. */
  doc = fb_test_server_get_doc (server, db, note_id, &error);
  g_assert_no_error (error);
  path = g_strdup_printf ("%s/%s/map.pdf?rev=%s", db, note_id, json_object_get_string_member (doc, "_rev"));
  answer = fb_test_server_request (server, "DELETE", path, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  fb_test_cli_edit_on_server (server, db, note_id, "title", "Shopping");
  fb_test_cli_edit_locally (home_b, note_id, "title", "Market");
  fb_test_cli_run (home_b, "sync", "server", fb_test_proxy_get_url (pt->proxy), "database", db,
                   "user", ADMIN, NULL);
  g_unsetenv ("FIELDBOOK_PASSWORD");
  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home_b);

    g_assert_cmpuint (fb_store_get_conflict_count (store), ==, 1);
  }

  g_assert_cmpint (fb_test_cli_run_status (home_b, "resolve", note_id, "rest", "both", NULL), ==, 1);
  expected = g_strdup_printf ("Could not sync: no server is set up (use --server URL)\n"
                              "Could not resolve ?%s?: Your version?s file ?map.pdf? is not on this device yet, "
                              "and the server?s version does not have it: download it first, so that the copy keeps it\n"
                              "--sync downloads it (a large file only on a network that is not metered), "
                              "and so does --save-attachment %s NAME -\n", note_id, note_id);
  g_test_trap_assert_stderr (expected);
  g_assert_cmpuint (fb_test_cli_count_items (home_b), ==, 2);

  /* The download fails: said, and refused as before. */
  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_assert_cmpint (fb_test_cli_run_status (home_b, "resolve", note_id, "rest", "both",
                                           "server", fb_test_proxy_get_url (pt->proxy), "database", db,
                                           "user", ADMIN, NULL), ==, 1);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Could not fetch the attachments of ?%s? from the server: *\n"
                              "Could not resolve ?%s?: Your version?s file ?map.pdf? is not on this device yet, *",
                              note_id, note_id);
  g_test_trap_assert_stderr (expected);
  g_assert_cmpuint (fb_test_cli_count_items (home_b), ==, 2);

  g_assert_cmpint (fb_test_cli_run_status (home_b, "resolve", note_id, "rest", "both",
                                           "server", fb_test_server_get_url (server), "database", db,
                                           "user", ADMIN, NULL), ==, 0);
  g_test_trap_assert_stderr ("");
  g_unsetenv ("FIELDBOOK_PASSWORD");
  g_assert_cmpuint (fb_test_cli_count_items (home_b), ==, 3);
  g_assert_cmpint (sync_status (home_b, db), ==, 0);
  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home_b);
    g_autoptr(GPtrArray) notes = fb_store_list_items (store, FB_COLLECTION_NOTES, &error);
    guint copies = 0;

    g_assert_no_error (error);
    for (guint i = 0; i < notes->len; i++)
      if (g_strcmp0 (fb_item_get_id (notes->pdata[i]), note_id) != 0)
        {
          g_autoptr(JsonObject) copy = fb_test_server_get_doc (server, db, fb_item_get_id (notes->pdata[i]), &error);

          g_assert_no_error (error);
          g_assert_cmpstr (json_object_get_string_member (copy, "title"), ==, "Market (copy from this device)");
          g_assert_nonnull (fb_test_doc_attachment_digest (copy, "map.pdf"));
          copies++;
        }
    g_assert_cmpuint (copies, ==, 1);
  }

  fb_test_remove_tree (home_a);
  fb_test_remove_tree (home_b);
}

/* --duplicate prints the copy's id, and the copy (text, fields and the
 * attached file) reaches the server with the next --sync; an unknown id
 * or one in the Trash gets words and status 1. */
static void
test_duplicate (void)
{
  const char *db = "cli-duplicate";
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *record_id = NULL;
  g_autofree char *photo = fb_test_cli_write_file ("heron.jpg", "a grey heron at the weir");
  g_autofree char *copy_id = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) original = NULL;
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(FbStore) store = NULL;
  g_autoptr(FbItem) record_copy = NULL;

  fb_test_cli_fill_store (home, &note_id, &record_id);
  g_assert_true (fb_test_cli_run (home, "attach", note_id, "rest", photo, NULL));
  g_assert_cmpint (sync_status (home, db), ==, 0);

  g_assert_cmpint (fb_test_cli_run_status (home, "duplicate", note_id, NULL), ==, 0);
  g_assert_cmpuint (fb_test_cli_count_items (home), ==, 3);
  {
    g_autoptr(FbStore) s = fb_test_cli_open_store (home);
    g_autoptr(GPtrArray) notes = fb_store_list_items (s, FB_COLLECTION_NOTES, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < notes->len; i++)
      if (g_strcmp0 (fb_item_get_id (notes->pdata[i]), note_id) != 0)
        copy_id = g_strdup (fb_item_get_id (notes->pdata[i]));
  }
  g_assert_nonnull (copy_id);
  expected = g_strdup_printf ("%s\n", copy_id);
  g_test_trap_assert_stdout (expected);
  g_clear_pointer (&expected, g_free);

  g_assert_cmpint (sync_status (home, db), ==, 0);
  original = fb_test_server_get_doc (server, db, note_id, &error);
  g_assert_no_error (error);
  copy = fb_test_server_get_doc (server, db, copy_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (copy, "title"), ==, "Groceries (copy)");
  g_assert_cmpstr (json_object_get_string_member (copy, "text"), ==, "milk\neggs\n");
  g_assert_nonnull (fb_test_doc_attachment_digest (copy, "heron.jpg"));
  g_assert_cmpstr (fb_test_doc_attachment_digest (copy, "heron.jpg"), ==, fb_test_doc_attachment_digest (original, "heron.jpg"));

  /* A record's fields come along. */
  g_assert_cmpint (fb_test_cli_run_status (home, "duplicate", record_id, NULL), ==, 0);
  store = fb_test_cli_open_store (home);
  {
    g_autofree char *printed = NULL;
    GPtrArray *records = fb_store_list_items (store, FB_COLLECTION_RECORDS, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (records->len, ==, 2);
    for (guint i = 0; i < records->len; i++)
      if (g_strcmp0 (fb_item_get_id (records->pdata[i]), record_id) != 0)
        record_copy = g_object_ref (records->pdata[i]);
    g_ptr_array_unref (records);
    g_assert_nonnull (record_copy);
    printed = g_strdup_printf ("%s\n", fb_item_get_id (record_copy));
    g_test_trap_assert_stdout (printed);
  }
  g_assert_cmpstr (fb_item_get_title (record_copy), ==, "Bird count (copy)");
  g_assert_cmpint (json_object_get_int_member (fb_body_get_object (fb_item_get_body (record_copy), "fields"),
                                               "robins"), ==, 3);
  g_clear_object (&store);

  /* Nothing to copy: words, status 1, nothing printed. */
  g_assert_cmpint (fb_test_cli_run_status (home, "duplicate", "no-such-item", NULL), ==, 1);
  g_test_trap_assert_stderr ("Could not duplicate ?no-such-item?: *\n");
  g_test_trap_assert_stdout ("");
  g_assert_true (fb_test_cli_run (home, "delete", note_id, NULL));
  g_assert_cmpint (fb_test_cli_run_status (home, "duplicate", note_id, NULL), ==, 1);
  expected = g_strdup_printf ("Could not duplicate ?%s?: it is in the Trash (--restore %s brings it back)\n",
                              note_id, note_id);
  g_test_trap_assert_stderr (expected);
  g_test_trap_assert_stdout ("");

  fb_test_remove_tree (home);
}

/* The ids of the notes of @home other than @original's, in list order. */
static GPtrArray *
other_note_ids (const char *home,
                const char *original)
{
  g_autoptr(FbStore) store = fb_test_cli_open_store (home);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) notes = fb_store_list_items (store, FB_COLLECTION_NOTES, &error);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < notes->len; i++)
    if (g_strcmp0 (fb_item_get_id (notes->pdata[i]), original) != 0)
      g_ptr_array_add (ids, g_strdup (fb_item_get_id (notes->pdata[i])));
  return ids;
}

/* --duplicate of a note whose file this device never downloaded: with a
 * server set up, the file is downloaded first and the copy has it; with
 * none, the copy leaves it out and says so. */
static void
test_duplicate_file_not_here (void)
{
  const char *db = "cli-duplicate-file-not-here";
  g_autofree char *home_a = fb_test_cli_new_home ();
  g_autofree char *home_b = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *photo = fb_test_cli_write_file ("heron.jpg", "a grey heron at the weir");
  g_autoptr(FbTestCliProxy) pt = fb_test_cli_proxy_new (server);
  g_autoptr(GPtrArray) copies = NULL;
  g_autoptr(JsonObject) original = NULL;
  g_autoptr(GError) error = NULL;

  fb_test_cli_fill_store (home_a, &note_id, NULL);
  g_assert_true (fb_test_cli_run (home_a, "attach", note_id, "rest", photo, NULL));
  g_assert_cmpint (sync_status (home_a, db), ==, 0);

  sync_without_file (home_b, pt, db, "/heron.jpg");

  /* No server set up: a copy without the file, and words for it. */
  g_assert_cmpint (fb_test_cli_run_status (home_b, "duplicate", note_id, NULL), ==, 0);
  g_test_trap_assert_stderr ("1 attachment was not copied: only the server has its file "
                             "(--sync downloads it into the original)\n");
  copies = other_note_ids (home_b, note_id);
  g_assert_cmpuint (copies->len, ==, 1);
  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home_b);
    g_autoptr(GPtrArray) attachments = fb_store_list_attachments (store, copies->pdata[0], &error);

    g_assert_no_error (error);
    g_assert_cmpuint (attachments->len, ==, 0);
  }
  g_clear_pointer (&copies, g_ptr_array_unref);

  /* With the server: downloaded first, and the copy has it. */
  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_assert_cmpint (fb_test_cli_run_status (home_b, "duplicate", note_id,
                                           "server", fb_test_server_get_url (server), "database", db,
                                           "user", ADMIN, NULL), ==, 0);
  g_unsetenv ("FIELDBOOK_PASSWORD");
  g_test_trap_assert_stderr ("");
  copies = other_note_ids (home_b, note_id);
  g_assert_cmpuint (copies->len, ==, 2);
  original = fb_test_server_get_doc (server, db, note_id, &error);
  g_assert_no_error (error);
  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home_b);
    guint with_file = 0;

    for (guint i = 0; i < copies->len; i++)
      {
        g_autoptr(FbAttachment) attachment = fb_store_get_attachment (store, copies->pdata[i],
                                                                      "heron.jpg", NULL);

        if (attachment != NULL)
          {
            g_assert_nonnull (attachment->sha256);
            g_assert_cmpstr (attachment->digest, ==,
                             fb_test_doc_attachment_digest (original, "heron.jpg"));
            with_file++;
          }
      }
    g_assert_cmpuint (with_file, ==, 1);
  }

  /* And the server gets the copy with its file. */
  g_assert_cmpint (sync_status (home_b, db), ==, 0);
  {
    guint with_file = 0;

    for (guint i = 0; i < copies->len; i++)
      {
        g_autoptr(JsonObject) copy = fb_test_server_get_doc (server, db, copies->pdata[i], &error);

        g_assert_no_error (error);
        if (g_strcmp0 (fb_test_doc_attachment_digest (copy, "heron.jpg"),
                       fb_test_doc_attachment_digest (original, "heron.jpg")) == 0)
          with_file++;
      }
    g_assert_cmpuint (with_file, ==, 1);
  }

  fb_test_remove_tree (home_a);
  fb_test_remove_tree (home_b);
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

  g_test_add_func ("/cli/conflicts/resolve", test_conflicts_resolve);
  g_test_add_func ("/cli/conflicts/resolve-errors", test_resolve_errors);
  g_test_add_func ("/cli/conflicts/resolve-full-disk", test_resolve_full_disk);
  g_test_add_func ("/cli/conflicts/resolve-both-file-not-here", test_resolve_both_file_not_here);
  g_test_add_func ("/cli/delete", test_delete);
  g_test_add_func ("/cli/duplicate", test_duplicate);
  g_test_add_func ("/cli/duplicate/file-not-here", test_duplicate_file_not_here);

  status = g_test_run ();

  g_clear_pointer (&server, fb_test_server_free);
  fb_test_cli_cleanup ();
  return status;
}
