/* fb-transfer-async.c: an import on a worker thread, announced by the store the window uses */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include "fb-store-private.h"
#include "fb-transfer.h"
#include "fb-transfer-async.h"

/* An FbStore belongs to the thread that made it, so the worker opens the
 * file again (as the window's export does). Its store tells the worker
 * which items it wrote; once it committed, the caller's store reads them
 * and announces them in one commit of its own, the announcement a local
 * import would have made. */

typedef struct
{
  char                 *db_path;
  GFile                *file;
  GMainContext         *context;
  FbImportProgressFunc  progress;
  gpointer              progress_data;
  GDestroyNotify        progress_notify;
  /* On the worker only, until the task returns. */
  GInputStream         *in;
  goffset               size;
  GPtrArray            *ids;
  guint                 n_items;
  gint                  last_percent;
} ImportJob;

typedef struct
{
  ImportJob *job;  /* outlives every idle: the task's data, freed after them */
  GTask     *task;
  guint      done;
  double     fraction;
} Progress;

static void
import_job_free (ImportJob *job)
{
  if (job->progress_notify != NULL)
    job->progress_notify (job->progress_data);
  g_free (job->db_path);
  g_clear_object (&job->file);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_clear_object (&job->in);
  g_clear_pointer (&job->ids, g_ptr_array_unref);
  g_free (job);
}

static gboolean
progress_idle_cb (gpointer data)
{
  Progress *progress = data;
  ImportJob *job = progress->job;

  if (job->progress != NULL && !g_task_get_completed (progress->task))
    job->progress (progress->done, progress->fraction, job->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_free (gpointer data)
{
  Progress *progress = data;

  g_object_unref (progress->task);
  g_free (progress);
}

/* On the worker, after each item: the first, every hundredth, and each
 * hundredth of the file read go to the caller (the file is read in large
 * blocks, so a small one is read at once). */
static void
import_progress_cb (guint    done,
                    guint    total,
                    gpointer user_data)
{
  GTask *task = user_data;
  ImportJob *job = g_task_get_task_data (task);
  double fraction = 0.0;
  gint percent;
  Progress *progress;

  if (job->size > 0 && G_IS_SEEKABLE (job->in))
    fraction = CLAMP ((double) g_seekable_tell (G_SEEKABLE (job->in)) / job->size, 0.0, 1.0);
  percent = (gint) (fraction * 100);
  if (done > 1 && done % 100 != 0 && percent == job->last_percent)
    return;
  job->last_percent = percent;

  progress = g_new0 (Progress, 1);
  progress->job = job;
  progress->task = g_object_ref (task);
  progress->done = done;
  progress->fraction = fraction;
  {
    /* Not g_main_context_invoke (): it runs the function right here when
     * this thread can acquire the context, which it can whenever the
     * caller's thread is between iterations. */
    g_autoptr(GSource) source = g_idle_source_new ();

    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_callback (source, progress_idle_cb, progress, progress_free);
    g_source_attach (source, job->context);
  }
}

static void
worker_item_changed_cb (FbStore  *store,
                        FbItem   *item,
                        gpointer  user_data)
{
  ImportJob *job = user_data;

  g_ptr_array_add (job->ids, g_strdup (fb_item_get_id (item)));
}

static void
import_thread_cb (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ImportJob *job = task_data;
  g_autoptr(FbStore) store = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  store = fb_store_new (job->db_path, &error);
  if (store != NULL)
    job->in = G_INPUT_STREAM (g_file_read (job->file, cancellable, &error));
  if (job->in != NULL)
    info = g_file_input_stream_query_info (G_FILE_INPUT_STREAM (job->in),
                                           G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  if (info != NULL)
    job->size = g_file_info_get_size (info);

  if (job->in != NULL)
    g_signal_connect (store, "item-changed", G_CALLBACK (worker_item_changed_cb), job);
  if (job->in == NULL ||
      !fb_transfer_import (store, job->in, import_progress_cb, task, &job->n_items, cancellable,
                           &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static gboolean
announce_in_transaction (FbStore   *self,
                         gpointer   user_data,
                         GError   **error)
{
  GPtrArray *ids = user_data;

  for (guint i = 0; i < ids->len; i++)
    {
      g_auto(FbStoreRow) row = { 0, };
      gboolean found;

      if (!_fb_store_load_row (self, ids->pdata[i], &row, &found, error))
        return FALSE;
      if (found)
        _fb_store_queue_snapshot (self, &row);
    }
  _fb_store_reload_live_counts (self);

  return TRUE;
}

void
fb_transfer_import_file_async (FbStore               *store,
                               GFile                 *file,
                               FbImportProgressFunc   progress,
                               gpointer               progress_data,
                               GDestroyNotify         progress_notify,
                               GCancellable          *cancellable,
                               GAsyncReadyCallback    callback,
                               gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  ImportJob *job;

  g_return_if_fail (FB_IS_STORE (store));
  g_return_if_fail (G_IS_FILE (file));

  job = g_new0 (ImportJob, 1);
  job->db_path = g_strdup (fb_store_get_path (store));
  job->file = g_object_ref (file);
  job->context = g_main_context_ref_thread_default ();
  job->progress = progress;
  job->progress_data = progress_data;
  job->progress_notify = progress_notify;
  job->ids = g_ptr_array_new_with_free_func (g_free);
  job->last_percent = -1;

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_transfer_import_file_async);
  g_task_set_task_data (task, job, (GDestroyNotify) import_job_free);
  /* A cancel that comes after the commit is too late: what was written is
   * reported, and announced. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, import_thread_cb);
}

gboolean
fb_transfer_import_file_finish (FbStore       *store,
                                GAsyncResult  *result,
                                guint         *n_items,
                                GError       **error)
{
  ImportJob *job;

  g_return_val_if_fail (FB_IS_STORE (store), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fb_transfer_import_file_async,
                        FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  /* Here, on the caller's thread: the store it uses learns of the rows. */
  job = g_task_get_task_data (G_TASK (result));
  if (job->ids->len > 0 &&
      !fb_store_with_transaction (store, announce_in_transaction, job->ids, error))
    return FALSE;

  if (n_items != NULL)
    *n_items = job->n_items;
  return TRUE;
}
