/* fb-couch-docs.c: documents: _bulk_docs, _bulk_get, _all_docs */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-couch"

#include "config.h"

#include "fb-couch-client-private.h"

/* Owns the document requests of FbCouchClient: writing batches and
 * fetching current documents and given revisions. */

/* ------------------------------------------------------------------ */
/* bulk_docs                                                           */
/* ------------------------------------------------------------------ */

static void
bulk_docs_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  guint expected = GPOINTER_TO_UINT (g_task_get_task_data (task));
  g_autoptr(FbCouchReply) reply = NULL;
  GError *error = NULL;
  JsonArray *array;
  guint i;

  reply = _fb_couch_task_success_reply (task, result);
  if (reply == NULL)
    return;

  if (!JSON_NODE_HOLDS_ARRAY (reply->root))
    {
      _fb_couch_set_bad_response (&error, "_bulk_docs did not return a list");
      g_task_return_error (task, error);
      return;
    }

  array = json_node_get_array (reply->root);
  if (json_array_get_length (array) != expected)
    {
      _fb_couch_set_bad_response (&error, "_bulk_docs returned a different number of results");
      g_task_return_error (task, error);
      return;
    }

  for (i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !_fb_couch_member_is_string (json_node_get_object (element), "id"))
        {
          _fb_couch_set_bad_response (&error, "a _bulk_docs result has no “id”");
          g_task_return_error (task, error);
          return;
        }
    }

  g_task_return_pointer (task, json_array_ref (array),
                         (GDestroyNotify) json_array_unref);
}

/* POSTs @texts (documents as JSON text, sealed already when they must be)
 * as one _bulk_docs. */
static void
send_bulk_docs (FbCouchClient       *self,
                GPtrArray           *texts,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *rel = NULL;
  GString *text;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_couch_client_bulk_docs_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (texts->len), NULL);

  text = g_string_new ("{\"docs\":[");
  for (guint i = 0; i < texts->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, ',');
      g_string_append (text, g_ptr_array_index (texts, i));
    }
  g_string_append (text, "]}");
  body = g_string_free_to_bytes (text);

  rel = g_strconcat (self->db_path, "/_bulk_docs", NULL);
  _fb_couch_client_request_bytes_async (self, "POST", rel, body, cancellable, bulk_docs_cb,
                                        g_steal_pointer (&task));
}

void
fb_couch_client_bulk_docs_async (FbCouchClient       *self,
                                 JsonArray           *docs,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GPtrArray) texts = NULL;
  guint n;

  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (docs != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* Each document as JSON text, sealed as an object: no text to parse
   * back. */
  n = json_array_get_length (docs);
  texts = g_ptr_array_new_full (n, g_free);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (docs, i);
      g_autoptr(JsonObject) sealed = NULL;
      g_autoptr(JsonNode) sealed_node = NULL;

      if (self->data_key == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          g_ptr_array_add (texts, json_to_string (node, FALSE));
          continue;
        }
      sealed = fb_couch_client_seal_document (self, json_node_get_object (node));
      sealed_node = json_node_init_object (json_node_alloc (), sealed);
      g_ptr_array_add (texts, json_to_string (sealed_node, FALSE));
    }

  send_bulk_docs (self, texts, cancellable, callback, user_data);
}

void
fb_couch_client_bulk_docs_json_async (FbCouchClient       *self,
                                      GPtrArray           *docs,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GPtrArray) sealed = NULL;

  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (docs != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (self->data_key == NULL)
    {
      send_bulk_docs (self, docs, cancellable, callback, user_data);
      return;
    }

  sealed = g_ptr_array_new_full (docs->len, g_free);
  for (guint i = 0; i < docs->len; i++)
    g_ptr_array_add (sealed, _fb_couch_client_seal_json (self, g_ptr_array_index (docs, i)));
  send_bulk_docs (self, sealed, cancellable, callback, user_data);
}

JsonArray *
fb_couch_client_bulk_docs_finish (FbCouchClient  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return _fb_couch_client_propagate_pointer (self, result,
                                             fb_couch_client_bulk_docs_async, error);
}

/* ------------------------------------------------------------------ */
/* get_docs                                                            */
/* ------------------------------------------------------------------ */

