/* fb-sync-manager.c: push/pull runs, live changes feed, retries and network tracking */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fb-couch-client.h"
#include "fb-couch-document.h"
#include "fb-merge.h"
#include "fb-sync-branches.h"
#include "fb-sync-error.h"
#include "fb-sync-identity.h"
#include "fb-sync-manager.h"

/* An item that keeps colliding with concurrent server edits is tried this
 * many times per run; it stays pending for the next run. */
#define MAX_PUSH_ATTEMPTS    3
#define MAX_PUSH_IN_FLIGHT   2
/* Push + pull rounds after the first, for merges found while pulling. */
#define MAX_EXTRA_CYCLES     2
#define PERIODIC_SYNC_SECS   (5 * 60)
#define RETRY_MAX_MS         (5 * 60 * 1000)
/* While the server cannot be reached, a GET / this often (doubling up to
 * the cap) finds out when it is back: a sync then resumes within ~5 s,
 * whatever the backoff of full runs says. */
#define PROBE_FIRST_MS       500
#define PROBE_MAX_MS         4000
#define LIVE_LIMIT           100

G_DEFINE_ENUM_TYPE (FbSyncState, fb_sync_state,
  G_DEFINE_ENUM_VALUE (FB_SYNC_STATE_NOT_CONFIGURED, "not-configured"),
  G_DEFINE_ENUM_VALUE (FB_SYNC_STATE_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (FB_SYNC_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (FB_SYNC_STATE_SYNCING, "syncing"),
  G_DEFINE_ENUM_VALUE (FB_SYNC_STATE_WAITING_TO_RETRY, "waiting-to-retry"),
  G_DEFINE_ENUM_VALUE (FB_SYNC_STATE_NEEDS_ATTENTION, "needs-attention"))

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

typedef struct _Run Run;

struct _FbSyncManager
{
  GObject          parent_instance;

  FbStore         *store;
  GNetworkMonitor *monitor;
  GCancellable    *cancellable;      /* the manager's lifetime */

  char            *url;
  char            *database;
  char            *user;
  char            *password;
  FbCouchClient   *client;
  gboolean         db_open;

  gboolean         enabled;
  gboolean         started;
  gboolean         online;
  gboolean         auth_failed;
  FbSyncState      state;

  Run             *run;
  GPtrArray       *queued_tasks;     /* GTask waiting for the next run */
  gboolean         run_again;
  gboolean         applying;         /* our own store commits: not local edits */

  GCancellable    *live_cancellable; /* longpoll or reachability check */
  guint            debounce_id;
  guint            retry_id;
  guint            probe_id;         /* next reachability probe */
  guint            probe_ms;
  GCancellable    *probe_cancellable;
  guint            periodic_id;
  guint            n_failures;
  gint64           next_retry;
  GDateTime       *last_synced;
  GError          *last_error;

  guint            debounce_ms;
  guint            longpoll_ms;
  guint            retry_base_ms;
  guint            push_batch;
  guint            pull_batch;
};

G_DEFINE_FINAL_TYPE (FbSyncManager, fb_sync_manager, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_NETWORK_MONITOR,
  PROP_ONLINE,
  PROP_STATE,
  PROP_PENDING_COUNT,
  PROP_CONFLICT_COUNT,
  PROP_LAST_SYNCED,
  PROP_LAST_ERROR,
  PROP_NEXT_RETRY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  REMOTE_CHANGES,
  ITEM_REJECTED,
  RUN_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One run: push, then pull. Callbacks hold a reference on the run; the
 * manager may be gone when they come back, hence the weak reference. */
struct _Run
{
  gatomicrefcount  ref_count;
  GWeakRef         manager;
  FbStore         *store;
  FbCouchClient   *client;
  char            *remote_key;
  GCancellable    *cancellable;
  GPtrArray       *tasks;
  GPtrArray       *task_cancellables;
  GArray          *task_handlers;
  gboolean         finished;
  guint            push_batch;
  guint            pull_batch;
  FbSyncStats      stats;

  gint64           after_seq;
  GHashTable      *attempts;         /* id → pushes tried in this run */
  GHashTable      *in_flight;        /* ids in batches not done yet (borrowed) */
  GHashTable      *pushed_revs;      /* id → rev the server gave us in this run */
  guint            push_in_flight;   /* batches the server has not answered */
  guint            push_outstanding; /* batches not done (answered or not) */

  gboolean         pulling;
  /* This pull asks for changes without their documents and fetches only
   * those that are not the echo of this run's push. */
  gboolean         pull_docs_apart;
  gboolean         needs_push;       /* a pull merge left items pending */
  guint            cycles;           /* extra push + pull rounds so far */
  GPtrArray       *changed_ids;
};

static void start_run          (FbSyncManager *self);
static void push_fill          (Run           *run);
static void pull_request       (Run           *run,
                                JsonNode      *since);
static void live_start         (FbSyncManager *self);
static void update_state       (FbSyncManager *self);
static void handle_outcome     (FbSyncManager *self,
                                const GError  *error);

static Run *
run_ref (Run *run)
{
  g_atomic_ref_count_inc (&run->ref_count);
  return run;
}

static void
run_unref (Run *run)
{
  if (!g_atomic_ref_count_dec (&run->ref_count))
    return;

  g_assert (run->task_handlers->len == 0);
  g_weak_ref_clear (&run->manager);
  g_clear_object (&run->store);
  g_clear_object (&run->client);
  g_clear_pointer (&run->remote_key, g_free);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->tasks, g_ptr_array_unref);
  g_clear_pointer (&run->task_cancellables, g_ptr_array_unref);
  g_clear_pointer (&run->task_handlers, g_array_unref);
  g_clear_pointer (&run->attempts, g_hash_table_unref);
  g_clear_pointer (&run->in_flight, g_hash_table_unref);
  g_clear_pointer (&run->pushed_revs, g_hash_table_unref);
  g_clear_pointer (&run->changed_ids, g_ptr_array_unref);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_unref)

static void
task_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* Cancelling @cancellable cancels the run. */
static void
run_follow_cancellable (Run          *run,
                        GCancellable *cancellable)
{
  gulong id;

  if (cancellable == NULL)
    return;

  id = g_cancellable_connect (cancellable, G_CALLBACK (task_cancelled_cb),
                              g_object_ref (run->cancellable), g_object_unref);
  if (id != 0)
    {
      g_ptr_array_add (run->task_cancellables, g_object_ref (cancellable));
      g_array_append_val (run->task_handlers, id);
    }
}

static Run *
run_new (FbSyncManager *self)
{
  Run *run = g_new0 (Run, 1);

  g_atomic_ref_count_init (&run->ref_count);
  g_weak_ref_init (&run->manager, self);
  run->store = g_object_ref (self->store);
  run->client = g_object_ref (self->client);
  run->remote_key = fb_couch_client_dup_remote_key (self->client);
  run->cancellable = g_cancellable_new ();
  run->push_batch = self->push_batch;
  run->pull_batch = self->pull_batch;
  run->tasks = g_steal_pointer (&self->queued_tasks);
  self->queued_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  run->task_cancellables = g_ptr_array_new_with_free_func (g_object_unref);
  run->task_handlers = g_array_new (FALSE, FALSE, sizeof (gulong));
  run->attempts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->in_flight = g_hash_table_new (g_str_hash, g_str_equal);
  run->pushed_revs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  run->changed_ids = g_ptr_array_new_with_free_func (g_free);

  /* The manager going away, or a caller cancelling its sync_async (),
   * cancels the run. */
  run_follow_cancellable (run, self->cancellable);
  for (guint i = 0; i < run->tasks->len; i++)
    run_follow_cancellable (run, g_task_get_cancellable (run->tasks->pdata[i]));

  return run;
}

/* ---- Small helpers ---- */

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static gboolean
is_fatal_for_automatic (const GError *error)
{
  return g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED) ||
         g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_FORBIDDEN) ||
         g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_INVALID_URL) ||
         g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_CONFIGURED);
}

static GError *
store_error (GError *error)
{
  GError *wrapped;

  if (error->domain == FB_SYNC_ERROR || is_cancelled (error))
    return error;

  wrapped = g_error_new_literal (FB_SYNC_ERROR, FB_SYNC_ERROR_STORE, error->message);
  g_error_free (error);
  return wrapped;
}

/* ---- Merging one pending item with the server's side ---- */

