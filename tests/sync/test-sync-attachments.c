/* test-sync-attachments.c: attachments synced as CouchDB attachments, against PouchDB Server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-sync-attachments"

#include "config.h"

#include <string.h>

#include "fb-attachments.h"
#include "fb-fake-network-monitor.h"
#include "fb-item-body.h"
#include "fb-store.h"
#include "fb-store-history.h"
#include "fb-version.h"
#include "fb-sync-error.h"
#include "fb-sync-manager.h"
#include "fb-sync-run.h"
#include "fb-test-peer.h"
#include "fb-test-pouch.h"
#include "fb-test-program.h"
#include "fb-test-proxy.h"
#include "fb-test-server.h"
#include "fb-test-store.h"
#include "fb-test-wait.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;

static FbTestPeer *
device_new (const char *url,
            const char *db)
{
  return fb_test_peer_new (url != NULL ? url : fb_test_server_get_url (server), db,
                           ADMIN, PASSWORD, TRUE);
}

static void
device_sync (FbTestPeer *device)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) stats = fb_test_peer_sync_full (device, &error);

  g_assert_no_error (error);
}

/* The attachment @name of @id on @device, with its file's bytes. */
static FbAttachment *
get_attachment (FbTestPeer  *device,
                const char  *id,
                const char  *name,
                GBytes     **bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  FbAttachment *attachment = fb_store_get_attachment (device->store, id, name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (attachment->sha256);
  file = fb_store_get_attachment_file (device->store, attachment->digest, &error);
  g_assert_no_error (error);
  *bytes = g_file_load_bytes (file, NULL, NULL, &error);
  g_assert_no_error (error);
  return attachment;
}

/* The server's stub of @name in document @id. */
static JsonObject *
server_stub (const char *db,
             const char *id,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = fb_test_server_get_doc (server, db, id, &error);
  JsonObject *stub;

  g_assert_no_error (error);
  stub = fb_body_get_object (fb_body_get_object (doc, "_attachments"), name);
  g_assert_nonnull (stub);
  return json_object_ref (stub);
}

/* Attach → sync → another device has the same bytes and digest; an edit
 * of the text afterwards sends a stub, not the data again; the same photo
 * attached on the other device is one file there. */
static void
test_round_trip (void)
{
  const char *db = "attachments-round-trip";
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(FbTestPeer) a = device_new (fb_test_proxy_get_url (proxy), db);
  g_autoptr(FbTestPeer) b = device_new (NULL, db);
  g_autoptr(GBytes) photo = fb_test_bytes (300 * 1024);
  g_autofree char *id = fb_test_peer_create_note (a, "Heron", "at the weir");
  g_autoptr(FbAttachment) sent = fb_test_store_attach (a->store, id, "heron.jpg", NULL, photo);
  g_autoptr(FbAttachment) got = NULL;
  g_autoptr(GBytes) got_bytes = NULL;
  g_autoptr(GBytes) served = NULL;
  g_autoptr(JsonObject) stub = NULL;
  g_autoptr(JsonObject) stub_after = NULL;
  g_autofree char *path = g_strdup_printf ("%s/%s/heron.jpg", db, id);
  g_autofree char *id2 = NULL;
  g_autoptr(FbAttachment) again = NULL;
  g_autofree char *dir = NULL;
  guint status = 0;
  guint64 before;

  g_assert_no_error (error);
  before = fb_test_proxy_get_request_bytes (proxy);
  device_sync (a);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);
  /* Inline: base64 is 4/3 of the bytes. */
  g_assert_cmpuint (fb_test_proxy_get_request_bytes (proxy) - before, >, g_bytes_get_size (photo));

  /* Any CouchDB client sees it as the document's attachment. */
  served = fb_test_server_request_raw (server, "GET", path, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (g_bytes_equal (served, photo));
  stub = server_stub (db, id, "heron.jpg");
  g_assert_cmpstr (fb_body_get_string (stub, "digest"), ==, sent->digest);
  g_assert_cmpstr (fb_body_get_string (stub, "content_type"), ==, "image/jpeg");

  device_sync (b);
  got = get_attachment (b, id, "heron.jpg", &got_bytes);
  g_assert_cmpstr (got->sha256, ==, sent->sha256);
  g_assert_cmpstr (got->digest, ==, sent->digest);
  g_assert_true (g_bytes_equal (got_bytes, photo));

  /* The text changes; the photo is not sent again: a stub goes, far
   * smaller than the photo. */
  fb_test_peer_edit (a, id, "text", "at the weir, fishing");
  before = fb_test_proxy_get_request_bytes (proxy);
  device_sync (a);
  g_assert_cmpuint (fb_test_proxy_get_request_bytes (proxy) - before, <, g_bytes_get_size (photo) / 10);
  stub_after = server_stub (db, id, "heron.jpg");
  g_assert_cmpstr (fb_body_get_string (stub_after, "digest"), ==, sent->digest);
  device_sync (b);
  g_clear_pointer (&got_bytes, g_bytes_unref);
  g_clear_pointer (&got, fb_attachment_free);
  got = get_attachment (b, id, "heron.jpg", &got_bytes);
  g_assert_true (g_bytes_equal (got_bytes, photo));

  /* Dedup on the device that downloaded it. */
  id2 = fb_test_peer_create_note (b, "Heron again", "");
  again = fb_test_store_attach (b->store, id2, "same.jpg", NULL, photo);
  g_assert_cmpstr (again->sha256, ==, sent->sha256);
  dir = fb_store_dup_attachments_dir (b->store);
  {
    g_autoptr(GDir) files = g_dir_open (dir, 0, NULL);
    guint n = 0;

    while (g_dir_read_name (files) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 1);
  }
}

/* A rename is an edit of the document: after a sync the server and the
 * other device have the same bytes (same digest) under the new name, the
 * old name gone, and the note's reference to it renamed. */
static void
test_rename (void)
{
  const char *db = "attachments-rename";
  g_autoptr(FbTestPeer) a = device_new (NULL, db);
  g_autoptr(FbTestPeer) b = device_new (NULL, db);
  g_autoptr(GBytes) photo = fb_test_bytes (20 * 1024);
  g_autofree char *id = fb_test_peer_create_note (a, "Heron", "![The heron](attachment:heron.jpg)");
  g_autoptr(FbAttachment) sent = fb_test_store_attach (a->store, id, "heron.jpg", NULL, photo);
  g_autoptr(FbAttachment) got = NULL;
  g_autoptr(FbAttachment) gone = NULL;
  g_autoptr(GBytes) got_bytes = NULL;
  g_autoptr(JsonObject) stub = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;

  device_sync (a);
  device_sync (b);
  g_assert_true (fb_store_rename_attachment (a->store, id, "heron.jpg", "heron at the weir.jpg", &error));
  g_assert_no_error (error);
  device_sync (a);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);

  stub = server_stub (db, id, "heron at the weir.jpg");
  g_assert_cmpstr (fb_body_get_string (stub, "digest"), ==, sent->digest);
  doc = fb_test_server_get_doc (server, db, id, &error);
  g_assert_no_error (error);
  g_assert_false (json_object_has_member (fb_body_get_object (doc, "_attachments"), "heron.jpg"));

  device_sync (b);
  got = get_attachment (b, id, "heron at the weir.jpg", &got_bytes);
  g_assert_cmpstr (got->digest, ==, sent->digest);
  g_assert_cmpstr (got->sha256, ==, sent->sha256);
  g_assert_true (g_bytes_equal (got_bytes, photo));
  gone = fb_store_get_attachment (b->store, id, "heron.jpg", &error);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
  g_assert_null (gone);
  item = fb_test_peer_get_item (b, id);
  g_assert_cmpstr (fb_body_get_string (fb_item_get_body (item), "text"), ==,
                   "![The heron](attachment:heron%20at%20the%20weir.jpg)");
}

