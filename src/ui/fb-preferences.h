/* fb-preferences.h: the preferences window: sync server, account and on/off */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "fb-sync-manager.h"

G_BEGIN_DECLS

#define FB_TYPE_PREFERENCES (fb_preferences_get_type ())
G_DECLARE_FINAL_TYPE (FbPreferences, fb_preferences, FB, PREFERENCES, AdwPreferencesWindow)

/* A modal preferences window, transient for @parent (nullable). It edits the
 * GSettings keys server-url, database, user-name and sync-enabled of
 * "io.github.fieldbook.Fieldbook", and the password in the keyring
 * (FbCredentials, keyed by server address + user name; never in GSettings).
 * An entry row's change takes effect when it is applied (its apply button or
 * Enter) or when the window closes: then @manager (nullable) gets
 * fb_sync_manager_set_remote () with the new values and the password, and
 * fb_sync_manager_set_enabled () follows the switch. "Test Connection"
 * tries the values as typed and says the outcome in words; when the
 * database is missing it offers to create it. Call gtk_window_present (). */
GtkWidget     *fb_preferences_new             (GtkWindow     *parent,
                                               FbSyncManager *manager);
FbSyncManager *fb_preferences_get_manager     (FbPreferences *self);

/* Puts the keyboard focus in the password row (for a "wrong password"
 * banner's button) and, if the manager is waiting for a new password,
 * says why in the window. Works before or after presenting. */
void           fb_preferences_focus_password  (FbPreferences *self);

/* Applies any edited, not yet applied rows now (as closing does). */
void           fb_preferences_apply           (FbPreferences *self);

/* The outcome of the last "Test Connection", in words (never NULL). */
const char    *fb_preferences_get_test_result (FbPreferences *self);

/* TRUE for an http:// address whose host is not this computer: the
 * password would cross the network unencrypted. */
gboolean       fb_preferences_url_is_insecure (const char    *url);

G_END_DECLS
