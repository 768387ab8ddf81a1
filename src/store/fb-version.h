/* fb-version.h: one earlier version of an item, kept on this device */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Where a version came from. */
typedef enum {
  FB_VERSION_ORIGIN_DEVICE,     /* edited on this device */
  FB_VERSION_ORIGIN_SERVER,     /* from the server (another device or client) */
  FB_VERSION_ORIGIN_MERGE,      /* a merge of this device's and the server's changes */
  FB_VERSION_ORIGIN_RESOLUTION, /* chosen when a conflict was resolved */
} FbVersionOrigin;

#define FB_TYPE_VERSION (fb_version_get_type ())
G_DECLARE_FINAL_TYPE (FbVersion, fb_version, FB, VERSION, GObject)

/* An immutable snapshot, like FbItem. */
FbVersion       *fb_version_new             (gint64           id,
                                             gint64           edited_at,
                                             FbVersionOrigin  origin,
                                             JsonObject      *body);
gint64           fb_version_get_id          (FbVersion *self);
/* When this version was written (ms since the epoch). */
gint64           fb_version_get_edited_at   (FbVersion *self);
FbVersionOrigin  fb_version_get_origin      (FbVersion *self);
JsonObject      *fb_version_get_body        (FbVersion *self);
const char      *fb_version_get_title       (FbVersion *self);

G_END_DECLS
