/* test-sync-upload.c: attachments going up: transfer progress, on a terminal too, against PouchDB Server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-sync-upload"

#include "config.h"

#include <fcntl.h>
#include <glib-unix.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libsoup/soup.h>

#include "fb-attachments.h"
#include "fb-crypto.h"
#include "fb-item-body.h"
#include "fb-store.h"
#include "fb-sync-manager.h"
#include "fb-test-dir.h"
#include "fb-test-peer.h"
#include "fb-test-program.h"
#include "fb-test-proxy.h"
#include "fb-test-pty.h"
#include "fb-test-server.h"
#include "fb-test-transfers.h"
#include "fb-test-store.h"
#include "fb-test-wait.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;

/* One file pushed: its reports start at 0, rise, end at its size, then
 * say that nothing is in flight; a sync that sends no file says nothing. */
static void
test_progress (void)
{
  const char *db = "upload-progress";
  g_autoptr(FbTestPeer) a = fb_test_peer_new (fb_test_server_get_url (server), db,
                                              ADMIN, PASSWORD, TRUE);
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GBytes) photo = fb_test_bytes (600 * 1024);
  g_autofree char *id = fb_test_peer_create_note (a, "Heron", "at the weir");
  g_autoptr(FbAttachment) sent = fb_test_store_attach (a->store, id, "heron.jpg", NULL, photo);
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(GError) error = NULL;

  reports = fb_test_transfers_record (a->manager);
  stats = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->pushed, ==, 1);

  /* Sent on its own, it is told as it is written: more than its start
   * and its end. */
  g_assert_cmpuint (fb_test_transfers_assert_one (reports, 0, id, "heron.jpg", FB_TRANSFER_UP,
                                                  g_bytes_get_size (photo), NULL), >, 2);
  g_assert_cmpuint (((FbTestTransfer *) reports->pdata[reports->len - 1])->total, ==, 0);

  /* An edit of the text sends a stub: no transfer. */
  g_ptr_array_set_size (reports, 0);
  fb_test_peer_edit (a, id, "text", "at the weir, at dusk");
  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->pushed, ==, 1);
  g_assert_cmpuint (reports->len, ==, 0);

  g_signal_handlers_disconnect_by_data (a->manager, reports);
}

/* ---- Large files on their own ---- */

/* The device's attachment @name of @id, its bytes compared with @expected. */
static void
assert_has_bytes (FbTestPeer *device,
                  const char *id,
                  const char *name,
                  GBytes     *expected,
                  const char *sha256)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbAttachment) got = fb_store_get_attachment (device->store, id, name, &error);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (got->sha256, ==, sha256);
  file = fb_store_get_attachment_file (device->store, got->digest, &error);
  g_assert_no_error (error);
  bytes = g_file_load_bytes (file, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (bytes, expected));
}

/* A 2 MB photo and a small sketch on one note: the sketch goes inside the
 * document, the photo after it with PUT, as its bytes (no base64: what
 * crosses the network is hardly more than the file), answered 202 by a
 * cluster short of its quorum; the server's stub has the photo's digest,
 * another device gets the same bytes, and an edit afterwards sends
 * neither file again. */
