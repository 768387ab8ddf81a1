/* fb-merge.c: three-way merge of item bodies, so concurrent edits heal without asking */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-merge"

#include "config.h"

#include <string.h>

#include <git2.h>

#include "fb-attachments.h"
#include "fb-item-body.h"
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

/* ---- Line merge ----
 *
 * git_merge_file () (xdiff's merge) treats hunks that touch as colliding, so
 * an edit of line 1 on one side and of line 2 on the other would need the
 * person. For notes that question helps nobody: the two diffs base→mine and
 * base→theirs are taken from libgit2's diff machinery and combined here, and
 * only changes to the same base lines (or two different insertions at the
 * same place) collide. */

typedef struct {
  const char *text;
  gsize       len;
} Line;

/* Splits @text (every line terminated by '\n') into lines. */
static GArray *
split_lines (const char *text)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (Line));
  const char *p = text;

  while (*p != '\0')
    {
      const char *nl = strchr (p, '\n');
      Line line;

      line.text = p;
      line.len = nl != NULL ? (gsize) (nl - p) + 1 : strlen (p);
      g_array_append_val (lines, line);
      p += line.len;
    }

  return lines;
}

/* One change of one side: base lines [base_start, base_end) become that
 * side's lines [side_start, side_end). An insertion has an empty base range,
 * placed before base line base_start. */
typedef struct {
  guint  base_start;
  guint  base_end;
  guint  side_start;
  guint  side_end;
  guint  side;       /* 0: mine, 1: theirs */
} Hunk;

/* git's hunk headers count from 1, and an empty range starts at the line
 * before it. */
static guint
range_start (int start,
             int n_lines)
{
  return n_lines > 0 ? (guint) start - 1 : (guint) start;
}

static gboolean
diff_hunks (const char *base,
            const char *side_text,
            guint       side,
            GArray     *hunks)
{
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  git_patch *patch = NULL;
  size_t n;

  /* No context and no joining of nearby hunks: each hunk is exactly the
   * lines that changed, so hunks are only as wide as the change. */
  options.context_lines = 0;
  options.interhunk_lines = 0;
  options.flags |= GIT_DIFF_FORCE_TEXT;

  if (git_patch_from_buffers (&patch, base, strlen (base), NULL,
                              side_text, strlen (side_text), NULL, &options) < 0)
    {
      const git_error *error = git_error_last ();

      g_warning ("Could not compare texts: %s",
                 error != NULL && error->message != NULL
                 ? error->message : "unknown libgit2 error");
      return FALSE;
    }

  n = patch != NULL ? git_patch_num_hunks (patch) : 0;
  for (size_t i = 0; i < n; i++)
    {
      const git_diff_hunk *gh = NULL;
      Hunk hunk;

      if (git_patch_get_hunk (&gh, NULL, patch, i) < 0)
        {
          git_patch_free (patch);
          return FALSE;
        }

      hunk.base_start = range_start (gh->old_start, gh->old_lines);
      hunk.base_end = hunk.base_start + (guint) gh->old_lines;
      hunk.side_start = range_start (gh->new_start, gh->new_lines);
      hunk.side_end = hunk.side_start + (guint) gh->new_lines;
      hunk.side = side;
      g_array_append_val (hunks, hunk);
    }

  git_patch_free (patch);

  return TRUE;
}

/* In base order; at the same base line an insertion comes first, since it
 * goes before the line that the other hunk changes. */
static int
compare_hunks (gconstpointer a,
               gconstpointer b)
{
  const Hunk *x = a;
  const Hunk *y = b;
  gboolean x_insert = x->base_start == x->base_end;
  gboolean y_insert = y->base_start == y->base_end;

  if (x->base_start != y->base_start)
    return x->base_start < y->base_start ? -1 : 1;
  if (x_insert != y_insert)
    return x_insert ? -1 : 1;
  return (int) x->side - (int) y->side;
}

/* Does @hunk touch the same base lines as the group spanning [lo, hi)?
 * Changes of neighbouring lines do not; an insertion collides only with an
 * insertion at the same place or with a change of lines around it. */
