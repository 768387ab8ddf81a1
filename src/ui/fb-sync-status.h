/* fb-sync-status.h: the sync status: state icon and words, badges, refresh */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "fb-sync-manager.h"

G_BEGIN_DECLS

#define FB_TYPE_SYNC_STATUS (fb_sync_status_get_type ())
G_DECLARE_FINAL_TYPE (FbSyncStatus, fb_sync_status, FB, SYNC_STATUS, GtkWidget)

/* A small bar (the window shows it under the list) that follows @manager's properties
 * (state, online, pending-count, conflict-count, last-synced, last-error):
 *
 *  - an icon for the state (not set up, offline, server unreachable, up to
 *    date, syncing, needs attention) whose tooltip and accessible label say
 *    the same in words, with the last sync time and the last error;
 *  - beside it a short label that is always visible ("Synced at 19:27",
 *    "Offline", "Can’t reach the server, retrying in 7 s"; while a file
 *    is sent or downloaded, which and how far: "Sending “heron.jpg”…
 *    40 %", also in the description and the popover); icon and label
 *    are one button: a click opens a popover with the whole description,
 *    or, while sync is not set up, activates "win.show-preferences";
 *  - an "N pending" badge (hidden at zero, and while sync is not set up or
 *    turned off, when everything would be "pending" for ever);
 *  - an "N conflicts" button (hidden at zero); clicking it emits
 *    ::resolve-conflicts. Return TRUE from a handler to say it was handled;
 *    when no handler does, the widget activates the action
 *    "win.resolve-conflicts" (so installing that action on the window is
 *    enough);
 *  - a refresh button that calls fb_sync_manager_sync_now (); it shows a
 *    spinner and is insensitive while syncing, and is insensitive when sync
 *    is not set up.
 *
 * @manager: nullable (the widget then shows "not set up"). The "manager"
 * property can be changed later. */
GtkWidget     *fb_sync_status_new          (FbSyncManager *manager);
FbSyncManager *fb_sync_status_get_manager  (FbSyncStatus  *self);
void           fb_sync_status_set_manager  (FbSyncStatus  *self,
                                            FbSyncManager *manager);

/* What the status icon's tooltip and accessible label say right now
 * (several lines: state, error, last sync time). For tests and for a
 * banner that wants the same words. */
char          *fb_sync_status_dup_description (FbSyncStatus *self);
/* What the label beside the icon says ("Synced at 19:27", "Offline"). */
char          *fb_sync_status_dup_summary     (FbSyncStatus *self);
/* The popover a click on the state opens (when sync is set up; when not,
 * the click activates "win.show-preferences"), and what it says. */
gboolean       fb_sync_status_get_details_shown (FbSyncStatus *self);
const char    *fb_sync_status_get_details     (FbSyncStatus *self);

G_END_DECLS