static void
test_large_alone (void)
{
  const char *db = "upload-large";
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(FbTestPeer) a = fb_test_peer_new (fb_test_proxy_get_url (proxy), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(FbTestPeer) b = fb_test_peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(GBytes) photo = fb_test_bytes (2 * 1024 * 1024);
  g_autoptr(GBytes) sketch = fb_test_bytes (10 * 1024 + 3);
  g_autofree char *id = fb_test_peer_create_note (a, "Heron", "at the weir");
  g_autoptr(FbAttachment) sent = fb_test_store_attach (a->store, id, "heron.jpg", NULL, photo);
  g_autoptr(FbAttachment) small = fb_test_store_attach (a->store, id, "sketch.png", NULL, sketch);
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) raw = NULL;
  JsonObject *stub;
  guint64 before;
  guint status = 0;

  g_assert_no_error (error);
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_ACCEPTED, 1, "/heron.jpg");
  stats = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->pushed, ==, 1);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), ==, 1);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);
  g_test_message ("%" G_GUINT64_FORMAT " bytes sent for %" G_GSIZE_FORMAT " + %" G_GSIZE_FORMAT,
                  fb_test_proxy_get_request_bytes (proxy), g_bytes_get_size (photo), g_bytes_get_size (sketch));
  g_assert_cmpuint (fb_test_proxy_get_request_bytes (proxy), <,
                    (g_bytes_get_size (photo) + g_bytes_get_size (sketch)) * 21 / 20);

  doc = fb_test_server_get_doc (server, db, id, &error);
  g_assert_no_error (error);
  stub = fb_body_get_object (fb_body_get_object (doc, "_attachments"), "heron.jpg");
  g_assert_nonnull (stub);
  g_assert_cmpstr (fb_body_get_string (stub, "digest"), ==, sent->digest);
  g_assert_cmpstr (fb_body_get_string (stub, "content_type"), ==, "image/jpeg");
  g_assert_nonnull (fb_body_get_object (fb_body_get_object (doc, "_attachments"), "sketch.png"));
  path = g_strdup_printf ("%s/%s/heron.jpg", db, id);
  raw = fb_test_server_request_raw (server, "GET", path, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (g_bytes_equal (raw, photo));

  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync_full (b, &error);
  g_assert_no_error (error);
  assert_has_bytes (b, id, "heron.jpg", photo, sent->sha256);
  assert_has_bytes (b, id, "sketch.png", sketch, small->sha256);

  /* An edit: a document with two stubs. */
  before = fb_test_proxy_get_request_bytes (proxy);
  fb_test_peer_edit (a, id, "text", "at the weir, at dusk");
  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->pushed, ==, 1);
  g_assert_cmpuint (fb_test_proxy_get_request_bytes (proxy) - before, <, 4096);
  item = fb_test_peer_get_item (a, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
}

/* ---- Killed half way ---- */

static FbStore *
open_home_store (const char *home)
{
  g_autofree char *path = g_build_filename (home, "fieldbook", "fieldbook.db", NULL);
  g_autoptr(GError) error = NULL;
  FbStore *store = fb_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

static char *
create_note (FbStore    *store,
             const char *title)
{
  g_autoptr(JsonObject) body = fb_note_body_new (title, "");
  g_autoptr(FbItem) item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, NULL);

  return g_strdup (fb_item_get_id (item));
}

/* `fieldbook --sync` of @home through @proxy, to its end; its exit status. */
static int
sync_through (FbTestProxy *proxy,
              const char  *home,
              const char  *db)
{
  FbTestFieldbook *child = fb_test_fieldbook_sync_start (fb_test_proxy_get_url (proxy), home, db,
                                                         ADMIN, PASSWORD, -1);
  int status = -1;

  g_assert_false (fb_test_fieldbook_wait (child, &status));
  return status;
}

/* What the server holds of @id's @name is @expected, under @digest. */
static void
assert_server_has (const char *db,
                   const char *id,
                   const char *name,
                   GBytes     *expected,
                   const char *digest)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = fb_test_server_get_doc (server, db, id, &error);
  g_autofree char *path = g_strdup_printf ("%s/%s/%s", db, id, name);
  g_autoptr(GBytes) raw = NULL;
  guint status = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (fb_body_get_string (fb_body_get_object (fb_body_get_object (doc, "_attachments"), name),
                                       "digest"), ==, digest);
  raw = fb_test_server_request_raw (server, "GET", path, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (g_bytes_equal (raw, expected));
}

/* The real program, killed with SIGKILL while the proxy holds its upload
 * of a 3 MB photo half way to the server (the document is there, the
 * photo is not); a note is written offline meanwhile; the next sync
 * completes: the server has the photo's bytes under its digest, both
 * notes, nothing is pending or in conflict, and a second device gets the
 * same bytes. Then the answer to a PUT is lost after the server stored
 * it: the next sync knows it as its own, without a conflict or a copy. */
