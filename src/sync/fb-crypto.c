/* fb-crypto.c: end-to-end encryption of documents, with libsodium */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-crypto"

#include "config.h"

#include <string.h>
#include <sodium.h>

#include "fb-crypto.h"
#include "fb-crypto-private.h"
#include "fb-sync-error.h"

/* Owns the cryptography, all of it libsodium's: the data key, wrapping it
 * with a key derived from the passphrase (crypto_pwhash, Argon2id), and
 * sealing a document's content (crypto_aead_xchacha20poly1305_ietf).
 * Nothing here touches the network or the store. */

#define FORMAT_VERSION 1
#define KEY_ID_BYTES   16
/* Associated data: what a ciphertext belongs to. */
#define DOC_AD_PREFIX  "fieldbook-document-v1:"
#define KEYS_AD_PREFIX "fieldbook-keys-v1:"

struct _FbDataKey
{
  gatomicrefcount  ref_count;
  unsigned char   *bytes;     /* sodium_malloc'd, crypto_aead_xchacha20poly1305_ietf_KEYBYTES */
  char            *id;
};

G_DEFINE_BOXED_TYPE (FbDataKey, fb_data_key, fb_data_key_ref, fb_data_key_unref)

const guint8 *
_fb_data_key_get_bytes (FbDataKey *key)
{
  return key->bytes;
}

static FbCryptoKdfLimits kdf_limits = FB_CRYPTO_KDF_MODERATE;

void
fb_crypto_set_kdf_limits (FbCryptoKdfLimits limits)
{
  kdf_limits = limits;
}

static gboolean
ensure_sodium (void)
{
  static gsize initialized = 0;
  static gboolean ok = FALSE;

  if (g_once_init_enter (&initialized))
    {
      ok = sodium_init () >= 0;
      g_once_init_leave (&initialized, 1);
    }
  return ok;
}

