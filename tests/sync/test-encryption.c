/* test-encryption.c: end-to-end encryption that still merges, against a real server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-encryption"

#include "config.h"

#include <string.h>

#include "fb-crypto.h"
#include "fb-crypto-private.h"
#include "fb-store.h"
#include "fb-sync-error.h"
#include "fb-sync-manager.h"
#include "fb-test-dir.h"
#include "fb-test-peer.h"
#include "fb-test-program.h"
#include "fb-test-pty.h"
#include "fb-test-server.h"
#include "fb-test-wait.h"

#define ADMIN      "admin"
#define PASSWORD   "s3cret"
#define PASSPHRASE "correct horse battery staple"

static FbTestServer *server;

typedef FbTestPeer Device;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Device, fb_test_peer_free)

static Device *
device_new (const char *db,
            const char *passphrase)
{
  Device *device = fb_test_peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);

  fb_sync_manager_set_passphrase (device->manager, passphrase);
  return device;
}

static FbSyncStats *
device_sync (Device *device)
{
  g_autoptr(GError) error = NULL;
  FbSyncStats *stats = fb_test_peer_sync_full (device, &error);

  g_assert_no_error (error);
  return stats;
}

/* The server's document as the server stores it, as text. */
static char *
server_raw (const char *db,
            const char *id)
{
  g_autofree char *path = g_strdup_printf ("%s/%s", db, id);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  bytes = fb_test_server_request_raw (server, "GET", path, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* No revision the server still holds of @id shows @word. */
static void
assert_no_plain_revision (const char *db,
                          const char *id,
                          const char *word)
{
  g_autofree char *path = g_strdup_printf ("%s/%s?revs_info=true", db, id);
  g_autoptr(JsonNode) doc = NULL;
  JsonArray *info;
  guint status = 0;
  guint checked = 0;

  doc = fb_test_server_request (server, "GET", path, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  info = json_object_get_array_member (json_node_get_object (doc), "_revs_info");
  for (guint i = 0; i < json_array_get_length (info); i++)
    {
      JsonObject *entry = json_array_get_object_element (info, i);
      g_autofree char *rev_path = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *text = NULL;

      if (g_strcmp0 (json_object_get_string_member (entry, "status"), "available") != 0)
        continue;
      rev_path = g_strdup_printf ("%s/%s?rev=%s", db, id, json_object_get_string_member (entry, "rev"));
      bytes = fb_test_server_request_raw (server, "GET", rev_path, NULL, &status, NULL);
      g_assert_cmpuint (status, ==, 200);
      text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_assert_null (strstr (text, word));
      checked++;
    }
  g_assert_cmpuint (checked, >=, 1);
}

static guint
n_items (Device *device)
{
  g_autoptr(GPtrArray) items = fb_store_list_items (device->store, NULL, NULL);

  return items->len;
}

/* ---- The cryptography alone ---- */

static void
test_keys_and_documents (void)
{
  g_autoptr(FbDataKey) key = fb_data_key_new_random ();
  g_autoptr(FbDataKey) opened = NULL;
  g_autoptr(JsonObject) keys_doc = NULL;
  g_autoptr(JsonObject) doc = json_object_new ();
  g_autoptr(JsonObject) sealed = NULL;
  g_autoptr(JsonObject) plain = NULL;
  g_autoptr(JsonObject) moved = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keys_text = NULL;
  g_autofree char *sealed_text = NULL;
  JsonObject *box;
  const char *data;
  g_autofree char *tampered = NULL;

  /* The default cost, as a device writes it (the other tests ask for
   * less, to keep their many derivations short). */
  fb_crypto_set_kdf_limits (FB_CRYPTO_KDF_MODERATE);
  keys_doc = fb_data_key_wrap (key, PASSPHRASE, &error);
  fb_crypto_set_kdf_limits (FB_CRYPTO_KDF_INTERACTIVE);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (keys_doc, "kdf"),
                                               "memlimit"), ==, 256 * 1024 * 1024);
  node = json_node_init_object (json_node_alloc (), keys_doc);
  keys_text = json_to_string (node, FALSE);
  g_assert_null (strstr (keys_text, PASSPHRASE));
  g_assert_cmpstr (json_object_get_string_member (keys_doc, "type"), ==, FB_CRYPTO_KEYS_TYPE);

  /* A wrong passphrase says so, and opens nothing. */
  g_assert_null (fb_data_key_unwrap (keys_doc, "wrong horse", &error));
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  opened = fb_data_key_unwrap (keys_doc, PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_data_key_get_id (opened), ==, fb_data_key_get_id (key));

  json_object_set_string_member (doc, "_id", "plot-7");
  json_object_set_string_member (doc, "_rev", "2-abc");
  json_object_set_string_member (doc, "type", "notes");
  json_object_set_string_member (doc, "title", "Heron nest");
  json_object_set_string_member (doc, "text", "eggs: 3\nnon-ASCII: Grünspecht ✓\n");

  /* Only "_" members stay readable; the other key opens it. */
  sealed = fb_data_key_encrypt_document (key, doc);
  g_clear_pointer (&node, json_node_unref);
  node = json_node_init_object (json_node_alloc (), sealed);
  sealed_text = json_to_string (node, FALSE);
  g_assert_null (strstr (sealed_text, "Heron"));
  g_assert_null (strstr (sealed_text, "notes"));
  g_assert_cmpstr (json_object_get_string_member (sealed, "_rev"), ==, "2-abc");
  plain = fb_data_key_decrypt_document (opened, sealed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (plain, "text"), ==,
                   "eggs: 3\nnon-ASCII: Grünspecht ✓\n");
  g_assert_cmpstr (json_object_get_string_member (plain, "_id"), ==, "plot-7");
  g_assert_false (json_object_has_member (plain, FB_CRYPTO_MEMBER));
  g_clear_pointer (&plain, json_object_unref);

  /* Moved to another document, it does not open. */
  moved = json_object_ref (sealed);
  json_object_set_string_member (moved, "_id", "plot-8");
  g_assert_null (fb_data_key_decrypt_document (key, moved, &error));
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE);
  g_clear_error (&error);
  json_object_set_string_member (moved, "_id", "plot-7");

  /* One character changed, it does not open. */
  box = json_object_get_object_member (sealed, FB_CRYPTO_MEMBER);
  data = json_object_get_string_member (box, "data");
  tampered = g_strdup (data);
  tampered[4] = tampered[4] == 'A' ? 'B' : 'A';
  json_object_set_string_member (box, "data", tampered);
  g_assert_null (fb_data_key_decrypt_document (key, sealed, &error));
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE);
}

