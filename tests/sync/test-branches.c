/* test-branches.c: documents with several leaf revisions on a real PouchDB Server, and a PouchDB 9 peer */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-branches"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fb-store.h"
#include "fb-sync-manager.h"
#include "fb-test-peer.h"
#include "fb-test-pouch.h"
#include "fb-test-proxy.h"
#include "fb-test-server.h"

#define ADMIN      "admin"
#define PASSWORD   "s3cret"

static FbTestServer *server;

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

static FbSyncStats *
peer_sync (Peer *peer)
{
  g_autoptr(GError) error = NULL;
  FbSyncStats *stats = fb_test_peer_sync_full (peer, &error);

  g_assert_no_error (error);
  g_assert_nonnull (stats);
  return stats;
}

static void
peer_sync_quietly (Peer *peer)
{
  fb_sync_stats_free (peer_sync (peer));
}

/* ---- The server, as another client sees it ---- */

static JsonObject *
server_get (const char *path)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  node = fb_test_server_request (server, "GET", path, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  return json_object_ref (json_node_get_object (node));
}

/* The winner, with its "_conflicts" if it has any. */
static JsonObject *
server_doc (const char *db,
            const char *id)
{
  g_autofree char *path = g_strdup_printf ("%s/%s?conflicts=true", db, id);

  return server_get (path);
}

static guint
server_n_conflicts (const char *db,
                    const char *id)
{
  g_autoptr(JsonObject) doc = server_doc (db, id);

  if (!json_object_has_member (doc, "_conflicts"))
    return 0;
  return json_array_get_length (json_object_get_array_member (doc, "_conflicts"));
}

/* Writes, as a foreign replicator would (new_edits=false), a child of
 * @parent_rev with @text (NULL: a deletion) on its own branch, with a
 * text attachment @attachment ("hello") when not NULL. Returns the new
 * leaf's rev. */
static char *
add_leaf_with (const char *db,
               const char *id,
               const char *parent_rev,
               const char *text,
               const char *tag,
               const char *attachment)
{
  g_autoptr(JsonObject) parent = NULL;
  g_autofree char *path = g_strdup_printf ("%s/%s?rev=%s", db, id, parent_rev);
  guint64 generation = g_ascii_strtoull (parent_rev, NULL, 10);
  const char *parent_hash = strchr (parent_rev, '-') + 1;
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_MD5, tag, -1);
  g_autofree char *rev = g_strdup_printf ("%" G_GUINT64_FORMAT "-%s", generation + 1, hash);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *bulk = g_strdup_printf ("%s/_bulk_docs", db);
  JsonObject *request = json_object_new ();
  JsonObject *doc;
  JsonObject *revisions = json_object_new ();
  JsonArray *ids = json_array_new ();
  JsonArray *docs = json_array_new ();
  guint status = 0;

  parent = server_get (path);
  doc = json_object_new ();
  json_object_set_string_member (doc, "_id", id);
  json_object_set_string_member (doc, "_rev", rev);
  if (text == NULL)
    {
      json_object_set_boolean_member (doc, "_deleted", TRUE);
    }
  else
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, parent);
      while (json_object_iter_next (&iter, &name, &value))
        if (name[0] != '_')
          json_object_set_member (doc, name, json_node_copy (value));
      json_object_set_string_member (doc, "text", text);
    }
  if (attachment != NULL)
    {
      JsonObject *attachments = json_object_new ();
      JsonObject *stub = json_object_new ();

      json_object_set_string_member (stub, "content_type", "text/plain");
      json_object_set_string_member (stub, "data", "aGVsbG8="); /* "hello" */
      json_object_set_object_member (attachments, attachment, stub);
      json_object_set_object_member (doc, "_attachments", attachments);
    }
  json_array_add_string_element (ids, hash);
  json_array_add_string_element (ids, parent_hash);
  json_object_set_int_member (revisions, "start", generation + 1);
  json_object_set_array_member (revisions, "ids", ids);
  json_object_set_object_member (doc, "_revisions", revisions);
  json_array_add_object_element (docs, doc);
  json_object_set_array_member (request, "docs", docs);
  json_object_set_boolean_member (request, "new_edits", FALSE);

  root = json_node_init_object (json_node_alloc (), request);
  json_object_unref (request);
  body = json_to_string (root, FALSE);
  answer = fb_test_server_request (server, "POST", bulk, body, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 201);

  return g_steal_pointer (&rev);
}

