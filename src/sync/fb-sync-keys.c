/* fb-sync-keys.c: opening, making and rewrapping a database's encryption key */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include <string.h>

#include "fb-crypto.h"
#include "fb-sync-keys.h"

/* Owns the keys document's life on the server: reading it at the start of
 * each run, making it when encryption is turned on, rewrapping it when
 * the passphrase changes. The cryptography itself is fb-crypto.c's. */

/* A keys document made by two devices at once: the second one reads the
 * first's; more tries than that mean something else is wrong. */
#define MAX_TRIES 3

typedef struct {
  FbStore       *store;
  FbCouchClient *client;
  char          *passphrase;      /* a copy: the client's may change meanwhile */
  char          *new_passphrase;  /* rewrap only */
  JsonObject    *keys_doc;        /* as the server has it */
  FbDataKey     *key;
  JsonObject    *made;            /* a new keys document to PUT */
  guint          tries;
  gboolean       turned_on;
  guint          n_marked;
} Unlock;

static void
unlock_free (Unlock *unlock)
{
  g_clear_object (&unlock->store);
  g_clear_object (&unlock->client);
  fb_secret_free (&unlock->passphrase);
  fb_secret_free (&unlock->new_passphrase);
  g_clear_pointer (&unlock->keys_doc, json_object_unref);
  g_clear_pointer (&unlock->key, fb_data_key_unref);
  g_clear_pointer (&unlock->made, json_object_unref);
  g_free (unlock);
}

static void get_keys (GTask *task);

/* ---- In a worker thread: Argon2id ---- */

