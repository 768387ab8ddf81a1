/* fb-sync-run-push.c: the push half of a sync run */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fb-couch-client-private.h"
#include "fb-couch-document.h"
#include "fb-sync-branches.h"
#include "fb-sync-run-private.h"
#include "fb-sync-words.h"

/* Owns the push: batches of pending items as JSON text, recorded as in
 * flight before they go, their results in one transaction each, and the
 * server's side of conflicts fetched and merged. */

/* An item that keeps colliding with concurrent server edits is tried this
 * many times per run; it stays pending for the next run. */
#define MAX_PUSH_ATTEMPTS  3
#define MAX_PUSH_IN_FLIGHT 2

/* Up to MAX_PUSH_IN_FLIGHT batches are out at once: the server stores one
 * while the store records the results of the other. */

typedef struct {
  FbSyncRun        *run;
  GHashTable *items;     /* id → FbItem as sent */
  GHashTable *bases;     /* id → JsonObject to keep as its base, if not its body */
  GPtrArray  *conflicts; /* ids (owned by @items) */
  gboolean    answered;  /* no longer counted in push_in_flight */
  /* A document with attachment data goes alone: its id (owned by
   * @items), the files it carries (FbSyncUpload), and whether the server
   * took it. */
  const char *upload_id;
  GPtrArray  *uploads;
  gboolean    uploaded;
  char       *doc_rev;   /* the document's rev, before the files that go alone */
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
  g_clear_pointer (&batch->bases, g_hash_table_unref);
  g_clear_pointer (&batch->conflicts, g_ptr_array_unref);
  g_clear_pointer (&batch->uploads, g_ptr_array_unref);
  g_clear_pointer (&batch->doc_rev, g_free);
  g_clear_object (&batch->run);
  g_free (batch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PushBatch, push_batch_free)

/* A batch is done: let the next one go, or move on to the pull. */
static void
push_batch_done (PushBatch *batch)
{
  FbSyncRun *run = g_object_ref (batch->run);

  if (batch->upload_id != NULL)
    {
      _fb_sync_run_end_transfer (run);
      run->uploading = FALSE;
    }
  if (!batch->answered)
    run->push_in_flight--;
  run->push_outstanding--;
  push_batch_free (batch);
  if (!run->finished)
    _fb_sync_run_push_fill (run);
  g_object_unref (run);
}

/* A push answered "conflict" for a document the server does not have:
 * the next push sends it without a revision, as a new document. */
static gboolean
upload_as_new (FbSyncRun   *run,
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
  FbSyncRun *run = batch->run;
  g_autoptr(GError) error = NULL;
  FbSyncStats before = run->stats;

  if (!fb_store_begin (run->store, &error))
    {
      _fb_sync_run_fail (run, g_steal_pointer (&error));
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
          /* It has one, but it does not decrypt: ours stays, with why
           * (the run's end tells the person). */
          if (fb_couch_client_is_undecryptable (run->client, id))
            continue;
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
      if (!_fb_sync_run_merge_pending (run, item,
                                       json_object_get_string_member_with_default (doc, "_rev", NULL),
                                       theirs, deleted, &error))
        goto fail;
    }

  if (!fb_store_commit (run->store, &error))
    goto fail;
  return;

fail:
  /* Nothing of this batch is in the store: the run did not do it. */
  fb_store_rollback (run->store);
  run->stats = before;
  _fb_sync_run_fail (run, g_steal_pointer (&error));
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
  FbSyncRun *run = batch->run;
  g_autoptr(GHashTable) docs = pending->docs;
  g_autoptr(GHashTable) branches = NULL;
  g_autoptr(GError) error = NULL;

  g_free (pending);
  branches = fb_sync_merge_branches_finish (result, &error);
  if (run->finished)
    goto out;
  if (_fb_sync_run_check_cancelled (run, branches == NULL, &error))
    g_clear_pointer (&branches, g_hash_table_unref);
  if (branches == NULL)
    _fb_sync_run_fail (run, g_steal_pointer (&error));
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
  FbSyncRun *run = batch->run;
  g_autoptr(GHashTable) docs = NULL;
  g_autoptr(GPtrArray) branched = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer value;

  docs = fb_couch_client_get_docs_finish (FB_COUCH_CLIENT (object), result, &error);
  if (run->finished)
    goto out;
  if (_fb_sync_run_check_cancelled (run, docs == NULL, &error))
    g_clear_pointer (&docs, g_hash_table_unref);
  if (docs == NULL)
    {
      _fb_sync_run_fail (run, g_steal_pointer (&error));
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

/* The server's side of all of @batch's conflicts in one request. */
static void
fetch_conflicts (PushBatch *batch)
{
  FbSyncRun *run = batch->run;

  g_ptr_array_add (batch->conflicts, NULL);
  fb_couch_client_get_docs_with_conflicts_async (run->client,
                                                 (const char * const *) batch->conflicts->pdata,
                                                 run->cancellable, conflicts_cb, batch);
  g_ptr_array_set_size (batch->conflicts, batch->conflicts->len - 1);
}

/* The item stays pending with @error's words (a size the server refuses);
 * the rest of the run goes on. */
static void
reject_too_large (PushBatch    *batch,
                  const char   *id,
                  const GError *error)
{
  FbSyncRun *run = batch->run;
  g_autofree char *words = fb_sync_words_error (error);
  g_autoptr(GError) store_error = NULL;

  if (!fb_store_set_sync_error (run->store, id, words, &store_error))
    _fb_sync_run_fail (run, g_steal_pointer (&store_error));
  else
    _fb_sync_run_item_rejected (run, id, words);
}

static void
upload_alone_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PushBatch *batch = user_data;
  FbSyncRun *run = batch->run;
  g_autoptr(GError) error = NULL;
  gboolean sent;

  sent = _fb_sync_run_upload_alone_finish (run, result, &error);
  if (run->finished)
    goto done;
  if (_fb_sync_run_check_cancelled (run, !sent, &error))
    sent = FALSE;
  if (sent)
    goto done;

  if (g_error_matches (error, FB_COUCH_UPLOAD_ERROR, FB_COUCH_UPLOAD_ERROR_CONFLICT))
    {
      /* Another writer moved it meanwhile: merged like any conflict, then
       * the files go again on top of what that makes. */
      g_debug ("%s moved on the server while its files went: %s", batch->upload_id, error->message);
      g_ptr_array_add (batch->conflicts, (gpointer) batch->upload_id);
      fetch_conflicts (batch);
      return;
    }
  if (g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_TOO_LARGE))
    reject_too_large (batch, batch->upload_id, error);
  else
    _fb_sync_run_fail (run, g_steal_pointer (&error));

done:
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
  FbSyncRun *run = batch->run;
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
          JsonObject *base = g_hash_table_lookup (batch->bases, id);

          if (rev == NULL)
            continue;
          if (g_strcmp0 (id, batch->upload_id) == 0 && _fb_sync_uploads_any_alone (batch->uploads))
            {
              g_autoptr(JsonObject) held = NULL;

              /* With encryption the base to record already lacks them. */
              if (base != NULL)
                {
                  _fb_sync_attachments_set_revpos (base, rev);
                  held = fb_body_copy (base);
                }
              else
                held = _fb_sync_uploads_body_without_alone (fb_item_get_body (item), batch->uploads);

              /* The server has the document without its large files: the
               * base says so, and the item stays pending (0 is no edit's
               * local_seq) until they are there too (fb-sync-run-upload.c). */
              if (!fb_store_mark_pushed (run->store, id, 0, rev, held, FALSE, error))
                goto fail;
              run->stats.pushed++;
              g_hash_table_replace (run->pushed_revs, g_strdup (id), g_strdup (rev));
              batch->uploaded = TRUE;
              batch->doc_rev = g_strdup (rev);
              continue;
            }
          if (base != NULL)
            _fb_sync_attachments_set_revpos (base, rev);
          if (base != NULL
              ? !fb_store_mark_pushed (run->store, id, fb_item_get_local_seq (item), rev, base,
                                       fb_item_get_deleted (item), error)
              : !fb_store_mark_item_pushed (run->store, item, rev, error))
            goto fail;
          run->stats.pushed++;
          g_hash_table_replace (run->pushed_revs, g_strdup (id), g_strdup (rev));
          if (g_strcmp0 (id, batch->upload_id) == 0)
            batch->uploaded = TRUE;
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

  if (!fb_store_commit (run->store, error))
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
  FbSyncRun *run = batch->run;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rejected = g_ptr_array_new_with_free_func (g_free);

  results = fb_couch_client_bulk_docs_finish (FB_COUCH_CLIENT (object), result, &error);
  if (run->finished)
    goto done;
  if (_fb_sync_run_check_cancelled (run, results == NULL, &error))
    g_clear_pointer (&results, json_array_unref);

  /* Send the next batch before recording this one's results: the server
   * stores it meanwhile instead of waiting for us. */
  if (results != NULL)
    {
      batch->answered = TRUE;
      run->push_in_flight--;
      _fb_sync_run_push_fill (run);
      if (run->finished)
        goto done;
    }

  /* Too large for the server: the one document with attachment data that
   * went alone stays pending, with why; the rest of the run goes on. */
  if (results == NULL && g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_TOO_LARGE) &&
      g_hash_table_size (batch->items) == 1)
    {
      GHashTableIter iter;
      gpointer key;

      batch->answered = TRUE;
      run->push_in_flight--;
      g_hash_table_iter_init (&iter, batch->items);
      g_hash_table_iter_next (&iter, &key, NULL);
      reject_too_large (batch, key, error);
      goto done;
    }

  if (results == NULL || !apply_push_results (batch, results, rejected, &error))
    {
      _fb_sync_run_fail (run, g_steal_pointer (&error));
      goto done;
    }

  /* The files that went inside the document are all there. */
  if (batch->uploaded)
    for (guint i = 0; i < batch->uploads->len; i++)
      {
        FbSyncUpload *upload = batch->uploads->pdata[i];

        if (upload->alone)
          continue;
        _fb_sync_run_report_transfer (run, batch->upload_id, upload->name, FB_TRANSFER_UP,
                                      0, upload->length);
        _fb_sync_run_report_transfer (run, batch->upload_id, upload->name, FB_TRANSFER_UP,
                                      upload->length, upload->length);
        _fb_sync_run_end_transfer (run);
      }

  for (guint i = 0; i + 1 < rejected->len; i += 2)
    {
      g_debug ("The server refused item %s: %s",
               (char *) rejected->pdata[i], (char *) rejected->pdata[i + 1]);
      _fb_sync_run_item_rejected (run, rejected->pdata[i], rejected->pdata[i + 1]);
    }

  /* Its large files next, each on its own. */
  if (batch->doc_rev != NULL && !run->finished)
    {
      _fb_sync_run_upload_alone_async (run, g_hash_table_lookup (batch->items, batch->upload_id),
                                       batch->doc_rev, batch->uploads,
                                       g_hash_table_lookup (batch->bases, batch->upload_id),
                                       upload_alone_cb, batch);
      return;
    }

  if (batch->conflicts->len > 0 && !run->finished)
    {
      fetch_conflicts (batch);
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
collect_batch (FbSyncRun  *run,
               GPtrArray  *docs,
               GError    **error)
{
  g_autoptr(PushBatch) batch = g_new0 (PushBatch, 1);

  batch->run = g_object_ref (run);
  batch->items = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  batch->bases = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) json_object_unref);
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
          g_autofree char *json = NULL;
          g_autoptr(GError) refused = NULL;
          g_autoptr(JsonObject) base = NULL;
          g_autoptr(GPtrArray) uploads = NULL;

          if (g_hash_table_contains (run->in_flight, id))
            {
              blocked = TRUE;
              break;
            }

          if (fb_item_get_state (item) != FB_ITEM_STATE_PENDING ||
              tried >= MAX_PUSH_ATTEMPTS ||
              g_hash_table_contains (batch->items, id))
            {
              run->after_seq = MAX (run->after_seq, fb_item_get_local_seq (item));
              continue;
            }

          json = _fb_sync_attachments_document_json (run, item, &uploads, &base, &refused);
          if (json == NULL)
            {
              /* Its attachment cannot go: it stays pending, and says why. */
              run->after_seq = MAX (run->after_seq, fb_item_get_local_seq (item));
              if (!fb_store_set_sync_error (run->store, id, refused->message, error))
                return NULL;
              _fb_sync_run_item_rejected (run, id, refused->message);
              g_clear_error (&refused);
              continue;
            }
          /* A document with attachment data goes alone: a server that
           * refuses its size (413) then refuses only it. And one at a
           * time: "transfer-progress" tells of one file. */
          if (uploads->len > 0 && (g_hash_table_size (batch->items) > 0 || run->uploading))
            {
              blocked = TRUE;
              break;
            }

          run->after_seq = MAX (run->after_seq, fb_item_get_local_seq (item));
          g_hash_table_insert (run->attempts, g_strdup (id), GUINT_TO_POINTER (tried + 1));
          g_hash_table_insert (batch->items, (gpointer) id, g_object_ref (item));
          if (base != NULL)
            g_hash_table_insert (batch->bases, (gpointer) id, g_steal_pointer (&base));
          g_ptr_array_add (docs, g_steal_pointer (&json));
          if (uploads->len > 0)
            {
              batch->upload_id = id;
              batch->uploads = g_steal_pointer (&uploads);
              blocked = TRUE;
              break;
            }
        }

      if (blocked)
        break;
    }

  if (g_hash_table_size (batch->items) == 0)
    return NULL;

  return g_steal_pointer (&batch);
}

