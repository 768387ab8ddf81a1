/* test-sync-identity.c: a server that is new, recreated, restored or switched, and lost answers */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-sync-identity"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "fb-store.h"
#include "fb-sync-error.h"
#include "fb-sync-manager.h"
#include "fb-test-peer.h"
#include "fb-test-program.h"
#include "fb-test-proxy.h"
#include "fb-test-server.h"

#define ADMIN      "admin"
#define PASSWORD   "s3cret"
#define DEADLINE   60000

static FbTestServer *server;   /* shared, in-memory, with an admin */

/* ---- A device: the shared FbTestPeer (tests/support/fb-test-peer.c) ---- */

typedef FbTestPeer Peer;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peer, fb_test_peer_free)

static Peer *
peer_new_at (const char *url,
             const char *db)
{
  return fb_test_peer_new (url, db, ADMIN, PASSWORD, TRUE);
}

static Peer *
peer_new (const char *db)
{
  return peer_new_at (fb_test_server_get_url (server), db);
}

static void
peer_sync (Peer *peer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) stats = fb_test_peer_sync_full (peer, &error);

  g_assert_no_error (error);
  g_assert_nonnull (stats);
  g_assert_cmpuint (stats->conflicts, ==, 0);
}

/* The server's text of @id, or NULL when it has no live document. */
static char *
server_text (const char *db,
             const char *id)
{
  g_autoptr(JsonObject) doc = fb_test_server_get_doc (server, db, id, NULL);

  if (doc == NULL)
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (doc, "text", NULL));
}

/* Every live item of @peer is on the server with the same text and rev,
 * nothing is pending or in conflict, and the server has nothing more. */
static void
assert_server_has_all (Peer       *peer,
                       const char *db)
{
  g_autoptr(GPtrArray) items = fb_store_list_items (peer->store, NULL, NULL);
  g_autoptr(JsonNode) info = NULL;
  guint status = 0;

  g_assert_cmpuint (fb_store_get_pending_count (peer->store), ==, 0);
  g_assert_cmpuint (fb_store_get_conflict_count (peer->store), ==, 0);

  for (guint i = 0; i < items->len; i++)
    {
      FbItem *item = items->pdata[i];
      g_autoptr(JsonObject) doc = NULL;
      g_autoptr(GError) error = NULL;

      doc = fb_test_server_get_doc (server, db, fb_item_get_id (item), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (doc, "_rev"), ==, fb_item_get_base_rev (item));
      g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, fb_item_get_title (item));
      g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==,
                       json_object_get_string_member (fb_item_get_body (item), "text"));
      g_assert_false (json_object_has_member (doc, "_conflicts"));
    }

  info = fb_test_server_request (server, "GET", db, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (info), "doc_count"),
                   ==, items->len);
}

static void
delete_db (const char *db)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = fb_test_server_request (server, "DELETE", db, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
}

/* ---- Lost answers (point 3) ---- */

/* The create reached the server but its answer was lost; then line 2 is
 * edited. The server's copy is our own upload: the edit goes on top of it. */
static void
test_lost_create_then_edit (void)
{
  g_autoptr(FbTestProxy) proxy = NULL;
  g_autoptr(Peer) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;

  proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_assert_no_error (error);
  a = peer_new_at (fb_test_proxy_get_url (proxy), "lost-create-then-edit");

  id = fb_test_peer_create_note (a, "Walk", "one\ntwo\nthree\n");
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_LOSE_RESPONSE_AFTER_COMMIT, 1, "_bulk_docs");
  s = fb_test_peer_sync_full (a, &error);
  g_assert_null (s);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), ==, 1);
  text = server_text ("lost-create-then-edit", id);
  g_assert_cmpstr (text, ==, "one\ntwo\nthree\n");

  fb_test_peer_edit (a, id, "text", "one\nTWO\nthree\n");
  s = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_assert_cmpuint (fb_store_get_conflict_count (a->store), ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);

  g_free (text);
  text = server_text ("lost-create-then-edit", id);
  g_assert_cmpstr (text, ==, "one\nTWO\nthree\n");
  item = fb_test_peer_get_item (a, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  assert_server_has_all (a, "lost-create-then-edit");
}

