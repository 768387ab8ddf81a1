/* fb-sync-identity.c: is the server's database the one we last synced with, and reconciling when not */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include <string.h>

#include "fb-couch-document.h"
#include "fb-merge.h"
#include "fb-store-history.h"
#include "fb-sync-identity.h"

typedef struct {
  FbStore             *store;
  FbCouchClient       *client;
  char                *remote_key;
  char                *local_path;   /* "_local/fieldbook-<device id>" */
  char                *local_rev;    /* of that document, when the server has one */
  guint                batch;
  gboolean             same_session;  /* the server holds our session id */
  gboolean             found_missing; /* the server lacks a revision we hold */

  char                *after_id;     /* the last id of the page done */
  GPtrArray           *page;         /* FbItem */
  GPtrArray           *uploads;      /* JsonNode: documents for new_edits=false */
  GPtrArray           *leaf_deletions; /* JsonNode: older server leaves to delete */
  FbSyncIdentityStats  stats;
} Check;

static void
check_free (Check *check)
{
  g_clear_object (&check->store);
  g_clear_object (&check->client);
  g_clear_pointer (&check->remote_key, g_free);
  g_clear_pointer (&check->local_path, g_free);
  g_clear_pointer (&check->local_rev, g_free);
  g_clear_pointer (&check->after_id, g_free);
  g_clear_pointer (&check->page, g_ptr_array_unref);
  g_clear_pointer (&check->uploads, g_ptr_array_unref);
  g_clear_pointer (&check->leaf_deletions, g_ptr_array_unref);
  g_free (check);
}

static Check *
check_new (FbStore       *store,
           FbCouchClient *client)
{
  g_autofree char *escaped = g_uri_escape_string (fb_store_get_device_id (store), NULL, FALSE);
  Check *check = g_new0 (Check, 1);

  check->store = g_object_ref (store);
  check->client = g_object_ref (client);
  check->remote_key = fb_couch_client_dup_remote_key (client);
  check->local_path = g_strconcat ("_local/fieldbook-", escaped, NULL);
  check->uploads = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  check->leaf_deletions = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  return check;
}

static void page_next (GTask *task);

/* ---- Small helpers ---- */

/* The revision the server must know for the item's next push to fit: the
 * server's side of a conflict, else the common base. */
static const char *
known_rev (FbItem *item)
{
  if (fb_item_get_state (item) == FB_ITEM_STATE_CONFLICT && fb_item_get_server_rev (item) != NULL)
    return fb_item_get_server_rev (item);
  return fb_item_get_base_rev (item);
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), object);

  json_object_unref (object);
  return node;
}

/* The revision we hold for @item, as CouchDB replication writes it: same
 * revision id, so every device that holds it too sees its own revision. */
static JsonNode *
replicated_document (Check  *check,
                     FbItem *item)
{
  const char *rev = known_rev (item);
  const char *dash = strchr (rev, '-');
  gboolean conflict = fb_item_get_state (item) == FB_ITEM_STATE_CONFLICT &&
                      fb_item_get_server_rev (item) != NULL;
  JsonObject *body = conflict ? fb_item_get_server_body (item) : fb_item_get_base_body (item);
  gboolean deleted = conflict ? fb_item_get_server_deleted (item) || body == NULL : body == NULL;
  JsonObject *doc;
  JsonObject *sealed;
  JsonObject *revisions = json_object_new ();
  JsonArray *ids = json_array_new ();

  doc = fb_couch_document_new (fb_item_get_id (item), rev, fb_item_get_collection (item),
                               deleted ? NULL : body, fb_item_get_updated_at (item));
  /* Stubs would name attachments the server has no data for under this
   * revision (an older leaf that has them gets ours on top instead: see
   * reconcile_item ()). */
  json_object_remove_member (doc, FB_BODY_ATTACHMENTS);
  json_array_add_string_element (ids, dash + 1);
  json_object_set_int_member (revisions, "start", (gint64) fb_couch_rev_generation (rev));
  json_object_set_array_member (revisions, "ids", ids);
  json_object_set_object_member (doc, "_revisions", revisions);

  /* Sent as a plain request: sealed here when the database is encrypted. */
  sealed = fb_couch_client_seal_document (check->client, doc);
  json_object_unref (doc);
  return object_node (sealed);
}

