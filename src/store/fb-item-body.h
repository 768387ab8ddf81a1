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

/* Reading a body (or any JSON object) safely: the member if it has the
 * type asked for, else "" for a string and NULL otherwise. @object may be
 * NULL. */
const char  *fb_body_get_string         (JsonObject *object,
                                         const char *member);
/* TRUE only when the member is the boolean true. */
gboolean     fb_body_get_boolean        (JsonObject *object,
                                         const char *member);
JsonObject  *fb_body_get_object         (JsonObject *object,
                                         const char *member);
JsonArray   *fb_body_get_array          (JsonObject *object,
                                         const char *member);
gboolean     fb_body_has_string         (JsonObject *object,
                                         const char *member);

/* The title as a person sees it: without surrounding spaces, and
 * “Untitled” when nothing is left. */
char        *fb_body_dup_display_title  (JsonObject *body);

/* A record's field names (char *): those in "order" that are fields, once
 * each, then the fields "order" does not name, as they are stored. */
GPtrArray   *fb_record_body_get_field_names (JsonObject *body);

/* Appends @str (UTF-8) as a JSON string, escaped as json-glib's generator
 * escapes it (\" \\ \b \f \n \r \t, other control characters and DEL
 * as \u00XX), so that text written here and by json-glib is the same;
 * except U+001F, which json-glib 1.6 leaves raw (not JSON). The one writer
 * of JSON strings: bodies and the documents sent to the server. */
void         fb_json_append_string      (GString    *out,
                                         const char *str);

/* An item's attachments: the CouchDB document's "_attachments", kept in
 * the body under this key in CouchDB's form (see fb-attachments.h), ours and
 * other programs' alike. A local edit of the body never changes it; only
 * fb-attachments.c and the server do. */
#define FB_BODY_ATTACHMENTS "_attachments"

/* Whether @name is a key of a document's envelope ("_id", "_rev",
 * "_deleted" and the other "_" keys but FB_BODY_ATTACHMENTS; "type",
 * "updated_at"), never part of an item's body. The one rule for CouchDB
 * documents (fb-couch-document.c) and the export format (fb-transfer.c). */
gboolean     fb_body_is_envelope_key    (const char *name);

/* The JSON text of @body with the attachments of @source (both JSON texts;
 * NULL @source: none), or NULL when @body has them already. */
/* A copy of @node that shares nothing with it: json_node_copy () shares
 * objects and arrays, so a merged body would change with its sides. */
JsonNode    *fb_json_node_deep_copy     (JsonNode   *node);

char        *fb_body_json_with_attachments_of (const char *body,
                                               const char *source);

G_END_DECLS
