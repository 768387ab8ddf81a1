/* fb-account.h: the sync account: the settings' server, database and user, and the keyring's password */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fb-couch-client.h"
#include "fb-sync-manager.h"

G_BEGIN_DECLS

/* The GSettings schema of the application (sync account, window state,
 * Trash and history limits). */
#define FB_SETTINGS_SCHEMA_ID       "io.github.fieldbook.Fieldbook"
/* The database used when none is set. */
#define FB_ACCOUNT_DEFAULT_DATABASE "fieldbook"

/* The application's settings, or NULL when the schema is not installed
 * (e.g. run from the build tree): then nothing is remembered. */
GSettings *fb_settings_new_if_installed (void);

#define FB_TYPE_ACCOUNT (fb_account_get_type ())
G_DECLARE_FINAL_TYPE (FbAccount, fb_account, FB, ACCOUNT, GObject)

/* An account reads server-url, database, user-name and sync-enabled from
 * @settings (nullable: an account that only holds what it is given) at
 * construction. The password is the keyring's (FbCredentials, keyed by
 * server address + user name), never in GSettings; it is NULL until
 * fb_account_load_password_async () or a save.
 *
 * Later changes of the settings are followed: sync-enabled at once; the
 * server, database and user coalesced (one apply of the preferences writes
 * up to three keys) and together with the password the keyring holds for
 * them, then "changed" is emitted. Changes this account saved itself are
 * already its values and emit nothing more.
 *
 * Properties (read-only, notified on change): server-url (never NULL, ""
 * for none), database (never empty), user (never NULL, "" for none),
 * enabled.
 *
 * Signals:
 *   changed (): the server, database, user, password or passphrase
 *     changed; the values and the secrets go together. */
FbAccount     *fb_account_new                (GSettings     *settings);

const char    *fb_account_get_server_url     (FbAccount     *self);
const char    *fb_account_get_database       (FbAccount     *self);
const char    *fb_account_get_user           (FbAccount     *self);
/* NULL when none is known. */
const char    *fb_account_get_password       (FbAccount     *self);
/* The database's end-to-end encryption passphrase from the keyring
 * (keyed by server address + database); NULL when none is known. */
const char    *fb_account_get_passphrase     (FbAccount     *self);
gboolean       fb_account_get_enabled        (FbAccount     *self);
/* TRUE once a server address is set. */
gboolean       fb_account_is_configured      (FbAccount     *self);

/* Sets the values in memory only (for the command line's options, or to
 * test values as typed); NULL or "" @database is the default one. Emits
 * "changed" when something changed. */
void           fb_account_set                (FbAccount     *self,
                                              const char    *server_url,
                                              const char    *database,
                                              const char    *user,
                                              const char    *password);

/* Looks up the keyring's password for the current server and user, and
 * the passphrase for the server and database. On an error (no keyring)
 * they stay NULL: the server says whether it needs them. */
void           fb_account_load_password_async  (FbAccount           *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean       fb_account_load_password_finish (FbAccount           *self,
                                                GAsyncResult        *result,
                                                GError             **error);
gboolean       fb_account_load_password_sync   (FbAccount           *self,
                                                GCancellable        *cancellable,
                                                GError             **error);

/* Makes these the account's values now (as fb_account_set ()), then
 * stores the password in the keyring (or removes it when emptied for the
 * same server and user), and only then writes the settings that differ:
 * whoever follows the settings finds the new password already there. Not
 * cancellable: what the person applied is saved. The error is the
 * keyring's. */
void           fb_account_save_async         (FbAccount           *self,
                                              const char          *server_url,
                                              const char          *database,
                                              const char          *user,
                                              const char          *password,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean       fb_account_save_finish        (FbAccount           *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Stores @passphrase (not empty) in the keyring for the account's server
 * and database, then makes it the account's. The error is the keyring's
 * (or FB_SYNC_ERROR_NOT_CONFIGURED). */
void           fb_account_save_passphrase_async  (FbAccount           *self,
                                                  const char          *passphrase,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean       fb_account_save_passphrase_finish (FbAccount           *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Gives @manager the account's server, database, user, password and
 * passphrase. */
void           fb_account_configure          (FbAccount     *self,
                                              FbSyncManager *manager);

/* "Test Connection": opens the account's database (creating it when
 * @create) and returns the server's database info, or an FB_SYNC_ERROR
 * (FB_SYNC_ERROR_NOT_FOUND: no such database). */
void           fb_account_test_async         (FbAccount           *self,
                                              gboolean             create,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
JsonObject    *fb_account_test_finish        (FbAccount           *self,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
