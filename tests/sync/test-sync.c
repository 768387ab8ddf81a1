/* test-sync.c: FbSyncManager against a real PouchDB Server, two stores through one server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-sync"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fb-couch-client.h"
#include "fb-fake-network-monitor.h"
#include "fb-store.h"
#include "fb-store-history.h"
#include "fb-store-private.h"
#include "fb-sync-error.h"
#include "fb-sync-manager.h"
#include "fb-sync-run.h"
#include "fb-test-peer.h"
#include "fb-test-proxy.h"
#include "fb-test-server.h"
#include "fb-test-wait.h"

#define ADMIN      "admin"
#define PASSWORD   "s3cret"
#define DEADLINE   60000

static FbTestServer *server;   /* shared, in-memory, with an admin */

/* ---- A device: the shared FbTestPeer (tests/support/fb-test-peer.c) ---- */

typedef FbTestPeer Peer;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peer, fb_test_peer_free)

static Peer *
peer_new_full (const char *url,
               const char *db,
               const char *user,
               const char *password)
{
  return fb_test_peer_new (url, db, user, password, TRUE);
}

static Peer *
peer_new (const char *db)
{
  return peer_new_full (fb_test_server_get_url (server), db, ADMIN, PASSWORD);
}

static FbSyncStats *
peer_sync (Peer *peer)
{
  g_autoptr(GError) error = NULL;
  FbSyncStats *stats = fb_test_peer_sync_full (peer, &error);

  g_assert_no_error (error);
  g_assert_nonnull (stats);
  g_assert_null (fb_sync_manager_get_last_error (peer->manager));
  return stats;
}

/* ---- Store helpers ---- */

static guint
count_items (Peer *peer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = fb_store_list_items (peer->store, NULL, &error);

  g_assert_no_error (error);
  return items->len;
}

/* Both stores and the server hold the same live items with the same bodies,
 * and nothing is pending or in conflict. */
static void
assert_converged (Peer       *a,
                  Peer       *b,
                  const char *db)
{
  g_autoptr(GPtrArray) items_a = fb_store_list_items (a->store, NULL, NULL);
  g_autoptr(GPtrArray) items_b = fb_store_list_items (b->store, NULL, NULL);
  g_autofree char *path = g_strdup_printf ("%s", db);
  g_autoptr(JsonNode) info = NULL;
  guint status = 0;

  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (b->store), ==, 0);
  g_assert_cmpuint (fb_store_get_conflict_count (a->store), ==, 0);
  g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 0);
  g_assert_cmpuint (items_a->len, ==, items_b->len);

  for (guint i = 0; i < items_a->len; i++)
    {
      FbItem *item = items_a->pdata[i];
      g_autoptr(FbItem) other = fb_test_peer_get_item (b, fb_item_get_id (item));
      g_autoptr(JsonObject) doc = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_false (fb_item_get_deleted (other));
      g_assert_cmpstr (fb_item_get_collection (item), ==, fb_item_get_collection (other));
      g_assert_true (fb_body_equal (fb_item_get_body (item), fb_item_get_body (other)));
      g_assert_cmpstr (fb_item_get_base_rev (item), ==, fb_item_get_base_rev (other));

      doc = fb_test_server_get_doc (server, db, fb_item_get_id (item), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (doc, "_rev"), ==, fb_item_get_base_rev (item));
      g_assert_cmpstr (json_object_get_string_member (doc, "type"), ==, fb_item_get_collection (item));
      g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, fb_item_get_title (item));
    }

  info = fb_test_server_request (server, "GET", path, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (info), "doc_count"),
                   ==, items_a->len);
}

/* ---- Tests ---- */

static void
test_create_edit_delete (void)
{
  g_autoptr(Peer) a = peer_new ("create-edit-delete");
  g_autoptr(Peer) b = peer_new ("create-edit-delete");
  g_autofree char *id = NULL;
  g_autoptr(FbSyncStats) s1 = NULL;
  g_autoptr(FbSyncStats) s2 = NULL;
  g_autoptr(FbSyncStats) s3 = NULL;
  g_autoptr(FbSyncStats) s4 = NULL;
  g_autoptr(FbSyncStats) s5 = NULL;
  g_autoptr(FbSyncStats) s6 = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(GError) error = NULL;

  id = fb_test_peer_create_note (a, "Shopping", "milk\neggs\n");
  g_assert_cmpuint (fb_sync_manager_get_pending_count (a->manager), ==, 1);

  s1 = peer_sync (a);
  g_assert_cmpuint (s1->pushed, ==, 1);
  g_assert_cmpuint (s1->pulled, ==, 0);   /* its own echo is not a change */
  g_assert_cmpuint (fb_sync_manager_get_pending_count (a->manager), ==, 0);
  g_assert_nonnull (fb_sync_manager_get_last_synced (a->manager));
  g_assert_cmpint (fb_sync_manager_get_state (a->manager), ==, FB_SYNC_STATE_IDLE);

  doc = fb_test_server_get_doc (server, "create-edit-delete", id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "type"), ==, "notes");
  g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "Shopping");
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "milk\neggs\n");
  g_assert_true (json_object_has_member (doc, "updated_at"));

  s2 = peer_sync (b);
  g_assert_cmpuint (s2->pulled, ==, 1);
  g_assert_cmpuint (b->n_remote_changes, ==, 1);
  item = fb_test_peer_get_item (b, id);
  g_assert_cmpstr (fb_item_get_title (item), ==, "Shopping");
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  g_clear_object (&item);

  fb_test_peer_edit (b, id, "text", "milk\neggs\nbread\n");
  s3 = peer_sync (b);
  g_assert_cmpuint (s3->pushed, ==, 1);
  s4 = peer_sync (a);
  g_assert_cmpuint (s4->pulled, ==, 1);
  item = fb_test_peer_get_item (a, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "milk\neggs\nbread\n");
  g_clear_object (&item);

  fb_store_delete_item (a->store, id, &error);
  g_assert_no_error (error);
  s5 = peer_sync (a);
  g_assert_cmpuint (s5->pushed, ==, 1);
  g_assert_false (fb_test_peer_has_live_item (a, id));
  s6 = peer_sync (b);
  g_assert_cmpuint (s6->pulled, ==, 1);
  g_assert_false (fb_test_peer_has_live_item (b, id));
  g_assert_null (fb_test_server_get_doc (server, "create-edit-delete", id, NULL));

  assert_converged (a, b, "create-edit-delete");
}

/* Deleted on one device: the tombstone syncs, and both devices keep the
 * item in their Trash with its text. Restored on the other device, it is
 * an edit on top of the tombstone, and it is back everywhere. Deleted for
 * good there, its tombstone still reaches the server. */
