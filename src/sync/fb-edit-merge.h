/* fb-edit-merge.h: a version from elsewhere meets unsaved edits of the same item */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-merge.h"
#include "fb-store.h"

G_BEGIN_DECLS

/* The person has unsaved edits @mine, made on @base, when @theirs arrives
 * (a pull, a merge, another window's save). As sync does, the two are
 * merged against @base, so neither side's words are lost:
 * - FB_MERGE_CLEAN: *@merged is the result, for the editor to show and
 *   save with the person's next change;
 * - FB_MERGE_CONFLICT: the same lines changed on both sides, or @theirs is
 *   in conflict already: the store now keeps @mine as this device's side
 *   of a conflict (fb_store_keep_edit_in_conflict ()), nothing is
 *   overwritten; *@merged is NULL.
 * FALSE with @error when the store could not keep it (the edits stay
 * unsaved on screen). */
gboolean fb_edit_merge (FbStore        *store,
                        FbItem         *base,
                        JsonObject     *mine,
                        FbItem         *theirs,
                        FbMergeOutcome  *result,
                        JsonObject    **merged,
                        GError        **error);

G_END_DECLS
