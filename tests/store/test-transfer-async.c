/* test-transfer-async.c: an import on a worker thread, announced by the store the window uses */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-transfer-async"

#include "config.h"

#include "fb-item-body.h"
#include "fb-item-list.h"
#include "fb-store.h"
#include "fb-test-store.h"
#include "fb-test-wait.h"
#include "fb-transfer.h"
#include "fb-transfer-async.h"

#define N_NOTES 300

typedef struct
{
  char    *dir;
  char    *export_path;
  FbStore *store;   /* the one "the window" uses, empty */
} Fixture;

typedef struct
{
  gboolean  done;
  gboolean  ok;
  guint     n_items;
  GError   *error;
  /* Progress seen before the end, on this thread. */
  guint     n_progress;
  guint     last_done;
  double    last_fraction;
  GThread  *thread;
} Import;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *source_path = NULL;
  g_autofree char *path = NULL;
  g_autoptr(FbStore) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GFile) file = NULL;

  f->dir = fb_test_make_tmp_dir ();
  source_path = g_build_filename (f->dir, "source.db", NULL);
  source = fb_store_new (source_path, &error);
  g_assert_no_error (error);
  fb_store_begin (source, NULL);
  for (guint i = 0; i < N_NOTES; i++)
    {
      g_autofree char *title = g_strdup_printf ("Heron %u", i);
      g_autoptr(FbItem) item = fb_test_store_create_note (source, title, "by the weir");
    }
  g_assert_true (fb_store_commit (source, &error));

  f->export_path = g_build_filename (f->dir, "export.json", NULL);
  file = g_file_new_for_path (f->export_path);
  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fb_transfer_export (source, G_OUTPUT_STREAM (out), NULL, NULL, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error));

  path = g_build_filename (f->dir, "fieldbook.db", NULL);
  f->store = fb_store_new (path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* The worker lets go of its task (and so of the store) just after it
   * returned. */
  WAIT_UNTIL (G_OBJECT (f->store)->ref_count == 1, 10000);
  g_assert_finalize_object (f->store);
  fb_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->export_path);
}

static void
progress_cb (guint    done,
             double   fraction,
             gpointer user_data)
{
  Import *import = user_data;

  g_assert_true (g_thread_self () == import->thread);
  g_assert_false (import->done);
  g_assert_cmpfloat (fraction, >=, import->last_fraction);
  import->n_progress++;
  import->last_done = done;
  import->last_fraction = fraction;
}

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Import *import = user_data;

  import->ok = fb_transfer_import_file_finish (FB_STORE (object), result, &import->n_items,
                                               &import->error);
  import->done = TRUE;
}

static void
run_import (Fixture      *f,
            const char   *path,
            GCancellable *cancellable,
            Import       *import)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  import->thread = g_thread_self ();
  fb_transfer_import_file_async (f->store, file, progress_cb, import, NULL, cancellable,
                                 import_done_cb, import);
  /* Nothing is written on this thread: the call returns at once. */
  g_assert_false (import->done);
  WAIT_UNTIL (import->done, 60000);
  g_assert_true (import->done);
  /* Progress told before the end but dispatched after it holds the task
   * (and so the store) until it runs, and then does nothing. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static guint
count_changes (GListModel *list,
               guint       position,
               guint       removed,
               guint       added,
               guint      *n_added)
{
  *n_added += added;
  return 0;
}

static void
test_import_announced (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(FbItemList) list = fb_item_list_new (f->store, FB_COLLECTION_NOTES);
  g_autoptr(FbItem) first = NULL;
  Import import = { 0, };
  Import again = { 0, };
  guint n_added = 0;

  g_signal_connect (list, "items-changed", G_CALLBACK (count_changes), &n_added);
  run_import (f, f->export_path, NULL, &import);
  g_assert_no_error (import.error);
  g_assert_true (import.ok);
  g_assert_cmpuint (import.n_items, ==, N_NOTES);

  /* The window's store announced every item: the list and the count. */
  g_assert_cmpuint (n_added, ==, N_NOTES);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_NOTES);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, N_NOTES);
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_true (g_str_has_prefix (fb_item_get_title (first), "Heron "));

  /* Progress came while the worker read, on this thread. */
  g_assert_cmpuint (import.n_progress, >, 1);
  g_assert_cmpuint (import.last_done, <=, N_NOTES);
  g_assert_cmpfloat (import.last_fraction, >, 0.5);

  /* The same file again changes nothing and announces nothing. */
  n_added = 0;
  run_import (f, f->export_path, NULL, &again);
  g_assert_true (again.ok);
  g_assert_cmpuint (n_added, ==, 0);
}

static void
test_bad_file_and_cancel (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(FbItemList) list = fb_item_list_new (f->store, FB_COLLECTION_NOTES);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *bad = g_build_filename (f->dir, "bad.json", NULL);
  Import bad_import = { 0, };
  Import cancelled = { 0, };

  g_assert_true (g_file_set_contents (bad, "{\"fieldbook\": 1, \"items\": [{\"_id\": \"a\", "
                                           "\"type\": \"notes\", \"title\": \"A\"}, 7]}", -1, NULL));
  run_import (f, bad, NULL, &bad_import);
  g_assert_false (bad_import.ok);
  g_assert_error (bad_import.error, FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_BAD_ITEM);
  /* One transaction: the good first item is not in either. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_clear_error (&bad_import.error);

  g_cancellable_cancel (cancellable);
  run_import (f, f->export_path, cancellable, &cancelled);
  g_assert_false (cancelled.ok);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (f->store), ==, 0);
  g_clear_error (&cancelled.error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/transfer-async/announced", Fixture, NULL, fixture_setup,
              test_import_announced, fixture_teardown);
  g_test_add ("/transfer-async/bad-file-and-cancel", Fixture, NULL, fixture_setup,
              test_bad_file_and_cancel, fixture_teardown);

  return g_test_run ();
}