static void
test_trash_restore (void)
{
  g_autoptr(Peer) a = peer_new ("trash-restore");
  g_autoptr(Peer) b = peer_new ("trash-restore");
  g_autofree char *id = fb_test_peer_create_note (a, "Nest sites", "oak by the gate\n");
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GPtrArray) trash = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(GError) error = NULL;

  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);

  g_assert_true (fb_store_delete_item (a->store, id, &error));
  s = peer_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_null (fb_test_server_get_doc (server, "trash-restore", id, NULL));
  g_assert_cmpuint (fb_store_get_trash_count (a->store), ==, 1);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);

  /* The pull's deletion lands in B's Trash, text and all. */
  s = peer_sync (b);
  g_assert_cmpuint (s->pulled, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_false (fb_test_peer_has_live_item (b, id));
  trash = fb_store_list_trash (b->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (trash->len, ==, 1);
  g_assert_cmpstr (fb_item_get_id (trash->pdata[0]), ==, id);
  g_assert_cmpstr (fb_item_get_text (trash->pdata[0]), ==, "oak by the gate\n");

  g_assert_true (fb_store_restore_item (b->store, id, &error));
  s = peer_sync (b);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  doc = fb_test_server_get_doc (server, "trash-restore", id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "oak by the gate\n");
  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_true (fb_test_peer_has_live_item (a, id));
  g_assert_cmpuint (fb_store_get_trash_count (a->store), ==, 0);
  assert_converged (a, b, "trash-restore");

  /* Deleted for good before it was pushed: the tombstone still goes. */
  g_assert_true (fb_store_delete_item (b->store, id, &error));
  g_assert_true (fb_store_forget_item (b->store, id, &error));
  g_assert_cmpuint (fb_store_get_trash_count (b->store), ==, 0);
  s = peer_sync (b);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_null (fb_store_get_item (b->store, id, NULL));
  g_assert_null (fb_test_server_get_doc (server, "trash-restore", id, NULL));
  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_false (fb_test_peer_has_live_item (a, id));
  g_assert_cmpuint (fb_store_get_trash_count (a->store), ==, 1);
}

/* A run that pushed pulls without documents (most changes are its own
 * echo) and fetches only the others: B's new, edited and deleted items
 * still arrive whole, and A's echoes are not changes. */
static void
test_pull_after_push (void)
{
  g_autoptr(Peer) a = peer_new ("pull-after-push");
  g_autoptr(Peer) b = peer_new ("pull-after-push");
  g_autofree char *kept = fb_test_peer_create_note (b, "Kept", "one\n");
  g_autofree char *gone = fb_test_peer_create_note (b, "Gone", "two\n");
  g_autofree char *mine = NULL;
  g_autofree char *fresh = NULL;
  g_autoptr(FbSyncStats) s1 = NULL;
  g_autoptr(FbSyncStats) s2 = NULL;
  g_autoptr(FbSyncStats) s3 = NULL;
  g_autoptr(FbSyncStats) s4 = NULL;
  g_autoptr(FbSyncStats) s5 = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;

  s1 = peer_sync (b);
  g_assert_cmpuint (s1->pushed, ==, 2);
  s2 = peer_sync (a);
  g_assert_cmpuint (s2->pulled, ==, 2);

  fb_test_peer_edit (b, kept, "text", "one\nand more\n");
  fb_store_delete_item (b->store, gone, &error);
  g_assert_no_error (error);
  fresh = fb_test_peer_create_note (b, "Fresh", "three\n");
  s3 = peer_sync (b);
  g_assert_cmpuint (s3->pushed, ==, 3);

  mine = fb_test_peer_create_note (a, "Mine", "four\n");
  s4 = peer_sync (a);
  g_assert_cmpuint (s4->pushed, ==, 1);
  g_assert_cmpuint (s4->pulled, ==, 3);
  item = fb_test_peer_get_item (a, kept);
  g_assert_cmpstr (fb_item_get_text (item), ==, "one\nand more\n");
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  g_clear_object (&item);
  item = fb_test_peer_get_item (a, fresh);
  g_assert_cmpstr (fb_item_get_title (item), ==, "Fresh");
  g_assert_cmpstr (fb_item_get_text (item), ==, "three\n");
  g_clear_object (&item);
  g_assert_false (fb_test_peer_has_live_item (a, gone));
  g_assert_true (fb_test_peer_has_live_item (a, mine));

  s5 = peer_sync (b);
  g_assert_cmpuint (s5->pulled, ==, 1);
  assert_converged (a, b, "pull-after-push");
}

/* Documents are written from the stored body text; a body that might hold
 * a key of the envelope ("_id", "type", "updated_at") is rebuilt instead,
 * and what reaches the server is the same either way. */
static void
test_push_document_text (void)
{
  g_autoptr(Peer) a = peer_new ("push-document-text");
  g_autoptr(Peer) b = peer_new ("push-document-text");
  g_autofree char *plain = fb_test_peer_create_note (a, "Plain \"quoted\" \\ é 東京", "line\n\ttab\n");
  g_autofree char *tricky = fb_test_peer_create_note (a, "Tricky", "the word \"type\" and \"_id\" in text");
  /* Control characters, U+001F among them, reach the server as JSON. */
  g_autofree char *control = fb_test_peer_create_note (a, "Control", "unit\x1f" "separator \x01\x7f\r");
  /* The same in a document that is rebuilt (its text names "_id"), and in
   * a body stored with U+001F unescaped (as json-glib 1.6 wrote it). */
  g_autofree char *rebuilt = fb_test_peer_create_note (a, "Rebuilt", "\"_id\" unit\x1f" "separator");
  g_autofree char *raw = fb_test_peer_create_note (a, "Raw", "");
  g_autofree char *raw_body = g_strdup_printf ("UPDATE items SET body = '{\"title\":\"Raw\","
                                               "\"text\":\"unit\x1f" "separator\",\"tags\":[]}' "
                                               "WHERE id = '%s'", raw);
  g_autoptr(FbSyncStats) s1 = NULL;
  g_autoptr(FbSyncStats) s2 = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (sqlite3_exec (_fb_store_get_db (a->store), raw_body, NULL, NULL, NULL), ==,
                   SQLITE_OK);
  s1 = peer_sync (a);
  g_assert_cmpuint (s1->pushed, ==, 5);

  doc = fb_test_server_get_doc (server, "push-document-text", plain, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "_id"), ==, plain);
  g_assert_cmpstr (json_object_get_string_member (doc, "type"), ==, "notes");
  g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "Plain \"quoted\" \\ é 東京");
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "line\n\ttab\n");
  g_assert_true (json_object_has_member (doc, "tags"));
  g_assert_true (json_object_has_member (doc, "updated_at"));
  g_clear_pointer (&doc, json_object_unref);

  doc = fb_test_server_get_doc (server, "push-document-text", tricky, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "type"), ==, "notes");
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==,
                   "the word \"type\" and \"_id\" in text");
  g_clear_pointer (&doc, json_object_unref);

  doc = fb_test_server_get_doc (server, "push-document-text", control, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==,
                   "unit\x1f" "separator \x01\x7f\r");
  g_clear_pointer (&doc, json_object_unref);

  doc = fb_test_server_get_doc (server, "push-document-text", rebuilt, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "\"_id\" unit\x1f" "separator");
  g_clear_pointer (&doc, json_object_unref);

  doc = fb_test_server_get_doc (server, "push-document-text", raw, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "unit\x1f" "separator");

  s2 = peer_sync (b);
  g_assert_cmpuint (s2->pulled, ==, 5);
  assert_converged (a, b, "push-document-text");
}

/* A and B change different things of one item while apart. */
static void
check_clean_merge (const char *db,
                   const char *text,
                   const char *field_a,
                   const char *value_a,
                   const char *field_b,
                   const char *value_b,
                   const char *expected_text)
{
  g_autoptr(Peer) a = peer_new (db);
  g_autoptr(Peer) b = peer_new (db);
  g_autofree char *id = fb_test_peer_create_note (a, "Plan", text);
  g_autoptr(FbSyncStats) sa = NULL;
  g_autoptr(FbSyncStats) sb = NULL;
  g_autoptr(FbItem) item = NULL;

  g_clear_pointer (&sa, fb_sync_stats_free);
  sa = peer_sync (a);
  g_clear_pointer (&sb, fb_sync_stats_free);
  sb = peer_sync (b);

  fb_test_peer_edit (a, id, field_a, value_a);
  fb_test_peer_edit (b, id, field_b, value_b);

  g_clear_pointer (&sa, fb_sync_stats_free);
  sa = peer_sync (a);
  g_assert_cmpuint (sa->pushed, ==, 1);

  /* B's push collides, fetches the server's side and merges. */
  g_clear_pointer (&sb, fb_sync_stats_free);
  sb = peer_sync (b);
  g_assert_cmpuint (sb->merged, ==, 1);
  g_assert_cmpuint (sb->conflicts, ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (b->store), ==, 0);

  g_clear_pointer (&sa, fb_sync_stats_free);
  sa = peer_sync (a);
  g_assert_cmpuint (sa->pulled, ==, 1);

  item = fb_test_peer_get_item (a, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, expected_text);
  assert_converged (a, b, db);
}

static void
test_merge_fields (void)
{
  check_clean_merge ("merge-fields", "one\n",
                     "title", "Plan for Monday",
                     "text", "one\ntwo\n",
                     "one\ntwo\n");
}

static void
test_merge_paragraphs (void)
{
  check_clean_merge ("merge-paragraphs",
                     "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n",
                     "text", "First paragraph, edited on A.\n\nSecond paragraph.\n\nThird paragraph.\n",
                     "text", "First paragraph.\n\nSecond paragraph.\n\nThird paragraph, edited on B.\n",
                     "First paragraph, edited on A.\n\nSecond paragraph.\n\nThird paragraph, edited on B.\n");
}

