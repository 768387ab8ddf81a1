/* test-encryption-attachments.c: attachments of an end-to-end encrypted database, against a real server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-encryption-attachments"

#include "config.h"

#include <string.h>

#include "fb-attachments.h"
#include "fb-crypto.h"
#include "fb-fake-network-monitor.h"
#include "fb-item-body.h"
#include "fb-store.h"
#include "fb-sync-manager.h"
#include "fb-sync-run.h"
#include "fb-test-peer.h"
#include "fb-test-proxy.h"
#include "fb-test-server.h"
#include "fb-test-store.h"
#include "fb-test-wait.h"

#define ADMIN      "admin"
#define PASSWORD   "s3cret"
#define PASSPHRASE "correct horse battery staple"
/* What the photos hold, where a reader of the server would look for it. */
#define SECRET     "HERON-NEST-AT-THE-WEIR"
/* What a device without the file hears of heron.jpg cut off on the server. */
#define CUT_OFF_SAID "“heron.jpg” could not be decrypted: the server holds only part of it, " \
                     "as when its upload was cut off; nothing of it was kept, and the next " \
                     "sync tries again"

static FbTestServer *server;

typedef struct
{
  FbTestPeer *peer;
  GPtrArray  *rejected;  /* the item-rejected messages */
} Device;

static void
item_rejected_cb (FbSyncManager *manager,
                  const char    *id,
                  const char    *message,
                  Device        *device)
{
  g_ptr_array_add (device->rejected, g_strdup (message));
}

static void
device_free (Device *device)
{
  g_signal_handlers_disconnect_by_data (device->peer->manager, device);
  fb_test_peer_free (device->peer);
  g_ptr_array_unref (device->rejected);
  g_free (device);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Device, device_free)

/* A device that syncs with the server at @url (the server's, or a proxy's
 * in front of it). */
static Device *
device_new_at (const char *url,
               const char *db,
               const char *passphrase)
{
  Device *device = g_new0 (Device, 1);

  device->peer = fb_test_peer_new (url, db, ADMIN, PASSWORD, TRUE);
  device->rejected = g_ptr_array_new_with_free_func (g_free);
  fb_sync_manager_set_passphrase (device->peer->manager, passphrase);
  g_signal_connect (device->peer->manager, "item-rejected", G_CALLBACK (item_rejected_cb), device);
  return device;
}

static Device *
device_new (const char *db,
            const char *passphrase)
{
  return device_new_at (fb_test_server_get_url (server), db, passphrase);
}

static FbSyncStats *
device_sync (Device *device)
{
  g_autoptr(GError) error = NULL;
  FbSyncStats *stats = fb_test_peer_sync_full (device->peer, &error);

  g_assert_no_error (error);
  return stats;
}

/* A photo's bytes: the secret again and again, between every byte value,
 * over more than one 64 KiB chunk. */
static GBytes *
photo_bytes (gsize size)
{
  guchar *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (i / 64) % 2 == 0 ? (guchar) SECRET[i % strlen (SECRET)] : (guchar) (i * 7);
  return g_bytes_new_take (data, size);
}

/* Document @id as the server stores it now, its attachments' data inline. */
static JsonObject *
server_doc (const char *db,
            const char *id)
{
  g_autofree char *path = g_strdup_printf ("%s/%s?attachments=true", db, id);
  g_autoptr(JsonNode) doc = NULL;
  guint status = 0;

  doc = fb_test_server_request (server, "GET", path, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  return json_object_ref (json_node_get_object (doc));
}

/* An "_attachments" entry given other data loses what the server
 * computes of its data. */
static void
drop_server_members (JsonObject *entry)
{
  const char *server_members[] = { "digest", "length", "revpos" };

  for (guint i = 0; i < G_N_ELEMENTS (server_members); i++)
    json_object_remove_member (entry, server_members[i]);
}

/* Stores @doc (with its own _rev) as document @id, as someone with access
 * to the server would. */
static void
server_put_doc (const char *db,
                const char *id,
                JsonObject *doc)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), doc);
  g_autofree char *json = json_to_string (node, FALSE);
  g_autofree char *path = g_strdup_printf ("%s/%s", db, id);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = fb_test_server_request (server, "PUT", path, json, &status, NULL);
  g_assert_cmpuint (status, ==, 201);
}

static gboolean
holds (const guchar *data,
       gsize         len,
       const char   *word)
{
  gsize n = strlen (word);

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, word, n) == 0)
      return TRUE;
  return FALSE;
}

/* Nothing the server stores for @id now — the document's text, any
 * attachment's name, content type or bytes — shows @words. Returns how
 * many attachments it holds. */
