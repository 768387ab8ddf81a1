/* fb-sync-run-pull.c: the pull half of a sync run */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include "fb-couch-document.h"
#include "fb-merge.h"
#include "fb-sync-branches.h"
#include "fb-sync-error.h"
#include "fb-sync-run-private.h"

/* Owns the pull: _changes batches (pipelined, or without documents after
 * a push), fetching the documents that are not our echo, merging server
 * branches first, applying each batch in one transaction with its
 * checkpoint, and another push round when a merge left items pending. */

/* Push + pull rounds after the first, for merges found while pulling. */
#define MAX_EXTRA_CYCLES 2

static void pull_request (FbSyncRun *run,
                          JsonNode  *since);

/* Wall-clock milliseconds, for changes whose document says no time. */
static gint64
now_ms (void)
{
  return g_get_real_time () / G_TIME_SPAN_MILLISECOND;
}

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

/* One more item changed, of collection @type, for the run's summary. */
static void
count_change (FbSyncRun  *run,
              const char *type)
{
  run->changes.n_items++;
  if (g_strcmp0 (type, FB_COLLECTION_NOTES) == 0)
    run->changes.n_notes++;
  else if (g_strcmp0 (type, FB_COLLECTION_RECORDS) == 0)
    run->changes.n_records++;
}

/* A losing leaf that collided with the winner (see FbBranchOutcome): the
 * item takes its side as mine and the server's winner as the conflict's
 * other side. */
static gboolean
apply_collided_leaf (FbSyncRun *run,
                     const     char       *id,
                     const     char       *type,
                     FbBranchOutcome      *outcome,
                     GError              **error)
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
      return _fb_sync_run_merge_pending (run, item, rev, theirs, FALSE, error);
    }

  if (!fb_store_apply_remote (run->store, id, type, outcome->collided_rev,
                              outcome->collided_body, FALSE,
                              fb_couch_document_get_updated_at (doc, now_ms ()),
                              error) ||
      !fb_store_set_conflict (run->store, id, rev, theirs, FALSE, error))
    return FALSE;

  run->stats.conflicts++;
  run->stats.pulled++;
  count_change (run, type);
  return TRUE;
}

/* The items a batch names, read in one query when it starts (id → FbItem;
 * an id not in it does not exist), and the ids written since, which are
 * read again when named twice. */
typedef struct
{
  GHashTable *items;
  GHashTable *written;
} BatchItems;

static void
batch_items_clear (BatchItems *known)
{
  g_clear_pointer (&known->items, g_hash_table_unref);
  g_clear_pointer (&known->written, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BatchItems, batch_items_clear)

static gboolean
batch_items_load (BatchItems  *known,
                  FbStore     *store,
                  JsonArray   *results,
                  GError     **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *node = json_array_get_element (results, i);
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      id = json_object_get_string_member_with_default (json_node_get_object (node), "id", NULL);
      if (id != NULL)
        g_ptr_array_add (ids, (gpointer) id);
    }
  g_ptr_array_add (ids, NULL);

  known->written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  known->items = fb_store_lookup_items (store, (const char * const *) ids->pdata, error);
  return known->items != NULL;
}

/* The item @id as the store has it now; NULL and no error when it does not
 * exist. */
static FbItem *
batch_items_get (BatchItems  *known,
                 FbStore     *store,
                 const char  *id,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  FbItem *item;

  if (!g_hash_table_contains (known->written, id))
    {
      item = g_hash_table_lookup (known->items, id);
      return item != NULL ? g_object_ref (item) : NULL;
    }

  item = fb_store_get_item (store, id, &local_error);
  if (item == NULL && !g_error_matches (local_error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND))
    g_propagate_error (error, g_steal_pointer (&local_error));
  return item;
}

/* @docs: when the changes came without documents, the ones fetched apart
 * (id → document), nullable. @branches: id → FbBranchOutcome for the
 * documents whose branches were merged, nullable: their new winner stands
 * for the change's document. @known: the batch's items. */