static gboolean
merge_pending (Run         *run,
               FbItem      *item,
               const char  *rev,
               JsonObject  *theirs,
               gboolean     theirs_deleted,
               GError     **error)
{
  const char *id = fb_item_get_id (item);
  JsonObject *mine = fb_item_get_deleted (item) ? NULL : fb_item_get_body (item);
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

  if (fb_merge_bodies (fb_item_get_base_body (item), mine, theirs,
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

/* Commits the run's transaction. Our own commits are not local edits: the
 * debounce ignores the item-changed signals they emit. */
static gboolean
run_commit (Run      *run,
            GError  **error)
{
  g_autoptr(FbSyncManager) self = g_weak_ref_get (&run->manager);
  gboolean ok;

  if (self != NULL)
    self->applying = TRUE;
  ok = fb_store_commit (run->store, error);
  if (self != NULL)
    self->applying = FALSE;

  return ok;
}

/* ---- Finishing a run ---- */

static void
run_finish (Run    *run,
            GError *error)
{
  g_autoptr(FbSyncManager) self = NULL;
  g_autoptr(GError) owned = error;

  if (run->finished)
    return;
  run->finished = TRUE;

  for (guint i = 0; i < run->task_handlers->len; i++)
    g_cancellable_disconnect (run->task_cancellables->pdata[i],
                              g_array_index (run->task_handlers, gulong, i));
  g_array_set_size (run->task_handlers, 0);

  /* Stop a pipelined request that may still be out. */
  g_cancellable_cancel (run->cancellable);

  self = g_weak_ref_get (&run->manager);
  if (self != NULL && self->run == run)
    {
      self->run = NULL;
      /* Announced even when the run failed later: they are in the store. */
      if (run->changed_ids->len > 0)
        {
          guint n = run->changed_ids->len;

          g_ptr_array_add (run->changed_ids, NULL);
          g_signal_emit (self, signals[REMOTE_CHANGES], 0, n,
                         (char **) run->changed_ids->pdata);
          g_ptr_array_set_size (run->changed_ids, n);
        }
      handle_outcome (self, error);
      g_signal_emit (self, signals[RUN_FINISHED], 0, error);
    }

  for (guint i = 0; i < run->tasks->len; i++)
    {
      GTask *task = run->tasks->pdata[i];

      /* What a failed run did stays done (conflicts it found stay in the
       * store): the caller learns it through fb_sync_manager_sync_finish_full (). */
      g_object_set_data_full (G_OBJECT (task), "fb-sync-stats",
                              fb_sync_stats_copy (&run->stats),
                              (GDestroyNotify) fb_sync_stats_free);
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, fb_sync_stats_copy (&run->stats),
                               (GDestroyNotify) fb_sync_stats_free);
    }
  g_ptr_array_set_size (run->tasks, 0);

  if (self != NULL && self->run == NULL && self->store != NULL)
    {
      if (self->queued_tasks->len > 0 || self->run_again)
        start_run (self);
      else if (error == NULL)
        live_start (self);
      update_state (self);
    }
}

static void
run_fail (Run    *run,
          GError *error)
{
  if (!is_cancelled (error))
    g_debug ("Sync run failed: %s", error->message);
  run_finish (run, store_error (error));
}

/* A result that arrives after the run was cancelled (a new remote, the
 * network gone) is not applied. TRUE when @error now says cancelled. */
static gboolean
run_cancelled (Run      *run,
               gboolean  failed,
               GError  **error)
{
  if (failed || !g_cancellable_is_cancelled (run->cancellable))
    return FALSE;
  return g_cancellable_set_error_if_cancelled (run->cancellable, error);
}

/* ---- Pull ---- */

/* The revision a change is about: its document's, or the first leaf's. */
static const char *
change_rev (JsonObject *change,
            JsonObject *doc)
{
  const char *rev = NULL;

  if (doc != NULL)
    rev = json_object_get_string_member_with_default (doc, "_rev", NULL);
  if (rev == NULL && json_object_has_member (change, "changes") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (change, "changes")))
    {
      JsonArray *changes = json_object_get_array_member (change, "changes");

      if (json_array_get_length (changes) > 0 &&
          JSON_NODE_HOLDS_OBJECT (json_array_get_element (changes, 0)))
        rev = json_object_get_string_member_with_default (json_array_get_object_element (changes, 0),
                                                          "rev", NULL);
    }

  return rev;
}

/* A losing leaf that collided with the winner (see FbBranchOutcome): the
 * item takes its side as mine and the server's winner as the conflict's
 * other side. */
static gboolean
apply_collided_leaf (Run              *run,
                     const char       *id,
                     const char       *type,
                     FbBranchOutcome  *outcome,
                     GError          **error)
{
  JsonObject *doc = outcome->doc;
  const char *rev = json_object_get_string_member_with_default (doc, "_rev", NULL);
  g_autoptr(JsonObject) theirs = fb_couch_document_get_body (doc);
  g_autoptr(FbItem) item = fb_store_get_item (run->store, id, NULL);

  if (rev == NULL)
    return TRUE;

  if (item != NULL && fb_item_get_state (item) != FB_ITEM_STATE_SYNCED)
    {
      /* The person typed while the branches were merged: the leaf's side
       * is kept as an item of its own rather than over their typing. */
      g_autoptr(FbItem) copy = fb_store_create_item (run->store, fb_item_get_collection (item),
                                                     outcome->collided_body, error);

      if (copy == NULL)
        return FALSE;
      return merge_pending (run, item, rev, theirs, FALSE, error);
    }

  if (!fb_store_apply_remote (run->store, id, type, outcome->collided_rev,
                              outcome->collided_body, FALSE,
                              json_object_get_int_member_with_default (doc, "updated_at",
                                                                       g_get_real_time () / 1000),
                              error) ||
      !fb_store_set_conflict (run->store, id, rev, theirs, FALSE, error))
    return FALSE;

  run->stats.conflicts++;
  run->stats.pulled++;
  g_ptr_array_add (run->changed_ids, g_strdup (id));
  return TRUE;
}

/* @docs: when the changes came without documents, the ones fetched apart
 * (id → document), nullable. @branches: id → FbBranchOutcome for the
 * documents whose branches were merged, nullable: their new winner stands
 * for the change's document. */
static gboolean
apply_change (Run         *run,
              JsonObject  *change,
              GHashTable  *docs,
              GHashTable  *branches,
              GError     **error)
{
  FbBranchOutcome *outcome = NULL;
  const char *id = json_object_get_string_member_with_default (change, "id", NULL);
  JsonObject *doc = NULL;
  const char *rev = NULL;
  const char *type;
  gboolean deleted;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) theirs = NULL;
  g_autoptr(GError) local_error = NULL;
  FbItemState state;

  if (id == NULL || g_str_has_prefix (id, "_design/"))
    return TRUE;

  if (json_object_has_member (change, "doc") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (change, "doc")))
    doc = json_object_get_object_member (change, "doc");

  if (branches != NULL && (outcome = g_hash_table_lookup (branches, id)) != NULL)
    {
      doc = outcome->doc;
      run->stats.merged += outcome->n_merged;
      if (outcome->collided_rev != NULL)
        {
          type = json_object_get_string_member_with_default (doc, "type", NULL);
          if (!fb_couch_document_type_is_ours (type))
            return TRUE;
          return apply_collided_leaf (run, id, type, outcome, error);
        }
    }
  else if (doc == NULL && docs != NULL)
    {
      doc = g_hash_table_lookup (docs, id);
    }

  /* The echo of what this run pushed: known without reading the store. */
  rev = change_rev (change, doc);
  if (rev != NULL && g_strcmp0 (g_hash_table_lookup (run->pushed_revs, id), rev) == 0)
    return TRUE;

  if (rev == NULL)
    return TRUE;

  deleted = json_object_get_boolean_member_with_default (change, "deleted", FALSE) ||
            (doc != NULL && fb_couch_document_is_deleted (doc));
  if (!deleted && doc == NULL)
    return TRUE;

  item = fb_store_get_item (run->store, id, &local_error);
  if (item == NULL && !g_error_matches (local_error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (item != NULL)
    {
      const char *base_rev = fb_item_get_base_rev (item);

      /* Our own echo, or (replaying an old batch) older than what we have. */
      if (g_strcmp0 (base_rev, rev) == 0 ||
          fb_couch_rev_generation (base_rev) > fb_couch_rev_generation (rev))
        return TRUE;
    }

  type = doc != NULL ? json_object_get_string_member_with_default (doc, "type", NULL) : NULL;
  if (!deleted && !fb_couch_document_type_is_ours (type))
    {
      /* Another program's document: not ours to show or to change. */
      return TRUE;
    }
  if (type == NULL || !fb_couch_document_type_is_ours (type))
    type = item != NULL ? fb_item_get_collection (item) : FB_COLLECTION_NOTES;

  if (!deleted)
    theirs = fb_couch_document_get_body (doc);

  state = item != NULL ? fb_item_get_state (item) : FB_ITEM_STATE_SYNCED;
  switch (state)
    {
    case FB_ITEM_STATE_SYNCED:
      if (item == NULL && deleted)
        return TRUE;
      if (!fb_store_apply_remote (run->store, id, type, rev, theirs, deleted,
                                  doc != NULL
                                  ? json_object_get_int_member_with_default (doc, "updated_at",
                                                                             g_get_real_time () / 1000)
                                  : g_get_real_time () / 1000,
                                  error))
        return FALSE;
      break;

    case FB_ITEM_STATE_PENDING:
      if (!merge_pending (run, item, rev, theirs, deleted, error))
        return FALSE;
      break;

    case FB_ITEM_STATE_CONFLICT:
      if (g_strcmp0 (fb_item_get_server_rev (item), rev) == 0)
        return TRUE;
      if (!fb_store_set_conflict (run->store, id, rev, theirs, deleted, error))
        return FALSE;
      break;

    default:
      g_assert_not_reached ();
    }

  run->stats.pulled++;
  g_ptr_array_add (run->changed_ids, g_strdup (id));
  return TRUE;
}

static gboolean
apply_changes (Run         *run,
               JsonArray   *results,
               GHashTable  *docs,
               GHashTable  *branches,
               JsonNode    *last_seq,
               GError     **error)
{
  g_autofree char *seq_json = NULL;
  guint n = json_array_get_length (results);
  FbSyncStats before = run->stats;
  guint n_changed = run->changed_ids->len;

  if (!fb_store_begin (run->store, error))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (results, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      if (!apply_change (run, json_node_get_object (node), docs, branches, error))
        goto fail;
    }

  if (last_seq != NULL && !JSON_NODE_HOLDS_NULL (last_seq))
    {
      seq_json = json_to_string (last_seq, FALSE);
      if (!fb_store_set_checkpoint (run->store, run->remote_key, seq_json, error))
        goto fail;
    }

  if (!run_commit (run, error))
    goto fail;

  return TRUE;

fail:
  /* Nothing of this batch is in the store: the run did not do it. */
  fb_store_rollback (run->store);
  run->stats = before;
  g_ptr_array_set_size (run->changed_ids, n_changed);
  return FALSE;
}

static void
unref_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  json_object_unref (task_data);
}