static guint
assert_server_sees_none_of (const char         *db,
                            const char         *id,
                            const char * const *words)
{
  g_autoptr(JsonObject) doc = server_doc (db, id);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), doc);
  g_autofree char *text = json_to_string (node, FALSE);
  JsonObject *attachments = fb_body_get_object (doc, "_attachments");
  JsonObjectIter iter;
  const char *name;
  JsonNode *entry;
  guint n = 0;

  for (guint i = 0; words[i] != NULL; i++)
    g_assert_null (strstr (text, words[i]));
  if (attachments == NULL)
    return 0;

  json_object_iter_init (&iter, attachments);
  while (json_object_iter_next (&iter, &name, &entry))
    {
      JsonObject *att = json_node_get_object (entry);
      g_autofree guchar *data = NULL;
      gsize len = 0;

      g_assert_cmpstr (fb_body_get_string (att, "content_type"), ==, "application/octet-stream");
      data = g_base64_decode (fb_body_get_string (att, "data"), &len);
      g_assert_cmpuint (len, >, 0);
      for (guint i = 0; words[i] != NULL; i++)
        g_assert_false (holds (data, len, words[i]));
      n++;
    }
  return n;
}

static void
assert_bytes_equal (GBytes *a,
                    GBytes *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_true (g_bytes_equal (a, b));
}

/* The server's digest of each attachment of @id, joined: sealed data sent
 * again has another digest (a new random header), even of the same bytes. */
