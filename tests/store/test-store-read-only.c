/* test-store-read-only.c: a store on a full disk or a read-only location still opens for reading */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-store-read-only"

#include "config.h"

#include <string.h>

#include "fb-store.h"
#include "fb-test-disk.h"
#include "fb-test-store.h"

#define DISK_SIZE (2 * 1024 * 1024)

typedef struct
{
  char    *disk;
  char    *folder;
  char    *path;
  guint    changed;
  guint    read_only_notified;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->disk = fb_test_disk_new (DISK_SIZE);
  if (f->disk == NULL)
    return;
  f->folder = g_build_filename (f->disk, "fieldbook", NULL);
  f->path = g_build_filename (f->folder, "fieldbook.db", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->disk != NULL)
    {
      /* Whatever a test made immutable, the disk goes away whole. */
      fb_test_set_immutable (f->folder, FALSE);
      fb_test_set_immutable (f->path, FALSE);
      fb_test_remove_tree (f->folder);
    }
  fb_test_disk_free (g_steal_pointer (&f->disk));
  g_free (f->folder);
  g_free (f->path);
}

static void
count_changed_cb (FbStore *store,
                  FbItem  *item,
                  Fixture *f)
{
  f->changed++;
}

static void
read_only_notify_cb (FbStore    *store,
                     GParamSpec *pspec,
                     Fixture    *f)
{
  f->read_only_notified++;
}

static FbStore *
open_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  FbStore *store = fb_store_new (f->path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_signal_connect (store, "item-changed", G_CALLBACK (count_changed_cb), f);
  g_signal_connect (store, "notify::read-only", G_CALLBACK (read_only_notify_cb), f);

  return store;
}

/* Two notes and a record, closed cleanly. */
static void
write_items (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) groceries = fb_note_body_new ("Groceries", "milk\neggs");
  g_autoptr(JsonObject) plans = fb_note_body_new ("Plans", "garden");
  g_autoptr(JsonObject) record = fb_record_body_new ("Bird count");
  g_autoptr(FbItem) a = NULL;
  g_autoptr(FbItem) b = NULL;
  g_autoptr(FbItem) c = NULL;
  FbStore *store = open_store (f);

  g_assert_false (fb_store_get_read_only (store));
  g_assert_null (fb_store_get_read_only_error (store));

  a = fb_store_put_item (store, "groceries", FB_COLLECTION_NOTES, groceries, &error);
  g_assert_no_error (error);
  b = fb_store_put_item (store, "plans", FB_COLLECTION_NOTES, plans, &error);
  g_assert_no_error (error);
  c = fb_store_put_item (store, "birds", FB_COLLECTION_RECORDS, record, &error);
  g_assert_no_error (error);

  g_assert_finalize_object (store);
  f->changed = 0;
}

/* Everything can be read; every write is refused with @words and changes
 * nothing. */
