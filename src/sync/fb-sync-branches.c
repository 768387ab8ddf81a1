/* fb-sync-branches.c: documents with several live leaves, merged into one winner */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include <string.h>

#include "fb-couch-document.h"
#include "fb-merge.h"
#include "fb-sync-branches.h"

/* Other CouchDB clients (PouchDB replication writes with new_edits=false)
 * and clusters under concurrent writes leave documents with several leaf
 * revisions; CouchDB shows one, the winner, and keeps the others as
 * "_conflicts". Following the winner alone hides the edits on the losing
 * leaves from everybody. */

void
fb_branch_outcome_free (FbBranchOutcome *outcome)
{
  if (outcome == NULL)
    return;
  g_clear_pointer (&outcome->doc, json_object_unref);
  g_clear_pointer (&outcome->collided_rev, g_free);
  g_clear_pointer (&outcome->collided_body, json_object_unref);
  g_free (outcome);
}

gboolean
fb_sync_doc_has_branches (JsonObject *doc)
{
  JsonNode *node;

  if (doc == NULL)
    return FALSE;
  node = json_object_get_member (doc, "_conflicts");
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) &&
         json_array_get_length (json_node_get_array (node)) > 0;
}

typedef struct {
  char       *id;
  JsonObject *winner;        /* as fetched */
  const char *winner_rev;    /* owned by @winner */
  GPtrArray  *losers;        /* char *, live losing leaves */
  gboolean    may_take;      /* no local changes: a collision can become its conflict */
  char       *base_rev;      /* the local item's, nullable */
  JsonObject *base_body;     /* the local item's, nullable */
  GHashTable *leaves;        /* rev → document with "_revisions" */
  GHashTable *ancestors;     /* loser rev → common ancestor rev */
  GHashTable *bodies;        /* ancestor rev → body */

  /* The write-back: indexes into the _bulk_docs arrays, -1 for none. The
   * deletions go in the first request when the winner stays as it is, else
   * in a second one, once the server took the winner that holds their
   * content: _bulk_docs is not atomic, and a leaf deleted beside a refused
   * winner would be lost. */
  int         winner_index;
  JsonObject *written;       /* the new winner as sent */
  GPtrArray  *deleted;       /* loser revs being deleted */
  GArray     *deleted_index;
  FbBranchOutcome *outcome;
} Branch;

static void
branch_free (Branch *branch)
{
  g_free (branch->id);
  g_clear_pointer (&branch->winner, json_object_unref);
  g_clear_pointer (&branch->losers, g_ptr_array_unref);
  g_free (branch->base_rev);
  g_clear_pointer (&branch->base_body, json_object_unref);
  g_clear_pointer (&branch->leaves, g_hash_table_unref);
  g_clear_pointer (&branch->ancestors, g_hash_table_unref);
  g_clear_pointer (&branch->bodies, g_hash_table_unref);
  g_clear_pointer (&branch->written, json_object_unref);
  g_clear_pointer (&branch->deleted, g_ptr_array_unref);
  g_clear_pointer (&branch->deleted_index, g_array_unref);
  g_clear_pointer (&branch->outcome, fb_branch_outcome_free);
  g_free (branch);
}

typedef struct {
  FbCouchClient *client;
  GHashTable    *branches;   /* id → Branch */
  GHashTable    *outcomes;   /* id → FbBranchOutcome, once the winners are written */
} MergeData;

static void
merge_data_free (MergeData *data)
{
  g_clear_object (&data->client);
  g_clear_pointer (&data->branches, g_hash_table_unref);
  g_clear_pointer (&data->outcomes, g_hash_table_unref);
  g_free (data);
}

/* The revisions of @doc's history, newest first ("3-c", "2-b", "1-a"). */
static GPtrArray *
doc_history (JsonObject *doc)
{
  GPtrArray *revs = g_ptr_array_new_with_free_func (g_free);
  JsonObject *revisions;
  JsonArray *ids;
  gint64 start;

  if (!json_object_has_member (doc, "_revisions") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (doc, "_revisions")))
    {
      const char *rev = json_object_get_string_member_with_default (doc, "_rev", NULL);

      if (rev != NULL)
        g_ptr_array_add (revs, g_strdup (rev));
      return revs;
    }

  revisions = json_object_get_object_member (doc, "_revisions");
  start = json_object_get_int_member_with_default (revisions, "start", 0);
  if (!json_object_has_member (revisions, "ids") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (revisions, "ids")))
    return revs;
  ids = json_object_get_array_member (revisions, "ids");

  for (guint i = 0; i < json_array_get_length (ids) && start - (gint64) i > 0; i++)
    {
      JsonNode *node = json_array_get_element (ids, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (revs, g_strdup_printf ("%" G_GINT64_FORMAT "-%s",
                                                start - (gint64) i,
                                                json_node_get_string (node)));
    }

  return revs;
}