static void
test_killed_mid_upload (void)
{
  const char *db = "upload-killed";
  g_autofree char *home = g_dir_make_tmp ("fb-test-upload-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(GBytes) photo = fb_test_bytes (3 * 1024 * 1024 + 17);
  g_autoptr(GBytes) second = fb_test_bytes (1024 * 1024 + 5);
  g_autofree char *id = NULL;
  g_autofree char *later_id = NULL;
  g_autoptr(FbAttachment) attachment = NULL;
  g_autoptr(FbAttachment) second_attachment = NULL;
  g_autoptr(FbTestPeer) b = NULL;
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(GPtrArray) names = NULL;
  FbTestFieldbook *child;

  g_assert_no_error (error);
  {
    g_autoptr(FbStore) store = open_home_store (home);

    id = create_note (store, "Plot 7");
    attachment = fb_test_store_attach (store, id, "plot.tif", NULL, photo);
  }

  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_HOLD_REQUEST, 1, "/plot.tif");
  child = fb_test_fieldbook_sync_start (fb_test_proxy_get_url (proxy), home, db, ADMIN, PASSWORD, -1);
  WAIT_UNTIL (fb_test_proxy_get_hold_count (proxy) == 1 || fb_test_fieldbook_has_ended (child),
              FB_TEST_PEER_DEADLINE_MS);
  g_assert_cmpuint (fb_test_proxy_get_hold_count (proxy), ==, 1);
  fb_test_fieldbook_kill (child);
  g_assert_true (fb_test_fieldbook_wait (child, NULL));

  /* The document went, its photo did not. */
  {
    g_autoptr(JsonObject) doc = fb_test_server_get_doc (server, db, id, &error);

    g_assert_no_error (error);
    g_assert_null (fb_body_get_object (fb_body_get_object (doc, "_attachments"), "plot.tif"));
  }
  {
    g_autoptr(FbStore) store = open_home_store (home);
    g_autoptr(FbItem) item = fb_store_get_item (store, id, NULL);

    g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);
    later_id = create_note (store, "Written offline meanwhile");
  }

  g_assert_cmpint (sync_through (proxy, home, db), ==, 0);
  assert_server_has (db, id, "plot.tif", photo, attachment->digest);
  {
    g_autoptr(FbStore) store = open_home_store (home);
    g_autoptr(JsonObject) doc = fb_test_server_get_doc (server, db, later_id, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (fb_body_get_string (doc, "title"), ==, "Written offline meanwhile");
    g_assert_cmpuint (fb_store_get_pending_count (store), ==, 0);
    g_assert_cmpuint (fb_store_get_conflict_count (store), ==, 0);
  }

  b = fb_test_peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  stats = fb_test_peer_sync_full (b, &error);
  g_assert_no_error (error);
  assert_has_bytes (b, id, "plot.tif", photo, attachment->sha256);

  /* The server stores the second photo and its answer is lost. */
  {
    g_autoptr(FbStore) store = open_home_store (home);

    second_attachment = fb_test_store_attach (store, id, "plot-2.tif", NULL, second);
  }
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_LOSE_RESPONSE_AFTER_COMMIT, 1, "/plot-2.tif");
  /* (It fails, or libsoup sends the PUT again on a new connection and the
   * server says 409: either way the next sync puts it right.) */
  sync_through (proxy, home, db);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), ==, 2);
  assert_server_has (db, id, "plot-2.tif", second, second_attachment->digest);
  g_assert_cmpint (sync_through (proxy, home, db), ==, 0);
  {
    g_autoptr(FbStore) store = open_home_store (home);
    g_autoptr(GPtrArray) listed = fb_store_list_attachments (store, id, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (listed->len, ==, 2);
    g_assert_cmpuint (fb_store_get_pending_count (store), ==, 0);
    g_assert_cmpuint (fb_store_get_conflict_count (store), ==, 0);
  }
  assert_server_has (db, id, "plot.tif", photo, attachment->digest);
  assert_server_has (db, id, "plot-2.tif", second, second_attachment->digest);

  fb_test_remove_tree (home);
}

/* Another writer edits @db's document on the server the moment the photo
 * is about to go: its PUT then carries a revision that is no longer the
 * current one. */