/* ---- Against the server ---- */

/* What the server stores says nothing of the notes; a second device with
 * the passphrase reads them, one without or with a wrong one reads
 * nothing and says why. */
static void
test_server_sees_nothing (void)
{
  const char *db = "encrypted";
  g_autoptr(Device) a = device_new (db, PASSPHRASE);
  g_autoptr(Device) b = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *id = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *keys = NULL;

  id = fb_test_peer_create_note (a, "Heron nest", "eggs: 3\n");
  s = device_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);

  raw = server_raw (db, id);
  g_assert_nonnull (strstr (raw, FB_CRYPTO_MEMBER));
  g_assert_null (strstr (raw, "Heron"));
  g_assert_null (strstr (raw, "eggs"));
  g_assert_null (strstr (raw, "notes"));
  keys = server_raw (db, FB_CRYPTO_KEYS_ID);
  g_assert_null (strstr (keys, PASSPHRASE));

  /* No passphrase: asked for, nothing read. */
  b = device_new (db, NULL);
  s = fb_test_peer_sync_full (b, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_NEEDS_PASSPHRASE);
  g_clear_error (&error);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (n_items (b), ==, 0);
  g_assert_cmpint (fb_sync_manager_get_state (b->manager), ==, FB_SYNC_STATE_NEEDS_ATTENTION);

  /* A wrong one: said so, nothing read. */
  fb_sync_manager_set_passphrase (b->manager, "wrong horse");
  s = fb_test_peer_sync_full (b, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (n_items (b), ==, 0);

  fb_sync_manager_set_passphrase (b->manager, PASSPHRASE);
  s = device_sync (b);
  g_assert_cmpuint (s->pulled, ==, 1);
  item = fb_test_peer_get_item (b, id);
  g_assert_cmpstr (fb_item_get_title (item), ==, "Heron nest");
  g_assert_cmpstr (fb_item_get_text (item), ==, "eggs: 3\n");
}

/* Both devices edit different lines offline: the edits merge on the
 * client, as they do without encryption, and the server's copy stays
 * sealed. */
