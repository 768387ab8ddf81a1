/* fb-crypto-attachments-seal.c: an attachment's file sealed chunk by chunk into a stream, for an upload that streams */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-crypto"

#include "config.h"

#include <string.h>
#include <sodium.h>

#include "fb-crypto.h"
#include "fb-crypto-private.h"

/* The same bytes as fb_data_key_seal_bytes () (fb-crypto-attachments.c)
 * gives for the whole file at once: chunks of FB_CRYPTO_ATTACHMENT_CHUNK,
 * the last one (an empty file has one, empty) FINAL. One chunk is read
 * ahead to know which is the last; memory stays two chunks whatever the
 * size. */

gboolean
fb_data_key_seal_stream (FbDataKey      *key,
                         const char     *doc_id,
                         const char     *name,
                         GInputStream   *plain,
                         GOutputStream  *sealed,
                         char          **couch_digest,
                         guint64        *sealed_length,
                         GCancellable   *cancellable,
                         GError        **error)
{
  crypto_secretstream_xchacha20poly1305_state state;
  unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  g_autofree guchar *current = g_malloc (FB_CRYPTO_ATTACHMENT_CHUNK);
  g_autofree guchar *ahead = g_malloc (FB_CRYPTO_ATTACHMENT_CHUNK);
  g_autofree guchar *out = g_malloc (FB_CRYPTO_ATTACHMENT_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES);
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  g_autofree char *ad = NULL;
  unsigned char *subkey;
  guint8 raw[16];
  gsize raw_len = sizeof raw;
  g_autofree char *base64 = NULL;
  gsize current_len = 0;
  gsize ahead_len = 0;
  guint64 total = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (key != NULL && doc_id != NULL && name != NULL, FALSE);
  g_return_val_if_fail (G_IS_INPUT_STREAM (plain) && G_IS_OUTPUT_STREAM (sealed), FALSE);

  ad = _fb_crypto_attachment_ad (doc_id, name);
  subkey = _fb_crypto_attachment_subkey (key);
  crypto_secretstream_xchacha20poly1305_init_push (&state, header, subkey);
  sodium_free (subkey);

  if (!g_output_stream_write_all (sealed, header, sizeof header, NULL, cancellable, error) ||
      !g_input_stream_read_all (plain, current, FB_CRYPTO_ATTACHMENT_CHUNK, &current_len,
                                cancellable, error))
    goto out;
  g_checksum_update (md5, header, sizeof header);
  total += sizeof header;

  for (;;)
    {
      unsigned long long out_len = 0;
      gboolean last;
      guchar *swap;

      /* A full chunk may be followed by more; a short one is the last. */
      ahead_len = 0;
      if (current_len == FB_CRYPTO_ATTACHMENT_CHUNK &&
          !g_input_stream_read_all (plain, ahead, FB_CRYPTO_ATTACHMENT_CHUNK, &ahead_len,
                                    cancellable, error))
        goto out;
      last = ahead_len == 0;

      crypto_secretstream_xchacha20poly1305_push (&state, out, &out_len, current, current_len,
                                                  (const unsigned char *) ad, strlen (ad),
                                                  last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
      if (!g_output_stream_write_all (sealed, out, (gsize) out_len, NULL, cancellable, error))
        goto out;
      g_checksum_update (md5, out, (gssize) out_len);
      total += out_len;
      if (last)
        break;

      swap = current;
      current = ahead;
      ahead = swap;
      current_len = ahead_len;
    }

  g_checksum_get_digest (md5, raw, &raw_len);
  base64 = g_base64_encode (raw, raw_len);
  *couch_digest = g_strconcat ("md5-", base64, NULL);
  *sealed_length = total;
  ok = TRUE;

out:
  sodium_memzero (&state, sizeof state);
  sodium_memzero (current, FB_CRYPTO_ATTACHMENT_CHUNK);
  sodium_memzero (ahead, FB_CRYPTO_ATTACHMENT_CHUNK);
  return ok;
}