static gboolean
rev_is_valid (const char *rev)
{
  const char *dash = rev != NULL ? strchr (rev, '-') : NULL;

  return dash != NULL && dash != rev && dash[1] != '\0' && fb_couch_rev_generation (rev) > 0;
}

/* A deletion made on the server while we were away, by the usual rules:
 * an unchanged item goes, a changed one is merged (delete versus edit is a
 * conflict). */
static gboolean
apply_server_deletion (Check       *check,
                       FbItem      *item,
                       const char  *rev,
                       GError     **error)
{
  const char *id = fb_item_get_id (item);
  g_autoptr(JsonObject) merged = NULL;
  gboolean merged_deleted = FALSE;

  switch (fb_item_get_state (item))
    {
    case FB_ITEM_STATE_SYNCED:
      check->stats.merged++;
      return fb_store_apply_remote (check->store, id, fb_item_get_collection (item), rev,
                                    NULL, TRUE, 0, error);

    case FB_ITEM_STATE_CONFLICT:
      return fb_store_set_conflict (check->store, id, rev, NULL, TRUE, error);

    case FB_ITEM_STATE_PENDING:
    default:
      break;
    }

  if (fb_merge_bodies (fb_item_get_base_body (item),
                       fb_item_get_deleted (item) ? NULL : fb_item_get_body (item),
                       NULL, &merged, &merged_deleted) == FB_MERGE_CONFLICT)
    {
      check->stats.conflicts++;
      return fb_store_set_conflict (check->store, id, rev, NULL, TRUE, error);
    }

  check->stats.merged++;
  return fb_store_apply_merged (check->store, id, rev, NULL, TRUE, merged, merged_deleted, error);
}

/* A local deletion of an item the server changed while we were away. */
static gboolean
merge_local_deletion (Check       *check,
                      FbItem      *item,
                      JsonObject  *doc,
                      GError     **error)
{
  const char *id = fb_item_get_id (item);
  const char *rev = json_object_get_string_member_with_default (doc, "_rev", NULL);
  g_autoptr(JsonObject) theirs = fb_couch_document_get_body (doc);
  g_autoptr(JsonObject) merged = NULL;
  gboolean merged_deleted = FALSE;

  if (fb_merge_bodies (fb_item_get_base_body (item), NULL, theirs,
                       &merged, &merged_deleted) == FB_MERGE_CONFLICT)
    {
      check->stats.conflicts++;
      return fb_store_set_conflict (check->store, id, rev, theirs, FALSE, error);
    }

  check->stats.merged++;
  return fb_store_apply_merged (check->store, id, rev, theirs, FALSE, merged, merged_deleted, error);
}

/* Whether the live server document @doc has a body this device held for
 * @item: its base, its current or server side, or one of its kept versions. */
static gboolean
holds_version (Check      *check,
               FbItem     *item,
               JsonObject *doc)
{
  g_autoptr(JsonObject) theirs = fb_couch_document_get_body (doc);
  g_autoptr(GPtrArray) versions = NULL;

  if (fb_body_equal (theirs, fb_item_get_base_body (item)) ||
      fb_body_equal (theirs, fb_item_get_body (item)) ||
      fb_body_equal (theirs, fb_item_get_server_body (item)))
    return TRUE;

  /* On a read error, not held: keeping a branch loses nothing. */
  versions = fb_store_list_versions (check->store, fb_item_get_id (item), NULL);
  for (guint i = 0; versions != NULL && i < versions->len; i++)
    if (fb_body_equal (theirs, fb_version_get_body (versions->pdata[i])))
      return TRUE;

  return FALSE;
}

/* What to do with one item whose revision the server lacks; @doc is the
 * server's current version (deleted ones included), or NULL. */
