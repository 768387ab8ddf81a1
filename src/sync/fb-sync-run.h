/* fb-sync-run.h: one sync run: push, pull, conflicts, merges */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "fb-couch-client.h"
#include "fb-sync-progress.h"
#include "fb-store.h"

G_BEGIN_DECLS

/* What one run did. */
typedef struct {
  guint pushed;    /* documents the server accepted from us */
  guint pulled;    /* server changes applied to the store */
  guint merged;    /* items where both sides changed and merged cleanly */
  guint conflicts; /* items that entered conflict state */
  guint undecryptable; /* server documents that did not decrypt and were not applied */
  guint encrypted; /* items made pending to replace their plain copies (encryption turned on) */
} FbSyncStats;

#define FB_TYPE_SYNC_STATS (fb_sync_stats_get_type ())
GType        fb_sync_stats_get_type (void);
FbSyncStats *fb_sync_stats_copy     (const FbSyncStats *stats);
void         fb_sync_stats_free     (FbSyncStats       *stats);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbSyncStats, fb_sync_stats_free)

#define FB_TYPE_SYNC_RUN (fb_sync_run_get_type ())
G_DECLARE_FINAL_TYPE (FbSyncRun, fb_sync_run, FB, SYNC_RUN, GObject)

/* A run of @store against @client's database, pushing @push_batch
 * documents per request (two out at once) and pulling @pull_batch changes
 * per request. It runs once. */
FbSyncRun         *fb_sync_run_new                 (FbStore             *store,
                                                    FbCouchClient       *client,
                                                    guint                push_batch,
                                                    guint                pull_batch);
/* Opens the database (creating it; skipped with @database_open), checks
 * that it is the one last synced with, pushes, then pulls, merging and
 * recording conflicts in the store. Cancelling @cancellable (or any
 * cancellable given to fb_sync_run_follow_cancellable ()) cancels it. */
void               fb_sync_run_execute_async       (FbSyncRun           *self,
                                                    gboolean             database_open,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* FALSE with @error when the run failed; what it did before stays done
 * (see fb_sync_run_get_stats ()). */
gboolean           fb_sync_run_execute_finish      (FbSyncRun           *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void               fb_sync_run_follow_cancellable  (FbSyncRun           *self,
                                                    GCancellable        *cancellable);
void               fb_sync_run_cancel              (FbSyncRun           *self);

FbCouchClient     *fb_sync_run_get_client          (FbSyncRun           *self);
/* What the run did so far (all of it once it finished, failed or not). */
const FbSyncStats *fb_sync_run_get_stats           (FbSyncRun           *self);
/* How many items its pulls changed, and of them notes and records: counted
 * as they are applied, so that a pull of 100,000 documents neither keeps
 * their ids nor reads them again to say so. */
typedef struct
{
  guint n_items;
  guint n_notes;
  guint n_records;
} FbSyncChanges;
const FbSyncChanges *fb_sync_run_get_changes       (FbSyncRun           *self);
/* A new attachment up to this size goes inside its document, as base64 in
 * _bulk_docs (one request for a document and its small files); a larger
 * one goes after it on its own, PUT /db/doc/att?rev=, its body streamed
 * from the file: no base64 (a third more bytes), never all of it in
 * memory. */
#define FB_SYNC_INLINE_ATTACHMENT_BYTES (256 * 1024)
/* On a metered network, attachments over FB_SYNC_EAGER_ATTACHMENT_BYTES
 * are not downloaded (a later run on another network does). */
#define FB_SYNC_EAGER_ATTACHMENT_BYTES (1024 * 1024)
void               fb_sync_run_set_metered         (FbSyncRun           *self,
                                                    gboolean             metered);
/* TRUE once the run found (or created) the database. */
gboolean           fb_sync_run_get_opened_database (FbSyncRun           *self);

/* Signals:
 *   item-rejected (const char *id, const char *message): the server refused
 *     a pushed item (it stays pending with its sync error).
 *   transfer-progress: as FbSyncManager's (fb-sync-manager.h). */

G_END_DECLS