/* Another program's document with an attachment is pulled with its file,
 * and an edit here keeps the attachment on the server. */
static void
test_foreign_attachment (void)
{
  const char *db = "attachments-foreign";
  g_autoptr(FbTestPeer) a = device_new (NULL, db);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbAttachment) got = NULL;
  g_autoptr(GBytes) got_bytes = NULL;
  g_autoptr(JsonObject) stub = NULL;
  g_autofree char *rev = NULL;

  g_assert_true (fb_test_server_create_db (server, db, &error));
  g_assert_no_error (error);
  /* "owl pellet" in base64, as CouchDB's inline form. */
  rev = fb_test_server_put_doc (server, db, "foreign-1",
                                "{\"type\":\"notes\",\"title\":\"Owl\",\"text\":\"pellet\","
                                "\"_attachments\":{\"pellet.txt\":{\"content_type\":\"text/plain\","
                                "\"data\":\"b3dsIHBlbGxldA==\"}}}",
                                &error);
  g_assert_no_error (error);

  device_sync (a);
  got = get_attachment (a, "foreign-1", "pellet.txt", &got_bytes);
  g_assert_cmpmem (g_bytes_get_data (got_bytes, NULL), g_bytes_get_size (got_bytes), "owl pellet", 10);
  g_assert_cmpstr (got->content_type, ==, "text/plain");

  fb_test_peer_edit (a, "foreign-1", "text", "pellet, with bones");
  device_sync (a);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);
  stub = server_stub (db, "foreign-1", "pellet.txt");
  g_assert_cmpstr (fb_body_get_string (stub, "digest"), ==, got->digest);
}

