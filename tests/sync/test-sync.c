/* test-sync.c: two devices and a real server: edits, batches, replays, runs */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-sync"

#include "config.h"

#include <string.h>

#include "fb-couch-client.h"
#include "fb-store.h"
#include "fb-store-private.h"
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

  s1 = fb_test_peer_sync (a);
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

  s2 = fb_test_peer_sync (b);
  g_assert_cmpuint (s2->pulled, ==, 1);
  g_assert_cmpuint (b->n_remote_changes, ==, 1);
  g_assert_cmpuint (b->n_remote_notes, ==, 1);
  g_assert_cmpuint (b->n_remote_records, ==, 0);
  item = fb_test_peer_get_item (b, id);
  g_assert_cmpstr (fb_item_get_title (item), ==, "Shopping");
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_SYNCED);
  g_clear_object (&item);

  fb_test_peer_edit (b, id, "text", "milk\neggs\nbread\n");
  s3 = fb_test_peer_sync (b);
  g_assert_cmpuint (s3->pushed, ==, 1);
  s4 = fb_test_peer_sync (a);
  g_assert_cmpuint (s4->pulled, ==, 1);
  item = fb_test_peer_get_item (a, id);
  g_assert_cmpstr (fb_item_get_text (item), ==, "milk\neggs\nbread\n");
  g_clear_object (&item);

  fb_store_delete_item (a->store, id, &error);
  g_assert_no_error (error);
  s5 = fb_test_peer_sync (a);
  g_assert_cmpuint (s5->pushed, ==, 1);
  g_assert_false (fb_test_peer_has_live_item (a, id));
  s6 = fb_test_peer_sync (b);
  g_assert_cmpuint (s6->pulled, ==, 1);
  g_assert_false (fb_test_peer_has_live_item (b, id));
  g_assert_null (fb_test_server_get_doc (server, "create-edit-delete", id, NULL));

  fb_test_peer_assert_converged (a, b, server, "create-edit-delete");
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

  s1 = fb_test_peer_sync (b);
  g_assert_cmpuint (s1->pushed, ==, 2);
  s2 = fb_test_peer_sync (a);
  g_assert_cmpuint (s2->pulled, ==, 2);

  fb_test_peer_edit (b, kept, "text", "one\nand more\n");
  fb_store_delete_item (b->store, gone, &error);
  g_assert_no_error (error);
  fresh = fb_test_peer_create_note (b, "Fresh", "three\n");
  s3 = fb_test_peer_sync (b);
  g_assert_cmpuint (s3->pushed, ==, 3);

  mine = fb_test_peer_create_note (a, "Mine", "four\n");
  s4 = fb_test_peer_sync (a);
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

  s5 = fb_test_peer_sync (b);
  g_assert_cmpuint (s5->pulled, ==, 1);
  fb_test_peer_assert_converged (a, b, server, "pull-after-push");
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
  s1 = fb_test_peer_sync (a);
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

  s2 = fb_test_peer_sync (b);
  g_assert_cmpuint (s2->pulled, ==, 5);
  fb_test_peer_assert_converged (a, b, server, "push-document-text");
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
  s = fb_test_peer_sync (a);
  g_assert_cmpuint (s->pushed, ==, 60);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (b);
  g_assert_cmpuint (s->pulled, ==, 60);
  g_clear_pointer (&s, fb_sync_stats_free);

  for (guint i = 0; i < ids->len; i += 2)
    {
      fb_test_peer_edit (a, ids->pdata[i], "title", "Edited on A");
      fb_test_peer_edit (b, ids->pdata[i], "text", "line one\nline two\nline three from B\n");
    }
  for (guint i = 1; i < ids->len; i += 4)
    fb_test_peer_edit (b, ids->pdata[i], "title", "Only B");

  s = fb_test_peer_sync (a);
  g_assert_cmpuint (s->pushed, ==, 30);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (b);
  g_assert_cmpuint (s->merged, ==, 30);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_assert_cmpuint (s->pushed, ==, 30 + 15);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (a);
  g_assert_cmpuint (s->pulled, ==, 45);
  g_clear_pointer (&s, fb_sync_stats_free);

  for (guint i = 0; i < ids->len; i += 2)
    {
      g_autoptr(FbItem) item = fb_test_peer_get_item (a, ids->pdata[i]);

      g_assert_cmpstr (fb_item_get_title (item), ==, "Edited on A");
      g_assert_cmpstr (fb_item_get_text (item), ==, "line one\nline two\nline three from B\n");
    }
  fb_test_peer_assert_converged (a, b, server, "small-batches");
}