/* A edits line 1, B line 2 (and B inserts a line right after it): lines
 * next to each other are still different lines, merged without asking. */
static void
test_merge_adjacent_lines (void)
{
  check_clean_merge ("merge-adjacent-lines",
                     "Buy milk\nCall Anna\nWater plants\n",
                     "text", "Buy oat milk\nCall Anna\nWater plants\n",
                     "text", "Buy milk\nCall Anna at 5\nand Ben\nWater plants\n",
                     "Buy oat milk\nCall Anna at 5\nand Ben\nWater plants\n");
}

/* Both sides edit the same line: B's sync finds a conflict, with both
 * versions kept; each resolution converges. */
static void
check_conflict (const char   *db,
                FbResolution  how)
{
  g_autoptr(Peer) a = peer_new (db);
  g_autoptr(Peer) b = peer_new (db);
  g_autofree char *id = fb_test_peer_create_note (a, "Plan", "meet at 10\n");
  g_autofree char *new_id = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;

  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_test_peer_edit (a, id, "text", "meet at 11\n");
  fb_test_peer_edit (b, id, "text", "meet at 12\n");

  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (b);
  g_assert_cmpuint (s->conflicts, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);

  g_assert_cmpuint (fb_sync_manager_get_conflict_count (b->manager), ==, 1);
  conflicts = fb_store_list_conflicts (b->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  item = g_object_ref (conflicts->pdata[0]);
  g_assert_cmpstr (fb_item_get_text (item), ==, "meet at 12\n");
  g_assert_cmpstr (json_object_get_string_member (fb_item_get_server_body (item), "text"),
                   ==, "meet at 11\n");
  g_clear_object (&item);

  /* Syncing again changes nothing: the conflict waits for the person. */
  s = peer_sync (b);
  g_assert_cmpuint (s->pushed, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 1);

  fb_store_resolve_conflict (b->store, id, how, &new_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 0);

  s = peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  item = fb_test_peer_get_item (a, id);
  switch (how)
    {
    case FB_RESOLVE_KEEP_MINE:
      g_assert_cmpstr (fb_item_get_text (item), ==, "meet at 12\n");
      g_assert_cmpuint (count_items (a), ==, 1);
      break;
    case FB_RESOLVE_USE_SERVER:
      g_assert_cmpstr (fb_item_get_text (item), ==, "meet at 11\n");
      g_assert_cmpuint (count_items (a), ==, 1);
      break;
    case FB_RESOLVE_KEEP_BOTH:
      {
        g_autoptr(FbItem) copy = NULL;

        g_assert_cmpstr (fb_item_get_text (item), ==, "meet at 11\n");
        g_assert_nonnull (new_id);
        copy = fb_test_peer_get_item (a, new_id);
        g_assert_cmpstr (fb_item_get_text (copy), ==, "meet at 12\n");
        g_assert_cmpuint (count_items (a), ==, 2);
      }
      break;
    default:
      g_assert_not_reached ();
    }

  assert_converged (a, b, db);
}

static void
test_conflict_keep_mine (void)
{
  check_conflict ("conflict-keep-mine", FB_RESOLVE_KEEP_MINE);
}

static void
test_conflict_use_server (void)
{
  check_conflict ("conflict-use-server", FB_RESOLVE_USE_SERVER);
}

static void
test_conflict_keep_both (void)
{
  check_conflict ("conflict-keep-both", FB_RESOLVE_KEEP_BOTH);
}

/* A conflict found while pulling (B has a pending edit, A's change comes in
 * through _changes before B pushes). */
static void
test_conflict_on_pull (void)
{
  g_autoptr(Peer) a = peer_new ("conflict-on-pull");
  g_autoptr(Peer) b = peer_new ("conflict-on-pull");
  g_autofree char *id = fb_test_peer_create_note (a, "Plan", "meet at 10\n");
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;

  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_test_peer_edit (a, id, "text", "meet at 11\n");
  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  /* B edits while A's change is on the server: the pull of a later run
   * (after a push of something else) or the push finds it. */
  fb_test_peer_edit (b, id, "text", "meet at 12\n");
  s = peer_sync (b);
  g_assert_cmpuint (s->conflicts, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);

  /* A changes the item again: B's kept server side follows. */
  fb_test_peer_edit (a, id, "title", "Plan B");
  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  item = fb_test_peer_get_item (b, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_CONFLICT);
  g_assert_cmpstr (json_object_get_string_member (fb_item_get_server_body (item), "title"),
                   ==, "Plan B");
  g_clear_object (&item);

  fb_store_resolve_conflict (b->store, id, FB_RESOLVE_KEEP_MINE, NULL, &error);
  g_assert_no_error (error);
  s = peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  assert_converged (a, b, "conflict-on-pull");
}

static void
test_delete_versus_edit (void)
{
  g_autoptr(Peer) a = peer_new ("delete-versus-edit");
  g_autoptr(Peer) b = peer_new ("delete-versus-edit");
  g_autofree char *id = fb_test_peer_create_note (a, "Old", "text\n");
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;

  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_store_delete_item (a->store, id, &error);
  g_assert_no_error (error);
  fb_test_peer_edit (b, id, "text", "text, still needed\n");

  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (b);
  g_assert_cmpuint (s->conflicts, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);

  item = fb_test_peer_get_item (b, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_CONFLICT);
  g_assert_true (fb_item_get_server_deleted (item));
  g_clear_object (&item);

  /* Keep mine: the edit comes back to life everywhere. */
  fb_store_resolve_conflict (b->store, id, FB_RESOLVE_KEEP_MINE, NULL, &error);
  g_assert_no_error (error);
  s = peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  item = fb_test_peer_get_item (a, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "text, still needed\n");
  assert_converged (a, b, "delete-versus-edit");
}

/* Delete on one side, nothing on the other: a plain delete, no conflict. */
static void
test_delete_versus_unchanged (void)
{
  g_autoptr(Peer) a = peer_new ("delete-versus-unchanged");
  g_autoptr(Peer) b = peer_new ("delete-versus-unchanged");
  g_autofree char *id = fb_test_peer_create_note (a, "Old", "text\n");
  g_autofree char *other = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(GError) error = NULL;

  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_store_delete_item (a->store, id, &error);
  g_assert_no_error (error);
  other = fb_test_peer_create_note (b, "New", "from b\n");
  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (b);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  g_assert_false (fb_test_peer_has_live_item (b, id));
  g_assert_true (fb_test_peer_has_live_item (a, other));
  assert_converged (a, b, "delete-versus-unchanged");
}

static void
state_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 GPtrArray  *states)
{
  g_ptr_array_add (states, GINT_TO_POINTER (fb_sync_manager_get_state (FB_SYNC_MANAGER (object))));
}

/* Edits made offline queue up and go out by themselves when the network
 * returns; the live feed brings the other side's changes without a click. */