/* A server that refuses the size (413) is told in words on the item,
 * which stays pending with its attachment; the run itself goes on (its
 * pull still comes); the next run, when the server takes it, sends it. */
static void
test_too_large (void)
{
  const char *db = "attachments-too-large";
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(FbTestPeer) a = device_new (fb_test_proxy_get_url (proxy), db);
  g_autoptr(FbTestPeer) b = device_new (NULL, db);
  g_autoptr(GBytes) photo = fb_test_bytes (64 * 1024);
  g_autofree char *big = fb_test_peer_create_note (a, "Big", "photo");
  g_autofree char *other = NULL;
  g_autoptr(FbAttachment) sent = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonObject) stub = NULL;

  g_assert_no_error (error);
  device_sync (a);
  sent = fb_test_store_attach (a->store, big, "big.jpg", NULL, photo);
  /* Meanwhile another device wrote something. */
  other = fb_test_peer_create_note (b, "From the other device", "");
  device_sync (b);

  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_TOO_LARGE, 1, "_bulk_docs");
  device_sync (a);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), ==, 1);

  item = fb_test_peer_get_item (a, big);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);
  g_assert_nonnull (fb_item_get_sync_error (item));
  g_assert_nonnull (strstr (fb_item_get_sync_error (item), "does not take files this large"));
  g_assert_cmpuint (a->n_rejected, ==, 1);
  g_assert_true (fb_test_peer_has_live_item (a, other));
  doc = fb_test_server_get_doc (server, db, big, &error);
  g_assert_no_error (error);
  g_assert_null (fb_body_get_object (doc, "_attachments"));

  /* The limit is raised: the next run sends it. */
  device_sync (a);
  g_clear_object (&item);
  item = fb_test_peer_get_item (a, big);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  g_assert_null (fb_item_get_sync_error (item));
  stub = server_stub (db, big, "big.jpg");
  g_assert_cmpstr (fb_body_get_string (stub, "digest"), ==, sent->digest);
}

/* On a metered network a large attachment waits (the item is there, its
 * file is not) while a small one comes with its document; on another
 * network the next run brings the large one. */