static char *
add_leaf (const char *db,
          const char *id,
          const char *parent_rev,
          const char *text,
          const char *tag)
{
  return add_leaf_with (db, id, parent_rev, text, tag, NULL);
}

/* A synced note on @db as A has it; returns its id, *@rev its revision. */
static char *
synced_note (Peer       *a,
             const char *text,
             char      **rev)
{
  g_autofree char *id = fb_test_peer_create_note (a, "Branches", text);
  g_autoptr(FbItem) item = NULL;

  peer_sync_quietly (a);
  item = fb_test_peer_get_item (a, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  *rev = g_strdup (fb_item_get_base_rev (item));
  return g_steal_pointer (&id);
}

static const char *
body_text (JsonObject *body)
{
  return body != NULL ? json_object_get_string_member_with_default (body, "text", NULL) : NULL;
}

/* ---- Branches made directly ---- */

/* Two leaves editing different lines: one winner holding both, the loser
 * deleted, both edits on every device. */
static void
test_different_lines (void)
{
  const char *db = "branches-different-lines";
  g_autoptr(Peer) a = peer_new (db);
  g_autoptr(Peer) b = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *id = synced_note (a, "one\ntwo\nthree\n", &rev);
  g_autofree char *left = add_leaf (db, id, rev, "ONE\ntwo\nthree\n", "left");
  g_autofree char *right = add_leaf (db, id, rev, "one\ntwo\nTHREE\n", "right");
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) doc = NULL;

  g_assert_cmpuint (server_n_conflicts (db, id), ==, 1);

  stats = peer_sync (a);
  g_assert_cmpuint (stats->merged, >=, 1);
  g_assert_cmpuint (stats->conflicts, ==, 0);

  item = fb_test_peer_get_item (a, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "ONE\ntwo\nTHREE\n");
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);

  doc = server_doc (db, id);
  g_assert_cmpstr (body_text (doc), ==, "ONE\ntwo\nTHREE\n");
  g_assert_false (json_object_has_member (doc, "_conflicts"));
  g_assert_cmpstr (json_object_get_string_member (doc, "_rev"), ==, fb_item_get_base_rev (item));
  g_assert_cmpstr (json_object_get_string_member (doc, "type"), ==, "notes");

  /* A device that comes later sees the same. */
  b = peer_new (db);
  peer_sync_quietly (b);
  g_clear_object (&item);
  item = fb_test_peer_get_item (b, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "ONE\ntwo\nTHREE\n");
  g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 0);
}

/* Two leaves changing the same line differently: the item is in conflict
 * with both versions kept, the server has one leaf, and resolving it
 * settles the server. */