/* Freeing the tree of a thousand parsed documents takes the main thread
 * ~20 ms; a worker does it instead. Safe because nothing outside the tree
 * holds a reference into it once the batch is applied (json-glib's object
 * and array reference counts are not atomic): bodies taken from it were
 * freed with the batch, and the next request's "since" is a copy made from
 * text (pull_request ()). */
static void
drop_response (JsonObject *response)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_task_set_task_data (task, response, NULL);
  g_task_run_in_thread (task, unref_in_thread);
}

/* After a batch is applied: the next one, another push round, or done. */
static void
pull_continue (Run      *run,
               gboolean  more,
               JsonNode *last_seq,
               gboolean  requested)
{
  if (more)
    {
      if (!requested)
        pull_request (run, last_seq);
      return;
    }

  if (run->needs_push && run->cycles < MAX_EXTRA_CYCLES)
    {
      run->cycles++;
      run->needs_push = FALSE;
      run->pulling = FALSE;
      push_fill (run);
      return;
    }

  run_finish (run, NULL);
}

static gboolean
pull_apply (Run         *run,
            JsonObject  *response,
            GHashTable  *docs,
            GHashTable  *branches)
{
  g_autoptr(GError) error = NULL;
  JsonArray *results = json_object_get_array_member (response, "results");
  gint64 applying_since = g_get_monotonic_time ();

  if (!apply_changes (run, results, docs, branches,
                      json_object_get_member (response, "last_seq"), &error))
    {
      run_fail (run, g_steal_pointer (&error));
      return FALSE;
    }
  g_debug ("Pull: %u changes applied in %.3f s", json_array_get_length (results),
           (g_get_monotonic_time () - applying_since) / (double) G_USEC_PER_SEC);

  return TRUE;
}

static gboolean
pull_more (Run        *run,
           JsonObject *response)
{
  guint n = json_array_get_length (json_object_get_array_member (response, "results"));

  return n > 0 && n >= run->pull_batch && json_object_get_member (response, "last_seq") != NULL &&
         json_object_get_int_member_with_default (response, "pending", 1) != 0;
}

typedef struct {
  Run        *run;
  JsonObject *response;
  GHashTable *docs;      /* fetched apart, nullable */
} PullDocs;

static void
pull_docs_free (PullDocs *pull)
{
  g_clear_pointer (&pull->run, run_unref);
  g_clear_pointer (&pull->response, json_object_unref);
  g_clear_pointer (&pull->docs, g_hash_table_unref);
  g_free (pull);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PullDocs, pull_docs_free)

static void
pull_dropped_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PullDocs) pull = user_data;
  Run *run = pull->run;
  g_autoptr(GError) error = NULL;

  gboolean ok;

  ok = fb_sync_drop_taken_leaves_finish (result, &error);
  if (run->finished)
    return;
  /* Not fatal: a leaf left there comes back as the same conflict. */
  if (!ok && !is_cancelled (error))
    {
      g_debug ("Collided leaves stay on the server: %s", error->message);
      g_clear_error (&error);
    }
  if (!ok && is_cancelled (error))
    {
      run_fail (run, g_steal_pointer (&error));
      return;
    }
  if (run_cancelled (run, FALSE, &error))
    {
      run_fail (run, g_steal_pointer (&error));
      return;
    }

  pull_continue (run, pull_more (run, pull->response),
                 json_object_get_member (pull->response, "last_seq"), FALSE);
  drop_response (g_steal_pointer (&pull->response));
}

static void
pull_branches_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PullDocs) pull = user_data;
  Run *run = pull->run;
  g_autoptr(GHashTable) branches = NULL;
  g_autoptr(GError) error = NULL;

  branches = fb_sync_merge_branches_finish (result, &error);
  if (run->finished)
    return;
  if (run_cancelled (run, branches == NULL, &error))
    g_clear_pointer (&branches, g_hash_table_unref);
  if (branches == NULL)
    {
      run_fail (run, g_steal_pointer (&error));
      return;
    }

  if (!pull_apply (run, pull->response, pull->docs, branches))
    {
      drop_response (g_steal_pointer (&pull->response));
      return;
    }

  /* The store has the collided leaves now: the server may drop them. */
  fb_sync_drop_taken_leaves_async (run->client, branches, run->cancellable,
                                   pull_dropped_cb, g_steal_pointer (&pull));
}

/* The documents of a batch (in its changes, or fetched apart) that have
 * live losing leaves. */
static GPtrArray *
pull_branched_docs (JsonObject *response,
                    GHashTable *docs)
{
  JsonArray *results = json_object_get_array_member (response, "results");
  GPtrArray *branched = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *node = json_array_get_element (results, i);
      JsonObject *change;
      JsonObject *doc = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      change = json_node_get_object (node);
      if (json_object_has_member (change, "doc") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (change, "doc")))
        doc = json_object_get_object_member (change, "doc");
      else if (docs != NULL)
        doc = g_hash_table_lookup (docs, json_object_get_string_member (change, "id"));

      if (fb_sync_doc_has_branches (doc))
        g_ptr_array_add (branched, doc);
    }

  return branched;
}

/* Applies a batch, once the branches in it are merged. FALSE when that
 * failed, or goes on asynchronously (*@merging TRUE: pull_branches_cb ()
 * continues the pull): the caller must not continue. */
static gboolean
pull_apply_or_merge (Run        *run,
                     JsonObject *response,
                     GHashTable *docs,
                     gboolean   *merging)
{
  g_autoptr(GPtrArray) branched = pull_branched_docs (response, docs);
  PullDocs *pull;

  *merging = FALSE;
  if (branched->len == 0)
    return pull_apply (run, response, docs, NULL);

  *merging = TRUE;
  pull = g_new0 (PullDocs, 1);
  pull->run = run_ref (run);
  pull->response = json_object_ref (response);
  pull->docs = docs != NULL ? g_hash_table_ref (docs) : NULL;
  fb_sync_merge_branches_async (run->client, run->store, branched, run->cancellable,
                                pull_branches_cb, pull);
  return FALSE;
}

static void
pull_docs_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PullDocs) pull = user_data;
  Run *run = pull->run;
  g_autoptr(GHashTable) docs = NULL;
  g_autoptr(GError) error = NULL;
  gboolean merging;

  docs = fb_couch_client_get_docs_finish (FB_COUCH_CLIENT (object), result, &error);
  if (run->finished)
    return;
  if (run_cancelled (run, docs == NULL, &error))
    g_clear_pointer (&docs, g_hash_table_unref);
  if (docs == NULL)
    {
      run_fail (run, g_steal_pointer (&error));
      return;
    }

  if (pull_apply_or_merge (run, pull->response, docs, &merging))
    pull_continue (run, pull_more (run, pull->response),
                   json_object_get_member (pull->response, "last_seq"), FALSE);
  /* A merge going on holds its own reference (and copies). */
  if (!merging)
    drop_response (g_steal_pointer (&pull->response));
}

static guint
change_n_leaves (JsonObject *change)
{
  JsonNode *node = json_object_get_member (change, "changes");

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node)
         ? json_array_get_length (json_node_get_array (node)) : 0;
}

