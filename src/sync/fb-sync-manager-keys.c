/* fb-sync-manager-keys.c: FbSyncManager's end-to-end encryption passphrase */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include <string.h>

#include "fb-couch-client.h"
#include "fb-sync-keys.h"
#include "fb-sync-manager-private.h"

/* Part of FbSyncManager (see fb-sync-manager-private.h): the passphrase
 * its client opens the database's key with, changing it, and compacting
 * the plain revisions away. The keys document itself is fb-sync-keys.c's. */

void
fb_sync_manager_set_passphrase (FbSyncManager *self,
                                const char    *passphrase)
{
  g_return_if_fail (FB_IS_SYNC_MANAGER (self));

  if (passphrase != NULL && *passphrase == '\0')
    passphrase = NULL;
  if (g_strcmp0 (passphrase, self->passphrase) == 0)
    return;

  fb_secret_free (&self->passphrase);
  self->passphrase = g_strdup (passphrase);
  if (self->client != NULL)
    fb_couch_client_set_passphrase (self->client, passphrase);

  /* A passphrase asked for, or a wrong one mended: try again. */
  if (self->auth_failed)
    {
      self->auth_failed = FALSE;
      self->n_failures = 0;
      _fb_sync_manager_set_last_error (self, NULL);
      _fb_sync_manager_update_state (self);
      if (self->started)
        _fb_sync_manager_check_reach_and_sync (self);
    }
}

static void
rewrap_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbSyncManager *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!fb_sync_keys_rewrap_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  fb_sync_manager_set_passphrase (self, g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);
}

void
fb_sync_manager_change_passphrase_async (FbSyncManager       *self,
                                         const char          *new_passphrase,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FB_IS_SYNC_MANAGER (self));
  g_return_if_fail (new_passphrase != NULL && *new_passphrase != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_sync_manager_change_passphrase_async);
  g_task_set_task_data (task, g_strdup (new_passphrase), g_free);

  if (self->client == NULL)
    {
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_CONFIGURED,
                               "No server is set up");
      return;
    }

  fb_sync_keys_rewrap_async (self->client, new_passphrase, cancellable, rewrap_cb,
                             g_steal_pointer (&task));
}

gboolean
fb_sync_manager_change_passphrase_finish (FbSyncManager  *self,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  g_return_val_if_fail (FB_IS_SYNC_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
fb_sync_manager_get_encrypted (FbSyncManager *self)
{
  g_return_val_if_fail (FB_IS_SYNC_MANAGER (self), FALSE);

  return self->client != NULL && fb_couch_client_get_data_key (self->client) != NULL;
}

static void
compact_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;

  answer = fb_couch_client_db_request_finish (FB_COUCH_CLIENT (object), result, &error);
  if (answer == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
fb_sync_manager_compact_async (FbSyncManager       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (FB_IS_SYNC_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_sync_manager_compact_async);
  if (self->client == NULL)
    {
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_CONFIGURED,
                               "No server is set up");
      return;
    }

  /* CouchDB wants a JSON content type here, so an empty object goes. */
  body = json_node_init_object (json_node_alloc (), json_object_new ());
  fb_couch_client_db_request_async (self->client, "POST", "_compact", body, cancellable,
                                    compact_cb, g_steal_pointer (&task));
}

gboolean
fb_sync_manager_compact_finish (FbSyncManager  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (FB_IS_SYNC_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
