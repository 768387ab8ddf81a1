/* fb-sync-manager.c: when sync runs: scheduling, backoff, local edits, the manager's properties */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include <string.h>

#include "fb-account.h"
#include "fb-couch-client.h"
#include "fb-sync-error.h"
#include "fb-sync-manager-private.h"
#include "fb-sync-run.h"

#define PERIODIC_SYNC_SECS   (5 * 60)
/* Defaults of fb_sync_manager_set_tuning (). */
#define DEFAULT_DEBOUNCE_MS   1000
#define DEFAULT_LONGPOLL_MS   (60 * 1000)
#define DEFAULT_RETRY_BASE_MS 2000
#define DEFAULT_PUSH_BATCH    1000
#define DEFAULT_PULL_BATCH    1000

G_DEFINE_ENUM_TYPE (FbSyncState, fb_sync_state,
  G_DEFINE_ENUM_VALUE (FB_SYNC_STATE_NOT_CONFIGURED, "not-configured"),
  G_DEFINE_ENUM_VALUE (FB_SYNC_STATE_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (FB_SYNC_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (FB_SYNC_STATE_SYNCING, "syncing"),
  G_DEFINE_ENUM_VALUE (FB_SYNC_STATE_WAITING_TO_RETRY, "waiting-to-retry"),
  G_DEFINE_ENUM_VALUE (FB_SYNC_STATE_NEEDS_ATTENTION, "needs-attention"))

G_DEFINE_FINAL_TYPE (FbSyncManager, fb_sync_manager, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

void
_fb_sync_manager_notify (FbSyncManager     *self,
                         FbSyncManagerProp  prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

enum {
  REMOTE_CHANGES,
  ITEM_REJECTED,
  RUN_FINISHED,
  TRANSFER_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The callers of fb_sync_manager_sync_async () a run is for; the manager
 * may be gone when the run ends, hence the weak reference. */
typedef struct
{
  GWeakRef   manager;
  GPtrArray *tasks;
} RunTasks;

static void
run_tasks_free (RunTasks *run_tasks)
{
  g_weak_ref_clear (&run_tasks->manager);
  g_clear_pointer (&run_tasks->tasks, g_ptr_array_unref);
  g_free (run_tasks);
}

static void start_run          (FbSyncManager *self);

/* ---- A run ended ---- */

static void
run_item_rejected_cb (FbSyncRun     *run,
                      const char    *id,
                      const char    *message,
                      FbSyncManager *self)
{
  g_signal_emit (self, signals[ITEM_REJECTED], 0, id, message);
}

static void
run_transfer_progress_cb (FbSyncRun           *run,
                          const char          *item_id,
                          const char          *name,
                          FbTransferDirection  direction,
                          guint64              bytes_done,
                          guint64              bytes_total,
                          FbSyncManager       *self)
{
  g_signal_emit (self, signals[TRANSFER_PROGRESS], 0, item_id, name, direction,
                 bytes_done, bytes_total);
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  FbSyncRun *run = FB_SYNC_RUN (object);
  RunTasks *run_tasks = user_data;
  g_autoptr(FbSyncManager) self = g_weak_ref_get (&run_tasks->manager);
  const FbSyncStats *stats = fb_sync_run_get_stats (run);
  g_autoptr(GError) error = NULL;

  fb_sync_run_execute_finish (run, result, &error);

  if (self != NULL && fb_sync_run_get_opened_database (run) &&
      self->client == fb_sync_run_get_client (run))
    self->db_open = TRUE;

  if (self != NULL && self->run == run)
    {
      const FbSyncChanges *changes = fb_sync_run_get_changes (run);

      g_signal_handlers_disconnect_by_data (run, self);
      g_clear_object (&self->run);
      /* Announced even when the run failed later: they are in the store. */
      if (changes->n_items > 0)
        g_signal_emit (self, signals[REMOTE_CHANGES], 0, changes->n_items, changes->n_notes,
                       changes->n_records);
      _fb_sync_manager_handle_outcome (self, error);
      g_signal_emit (self, signals[RUN_FINISHED], 0, error);
    }

  for (guint i = 0; i < run_tasks->tasks->len; i++)
    {
      GTask *task = run_tasks->tasks->pdata[i];

      /* What a failed run did stays done (conflicts it found stay in the
       * store): the caller learns it through fb_sync_manager_sync_finish_full (). */
      g_object_set_data_full (G_OBJECT (task), "fb-sync-stats",
                              fb_sync_stats_copy (stats),
                              (GDestroyNotify) fb_sync_stats_free);
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, fb_sync_stats_copy (stats),
                               (GDestroyNotify) fb_sync_stats_free);
    }
  g_ptr_array_set_size (run_tasks->tasks, 0);

  if (self != NULL && self->run == NULL && self->store != NULL)
    {
      if (self->queued_tasks->len > 0 || self->run_again)
        start_run (self);
      else if (error == NULL)
        _fb_sync_manager_live_start (self);
      _fb_sync_manager_update_state (self);
    }

  run_tasks_free (run_tasks);
}

/* ---- Scheduling ---- */

gboolean
_fb_sync_manager_can_sync_automatically (FbSyncManager *self)
{
  return self->started && self->enabled && self->client != NULL &&
         self->online && !self->auth_failed && !fb_store_get_read_only (self->store);
}

void
_fb_sync_manager_update_state (FbSyncManager *self)
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
void
_fb_sync_manager_request_run (FbSyncManager *self)
{
  if (!_fb_sync_manager_can_sync_automatically (self))
    {
      _fb_sync_manager_update_state (self);
      return;
    }

  if (self->run != NULL)
    self->run_again = TRUE;
  else
    start_run (self);
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
  RunTasks *run_tasks;

  g_assert (self->run == NULL);

  self->run_again = FALSE;
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  _fb_sync_manager_clear_retry (self);
  _fb_sync_manager_stop_probe (self);
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
      _fb_sync_manager_update_state (self);
      return;
    }

  self->run = fb_sync_run_new (self->store, self->client, self->push_batch, self->pull_batch);
  fb_sync_run_set_metered (self->run, g_network_monitor_get_network_metered (self->monitor));
  g_signal_connect_object (self->run, "item-rejected",
                           G_CALLBACK (run_item_rejected_cb), self, 0);
  g_signal_connect_object (self->run, "transfer-progress",
                           G_CALLBACK (run_transfer_progress_cb), self, 0);
  run_tasks = g_new0 (RunTasks, 1);
  g_weak_ref_init (&run_tasks->manager, self);
  run_tasks->tasks = g_steal_pointer (&self->queued_tasks);
  self->queued_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  /* The manager going away, or a caller cancelling its sync_async (),
   * cancels the run. */
  for (guint i = 0; i < run_tasks->tasks->len; i++)
    fb_sync_run_follow_cancellable (self->run,
                                    g_task_get_cancellable (run_tasks->tasks->pdata[i]));
  _fb_sync_manager_update_state (self);

  fb_sync_run_execute_async (self->run, self->db_open, self->cancellable,
                             run_done_cb, run_tasks);
}

void
_fb_sync_manager_stop_activity (FbSyncManager *self)
{
  if (self->run != NULL)
    fb_sync_run_cancel (self->run);
  if (self->live_cancellable != NULL)
    {
      g_cancellable_cancel (self->live_cancellable);
      g_clear_object (&self->live_cancellable);
    }
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->run_again = FALSE;
  _fb_sync_manager_clear_retry (self);
  _fb_sync_manager_stop_probe (self);
}

/* ---- Network ---- */

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
          _fb_sync_manager_clear_retry (self);
          _fb_sync_manager_check_reach_and_sync (self);
        }
      return;
    }

  self->online = available;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);

  if (available)
    {
      g_debug ("Network is back");
      _fb_sync_manager_check_reach_and_sync (self);
    }
  else
    {
      g_debug ("Network is gone");
      _fb_sync_manager_stop_activity (self);
    }

  _fb_sync_manager_update_state (self);
}

