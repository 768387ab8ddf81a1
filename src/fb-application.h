/* fb-application.h: the Fieldbook application: owns the store and the sync manager, opens windows */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "fb-store.h"
#include "fb-sync-manager.h"

G_BEGIN_DECLS

#define FB_TYPE_APPLICATION (fb_application_get_type ())
G_DECLARE_FINAL_TYPE (FbApplication, fb_application, FB, APPLICATION, AdwApplication)

/* Actions: app.quit (Ctrl+Q), app.new-window (Ctrl+Shift+N), app.about,
 * app.preferences (Ctrl+comma: the active window's preferences).
 *
 * At startup the application opens the store and makes one FbSyncManager
 * for it, set up from GSettings (server-url, database, user-name,
 * sync-enabled) and the keyring's password, and starts it. Later changes of
 * those keys are applied again, coalesced.
 *
 * When the last window closes while changes are still to be pushed and the
 * server can be reached, the application stays until they are on the
 * server (at most two minutes). Server changes that arrive while no window
 * is active are summed up in one notification, id "remote-changes".
 *
 * Signals:
 *   notification-sent (const char *id, const char *title,
 *     GNotification *notification): after the application sent a
 *     notification (also emitted without a session bus, when nobody could
 *     show it: for tests). */

FbApplication *fb_application_new                  (void);
/* For tests: @store (nullable: the default one, opened at startup) and
 * @monitor (nullable: g_network_monitor_get_default ()). Not unique, so it
 * never talks to a Fieldbook already running. */
FbApplication *fb_application_new_for_testing      (FbStore         *store,
                                                    GNetworkMonitor *monitor);
/* The store opened at startup; NULL if it could not be opened. */
FbStore       *fb_application_get_store            (FbApplication   *self);
/* NULL before startup and when the store could not be opened. */
FbSyncManager *fb_application_get_sync_manager     (FbApplication   *self);
/* TRUE while the application stays without windows to finish pushing. */
gboolean       fb_application_get_background_sync  (FbApplication   *self);

/* "3 notes updated", "1 record updated", "4 items updated": what the
 * notification says about @n_total changed items, of which @n_notes notes
 * and @n_records records (FbSyncManager::remote-changes). */
char          *fb_application_describe_remote_changes (guint            n_total,
                                                       guint            n_notes,
                                                       guint            n_records);

G_END_DECLS
