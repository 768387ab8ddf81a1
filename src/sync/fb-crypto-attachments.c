/* fb-crypto-attachments.c: end-to-end encryption of attachments, with libsodium */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-crypto"

#include "config.h"

#include <string.h>
#include <sodium.h>

#include "fb-crypto.h"
#include "fb-crypto-private.h"
#include "fb-sync-error.h"

/* Part of fb-crypto.c's format (docs/encryption.md): an attachment's
 * bytes are sealed with crypto_secretstream, and in a sealed document the
 * attachments the server stores are named by a keyed hash, while their
 * names, content types, sizes and digests travel inside the sealed
 * content as FB_CRYPTO_ATTACHMENTS_MEMBER. An attachment entry that says
 * "encrypted": true is one whose data is sealed (the form the sync layer
 * and the store keep); any other entry is the server's plain data and is
 * passed as it is. */

#define ATTACHMENT_AD_PREFIX   "fieldbook-attachment-v1:"
/* crypto_kdf's context (8 bytes) and the subkey ids for attachments. */
#define ATTACHMENT_KDF_CONTEXT "fbattach"
#define ATTACHMENT_KDF_ID      1
#define ATTACHMENT_NAME_KDF_ID 2
#define ATTACHMENT_CHUNK       FB_CRYPTO_ATTACHMENT_CHUNK
#define SERVER_NAME_BYTES      16
#define SEALED_CONTENT_TYPE    "application/octet-stream"


char *
_fb_crypto_attachment_ad (const char *doc_id,
                          const char *name)
{
  return g_strconcat (ATTACHMENT_AD_PREFIX, doc_id, "/", name, NULL);
}

unsigned char *
_fb_crypto_attachment_subkey (FbDataKey *key)
{
  unsigned char *subkey = sodium_malloc (crypto_secretstream_xchacha20poly1305_KEYBYTES);

  if (subkey == NULL)
    g_error ("Out of locked memory for a key");
  crypto_kdf_derive_from_key (subkey, crypto_secretstream_xchacha20poly1305_KEYBYTES,
                              ATTACHMENT_KDF_ID, ATTACHMENT_KDF_CONTEXT,
                              _fb_data_key_get_bytes (key));
  return subkey;
}

