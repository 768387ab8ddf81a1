/* fb-edit-merge.c: a version from elsewhere meets unsaved edits of the same item */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include "fb-edit-merge.h"

/* The policy for edits on screen lives here, beside sync's, so that the
 * window only shows the outcome: a clean merge is shown, a collision is a
 * store conflict like any other (the editor's banner offers to resolve). */

gboolean
fb_edit_merge (FbStore        *store,
               FbItem         *base,
               JsonObject     *mine,
               FbItem         *theirs,
               FbMergeOutcome  *result,
               JsonObject    **merged,
               GError        **error)
{
  g_autoptr(JsonObject) out = NULL;
  gboolean out_deleted = FALSE;

  g_return_val_if_fail (FB_IS_STORE (store), FALSE);
  g_return_val_if_fail (FB_IS_ITEM (base) && FB_IS_ITEM (theirs), FALSE);
  g_return_val_if_fail (mine != NULL, FALSE);
  g_return_val_if_fail (result != NULL && merged != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *merged = NULL;
  if (fb_item_get_state (theirs) != FB_ITEM_STATE_CONFLICT &&
      fb_merge_bodies (fb_item_get_body (base), mine, fb_item_get_body (theirs),
                       &out, &out_deleted) == FB_MERGE_CLEAN && out != NULL)
    {
      *result = FB_MERGE_CLEAN;
      *merged = g_steal_pointer (&out);
      return TRUE;
    }

  *result = FB_MERGE_CONFLICT;
  return fb_store_keep_edit_in_conflict (store, fb_item_get_id (theirs), mine, error);
}