static void
test_merge_still_works (void)
{
  const char *db = "encrypted-merge";
  g_autoptr(Device) a = device_new (db, PASSPHRASE);
  g_autoptr(Device) b = device_new (db, PASSPHRASE);
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *id = NULL;
  g_autofree char *raw = NULL;

  id = fb_test_peer_create_note (a, "Plot 7", "one\ntwo\nthree\n");
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_test_peer_edit (a, id, "text", "ONE\ntwo\nthree\n");
  fb_test_peer_edit (b, id, "text", "one\ntwo\nTHREE\n");
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (b);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_assert_cmpuint (s->merged, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  item = fb_test_peer_get_item (a, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "ONE\ntwo\nTHREE\n");
  g_clear_object (&item);
  item = fb_test_peer_get_item (b, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "ONE\ntwo\nTHREE\n");
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);

  raw = server_raw (db, id);
  g_assert_null (strstr (raw, "ONE"));
  g_assert_null (strstr (raw, "THREE"));
}

/* Turning encryption on for a database that has 1,000 plain notes: every
 * one is sent again sealed, in batches, and none is readable on the server
 * afterwards; another device with the passphrase gets them all. */
static void
test_turn_on (void)
{
  const char *db = "encrypted-later";
  g_autoptr(Device) a = device_new (db, NULL);
  g_autoptr(Device) b = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(GBytes) all = NULL;
  g_autofree char *first = NULL;
  g_autofree char *raw = NULL;
  guint status = 0;

  first = fb_test_peer_create_note (a, "Plain note 0", "plain text 0\n");
  for (guint i = 1; i < 1000; i++)
    {
      g_autofree char *title = g_strdup_printf ("Plain note %u", i);
      g_autofree char *text = g_strdup_printf ("plain text %u\n", i);
      g_autofree char *id = fb_test_peer_create_note (a, title, text);
    }
  s = device_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1000);
  g_clear_pointer (&s, fb_sync_stats_free);
  raw = server_raw (db, first);
  g_assert_nonnull (strstr (raw, "Plain note 0"));
  g_clear_pointer (&raw, g_free);

  fb_sync_manager_set_passphrase (a->manager, PASSPHRASE);
  s = device_sync (a);
  g_assert_cmpuint (s->encrypted, ==, 1000);
  g_assert_cmpuint (s->pushed, ==, 1000);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);

  all = fb_test_server_request_raw (server, "GET", "encrypted-later/_all_docs?include_docs=true",
                                    NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  raw = g_strndup (g_bytes_get_data (all, NULL), g_bytes_get_size (all));
  g_assert_null (strstr (raw, "Plain note"));
  g_assert_null (strstr (raw, "plain text"));
  g_assert_nonnull (strstr (raw, FB_CRYPTO_MEMBER));

  b = device_new (db, PASSPHRASE);
  s = device_sync (b);
  g_assert_cmpuint (n_items (b), ==, 1000);
  g_clear_pointer (&s, fb_sync_stats_free);
  {
    g_autoptr(FbItem) item = fb_test_peer_get_item (b, first);

    g_assert_cmpstr (fb_item_get_title (item), ==, "Plain note 0");
  }
}

/* One device changes the passphrase. A device that has the data key open
 * keeps syncing (the key is the same, only its wrapping changed); one that
 * starts with the old passphrase (as after a restart, from its keyring) is
 * asked for the new one once, reads nothing before, and then syncs both
 * ways. The old passphrase opens nothing any more. */