static char *
server_digests (const char *db,
                 const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = fb_test_server_get_doc (server, db, id, &error);
  g_autoptr(GString) out = g_string_new (NULL);
  JsonObjectIter iter;
  const char *name;
  JsonNode *entry;

  g_assert_no_error (error);
  json_object_iter_init_ordered (&iter, fb_body_get_object (doc, "_attachments"));
  while (json_object_iter_next_ordered (&iter, &name, &entry))
    g_string_append_printf (out, "%s=%s;", name,
                            fb_body_get_string (json_node_get_object (entry), "digest"));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Attach on an encrypted device → sync → the server holds two sealed
 * blobs under names that say nothing; a second device with the passphrase
 * gets the same names and bytes; a text edit afterwards sends no data
 * again. */
static void
test_round_trip (void)
{
  const char *db = "encrypted-attachments";
  const char *words[] = { SECRET, "heron-nest", "weir-map", "image/", "application/pdf", NULL };
  g_autoptr(Device) a = device_new (db, PASSPHRASE);
  g_autoptr(Device) b = device_new (db, PASSPHRASE);
  g_autoptr(GBytes) photo = photo_bytes (150 * 1024);
  g_autoptr(GBytes) map = photo_bytes (3000);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(FbAttachment) listed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *digests = NULL;
  g_autofree char *after_edit = NULL;

  id = fb_test_peer_create_note (a->peer, "Heron", "at the weir\n");
  fb_attachment_free (fb_test_store_attach (a->peer->store, id, "heron-nest.jpg", NULL, photo));
  fb_attachment_free (fb_test_store_attach (a->peer->store, id, "weir-map.pdf", NULL, map));
  s = device_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (fb_store_get_pending_count (a->peer->store), ==, 0);
  g_assert_cmpuint (a->rejected->len, ==, 0);

  g_assert_cmpuint (assert_server_sees_none_of (db, id, words), ==, 2);

  /* An edit on the device that uploaded them: stubs only. */
  digests = server_digests (db, id);
  fb_test_peer_edit (a->peer, id, "text", "at the weir.\n");
  s = device_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  after_edit = server_digests (db, id);
  g_assert_cmpstr (after_edit, ==, digests);
  g_clear_pointer (&after_edit, g_free);
  g_clear_pointer (&digests, g_free);

  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (b->rejected->len, ==, 0);
  got = fb_test_store_attachment_bytes (b->peer->store, id, "heron-nest.jpg");
  assert_bytes_equal (got, photo);
  g_clear_pointer (&got, g_bytes_unref);
  got = fb_test_store_attachment_bytes (b->peer->store, id, "weir-map.pdf");
  assert_bytes_equal (got, map);
  listed = fb_store_get_attachment (b->peer->store, id, "weir-map.pdf", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (listed->content_type, ==, "application/pdf");
  g_assert_cmpint (listed->length, ==, 3000);

  /* A text edit on the second device: stubs only, the server keeps the
   * data it has (its digests stay), and the first device still opens it. */
  digests = server_digests (db, id);
  fb_test_peer_edit (b->peer, id, "text", "at the weir, two eggs\n");
  s = device_sync (b);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  after_edit = server_digests (db, id);
  g_assert_cmpstr (after_edit, ==, digests);
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_clear_pointer (&got, g_bytes_unref);
  got = fb_test_store_attachment_bytes (a->peer->store, id, "heron-nest.jpg");
  assert_bytes_equal (got, photo);
  g_assert_cmpuint (fb_store_get_pending_count (b->peer->store), ==, 0);

  /* And the first device, whose own upload it was, sends stubs too. */
  fb_test_peer_edit (a->peer, id, "title", "Heron, nest 4");
  s = device_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_clear_pointer (&after_edit, g_free);
  after_edit = server_digests (db, id);
  g_assert_cmpstr (after_edit, ==, digests);
  g_assert_cmpuint (a->rejected->len + b->rejected->len, ==, 0);
}

/* A database with a plain note and its photo: turning encryption on sends
 * the photo again sealed, and the server's current document keeps no plain
 * copy of it. */
static void
test_turn_on (void)
{
  const char *db = "encrypted-attachments-later";
  const char *words[] = { SECRET, "heron-nest", NULL };
  g_autoptr(Device) a = device_new (db, NULL);
  g_autoptr(Device) b = NULL;
  g_autoptr(GBytes) photo = photo_bytes (70 * 1024);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonObject) plain = NULL;
  g_autofree char *id = NULL;

  id = fb_test_peer_create_note (a->peer, "Heron", "at the weir\n");
  fb_attachment_free (fb_test_store_attach (a->peer->store, id, "heron-nest.jpg", NULL, photo));
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  plain = server_doc (db, id);
  g_assert_nonnull (fb_body_get_object (fb_body_get_object (plain, "_attachments"), "heron-nest.jpg"));

  fb_sync_manager_set_passphrase (a->peer->manager, PASSPHRASE);
  s = device_sync (a);
  g_assert_cmpuint (s->encrypted, ==, 1);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (a->rejected->len, ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (a->peer->store), ==, 0);
  g_assert_cmpuint (assert_server_sees_none_of (db, id, words), ==, 1);

  b = device_new (db, PASSPHRASE);
  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  got = fb_test_store_attachment_bytes (b->peer->store, id, "heron-nest.jpg");
  assert_bytes_equal (got, photo);
}

/* A note "Heron" with @photo attached as heron.jpg, made and synced by
 * @device: its id. */
static char *
synced_heron (Device *device,
              GBytes *photo)
{
  g_autoptr(FbSyncStats) s = NULL;
  char *id = fb_test_peer_create_note (device->peer, "Heron", "at the weir\n");

  fb_attachment_free (fb_test_store_attach (device->peer->store, id, "heron.jpg", NULL, photo));
  s = device_sync (device);
  return id;
}

/* The server holds only the first half of a sealed file (as PouchDB
 * Server keeps of an upload cut off on its way): the other device keeps
 * nothing of it and says so in words, not as if the file had been
 * changed without the key; the note and the first device's file stay. */
static void
test_cut_off_said (void)
{
  const char *db = "encrypted-attachments-cut-off";
  g_autoptr(Device) a = device_new (db, PASSPHRASE);
  g_autoptr(Device) b = device_new (db, PASSPHRASE);
  g_autoptr(GBytes) photo = photo_bytes (3 * 65536 + 5);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *id = NULL;
  g_autofree char *half = NULL;
  JsonObject *attachments;
  JsonObject *sealed;
  GList *names;

  id = synced_heron (a, photo);

  doc = server_doc (db, id);
  attachments = fb_body_get_object (doc, "_attachments");
  names = json_object_get_members (attachments);
  g_assert_cmpuint (g_list_length (names), ==, 1);
  sealed = json_object_get_object_member (attachments, names->data);
  g_list_free (names);
  {
    gsize len = 0;
    g_autofree guchar *data = g_base64_decode (json_object_get_string_member (sealed, "data"), &len);

    half = g_base64_encode (data, len / 2);
  }
  json_object_set_string_member (sealed, "data", half);
  drop_server_members (sealed);
  server_put_doc (db, id, doc);

  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (b->rejected->len, ==, 1);
  g_assert_cmpstr (b->rejected->pdata[0], ==, CUT_OFF_SAID);
  g_assert_null (fb_test_store_attachment_bytes (b->peer->store, id, "heron.jpg"));
  item = fb_test_peer_get_item (b->peer, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "at the weir\n");

  /* The first device, which holds the file whole, still has it. */
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (a);
  got = fb_test_store_attachment_bytes (a->peer->store, id, "heron.jpg");
  assert_bytes_equal (got, photo);
}

/* The data key of database @db, opened from its keys document with the
 * passphrase, as any program that knows it could. */
static FbDataKey *
database_key (const char *db)
{
  g_autoptr(JsonObject) keys_doc = server_doc (db, FB_CRYPTO_KEYS_ID);
  g_autoptr(GError) error = NULL;
  FbDataKey *key = fb_data_key_unwrap (keys_doc, PASSPHRASE, &error);

  g_assert_no_error (error);
  return key;
}

/* The sealed data the server holds now for attachment @name of @id, and
 * the document opened with @key (*@plain, nullable). */
static GBytes *
server_sealed_data (const char  *db,
                    const char  *id,
                    const char  *name,
                    FbDataKey   *key,
                    JsonObject **plain)
{
  g_autoptr(JsonObject) doc = server_doc (db, id);
  g_autoptr(GError) error = NULL;
  g_autofree char *server_name = fb_data_key_attachment_server_name (key, id, name);
  JsonObject *entry = fb_body_get_object (fb_body_get_object (doc, "_attachments"), server_name);
  guchar *data;
  gsize len = 0;

  g_assert_nonnull (entry);
  if (plain != NULL)
    {
      *plain = fb_data_key_decrypt_document (key, doc, &error);
      g_assert_no_error (error);
    }
  data = g_base64_decode (fb_body_get_string (entry, "data"), &len);
  return g_bytes_new_take (data, len);
}

/* As the server holds @id now, but with the first half only of the sealed
 * data of attachment @name (@keep_part; else none of it, as between a
 * document and the PUT of its large file), and the note's text @text: one
 * revision made by a program that has the key (or, without the text, by
 * anyone on the server). */
static void
server_cut_off_with_text (const char *db,
                          const char *id,
                          const char *name,
                          const char *text,
                          gboolean    keep_part)
{
  g_autoptr(FbDataKey) key = database_key (db);
  g_autoptr(JsonObject) plain = NULL;
  g_autoptr(GBytes) sealed = server_sealed_data (db, id, name, key, &plain);
  g_autoptr(JsonObject) resealed = NULL;
  g_autoptr(JsonObject) entry = json_object_new ();
  JsonObject *listed = fb_body_get_object (fb_body_get_object (plain, "_attachments"), name);
  g_autofree char *half = NULL;

  g_assert_nonnull (listed);
  half = g_base64_encode (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed) / 2);
  json_object_set_string_member (entry, "content_type", fb_body_get_string (listed, "content_type"));
  json_object_set_int_member (entry, "length", json_object_get_int_member (listed, "length"));
  json_object_set_string_member (entry, "digest", fb_body_get_string (listed, "digest"));
  json_object_set_boolean_member (entry, FB_CRYPTO_ATTACHMENT_ENCRYPTED, TRUE);
  if (keep_part)
    json_object_set_string_member (entry, "data", half);
  else
    json_object_set_boolean_member (entry, FB_CRYPTO_UPLOAD_AFTER, TRUE);
  json_object_set_object_member (fb_body_get_object (plain, "_attachments"), name,
                                 json_object_ref (entry));
  json_object_set_string_member (plain, "text", text);
  resealed = fb_data_key_encrypt_document (key, plain);
  server_put_doc (db, id, resealed);
}

