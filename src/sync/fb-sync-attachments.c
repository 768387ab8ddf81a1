/* fb-sync-attachments.c: attachments on their way to the server and back */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fb-attachments.h"
#include "fb-couch-client-private.h"
#include "fb-couch-document.h"
#include "fb-crypto.h"
#include "fb-item-body.h"
#include "fb-sync-run-private.h"

/* Owns what the push sends for an item's "_attachments": a stub for each
 * attachment the server has, the data of each small new one inline in
 * _bulk_docs, through attachment_bytes_out (), and a large one left out
 * (listed in the sealed content with encryption) to go alone after the
 * document (fb-sync-run-upload.c); and telling a copy the server holds
 * only part of, which goes again. Downloading after the pull is in
 * fb-sync-attachments-download.c. */

/* ---- The one place inline attachment bytes go out ---- */

/* The bytes of attachment @name of document @doc_id as they go to the
 * server: sealed (fb_data_key_seal_bytes ()) when the database is end-to-end
 * encrypted. */
static GBytes *
attachment_bytes_out (FbCouchClient *client,
                      const char    *doc_id,
                      const char    *name,
                      GBytes        *plain)
{
  FbDataKey *key = fb_couch_client_get_data_key (client);

  if (key != NULL)
    return fb_data_key_seal_bytes (key, doc_id, name, plain);
  return g_bytes_ref (plain);
}

/* ---- Push ---- */

/* Whether the server has @name with @digest: it came as a stub, or our
 * last agreed version (which the server has) names the same bytes. */
static gboolean
server_has (JsonObject *entry,
            JsonObject *base_attachments,
            const char *name)
{
  JsonObject *base_entry = fb_body_get_object (base_attachments, name);

  if (fb_body_get_boolean (entry, "stub"))
    return TRUE;
  return base_entry != NULL &&
         g_strcmp0 (fb_body_get_string (base_entry, "digest"), fb_body_get_string (entry, "digest")) == 0;
}

/* With encryption: the entry (of @entry or of the base) that knows the
 * server's sealed data of these plain bytes, or NULL when the server may
 * have them only plain (from before encryption was on) or not at all. */
static JsonObject *
server_sealed (JsonObject *entry,
               JsonObject *base_attachments,
               const char *name)
{
  JsonObject *base_entry = fb_body_get_object (base_attachments, name);

  if (fb_body_get_boolean (entry, "stub") && fb_body_get_boolean (entry, FB_CRYPTO_ATTACHMENT_ENCRYPTED) &&
      fb_body_has_string (entry, FB_CRYPTO_SEALED_DIGEST))
    return entry;
  if (base_entry != NULL &&
      g_strcmp0 (fb_body_get_string (base_entry, "digest"), fb_body_get_string (entry, "digest")) == 0 &&
      fb_body_get_boolean (base_entry, FB_CRYPTO_ATTACHMENT_ENCRYPTED) &&
      fb_body_has_string (base_entry, FB_CRYPTO_SEALED_DIGEST))
    return base_entry;
  return NULL;
}

/* Whether the plain bytes @entry names are on this device. */
static gboolean
attachment_file_is_here (FbSyncRun  *run,
                         JsonObject *entry)
{
  g_autoptr(GFile) file = fb_store_get_attachment_file (run->store, fb_body_get_string (entry, "digest"), NULL);

  return file != NULL;
}

static JsonObject *
stub_of (JsonObject *entry)
{
  JsonObject *stub = json_object_new ();
  const char *copied[] = {
    "content_type", "length", "digest", "revpos",
    FB_CRYPTO_ATTACHMENT_ENCRYPTED, FB_CRYPTO_SEALED_DIGEST, FB_CRYPTO_SEALED_LENGTH, NULL
  };

  json_object_set_boolean_member (stub, "stub", TRUE);
  for (guint i = 0; copied[i] != NULL; i++)
    if (json_object_has_member (entry, copied[i]))
      json_object_set_member (stub, copied[i], json_node_copy (json_object_get_member (entry, copied[i])));
  return stub;
}

