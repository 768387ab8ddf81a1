/* fb-merge.c: three-way merge of item bodies, so concurrent edits heal without asking */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-merge"

#include "config.h"

#include <string.h>

#include <git2.h>

#include "fb-merge.h"

/* libgit2 keeps global state (allocators, TLS) that must exist before the
 * first call; it is never shut down because other parts of the process may
 * use libgit2 as well. */
static void
ensure_libgit2 (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      git_libgit2_init ();
      g_once_init_leave (&initialized, 1);
    }
}

static gboolean
has_trailing_newline (const char *text)
{
  gsize len = strlen (text);

  return len > 0 && text[len - 1] == '\n';
}

/* git merges lines, and to git "b" at the end of a file and "b\n" are two
 * different lines: a side that only added the final newline would collide
 * with a side that edited the last line. So every text is merged with its
 * last line terminated, and the final newline is merged on its own as a
 * yes/no value (which can only change on one side, or identically). */
static char *
terminate_last_line (const char *text)
{
  if (*text == '\0' || has_trailing_newline (text))
    return g_strdup (text);

  return g_strconcat (text, "\n", NULL);
}

static gboolean
merge_lines (const char  *base,
             const char  *mine,
             const char  *theirs,
             char       **merged)
{
  git_merge_file_input base_input = GIT_MERGE_FILE_INPUT_INIT;
  git_merge_file_input mine_input = GIT_MERGE_FILE_INPUT_INIT;
  git_merge_file_input theirs_input = GIT_MERGE_FILE_INPUT_INIT;
  git_merge_file_options options = GIT_MERGE_FILE_OPTIONS_INIT;
  git_merge_file_result result = { 0 };
  gboolean clean = FALSE;

  ensure_libgit2 ();

  base_input.ptr = base;
  base_input.size = strlen (base);
  mine_input.ptr = mine;
  mine_input.size = strlen (mine);
  theirs_input.ptr = theirs;
  theirs_input.size = strlen (theirs);

  if (git_merge_file (&result, &base_input, &mine_input, &theirs_input,
                      &options) < 0)
    {
      const git_error *error = git_error_last ();

      g_warning ("Could not merge text: %s",
                 error != NULL && error->message != NULL
                 ? error->message : "unknown libgit2 error");
      git_merge_file_result_free (&result);
      return FALSE;
    }

  /* Not automergeable: lines collide; result.ptr holds conflict markers,
   * which must never reach a body. */
  if (result.automergeable)
    {
      *merged = g_strndup (result.ptr != NULL ? result.ptr : "", result.len);
      clean = TRUE;
    }

  git_merge_file_result_free (&result);

  return clean;
}

gboolean
fb_merge_text (const char  *base,
               const char  *mine,
               const char  *theirs,
               char       **merged)
{
  g_autofree char *base_lines = NULL;
  g_autofree char *mine_lines = NULL;
  g_autofree char *theirs_lines = NULL;
  g_autofree char *result = NULL;
  gboolean base_nl, mine_nl, theirs_nl, result_nl;
  gsize len;

  g_return_val_if_fail (mine != NULL, FALSE);
  g_return_val_if_fail (theirs != NULL, FALSE);
  g_return_val_if_fail (merged != NULL, FALSE);

  *merged = NULL;

  if (base == NULL)
    base = "";

  /* Identical sides, or a change on one side only, are taken verbatim:
   * never a conflict, never touched by a line-based merge. */
  if (strcmp (mine, theirs) == 0 || strcmp (base, theirs) == 0)
    {
      *merged = g_strdup (mine);
      return TRUE;
    }
  if (strcmp (base, mine) == 0)
    {
      *merged = g_strdup (theirs);
      return TRUE;
    }

  base_lines = terminate_last_line (base);
  mine_lines = terminate_last_line (mine);
  theirs_lines = terminate_last_line (theirs);

  if (!merge_lines (base_lines, mine_lines, theirs_lines, &result))
    return FALSE;

  base_nl = has_trailing_newline (base);
  mine_nl = has_trailing_newline (mine);
  theirs_nl = has_trailing_newline (theirs);
  result_nl = mine_nl != base_nl ? mine_nl : theirs_nl;

  len = strlen (result);
  if (!result_nl && len > 0 && result[len - 1] == '\n')
    result[len - 1] = '\0';

  /* Lines split at '\n', which never occurs inside a multi-byte sequence,
   * so valid input gives valid output; refuse rather than store garbage if
   * the input was not valid. */
  if (!g_utf8_validate (result, -1, NULL))
    return FALSE;

  *merged = g_steal_pointer (&result);

  return TRUE;
}

/* json_node_copy() shares objects and arrays with the original; the merged
 * body must be independent of mine and theirs, which the caller still owns. */