static gboolean
apply_change (FbSyncRun   *run,
              JsonObject  *change,
              GHashTable  *docs,
              GHashTable  *branches,
              BatchItems  *known,
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
          type = fb_couch_document_get_type (doc);
          if (!fb_couch_document_type_is_ours (type))
            return TRUE;
          g_hash_table_add (known->written, g_strdup (id));
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

  item = batch_items_get (known, run->store, id, &local_error);
  if (local_error != NULL)
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

  type = doc != NULL ? fb_couch_document_get_type (doc) : NULL;
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
  g_hash_table_add (known->written, g_strdup (id));
  switch (state)
    {
    case FB_ITEM_STATE_SYNCED:
      if (item == NULL && deleted)
        return TRUE;
      if (!fb_store_apply_remote_in_batch (run->store, id, type, rev, theirs, deleted,
                                           doc != NULL
                                           ? fb_couch_document_get_updated_at (doc, now_ms ())
                                           : now_ms (),
                                           error))
        return FALSE;
      /* The server holds part of a sealed file this device holds whole. */
      if (item != NULL && !deleted &&
          !_fb_sync_run_repair_cut_off (run, id, rev, fb_item_get_body (item), theirs, error))
        return FALSE;
      break;

    case FB_ITEM_STATE_PENDING:
      if (!_fb_sync_run_merge_pending (run, item, rev, theirs, deleted, error))
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
  count_change (run, type);
  return TRUE;
}

static gboolean
apply_changes (FbSyncRun   *run,
               JsonArray   *results,
               GHashTable  *docs,
               GHashTable  *branches,
               JsonNode    *last_seq,
               GError     **error)
{
  g_autofree char *seq_json = NULL;
  guint n = json_array_get_length (results);
  FbSyncStats before = run->stats;
  FbSyncChanges changes_before = run->changes;
  g_auto(BatchItems) known = { NULL, };

  if (!fb_store_begin (run->store, error))
    return FALSE;

  /* Read inside the transaction: nothing else writes until the commit. */
  if (!batch_items_load (&known, run->store, results, error))
    goto fail;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (results, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      if (!apply_change (run, json_node_get_object (node), docs, branches, &known, error))
        goto fail;
    }

  if (last_seq != NULL && !JSON_NODE_HOLDS_NULL (last_seq))
    {
      seq_json = json_to_string (last_seq, FALSE);
      if (!fb_store_set_checkpoint (run->store, run->remote_key, seq_json, error))
        goto fail;
    }

  if (!fb_store_commit (run->store, error))
    goto fail;

  return TRUE;

fail:
  /* Nothing of this batch is in the store: the run did not do it. */
  fb_store_rollback (run->store);
  run->stats = before;
  run->changes = changes_before;
  return FALSE;
}

static void
unref_in_thread_cb (GTask        *task,
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
  g_task_run_in_thread (task, unref_in_thread_cb);
}

/* After a batch is applied: the next one, another push round, or done. */
static void
pull_continue (FbSyncRun *run,
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
      _fb_sync_run_push_fill (run);
      return;
    }

  /* Files the pulled documents name but this device lacks come last. */
  _fb_sync_run_download_attachments (run);
}

static gboolean
pull_apply (FbSyncRun   *run,
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
      _fb_sync_run_fail (run, g_steal_pointer (&error));
      return FALSE;
    }
  g_debug ("Pull: %u changes applied in %.3f s", json_array_get_length (results),
           (g_get_monotonic_time () - applying_since) / (double) G_USEC_PER_SEC);

  return TRUE;
}

/* Applies the batch that waited for its successor to be asked for, if
 * any (see pull_wait ()); FALSE when the run ended. A cancelled run drops
 * it unapplied: its checkpoint is not written, so the next run asks for
 * it again. */
static gboolean
pull_flush_waiting (FbSyncRun *run)
{
  g_autoptr(GError) error = NULL;
  JsonObject *response = g_steal_pointer (&run->pull_waiting);
  gboolean ok;

  if (run->pull_waiting_source != NULL)
    {
      g_source_destroy (run->pull_waiting_source);
      g_clear_pointer (&run->pull_waiting_source, g_source_unref);
    }
  if (response == NULL)
    return !run->finished;

  if (run->finished)
    {
      drop_response (response);
      return FALSE;
    }
  if (_fb_sync_run_check_cancelled (run, FALSE, &error))
    {
      drop_response (response);
      _fb_sync_run_fail (run, g_steal_pointer (&error));
      return FALSE;
    }

  /* It was asked for with more to come, and its successor is asked for:
   * nothing to continue here (pull_continue () would do nothing). */
  ok = pull_apply (run, response, NULL, NULL);
  drop_response (response);
  return ok;
}

static gboolean
pull_waiting_cb (gpointer user_data)
{
  FbSyncRun *run = user_data;

  g_clear_pointer (&run->pull_waiting_source, g_source_unref);
  pull_flush_waiting (run);
  return G_SOURCE_REMOVE;
}

/* Keeps @response (taken) to be applied once the main loop is idle: the
 * session sends the request just made for the next batch from the main
 * loop, so applying at once would hold it back until the batch is in the
 * store; this way the server prepares the next batch meanwhile. At most
 * this one waits: an answer arriving first applies it (pull_cb ()). */
static void
pull_wait (FbSyncRun  *run,
           JsonObject *response)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  g_assert (run->pull_waiting == NULL && run->pull_waiting_source == NULL);
  run->pull_waiting = response;
  run->pull_waiting_source = g_idle_source_new ();
  g_source_set_priority (run->pull_waiting_source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (run->pull_waiting_source, pull_waiting_cb, g_object_ref (run),
                         g_object_unref);
  g_source_set_static_name (run->pull_waiting_source, "[fb-sync] apply pulled batch");
  g_source_attach (run->pull_waiting_source, context);
}