/* CouchDB's digest of @bytes: "md5-" and the MD5 in base64. */
static char *
couch_digest (GBytes *bytes)
{
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  guint8 raw[16];
  gsize len = sizeof raw;
  g_autofree char *base64 = NULL;

  g_checksum_update (md5, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_checksum_get_digest (md5, raw, &len);
  base64 = g_base64_encode (raw, len);
  return g_strconcat ("md5-", base64, NULL);
}

/* @entry's data inline, as the server is to get it. With encryption, also
 * what the sealed list and the recorded base say of it (the plain bytes'
 * size and digest, the sealed data's). */
static JsonObject *
inline_entry (FbSyncRun   *run,
              const char  *doc_id,
              const char  *name,
              JsonObject  *entry,
              guint64     *sent_length,
              GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) sent = NULL;
  g_autofree char *base64 = NULL;
  JsonObject *out;
  const guchar *data;
  gsize len;

  file = fb_store_get_attachment_file (run->store, fb_body_get_string (entry, "digest"), error);
  if (file == NULL)
    return NULL;
  plain = g_file_load_bytes (file, run->cancellable, NULL, error);
  if (plain == NULL)
    return NULL;
  sent = attachment_bytes_out (run->client, doc_id, name, plain);

  data = g_bytes_get_data (sent, &len);
  *sent_length = len;
  base64 = g_base64_encode (data, len);
  out = json_object_new ();
  json_object_set_string_member (out, "content_type", fb_body_get_string (entry, "content_type"));
  json_object_set_string_member (out, "data", base64);
  if (sent != plain)
    {
      g_autofree char *sealed_digest = couch_digest (sent);

      json_object_set_int_member (out, "length", (gint64) g_bytes_get_size (plain));
      json_object_set_string_member (out, "digest", fb_body_get_string (entry, "digest"));
      json_object_set_boolean_member (out, FB_CRYPTO_ATTACHMENT_ENCRYPTED, TRUE);
      json_object_set_string_member (out, FB_CRYPTO_SEALED_DIGEST, sealed_digest);
      json_object_set_int_member (out, FB_CRYPTO_SEALED_LENGTH, (gint64) len);
    }
  return out;
}

/* What the server will have of an entry sent as @out: the base to
 * record after the push (without the data). */
static JsonObject *
recorded_of (JsonObject *out)
{
  JsonObject *recorded = stub_of (out);

  json_object_remove_member (recorded, "stub");
  return recorded;
}

/* The most of a file read to tell whether the server's shorter data is
 * its start. */
#define CUT_OFF_CHECK_BYTES (32 * 1024 * 1024)

/* @entry's "length", -1 when it has none. */
static gint64
entry_length (JsonObject *entry)
{
  JsonNode *length = json_object_get_member (entry, "length");

  if (length == NULL || !JSON_NODE_HOLDS_VALUE (length) || json_node_get_value_type (length) != G_TYPE_INT64)
    return -1;
  return json_node_get_int (length);
}

/* Whether the first @length bytes of @file have CouchDB's @digest. */
static gboolean
prefix_has_digest (GFile       *file,
                   gint64       length,
                   const char  *digest)
{
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, NULL);
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  g_autofree guchar *buffer = g_malloc (65536);
  g_autofree char *base64 = NULL;
  g_autofree char *wanted = NULL;
  guint8 raw[16];
  gsize raw_len = sizeof raw;
  gint64 left = length;

  if (in == NULL)
    return FALSE;
  while (left > 0)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (in), buffer, (gsize) MIN (left, 65536), NULL, NULL);

      if (n <= 0)
        return FALSE;
      g_checksum_update (md5, buffer, n);
      left -= n;
    }
  g_checksum_get_digest (md5, raw, &raw_len);
  base64 = g_base64_encode (raw, raw_len);
  wanted = g_strconcat ("md5-", base64, NULL);
  return g_strcmp0 (wanted, digest) == 0;
}

