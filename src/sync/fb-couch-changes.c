/* fb-couch-changes.c: the _changes feed, normal and longpoll */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-couch"

#include "config.h"

#include "fb-couch-client-private.h"
#include "fb-soup-session.h"

/* Owns FbCouchClient's _changes requests: opaque seqs, the client's own
 * longpoll deadline (PouchDB Server ignores "timeout"), heartbeats. */

/* A longpoll longer than this asks for a heartbeat so the connection
 * stays busy within the session's I/O timeout. */
#define HEARTBEAT_ABOVE_MS ((FB_SOUP_SESSION_TIMEOUT_S - 10) * 1000)
/* What the heartbeat asked for then is: a newline this often. */
#define HEARTBEAT_MS "10000"

/* ------------------------------------------------------------------ */
/* changes                                                             */
/* ------------------------------------------------------------------ */

typedef struct
{
  JsonNode     *since;          /* nullable copy */
  GCancellable *cancellable;    /* the caller's, nullable */
  GCancellable *deadline;       /* child of it, cancelled by the timer */
  gulong        cancelled_id;
  GSource      *timer;
  gboolean      deadline_hit;
} ChangesData;

static void
changes_data_free (ChangesData *data)
{
  if (data->timer != NULL)
    {
      g_source_destroy (data->timer);
      g_source_unref (data->timer);
    }
  if (data->cancelled_id != 0)
    g_cancellable_disconnect (data->cancellable, data->cancelled_id);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->deadline);
  g_clear_pointer (&data->since, json_node_unref);
  g_free (data);
}

static void
changes_parent_cancelled_cb (GCancellable *cancellable,
                             GCancellable *deadline)
{
  g_cancellable_cancel (deadline);
}

static gboolean
changes_deadline_cb (gpointer user_data)
{
  ChangesData *data = user_data;

  g_debug ("Longpoll deadline reached; cancelling");
  data->deadline_hit = TRUE;
  g_clear_pointer (&data->timer, g_source_unref);
  g_cancellable_cancel (data->deadline);
  return G_SOURCE_REMOVE;
}

static char *
since_to_param (JsonNode *since)
{
  if (since == NULL || JSON_NODE_HOLDS_NULL (since))
    return NULL;

  if (JSON_NODE_HOLDS_VALUE (since))
    {
      GType type = json_node_get_value_type (since);

      if (type == G_TYPE_STRING)
        return g_uri_escape_string (json_node_get_string (since), NULL, FALSE);
      if (type == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (since));
    }

  /* Arrays (CouchDB 1.x clusters) and anything else: as JSON text. */
  {
    g_autofree char *text = json_to_string (since, FALSE);

    return g_uri_escape_string (text, NULL, FALSE);
  }
}

static void
changes_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *self = FB_COUCH_CLIENT (object);
  ChangesData *data = g_task_get_task_data (task);
  g_autoptr(FbCouchReply) reply = NULL;
  GError *error = NULL;
  JsonObject *root;
  JsonArray *results;
  guint i;

  reply = _fb_couch_client_request_finish (self, result, &error);
  if (reply == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          data->deadline_hit &&
          (data->cancellable == NULL || !g_cancellable_is_cancelled (data->cancellable)))
        {
          JsonObject *empty = json_object_new ();

          g_error_free (error);
          json_object_set_array_member (empty, "results", json_array_new ());
          json_object_set_member (empty, "last_seq",
                                  data->since != NULL ? json_node_copy (data->since)
                                                      : json_node_new (JSON_NODE_NULL));
          g_task_return_pointer (task, empty, (GDestroyNotify) json_object_unref);
          return;
        }

      g_task_return_error (task, error);
      return;
    }

  if (!_fb_couch_reply_is_success (reply))
    {
      _fb_couch_task_return_reply_error (task, reply);
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (reply->root))
    {
      _fb_couch_set_bad_response (&error, "_changes did not return an object");
      g_task_return_error (task, error);
      return;
    }

  root = json_node_get_object (reply->root);
  if (!_fb_couch_member_is_array (root, "results") || !json_object_has_member (root, "last_seq"))
    {
      _fb_couch_set_bad_response (&error, "_changes returned no “results” list or “last_seq”");
      g_task_return_error (task, error);
      return;
    }

  results = json_object_get_array_member (root, "results");
  for (i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *element = json_array_get_element (results, i);
      JsonObject *change;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !_fb_couch_member_is_string (json_node_get_object (element), "id"))
        {
          _fb_couch_set_bad_response (&error, "a change has no “id”");
          g_task_return_error (task, error);
          return;
        }

      /* A document that does not open goes: the change is then one
       * without its document, which is never applied. */
      change = json_node_get_object (element);
      if (_fb_couch_member_is_object (change, "doc"))
        {
          JsonObject *doc = json_object_get_object_member (change, "doc");
          JsonObject *plain;

          if (!fb_crypto_document_is_encrypted (doc))
            continue;
          plain = _fb_couch_client_open_document (self, doc);
          if (plain != NULL)
            json_object_set_object_member (change, "doc", plain);
          else
            json_object_remove_member (change, "doc");
        }
    }

  g_task_return_pointer (task, json_object_ref (root),
                         (GDestroyNotify) json_object_unref);
}