static JsonNode *
deep_copy_node (JsonNode *node)
{
  JsonNode *copy;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObject *object_copy = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init_ordered (&iter, object);
        while (json_object_iter_next_ordered (&iter, &name, &member))
          json_object_set_member (object_copy, name, deep_copy_node (member));

        copy = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (copy, object_copy);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        JsonArray *array_copy;
        guint n = json_array_get_length (array);

        array_copy = json_array_sized_new (n);
        for (guint i = 0; i < n; i++)
          json_array_add_element (array_copy,
                                  deep_copy_node (json_array_get_element (array, i)));

        copy = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (copy, array_copy);
      }
      break;

    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      copy = json_node_copy (node);
      break;
    }

  return copy;
}

static JsonObject *
deep_copy_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) copy = NULL;

  json_node_set_object (node, object);
  copy = deep_copy_node (node);

  return json_object_ref (json_node_get_object (copy));
}

static gboolean
nodes_equal (JsonNode *a,
             JsonNode *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return json_node_equal (a, b);
}

/* An array of distinct strings: the shape "tags" and "order" must have for
 * set-like merging. Anything else falls back to the generic rule. */
static gboolean
is_string_set (JsonArray *array)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *s;

      if (!JSON_NODE_HOLDS_VALUE (element)
          || json_node_get_value_type (element) != G_TYPE_STRING)
        return FALSE;

      s = json_node_get_string (element);
      if (!g_hash_table_add (seen, (gpointer) s))
        return FALSE;
    }

  return TRUE;
}

static GHashTable *
string_set_new (JsonArray *array)
{
  GHashTable *set = g_hash_table_new (g_str_hash, g_str_equal);

  if (array != NULL)
    {
      guint n = json_array_get_length (array);

      for (guint i = 0; i < n; i++)
        g_hash_table_add (set, (gpointer) json_array_get_string_element (array, i));
    }

  return set;
}

/* "tags" and "order": mine's order, minus what theirs removed, then what
 * theirs added (in theirs' order). What mine removed stays removed, since it
 * is not in mine's list. Additions are appended rather than placed next to a
 * neighbour: the neighbour may be gone on mine's side, and a predictable
 * place is easier to find than a clever one. */
static JsonNode *
merge_string_sets (JsonArray *base,
                   JsonArray *mine,
                   JsonArray *theirs)
{
  g_autoptr(GHashTable) base_set = string_set_new (base);
  g_autoptr(GHashTable) mine_set = string_set_new (mine);
  g_autoptr(GHashTable) theirs_set = string_set_new (theirs);
  JsonArray *result = json_array_new ();
  JsonNode *node;
  guint n;

  n = json_array_get_length (mine);
  for (guint i = 0; i < n; i++)
    {
      const char *s = json_array_get_string_element (mine, i);

      if (g_hash_table_contains (base_set, s)
          && !g_hash_table_contains (theirs_set, s))
        continue;

      json_array_add_string_element (result, s);
    }

  n = json_array_get_length (theirs);
  for (guint i = 0; i < n; i++)
    {
      const char *s = json_array_get_string_element (theirs, i);

      if (g_hash_table_contains (base_set, s)
          || g_hash_table_contains (mine_set, s))
        continue;

      json_array_add_string_element (result, s);
    }

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, result);

  return node;
}

static JsonObject *merge_objects (JsonObject *base,
                                  JsonObject *mine,
                                  JsonObject *theirs,
                                  gboolean    top_level);

/* Both sides hold @key and changed it differently (or both added it).
 * Returns the merged value, or NULL on conflict. */
static JsonNode *
merge_changed_values (const char *key,
                      gboolean    top_level,
                      JsonNode   *base,
                      JsonNode   *mine,
                      JsonNode   *theirs)
{
  if (JSON_NODE_HOLDS_VALUE (mine) && JSON_NODE_HOLDS_VALUE (theirs)
      && json_node_get_value_type (mine) == G_TYPE_STRING
      && json_node_get_value_type (theirs) == G_TYPE_STRING)
    {
      const char *base_text = "";
      g_autofree char *text = NULL;
      JsonNode *node;

      if (base != NULL)
        {
          if (!JSON_NODE_HOLDS_VALUE (base)
              || json_node_get_value_type (base) != G_TYPE_STRING)
            return NULL;
          base_text = json_node_get_string (base);
        }

      if (!fb_merge_text (base_text, json_node_get_string (mine),
                          json_node_get_string (theirs), &text))
        return NULL;

      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, text);
      return node;
    }

  if (JSON_NODE_HOLDS_OBJECT (mine) && JSON_NODE_HOLDS_OBJECT (theirs))
    {
      g_autoptr(JsonObject) empty = NULL;
      JsonObject *base_object;
      JsonObject *object;
      JsonNode *node;

      if (base == NULL)
        base_object = empty = json_object_new ();
      else if (JSON_NODE_HOLDS_OBJECT (base))
        base_object = json_node_get_object (base);
      else
        return NULL;

      object = merge_objects (base_object, json_node_get_object (mine),
                              json_node_get_object (theirs), FALSE);
      if (object == NULL)
        return NULL;

      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, object);
      return node;
    }

  /* Only the body's own "tags" and "order" have set semantics; deeper down
   * (a record field that happens to be called "tags") an array is a value
   * whose duplicates and order may mean something. */
  if (top_level
      && (g_strcmp0 (key, "tags") == 0 || g_strcmp0 (key, "order") == 0)
      && JSON_NODE_HOLDS_ARRAY (mine) && JSON_NODE_HOLDS_ARRAY (theirs)
      && (base == NULL || JSON_NODE_HOLDS_ARRAY (base)))
    {
      JsonArray *base_array = base != NULL ? json_node_get_array (base) : NULL;
      JsonArray *mine_array = json_node_get_array (mine);
      JsonArray *theirs_array = json_node_get_array (theirs);

      if ((base_array == NULL || is_string_set (base_array))
          && is_string_set (mine_array) && is_string_set (theirs_array))
        return merge_string_sets (base_array, mine_array, theirs_array);
    }

  return NULL;
}