/* Whether sealed @their (the server's entry for the file @ours names)
 * holds less than the whole file the list names: it names our bytes, and
 * _fb_crypto_open_attachments () gave it no sealed digest. */
static gboolean
is_sealed_cut_off (JsonObject *ours,
                   JsonObject *their)
{
  return g_strcmp0 (fb_body_get_string (their, "digest"), fb_body_get_string (ours, "digest")) == 0 &&
         !fb_body_has_string (their, FB_CRYPTO_SEALED_DIGEST);
}

/* Whether @their (the server's entry for a file @ours names, whose bytes
 * are in @file here) is what the server kept of this device's PUT of it
 * cut off on the way. */
static gboolean
is_cut_off_copy (JsonObject *ours,
                 JsonObject *their,
                 GFile      *file)
{
  const char *digest = fb_body_get_string (ours, "digest");
  gint64 our_length = entry_length (ours);
  gint64 their_length = entry_length (their);

  if (fb_body_get_boolean (their, FB_CRYPTO_ATTACHMENT_ENCRYPTED))
    return is_sealed_cut_off (ours, their);

  /* Plain: shorter, and the very start of our file. It is read here, on
   * the merge's way: past CUT_OFF_CHECK_BYTES both files stay (nothing is
   * lost) rather than the window waiting on the disk. */
  return their_length >= 0 && their_length < our_length && their_length <= CUT_OFF_CHECK_BYTES &&
         g_strcmp0 (fb_body_get_string (their, "digest"), digest) != 0 &&
         prefix_has_digest (file, their_length, fb_body_get_string (their, "digest"));
}

JsonObject *
_fb_sync_attachments_without_cut_off (FbSyncRun  *run,
                                      const char *id,
                                      JsonObject *base,
                                      JsonObject *mine,
                                      JsonObject *theirs)
{
  JsonObject *mine_set = fb_body_get_object (mine, FB_BODY_ATTACHMENTS);
  JsonObject *their_set = fb_body_get_object (theirs, FB_BODY_ATTACHMENTS);
  JsonObject *base_set = fb_body_get_object (base, FB_BODY_ATTACHMENTS);
  g_autoptr(JsonObject) adjusted = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (mine_set == NULL || their_set == NULL)
    return NULL;
  json_object_iter_init_ordered (&iter, mine_set);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      JsonObject *ours = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *their = fb_body_get_object (their_set, name);
      JsonObject *base_entry = fb_body_get_object (base_set, name);
      const char *digest = ours != NULL ? fb_body_get_string (ours, "digest") : NULL;
      g_autoptr(GFile) file = NULL;
      JsonObject *adjusted_set;

      if (their == NULL || digest == NULL || !fb_body_get_boolean (their, "stub") ||
          fb_body_get_boolean (ours, "stub"))
        continue;
      file = fb_store_get_attachment_file (run->store, digest, NULL);
      if (file == NULL || !is_cut_off_copy (ours, their, file))
        continue;

      g_debug ("The server holds part of %s's “%s” only: it goes again", id, name);
      if (adjusted == NULL)
        adjusted = fb_body_copy (theirs);
      adjusted_set = fb_body_get_object (adjusted, FB_BODY_ATTACHMENTS);
      if (base_entry != NULL)
        json_object_set_object_member (adjusted_set, name, json_object_ref (base_entry));
      else
        json_object_remove_member (adjusted_set, name);
    }

  return g_steal_pointer (&adjusted);
}