static void
test_metered (void)
{
  const char *db = "attachments-metered";
  g_autoptr(FbTestPeer) a = device_new (NULL, db);
  g_autoptr(FbTestPeer) b = device_new (NULL, db);
  g_autoptr(GBytes) large = fb_test_bytes (FB_SYNC_EAGER_ATTACHMENT_BYTES + 1);
  g_autoptr(GBytes) small = fb_test_bytes (1000);
  g_autofree char *id = fb_test_peer_create_note (a, "Plot 7", "");
  g_autoptr(FbAttachment) l = fb_test_store_attach (a->store, id, "large.tif", NULL, large);
  g_autoptr(FbAttachment) s = fb_test_store_attach (a->store, id, "small.jpg", NULL, small);
  g_autoptr(FbAttachment) got = NULL;
  g_autoptr(GBytes) got_bytes = NULL;
  g_autoptr(GError) error = NULL;

  device_sync (a);
  fb_fake_network_monitor_set_metered (b->monitor, TRUE);
  device_sync (b);
  got = get_attachment (b, id, "small.jpg", &got_bytes);
  g_assert_true (g_bytes_equal (got_bytes, small));
  g_clear_pointer (&got, fb_attachment_free);
  g_clear_pointer (&got_bytes, g_bytes_unref);
  got = fb_store_get_attachment (b->store, id, "large.tif", &error);
  g_assert_no_error (error);
  g_assert_null (got->sha256);
  g_assert_cmpint (got->length, ==, g_bytes_get_size (large));
  g_clear_pointer (&got, fb_attachment_free);

  fb_fake_network_monitor_set_metered (b->monitor, FALSE);
  device_sync (b);
  got = get_attachment (b, id, "large.tif", &got_bytes);
  g_assert_cmpstr (got->sha256, ==, l->sha256);
  g_assert_true (g_bytes_equal (got_bytes, large));
}

static gboolean
fetch (FbTestPeer  *device,
       const char  *id,
       const char  *name,
       GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fb_sync_manager_fetch_attachment_async (device->manager, id, name, NULL, fb_test_got_result_cb, &result);
  WAIT_UNTIL (result != NULL, FB_TEST_PEER_DEADLINE_MS);
  return fb_sync_manager_fetch_attachment_finish (device->manager, result, error);
}

/* On a metered network the person opens the large file the pull left on
 * the server: it is fetched now, with its bytes; one the server no longer
 * has (removed, then compacted away) says so in words, and nothing is
 * kept. */
static void
test_fetch_when_opened (void)
{
  const char *db = "attachments-fetch";
  g_autoptr(FbTestPeer) a = device_new (NULL, db);
  g_autoptr(FbTestPeer) b = device_new (NULL, db);
  g_autoptr(GBytes) large = fb_test_bytes (FB_SYNC_EAGER_ATTACHMENT_BYTES + 1);
  g_autoptr(GBytes) other = fb_test_bytes (FB_SYNC_EAGER_ATTACHMENT_BYTES + 2);
  g_autofree char *id = fb_test_peer_create_note (a, "Plot 8", "");
  g_autoptr(FbAttachment) l = fb_test_store_attach (a->store, id, "large.tif", NULL, large);
  g_autoptr(FbAttachment) o = fb_test_store_attach (a->store, id, "other.tif", NULL, other);
  g_autoptr(FbAttachment) got = NULL;
  g_autoptr(GBytes) got_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonObject) doc = NULL;
  guint status = 0;

  device_sync (a);
  fb_fake_network_monitor_set_metered (b->monitor, TRUE);
  device_sync (b);
  got = fb_store_get_attachment (b->store, id, "large.tif", &error);
  g_assert_no_error (error);
  g_assert_null (got->sha256);
  g_clear_pointer (&got, fb_attachment_free);

  g_assert_true (fetch (b, id, "large.tif", &error));
  g_assert_no_error (error);
  got = get_attachment (b, id, "large.tif", &got_bytes);
  g_assert_cmpstr (got->sha256, ==, l->sha256);
  g_assert_true (g_bytes_equal (got_bytes, large));
  /* Here now: asked again, nothing to do. */
  g_assert_true (fetch (b, id, "large.tif", &error));

  /* Someone else removes the other file's data on the server. */
  doc = fb_test_server_get_doc (server, db, id, &error);
  g_assert_no_error (error);
  path = g_strdup_printf ("%s/%s/other.tif?rev=%s", db, id, json_object_get_string_member (doc, "_rev"));
  answer = fb_test_server_request (server, "DELETE", path, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  /* B's version names the revision that had it, whose data stays until a
   * compaction (PouchDB Server answers once it is done). */
  g_clear_pointer (&answer, json_node_unref);
  g_free (path);
  path = g_strdup_printf ("%s/_compact", db);
  answer = fb_test_server_request (server, "POST", path, "{}", &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 202);
  g_assert_false (fetch (b, id, "other.tif", &error));
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "other.tif"));
  g_clear_error (&error);
  g_clear_pointer (&got, fb_attachment_free);
  got = fb_store_get_attachment (b->store, id, "other.tif", &error);
  g_assert_no_error (error);
  g_assert_null (got->sha256);
}

