/* test-sync-conflicts.c: two devices editing the same items: merges, conflicts, deletes */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-sync-conflicts"

#include "config.h"

#include <string.h>

#include "fb-store.h"
#include "fb-store-history.h"
#include "fb-sync-manager.h"
#include "fb-test-peer.h"
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

/* ---- Tests ---- */
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

  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);

  g_assert_true (fb_store_delete_item (a->store, id, &error));
  s = fb_test_peer_sync (a);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_null (fb_test_server_get_doc (server, "trash-restore", id, NULL));
  g_assert_cmpuint (fb_store_get_trash_count (a->store), ==, 1);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);

  /* The pull's deletion lands in B's Trash, text and all. */
  s = fb_test_peer_sync (b);
  g_assert_cmpuint (s->pulled, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_false (fb_test_peer_has_live_item (b, id));
  trash = fb_store_list_trash (b->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (trash->len, ==, 1);
  g_assert_cmpstr (fb_item_get_id (trash->pdata[0]), ==, id);
  g_assert_cmpstr (fb_item_get_text (trash->pdata[0]), ==, "oak by the gate\n");

  g_assert_true (fb_store_restore_item (b->store, id, &error));
  s = fb_test_peer_sync (b);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  doc = fb_test_server_get_doc (server, "trash-restore", id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "text"), ==, "oak by the gate\n");
  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_true (fb_test_peer_has_live_item (a, id));
  g_assert_cmpuint (fb_store_get_trash_count (a->store), ==, 0);
  fb_test_peer_assert_converged (a, b, server, "trash-restore");

  /* Deleted for good before it was pushed: the tombstone still goes. */
  g_assert_true (fb_store_delete_item (b->store, id, &error));
  g_assert_true (fb_store_forget_item (b->store, id, &error));
  g_assert_cmpuint (fb_store_get_trash_count (b->store), ==, 0);
  s = fb_test_peer_sync (b);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_null (fb_store_get_item (b->store, id, NULL));
  g_assert_null (fb_test_server_get_doc (server, "trash-restore", id, NULL));
  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_false (fb_test_peer_has_live_item (a, id));
  g_assert_cmpuint (fb_store_get_trash_count (a->store), ==, 1);
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
  sa = fb_test_peer_sync (a);
  g_clear_pointer (&sb, fb_sync_stats_free);
  sb = fb_test_peer_sync (b);

  fb_test_peer_edit (a, id, field_a, value_a);
  fb_test_peer_edit (b, id, field_b, value_b);

  g_clear_pointer (&sa, fb_sync_stats_free);
  sa = fb_test_peer_sync (a);
  g_assert_cmpuint (sa->pushed, ==, 1);

  /* B's push collides, fetches the server's side and merges. */
  g_clear_pointer (&sb, fb_sync_stats_free);
  sb = fb_test_peer_sync (b);
  g_assert_cmpuint (sb->merged, ==, 1);
  g_assert_cmpuint (sb->conflicts, ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (b->store), ==, 0);

  g_clear_pointer (&sa, fb_sync_stats_free);
  sa = fb_test_peer_sync (a);
  g_assert_cmpuint (sa->pulled, ==, 1);

  item = fb_test_peer_get_item (a, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, expected_text);
  fb_test_peer_assert_converged (a, b, server, db);
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

  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_test_peer_edit (a, id, "text", "meet at 11\n");
  fb_test_peer_edit (b, id, "text", "meet at 12\n");

  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (b);
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
  s = fb_test_peer_sync (b);
  g_assert_cmpuint (s->pushed, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 1);

  fb_store_resolve_conflict (b->store, id, how, &new_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 0);

  s = fb_test_peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  item = fb_test_peer_get_item (a, id);
  switch (how)
    {
    case FB_RESOLVE_KEEP_MINE:
      g_assert_cmpstr (fb_item_get_text (item), ==, "meet at 12\n");
      g_assert_cmpuint (fb_test_peer_count_items (a), ==, 1);
      break;
    case FB_RESOLVE_USE_SERVER:
      g_assert_cmpstr (fb_item_get_text (item), ==, "meet at 11\n");
      g_assert_cmpuint (fb_test_peer_count_items (a), ==, 1);
      break;
    case FB_RESOLVE_KEEP_BOTH:
      {
        g_autoptr(FbItem) copy = NULL;

        g_assert_cmpstr (fb_item_get_text (item), ==, "meet at 11\n");
        g_assert_nonnull (new_id);
        copy = fb_test_peer_get_item (a, new_id);
        g_assert_cmpstr (fb_item_get_text (copy), ==, "meet at 12\n");
        g_assert_cmpuint (fb_test_peer_count_items (a), ==, 2);
      }
      break;
    default:
      g_assert_not_reached ();
    }

  fb_test_peer_assert_converged (a, b, server, db);
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

  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_test_peer_edit (a, id, "text", "meet at 11\n");
  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  /* B edits while A's change is on the server: the pull of a later run
   * (after a push of something else) or the push finds it. */
  fb_test_peer_edit (b, id, "text", "meet at 12\n");
  s = fb_test_peer_sync (b);
  g_assert_cmpuint (s->conflicts, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);

  /* A changes the item again: B's kept server side follows. */
  fb_test_peer_edit (a, id, "title", "Plan B");
  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  item = fb_test_peer_get_item (b, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_CONFLICT);
  g_assert_cmpstr (json_object_get_string_member (fb_item_get_server_body (item), "title"),
                   ==, "Plan B");
  g_clear_object (&item);

  fb_store_resolve_conflict (b->store, id, FB_RESOLVE_KEEP_MINE, NULL, &error);
  g_assert_no_error (error);
  s = fb_test_peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  fb_test_peer_assert_converged (a, b, server, "conflict-on-pull");
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

  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_store_delete_item (a->store, id, &error);
  g_assert_no_error (error);
  fb_test_peer_edit (b, id, "text", "text, still needed\n");

  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (b);
  g_assert_cmpuint (s->conflicts, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);

  item = fb_test_peer_get_item (b, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_CONFLICT);
  g_assert_true (fb_item_get_server_deleted (item));
  g_clear_object (&item);

  /* Keep mine: the edit comes back to life everywhere. */
  fb_store_resolve_conflict (b->store, id, FB_RESOLVE_KEEP_MINE, NULL, &error);
  g_assert_no_error (error);
  s = fb_test_peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  item = fb_test_peer_get_item (a, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "text, still needed\n");
  fb_test_peer_assert_converged (a, b, server, "delete-versus-edit");
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

  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_store_delete_item (a->store, id, &error);
  g_assert_no_error (error);
  other = fb_test_peer_create_note (b, "New", "from b\n");
  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (b);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  g_assert_false (fb_test_peer_has_live_item (b, id));
  g_assert_true (fb_test_peer_has_live_item (a, other));
  fb_test_peer_assert_converged (a, b, server, "delete-versus-unchanged");
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

  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_test_peer_edit (a, y, "title", "Y on A");
  fb_test_peer_edit (a, x, "title", "X on A");
  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  /* One change per batch: Y's batch is stored before X's arrives. */
  fb_sync_manager_set_tuning (b->manager, 0, 0, 0, 0, 1);
  handler = g_signal_connect (b->store, "item-changed", G_CALLBACK (edit_during_pull_cb), &data);
  s = fb_test_peer_sync (b);
  g_signal_handler_disconnect (b->store, handler);
  g_assert_true (data.done);
  g_assert_cmpuint (s->pulled, ==, 2);
  g_assert_cmpuint (s->merged, ==, 1);
  g_assert_cmpuint (s->pushed, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (fb_store_get_pending_count (b->store), ==, 0);

  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  item = fb_test_peer_get_item (a, x);
  g_assert_cmpstr (fb_item_get_title (item), ==, "X on A");
  g_assert_cmpstr (fb_item_get_text (item), ==, "edited on B while pulling\n");
  fb_test_peer_assert_converged (a, b, server, "merge-while-pulling");
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
  g_test_add_func ("/sync/merge/while-pulling", test_merge_while_pulling);

  status = g_test_run ();

  fb_test_server_free (server);
  return status;
}
