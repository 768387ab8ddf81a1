/* fb-sync-manager-retry.c: what a run's outcome does: backoff with jitter, Retry-After, the last error and the last sync */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include "fb-sync-error.h"
#include "fb-sync-manager-private.h"

#define RETRY_MAX_MS         (5 * 60 * 1000)
/* Backoff: base << (failures - 1), the count and the shift capped. */
#define MAX_FAILURES_COUNTED 30
#define MAX_BACKOFF_SHIFT    20
#define MS_PER_S             1000

void
_fb_sync_manager_set_last_error (FbSyncManager *self,
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
  _fb_sync_manager_notify (self, PROP_LAST_ERROR);
}

static void
set_next_retry (FbSyncManager *self,
                gint64         when)
{
  if (self->next_retry == when)
    return;
  self->next_retry = when;
  _fb_sync_manager_notify (self, PROP_NEXT_RETRY);
}

void
_fb_sync_manager_clear_retry (FbSyncManager *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  set_next_retry (self, 0);
}

static gboolean
retry_cb (gpointer user_data)
{
  FbSyncManager *self = user_data;

  self->retry_id = 0;
  set_next_retry (self, 0);
  _fb_sync_manager_request_run (self);
  _fb_sync_manager_update_state (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (FbSyncManager *self,
                const GError  *error)
{
  guint64 delay;
  guint retry_after = 0;

  _fb_sync_manager_clear_retry (self);

  self->n_failures = MIN (self->n_failures + 1, MAX_FAILURES_COUNTED);
  delay = (guint64) self->retry_base_ms << MIN (self->n_failures - 1, MAX_BACKOFF_SHIFT);
  delay = MIN (delay, RETRY_MAX_MS);
  /* ±25 % so that many devices do not come back in step. */
  delay = (guint64) (delay * g_random_double_range (0.75, 1.25));
  delay = MIN (delay, RETRY_MAX_MS);

  /* The server said when to come back (429, 503). */
  if (self->client != NULL &&
      (g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_TOO_MANY_REQUESTS) ||
       g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_SERVER)))
    retry_after = fb_couch_client_get_retry_after (self->client);
  delay = MAX (delay, (guint64) retry_after * MS_PER_S);

  self->retry_id = g_timeout_add ((guint) delay, retry_cb, self);
  set_next_retry (self, g_get_real_time () + (gint64) delay * G_TIME_SPAN_MILLISECOND);

  /* The probe's interval goes on from where the last one left it. */
  if (_fb_sync_error_is_unreachable (error) && self->probe_id == 0 && self->probe_cancellable == NULL)
    _fb_sync_manager_schedule_probe (self);
}

void
_fb_sync_manager_handle_outcome (FbSyncManager *self,
                                 const GError  *error)
{
  if (error == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      self->n_failures = 0;
      self->auth_failed = FALSE;
      _fb_sync_manager_clear_retry (self);
      _fb_sync_manager_stop_probe (self);
      _fb_sync_manager_set_last_error (self, NULL);
      g_clear_pointer (&self->last_synced, g_date_time_unref);
      self->last_synced = g_steal_pointer (&now);
      _fb_sync_manager_notify (self, PROP_LAST_SYNCED);
    }
  else if (_fb_sync_is_cancelled_error (error))
    {
      /* Offline, a new remote, or shutting down: not a failure. */
    }
  else if (fb_sync_error_needs_attention (error))
    {
      self->auth_failed = TRUE;
      self->run_again = FALSE;
      _fb_sync_manager_clear_retry (self);
      _fb_sync_manager_set_last_error (self, error);
    }
  else
    {
      self->db_open = FALSE;
      self->run_again = FALSE;
      _fb_sync_manager_set_last_error (self, error);
      if (self->started && self->enabled && self->online)
        schedule_retry (self, error);
    }

  _fb_sync_manager_update_state (self);
}