static void
test_passphrase_changed_elsewhere (void)
{
  const char *db = "encrypted-new-passphrase";
  const char *new_passphrase = "a longer field passphrase";
  g_autoptr(Device) a = device_new (db, PASSPHRASE);
  g_autoptr(Device) b = device_new (db, PASSPHRASE);
  g_autoptr(Device) c = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *id = NULL;

  id = fb_test_peer_create_note (a, "Plot 9", "before\n");
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_sync_manager_change_passphrase_async (a->manager, new_passphrase, NULL,
                                           fb_test_got_result_cb, &result);
  WAIT_UNTIL (result != NULL, FB_TEST_PEER_DEADLINE_MS);
  g_assert_true (fb_sync_manager_change_passphrase_finish (a->manager, result, &error));
  g_assert_no_error (error);
  fb_test_peer_edit (a, id, "text", "after\n");
  s = device_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);

  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  item = fb_test_peer_get_item (b, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "after\n");
  g_clear_object (&item);

  /* Starting with the old one: asked, nothing read. */
  c = device_new (db, PASSPHRASE);
  s = fb_test_peer_sync_full (c, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpint (fb_sync_manager_get_state (c->manager), ==, FB_SYNC_STATE_NEEDS_ATTENTION);
  g_assert_cmpuint (n_items (c), ==, 0);

  /* Given the new one once, it reads everything and goes on syncing. */
  fb_sync_manager_set_passphrase (c->manager, new_passphrase);
  s = device_sync (c);
  g_clear_pointer (&s, fb_sync_stats_free);
  item = fb_test_peer_get_item (c, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "after\n");
  g_clear_object (&item);
  fb_test_peer_edit (c, id, "title", "Plot 9, north");
  s = device_sync (c);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (c);
  g_assert_cmpint (fb_sync_manager_get_state (c->manager), !=, FB_SYNC_STATE_NEEDS_ATTENTION);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  item = fb_test_peer_get_item (a, id);
  g_assert_cmpstr (fb_item_get_title (item), ==, "Plot 9, north");
  g_clear_object (&item);
  item = fb_test_peer_get_item (b, id);
  g_assert_cmpstr (fb_item_get_title (item), ==, "Plot 9, north");
}

/* Someone without the key changes a sealed document on the server: it is
 * never applied over what this device has, and the person is told. */
static void
test_tampered_not_applied (void)
{
  const char *db = "encrypted-tampered";
  g_autoptr(Device) a = device_new (db, PASSPHRASE);
  g_autoptr(Device) b = device_new (db, PASSPHRASE);
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *json = NULL;
  g_autofree char *rev = NULL;
  JsonObject *box;
  g_autofree char *data = NULL;

  id = fb_test_peer_create_note (a, "Site 3", "walls sound\n");
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = device_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);

  /* A new revision whose ciphertext is not ours. */
  doc = fb_test_server_get_doc (server, db, id, &error);
  g_assert_no_error (error);
  box = json_object_get_object_member (doc, FB_CRYPTO_MEMBER);
  data = g_strdup (json_object_get_string_member (box, "data"));
  data[6] = data[6] == 'A' ? 'B' : 'A';
  json_object_set_string_member (box, "data", data);
  node = json_node_init_object (json_node_alloc (), doc);
  json = json_to_string (node, FALSE);
  rev = fb_test_server_put_doc (server, db, id, json, &error);
  g_assert_no_error (error);

  b->n_rejected = 0;
  s = device_sync (b);
  g_assert_cmpuint (s->undecryptable, ==, 1);
  g_assert_cmpuint (s->pulled, ==, 0);
  g_assert_cmpuint (b->n_rejected, ==, 1);
  item = fb_test_peer_get_item (b, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "walls sound\n");
  g_assert_nonnull (fb_item_get_sync_error (item));
}

/* The server's database is reset: its keys document is gone with
 * everything else. The device makes a new key and sends everything again,
 * sealed, as the reconciliation does for any reset. */
