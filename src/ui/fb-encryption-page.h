/* fb-encryption-page.h: the Preferences page for end-to-end encryption */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "fb-account.h"
#include "fb-sync-manager.h"

G_BEGIN_DECLS

#define FB_TYPE_ENCRYPTION_PAGE (fb_encryption_page_get_type ())
G_DECLARE_FINAL_TYPE (FbEncryptionPage, fb_encryption_page, FB, ENCRYPTION_PAGE, AdwPreferencesPage)

/* Turning encryption on, unlocking an encrypted database, changing the
 * passphrase and compacting, for @manager's database; @account is the
 * preferences window's (its passphrase is the keyring's). */
GtkWidget *fb_encryption_page_new (FbSyncManager *manager,
                                   FbAccount     *account);

G_END_DECLS
