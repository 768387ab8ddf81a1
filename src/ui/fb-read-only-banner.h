/* fb-read-only-banner.h: says why nothing can be saved while the store is read-only */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "fb-store.h"

G_BEGIN_DECLS

#define FB_TYPE_READ_ONLY_BANNER (fb_read_only_banner_get_type ())
G_DECLARE_FINAL_TYPE (FbReadOnlyBanner, fb_read_only_banner, FB, READ_ONLY_BANNER, GtkWidget)

/* Shown while @store is read-only (a full disk, a read-only location), with
 * the store's words and a button that tries to open it for writing again. */
GtkWidget  *fb_read_only_banner_new      (FbStore          *store);
/* What it says, or NULL while hidden (for tests). */
const char *fb_read_only_banner_get_text (FbReadOnlyBanner *self);
/* Tries to make the store writable again, as the button does. */
void        fb_read_only_banner_retry    (FbReadOnlyBanner *self);

G_END_DECLS
