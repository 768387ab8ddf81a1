/* fb-store-history.h: the Trash and the version history of the local store */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-store.h"
#include "fb-version.h"

G_BEGIN_DECLS

/* ---- Trash ----
 * Deleting an item (here or on another device) puts it in the Trash: the
 * deletion syncs as a tombstone, and this device keeps the last body.
 * fb_store_restore_item () brings it back as a local edit on top of
 * whatever the server has. */

/* Items in the Trash (fb_item_get_deleted () TRUE), last deleted first. */
GPtrArray   *fb_store_list_trash          (FbStore     *self,
                                           GError     **error);
guint        fb_store_get_trash_count     (FbStore     *self);
/* When @id went into the Trash (ms), or 0 if it is not there. */
gint64       fb_store_get_trashed_at      (FbStore     *self,
                                           const char  *id);
/* Deletes an item in the Trash for good: its body and history go; a
 * deletion the server does not have yet is still pushed. */
gboolean     fb_store_forget_item         (FbStore     *self,
                                           const char  *id,
                                           GError     **error);
/* Deletes for good everything that went into the Trash more than
 * @older_than_ms ago (0: everything). */
gboolean     fb_store_empty_trash         (FbStore     *self,
                                           gint64       older_than_ms,
                                           guint       *n_removed,
                                           GError     **error);

/* ---- Version history ----
 * Kept only on this device (never synced), compressed. A version is kept
 * before an edit when the item has no version of the last 10 minutes (or its
 * body came from elsewhere), before a pull, merge or conflict resolution
 * replaces a body, and when fb_store_keep_version () is called (the person
 * leaves the item). Identical consecutive versions are kept once. */

#define FB_HISTORY_PAUSE_MS              (10 * 60 * 1000)
#define FB_HISTORY_DEFAULT_MAX_VERSIONS  100
#define FB_HISTORY_DEFAULT_MAX_AGE_DAYS  180

/* Versions of @id (FbVersion), newest first. */
GPtrArray   *fb_store_list_versions       (FbStore     *self,
                                           const char  *id,
                                           GError     **error);
FbVersion   *fb_store_get_version         (FbStore     *self,
                                           const char  *id,
                                           gint64       version_id,
                                           GError     **error);
/* Keeps the current body of @id as a version (if it is not the newest). */
gboolean     fb_store_keep_version        (FbStore     *self,
                                           const char  *id,
                                           GError     **error);
/* Makes @version_id the current body of @id: one transaction, a local edit
 * (pending), the replaced body kept as a version. Its attachments that the
 * current body no longer lists come back too, the current ones stay;
 * @n_left_out (nullable) counts those that cannot, their file being
 * neither here nor in the server's version. Refused for an item in
 * conflict or in the Trash. */
gboolean     fb_store_restore_version     (FbStore     *self,
                                           const char  *id,
                                           gint64       version_id,
                                           guint       *n_left_out,
                                           GError     **error);
/* At most @max_versions per item (0: no limit); fb_store_prune_history ()
 * also drops versions older than @max_age_days (0: none), always keeping
 * each item's newest. */
void         fb_store_set_history_limits  (FbStore     *self,
                                           guint        max_versions,
                                           guint        max_age_days);
gboolean     fb_store_prune_history       (FbStore     *self,
                                           guint       *n_removed,
                                           GError     **error);
/* Bytes the history takes in the database (compressed bodies), and the
 * number of versions. */
gboolean     fb_store_get_history_size    (FbStore     *self,
                                           gint64      *bytes,
                                           gint64      *n_versions,
                                           GError     **error);

G_END_DECLS