/* The same for an edit of an item the server had: lost answer, then the
 * same line edited again (a self-conflict if the server's copy were taken
 * for someone else's change). */
static void
test_lost_edit_then_edit (void)
{
  g_autoptr(FbTestProxy) proxy = NULL;
  g_autoptr(Peer) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;

  proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_assert_no_error (error);
  a = peer_new_at (fb_test_proxy_get_url (proxy), "lost-edit-then-edit");

  id = fb_test_peer_create_note (a, "Walk", "one\ntwo\nthree\n");
  peer_sync (a);

  fb_test_peer_edit (a, id, "text", "ONE\ntwo\nthree\n");
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_LOSE_RESPONSE_AFTER_COMMIT, 1, "_bulk_docs");
  s = fb_test_peer_sync_full (a, &error);
  g_assert_null (s);
  g_clear_error (&error);

  /* Twice lost: the second push of the same content is refused as a
   * conflict (its parent is stale), and its answer is lost too. */
  fb_test_peer_edit (a, id, "text", "ONE!\ntwo\nthree\n");
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_LOSE_RESPONSE_AFTER_COMMIT, 1, "_bulk_docs");
  s = fb_test_peer_sync_full (a, &error);
  g_assert_null (s);
  g_clear_error (&error);

  fb_test_peer_edit (a, id, "text", "ONE!!\ntwo\nthree\n");
  s = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_assert_cmpuint (fb_store_get_conflict_count (a->store), ==, 0);
  text = server_text ("lost-edit-then-edit", id);
  g_assert_cmpstr (text, ==, "ONE!!\ntwo\nthree\n");
  assert_server_has_all (a, "lost-edit-then-edit");
}


/* ---- The server is not the one last seen (point 1) ---- */

static void
delete_item (Peer       *peer,
             const char *id)
{
  g_autoptr(GError) error = NULL;

  fb_store_delete_item (peer->store, id, &error);
  g_assert_no_error (error);
}

static void
recreate_db (const char *db)
{
  g_autoptr(GError) error = NULL;

  delete_db (db);
  fb_test_server_create_db (server, db, &error);
  g_assert_no_error (error);
}

/* The server's database is deleted and made again (a reset): everything
 * live goes back, an edit made meanwhile included, and a deletion made
 * meanwhile does not bring its item back. */
static void
test_recreated (void)
{
  g_autoptr(Peer) a = peer_new ("recreated");
  g_autoptr(Peer) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *edited = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *text = NULL;
  g_autofree char *late = NULL;

  kept = fb_test_peer_create_note (a, "Kept", "k\n");
  edited = fb_test_peer_create_note (a, "Edited", "one\ntwo\n");
  gone = fb_test_peer_create_note (a, "Gone", "g\n");
  peer_sync (a);

  recreate_db ("recreated");
  fb_test_peer_edit (a, edited, "text", "one\nTWO\n");
  delete_item (a, gone);
  late = fb_test_peer_create_note (a, "Late", "l\n");

  s = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);
  g_assert_false (fb_test_peer_has_live_item (a, gone));
  text = server_text ("recreated", edited);
  g_assert_cmpstr (text, ==, "one\nTWO\n");
  g_assert_null (server_text ("recreated", gone));
  assert_server_has_all (a, "recreated");
  g_clear_pointer (&s, fb_sync_stats_free);

  /* Nothing is sent twice. */
  s = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->pushed, ==, 0);
  g_assert_cmpuint (s->pulled, ==, 0);

  /* Another device finds all of it there. */
  b = peer_new ("recreated");
  peer_sync (b);
  g_assert_cmpuint (fb_store_get_pending_count (b->store), ==, 0);
  assert_server_has_all (b, "recreated");
  {
    g_autoptr(GPtrArray) items = fb_store_list_items (b->store, NULL, NULL);

    g_assert_cmpuint (items->len, ==, 3);
  }
}

/* Pointed at another, empty database: everything goes there; back at the
 * first one, what changed meanwhile goes there too, without conflicts. */
