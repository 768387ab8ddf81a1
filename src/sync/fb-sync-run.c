/* fb-sync-run.c: one sync run: push, pull, conflicts, merges */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include "fb-merge.h"
#include "fb-sync-error.h"
#include "fb-sync-identity.h"
#include "fb-sync-keys.h"
#include "fb-sync-run-private.h"
#include "fb-sync-words.h"

/* Owns one run from start to end: opening the database, the identity
 * check, then the push (fb-sync-run-push.c) and the pull
 * (fb-sync-run-pull.c). It reports back through its task (the outcome),
 * its stats and changed ids, and its own "item-rejected" and
 * "transfer-progress" signals; it knows
 * nothing of the manager that schedules it. */

FbSyncStats *
fb_sync_stats_copy (const FbSyncStats *stats)
{
  return g_memdup2 (stats, sizeof *stats);
}

void
fb_sync_stats_free (FbSyncStats *stats)
{
  g_free (stats);
}

G_DEFINE_BOXED_TYPE (FbSyncStats, fb_sync_stats, fb_sync_stats_copy, fb_sync_stats_free)

G_DEFINE_FINAL_TYPE (FbSyncRun, fb_sync_run, G_TYPE_OBJECT)

enum {
  ITEM_REJECTED,
  TRANSFER_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
fb_sync_run_dispose (GObject *object)
{
  FbSyncRun *self = FB_SYNC_RUN (object);

  g_assert (self->follow_handlers->len == 0);
  g_assert (self->task == NULL);
  g_clear_object (&self->store);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (fb_sync_run_parent_class)->dispose (object);
}

static void
fb_sync_run_finalize (GObject *object)
{
  FbSyncRun *self = FB_SYNC_RUN (object);

  g_clear_pointer (&self->remote_key, g_free);
  g_clear_pointer (&self->local_rev, g_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->followed, g_ptr_array_unref);
  g_clear_pointer (&self->follow_handlers, g_array_unref);
  g_clear_pointer (&self->attempts, g_hash_table_unref);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->pushed_revs, g_hash_table_unref);
  g_clear_pointer (&self->pull_waiting, json_object_unref);
  fb_sync_progress_clear (&self->progress);

  G_OBJECT_CLASS (fb_sync_run_parent_class)->finalize (object);
}