/* The newest revision in both histories, or NULL (unrelated, or the
 * shared part of the history was pruned: revs_limit). */
static char *
common_ancestor (JsonObject *winner,
                 JsonObject *loser)
{
  g_autoptr(GPtrArray) ours = doc_history (winner);
  g_autoptr(GPtrArray) theirs = doc_history (loser);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < ours->len; i++)
    g_hash_table_add (seen, ours->pdata[i]);
  for (guint i = 0; i < theirs->len; i++)
    if (g_hash_table_contains (seen, theirs->pdata[i]))
      return g_strdup (theirs->pdata[i]);

  return NULL;
}

static JsonObject *
deep_copy (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(JsonNode) copy = json_from_string (text, NULL);

  return json_object_ref (json_node_get_object (copy));
}

static void
add_wanted (JsonArray  *wanted,
            const char *id,
            const char *rev)
{
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (entry, "id", id);
  json_object_set_string_member (entry, "rev", rev);
  json_array_add_object_element (wanted, entry);
}

static JsonObject *
single_key (JsonObject *body,
            const char *name)
{
  JsonObject *object = json_object_new ();

  if (body != NULL && json_object_has_member (body, name))
    json_object_set_member (object, name, json_node_copy (json_object_get_member (body, name)));
  return object;
}

/* A field that collides: @side's value, with the other side's changes
 * that merge folded in when it is text. */
static void
set_side_value (JsonObject *out,
                const char *name,
                JsonObject *base,
                JsonObject *side,
                JsonObject *other)
{
  g_autofree char *merged = NULL;

  if (!json_object_has_member (side, name))
    return;

  if (fb_body_has_string (side, name) && fb_body_has_string (other, name) &&
      (base == NULL || !json_object_has_member (base, name) || fb_body_has_string (base, name)))
    merged = fb_merge_text_favoring_ours (fb_body_has_string (base, name)
                                      ? json_object_get_string_member (base, name) : NULL,
                                      json_object_get_string_member (side, name),
                                      json_object_get_string_member (other, name));

  if (merged != NULL)
    json_object_set_string_member (out, name, merged);
  else
    json_object_set_member (out, name, json_node_copy (json_object_get_member (side, name)));
}

/* After a collision: field by field, what merges goes into both sides;
 * each side keeps its own value of the fields that collide (for text,
 * with the other side's lines that merge). */
static void
split_fields (JsonObject  *base,
              JsonObject  *winner,
              JsonObject  *loser,
              JsonObject **winner_out,
              JsonObject **loser_out)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  JsonObject *sides[] = { winner, loser, base };

  for (guint s = 0; s < G_N_ELEMENTS (sides); s++)
    {
      JsonObjectIter iter;
      const char *name;

      if (sides[s] == NULL)
        continue;
      json_object_iter_init (&iter, sides[s]);
      while (json_object_iter_next (&iter, &name, NULL))
        if (g_hash_table_add (names, (gpointer) name))
          g_ptr_array_add (order, (gpointer) name);
    }

  *winner_out = json_object_new ();
  *loser_out = json_object_new ();

  for (guint i = 0; i < order->len; i++)
    {
      const char *name = order->pdata[i];
      g_autoptr(JsonObject) b = single_key (base, name);
      g_autoptr(JsonObject) w = single_key (winner, name);
      g_autoptr(JsonObject) l = single_key (loser, name);
      g_autoptr(JsonObject) merged = NULL;

      if (fb_merge_bodies (base != NULL ? b : NULL, w, l, &merged, NULL) == FB_MERGE_CLEAN)
        {
          if (json_object_has_member (merged, name))
            {
              JsonNode *value = json_object_get_member (merged, name);

              json_object_set_member (*winner_out, name, json_node_copy (value));
              json_object_set_member (*loser_out, name, json_node_copy (value));
            }
          continue;
        }

      set_side_value (*winner_out, name, base, winner, loser);
      set_side_value (*loser_out, name, base, loser, winner);
    }
}

static gboolean
is_listing_key (const char *name)
{
  return strcmp (name, "_conflicts") == 0 || strcmp (name, "_revisions") == 0 ||
         strcmp (name, "_deleted_conflicts") == 0;
}