static gboolean
reconcile_item (Check       *check,
                FbItem      *item,
                JsonObject  *doc,
                GError     **error)
{
  const char *rev = known_rev (item);
  const char *server_rev = doc != NULL
                           ? json_object_get_string_member_with_default (doc, "_rev", NULL)
                           : NULL;
  gboolean server_deleted = doc != NULL &&
                            json_object_get_boolean_member_with_default (doc, "_deleted", FALSE);
  gboolean conflict = fb_item_get_state (item) == FB_ITEM_STATE_CONFLICT;

  if (!rev_is_valid (rev))
    return TRUE;
  if (server_rev == NULL)
    doc = NULL;

  /* Our own upload whose answer was lost. */
  if (doc != NULL && fb_item_get_state (item) == FB_ITEM_STATE_PENDING)
    {
      g_autoptr(JsonObject) theirs = server_deleted ? NULL : fb_couch_document_get_body (doc);
      gboolean adopted = FALSE;

      if (!fb_store_adopt_in_flight (check->store, fb_item_get_id (item), server_rev,
                                     theirs, server_deleted, &adopted, error))
        return FALSE;
      if (adopted)
        return TRUE;
    }

  if (doc == NULL || fb_couch_rev_generation (server_rev) < fb_couch_rev_generation (rev))
    {
      /* The server never had it, or holds an older state of it (a restored
       * backup): ours goes back, and an older live leaf is ended so that
       * ours is the one version. A deletion it never had needs no upload. */
      if (doc == NULL && !conflict && fb_item_get_deleted (item))
        {
          check->stats.purged++;
          return fb_store_mark_pushed (check->store, fb_item_get_id (item),
                                       fb_item_get_local_seq (item), rev, NULL, TRUE, error);
        }

      /* Only a state this device once held is ended. Anything else on the
       * older leaf was written after the restore by someone else: it shares
       * no revision with ours, so no merge can tell what changed; the
       * person chooses, with this device's version as theirs. */
      if (doc != NULL && !server_deleted && !holds_version (check, item, doc))
        {
          g_autoptr(JsonObject) theirs = fb_couch_document_get_body (doc);

          if (!conflict && fb_item_get_deleted (item))
            return merge_local_deletion (check, item, doc, error);
          check->stats.conflicts++;
          return fb_store_set_conflict (check->store, fb_item_get_id (item), server_rev,
                                        theirs, FALSE, error);
        }

      /* Another program's attachments on the older leaf live only on the
       * server: a replicated upload of ours could not carry them (its stubs
       * name no revision the server has). Ours goes on top of that leaf
       * instead, as a normal edit, with its attachments. */
      if (doc != NULL && !server_deleted && !conflict && !fb_item_get_deleted (item) &&
          json_object_has_member (doc, FB_BODY_ATTACHMENTS))
        {
          g_autoptr(JsonObject) theirs = fb_couch_document_get_body (doc);
          g_autoptr(JsonObject) mine = fb_body_copy (fb_item_get_body (item));

          json_object_set_member (mine, FB_BODY_ATTACHMENTS,
                                  json_node_copy (json_object_get_member (theirs,
                                                                          FB_BODY_ATTACHMENTS)));
          check->stats.uploaded++;
          return fb_store_apply_merged (check->store, fb_item_get_id (item), server_rev,
                                        theirs, FALSE, mine, FALSE, error);
        }

      if (doc != NULL && !server_deleted)
        {
          JsonObject *deletion = json_object_new ();

          json_object_set_string_member (deletion, "_id", fb_item_get_id (item));
          json_object_set_string_member (deletion, "_rev", server_rev);
          json_object_set_boolean_member (deletion, "_deleted", TRUE);
          g_ptr_array_add (check->leaf_deletions, object_node (deletion));
        }
      g_ptr_array_add (check->uploads, replicated_document (check, item));
      check->stats.uploaded++;
      return TRUE;
    }

  /* The server went on without our revision. */
  if (server_deleted)
    return apply_server_deletion (check, item, server_rev, error);
  if (!conflict && fb_item_get_deleted (item))
    return merge_local_deletion (check, item, doc, error);

  /* Both live: ours goes up as a branch beside the server's, as CouchDB
   * replication would leave it; the branch merge brings them together. */
  g_ptr_array_add (check->uploads, replicated_document (check, item));
  check->stats.uploaded++;
  return TRUE;
}