static FbDataKey *
data_key_alloc (void)
{
  FbDataKey *key;

  if (!ensure_sodium ())
    g_error ("libsodium could not be initialised");

  key = g_new0 (FbDataKey, 1);
  g_atomic_ref_count_init (&key->ref_count);
  key->bytes = sodium_malloc (crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  if (key->bytes == NULL)
    g_error ("Out of locked memory for a key");
  return key;
}

FbDataKey *
_fb_data_key_new_from_bytes (const char   *id,
                             const guint8 *bytes)
{
  FbDataKey *key = data_key_alloc ();

  memcpy (key->bytes, bytes, crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  key->id = g_strdup (id);
  return key;
}

FbDataKey *
fb_data_key_new_random (void)
{
  FbDataKey *key = data_key_alloc ();
  unsigned char id[KEY_ID_BYTES];

  crypto_aead_xchacha20poly1305_ietf_keygen (key->bytes);
  randombytes_buf (id, sizeof id);
  key->id = g_base64_encode (id, sizeof id);

  return key;
}

FbDataKey *
fb_data_key_ref (FbDataKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  g_atomic_ref_count_inc (&key->ref_count);
  return key;
}

void
fb_data_key_unref (FbDataKey *key)
{
  g_return_if_fail (key != NULL);

  if (!g_atomic_ref_count_dec (&key->ref_count))
    return;

  sodium_free (key->bytes);
  g_free (key->id);
  g_free (key);
}

const char *
fb_data_key_get_id (FbDataKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  return key->id;
}

void
fb_secret_free (char **secret)
{
  g_return_if_fail (secret != NULL);

  if (*secret != NULL)
    sodium_memzero (*secret, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

gboolean
fb_crypto_document_is_encrypted (JsonObject *doc)
{
  g_return_val_if_fail (doc != NULL, FALSE);

  return json_object_has_member (doc, FB_CRYPTO_MEMBER);
}

/* ---- Small helpers ---- */

static char *
ad_for (const char *prefix,
        const char *id)
{
  return g_strconcat (prefix, id, NULL);
}

/* The bytes of the base64 member @name of @object, of exactly @size bytes
 * when @size is not 0. */
static guchar *
get_base64 (JsonObject *object,
            const char *name,
            gsize       size,
            gsize      *len)
{
  const char *text = json_object_get_string_member_with_default (object, name, NULL);
  guchar *bytes;

  if (text == NULL || *text == '\0')
    return NULL;
  bytes = g_base64_decode (text, len);
  if (size != 0 && *len != size)
    {
      g_free (bytes);
      return NULL;
    }
  return bytes;
}

static void
set_base64 (JsonObject          *object,
            const char          *name,
            const unsigned char *bytes,
            gsize                len)
{
  g_autofree char *text = g_base64_encode (bytes, len);

  json_object_set_string_member (object, name, text);
}

/* ---- The keys document ---- */

static gboolean
derive_kek (const char          *passphrase,
            const unsigned char *salt,
            unsigned long long   opslimit,
            gsize                memlimit,
            unsigned char       *kek,
            GError             **error)
{
  if (crypto_pwhash (kek, crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
                     passphrase, strlen (passphrase), salt, opslimit, memlimit,
                     crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error_literal (error, FB_SYNC_ERROR, FB_SYNC_ERROR_STORE,
                           "Not enough memory to derive the key from the passphrase");
      return FALSE;
    }
  return TRUE;
}

JsonObject *
_fb_data_key_wrap_full (FbDataKey     *key,
                        const char    *passphrase,
                        const guint8  *salt,
                        const guint8  *nonce,
                        guint64        opslimit,
                        gsize          memlimit,
                        GError       **error)
{
  unsigned char wrapped[crypto_aead_xchacha20poly1305_ietf_KEYBYTES +
                        crypto_aead_xchacha20poly1305_ietf_ABYTES];
  unsigned long long wrapped_len = 0;
  unsigned char *kek;
  g_autofree char *ad = NULL;
  JsonObject *doc;
  JsonObject *kdf;
  JsonObject *box;

  ensure_sodium ();
  kek = sodium_malloc (crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  if (kek == NULL ||
      !derive_kek (passphrase, salt, opslimit, memlimit, kek, error))
    {
      if (kek == NULL)
        g_set_error_literal (error, FB_SYNC_ERROR, FB_SYNC_ERROR_STORE,
                             "Out of locked memory for a key");
      else
        sodium_free (kek);
      return NULL;
    }

  ad = ad_for (KEYS_AD_PREFIX, key->id);
  crypto_aead_xchacha20poly1305_ietf_encrypt (wrapped, &wrapped_len, key->bytes,
                                              crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
                                              (const unsigned char *) ad, strlen (ad),
                                              NULL, nonce, kek);
  sodium_free (kek);

  doc = json_object_new ();
  json_object_set_string_member (doc, "_id", FB_CRYPTO_KEYS_ID);
  json_object_set_string_member (doc, "type", FB_CRYPTO_KEYS_TYPE);
  json_object_set_int_member (doc, "version", FORMAT_VERSION);
  json_object_set_string_member (doc, "key_id", key->id);

  kdf = json_object_new ();
  json_object_set_string_member (kdf, "alg", "argon2id13");
  set_base64 (kdf, "salt", salt, crypto_pwhash_SALTBYTES);
  json_object_set_int_member (kdf, "opslimit", (gint64) opslimit);
  json_object_set_int_member (kdf, "memlimit", (gint64) memlimit);
  json_object_set_object_member (doc, "kdf", kdf);

  box = json_object_new ();
  json_object_set_string_member (box, "alg", "xchacha20poly1305-ietf");
  set_base64 (box, "nonce", nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  set_base64 (box, "ciphertext", wrapped, wrapped_len);
  json_object_set_object_member (doc, "wrapped", box);

  return doc;
}

JsonObject *
fb_data_key_wrap (FbDataKey   *key,
                  const char  *passphrase,
                  GError     **error)
{
  unsigned char salt[crypto_pwhash_SALTBYTES];
  unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  gboolean interactive = kdf_limits == FB_CRYPTO_KDF_INTERACTIVE;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);

  ensure_sodium ();
  randombytes_buf (salt, sizeof salt);
  randombytes_buf (nonce, sizeof nonce);
  return _fb_data_key_wrap_full (key, passphrase, salt, nonce,
                                 interactive ? crypto_pwhash_OPSLIMIT_INTERACTIVE
                                             : crypto_pwhash_OPSLIMIT_MODERATE,
                                 interactive ? crypto_pwhash_MEMLIMIT_INTERACTIVE
                                             : crypto_pwhash_MEMLIMIT_MODERATE,
                                 error);
}

static void
set_unreadable_keys (GError **error)
{
  g_set_error_literal (error, FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE,
                       "The server's encryption keys document cannot be read by this version");
}

FbDataKey *
fb_data_key_unwrap (JsonObject  *keys_doc,
                    const char  *passphrase,
                    GError     **error)
{
  JsonObject *kdf;
  JsonObject *box;
  const char *key_id;
  g_autofree guchar *salt = NULL;
  g_autofree guchar *nonce = NULL;
  g_autofree guchar *wrapped = NULL;
  g_autofree char *ad = NULL;
  g_autoptr(FbDataKey) key = NULL;
  unsigned char *kek;
  unsigned long long key_len = 0;
  gint64 opslimit;
  gint64 memlimit;
  gsize len = 0;
  int status;

  g_return_val_if_fail (keys_doc != NULL, NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);

  key_id = json_object_get_string_member_with_default (keys_doc, "key_id", NULL);
  kdf = json_object_has_member (keys_doc, "kdf") &&
        JSON_NODE_HOLDS_OBJECT (json_object_get_member (keys_doc, "kdf"))
        ? json_object_get_object_member (keys_doc, "kdf") : NULL;
  box = json_object_has_member (keys_doc, "wrapped") &&
        JSON_NODE_HOLDS_OBJECT (json_object_get_member (keys_doc, "wrapped"))
        ? json_object_get_object_member (keys_doc, "wrapped") : NULL;
  if (json_object_get_int_member_with_default (keys_doc, "version", 0) != FORMAT_VERSION ||
      key_id == NULL || kdf == NULL || box == NULL ||
      g_strcmp0 (json_object_get_string_member_with_default (kdf, "alg", NULL), "argon2id13") != 0)
    {
      set_unreadable_keys (error);
      return NULL;
    }

  opslimit = json_object_get_int_member_with_default (kdf, "opslimit", 0);
  memlimit = json_object_get_int_member_with_default (kdf, "memlimit", 0);
  salt = get_base64 (kdf, "salt", crypto_pwhash_SALTBYTES, &len);
  nonce = get_base64 (box, "nonce", crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &len);
  wrapped = get_base64 (box, "ciphertext",
                        crypto_aead_xchacha20poly1305_ietf_KEYBYTES +
                        crypto_aead_xchacha20poly1305_ietf_ABYTES, &len);
  /* Limits from the server are bounded, so that a hostile document
   * cannot make us spend minutes or gigabytes. */
  if (salt == NULL || nonce == NULL || wrapped == NULL ||
      opslimit < (gint64) crypto_pwhash_OPSLIMIT_MIN ||
      opslimit > (gint64) crypto_pwhash_OPSLIMIT_SENSITIVE ||
      memlimit < (gint64) crypto_pwhash_MEMLIMIT_MIN ||
      memlimit > (gint64) crypto_pwhash_MEMLIMIT_SENSITIVE)
    {
      set_unreadable_keys (error);
      return NULL;
    }

  key = data_key_alloc ();
  key->id = g_strdup (key_id);
  kek = sodium_malloc (crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  if (kek == NULL)
    {
      g_set_error_literal (error, FB_SYNC_ERROR, FB_SYNC_ERROR_STORE,
                           "Out of locked memory for a key");
      return NULL;
    }
  if (!derive_kek (passphrase, salt, (unsigned long long) opslimit, (gsize) memlimit, kek, error))
    {
      sodium_free (kek);
      return NULL;
    }

  ad = ad_for (KEYS_AD_PREFIX, key_id);
  status = crypto_aead_xchacha20poly1305_ietf_decrypt (key->bytes, &key_len, NULL,
                                                       wrapped, len,
                                                       (const unsigned char *) ad, strlen (ad),
                                                       nonce, kek);
  sodium_free (kek);
  if (status != 0 || key_len != crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    {
      g_set_error_literal (error, FB_SYNC_ERROR, FB_SYNC_ERROR_WRONG_PASSPHRASE,
                           "The encryption passphrase is wrong");
      return NULL;
    }

  return g_steal_pointer (&key);
}

/* ---- Documents ---- */

JsonObject *
fb_data_key_encrypt_document (FbDataKey  *key,
                              JsonObject *doc)
{
  unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (doc != NULL, NULL);

  randombytes_buf (nonce, sizeof nonce);
  return _fb_data_key_encrypt_document_full (key, doc, nonce);
}

JsonObject *
_fb_data_key_encrypt_document_full (FbDataKey    *key,
                                    JsonObject   *doc,
                                    const guint8 *nonce)
{
  g_autoptr(JsonObject) content = json_object_new ();
  g_autoptr(JsonNode) content_node = NULL;
  g_autofree char *plain = NULL;
  g_autofree unsigned char *sealed = NULL;
  g_autofree char *ad = NULL;
  unsigned long long sealed_len = 0;
  gsize plain_len;
  const char *id;
  JsonObject *out;
  JsonObject *box;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  id = json_object_get_string_member_with_default (doc, "_id", "");
  out = json_object_new ();
  /* In the document's order, so that the sealed text is defined by it
   * (docs/encryption.md); a reader needs no order. */
  json_object_iter_init_ordered (&iter, doc);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      if (strcmp (name, "_attachments") == 0 && JSON_NODE_HOLDS_OBJECT (value))
        _fb_crypto_seal_attachments (key, id, json_node_get_object (value), content, out);
      else if (name[0] == '_')
        json_object_set_member (out, name, json_node_copy (value));
      else
        json_object_set_member (content, name, json_node_copy (value));
    }
  if (json_object_get_size (content) == 0)
    return out;

  content_node = json_node_init_object (json_node_alloc (), content);
  plain = json_to_string (content_node, FALSE);
  plain_len = strlen (plain);
  sealed = g_malloc (plain_len + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  ad = ad_for (DOC_AD_PREFIX, id);
  crypto_aead_xchacha20poly1305_ietf_encrypt (sealed, &sealed_len,
                                              (const unsigned char *) plain, plain_len,
                                              (const unsigned char *) ad, strlen (ad),
                                              NULL, nonce, key->bytes);
  sodium_memzero (plain, plain_len);

  box = json_object_new ();
  json_object_set_int_member (box, "v", FORMAT_VERSION);
  json_object_set_string_member (box, "kid", key->id);
  set_base64 (box, "nonce", nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  set_base64 (box, "data", sealed, sealed_len);
  json_object_set_object_member (out, FB_CRYPTO_MEMBER, box);

  return out;
}

static void
set_undecryptable (GError    **error,
                   const char *id,
                   const char *why)
{
  g_set_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE,
               "The server's version of %s could not be decrypted (%s)", id, why);
}

JsonObject *
fb_data_key_decrypt_document (FbDataKey   *key,
                              JsonObject  *doc,
                              GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonObject) out = NULL;
  g_autofree guchar *nonce = NULL;
  g_autofree guchar *sealed = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *ad = NULL;
  unsigned long long plain_len = 0;
  const char *id;
  JsonObject *box;
  JsonNode *root;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gsize len = 0;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (doc != NULL, NULL);

  id = json_object_get_string_member_with_default (doc, "_id", "");
  if (!json_object_has_member (doc, FB_CRYPTO_MEMBER))
    {
      out = json_object_new ();
      json_object_iter_init (&iter, doc);
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (out, name, json_node_copy (value));
      return g_steal_pointer (&out);
    }

  box = JSON_NODE_HOLDS_OBJECT (json_object_get_member (doc, FB_CRYPTO_MEMBER))
        ? json_object_get_object_member (doc, FB_CRYPTO_MEMBER) : NULL;
  if (box == NULL || json_object_get_int_member_with_default (box, "v", 0) != FORMAT_VERSION)
    {
      set_undecryptable (error, id, "an unknown format");
      return NULL;
    }
  if (g_strcmp0 (json_object_get_string_member_with_default (box, "kid", NULL), key->id) != 0)
    {
      set_undecryptable (error, id, "another key");
      return NULL;
    }
  nonce = get_base64 (box, "nonce", crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &len);
  sealed = get_base64 (box, "data", 0, &len);
  if (nonce == NULL || sealed == NULL || len < crypto_aead_xchacha20poly1305_ietf_ABYTES)
    {
      set_undecryptable (error, id, "damaged");
      return NULL;
    }

  plain = g_malloc (len - crypto_aead_xchacha20poly1305_ietf_ABYTES + 1);
  ad = ad_for (DOC_AD_PREFIX, id);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt ((unsigned char *) plain, &plain_len, NULL,
                                                  sealed, len,
                                                  (const unsigned char *) ad, strlen (ad),
                                                  nonce, key->bytes) != 0)
    {
      set_undecryptable (error, id, "it does not authenticate");
      return NULL;
    }
  plain[plain_len] = '\0';

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, plain, (gssize) plain_len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (root = json_parser_get_root (parser)))
    {
      sodium_memzero (plain, plain_len);
      set_undecryptable (error, id, "not a document inside");
      return NULL;
    }
  sodium_memzero (plain, plain_len);

  /* The parsed content itself, without a deep copy (it is most of the
   * document): an "_" member inside would be a forgery, and the outer
   * ones are the server's. */
  out = json_object_ref (json_node_get_object (root));
  {
    GList *names = json_object_get_members (out);

    for (GList *l = names; l != NULL; l = l->next)
      if (((const char *) l->data)[0] == '_')
        json_object_remove_member (out, l->data);
    g_list_free (names);
  }
  json_object_iter_init (&iter, doc);
  while (json_object_iter_next (&iter, &name, &value))
    if (strcmp (name, FB_CRYPTO_MEMBER) != 0 && strcmp (name, "_attachments") != 0)
      json_object_set_member (out, name, json_node_copy (value));
  value = json_object_get_member (doc, "_attachments");
  _fb_crypto_open_attachments (key, id,
                               value != NULL && JSON_NODE_HOLDS_OBJECT (value)
                               ? json_node_get_object (value) : NULL,
                               out);

  return g_steal_pointer (&out);
}