static void
test_offline_queue_and_live (void)
{
  g_autoptr(Peer) a = peer_new ("offline-queue");
  g_autoptr(Peer) b = peer_new ("offline-queue");
  g_autoptr(GPtrArray) states = g_ptr_array_new ();
  g_autofree char *id1 = NULL;
  g_autofree char *id2 = NULL;
  g_autofree char *id3 = NULL;
  g_autoptr(FbSyncStats) s = NULL;

  g_signal_connect (a->manager, "notify::state", G_CALLBACK (state_notify_cb), states);

  fb_fake_network_monitor_set_available (a->monitor, FALSE);
  g_assert_false (fb_sync_manager_get_online (a->manager));
  fb_sync_manager_start (a->manager);
  g_assert_cmpint (fb_sync_manager_get_state (a->manager), ==, FB_SYNC_STATE_OFFLINE);

  id1 = fb_test_peer_create_note (a, "One", "1\n");
  id2 = fb_test_peer_create_note (a, "Two", "2\n");
  fb_test_peer_edit (a, id1, "text", "1, edited offline\n");
  fb_test_drain_main_context ();
  g_assert_cmpuint (fb_sync_manager_get_pending_count (a->manager), ==, 2);
  g_assert_cmpint (fb_sync_manager_get_state (a->manager), ==, FB_SYNC_STATE_OFFLINE);
  g_assert_cmpuint (a->n_runs, ==, 0);

  fb_fake_network_monitor_set_available (a->monitor, TRUE);
  g_assert_true (fb_sync_manager_get_online (a->manager));
  WAIT_UNTIL (fb_sync_manager_get_pending_count (a->manager) == 0 &&
              fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_IDLE, DEADLINE);
  g_assert_true (g_ptr_array_find (states, GINT_TO_POINTER (FB_SYNC_STATE_SYNCING), NULL));
  g_assert_null (fb_sync_manager_get_last_error (a->manager));

  s = peer_sync (b);
  g_assert_cmpuint (s->pulled, ==, 2);
  g_clear_pointer (&s, fb_sync_stats_free);

  /* B's change reaches A through the live feed. */
  id3 = fb_test_peer_create_note (b, "Three", "3\n");
  s = peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  WAIT_UNTIL (fb_test_peer_has_live_item (a, id3), DEADLINE);
  WAIT_UNTIL (a->n_remote_changes >= 1, DEADLINE);

  /* A's edit goes out after the debounce, B's live... B is manual. */
  fb_test_peer_edit (a, id2, "text", "2, edited live\n");
  WAIT_UNTIL (fb_sync_manager_get_pending_count (a->manager) == 0, DEADLINE);
  s = peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  WAIT_UNTIL (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_IDLE, DEADLINE);
  assert_converged (a, b, "offline-queue");

  /* The network goes away: state OFFLINE, nothing running. */
  fb_fake_network_monitor_set_available (a->monitor, FALSE);
  WAIT_UNTIL (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_OFFLINE, DEADLINE);
  g_assert_null (fb_sync_manager_get_last_error (a->manager));

  g_signal_handlers_disconnect_by_data (a->manager, states);
}

static void
create_many (Peer       *peer,
             guint       n,
             const char *prefix)
{
  g_autoptr(GError) error = NULL;

  fb_store_begin (peer->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("%s %u", prefix, i);
      g_autoptr(JsonObject) body = fb_note_body_new (title, "Some text\non two lines\n");
      g_autoptr(FbItem) item = fb_store_create_item (peer->store, FB_COLLECTION_NOTES, body, &error);

      g_assert_no_error (error);
    }
  fb_store_commit (peer->store, &error);
  g_assert_no_error (error);
}

/* Many small batches (several out at once) with collisions spread over
 * them: every item merges, nothing is lost or sent twice. */
static void
test_small_batches (void)
{
  g_autoptr(Peer) a = peer_new ("small-batches");
  g_autoptr(Peer) b = peer_new ("small-batches");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FbSyncStats) s = NULL;

  fb_sync_manager_set_tuning (a->manager, 0, 0, 0, 7, 13);
  fb_sync_manager_set_tuning (b->manager, 0, 0, 0, 7, 13);

  for (guint i = 0; i < 60; i++)
    g_ptr_array_add (ids, fb_test_peer_create_note (a, "Small", "line one\nline two\n"));
  s = peer_sync (a);
  g_assert_cmpuint (s->pushed, ==, 60);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (b);
  g_assert_cmpuint (s->pulled, ==, 60);
  g_clear_pointer (&s, fb_sync_stats_free);

  for (guint i = 0; i < ids->len; i += 2)
    {
      fb_test_peer_edit (a, ids->pdata[i], "title", "Edited on A");
      fb_test_peer_edit (b, ids->pdata[i], "text", "line one\nline two\nline three from B\n");
    }
  for (guint i = 1; i < ids->len; i += 4)
    fb_test_peer_edit (b, ids->pdata[i], "title", "Only B");

  s = peer_sync (a);
  g_assert_cmpuint (s->pushed, ==, 30);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (b);
  g_assert_cmpuint (s->merged, ==, 30);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_assert_cmpuint (s->pushed, ==, 30 + 15);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (a);
  g_assert_cmpuint (s->pulled, ==, 45);
  g_clear_pointer (&s, fb_sync_stats_free);

  for (guint i = 0; i < ids->len; i += 2)
    {
      g_autoptr(FbItem) item = fb_test_peer_get_item (a, ids->pdata[i]);

      g_assert_cmpstr (fb_item_get_title (item), ==, "Edited on A");
      g_assert_cmpstr (fb_item_get_text (item), ==, "line one\nline two\nline three from B\n");
    }
  assert_converged (a, b, "small-batches");
}

static void
test_initial_sync_2000 (void)
{
  g_autoptr(Peer) a = peer_new ("initial-2000");
  g_autoptr(Peer) b = peer_new ("initial-2000");
  g_autoptr(FbSyncStats) s = NULL;

  create_many (a, 2000, "From A");
  s = peer_sync (a);
  g_assert_cmpuint (s->pushed, ==, 2000);
  g_clear_pointer (&s, fb_sync_stats_free);

  s = peer_sync (b);
  g_assert_cmpuint (s->pulled, ==, 2000);
  g_assert_cmpuint (count_items (b), ==, 2000);
  g_clear_pointer (&s, fb_sync_stats_free);

  create_many (b, 2000, "From B");
  s = peer_sync (b);
  g_assert_cmpuint (s->pushed, ==, 2000);
  g_assert_cmpuint (s->pulled, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);

  s = peer_sync (a);
  g_assert_cmpuint (s->pulled, ==, 2000);
  g_assert_cmpuint (s->pushed, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);

  g_assert_cmpuint (count_items (a), ==, 4000);
  assert_converged (a, b, "initial-2000");
}