typedef struct
{
  GPtrArray  *ids;       /* of char*, the ids asked for */
  GHashTable *found;     /* id → JsonObject */
  gboolean    conflicts; /* with each document's "_conflicts" */
} GetDocsData;

static void
get_docs_data_free (GetDocsData *data)
{
  g_clear_pointer (&data->ids, g_ptr_array_unref);
  g_clear_pointer (&data->found, g_hash_table_unref);
  g_free (data);
}

static JsonNode *
ids_body (GPtrArray  *ids,
          const char *member,
          gboolean    as_objects)
{
  JsonObject *object = json_object_new ();
  JsonArray *array = json_array_sized_new (ids->len);
  JsonNode *node;
  guint i;

  for (i = 0; i < ids->len; i++)
    {
      if (as_objects)
        {
          JsonObject *doc = json_object_new ();

          json_object_set_string_member (doc, "id", g_ptr_array_index (ids, i));
          json_array_add_object_element (array, doc);
        }
      else
        json_array_add_string_element (array, g_ptr_array_index (ids, i));
    }

  json_object_set_array_member (object, member, array);
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

static void get_docs_bulk_get_cb (GObject *, GAsyncResult *, gpointer);
static void get_docs_all_docs_cb (GObject *, GAsyncResult *, gpointer);

static void
all_docs_async (GTask     *task,
                GPtrArray *ids)
{
  FbCouchClient *self = g_task_get_source_object (task);
  GetDocsData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) body = ids_body (ids, "keys", FALSE);
  g_autofree char *rel = g_strconcat (self->db_path, "/_all_docs?include_docs=true",
                                      data->conflicts ? "&conflicts=true" : NULL, NULL);

  _fb_couch_client_request_async (self, "POST", rel, body, g_task_get_cancellable (task),
                                  get_docs_all_docs_cb, task);
}

static void
get_docs_async (FbCouchClient       *self,
                const char * const  *ids,
                gboolean             conflicts,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GetDocsData *data;
  guint i;

  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (ids != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_couch_client_get_docs_async);

  data = g_new0 (GetDocsData, 1);
  data->conflicts = conflicts;
  data->ids = g_ptr_array_new_with_free_func (g_free);
  data->found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) json_object_unref);
  for (i = 0; ids[i] != NULL; i++)
    g_ptr_array_add (data->ids, g_strdup (ids[i]));
  g_task_set_task_data (task, data, (GDestroyNotify) get_docs_data_free);

  if (data->ids->len == 0)
    {
      g_task_return_pointer (task, g_hash_table_ref (data->found),
                             (GDestroyNotify) g_hash_table_unref);
      return;
    }

  /* _bulk_get has no "_conflicts"; _all_docs has. */
  if (self->no_bulk_get || conflicts)
    {
      all_docs_async (g_steal_pointer (&task), data->ids);
    }
  else
    {
      g_autoptr(JsonNode) body = ids_body (data->ids, "docs", TRUE);
      g_autofree char *rel = g_strconcat (self->db_path, "/_bulk_get", NULL);

      _fb_couch_client_request_async (self, "POST", rel, body, cancellable, get_docs_bulk_get_cb,
                                      g_steal_pointer (&task));
    }
}

void
fb_couch_client_get_docs_async (FbCouchClient       *self,
                                const char * const  *ids,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  get_docs_async (self, ids, FALSE, cancellable, callback, user_data);
}

void
fb_couch_client_get_docs_with_conflicts_async (FbCouchClient       *self,
                                               const char * const  *ids,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  get_docs_async (self, ids, TRUE, cancellable, callback, user_data);
}