static void
test_switched (void)
{
  g_autoptr(Peer) a = peer_new ("switch-first");
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;
  g_autofree char *text = NULL;

  one = fb_test_peer_create_note (a, "One", "1\n");
  two = fb_test_peer_create_note (a, "Two", "2\n");
  peer_sync (a);

  fb_sync_manager_set_remote (a->manager, fb_test_server_get_url (server), "switch-second",
                              ADMIN, PASSWORD);
  s = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->pushed, ==, 2);
  g_clear_pointer (&s, fb_sync_stats_free);
  assert_server_has_all (a, "switch-second");

  fb_test_peer_edit (a, one, "text", "1\nmore\n");
  peer_sync (a);
  assert_server_has_all (a, "switch-second");

  fb_sync_manager_set_remote (a->manager, fb_test_server_get_url (server), "switch-first",
                              ADMIN, PASSWORD);
  peer_sync (a);
  text = server_text ("switch-first", one);
  g_assert_cmpstr (text, ==, "1\nmore\n");
  assert_server_has_all (a, "switch-first");
}

/* Copies every document of @from into @to with its revision history, as
 * a backup and its restore would. */
static void
copy_db (const char *from,
         const char *to)
{
  g_autofree char *path = g_strdup_printf ("%s/_all_docs", from);
  g_autoptr(JsonNode) all = NULL;
  g_autoptr(JsonBuilder) docs = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *text = NULL;
  g_autofree char *bulk = g_strdup_printf ("%s/_bulk_docs", to);
  JsonArray *rows;
  guint status = 0;

  fb_test_server_create_db (server, to, NULL);
  all = fb_test_server_request (server, "GET", path, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  rows = json_object_get_array_member (json_node_get_object (all), "rows");

  json_builder_begin_object (docs);
  json_builder_set_member_name (docs, "new_edits");
  json_builder_add_boolean_value (docs, FALSE);
  json_builder_set_member_name (docs, "docs");
  json_builder_begin_array (docs);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (rows, i), "id");
      g_autofree char *doc_path = g_strdup_printf ("%s/%s?revs=true&attachments=true", from, id);
      g_autoptr(JsonNode) doc = fb_test_server_request (server, "GET", doc_path, NULL, &status, NULL);

      g_assert_cmpuint (status, ==, 200);
      json_builder_add_value (docs, json_node_copy (doc));
    }
  json_builder_end_array (docs);
  json_builder_end_object (docs);

  body = json_builder_get_root (docs);
  text = json_to_string (body, FALSE);
  answer = fb_test_server_request (server, "POST", bulk, text, &status, NULL);
  g_assert_cmpuint (status, ==, 201);
}