/* ---- Local edits ---- */

static gboolean
debounce_cb (gpointer user_data)
{
  FbSyncManager *self = user_data;

  self->debounce_id = 0;
  _fb_sync_manager_request_run (self);
  return G_SOURCE_REMOVE;
}

static void
item_changed_cb (FbStore       *store,
                 FbItem        *item,
                 FbSyncManager *self)
{
  if (fb_item_get_state (item) != FB_ITEM_STATE_PENDING)
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
    _fb_sync_manager_request_run (self);
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

      _fb_sync_manager_stop_activity (self);
      _fb_sync_manager_set_last_error (self, error);
      _fb_sync_manager_update_state (self);
      return;
    }

  if (g_error_matches (self->last_error, FB_SYNC_ERROR, FB_SYNC_ERROR_STORE))
    _fb_sync_manager_set_last_error (self, NULL);
  _fb_sync_manager_request_run (self);
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
  /* Only the person's changes call for a push: a run's own writes come as
   * "::push", "::pull" or "::merge" (the run pushes its merges itself). */
  g_signal_connect_object (self->store, "item-changed::local-edit",
                           G_CALLBACK (item_changed_cb), self, 0);
  g_signal_connect_object (self->store, "item-changed::resolution",
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
  _fb_sync_manager_stop_activity (self);
  g_clear_handle_id (&self->periodic_id, g_source_remove);
  /* The run comes back cancelled and finds no manager. */
  if (self->run != NULL)
    g_signal_handlers_disconnect_by_data (self->run, self);
  g_clear_object (&self->run);

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
  fb_secret_free (&self->password);
  fb_secret_free (&self->passphrase);
  g_clear_pointer (&self->last_synced, g_date_time_unref);
  g_clear_error (&self->last_error);
  fb_sync_progress_clear (&self->progress);

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
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
  signals[ITEM_REJECTED] =
    g_signal_new ("item-rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[RUN_FINISHED] =
    g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[TRANSFER_PROGRESS] =
    g_signal_new ("transfer-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 5, G_TYPE_STRING, G_TYPE_STRING,
                  FB_TYPE_TRANSFER_DIRECTION, G_TYPE_UINT64, G_TYPE_UINT64);
}

static void
fb_sync_manager_init (FbSyncManager *self)
{
  self->cancellable = g_cancellable_new ();
  self->queued_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->enabled = TRUE;
  self->state = FB_SYNC_STATE_NOT_CONFIGURED;
  self->debounce_ms = DEFAULT_DEBOUNCE_MS;
  self->longpoll_ms = DEFAULT_LONGPOLL_MS;
  self->retry_base_ms = DEFAULT_RETRY_BASE_MS;
  self->push_batch = DEFAULT_PUSH_BATCH;
  self->pull_batch = DEFAULT_PULL_BATCH;
}

/* ---- Transfers outside a run ---- */

void
_fb_sync_manager_report_transfer (FbSyncManager       *self,
                                  const char          *item_id,
                                  const char          *name,
                                  FbTransferDirection  direction,
                                  guint64              bytes_done,
                                  guint64              bytes_total)
{
  if (fb_sync_progress_update (&self->progress, item_id, name, direction, bytes_done, bytes_total))
    g_signal_emit (self, signals[TRANSFER_PROGRESS], 0, item_id, name, direction,
                   self->progress.reported, bytes_total);
}

void
_fb_sync_manager_end_transfer (FbSyncManager *self)
{
  g_autofree char *item_id = g_strdup (self->progress.item_id);
  g_autofree char *name = g_strdup (self->progress.name);
  FbTransferDirection direction = self->progress.direction;

  if (fb_sync_progress_end (&self->progress))
    g_signal_emit (self, signals[TRANSFER_PROGRESS], 0, item_id, name, direction,
                   (guint64) 0, (guint64) 0);
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
    database = FB_ACCOUNT_DEFAULT_DATABASE;
  if (user != NULL && *user == '\0')
    user = NULL;

  if (g_strcmp0 (url, self->url) == 0 &&
      g_strcmp0 (database, self->database) == 0 &&
      g_strcmp0 (user, self->user) == 0 &&
      g_strcmp0 (password, self->password) == 0 &&
      (self->client != NULL || url == NULL))
    return;

  _fb_sync_manager_stop_activity (self);
  if (self->run != NULL)
    {
      /* It comes back cancelled; the next run starts clean. */
      g_signal_handlers_disconnect_by_data (self->run, self);
      g_clear_object (&self->run);
    }

  g_clear_object (&self->client);
  g_free (self->url);
  self->url = g_strdup (url);
  g_free (self->database);
  self->database = g_strdup (database);
  g_free (self->user);
  self->user = g_strdup (user);
  fb_secret_free (&self->password);
  self->password = g_strdup (password);

  self->db_open = FALSE;
  self->auth_failed = FALSE;
  self->n_failures = 0;

  if (url != NULL)
    {
      self->client = fb_couch_client_new (url, database, user, password, &error);
      if (self->client != NULL)
        fb_couch_client_set_passphrase (self->client, self->passphrase);
      if (self->client == NULL)
        {
          /* A URL that cannot work: say so, and wait for a new one. */
          _fb_sync_manager_set_last_error (self, error);
          _fb_sync_manager_update_state (self);
          return;
        }
    }

  _fb_sync_manager_set_last_error (self, NULL);
  _fb_sync_manager_update_state (self);

  if (self->client != NULL && self->queued_tasks->len > 0)
    start_run (self);
  else if (self->started)
    _fb_sync_manager_check_reach_and_sync (self);
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
    _fb_sync_manager_stop_activity (self);
  else if (self->started)
    _fb_sync_manager_check_reach_and_sync (self);

  _fb_sync_manager_update_state (self);
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
  _fb_sync_manager_check_reach_and_sync (self);
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
