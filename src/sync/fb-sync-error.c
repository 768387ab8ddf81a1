/* fb-sync-error.c: the error domain of the sync layer */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-couch"

#include "config.h"

#include "fb-sync-error.h"

G_DEFINE_QUARK (fb-sync-error-quark, fb_sync_error)

gboolean
fb_sync_error_is_transient (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain != FB_SYNC_ERROR)
    return FALSE;

  switch ((FbSyncError) error->code)
    {
    case FB_SYNC_ERROR_UNREACHABLE:
    case FB_SYNC_ERROR_TIMEOUT:
    case FB_SYNC_ERROR_TOO_MANY_REQUESTS:
    case FB_SYNC_ERROR_SERVER:
    case FB_SYNC_ERROR_BAD_RESPONSE:
      return TRUE;

    case FB_SYNC_ERROR_NOT_CONFIGURED:
    case FB_SYNC_ERROR_INVALID_URL:
    case FB_SYNC_ERROR_TLS:
    case FB_SYNC_ERROR_UNAUTHORIZED:
    case FB_SYNC_ERROR_FORBIDDEN:
    case FB_SYNC_ERROR_NOT_FOUND:
    case FB_SYNC_ERROR_STORE:
    default:
      return FALSE;
    }
}
