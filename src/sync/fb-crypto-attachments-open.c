/* fb-crypto-attachments-open.c: opening an attachment's sealed bytes chunk by chunk as they arrive */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-crypto"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <sodium.h>

#include "fb-crypto.h"
#include "fb-crypto-private.h"
#include "fb-sync-error.h"

/* The open side of fb-crypto-attachments.c's format (docs/encryption.md):
 * a header, then chunks of FB_CRYPTO_ATTACHMENT_CHUNK plain bytes each
 * with ABYTES more, the last one tagged FINAL. The bytes of a download come
 * in pieces of any size: a piece is kept only until it completes a chunk,
 * so at most one chunk is held. A full-sized chunk may be the final one
 * (a file of a whole number of chunks), so each chunk is opened as soon as
 * it is complete and its tag says whether more may follow. */

#define SEALED_CHUNK (FB_CRYPTO_ATTACHMENT_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES)

/* Sealed data that ends before its final chunk: most often a sending
 * device's upload the server committed in part. A device that holds the
 * file whole, the sender or any other, sends it again at its next sync
 * (fb-sync-attachments.c). */
#define CUT_OFF _("the server holds only part of it, as when its upload was cut off")

struct _FbAttachmentOpener
{
  crypto_secretstream_xchacha20poly1305_state *state;  /* sodium_malloc'd */
  unsigned char *subkey;                               /* until the header came */
  char          *name;
  char          *ad;
  GByteArray    *pending;   /* the header or the chunk not complete yet */
  guint64        received;  /* the sealed bytes added */
  gint64         expected;  /* their whole length; -1: not known */
  gboolean       started;   /* the header was read */
  gboolean       final;     /* the final chunk was opened */
  gboolean       failed;
};

FbAttachmentOpener *
fb_data_key_begin_open (FbDataKey  *key,
                        const char *doc_id,
                        const char *name)
{
  FbAttachmentOpener *opener;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (doc_id != NULL && name != NULL, NULL);

  opener = g_new0 (FbAttachmentOpener, 1);
  opener->state = sodium_malloc (sizeof *opener->state);
  if (opener->state == NULL)
    g_error ("Out of locked memory for a key");
  opener->subkey = _fb_crypto_attachment_subkey (key);
  opener->name = g_strdup (name);
  opener->ad = _fb_crypto_attachment_ad (doc_id, name);
  opener->pending = g_byte_array_sized_new (SEALED_CHUNK);
  opener->expected = -1;
  return opener;
}

void
fb_attachment_opener_free (FbAttachmentOpener *opener)
{
  if (opener == NULL)
    return;
  sodium_free (opener->state);
  if (opener->subkey != NULL)
    sodium_free (opener->subkey);
  g_free (opener->name);
  g_free (opener->ad);
  g_byte_array_unref (opener->pending);
  g_free (opener);
}

static GError *
refusal (const char *name,
         const char *why)
{
  /* Translators: %1$s is a file's name, %2$s why */
  return g_error_new (FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE,
                      _("“%1$s” could not be decrypted: %2$s"), name, why);
}

static gboolean
refuse (FbAttachmentOpener  *opener,
        const char          *why,
        GError             **error)
{
  opener->failed = TRUE;
  g_propagate_error (error, refusal (opener->name, why));
  return FALSE;
}

GError *
fb_attachment_cut_off_error (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return refusal (name, CUT_OFF);
}

/* Opens the first @len bytes of opener->pending as one chunk. */
static gboolean
open_chunk (FbAttachmentOpener  *opener,
            gsize                len,
            GByteArray          *plain,
            GError             **error)
{
  unsigned long long plain_len = 0;
  unsigned char tag = 0;
  guint at = plain->len;

  if (opener->final)
    return refuse (opener, _("there is data after its end"), error);
  if (len < crypto_secretstream_xchacha20poly1305_ABYTES)
    return refuse (opener, CUT_OFF, error);

  g_byte_array_set_size (plain, at + len - crypto_secretstream_xchacha20poly1305_ABYTES);
  if (crypto_secretstream_xchacha20poly1305_pull (opener->state, plain->data + at, &plain_len, &tag,
                                                  opener->pending->data, len,
                                                  (const unsigned char *) opener->ad,
                                                  strlen (opener->ad)) != 0)
    {
      g_byte_array_set_size (plain, at);
      return refuse (opener, _("it was changed without the key, or damaged"), error);
    }
  g_byte_array_set_size (plain, at + (guint) plain_len);
  g_byte_array_remove_range (opener->pending, 0, len);
  opener->final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  return TRUE;
}

void
fb_attachment_opener_expect_length (FbAttachmentOpener *opener,
                                    gint64              plain_length)
{
  g_return_if_fail (opener != NULL && opener->received == 0);

  opener->expected = plain_length >= 0 ? _fb_crypto_sealed_length (plain_length) : -1;
}

gboolean
fb_attachment_opener_add (FbAttachmentOpener  *opener,
                          const guchar        *data,
                          gsize                len,
                          GByteArray          *plain,
                          GError             **error)
{
  g_return_val_if_fail (opener != NULL && !opener->failed, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (plain != NULL, FALSE);

  opener->received += len;
  while (len > 0)
    {
      gsize want = opener->started ? SEALED_CHUNK : crypto_secretstream_xchacha20poly1305_HEADERBYTES;
      gsize take = MIN (len, want - opener->pending->len);

      if (opener->final)
        return refuse (opener, _("there is data after its end"), error);
      g_byte_array_append (opener->pending, data, (guint) take);
      data += take;
      len -= take;
      if (opener->pending->len < want)
        break;

      if (!opener->started)
        {
          int status = crypto_secretstream_xchacha20poly1305_init_pull (opener->state,
                                                                        opener->pending->data,
                                                                        opener->subkey);

          sodium_free (opener->subkey);
          opener->subkey = NULL;
          if (status != 0)
            return refuse (opener, _("its header is damaged"), error);
          g_byte_array_set_size (opener->pending, 0);
          opener->started = TRUE;
        }
      else if (!open_chunk (opener, SEALED_CHUNK, plain, error))
        {
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
fb_attachment_opener_end (FbAttachmentOpener  *opener,
                          GByteArray          *plain,
                          GError             **error)
{
  g_return_val_if_fail (opener != NULL && !opener->failed, FALSE);
  g_return_val_if_fail (plain != NULL, FALSE);

  /* A cut in the middle of a chunk makes that chunk fail to authenticate,
   * as a change would: the length tells them apart. */
  if (!opener->started ||
      (opener->expected >= 0 && opener->received < (guint64) opener->expected))
    return refuse (opener, CUT_OFF, error);
  if (!opener->final && !open_chunk (opener, opener->pending->len, plain, error))
    return FALSE;
  if (!opener->final)
    return refuse (opener, CUT_OFF, error);
  return TRUE;
}
