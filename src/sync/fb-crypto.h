/* fb-crypto.h: end-to-end encryption of documents, with libsodium */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The keys document on the server: a normal document, so that it
 * replicates to every device, holding the data key wrapped with a key
 * derived from the person's passphrase. */
#define FB_CRYPTO_KEYS_ID   "fieldbook-keys"
#define FB_CRYPTO_KEYS_TYPE "keys"
/* The one member that holds an encrypted document's content. */
#define FB_CRYPTO_MEMBER    "fieldbook_encrypted"
/* Inside the sealed content: the attachments' names, content types,
 * sizes and digests (fb-crypto-attachments.c). */
#define FB_CRYPTO_ATTACHMENTS_MEMBER "fieldbook_attachments"
/* An "_attachments" entry whose data is sealed on the server, and the
 * server's digest and length of that sealed data (what a stub names it by;
 * "digest" and "length" stay those of the plain bytes). */
#define FB_CRYPTO_ATTACHMENT_ENCRYPTED "encrypted"
#define FB_CRYPTO_SEALED_DIGEST        "sealed_digest"
#define FB_CRYPTO_SEALED_LENGTH        "sealed_length"
/* In an opened entry instead of those two, when the server's sealed data
 * is shorter than the sealed size of the length the sealed list names (an
 * upload it kept in part): how much it holds. Never sent. */
#define FB_CRYPTO_SEALED_HELD          "sealed_held"
/* An encrypted entry whose sealed data goes after the document (PUT of a
 * large file): listed in the sealed content, not in the server's
 * "_attachments" yet. */
#define FB_CRYPTO_UPLOAD_AFTER         "fieldbook_upload_after"

/* How much a new wrapping costs (an unwrap uses the limits stored with
 * it). Moderate (libsodium's: 256 MiB, about a second on a laptop) unless
 * a test asks for interactive (64 MiB) to keep its many derivations short.
 * Process-wide. */
typedef enum {
  FB_CRYPTO_KDF_MODERATE,
  FB_CRYPTO_KDF_INTERACTIVE,
} FbCryptoKdfLimits;

void         fb_crypto_set_kdf_limits    (FbCryptoKdfLimits limits);

/* The random key that encrypts every document of a database. Kept in
 * memory locked and zeroed by libsodium; never written anywhere but
 * wrapped in the keys document. */
typedef struct _FbDataKey FbDataKey;

GType        fb_data_key_get_type        (void) G_GNUC_CONST;
#define FB_TYPE_DATA_KEY (fb_data_key_get_type ())

FbDataKey   *fb_data_key_new_random      (void);
FbDataKey   *fb_data_key_ref             (FbDataKey   *key);
void         fb_data_key_unref           (FbDataKey   *key);
/* A random id, in the keys document and in every ciphertext. */
const char  *fb_data_key_get_id          (FbDataKey   *key);

/* The keys document's members for @key wrapped with @passphrase
 * (Argon2id with libsodium's moderate limits, a new salt; the parameters
 * are stored beside it): {"_id", "type": "keys", "version", "key_id",
 * "kdf": {...}, "wrapped": {...}}, without "_rev". Changing the
 * passphrase is wrapping the same key again. NULL with @error when
 * libsodium cannot get the memory. */
JsonObject  *fb_data_key_wrap            (FbDataKey   *key,
                                          const char  *passphrase,
                                          GError     **error);
/* The data key in @keys_doc, with @passphrase. FB_SYNC_ERROR_WRONG_PASSPHRASE
 * when it does not open it, FB_SYNC_ERROR_BAD_RESPONSE when the document
 * is not a keys document Fieldbook can read. */
FbDataKey   *fb_data_key_unwrap          (JsonObject  *keys_doc,
                                          const char  *passphrase,
                                          GError     **error);

/* @doc with everything but its "_" members ("_id", "_rev", "_deleted",
 * "_revisions" …) sealed in one FB_CRYPTO_MEMBER; of "_attachments", the
 * names and sizes of the entries marked FB_CRYPTO_ATTACHMENT_ENCRYPTED are
 * sealed with it and the server gets their data (already sealed with
 * fb_data_key_seal_bytes ()) under fb_data_key_attachment_server_name ()
 * (XChaCha20-Poly1305 IETF, a random nonce, the "_id" and the format
 * version as associated data, so that a ciphertext cannot be moved to
 * another document). A deletion has nothing to seal and stays as it is. */
JsonObject  *fb_data_key_encrypt_document (FbDataKey  *key,
                                           JsonObject *doc);
/* The plain document of @doc: a document that is not encrypted comes
 * back as it is (a copy). Its sealed attachments come back under their
 * names as stubs marked FB_CRYPTO_ATTACHMENT_ENCRYPTED. FB_SYNC_ERROR_UNDECRYPTABLE when it fails to
 * authenticate (tampered, moved, another key). */