static void
test_same_line (void)
{
  const char *db = "branches-same-line";
  g_autoptr(Peer) a = peer_new (db);
  g_autofree char *rev = NULL;
  g_autofree char *id = synced_note (a, "title line\nmeet at 10\nend\n", &rev);
  g_autofree char *left = add_leaf (db, id, rev, "title line\nmeet at 11\nend\n", "eleven");
  g_autofree char *right = add_leaf (db, id, rev, "title line\nmeet at 12\nend\n", "twelve");
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;

  stats = peer_sync (a);
  g_assert_cmpuint (stats->conflicts, ==, 1);
  g_assert_cmpuint (fb_sync_manager_get_conflict_count (a->manager), ==, 1);

  item = fb_test_peer_get_item (a, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_CONFLICT);
  mine = g_strdup (fb_item_get_text (item));
  theirs = g_strdup (body_text (fb_item_get_server_body (item)));
  /* Both versions are there for the person, one on each side. */
  g_assert_true ((g_strcmp0 (mine, "title line\nmeet at 11\nend\n") == 0 &&
                  g_strcmp0 (theirs, "title line\nmeet at 12\nend\n") == 0) ||
                 (g_strcmp0 (mine, "title line\nmeet at 12\nend\n") == 0 &&
                  g_strcmp0 (theirs, "title line\nmeet at 11\nend\n") == 0));

  doc = server_doc (db, id);
  g_assert_false (json_object_has_member (doc, "_conflicts"));
  g_assert_cmpstr (body_text (doc), ==, theirs);

  /* Syncing again asks nothing new and changes nothing. */
  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = peer_sync (a);
  g_assert_cmpuint (stats->pushed, ==, 0);
  g_assert_cmpuint (fb_store_get_conflict_count (a->store), ==, 1);

  fb_store_resolve_conflict (a->store, id, FB_RESOLVE_KEEP_MINE, NULL, &error);
  g_assert_no_error (error);
  peer_sync_quietly (a);
  g_clear_object (&item);
  item = fb_test_peer_get_item (a, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  g_clear_pointer (&doc, json_object_unref);
  doc = server_doc (db, id);
  g_assert_cmpstr (body_text (doc), ==, mine);
  g_assert_false (json_object_has_member (doc, "_conflicts"));
}

/* Two leaves colliding on one line and each changing another: the lines
 * that merge are on both sides of the conflict, only the colliding line
 * differs. */
static void
test_collision_keeps_merged_lines (void)
{
  const char *db = "branches-collision-merged-lines";
  g_autoptr(Peer) a = peer_new (db);
  g_autofree char *rev = NULL;
  g_autofree char *id = synced_note (a, "1\n2\n3\n4\n5\n6\n7\n", &rev);
  g_autofree char *l1 = add_leaf (db, id, rev, "1 left\n2\n3\n4\n5\n6\n7 left\n", "left");
  g_autofree char *l2 = add_leaf (db, id, rev, "1 right\n2\n3\n4 right\n5\n6\n7\n", "right");
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(FbItem) item = NULL;
  const char *mine;
  const char *theirs;

  stats = peer_sync (a);
  g_assert_cmpuint (stats->conflicts, ==, 1);
  g_assert_cmpuint (server_n_conflicts (db, id), ==, 0);

  item = fb_test_peer_get_item (a, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_CONFLICT);
  mine = fb_item_get_text (item);
  theirs = body_text (fb_item_get_server_body (item));
  g_assert_true ((g_strcmp0 (mine, "1 left\n2\n3\n4 right\n5\n6\n7 left\n") == 0 &&
                  g_strcmp0 (theirs, "1 right\n2\n3\n4 right\n5\n6\n7 left\n") == 0) ||
                 (g_strcmp0 (mine, "1 right\n2\n3\n4 right\n5\n6\n7 left\n") == 0 &&
                  g_strcmp0 (theirs, "1 left\n2\n3\n4 right\n5\n6\n7 left\n") == 0));
}

/* Three leaves, two of them colliding on a line: what merges is merged,
 * the rest is the item's conflict, and every edit is on one side. */
static void
test_three_leaves (void)
{
  const char *db = "branches-three-leaves";
  g_autoptr(Peer) a = peer_new (db);
  g_autofree char *rev = NULL;
  g_autofree char *id = synced_note (a, "1\n2\n3\n4\n5\n", &rev);
  g_autofree char *l1 = add_leaf (db, id, rev, "1\n2\nthree\n4\n5\n", "three");
  g_autofree char *l2 = add_leaf (db, id, rev, "one\n2\n3\n4\n5\n", "one");
  g_autofree char *l3 = add_leaf (db, id, rev, "ONE\n2\n3\n4\n5\n", "ONE");
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *both = NULL;

  g_assert_cmpuint (server_n_conflicts (db, id), ==, 2);
  stats = peer_sync (a);
  g_assert_cmpuint (stats->conflicts, ==, 1);
  g_assert_cmpuint (server_n_conflicts (db, id), ==, 0);

  item = fb_test_peer_get_item (a, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_CONFLICT);
  both = g_strconcat (fb_item_get_text (item), "|", body_text (fb_item_get_server_body (item)),
                      NULL);
  g_assert_nonnull (strstr (both, "three"));
  g_assert_nonnull (strstr (both, "one"));
  g_assert_nonnull (strstr (both, "ONE"));
}

/* A deleted leaf beside an edited one: CouchDB lets the edit win and keeps
 * the deletion as a deleted leaf, not a conflict. The edit is what every
 * device shows; nothing comes back as a conflict or gets deleted. */
static void
test_delete_versus_edit (void)
{
  const char *db = "branches-delete-edit";
  g_autoptr(Peer) a = peer_new (db);
  g_autoptr(Peer) b = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *id = synced_note (a, "keep\nthis\n", &rev);
  g_autofree char *gone = add_leaf (db, id, rev, NULL, "deleted");
  g_autofree char *edit = add_leaf (db, id, rev, "keep\nthis\nand this\n", "edited");
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) doc = NULL;

  peer_sync_quietly (a);
  item = fb_test_peer_get_item (a, id);
  g_assert_false (fb_item_get_deleted (item));
  g_assert_cmpstr (fb_item_get_text (item), ==, "keep\nthis\nand this\n");
  g_assert_cmpuint (fb_store_get_conflict_count (a->store), ==, 0);

  doc = server_doc (db, id);
  g_assert_cmpstr (body_text (doc), ==, "keep\nthis\nand this\n");
  g_assert_false (json_object_has_member (doc, "_conflicts"));

  b = peer_new (db);
  peer_sync_quietly (b);
  g_clear_object (&item);
  item = fb_test_peer_get_item (b, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "keep\nthis\nand this\n");
}