static void
changes_async (FbCouchClient       *self,
               JsonNode            *since,
               guint                limit,
               gboolean             include_docs,
               gboolean             longpoll,
               guint                timeout_ms,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GString) rel = NULL;
  g_autofree char *since_param = NULL;
  ChangesData *data;
  GCancellable *request_cancellable = cancellable;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  data = g_new0 (ChangesData, 1);
  data->since = since != NULL ? json_node_copy (since) : NULL;
  data->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) changes_data_free);

  rel = g_string_new (self->db_path);
  /* All leaves, so that branches (several leaf revisions) are seen; with
   * the documents, each winner says which live leaves lost to it. */
  g_string_append (rel, include_docs ? "/_changes?include_docs=true&conflicts=true&style=all_docs"
                                     : "/_changes?style=all_docs");

  since_param = since_to_param (since);
  if (since_param != NULL)
    g_string_append_printf (rel, "&since=%s", since_param);
  if (limit > 0)
    g_string_append_printf (rel, "&limit=%u", limit);

  if (longpoll)
    {
      g_string_append (rel, "&feed=longpoll");

      if (timeout_ms > 0)
        {
          /* PouchDB Server ignores "timeout": the client keeps its own
           * deadline. CouchDB honours it and answers empty by itself. */
          g_string_append_printf (rel, "&timeout=%u", timeout_ms);
          if (timeout_ms > HEARTBEAT_ABOVE_MS)
            g_string_append (rel, "&heartbeat=" HEARTBEAT_MS);

          data->deadline = g_cancellable_new ();
          if (cancellable != NULL)
            data->cancelled_id = g_cancellable_connect (cancellable,
                                                        G_CALLBACK (changes_parent_cancelled_cb),
                                                        g_object_ref (data->deadline),
                                                        g_object_unref);
          data->timer = g_timeout_source_new (timeout_ms);
          g_source_set_callback (data->timer, changes_deadline_cb, data, NULL);
          g_source_set_static_name (data->timer, "[fb-couch] longpoll deadline");
          g_source_attach (data->timer, g_task_get_context (task));
          request_cancellable = data->deadline;
        }
    }

  _fb_couch_client_request_async (self, "GET", rel->str, NULL, request_cancellable, changes_cb,
                                  g_steal_pointer (&task));
}

void
fb_couch_client_changes_async (FbCouchClient       *self,
                               JsonNode            *since,
                               guint                limit,
                               gboolean             longpoll,
                               guint                timeout_ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  changes_async (self, since, limit, TRUE, longpoll, timeout_ms, cancellable,
                 callback, user_data, fb_couch_client_changes_async);
}

void
fb_couch_client_changes_full_async (FbCouchClient       *self,
                                    JsonNode            *since,
                                    guint                limit,
                                    gboolean             include_docs,
                                    gboolean             longpoll,
                                    guint                timeout_ms,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  changes_async (self, since, limit, include_docs, longpoll, timeout_ms, cancellable,
                 callback, user_data, fb_couch_client_changes_full_async);
}

JsonObject *
fb_couch_client_changes_full_finish (FbCouchClient  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return _fb_couch_client_propagate_pointer (self, result,
                                             fb_couch_client_changes_full_async, error);
}

JsonObject *
fb_couch_client_changes_finish (FbCouchClient  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  return _fb_couch_client_propagate_pointer (self, result,
                                             fb_couch_client_changes_async, error);
}

