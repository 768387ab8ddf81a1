/* fb-attachments-merge.c: an item's attachments merged as a set */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <string.h>

#include "fb-attachments.h"
#include "fb-item-body.h"

/* The one rule for two sides' attachments, used by a sync's merge
 * (fb-merge.c) and by Keep Mine in the conflict resolver
 * (fb-store-conflicts.c). */

static const char *
entry_digest (JsonObject *attachments,
              const char *name)
{
  JsonObject *entry = attachments != NULL ? fb_body_get_object (attachments, name) : NULL;

  return entry != NULL ? fb_body_get_string (entry, "digest") : NULL;
}

/* An item's attachments merge as a set by name and digest, never as a
 * conflict: what one side added or changed is kept, what one side removed
 * while the other left it is removed, and the same name with other bytes
 * on both sides keeps both (one under a free name). The same bytes in
 * another form (our entry, the server's stub) are the same attachment:
 * the stub is taken, as the server has it. */
/* @renames (nullable) gets, for each file given a free name, the old
 * name, the new one and the side (@mine or @theirs) whose file it was. */
static JsonObject *
merge_sets (JsonObject *base,
            JsonObject *mine,
            JsonObject *theirs,
            GPtrArray  *renames)
{
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(GPtrArray) renamed = g_ptr_array_new ();
  JsonObject *sides[] = { mine, theirs };

  for (guint s = 0; s < G_N_ELEMENTS (sides); s++)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      json_object_iter_init_ordered (&iter, sides[s]);
      while (json_object_iter_next_ordered (&iter, &name, &node))
        {
          const char *b = entry_digest (base, name);
          const char *m = entry_digest (mine, name);
          const char *t = entry_digest (theirs, name);
          JsonNode *taken;

          if (json_object_has_member (result, name))
            continue;

          if (g_strcmp0 (m, t) == 0)
            taken = t != NULL && json_object_has_member (fb_body_get_object (theirs, name), "stub")
                    ? json_object_get_member (theirs, name) : json_object_get_member (mine, name);
          else if (g_strcmp0 (b, t) == 0)
            taken = m != NULL ? json_object_get_member (mine, name) : NULL;
          else if (g_strcmp0 (b, m) == 0)
            taken = t != NULL ? json_object_get_member (theirs, name) : NULL;
          else if (m == NULL || t == NULL)
            /* Removed on one side, changed on the other: the change stays. */
            taken = m != NULL ? json_object_get_member (mine, name) : json_object_get_member (theirs, name);
          else
            {
              /* Other bytes under one name on both sides: the server's stub
               * keeps it (or the smaller digest, so that either order of
               * the sides gives the same); the other gets a free name. */
              gboolean m_stub = json_object_has_member (fb_body_get_object (mine, name), "stub");
              gboolean t_stub = json_object_has_member (fb_body_get_object (theirs, name), "stub");
              gboolean keep_theirs = t_stub != m_stub ? t_stub : strcmp (t, m) < 0;

              taken = json_object_get_member (keep_theirs ? theirs : mine, name);
              g_ptr_array_add (renamed, (gpointer) name);
              g_ptr_array_add (renamed, keep_theirs ? mine : theirs);
            }

          if (taken != NULL)
            json_object_set_member (result, name, fb_json_node_deep_copy (taken));
        }
    }

  for (guint i = 0; i + 1 < renamed->len; i += 2)
    {
      g_autofree char *free = fb_attachments_free_name (result, renamed->pdata[i]);

      json_object_set_member (result, free,
                              fb_json_node_deep_copy (json_object_get_member (renamed->pdata[i + 1],
                                                                      renamed->pdata[i])));
      if (renames != NULL)
        {
          g_ptr_array_add (renames, g_strdup (renamed->pdata[i]));
          g_ptr_array_add (renames, g_steal_pointer (&free));
          g_ptr_array_add (renames, renamed->pdata[i + 1]);
        }
    }

  return g_steal_pointer (&result);
}

JsonObject *
fb_attachments_merge_sets (JsonObject *base,
                           JsonObject *mine,
                           JsonObject *theirs)
{
  return merge_sets (base, mine, theirs, NULL);
}

static JsonObject *
attachments_of (JsonObject *body)
{
  return body != NULL ? fb_body_get_object (body, FB_BODY_ATTACHMENTS) : NULL;
}

/* Whether @value (a field's value) is a list of names holding @name. */
static gboolean
names_hold (JsonNode   *value,
            const char *name)
{
  JsonArray *array;

  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    return FALSE;
  array = json_node_get_array (value);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING &&
          g_strcmp0 (json_node_get_string (element), name) == 0)
        return TRUE;
    }
  return FALSE;
}

/* In @side's fields, every list of names that holds @old_name gets
 * @new_name just after it; @old_name stays only where @base's same field
 * named it too (then it is the other side's file now, and this side did
 * not take it out). */
static void
follow_rename (JsonObject *base,
               JsonObject *side,
               const char *old_name,
               const char *new_name)
{
  JsonObject *fields = fb_body_get_object (side, "fields");
  JsonObject *base_fields = base != NULL ? fb_body_get_object (base, "fields") : NULL;
  JsonObjectIter iter;
  const char *field;
  JsonNode *value;

  if (fields == NULL)
    return;

  json_object_iter_init (&iter, fields);
  while (json_object_iter_next (&iter, &field, &value))
    {
      gboolean keep_old;
      JsonArray *array;
      JsonArray *names;

      if (!names_hold (value, old_name))
        continue;
      keep_old = base_fields != NULL && names_hold (json_object_get_member (base_fields, field), old_name);
      array = json_node_get_array (value);
      names = json_array_new ();
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          gboolean is_old = JSON_NODE_HOLDS_VALUE (element) &&
                            json_node_get_value_type (element) == G_TYPE_STRING &&
                            g_strcmp0 (json_node_get_string (element), old_name) == 0;

          if (!is_old || keep_old)
            json_array_add_element (names, json_node_copy (element));
          if (is_old && !names_hold (value, new_name))
            json_array_add_string_element (names, new_name);
        }
      json_node_take_array (value, names);
    }
}

void
fb_attachments_merge_follow_renames (JsonObject *base,
                                     JsonObject *mine,
                                     JsonObject *theirs)
{
  g_autoptr(JsonObject) none = json_object_new ();
  g_autoptr(GPtrArray) renames = g_ptr_array_new ();
  g_autoptr(JsonObject) merged = NULL;
  JsonObject *base_set = attachments_of (base);
  JsonObject *mine_set = attachments_of (mine);
  JsonObject *theirs_set = attachments_of (theirs);

  if (mine == NULL || theirs == NULL || mine_set == NULL || theirs_set == NULL)
    return;

  merged = merge_sets (base_set != NULL ? base_set : none, mine_set, theirs_set, renames);
  for (guint i = 0; i + 2 < renames->len; i += 3)
    {
      follow_rename (base, renames->pdata[i + 2] == mine_set ? mine : theirs,
                     renames->pdata[i], renames->pdata[i + 1]);
      g_free (renames->pdata[i]);
      g_free (renames->pdata[i + 1]);
    }
}