gboolean
_fb_sync_attachments_cut_off_held (FbSyncRun  *run,
                                   const char *id,
                                   JsonObject *mine,
                                   JsonObject *theirs)
{
  JsonObject *mine_set = fb_body_get_object (mine, FB_BODY_ATTACHMENTS);
  JsonObject *their_set = fb_body_get_object (theirs, FB_BODY_ATTACHMENTS);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (fb_couch_client_get_data_key (run->client) == NULL || mine_set == NULL || their_set == NULL)
    return FALSE;
  json_object_iter_init_ordered (&iter, their_set);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      JsonObject *their = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *ours = fb_body_get_object (mine_set, name);
      const char *digest = ours != NULL ? fb_body_get_string (ours, "digest") : NULL;

      /* Sealed ones only: a plain file shorter than ours may be a real
       * change (the server checked its digest). */
      if (their == NULL || digest == NULL || !fb_body_get_boolean (their, "stub") ||
          !fb_body_get_boolean (their, FB_CRYPTO_ATTACHMENT_ENCRYPTED))
        continue;
      /* Listed with no data there at all (no revpos): its upload is on
       * its way, a PUT after the document; sending it too would race it. */
      if (!json_object_has_member (their, "revpos") || !is_sealed_cut_off (ours, their))
        continue;
      if (attachment_file_is_here (run, ours))
        {
          g_debug ("The server holds part of %s's sealed “%s” only: this device sends it whole", id, name);
          return TRUE;
        }
    }
  return FALSE;
}

void
_fb_sync_attachments_set_revpos (JsonObject *base,
                                 const char *rev)
{
  JsonObject *attachments = fb_body_get_object (base, FB_BODY_ATTACHMENTS);
  gint64 generation = g_ascii_strtoll (rev, NULL, 10);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (attachments == NULL || generation <= 0)
    return;
  json_object_iter_init (&iter, attachments);
  while (json_object_iter_next (&iter, &name, &node))
    if (JSON_NODE_HOLDS_OBJECT (node) && !json_object_has_member (json_node_get_object (node), "revpos"))
      json_object_set_int_member (json_node_get_object (node), "revpos", generation);
}

void
_fb_sync_upload_free (FbSyncUpload *upload)
{
  g_free (upload->name);
  g_free (upload->content_type);
  g_free (upload->digest);
  g_free (upload);
}

/* A large file goes alone, after the document. */
static gboolean
goes_alone (JsonObject *entry)
{
  JsonNode *length = json_object_get_member (entry, "length");

  return length != NULL && JSON_NODE_HOLDS_VALUE (length) &&
         json_node_get_value_type (length) == G_TYPE_INT64 &&
         json_node_get_int (length) > FB_SYNC_INLINE_ATTACHMENT_BYTES;
}