typedef struct {
  const char *db;
  gboolean    edited;
} OtherWriter;

static void
edit_elsewhere_cb (FbSyncManager       *manager,
                   const char          *item_id,
                   const char          *name,
                   FbTransferDirection  direction,
                   guint64              done,
                   guint64              total,
                   OtherWriter         *writer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;
  g_autofree char *rev = NULL;

  if (writer->edited || total == 0 || done != 0)
    return;
  writer->edited = TRUE;
  doc = fb_test_server_get_doc (server, writer->db, item_id, &error);
  g_assert_no_error (error);
  json_object_set_string_member (doc, "title", "Heron, seen from the bridge");
  node = json_node_init_object (json_node_alloc (), doc);
  json = json_to_string (node, FALSE);
  rev = fb_test_server_put_doc (server, writer->db, item_id, json, &error);
  g_assert_no_error (error);
}

/* The document moved on the server between it and its photo's PUT (409):
 * the normal conflict path merges the other writer's title in, the photo
 * goes again on top of that, and nothing of either side is lost. A 413 to
 * the PUT keeps the item pending with the limit in words; the next run
 * sends it. */
static void
test_put_conflict_and_too_large (void)
{
  const char *db = "upload-put-answers";
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(FbTestPeer) a = fb_test_peer_new (fb_test_proxy_get_url (proxy), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(GBytes) photo = fb_test_bytes (700 * 1024);
  g_autoptr(GBytes) big = fb_test_bytes (900 * 1024 + 1);
  g_autofree char *id = fb_test_peer_create_note (a, "Heron", "at the weir");
  g_autoptr(FbAttachment) sent = NULL;
  g_autoptr(FbAttachment) big_sent = NULL;
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) doc = NULL;
  OtherWriter writer = { db, FALSE };

  g_assert_no_error (error);
  stats = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  sent = fb_test_store_attach (a->store, id, "heron.jpg", NULL, photo);
  fb_test_peer_edit (a, id, "text", "at the weir, at dusk");

  g_signal_connect (a->manager, "transfer-progress", G_CALLBACK (edit_elsewhere_cb), &writer);
  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync_full (a, &error);
  g_signal_handlers_disconnect_by_data (a->manager, &writer);
  g_assert_no_error (error);
  g_assert_true (writer.edited);
  g_assert_cmpuint (stats->conflicts, ==, 0);

  item = fb_test_peer_get_item (a, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  g_assert_cmpstr (fb_item_get_title (item), ==, "Heron, seen from the bridge");
  g_assert_cmpstr (fb_item_get_text (item), ==, "at the weir, at dusk");
  assert_server_has (db, id, "heron.jpg", photo, sent->digest);
  doc = fb_test_server_get_doc (server, db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_body_get_string (doc, "title"), ==, "Heron, seen from the bridge");
  g_assert_cmpstr (fb_body_get_string (doc, "text"), ==, "at the weir, at dusk");

  /* Too large for the server. */
  big_sent = fb_test_store_attach (a->store, id, "survey.tif", NULL, big);
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_TOO_LARGE, 1, "/survey.tif");
  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), ==, 1);
  g_clear_object (&item);
  item = fb_test_peer_get_item (a, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);
  g_assert_nonnull (strstr (fb_item_get_sync_error (item), "does not take files this large"));
  g_assert_cmpuint (a->n_rejected, ==, 1);

  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_clear_object (&item);
  item = fb_test_peer_get_item (a, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  g_assert_null (fb_item_get_sync_error (item));
  assert_server_has (db, id, "survey.tif", big, big_sent->digest);
  assert_server_has (db, id, "heron.jpg", photo, sent->digest);
}

/* End-to-end encrypted: the large photo is sealed chunk by chunk into a
 * temporary file and streamed from there, under a name that says nothing;
 * what crosses the network is hardly more than the file; a second device
 * with the passphrase opens it to the same bytes; an edit sends it not
 * again. */