/* ---- The end: both sides get a new session ---- */

static void
put_local_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  const char *session = g_object_get_data (G_OBJECT (task), "session");
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;

  answer = fb_couch_client_db_request_finish (FB_COUCH_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_free (check->local_rev);
  check->local_rev = JSON_NODE_HOLDS_OBJECT (answer)
                     ? g_strdup (json_object_get_string_member_with_default (
                                   json_node_get_object (answer), "rev", NULL))
                     : NULL;

  /* The server that holds our session and every revision we hold is the
   * one we last saw, even after a restore: its changes feed goes on from
   * our checkpoint. Any other one is read from the start. */
  if (!fb_store_set_remote_session (check->store, check->remote_key, session,
                                    check->same_session && !check->found_missing, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (check->stats.reconciled)
    g_debug ("Reconciled with %s: %u uploaded, %u purged, %u merged, %u in conflict",
             check->remote_key, check->stats.uploaded, check->stats.purged,
             check->stats.merged, check->stats.conflicts);
  g_task_return_boolean (task, TRUE);
}

static void
put_local (GTask *task)
{
  Check *check = g_task_get_task_data (task);
  g_autofree char *session = g_uuid_string_random ();
  JsonObject *doc = json_object_new ();
  g_autoptr(JsonNode) body = NULL;

  if (check->local_rev != NULL)
    json_object_set_string_member (doc, "_rev", check->local_rev);
  json_object_set_string_member (doc, "session", session);
  json_object_set_string_member (doc, "device", fb_store_get_device_id (check->store));
  json_object_set_int_member (doc, "reconciled_at", g_get_real_time () / 1000);
  body = object_node (doc);

  g_object_set_data_full (G_OBJECT (task), "session", g_steal_pointer (&session), g_free);
  fb_couch_client_db_request_async (check->client, "PUT", check->local_path, body,
                                    g_task_get_cancellable (task), put_local_cb, task);
}

/* ---- One page of items ---- */

static JsonNode *
bulk_body (GPtrArray *docs,
           gboolean   replicated)
{
  JsonObject *object = json_object_new ();
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < docs->len; i++)
    json_array_add_element (array, json_node_ref (docs->pdata[i]));
  json_object_set_array_member (object, "docs", array);
  if (replicated)
    json_object_set_boolean_member (object, "new_edits", FALSE);

  return object_node (object);
}

static void
uploads_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;

  answer = fb_couch_client_db_request_finish (FB_COUCH_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* CouchDB lists only the documents it refused; others may list all. A
   * refused one keeps its reason where the person sees it. */
  if (JSON_NODE_HOLDS_ARRAY (answer))
    {
      JsonArray *results = json_node_get_array (answer);

      for (guint i = 0; i < json_array_get_length (results); i++)
        {
          JsonNode *node = json_array_get_element (results, i);
          JsonObject *res;
          const char *id;
          const char *reason;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          res = json_node_get_object (node);
          id = json_object_get_string_member_with_default (res, "id", NULL);
          if (id == NULL || !json_object_has_member (res, "error"))
            continue;
          reason = json_object_get_string_member_with_default (res, "reason", NULL);
          if (reason == NULL || *reason == '\0')
            reason = json_object_get_string_member_with_default (res, "error", "rejected");
          check->stats.uploaded--;
          if (!fb_store_set_sync_error (check->store, id, reason, &error))
            {
              g_task_return_error (task, error);
              return;
            }
        }
    }

  g_ptr_array_set_size (check->uploads, 0);
  page_next (g_steal_pointer (&task));
}

/* Takes @task, as page_next () and put_local () do. */
static void
send_uploads (GTask *task)
{
  Check *check = g_task_get_task_data (task);
  g_autoptr(JsonNode) body = NULL;

  if (check->uploads->len == 0)
    {
      page_next (task);
      return;
    }

  body = bulk_body (check->uploads, TRUE);
  fb_couch_client_db_request_async (check->client, "POST", "_bulk_docs", body,
                                    g_task_get_cancellable (task), uploads_cb, task);
}

static void
leaf_deletions_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;

  /* A leaf changed meanwhile stays: it is then a branch like any other. */
  answer = fb_couch_client_db_request_finish (FB_COUCH_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_ptr_array_set_size (check->leaf_deletions, 0);
  send_uploads (g_steal_pointer (&task));
}

static void
docs_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  g_autoptr(GHashTable) docs = NULL;
  GHashTable *missing = g_object_get_data (G_OBJECT (task), "missing");
  GError *error = NULL;

  docs = fb_couch_client_get_docs_finish (FB_COUCH_CLIENT (object), result, &error);
  if (docs == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (!fb_store_begin (check->store, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < check->page->len; i++)
    {
      FbItem *item = check->page->pdata[i];
      const char *id = fb_item_get_id (item);

      if (!g_hash_table_contains (missing, id))
        continue;
      if (!reconcile_item (check, item, g_hash_table_lookup (docs, id), &error))
        {
          fb_store_rollback (check->store);
          g_task_return_error (task, error);
          return;
        }
    }
  if (!fb_store_commit (check->store, &error))
    {
      fb_store_rollback (check->store);
      g_task_return_error (task, error);
      return;
    }

  /* Older leaves end before ours go up: cut short in between, the server
   * then shows a deletion older than ours, which the next check uploads
   * over again. */
  if (check->leaf_deletions->len > 0)
    {
      g_autoptr(JsonNode) body = bulk_body (check->leaf_deletions, FALSE);

      GCancellable *cancellable = g_task_get_cancellable (task);

      fb_couch_client_db_request_async (check->client, "POST", "_bulk_docs", body,
                                        cancellable, leaf_deletions_cb,
                                        g_steal_pointer (&task));
      return;
    }

  send_uploads (g_steal_pointer (&task));
}

static void
revs_diff_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  GCancellable *cancellable;
  GHashTable *missing;
  JsonObjectIter iter;
  const char *id;
  JsonNode *value;
  GError *error = NULL;

  answer = fb_couch_client_db_request_finish (FB_COUCH_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (answer))
    {
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE,
                               "_revs_diff did not return an object");
      return;
    }

  missing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_object_set_data_full (G_OBJECT (task), "missing", missing,
                          (GDestroyNotify) g_hash_table_unref);
  json_object_iter_init (&iter, json_node_get_object (answer));
  while (json_object_iter_next (&iter, &id, &value))
    if (JSON_NODE_HOLDS_OBJECT (value) &&
        json_object_has_member (json_node_get_object (value), "missing"))
      {
        char *key = g_strdup (id);

        g_hash_table_add (missing, key);
        g_ptr_array_add (ids, key);
      }

  if (ids->len == 0)
    {
      page_next (g_steal_pointer (&task));
      return;
    }

  check->found_missing = TRUE;
  g_ptr_array_add (ids, NULL);
  cancellable = g_task_get_cancellable (task);
  fb_couch_client_get_docs_async (check->client, (const char * const *) ids->pdata,
                                  cancellable, docs_cb, g_steal_pointer (&task));
}