static gboolean
server_has_conflicts (const char *db,
                      const char *id)
{
  g_autofree char *path = g_strdup_printf ("%s/%s?conflicts=true", db, id);
  g_autoptr(JsonNode) doc = NULL;
  guint status = 0;

  doc = fb_test_server_request (server, "GET", path, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  return json_object_has_member (json_node_get_object (doc), "_conflicts");
}

/* The server goes back to an older backup: it holds older revisions of
 * some items and lacks others. Both devices bring it up to date without a
 * conflict and without losing an edit; a deletion made on the server after
 * the restore follows the usual rules. */
static void
test_restored_backup (void)
{
  g_autoptr(Peer) a = peer_new ("restored");
  g_autoptr(Peer) b = peer_new ("restored");
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autofree char *old = NULL;
  g_autofree char *newer = NULL;
  g_autofree char *after = NULL;
  g_autofree char *dropped = NULL;
  g_autofree char *text = NULL;
  g_autofree char *deleted_rev = NULL;

  old = fb_test_peer_create_note (a, "Old", "o\n");
  dropped = fb_test_peer_create_note (a, "Dropped on the server", "d\n");
  peer_sync (a);
  peer_sync (b);
  copy_db ("restored", "restored-backup");

  /* After the backup: an edit and a new item, seen by both devices. */
  fb_test_peer_edit (a, old, "text", "o\nnewer\n");
  after = fb_test_peer_create_note (a, "After", "a\n");
  peer_sync (a);
  peer_sync (b);

  /* The restore, then someone deletes an item on the server. */
  recreate_db ("restored");
  copy_db ("restored-backup", "restored");
  doc = fb_test_server_get_doc (server, "restored", dropped, &error);
  g_assert_no_error (error);
  deleted_rev = fb_test_server_delete_doc (server, "restored", dropped,
                                           json_object_get_string_member (doc, "_rev"), &error);
  g_assert_no_error (error);

  /* And b edits an item meanwhile. */
  fb_test_peer_edit (b, after, "text", "a\nby b\n");

  s = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync_full (b, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  peer_sync (a);

  text = server_text ("restored", old);
  g_assert_cmpstr (text, ==, "o\nnewer\n");
  g_free (text);
  text = server_text ("restored", after);
  g_assert_cmpstr (text, ==, "a\nby b\n");
  g_assert_false (server_has_conflicts ("restored", old));
  g_assert_false (server_has_conflicts ("restored", after));
  g_assert_false (fb_test_peer_has_live_item (a, dropped));
  g_assert_false (fb_test_peer_has_live_item (b, dropped));
  assert_server_has_all (a, "restored");
  assert_server_has_all (b, "restored");
}

/* After the restore, another program edits an item on the server before
 * this device comes back: the server's revision is older than ours by
 * number, but it holds a change this device never saw. The reconciliation
 * must not end it: the edit reaches the person, merged or as a conflict. */
static void
test_restored_backup_foreign_edit (void)
{
  g_autoptr(Peer) a = peer_new ("restored-foreign");
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *id = NULL;
  g_autofree char *json = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *text = NULL;

  id = fb_test_peer_create_note (a, "Plot 7", "first\n");
  peer_sync (a);
  copy_db ("restored-foreign", "restored-foreign-backup");
  fb_test_peer_edit (a, id, "text", "first\nsecond\n");
  peer_sync (a);
  fb_test_peer_edit (a, id, "text", "first\nsecond\nthird\n");
  peer_sync (a);

  recreate_db ("restored-foreign");
  copy_db ("restored-foreign-backup", "restored-foreign");
  doc = fb_test_server_get_doc (server, "restored-foreign", id, &error);
  g_assert_no_error (error);
  json = g_strdup_printf ("{\"_rev\": \"%s\", \"type\": \"notes\", \"title\": \"Plot 7\","
                          " \"text\": \"first\\nfrom the other program\\n\"}",
                          json_object_get_string_member (doc, "_rev"));
  rev = fb_test_server_put_doc (server, "restored-foreign", id, json, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (rev, "2-"));

  s = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);

  /* Neither side is lost: the person chooses between this device's
   * version ("yours") and the other program's (the server's). */
  g_assert_cmpuint (s->conflicts, ==, 1);
  item = fb_test_peer_get_item (a, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_CONFLICT);
  g_assert_cmpstr (json_object_get_string_member (fb_item_get_body (item), "text"), ==,
                   "first\nsecond\nthird\n");
  g_assert_cmpstr (fb_item_get_server_rev (item), ==, rev);
  g_assert_cmpstr (json_object_get_string_member (fb_item_get_server_body (item), "text"), ==,
                   "first\nfrom the other program\n");
  g_clear_pointer (&s, fb_sync_stats_free);

  /* Keeping this device's version puts it on top of the other program's. */
  g_assert_true (fb_store_resolve_conflict (a->store, id, FB_RESOLVE_KEEP_MINE, NULL, &error));
  g_assert_no_error (error);
  peer_sync (a);
  text = server_text ("restored-foreign", id);
  g_assert_cmpstr (text, ==, "first\nsecond\nthird\n");
  g_assert_false (server_has_conflicts ("restored-foreign", id));
}

/* A copy of the database's files brings the devices' checkpoint documents
 * back with it (`_local` documents do not replicate, but they are in the
 * files): @device's is copied from @from to @to as such a restore would. */
static void
copy_checkpoint (const char *from,
                 const char *to,
                 Peer       *device)
{
  g_autofree char *escaped = g_uri_escape_string (fb_store_get_device_id (device->store),
                                                  NULL, FALSE);
  g_autofree char *from_path = g_strdup_printf ("%s/_local/fieldbook-%s", from, escaped);
  g_autofree char *to_path = g_strdup_printf ("%s/_local/fieldbook-%s", to, escaped);
  g_autoptr(JsonNode) doc = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *text = NULL;
  guint status = 0;

  doc = fb_test_server_request (server, "GET", from_path, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  json_object_remove_member (json_node_get_object (doc), "_rev");
  text = json_to_string (doc, FALSE);
  answer = fb_test_server_request (server, "PUT", to_path, text, &status, NULL);
  g_assert_cmpuint (status, ==, 201);
}

/* Another program attached a file to a note; the server is then restored
 * to a backup from before our last edit. Our edit goes back on top of the
 * restored revision, and the attachment stays with the document. */
static void
test_restored_backup_attachment (void)
{
  const char *db = "restored-attachment";
  g_autoptr(Peer) a = peer_new (db);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *att = NULL;
  guint status = 0;

  id = fb_test_peer_create_note (a, "Nest", "n\n");
  peer_sync (a);
  doc = fb_test_server_get_doc (server, db, id, &error);
  g_assert_no_error (error);
  path = g_strdup_printf ("%s/%s/photo.txt?rev=%s", db, id,
                          json_object_get_string_member (doc, "_rev"));
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = fb_test_server_request_raw (server, "PUT", path, "\"hello\"", &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 201);
  peer_sync (a);
  copy_db (db, "restored-attachment-backup");

  fb_test_peer_edit (a, id, "text", "n\nlater\n");
  peer_sync (a);
  fb_test_peer_edit (a, id, "text", "n\nlater\nand later\n");
  peer_sync (a);

  recreate_db (db);
  copy_db ("restored-attachment-backup", db);

  s = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->conflicts, ==, 0);
  peer_sync (a);
  text = server_text (db, id);
  g_assert_cmpstr (text, ==, "n\nlater\nand later\n");
  g_assert_false (server_has_conflicts (db, id));
  assert_server_has_all (a, db);

  att = g_strdup_printf ("%s/%s/photo.txt", db, id);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = fb_test_server_request_raw (server, "GET", att, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "\"hello\"", 7);
}

static void
cut_renewal_cb (FbStore  *store,
                FbItem   *item,
                gpointer  user_data)
{
  fb_test_proxy_set_mode (user_data, FB_TEST_PROXY_DOWN, 1, "/_local/");
}

/* The server's database is restored by copying its files back: our
 * checkpoint document comes back too, holding the session of that day.
 * With @cut_renewal, the run that wrote after the copy never renewed the
 * session (the connection dropped at its very end), so the copy holds the
 * session we still hold: only the revisions can tell. Either way, what was
 * written after the copy goes up again, and nothing is lost. */
static void
restored_file_copy (const char *db,
                    gboolean    cut_renewal)
{
  g_autofree char *backup = g_strconcat (db, "-backup", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(Peer) a = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autofree char *old = NULL;
  g_autofree char *after = NULL;
  g_autofree char *text = NULL;
  gulong handler = 0;

  g_assert_no_error (error);
  a = peer_new_at (fb_test_proxy_get_url (proxy), db);
  old = fb_test_peer_create_note (a, "Old", "o\n");
  peer_sync (a);
  copy_db (db, backup);
  copy_checkpoint (db, backup, a);

  fb_test_peer_edit (a, old, "text", "o\nnewer\n");
  after = fb_test_peer_create_note (a, "After", "a\n");
  /* Once the push is answered, the next request for the checkpoint
   * document (the renewal) does not get through. */
  if (cut_renewal)
    handler = g_signal_connect (a->store, "item-changed::push", G_CALLBACK (cut_renewal_cb), proxy);
  peer_sync (a);
  g_clear_signal_handler (&handler, a->store);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), ==, cut_renewal ? 1 : 0);

  recreate_db (db);
  copy_db (backup, db);
  copy_checkpoint (backup, db, a);

  s = fb_test_peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->conflicts, ==, 0);
  text = server_text (db, old);
  g_assert_cmpstr (text, ==, "o\nnewer\n");
  g_clear_pointer (&text, g_free);
  text = server_text (db, after);
  g_assert_cmpstr (text, ==, "a\n");
  assert_server_has_all (a, db);
}