/* Another program's document with branches is not ours to merge: its
 * leaves stay as they are. */
static void
test_foreign_left_alone (void)
{
  const char *db = "branches-foreign";
  g_autoptr(Peer) a = peer_new (db);
  g_autoptr(GError) error = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *left = NULL;
  g_autofree char *right = NULL;

  g_assert_true (fb_test_server_create_db (server, db, &error));
  rev = fb_test_server_put_doc (server, db, "settings",
                                "{\"type\":\"other-app\",\"text\":\"v\"}", &error);
  g_assert_no_error (error);
  left = add_leaf (db, "settings", rev, "left", "foreign left");
  right = add_leaf (db, "settings", rev, "right", "foreign right");

  peer_sync_quietly (a);
  g_assert_cmpuint (server_n_conflicts (db, "settings"), ==, 1);
  g_assert_null (fb_store_get_item (a->store, "settings", NULL));
}

/* A pending local edit meets two branches in the push's conflict fetch:
 * all three edits end in one winner. */
static void
test_push_conflict_with_branches (void)
{
  const char *db = "branches-push-conflict";
  g_autoptr(Peer) a = peer_new (db);
  g_autofree char *rev = NULL;
  g_autofree char *id = synced_note (a, "a\nb\nc\nd\ne\n", &rev);
  g_autofree char *left = add_leaf (db, id, rev, "A\nb\nc\nd\ne\n", "first line");
  g_autofree char *right = add_leaf (db, id, rev, "a\nb\nC\nd\ne\n", "third line");
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) doc = NULL;

  /* Pending on top of a revision that is no longer a leaf: the push
   * answers "conflict". */
  fb_test_peer_edit (a, id, "text", "a\nb\nc\nd\nE\n");
  stats = peer_sync (a);
  g_assert_cmpuint (stats->conflicts, ==, 0);

  item = fb_test_peer_get_item (a, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "A\nb\nC\nd\nE\n");
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);

  doc = server_doc (db, id);
  g_assert_cmpstr (body_text (doc), ==, "A\nb\nC\nd\nE\n");
  g_assert_false (json_object_has_member (doc, "_conflicts"));
}

/* A push answered "conflict" for a document the server no longer has
 * (the database was deleted and created again) goes up as a new one. */