/* Replaying the feed from the start (a lost checkpoint) changes nothing. */
static void
test_replay_is_harmless (void)
{
  g_autoptr(Peer) a = peer_new ("replay");
  g_autoptr(Peer) b = peer_new ("replay");
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(FbCouchClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = fb_test_peer_create_note (a, "Replay", "x\n");
  g_autofree char *gone = fb_test_peer_create_note (a, "Gone", "x\n");
  g_autofree char *key = NULL;
  g_autofree char *cp = NULL;

  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  fb_test_peer_edit (a, id, "text", "y\n");
  fb_store_delete_item (a->store, gone, &error);
  g_assert_no_error (error);
  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (b);
  g_assert_cmpuint (s->pulled, ==, 2);
  g_clear_pointer (&s, fb_sync_stats_free);

  client = fb_couch_client_new (fb_test_server_get_url (server), "replay", ADMIN, PASSWORD, &error);
  g_assert_no_error (error);
  key = fb_couch_client_dup_remote_key (client);
  cp = fb_store_get_checkpoint (b->store, key);
  g_assert_nonnull (cp);
  fb_store_set_checkpoint (b->store, key, "0", &error);
  g_assert_no_error (error);

  s = peer_sync (b);
  g_assert_cmpuint (s->pulled, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  assert_converged (a, b, "replay");
}


typedef struct {
  Peer       *peer;
  const char *trigger_id;
  const char *edit_id;
  gboolean    done;
} EditDuringPull;

static void
edit_during_pull_cb (FbStore        *store,
                     FbItem         *item,
                     EditDuringPull *data)
{
  if (data->done || g_strcmp0 (fb_item_get_id (item), data->trigger_id) != 0)
    return;
  data->done = TRUE;
  fb_test_peer_edit (data->peer, data->edit_id, "text", "edited on B while pulling\n");
}

/* An edit made while the pull is under way collides with a change that
 * comes later in the same pull: merged, and pushed before the run ends. */
static void
test_merge_while_pulling (void)
{
  g_autoptr(Peer) a = peer_new ("merge-while-pulling");
  g_autoptr(Peer) b = peer_new ("merge-while-pulling");
  g_autofree char *y = fb_test_peer_create_note (a, "Y", "y\n");
  g_autofree char *x = fb_test_peer_create_note (a, "X", "x\n");
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(FbItem) item = NULL;
  EditDuringPull data = { b, y, x, FALSE };
  gulong handler;

  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_test_peer_edit (a, y, "title", "Y on A");
  fb_test_peer_edit (a, x, "title", "X on A");
  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  /* One change per batch: Y's batch is stored before X's arrives. */
  fb_sync_manager_set_tuning (b->manager, 0, 0, 0, 0, 1);
  handler = g_signal_connect (b->store, "item-changed", G_CALLBACK (edit_during_pull_cb), &data);
  s = peer_sync (b);
  g_signal_handler_disconnect (b->store, handler);
  g_assert_true (data.done);
  g_assert_cmpuint (s->pulled, ==, 2);
  g_assert_cmpuint (s->merged, ==, 1);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (fb_store_get_pending_count (b->store), ==, 0);

  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  item = fb_test_peer_get_item (a, x);
  g_assert_cmpstr (fb_item_get_title (item), ==, "X on A");
  g_assert_cmpstr (fb_item_get_text (item), ==, "edited on B while pulling\n");
  assert_converged (a, b, "merge-while-pulling");
}

typedef struct {
  FbTestProxy  *proxy;
  GCancellable *cancellable;  /* cancelled at the item-changed @cancel_at, nullable */
  guint         cancel_at;
  guint         n_changed;
} PrefetchData;

static void
prefetch_item_changed_cb (FbStore      *store,
                          FbItem       *item,
                          PrefetchData *data)
{
  data->n_changed++;
  if (data->cancellable != NULL && data->n_changed == data->cancel_at)
    g_cancellable_cancel (data->cancellable);
}

/* A pull in batches of two whole and cancelled while the second batch is
 * being applied and the next is asked for: what was committed stays, and
 * the next run resumes from the checkpoint with each item once. */
static void
test_pull_prefetch (void)
{
  g_autoptr(Peer) a = peer_new ("pull-prefetch");
  g_autoptr(FbTestProxy) proxy = NULL;
  g_autoptr(Peer) b = NULL;
  g_autoptr(Peer) c = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  PrefetchData data = { NULL, };
  gulong handler;

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *title = g_strdup_printf ("Note %u", i);

      g_free (fb_test_peer_create_note (a, title, "x\n"));
    }
  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_assert_no_error (error);
  data.proxy = proxy;

  /* Batches of two: the third is the last (nothing pending after it). */
  b = peer_new_full (fb_test_proxy_get_url (proxy), "pull-prefetch", ADMIN, PASSWORD);
  fb_sync_manager_set_tuning (b->manager, 0, 0, 0, 0, 2);
  handler = g_signal_connect (b->store, "item-changed", G_CALLBACK (prefetch_item_changed_cb),
                              &data);
  s = peer_sync (b);
  g_signal_handler_disconnect (b->store, handler);
  g_assert_cmpuint (s->pulled, ==, 6);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (data.n_changed, ==, 6);
  /* Cancelled while the second batch is being applied. */
  c = peer_new_full (fb_test_proxy_get_url (proxy), "pull-prefetch", ADMIN, PASSWORD);
  fb_sync_manager_set_tuning (c->manager, 0, 0, 0, 0, 2);
  data = (PrefetchData) { proxy, cancellable, 3, 0 };
  handler = g_signal_connect (c->store, "item-changed", G_CALLBACK (prefetch_item_changed_cb),
                              &data);
  fb_sync_manager_sync_async (c->manager, cancellable, fb_test_got_result_cb, &result);
  WAIT_UNTIL (result != NULL, DEADLINE);
  g_signal_handler_disconnect (c->store, handler);
  s = fb_sync_manager_sync_finish (c->manager, result, &error);
  g_assert_null (s);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  WAIT_UNTIL (fb_sync_manager_get_state (c->manager) == FB_SYNC_STATE_IDLE, DEADLINE);
  g_assert_cmpuint (count_items (c), <, 6);

  s = peer_sync (c);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (count_items (c), ==, 6);
  g_assert_cmpuint (fb_store_get_pending_count (c->store), ==, 0);
  assert_converged (a, c, "pull-prefetch");
}

/* Other programs' documents (another "type", design documents) are left
 * alone; keys Fieldbook does not know are kept, both ways. */
static void
test_foreign_documents (void)
{
  g_autoptr(Peer) a = peer_new ("foreign");
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autofree char *r1 = NULL;
  g_autofree char *r2 = NULL;
  g_autofree char *r3 = NULL;

  fb_test_server_create_db (server, "foreign", &error);
  g_assert_no_error (error);
  r1 = fb_test_server_put_doc (server, "foreign", "other-app",
                               "{\"type\": \"invoice\", \"total\": 12}", &error);
  g_assert_no_error (error);
  r2 = fb_test_server_put_doc (server, "foreign", "_design/views",
                               "{\"views\": {}}", &error);
  g_assert_no_error (error);
  r3 = fb_test_server_put_doc (server, "foreign", "note-from-web",
                               "{\"type\": \"notes\", \"title\": \"Web\", \"text\": \"hi\\n\","
                               " \"tags\": [], \"color\": \"green\", \"updated_at\": 5}", &error);
  g_assert_no_error (error);

  s = peer_sync (a);
  g_assert_cmpuint (s->pulled, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (count_items (a), ==, 1);
  g_assert_null (fb_store_get_item (a->store, "other-app", NULL));

  item = fb_test_peer_get_item (a, "note-from-web");
  g_assert_cmpstr (json_object_get_string_member (fb_item_get_body (item), "color"), ==, "green");
  g_assert_false (json_object_has_member (fb_item_get_body (item), "type"));
  g_assert_false (json_object_has_member (fb_item_get_body (item), "_rev"));
  g_clear_object (&item);

  fb_test_peer_edit (a, "note-from-web", "title", "Web, edited");
  s = peer_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  doc = fb_test_server_get_doc (server, "foreign", "note-from-web", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "color"), ==, "green");
  g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "Web, edited");
  g_assert_cmpstr (json_object_get_string_member (doc, "type"), ==, "notes");
}

/* The server refuses one document (a validate_doc_update function): that
 * item stays pending with its sync error, the rest goes through. */
static void
test_item_rejected (void)
{
  g_autoptr(Peer) a = peer_new ("rejected");
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *good = NULL;

  fb_test_server_create_db (server, "rejected", &error);
  g_assert_no_error (error);
  rev = fb_test_server_put_doc (server, "rejected", "_design/rules",
                                "{\"validate_doc_update\": \"function (doc) {"
                                " if (doc.title === 'forbidden')"
                                " throw ({forbidden: 'Titles may not say forbidden'}); }\"}",
                                &error);
  g_assert_no_error (error);

  bad = fb_test_peer_create_note (a, "forbidden", "x\n");
  good = fb_test_peer_create_note (a, "fine", "x\n");

  s = peer_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (a->n_rejected, ==, 1);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 1);

  item = fb_test_peer_get_item (a, bad);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);
  g_assert_nonnull (fb_item_get_sync_error (item));
  g_assert_nonnull (strstr (fb_item_get_sync_error (item), "Titles may not say forbidden"));
  g_clear_object (&item);

  /* Fixed by the person: it goes out and the error is gone. */
  fb_test_peer_edit (a, bad, "title", "allowed");
  s = peer_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  item = fb_test_peer_get_item (a, bad);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  g_assert_null (fb_item_get_sync_error (item));
  g_assert_cmpuint (a->n_rejected, ==, 1);
}

static void
count_rejected_cb (FbSyncRun  *run,
                   const char *id,
                   const char *message,
                   gpointer    user_data)
{
  GPtrArray *rejected = user_data;

  g_ptr_array_add (rejected, g_strdup (id));
  g_ptr_array_add (rejected, g_strdup (message));
}

/* One run of its own, no manager around it: it says what it did through
 * its outcome, its stats, its changed ids and its item-rejected signal. */
static gboolean
run_once (FbStore            *store,
          const char         *db,
          GPtrArray          *rejected,
          FbSyncStats        *stats,
          GPtrArray         **changed_ids,
          GError            **error)
{
  g_autoptr(FbCouchClient) client = NULL;
  g_autoptr(FbSyncRun) run = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  client = fb_couch_client_new (fb_test_server_get_url (server), db, ADMIN, PASSWORD, error);
  g_assert_nonnull (client);
  run = fb_sync_run_new (store, client, 1000, 1000);
  g_signal_connect (run, "item-rejected", G_CALLBACK (count_rejected_cb), rejected);

  fb_sync_run_execute_async (run, FALSE, NULL, fb_test_got_result_cb, &result);
  WAIT_UNTIL (result != NULL, DEADLINE);
  ok = fb_sync_run_execute_finish (run, result, error);

  g_assert_true (fb_sync_run_get_opened_database (run));
  *stats = *fb_sync_run_get_stats (run);
  *changed_ids = g_ptr_array_ref (fb_sync_run_get_changed_ids (run));
  return ok;
}