static void
page_next (GTask *task)
{
  Check *check = g_task_get_task_data (task);
  g_autoptr(JsonNode) body = NULL;
  JsonObject *request;
  GError *error = NULL;

  g_clear_pointer (&check->page, g_ptr_array_unref);
  check->page = fb_store_list_known_to_server (check->store, check->after_id, check->batch, &error);
  if (check->page == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (check->page->len == 0)
    {
      put_local (task);
      return;
    }

  g_free (check->after_id);
  check->after_id = g_strdup (fb_item_get_id (g_ptr_array_index (check->page,
                                                                 check->page->len - 1)));

  request = json_object_new ();
  for (guint i = 0; i < check->page->len; i++)
    {
      FbItem *item = check->page->pdata[i];
      JsonArray *revs;

      if (!rev_is_valid (known_rev (item)))
        continue;
      revs = json_array_new ();
      json_array_add_string_element (revs, known_rev (item));
      json_object_set_array_member (request, fb_item_get_id (item), revs);
    }
  body = object_node (request);

  fb_couch_client_db_request_async (check->client, "POST", "_revs_diff", body,
                                    g_task_get_cancellable (task), revs_diff_cb, task);
}

/* ---- The start: whose checkpoint does the server hold? ---- */

static void
get_local_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *session = NULL;
  const char *server_session = NULL;
  GError *error = NULL;

  answer = fb_couch_client_db_request_finish (FB_COUCH_CLIENT (object), result, &error);
  if (answer == NULL && !g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, error);
      return;
    }
  g_clear_error (&error);

  if (answer != NULL && JSON_NODE_HOLDS_OBJECT (answer))
    {
      JsonObject *doc = json_node_get_object (answer);

      server_session = json_object_get_string_member_with_default (doc, "session", NULL);
      check->local_rev = g_strdup (json_object_get_string_member_with_default (doc, "_rev", NULL));
    }

  session = fb_store_get_remote_session (check->store, check->remote_key);
  check->same_session = session != NULL && g_strcmp0 (session, server_session) == 0;
  if (check->same_session && !fb_store_get_remote_unconfirmed (check->store, check->remote_key))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* A run that wrote ended before it renewed the session: the server may
   * since have been restored to a copy from before those writes, which
   * holds our session too. Only its revisions can tell. */
  if (check->same_session)
    g_debug ("Writes to %s were not confirmed by a new session: checking every revision",
             check->remote_key);
  else
    g_debug ("The server %s is not the one last synced with (session %s, server %s): reconciling",
             check->remote_key, session != NULL ? session : "none",
             server_session != NULL ? server_session : "none");
  check->stats.reconciled = TRUE;
  page_next (g_steal_pointer (&task));
}

