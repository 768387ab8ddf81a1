/* test-sync-failures.c: the server or the network failing, and automatic sync around it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-sync-failures"

#include "config.h"

#include "fb-fake-network-monitor.h"
#include "fb-store.h"
#include "fb-sync-error.h"
#include "fb-sync-manager.h"
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

  s = fb_test_peer_sync (b);
  g_assert_cmpuint (s->pulled, ==, 2);
  g_clear_pointer (&s, fb_sync_stats_free);

  /* B's change reaches A through the live feed. */
  id3 = fb_test_peer_create_note (b, "Three", "3\n");
  s = fb_test_peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  WAIT_UNTIL (fb_test_peer_has_live_item (a, id3), DEADLINE);
  WAIT_UNTIL (a->n_remote_changes >= 1, DEADLINE);

  /* A's edit goes out after the debounce, B's live... B is manual. */
  fb_test_peer_edit (a, id2, "text", "2, edited live\n");
  WAIT_UNTIL (fb_sync_manager_get_pending_count (a->manager) == 0, DEADLINE);
  s = fb_test_peer_sync (b);
  g_clear_pointer (&s, fb_sync_stats_free);
  WAIT_UNTIL (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_IDLE, DEADLINE);
  fb_test_peer_assert_converged (a, b, server, "offline-queue");

  /* The network goes away: state OFFLINE, nothing running. */
  fb_fake_network_monitor_set_available (a->monitor, FALSE);
  WAIT_UNTIL (fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_OFFLINE, DEADLINE);
  g_assert_null (fb_sync_manager_get_last_error (a->manager));

  g_signal_handlers_disconnect_by_data (a->manager, states);
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
  fb_test_peer_create_notes (a, 1000, "Offline");
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
  s = fb_test_peer_sync (a);
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

  s = fb_test_peer_sync (a);
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

  g_test_add_func ("/sync/automatic/offline-queue-and-live", test_offline_queue_and_live);
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
