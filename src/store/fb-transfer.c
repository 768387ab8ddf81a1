/* fb-transfer.c: the export file format (--export, --import), written and read item by item */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-transfer"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fb-transfer.h"

/* Owns the export file: which keys of an item it holds, the JSON text it
 * is written as, and checking and importing what a file holds. The window's
 * Import/Export and the command line both use it. */

#define KEY_ID         "_id"
#define KEY_TYPE       "type"
#define KEY_UPDATED_AT "updated_at"

G_DEFINE_QUARK (fb-transfer-error-quark, fb_transfer_error)

/* The keys of the envelope, as in a CouchDB document: never part of the
 * body. "_attachments" is another program's data, kept in the body. */
static gboolean
is_envelope_key (const char *name)
{
  return (name[0] == '_' && strcmp (name, FB_BODY_ATTACHMENTS) != 0) ||
         strcmp (name, KEY_TYPE) == 0 ||
         strcmp (name, KEY_UPDATED_AT) == 0;
}

/* ---- Writing ---- */

static JsonNode *
item_to_node (FbItem *item)
{
  JsonObject *doc = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_set_string_member (doc, KEY_ID, fb_item_get_id (item));
  json_object_set_string_member (doc, KEY_TYPE, fb_item_get_collection (item));
  json_object_iter_init (&iter, fb_item_get_body (item));
  while (json_object_iter_next (&iter, &name, &value))
    if (!is_envelope_key (name))
      json_object_set_member (doc, name, json_node_copy (value));
  json_object_set_int_member (doc, KEY_UPDATED_AT, fb_item_get_updated_at (item));

  json_node_take_object (node, doc);
  return node;
}

/* Appends @item as an element of the "items" array, indented as
 * json-glib's generator indents the whole file: a line break inside a
 * string is written as \n, so every line of the item's text is one line. */
static void
append_item (GString       *out,
             JsonGenerator *generator,
             FbItem        *item)
{
  g_autoptr(JsonNode) node = item_to_node (item);
  g_autofree char *text = NULL;
  const char *line;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);

  line = text;
  while (line != NULL)
    {
      const char *end = strchr (line, '\n');

      g_string_append (out, "    ");
      g_string_append_len (out, line, end != NULL ? end - line + 1 : (gssize) strlen (line));
      line = end != NULL ? end + 1 : NULL;
    }
}

gboolean
fb_transfer_export (FbStore                 *store,
                    GOutputStream           *out,
                    FbTransferProgressFunc   progress,
                    gpointer                 user_data,
                    guint                   *n_items,
                    GCancellable            *cancellable,
                    GError                 **error)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GString) chunk = NULL;

  g_return_val_if_fail (FB_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  items = fb_store_list_items (store, NULL, error);
  if (items == NULL)
    return FALSE;

  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);

  chunk = g_string_new (NULL);
  g_string_printf (chunk, "{\n  \"fieldbook\" : %d,\n  \"items\" : [", FB_TRANSFER_VERSION);
  for (guint i = 0; i < items->len; i++)
    {
      g_string_append (chunk, i == 0 ? "\n" : ",\n");
      append_item (chunk, generator, items->pdata[i]);
      if (!g_output_stream_write_all (out, chunk->str, chunk->len, NULL, cancellable, error))
        return FALSE;
      g_string_truncate (chunk, 0);
      if (progress != NULL)
        progress (i + 1, items->len, user_data);
    }
  g_string_append (chunk, items->len > 0 ? "\n  ]\n}\n" : "]\n}\n");
  if (!g_output_stream_write_all (out, chunk->str, chunk->len, NULL, cancellable, error) ||
      !g_output_stream_flush (out, cancellable, error))
    return FALSE;

  if (n_items != NULL)
    *n_items = items->len;
  return TRUE;
}

/* ---- Reading ---- */

static void
set_not_export (GError **error)
{
  g_set_error_literal (error, FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_NOT_EXPORT,
                       _("the file is not a Fieldbook export (it needs \"fieldbook\": 1 and a list of \"items\")"));
}