static void
assert_reads_but_refuses_writes (Fixture    *f,
                                 FbStore    *store,
                                 const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(FbItem) groceries = NULL;
  g_autoptr(FbItem) after = NULL;
  g_autoptr(FbItem) created = NULL;
  g_autoptr(JsonObject) edit = fb_note_body_new ("Groceries", "milk\neggs\nbread");
  const GError *why;

  g_assert_true (fb_store_get_read_only (store));
  why = fb_store_get_read_only_error (store);
  g_assert_nonnull (why);
  g_assert_true (why->domain == FB_STORE_ERROR && why->code == FB_STORE_ERROR_READ_ONLY);
  g_test_message ("read-only: %s", why->message);
  g_assert_nonnull (strstr (why->message, words));

  all = fb_store_list_items (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3);
  found = fb_store_search (store, NULL, "eggs", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (fb_item_get_id (found->pdata[0]), ==, "groceries");
  g_assert_cmpuint (fb_store_get_pending_count (store), ==, 3);
  g_assert_nonnull (fb_store_get_device_id (store));

  groceries = fb_store_get_item (store, "groceries", &error);
  g_assert_no_error (error);

  g_assert_false (fb_store_update_item (store, "groceries", edit, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_READ_ONLY);
  g_assert_cmpstr (error->message, ==, why->message);
  g_clear_error (&error);

  created = fb_store_create_item (store, FB_COLLECTION_NOTES, edit, &error);
  g_assert_null (created);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);

  g_assert_false (fb_store_delete_item (store, "plans", &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);

  g_assert_false (fb_store_set_meta (store, "some-key", "value", &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);

  after = fb_store_get_item (store, "groceries", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_item_get_text (after), ==, "milk\neggs");
  g_assert_cmpint (fb_item_get_local_seq (after), ==, fb_item_get_local_seq (groceries));
  g_assert_cmpuint (f->changed, ==, 0);
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) edit = fb_note_body_new ("Groceries", "milk\neggs\nbread");
  g_autoptr(FbItem) after = NULL;
  g_autofree char *filler = NULL;
  FbStore *store;

  if (f->disk == NULL)
    return;

  write_items (f);
  filler = fb_test_disk_fill (f->disk);

  store = open_store (f);
  assert_reads_but_refuses_writes (f, store, "The disk is full");
  g_assert_nonnull (strstr (fb_store_get_read_only_error (store)->message,
                            "until space is freed"));

  /* Still full: it stays read-only and says why. */
  g_assert_false (fb_store_reopen_writable (store, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_FULL);
  g_clear_error (&error);
  g_assert_true (fb_store_get_read_only (store));
  g_assert_cmpuint (f->read_only_notified, ==, 0);
  assert_reads_but_refuses_writes (f, store, "The disk is full");

  /* Space again: the same store saves. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  g_assert_true (fb_store_reopen_writable (store, &error));
  g_assert_no_error (error);
  g_assert_false (fb_store_get_read_only (store));
  g_assert_null (fb_store_get_read_only_error (store));
  g_assert_cmpuint (f->read_only_notified, ==, 1);

  g_assert_true (fb_store_update_item (store, "groceries", edit, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->changed, ==, 1);
  g_assert_finalize_object (store);

  store = open_store (f);
  g_assert_false (fb_store_get_read_only (store));
  after = fb_store_get_item (store, "groceries", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_item_get_text (after), ==, "milk\neggs\nbread");
  g_assert_finalize_object (store);
}

/* A disk full before the database was ever made: nothing to read. */
static void
test_disk_full_before_first_open (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *filler = NULL;
  FbStore *store;

  if (f->disk == NULL)
    return;

  filler = fb_test_disk_fill (f->disk);
  store = fb_store_new (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_FULL);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "The disk is full: there is no room to open"));
}

/* The folder cannot be written: no -shm or -wal can be made beside the
 * database, which is then read on its own. */
static void
test_read_only_folder (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;
  FbStore *store;

  if (f->disk == NULL)
    return;

  write_items (f);
  wal = g_strconcat (f->path, "-wal", NULL);
  shm = g_strconcat (f->path, "-shm", NULL);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  if (!fb_test_set_immutable (f->folder, TRUE))
    return;

  store = open_store (f);
  assert_reads_but_refuses_writes (f, store, "cannot be written to");
  g_assert_finalize_object (store);

  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
}

/* Edits committed by a program that was then killed are still in the WAL
 * when the database file becomes read-only: they are read too. */
static void
test_read_only_file_after_crash (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) writer = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *last = NULL;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  GStatBuf st;
  FbStore *store;

  if (f->disk == NULL)
    return;

  write_items (f);

  /* crash-writer makes "item-00" … "item-03", prints "ready", then sets
   * "item-<k % 4>" to version k (text "v<k>") and prints k after each
   * commit, until it is killed. */
  writer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             CRASH_WRITER, f->path, "4", "1", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (writer));
  while (g_strcmp0 (last, "6") != 0)
    {
      g_free (last);
      last = g_data_input_stream_read_line (lines, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (last);
    }
  g_subprocess_force_exit (writer);
  g_subprocess_wait (writer, NULL, &error);
  g_assert_no_error (error);

  /* The last edit it announced is committed (one more may be, unannounced,
   * but that one changes another item). */
  for (char *line; (line = g_data_input_stream_read_line (lines, NULL, NULL, NULL)) != NULL; )
    {
      g_free (last);
      last = line;
    }
  id = g_strdup_printf ("item-%02u", (guint) (g_ascii_strtoull (last, NULL, 10) % 4));
  text = g_strconcat ("v", last, NULL);

  wal = g_strconcat (f->path, "-wal", NULL);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 32);
  if (!fb_test_set_immutable (f->path, TRUE))
    return;

  store = open_store (f);
  g_assert_true (fb_store_get_read_only (store));
  g_assert_nonnull (strstr (fb_store_get_read_only_error (store)->message, "cannot be written to"));

  /* The three items from before and the writer's four, as last committed. */
  all = fb_store_list_items (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 7);
  item = fb_store_get_item (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_item_get_text (item), ==, text);

  g_assert_false (fb_store_delete_item (store, id, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_READ_ONLY);
  g_assert_finalize_object (store);
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything could start a thread. */
  fb_test_disk_init ();
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/store-read-only/disk-full", test_disk_full);
  ADD ("/store-read-only/disk-full-before-first-open", test_disk_full_before_first_open);
  ADD ("/store-read-only/read-only-folder", test_read_only_folder);
  ADD ("/store-read-only/read-only-file-after-crash", test_read_only_file_after_crash);

  return g_test_run ();
}