static void
test_initial_sync_2000 (void)
{
  g_autoptr(Peer) a = peer_new ("initial-2000");
  g_autoptr(Peer) b = peer_new ("initial-2000");
  g_autoptr(FbSyncStats) s = NULL;

  fb_test_peer_create_notes (a, 2000, "From A");
  s = fb_test_peer_sync (a);
  g_assert_cmpuint (s->pushed, ==, 2000);
  g_clear_pointer (&s, fb_sync_stats_free);

  s = fb_test_peer_sync (b);
  g_assert_cmpuint (s->pulled, ==, 2000);
  g_assert_cmpuint (fb_test_peer_count_items (b), ==, 2000);
  g_clear_pointer (&s, fb_sync_stats_free);

  fb_test_peer_create_notes (b, 2000, "From B");
  s = fb_test_peer_sync (b);
  g_assert_cmpuint (s->pushed, ==, 2000);
  g_assert_cmpuint (s->pulled, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);

  s = fb_test_peer_sync (a);
  g_assert_cmpuint (s->pulled, ==, 2000);
  g_assert_cmpuint (s->pushed, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);

  g_assert_cmpuint (fb_test_peer_count_items (a), ==, 4000);
  fb_test_peer_assert_converged (a, b, server, "initial-2000");
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

  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  fb_test_peer_edit (a, id, "text", "y\n");
  fb_store_delete_item (a->store, gone, &error);
  g_assert_no_error (error);
  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);
  s = fb_test_peer_sync (b);
  g_assert_cmpuint (s->pulled, ==, 2);
  g_clear_pointer (&s, fb_sync_stats_free);

  client = fb_couch_client_new (fb_test_server_get_url (server), "replay", ADMIN, PASSWORD, &error);
  g_assert_no_error (error);
  key = fb_couch_client_dup_remote_key (client);
  cp = fb_store_get_checkpoint (b->store, key);
  g_assert_nonnull (cp);
  fb_store_set_checkpoint (b->store, key, "0", &error);
  g_assert_no_error (error);

  s = fb_test_peer_sync (b);
  g_assert_cmpuint (s->pulled, ==, 0);
  g_clear_pointer (&s, fb_sync_stats_free);
  fb_test_peer_assert_converged (a, b, server, "replay");
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
  s = fb_test_peer_sync (a);
  g_clear_pointer (&s, fb_sync_stats_free);

  proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_assert_no_error (error);
  data.proxy = proxy;

  /* Batches of two: the third is the last (nothing pending after it). */
  b = peer_new_full (fb_test_proxy_get_url (proxy), "pull-prefetch", ADMIN, PASSWORD);
  fb_sync_manager_set_tuning (b->manager, 0, 0, 0, 0, 2);
  handler = g_signal_connect (b->store, "item-changed", G_CALLBACK (prefetch_item_changed_cb),
                              &data);
  s = fb_test_peer_sync (b);
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
  g_assert_cmpuint (fb_test_peer_count_items (c), <, 6);

  s = fb_test_peer_sync (c);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (fb_test_peer_count_items (c), ==, 6);
  g_assert_cmpuint (fb_store_get_pending_count (c->store), ==, 0);
  fb_test_peer_assert_converged (a, c, server, "pull-prefetch");
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

  s = fb_test_peer_sync (a);
  g_assert_cmpuint (s->pulled, ==, 1);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (fb_test_peer_count_items (a), ==, 1);
  g_assert_null (fb_store_get_item (a->store, "other-app", NULL));

  item = fb_test_peer_get_item (a, "note-from-web");
  g_assert_cmpstr (json_object_get_string_member (fb_item_get_body (item), "color"), ==, "green");
  g_assert_false (json_object_has_member (fb_item_get_body (item), "type"));
  g_assert_false (json_object_has_member (fb_item_get_body (item), "_rev"));
  g_clear_object (&item);

  fb_test_peer_edit (a, "note-from-web", "title", "Web, edited");
  s = fb_test_peer_sync (a);
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

  s = fb_test_peer_sync (a);
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
  s = fb_test_peer_sync (a);
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
 * its outcome, its stats, its counts of changed items and its
 * item-rejected signal. */
