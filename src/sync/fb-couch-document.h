/* fb-couch-document.h: an item as a CouchDB document, and back */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <json-glib/json-glib.h>

#include "fb-item.h"

G_BEGIN_DECLS

/* A document: {"_id", "_rev" (when not NULL), "type": @collection, ...@body
 * (its envelope keys left out, unknown keys and "_attachments" kept),
 * "updated_at"}, or {"_id", "_rev", "_deleted": true} when @body is NULL. */
JsonObject *fb_couch_document_new            (const char  *id,
                                              const char  *rev,
                                              const char  *collection,
                                              JsonObject  *body,
                                              gint64       updated_at);
/* The document of an item: {"_id", "_rev" (its base_rev, with @with_rev),
 * "type": collection, ...body, "updated_at"}, or {"_id", "_rev",
 * "_deleted": true} for a tombstone. Also the export format's items. */
JsonObject *fb_couch_document_from_item      (FbItem      *item,
                                              gboolean     with_rev);
/* The same document (with its "_rev") as JSON text, ready for _bulk_docs:
 * the stored body is spliced in as it is where that is safe. */
char       *fb_couch_document_to_json        (FbItem      *item);

/* The item body inside a document: everything but "_…" keys, "type" and
 * "updated_at" (unknown keys are kept, and so are "_attachments" stubs,
 * under FB_BODY_ATTACHMENTS). */
JsonObject *fb_couch_document_get_body       (JsonObject  *doc);
/* The envelope: "_deleted", "type" (NULL when absent), "updated_at" (ms,
 * @fallback when absent). */
gboolean    fb_couch_document_is_deleted     (JsonObject  *doc);
const char *fb_couch_document_get_type       (JsonObject  *doc);
gint64      fb_couch_document_get_updated_at (JsonObject  *doc,
                                              gint64       fallback);
/* Whether @type names a collection of ours (notes, records): other
 * programs' documents are left alone. */
gboolean    fb_couch_document_type_is_ours   (const char  *type);

/* The leading number of a CouchDB revision ("3-abc" → 3; 0 for NULL). */
guint64     fb_couch_rev_generation          (const char  *rev);

G_END_DECLS