/* The merged value of @key, or NULL on conflict. *@removed is set when the
 * merge result is "no such key". */
static JsonNode *
merge_member (const char *key,
              gboolean    top_level,
              JsonNode   *base,
              JsonNode   *mine,
              JsonNode   *theirs,
              gboolean   *removed)
{
  *removed = FALSE;

  if (nodes_equal (mine, theirs) || nodes_equal (base, theirs))
    {
      if (mine == NULL)
        {
          *removed = TRUE;
          return NULL;
        }
      return deep_copy_node (mine);
    }

  if (nodes_equal (base, mine))
    {
      if (theirs == NULL)
        {
          *removed = TRUE;
          return NULL;
        }
      return deep_copy_node (theirs);
    }

  /* Changed on both sides, differently. Removal versus change collides. */
  if (mine == NULL || theirs == NULL)
    return NULL;

  return merge_changed_values (key, top_level, base, mine, theirs);
}

/* Key by key; mine's keys in mine's order, then keys only theirs has.
 * Returns NULL on the first conflict. */
static JsonObject *
merge_objects (JsonObject *base,
               JsonObject *mine,
               JsonObject *theirs,
               gboolean    top_level)
{
  g_autoptr(JsonObject) result = json_object_new ();
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;

  json_object_iter_init_ordered (&iter, mine);
  while (json_object_iter_next_ordered (&iter, &key, &node))
    {
      JsonNode *merged;
      gboolean removed;

      merged = merge_member (key, top_level,
                             json_object_get_member (base, key),
                             node,
                             json_object_get_member (theirs, key),
                             &removed);
      if (removed)
        continue;
      if (merged == NULL)
        return NULL;

      json_object_set_member (result, key, merged);
    }

  json_object_iter_init_ordered (&iter, theirs);
  while (json_object_iter_next_ordered (&iter, &key, &node))
    {
      JsonNode *merged;
      gboolean removed;

      if (json_object_has_member (mine, key))
        continue;

      merged = merge_member (key, top_level,
                             json_object_get_member (base, key),
                             NULL,
                             node,
                             &removed);
      if (removed)
        continue;
      if (merged == NULL)
        return NULL;

      json_object_set_member (result, key, merged);
    }

  /* Keys in base that neither side has any more were removed on both: the
   * result simply does not have them. */

  return g_steal_pointer (&result);
}

static gboolean
objects_equal (JsonObject *a,
               JsonObject *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return json_object_equal (a, b);
}

FbMergeOutcome
fb_merge_bodies (JsonObject  *base,
                 JsonObject  *mine,
                 JsonObject  *theirs,
                 JsonObject **merged,
                 gboolean    *merged_deleted)
{
  g_autoptr(JsonObject) empty = NULL;
  JsonObject *result;

  g_return_val_if_fail (merged != NULL, FB_MERGE_CONFLICT);

  *merged = NULL;
  if (merged_deleted != NULL)
    *merged_deleted = FALSE;

  /* No ancestor: both sides are additions to nothing. */
  if (base == NULL)
    base = empty = json_object_new ();

  if (mine == NULL || theirs == NULL)
    {
      JsonObject *survivor = mine != NULL ? mine : theirs;

      /* Deleted on both sides, or deleted on one and left alone on the
       * other: deleted. Deleted on one and edited on the other: the person
       * decides, an edit is never dropped silently. */
      if (survivor == NULL || objects_equal (survivor, base))
        {
          if (merged_deleted != NULL)
            *merged_deleted = TRUE;
          return FB_MERGE_CLEAN;
        }

      return FB_MERGE_CONFLICT;
    }

  if (objects_equal (mine, theirs) || objects_equal (theirs, base))
    result = deep_copy_object (mine);
  else if (objects_equal (mine, base))
    result = deep_copy_object (theirs);
  else
    result = merge_objects (base, mine, theirs, TRUE);

  if (result == NULL)
    return FB_MERGE_CONFLICT;

  *merged = result;

  return FB_MERGE_CLEAN;
}