/* Changes that came without documents: those not known to be our own
 * echo, and not deletions (which need no document), are fetched in one
 * request; *@with_conflicts TRUE when one lists several leaves. */
static GPtrArray *
pull_ids_to_fetch (Run       *run,
                   JsonArray *results,
                   gboolean  *with_conflicts)
{
  GPtrArray *ids = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *node = json_array_get_element (results, i);
      JsonObject *change;
      const char *id;
      const char *rev;
      g_autoptr(FbItem) item = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      change = json_node_get_object (node);
      id = json_object_get_string_member_with_default (change, "id", NULL);
      rev = change_rev (change, NULL);
      if (id == NULL || rev == NULL || g_str_has_prefix (id, "_design/"))
        continue;

      /* Several leaves: which one won, and whether live ones lost, only the
       * document says (even when one of them is our own echo). */
      if (change_n_leaves (change) > 1)
        {
          *with_conflicts = TRUE;
        }
      else
        {
          if (json_object_get_boolean_member_with_default (change, "deleted", FALSE) ||
              g_strcmp0 (g_hash_table_lookup (run->pushed_revs, id), rev) == 0)
            continue;

          item = fb_store_get_item (run->store, id, NULL);
          if (item != NULL && g_strcmp0 (fb_item_get_base_rev (item), rev) == 0)
            continue;
        }

      if (g_hash_table_add (seen, (gpointer) id))
        g_ptr_array_add (ids, (gpointer) id);
    }

  g_ptr_array_add (ids, NULL);
  return ids;
}

static void
pull_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *last_seq;
  gboolean more;

  response = fb_couch_client_changes_full_finish (FB_COUCH_CLIENT (object), result, &error);
  if (run->finished)
    return;
  if (run_cancelled (run, response == NULL, &error))
    g_clear_pointer (&response, json_object_unref);
  if (response == NULL)
    {
      run_fail (run, g_steal_pointer (&error));
      return;
    }

  if (!json_object_has_member (response, "results") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (response, "results")))
    {
      run_fail (run, g_error_new_literal (FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE,
                                          "The server’s list of changes has no results"));
      return;
    }

  last_seq = json_object_get_member (response, "last_seq");
  more = pull_more (run, response);

  if (run->pull_docs_apart)
    {
      gboolean with_conflicts = FALSE;
      g_autoptr(GPtrArray) ids = pull_ids_to_fetch (run, json_object_get_array_member (response,
                                                                                       "results"),
                                                    &with_conflicts);

      /* One batch at a time here: the next is asked for once this one is
       * in the store, so batches are never applied out of order. */
      if (ids->len > 1)
        {
          PullDocs *pull = g_new0 (PullDocs, 1);

          pull->run = run_ref (run);
          pull->response = json_object_ref (response);
          if (with_conflicts)
            fb_couch_client_get_docs_with_conflicts_async (run->client,
                                                           (const char * const *) ids->pdata,
                                                           run->cancellable, pull_docs_cb, pull);
          else
            fb_couch_client_get_docs_async (run->client, (const char * const *) ids->pdata,
                                            run->cancellable, pull_docs_cb, pull);
          return;
        }

      if (pull_apply (run, response, NULL, NULL))
        pull_continue (run, more, last_seq, FALSE);
      return;
    }

  /* Branches are merged (asynchronously) before the batch is applied, and
   * the next batch waits for that. */
  {
    g_autoptr(GPtrArray) branched = pull_branched_docs (response, NULL);

    if (branched->len > 0)
      {
        gboolean merging;

        if (pull_apply_or_merge (run, response, NULL, &merging))
          pull_continue (run, more, last_seq, FALSE);
        return;
      }
  }

  /* Ask for the next batch before applying this one: the server prepares
   * it while we write to the store. */
  if (more)
    pull_request (run, last_seq);

  if (pull_apply (run, response, NULL, NULL))
    pull_continue (run, more, last_seq, TRUE);
  drop_response (g_steal_pointer (&response));
}

static void
pull_request (Run      *run,
              JsonNode *since)
{
  g_autoptr(JsonNode) since_copy = NULL;

  /* Shares nothing with the answer it comes from (see drop_response ()). */
  if (since != NULL)
    {
      g_autofree char *text = json_to_string (since, FALSE);

      since_copy = json_from_string (text, NULL);
    }

  fb_couch_client_changes_full_async (run->client, since_copy, run->pull_batch,
                                      !run->pull_docs_apart, FALSE, 0,
                                      run->cancellable, pull_cb, run_ref (run));
}

static void
pull_start (Run *run)
{
  g_autofree char *checkpoint = fb_store_get_checkpoint (run->store, run->remote_key);
  g_autoptr(JsonNode) since = NULL;

  if (checkpoint != NULL)
    since = json_from_string (checkpoint, NULL);

  run->pulling = TRUE;
  /* After a push most of the changes are its own echo: their documents
   * are not worth downloading. */
  run->pull_docs_apart = g_hash_table_size (run->pushed_revs) > 0;
  pull_request (run, since);
}

/* ---- Push ----
 *
 * Up to MAX_PUSH_IN_FLIGHT batches are out at once: the server stores one
 * while the store records the results of the other. */

typedef struct {
  Run        *run;
  GHashTable *items;     /* id → FbItem as sent */
  GPtrArray  *conflicts; /* ids (owned by @items) */
  gboolean    answered;  /* no longer counted in push_in_flight */
} PushBatch;

static void
push_batch_free (PushBatch *batch)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, batch->items);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_remove (batch->run->in_flight, key);

  g_clear_pointer (&batch->items, g_hash_table_unref);
  g_clear_pointer (&batch->conflicts, g_ptr_array_unref);
  g_clear_pointer (&batch->run, run_unref);
  g_free (batch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PushBatch, push_batch_free)

/* A batch is done: let the next one go, or move on to the pull. */
static void
push_batch_done (PushBatch *batch)
{
  Run *run = run_ref (batch->run);

  if (!batch->answered)
    run->push_in_flight--;
  run->push_outstanding--;
  push_batch_free (batch);
  if (!run->finished)
    push_fill (run);
  run_unref (run);
}

/* A push answered "conflict" for a document the server does not have:
 * the next push sends it without a revision, as a new document. */
static gboolean
upload_as_new (Run         *run,
               FbItem      *item,
               GError     **error)
{
  const char *id = fb_item_get_id (item);

  if (fb_item_get_base_rev (item) == NULL)
    {
      /* Sent without one already: nothing left to try by ourselves. */
      return fb_store_set_sync_error (run->store, id,
                                      _("The server refused this item as a conflict but does not have it"),
                                      error);
    }

  g_debug ("The server does not have %s: uploading it as a new document", id);
  return fb_store_forget_base_rev (run->store, id, error);
}

/* Merges each conflicted item of @batch with the server's side in @docs
 * (id → winner; @branches: the winners after their branches were merged,
 * nullable). */
static void
apply_conflicts (PushBatch  *batch,
                 GHashTable *docs,
                 GHashTable *branches)
{
  Run *run = batch->run;
  g_autoptr(GError) error = NULL;
  FbSyncStats before = run->stats;

  if (!fb_store_begin (run->store, &error))
    {
      run_fail (run, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < batch->conflicts->len; i++)
    {
      const char *id = batch->conflicts->pdata[i];
      JsonObject *doc = g_hash_table_lookup (docs, id);
      FbBranchOutcome *outcome = branches != NULL ? g_hash_table_lookup (branches, id) : NULL;
      g_autoptr(FbItem) item = NULL;
      g_autoptr(JsonObject) theirs = NULL;
      gboolean deleted;

      /* Re-read: the person may have typed since the batch was sent. */
      item = fb_store_get_item (run->store, id, NULL);
      if (item == NULL || fb_item_get_state (item) != FB_ITEM_STATE_PENDING)
        continue;

      /* The server does not have it (a new or recreated database, a purged
       * document): it goes again as a new document. */
      if (doc == NULL)
        {
          if (!upload_as_new (run, item, &error))
            goto fail;
          continue;
        }

      if (outcome != NULL)
        {
          doc = outcome->doc;
          run->stats.merged += outcome->n_merged;
        }

      deleted = fb_couch_document_is_deleted (doc);
      if (!deleted)
        theirs = fb_couch_document_get_body (doc);
      if (!merge_pending (run, item,
                          json_object_get_string_member_with_default (doc, "_rev", NULL),
                          theirs, deleted, &error))
        goto fail;
    }

  if (!run_commit (run, &error))
    goto fail;
  return;

fail:
  /* Nothing of this batch is in the store: the run did not do it. */
  fb_store_rollback (run->store);
  run->stats = before;
  run_fail (run, g_steal_pointer (&error));
}

typedef struct {
  PushBatch  *batch;
  GHashTable *docs;
} ConflictDocs;

static void
conflicts_branches_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  ConflictDocs *pending = user_data;
  PushBatch *batch = pending->batch;
  Run *run = batch->run;
  g_autoptr(GHashTable) docs = pending->docs;
  g_autoptr(GHashTable) branches = NULL;
  g_autoptr(GError) error = NULL;

  g_free (pending);
  branches = fb_sync_merge_branches_finish (result, &error);
  if (run->finished)
    goto out;
  if (run_cancelled (run, branches == NULL, &error))
    g_clear_pointer (&branches, g_hash_table_unref);
  if (branches == NULL)
    run_fail (run, g_steal_pointer (&error));
  else
    apply_conflicts (batch, docs, branches);

out:
  push_batch_done (batch);
}

