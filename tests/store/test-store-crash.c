/* test-store-crash.c: a writer killed mid-edit leaves every item whole and every commit kept */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-store-crash"

#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include "fb-attachments.h"
#include "fb-store.h"
#include "fb-test-store.h"

#define N_ITEMS       20
#define KILL_AFTER    500
#define N_ROUNDS      4
#define ROUND_STRIDE  1000000

/* Does edit @k write item @i? (See crash-writer.c.) */
static gboolean
edit_touches (guint64 k,
              guint   i)
{
  return k % N_ITEMS == i || (k % 5 == 0 && (k + 1) % N_ITEMS == i);
}

/* The version of item @i after all edits up to @last of every round so
 * far: what must have survived. */
static guint64
expected_at_least (guint    i,
                   guint64 *round_first,
                   guint64 *round_last,
                   guint    n_rounds)
{
  for (guint r = n_rounds; r > 0; r--)
    for (guint64 k = round_last[r - 1]; k >= round_first[r - 1]; k--)
      if (edit_touches (k, i))
        return k;

  return 0;
}

static guint64
parse_version (const char *text,
               char        prefix)
{
  char *end = NULL;
  guint64 value;

  g_assert_nonnull (text);
  g_assert_cmpint (text[0], ==, prefix);
  value = g_ascii_strtoull (text + 1, &end, 10);
  g_assert_cmpstr (end, ==, "");

  return value;
}

/* Runs the writer and kills it once it has announced KILL_AFTER edits;
 * returns the last edit it announced (all of them committed). */
static guint64
run_and_kill (const char *path,
              guint64     first)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *n_items = g_strdup_printf ("%u", N_ITEMS);
  g_autofree char *first_arg = g_strdup_printf ("%" G_GUINT64_FORMAT, first);
  g_autofree char *ready = NULL;
  guint64 last = 0;
  guint seen = 0;
  char *line;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            CRASH_WRITER, path, n_items, first_arg, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));

  ready = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ready, ==, "ready");

  /* No sleeping: the child's own output says how far it got. */
  while (seen < KILL_AFTER)
    {
      line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);
      last = g_ascii_strtoull (line, NULL, 10);
      g_assert_cmpuint (last, ==, first + seen);
      g_free (line);
      seen++;
    }

  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  /* Whatever it announced before dying was committed too. */
  while ((line = g_data_input_stream_read_line (lines, NULL, NULL, &error)) != NULL)
    {
      last = g_ascii_strtoull (line, NULL, 10);
      g_free (line);
    }
  g_assert_no_error (error);

  g_test_message ("killed after edit %" G_GUINT64_FORMAT, last);

  return last;
}

