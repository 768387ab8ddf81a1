/* fb-sync-manager-private.h: what FbSyncManager's files share */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-couch-client.h"
#include "fb-sync-error.h"
#include "fb-sync-manager.h"

G_BEGIN_DECLS

/* FbSyncManager is one class over several files: fb-sync-manager.c (the
 * object, its properties and signals, scheduling runs, local edits),
 * fb-sync-manager-retry.c (a run's outcome: backoff, last error, last
 * synced), fb-sync-manager-watch.c (the live feed, the network, the
 * reachability probe), fb-sync-manager-keys.c and
 * fb-sync-manager-attachments.c (their public calls). */
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
  char            *passphrase;       /* end-to-end encryption, nullable */
  FbCouchClient   *client;
  gboolean         db_open;

  gboolean         enabled;
  gboolean         started;
  gboolean         online;
  gboolean         auth_failed;
  FbSyncState      state;

  FbSyncRun       *run;
  GPtrArray       *queued_tasks;     /* GTask waiting for the next run */
  gboolean         run_again;

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
  FbSyncProgress   progress;         /* a file fetched outside a run */
};

typedef enum {
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
} FbSyncManagerProp;

static inline gboolean
_fb_sync_is_cancelled_error (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static inline gboolean
_fb_sync_error_is_unreachable (const GError *error)
{
  return g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNREACHABLE) ||
         g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_TIMEOUT);
}

/* fb-sync-manager.c */
void     _fb_sync_manager_notify                 (FbSyncManager     *self,
                                                  FbSyncManagerProp  prop);
gboolean _fb_sync_manager_can_sync_automatically (FbSyncManager *self);
void     _fb_sync_manager_update_state           (FbSyncManager *self);
/* Automatic triggers: a run now, or right after the current one. */
void     _fb_sync_manager_request_run            (FbSyncManager *self);
void     _fb_sync_manager_stop_activity          (FbSyncManager *self);
/* "transfer-progress" of a file fetched outside a run (a run reports
 * its own): as _fb_sync_run_report_transfer (), end it with
 * _fb_sync_manager_end_transfer () however it ended. */
void     _fb_sync_manager_report_transfer        (FbSyncManager       *self,
                                                  const char          *item_id,
                                                  const char          *name,
                                                  FbTransferDirection  direction,
                                                  guint64              bytes_done,
                                                  guint64              bytes_total);
void     _fb_sync_manager_end_transfer           (FbSyncManager       *self);

/* fb-sync-manager-retry.c */
/* After a run: records success or failure, schedules the retry. */
void     _fb_sync_manager_handle_outcome         (FbSyncManager *self,
                                                  const GError  *error);
void     _fb_sync_manager_clear_retry            (FbSyncManager *self);
void     _fb_sync_manager_set_last_error         (FbSyncManager *self,
                                                  const GError  *error);

/* fb-sync-manager-watch.c */
void     _fb_sync_manager_stop_probe             (FbSyncManager *self);
void     _fb_sync_manager_schedule_probe         (FbSyncManager *self);
void     _fb_sync_manager_live_start             (FbSyncManager *self);
void     _fb_sync_manager_check_reach_and_sync   (FbSyncManager *self);

G_END_DECLS