/* The value of "fieldbook": TRUE when this build reads it. */
static gboolean
check_version (JsonNode  *version,
               GError   **error)
{
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      json_node_get_value_type (version) != G_TYPE_INT64)
    {
      set_not_export (error);
      return FALSE;
    }
  if (json_node_get_int (version) != FB_TRANSFER_VERSION)
    {
      g_set_error (error, FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_TOO_NEW,
                   /* Translators: %d is a version number */
                   _("the file is in a newer format (version %d) than this Fieldbook reads"),
                   (int) json_node_get_int (version));
      return FALSE;
    }
  return TRUE;
}

/* Element @index (from 0) of "items" into the store, inside the import's
 * transaction. */
static gboolean
import_element (FbStore   *store,
                JsonNode  *node,
                guint      index,
                GError   **error)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(FbItem) existing = NULL;
  g_autoptr(FbItem) item = NULL;
  JsonObjectIter iter;
  JsonObject *doc;
  const char *id;
  const char *type;
  const char *name;
  JsonNode *value;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto wrong_item;
  doc = json_node_get_object (node);
  if (!fb_body_has_string (doc, KEY_ID) || !fb_body_has_string (doc, KEY_TYPE))
    goto wrong_item;
  id = fb_body_get_string (doc, KEY_ID);
  type = fb_body_get_string (doc, KEY_TYPE);
  if (*id == '\0' || id[0] == '_' ||
      (strcmp (type, FB_COLLECTION_NOTES) != 0 && strcmp (type, FB_COLLECTION_RECORDS) != 0))
    goto wrong_item;

  body = json_object_new ();
  json_object_iter_init (&iter, doc);
  while (json_object_iter_next (&iter, &name, &value))
    if (!is_envelope_key (name))
      json_object_set_member (body, name, json_node_copy (value));

  /* Importing the same file twice changes nothing the second time. */
  existing = fb_store_get_item (store, id, NULL);
  if (existing != NULL && !fb_item_get_deleted (existing) &&
      g_strcmp0 (fb_item_get_collection (existing), type) == 0 &&
      fb_body_equal (fb_item_get_body (existing), body))
    return TRUE;

  item = fb_store_put_item (store, id, type, body, error);
  return item != NULL;

wrong_item:
  g_set_error (error, FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_BAD_ITEM,
               /* Translators: %u is the position of an item in the file */
               _("item %u in the file is not a Fieldbook note or record"), index + 1);
  return FALSE;
}

static gboolean
import_root (FbStore                 *store,
             JsonNode                *root,
             FbTransferProgressFunc   progress,
             gpointer                 user_data,
             guint                   *n_items,
             GError                 **error)
{
  JsonObject *object;
  JsonArray *items;
  guint n;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_not_export (error);
      return FALSE;
    }
  object = json_node_get_object (root);
  if (!check_version (json_object_get_member (object, "fieldbook"), error))
    return FALSE;
  if (!json_object_has_member (object, "items") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "items")))
    {
      set_not_export (error);
      return FALSE;
    }
  items = json_object_get_array_member (object, "items");
  n = json_array_get_length (items);

  for (guint i = 0; i < n; i++)
    {
      if (!import_element (store, json_array_get_element (items, i), i, error))
        return FALSE;
      if (progress != NULL)
        progress (i + 1, n, user_data);
    }

  *n_items = n;
  return TRUE;
}

gboolean
fb_transfer_import (FbStore                 *store,
                    GInputStream            *in,
                    FbTransferProgressFunc   progress,
                    gpointer                 user_data,
                    guint                   *n_items,
                    GCancellable            *cancellable,
                    GError                 **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  guint n = 0;

  g_return_val_if_fail (FB_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_INPUT_STREAM (in), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!json_parser_load_from_stream (parser, in, cancellable, &parse_error))
    {
      if (parse_error->domain == JSON_PARSER_ERROR)
        g_set_error_literal (error, FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_NOT_JSON,
                             parse_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&parse_error));
      return FALSE;
    }

  if (!fb_store_begin (store, error))
    return FALSE;
  if (!import_root (store, json_parser_get_root (parser), progress, user_data, &n, error) ||
      !fb_store_commit (store, error))
    {
      fb_store_rollback (store);
      return FALSE;
    }

  if (n_items != NULL)
    *n_items = n;
  return TRUE;
}