/* @doc without what the server added to list its revisions. */
static JsonObject *
listing_free_copy (JsonObject *doc)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, doc);
  while (json_object_iter_next (&iter, &name, &value))
    if (!is_listing_key (name))
      json_object_set_member (copy, name, json_node_copy (value));

  return copy;
}

/* The winner's document with @body instead of its own: its envelope
 * (type, attachment stubs, "_"-keys) kept, the listing keys dropped. */
static JsonObject *
document_with_body (JsonObject *winner,
                    JsonObject *body)
{
  JsonObject *doc = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init (&iter, winner);
  while (json_object_iter_next (&iter, &name, &value))
    {
      if (is_listing_key (name))
        continue;
      if (name[0] == '_' || strcmp (name, "type") == 0)
        json_object_set_member (doc, name, json_node_copy (value));
    }

  json_object_iter_init (&iter, body);
  while (json_object_iter_next (&iter, &name, &value))
    json_object_set_member (doc, name, json_node_copy (value));
  json_object_set_int_member (doc, "updated_at", g_get_real_time () / 1000);

  return doc;
}

/* Whether @leaf has an attachment (by name and digest) that @winner lacks. */
static gboolean
has_attachments_beyond (JsonObject *leaf,
                        JsonObject *winner)
{
  JsonObject *mine = fb_body_get_object (leaf, "_attachments");
  JsonObject *theirs = fb_body_get_object (winner, "_attachments");
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (mine == NULL)
    return FALSE;

  json_object_iter_init (&iter, mine);
  while (json_object_iter_next (&iter, &name, &value))
    {
      JsonObject *other = theirs != NULL ? fb_body_get_object (theirs, name) : NULL;
      const char *digest = JSON_NODE_HOLDS_OBJECT (value)
                           ? fb_body_get_string (json_node_get_object (value), "digest")
                           : NULL;

      if (other == NULL || g_strcmp0 (digest, fb_body_get_string (other, "digest")) != 0)
        return TRUE;
    }

  return FALSE;
}

/* The deletions of @branch's merged leaves, appended to @writes. */
static void
add_deletions (Branch    *branch,
               JsonArray *writes)
{
  for (guint i = 0; i < branch->deleted->len; i++)
    {
      JsonObject *deletion = json_object_new ();
      int index = json_array_get_length (writes);

      json_object_set_string_member (deletion, "_id", branch->id);
      json_object_set_string_member (deletion, "_rev", branch->deleted->pdata[i]);
      json_object_set_boolean_member (deletion, "_deleted", TRUE);
      json_array_add_object_element (writes, deletion);
      g_array_append_val (branch->deleted_index, index);
    }
}

/* Merges each live losing leaf into the winner; fills in what to write. */
static void
merge_branch (Branch    *branch,
              JsonArray *writes)
{
  g_autoptr(JsonObject) original = fb_couch_document_get_body (branch->winner);
  g_autoptr(JsonObject) acc = json_object_ref (original);
  FbBranchOutcome *outcome = g_new0 (FbBranchOutcome, 1);

  branch->outcome = outcome;
  branch->winner_index = -1;

  for (guint i = 0; i < branch->losers->len; i++)
    {
      const char *rev = branch->losers->pdata[i];
      JsonObject *leaf = g_hash_table_lookup (branch->leaves, rev);
      const char *ancestor = g_hash_table_lookup (branch->ancestors, rev);
      JsonObject *base = ancestor != NULL ? g_hash_table_lookup (branch->bodies, ancestor) : NULL;
      g_autoptr(JsonObject) theirs = NULL;
      g_autoptr(JsonObject) merged = NULL;

      /* Compacted or gone meanwhile: nothing to merge, nothing to delete. */
      if (leaf == NULL || fb_couch_document_is_deleted (leaf))
        continue;

      theirs = fb_couch_document_get_body (leaf);
      if (fb_merge_bodies (base, acc, theirs, &merged, NULL) == FB_MERGE_CLEAN && merged != NULL)
        {
          /* An attachment only the leaf has cannot go on the winner as a
           * stub (the server has no such attachment on the winner's
           * revision, and we do not hold its data): its fields are
           * merged, and the leaf stays where the attachment is. */
          if (has_attachments_beyond (leaf, branch->winner))
            {
              json_object_remove_member (merged, "_attachments");
              if (json_object_has_member (acc, "_attachments"))
                json_object_set_member (merged, "_attachments",
                                        json_node_copy (json_object_get_member (acc, "_attachments")));
              g_clear_pointer (&acc, json_object_unref);
              acc = g_steal_pointer (&merged);
              outcome->n_merged++;
              continue;
            }
          g_clear_pointer (&acc, json_object_unref);
          acc = g_steal_pointer (&merged);
          g_ptr_array_add (branch->deleted, g_strdup (rev));
          outcome->n_merged++;
          continue;
        }

      /* It collides. Without local changes it becomes the item's conflict
       * (and is deleted on the server only once the store has it:
       * fb_sync_drop_taken_leaves_async ()); otherwise, or for a second one, it
       * stays on the server and comes back once the item is settled. */
      if (branch->may_take && outcome->collided_rev == NULL)
        {
          JsonObject *winner_side = NULL;

          split_fields (base, acc, theirs, &winner_side, &outcome->collided_body);
          g_clear_pointer (&acc, json_object_unref);
          acc = winner_side;
          outcome->collided_rev = g_strdup (rev);
        }
    }

  if (!fb_body_equal (acc, original))
    {
      branch->written = document_with_body (branch->winner, acc);
      branch->winner_index = json_array_get_length (writes);
      json_array_add_object_element (writes, json_object_ref (branch->written));
      return;
    }

  add_deletions (branch, writes);
}