static void
test_missing_on_server (void)
{
  const char *db = "branches-missing-on-server";
  g_autoptr(Peer) a = peer_new (db);
  g_autofree char *rev = NULL;
  g_autofree char *id = synced_note (a, "written before the reset\n", &rev);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  answer = fb_test_server_request (server, "DELETE", db, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (fb_test_server_create_db (server, db, &error));
  g_assert_no_error (error);
  /* The stale revision makes the push a conflict: the server has a
   * document of that id under another history, unrelated to ours... */
  g_clear_pointer (&answer, json_node_unref);

  fb_test_peer_edit (a, id, "text", "written before the reset\nand after it\n");
  stats = peer_sync (a);
  /* The run sees that the server is not the one it last synced with: the
   * base goes back first (reconciliation), then the edit on top of it. */
  g_assert_cmpuint (stats->pushed, ==, 2);

  item = fb_test_peer_get_item (a, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  g_assert_null (fb_item_get_sync_error (item));
  g_assert_cmpuint (fb_sync_manager_get_pending_count (a->manager), ==, 0);

  doc = server_doc (db, id);
  g_assert_cmpstr (body_text (doc), ==, "written before the reset\nand after it\n");
  g_assert_cmpstr (json_object_get_string_member (doc, "_rev"), ==, fb_item_get_base_rev (item));
}

/* A cluster short of its write quorum answers writes with 202 Accepted:
 * that is success, for pushes and for a branch write-back alike. */
static void
test_accepted (void)
{
  const char *db = "branches-accepted";
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), NULL);
  g_autoptr(Peer) a = peer_new_at (fb_test_proxy_get_url (proxy), db);
  g_autofree char *rev = NULL;
  g_autofree char *id = NULL;
  g_autofree char *left = NULL;
  g_autofree char *right = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) doc = NULL;

  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_ACCEPTED, 0, "_bulk_docs");
  id = synced_note (a, "first\nsecond\n", &rev);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), >=, 1);
  g_assert_cmpuint (fb_sync_manager_get_pending_count (a->manager), ==, 0);

  left = add_leaf (db, id, rev, "FIRST\nsecond\n", "accepted left");
  right = add_leaf (db, id, rev, "first\nSECOND\n", "accepted right");
  peer_sync_quietly (a);

  item = fb_test_peer_get_item (a, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "FIRST\nSECOND\n");
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  doc = server_doc (db, id);
  g_assert_cmpstr (body_text (doc), ==, "FIRST\nSECOND\n");
  g_assert_false (json_object_has_member (doc, "_conflicts"));
}

/* The losing leaf carries an attachment the winner lacks (another program
 * added a photo on its side). Its text is merged; the attachment is never
 * dropped: a live leaf on the server still serves it. */
static void
test_leaf_with_attachment (void)
{
  const char *db = "branches-attachment";
  g_autoptr(Peer) a = peer_new (db);
  g_autofree char *rev = NULL;
  g_autofree char *id = synced_note (a, "one\ntwo\nthree\n", &rev);
  g_autofree char *photo = add_leaf_with (db, id, rev, "one\ntwo\nTHREE\n", "photo", "photo.txt");
  g_autofree char *left = add_leaf (db, id, rev, "ONE\ntwo\nthree\n", "left");
  g_autofree char *longer = add_leaf (db, id, left, "ONE\ntwo\nthree\n", "longer");
  g_autofree char *path = g_strdup_printf ("%s/%s?open_revs=all", db, id);
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonNode) leaves = NULL;
  g_autoptr(GError) error = NULL;
  gboolean served = FALSE;
  guint status = 0;

  peer_sync_quietly (a);
  peer_sync_quietly (a);
  g_assert_null (fb_sync_manager_get_last_error (a->manager));
  item = fb_test_peer_get_item (a, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "ONE\ntwo\nTHREE\n");
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);

  leaves = fb_test_server_request (server, "GET", path, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (leaves)); i++)
    {
      JsonObject *leaf = json_array_get_object_element (json_node_get_array (leaves), i);
      JsonObject *ok = json_object_get_object_member (leaf, "ok");
      g_autofree char *att = NULL;
      g_autoptr(GBytes) bytes = NULL;

      if (ok == NULL || json_object_get_boolean_member_with_default (ok, "_deleted", FALSE) ||
          !json_object_has_member (ok, "_attachments"))
        continue;
      att = g_strdup_printf ("%s/%s/photo.txt?rev=%s", db, id,
                             json_object_get_string_member (ok, "_rev"));
      bytes = fb_test_server_request_raw (server, "GET", att, NULL, &status, &error);
      g_assert_no_error (error);
      if (status == 200 && g_bytes_get_size (bytes) == 5 &&
          memcmp (g_bytes_get_data (bytes, NULL), "hello", 5) == 0)
        served = TRUE;
    }
  g_assert_true (served);
}

