/* fb-store-tags.c: the tags of notes and records: counts, and tag:NAME in searches */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <string.h>

#include "fb-item-body.h"
#include "fb-store-private.h"
#include "fb-store-tags.h"

void
fb_tag_count_free (FbTagCount *tag)
{
  if (tag == NULL)
    return;

  g_free (tag->name);
  g_free (tag);
}

/* ---- Schema v11 ---- */

/* v11: the body's "tags" array as a column SQLite computes from the body
 * (never stored, so no writer changes: NULL when the body is not JSON or
 * has no array, or an empty one), and a partial index over it that holds
 * the tagged rows only. Counting the tags then reads that index, not every
 * body: a store of 100,000 untagged notes counts nothing instead of parsing
 * 100,000 bodies, and a tagged one reads the arrays from the index. */
gboolean
_fb_store_tags_migrate (FbStore  *self,
                        GError  **error)
{
  gboolean has_column;

  if (!_fb_store_has_column (self, "tags", &has_column, error))
    return FALSE;
  if (has_column)
    return TRUE;

  return _fb_store_exec_once (self,
                              "ALTER TABLE items ADD COLUMN tags TEXT "
                              "  GENERATED ALWAYS AS ("
                              "    CASE WHEN json_valid (body) "
                              "      AND json_type (body, '$.tags') = 'array' "
                              "      AND json_array_length (body, '$.tags') > 0 "
                              "    THEN json_extract (body, '$.tags') END) VIRTUAL;"
                              "CREATE INDEX items_by_tags ON items (collection, deleted, tags) "
                              "  WHERE tags IS NOT NULL;",
                              error);
}

/* Counted once per item, however it spells the tag ("Birds" and "birds"
 * are one tag: the first spelling in byte order names it). The rows and
 * their arrays come from the partial index alone (INDEXED BY: the planner
 * would otherwise take the collection index and read every body). */
#define LIST_TAGS_SQL \
  "SELECT min(tag.value), count(DISTINCT items.rowid) " \
  "FROM items INDEXED BY items_by_tags, json_each (items.tags) AS tag " \
  "WHERE items.tags IS NOT NULL AND items.deleted = 0 " \
  "  AND " FB_STORE_IN_COLLECTION ("?1") " " \
  "  AND tag.type = 'text' AND tag.value <> '' " \
  "GROUP BY tag.value COLLATE NOCASE ORDER BY tag.value COLLATE NOCASE"

GPtrArray *
fb_store_list_tags (FbStore     *self,
                    const char  *collection,
                    GError     **error)
{
  g_autoptr(FbCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) tags = NULL;
  int rc;

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = _fb_store_get_stmt (self, LIST_TAGS_SQL, error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, collection);

  tags = g_ptr_array_new_with_free_func ((GDestroyNotify) fb_tag_count_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FbTagCount *tag = g_new0 (FbTagCount, 1);

      tag->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      tag->count = (guint) sqlite3_column_int64 (stmt, 1);
      g_ptr_array_add (tags, tag);
    }

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (self, error, rc);
      return NULL;
    }

  return g_steal_pointer (&tags);
}

/* ---- Counting on a worker ---- */

typedef struct
{
  char *path;
  char *collection;
} ListTagsJob;

static void
list_tags_job_free (ListTagsJob *job)
{
  g_free (job->path);
  g_free (job->collection);
  g_free (job);
}

/* SQLite's progress handler: a cancelled count stops between steps. */
static int
list_tags_progress_cb (void *cancellable)
{
  return g_cancellable_is_cancelled (cancellable);
}

static void
list_tags_thread_cb (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  ListTagsJob *job = task_data;
  g_autoptr(GPtrArray) tags = g_ptr_array_new_with_free_func ((GDestroyNotify) fb_tag_count_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_open_v2 (job->path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, 1000);
      if (cancellable != NULL)
        sqlite3_progress_handler (db, 10000, list_tags_progress_cb, cancellable);
      rc = sqlite3_prepare_v2 (db, LIST_TAGS_SQL, -1, &stmt, NULL);
    }
  if (rc == SQLITE_OK)
    {
      if (job->collection != NULL)
        sqlite3_bind_text (stmt, 1, job->collection, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          FbTagCount *tag = g_new0 (FbTagCount, 1);

          tag->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          tag->count = (guint) sqlite3_column_int64 (stmt, 1);
          g_ptr_array_add (tags, tag);
        }
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }

  if (g_task_return_error_if_cancelled (task))
    ;
  else if (rc != SQLITE_OK)
    g_task_return_new_error (task, FB_STORE_ERROR, FB_STORE_ERROR_FAILED, "%s",
                             db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  else
    g_task_return_pointer (task, g_steal_pointer (&tags), (GDestroyNotify) g_ptr_array_unref);

  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);
}