static gboolean
hunk_overlaps (const Hunk *hunk,
               guint       lo,
               guint       hi)
{
  gboolean insert = hunk->base_start == hunk->base_end;

  if (lo == hi)
    return insert && hunk->base_start == lo;
  if (insert)
    return hunk->base_start > lo && hunk->base_start < hi;
  return hunk->base_start < hi;
}

/* Appends what side @side made of base lines [lo, hi), given its hunks in
 * @group (all within that range). */
static void
append_side_region (GString    *out,
                    GArray     *base,
                    GArray     *side_lines,
                    guint       side,
                    const Hunk *group,
                    guint       n_group,
                    guint       lo,
                    guint       hi)
{
  guint pos = lo;

  for (guint i = 0; i < n_group; i++)
    {
      const Hunk *hunk = &group[i];

      if (hunk->side != side)
        continue;

      for (; pos < hunk->base_start; pos++)
        g_string_append_len (out, g_array_index (base, Line, pos).text,
                             g_array_index (base, Line, pos).len);
      for (guint j = hunk->side_start; j < hunk->side_end; j++)
        g_string_append_len (out, g_array_index (side_lines, Line, j).text,
                             g_array_index (side_lines, Line, j).len);
      pos = hunk->base_end;
    }

  for (; pos < hi; pos++)
    g_string_append_len (out, g_array_index (base, Line, pos).text,
                         g_array_index (base, Line, pos).len);
}

/* A group where each hunk replaced its lines one for one: line by line,
 * a line changed on one side takes that side, the same change on both is
 * taken once, and different changes of one line collide. */
static gboolean
merge_line_for_line (GString    *out,
                     GArray     *base,
                     GArray     *side_lines[2],
                     const Hunk *group,
                     guint       n_group,
                     guint       lo,
                     guint       hi)
{
  g_autofree const Line **versions = g_new0 (const Line *, 2 * (hi - lo));

  for (guint i = 0; i < n_group; i++)
    {
      const Hunk *hunk = &group[i];

      if (hunk->base_end - hunk->base_start != hunk->side_end - hunk->side_start)
        return FALSE;
      for (guint k = 0; k < hunk->base_end - hunk->base_start; k++)
        versions[2 * (hunk->base_start + k - lo) + hunk->side] =
          &g_array_index (side_lines[hunk->side], Line, hunk->side_start + k);
    }

  for (guint pos = lo; pos < hi; pos++)
    {
      const Line *mine = versions[2 * (pos - lo)];
      const Line *theirs = versions[2 * (pos - lo) + 1];
      const Line *line;

      if (mine == NULL)
        line = theirs != NULL ? theirs : &g_array_index (base, Line, pos);
      else if (theirs == NULL)
        line = mine;
      else if (mine->len == theirs->len && memcmp (mine->text, theirs->text, mine->len) == 0)
        line = mine;
      else
        return FALSE;

      g_string_append_len (out, line->text, line->len);
    }

  return TRUE;
}