static void
get_docs_bulk_get_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *self = FB_COUCH_CLIENT (object);
  GetDocsData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(FbCouchReply) reply = NULL;
  GError *error = NULL;
  JsonArray *results;
  guint i, j;

  reply = _fb_couch_task_reply (task, result);
  if (reply == NULL)
    return;

  if (reply->status == SOUP_STATUS_NOT_FOUND ||
      reply->status == SOUP_STATUS_METHOD_NOT_ALLOWED ||
      reply->status == SOUP_STATUS_BAD_REQUEST ||
      reply->status == SOUP_STATUS_NOT_IMPLEMENTED)
    {
      g_debug ("The server has no _bulk_get (HTTP %u); using _all_docs", reply->status);
      self->no_bulk_get = TRUE;
      all_docs_async (g_steal_pointer (&task), data->ids);
      return;
    }

  results = _fb_couch_reply_root_array_or_return (task, reply, "results",
                                                  "_bulk_get returned no “results” list");
  if (results == NULL)
    return;

  for (i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *element = json_array_get_element (results, i);
      JsonArray *docs;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !_fb_couch_member_is_array (json_node_get_object (element), "docs"))
        {
          _fb_couch_set_bad_response (&error, "a _bulk_get result has no “docs” list");
          g_task_return_error (task, error);
          return;
        }

      docs = json_object_get_array_member (json_node_get_object (element), "docs");
      for (j = 0; j < json_array_get_length (docs); j++)
        {
          JsonNode *entry = json_array_get_element (docs, j);
          JsonObject *doc;

          if (!JSON_NODE_HOLDS_OBJECT (entry) ||
              !_fb_couch_member_is_object (json_node_get_object (entry), "ok"))
            continue;

          doc = json_object_get_object_member (json_node_get_object (entry), "ok");
          if (!_fb_couch_member_is_string (doc, "_id") || !_fb_couch_member_is_string (doc, "_rev"))
            {
              _fb_couch_set_bad_response (&error, "a document from _bulk_get has no “_id” or “_rev”");
              g_task_return_error (task, error);
              return;
            }

          doc = _fb_couch_client_open_document (self, doc);
          if (doc != NULL)
            g_hash_table_replace (data->found,
                                  g_strdup (json_object_get_string_member (doc, "_id")), doc);
        }
    }

  /* Deleted documents come back from _bulk_get as errors (CouchDB) or
   * empty objects (PouchDB Server), like missing ones; _all_docs tells
   * them apart and gives their revision. */
  missing = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < data->ids->len; i++)
    {
      const char *id = g_ptr_array_index (data->ids, i);

      if (!g_hash_table_contains (data->found, id))
        g_ptr_array_add (missing, g_strdup (id));
    }

  if (missing->len > 0)
    {
      all_docs_async (g_steal_pointer (&task), missing);
      return;
    }

  g_task_return_pointer (task, g_hash_table_ref (data->found),
                         (GDestroyNotify) g_hash_table_unref);
}

static void
get_docs_all_docs_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbCouchClient *self = FB_COUCH_CLIENT (object);
  GetDocsData *data = g_task_get_task_data (task);
  g_autoptr(FbCouchReply) reply = NULL;
  GError *error = NULL;
  JsonArray *rows;
  guint i;

  reply = _fb_couch_task_reply (task, result);
  if (reply == NULL)
    return;

  rows = _fb_couch_reply_root_array_or_return (task, reply, "rows",
                                               "_all_docs returned no “rows” list");
  if (rows == NULL)
    return;

  for (i = 0; i < json_array_get_length (rows); i++)
    {
      JsonNode *element = json_array_get_element (rows, i);
      JsonObject *row;
      JsonObject *value;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          _fb_couch_set_bad_response (&error, "an _all_docs row is not an object");
          g_task_return_error (task, error);
          return;
        }

      row = json_node_get_object (element);
      if (json_object_has_member (row, "error"))
        continue;   /* not_found */

      if (!_fb_couch_member_is_string (row, "id") || !_fb_couch_member_is_object (row, "value") ||
          !_fb_couch_member_is_string (json_object_get_object_member (row, "value"), "rev"))
        {
          _fb_couch_set_bad_response (&error, "an _all_docs row has no “id” or “value.rev”");
          g_task_return_error (task, error);
          return;
        }

      id = json_object_get_string_member (row, "id");
      value = json_object_get_object_member (row, "value");

      if (_fb_couch_member_is_true (value, "deleted"))
        {
          JsonObject *tombstone = json_object_new ();

          json_object_set_string_member (tombstone, "_id", id);
          json_object_set_string_member (tombstone, "_rev",
                                         json_object_get_string_member (value, "rev"));
          json_object_set_boolean_member (tombstone, "_deleted", TRUE);
          g_hash_table_replace (data->found, g_strdup (id), tombstone);
        }
      else if (_fb_couch_member_is_object (row, "doc"))
        {
          JsonObject *doc = _fb_couch_client_open_document (self,
                                                            json_object_get_object_member (row, "doc"));

          if (doc != NULL)
            g_hash_table_replace (data->found, g_strdup (id), doc);
        }
      else
        {
          _fb_couch_set_bad_response (&error, "an _all_docs row has no “doc”");
          g_task_return_error (task, error);
          return;
        }
    }

  g_task_return_pointer (task, g_hash_table_ref (data->found),
                         (GDestroyNotify) g_hash_table_unref);
}

