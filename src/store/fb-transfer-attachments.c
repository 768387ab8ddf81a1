/* fb-transfer-attachments.c: attachment data in the export file, streamed both ways */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-transfer"

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb-attachments.h"
#include "fb-json-reader.h"
#include "fb-transfer-attachments.h"

/* The export file carries attachments in CouchDB's inline form,
 * {"_attachments": {NAME: {"content_type": …, "data": BASE64}}}. A photo or
 * a video is far larger than the rest of an item, and its base64, its JSON
 * string and the generated text would each be one more copy of it in
 * memory; so neither direction holds the data. Writing, the item's text is
 * generated with a placeholder for each "data", and the placeholder is
 * replaced by the file's bytes encoded on the way. Reading, the JSON reader
 * sets each "data" string aside (fb_json_reader_set_aside_attachment_data ()),
 * decoded on the way into a temporary file, which is then attached as any
 * file is. */

#define READ_CHUNK (48 * 1024)   /* a multiple of 3: base64 without padding between chunks */

/* ---- Writing ---- */

JsonObject *
_fb_transfer_inline_attachments (FbStore     *store,
                                 JsonObject  *attachments,
                                 GPtrArray   *files)
{
  g_autoptr(JsonObject) out = json_object_new ();
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(GPtrArray) list = NULL;

  json_object_set_object_member (body, FB_BODY_ATTACHMENTS, json_object_ref (attachments));
  list = fb_body_list_attachments (body);
  for (guint i = 0; i < list->len; i++)
    {
      FbAttachment *attachment = list->pdata[i];
      GFile *file = fb_store_get_attachment_file (store, attachment->digest, NULL);
      g_autofree char *placeholder = NULL;
      JsonObject *entry;

      /* Not on this device (only the server has it): the stub, digest and all. */
      if (file == NULL)
        {
          json_object_set_member (out, attachment->name,
                                  json_node_copy (json_object_get_member (attachments,
                                                                          attachment->name)));
          continue;
        }

      entry = json_object_new ();
      json_object_set_string_member (entry, "content_type", attachment->content_type);
      placeholder = g_strdup_printf (FB_JSON_READER_SET_ASIDE_PREFIX "%u", files->len);
      json_object_set_string_member (entry, "data", placeholder);
      json_object_set_object_member (out, attachment->name, entry);
      g_ptr_array_add (files, file);
    }

  return g_steal_pointer (&out);
}

/* The bytes of @file as base64, in pieces. */
static gboolean
write_base64 (GOutputStream  *out,
              GFile          *file,
              GCancellable   *cancellable,
              GError        **error)
{
  g_autoptr(GFileInputStream) in = g_file_read (file, cancellable, error);
  g_autofree guchar *chunk = g_malloc (READ_CHUNK);
  g_autofree char *encoded = g_malloc (READ_CHUNK / 3 * 4 + 8);
  int state = 0;
  int save = 0;
  gsize len;

  if (in == NULL)
    return FALSE;

  for (;;)
    {
      gsize n_read = 0;

      if (!g_input_stream_read_all (G_INPUT_STREAM (in), chunk, READ_CHUNK, &n_read,
                                    cancellable, error))
        return FALSE;
      if (n_read == 0)
        break;
      len = g_base64_encode_step (chunk, n_read, FALSE, encoded, &state, &save);
      if (!g_output_stream_write_all (out, encoded, len, NULL, cancellable, error))
        return FALSE;
    }

  len = g_base64_encode_close (FALSE, encoded, &state, &save);
  return g_output_stream_write_all (out, encoded, len, NULL, cancellable, error);
}

gboolean
_fb_transfer_write_text (GOutputStream  *out,
                         const char     *text,
                         GPtrArray      *files,
                         GCancellable   *cancellable,
                         GError        **error)
{
  /* In text that json-glib generated, a quote inside a string is always
   * escaped: this can only be a "data" member holding a placeholder. */
  static const char placeholder[] = "\"data\" : \"" FB_JSON_READER_SET_ASIDE_PREFIX;
  const char *p = text;

  for (;;)
    {
      const char *found = files->len > 0 ? strstr (p, placeholder) : NULL;
      const char *number;
      char *end;
      guint64 index;

      if (found == NULL)
        return g_output_stream_write_all (out, p, strlen (p), NULL, cancellable, error);

      number = found + strlen (placeholder);
      index = g_ascii_strtoull (number, &end, 10);
      g_assert (end != number && *end == '"' && index < files->len);

      /* Up to and with the opening quote, the data, then on from the closing one. */
      if (!g_output_stream_write_all (out, p, number - strlen (FB_JSON_READER_SET_ASIDE_PREFIX) - p,
                                      NULL, cancellable, error) ||
          !write_base64 (out, files->pdata[index], cancellable, error))
        return FALSE;
      p = end;
    }
}