/* ---- An earlier version restored ---- */

/* A version from before its file was removed, made current again: the
 * file comes back with it and goes to the server again (the removal's
 * revision has no such data to name with a stub), and another device
 * gets it. */
static void
test_restore_version_with_removed_file (void)
{
  const char *db = "attachments-restore-version";
  g_autoptr(FbTestPeer) a = device_new (NULL, db);
  g_autoptr(FbTestPeer) b = device_new (NULL, db);
  g_autoptr(GBytes) bytes = fb_test_bytes (2000);
  g_autofree char *id = fb_test_peer_create_note (a, "Plot 9", "");
  g_autoptr(FbAttachment) attached = fb_test_store_attach (a->store, id, "nest.jpg", NULL, bytes);
  g_autoptr(FbAttachment) got = NULL;
  g_autoptr(GBytes) got_bytes = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) doc = NULL;
  gint64 with_file = -1;
  guint n_left_out = 99;

  device_sync (a);
  device_sync (b);
  g_assert_true (fb_store_keep_version (a->store, id, &error));
  g_assert_true (fb_store_remove_attachment (a->store, id, "nest.jpg", &error));
  device_sync (a);
  device_sync (b);
  doc = fb_test_server_doc (server, db, id);
  g_assert_null (fb_test_doc_attachment_digest (doc, "nest.jpg"));
  g_clear_pointer (&doc, json_object_unref);

  versions = fb_store_list_versions (a->store, id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < versions->len && with_file < 0; i++)
    if (fb_body_get_object (fb_body_get_object (fb_version_get_body (versions->pdata[i]), FB_BODY_ATTACHMENTS),
                            "nest.jpg") != NULL)
      with_file = fb_version_get_id (versions->pdata[i]);
  g_assert_cmpint (with_file, >=, 0);
  g_assert_true (fb_store_restore_version (a->store, id, with_file, &n_left_out, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_left_out, ==, 0);
  device_sync (a);

  item = fb_test_peer_get_item (a, id);
  g_assert_null (fb_item_get_sync_error (item));
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  doc = fb_test_server_doc (server, db, id);
  g_assert_cmpstr (fb_test_doc_attachment_digest (doc, "nest.jpg"), ==, attached->digest);
  device_sync (b);
  got = get_attachment (b, id, "nest.jpg", &got_bytes);
  g_assert_true (g_bytes_equal (got_bytes, bytes));
}

/* ---- Killed mid-transfer ----
 * The real program, `fieldbook --sync`, killed with SIGKILL while it
 * downloads (as test-sync-identity.c kills it), then a clean run: nothing
 * is lost, and the bytes are the same everywhere. */

/* `fieldbook --sync` on the store under @home, killed after @kill_after_ms
 * (0: never, and it must succeed). TRUE when it was killed. */
static gboolean
run_fieldbook_sync (const char *home,
                    const char *db,
                    guint       kill_after_ms)
{
  int status = -1;
  gboolean killed = fb_test_run_fieldbook_sync (server, home, db, ADMIN, PASSWORD, kill_after_ms, &status);

  if (kill_after_ms == 0)
    g_assert_cmpint (status, ==, 0);
  return killed;
}