/* A server without _bulk_get (CouchDB 1.x) gives the leaves one document
 * at a time (open_revs): the branches merge all the same. */
static void
test_no_bulk_get (void)
{
  const char *db = "branches-no-bulk-get";
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), NULL);
  g_autoptr(Peer) a = peer_new_at (fb_test_proxy_get_url (proxy), db);
  g_autofree char *rev = NULL;
  g_autofree char *id = NULL;
  g_autofree char *left = NULL;
  g_autofree char *right = NULL;
  g_autoptr(FbItem) item = NULL;

  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_NOT_FOUND, 0, "_bulk_get");
  id = synced_note (a, "first\nsecond\n", &rev);
  left = add_leaf (db, id, rev, "FIRST\nsecond\n", "no bulk get left");
  right = add_leaf (db, id, rev, "first\nSECOND\n", "no bulk get right");

  peer_sync_quietly (a);
  g_assert_null (fb_sync_manager_get_last_error (a->manager));
  item = fb_test_peer_get_item (a, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  g_assert_cmpstr (fb_item_get_text (item), ==, "FIRST\nSECOND\n");
  g_assert_cmpuint (server_n_conflicts (db, id), ==, 0);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), >=, 1);
}

/* ---- A PouchDB 9 client replicating the same database ---- */

/* PouchDB edits its copy while Fieldbook edits the same notes and pushes
 * first: PouchDB's replication makes real branches, which Fieldbook merges. */
static void
test_pouchdb_peer (void)
{
  const char *db = "branches-pouchdb-peer";
  g_autoptr(Peer) a = peer_new (db);
  g_autoptr(Peer) b = peer_new (db);
  g_autoptr(FbTestPouch) pouch = NULL;
  g_autofree char *rev1 = NULL;
  g_autofree char *rev2 = NULL;
  g_autofree char *merge_id = synced_note (a, "1\n2\n3\n4\n5\n", &rev1);
  g_autofree char *clash_id = synced_note (a, "x\ny\nz\n", &rev2);
  g_autofree char *edits = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) doc = NULL;

  pouch = fb_test_pouch_start (server, db, ADMIN, PASSWORD);

  fb_test_peer_edit (a, merge_id, "text", "one\n2\n3\n4\n5\n");
  fb_test_peer_edit (a, clash_id, "text", "x\nY from Fieldbook\nz\n");
  peer_sync_quietly (a);

  edits = g_strdup_printf ("[{\"id\":\"%s\",\"line\":4,\"text\":\"five\"},"
                           " {\"id\":\"%s\",\"line\":1,\"text\":\"Y from PouchDB\"}]",
                           merge_id, clash_id);
  {
    g_autoptr(JsonObject) answer = fb_test_pouch_finish (pouch, edits);

    g_assert_cmpint (json_object_get_int_member (answer, "edited"), ==, 2);
  }
  g_assert_cmpuint (server_n_conflicts (db, merge_id), ==, 1);
  g_assert_cmpuint (server_n_conflicts (db, clash_id), ==, 1);

  peer_sync_quietly (b);

  /* Different lines: merged, on the server and on the device. */
  item = fb_test_peer_get_item (b, merge_id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "one\n2\n3\n4\nfive\n");
  doc = server_doc (db, merge_id);
  g_assert_cmpstr (body_text (doc), ==, "one\n2\n3\n4\nfive\n");
  g_assert_false (json_object_has_member (doc, "_conflicts"));
  g_clear_object (&item);
  g_clear_pointer (&doc, json_object_unref);

  /* The same line: both versions in B's conflict, one leaf on the server. */
  item = fb_test_peer_get_item (b, clash_id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_CONFLICT);
  g_assert_nonnull (strstr (fb_item_get_text (item), "Y from"));
  g_assert_nonnull (strstr (body_text (fb_item_get_server_body (item)), "Y from"));
  g_assert_cmpstr (fb_item_get_text (item), !=, body_text (fb_item_get_server_body (item)));
  g_assert_cmpuint (server_n_conflicts (db, clash_id), ==, 0);

  /* A follows the merged winner. */
  peer_sync_quietly (a);
  g_clear_object (&item);
  item = fb_test_peer_get_item (a, merge_id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "one\n2\n3\n4\nfive\n");
}