static gboolean
run_once (FbStore            *store,
          const char         *db,
          GPtrArray          *rejected,
          FbSyncStats        *stats,
          FbSyncChanges      *changes,
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
  *changes = *fb_sync_run_get_changes (run);
  return ok;
}

static void
test_run_on_its_own (void)
{
  g_autoptr(Peer) a = peer_new ("run-alone");
  g_autoptr(Peer) b = peer_new ("run-alone");
  g_autoptr(GPtrArray) rejected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autofree char *rev = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *good = NULL;
  FbSyncStats stats = { 0, };
  FbSyncChanges changed = { 0, };

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
  g_assert_cmpuint (changed.n_items, ==, 0);
  g_assert_cmpuint (rejected->len, ==, 2);
  g_assert_cmpstr (rejected->pdata[0], ==, bad);
  g_assert_nonnull (strstr (rejected->pdata[1], "Titles may not say forbidden"));
  doc = fb_test_server_get_doc (server, "run-alone", good, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "fine");

  /* The other device's run pulls it and counts it, a note. */
  g_assert_true (run_once (b->store, "run-alone", rejected, &stats, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, 0);
  g_assert_cmpuint (stats.pulled, ==, 1);
  g_assert_cmpuint (changed.n_items, ==, 1);
  g_assert_cmpuint (changed.n_notes, ==, 1);
  g_assert_cmpuint (changed.n_records, ==, 0);
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
  s = fb_test_peer_sync (a);
  g_assert_cmpuint (s->pushed, ==, 2);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_cmpuint (ao.local_edit, ==, 2);
  g_assert_cmpuint (ao.push, ==, 2);
  g_assert_cmpuint (ao.pull + ao.merge, ==, 0);

  /* Taken on the other device as the server has them. */
  s = fb_test_peer_sync (b);
  g_assert_cmpuint (s->pulled, ==, 2);
  g_clear_pointer (&s, fb_sync_stats_free);
  g_assert_true (fb_test_peer_has_live_item (b, id));
  g_assert_cmpuint (bo.local_edit + bo.push + bo.merge, ==, 0);
  g_assert_cmpuint (bo.pull, ==, 2);

  /* Both change the first note on different lines, the second one on the
   * same line: b pulls a merge and a conflict. */
  fb_test_peer_edit (a, id, "text", "ONE\ntwo\nthree\n");
  fb_test_peer_edit (a, other, "text", "x by a\n");
  s = fb_test_peer_sync (a);
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
  g_test_add_func ("/sync/initial-2000", test_initial_sync_2000);
  g_test_add_func ("/sync/small-batches", test_small_batches);
  g_test_add_func ("/sync/replay", test_replay_is_harmless);
  g_test_add_func ("/sync/foreign-documents", test_foreign_documents);
  g_test_add_func ("/sync/run/on-its-own", test_run_on_its_own);
  g_test_add_func ("/sync/change-origins", test_change_origins);
  g_test_add_func ("/sync/item-rejected", test_item_rejected);
  g_test_add_func ("/sync/queued-and-cancelled", test_queued_and_cancelled_runs);
  g_test_add_func ("/sync/pull-prefetch", test_pull_prefetch);

  status = g_test_run ();

  fb_test_server_free (server);
  return status;
}