void
_fb_sync_run_push_fill (FbSyncRun *run)
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
          _fb_sync_run_fail (run, g_steal_pointer (&error));
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
      if (!_fb_sync_run_will_write (run, &error) ||
          !fb_store_record_in_flight (run->store, sent, &error))
        {
          push_batch_free (batch);
          _fb_sync_run_fail (run, g_steal_pointer (&error));
          return;
        }

      g_hash_table_iter_init (&iter, batch->items);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (run->in_flight, key);

      if (batch->upload_id != NULL)
        {
          run->uploading = TRUE;
          /* The first file inside the document goes with it (those that
           * go alone are told as they go). */
          for (guint i = 0; i < batch->uploads->len; i++)
            {
              FbSyncUpload *upload = batch->uploads->pdata[i];

              if (upload->alone)
                continue;
              _fb_sync_run_report_transfer (run, batch->upload_id, upload->name, FB_TRANSFER_UP,
                                            0, upload->length);
              break;
            }
        }

      run->push_in_flight++;
      run->push_outstanding++;
      fb_couch_client_bulk_docs_json_async (run->client, docs, run->cancellable, push_cb, batch);
    }

  /* Merges of the last batches may have made items pending again: only
   * an empty list with nothing out ends the push. */
  if (!run->finished && run->push_outstanding == 0)
    _fb_sync_run_pull_start (run);
}
