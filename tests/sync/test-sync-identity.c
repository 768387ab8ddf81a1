/* test-sync-identity.c: a server that is new, recreated, restored or switched, and lost answers */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-sync-identity"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "fb-fake-network-monitor.h"
#include "fb-store.h"
#include "fb-sync-error.h"
#include "fb-sync-manager.h"
#include "fb-test-proxy.h"
#include "fb-test-server.h"

#define ADMIN      "admin"
#define PASSWORD   "s3cret"
#define DEADLINE   60000

static FbTestServer *server;   /* shared, in-memory, with an admin */

/* ---- Waiting without sleeping ---- */

static gboolean
deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

#define WAIT_UNTIL(cond, ms)                                            \
  G_STMT_START {                                                        \
    gboolean expired_ = FALSE;                                          \
    guint id_ = g_timeout_add ((ms), deadline_cb, &expired_);           \
    while (!(cond) && !expired_)                                        \
      g_main_context_iteration (NULL, TRUE);                            \
    if (!expired_)                                                      \
      g_source_remove (id_);                                            \
    if (!(cond))                                                        \
      g_error ("Timed out after %u ms waiting for: %s", (guint) (ms), #cond); \
  } G_STMT_END

static void
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* ---- A device: a store in its own directory and a sync manager ---- */

typedef struct {
  char            *dir;
  FbStore         *store;
  GNetworkMonitor *monitor;
  FbSyncManager   *manager;
} Peer;

static Peer *
peer_new_at (const char *url,
             const char *db)
{
  Peer *peer = g_new0 (Peer, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  peer->dir = g_dir_make_tmp ("fb-test-identity-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (peer->dir, "fieldbook.db", NULL);
  peer->store = fb_store_new (path, &error);
  g_assert_no_error (error);
  peer->monitor = fb_fake_network_monitor_new (TRUE);
  peer->manager = fb_sync_manager_new (peer->store, peer->monitor);
  fb_sync_manager_set_tuning (peer->manager, 20, 10000, 60000, 0, 0);
  fb_sync_manager_set_remote (peer->manager, url, db, ADMIN, PASSWORD);

  return peer;
}

G_GNUC_UNUSED static Peer *
peer_new (const char *db)
{
  return peer_new_at (fb_test_server_get_url (server), db);
}

static void
peer_free (Peer *peer)
{
  g_assert_finalize_object (peer->manager);
  drain_main_context ();
  g_assert_finalize_object (peer->store);
  g_object_unref (peer->monitor);
  fb_test_remove_tree (peer->dir);
  g_free (peer->dir);
  g_free (peer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peer, peer_free)

static void
got_result_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static FbSyncStats *
peer_sync_full (Peer    *peer,
                GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fb_sync_manager_sync_async (peer->manager, NULL, got_result_cb, &result);
  WAIT_UNTIL (result != NULL, DEADLINE);
  return fb_sync_manager_sync_finish (peer->manager, result, error);
}

static void
peer_sync (Peer *peer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) stats = peer_sync_full (peer, &error);

  g_assert_no_error (error);
  g_assert_nonnull (stats);
  g_assert_cmpuint (stats->conflicts, ==, 0);
}

static char *
create_note (Peer       *peer,
             const char *title,
             const char *text)
{
  g_autoptr(JsonObject) body = fb_note_body_new (title, text);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = fb_store_create_item (peer->store, FB_COLLECTION_NOTES, body, &error);

  g_assert_no_error (error);
  return g_strdup (fb_item_get_id (item));
}

static FbItem *
get_item (Peer       *peer,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  FbItem *item = fb_store_get_item (peer->store, id, &error);

  g_assert_no_error (error);
  return item;
}

static void
edit_text (Peer       *peer,
           const char *id,
           const char *text)
{
  g_autoptr(FbItem) item = get_item (peer, id);
  g_autoptr(JsonObject) body = fb_body_copy (fb_item_get_body (item));
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (body, "text", text);
  fb_store_update_item (peer->store, id, body, &error);
  g_assert_no_error (error);
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

G_GNUC_UNUSED static void
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

  id = create_note (a, "Walk", "one\ntwo\nthree\n");
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_LOSE_RESPONSE_AFTER_COMMIT, 1, "_bulk_docs");
  s = peer_sync_full (a, &error);
  g_assert_null (s);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), ==, 1);
  text = server_text ("lost-create-then-edit", id);
  g_assert_cmpstr (text, ==, "one\ntwo\nthree\n");

  edit_text (a, id, "one\nTWO\nthree\n");
  s = peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_assert_cmpuint (fb_store_get_conflict_count (a->store), ==, 0);
  g_assert_cmpuint (fb_store_get_pending_count (a->store), ==, 0);

  g_free (text);
  text = server_text ("lost-create-then-edit", id);
  g_assert_cmpstr (text, ==, "one\nTWO\nthree\n");
  item = get_item (a, id);
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

  id = create_note (a, "Walk", "one\ntwo\nthree\n");
  peer_sync (a);

  edit_text (a, id, "ONE\ntwo\nthree\n");
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_LOSE_RESPONSE_AFTER_COMMIT, 1, "_bulk_docs");
  s = peer_sync_full (a, &error);
  g_assert_null (s);
  g_clear_error (&error);

  /* Twice lost: the second push of the same content is refused as a
   * conflict (its parent is stale), and its answer is lost too. */
  edit_text (a, id, "ONE!\ntwo\nthree\n");
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_LOSE_RESPONSE_AFTER_COMMIT, 1, "_bulk_docs");
  s = peer_sync_full (a, &error);
  g_assert_null (s);
  g_clear_error (&error);

  edit_text (a, id, "ONE!!\ntwo\nthree\n");
  s = peer_sync_full (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->conflicts, ==, 0);
  g_assert_cmpuint (fb_store_get_conflict_count (a->store), ==, 0);
  text = server_text ("lost-edit-then-edit", id);
  g_assert_cmpstr (text, ==, "ONE!!\ntwo\nthree\n");
  assert_server_has_all (a, "lost-edit-then-edit");
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

  status = g_test_run ();
  fb_test_server_free (server);
  return status;
}