static const char *
result_error (JsonArray *results,
              int        index)
{
  JsonObject *result;

  if (index < 0 || (guint) index >= json_array_get_length (results) ||
      !JSON_NODE_HOLDS_OBJECT (json_array_get_element (results, index)))
    return "missing";
  result = json_array_get_object_element (results, index);
  return json_object_get_string_member_with_default (result, "error", NULL);
}

/* A merged leaf whose deletion was refused (extended meanwhile) comes back
 * with the next change; its content is in the winner. */
static void
log_refused_deletions (GHashTable *branches,
                       JsonArray  *results,
                       gboolean    second)
{
  GHashTableIter iter;
  Branch *branch;

  g_hash_table_iter_init (&iter, branches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &branch))
    {
      if ((branch->winner_index >= 0) != second)
        continue;
      for (guint i = 0; i < branch->deleted_index->len; i++)
        if (result_error (results, g_array_index (branch->deleted_index, int, i)) != NULL)
          g_debug ("Branches of %s: deleting %s was refused", branch->id,
                   (char *) branch->deleted->pdata[i]);
    }
}

static void
deletions_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MergeData *data = g_task_get_task_data (task);
  g_autoptr(JsonArray) results = NULL;
  GError *error = NULL;

  results = fb_couch_client_bulk_docs_finish (FB_COUCH_CLIENT (object), result, &error);
  if (results == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  log_refused_deletions (data->branches, results, TRUE);
  g_task_return_pointer (task, g_steal_pointer (&data->outcomes),
                         (GDestroyNotify) g_hash_table_unref);
}

static void
write_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MergeData *data = g_task_get_task_data (task);
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonArray) deletions = json_array_new ();
  GCancellable *cancellable;
  GError *error = NULL;
  GHashTableIter iter;
  Branch *branch;

  results = fb_couch_client_bulk_docs_finish (FB_COUCH_CLIENT (object), result, &error);
  if (results == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data->outcomes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) fb_branch_outcome_free);

  g_hash_table_iter_init (&iter, data->branches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &branch))
    {
      FbBranchOutcome *outcome = branch->outcome;

      if (outcome == NULL)
        continue;

      if (branch->winner_index >= 0)
        {
          JsonObject *res;

          /* Changed meanwhile: its next change brings it again, and the
           * leaves stay until a winner holding them is written. */
          if (result_error (results, branch->winner_index) != NULL)
            {
              g_debug ("Branches of %s: the merged winner was refused", branch->id);
              continue;
            }
          res = json_array_get_object_element (results, branch->winner_index);
          outcome->doc = json_object_ref (branch->written);
          json_object_set_string_member (outcome->doc, "_rev",
                                         json_object_get_string_member_with_default (res, "rev", ""));
          add_deletions (branch, deletions);
        }
      else
        {
          outcome->doc = listing_free_copy (branch->winner);
        }

      g_hash_table_replace (data->outcomes, g_strdup (branch->id),
                            g_steal_pointer (&branch->outcome));
    }
  log_refused_deletions (data->branches, results, FALSE);

  if (json_array_get_length (deletions) == 0)
    {
      g_task_return_pointer (task, g_steal_pointer (&data->outcomes),
                             (GDestroyNotify) g_hash_table_unref);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  fb_couch_client_bulk_docs_async (data->client, deletions, cancellable,
                                   deletions_cb, g_steal_pointer (&task));
}