static void
test_large_sealed (void)
{
  const char *db = "upload-large-sealed";
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(FbTestPeer) a = fb_test_peer_new (fb_test_proxy_get_url (proxy), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(FbTestPeer) b = fb_test_peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  /* Over the inline limit, and a whole number of sealing chunks. */
  g_autoptr(GBytes) photo = fb_test_bytes (5 * 65536);
  g_autofree char *id = NULL;
  g_autoptr(FbAttachment) sent = NULL;
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autofree char *path = NULL;
  JsonObjectIter iter;
  const char *server_name = NULL;
  JsonNode *node;
  guint64 before;
  guint status = 0;

  g_assert_no_error (error);
  fb_sync_manager_set_passphrase (a->manager, "correct horse battery staple");
  fb_sync_manager_set_passphrase (b->manager, "correct horse battery staple");
  stats = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_true (fb_sync_manager_get_encrypted (a->manager));

  id = fb_test_peer_create_note (a, "Heron", "at the weir");
  sent = fb_test_store_attach (a->store, id, "heron.jpg", NULL, photo);
  before = fb_test_proxy_get_request_bytes (proxy);
  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);
  g_test_message ("%" G_GUINT64_FORMAT " bytes sent for %" G_GSIZE_FORMAT,
                  fb_test_proxy_get_request_bytes (proxy) - before, g_bytes_get_size (photo));
  g_assert_cmpuint (fb_test_proxy_get_request_bytes (proxy) - before, <,
                    g_bytes_get_size (photo) * 21 / 20);

  doc = fb_test_server_get_doc (server, db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_object_get_size (fb_body_get_object (doc, "_attachments")), ==, 1);
  json_object_iter_init (&iter, fb_body_get_object (doc, "_attachments"));
  g_assert_true (json_object_iter_next (&iter, &server_name, &node));
  g_assert_null (strstr (server_name, "heron"));
  path = g_strdup_printf ("%s/%s/%s", db, id, server_name);
  raw = fb_test_server_request_raw (server, "GET", path, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (raw), >, g_bytes_get_size (photo));
  g_assert_false (g_bytes_equal (raw, photo));

  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync_full (b, &error);
  g_assert_no_error (error);
  assert_has_bytes (b, id, "heron.jpg", photo, sent->sha256);

  before = fb_test_proxy_get_request_bytes (proxy);
  fb_test_peer_edit (a, id, "text", "at the weir, at dusk");
  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->pushed, ==, 1);
  g_assert_cmpuint (fb_test_proxy_get_request_bytes (proxy) - before, <, 8192);
  item = fb_test_peer_get_item (a, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
}

/* A sealed file's document goes before its PUT: a device that pulls in
 * between reads of a file the server does not have yet (404). Here the
 * PUT fails on the way (the server never sees it): the other device
 * keeps the note and the file's name without its bytes, nothing in
 * conflict; the first device's next run sends the file, and the other
 * device's next pull gets its bytes. */
static void
test_sealed_before_its_put (void)
{
  const char *db = "upload-sealed-before-put";
  const char *passphrase = "correct horse battery staple";
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(FbTestPeer) a = fb_test_peer_new (fb_test_proxy_get_url (proxy), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(FbTestPeer) b = fb_test_peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(GBytes) photo = fb_test_bytes (5 * 65536 + 3);
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(FbAttachment) sent = NULL;
  g_autoptr(FbAttachment) waiting = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autofree char *id = NULL;
  g_autofree char *put_path = NULL;

  g_assert_no_error (error);
  fb_sync_manager_set_passphrase (a->manager, passphrase);
  fb_sync_manager_set_passphrase (b->manager, passphrase);
  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync (a);
  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync (b);

  id = fb_test_peer_create_note (a, "Heron", "at the weir");
  sent = fb_test_store_attach (a->store, id, "heron.jpg", NULL, photo);
  /* The file's PUT (db/id/sealed-name) fails before the server (500). */
  put_path = g_strdup_printf ("/%s/", id);
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_SERVER_ERROR, 1, put_path);
  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync_full (a, &error);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), ==, 1);
  g_assert_cmpint (fb_item_get_state (fb_test_peer_get_item (a, id)), ==, FB_ITEM_STATE_PENDING);
  doc = fb_test_server_get_doc (server, db, id, &error);
  g_assert_no_error (error);
  g_assert_null (fb_body_get_object (doc, "_attachments"));

  /* The other device pulls now: the note and the file's name, no bytes. */
  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync_full (b, &error);
  g_clear_error (&error);
  item = fb_store_get_item (b->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_item_get_title (item), ==, "Heron");
  waiting = fb_store_get_attachment (b->store, id, "heron.jpg", &error);
  g_assert_no_error (error);
  g_assert_null (waiting->sha256);
  g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 0);

  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync (a);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);
  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync (b);
  assert_has_bytes (b, id, "heron.jpg", photo, sent->sha256);
  g_assert_cmpuint (fb_store_get_pending_count (b->store), ==, 0);
  g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 0);
}