static void
test_run_on_its_own (void)
{
  g_autoptr(Peer) a = peer_new ("run-alone");
  g_autoptr(Peer) b = peer_new ("run-alone");
  g_autoptr(GPtrArray) rejected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *good = NULL;
  FbSyncStats stats = { 0, };

  fb_test_server_create_db (server, "run-alone", &error);
  g_assert_no_error (error);
  rev = fb_test_server_put_doc (server, "run-alone", "_design/rules",
                                "{\"validate_doc_update\": \"function (doc) {"
                                " if (doc.title === 'forbidden')"
                                " throw ({forbidden: 'Titles may not say forbidden'}); }\"}",
                                &error);
  g_assert_no_error (error);
  bad = fb_test_peer_create_note (a, "forbidden", "x\n");
  good = fb_test_peer_create_note (a, "fine", "x\n");

  /* Pushes one, the server refuses the other: the run still succeeds. */
  g_assert_true (run_once (a->store, "run-alone", rejected, &stats, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_cmpuint (stats.pulled, ==, 0);
  g_assert_cmpuint (changed->len, ==, 0);
  g_assert_cmpuint (rejected->len, ==, 2);
  g_assert_cmpstr (rejected->pdata[0], ==, bad);
  g_assert_nonnull (strstr (rejected->pdata[1], "Titles may not say forbidden"));
  doc = fb_test_server_get_doc (server, "run-alone", good, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "fine");
  g_clear_pointer (&changed, g_ptr_array_unref);

  /* The other device's run pulls it and names it. */
  g_assert_true (run_once (b->store, "run-alone", rejected, &stats, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, 0);
  g_assert_cmpuint (stats.pulled, ==, 1);
  g_assert_cmpuint (changed->len, ==, 1);
  g_assert_cmpstr (changed->pdata[0], ==, good);
  g_assert_true (fb_test_peer_has_live_item (b, good));
  g_assert_false (fb_test_peer_has_live_item (b, bad));
}

static void
count_change_cb (FbStore *store,
                 FbItem  *item,
                 gpointer user_data)
{
  (*(guint *) user_data)++;
}

typedef struct {
  guint local_edit, push, pull, merge, resolution;
} Origins;

static void
connect_origins (FbStore *store,
                 Origins *origins)
{
  g_signal_connect (store, "item-changed::local-edit", G_CALLBACK (count_change_cb),
                    &origins->local_edit);
  g_signal_connect (store, "item-changed::push", G_CALLBACK (count_change_cb), &origins->push);
  g_signal_connect (store, "item-changed::pull", G_CALLBACK (count_change_cb), &origins->pull);
  g_signal_connect (store, "item-changed::merge", G_CALLBACK (count_change_cb), &origins->merge);
  g_signal_connect (store, "item-changed::resolution", G_CALLBACK (count_change_cb),
                    &origins->resolution);
}

static void
disconnect_origins (FbStore *store,
                    Origins *origins)
{
  g_signal_handlers_disconnect_by_func (store, count_change_cb, &origins->local_edit);
  g_signal_handlers_disconnect_by_func (store, count_change_cb, &origins->push);
  g_signal_handlers_disconnect_by_func (store, count_change_cb, &origins->pull);
  g_signal_handlers_disconnect_by_func (store, count_change_cb, &origins->merge);
  g_signal_handlers_disconnect_by_func (store, count_change_cb, &origins->resolution);
}

/* Each change says where it came from: the person's edit, the server's
 * answer to a push, a pull, a merge (or a conflict) and a resolution. The
 * manager pushes after the person's changes only. */
static void
test_change_origins (void)
{
  g_autoptr(Peer) a = peer_new ("origins");
  g_autoptr(Peer) b = peer_new ("origins");
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *other = NULL;
  Origins ao = { 0, }, bo = { 0, };

  connect_origins (a->store, &ao);
  connect_origins (b->store, &bo);

  id = fb_test_peer_create_note (a, "from a", "one\ntwo\nthree\n");
  other = fb_test_peer_create_note (a, "to collide", "x\n");
  g_assert_cmpuint (ao.local_edit, ==, 2);
  g_assert_cmpuint (ao.push + ao.pull + ao.merge + ao.resolution, ==, 0);

  /* The push's answer (the items now synced). */
  s = peer_sync (a);
  g_assert_cmpuint (s->pushed, ==, 2);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (ao.local_edit, ==, 2);
  g_assert_cmpuint (ao.push, ==, 2);
  g_assert_cmpuint (ao.pull + ao.merge, ==, 0);

  /* Taken on the other device as the server has them. */
  s = peer_sync (b);
  g_assert_cmpuint (s->pulled, ==, 2);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_true (fb_test_peer_has_live_item (b, id));
  g_assert_cmpuint (bo.local_edit + bo.push + bo.merge, ==, 0);
  g_assert_cmpuint (bo.pull, ==, 2);

  /* Both change the first note on different lines, the second one on the
   * same line: b pulls a merge and a conflict. */
  fb_test_peer_edit (a, id, "text", "ONE\ntwo\nthree\n");
  fb_test_peer_edit (a, other, "text", "x by a\n");
  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  fb_test_peer_edit (b, id, "text", "one\ntwo\nTHREE\n");
  fb_test_peer_edit (b, other, "text", "x by b\n");
  bo = (Origins) { 0, };
  s = fb_test_peer_sync_full (b, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->conflicts, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (bo.local_edit + bo.resolution, ==, 0);
  g_assert_cmpuint (bo.merge, >=, 2);

  /* The person keeps b's version: a resolution, which the manager pushes. */
  bo = (Origins) { 0, };
  g_assert_true (fb_store_resolve_conflict (b->store, other, FB_RESOLVE_KEEP_MINE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bo.resolution, ==, 1);
  g_assert_cmpuint (bo.local_edit + bo.push + bo.pull + bo.merge, ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (b->store), >=, 1);

  disconnect_origins (a->store, &ao);
  disconnect_origins (b->store, &bo);
}

static void
count_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GPtrArray *results = user_data;
  g_autoptr(GError) error = NULL;
  FbSyncStats *stats = fb_sync_manager_sync_finish (FB_SYNC_MANAGER (object), result, &error);

  g_assert_no_error (error);
  g_ptr_array_add (results, stats);
}

/* Requests made while a run is going are served by one more run after it;
 * a cancelled request ends with G_IO_ERROR_CANCELLED, not in last-error. */
static void
test_queued_and_cancelled_runs (void)
{
  g_autoptr(Peer) a = peer_new ("queued");
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) fb_sync_stats_free);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = fb_test_peer_create_note (a, "Queued", "x\n");
  FbSyncStats *first;
  FbSyncStats *second;
  FbSyncStats *stats;

  fb_sync_manager_sync_async (a->manager, NULL, count_done_cb, results);
  g_free (fb_test_peer_create_note (a, "Second", "y\n"));
  fb_sync_manager_sync_async (a->manager, NULL, count_done_cb, results);
  fb_sync_manager_sync_async (a->manager, NULL, count_done_cb, results);
  WAIT_UNTIL (results->len == 3, DEADLINE);
  first = results->pdata[0];
  second = results->pdata[1];
  g_assert_cmpuint (first->pushed + second->pushed, ==, 2);
  g_assert_cmpuint (a->n_runs, ==, 2);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);

  fb_test_peer_edit (a, id, "text", "cancelled\n");
  fb_sync_manager_sync_async (a->manager, cancellable, fb_test_got_result_cb, &result);
  g_cancellable_cancel (cancellable);
  WAIT_UNTIL (result != NULL, DEADLINE);
  stats = fb_sync_manager_sync_finish (a->manager, result, &error);
  g_assert_null (stats);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  WAIT_UNTIL (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_IDLE, DEADLINE);
  g_assert_null (fb_sync_manager_get_last_error (a->manager));
}


/* The network goes away in the middle of a big push: the run stops, the
 * state is OFFLINE with no error, the store is consistent; when the network
 * comes back everything goes out by itself. */
static void
test_offline_mid_run (void)
{
  g_autoptr(Peer) a = peer_new ("offline-mid-run");
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) info = NULL;
  guint status = 0;

  fb_sync_manager_set_tuning (a->manager, 0, 0, 0, 100, 0);
  create_many (a, 1000, "Offline");
  fb_sync_manager_start (a->manager);
  /* Let part of it go out, then pull the plug. */
  WAIT_UNTIL (fb_store_get_pending_count (a->store) < 1000, DEADLINE);
  fb_fake_network_monitor_set_available (a->monitor, FALSE);
  WAIT_UNTIL (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_OFFLINE, DEADLINE);
  g_assert_null (fb_sync_manager_get_last_error (a->manager));
  g_assert_cmpint (fb_sync_manager_get_next_retry (a->manager), ==, 0);

  items = fb_store_list_items (a->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1000);
  for (guint i = 0; i < items->len; i++)
    {
      FbItem *item = items->pdata[i];

      g_assert_true (fb_item_get_state (item) == FB_ITEM_STATE_PENDING ||
                     (fb_item_get_state (item) == FB_ITEM_STATE_SYNCED &&
                      fb_item_get_base_rev (item) != NULL));
    }

  fb_fake_network_monitor_set_available (a->monitor, TRUE);
  WAIT_UNTIL (fb_store_get_pending_count (a->store) == 0 &&
              fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_IDLE, DEADLINE);
  info = fb_test_server_request (server, "GET", "offline-mid-run", NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (info), "doc_count"), ==, 1000);
}

