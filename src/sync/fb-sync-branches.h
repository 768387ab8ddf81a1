/* fb-sync-branches.h: documents with several live leaves, merged into one winner */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fb-couch-client.h"
#include "fb-store.h"

G_BEGIN_DECLS

/* What became of one document's branches. */
typedef struct {
  /* The server's winning document now: the merge of the leaves, written
   * back (with its new "_rev"), or the old winner when nothing merged. */
  JsonObject *doc;
  /* A losing leaf whose fields collide with the winner's, to become the
   * local item's side of a conflict (@doc is the server's side); its
   * fields that merged are in both. Only for an item that had no local
   * changes when the merge began. Still on the server: once the store has
   * it, fb_sync_drop_taken_leaves_async () deletes it there. */
  char       *collided_rev;
  JsonObject *collided_body;
  guint       n_merged;     /* losing leaves merged into @doc */
} FbBranchOutcome;

void        fb_branch_outcome_free        (FbBranchOutcome *outcome);

/* TRUE when @doc (fetched with conflicts=true) lists live losing leaves. */
gboolean    fb_sync_doc_has_branches      (JsonObject      *doc);

/* For each document of @docs (JsonObject, winners as fetched with
 * conflicts=true) that has branches: fetches every leaf with its history
 * and each leaf's common ancestor with the winner (the local base when it
 * is that revision), merges each live losing leaf into the winner
 * (fb_merge_bodies) and writes the result back in one _bulk_docs: the new
 * winner plus a deletion of each losing leaf merged (each with its own
 * _rev). A leaf that collides stays on the server, unless it can become
 * the local item's conflict (see FbBranchOutcome). Where the ancestor's
 * body is gone, the merge has no base: any difference is a collision,
 * never a loss. Result: id → FbBranchOutcome; documents whose write-back
 * the server refused (changed meanwhile) are absent: their next change
 * brings them again. */
void        fb_sync_merge_branches_async  (FbCouchClient       *client,
                                           FbStore             *store,
                                           GPtrArray           *docs,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GHashTable *fb_sync_merge_branches_finish (GAsyncResult        *result,
                                           GError             **error);

/* Deletes on the server, in one _bulk_docs, the collided leaves of
 * @outcomes (id → FbBranchOutcome), now kept in the store as conflicts.
 * One that stays (the request failed) only comes back as the same
 * conflict. */
void        fb_sync_drop_taken_leaves_async  (FbCouchClient       *client,
                                              GHashTable          *outcomes,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean    fb_sync_drop_taken_leaves_finish (GAsyncResult        *result,
                                              GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbBranchOutcome, fb_branch_outcome_free)

G_END_DECLS