/* PouchDB Server keeps what reached it of a file's PUT whose connection
 * was cut half way, as the file (Apache CouchDB commits no partial body);
 * libsoup sends the PUT again and gets 409. The first device sends its
 * file again rather than take the server's half for it, or (plain) keep
 * the half under the file's name and its own file as "heron (2).jpg": the
 * other device gets the whole file under its name, alone, and not "too
 * short" (sealed) on every run. */
static void
test_put_cut_off (gconstpointer data)
{
  gboolean sealed = GPOINTER_TO_INT (data);
  const char *db = sealed ? "upload-sealed-cut-off" : "upload-plain-cut-off";
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(FbTestPeer) a = fb_test_peer_new (fb_test_proxy_get_url (proxy), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(FbTestPeer) b = fb_test_peer_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, TRUE);
  g_autoptr(GBytes) photo = fb_test_bytes (5 * 65536 + 3);
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(FbAttachment) sent = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autofree char *id = NULL;
  g_autofree char *put_path = NULL;

  g_assert_no_error (error);
  if (sealed)
    {
      fb_sync_manager_set_passphrase (a->manager, "correct horse battery staple");
      fb_sync_manager_set_passphrase (b->manager, "correct horse battery staple");
    }
  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync (a);

  id = fb_test_peer_create_note (a, "Heron", "at the weir");
  sent = fb_test_store_attach (a->store, id, "heron.jpg", NULL, photo);
  /* The file's PUT: db/id/heron.jpg, or db/id/sealed-name. */
  put_path = g_strdup_printf ("/%s/", id);
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_COMMIT_HALF_REQUEST, 1, put_path);
  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync (a);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), ==, 1);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);
  g_assert_cmpuint (fb_store_get_conflict_count (a->store), ==, 0);
  listed = fb_store_list_attachments (a->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);

  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = fb_test_peer_sync (b);
  assert_has_bytes (b, id, "heron.jpg", photo, sent->sha256);
  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = fb_store_list_attachments (b->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpuint (fb_store_get_pending_count (b->store), ==, 0);
  g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 0);
}

/* fb_data_key_seal_stream () around the chunk boundaries: what it writes
 * opens (fb_data_key_open_bytes ()) to the same bytes, is as long as
 * fb_data_key_seal_bytes () makes it, and its digest is CouchDB's of it. */
static void
test_seal_stream (void)
{
  g_autoptr(FbDataKey) key = fb_data_key_new_random ();
  const gsize sizes[] = { 0, 1, 65535, 65536, 65537, 3 * 65536, 3 * 65536 + 9 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) plain = fb_test_bytes (sizes[i]);
      g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (plain);
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
      g_autoptr(GBytes) sealed = NULL;
      g_autoptr(GBytes) whole = NULL;
      g_autoptr(GBytes) opened = NULL;
      g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
      g_autoptr(GError) error = NULL;
      g_autofree char *digest = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *base64 = NULL;
      guint8 raw[16];
      gsize raw_len = sizeof raw;
      guint64 length = 0;

      g_assert_true (fb_data_key_seal_stream (key, "doc", "heron.jpg", in, out, &digest, &length,
                                              NULL, &error));
      g_assert_no_error (error);
      g_output_stream_close (out, NULL, NULL);
      sealed = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
      whole = fb_data_key_seal_bytes (key, "doc", "heron.jpg", plain);
      g_assert_cmpuint (g_bytes_get_size (sealed), ==, g_bytes_get_size (whole));
      g_assert_cmpuint (length, ==, g_bytes_get_size (sealed));
      opened = fb_data_key_open_bytes (key, "doc", "heron.jpg", sealed, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (opened, plain));

      g_checksum_update (md5, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
      g_checksum_get_digest (md5, raw, &raw_len);
      base64 = g_base64_encode (raw, raw_len);
      expected = g_strconcat ("md5-", base64, NULL);
      g_assert_cmpstr (digest, ==, expected);
    }
}

