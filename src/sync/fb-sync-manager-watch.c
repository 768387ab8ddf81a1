/* fb-sync-manager-watch.c: what tells the sync manager to run: the live feed, the network, the probe */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include "fb-sync-error.h"
#include "fb-sync-manager-private.h"

/* Owns FbSyncManager's watching of the world between runs: the live
 * _changes longpoll, whether the server can be reached when the network
 * comes back, and the cheap GET / probe while it cannot. */

/* While the server cannot be reached, a GET / this often (doubling up to
 * the cap) finds out when it is back: a sync then resumes within ~5 s,
 * whatever the backoff of full runs says. */
#define PROBE_FIRST_MS 500
#define PROBE_MAX_MS   4000
#define LIVE_LIMIT     100
#define HTTP_PORT      80
#define HTTPS_PORT     443

/* ---- Reachability probe (while unreachable) ---- */

void
_fb_sync_manager_stop_probe (FbSyncManager *self)
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

void
_fb_sync_manager_schedule_probe (FbSyncManager *self)
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
  if (self == NULL || _fb_sync_is_cancelled_error (error) || self->client != FB_COUCH_CLIENT (object))
    return;
  g_clear_object (&self->probe_cancellable);

  if (!answered)
    {
      _fb_sync_manager_schedule_probe (self);
      return;
    }

  /* Back: the retry need not wait for its timer. */
  g_debug ("The server answers again");
  _fb_sync_manager_stop_probe (self);
  _fb_sync_manager_clear_retry (self);
  _fb_sync_manager_request_run (self);
  _fb_sync_manager_update_state (self);
}

static gboolean
probe_timeout_cb (gpointer user_data)
{
  FbSyncManager *self = user_data;
  GWeakRef *weak;

  self->probe_id = 0;
  if (!_fb_sync_manager_can_sync_automatically (self) || self->run != NULL || self->retry_id == 0)
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
  if (self == NULL || _fb_sync_is_cancelled_error (error) || self->client != FB_COUCH_CLIENT (object))
    return;

  g_clear_object (&self->live_cancellable);

  if (response == NULL)
    {
      _fb_sync_manager_handle_outcome (self, error);
      return;
    }

  if (json_object_has_member (response, "results") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (response, "results")) &&
      json_array_get_length (json_object_get_array_member (response, "results")) > 0)
    _fb_sync_manager_request_run (self);
  else
    _fb_sync_manager_live_start (self);
}

void
_fb_sync_manager_live_start (FbSyncManager *self)
{
  g_autofree char *remote_key = NULL;
  g_autofree char *checkpoint = NULL;
  g_autoptr(JsonNode) since = NULL;
  GWeakRef *weak;

  if (!_fb_sync_manager_can_sync_automatically (self) || self->run != NULL ||
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
  if (self == NULL || _fb_sync_is_cancelled_error (error))
    return;
  g_clear_object (&self->live_cancellable);

  if (!reachable)
    {
      g_autoptr(GError) unreachable =
        g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_UNREACHABLE,
                     "The server cannot be reached: %s",
                     error != NULL ? error->message : "no route");
      _fb_sync_manager_handle_outcome (self, unreachable);
      return;
    }

  _fb_sync_manager_request_run (self);
}

void
_fb_sync_manager_check_reach_and_sync (FbSyncManager *self)
{
  g_autoptr(GSocketConnectable) address = NULL;
  GWeakRef *weak;

  if (!_fb_sync_manager_can_sync_automatically (self) || self->run != NULL)
    return;

  address = g_network_address_parse_uri (self->url,
                                         g_str_has_prefix (self->url, "https:") ? HTTPS_PORT : HTTP_PORT,
                                         NULL);
  if (address == NULL)
    {
      _fb_sync_manager_request_run (self);
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
