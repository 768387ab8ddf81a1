/* fb-sync-manager.h: keeps the local store and a CouchDB database in step */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "fb-store.h"
#include "fb-sync-progress.h"
#include "fb-sync-run.h"

G_BEGIN_DECLS

typedef enum {
  FB_SYNC_STATE_NOT_CONFIGURED,   /* no server set, or sync turned off */
  FB_SYNC_STATE_OFFLINE,          /* no network */
  FB_SYNC_STATE_IDLE,             /* up to date (waiting for changes) */
  FB_SYNC_STATE_SYNCING,          /* a run is in progress */
  FB_SYNC_STATE_WAITING_TO_RETRY, /* the last run failed; see next-retry, last-error */
  FB_SYNC_STATE_NEEDS_ATTENTION,  /* wrong credentials or URL: nothing happens until set_remote */
} FbSyncState;

#define FB_TYPE_SYNC_STATE (fb_sync_state_get_type ())
GType fb_sync_state_get_type (void);

#define FB_TYPE_SYNC_MANAGER (fb_sync_manager_get_type ())
G_DECLARE_FINAL_TYPE (FbSyncManager, fb_sync_manager, FB, SYNC_MANAGER, GObject)

/* @monitor: nullable (g_network_monitor_get_default ()). */
FbSyncManager   *fb_sync_manager_new              (FbStore          *store,
                                                   GNetworkMonitor  *monitor);
FbStore         *fb_sync_manager_get_store        (FbSyncManager    *self);

/* NULL @url: not configured. A change cancels a running run, clears
 * NEEDS_ATTENTION and the backoff, and (when started) syncs again. */
void             fb_sync_manager_set_remote       (FbSyncManager    *self,
                                                   const char       *url,
                                                   const char       *database,
                                                   const char       *user,
                                                   const char       *password);
/* The end-to-end encryption passphrase (NULL: none). With one, a database
 * that is not encrypted yet is encrypted by the next run, and one that is
 * can be read; without, an encrypted database stops the run with
 * FB_SYNC_ERROR_NEEDS_PASSPHRASE (needs attention) until one is set. */
void             fb_sync_manager_set_passphrase   (FbSyncManager    *self,
                                                   const char       *passphrase);
/* Wraps the database's data key with @new_passphrase instead of the current
 * one (which must open it: FB_SYNC_ERROR_WRONG_PASSPHRASE otherwise); no
 * document is encrypted again. The manager uses @new_passphrase from then
 * on; other devices need it too. FB_SYNC_ERROR_NOT_FOUND when the database
 * is not encrypted. */