GHashTable *
fb_couch_client_get_docs_finish (FbCouchClient  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return _fb_couch_client_propagate_pointer (self, result,
                                             fb_couch_client_get_docs_async, error);
}

/* ------------------------------------------------------------------ */
/* get_revisions                                                       */
/* ------------------------------------------------------------------ */

/* Without _bulk_get (CouchDB 1.x), one GET per document with
 * open_revs=[...]: the same entries ({"ok": doc} or {"missing": rev}). */
typedef struct {
  GPtrArray *ids;      /* char *, documents still to fetch */
  GHashTable *revs;    /* id → JsonArray of revs */
  GPtrArray *found;    /* JsonObject */
} OpenRevs;

static void
open_revs_free (OpenRevs *open_revs)
{
  g_clear_pointer (&open_revs->ids, g_ptr_array_unref);
  g_clear_pointer (&open_revs->revs, g_hash_table_unref);
  g_clear_pointer (&open_revs->found, g_ptr_array_unref);
  g_free (open_revs);
}

/* The "ok" documents of a list of _bulk_get or open_revs entries. */
static void
add_found_revisions (FbCouchClient *self,
                     GPtrArray     *found,
                     JsonArray     *entries)
{
  for (guint j = 0; j < json_array_get_length (entries); j++)
    {
      JsonNode *entry = json_array_get_element (entries, j);
      JsonObject *doc;

      /* "missing" or "error": compacted away, or never there. */
      if (!JSON_NODE_HOLDS_OBJECT (entry) ||
          !_fb_couch_member_is_object (json_node_get_object (entry), "ok"))
        continue;

      doc = json_object_get_object_member (json_node_get_object (entry), "ok");
      if (!_fb_couch_member_is_string (doc, "_id") || !_fb_couch_member_is_string (doc, "_rev"))
        continue;
      doc = _fb_couch_client_open_document (self, doc);
      if (doc != NULL)
        g_ptr_array_add (found, doc);
    }
}

static void open_revs_next (GTask *task);

static void
open_revs_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenRevs *open_revs = g_task_get_task_data (task);
  g_autoptr(FbCouchReply) reply = NULL;

  reply = _fb_couch_task_reply (task, result);
  if (reply == NULL)
    return;

  /* A document gone meanwhile has nothing to merge. */
  if (reply->status == SOUP_STATUS_NOT_FOUND)
    {
      open_revs_next (g_steal_pointer (&task));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (reply->status))
    {
      _fb_couch_task_return_reply_error (task, reply);
      return;
    }
  if (reply->root == NULL || !JSON_NODE_HOLDS_ARRAY (reply->root))
    {
      g_autoptr(GError) error = NULL;

      _fb_couch_set_bad_response (&error, "open_revs did not return a list");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  add_found_revisions (g_task_get_source_object (task), open_revs->found,
                       json_node_get_array (reply->root));
  open_revs_next (g_steal_pointer (&task));
}