static FbStore *
open_home_store (const char *home)
{
  g_autofree char *path = g_build_filename (home, "fieldbook", "fieldbook.db", NULL);
  g_autoptr(GError) error = NULL;
  FbStore *store = fb_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

static void
test_killed_mid_transfer (void)
{
  const char *db = "attachments-killed";
  g_autofree char *up = g_dir_make_tmp ("fb-test-att-up-XXXXXX", NULL);
  g_autofree char *down = g_dir_make_tmp ("fb-test-att-down-XXXXXX", NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) sha256s = g_ptr_array_new_with_free_func (g_free);
  guint n_kills = 0;
  guint kill_ms[] = { 150, 400, 700, 1100, 1600, 2400 };

  /* Five notes with 2 MB each, written offline. */
  {
    g_autoptr(FbStore) store = open_home_store (up);

    for (guint i = 0; i < 5; i++)
      {
        g_autoptr(JsonObject) body = fb_note_body_new ("Plot", "");
        g_autoptr(FbItem) item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, NULL);
        g_autoptr(GBytes) bytes = fb_test_bytes (2 * 1024 * 1024 + i);
        g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (bytes);
        g_autoptr(GError) error = NULL;
        g_autoptr(FbAttachment) attachment = fb_store_add_attachment (store, fb_item_get_id (item),
                                                                      "plot.tif", NULL, in, NULL, &error);

        g_assert_no_error (error);
        g_ptr_array_add (ids, g_strdup (fb_item_get_id (item)));
        g_ptr_array_add (sha256s, g_strdup (attachment->sha256));
      }
  }

  /* Killed while uploading at a known point (the proxy holding the PUT
   * half way): /sync-upload/killed-mid-upload in test-sync-upload.c. */
  run_fieldbook_sync (up, db, 0);
  for (guint r = 0; r < G_N_ELEMENTS (kill_ms); r++)
    n_kills += run_fieldbook_sync (down, db, kill_ms[r]);
  run_fieldbook_sync (down, db, 0);
  g_test_message ("killed %u of %u runs", n_kills, (guint) G_N_ELEMENTS (kill_ms));

  {
    g_autoptr(FbStore) a = open_home_store (up);
    g_autoptr(FbStore) b = open_home_store (down);
    g_autoptr(GError) error = NULL;

    g_assert_cmpuint (fb_store_get_pending_count (a), ==, 0);
    g_assert_cmpuint (fb_store_get_conflict_count (a), ==, 0);
    for (guint i = 0; i < ids->len; i++)
      {
        g_autoptr(FbAttachment) got = fb_store_get_attachment (b, ids->pdata[i], "plot.tif", &error);
        g_autoptr(GFile) file = NULL;
        g_autoptr(GBytes) bytes = NULL;
        g_autoptr(GBytes) expected = fb_test_bytes (2 * 1024 * 1024 + i);

        g_assert_no_error (error);
        g_assert_cmpstr (got->sha256, ==, sha256s->pdata[i]);
        file = fb_store_get_attachment_file (b, got->digest, &error);
        g_assert_no_error (error);
        bytes = g_file_load_bytes (file, NULL, NULL, &error);
        g_assert_true (g_bytes_equal (bytes, expected));
      }
  }

  fb_test_remove_tree (up);
  fb_test_remove_tree (down);
}

/* The attachments @answer (fb_test_pouch_finish ()) says PouchDB holds
 * for @id: @name's entry. */
static JsonObject *
pouch_attachment (JsonObject *answer,
                  const char *id,
                  const char *name)
{
  JsonObject *entry = fb_body_get_object (fb_body_get_object (fb_body_get_object (answer, "attachments"), id),
                                          name);

  g_assert_nonnull (entry);
  return entry;
}

/* PouchDB 9, a second writer: it replicates Fieldbook's photo with its
 * bytes and digest, adds a sketch of its own and replicates back;
 * Fieldbook downloads the sketch, keeps both on its next edit, and
 * PouchDB sees both again. */