static gboolean
merge_lines (const char  *base,
             const char  *mine,
             const char  *theirs,
             char       **merged)
{
  g_autoptr(GArray) base_lines = split_lines (base);
  g_autoptr(GArray) mine_lines = split_lines (mine);
  g_autoptr(GArray) theirs_lines = split_lines (theirs);
  GArray *side_lines[2] = { mine_lines, theirs_lines };
  g_autoptr(GArray) hunks = g_array_new (FALSE, FALSE, sizeof (Hunk));
  g_autoptr(GString) out = g_string_sized_new (strlen (mine) + strlen (theirs));
  guint pos = 0;
  guint i = 0;

  ensure_libgit2 ();

  if (!diff_hunks (base, mine, 0, hunks) || !diff_hunks (base, theirs, 1, hunks))
    return FALSE;

  g_array_sort (hunks, compare_hunks);

  while (i < hunks->len)
    {
      const Hunk *group = &g_array_index (hunks, Hunk, i);
      guint lo = group->base_start;
      guint hi = group->base_end;
      guint n_group = 1;
      gboolean both = FALSE;

      /* Hunks whose base lines overlap form a group, across both sides. */
      while (i + n_group < hunks->len &&
             hunk_overlaps (&group[n_group], lo, hi))
        {
          hi = MAX (hi, group[n_group].base_end);
          both = both || group[n_group].side != group[0].side;
          n_group++;
        }

      for (; pos < lo; pos++)
        g_string_append_len (out, g_array_index (base_lines, Line, pos).text,
                             g_array_index (base_lines, Line, pos).len);

      if (!both)
        {
          append_side_region (out, base_lines, side_lines[group->side], group->side,
                              group, n_group, lo, hi);
        }
      else
        {
          g_autoptr(GString) mine_region = g_string_new (NULL);
          g_autoptr(GString) theirs_region = g_string_new (NULL);

          /* Both sides changed these lines: fine if they made the same of
           * them (a lost push reply, the same fix typed twice), or, when
           * every change there replaced lines one for one, if no single
           * line was changed differently. */
          append_side_region (mine_region, base_lines, side_lines[0], 0,
                              group, n_group, lo, hi);
          append_side_region (theirs_region, base_lines, side_lines[1], 1,
                              group, n_group, lo, hi);
          if (g_string_equal (mine_region, theirs_region))
            g_string_append_len (out, mine_region->str, mine_region->len);
          else if (!merge_line_for_line (out, base_lines, side_lines, group, n_group, lo, hi))
            return FALSE;
        }

      pos = hi;
      i += n_group;
    }

  for (; pos < base_lines->len; pos++)
    g_string_append_len (out, g_array_index (base_lines, Line, pos).text,
                         g_array_index (base_lines, Line, pos).len);

  *merged = g_string_free (g_steal_pointer (&out), FALSE);

  return TRUE;
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

/* A line merge of @ours and @theirs in which the lines that collide take
 * @ours' version: everything of @theirs that merges, on @ours' side.
 * NULL when libgit2 cannot merge them. */
char *
fb_merge_text_favoring_ours (const char *base,
                             const char *ours,
                             const char *theirs)
{
  const char *texts[] = { base != NULL ? base : "", ours, theirs };
  char *lines[3] = { NULL, };
  git_merge_file_input inputs[3] = { GIT_MERGE_FILE_INPUT_INIT, GIT_MERGE_FILE_INPUT_INIT,
                                     GIT_MERGE_FILE_INPUT_INIT };
  git_merge_file_options options = GIT_MERGE_FILE_OPTIONS_INIT;
  git_merge_file_result result = { 0, };
  char *merged;

  ensure_libgit2 ();

  /* xdiff merges whole lines: each text ends in one. */
  for (guint i = 0; i < 3; i++)
    {
      lines[i] = has_trailing_newline (texts[i]) || texts[i][0] == '\0'
                 ? g_strdup (texts[i]) : g_strconcat (texts[i], "\n", NULL);
      inputs[i].ptr = lines[i];
      inputs[i].size = strlen (lines[i]);
    }
  options.favor = GIT_MERGE_FILE_FAVOR_OURS;

  if (git_merge_file (&result, &inputs[0], &inputs[1], &inputs[2], &options) < 0)
    merged = NULL;
  else
    merged = g_strndup (result.ptr, result.len);
  git_merge_file_result_free (&result);
  for (guint i = 0; i < 3; i++)
    g_free (lines[i]);
  if (merged == NULL)
    return NULL;

  if (!has_trailing_newline (ours) && has_trailing_newline (merged))
    merged[strlen (merged) - 1] = '\0';
  if (!g_utf8_validate (merged, -1, NULL))
    g_clear_pointer (&merged, g_free);

  return merged;
}


static JsonObject *
deep_copy_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) copy = NULL;

  json_node_set_object (node, object);
  copy = fb_json_node_deep_copy (node);

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

