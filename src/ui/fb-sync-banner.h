/* fb-sync-banner.h: the banner that says in words why syncing fails */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "fb-store.h"
#include "fb-sync-manager.h"

G_BEGIN_DECLS

#define FB_TYPE_SYNC_BANNER (fb_sync_banner_get_type ())

G_DECLARE_FINAL_TYPE (FbSyncBanner, fb_sync_banner, FB, SYNC_BANNER, GtkWidget)

/* Follows the sync manager's state and last error: shown while a run
 * failed, with a button to try again (::retry is not needed: it asks the
 * manager itself) or to open the preferences (::show-preferences, with
 * TRUE when the password is what is wrong). Hidden while the store is
 * read-only: that has a banner of its own. */
void           fb_sync_banner_set_store   (FbSyncBanner  *self,
                                           FbStore       *store);
void           fb_sync_banner_set_manager (FbSyncBanner  *self,
                                           FbSyncManager *manager);
/* The words shown, or NULL when the banner is hidden. */
const char    *fb_sync_banner_get_text    (FbSyncBanner  *self);

G_END_DECLS