static void
test_restored_file_copy (void)
{
  restored_file_copy ("file-copy", FALSE);
}

static void
test_restored_before_renewal (void)
{
  restored_file_copy ("unrenewed", TRUE);
}

/* ---- Killed mid-sync (point 3) ----
 *
 * The real program, `fieldbook --sync`, each store in its own
 * XDG_DATA_HOME, killed with SIGKILL at random moments (seeded from the
 * test's seed) while edits are written into its store between rounds; then
 * one clean sync. A single writer: every conflict would be one with itself. */

#define CRASH_ROUNDS       20
#define CRASH_NEW_PER_ROUND 30
#define CRASH_EDITS_PER_ROUND 45
#define CRASH_LINES        6

static gboolean
run_fieldbook_sync (const char *home,
                    const char *db,
                    guint       kill_after_ms,
                    int        *exit_status)
{
  return fb_test_run_fieldbook_sync (server, home, db, ADMIN, PASSWORD, kill_after_ms, exit_status);
}

static char *
crash_join (GStrv lines)
{
  g_autofree char *joined = g_strjoinv ("\n", lines);

  return g_strconcat (joined, "\n", NULL);
}

static char *
crash_text (GHashTable *lines_of,
            const char *id)
{
  return crash_join (g_hash_table_lookup (lines_of, id));
}