/* ---- A randomized run: two Fieldbook devices and a PouchDB peer ---- */

/* Every edit inserts a line with its own token; afterwards each token must
 * be on the server's winner or in a device's item or conflict side. */
static gboolean
token_found (GPtrArray  *texts,
             const char *token)
{
  for (guint i = 0; i < texts->len; i++)
    if (strstr (texts->pdata[i], token) != NULL)
      return TRUE;
  return FALSE;
}

static void
collect_texts (Peer      *peer,
               GPtrArray *texts)
{
  g_autoptr(GPtrArray) items = fb_store_list_items (peer->store, NULL, NULL);

  for (guint i = 0; i < items->len; i++)
    {
      FbItem *item = items->pdata[i];

      g_ptr_array_add (texts, g_strdup (fb_item_get_text (item)));
      if (body_text (fb_item_get_server_body (item)) != NULL)
        g_ptr_array_add (texts, g_strdup (body_text (fb_item_get_server_body (item))));
    }
}

static void
insert_line (Peer       *peer,
             const char *id,
             double      where,
             const char *token)
{
  g_autoptr(FbItem) item = fb_test_peer_get_item (peer, id);
  g_auto(GStrv) lines = g_strsplit (fb_item_get_text (item), "\n", -1);
  guint n = g_strv_length (lines);
  guint at = MIN (n, (guint) (where * n));
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i <= n; i++)
    {
      if (i == at)
        g_string_append_printf (text, "%s%s", token, i < n ? "\n" : "");
      if (i < n)
        g_string_append_printf (text, "%s%s", lines[i], i + 1 < n ? "\n" : "");
    }
  fb_test_peer_edit (peer, id, "text", text->str);
}

