/* fb-crypto-private.h: fb-crypto.c with fixed keys, salts and nonces, for known-answer tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-crypto.h"

G_BEGIN_DECLS

/* Only for checking the format against fixed vectors (docs/encryption.md,
 * tests/sync/test-encryption.c): a nonce used twice with one key gives the
 * content away, so nothing else may choose one. */

/* A data key of the 32 @bytes, with the key id @id. */
FbDataKey   *_fb_data_key_new_from_bytes       (const char    *id,
                                                const guint8  *bytes);
/* fb_data_key_wrap () with this 16-byte @salt, 24-byte @nonce and limits. */
JsonObject  *_fb_data_key_wrap_full            (FbDataKey     *key,
                                                const char    *passphrase,
                                                const guint8  *salt,
                                                const guint8  *nonce,
                                                guint64        opslimit,
                                                gsize          memlimit,
                                                GError       **error);
/* fb_data_key_encrypt_document () with this 24-byte @nonce. */
JsonObject  *_fb_data_key_encrypt_document_full (FbDataKey    *key,
                                                 JsonObject   *doc,
                                                 const guint8 *nonce);

/* Between fb-crypto.c and fb-crypto-attachments*.c. */
const guint8 *_fb_data_key_get_bytes          (FbDataKey    *key);
/* An attachment is sealed in chunks of this many plain bytes, each with
 * crypto_secretstream's ABYTES more; the last one, shorter or not, has
 * the FINAL tag. */
#define FB_CRYPTO_ATTACHMENT_CHUNK 65536
/* The size fb_data_key_seal_bytes () makes of @plain_length bytes: the
 * header, and the bytes with a tag and MAC for each chunk (an empty file
 * has one). */
gint64        _fb_crypto_sealed_length        (gint64        plain_length);
/* The attachments' subkey of @key, sodium_malloc'd (sodium_free it). */
unsigned char *_fb_crypto_attachment_subkey   (FbDataKey    *key);
/* The additional data of every chunk: binds the sealed bytes to the
 * document and the attachment's name. */
char         *_fb_crypto_attachment_ad        (const char   *doc_id,
                                               const char   *name);
/* The sealing of a document's "_attachments": the entries marked
 * FB_CRYPTO_ATTACHMENT_ENCRYPTED are listed in @content (which is sealed)
 * and stored in @out under their server names; the others go to @out as
 * they are. */
void          _fb_crypto_seal_attachments     (FbDataKey    *key,
                                               const char   *doc_id,
                                               JsonObject   *attachments,
                                               JsonObject   *content,
                                               JsonObject   *out);
/* The opening: @out (the opened content) gets "_attachments" back from its
 * FB_CRYPTO_ATTACHMENTS_MEMBER and the server's @stored (may be NULL). */
void          _fb_crypto_open_attachments     (FbDataKey    *key,
                                               const char   *doc_id,
                                               JsonObject   *stored,
                                               JsonObject   *out);

G_END_DECLS