static void
conflicts_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  PushBatch *batch = user_data;
  Run *run = batch->run;
  g_autoptr(GHashTable) docs = NULL;
  g_autoptr(GPtrArray) branched = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer value;

  docs = fb_couch_client_get_docs_finish (FB_COUCH_CLIENT (object), result, &error);
  if (run->finished)
    goto out;
  if (run_cancelled (run, docs == NULL, &error))
    g_clear_pointer (&docs, g_hash_table_unref);
  if (docs == NULL)
    {
      run_fail (run, g_steal_pointer (&error));
      goto out;
    }

  /* Live leaves that lost to the winner are merged into it first: the
   * item is then merged with the result. */
  g_hash_table_iter_init (&iter, docs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (fb_sync_doc_has_branches (value))
      g_ptr_array_add (branched, value);
  if (branched->len > 0)
    {
      ConflictDocs *pending = g_new0 (ConflictDocs, 1);

      pending->batch = batch;
      pending->docs = g_steal_pointer (&docs);
      fb_sync_merge_branches_async (run->client, run->store, branched, run->cancellable,
                                    conflicts_branches_cb, pending);
      return;
    }

  apply_conflicts (batch, docs, NULL);

out:
  push_batch_done (batch);
}

static const char *
result_error_message (JsonObject *result)
{
  const char *reason = json_object_get_string_member_with_default (result, "reason", NULL);

  if (reason != NULL && *reason != '\0')
    return reason;
  return json_object_get_string_member_with_default (result, "error", "rejected");
}

/* Records one batch's results in one transaction. */
static gboolean
apply_push_results (PushBatch  *batch,
                    JsonArray  *results,
                    GPtrArray  *rejected,
                    GError    **error)
{
  Run *run = batch->run;
  guint n = json_array_get_length (results);

  if (!fb_store_begin (run->store, error))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (results, i);
      JsonObject *res;
      const char *id;
      const char *err;
      FbItem *item;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      res = json_node_get_object (node);
      id = json_object_get_string_member_with_default (res, "id", NULL);
      item = id != NULL ? g_hash_table_lookup (batch->items, id) : NULL;
      if (item == NULL)
        continue;

      err = json_object_get_string_member_with_default (res, "error", NULL);
      if (err == NULL)
        {
          const char *rev = json_object_get_string_member_with_default (res, "rev", NULL);

          if (rev == NULL)
            continue;
          if (!fb_store_mark_item_pushed (run->store, item, rev, error))
            goto fail;
          run->stats.pushed++;
          g_hash_table_replace (run->pushed_revs, g_strdup (id), g_strdup (rev));
        }
      else if (strcmp (err, "conflict") == 0)
        {
          g_ptr_array_add (batch->conflicts, (gpointer) fb_item_get_id (item));
        }
      else
        {
          const char *message = result_error_message (res);

          if (!fb_store_set_sync_error (run->store, id, message, error))
            goto fail;
          g_ptr_array_add (rejected, g_strdup (id));
          g_ptr_array_add (rejected, g_strdup (message));
        }
    }

  if (!run_commit (run, error))
    goto fail;

  return TRUE;

fail:
  fb_store_rollback (run->store);
  return FALSE;
}

static void
push_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  PushBatch *batch = user_data;
  Run *run = batch->run;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rejected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FbSyncManager) self = NULL;

  results = fb_couch_client_bulk_docs_finish (FB_COUCH_CLIENT (object), result, &error);
  if (run->finished)
    goto done;
  if (run_cancelled (run, results == NULL, &error))
    g_clear_pointer (&results, json_array_unref);

  /* Send the next batch before recording this one's results: the server
   * stores it meanwhile instead of waiting for us. */
  if (results != NULL)
    {
      batch->answered = TRUE;
      run->push_in_flight--;
      push_fill (run);
      if (run->finished)
        goto done;
    }

  if (results == NULL || !apply_push_results (batch, results, rejected, &error))
    {
      run_fail (run, g_steal_pointer (&error));
      goto done;
    }

  self = g_weak_ref_get (&run->manager);
  for (guint i = 0; self != NULL && i + 1 < rejected->len; i += 2)
    {
      g_debug ("The server refused item %s: %s",
               (char *) rejected->pdata[i], (char *) rejected->pdata[i + 1]);
      g_signal_emit (self, signals[ITEM_REJECTED], 0, rejected->pdata[i], rejected->pdata[i + 1]);
    }

  if (batch->conflicts->len > 0 && !run->finished)
    {
      /* The server's side of all of them in one request. */
      g_ptr_array_add (batch->conflicts, NULL);
      fb_couch_client_get_docs_with_conflicts_async (run->client,
                                                     (const char * const *) batch->conflicts->pdata,
                                                     run->cancellable, conflicts_cb, batch);
      g_ptr_array_set_size (batch->conflicts, batch->conflicts->len - 1);
      return;
    }

done:
  push_batch_done (batch);
}

/* The next batch of pending items not yet tried too often in this run and
 * not already on their way; NULL when there is none. An item still in a
 * batch that is not done (edited while on its way, or merged after a
 * conflict) ends the batch before it: it goes in a later one, once that
 * batch has recorded its results. */
static PushBatch *
collect_batch (Run        *run,
               GPtrArray  *docs,
               GError    **error)
{
  g_autoptr(PushBatch) batch = g_new0 (PushBatch, 1);

  batch->run = run_ref (run);
  batch->items = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  batch->conflicts = g_ptr_array_new ();

  while (g_hash_table_size (batch->items) == 0)
    {
      g_autoptr(GPtrArray) items = NULL;
      gboolean blocked = FALSE;

      items = fb_store_list_pending (run->store, run->after_seq, run->push_batch, error);
      if (items == NULL)
        return NULL;
      if (items->len == 0)
        return NULL;

      for (guint i = 0; i < items->len; i++)
        {
          FbItem *item = items->pdata[i];
          const char *id = fb_item_get_id (item);
          guint tried = GPOINTER_TO_UINT (g_hash_table_lookup (run->attempts, id));

          if (g_hash_table_contains (run->in_flight, id))
            {
              blocked = TRUE;
              break;
            }

          run->after_seq = MAX (run->after_seq, fb_item_get_local_seq (item));
          if (fb_item_get_state (item) != FB_ITEM_STATE_PENDING ||
              tried >= MAX_PUSH_ATTEMPTS ||
              g_hash_table_contains (batch->items, id))
            continue;

          g_hash_table_insert (run->attempts, g_strdup (id), GUINT_TO_POINTER (tried + 1));
          g_hash_table_insert (batch->items, (gpointer) id, g_object_ref (item));
          g_ptr_array_add (docs, fb_couch_document_to_json (item));
        }

      if (blocked)
        break;
    }

  if (g_hash_table_size (batch->items) == 0)
    return NULL;

  return g_steal_pointer (&batch);
}

static void
push_fill (Run *run)
{
  while (!run->finished && run->push_in_flight < MAX_PUSH_IN_FLIGHT)
    {
      g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) sent = NULL;
      PushBatch *batch;
      GHashTableIter iter;
      gpointer key;
      gpointer value;

      batch = collect_batch (run, docs, &error);
      if (error != NULL)
        {
          run_fail (run, g_steal_pointer (&error));
          return;
        }
      if (batch == NULL)
        break;

      /* Written down before it goes: if the answer is lost, the server
       * showing this content later is recognised as ours. */
      sent = g_ptr_array_sized_new (g_hash_table_size (batch->items));
      g_hash_table_iter_init (&iter, batch->items);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_ptr_array_add (sent, value);
      if (!fb_store_record_in_flight (run->store, sent, &error))
        {
          push_batch_free (batch);
          run_fail (run, g_steal_pointer (&error));
          return;
        }

      g_hash_table_iter_init (&iter, batch->items);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (run->in_flight, key);

      run->push_in_flight++;
      run->push_outstanding++;
      fb_couch_client_bulk_docs_json_async (run->client, docs, run->cancellable, push_cb, batch);
    }

  /* Merges of the last batches may have made items pending again: only
   * an empty list with nothing out ends the push. */
  if (!run->finished && run->push_outstanding == 0)
    pull_start (run);
}

static gboolean
identity_commit_cb (gpointer   user_data,
                    GError   **error)
{
  return run_commit (user_data, error);
}