/* Takes @task. */
static void
open_revs_next (GTask *task)
{
  FbCouchClient *self = g_task_get_source_object (task);
  OpenRevs *open_revs = g_task_get_task_data (task);
  g_autofree char *id = NULL;
  g_autofree char *escaped_id = NULL;
  g_autofree char *revs_json = NULL;
  g_autofree char *escaped_revs = NULL;
  g_autofree char *rel = NULL;
  g_autoptr(JsonNode) revs = NULL;

  if (open_revs->ids->len == 0)
    {
      g_task_return_pointer (task, g_steal_pointer (&open_revs->found),
                             (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }

  id = g_ptr_array_steal_index (open_revs->ids, open_revs->ids->len - 1);
  revs = json_node_init_array (json_node_alloc (), g_hash_table_lookup (open_revs->revs, id));
  revs_json = json_to_string (revs, FALSE);
  escaped_id = g_uri_escape_string (id, NULL, FALSE);
  escaped_revs = g_uri_escape_string (revs_json, NULL, FALSE);
  rel = g_strdup_printf ("%s/%s?revs=true&open_revs=%s", self->db_path, escaped_id, escaped_revs);
  _fb_couch_client_request_for_task (task, "GET", rel, NULL, open_revs_cb);
}

/* Takes @task; @wanted as given to fb_couch_client_get_revisions_async (). */
static void
open_revs_start (GTask     *task,
                 JsonArray *wanted)
{
  OpenRevs *open_revs = g_new0 (OpenRevs, 1);

  open_revs->ids = g_ptr_array_new_with_free_func (g_free);
  open_revs->revs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) json_array_unref);
  open_revs->found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < json_array_get_length (wanted); i++)
    {
      JsonNode *node = json_array_get_element (wanted, i);
      const char *id;
      const char *rev;
      JsonArray *revs;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      id = json_object_get_string_member_with_default (json_node_get_object (node), "id", NULL);
      rev = json_object_get_string_member_with_default (json_node_get_object (node), "rev", NULL);
      if (id == NULL || rev == NULL)
        continue;
      revs = g_hash_table_lookup (open_revs->revs, id);
      if (revs == NULL)
        {
          revs = json_array_new ();
          g_hash_table_insert (open_revs->revs, g_strdup (id), revs);
          g_ptr_array_add (open_revs->ids, g_strdup (id));
        }
      json_array_add_string_element (revs, rev);
    }

  g_task_set_task_data (task, open_revs, (GDestroyNotify) open_revs_free);
  open_revs_next (task);
}

static void
get_revisions_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(FbCouchReply) reply = NULL;
  g_autoptr(GPtrArray) found = NULL;
  JsonArray *results;

  reply = _fb_couch_task_reply (task, result);
  if (reply == NULL)
    return;

  found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  /* A server without _bulk_get (CouchDB 1.x): document by document. */
  if (reply->status == SOUP_STATUS_NOT_FOUND ||
      reply->status == SOUP_STATUS_METHOD_NOT_ALLOWED ||
      reply->status == SOUP_STATUS_NOT_IMPLEMENTED)
    {
      JsonArray *wanted = g_object_get_data (G_OBJECT (task), "wanted");

      g_debug ("The server has no _bulk_get (HTTP %u): open_revs per document", reply->status);
      open_revs_start (g_steal_pointer (&task), wanted);
      return;
    }

  results = _fb_couch_reply_root_array_or_return (task, reply, "results",
                                                  "_bulk_get returned no “results” list");
  if (results == NULL)
    return;

  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *element = json_array_get_element (results, i);
      JsonArray *docs;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !_fb_couch_member_is_array (json_node_get_object (element), "docs"))
        continue;

      docs = json_object_get_array_member (json_node_get_object (element), "docs");
      add_found_revisions (g_task_get_source_object (task), found, docs);
    }

  g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify) g_ptr_array_unref);
}

void
fb_couch_client_get_revisions_async (FbCouchClient       *self,
                                     JsonArray           *wanted,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *rel = NULL;
  JsonObject *object;

  g_return_if_fail (FB_IS_COUCH_CLIENT (self));
  g_return_if_fail (wanted != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_couch_client_get_revisions_async);
  g_object_set_data_full (G_OBJECT (task), "wanted", json_array_ref (wanted),
                          (GDestroyNotify) json_array_unref);

  object = json_object_new ();
  json_object_set_array_member (object, "docs", json_array_ref (wanted));
  body = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);

  rel = g_strconcat (self->db_path, "/_bulk_get?revs=true", NULL);
  _fb_couch_client_request_async (self, "POST", rel, body, cancellable, get_revisions_cb,
                                  g_steal_pointer (&task));
}

GPtrArray *
fb_couch_client_get_revisions_finish (FbCouchClient  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  return _fb_couch_client_propagate_pointer (self, result,
                                             fb_couch_client_get_revisions_async, error);
}

