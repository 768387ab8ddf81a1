/* fb-item-body.h: the bodies of notes and records, and their JSON text */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Body helpers. A note is {"title", "text", "tags": []}; a record is
 * {"title", "fields": {name: value}, "order": [names]}. Unknown keys are
 * kept as they are. */
JsonObject  *fb_note_body_new           (const char *title,
                                         const char *text);
JsonObject  *fb_record_body_new         (const char *title);
JsonObject  *fb_body_copy               (JsonObject *body);
gboolean     fb_body_equal              (JsonObject *a,
                                         JsonObject *b);
char        *fb_body_to_string          (JsonObject *body);
JsonObject  *fb_body_from_string        (const char  *json,
                                         GError     **error);

/* Another program's attachments: the CouchDB document's "_attachments"
 * stubs, kept in the body under this key so that writing the item back
 * keeps them. The editors never show or change it; only the server does. */
#define FB_BODY_ATTACHMENTS "_attachments"

/* The JSON text of @body with the attachments of @source (both JSON texts;
 * NULL @source: none), or NULL when @body has them already. */
char        *fb_body_json_with_attachments_of (const char *body,
                                               const char *source);

G_END_DECLS