char *
_fb_sync_attachments_document_json (FbSyncRun   *run,
                                    FbItem      *item,
                                    GPtrArray  **uploads,
                                    JsonObject **base_to_record,
                                    GError     **error)
{
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonObject) sent = json_object_new ();
  g_autoptr(JsonObject) recorded = json_object_new ();
  g_autoptr(GError) local_error = NULL;
  gboolean sealed = fb_couch_client_get_data_key (run->client) != NULL;
  JsonObject *attachments;
  JsonObject *base_attachments;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  *uploads = g_ptr_array_new_with_free_func ((GDestroyNotify) _fb_sync_upload_free);
  *base_to_record = NULL;
  if (fb_item_get_deleted (item) ||
      fb_body_get_object (fb_item_get_body (item), FB_BODY_ATTACHMENTS) == NULL)
    return fb_couch_document_to_json (item);

  doc = fb_couch_document_from_item (item, TRUE);
  attachments = fb_body_get_object (doc, FB_BODY_ATTACHMENTS);
  base_attachments = fb_body_get_object (fb_item_get_base_body (item), FB_BODY_ATTACHMENTS);
  /* A document the server does not have (any more) has no stubs there. */
  if (fb_item_get_base_rev (item) == NULL)
    base_attachments = NULL;

  json_object_iter_init_ordered (&iter, attachments);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      JsonObject *entry;
      JsonObject *known;
      JsonObject *out;
      FbSyncUpload *upload;
      guint64 sent_length = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      entry = json_node_get_object (node);
      if (sealed && (known = server_sealed (entry, base_attachments, name)) != NULL)
        {
          out = stub_of (known);
          json_object_set_object_member (recorded, name, stub_of (known));
          json_object_set_object_member (sent, name, out);
          continue;
        }
      if (!sealed && server_has (entry, base_attachments, name))
        {
          json_object_set_object_member (sent, name, stub_of (entry));
          continue;
        }
      /* The server holds only part of it, and this device cannot send
       * it whole: the edit waits, in words that say for what. */
      if (sealed && fb_body_get_boolean (entry, "stub") && fb_crypto_entry_is_cut_off (entry) &&
          !attachment_file_is_here (run, entry))
        {
          g_set_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE,
                       _("The attachment “%s” could not be sent: the server holds only part of it "
                         "and its file is not on this device; this edit goes once a device that "
                         "has the file has synced"),
                       name);
          g_clear_pointer (uploads, g_ptr_array_unref);
          return NULL;
        }

      if (goes_alone (entry))
        {
          g_autoptr(GFile) file = fb_store_get_attachment_file (run->store, fb_body_get_string (entry, "digest"),
                                                                &local_error);

          if (file == NULL)
            {
              g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                          _("The attachment “%s” could not be sent: "), name);
              g_clear_pointer (uploads, g_ptr_array_unref);
              return NULL;
            }
          /* Not in the server's "_attachments": the PUT after it adds it. */
          upload = g_new0 (FbSyncUpload, 1);
          upload->name = g_strdup (name);
          upload->length = (guint64) json_node_get_int (json_object_get_member (entry, "length"));
          upload->alone = TRUE;
          upload->content_type = g_strdup (fb_body_get_string (entry, "content_type"));
          upload->digest = g_strdup (fb_body_get_string (entry, "digest"));
          g_ptr_array_add (*uploads, upload);
          if (sealed)
            {
              /* The sealed document lists it; its data follows. */
              JsonObject *listed = json_object_new ();

              json_object_set_string_member (listed, "content_type", upload->content_type);
              json_object_set_int_member (listed, "length", (gint64) upload->length);
              json_object_set_string_member (listed, "digest", upload->digest);
              json_object_set_boolean_member (listed, FB_CRYPTO_ATTACHMENT_ENCRYPTED, TRUE);
              json_object_set_boolean_member (listed, FB_CRYPTO_UPLOAD_AFTER, TRUE);
              json_object_set_object_member (sent, name, listed);
              upload->sealed = TRUE;
            }
          continue;
        }

      out = inline_entry (run, fb_item_get_id (item), name, entry, &sent_length, &local_error);
      if (out == NULL && sealed && fb_body_get_boolean (entry, "stub") &&
          !fb_body_get_boolean (entry, FB_CRYPTO_ATTACHMENT_ENCRYPTED) &&
          g_error_matches (local_error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND))
        {
          /* The server's plain data from before encryption, not on this
           * device to be sealed: left as it is until it is downloaded and
           * the item next goes. */
          g_clear_error (&local_error);
          json_object_set_object_member (recorded, name, stub_of (entry));
          json_object_set_object_member (sent, name, stub_of (entry));
          continue;
        }
      if (out == NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      _("The attachment “%s” could not be sent: "), name);
          g_clear_pointer (uploads, g_ptr_array_unref);
          return NULL;
        }
      json_object_set_object_member (recorded, name, recorded_of (out));
      json_object_set_object_member (sent, name, out);
      upload = g_new0 (FbSyncUpload, 1);
      upload->name = g_strdup (name);
      upload->length = sent_length;
      g_ptr_array_add (*uploads, upload);
    }

  json_object_set_object_member (doc, FB_BODY_ATTACHMENTS, g_steal_pointer (&sent));
  if (sealed)
    {
      /* The body as it is, with what the server now holds of each
       * attachment: the next push sends stubs of the sealed data. */
      JsonObject *base = fb_body_copy (fb_item_get_body (item));

      json_object_set_object_member (base, FB_BODY_ATTACHMENTS, g_steal_pointer (&recorded));
      *base_to_record = base;
    }
  return fb_body_to_string (doc);
}