static void
identity_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  FbSyncIdentityStats stats = { 0, };
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = fb_sync_identity_check_finish (result, &stats, &error);
  if (run->finished)
    return;
  /* What it wrote is in the store, even when it stopped half way. */
  run->stats.pushed += stats.uploaded;
  run->stats.merged += stats.merged;
  run->stats.conflicts += stats.conflicts;
  if (run_cancelled (run, !ok, &error))
    ok = FALSE;
  if (!ok)
    {
      run_fail (run, g_steal_pointer (&error));
      return;
    }

  push_fill (run);
}

/* Is the server's database the one we last synced with? If not (new,
 * recreated, restored, another one), it is reconciled before the push. */
static void
check_identity (Run *run)
{
  fb_sync_identity_check_async (run->store, run->client, run->push_batch,
                                identity_commit_cb, run, run->cancellable,
                                identity_cb, run_ref (run));
}

static void
open_database_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncManager) self = NULL;

  info = fb_couch_client_open_database_finish (FB_COUCH_CLIENT (object), result, &error);
  if (run->finished)
    return;
  if (run_cancelled (run, info == NULL, &error))
    g_clear_pointer (&info, json_object_unref);
  if (info == NULL)
    {
      run_fail (run, g_steal_pointer (&error));
      return;
    }

  self = g_weak_ref_get (&run->manager);
  if (self != NULL && self->client == run->client)
    self->db_open = TRUE;

  check_identity (run);
}

/* ---- Scheduling ---- */

static void
set_last_error (FbSyncManager *self,
                const GError  *error)
{
  if (self->last_error == NULL && error == NULL)
    return;
  if (self->last_error != NULL && error != NULL &&
      self->last_error->domain == error->domain &&
      self->last_error->code == error->code &&
      g_strcmp0 (self->last_error->message, error->message) == 0)
    return;

  g_clear_error (&self->last_error);
  if (error != NULL)
    self->last_error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
set_next_retry (FbSyncManager *self,
                gint64         when)
{
  if (self->next_retry == when)
    return;
  self->next_retry = when;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_RETRY]);
}

static void
clear_retry (FbSyncManager *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  set_next_retry (self, 0);
}

static gboolean
can_sync_automatically (FbSyncManager *self)
{
  return self->started && self->enabled && self->client != NULL &&
         self->online && !self->auth_failed && !fb_store_get_read_only (self->store);
}

static void
update_state (FbSyncManager *self)
{
  FbSyncState state;

  if (self->url == NULL || !self->enabled)
    state = FB_SYNC_STATE_NOT_CONFIGURED;
  else if (fb_store_get_read_only (self->store))
    state = FB_SYNC_STATE_NEEDS_ATTENTION;  /* nothing synced could be saved */
  else if (self->client == NULL)
    state = FB_SYNC_STATE_NEEDS_ATTENTION;  /* a URL that cannot work */
  else if (self->run != NULL)
    state = FB_SYNC_STATE_SYNCING;
  else if (self->auth_failed)
    state = FB_SYNC_STATE_NEEDS_ATTENTION;
  else if (!self->online)
    state = FB_SYNC_STATE_OFFLINE;
  else if (self->retry_id != 0)
    state = FB_SYNC_STATE_WAITING_TO_RETRY;
  else
    state = FB_SYNC_STATE_IDLE;

  if (state == self->state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Automatic triggers: network back, debounce, timer, live feed, retry. */
static void
request_run (FbSyncManager *self)
{
  if (!can_sync_automatically (self))
    {
      update_state (self);
      return;
    }

  if (self->run != NULL)
    self->run_again = TRUE;
  else
    start_run (self);
}

/* ---- Reachability probe (while unreachable) ---- */

static gboolean
error_is_unreachable (const GError *error)
{
  return g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNREACHABLE) ||
         g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_TIMEOUT);
}

static void
stop_probe (FbSyncManager *self)
{
  g_clear_handle_id (&self->probe_id, g_source_remove);
  if (self->probe_cancellable != NULL)
    {
      g_cancellable_cancel (self->probe_cancellable);
      g_clear_object (&self->probe_cancellable);
    }
  self->probe_ms = 0;
}

static gboolean probe_timeout_cb (gpointer user_data);

static void
schedule_probe (FbSyncManager *self)
{
  g_clear_handle_id (&self->probe_id, g_source_remove);
  self->probe_ms = self->probe_ms == 0 ? PROBE_FIRST_MS : MIN (self->probe_ms * 2, PROBE_MAX_MS);
  self->probe_id = g_timeout_add (self->probe_ms, probe_timeout_cb, self);
}

static void
probe_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(FbSyncManager) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  gboolean answered;

  g_weak_ref_clear (weak);
  g_free (weak);

  answered = fb_couch_client_ping_finish (FB_COUCH_CLIENT (object), result, &error);
  if (self == NULL || is_cancelled (error) || self->client != FB_COUCH_CLIENT (object))
    return;
  g_clear_object (&self->probe_cancellable);

  if (!answered)
    {
      schedule_probe (self);
      return;
    }

  /* Back: the retry need not wait for its timer. */
  g_debug ("The server answers again");
  stop_probe (self);
  clear_retry (self);
  request_run (self);
  update_state (self);
}

static gboolean
probe_timeout_cb (gpointer user_data)
{
  FbSyncManager *self = user_data;
  GWeakRef *weak;

  self->probe_id = 0;
  if (!can_sync_automatically (self) || self->run != NULL || self->retry_id == 0)
    {
      self->probe_ms = 0;
      return G_SOURCE_REMOVE;
    }

  self->probe_cancellable = g_cancellable_new ();
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  fb_couch_client_ping_async (self->client, self->probe_cancellable, probe_done_cb, weak);

  return G_SOURCE_REMOVE;
}

static gboolean
retry_cb (gpointer user_data)
{
  FbSyncManager *self = user_data;

  self->retry_id = 0;
  set_next_retry (self, 0);
  request_run (self);
  update_state (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (FbSyncManager *self,
                const GError  *error)
{
  guint64 delay;
  guint retry_after = 0;

  clear_retry (self);

  self->n_failures = MIN (self->n_failures + 1, 30);
  delay = (guint64) self->retry_base_ms << MIN (self->n_failures - 1, 20);
  delay = MIN (delay, RETRY_MAX_MS);
  /* ±25 % so that many devices do not come back in step. */
  delay = (guint64) (delay * g_random_double_range (0.75, 1.25));
  delay = MIN (delay, RETRY_MAX_MS);

  /* The server said when to come back (429, 503). */
  if (self->client != NULL &&
      (g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_TOO_MANY_REQUESTS) ||
       g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_SERVER)))
    retry_after = fb_couch_client_get_retry_after (self->client);
  delay = MAX (delay, (guint64) retry_after * 1000);

  self->retry_id = g_timeout_add ((guint) delay, retry_cb, self);
  set_next_retry (self, g_get_real_time () + (gint64) delay * 1000);

  /* The probe's interval goes on from where the last one left it. */
  if (error_is_unreachable (error) && self->probe_id == 0 && self->probe_cancellable == NULL)
    schedule_probe (self);
}

static void
handle_outcome (FbSyncManager *self,
                const GError  *error)
{
  if (error == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      self->n_failures = 0;
      self->auth_failed = FALSE;
      clear_retry (self);
      stop_probe (self);
      set_last_error (self, NULL);
      g_clear_pointer (&self->last_synced, g_date_time_unref);
      self->last_synced = g_steal_pointer (&now);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNCED]);
    }
  else if (is_cancelled (error))
    {
      /* Offline, a new remote, or shutting down: not a failure. */
    }
  else if (is_fatal_for_automatic (error))
    {
      self->auth_failed = TRUE;
      self->run_again = FALSE;
      clear_retry (self);
      set_last_error (self, error);
    }
  else
    {
      self->db_open = FALSE;
      self->run_again = FALSE;
      set_last_error (self, error);
      if (self->started && self->enabled && self->online)
        schedule_retry (self, error);
    }

  update_state (self);
}

/* Why no run can start: sync is off or not set up, or the URL is invalid. */
static GError *
not_ready_error (FbSyncManager *self)
{
  if (fb_store_get_read_only (self->store))
    return g_error_new_literal (FB_SYNC_ERROR, FB_SYNC_ERROR_STORE,
                                fb_store_get_read_only_error (self->store)->message);
  if (self->enabled && self->url != NULL && self->last_error != NULL)
    return g_error_copy (self->last_error);
  return g_error_new_literal (FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_CONFIGURED,
                              "No server is set up for syncing");
}