/* ---- The proxy's holds ---- */

/* HOLD_REQUEST passes half of a body and waits: the server does not store
 * the document, the client gets no answer until the hold is cut;
 * HOLD_RESPONSE passes half of an answer and waits. */
static void
test_proxy_holds (void)
{
  const char *db = "upload-proxy-holds";
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) put = NULL;
  g_autoptr(SoupMessage) get = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autofree char *body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *auth = g_base64_encode ((const guchar *) ADMIN ":" PASSWORD, strlen (ADMIN ":" PASSWORD));
  g_autofree char *basic = g_strconcat ("Basic ", auth, NULL);
  g_autoptr(JsonNode) missing = NULL;
  g_autoptr(GString) big = g_string_new ("{\"text\":\"");
  guint status = 0;

  g_assert_no_error (error);
  g_assert_true (fb_test_server_create_db (server, db, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (big, 'a' + i % 26);
  g_string_append (big, "\"}");

  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_HOLD_REQUEST, 1, "/held");
  url = g_strdup_printf ("%s%s/held", fb_test_proxy_get_url (proxy), db);
  put = soup_message_new ("PUT", url);
  soup_message_headers_replace (soup_message_get_request_headers (put), "Authorization", basic);
  payload = g_bytes_new_static (big->str, big->len);
  soup_message_set_request_body_from_bytes (put, "application/json", payload);
  soup_session_send_and_read_async (session, put, G_PRIORITY_DEFAULT, NULL,
                                    fb_test_got_result_cb, &result);
  WAIT_UNTIL (fb_test_proxy_get_hold_count (proxy) == 1, FB_TEST_PEER_DEADLINE_MS);
  g_assert_null (result);
  g_free (body);
  body = g_strdup_printf ("%s/held", db);
  missing = fb_test_server_request (server, "GET", body, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 404);
  fb_test_proxy_drop_held (proxy);
  WAIT_UNTIL (result != NULL, FB_TEST_PEER_DEADLINE_MS);
  answer = soup_session_send_and_read_finish (session, result, &error);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Stored without the proxy, fetched through it: half of it comes. */
  rev = fb_test_server_put_doc (server, db, "whole", big->str, &error);
  g_assert_no_error (error);
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_HOLD_RESPONSE, 1, "/whole");
  g_free (url);
  url = g_strdup_printf ("%s%s/whole", fb_test_proxy_get_url (proxy), db);
  get = soup_message_new ("GET", url);
  soup_message_headers_replace (soup_message_get_request_headers (get), "Authorization", basic);
  soup_session_send_and_read_async (session, get, G_PRIORITY_DEFAULT, NULL,
                                    fb_test_got_result_cb, &result);
  WAIT_UNTIL (fb_test_proxy_get_hold_count (proxy) == 2, FB_TEST_PEER_DEADLINE_MS);
  g_assert_null (result);
  fb_test_proxy_drop_held (proxy);
  WAIT_UNTIL (result != NULL, FB_TEST_PEER_DEADLINE_MS);
  g_clear_pointer (&answer, g_bytes_unref);
  answer = soup_session_send_and_read_finish (session, result, &error);
  g_assert_nonnull (error);
}

/* ---- On a terminal ---- */

/* `fieldbook --sync` with its stderr on a terminal (a pseudo-terminal
 * here) shows the file in flight, rewritten in place; with stderr on a
 * pipe or a file it shows nothing of it. */