static void
test_server_reset (void)
{
  const char *db = "encrypted-reset";
  g_autoptr(Device) a = device_new (db, PASSPHRASE);
  g_autoptr(Device) b = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *raw = NULL;
  guint status = 0;

  id = fb_test_peer_create_note (a, "Transect B", "b1\n");
  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  answer = fb_test_server_request (server, "DELETE", db, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (fb_test_server_create_db (server, db, &error));

  s = device_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  raw = server_raw (db, id);
  g_assert_nonnull (strstr (raw, FB_CRYPTO_MEMBER));
  g_assert_null (strstr (raw, "Transect"));
  assert_no_plain_revision (db, id, "Transect");

  b = device_new (db, PASSPHRASE);
  s = device_sync (b);
  item = fb_test_peer_get_item (b, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "b1\n");
}

/* ---- Known answers: docs/encryption.md's vectors ----
 *
 * Made by tests/data/encryption-vectors.py from the document alone
 * (libsodium through ctypes), so another implementation that follows it
 * reads what Fieldbook writes, and the other way round. */

#define KAT_KEY_ID      "AAECAwQFBgcICQoLDA0ODw=="
#define KAT_SALT        "AAECAwQFBgcICQoLDA0ODw=="
#define KAT_WRAP_NONCE  "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZX"
#define KAT_WRAPPED     "zhm67mMGDAHL2K1j2J6jF8xOU7AXp+x/elD3eRc7+qTHMPjzlmYw9LuimI9H+gXU"
#define KAT_DOC_NONCE   "YGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3"
#define KAT_ATT_NAME    "025e7afb07edd0a33cd72eb3ea008f86"
#define KAT_ATT_DATA    "kwU0X/UUufuIb/p7d9INtVWYxWEFgPtcQmpciFX7rqdT+RJlTpIIACDRQgKj1mk9vbFoWymzDptzJYbRGPy66ynKXP1jaOxwXDspWVNrYYEbBPPBh9IrnN73fYDlVKpejejR14O6tb7eXzk87HRhPYn7N1dQD8QEPOlcZQC85Xy42SHydXfNVh583et5m+n1EYOuOlYn39i8tUeE+wWhBPN5iizUnPbKs/hd/vqa"
#define KAT_DATA        "kwU0X/UUufuIb/p7d9INtVWYxWEFgPtcQmpciFX7ouZXsQl5RJBTRy/KBULlwGMqoswzDQmlAtN/JJ3JH62ssGTMXK9mc7R/QjVnBgYVbLkcHvKPvdpxx4KwK9ugTuUFsa+c1IG7ob6vAH0hued/q5DDmuzYKczQVVo="

static guint8 *
bytes_from (guint8 first,
            gsize  len)
{
  guint8 *bytes = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    bytes[i] = (guint8) (first + i);
  return bytes;
}

static JsonObject *
object_from (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

static void
test_known_answers (void)
{
  g_autofree guint8 *key_bytes = bytes_from (0x20, 32);
  g_autofree guint8 *salt = bytes_from (0x00, 16);
  g_autofree guint8 *wrap_nonce = bytes_from (0x40, 24);
  g_autofree guint8 *doc_nonce = bytes_from (0x60, 24);
  g_autoptr(FbDataKey) key = _fb_data_key_new_from_bytes (KAT_KEY_ID, key_bytes);
  g_autoptr(FbDataKey) opened = NULL;
  g_autoptr(JsonObject) keys_doc = NULL;
  g_autoptr(JsonObject) plain = NULL;
  g_autoptr(JsonObject) sealed = NULL;
  g_autoptr(JsonObject) read = NULL;
  g_autoptr(JsonObject) vector = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *box;

  /* Writing: the same bytes as the independent script. */
  keys_doc = _fb_data_key_wrap_full (key, PASSPHRASE, salt, wrap_nonce, 2, 67108864, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (keys_doc, "key_id"), ==, KAT_KEY_ID);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (keys_doc, "kdf"), "salt"),
                   ==, KAT_SALT);
  box = json_object_get_object_member (keys_doc, "wrapped");
  g_assert_cmpstr (json_object_get_string_member (box, "nonce"), ==, KAT_WRAP_NONCE);
  g_assert_cmpstr (json_object_get_string_member (box, "ciphertext"), ==, KAT_WRAPPED);

  plain = object_from ("{\"_id\": \"note-kat\", \"_rev\": \"1-0123456789abcdef\","
                       " \"type\": \"notes\", \"title\": \"Heron at the weir\","
                       " \"text\": \"Two adults, one juvenile.\\nWind NW.\", \"tags\": [\"birds\"]}");
  sealed = _fb_data_key_encrypt_document_full (key, plain, doc_nonce);
  g_assert_false (json_object_has_member (sealed, "title"));
  g_assert_cmpstr (json_object_get_string_member (sealed, "_rev"), ==, "1-0123456789abcdef");
  box = json_object_get_object_member (sealed, FB_CRYPTO_MEMBER);
  g_assert_cmpint (json_object_get_int_member (box, "v"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (box, "kid"), ==, KAT_KEY_ID);
  g_assert_cmpstr (json_object_get_string_member (box, "nonce"), ==, KAT_DOC_NONCE);
  g_assert_cmpstr (json_object_get_string_member (box, "data"), ==, KAT_DATA);

  /* Reading the script's documents: the key from the passphrase, then
   * the content. */
  vector = object_from ("{\"_id\": \"fieldbook-keys\", \"type\": \"keys\", \"version\": 1,"
                        " \"key_id\": \"" KAT_KEY_ID "\","
                        " \"kdf\": {\"alg\": \"argon2id13\", \"salt\": \"" KAT_SALT "\","
                        " \"opslimit\": 2, \"memlimit\": 67108864},"
                        " \"wrapped\": {\"alg\": \"xchacha20poly1305-ietf\","
                        " \"nonce\": \"" KAT_WRAP_NONCE "\", \"ciphertext\": \"" KAT_WRAPPED "\"}}");
  opened = fb_data_key_unwrap (vector, PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_data_key_get_id (opened), ==, KAT_KEY_ID);
  g_clear_pointer (&vector, json_object_unref);

  vector = object_from ("{\"_id\": \"note-kat\", \"_rev\": \"1-0123456789abcdef\","
                        " \"fieldbook_encrypted\": {\"v\": 1, \"kid\": \"" KAT_KEY_ID "\","
                        " \"nonce\": \"" KAT_DOC_NONCE "\", \"data\": \"" KAT_DATA "\"}}");
  read = fb_data_key_decrypt_document (opened, vector, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (read, "title"), ==, "Heron at the weir");
  g_assert_cmpstr (json_object_get_string_member (read, "text"), ==, "Two adults, one juvenile.\nWind NW.");
  g_assert_cmpstr (json_object_get_string_member (read, "type"), ==, "notes");
  g_assert_cmpstr (json_object_get_string_member (read, "_rev"), ==, "1-0123456789abcdef");

  /* The same ciphertext under another _id is refused: the id is bound. */
  json_object_set_string_member (vector, "_id", "note-other");
  g_clear_pointer (&read, json_object_unref);
  read = fb_data_key_decrypt_document (opened, vector, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE);
  g_assert_null (read);
  g_clear_error (&error);
}

/* A document with a sealed attachment: its name on the server, the
 * listing inside the sealed content, and reading the script's document
 * back (tests/data/encryption-vectors.py). */
static void
test_known_answers_attachments (void)
{
  g_autofree guint8 *key_bytes = bytes_from (0x20, 32);
  g_autofree guint8 *doc_nonce = bytes_from (0x60, 24);
  g_autoptr(FbDataKey) key = _fb_data_key_new_from_bytes (KAT_KEY_ID, key_bytes);
  g_autoptr(JsonObject) plain = NULL;
  g_autoptr(JsonObject) sealed = NULL;
  g_autoptr(JsonObject) vector = NULL;
  g_autoptr(JsonObject) read = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server_name = fb_data_key_attachment_server_name (key, "note-kat", "heron.jpg");
  JsonObject *stored;
  JsonObject *entry;

  g_assert_cmpstr (server_name, ==, KAT_ATT_NAME);

  plain = object_from ("{\"_id\": \"note-kat\", \"_rev\": \"2-0123456789abcdef\","
                       " \"type\": \"notes\", \"title\": \"Heron, photo\","
                       " \"_attachments\": {\"heron.jpg\": {\"content_type\": \"image/jpeg\","
                       " \"length\": 5, \"digest\": \"md5-XUFAKrxLKna5cZ2REBfFkg==\","
                       " \"stub\": true, \"encrypted\": true,"
                       " \"sealed_digest\": \"md5-sealedsealedsealedseal==\", \"sealed_length\": 46}}}");
  sealed = _fb_data_key_encrypt_document_full (key, plain, doc_nonce);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (sealed, FB_CRYPTO_MEMBER),
                                                  "data"), ==, KAT_ATT_DATA);
  stored = json_object_get_object_member (sealed, "_attachments");
  g_assert_cmpuint (json_object_get_size (stored), ==, 1);
  entry = json_object_get_object_member (stored, KAT_ATT_NAME);
  g_assert_nonnull (entry);
  g_assert_true (json_object_get_boolean_member (entry, "stub"));
  g_assert_cmpstr (json_object_get_string_member (entry, "digest"), ==, "md5-sealedsealedsealedseal==");
  g_assert_cmpint (json_object_get_int_member (entry, "length"), ==, 46);
  g_assert_cmpstr (json_object_get_string_member (entry, "content_type"), ==, "application/octet-stream");

  vector = object_from ("{\"_id\": \"note-kat\", \"_rev\": \"2-0123456789abcdef\","
                        " \"_attachments\": {\"" KAT_ATT_NAME "\": {\"content_type\": \"application/octet-stream\","
                        " \"stub\": true, \"digest\": \"md5-sealedsealedsealedseal==\", \"length\": 46,"
                        " \"revpos\": 2}},"
                        " \"fieldbook_encrypted\": {\"v\": 1, \"kid\": \"" KAT_KEY_ID "\","
                        " \"nonce\": \"" KAT_DOC_NONCE "\", \"data\": \"" KAT_ATT_DATA "\"}}");
  read = fb_data_key_decrypt_document (key, vector, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (read, "title"), ==, "Heron, photo");
  g_assert_false (json_object_has_member (read, FB_CRYPTO_ATTACHMENTS_MEMBER));
  stored = json_object_get_object_member (read, "_attachments");
  g_assert_cmpuint (json_object_get_size (stored), ==, 1);
  entry = json_object_get_object_member (stored, "heron.jpg");
  g_assert_cmpstr (json_object_get_string_member (entry, "content_type"), ==, "image/jpeg");
  g_assert_cmpint (json_object_get_int_member (entry, "length"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (entry, "digest"), ==, "md5-XUFAKrxLKna5cZ2REBfFkg==");
  g_assert_true (json_object_get_boolean_member (entry, FB_CRYPTO_ATTACHMENT_ENCRYPTED));
  g_assert_cmpstr (json_object_get_string_member (entry, FB_CRYPTO_SEALED_DIGEST), ==,
                   "md5-sealedsealedsealedseal==");
  g_assert_cmpint (json_object_get_int_member (entry, "revpos"), ==, 2);
}