/* Every live document of @db: id → document. */
static GHashTable *
all_docs (const char *db)
{
  g_autofree char *path = g_strdup_printf ("%s/_all_docs?include_docs=true", db);
  g_autoptr(JsonNode) answer = NULL;
  GHashTable *docs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) json_object_unref);
  JsonArray *rows;
  guint status = 0;

  answer = fb_test_server_request (server, "GET", path, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  rows = json_object_get_array_member (json_node_get_object (answer), "rows");
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      if (json_object_has_member (row, "doc") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (row, "doc")))
        g_hash_table_insert (docs, g_strdup (json_object_get_string_member (row, "id")),
                             json_object_ref (json_object_get_object_member (row, "doc")));
    }

  return docs;
}

static void
test_killed_mid_sync (void)
{
  const char *db = "killed-mid-sync";
  g_autofree char *home = g_dir_make_tmp ("fb-test-killed-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (home, "fieldbook", "fieldbook.db", NULL);
  /* id → GStrv: the lines of the last version written into the store */
  g_autoptr(GHashTable) lines_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  guint n_edits = 0, n_kills = 0, n_finished = 0, n_conflicts = 0, n_lost = 0;
  guint longest_ms = 0;
  int status = 0;

  for (guint round = 0; round < CRASH_ROUNDS; round++)
    {
      g_autoptr(FbStore) store = NULL;
      g_autoptr(GError) error = NULL;
      gint64 started;
      guint kill_after;

      store = fb_store_new (path, &error);
      g_assert_no_error (error);

      for (guint i = 0; i < CRASH_NEW_PER_ROUND; i++)
        {
          g_auto(GStrv) lines = g_new0 (char *, CRASH_LINES + 1);
          g_autofree char *title = g_strdup_printf ("Note %u.%u", round, i);
          g_autofree char *text = NULL;
          g_autoptr(JsonObject) body = NULL;
          g_autoptr(FbItem) item = NULL;

          for (guint l = 0; l < CRASH_LINES; l++)
            lines[l] = g_strdup_printf ("line %u of %s", l, title);
          text = crash_join (lines);
          body = fb_note_body_new (title, text);
          item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, &error);
          g_assert_no_error (error);
          g_ptr_array_add (ids, g_strdup (fb_item_get_id (item)));
          g_hash_table_insert (lines_of, g_strdup (fb_item_get_id (item)), g_steal_pointer (&lines));
          n_edits++;
        }

      for (guint i = 0; i < CRASH_EDITS_PER_ROUND; i++)
        {
          const char *id = ids->pdata[g_test_rand_int_range (0, ids->len)];
          GStrv lines = g_hash_table_lookup (lines_of, id);
          guint l = g_test_rand_int_range (0, CRASH_LINES);
          g_autoptr(FbItem) item = fb_store_get_item (store, id, &error);
          g_autoptr(JsonObject) body = NULL;
          g_autofree char *text = NULL;

          g_assert_no_error (error);
          g_free (lines[l]);
          lines[l] = g_strdup_printf ("line %u edited in round %u (%u)", l, round, i);
          text = crash_text (lines_of, id);
          body = fb_body_copy (fb_item_get_body (item));
          json_object_set_string_member (body, "text", text);
          fb_store_update_item (store, id, body, &error);
          g_assert_no_error (error);
          n_edits++;
        }
      g_clear_object (&store);

      /* The first round runs to the end and says how long a run takes;
       * the others are killed at a random moment within about that. */
      kill_after = round == 0 ? 0 : (guint) g_test_rand_int_range (1, (gint32) longest_ms + 50);
      started = g_get_monotonic_time ();
      if (run_fieldbook_sync (home, db, kill_after, &status))
        n_kills++;
      else
        n_finished++;
      longest_ms = MAX (longest_ms, (guint) ((g_get_monotonic_time () - started) / 1000));
    }

  /* One clean sync at the end. */
  g_assert_false (run_fieldbook_sync (home, db, 0, &status));
  g_assert_cmpint (status, ==, 0);

  {
    g_autoptr(FbStore) store = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GHashTable) on_server_docs = NULL;
    sqlite3 *sql = NULL;
    sqlite3_stmt *check = NULL;

    store = fb_store_new (path, &error);
    g_assert_no_error (error);
    n_conflicts = fb_store_get_conflict_count (store);
    on_server_docs = all_docs (db);

    for (guint i = 0; i < ids->len; i++)
      {
        const char *id = ids->pdata[i];
        g_autofree char *expected = crash_text (lines_of, id);
        JsonObject *doc = g_hash_table_lookup (on_server_docs, id);
        const char *on_server = doc != NULL
                                ? json_object_get_string_member_with_default (doc, "text", NULL)
                                : NULL;
        g_autoptr(FbItem) item = fb_store_get_item (store, id, NULL);

        if (item == NULL || g_strcmp0 (fb_item_get_text (item), expected) != 0 ||
            g_strcmp0 (on_server, expected) != 0)
          n_lost++;
      }

    g_test_message ("killed mid-sync: %u rounds, %u edits, %u kills, %u runs finished, "
                    "%u conflicts, %u self-conflicts, %u lost edits, %u pending",
                    CRASH_ROUNDS, n_edits, n_kills, n_finished, n_conflicts, n_conflicts,
                    n_lost, fb_store_get_pending_count (store));
    g_assert_cmpuint (n_conflicts, ==, 0);
    g_assert_cmpuint (n_lost, ==, 0);
    g_assert_cmpuint (fb_store_get_pending_count (store), ==, 0);
    g_clear_object (&store);

    g_assert_cmpint (sqlite3_open_v2 (path, &sql, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (sql, "PRAGMA integrity_check", -1, &check, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (check), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (check, 0), ==, "ok");
    sqlite3_finalize (check);
    sqlite3_close (sql);
  }

  g_assert_cmpuint (n_kills, >, 0);
  fb_test_remove_tree (home);
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

  g_test_add_func ("/sync-identity/lost-answer/create-then-edit", test_lost_create_then_edit);
  g_test_add_func ("/sync-identity/lost-answer/edit-then-edit", test_lost_edit_then_edit);
  g_test_add_func ("/sync-identity/server/recreated", test_recreated);
  g_test_add_func ("/sync-identity/server/switched", test_switched);
  g_test_add_func ("/sync-identity/server/restored-backup", test_restored_backup);
  g_test_add_func ("/sync-identity/server/restored-backup-foreign-edit",
                   test_restored_backup_foreign_edit);
  g_test_add_func ("/sync-identity/server/restored-file-copy", test_restored_file_copy);
  g_test_add_func ("/sync-identity/server/restored-backup-attachment",
                   test_restored_backup_attachment);
  g_test_add_func ("/sync-identity/server/restored-before-renewal", test_restored_before_renewal);
  g_test_add_func ("/sync-identity/killed-mid-sync", test_killed_mid_sync);

  status = g_test_run ();
  fb_test_server_free (server);
  return status;
}