static void
fb_sync_run_class_init (FbSyncRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fb_sync_run_dispose;
  object_class->finalize = fb_sync_run_finalize;

  signals[ITEM_REJECTED] =
    g_signal_new ("item-rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[TRANSFER_PROGRESS] =
    g_signal_new ("transfer-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 5, G_TYPE_STRING, G_TYPE_STRING,
                  FB_TYPE_TRANSFER_DIRECTION, G_TYPE_UINT64, G_TYPE_UINT64);
}

static void
fb_sync_run_init (FbSyncRun *self)
{
  self->cancellable = g_cancellable_new ();
  self->followed = g_ptr_array_new_with_free_func (g_object_unref);
  self->follow_handlers = g_array_new (FALSE, FALSE, sizeof (gulong));
  self->attempts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->in_flight = g_hash_table_new (g_str_hash, g_str_equal);
  self->pushed_revs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

FbSyncRun *
fb_sync_run_new (FbStore       *store,
                 FbCouchClient *client,
                 guint          push_batch,
                 guint          pull_batch)
{
  FbSyncRun *self;

  g_return_val_if_fail (FB_IS_STORE (store), NULL);
  g_return_val_if_fail (FB_IS_COUCH_CLIENT (client), NULL);
  g_return_val_if_fail (push_batch > 0 && pull_batch > 0, NULL);

  self = g_object_new (FB_TYPE_SYNC_RUN, NULL);
  self->store = g_object_ref (store);
  self->client = g_object_ref (client);
  self->remote_key = fb_couch_client_dup_remote_key (client);
  self->push_batch = push_batch;
  self->pull_batch = pull_batch;

  return self;
}

static void
followed_cancelled_cb (GCancellable *cancellable,
                       gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

void
fb_sync_run_follow_cancellable (FbSyncRun    *self,
                                GCancellable *cancellable)
{
  gulong id;

  g_return_if_fail (FB_IS_SYNC_RUN (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (cancellable == NULL || self->finished)
    return;

  id = g_cancellable_connect (cancellable, G_CALLBACK (followed_cancelled_cb),
                              g_object_ref (self->cancellable), g_object_unref);
  if (id != 0)
    {
      g_ptr_array_add (self->followed, g_object_ref (cancellable));
      g_array_append_val (self->follow_handlers, id);
    }
}

void
fb_sync_run_cancel (FbSyncRun *self)
{
  g_return_if_fail (FB_IS_SYNC_RUN (self));

  g_cancellable_cancel (self->cancellable);
}

/* ---- Ending ---- */

/* Documents that did not decrypt were never applied: the person hears
 * of each, and a local item keeps its version with the reason beside it. */
static void
report_undecryptable (FbSyncRun *run)
{
  g_autoptr(GPtrArray) ids = fb_couch_client_take_undecryptable (run->client);
  g_autoptr(GError) words_error = g_error_new_literal (FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE, "");
  g_autofree char *words = fb_sync_words_error (words_error);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(FbItem) item = fb_store_get_item (run->store, ids->pdata[i], NULL);

      run->stats.undecryptable++;
      if (item != NULL && !fb_store_set_sync_error (run->store, ids->pdata[i], words, NULL))
        g_debug ("Could not note that %s did not decrypt", (char *) ids->pdata[i]);
      _fb_sync_run_item_rejected (run, ids->pdata[i], words);
    }
}

void
_fb_sync_run_end (FbSyncRun *run,
                  GError    *error)
{
  g_autoptr(GTask) task = NULL;

  if (run->finished)
    {
      g_clear_error (&error);
      return;
    }
  run->finished = TRUE;
  report_undecryptable (run);
  _fb_sync_run_end_transfer (run);

  for (guint i = 0; i < run->follow_handlers->len; i++)
    g_cancellable_disconnect (run->followed->pdata[i],
                              g_array_index (run->follow_handlers, gulong, i));
  g_array_set_size (run->follow_handlers, 0);

  /* Stop a pipelined request that may still be out. */
  g_cancellable_cancel (run->cancellable);

  task = g_steal_pointer (&run->task);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
renew_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FbSyncRun) run = user_data;
  g_autoptr(GError) error = NULL;

  /* The writes are done and confirmed: a renewal that fails only means
   * the next run checks every revision (the store stays marked). */
  if (!fb_sync_identity_renew_finish (result, NULL, &error) && !_fb_sync_is_cancelled (error))
    g_debug ("Could not renew the session with %s: %s", run->remote_key, error->message);

  _fb_sync_run_end (run, NULL);
}

void
_fb_sync_run_succeed (FbSyncRun *run)
{
  if (run->finished)
    return;
  if (!run->wrote)
    {
      _fb_sync_run_end (run, NULL);
      return;
    }

  fb_sync_identity_renew_async (run->store, run->client, run->local_rev, run->cancellable,
                                renew_cb, g_object_ref (run));
}

gboolean
_fb_sync_run_will_write (FbSyncRun  *run,
                         GError    **error)
{
  if (run->wrote)
    return TRUE;
  if (!fb_store_mark_remote_unconfirmed (run->store, run->remote_key, error))
    return FALSE;
  run->wrote = TRUE;
  return TRUE;
}

static GError *
store_error (GError *error)
{
  GError *wrapped;

  if (error->domain == FB_SYNC_ERROR || _fb_sync_is_cancelled (error))
    return error;

  wrapped = g_error_new_literal (FB_SYNC_ERROR, FB_SYNC_ERROR_STORE, error->message);
  g_error_free (error);
  return wrapped;
}

void
_fb_sync_run_fail (FbSyncRun *run,
                   GError    *error)
{
  if (!_fb_sync_is_cancelled (error))
    g_debug ("Sync run failed: %s", error->message);
  _fb_sync_run_end (run, store_error (error));
}

gboolean
_fb_sync_run_check_cancelled (FbSyncRun   *run,
                              gboolean    failed,
                              GError    **error)
{
  if (failed || !g_cancellable_is_cancelled (run->cancellable))
    return FALSE;
  return g_cancellable_set_error_if_cancelled (run->cancellable, error);
}

void
_fb_sync_run_item_rejected (FbSyncRun *run,
                            const     char *id,
                            const     char *message)
{
  g_signal_emit (run, signals[ITEM_REJECTED], 0, id, message);
}

void
_fb_sync_run_report_transfer (FbSyncRun           *run,
                              const char          *item_id,
                              const char          *name,
                              FbTransferDirection  direction,
                              guint64              bytes_done,
                              guint64              bytes_total)
{
  if (run->finished)
    return;
  if (fb_sync_progress_update (&run->progress, item_id, name, direction, bytes_done, bytes_total))
    g_signal_emit (run, signals[TRANSFER_PROGRESS], 0, item_id, name, direction,
                   run->progress.reported, bytes_total);
}

void
_fb_sync_run_end_transfer (FbSyncRun *run)
{
  g_autofree char *item_id = g_strdup (run->progress.item_id);
  g_autofree char *name = g_strdup (run->progress.name);
  FbTransferDirection direction = run->progress.direction;

  if (fb_sync_progress_end (&run->progress))
    g_signal_emit (run, signals[TRANSFER_PROGRESS], 0, item_id, name, direction,
                   (guint64) 0, (guint64) 0);
}

/* ---- Merging ---- */

gboolean
_fb_sync_run_repair_cut_off (FbSyncRun   *run,
                             const char  *id,
                             const char  *rev,
                             JsonObject  *mine,
                             JsonObject  *theirs,
                             GError     **error)
{
  gboolean marked = FALSE;

  if (mine == NULL || theirs == NULL || !_fb_sync_attachments_cut_off_held (run, id, mine, theirs))
    return TRUE;
  /* A new revision with the file's data: the server's text and members
   * stay as they are. A pending item sends it anyway (its base, the
   * server's entry, has no sealed digest: no stub goes). */
  if (!fb_store_send_again (run->store, id, rev, &marked, error))
    return FALSE;
  if (marked && run->pulling)
    run->needs_push = TRUE;
  return TRUE;
}

/* Merging one pending item with the server's side: adopting our own
 * upload whose answer was lost, a clean merge, or a conflict. */
gboolean
_fb_sync_run_merge_pending (FbSyncRun   *run,
                            FbItem      *item,
                            const char  *rev,
                            JsonObject  *theirs,
                            gboolean     theirs_deleted,
                            GError     **error)
{
  const char *id = fb_item_get_id (item);
  JsonObject *mine = fb_item_get_deleted (item) ? NULL : fb_item_get_body (item);
  g_autoptr(JsonObject) theirs_merged = NULL;
  g_autoptr(JsonObject) merged = NULL;
  gboolean merged_deleted = FALSE;
  gboolean adopted = FALSE;

  if (theirs_deleted)
    theirs = NULL;

  /* Our own earlier upload whose answer was lost: not a change to merge. */
  if (!fb_store_adopt_in_flight (run->store, id, rev, theirs, theirs_deleted, &adopted, error))
    return FALSE;
  if (adopted)
    {
      g_autoptr(FbItem) now = fb_store_get_item (run->store, id, NULL);

      run->stats.pushed++;
      if (run->pulling && now != NULL && fb_item_get_state (now) == FB_ITEM_STATE_PENDING)
        run->needs_push = TRUE;
      return TRUE;
    }

  if (mine != NULL && theirs != NULL)
    theirs_merged = _fb_sync_attachments_without_cut_off (run, id, fb_item_get_base_body (item),
                                                          mine, theirs);
  if (fb_merge_bodies (fb_item_get_base_body (item), mine, theirs_merged != NULL ? theirs_merged : theirs,
                       &merged, &merged_deleted) == FB_MERGE_CONFLICT)
    {
      if (!fb_store_set_conflict (run->store, id, rev, theirs, theirs_deleted, error))
        return FALSE;
      run->stats.conflicts++;
      return TRUE;
    }

  if (!fb_store_apply_merged (run->store, id, rev, theirs, theirs_deleted,
                              merged, merged_deleted, error))
    return FALSE;
  /* A merge that came out as the server's side left it synced. */
  if (!merged_deleted && !_fb_sync_run_repair_cut_off (run, id, rev, mine, theirs, error))
    return FALSE;

  /* A merge found while pulling that differs from the server's side is
   * pending again: it goes out before the run ends. */
  if (run->pulling &&
      (merged_deleted != theirs_deleted ||
       (!merged_deleted && !fb_body_equal (merged, theirs))))
    run->needs_push = TRUE;

  /* Same content on both sides (a lost push response) is not a merge. */
  if (!((mine == NULL && theirs == NULL) ||
        (mine != NULL && theirs != NULL && fb_body_equal (mine, theirs))))
    run->stats.merged++;

  return TRUE;
}


/* ---- Opening and the identity check ---- */

static void
identity_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FbSyncRun) run = user_data;
  FbSyncIdentityStats stats = { 0, };
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = fb_sync_identity_check_finish (result, &stats, &run->local_rev, &error);
  if (run->finished)
    return;
  /* What it wrote is in the store, even when it stopped half way. */
  run->stats.pushed += stats.uploaded;
  run->stats.merged += stats.merged;
  run->stats.conflicts += stats.conflicts;
  if (_fb_sync_run_check_cancelled (run, !ok, &error))
    ok = FALSE;
  if (!ok)
    {
      _fb_sync_run_fail (run, g_steal_pointer (&error));
      return;
    }

  _fb_sync_run_push_fill (run);
}

/* Is the server's database the one we last synced with? If not (new,
 * recreated, restored, another one), it is reconciled before the push. */
static void
check_identity (FbSyncRun *run)
{
  fb_sync_identity_check_async (run->store, run->client, run->push_batch, run->cancellable,
                                identity_cb, g_object_ref (run));
}

static void
unlock_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FbSyncRun) run = user_data;
  g_autoptr(GError) error = NULL;
  gboolean turned_on = FALSE;
  guint n_marked = 0;
  gboolean ok;

  ok = fb_sync_keys_unlock_finish (result, &turned_on, &n_marked, &error);
  if (run->finished)
    return;
  if (_fb_sync_run_check_cancelled (run, !ok, &error))
    ok = FALSE;
  if (!ok)
    {
      _fb_sync_run_fail (run, g_steal_pointer (&error));
      return;
    }
  if (turned_on)
    {
      g_debug ("Encryption turned on for %s: %u items to send again", run->remote_key, n_marked);
      run->stats.encrypted = n_marked;
    }

  check_identity (run);
}