static void
start_run (FbSyncManager *self)
{
  Run *run;

  g_assert (self->run == NULL);

  self->run_again = FALSE;
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  clear_retry (self);
  stop_probe (self);
  if (self->live_cancellable != NULL)
    {
      g_cancellable_cancel (self->live_cancellable);
      g_clear_object (&self->live_cancellable);
    }

  /* A read-only store could save neither what a run pulls nor the
   * answers to what it pushes: no run until it can be written again. */
  if (self->client == NULL || !self->enabled || fb_store_get_read_only (self->store))
    {
      for (guint i = 0; i < self->queued_tasks->len; i++)
        g_task_return_error (self->queued_tasks->pdata[i], not_ready_error (self));
      g_ptr_array_set_size (self->queued_tasks, 0);
      update_state (self);
      return;
    }

  run = run_new (self);
  self->run = run;
  update_state (self);

  if (self->db_open)
    check_identity (run);
  else
    fb_couch_client_open_database_async (run->client, TRUE, run->cancellable,
                                         open_database_cb, run_ref (run));

  /* The run's callbacks hold their own references. */
  run_unref (run);
}

/* ---- Live changes feed ---- */

static void
live_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(FbSyncManager) self = g_weak_ref_get (weak);
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (weak);
  g_free (weak);

  response = fb_couch_client_changes_finish (FB_COUCH_CLIENT (object), result, &error);
  if (self == NULL || is_cancelled (error) || self->client != FB_COUCH_CLIENT (object))
    return;

  g_clear_object (&self->live_cancellable);

  if (response == NULL)
    {
      handle_outcome (self, error);
      return;
    }

  if (json_object_has_member (response, "results") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (response, "results")) &&
      json_array_get_length (json_object_get_array_member (response, "results")) > 0)
    request_run (self);
  else
    live_start (self);
}

static void
live_start (FbSyncManager *self)
{
  g_autofree char *remote_key = NULL;
  g_autofree char *checkpoint = NULL;
  g_autoptr(JsonNode) since = NULL;
  GWeakRef *weak;

  if (!can_sync_automatically (self) || self->run != NULL ||
      self->retry_id != 0 || self->live_cancellable != NULL)
    return;

  remote_key = fb_couch_client_dup_remote_key (self->client);
  checkpoint = fb_store_get_checkpoint (self->store, remote_key);
  if (checkpoint != NULL)
    since = json_from_string (checkpoint, NULL);
  if (since == NULL)
    return;

  self->live_cancellable = g_cancellable_new ();
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  fb_couch_client_changes_async (self->client, since, LIVE_LIMIT, TRUE,
                                 self->longpoll_ms, self->live_cancellable,
                                 live_cb, weak);
}

static void
stop_activity (FbSyncManager *self)
{
  if (self->run != NULL)
    g_cancellable_cancel (self->run->cancellable);
  if (self->live_cancellable != NULL)
    {
      g_cancellable_cancel (self->live_cancellable);
      g_clear_object (&self->live_cancellable);
    }
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->run_again = FALSE;
  clear_retry (self);
  stop_probe (self);
}

/* ---- Network ---- */

static void
can_reach_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(FbSyncManager) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  gboolean reachable;

  g_weak_ref_clear (weak);
  g_free (weak);

  reachable = g_network_monitor_can_reach_finish (G_NETWORK_MONITOR (object), result, &error);
  if (self == NULL || is_cancelled (error))
    return;
  g_clear_object (&self->live_cancellable);

  if (!reachable)
    {
      g_autoptr(GError) unreachable =
        g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_UNREACHABLE,
                     "The server cannot be reached: %s",
                     error != NULL ? error->message : "no route");
      handle_outcome (self, unreachable);
      return;
    }

  request_run (self);
}

static void
check_reach_and_sync (FbSyncManager *self)
{
  g_autoptr(GSocketConnectable) address = NULL;
  GWeakRef *weak;

  if (!can_sync_automatically (self) || self->run != NULL)
    return;

  address = g_network_address_parse_uri (self->url,
                                         g_str_has_prefix (self->url, "https:") ? 443 : 80,
                                         NULL);
  if (address == NULL)
    {
      request_run (self);
      return;
    }

  if (self->live_cancellable != NULL)
    {
      g_cancellable_cancel (self->live_cancellable);
      g_clear_object (&self->live_cancellable);
    }
  self->live_cancellable = g_cancellable_new ();
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  g_network_monitor_can_reach_async (self->monitor, address, self->live_cancellable,
                                     can_reach_cb, weak);
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    FbSyncManager   *self)
{
  if (available == self->online)
    {
      /* Another network: a good moment to try again after failures. */
      if (available && self->retry_id != 0)
        {
          clear_retry (self);
          check_reach_and_sync (self);
        }
      return;
    }

  self->online = available;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);

  if (available)
    {
      g_debug ("Network is back");
      check_reach_and_sync (self);
    }
  else
    {
      g_debug ("Network is gone");
      stop_activity (self);
    }

  update_state (self);
}

/* ---- Local edits ---- */

static gboolean
debounce_cb (gpointer user_data)
{
  FbSyncManager *self = user_data;

  self->debounce_id = 0;
  request_run (self);
  return G_SOURCE_REMOVE;
}

static void
item_changed_cb (FbStore       *store,
                 FbItem        *item,
                 FbSyncManager *self)
{
  if (self->applying || fb_item_get_state (item) != FB_ITEM_STATE_PENDING)
    return;
  if (!self->started || !self->enabled || self->client == NULL)
    return;

  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->debounce_id = g_timeout_add (self->debounce_ms, debounce_cb, self);
}

static gboolean
periodic_cb (gpointer user_data)
{
  FbSyncManager *self = user_data;

  if (self->retry_id == 0)
    request_run (self);
  return G_SOURCE_CONTINUE;
}

static void
store_count_notify_cb (FbStore       *store,
                       GParamSpec    *pspec,
                       FbSyncManager *self)
{
  if (g_strcmp0 (pspec->name, "pending-count") == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);
  else
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFLICT_COUNT]);
}

/* The store opened read-only (a full disk) and later writable again. */
static void
store_read_only_notify_cb (FbStore    *store,
                           GParamSpec *pspec,
                           gpointer    user_data)
{
  FbSyncManager *self = user_data;

  if (fb_store_get_read_only (store))
    {
      g_autoptr(GError) error = not_ready_error (self);

      stop_activity (self);
      set_last_error (self, error);
      update_state (self);
      return;
    }

  if (g_error_matches (self->last_error, FB_SYNC_ERROR, FB_SYNC_ERROR_STORE))
    set_last_error (self, NULL);
  request_run (self);
}

/* ---- GObject ---- */

static void
fb_sync_manager_constructed (GObject *object)
{
  FbSyncManager *self = FB_SYNC_MANAGER (object);

  G_OBJECT_CLASS (fb_sync_manager_parent_class)->constructed (object);

  g_assert (FB_IS_STORE (self->store));

  if (self->monitor == NULL)
    self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->online = g_network_monitor_get_network_available (self->monitor);

  g_signal_connect_object (self->monitor, "network-changed",
                           G_CALLBACK (network_changed_cb), self, 0);
  g_signal_connect_object (self->store, "item-changed",
                           G_CALLBACK (item_changed_cb), self, 0);
  g_signal_connect_object (self->store, "notify::pending-count",
                           G_CALLBACK (store_count_notify_cb), self, 0);
  g_signal_connect_object (self->store, "notify::conflict-count",
                           G_CALLBACK (store_count_notify_cb), self, 0);
  g_signal_connect_object (self->store, "notify::read-only",
                           G_CALLBACK (store_read_only_notify_cb), self, 0);

  store_read_only_notify_cb (self->store, NULL, self);
}

static void
fb_sync_manager_dispose (GObject *object)
{
  FbSyncManager *self = FB_SYNC_MANAGER (object);

  g_cancellable_cancel (self->cancellable);
  stop_activity (self);
  g_clear_handle_id (&self->periodic_id, g_source_remove);
  /* The run's callbacks come back cancelled and find no manager. */
  self->run = NULL;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->store);
  g_clear_object (&self->monitor);
  g_clear_object (&self->client);
  if (self->queued_tasks != NULL)
    g_ptr_array_set_size (self->queued_tasks, 0);

  G_OBJECT_CLASS (fb_sync_manager_parent_class)->dispose (object);
}

static void
fb_sync_manager_finalize (GObject *object)
{
  FbSyncManager *self = FB_SYNC_MANAGER (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->queued_tasks, g_ptr_array_unref);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->database, g_free);
  g_clear_pointer (&self->user, g_free);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->last_synced, g_date_time_unref);
  g_clear_error (&self->last_error);

  G_OBJECT_CLASS (fb_sync_manager_parent_class)->finalize (object);
}