/* The path of the request for the sealed data of attachment @name of @id. */
static char *
sealed_data_path (const char *db,
                  const char *id,
                  const char *name)
{
  g_autoptr(FbDataKey) key = database_key (db);
  g_autofree char *server_name = fb_data_key_attachment_server_name (key, id, name);

  return g_strdup_printf ("/%s/%s/%s", db, id, server_name);
}

/* The server holds only part of a sealed file, and its listing says so
 * already (less data than the sealed size of the length the sealed list
 * names): a device without the file asks for none of it, at this sync or
 * the next or when the person opens it, and says the same words each
 * time; the note stays. Once the
 * device that holds the file sent it whole again, the next sync downloads
 * it byte for byte. */
static void
test_cut_off_not_fetched (void)
{
  const char *db = "encrypted-attachments-cut-off-not-fetched";
  const char *new_text = "at the weir, two eggs\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(Device) a = device_new (db, PASSPHRASE);
  g_autoptr(Device) b = NULL;
  g_autoptr(GBytes) photo = photo_bytes (3 * 65536 + 5);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *changes = g_strdup_printf ("/%s/_changes", db);

  g_assert_no_error (error);
  b = device_new_at (fb_test_proxy_get_url (proxy), db, PASSPHRASE);
  id = synced_heron (a, photo);
  server_cut_off_with_text (db, id, "heron.jpg", new_text, TRUE);
  path = sealed_data_path (db, id, "heron.jpg");

  for (guint run = 1; run <= 2; run++)
    {
      s = device_sync (b);
      g_clear_pointer (&s, fb_sync_stats_free);
      /* It did sync through the proxy, and asked for no data. */
      g_assert_cmpuint (fb_test_proxy_count_requests (proxy, "GET", changes), >=, run);
      g_assert_cmpuint (fb_test_proxy_count_requests (proxy, "GET", path), ==, 0);
      g_assert_cmpuint (b->rejected->len, ==, run);
      g_assert_cmpstr (b->rejected->pdata[run - 1], ==, CUT_OFF_SAID);
      g_assert_null (fb_test_store_attachment_bytes (b->peer->store, id, "heron.jpg"));
      g_assert_cmpuint (fb_store_get_pending_count (b->peer->store), ==, 0);
      item = fb_test_peer_get_item (b->peer, id);
      g_assert_cmpstr (fb_item_get_text (item), ==, new_text);
      g_clear_object (&item);
    }

  /* Nor when the person opens it. */
  fb_sync_manager_fetch_attachment_async (b->peer->manager, id, "heron.jpg", NULL,
                                          fb_test_got_result_cb, &result);
  WAIT_UNTIL (result != NULL, FB_TEST_PEER_DEADLINE_MS);
  g_assert_false (fb_sync_manager_fetch_attachment_finish (b->peer->manager, result, &error));
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE);
  g_assert_cmpstr (error->message, ==, CUT_OFF_SAID);
  g_clear_error (&error);
  g_assert_cmpuint (fb_test_proxy_count_requests (proxy, "GET", path), ==, 0);

  /* The device that holds the file repairs the server's copy. */
  s = device_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);

  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (fb_test_proxy_count_requests (proxy, "GET", path), ==, 1);
  got = fb_test_store_attachment_bytes (b->peer->store, id, "heron.jpg");
  assert_bytes_equal (got, photo);
  g_assert_cmpuint (b->rejected->len, ==, 2);
  item = fb_test_peer_get_item (b->peer, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, new_text);
  g_assert_cmpstr (fb_item_get_sync_error (item), ==, NULL);
}