/* ---- Failures ---- */

/* The server goes away in the middle of a run: a typed error, a retry
 * scheduled, nothing lost; when it is back, everything goes out. */
static void
test_server_stopped (void)
{
  g_autoptr(FbTestServer) own = NULL;
  g_autoptr(Peer) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  const GError *last;

  own = fb_test_server_start_full (NULL, NULL, TRUE, &error);
  g_assert_no_error (error);
  a = peer_new_full (fb_test_server_get_url (own), "stopped", NULL, NULL);

  fb_sync_manager_start (a->manager);
  WAIT_UNTIL (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_IDLE && a->n_runs == 1,
              DEADLINE);
  g_assert_cmpint (fb_sync_manager_get_last_synced (a->manager) != NULL, ==, TRUE);

  for (guint i = 0; i < 50; i++)
    g_ptr_array_add (ids, fb_test_peer_create_note (a, "Before the outage", "x\n"));

  fb_sync_manager_sync_now (a->manager);
  g_assert_cmpint (fb_sync_manager_get_state (a->manager), ==, FB_SYNC_STATE_SYNCING);
  fb_test_server_stop (own);

  WAIT_UNTIL (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_WAITING_TO_RETRY, DEADLINE);
  last = fb_sync_manager_get_last_error (a->manager);
  g_assert_nonnull (last);
  g_assert_true (last->domain == FB_SYNC_ERROR);
  g_assert_false (fb_sync_error_needs_attention (last));
  g_assert_cmpint (fb_sync_manager_get_next_retry (a->manager), >, g_get_real_time ());
  g_assert_cmpuint (fb_sync_manager_get_pending_count (a->manager), ==, 50);

  fb_test_server_restart (own, &error);
  g_assert_no_error (error);
  fb_sync_manager_sync_now (a->manager);
  WAIT_UNTIL (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_IDLE &&
              fb_sync_manager_get_pending_count (a->manager) == 0, DEADLINE);
  g_assert_null (fb_sync_manager_get_last_error (a->manager));
  g_assert_cmpint (fb_sync_manager_get_next_retry (a->manager), ==, 0);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(JsonObject) doc = fb_test_server_get_doc (own, "stopped", ids->pdata[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "Before the outage");
    }
}

/* Wrong credentials: NEEDS_ATTENTION, no retry scheduled, local edits do
 * not start runs; new credentials bring it back. */
static void
test_wrong_password (void)
{
  g_autoptr(Peer) a = peer_new_full (fb_test_server_get_url (server), "wrong-password",
                                     ADMIN, "not the password");
  g_autofree char *id = NULL;
  const GError *last;

  fb_sync_manager_start (a->manager);
  WAIT_UNTIL (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_NEEDS_ATTENTION, DEADLINE);
  last = fb_sync_manager_get_last_error (a->manager);
  g_assert_error (last, FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED);
  g_assert_cmpint (fb_sync_manager_get_next_retry (a->manager), ==, 0);
  g_assert_cmpuint (a->n_runs, ==, 1);

  /* A local edit, a network change: still no run. */
  id = fb_test_peer_create_note (a, "Waiting", "x\n");
  fb_fake_network_monitor_set_available (a->monitor, FALSE);
  fb_fake_network_monitor_set_available (a->monitor, TRUE);
  fb_test_drain_main_context ();
  g_assert_cmpint (fb_sync_manager_get_state (a->manager), ==, FB_SYNC_STATE_NEEDS_ATTENTION);
  g_assert_cmpint (fb_sync_manager_get_next_retry (a->manager), ==, 0);
  g_assert_cmpuint (a->n_runs, ==, 1);

  fb_sync_manager_set_remote (a->manager, fb_test_server_get_url (server), "wrong-password",
                              ADMIN, PASSWORD);
  g_assert_null (fb_sync_manager_get_last_error (a->manager));
  WAIT_UNTIL (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_IDLE &&
              fb_sync_manager_get_pending_count (a->manager) == 0, DEADLINE);
  g_assert_cmpuint (a->n_runs, >=, 2);
  g_assert_true (server != NULL && fb_test_server_is_running (server));
}

/* The server commits a push but the answer is lost: an error now, and the
 * next run heals it without a conflict (same content on both sides). */
static void
test_lost_response (void)
{
  g_autoptr(FbTestProxy) proxy = NULL;
  g_autoptr(Peer) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) s = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *id = NULL;
  g_autofree char *id2 = NULL;

  proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_assert_no_error (error);
  a = peer_new_full (fb_test_proxy_get_url (proxy), "lost-response", ADMIN, PASSWORD);

  /* One item the server has seen before, one it has not. */
  id = fb_test_peer_create_note (a, "Sent once", "x\n");
  s = peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  fb_test_peer_edit (a, id, "text", "y\n");
  id2 = fb_test_peer_create_note (a, "New", "z\n");

  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_LOSE_RESPONSE_AFTER_COMMIT, 1, "_bulk_docs");
  s = fb_test_peer_sync_full (a, &error);
  g_assert_null (s);
  g_assert_true (error != NULL && error->domain == FB_SYNC_ERROR);
  g_assert_false (fb_sync_error_needs_attention (error));
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), ==, 1);
  g_clear_error (&error);
  g_assert_nonnull (fb_sync_manager_get_last_error (a->manager));
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 2);

  doc = fb_test_server_get_doc (server, "lost-response", id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "y\n");

  s = peer_sync (a);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_assert_cmpuint (s->merged, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);
  g_assert_cmpuint (fb_store_get_conflict_count (a->store), ==, 0);

  item = fb_test_peer_get_item (a, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  g_assert_cmpstr (fb_item_get_base_rev (item), ==, json_object_get_string_member (doc, "_rev"));
  g_clear_object (&item);
  item = fb_test_peer_get_item (a, id2);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
}

/* A bad answer from the server: a typed last-error and a retry no sooner
 * than the server asked for. */
