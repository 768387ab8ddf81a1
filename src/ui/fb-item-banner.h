/* fb-item-banner.h: the editor's banner about the item on screen */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "fb-item.h"

G_BEGIN_DECLS

#define FB_TYPE_ITEM_BANNER (fb_item_banner_get_type ())

G_DECLARE_FINAL_TYPE (FbItemBanner, fb_item_banner, FB, ITEM_BANNER, GtkWidget)

/* Shown while the item (nullable) is in conflict: "Changed on another
 * device too" with a Resolve button, which emits ::resolve with the item's
 * id. */
GtkWidget  *fb_item_banner_new        (void);
void        fb_item_banner_set_item   (FbItemBanner *self,
                                       FbItem       *item);
/* The words shown, or NULL when the banner is hidden. */
const char *fb_item_banner_get_text   (FbItemBanner *self);
GtkButton  *fb_item_banner_get_button (FbItemBanner *self);

G_END_DECLS
