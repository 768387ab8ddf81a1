/* fb-transfer.c: the export file format (--export, --import), written and read item by item */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-transfer"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fb-attachments.h"
#include "fb-json-reader.h"
#include "fb-store-private.h"
#include "fb-transfer-attachments.h"
#include "fb-transfer.h"

/* Owns the export file: which keys of an item it holds, the JSON text it
 * is written as, and checking and importing what a file holds. The window's
 * Import/Export and the command line both use it. */

#define KEY_ID         "_id"
#define KEY_TYPE       "type"
#define KEY_UPDATED_AT "updated_at"

G_DEFINE_QUARK (fb-transfer-error-quark, fb_transfer_error)

/* ---- Writing ---- */

/* The item as the file holds it; the files of its attachments' data are
 * added to @files (see fb-transfer-attachments.c). */
static JsonNode *
item_to_node (FbStore   *store,
              FbItem    *item,
              GPtrArray *files)
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
    {
      if (fb_body_is_envelope_key (name))
        continue;
      /* Attachments go with their data, in CouchDB's inline form. */
      if (strcmp (name, FB_BODY_ATTACHMENTS) == 0 && JSON_NODE_HOLDS_OBJECT (value))
        {
          json_object_set_object_member (doc, name,
                                         _fb_transfer_inline_attachments (store,
                                                                          json_node_get_object (value),
                                                                          files));
          continue;
        }
      json_object_set_member (doc, name, json_node_copy (value));
    }
  json_object_set_int_member (doc, KEY_UPDATED_AT, fb_item_get_updated_at (item));

  json_node_take_object (node, doc);
  return node;
}

/* Appends @item as an element of the "items" array, indented as
 * json-glib's generator indents the whole file: a line break inside a
 * string is written as \n, so every line of the item's text is one line. */
static void
append_item (GString        *out,
             JsonGenerator  *generator,
             FbStore        *store,
             FbItem         *item,
             GPtrArray      *files)
{
  g_autoptr(JsonNode) node = item_to_node (store, item, files);
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

typedef struct
{
  FbStore                *store;
  GOutputStream          *out;
  GCancellable           *cancellable;
  JsonGenerator          *generator;
  GString                *chunk;
  FbTransferProgressFunc  progress;
  gpointer                user_data;
  guint                   done;
  guint                   total;
} Writer;

static gboolean
write_item_cb (FbItem   *item,
               gpointer  user_data,
               GError  **error)
{
  Writer *writer = user_data;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  g_string_truncate (writer->chunk, 0);
  g_string_append (writer->chunk, writer->done == 0 ? "\n" : ",\n");
  append_item (writer->chunk, writer->generator, writer->store, item, files);
  if (!_fb_transfer_write_text (writer->out, writer->chunk->str, files, writer->cancellable,
                                error))
    return FALSE;

  writer->done++;
  if (writer->progress != NULL)
    writer->progress (writer->done, MAX (writer->done, writer->total), writer->user_data);
  return TRUE;
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
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GString) chunk = NULL;
  Writer writer = { 0, };

  g_return_val_if_fail (FB_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  chunk = g_string_new (NULL);

  writer.store = store;
  writer.out = out;
  writer.cancellable = cancellable;
  writer.generator = generator;
  writer.chunk = chunk;
  writer.progress = progress;
  writer.user_data = user_data;
  if (!_fb_store_count_live (store, NULL, &writer.total, error))
    return FALSE;

  /* "count" only tells a reader how far it is: the items are the truth. */
  g_string_printf (chunk, "{\n  \"fieldbook\" : %d,\n  \"count\" : %u,\n  \"items\" : [",
                   FB_TRANSFER_VERSION, writer.total);
  if (!g_output_stream_write_all (out, chunk->str, chunk->len, NULL, cancellable, error) ||
      !_fb_store_foreach_live_item (store, NULL, write_item_cb, &writer, error))
    return FALSE;

  g_string_assign (chunk, writer.done > 0 ? "\n  ]\n}\n" : "]\n}\n");
  if (!g_output_stream_write_all (out, chunk->str, chunk->len, NULL, cancellable, error) ||
      !g_output_stream_flush (out, cancellable, error))
    return FALSE;

  if (n_items != NULL)
    *n_items = writer.done;
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
import_element (FbStore             *store,
                JsonNode            *node,
                guint                index,
                FbTransferSetAside  *set_aside,
                GCancellable        *cancellable,
                GError             **error)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(FbItem) existing = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) existing_body = NULL;
  JsonObject *attachments;
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
      (strcmp (type, FB_COLLECTION_NOTES) != 0 && strcmp (type, FB_COLLECTION_RECORDS) != 0 &&
       strcmp (type, FB_COLLECTION_TEMPLATES) != 0))
    goto wrong_item;

  body = json_object_new ();
  json_object_iter_init (&iter, doc);
  while (json_object_iter_next (&iter, &name, &value))
    if (!fb_body_is_envelope_key (name))
      json_object_set_member (body, name, json_node_copy (value));

  /* Attachments come after the item, with their data (fb-attachments.c). */
  attachments = fb_body_get_object (doc, FB_BODY_ATTACHMENTS);
  json_object_remove_member (body, FB_BODY_ATTACHMENTS);

  /* Importing the same file twice changes nothing the second time. */
  existing = fb_store_get_item (store, id, NULL);
  if (existing != NULL)
    {
      existing_body = fb_body_copy (fb_item_get_body (existing));
      json_object_remove_member (existing_body, FB_BODY_ATTACHMENTS);
    }
  if (existing == NULL || fb_item_get_deleted (existing) ||
      g_strcmp0 (fb_item_get_collection (existing), type) != 0 ||
      !fb_body_equal (existing_body, body))
    {
      item = fb_store_put_item (store, id, type, body, error);
      if (item == NULL)
        return FALSE;
    }

  return attachments == NULL ||
         _fb_transfer_import_attachments (store, id, attachments, set_aside, cancellable, error);