static gboolean
contains_bytes (GBytes       *haystack,
                const guint8 *needle,
                gsize         len)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (haystack, &size);

  for (gsize i = 0; i + len <= size; i++)
    if (memcmp (data + i, needle, len) == 0)
      return TRUE;
  return FALSE;
}

/* Attachment bytes: every size comes back, and any change, cut, other
 * document, name or key is refused. */
static void
test_attachment_bytes (void)
{
  const gsize sizes[] = { 0, 1, 65535, 65536, 65537, 200000 };
  g_autoptr(FbDataKey) key = fb_data_key_new_random ();
  g_autoptr(FbDataKey) other = fb_data_key_new_random ();

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree guint8 *data = g_malloc (sizes[i] + 1);
      g_autoptr(GBytes) plain = NULL;
      g_autoptr(GBytes) sealed = NULL;
      g_autoptr(GBytes) opened = NULL;
      g_autoptr(GBytes) cut = NULL;
      g_autoptr(GBytes) changed = NULL;
      g_autoptr(GError) error = NULL;
      guint8 *copy;
      gsize len;

      for (gsize j = 0; j < sizes[i]; j++)
        data[j] = (guint8) g_test_rand_int_range (0, 256);
      plain = g_bytes_new (data, sizes[i]);
      sealed = fb_data_key_seal_bytes (key, "note-1", "heron.jpg", plain);
      g_assert_cmpuint (g_bytes_get_size (sealed), >, sizes[i]);
      /* Not the plain bytes anywhere (for sizes with something to find). */
      if (sizes[i] >= 16)
        g_assert_false (contains_bytes (sealed, data, 16));

      opened = fb_data_key_open_bytes (key, "note-1", "heron.jpg", sealed, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (opened, plain));
      g_clear_pointer (&opened, g_bytes_unref);

      opened = fb_data_key_open_bytes (key, "note-2", "heron.jpg", sealed, &error);
      g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE);
      g_assert_null (opened);
      g_clear_error (&error);
      opened = fb_data_key_open_bytes (key, "note-1", "nest.jpg", sealed, &error);
      g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE);
      g_clear_error (&error);
      opened = fb_data_key_open_bytes (other, "note-1", "heron.jpg", sealed, &error);
      g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE);
      g_clear_error (&error);

      /* One byte changed in the last chunk, or the copy cut short. */
      copy = g_bytes_unref_to_data (g_bytes_ref (sealed), &len);
      copy[len - 1] ^= 0x01;
      changed = g_bytes_new_take (copy, len);
      opened = fb_data_key_open_bytes (key, "note-1", "heron.jpg", changed, &error);
      g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE);
      g_clear_error (&error);
      cut = g_bytes_new_from_bytes (sealed, 0, g_bytes_get_size (sealed) - 1);
      opened = fb_data_key_open_bytes (key, "note-1", "heron.jpg", cut, &error);
      g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE);
      g_clear_error (&error);
      if (sizes[i] > 65536)
        {
          /* Whole chunks only, the final one missing. */
          g_autoptr(GBytes) first = g_bytes_new_from_bytes (sealed, 0, 24 + 65536 + 17);

          opened = fb_data_key_open_bytes (key, "note-1", "heron.jpg", first, &error);
          g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE);
          g_clear_error (&error);
        }
    }
}

