/* fb-couch-document.c: an item as a CouchDB document, and back */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-couch-document"

#include "config.h"

#include <string.h>

#include "fb-couch-document.h"

/* Owns the mapping between FbItem and the document the server stores:
 * which keys are the envelope ("_id", "_rev", "_deleted", "type",
 * "updated_at") and which the body, that unknown keys and "_attachments"
 * stubs survive, and the JSON text a push sends. Attachments and
 * encryption plug in here. */

#define KEY_TYPE       "type"
#define KEY_UPDATED_AT "updated_at"
/* Room for the envelope around a spliced body. */
#define ENVELOPE_RESERVE 128

/* Which keys belong to the document envelope, not to the item's body, is
 * fb_body_is_envelope_key ()'s rule. "_attachments" is the document's too,
 * but it is another program's data that must survive our writes: the body
 * keeps it (FB_BODY_ATTACHMENTS). */

JsonObject *
fb_couch_document_new (const char *id,
                       const char *rev,
                       const char *collection,
                       JsonObject *body,
                       gint64      updated_at)
{
  JsonObject *doc;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (body == NULL || collection != NULL, NULL);

  doc = json_object_new ();
  json_object_set_string_member (doc, "_id", id);
  if (rev != NULL)
    json_object_set_string_member (doc, "_rev", rev);

  if (body == NULL)
    {
      json_object_set_boolean_member (doc, "_deleted", TRUE);
    }
  else
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_set_string_member (doc, KEY_TYPE, collection);
      json_object_iter_init (&iter, body);
      while (json_object_iter_next (&iter, &name, &value))
        if (!fb_body_is_envelope_key (name))
          json_object_set_member (doc, name, json_node_copy (value));
      json_object_set_int_member (doc, KEY_UPDATED_AT, updated_at);
    }

  return doc;
}

JsonObject *
fb_couch_document_from_item (FbItem   *item,
                             gboolean  with_rev)
{
  g_return_val_if_fail (FB_IS_ITEM (item), NULL);

  return fb_couch_document_new (fb_item_get_id (item),
                                with_rev ? fb_item_get_base_rev (item) : NULL,
                                fb_item_get_collection (item),
                                fb_item_get_deleted (item) ? NULL : fb_item_get_body (item),
                                fb_item_get_updated_at (item));
}

JsonObject *
fb_couch_document_get_body (JsonObject *doc)
{
  JsonObject *body;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  g_return_val_if_fail (doc != NULL, NULL);

  body = json_object_new ();
  json_object_iter_init (&iter, doc);
  while (json_object_iter_next (&iter, &name, &value))
    if (!fb_body_is_envelope_key (name))
      json_object_set_member (body, name, json_node_copy (value));

  return body;
}

gboolean
fb_couch_document_is_deleted (JsonObject *doc)
{
  g_return_val_if_fail (doc != NULL, FALSE);

  return json_object_get_boolean_member_with_default (doc, "_deleted", FALSE);
}

const char *
fb_couch_document_get_type (JsonObject *doc)
{
  g_return_val_if_fail (doc != NULL, NULL);

  return json_object_get_string_member_with_default (doc, KEY_TYPE, NULL);
}

gint64
fb_couch_document_get_updated_at (JsonObject *doc,
                                  gint64      fallback)
{
  g_return_val_if_fail (doc != NULL, fallback);

  return json_object_get_int_member_with_default (doc, KEY_UPDATED_AT, fallback);
}

gboolean
fb_couch_document_type_is_ours (const char *type)
{
  return g_strcmp0 (type, FB_COLLECTION_NOTES) == 0 ||
         g_strcmp0 (type, FB_COLLECTION_RECORDS) == 0 ||
         g_strcmp0 (type, FB_COLLECTION_TEMPLATES) == 0;
}

guint64
fb_couch_rev_generation (const char *rev)
{
  return rev != NULL ? g_ascii_strtoull (rev, NULL, 10) : 0;
}

/* A live item's stored body is spliced in as it is, without parsing it and
 * writing it again, unless it might hold a key of the envelope. */
char *
fb_couch_document_to_json (FbItem *item)
{
  const char *body;
  const char *base_rev;
  gsize len;
  GString *out;

  g_return_val_if_fail (FB_IS_ITEM (item), NULL);

  body = fb_item_get_body_json (item);
  base_rev = fb_item_get_base_rev (item);
  len = body != NULL ? strlen (body) : 0;

  /* A control character as it is (json-glib 1.6 stored U+001F so) is not
   * JSON: such a body is written again, by fb_body_to_string (). */
  if (fb_item_get_deleted (item) || len < 2 || body[0] != '{' || body[len - 1] != '}' ||
      strstr (body, "\"_") != NULL || strstr (body, "\"type\"") != NULL ||
      strstr (body, "\"updated_at\"") != NULL || !g_utf8_validate (body, len, NULL) ||
      strpbrk (body, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
                     "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f") != NULL)
    {
      g_autoptr(JsonObject) document = fb_couch_document_from_item (item, TRUE);

      return fb_body_to_string (document);
    }

  out = g_string_sized_new (len + ENVELOPE_RESERVE);
  g_string_append (out, "{\"_id\":");
  fb_json_append_string (out, fb_item_get_id (item));
  if (base_rev != NULL)
    {
      g_string_append (out, ",\"_rev\":");
      fb_json_append_string (out, base_rev);
    }
  g_string_append (out, ",\"" KEY_TYPE "\":");
  fb_json_append_string (out, fb_item_get_collection (item));
  if (len > 2)
    {
      g_string_append_c (out, ',');
      g_string_append_len (out, body + 1, len - 2);
    }
  g_string_append_printf (out, ",\"" KEY_UPDATED_AT "\":%" G_GINT64_FORMAT "}",
                          fb_item_get_updated_at (item));

  return g_string_free (out, FALSE);
}