static void
open_key_in_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Unlock *unlock = task_data;
  GError *error = NULL;

  unlock->key = fb_data_key_unwrap (unlock->keys_doc, unlock->passphrase, &error);
  if (unlock->key == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (unlock->new_passphrase != NULL)
    {
      unlock->made = fb_data_key_wrap (unlock->key, unlock->new_passphrase, &error);
      if (unlock->made == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
make_key_in_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Unlock *unlock = task_data;
  GError *error = NULL;

  unlock->key = fb_data_key_new_random ();
  unlock->made = fb_data_key_wrap (unlock->key, unlock->passphrase, &error);
  if (unlock->made == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* ---- On the main context ---- */

static void
finish_open (GTask *task)
{
  Unlock *unlock = g_task_get_task_data (task);
  GError *error = NULL;

  fb_couch_client_set_data_key (unlock->client, unlock->key);
  if (unlock->turned_on &&
      !fb_store_mark_for_upload (unlock->store, &unlock->n_marked, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
put_keys_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Unlock *unlock = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;

  answer = fb_couch_client_db_request_finish (FB_COUCH_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      /* Made by another device meanwhile: read theirs. */
      if (unlock->new_passphrase == NULL && ++unlock->tries < MAX_TRIES &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Could not store the keys document (%s): reading it again", error->message);
          g_clear_error (&error);
          g_clear_pointer (&unlock->key, fb_data_key_unref);
          g_clear_pointer (&unlock->made, json_object_unref);
          unlock->turned_on = FALSE;
          get_keys (task);
          return;
        }
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  if (unlock->new_passphrase != NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  finish_open (task);
}

/* Takes @task. */
static void
put_keys (GTask *task)
{
  Unlock *unlock = g_task_get_task_data (task);
  g_autoptr(JsonNode) body = NULL;

  if (unlock->keys_doc != NULL &&
      json_object_has_member (unlock->keys_doc, "_rev"))
    json_object_set_string_member (unlock->made, "_rev",
                                   json_object_get_string_member (unlock->keys_doc, "_rev"));
  body = json_node_init_object (json_node_alloc (), unlock->made);
  fb_couch_client_db_request_async (unlock->client, "PUT", FB_CRYPTO_KEYS_ID, body,
                                    g_task_get_cancellable (task), put_keys_cb, task);
}

static void
worker_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Unlock *unlock = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  if (unlock->made != NULL)
    put_keys (task);
  else
    finish_open (task);
}

static void
run_in_worker (GTask           *task,
               GTaskThreadFunc  func)
{
  Unlock *unlock = g_task_get_task_data (task);
  g_autoptr(GTask) worker = g_task_new (NULL, g_task_get_cancellable (task), worker_cb, task);

  /* The worker only reads and fills @unlock; the main context waits. */
  g_task_set_task_data (worker, unlock, NULL);
  g_task_run_in_thread (worker, func);
}

static void
get_keys_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Unlock *unlock = g_task_get_task_data (task);
  FbDataKey *current = fb_couch_client_get_data_key (unlock->client);
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;

  answer = fb_couch_client_db_request_finish (FB_COUCH_CLIENT (object), result, &error);
  if (answer == NULL && !g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_clear_error (&error);
  g_clear_pointer (&unlock->keys_doc, json_object_unref);
  if (answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) &&
      !json_object_get_boolean_member_with_default (json_node_get_object (answer), "_deleted", FALSE))
    unlock->keys_doc = json_object_ref (json_node_get_object (answer));

  if (unlock->keys_doc == NULL)
    {
      if (unlock->new_passphrase != NULL)
        {
          g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_FOUND,
                                   "The database is not encrypted");
          g_object_unref (task);
          return;
        }

      /* Plain, as before; or turning encryption on. */
      fb_couch_client_set_data_key (unlock->client, NULL);
      if (unlock->passphrase == NULL)
        {
          g_task_return_boolean (task, TRUE);
          g_object_unref (task);
          return;
        }
      unlock->turned_on = TRUE;
      run_in_worker (task, make_key_in_thread);
      return;
    }

  if (unlock->passphrase == NULL)
    {
      fb_couch_client_set_data_key (unlock->client, NULL);
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_NEEDS_PASSPHRASE,
                               "The database is encrypted and no passphrase is set");
      g_object_unref (task);
      return;
    }

  /* The key this client opened before, still the database's. */
  if (current != NULL && unlock->new_passphrase == NULL &&
      g_strcmp0 (fb_data_key_get_id (current),
                 json_object_get_string_member_with_default (unlock->keys_doc, "key_id", NULL)) == 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  run_in_worker (task, open_key_in_thread);
}

/* Takes @task. */
static void
get_keys (GTask *task)
{
  Unlock *unlock = g_task_get_task_data (task);

  fb_couch_client_db_request_async (unlock->client, "GET", FB_CRYPTO_KEYS_ID, NULL,
                                    g_task_get_cancellable (task), get_keys_cb, task);
}

static GTask *
unlock_task_new (FbStore             *store,
                 FbCouchClient       *client,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (client, cancellable, callback, user_data);
  Unlock *unlock = g_new0 (Unlock, 1);

  g_task_set_source_tag (task, source_tag);
  unlock->store = store != NULL ? g_object_ref (store) : NULL;
  unlock->client = g_object_ref (client);
  unlock->passphrase = g_strdup (fb_couch_client_get_passphrase (client));
  g_task_set_task_data (task, unlock, (GDestroyNotify) unlock_free);
  return task;
}

void
fb_sync_keys_unlock_async (FbStore             *store,
                           FbCouchClient       *client,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (FB_IS_STORE (store));
  g_return_if_fail (FB_IS_COUCH_CLIENT (client));

  get_keys (unlock_task_new (store, client, fb_sync_keys_unlock_async, cancellable,
                             callback, user_data));
}

gboolean
fb_sync_keys_unlock_finish (GAsyncResult  *result,
                            gboolean      *turned_on,
                            guint         *n_marked,
                            GError       **error)
{
  Unlock *unlock;

  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fb_sync_keys_unlock_async,
                        FALSE);

  unlock = g_task_get_task_data (G_TASK (result));
  if (turned_on != NULL)
    *turned_on = unlock->turned_on;
  if (n_marked != NULL)
    *n_marked = unlock->n_marked;
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fb_sync_keys_rewrap_async (FbCouchClient       *client,
                           const char          *new_passphrase,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  Unlock *unlock;

  g_return_if_fail (FB_IS_COUCH_CLIENT (client));
  g_return_if_fail (new_passphrase != NULL && *new_passphrase != '\0');

  task = unlock_task_new (NULL, client, fb_sync_keys_rewrap_async, cancellable,
                          callback, user_data);
  unlock = g_task_get_task_data (task);
  unlock->new_passphrase = g_strdup (new_passphrase);
  if (unlock->passphrase == NULL)
    {
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_NEEDS_PASSPHRASE,
                               "The current passphrase is needed to change it");
      g_object_unref (task);
      return;
    }
  get_keys (task);
}

gboolean
fb_sync_keys_rewrap_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fb_sync_keys_rewrap_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