/* The listing names the whole sealed file, but only part of it comes (the
 * server changed between the listing and the download, or the answer was
 * cut short and ended cleanly): it is refused in the same words, nothing
 * of it is kept, and the next sync gets it whole. */
static void
test_cut_off_after_listing (void)
{
  const char *db = "encrypted-attachments-cut-off-after-listing";
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(Device) a = device_new (db, PASSPHRASE);
  g_autoptr(Device) b = NULL;
  g_autoptr(GBytes) photo = photo_bytes (3 * 65536 + 5);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  b = device_new_at (fb_test_proxy_get_url (proxy), db, PASSPHRASE);
  id = synced_heron (a, photo);
  path = sealed_data_path (db, id, "heron.jpg");

  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_TRUNCATED, 1, path);
  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), ==, 1);
  g_assert_cmpuint (b->rejected->len, ==, 1);
  g_assert_cmpstr (b->rejected->pdata[0], ==, CUT_OFF_SAID);
  g_assert_null (fb_test_store_attachment_bytes (b->peer->store, id, "heron.jpg"));

  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (fb_test_proxy_count_requests (proxy, "GET", path), ==, 2);
  got = fb_test_store_attachment_bytes (b->peer->store, id, "heron.jpg");
  assert_bytes_equal (got, photo);
  g_assert_cmpuint (b->rejected->len, ==, 1);
}

/* Who holds the file whole when the server's copy of it is cut off. */
typedef struct
{
  gsize    size;          /* inline, or over FB_SYNC_INLINE_ATTACHMENT_BYTES: alone */
  gboolean downloaded;    /* a device that got it from the server, not the uploader */
  gboolean edited_alike;  /* it made the server's text change too: the merge is theirs */
} RepairCase;

/* The server's copy of a sealed file is cut off, in a revision that also
 * changes the note's text. A device without the file sends nothing and
 * says it could not be decrypted; a device that holds the file whole
 * sends it again on its next sync, keeping the server's text, and then
 * the other device gets it byte for byte, with nothing more to say. */
