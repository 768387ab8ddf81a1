/* fb-sync-error.c: the error domain of the sync layer */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-couch"

#include "config.h"

#include "fb-sync-error.h"

G_DEFINE_QUARK (fb-sync-error-quark, fb_sync_error)

gboolean
fb_sync_error_needs_attention (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  return g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED) ||
         g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_FORBIDDEN) ||
         g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_INVALID_URL) ||
         g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_CONFIGURED) ||
         g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_NEEDS_PASSPHRASE) ||
         g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_WRONG_PASSPHRASE);
}
