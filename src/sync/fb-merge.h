/* fb-merge.h: three-way merge of item bodies (base, mine, theirs) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  FB_MERGE_CLEAN,     /* *merged holds the result */
  FB_MERGE_CONFLICT,  /* the person must choose; *merged is NULL */
} FbMergeOutcome;

/* Three-way merge of two bodies against their common ancestor.
 * @base: the last version both sides agreed on, or NULL when there is none
 *   (then both sides are treated as additions to an empty object).
 * @mine/@theirs: the bodies, or NULL for "this side deleted the item".
 * On FB_MERGE_CLEAN, *@merged (transfer full) is the merged body, or NULL if
 * the merged result is "deleted" (*@merged_deleted TRUE).
 * Rules: field by field; a field changed on one side only takes that side;
 * a string field changed on both sides is merged line by line (libgit2's
 * diff of each side against the base; changes to different lines merge,
 * neighbouring lines included, and only the same line changed differently,
 * or two different insertions at one place, collide); objects (record "fields") merge key by key; "tags" merge as
 * sets; "order" keeps mine's order plus theirs' additions, minus removals;
 * "_attachments" merge as a set (fb_attachments_merge_sets ()), and a file
 * it renames takes the side's record fields that named it along
 * (fb_attachments_merge_follow_renames ());
 * identical sides are never a conflict; delete versus an edit is a conflict,
 * delete versus unchanged is a delete. */
FbMergeOutcome fb_merge_bodies (JsonObject  *base,
                                JsonObject  *mine,
                                JsonObject  *theirs,
                                JsonObject **merged,
                                gboolean    *merged_deleted);

/* Line-based three-way merge of text. TRUE and *@merged when clean; FALSE
 * (and *@merged NULL) when lines collide. @base may be NULL (empty). */
gboolean       fb_merge_text   (const char  *base,
                                const char  *mine,
                                const char  *theirs,
                                char       **merged);

/* A line merge in which the lines that collide take @ours' version: all of
 * @theirs that merges, on @ours' side (libgit2's merge favouring ours).
 * @base may be NULL (empty). NULL when libgit2 cannot merge them. */
char          *fb_merge_text_favoring_ours (const char *base,
                                            const char *ours,
                                            const char *theirs);

G_END_DECLS