/* Where in a body a member is: some members have set semantics. */
typedef enum {
  LEVEL_BODY,        /* the body's own members */
  LEVEL_TYPED_BODY,  /* those of a record made from a template (it has "template") */
  LEVEL_CHOICE_SETS, /* that record's "fields": a list of strings is a multiple choice */
  LEVEL_NESTED,      /* anything deeper */
} MergeLevel;

static JsonObject *merge_objects (JsonObject *base,
                                  JsonObject *mine,
                                  JsonObject *theirs,
                                  MergeLevel  level);


/* Both sides hold @key and changed it differently (or both added it).
 * Returns the merged value, or NULL on conflict. */
static JsonNode *
merge_changed_values (const char *key,
                      MergeLevel  level,
                      JsonNode   *base,
                      JsonNode   *mine,
                      JsonNode   *theirs)
{
  gboolean top_level = level == LEVEL_BODY || level == LEVEL_TYPED_BODY;

  /* A typed record's fields start empty (null): a value typed in on both
   * sides merges as if the field had not been there. */
  if (level == LEVEL_CHOICE_SETS && base != NULL && JSON_NODE_HOLDS_NULL (base))
    base = NULL;

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

  /* Attachments: a set by name and digest (fb_attachments_merge_sets ()). */
  if (top_level && g_strcmp0 (key, "_attachments") == 0)
    {
      if (JSON_NODE_HOLDS_OBJECT (mine) && JSON_NODE_HOLDS_OBJECT (theirs) &&
          (base == NULL || JSON_NODE_HOLDS_OBJECT (base)))
        {
          g_autoptr(JsonObject) empty = json_object_new ();
          JsonObject *object;
          JsonNode *node;

          object = fb_attachments_merge_sets (base != NULL ? json_node_get_object (base) : empty,
                                          json_node_get_object (mine),
                                          json_node_get_object (theirs));
          node = json_node_new (JSON_NODE_OBJECT);
          json_node_take_object (node, object);
          return node;
        }
      return NULL;
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
                              json_node_get_object (theirs),
                              level == LEVEL_TYPED_BODY && g_strcmp0 (key, "fields") == 0
                              ? LEVEL_CHOICE_SETS : LEVEL_NESTED);
      if (object == NULL)
        return NULL;

      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, object);
      return node;
    }

  /* Only the body's own "tags" and "order" have set semantics, and a
   * typed record's multiple choices; deeper down (a field that happens to
   * be called "tags") an array is a value whose duplicates and order may
   * mean something. */
  if (((top_level && (g_strcmp0 (key, "tags") == 0 || g_strcmp0 (key, "order") == 0))
       || level == LEVEL_CHOICE_SETS)
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
              MergeLevel  level,
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
      return fb_json_node_deep_copy (mine);
    }

  if (nodes_equal (base, mine))
    {
      if (theirs == NULL)
        {
          *removed = TRUE;
          return NULL;
        }
      return fb_json_node_deep_copy (theirs);
    }

  /* Changed on both sides, differently. Removal versus change collides. */
  if (mine == NULL || theirs == NULL)
    return NULL;

  return merge_changed_values (key, level, base, mine, theirs);
}

/* Key by key; mine's keys in mine's order, then keys only theirs has.
 * Returns NULL on the first conflict. */
static JsonObject *
merge_objects (JsonObject *base,
               JsonObject *mine,
               JsonObject *theirs,
               MergeLevel  level)
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

      merged = merge_member (key, level,
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

      merged = merge_member (key, level,
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
    {
      /* A file the attachment merge renames takes its field with it. */
      g_autoptr(JsonObject) mine_copy = deep_copy_object (mine);
      g_autoptr(JsonObject) theirs_copy = deep_copy_object (theirs);

      fb_attachments_merge_follow_renames (base, mine_copy, theirs_copy);
      result = merge_objects (base, mine_copy, theirs_copy,
                              fb_body_has_string (mine, "template") && fb_body_has_string (theirs, "template")
                              ? LEVEL_TYPED_BODY : LEVEL_BODY);
    }

  if (result == NULL)
    return FB_MERGE_CONFLICT;

  *merged = result;

  return FB_MERGE_CLEAN;
}