static gboolean
pull_more (FbSyncRun  *run,
           JsonObject *response)
{
  guint n = json_array_get_length (json_object_get_array_member (response, "results"));

  return n > 0 && n >= run->pull_batch && json_object_get_member (response, "last_seq") != NULL &&
         json_object_get_int_member_with_default (response, "pending", 1) != 0;
}

typedef struct {
  FbSyncRun        *run;
  JsonObject *response;
  GHashTable *docs;      /* fetched apart, nullable */
} PullDocs;

static void
pull_docs_free (PullDocs *pull)
{
  g_clear_object (&pull->run);
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
  FbSyncRun *run = pull->run;
  g_autoptr(GError) error = NULL;

  gboolean ok;

  ok = fb_sync_drop_taken_leaves_finish (result, &error);
  if (run->finished)
    return;
  /* Not fatal: a leaf left there comes back as the same conflict. */
  if (!ok && !_fb_sync_is_cancelled (error))
    {
      g_debug ("Collided leaves stay on the server: %s", error->message);
      g_clear_error (&error);
    }
  if (!ok && _fb_sync_is_cancelled (error))
    {
      _fb_sync_run_fail (run, g_steal_pointer (&error));
      return;
    }
  if (_fb_sync_run_check_cancelled (run, FALSE, &error))
    {
      _fb_sync_run_fail (run, g_steal_pointer (&error));
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
  FbSyncRun *run = pull->run;
  g_autoptr(GHashTable) branches = NULL;
  g_autoptr(GError) error = NULL;

  branches = fb_sync_merge_branches_finish (result, &error);
  if (run->finished)
    return;
  if (_fb_sync_run_check_cancelled (run, branches == NULL, &error))
    g_clear_pointer (&branches, g_hash_table_unref);
  if (branches == NULL)
    {
      _fb_sync_run_fail (run, g_steal_pointer (&error));
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
pull_apply_or_merge (FbSyncRun  *run,
                     JsonObject *response,
                     GHashTable *docs,
                     gboolean   *merging)
{
  g_autoptr(GPtrArray) branched = pull_branched_docs (response, docs);
  g_autoptr(GError) error = NULL;
  PullDocs *pull;

  *merging = FALSE;
  if (branched->len == 0)
    return pull_apply (run, response, docs, NULL);

  if (!_fb_sync_run_will_write (run, &error))
    {
      _fb_sync_run_fail (run, g_steal_pointer (&error));
      return FALSE;
    }

  *merging = TRUE;
  pull = g_new0 (PullDocs, 1);
  pull->run = g_object_ref (run);
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
  FbSyncRun *run = pull->run;
  g_autoptr(GHashTable) docs = NULL;
  g_autoptr(GError) error = NULL;
  gboolean merging;

  docs = fb_couch_client_get_docs_finish (FB_COUCH_CLIENT (object), result, &error);
  if (run->finished)
    return;
  if (_fb_sync_run_check_cancelled (run, docs == NULL, &error))
    g_clear_pointer (&docs, g_hash_table_unref);
  if (docs == NULL)
    {
      _fb_sync_run_fail (run, g_steal_pointer (&error));
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
pull_ids_to_fetch (FbSyncRun *run,
                   JsonArray *results,
                   gboolean  *with_conflicts)
{
  GPtrArray *ids = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(BatchItems) known = { NULL, };

  /* On a failure every change is fetched: its document is only read more. */
  if (!batch_items_load (&known, run->store, results, NULL))
    known.items = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *node = json_array_get_element (results, i);
      JsonObject *change;
      const char *id;
      const char *rev;
      FbItem *item;

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

          item = g_hash_table_lookup (known.items, id);
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
  g_autoptr(FbSyncRun) run = user_data;
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *last_seq;
  gboolean more;

  response = fb_couch_client_changes_full_finish (FB_COUCH_CLIENT (object), result, &error);
  if (run->finished)
    return;
  /* The batch before this one goes into the store first, whatever this
   * answer is. */
  if (!pull_flush_waiting (run))
    return;
  if (_fb_sync_run_check_cancelled (run, response == NULL, &error))
    g_clear_pointer (&response, json_object_unref);
  if (response == NULL)
    {
      _fb_sync_run_fail (run, g_steal_pointer (&error));
      return;
    }

  if (!json_object_has_member (response, "results") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (response, "results")))
    {
      _fb_sync_run_fail (run, g_error_new_literal (FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE,
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

          pull->run = g_object_ref (run);
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
    {
      pull_request (run, last_seq);
      pull_wait (run, g_steal_pointer (&response));
      return;
    }

  if (pull_apply (run, response, NULL, NULL))
    pull_continue (run, more, last_seq, TRUE);
  drop_response (g_steal_pointer (&response));
}

static void
pull_request (FbSyncRun *run,
              JsonNode  *since)
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
                                      run->cancellable, pull_cb, g_object_ref (run));
}

void
_fb_sync_run_pull_start (FbSyncRun *run)
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
