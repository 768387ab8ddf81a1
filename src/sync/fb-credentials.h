/* fb-credentials.h: the sync password in the keyring (libsecret / Secret portal) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

/* "io.github.fieldbook.Fieldbook.Password", attributes "server" and "user". */
const SecretSchema *fb_credentials_get_schema   (void);

/* Passwords are never logged. Results are plain strings (g_free them). An
 * empty or NULL @user is stored as "". */
void      fb_credentials_store_async   (const char           *server_url,
                                        const char           *user,
                                        const char           *password,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean  fb_credentials_store_finish  (GAsyncResult         *result,
                                        GError              **error);
gboolean  fb_credentials_store_sync    (const char           *server_url,
                                        const char           *user,
                                        const char           *password,
                                        GCancellable         *cancellable,
                                        GError              **error);

/* NULL without an error when nothing is stored. */
void      fb_credentials_lookup_async  (const char           *server_url,
                                        const char           *user,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
char     *fb_credentials_lookup_finish (GAsyncResult         *result,
                                        GError              **error);
char     *fb_credentials_lookup_sync   (const char           *server_url,
                                        const char           *user,
                                        GCancellable         *cancellable,
                                        GError              **error);

/* TRUE when a password was removed. */
void      fb_credentials_clear_async   (const char           *server_url,
                                        const char           *user,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean  fb_credentials_clear_finish  (GAsyncResult         *result,
                                        GError              **error);
gboolean  fb_credentials_clear_sync    (const char           *server_url,
                                        const char           *user,
                                        GCancellable         *cancellable,
                                        GError              **error);

/* The end-to-end encryption passphrase of @database on @server_url, in the
 * keyring too (never in settings, the database or logs). */
gboolean  fb_credentials_store_passphrase_sync  (const char    *server_url,
                                                 const char    *database,
                                                 const char    *passphrase,
                                                 GCancellable  *cancellable,
                                                 GError       **error);
char     *fb_credentials_lookup_passphrase_sync (const char    *server_url,
                                                 const char    *database,
                                                 GCancellable  *cancellable,
                                                 GError       **error);
void      fb_credentials_store_passphrase_async   (const char          *server_url,
                                                   const char          *database,
                                                   const char          *passphrase,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean  fb_credentials_store_passphrase_finish  (GAsyncResult        *result,
                                                   GError             **error);
void      fb_credentials_lookup_passphrase_async  (const char          *server_url,
                                                   const char          *database,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
char     *fb_credentials_lookup_passphrase_finish (GAsyncResult        *result,
                                                   GError             **error);

G_END_DECLS
