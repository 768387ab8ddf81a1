/* test-sync-read-only.c: a store on a full disk syncs nothing until it can be written again */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-sync-read-only"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fb-fake-network-monitor.h"
#include "fb-store.h"
#include "fb-sync-error.h"
#include "fb-sync-manager.h"
#include "fb-test-disk.h"
#include "fb-test-server.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"
#define DB       "read-only-sync"

static FbTestServer *server;

typedef struct {
  GAsyncResult *result;
  gboolean      done;
} Waiter;

static void
sync_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  waiter->done = TRUE;
}

static FbSyncStats *
sync_once (FbSyncManager  *manager,
           GError        **error)
{
  Waiter waiter = { NULL, FALSE };
  FbSyncStats *stats;

  fb_sync_manager_sync_async (manager, NULL, sync_cb, &waiter);
  fb_test_wait_for_flag (&waiter.done, 60000);
  stats = fb_sync_manager_sync_finish (manager, waiter.result, error);
  g_object_unref (waiter.result);

  return stats;
}

static void
test_full_disk (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *disk = fb_test_disk_new (2 * 1024 * 1024);
  g_autofree char *path = NULL;
  g_autofree char *filler = NULL;
  g_autofree char *id = NULL;
  g_autoptr(JsonObject) body = fb_note_body_new ("Groceries", "milk");
  g_autoptr(FbItem) item = NULL;
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(GNetworkMonitor) monitor = NULL;
  FbSyncManager *manager;
  FbStore *store;

  if (disk == NULL)
    return;
  path = g_build_filename (disk, "fieldbook.db", NULL);

  store = fb_store_new (path, &error);
  g_assert_no_error (error);
  item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, &error);
  g_assert_no_error (error);
  id = g_strdup (fb_item_get_id (item));
  g_assert_finalize_object (store);
  filler = fb_test_disk_fill (disk);

  store = fb_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_true (fb_store_get_read_only (store));

  monitor = G_NETWORK_MONITOR (fb_fake_network_monitor_new (TRUE));
  manager = fb_sync_manager_new (store, monitor);
  fb_sync_manager_set_remote (manager, fb_test_server_get_url (server), DB, ADMIN, PASSWORD);
  fb_sync_manager_start (manager);
  g_assert_cmpint (fb_sync_manager_get_state (manager), ==, FB_SYNC_STATE_NEEDS_ATTENTION);
  g_assert_cmpuint (fb_sync_manager_get_pending_count (manager), ==, 1);

  /* A run asked for: refused in words, before anything is sent. */
  stats = sync_once (manager, &error);
  g_assert_null (stats);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_STORE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "The disk is full"));
  g_clear_error (&error);
  doc = fb_test_server_get_doc (server, DB, id, &error);
  g_assert_null (doc);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Space again: the same manager syncs (reopening starts a run by itself;
   * this one ends after it). */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  g_assert_true (fb_store_reopen_writable (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fb_sync_manager_get_state (manager), !=, FB_SYNC_STATE_NEEDS_ATTENTION);
  g_clear_pointer (&stats, fb_sync_stats_free);
  stats = sync_once (manager, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stats);
  doc = fb_test_server_get_doc (server, DB, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (doc, "title"), ==, "Groceries");
  g_assert_cmpuint (fb_store_get_pending_count (store), ==, 0);

  g_assert_finalize_object (manager);
  g_assert_finalize_object (store);
  fb_test_remove_database (path);
  fb_test_disk_free (g_steal_pointer (&disk));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* Before anything could start a thread. */
  fb_test_disk_init ();
  g_test_init (&argc, &argv, NULL);

  server = fb_test_server_start (ADMIN, PASSWORD, &error);
  g_assert_no_error (error);

  g_test_add_func ("/sync-read-only/full-disk", test_full_disk);

  status = g_test_run ();
  fb_test_server_free (server);
  return status;
}