static void
check_database (const char *path,
                guint64    *round_first,
                guint64    *round_last,
                guint       n_rounds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *integrity = NULL;
  guint64 versions[N_ITEMS];
  guint pending = 0;
  guint n_attachments = 0;
  FbStore *store;
  sqlite3 *db;

  store = fb_store_new (path, &error);
  g_assert_no_error (error);
  db = _fb_store_get_db (store);

  integrity = fb_test_query_text (db, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  /* The full-text index was written in the same transactions. */
  g_assert_cmpint (fb_test_query_int (db, "SELECT count(*) FROM items_fts"), ==, N_ITEMS);
  g_assert_cmpint (fb_test_query_int (db, "SELECT CAST(value AS INTEGER) FROM meta "
                                          "WHERE key = 'local_seq'"),
                   ==, fb_test_query_int (db, "SELECT max(local_seq) FROM items"));

  items = fb_store_list_items (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, N_ITEMS);

  for (guint n = 0; n < items->len; n++)
    {
      FbItem *item = g_ptr_array_index (items, n);
      JsonArray *tags = json_object_get_array_member (fb_item_get_body (item), "tags");
      guint i = (guint) g_ascii_strtoull (fb_item_get_id (item) + 5, NULL, 10);
      guint64 k = parse_version (fb_item_get_title (item), 't');
      guint64 minimum = expected_at_least (i, round_first, round_last, n_rounds);
      g_autofree char *word = NULL;
      g_autoptr(GPtrArray) found = NULL;

      /* Whole: title, text and tags from one and the same edit. */
      g_assert_cmpuint (parse_version (fb_item_get_text (item), 'v'), ==, k);
      if (k > 0)
        {
          g_assert_cmpuint (json_array_get_length (tags), ==, 1);
          g_assert_cmpuint (parse_version (json_array_get_string_element (tags, 0), 'k'), ==, k);
          g_assert_true (edit_touches (k, i));
        }

      /* Durable: nothing announced as committed was lost, and at most the
       * one edit in flight got further. */
      g_assert_cmpuint (k, >=, minimum);
      g_assert_cmpuint (k, <=, round_last[n_rounds - 1] + 1);
      versions[i] = k;

      /* The sync state agrees with the row. */
      if (fb_item_get_state (item) == FB_ITEM_STATE_PENDING)
        pending++;
      else
        g_assert_true (fb_body_equal (fb_item_get_base_body (item), fb_item_get_body (item)));

      /* And the search index with the body. */
      word = g_strdup_printf ("v%" G_GUINT64_FORMAT, k);
      found = fb_store_search (store, NULL, word, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (found->len, >=, 1);
      g_assert_cmpstr (fb_item_get_title (g_ptr_array_index (found, 0)), ==,
                       fb_item_get_title (item));
    }

  /* A two-item edit is in both items or in neither. */
  for (guint i = 0; i < N_ITEMS; i++)
    {
      guint64 k = versions[i];

      if (k > 0 && k % 5 == 0)
        {
          guint other = k % N_ITEMS == i ? (guint) ((k + 1) % N_ITEMS) : (guint) (k % N_ITEMS);

          g_assert_cmpuint (versions[other], >=, k);
        }
    }

  /* Every attachment a body names has its whole file, and the collector
   * (which removes the half files of a kill) leaves them so. */
  for (guint pass = 0; pass < 2; pass++)
    {
      g_autofree char *dir = fb_store_dup_attachments_dir (store);
      g_autoptr(GDir) files = NULL;
      const char *name;

      for (guint n = 0; n < items->len; n++)
        {
          FbItem *item = g_ptr_array_index (items, n);
          g_autoptr(GPtrArray) list = fb_store_list_attachments (store, fb_item_get_id (item), &error);

          g_assert_no_error (error);
          for (guint a = 0; a < list->len; a++)
            {
              FbAttachment *attachment = list->pdata[a];
              g_autoptr(GFile) file = fb_store_get_attachment_file (store, attachment->digest, &error);
              g_autoptr(GBytes) bytes = NULL;
              g_autofree char *sha256 = NULL;

              g_assert_no_error (error);
              bytes = g_file_load_bytes (file, NULL, NULL, &error);
              g_assert_no_error (error);
              g_assert_cmpint (g_bytes_get_size (bytes), ==, attachment->length);
              sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
              g_assert_cmpstr (sha256, ==, attachment->sha256);
              n_attachments++;
            }
        }
      g_assert_true (fb_store_collect_attachments (store, 0, NULL, &error));
      g_assert_no_error (error);
      files = g_dir_open (dir, 0, NULL);
      while (files != NULL && (name = g_dir_read_name (files)) != NULL)
        g_assert_false (g_str_has_prefix (name, ".tmp-"));
    }
  g_assert_cmpuint (n_attachments, >, 0);

  g_assert_cmpuint (fb_store_get_pending_count (store), ==, pending);
  g_assert_cmpint (fb_test_query_int (db, "SELECT count(*) FROM items WHERE state = 'pending'"),
                   ==, pending);

  g_assert_finalize_object (store);
}

static void
test_kill_mid_write (void)
{
  g_autofree char *dir = fb_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "crash.db", NULL);
  guint64 round_first[N_ROUNDS];
  guint64 round_last[N_ROUNDS];

  g_assert_true (g_file_test (CRASH_WRITER, G_FILE_TEST_IS_EXECUTABLE));

  /* Several rounds on the same file: each starts by recovering from the
   * previous kill. */
  for (guint r = 0; r < N_ROUNDS; r++)
    {
      round_first[r] = (guint64) (r + 1) * ROUND_STRIDE;
      round_last[r] = run_and_kill (path, round_first[r]);
      check_database (path, round_first, round_last, r + 1);
    }

  fb_test_remove_tree (dir);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store-crash/kill-mid-write", test_kill_mid_write);

  return g_test_run ();
}
