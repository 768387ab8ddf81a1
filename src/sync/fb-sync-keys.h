/* fb-sync-keys.h: opening, making and rewrapping a database's encryption key */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "fb-couch-client.h"
#include "fb-store.h"

G_BEGIN_DECLS

/* Before a run reads or writes anything: is the database encrypted, and
 * can we read it? With the server's keys document (FB_CRYPTO_KEYS_ID):
 * the client's passphrase opens its data key, which the client then uses
 * for every document (FB_SYNC_ERROR_NEEDS_PASSPHRASE without one,
 * FB_SYNC_ERROR_WRONG_PASSPHRASE when it does not open it; nothing is read
 * or written then). Without one and with a passphrase: encryption is
 * turned on — a new data key is wrapped into a new keys document, and
 * every synced item of @store becomes pending, so that the run's push
 * replaces the server's plain copies (*@turned_on TRUE, *@n_marked how
 * many). Without either: plain, as before. The key derivation (Argon2id,
 * about a second) runs in a worker thread. */
void     fb_sync_keys_unlock_async  (FbStore              *store,
                                     FbCouchClient        *client,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
gboolean fb_sync_keys_unlock_finish (GAsyncResult         *result,
                                     gboolean             *turned_on,
                                     guint                *n_marked,
                                     GError              **error);

/* The same data key wrapped with @new_passphrase instead of the client's
 * passphrase (which must open it): no document is encrypted again, and
 * other devices need the new passphrase from then on. */
void     fb_sync_keys_rewrap_async  (FbCouchClient        *client,
                                     const char           *new_passphrase,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
gboolean fb_sync_keys_rewrap_finish (GAsyncResult         *result,
                                     GError              **error);

G_END_DECLS