static void
fb_sync_manager_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FbSyncManager *self = FB_SYNC_MANAGER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_NETWORK_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PENDING_COUNT:
      g_value_set_uint (value, fb_sync_manager_get_pending_count (self));
      break;
    case PROP_CONFLICT_COUNT:
      g_value_set_uint (value, fb_sync_manager_get_conflict_count (self));
      break;
    case PROP_LAST_SYNCED:
      g_value_set_boxed (value, self->last_synced);
      break;
    case PROP_LAST_ERROR:
      g_value_set_boxed (value, self->last_error);
      break;
    case PROP_NEXT_RETRY:
      g_value_set_int64 (value, self->next_retry);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_sync_manager_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FbSyncManager *self = FB_SYNC_MANAGER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_NETWORK_MONITOR:
      self->monitor = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_sync_manager_class_init (FbSyncManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fb_sync_manager_constructed;
  object_class->dispose = fb_sync_manager_dispose;
  object_class->finalize = fb_sync_manager_finalize;
  object_class->get_property = fb_sync_manager_get_property;
  object_class->set_property = fb_sync_manager_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL, G_TYPE_NETWORK_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, FB_TYPE_SYNC_STATE, FB_SYNC_STATE_NOT_CONFIGURED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING_COUNT] =
    g_param_spec_uint ("pending-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONFLICT_COUNT] =
    g_param_spec_uint ("conflict-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SYNCED] =
    g_param_spec_boxed ("last-synced", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_boxed ("last-error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEXT_RETRY] =
    g_param_spec_int64 ("next-retry", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[REMOTE_CHANGES] =
    g_signal_new ("remote-changes", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRV);
  signals[ITEM_REJECTED] =
    g_signal_new ("item-rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[RUN_FINISHED] =
    g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
fb_sync_manager_init (FbSyncManager *self)
{
  self->cancellable = g_cancellable_new ();
  self->queued_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->enabled = TRUE;
  self->state = FB_SYNC_STATE_NOT_CONFIGURED;
  self->debounce_ms = 1000;
  self->longpoll_ms = 60 * 1000;
  self->retry_base_ms = 2000;
  self->push_batch = 1000;
  self->pull_batch = 1000;
}

/* ---- Public API ---- */

FbSyncManager *
fb_sync_manager_new (FbStore         *store,
                     GNetworkMonitor *monitor)
{
  g_return_val_if_fail (FB_IS_STORE (store), NULL);
  g_return_val_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor), NULL);

  return g_object_new (FB_TYPE_SYNC_MANAGER,
                       "store", store,
                       "network-monitor", monitor,
                       NULL);
}

FbStore *
fb_sync_manager_get_store (FbSyncManager *self)
{
  g_return_val_if_fail (FB_IS_SYNC_MANAGER (self), NULL);

  return self->store;
}

void
fb_sync_manager_set_remote (FbSyncManager *self,
                            const char    *url,
                            const char    *database,
                            const char    *user,
                            const char    *password)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (FB_IS_SYNC_MANAGER (self));

  if (url != NULL && *url == '\0')
    url = NULL;
  if (database == NULL || *database == '\0')
    database = "fieldbook";
  if (user != NULL && *user == '\0')
    user = NULL;

  if (g_strcmp0 (url, self->url) == 0 &&
      g_strcmp0 (database, self->database) == 0 &&
      g_strcmp0 (user, self->user) == 0 &&
      g_strcmp0 (password, self->password) == 0 &&
      (self->client != NULL || url == NULL))
    return;

  stop_activity (self);
  if (self->run != NULL)
    {
      /* Its callbacks will come back cancelled; the next run starts clean. */
      self->run = NULL;
    }

  g_clear_object (&self->client);
  g_free (self->url);
  self->url = g_strdup (url);
  g_free (self->database);
  self->database = g_strdup (database);
  g_free (self->user);
  self->user = g_strdup (user);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password);

  self->db_open = FALSE;
  self->auth_failed = FALSE;
  self->n_failures = 0;

  if (url != NULL)
    {
      self->client = fb_couch_client_new (url, database, user, password, &error);
      if (self->client == NULL)
        {
          /* A URL that cannot work: say so, and wait for a new one. */
          set_last_error (self, error);
          update_state (self);
          return;
        }
    }

  set_last_error (self, NULL);
  update_state (self);

  if (self->client != NULL && self->queued_tasks->len > 0)
    start_run (self);
  else if (self->started)
    check_reach_and_sync (self);
}

void
fb_sync_manager_set_enabled (FbSyncManager *self,
                             gboolean       enabled)
{
  g_return_if_fail (FB_IS_SYNC_MANAGER (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;
  self->enabled = enabled;

  if (!enabled)
    stop_activity (self);
  else if (self->started)
    check_reach_and_sync (self);

  update_state (self);
}

gboolean
fb_sync_manager_get_enabled (FbSyncManager *self)
{
  g_return_val_if_fail (FB_IS_SYNC_MANAGER (self), FALSE);

  return self->enabled;
}

void
fb_sync_manager_start (FbSyncManager *self)
{
  g_return_if_fail (FB_IS_SYNC_MANAGER (self));

  if (self->started)
    return;
  self->started = TRUE;
  self->periodic_id = g_timeout_add_seconds (PERIODIC_SYNC_SECS, periodic_cb, self);
  check_reach_and_sync (self);
}

void
fb_sync_manager_sync_now (FbSyncManager *self)
{
  g_return_if_fail (FB_IS_SYNC_MANAGER (self));

  if (self->client == NULL || !self->enabled)
    return;

  if (self->run != NULL)
    {
      self->run_again = TRUE;
      return;
    }

  self->auth_failed = FALSE;
  start_run (self);
}

void
fb_sync_manager_sync_async (FbSyncManager       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FB_IS_SYNC_MANAGER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_sync_manager_sync_async);

  if (self->client == NULL || !self->enabled || fb_store_get_read_only (self->store))
    {
      g_task_return_error (task, not_ready_error (self));
      return;
    }

  g_ptr_array_add (self->queued_tasks, g_steal_pointer (&task));
  if (self->run == NULL)
    start_run (self);
}

FbSyncStats *
fb_sync_manager_sync_finish (FbSyncManager  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (FB_IS_SYNC_MANAGER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fb_sync_manager_sync_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
fb_sync_manager_sync_finish_full (FbSyncManager  *self,
                                  GAsyncResult   *result,
                                  FbSyncStats   **stats,
                                  GError        **error)
{
  g_autoptr(FbSyncStats) done = NULL;
  FbSyncStats *partial;

  g_return_val_if_fail (FB_IS_SYNC_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fb_sync_manager_sync_async, FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);

  done = g_task_propagate_pointer (G_TASK (result), error);
  if (done != NULL)
    {
      *stats = g_steal_pointer (&done);
      return TRUE;
    }

  /* A run that never started did nothing. */
  partial = g_object_get_data (G_OBJECT (result), "fb-sync-stats");
  *stats = partial != NULL ? fb_sync_stats_copy (partial) : g_new0 (FbSyncStats, 1);

  return FALSE;
}

gboolean
fb_sync_manager_get_online (FbSyncManager *self)
{
  g_return_val_if_fail (FB_IS_SYNC_MANAGER (self), FALSE);

  return self->online;
}

FbSyncState
fb_sync_manager_get_state (FbSyncManager *self)
{
  g_return_val_if_fail (FB_IS_SYNC_MANAGER (self), FB_SYNC_STATE_NOT_CONFIGURED);

  return self->state;
}

guint
fb_sync_manager_get_pending_count (FbSyncManager *self)
{
  g_return_val_if_fail (FB_IS_SYNC_MANAGER (self), 0);

  return self->store != NULL ? fb_store_get_pending_count (self->store) : 0;
}

guint
fb_sync_manager_get_conflict_count (FbSyncManager *self)
{
  g_return_val_if_fail (FB_IS_SYNC_MANAGER (self), 0);

  return self->store != NULL ? fb_store_get_conflict_count (self->store) : 0;
}

GDateTime *
fb_sync_manager_get_last_synced (FbSyncManager *self)
{
  g_return_val_if_fail (FB_IS_SYNC_MANAGER (self), NULL);

  return self->last_synced;
}

const GError *
fb_sync_manager_get_last_error (FbSyncManager *self)
{
  g_return_val_if_fail (FB_IS_SYNC_MANAGER (self), NULL);

  return self->last_error;
}

gint64
fb_sync_manager_get_next_retry (FbSyncManager *self)
{
  g_return_val_if_fail (FB_IS_SYNC_MANAGER (self), 0);

  return self->next_retry;
}

void
fb_sync_manager_set_tuning (FbSyncManager *self,
                            guint          debounce_ms,
                            guint          longpoll_ms,
                            guint          retry_base_ms,
                            guint          push_batch,
                            guint          pull_batch)
{
  g_return_if_fail (FB_IS_SYNC_MANAGER (self));

  if (debounce_ms > 0)
    self->debounce_ms = debounce_ms;
  if (longpoll_ms > 0)
    self->longpoll_ms = longpoll_ms;
  if (retry_base_ms > 0)
    self->retry_base_ms = retry_base_ms;
  if (push_batch > 0)
    self->push_batch = push_batch;
  if (pull_batch > 0)
    self->pull_batch = pull_batch;
}