JsonObject  *fb_data_key_decrypt_document (FbDataKey   *key,
                                           JsonObject  *doc,
                                           GError     **error);

gboolean     fb_crypto_document_is_encrypted (JsonObject *doc);

/* An attachment's bytes sealed for the server: crypto_secretstream
 * (XChaCha20-Poly1305) under a subkey of @key for attachments, in chunks
 * of 64 KiB, each with the document's @doc_id and the attachment's @name
 * as associated data, the last one marked final so that a cut-off copy
 * does not open (docs/encryption.md). */
GBytes      *fb_data_key_seal_bytes      (FbDataKey   *key,
                                          const char  *doc_id,
                                          const char  *name,
                                          GBytes      *plain);
/* The plain bytes of fb_data_key_seal_bytes ()'s @sealed, or
 * FB_SYNC_ERROR_UNDECRYPTABLE (tampered, cut off, another document or
 * name, another key). */
GBytes      *fb_data_key_open_bytes      (FbDataKey   *key,
                                          const char  *doc_id,
                                          const char  *name,
                                          GBytes      *sealed,
                                          GError     **error);

/* fb_data_key_open_bytes () for sealed bytes that arrive in pieces (a
 * download; fb-crypto-attachments-open.c): fb_attachment_opener_add ()
 * appends to @plain the plain bytes of each chunk a piece completes, each
 * one checked; fb_attachment_opener_end () appends the last and says
 * whether the whole was there (the final chunk seen, nothing after it).
 * Either refuses with FB_SYNC_ERROR_UNDECRYPTABLE; then nothing more may
 * be added. Memory stays at one chunk whatever the size.
 * fb_attachment_opener_expect_length () gives the plain length the sealed
 * list names, before the first piece: data that ends short of its sealed
 * size is then refused as cut off rather than as damaged. */
typedef struct _FbAttachmentOpener FbAttachmentOpener;

FbAttachmentOpener *fb_data_key_begin_open (FbDataKey          *key,
                                            const char         *doc_id,
                                            const char         *name);
void         fb_attachment_opener_expect_length (FbAttachmentOpener *opener,
                                                 gint64              plain_length);
gboolean     fb_attachment_opener_add      (FbAttachmentOpener *opener,
                                            const guchar       *data,
                                            gsize               len,
                                            GByteArray         *plain,
                                            GError            **error);
gboolean     fb_attachment_opener_end      (FbAttachmentOpener *opener,
                                            GByteArray         *plain,
                                            GError            **error);
void         fb_attachment_opener_free     (FbAttachmentOpener *opener);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbAttachmentOpener, fb_attachment_opener_free)

/* Whether @entry, an "_attachments" entry of an opened document (a body's,
 * as _fb_crypto_open_attachments () makes it), says that the server holds
 * only part of its sealed file: no FB_CRYPTO_SEALED_DIGEST, and
 * FB_CRYPTO_SEALED_HELD short of the sealed size of its "length". Data of
 * another size (longer: another file's) and an entry listed with no data
 * yet (its PUT comes after the document) are not cut off. */
gboolean     fb_crypto_entry_is_cut_off    (JsonObject         *entry);
/* The words the opener refuses sealed data of @name with when it ends
 * short (FB_SYNC_ERROR_UNDECRYPTABLE), for data known to be cut off
 * before any of it is read. */
GError      *fb_attachment_cut_off_error   (const char         *name);

/* The bytes fb_data_key_seal_bytes () makes of @plain, written to @sealed
 * as they are made, never all at once (an upload that streams them);
 * *@couch_digest ("md5-…", CouchDB's digest of the sealed bytes) and
 * *@sealed_length say what the server will hold. */
gboolean     fb_data_key_seal_stream     (FbDataKey      *key,
                                          const char     *doc_id,
                                          const char     *name,
                                          GInputStream   *plain,
                                          GOutputStream  *sealed,
                                          char          **couch_digest,
                                          guint64        *sealed_length,
                                          GCancellable   *cancellable,
                                          GError        **error);

/* The name under which the server stores the sealed data of attachment
 * @name of document @doc_id: a keyed BLAKE2b hash (crypto_generichash under
 * a subkey of @key) of both, in hex, so that the server does not learn the
 * name and two documents' attachments of one name do not look alike. */
char        *fb_data_key_attachment_server_name (FbDataKey  *key,
                                                 const char *doc_id,
                                                 const char *name);

/* Zeroes the secret string *@secret (a password, a passphrase, an
 * Authorization header) with sodium_memzero (), which the compiler may not
 * leave out, then frees it and sets *@secret to NULL. NULL is fine. */
void         fb_secret_free              (char       **secret);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbDataKey, fb_data_key_unref)

G_END_DECLS