/* `fieldbook --encrypt` with its stderr on a terminal counts what it
 * sends encrypted, batch by batch, in the Encryption page's words,
 * rewritten in place; its line ends with the last batch. */
static void
test_cli_terminal_count (void)
{
  const char *db = "encrypt-terminal";
  g_autofree char *home = g_dir_make_tmp ("fb-test-encrypt-pty-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (home, "fieldbook", "fieldbook.db", NULL);
  const char *args[] = { "--encrypt", NULL };
  const char *env[] = { "FIELDBOOK_PASSPHRASE", "correct horse battery staple", NULL };
  g_autofree char *shown = NULL;
  g_autoptr(GError) error = NULL;
  FbTestFieldbook *child;
  FbTestPty *pty;
  int slave;
  int status = -1;

  {
    g_autoptr(FbStore) store = fb_store_new (path, &error);

    g_assert_no_error (error);
    g_assert_true (fb_store_begin (store, &error));
    for (guint i = 0; i < 2100; i++)
      {
        g_autofree char *title = g_strdup_printf ("Plot %u", i);
        g_autoptr(JsonObject) body = fb_note_body_new (title, "two herons");
        g_autoptr(FbItem) item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, &error);

        g_assert_no_error (error);
      }
    g_assert_true (fb_store_commit (store, &error));
  }

  pty = fb_test_pty_new (&slave);
  child = fb_test_fieldbook_start_full (fb_test_server_get_url (server), home, db, ADMIN, PASSWORD,
                                        args, env, slave);
  close (slave);
  g_assert_false (fb_test_fieldbook_wait (child, &status));
  g_assert_cmpint (status, ==, 0);
  shown = fb_test_pty_finish (pty);

  g_test_message ("%s", shown);
  /* Two batches of 1,000 are out at once, and a store commit records one
   * batch's results: the first count of items sent is 1000, whichever
   * answers first. The last batch (100) goes once a slot is free and may
   * be answered before the other 1,000, so the counts after that vary;
   * they only grow, and the line ends with all of them. */
  {
    g_auto(GStrv) lines = g_strsplit (shown, "\r", -1);
    const char *prefix = "Encrypting and sending: ";
    guint first = 0;
    guint last = 0;

    for (guint i = 0; lines[i] != NULL; i++)
      {
        char *end = NULL;
        guint done;

        if (!g_str_has_prefix (lines[i], prefix))
          continue;
        done = g_ascii_strtoull (lines[i] + strlen (prefix), &end, 10);
        g_assert_true (g_str_has_prefix (end, " of 2100 items\033[K"));
        g_assert_cmpuint (done, >=, last);
        if (first == 0)
          first = done;
        last = done;
      }
    g_assert_cmpuint (first, ==, 1000);
    g_assert_cmpuint (last, ==, 2100);
  }
  g_assert_nonnull (strstr (shown, "\rEncrypting and sending: 2100 of 2100 items\033[K\r\n"));
  fb_test_remove_tree (home);
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

  g_test_add_func ("/encryption/known-answers", test_known_answers);
  g_test_add_func ("/encryption/known-answers-attachments", test_known_answers_attachments);
  g_test_add_func ("/encryption/attachment-bytes", test_attachment_bytes);
  g_test_add_func ("/encryption/keys-and-documents", test_keys_and_documents);
  g_test_add_func ("/encryption/server-sees-nothing", test_server_sees_nothing);
  g_test_add_func ("/encryption/merge-still-works", test_merge_still_works);
  g_test_add_func ("/encryption/turn-on", test_turn_on);
  g_test_add_func ("/encryption/passphrase-changed-elsewhere", test_passphrase_changed_elsewhere);
  g_test_add_func ("/encryption/tampered-not-applied", test_tampered_not_applied);
  g_test_add_func ("/encryption/server-reset", test_server_reset);
  g_test_add_func ("/encryption/cli-terminal-count", test_cli_terminal_count);

  status = g_test_run ();

  fb_test_server_free (server);
  return status;
}
