/* fb-test-peer.c: a device for sync tests: a store in its own folder, a fake network, a sync manager */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-peer"

#include "config.h"

#include "fb-fake-network-monitor.h"
#include "fb-test-dir.h"
#include "fb-test-peer.h"
#include "fb-test-server.h"
#include "fb-test-store.h"
#include "fb-test-wait.h"

static void
run_finished_cb (FbSyncManager *manager,
                 const GError  *error,
                 FbTestPeer    *peer)
{
  peer->n_runs++;
  peer->last_run_at = g_get_real_time ();
}

static void
remote_changes_cb (FbSyncManager  *manager,
                   guint           n_items,
                   guint           n_notes,
                   guint           n_records,
                   FbTestPeer     *peer)
{
  g_assert_cmpuint (n_notes + n_records, <=, n_items);
  peer->n_remote_changes += n_items;
  peer->n_remote_notes += n_notes;
  peer->n_remote_records += n_records;
}

static void
item_rejected_cb (FbSyncManager *manager,
                  const char    *id,
                  const char    *message,
                  FbTestPeer    *peer)
{
  peer->n_rejected++;
}

FbTestPeer *
fb_test_peer_new (const char *url,
                  const char *db,
                  const char *user,
                  const char *password,
                  gboolean    network)
{
  FbTestPeer *peer = g_new0 (FbTestPeer, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  peer->dir = fb_test_make_tmp_dir ();
  path = g_build_filename (peer->dir, "fieldbook.db", NULL);
  peer->store = fb_store_new (path, &error);
  g_assert_no_error (error);
  peer->monitor = fb_fake_network_monitor_new (network);
  peer->manager = fb_sync_manager_new (peer->store, peer->monitor);
  /* Short delays so automatic mode reacts quickly; a long retry base so
   * that only the test decides when a failed run is tried again. */
  fb_sync_manager_set_tuning (peer->manager, 20, 10000, 60000, 0, 0);
  if (url != NULL)
    fb_sync_manager_set_remote (peer->manager, url, db, user, password);

  g_signal_connect (peer->manager, "run-finished", G_CALLBACK (run_finished_cb), peer);
  g_signal_connect (peer->manager, "remote-changes", G_CALLBACK (remote_changes_cb), peer);
  g_signal_connect (peer->manager, "item-rejected", G_CALLBACK (item_rejected_cb), peer);

  return peer;
}

void
fb_test_peer_free (FbTestPeer *peer)
{
  g_signal_handlers_disconnect_by_data (peer->manager, peer);
  g_assert_finalize_object (peer->manager);
  fb_test_drain_main_context ();
  g_assert_finalize_object (peer->store);
  g_object_unref (peer->monitor);
  fb_test_remove_tree (peer->dir);
  g_free (peer->dir);
  g_free (peer);
}

FbSyncStats *
fb_test_peer_sync_full (FbTestPeer  *peer,
                        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fb_sync_manager_sync_async (peer->manager, NULL, fb_test_got_result_cb, &result);
  WAIT_UNTIL (result != NULL, FB_TEST_PEER_DEADLINE_MS);
  return fb_sync_manager_sync_finish (peer->manager, result, error);
}

FbSyncStats *
fb_test_peer_sync (FbTestPeer *peer)
{
  g_autoptr(GError) error = NULL;
  FbSyncStats *stats = fb_test_peer_sync_full (peer, &error);

  g_assert_no_error (error);
  g_assert_nonnull (stats);
  g_assert_null (fb_sync_manager_get_last_error (peer->manager));
  return stats;
}

guint
fb_test_peer_count_items (FbTestPeer *peer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = fb_store_list_items (peer->store, NULL, &error);

  g_assert_no_error (error);
  return items->len;
}

void
fb_test_peer_create_notes (FbTestPeer *peer,
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

void
fb_test_peer_assert_converged (FbTestPeer   *a,
                               FbTestPeer   *b,
                               FbTestServer *server,
                               const char   *db)
{
  g_autoptr(GPtrArray) items_a = fb_store_list_items (a->store, NULL, NULL);
  g_autoptr(GPtrArray) items_b = fb_store_list_items (b->store, NULL, NULL);
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

  info = fb_test_server_request (server, "GET", db, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (info), "doc_count"),
                   ==, items_a->len);
}

char *
fb_test_peer_create_note (FbTestPeer *peer,
                          const char *title,
                          const char *text)
{
  g_autoptr(FbItem) item = fb_test_store_create_note (peer->store, title, text);

  return g_strdup (fb_item_get_id (item));
}

FbItem *
fb_test_peer_get_item (FbTestPeer *peer,
                       const char *id)
{
  g_autoptr(GError) error = NULL;
  FbItem *item = fb_store_get_item (peer->store, id, &error);

  g_assert_no_error (error);
  return item;
}

void
fb_test_peer_edit (FbTestPeer *peer,
                   const char *id,
                   const char *field,
                   const char *value)
{
  g_autoptr(FbItem) item = fb_test_peer_get_item (peer, id);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (item);
  body = fb_body_copy (fb_item_get_body (item));
  json_object_set_string_member (body, field, value);
  fb_store_update_item (peer->store, id, body, &error);
  g_assert_no_error (error);
}

gboolean
fb_test_peer_has_live_item (FbTestPeer *peer,
                            const char *id)
{
  g_autoptr(FbItem) item = fb_store_get_item (peer->store, id, NULL);

  return item != NULL && !fb_item_get_deleted (item);
}
