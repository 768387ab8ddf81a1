/* fb-item.h: an immutable snapshot of one stored note or record */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "fb-item-body.h"

G_BEGIN_DECLS

typedef enum {
  FB_ITEM_STATE_SYNCED,
  FB_ITEM_STATE_PENDING,
  FB_ITEM_STATE_CONFLICT,
} FbItemState;

#define FB_COLLECTION_NOTES   "notes"
#define FB_COLLECTION_RECORDS "records"
/* Record templates (fb-template.h): synced like notes and records. */
#define FB_COLLECTION_TEMPLATES "templates"

#define FB_TYPE_ITEM (fb_item_get_type ())
G_DECLARE_FINAL_TYPE (FbItem, fb_item, FB, ITEM, GObject)

/* An FbItem is a snapshot of one row: it never changes after it is made.
 * When the row changes the store emits FbStore::item-changed with a new
 * snapshot. Bodies returned here are owned by the item: do not modify. */

const char  *fb_item_get_id             (FbItem *self);
const char  *fb_item_get_collection     (FbItem *self);
JsonObject  *fb_item_get_body           (FbItem *self);
/* The body as the JSON text it is stored as (what fb_item_get_body ()
 * parses), e.g. to send it on without parsing it. */
const char  *fb_item_get_body_json      (FbItem *self);
gboolean     fb_item_get_deleted        (FbItem *self);
gint64       fb_item_get_created_at     (FbItem *self); /* ms since the epoch */
gint64       fb_item_get_updated_at     (FbItem *self); /* ms since the epoch */
FbItemState  fb_item_get_state          (FbItem *self);
gint64       fb_item_get_local_seq      (FbItem *self);
const char  *fb_item_get_base_rev       (FbItem *self); /* nullable */
JsonObject  *fb_item_get_base_body      (FbItem *self); /* nullable */
const char  *fb_item_get_server_rev     (FbItem *self); /* nullable; conflict only */
JsonObject  *fb_item_get_server_body    (FbItem *self); /* nullable; conflict only */
gboolean     fb_item_get_server_deleted (FbItem *self);
const char  *fb_item_get_sync_error     (FbItem *self); /* nullable */

/* Convenience over the body: "title" (never NULL, may be ""), and for notes
 * "text" (never NULL). */
const char  *fb_item_get_title          (FbItem *self);
const char  *fb_item_get_text           (FbItem *self);

G_END_DECLS