void
fb_sync_identity_check_async (FbStore             *store,
                              FbCouchClient       *client,
                              guint                batch,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Check *check;

  g_return_if_fail (FB_IS_STORE (store));
  g_return_if_fail (FB_IS_COUCH_CLIENT (client));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_sync_identity_check_async);

  check = check_new (store, client);
  check->batch = batch > 0 ? batch : 500;
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);

  fb_couch_client_db_request_async (client, "GET", check->local_path, NULL, cancellable,
                                    get_local_cb, g_steal_pointer (&task));
}

gboolean
fb_sync_identity_check_finish (GAsyncResult         *result,
                               FbSyncIdentityStats  *stats,
                               char                **local_rev,
                               GError              **error)
{
  Check *check;

  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fb_sync_identity_check_async,
                        FALSE);

  check = g_task_get_task_data (G_TASK (result));
  if (stats != NULL)
    *stats = check->stats;
  if (local_rev != NULL)
    *local_rev = g_strdup (check->local_rev);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- After a run that wrote: a new session on both sides ---- */

void
fb_sync_identity_renew_async (FbStore             *store,
                              FbCouchClient       *client,
                              const char          *local_rev,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  Check *check;

  g_return_if_fail (FB_IS_STORE (store));
  g_return_if_fail (FB_IS_COUCH_CLIENT (client));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_sync_identity_renew_async);

  check = check_new (store, client);
  check->local_rev = g_strdup (local_rev);
  check->same_session = TRUE;
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);

  put_local (task);
}

gboolean
fb_sync_identity_renew_finish (GAsyncResult  *result,
                               char         **local_rev,
                               GError       **error)
{
  Check *check;

  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fb_sync_identity_renew_async,
                        FALSE);

  check = g_task_get_task_data (G_TASK (result));
  if (local_rev != NULL)
    *local_rev = g_strdup (check->local_rev);

  return g_task_propagate_boolean (G_TASK (result), error);
}