static void
test_cut_off_repaired (gconstpointer data)
{
  const RepairCase *with = data;
  const char *new_text = "at the weir, two eggs\n";
  g_autofree char *db = g_strdup_printf ("encrypted-attachments-repaired-%" G_GSIZE_FORMAT "-%d-%d",
                                         with->size, with->downloaded, with->edited_alike);
  g_autoptr(Device) a = device_new (db, PASSPHRASE);
  g_autoptr(Device) b = device_new (db, PASSPHRASE);
  g_autoptr(Device) c = device_new (db, PASSPHRASE);
  Device *holder = with->downloaded ? c : a;
  g_autoptr(GBytes) photo = photo_bytes (with->size);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(FbDataKey) key = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonObject) plain = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *damaged_rev = NULL;

  id = synced_heron (a, photo);
  g_assert_cmpuint (fb_store_get_pending_count (a->peer->store), ==, 0);
  if (with->downloaded)
    {
      s = device_sync (c);
      g_clear_pointer (&s, fb_sync_stats_free);
      got = fb_test_store_attachment_bytes (c->peer->store, id, "heron.jpg");
      assert_bytes_equal (got, photo);
      g_clear_pointer (&got, g_bytes_unref);
    }

  server_cut_off_with_text (db, id, "heron.jpg", new_text, TRUE);
  doc = server_doc (db, id);
  damaged_rev = g_strdup (fb_body_get_string (doc, "_rev"));
  g_clear_pointer (&doc, json_object_unref);

  /* A device that does not hold the file: as before, it says so and
   * writes nothing. */
  s = device_sync (b);
  g_assert_cmpuint (s->pushed, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (b->rejected->len, ==, 1);
  g_assert_nonnull (strstr (b->rejected->pdata[0], "the server holds only part of it"));
  g_assert_null (fb_test_store_attachment_bytes (b->peer->store, id, "heron.jpg"));
  g_assert_cmpuint (fb_store_get_pending_count (b->peer->store), ==, 0);
  item = fb_test_peer_get_item (b->peer, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, new_text);
  g_clear_object (&item);
  doc = server_doc (db, id);
  g_assert_cmpstr (fb_body_get_string (doc, "_rev"), ==, damaged_rev);
  g_clear_pointer (&doc, json_object_unref);

  /* The device that holds it whole sends it again, on top of the
   * server's revision: its text stays. */
  if (with->edited_alike)
    fb_test_peer_edit (holder->peer, id, "text", new_text);
  s = device_sync (holder);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (holder->rejected->len, ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (holder->peer->store), ==, 0);
  item = fb_test_peer_get_item (holder->peer, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, new_text);
  g_clear_object (&item);
  got = fb_test_store_attachment_bytes (holder->peer->store, id, "heron.jpg");
  assert_bytes_equal (got, photo);
  g_clear_pointer (&got, g_bytes_unref);

  key = database_key (db);
  sealed = server_sealed_data (db, id, "heron.jpg", key, &plain);
  g_assert_cmpstr (fb_body_get_string (plain, "text"), ==, new_text);
  g_assert_cmpstr (fb_body_get_string (plain, "_rev"), !=, damaged_rev);
  got = fb_data_key_open_bytes (key, id, "heron.jpg", sealed, &error);
  g_assert_no_error (error);
  assert_bytes_equal (got, photo);
  g_clear_pointer (&got, g_bytes_unref);

  /* The other device gets the file, its text as it was, and hears of
   * nothing more. */
  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (b->rejected->len, ==, 1);
  got = fb_test_store_attachment_bytes (b->peer->store, id, "heron.jpg");
  assert_bytes_equal (got, photo);
  item = fb_test_peer_get_item (b->peer, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, new_text);
  g_assert_cmpstr (fb_item_get_sync_error (item), ==, NULL);
  g_clear_object (&item);

  /* Once whole, the file does not go again, from any device. */
  s = device_sync (holder);
  g_assert_cmpuint (s->pushed, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (b);
  g_assert_cmpuint (s->pushed, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (b->rejected->len, ==, 1);
  if (with->downloaded)
    {
      s = device_sync (a);
      g_assert_cmpuint (s->pushed, ==, 0);
      g_assert_cmpuint (a->rejected->len, ==, 0);
      item = fb_test_peer_get_item (a->peer, id);
      g_assert_cmpstr (fb_item_get_text (item), ==, new_text);
    }
}

/* A document that lists a sealed file whose data the server does not
 * have at all yet (its upload comes after it, as a large file's does):
 * a device that holds the file leaves that upload to its sender and
 * sends nothing. */
static void
test_listed_not_there_yet (void)
{
  const char *db = "encrypted-attachments-not-there-yet";
  g_autoptr(Device) a = device_new (db, PASSPHRASE);
  g_autoptr(Device) c = device_new (db, PASSPHRASE);
  g_autoptr(GBytes) photo = photo_bytes (3 * 65536 + 5);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *id = NULL;
  g_autofree char *rev = NULL;

  id = synced_heron (a, photo);
  s = device_sync (c);
  g_clear_pointer (&s, fb_sync_stats_free);

  server_cut_off_with_text (db, id, "heron.jpg", "at the weir, two eggs\n", FALSE);
  doc = server_doc (db, id);
  rev = g_strdup (fb_body_get_string (doc, "_rev"));
  g_clear_pointer (&doc, json_object_unref);

  s = device_sync (c);
  g_assert_cmpuint (s->pushed, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (fb_store_get_pending_count (c->peer->store), ==, 0);
  item = fb_test_peer_get_item (c->peer, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "at the weir, two eggs\n");
  got = fb_test_store_attachment_bytes (c->peer->store, id, "heron.jpg");
  assert_bytes_equal (got, photo);
  doc = server_doc (db, id);
  g_assert_cmpstr (fb_body_get_string (doc, "_rev"), ==, rev);
}

static const RepairCase repair_inline = { 3 * 65536 + 5, FALSE, FALSE };
static const RepairCase repair_alone = { FB_SYNC_INLINE_ATTACHMENT_BYTES + 70000, FALSE, FALSE };
static const RepairCase repair_downloaded = { 3 * 65536 + 5, TRUE, FALSE };
static const RepairCase repair_merged = { 3 * 65536 + 5, TRUE, TRUE };

/* Someone with access to the server swaps the sealed data of two
 * attachments (each would open on its own): neither is kept on the other
 * device, the person is told, and the note and the first device's files
 * stay as they were. */
static void
test_swapped_data_refused (void)
{
  const char *db = "encrypted-attachments-swapped";
  g_autoptr(Device) a = device_new (db, PASSPHRASE);
  g_autoptr(Device) b = device_new (db, PASSPHRASE);
  g_autoptr(GBytes) photo = photo_bytes (2000);
  g_autoptr(GBytes) other = photo_bytes (2100);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *id = NULL;
  g_autofree char *first_data = NULL;
  JsonObject *attachments;
  GList *names;

  id = fb_test_peer_create_note (a->peer, "Heron", "at the weir\n");
  fb_attachment_free (fb_test_store_attach (a->peer->store, id, "one.jpg", NULL, photo));
  fb_attachment_free (fb_test_store_attach (a->peer->store, id, "two.jpg", NULL, other));
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  doc = server_doc (db, id);
  attachments = fb_body_get_object (doc, "_attachments");
  names = json_object_get_members (attachments);
  g_assert_cmpuint (g_list_length (names), ==, 2);
  {
    JsonObject *x = json_object_get_object_member (attachments, names->data);
    JsonObject *y = json_object_get_object_member (attachments, names->next->data);

    first_data = g_strdup (json_object_get_string_member (x, "data"));
    json_object_set_string_member (x, "data", json_object_get_string_member (y, "data"));
    json_object_set_string_member (y, "data", first_data);
    drop_server_members (x);
    drop_server_members (y);
  }
  g_list_free (names);
  server_put_doc (db, id, doc);

  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  item = fb_test_peer_get_item (b->peer, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "at the weir\n");
  g_assert_cmpuint (b->rejected->len, ==, 2);
  g_assert_nonnull (strstr (b->rejected->pdata[0], "could not be decrypted: it was changed without the key, or damaged"));
  g_assert_null (fb_test_store_attachment_bytes (b->peer->store, id, "one.jpg"));
  g_assert_null (fb_test_store_attachment_bytes (b->peer->store, id, "two.jpg"));

  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  got = fb_test_store_attachment_bytes (a->peer->store, id, "one.jpg");
  assert_bytes_equal (got, photo);
}

/* On a metered network, a large sealed file the pull left on the server
 * is fetched when opened, and opened with the key. */
static void
test_fetch_when_opened (void)
{
  const char *db = "encrypted-attachments-fetch";
  g_autoptr(Device) a = device_new (db, PASSPHRASE);
  g_autoptr(Device) b = device_new (db, PASSPHRASE);
  g_autoptr(GBytes) large = photo_bytes (FB_SYNC_EAGER_ATTACHMENT_BYTES + 1);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  id = fb_test_peer_create_note (a->peer, "Survey", "plot 3\n");
  fb_attachment_free (fb_test_store_attach (a->peer->store, id, "plot-3.tif", NULL, large));
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_fake_network_monitor_set_metered (b->peer->monitor, TRUE);
  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_null (fb_test_store_attachment_bytes (b->peer->store, id, "plot-3.tif"));

  fb_sync_manager_fetch_attachment_async (b->peer->manager, id, "plot-3.tif", NULL,
                                          fb_test_got_result_cb, &result);
  WAIT_UNTIL (result != NULL, FB_TEST_PEER_DEADLINE_MS);
  g_assert_true (fb_sync_manager_fetch_attachment_finish (b->peer->manager, result, &error));
  g_assert_no_error (error);
  got = fb_test_store_attachment_bytes (b->peer->store, id, "plot-3.tif");
  assert_bytes_equal (got, large);
}

/* The names the server keeps the attachments of @id under, joined. */
static char *
server_names (const char *db,
              const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = fb_test_server_get_doc (server, db, id, &error);
  g_autoptr(GString) out = g_string_new (NULL);
  JsonObjectIter iter;
  const char *name;
  JsonNode *entry;

  g_assert_no_error (error);
  json_object_iter_init_ordered (&iter, fb_body_get_object (doc, "_attachments"));
  while (json_object_iter_next_ordered (&iter, &name, &entry))
    g_string_append_printf (out, "%s;", name);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Renaming on an encrypted database: after a sync a device that had the
 * file and one that had nothing both get it under the new name with the
 * same bytes, the old name gone and the note's reference renamed; the
 * server keeps one sealed blob under a keyed name that says nothing of
 * either name. */
static void
test_rename (void)
{
  const char *db = "encrypted-attachments-rename";
  const char *words[] = { SECRET, "heron", "weir", "image/", NULL };
  g_autoptr(Device) a = device_new (db, PASSPHRASE);
  g_autoptr(Device) b = device_new (db, PASSPHRASE);
  g_autoptr(Device) c = NULL;
  g_autoptr(GBytes) photo = photo_bytes (100 * 1024);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(FbAttachment) gone = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *names_before = NULL;
  g_autofree char *names_after = NULL;
  Device *devices[2];

  id = fb_test_peer_create_note (a->peer, "Heron", "![The heron](attachment:heron.jpg)\n");
  fb_attachment_free (fb_test_store_attach (a->peer->store, id, "heron.jpg", NULL, photo));
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  got = fb_test_store_attachment_bytes (b->peer->store, id, "heron.jpg");
  assert_bytes_equal (got, photo);
  g_clear_pointer (&got, g_bytes_unref);
  names_before = server_names (db, id);

  g_assert_true (fb_store_rename_attachment (a->peer->store, id, "heron.jpg", "heron at the weir.jpg", &error));
  g_assert_no_error (error);
  s = device_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (fb_store_get_pending_count (a->peer->store), ==, 0);

  /* One sealed blob, under another keyed name: it is bound to the name. */
  g_assert_cmpuint (assert_server_sees_none_of (db, id, words), ==, 1);
  names_after = server_names (db, id);
  g_assert_cmpstr (names_after, !=, names_before);

  c = device_new (db, PASSPHRASE);
  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (c);
  g_clear_pointer (&s, fb_sync_stats_free);
  devices[0] = b;
  devices[1] = c;
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    {
      g_autoptr(GPtrArray) listed = fb_store_list_attachments (devices[i]->peer->store, id, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (listed->len, ==, 1);
      g_assert_cmpstr (((FbAttachment *) listed->pdata[0])->name, ==, "heron at the weir.jpg");
      got = fb_test_store_attachment_bytes (devices[i]->peer->store, id, "heron at the weir.jpg");
      assert_bytes_equal (got, photo);
      g_clear_pointer (&got, g_bytes_unref);
      gone = fb_store_get_attachment (devices[i]->peer->store, id, "heron.jpg", &error);
      g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
      g_assert_null (gone);
      g_clear_error (&error);
      item = fb_test_peer_get_item (devices[i]->peer, id);
      g_assert_cmpstr (fb_body_get_string (fb_item_get_body (item), "text"), ==,
                       "![The heron](attachment:heron%20at%20the%20weir.jpg)\n");
      g_clear_object (&item);
      g_assert_cmpuint (devices[i]->rejected->len, ==, 0);
    }
  g_assert_cmpuint (a->rejected->len, ==, 0);
}

/* While the server holds only part of a sealed file, a device that never
 * had the file edits the note: the edit stays saved and pending, and says
 * why in words that are true; once the device that has the file synced
 * (and repaired the server), the edit goes and the file comes. */
static void
test_cut_off_edit_waits (void)
{
  const char *db = "encrypted-attachments-cut-off-edit";
  const char *said = "The attachment “heron.jpg” could not be sent: the server holds only part of it "
                     "and its file is not on this device; this edit goes once a device that has the "
                     "file has synced";
  g_autoptr(Device) a = device_new (db, PASSPHRASE);
  g_autoptr(Device) b = device_new (db, PASSPHRASE);
  g_autoptr(GBytes) photo = photo_bytes (3 * 65536 + 5);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *id = NULL;

  id = synced_heron (a, photo);
  server_cut_off_with_text (db, id, "heron.jpg", "at the weir\n", TRUE);

  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  fb_test_peer_edit (b->peer, id, "text", "at the weir, two eggs\n");
  g_ptr_array_set_size (b->rejected, 0);
  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  item = fb_test_peer_get_item (b->peer, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "at the weir, two eggs\n");
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);
  g_assert_cmpstr (fb_item_get_sync_error (item), ==, said);
  g_assert_true (g_ptr_array_find_with_equal_func (b->rejected, said, g_str_equal, NULL));
  g_clear_object (&item);

  /* The device that has the file sends it whole; then the edit goes (in
   * the same run, once its pull brought the whole file's entry). */
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (fb_store_get_pending_count (b->peer->store), ==, 0);
  item = fb_test_peer_get_item (b->peer, id);
  g_assert_null (fb_item_get_sync_error (item));
  g_clear_object (&item);
  got = fb_test_store_attachment_bytes (b->peer->store, id, "heron.jpg");
  assert_bytes_equal (got, photo);

  s = device_sync (a);
  item = fb_test_peer_get_item (a->peer, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "at the weir, two eggs\n");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  fb_crypto_set_kdf_limits (FB_CRYPTO_KDF_INTERACTIVE);

  server = fb_test_server_start (ADMIN, PASSWORD, &error);
  g_assert_no_error (error);

  g_test_add_func ("/encryption-attachments/round-trip", test_round_trip);
  g_test_add_func ("/encryption-attachments/turn-on", test_turn_on);
  g_test_add_func ("/encryption-attachments/swapped-data-refused", test_swapped_data_refused);
  g_test_add_func ("/encryption-attachments/cut-off-said", test_cut_off_said);
  g_test_add_data_func ("/encryption-attachments/cut-off-repaired", &repair_inline, test_cut_off_repaired);
  g_test_add_data_func ("/encryption-attachments/cut-off-repaired/alone", &repair_alone,
                        test_cut_off_repaired);
  g_test_add_data_func ("/encryption-attachments/cut-off-repaired/downloaded", &repair_downloaded,
                        test_cut_off_repaired);
  g_test_add_data_func ("/encryption-attachments/cut-off-repaired/edited-alike", &repair_merged,
                        test_cut_off_repaired);
  g_test_add_func ("/encryption-attachments/cut-off-not-fetched", test_cut_off_not_fetched);
  g_test_add_func ("/encryption-attachments/cut-off-after-listing", test_cut_off_after_listing);
  g_test_add_func ("/encryption-attachments/listed-not-there-yet", test_listed_not_there_yet);
  g_test_add_func ("/encryption-attachments/fetch-when-opened", test_fetch_when_opened);
  g_test_add_func ("/encryption-attachments/rename", test_rename);
  g_test_add_func ("/encryption-attachments/cut-off-edit-waits", test_cut_off_edit_waits);

  status = g_test_run ();

  fb_test_server_free (server);
  return status;
}