static void
test_pouchdb_peer (void)
{
  const char *db = "attachments-pouchdb";
  g_autoptr(FbTestPeer) a = device_new (NULL, db);
  g_autoptr(GBytes) photo = fb_test_bytes (80 * 1024);
  g_autoptr(GBytes) sketch = fb_test_bytes (5000);
  g_autofree char *id = fb_test_peer_create_note (a, "Heron", "at the weir");
  g_autoptr(FbAttachment) sent = fb_test_store_attach (a->store, id, "heron.jpg", NULL, photo);
  g_autoptr(FbAttachment) got = NULL;
  g_autoptr(GBytes) got_bytes = NULL;
  g_autoptr(FbTestPouch) pouch = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *photo_base64 = g_base64_encode (g_bytes_get_data (photo, NULL), g_bytes_get_size (photo));
  g_autofree char *sketch_base64 = g_base64_encode (g_bytes_get_data (sketch, NULL), g_bytes_get_size (sketch));
  g_autofree char *edits = NULL;
  JsonObject *entry;

  device_sync (a);

  pouch = fb_test_pouch_start (server, db, ADMIN, PASSWORD);
  edits = g_strdup_printf ("[{\"id\":\"%s\",\"attach\":\"sketch.png\",\"content_type\":\"image/png\","
                           "\"data\":\"%s\"}]", id, sketch_base64);
  answer = fb_test_pouch_finish (pouch, edits);
  g_assert_cmpint (json_object_get_int_member (answer, "edited"), ==, 1);
  entry = pouch_attachment (answer, id, "heron.jpg");
  g_assert_cmpstr (fb_body_get_string (entry, "digest"), ==, sent->digest);
  g_assert_cmpstr (fb_body_get_string (entry, "data"), ==, photo_base64);
  g_clear_pointer (&pouch, fb_test_pouch_free);
  g_clear_pointer (&answer, json_object_unref);

  /* Fieldbook pulls PouchDB's sketch, with its bytes. */
  device_sync (a);
  got = get_attachment (a, id, "sketch.png", &got_bytes);
  g_assert_true (g_bytes_equal (got_bytes, sketch));
  g_assert_cmpstr (got->content_type, ==, "image/png");
  g_clear_pointer (&got, fb_attachment_free);
  g_clear_pointer (&got_bytes, g_bytes_unref);

  /* An edit here keeps both, and PouchDB gets the edit with both. */
  fb_test_peer_edit (a, id, "text", "at the weir, sketched");
  device_sync (a);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);
  pouch = fb_test_pouch_start (server, db, ADMIN, PASSWORD);
  g_free (edits);
  edits = g_strdup_printf ("[{\"id\":\"%s\",\"look\":true}]", id);
  answer = fb_test_pouch_finish (pouch, edits);
  g_assert_cmpstr (fb_body_get_string (pouch_attachment (answer, id, "heron.jpg"), "data"), ==, photo_base64);
  g_assert_cmpstr (fb_body_get_string (pouch_attachment (answer, id, "sketch.png"), "data"), ==, sketch_base64);
  item = fb_test_peer_get_item (a, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "at the weir, sketched");
  got = get_attachment (a, id, "heron.jpg", &got_bytes);
  g_assert_true (g_bytes_equal (got_bytes, photo));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  server = fb_test_server_start (ADMIN, PASSWORD, &error);
  g_assert_no_error (error);

  g_test_add_func ("/sync-attachments/round-trip", test_round_trip);
  g_test_add_func ("/sync-attachments/foreign", test_foreign_attachment);
  g_test_add_func ("/sync-attachments/rename", test_rename);
  g_test_add_func ("/sync-attachments/too-large", test_too_large);
  g_test_add_func ("/sync-attachments/metered", test_metered);
  g_test_add_func ("/sync-attachments/fetch-when-opened", test_fetch_when_opened);
  g_test_add_func ("/sync-attachments/restore-version-with-removed-file", test_restore_version_with_removed_file);
  g_test_add_func ("/sync-attachments/pouchdb-peer", test_pouchdb_peer);
  g_test_add_func ("/sync-attachments/killed-mid-transfer", test_killed_mid_transfer);

  status = g_test_run ();

  fb_test_server_free (server);
  return status;
}