GBytes *
fb_data_key_seal_bytes (FbDataKey  *key,
                        const char *doc_id,
                        const char *name,
                        GBytes     *plain)
{
  crypto_secretstream_xchacha20poly1305_state state;
  g_autofree char *ad = NULL;
  const guchar *data;
  unsigned char *subkey;
  GByteArray *out;
  gsize len;
  gsize done = 0;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (doc_id != NULL && name != NULL, NULL);
  g_return_val_if_fail (plain != NULL, NULL);

  data = g_bytes_get_data (plain, &len);
  ad = _fb_crypto_attachment_ad (doc_id, name);
  subkey = _fb_crypto_attachment_subkey (key);
  out = g_byte_array_sized_new (crypto_secretstream_xchacha20poly1305_HEADERBYTES + len +
                                (len / ATTACHMENT_CHUNK + 1) *
                                crypto_secretstream_xchacha20poly1305_ABYTES);
  g_byte_array_set_size (out, crypto_secretstream_xchacha20poly1305_HEADERBYTES);
  crypto_secretstream_xchacha20poly1305_init_push (&state, out->data, subkey);
  sodium_free (subkey);

  /* At least one chunk, the last one final: an empty file too. */
  do
    {
      gsize n = MIN (len - done, ATTACHMENT_CHUNK);
      gboolean last = done + n == len;
      guint at = out->len;

      g_byte_array_set_size (out, at + n + crypto_secretstream_xchacha20poly1305_ABYTES);
      crypto_secretstream_xchacha20poly1305_push (&state, out->data + at, NULL,
                                                  data + done, n,
                                                  (const unsigned char *) ad, strlen (ad),
                                                  last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
      done += n;
    }
  while (done < len);
  sodium_memzero (&state, sizeof state);

  return g_byte_array_free_to_bytes (out);
}

GBytes *
fb_data_key_open_bytes (FbDataKey   *key,
                        const char  *doc_id,
                        const char  *name,
                        GBytes      *sealed,
                        GError     **error)
{
  g_autoptr(FbAttachmentOpener) opener = NULL;
  g_autoptr(GByteArray) out = NULL;
  const guchar *data;
  gsize len;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (doc_id != NULL && name != NULL, NULL);
  g_return_val_if_fail (sealed != NULL, NULL);

  data = g_bytes_get_data (sealed, &len);
  opener = fb_data_key_begin_open (key, doc_id, name);
  out = g_byte_array_sized_new (len);
  if (!fb_attachment_opener_add (opener, data, len, out, error) ||
      !fb_attachment_opener_end (opener, out, error))
    return NULL;

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* ---- Names and the document's "_attachments" ---- */

char *
fb_data_key_attachment_server_name (FbDataKey  *key,
                                    const char *doc_id,
                                    const char *name)
{
  unsigned char subkey[crypto_generichash_KEYBYTES];
  unsigned char hash[SERVER_NAME_BYTES];
  char hex[SERVER_NAME_BYTES * 2 + 1];
  crypto_generichash_state state;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (doc_id != NULL && name != NULL, NULL);

  crypto_kdf_derive_from_key (subkey, sizeof subkey, ATTACHMENT_NAME_KDF_ID,
                              ATTACHMENT_KDF_CONTEXT, _fb_data_key_get_bytes (key));
  crypto_generichash_init (&state, subkey, sizeof subkey, sizeof hash);
  /* The id and the name, with the id's terminating NUL between them. */
  crypto_generichash_update (&state, (const unsigned char *) doc_id, strlen (doc_id) + 1);
  crypto_generichash_update (&state, (const unsigned char *) name, strlen (name));
  crypto_generichash_final (&state, hash, sizeof hash);
  sodium_memzero (subkey, sizeof subkey);

  return g_strdup (sodium_bin2hex (hex, sizeof hex, hash, sizeof hash));
}

static gboolean
entry_is_encrypted (JsonObject *entry)
{
  JsonNode *flag = json_object_get_member (entry, FB_CRYPTO_ATTACHMENT_ENCRYPTED);

  return flag != NULL && JSON_NODE_HOLDS_VALUE (flag) &&
         json_node_get_value_type (flag) == G_TYPE_BOOLEAN && json_node_get_boolean (flag);
}

static gboolean
has_value_of_type (JsonObject *entry,
                   const char *member,
                   GType       type)
{
  JsonNode *node = json_object_get_member (entry, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

gboolean
fb_crypto_entry_is_cut_off (JsonObject *entry)
{
  g_return_val_if_fail (entry != NULL, FALSE);

  return entry_is_encrypted (entry) &&
         !json_object_has_member (entry, FB_CRYPTO_SEALED_DIGEST) &&
         has_value_of_type (entry, FB_CRYPTO_SEALED_HELD, G_TYPE_INT64) &&
         has_value_of_type (entry, "length", G_TYPE_INT64) &&
         json_object_get_int_member (entry, FB_CRYPTO_SEALED_HELD) <
         _fb_crypto_sealed_length (json_object_get_int_member (entry, "length"));
}

static void
copy_member (JsonObject *to,
             JsonObject *from,
             const char *name)
{
  if (json_object_has_member (from, name))
    json_object_set_member (to, name, json_node_copy (json_object_get_member (from, name)));
}

/* @entry without FB_CRYPTO_ATTACHMENT_ENCRYPTED. */
static JsonObject *
copy_without_flag (JsonObject *entry)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, entry);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    if (strcmp (member, FB_CRYPTO_ATTACHMENT_ENCRYPTED) != 0)
      json_object_set_member (copy, member, json_node_copy (value));
  return copy;
}

void
_fb_crypto_seal_attachments (FbDataKey  *key,
                             const char *doc_id,
                             JsonObject *attachments,
                             JsonObject *content,
                             JsonObject *out)
{
  g_autoptr(JsonObject) listed = json_object_new ();
  g_autoptr(JsonObject) stored = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init_ordered (&iter, attachments);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      JsonObject *entry;
      g_autofree char *server_name = NULL;
      JsonObject *meta;
      JsonObject *wire;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      entry = json_node_get_object (node);
      if (!entry_is_encrypted (entry))
        {
          /* The server's own plain data: it has it under this name. */
          json_object_set_object_member (stored, name, copy_without_flag (entry));
          continue;
        }

      meta = json_object_new ();
      copy_member (meta, entry, "content_type");
      copy_member (meta, entry, "length");
      copy_member (meta, entry, "digest");
      json_object_set_object_member (listed, name, meta);
      /* Its data comes with a PUT after this document. */
      if (json_object_get_boolean_member_with_default (entry, FB_CRYPTO_UPLOAD_AFTER, FALSE))
        continue;

      wire = json_object_new ();
      json_object_set_string_member (wire, "content_type", SEALED_CONTENT_TYPE);
      if (json_object_has_member (entry, "data"))
        {
          copy_member (wire, entry, "data");
        }
      else
        {
          /* What the server calls the sealed data it has. */
          json_object_set_boolean_member (wire, "stub", TRUE);
          if (json_object_has_member (entry, FB_CRYPTO_SEALED_DIGEST))
            json_object_set_member (wire, "digest",
                                    json_node_copy (json_object_get_member (entry, FB_CRYPTO_SEALED_DIGEST)));
          if (json_object_has_member (entry, FB_CRYPTO_SEALED_LENGTH))
            json_object_set_member (wire, "length",
                                    json_node_copy (json_object_get_member (entry, FB_CRYPTO_SEALED_LENGTH)));
          copy_member (wire, entry, "revpos");
        }
      server_name = fb_data_key_attachment_server_name (key, doc_id, name);
      json_object_set_object_member (stored, server_name, wire);
    }

  if (json_object_get_size (listed) > 0)
    json_object_set_object_member (content, FB_CRYPTO_ATTACHMENTS_MEMBER, g_steal_pointer (&listed));
  if (json_object_get_size (stored) > 0)
    json_object_set_object_member (out, "_attachments", g_steal_pointer (&stored));
}

gint64
_fb_crypto_sealed_length (gint64 plain_length)
{
  gint64 chunks = MAX (1, (plain_length + ATTACHMENT_CHUNK - 1) / ATTACHMENT_CHUNK);

  return crypto_secretstream_xchacha20poly1305_HEADERBYTES + plain_length +
         chunks * crypto_secretstream_xchacha20poly1305_ABYTES;
}

/* Whether the server's @stub can hold the whole sealed file the sealed
 * list's @meta names. PouchDB Server keeps what reached it of a PUT whose
 * connection was cut, as if it were the file; such data is shorter
 * (*@held says how long it is then, else -1). */
static gboolean
stub_is_whole (JsonObject *stub,
               JsonObject *meta,
               gint64     *held)
{
  gint64 stored, whole;

  *held = -1;
  if (!has_value_of_type (stub, "length", G_TYPE_INT64) ||
      !has_value_of_type (meta, "length", G_TYPE_INT64))
    return TRUE;
  stored = json_object_get_int_member (stub, "length");
  whole = _fb_crypto_sealed_length (json_object_get_int_member (meta, "length"));
  if (stored < whole)
    *held = stored;
  return stored == whole;
}

void
_fb_crypto_open_attachments (FbDataKey  *key,
                             const char *doc_id,
                             JsonObject *stored,
                             JsonObject *out)
{
  g_autoptr(GHashTable) sealed_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonObject) attachments = json_object_new ();
  JsonNode *listed_node = json_object_get_member (out, FB_CRYPTO_ATTACHMENTS_MEMBER);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (listed_node != NULL && JSON_NODE_HOLDS_OBJECT (listed_node))
    {
      JsonObject *listed = json_node_get_object (listed_node);

      json_object_iter_init_ordered (&iter, listed);
      while (json_object_iter_next_ordered (&iter, &name, &node))
        {
          g_autofree char *server_name = NULL;
          JsonObject *meta;
          JsonObject *entry;
          JsonNode *wire;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          meta = json_node_get_object (node);
          server_name = fb_data_key_attachment_server_name (key, doc_id, name);
          wire = stored != NULL ? json_object_get_member (stored, server_name) : NULL;

          /* What the sealed list says, and the server's revpos: the data
           * it holds under the hashed name is sealed. */
          entry = json_object_new ();
          copy_member (entry, meta, "content_type");
          copy_member (entry, meta, "length");
          copy_member (entry, meta, "digest");
          json_object_set_boolean_member (entry, "stub", TRUE);
          if (wire != NULL && JSON_NODE_HOLDS_OBJECT (wire))
            {
              JsonObject *stub = json_node_get_object (wire);
              gint64 held;

              copy_member (entry, stub, "revpos");
              /* Without the sealed data's digest the entry says the
               * server does not have the file: a device that has it
               * sends it again (_fb_sync_attachments_without_cut_off (),
               * _fb_sync_attachments_cut_off_held ()). Shorter data is the
               * start of an upload cut off: a device without the file
               * does not download it (fb_crypto_entry_is_cut_off ()). */
              if (!stub_is_whole (stub, meta, &held))
                {
                  g_debug ("The server holds %" G_GINT64_FORMAT " bytes of %s's “%s”, not the whole file",
                           json_object_get_int_member (stub, "length"), doc_id, name);
                  if (held >= 0)
                    json_object_set_int_member (entry, FB_CRYPTO_SEALED_HELD, held);
                }
              else
                {
                  if (json_object_has_member (stub, "digest"))
                    json_object_set_member (entry, FB_CRYPTO_SEALED_DIGEST,
                                            json_node_copy (json_object_get_member (stub, "digest")));
                  if (json_object_has_member (stub, "length"))
                    json_object_set_member (entry, FB_CRYPTO_SEALED_LENGTH,
                                            json_node_copy (json_object_get_member (stub, "length")));
                }
            }
          json_object_set_boolean_member (entry, FB_CRYPTO_ATTACHMENT_ENCRYPTED, TRUE);
          json_object_set_object_member (attachments, name, entry);
          g_hash_table_add (sealed_names, g_steal_pointer (&server_name));
        }
    }
  json_object_remove_member (out, FB_CRYPTO_ATTACHMENTS_MEMBER);

  /* Plain data the server holds (kept from before, or another program's),
   * never under a name the sealed list claims. */
  if (stored != NULL)
    {
      json_object_iter_init_ordered (&iter, stored);
      while (json_object_iter_next_ordered (&iter, &name, &node))
        {
          if (!JSON_NODE_HOLDS_OBJECT (node) || g_hash_table_contains (sealed_names, name) ||
              json_object_has_member (attachments, name))
            continue;
          json_object_set_object_member (attachments, name, copy_without_flag (json_node_get_object (node)));
        }
    }

  if (json_object_get_size (attachments) > 0)
    json_object_set_object_member (out, "_attachments", g_steal_pointer (&attachments));
}