/* Takes @task. */
static void
write_back (GTask *task)
{
  MergeData *data = g_task_get_task_data (task);
  g_autoptr(JsonArray) writes = json_array_new ();
  GHashTableIter iter;
  Branch *branch;

  g_hash_table_iter_init (&iter, data->branches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &branch))
    merge_branch (branch, writes);

  if (json_array_get_length (writes) == 0)
    {
      GHashTable *outcomes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                    (GDestroyNotify) fb_branch_outcome_free);

      /* Every losing leaf is gone or compacted already. */
      g_hash_table_iter_init (&iter, data->branches);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &branch))
        {
          branch->outcome->doc = listing_free_copy (branch->winner);
          g_hash_table_replace (outcomes, g_strdup (branch->id), g_steal_pointer (&branch->outcome));
        }
      g_task_return_pointer (task, outcomes, (GDestroyNotify) g_hash_table_unref);
      g_object_unref (task);
      return;
    }

  fb_couch_client_bulk_docs_async (data->client, writes, g_task_get_cancellable (task),
                                   write_cb, task);
}

static void
ancestors_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  MergeData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) found = NULL;
  GError *error = NULL;

  found = fb_couch_client_get_revisions_finish (FB_COUCH_CLIENT (object), result, &error);
  if (found == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  for (guint i = 0; i < found->len; i++)
    {
      JsonObject *doc = found->pdata[i];
      Branch *branch = g_hash_table_lookup (data->branches,
                                            json_object_get_string_member (doc, "_id"));

      if (branch != NULL && !fb_couch_document_is_deleted (doc))
        g_hash_table_replace (branch->bodies,
                              g_strdup (json_object_get_string_member (doc, "_rev")),
                              fb_couch_document_get_body (doc));
    }

  write_back (task);
}

static void
leaves_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  MergeData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(JsonArray) wanted = json_array_new ();
  GError *error = NULL;
  GHashTableIter iter;
  Branch *branch;

  found = fb_couch_client_get_revisions_finish (FB_COUCH_CLIENT (object), result, &error);
  if (found == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  for (guint i = 0; i < found->len; i++)
    {
      JsonObject *doc = found->pdata[i];

      branch = g_hash_table_lookup (data->branches, json_object_get_string_member (doc, "_id"));
      if (branch != NULL)
        g_hash_table_replace (branch->leaves,
                              g_strdup (json_object_get_string_member (doc, "_rev")),
                              json_object_ref (doc));
    }

  /* Each losing leaf's common ancestor with the winner: ours when it is
   * our base, else the server's if it still has its body. */
  g_hash_table_iter_init (&iter, data->branches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &branch))
    {
      JsonObject *winner = g_hash_table_lookup (branch->leaves, branch->winner_rev);
      g_autoptr(GHashTable) asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      if (winner == NULL)
        winner = branch->winner;

      for (guint i = 0; i < branch->losers->len; i++)
        {
          JsonObject *leaf = g_hash_table_lookup (branch->leaves, branch->losers->pdata[i]);
          char *ancestor;

          if (leaf == NULL)
            continue;
          ancestor = common_ancestor (winner, leaf);
          if (ancestor == NULL)
            continue;
          g_hash_table_replace (branch->ancestors, g_strdup (branch->losers->pdata[i]), ancestor);

          if (g_hash_table_contains (branch->bodies, ancestor) ||
              g_hash_table_contains (asked, ancestor))
            continue;
          if (branch->base_body != NULL && g_strcmp0 (branch->base_rev, ancestor) == 0)
            {
              g_hash_table_replace (branch->bodies, g_strdup (ancestor),
                                    json_object_ref (branch->base_body));
              continue;
            }
          g_hash_table_add (asked, g_strdup (ancestor));
          add_wanted (wanted, branch->id, ancestor);
        }
    }

  if (json_array_get_length (wanted) > 0)
    {
      fb_couch_client_get_revisions_async (data->client, wanted, g_task_get_cancellable (task),
                                           ancestors_cb, task);
      return;
    }

  write_back (task);
}

