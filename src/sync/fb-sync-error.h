/* fb-sync-error.h: typed errors of the sync layer, so the UI can choose words */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FB_SYNC_ERROR (fb_sync_error_quark ())

typedef enum {
  FB_SYNC_ERROR_NOT_CONFIGURED,    /* no server URL set */
  FB_SYNC_ERROR_INVALID_URL,       /* the server URL cannot be parsed / wrong scheme */
  FB_SYNC_ERROR_UNREACHABLE,       /* DNS, connection refused, network down */
  FB_SYNC_ERROR_TIMEOUT,           /* no answer in time */
  FB_SYNC_ERROR_TLS,               /* certificate or TLS handshake problem */
  FB_SYNC_ERROR_UNAUTHORIZED,      /* 401: wrong user name or password */
  FB_SYNC_ERROR_FORBIDDEN,         /* 403 */
  FB_SYNC_ERROR_NOT_FOUND,         /* 404: e.g. the database does not exist */
  FB_SYNC_ERROR_TOO_MANY_REQUESTS, /* 429 (see fb_couch_client_get_retry_after) */
  FB_SYNC_ERROR_SERVER,            /* 5xx or another unexpected status */
  FB_SYNC_ERROR_BAD_RESPONSE,      /* not JSON, HTML, truncated, wrong shape */
  FB_SYNC_ERROR_STORE,             /* the local store failed (message from FbStore) */
  FB_SYNC_ERROR_NEEDS_PASSPHRASE,  /* the database is encrypted and no passphrase is set */
  FB_SYNC_ERROR_WRONG_PASSPHRASE,  /* the passphrase does not open the database's key */
  FB_SYNC_ERROR_UNDECRYPTABLE,     /* one document failed to decrypt (tampered, moved, another key) */
  FB_SYNC_ERROR_TOO_LARGE,         /* 413: more than the server takes (max_attachment_size, …) */
} FbSyncError;

GQuark fb_sync_error_quark (void);

/* TRUE for errors no automatic retry can mend: the account is wrong (user
 * name, password, permissions, the address) or missing. Sync then waits
 * for a new account or an explicit request; every other failure is
 * retried with backoff. */
gboolean fb_sync_error_needs_attention (const GError *error);

G_END_DECLS
