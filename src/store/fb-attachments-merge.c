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
JsonObject *
fb_attachments_merge_sets (JsonObject *base,
                           JsonObject *mine,
                           JsonObject *theirs)
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
    }

  return g_steal_pointer (&result);
}