static void
check_fault (FbTestProxyMode  mode,
             const char      *path_match,
             guint            retry_after,
             FbSyncError      expected)
{
  g_autoptr(FbTestProxy) proxy = NULL;
  g_autoptr(Peer) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_strdup_printf ("fault-%d", (int) mode);
  const GError *last;
  gint64 before;

  proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_assert_no_error (error);
  a = peer_new_full (fb_test_proxy_get_url (proxy), db, ADMIN, PASSWORD);
  /* A short base delay, so that only Retry-After can make it long. */
  fb_sync_manager_set_tuning (a->manager, 0, 0, 100, 0, 0);
  g_free (fb_test_peer_create_note (a, "Fault", "x\n"));

  fb_test_proxy_set_retry_after (proxy, retry_after);
  fb_test_proxy_set_mode (proxy, mode, 1, path_match);
  before = g_get_real_time ();
  fb_sync_manager_start (a->manager);
  WAIT_UNTIL (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_WAITING_TO_RETRY, DEADLINE);

  last = fb_sync_manager_get_last_error (a->manager);
  g_assert_error (last, FB_SYNC_ERROR, (gint) expected);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), ==, 1);
  if (retry_after > 0)
    g_assert_cmpint (fb_sync_manager_get_next_retry (a->manager), >=,
                     before + (gint64) retry_after * G_USEC_PER_SEC);
  else
    g_assert_cmpint (fb_sync_manager_get_next_retry (a->manager), >, before);

  /* The explicit request does not wait for the timer. */
  fb_sync_manager_sync_now (a->manager);
  WAIT_UNTIL (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_IDLE &&
              fb_sync_manager_get_pending_count (a->manager) == 0, DEADLINE);
  g_assert_null (fb_sync_manager_get_last_error (a->manager));
  g_assert_cmpint (fb_sync_manager_get_next_retry (a->manager), ==, 0);
}

static void
test_fault_html (void)
{
  check_fault (FB_TEST_PROXY_HTML, "_changes", 0, FB_SYNC_ERROR_BAD_RESPONSE);
}

static void
test_fault_truncated (void)
{
  check_fault (FB_TEST_PROXY_TRUNCATED, "_changes", 0, FB_SYNC_ERROR_BAD_RESPONSE);
}

static void
test_fault_too_many_requests (void)
{
  check_fault (FB_TEST_PROXY_TOO_MANY_REQUESTS, "_bulk_docs", 30, FB_SYNC_ERROR_TOO_MANY_REQUESTS);
}

static void
test_fault_server_error (void)
{
  check_fault (FB_TEST_PROXY_SERVER_ERROR, "_bulk_docs", 0, FB_SYNC_ERROR_SERVER);
}

/* Backoff grows while failures go on, and is capped. */
static void
test_backoff_grows (void)
{
  g_autoptr(FbTestProxy) proxy = NULL;
  g_autoptr(Peer) a = NULL;
  g_autoptr(GError) error = NULL;
  gint64 previous = 0;

  proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_assert_no_error (error);
  a = peer_new_full (fb_test_proxy_get_url (proxy), "backoff", ADMIN, PASSWORD);
  fb_sync_manager_set_tuning (a->manager, 0, 0, 1000, 0, 0);
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_DOWN, 0, NULL);
  fb_sync_manager_start (a->manager);

  for (guint i = 1; i <= 4; i++)
    {
      gint64 delay;

      WAIT_UNTIL (a->n_runs == i, DEADLINE);
      g_assert_cmpint (fb_sync_manager_get_state (a->manager), ==, FB_SYNC_STATE_WAITING_TO_RETRY);
      /* Measured from when the run ended, where the retry was scheduled. */
      delay = fb_sync_manager_get_next_retry (a->manager) - a->last_run_at;
      /* base × 2^(i-1), ±25 % */
      g_assert_cmpint (delay, <=, (gint64) (1000 << (i - 1)) * 1250);
      g_assert_cmpint (delay, >=, (gint64) (1000 << (i - 1)) * 750 - 20000);
      if (i > 2)
        g_assert_cmpint (delay, >, previous);
      previous = delay;
      /* Do not wait for the timer: ask now (the failure count goes on). */
      fb_sync_manager_sync_now (a->manager);
    }

  g_assert_nonnull (fb_sync_manager_get_last_error (a->manager));
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_PASS, 0, NULL);
  fb_sync_manager_sync_now (a->manager);
  WAIT_UNTIL (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_IDLE, DEADLINE);
}

/* A new remote while a run is going: the run is dropped, not reported as
 * an error, and a clean run against the new remote follows. */
static void
test_set_remote_restarts (void)
{
  g_autoptr(Peer) a = peer_new ("restart-one");
  g_autofree char *id = fb_test_peer_create_note (a, "Moved", "x\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;

  fb_sync_manager_start (a->manager);
  WAIT_UNTIL (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_SYNCING, DEADLINE);
  fb_sync_manager_set_remote (a->manager, fb_test_server_get_url (server), "restart-two",
                              ADMIN, PASSWORD);
  WAIT_UNTIL (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_IDLE &&
              fb_sync_manager_get_pending_count (a->manager) == 0, DEADLINE);
  g_assert_null (fb_sync_manager_get_last_error (a->manager));

  doc = fb_test_server_get_doc (server, "restart-two", id, &error);
  g_assert_no_error (error);

  /* A URL that cannot work asks the person; no URL is "not configured". */
  fb_sync_manager_set_remote (a->manager, "ftp://example.org/", "restart-two", NULL, NULL);
  g_assert_cmpint (fb_sync_manager_get_state (a->manager), ==, FB_SYNC_STATE_NEEDS_ATTENTION);
  g_assert_error (fb_sync_manager_get_last_error (a->manager), FB_SYNC_ERROR, FB_SYNC_ERROR_INVALID_URL);
  fb_sync_manager_set_remote (a->manager, NULL, NULL, NULL, NULL);
  g_assert_cmpint (fb_sync_manager_get_state (a->manager), ==, FB_SYNC_STATE_NOT_CONFIGURED);
  g_assert_null (fb_sync_manager_get_last_error (a->manager));
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

  g_test_add_func ("/sync/create-edit-delete", test_create_edit_delete);
  g_test_add_func ("/sync/pull-after-push", test_pull_after_push);
  g_test_add_func ("/sync/push-document-text", test_push_document_text);
  g_test_add_func ("/sync/merge/fields", test_merge_fields);
  g_test_add_func ("/sync/merge/paragraphs", test_merge_paragraphs);
  g_test_add_func ("/sync/merge/adjacent-lines", test_merge_adjacent_lines);
  g_test_add_func ("/sync/conflict/keep-mine", test_conflict_keep_mine);
  g_test_add_func ("/sync/conflict/use-server", test_conflict_use_server);
  g_test_add_func ("/sync/conflict/keep-both", test_conflict_keep_both);
  g_test_add_func ("/sync/conflict/server-side-follows", test_conflict_on_pull);
  g_test_add_func ("/sync/delete/versus-edit", test_delete_versus_edit);
  g_test_add_func ("/sync/delete/versus-unchanged", test_delete_versus_unchanged);
  g_test_add_func ("/sync/trash/restore", test_trash_restore);
  g_test_add_func ("/sync/automatic/offline-queue-and-live", test_offline_queue_and_live);
  g_test_add_func ("/sync/initial-2000", test_initial_sync_2000);
  g_test_add_func ("/sync/small-batches", test_small_batches);
  g_test_add_func ("/sync/replay", test_replay_is_harmless);
  g_test_add_func ("/sync/merge/while-pulling", test_merge_while_pulling);
  g_test_add_func ("/sync/foreign-documents", test_foreign_documents);
  g_test_add_func ("/sync/run/on-its-own", test_run_on_its_own);
  g_test_add_func ("/sync/change-origins", test_change_origins);
  g_test_add_func ("/sync/item-rejected", test_item_rejected);
  g_test_add_func ("/sync/queued-and-cancelled", test_queued_and_cancelled_runs);
  g_test_add_func ("/sync/pull-prefetch", test_pull_prefetch);
  g_test_add_func ("/sync/failure/server-stopped", test_server_stopped);
  g_test_add_func ("/sync/failure/wrong-password", test_wrong_password);
  g_test_add_func ("/sync/failure/lost-response", test_lost_response);
  g_test_add_func ("/sync/failure/html", test_fault_html);
  g_test_add_func ("/sync/failure/truncated", test_fault_truncated);
  g_test_add_func ("/sync/failure/too-many-requests", test_fault_too_many_requests);
  g_test_add_func ("/sync/failure/server-error", test_fault_server_error);
  g_test_add_func ("/sync/failure/backoff", test_backoff_grows);
  g_test_add_func ("/sync/automatic/set-remote-restarts", test_set_remote_restarts);
  g_test_add_func ("/sync/automatic/offline-mid-run", test_offline_mid_run);

  status = g_test_run ();

  fb_test_server_free (server);
  return status;
}