void
fb_sync_merge_branches_async (FbCouchClient       *client,
                              FbStore             *store,
                              GPtrArray           *docs,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonArray) wanted = json_array_new ();
  MergeData *data;

  g_return_if_fail (FB_IS_COUCH_CLIENT (client));
  g_return_if_fail (FB_IS_STORE (store));
  g_return_if_fail (docs != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_sync_merge_branches_async);

  data = g_new0 (MergeData, 1);
  data->client = g_object_ref (client);
  data->branches = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) branch_free);
  g_task_set_task_data (task, data, (GDestroyNotify) merge_data_free);

  for (guint i = 0; i < docs->len; i++)
    {
      JsonObject *doc = docs->pdata[i];
      const char *id = json_object_get_string_member_with_default (doc, "_id", NULL);
      const char *rev = json_object_get_string_member_with_default (doc, "_rev", NULL);
      JsonArray *conflicts;
      g_autoptr(FbItem) item = NULL;
      Branch *branch;

      /* Another program's documents are not ours to merge. */
      if (id == NULL || rev == NULL || !fb_sync_doc_has_branches (doc) ||
          g_str_has_prefix (id, "_design/") ||
          !fb_couch_document_type_is_ours (fb_couch_document_get_type (doc)) ||
          g_hash_table_contains (data->branches, id))
        continue;

      branch = g_new0 (Branch, 1);
      branch->id = g_strdup (id);
      /* A copy of its own: @doc may belong to a tree freed in a worker
       * thread once the caller is done with it. */
      branch->winner = deep_copy (doc);
      branch->winner_rev = json_object_get_string_member (branch->winner, "_rev");
      branch->losers = g_ptr_array_new_with_free_func (g_free);
      branch->leaves = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) json_object_unref);
      branch->ancestors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      branch->bodies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) json_object_unref);
      branch->deleted = g_ptr_array_new_with_free_func (g_free);
      branch->deleted_index = g_array_new (FALSE, FALSE, sizeof (int));
      g_hash_table_insert (data->branches, branch->id, branch);

      item = fb_store_get_item (store, id, NULL);
      branch->may_take = item == NULL || fb_item_get_state (item) == FB_ITEM_STATE_SYNCED;
      if (item != NULL)
        {
          branch->base_rev = g_strdup (fb_item_get_base_rev (item));
          if (fb_item_get_base_body (item) != NULL)
            branch->base_body = json_object_ref (fb_item_get_base_body (item));
        }

      add_wanted (wanted, id, rev);
      conflicts = json_object_get_array_member (doc, "_conflicts");
      for (guint j = 0; j < json_array_get_length (conflicts); j++)
        {
          JsonNode *node = json_array_get_element (conflicts, j);

          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
            continue;
          g_ptr_array_add (branch->losers, g_strdup (json_node_get_string (node)));
          add_wanted (wanted, id, json_node_get_string (node));
        }
    }

  if (g_hash_table_size (data->branches) == 0)
    {
      g_task_return_pointer (task,
                             g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                    (GDestroyNotify) fb_branch_outcome_free),
                             (GDestroyNotify) g_hash_table_unref);
      return;
    }

  fb_couch_client_get_revisions_async (client, wanted, cancellable, leaves_cb,
                                       g_steal_pointer (&task));
}

GHashTable *
fb_sync_merge_branches_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        fb_sync_merge_branches_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
drop_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonArray) results = NULL;
  GError *error = NULL;

  results = fb_couch_client_bulk_docs_finish (FB_COUCH_CLIENT (object), result, &error);
  if (results == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
fb_sync_drop_taken_leaves_async (FbCouchClient       *client,
                                 GHashTable          *outcomes,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonArray) deletions = json_array_new ();
  GHashTableIter iter;
  const char *id;
  FbBranchOutcome *outcome;

  g_return_if_fail (FB_IS_COUCH_CLIENT (client));
  g_return_if_fail (outcomes != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_sync_drop_taken_leaves_async);

  g_hash_table_iter_init (&iter, outcomes);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &outcome))
    {
      JsonObject *deletion;

      if (outcome->collided_rev == NULL)
        continue;
      deletion = json_object_new ();
      json_object_set_string_member (deletion, "_id", id);
      json_object_set_string_member (deletion, "_rev", outcome->collided_rev);
      json_object_set_boolean_member (deletion, "_deleted", TRUE);
      json_array_add_object_element (deletions, deletion);
    }

  if (json_array_get_length (deletions) == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  fb_couch_client_bulk_docs_async (client, deletions, cancellable, drop_cb,
                                   g_steal_pointer (&task));
}

gboolean
fb_sync_drop_taken_leaves_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        fb_sync_drop_taken_leaves_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