static void
test_randomized (void)
{
  const char *db = "branches-randomized";
  /* FB_TEST_BRANCHES_ROUNDS scales the run up for a figure of one's own. */
  const char *rounds_env = g_getenv ("FB_TEST_BRANCHES_ROUNDS");
  const guint n_rounds = rounds_env != NULL ? MAX (1, atoi (rounds_env)) : 6;
  const guint n_notes = 6, per_device = 3;
  g_autoptr(Peer) a = peer_new (db);
  g_autoptr(Peer) b = peer_new (db);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  guint found = 0, conflicts_seen = 0, server_conflicts = 0;
  GError *error = NULL;

  for (guint i = 0; i < n_notes; i++)
    g_ptr_array_add (ids, fb_test_peer_create_note (a, "Shared", "alpha\nbeta\ngamma\ndelta\n"));
  peer_sync_quietly (a);
  peer_sync_quietly (b);

  for (guint round = 0; round < n_rounds; round++)
    {
      g_autoptr(FbTestPouch) pouch = fb_test_pouch_start (server, db, ADMIN, PASSWORD);
      g_autoptr(GString) edits = g_string_new ("[");
      Peer *devices[] = { a, b };

      for (guint d = 0; d < G_N_ELEMENTS (devices); d++)
        {
          for (guint k = 0; k < per_device; k++)
            {
              char *token = g_strdup_printf ("edit-%u-%c-%u", round, 'a' + d, k);
              const char *id = ids->pdata[g_rand_int_range (rand, 0, n_notes)];
              g_autoptr(FbItem) item = fb_test_peer_get_item (devices[d], id);

              /* An item in conflict waits for its person: they keep theirs. */
              if (fb_item_get_state (item) == FB_ITEM_STATE_CONFLICT)
                {
                  conflicts_seen++;
                  fb_store_resolve_conflict (devices[d]->store, id, FB_RESOLVE_KEEP_BOTH,
                                             NULL, &error);
                  g_assert_no_error (error);
                }
              insert_line (devices[d], id, g_rand_double (rand), token);
              g_ptr_array_add (tokens, token);
            }
          peer_sync_quietly (devices[d]);
        }

      for (guint k = 0; k < per_device; k++)
        {
          char *token = g_strdup_printf ("edit-%u-p-%u", round, k);

          g_string_append_printf (edits, "%s{\"id\":\"%s\",\"insert\":%.3f,\"text\":\"%s\"}",
                                  k > 0 ? "," : "",
                                  (char *) ids->pdata[g_rand_int_range (rand, 0, n_notes)],
                                  g_rand_double (rand), token);
          g_ptr_array_add (tokens, token);
        }
      g_string_append (edits, "]");
      json_object_unref (fb_test_pouch_finish (pouch, edits->str));

      peer_sync_quietly (a);
      peer_sync_quietly (b);
    }

  peer_sync_quietly (a);
  peer_sync_quietly (b);

  /* Where an edit can be: the server's winners, each device's items and
   * the server sides of their conflicts (Keep Both copies included). */
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(JsonObject) doc = server_doc (db, ids->pdata[i]);

      if (body_text (doc) != NULL)
        g_ptr_array_add (texts, g_strdup (body_text (doc)));
      if (json_object_has_member (doc, "_conflicts"))
        server_conflicts++;
    }
  collect_texts (a, texts);
  collect_texts (b, texts);

  for (guint i = 0; i < tokens->len; i++)
    {
      if (token_found (texts, tokens->pdata[i]))
        found++;
      else
        g_test_message ("lost: %s", (char *) tokens->pdata[i]);
    }

  conflicts_seen += fb_store_get_conflict_count (a->store) + fb_store_get_conflict_count (b->store);
  g_test_message ("randomized run: 2 Fieldbook devices + 1 PouchDB peer, %u notes, %u rounds: "
                  "%u edits made, %u found afterwards, %u conflicts for the person, "
                  "%u documents with unresolved branches on the server",
                  n_notes, n_rounds, tokens->len, found, conflicts_seen, server_conflicts);
  g_assert_cmpuint (found, ==, tokens->len);
  g_assert_cmpuint (server_conflicts, ==, 0);
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

  g_test_add_func ("/branches/different-lines", test_different_lines);
  g_test_add_func ("/branches/same-line", test_same_line);
  g_test_add_func ("/branches/collision-keeps-merged-lines", test_collision_keeps_merged_lines);
  g_test_add_func ("/branches/three-leaves", test_three_leaves);
  g_test_add_func ("/branches/delete-versus-edit", test_delete_versus_edit);
  g_test_add_func ("/branches/foreign-left-alone", test_foreign_left_alone);
  g_test_add_func ("/branches/push-conflict", test_push_conflict_with_branches);
  g_test_add_func ("/branches/missing-on-server", test_missing_on_server);
  g_test_add_func ("/branches/accepted", test_accepted);
  g_test_add_func ("/branches/no-bulk-get", test_no_bulk_get);
  g_test_add_func ("/branches/leaf-with-attachment", test_leaf_with_attachment);
  g_test_add_func ("/branches/pouchdb-peer", test_pouchdb_peer);
  g_test_add_func ("/branches/randomized", test_randomized);

  status = g_test_run ();

  fb_test_server_free (server);
  return status;
}