/* ---- Reading ---- */

typedef struct
{
  GFile         *file;
  GFileIOStream *io;    /* closed with its last piece */
  int            state;
  guint          save;
} SetAside;

struct _FbTransferSetAside
{
  GPtrArray *strings;   /* of SetAside, by number */
};

static void
set_aside_free (SetAside *set_aside)
{
  g_clear_object (&set_aside->io);
  if (set_aside->file != NULL)
    g_file_delete (set_aside->file, NULL, NULL);
  g_clear_object (&set_aside->file);
  g_free (set_aside);
}

FbTransferSetAside *
_fb_transfer_set_aside_new (void)
{
  FbTransferSetAside *self = g_new0 (FbTransferSetAside, 1);

  self->strings = g_ptr_array_new_with_free_func ((GDestroyNotify) set_aside_free);
  return self;
}

void
_fb_transfer_set_aside_free (FbTransferSetAside *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->strings);
  g_free (self);
}

void
_fb_transfer_set_aside_clear (FbTransferSetAside *self)
{
  g_ptr_array_set_size (self->strings, 0);
}

gboolean
_fb_transfer_set_aside_cb (guint        index,
                           const char  *chars,
                           gsize        len,
                           gboolean     last,
                           gpointer     user_data,
                           GError     **error)
{
  FbTransferSetAside *self = user_data;
  g_autofree guchar *decoded = NULL;
  SetAside *set_aside;
  gsize n_decoded;

  GOutputStream *out;

  if (index >= self->strings->len)
    {
      set_aside = g_new0 (SetAside, 1);
      g_ptr_array_add (self->strings, set_aside);
      set_aside->file = g_file_new_tmp ("fieldbook-import-XXXXXX", &set_aside->io, error);
      if (set_aside->file == NULL)
        return FALSE;
    }
  set_aside = self->strings->pdata[index];
  out = g_io_stream_get_output_stream (G_IO_STREAM (set_aside->io));

  /* Characters that are not base64 (JSON escapes among them) are skipped,
   * as g_base64_decode () skips them. */
  decoded = g_malloc (len / 4 * 3 + 3);
  n_decoded = g_base64_decode_step (chars, len, decoded, &set_aside->state, &set_aside->save);
  if (!g_output_stream_write_all (out, decoded, n_decoded, NULL, NULL, error))
    return FALSE;

  return !last || g_io_stream_close (G_IO_STREAM (set_aside->io), NULL, error);
}

gboolean
_fb_transfer_import_attachments (FbStore             *store,
                                 const char          *id,
                                 JsonObject          *attachments,
                                 FbTransferSetAside  *set_aside,
                                 GCancellable        *cancellable,
                                 GError             **error)
{
  g_autoptr(JsonObject) rest = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, attachments);
  while (json_object_iter_next (&iter, &name, &node))
    {
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *data = entry != NULL && fb_body_has_string (entry, "data")
                         ? fb_body_get_string (entry, "data") : NULL;
      g_autoptr(GFileInputStream) in = NULL;
      g_autoptr(FbAttachment) added = NULL;
      SetAside *string;
      guint64 index;

      if (data == NULL || !g_str_has_prefix (data, FB_JSON_READER_SET_ASIDE_PREFIX))
        {
          json_object_set_member (rest, name, json_node_copy (node));
          continue;
        }

      index = g_ascii_strtoull (data + strlen (FB_JSON_READER_SET_ASIDE_PREFIX), NULL, 10);
      g_return_val_if_fail (index < set_aside->strings->len, FALSE);
      string = set_aside->strings->pdata[index];

      in = g_file_read (string->file, cancellable, error);
      if (in == NULL)
        return FALSE;
      added = fb_store_add_attachment (store, id, name,
                                       fb_body_has_string (entry, "content_type")
                                       ? fb_body_get_string (entry, "content_type") : NULL,
                                       G_INPUT_STREAM (in), cancellable, error);
      if (added == NULL)
        return FALSE;
    }

  return fb_store_import_attachments (store, id, rest, error);
}