static void
test_terminal_progress (void)
{
  const char *db = "upload-terminal";
  g_autofree char *home = g_dir_make_tmp ("fb-test-upload-XXXXXX", NULL);
  g_autofree char *home2 = g_dir_make_tmp ("fb-test-upload-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (home, "fieldbook", "fieldbook.db", NULL);
  g_autofree char *path2 = g_build_filename (home2, "fieldbook", "fieldbook.db", NULL);
  g_autofree char *log_path = g_build_filename (home2, "stderr.txt", NULL);
  g_autofree char *logged = NULL;
  g_autoptr(GBytes) photo = fb_test_bytes (600 * 1024);
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;
  FbTestPty *pty;
  FbTestFieldbook *child;
  int slave;
  int status = -1;
  int log_fd;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(FbStore) store = fb_store_new (i == 0 ? path : path2, &error);
      g_autoptr(JsonObject) body = fb_note_body_new ("Heron", "");
      g_autoptr(FbItem) item = NULL;
      g_autoptr(FbAttachment) attachment = NULL;

      g_assert_no_error (error);
      item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, NULL);
      attachment = fb_test_store_attach (store, fb_item_get_id (item), i == 0 ? "heron.jpg" : "egret.jpg", NULL, photo);
    }

  pty = fb_test_pty_new (&slave);

  child = fb_test_fieldbook_sync_start (fb_test_server_get_url (server), home, db,
                                        ADMIN, PASSWORD, slave);
  close (slave);
  g_assert_false (fb_test_fieldbook_wait (child, &status));
  g_assert_cmpint (status, ==, 0);
  shown = fb_test_pty_finish (pty);

  g_test_message ("%s", shown);
  /* g_format_size () puts a no-break space before a unit (not "bytes"). */
  g_assert_nonnull (strstr (shown, "\rSending heron.jpg: 0 bytes of 614.4\u00a0kB\033[K"));
  g_assert_nonnull (strstr (shown, "\rSending heron.jpg: 614.4\u00a0kB of 614.4\u00a0kB\033[K"));
  /* The line ends with the file (a terminal shows "\n" as "\r\n"). */
  g_assert_true (g_str_has_suffix (shown, "614.4\u00a0kB of 614.4\u00a0kB\033[K\r\n"));

  /* Into a file: nothing of it. */
  log_fd = open (log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (log_fd, >=, 0);
  child = fb_test_fieldbook_sync_start (fb_test_server_get_url (server), home2, db,
                                        ADMIN, PASSWORD, log_fd);
  close (log_fd);
  g_assert_false (fb_test_fieldbook_wait (child, &status));
  g_assert_cmpint (status, ==, 0);
  g_file_get_contents (log_path, &logged, NULL, &error);
  g_assert_no_error (error);
  /* (It may say that there is no keyring here.) */
  g_assert_null (strstr (logged, "Sending"));
  g_assert_null (strchr (logged, '\r'));

  fb_test_remove_tree (home);
  fb_test_remove_tree (home2);
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

  g_test_add_func ("/sync-upload/proxy-holds", test_proxy_holds);
  g_test_add_func ("/sync-upload/progress", test_progress);
  g_test_add_func ("/sync-upload/large-alone", test_large_alone);
  g_test_add_func ("/sync-upload/put-conflict-and-too-large", test_put_conflict_and_too_large);
  g_test_add_func ("/sync-upload/seal-stream", test_seal_stream);
  g_test_add_func ("/sync-upload/large-sealed", test_large_sealed);
  g_test_add_func ("/sync-upload/sealed-before-its-put", test_sealed_before_its_put);
  g_test_add_data_func ("/sync-upload/put-cut-off/plain", GINT_TO_POINTER (FALSE), test_put_cut_off);
  g_test_add_data_func ("/sync-upload/put-cut-off/sealed", GINT_TO_POINTER (TRUE), test_put_cut_off);
  g_test_add_func ("/sync-upload/killed-mid-upload", test_killed_mid_upload);
  g_test_add_func ("/sync-upload/terminal-progress", test_terminal_progress);

  status = g_test_run ();

  fb_test_server_free (server);
  return status;
}