void             fb_sync_manager_change_passphrase_async  (FbSyncManager       *self,
                                                           const char          *new_passphrase,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean         fb_sync_manager_change_passphrase_finish (FbSyncManager  *self,
                                                           GAsyncResult   *result,
                                                           GError        **error);
/* TRUE once a run opened (or made) the database's key: what is sent is
 * encrypted. FALSE before the first run, or for a plain database. */
gboolean         fb_sync_manager_get_encrypted    (FbSyncManager    *self);
/* Fetches the data of attachment @name of item @id now, on any network
 * (the pull leaves large files for one that is not metered): for a file
 * the person opens. TRUE at once when the file is here. The errors of
 * a sync (unreachable, …), FB_SYNC_ERROR_NOT_FOUND when the server no
 * longer has it, FB_SYNC_ERROR_UNDECRYPTABLE when its sealed data does not
 * open, FB_SYNC_ERROR_NEEDS_PASSPHRASE before the first run opened an
 * encrypted database's key. */
void             fb_sync_manager_fetch_attachment_async  (FbSyncManager       *self,
                                                          const char          *id,
                                                          const char          *name,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean         fb_sync_manager_fetch_attachment_finish (FbSyncManager       *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
/* Fetches, one after another as above, every attachment of item @id that
 * is not here yet: what a copy of it needs (Keep Both, Duplicate). Stops
 * at the first that fails, with its error; TRUE at once when all are
 * here. */
void             fb_sync_manager_fetch_missing_attachments_async  (FbSyncManager       *self,
                                                                   const char          *id,
                                                                   GCancellable        *cancellable,
                                                                   GAsyncReadyCallback  callback,
                                                                   gpointer             user_data);
gboolean         fb_sync_manager_fetch_missing_attachments_finish (FbSyncManager       *self,
                                                                   GAsyncResult        *result,
                                                                   GError             **error);
/* Asks the server to compact the database, which drops the bodies of old
 * revisions (after encryption is turned on: the plain ones). Only a
 * server administrator may: FB_SYNC_ERROR_UNAUTHORIZED/FORBIDDEN
 * otherwise. The server compacts in the background after answering. */
void             fb_sync_manager_compact_async    (FbSyncManager       *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean         fb_sync_manager_compact_finish   (FbSyncManager       *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* Default TRUE. When FALSE, the state is NOT_CONFIGURED and nothing syncs. */
void             fb_sync_manager_set_enabled      (FbSyncManager    *self,
                                                   gboolean          enabled);
gboolean         fb_sync_manager_get_enabled      (FbSyncManager    *self);

/* Automatic mode: syncs now, when the network comes back, ~1 s after a
 * local edit, every 5 minutes, and keeps a live longpoll for server changes.
 * Failures retry with backoff. */
void             fb_sync_manager_start            (FbSyncManager    *self);
/* An explicit request ("refresh" button): a run now (or right after the
 * current one), also from NEEDS_ATTENTION or while waiting to retry. */
void             fb_sync_manager_sync_now         (FbSyncManager    *self);

/* One run: push, then pull. Runs requested while one is in progress start
 * when it ends. Cancelling @cancellable cancels the run. */
void             fb_sync_manager_sync_async       (FbSyncManager       *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
FbSyncStats     *fb_sync_manager_sync_finish      (FbSyncManager       *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* Like fb_sync_manager_sync_finish (), but *@stats (transfer full, never
 * NULL) is set also when the run failed: what it did before it failed, which
 * stays done (items it put into conflict are in conflict). FALSE with
 * @error set when the run failed. */
gboolean         fb_sync_manager_sync_finish_full (FbSyncManager       *self,
                                                   GAsyncResult        *result,
                                                   FbSyncStats        **stats,
                                                   GError             **error);

/* Properties (all read-only, notify only on change). */
gboolean         fb_sync_manager_get_online        (FbSyncManager   *self);
FbSyncState      fb_sync_manager_get_state         (FbSyncManager   *self);
guint            fb_sync_manager_get_pending_count (FbSyncManager   *self);
guint            fb_sync_manager_get_conflict_count (FbSyncManager  *self);
/* Nullable: local time of the last successful run. */
GDateTime       *fb_sync_manager_get_last_synced   (FbSyncManager   *self);
/* Nullable: why the last run failed (FB_SYNC_ERROR domain mostly); cleared
 * by a successful run. Never G_IO_ERROR_CANCELLED. */
const GError    *fb_sync_manager_get_last_error    (FbSyncManager   *self);
/* Wall-clock time (g_get_real_time (), µs) of the next automatic try, or 0
 * when none is scheduled. */
gint64           fb_sync_manager_get_next_retry    (FbSyncManager   *self);

/* For tests and benchmarks: delays in milliseconds (0 keeps the current
 * value). Defaults: debounce 1000, longpoll deadline 60000, retry base 2000,
 * documents per push batch 1000 (two batches out at once), changes per
 * pull batch 1000 (the next one requested while this one is stored). */
void             fb_sync_manager_set_tuning        (FbSyncManager   *self,
                                                    guint            debounce_ms,
                                                    guint            longpoll_ms,
                                                    guint            retry_base_ms,
                                                    guint            push_batch,
                                                    guint            pull_batch);

/* Signals:
 *   transfer-progress (const char *item_id, const char *name,
 *     FbTransferDirection direction, guint64 bytes_done, guint64 bytes_total):
 *     the attachment file in flight (one at a time): @name of item
 *     @item_id, going up to the server or down from it. For one file the
 *     first report has the bytes done so far (0 at the start), later ones
 *     rise in steps (FB_SYNC_PROGRESS_STEP or 1/200 of the file), and one
 *     with bytes_done == bytes_total says all of it got there. Then, however
 *     it ended (sent, failed, cancelled), one with bytes_done == bytes_total
 *     == 0 says that nothing is in flight now. A file that goes inside its
 *     document (in _bulk_docs) is reported as 0 bytes when the document goes
 *     and all of them once the server has it. bytes_total counts what goes
 *     over the network (with end-to-end encryption, the sealed bytes).
 *   remote-changes (guint n_items, guint n_notes, guint n_records): after
 *     a run's pull applied server changes to n_items items, of which
 *     n_notes notes and n_records records (a deletion counts as the
 *     collection it had here).
 *   item-rejected (const char *id, const char *message): the server refused
 *     a pushed item (it stays pending with its sync error).
 *   run-finished (const GError *error): after every run, error NULL on
 *     success (mainly for tests and logs). */

G_END_DECLS