wrong_item:
  g_set_error (error, FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_BAD_ITEM,
               /* Translators: %u is the position of an item in the file */
               _("item %u in the file is not a Fieldbook note, record or template"), index + 1);
  return FALSE;
}

/* How many items an import writes before it writes their index entries:
 * the transaction is one, its memory a batch. */
#define INDEX_BATCH 256

typedef struct
{
  FbStore                *store;
  FbJsonReader           *reader;
  JsonParser             *parser;
  GString                *text;
  FbTransferSetAside     *set_aside;   /* the attachment data of the item being read */
  GCancellable           *cancellable;
  FbTransferProgressFunc  progress;
  gpointer                user_data;
  guint                   done;
  guint                   total;    /* the file's "count", 0 if none */
} Reader;

static void
set_not_json (GError     **error,
              const char  *detail)
{
  g_set_error_literal (error, FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_NOT_JSON, detail);
}

/* The reader's own complaints mean the text is not JSON; a failing stream
 * says why itself. */
static gboolean
reader_failed (GError  *reader_error,
               GError **error)
{
  if (g_error_matches (reader_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    {
      set_not_json (error, reader_error->message);
      g_error_free (reader_error);
    }
  else
    {
      g_propagate_error (error, reader_error);
    }
  return FALSE;
}

/* The next value, parsed: borrowed from the parser until the next one. */
static JsonNode *
read_node (Reader  *reader,
           GError **error)
{
  GError *local_error = NULL;

  g_string_truncate (reader->text, 0);
  _fb_transfer_set_aside_clear (reader->set_aside);
  if (!fb_json_reader_read_value (reader->reader, reader->text, reader->cancellable,
                                  &local_error))
    {
      reader_failed (local_error, error);
      return NULL;
    }
  if (!json_parser_load_from_data (reader->parser, reader->text->str, reader->text->len,
                                   &local_error))
    {
      set_not_json (error, local_error->message);
      g_error_free (local_error);
      return NULL;
    }

  return json_parser_get_root (reader->parser);
}

static gboolean
expect (Reader  *reader,
        char     c,
        GError **error)
{
  GError *local_error = NULL;

  if (!fb_json_reader_expect (reader->reader, c, reader->cancellable, &local_error))
    return reader_failed (local_error, error);
  return TRUE;
}

static gboolean
peek (Reader  *reader,
      int     *c,
      GError **error)
{
  GError *local_error = NULL;

  if (!fb_json_reader_peek (reader->reader, c, reader->cancellable, &local_error))
    return reader_failed (local_error, error);
  return TRUE;
}

/* After a member or an element: TRUE in *@more after a comma, FALSE after
 * @close. */
static gboolean
next_or_close (Reader    *reader,
               char       close,
               gboolean  *more,
               GError   **error)
{
  int c;

  if (!peek (reader, &c, error))
    return FALSE;
  *more = c == ',';
  return expect (reader, *more ? ',' : close, error);
}

/* The value of "items", element by element into the store. */
static gboolean
read_items (Reader  *reader,
            GError **error)
{
  gboolean more = TRUE;
  int c;

  if (!peek (reader, &c, error))
    return FALSE;
  if (c != '[')
    {
      if (read_node (reader, error) == NULL)
        return FALSE;
      set_not_export (error);
      return FALSE;
    }
  if (!expect (reader, '[', error) || !peek (reader, &c, error))
    return FALSE;
  if (c == ']')
    return expect (reader, ']', error);

  while (more)
    {
      JsonNode *node = read_node (reader, error);

      if (node == NULL ||
          !import_element (reader->store, node, reader->done, reader->set_aside,
                           reader->cancellable, error))
        return FALSE;
      reader->done++;
      if (reader->done % INDEX_BATCH == 0 &&
          !_fb_store_index_queue_drain (reader->store, error))
        return FALSE;
      if (reader->progress != NULL)
        reader->progress (reader->done, MAX (reader->done, reader->total), reader->user_data);
      if (!next_or_close (reader, ']', &more, error))
        return FALSE;
    }

  return TRUE;
}

/* The whole file: {"fieldbook": 1, "count": N, "items": [...]}, its
 * members in any order (items read before the version are rolled back
 * with the transaction when the version is wrong). */
static gboolean
read_export (Reader  *reader,
             GError **error)
{
  g_autoptr(JsonNode) version = NULL;
  gboolean have_items = FALSE;
  gboolean more = TRUE;
  GError *local_error = NULL;
  int c;

  if (!peek (reader, &c, error))
    return FALSE;
  if (c != '{')
    {
      /* JSON, but not an object: not ours. */
      if (read_node (reader, error) == NULL)
        return FALSE;
      if (!fb_json_reader_expect_end (reader->reader, reader->cancellable, &local_error))
        return reader_failed (local_error, error);
      set_not_export (error);
      return FALSE;
    }
  if (!expect (reader, '{', error) || !peek (reader, &c, error))
    return FALSE;
  if (c == '}')
    {
      if (!expect (reader, '}', error))
        return FALSE;
      more = FALSE;
    }

  while (more)
    {
      g_autofree char *key = NULL;
      JsonNode *node = read_node (reader, error);

      if (node == NULL)
        return FALSE;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error_literal (error, FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_NOT_JSON,
                               _("a member's name is not a string"));
          return FALSE;
        }
      key = g_strdup (json_node_get_string (node));
      if (!expect (reader, ':', error))
        return FALSE;

      if (strcmp (key, "items") == 0)
        {
          if (!read_items (reader, error))
            return FALSE;
          have_items = TRUE;
        }
      else
        {
          node = read_node (reader, error);
          if (node == NULL)
            return FALSE;
          if (strcmp (key, "fieldbook") == 0)
            {
              if (!check_version (node, error))
                return FALSE;
              g_clear_pointer (&version, json_node_unref);
              version = json_node_copy (node);
            }
          else if (strcmp (key, "count") == 0 && JSON_NODE_HOLDS_VALUE (node) &&
                   json_node_get_value_type (node) == G_TYPE_INT64)
            {
              reader->total = CLAMP (json_node_get_int (node), 0, G_MAXUINT);
            }
        }

      if (!next_or_close (reader, '}', &more, error))
        return FALSE;
    }

  if (!fb_json_reader_expect_end (reader->reader, reader->cancellable, &local_error))
    return reader_failed (local_error, error);
  if (version == NULL || !have_items)
    {
      set_not_export (error);
      return FALSE;
    }

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
  g_autoptr(FbJsonReader) json_reader = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GString) text = NULL;
  g_autoptr(FbTransferSetAside) set_aside = _fb_transfer_set_aside_new ();
  Reader reader = { 0, };

  g_return_val_if_fail (FB_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_INPUT_STREAM (in), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  json_reader = fb_json_reader_new (in);
  fb_json_reader_set_aside_attachment_data (json_reader, _fb_transfer_set_aside_cb, set_aside);
  parser = json_parser_new_immutable ();
  text = g_string_new (NULL);
  reader.store = store;
  reader.reader = json_reader;
  reader.parser = parser;
  reader.text = text;
  reader.set_aside = set_aside;
  reader.cancellable = cancellable;
  reader.progress = progress;
  reader.user_data = user_data;

  if (!fb_store_begin (store, error))
    return FALSE;
  if (!read_export (&reader, error) || !fb_store_commit (store, error))
    {
      fb_store_rollback (store);
      return FALSE;
    }

  if (n_items != NULL)
    *n_items = reader.done;
  return TRUE;
}