/* Before anything is read or written: is the database encrypted, and can
 * this device read it (fb-sync-keys.c)? */
static void
unlock_keys (FbSyncRun *run)
{
  fb_sync_keys_unlock_async (run->store, run->client, run->cancellable, unlock_cb,
                             g_object_ref (run));
}

static void
open_database_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FbSyncRun) run = user_data;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(GError) error = NULL;

  info = fb_couch_client_open_database_finish (FB_COUCH_CLIENT (object), result, &error);
  if (run->finished)
    return;
  if (_fb_sync_run_check_cancelled (run, info == NULL, &error))
    g_clear_pointer (&info, json_object_unref);
  if (info == NULL)
    {
      _fb_sync_run_fail (run, g_steal_pointer (&error));
      return;
    }

  run->opened_database = TRUE;

  unlock_keys (run);
}


/* ---- Public API ---- */

void
fb_sync_run_execute_async (FbSyncRun            *self,
                           gboolean             database_open,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (FB_IS_SYNC_RUN (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (self->task == NULL && !self->finished);

  /* The run's own errors say when it was cancelled: the task has no
   * cancellable of its own. */
  self->task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (self->task, fb_sync_run_execute_async);
  fb_sync_run_follow_cancellable (self, cancellable);

  if (database_open)
    unlock_keys (self);
  else
    fb_couch_client_open_database_async (self->client, TRUE, self->cancellable,
                                         open_database_cb, g_object_ref (self));
}

gboolean
fb_sync_run_execute_finish (FbSyncRun     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (FB_IS_SYNC_RUN (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fb_sync_run_execute_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

FbCouchClient *
fb_sync_run_get_client (FbSyncRun *self)
{
  g_return_val_if_fail (FB_IS_SYNC_RUN (self), NULL);

  return self->client;
}

const FbSyncStats *
fb_sync_run_get_stats (FbSyncRun *self)
{
  g_return_val_if_fail (FB_IS_SYNC_RUN (self), NULL);

  return &self->stats;
}

const FbSyncChanges *
fb_sync_run_get_changes (FbSyncRun *self)
{
  g_return_val_if_fail (FB_IS_SYNC_RUN (self), NULL);

  return &self->changes;
}

void
fb_sync_run_set_metered (FbSyncRun *self,
                         gboolean   metered)
{
  g_return_if_fail (FB_IS_SYNC_RUN (self));

  self->metered = metered;
}

gboolean
fb_sync_run_get_opened_database (FbSyncRun *self)
{
  g_return_val_if_fail (FB_IS_SYNC_RUN (self), FALSE);

  return self->opened_database;
}