void
fb_store_list_tags_async (FbStore             *self,
                          const char          *collection,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ListTagsJob *job;

  g_return_if_fail (FB_IS_STORE (self));

  /* Not the task's source: the worker reads the file, never the object,
   * which may go before the worker's last reference to the task does. */
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_store_list_tags_async);
  job = g_new0 (ListTagsJob, 1);
  job->path = g_strdup (self->path);
  job->collection = g_strdup (collection);
  g_task_set_task_data (task, job, (GDestroyNotify) list_tags_job_free);
  g_task_run_in_thread (task, list_tags_thread_cb);
}

GPtrArray *
fb_store_list_tags_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fb_store_list_tags_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
fb_tag_search_term (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (const char *p = name; *p != '\0'; p++)
    if (g_ascii_isspace (*p))
      return g_strdup_printf ("tag:\"%s\"", name);

  return g_strdup_printf ("tag:%s", name);
}

gboolean
fb_tags_contain (JsonArray  *tags,
                 const char *name)
{
  guint n;

  g_return_val_if_fail (name != NULL, FALSE);

  n = tags != NULL ? json_array_get_length (tags) : 0;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (tags, i);

      if (JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING &&
          g_ascii_strcasecmp (json_node_get_string (node), name) == 0)
        return TRUE;
    }

  return FALSE;
}

char **
fb_search_words (const char *query)
{
  g_autoptr(GPtrArray) tags = NULL;
  g_autofree char *words = NULL;
  g_auto(GStrv) split = NULL;
  GPtrArray *kept = g_ptr_array_new ();

  if (query != NULL && !g_utf8_validate (query, -1, NULL))
    query = NULL;
  words = _fb_store_split_tag_terms (query, &tags);
  split = g_strsplit_set (words, " \t\n\r\f\v", -1);

  for (guint i = 0; split[i] != NULL; i++)
    {
      gboolean has_word = FALSE;

      for (const char *p = split[i]; *p != '\0' && !has_word; p = g_utf8_next_char (p))
        has_word = g_unichar_isalnum (g_utf8_get_char (p));
      if (has_word)
        g_ptr_array_add (kept, g_strdup (split[i]));
    }
  g_ptr_array_add (kept, NULL);

  return (char **) g_ptr_array_free (kept, FALSE);
}

/* ---- tag:NAME in a search ---- */

char *
_fb_store_split_tag_terms (const char  *query,
                           GPtrArray  **tags)
{
  GString *words = g_string_new (NULL);
  const char *p = query;

  *tags = NULL;
  if (query == NULL)
    return g_string_free (words, FALSE);

  while (*p != '\0')
    {
      const char *start;

      while (g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        break;

      if (g_ascii_strncasecmp (p, "tag:", 4) == 0)
        {
          g_autofree char *name = NULL;

          p += 4;
          if (*p == '"')
            {
              const char *close = strchr (p + 1, '"');

              start = p + 1;
              p = close != NULL ? close + 1 : start + strlen (start);
              name = g_strndup (start, (close != NULL ? close : p) - start);
            }
          else
            {
              start = p;
              while (*p != '\0' && !g_ascii_isspace (*p))
                p++;
              name = g_strndup (start, p - start);
            }

          g_strstrip (name);
          if (*name != '\0')
            {
              if (*tags == NULL)
                *tags = g_ptr_array_new_with_free_func (g_free);
              g_ptr_array_add (*tags, g_steal_pointer (&name));
            }
          continue;
        }

      start = p;
      while (*p != '\0' && !g_ascii_isspace (*p))
        p++;
      if (words->len > 0)
        g_string_append_c (words, ' ');
      g_string_append_len (words, start, p - start);
    }

  return g_string_free (words, FALSE);
}

char *
_fb_store_tags_to_json (GPtrArray *tags)
{
  GString *json = g_string_new ("[");

  for (guint i = 0; tags != NULL && i < tags->len; i++)
    {
      if (i > 0)
        g_string_append_c (json, ',');
      fb_json_append_string (json, g_ptr_array_index (tags, i));
    }
  g_string_append_c (json, ']');

  return g_string_free (json, FALSE);
}

gboolean
_fb_store_body_has_tags (JsonObject *body,
                         GPtrArray  *tags)
{
  JsonArray *have = fb_body_get_array (body, "tags");

  for (guint i = 0; tags != NULL && i < tags->len; i++)
    if (!fb_tags_contain (have, g_ptr_array_index (tags, i)))
      return FALSE;

  return TRUE;
}
