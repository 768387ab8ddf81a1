/* test-attachment-download.c: attachments coming down, streamed to disk, against PouchDB Server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-attachment-download"

#include "config.h"

#include <fcntl.h>
#include <glib-unix.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "fb-attachments.h"
#include "fb-crypto.h"
#include "fb-fake-network-monitor.h"
#include "fb-item-body.h"
#include "fb-store.h"
#include "fb-sync-error.h"
#include "fb-sync-manager.h"
#include "fb-test-dir.h"
#include "fb-test-peer.h"
#include "fb-test-program.h"
#include "fb-test-proxy.h"
#include "fb-test-pty.h"
#include "fb-test-server.h"
#include "fb-test-store.h"
#include "fb-test-transfers.h"
#include "fb-test-wait.h"

/* Issue 12, points 3 and 4, the download side: the body of an attachment
 * goes to the store's temporary file as it arrives
 * (_fb_couch_client_fetch_attachment_async (), FbAttachmentWrite), sealed
 * data is opened chunk by chunk (FbAttachmentOpener), progress is told
 * through "transfer-progress", and a body cut off, damaged or killed half
 * way leaves nothing referenced and the attachment still missing. */

#define ADMIN      "admin"
#define PASSWORD   "s3cret"
#define PASSPHRASE "correct horse battery staple"

static FbTestServer *server;

typedef struct
{
  FbTestPeer *peer;
  GPtrArray  *rejected;  /* item-rejected messages */
  GPtrArray  *reports;   /* FbTestTransfer (fb-test-transfers.c) */
} Device;

static void
item_rejected_cb (FbSyncManager *manager,
                  const char    *id,
                  const char    *message,
                  Device        *device)
{
  g_ptr_array_add (device->rejected, g_strdup (message));
}

static void
device_free (Device *device)
{
  g_signal_handlers_disconnect_by_data (device->peer->manager, device);
  fb_test_peer_free (device->peer);
  g_ptr_array_unref (device->rejected);
  g_ptr_array_unref (device->reports);
  g_free (device);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Device, device_free)

/* A device syncing with @url (NULL: the server itself). */
static Device *
device_new (const char *url,
            const char *db,
            const char *passphrase)
{
  Device *device = g_new0 (Device, 1);

  device->peer = fb_test_peer_new (url != NULL ? url : fb_test_server_get_url (server), db,
                                   ADMIN, PASSWORD, TRUE);
  device->rejected = g_ptr_array_new_with_free_func (g_free);
  if (passphrase != NULL)
    fb_sync_manager_set_passphrase (device->peer->manager, passphrase);
  g_signal_connect (device->peer->manager, "item-rejected", G_CALLBACK (item_rejected_cb), device);
  device->reports = fb_test_transfers_record (device->peer->manager);
  return device;
}

static void
device_sync (Device *device)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) stats = fb_test_peer_sync_full (device->peer, &error);

  g_assert_no_error (error);
}

/* Bytes no codec would leave alone, different for each @seed. */
static GBytes *
file_bytes (gsize size,
            guint seed)
{
  guchar *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guchar) ((i * 7 + i / 256 + seed * 31) & 0xff);
  return g_bytes_new_take (data, size);
}

/* A new note on @device with @bytes attached as @name; returns its id. */
static char *
note_with_file (Device     *device,
                const char *name,
                GBytes     *bytes)
{
  g_autofree char *id = fb_test_peer_create_note (device->peer, name, "");
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbAttachment) attachment = NULL;

  attachment = fb_store_add_attachment (device->peer->store, id, name, NULL, in, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&id);
}

/* The files in @store's attachment folder, temporary ones included. */
static guint
count_files (FbStore *store)
{
  g_autofree char *path = fb_store_dup_attachments_dir (store);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static gboolean
is_missing (FbStore    *store,
            const char *id,
            const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) missing = fb_store_list_missing_attachments (store, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < missing->len; i++)
    {
      FbAttachment *attachment = missing->pdata[i];

      if (g_strcmp0 (attachment->item_id, id) == 0 && g_strcmp0 (attachment->name, name) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Whether the person was told about @name: the message names it and
 * says what went wrong in words. */
static gboolean
rejected_with (Device     *device,
               const char *name,
               const char *words)
{
  for (guint i = 0; i < device->rejected->len; i++)
    {
      const char *message = device->rejected->pdata[i];

      g_test_message ("told: %s", message);
      if (strstr (message, name) != NULL && strstr (message, words) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* ---- Streamed, with progress ---- */

/* The reports of the one file that came down: from 0 in steps to its
 * size, told as it came (not only once at the end), then that nothing is
 * in flight, and nothing after. */
static void
assert_one_download (GPtrArray  *reports,
                     const char *id,
                     const char *name,
                     guint64     size)
{
  guint end;

  g_assert_cmpuint (fb_test_transfers_assert_one (reports, 0, id, name, FB_TRANSFER_DOWN, size, &end),
                    >, 2);
  g_assert_cmpuint (end, ==, reports->len - 1);
}

/* A file of 1 MiB and a few bytes (not a whole number of pieces) comes
 * down to a second device: the same bytes, one file in the folder, and
 * its progress told on the way. */
static void
test_progress (void)
{
  const char *db = "download-progress";
  g_autoptr(Device) a = device_new (NULL, db, NULL);
  g_autoptr(Device) b = device_new (NULL, db, NULL);
  g_autoptr(GBytes) bytes = file_bytes (1024 * 1024 + 37, 1);
  g_autofree char *id = note_with_file (a, "survey.tif", bytes);
  g_autoptr(GBytes) got = NULL;

  device_sync (a);
  g_assert_cmpuint (a->reports->len, >, 0);
  device_sync (b);

  got = fb_test_store_attachment_bytes (b->peer->store, id, "survey.tif");
  g_assert_nonnull (got);
  g_assert_true (g_bytes_equal (got, bytes));
  g_assert_cmpuint (count_files (b->peer->store), ==, 1);
  g_assert_cmpuint (b->rejected->len, ==, 0);
  assert_one_download (b->reports, id, "survey.tif", g_bytes_get_size (bytes));
}

/* The same through a file opened now (the window's tile): progress too. */
static void
test_progress_when_opened (void)
{
  const char *db = "download-progress-opened";
  g_autoptr(Device) a = device_new (NULL, db, NULL);
  g_autoptr(Device) b = device_new (NULL, db, NULL);
  g_autoptr(GBytes) bytes = file_bytes (2 * 1024 * 1024, 2);
  g_autofree char *id = note_with_file (a, "map.pdf", bytes);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) got = NULL;

  device_sync (a);
  /* Over 1 MB on a metered network: it waits for the person. */
  fb_fake_network_monitor_set_metered (b->peer->monitor, TRUE);
  device_sync (b);
  g_assert_true (is_missing (b->peer->store, id, "map.pdf"));
  g_assert_cmpuint (b->reports->len, ==, 0);

  fb_sync_manager_fetch_attachment_async (b->peer->manager, id, "map.pdf", NULL,
                                          fb_test_got_result_cb, &result);
  WAIT_UNTIL (result != NULL, FB_TEST_PEER_DEADLINE_MS);
  g_assert_true (fb_sync_manager_fetch_attachment_finish (b->peer->manager, result, &error));
  g_assert_no_error (error);
  got = fb_test_store_attachment_bytes (b->peer->store, id, "map.pdf");
  g_assert_true (g_bytes_equal (got, bytes));
  assert_one_download (b->reports, id, "map.pdf", g_bytes_get_size (bytes));
}

/* ---- Cut off, damaged ---- */

/* The server's answer for one file stops half way: the person hears it
 * in words, nothing of it is kept (no file, no temporary one), it is still
 * missing, and the other file of the same sync still comes. The next sync
 * gets it whole. */
static void
test_cut_off (void)
{
  const char *db = "download-cut-off";
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(Device) a = device_new (NULL, db, NULL);
  g_autoptr(Device) b = NULL;
  g_autoptr(GBytes) first = file_bytes (600 * 1024, 3);
  g_autoptr(GBytes) second = file_bytes (300 * 1024, 4);
  g_autofree char *cut_id = note_with_file (a, "cut.tif", first);
  g_autofree char *other_id = note_with_file (a, "whole.tif", second);
  g_autoptr(GBytes) got = NULL;

  g_assert_no_error (error);
  device_sync (a);

  b = device_new (fb_test_proxy_get_url (proxy), db, NULL);
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_TRUNCATED, 1, "/cut.tif");
  device_sync (b);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), ==, 1);

  g_assert_true (rejected_with (b, "cut.tif", "arrived incomplete (307.2"));
  g_assert_true (rejected_with (b, "cut.tif", "nothing of it was kept, and the next sync tries again"));
  g_assert_true (is_missing (b->peer->store, cut_id, "cut.tif"));
  g_assert_null (fb_test_store_attachment_bytes (b->peer->store, cut_id, "cut.tif"));
  got = fb_test_store_attachment_bytes (b->peer->store, other_id, "whole.tif");
  g_assert_true (g_bytes_equal (got, second));
  g_assert_cmpuint (count_files (b->peer->store), ==, 1);

  device_sync (b);
  g_clear_pointer (&got, g_bytes_unref);
  got = fb_test_store_attachment_bytes (b->peer->store, cut_id, "cut.tif");
  g_assert_true (g_bytes_equal (got, first));
  g_assert_false (is_missing (b->peer->store, cut_id, "cut.tif"));
  g_assert_cmpuint (count_files (b->peer->store), ==, 2);
}

/* The server answers something else (an HTML page) for the file: it is
 * refused, in words, and leaves no file behind. */
static void
test_garbage (void)
{
  const char *db = "download-garbage";
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(Device) a = device_new (NULL, db, NULL);
  g_autoptr(Device) b = NULL;
  g_autoptr(GBytes) bytes = file_bytes (400 * 1024, 5);
  g_autofree char *id = note_with_file (a, "nest.jpg", bytes);

  g_assert_no_error (error);
  device_sync (a);

  b = device_new (fb_test_proxy_get_url (proxy), db, NULL);
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_HTML, 1, "/nest.jpg");
  device_sync (b);
  g_assert_cmpuint (fb_test_proxy_get_fault_count (proxy), ==, 1);

  g_assert_true (rejected_with (b, "nest.jpg", "nothing of it was kept, and the next sync tries again"));
  g_assert_true (is_missing (b->peer->store, id, "nest.jpg"));
  g_assert_cmpuint (count_files (b->peer->store), ==, 0);
}

/* The bytes in the temporary files of the attachment folder @path (a
 * download on its way). */
static guint64
temporary_bytes_in (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint64 n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      GStatBuf st;

      if (g_str_has_prefix (name, ".tmp-") && g_stat (file, &st) == 0)
        n += (guint64) st.st_size;
    }
  return n;
}

static guint64
temporary_bytes (FbStore *store)
{
  g_autofree char *path = fb_store_dup_attachments_dir (store);

  return temporary_bytes_in (path);
}

/* The connection goes away while half of a file has come (and is on
 * disk already): the person hears that it was cut off, nothing of it is
 * kept, and the next sync gets it. */
static void
test_connection_cut (void)
{
  const char *db = "download-connection-cut";
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(Device) a = device_new (NULL, db, NULL);
  g_autoptr(Device) b = NULL;
  g_autoptr(GBytes) bytes = file_bytes (3 * 1024 * 1024, 9);
  g_autofree char *id = note_with_file (a, "reed-bed.tif", bytes);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(GBytes) got = NULL;

  g_assert_no_error (error);
  device_sync (a);

  b = device_new (fb_test_proxy_get_url (proxy), db, NULL);
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_HOLD_RESPONSE, 1, "/reed-bed.tif");
  fb_sync_manager_sync_async (b->peer->manager, NULL, fb_test_got_result_cb, &result);
  /* Streamed: what came is in the temporary file before the end. */
  WAIT_UNTIL (fb_test_proxy_get_hold_count (proxy) == 1 &&
              temporary_bytes (b->peer->store) >= 1024 * 1024, FB_TEST_PEER_DEADLINE_MS);
  g_assert_null (result);
  fb_test_proxy_drop_held (proxy);
  WAIT_UNTIL (result != NULL, FB_TEST_PEER_DEADLINE_MS);
  stats = fb_sync_manager_sync_finish (b->peer->manager, result, &error);
  g_assert_no_error (error);

  g_assert_true (rejected_with (b, "reed-bed.tif", "was cut off after"));
  g_assert_true (rejected_with (b, "reed-bed.tif", "nothing of it was kept, and the next sync tries again"));
  g_assert_true (is_missing (b->peer->store, id, "reed-bed.tif"));
  g_assert_cmpuint (count_files (b->peer->store), ==, 0);

  device_sync (b);
  got = fb_test_store_attachment_bytes (b->peer->store, id, "reed-bed.tif");
  g_assert_nonnull (got);
  g_assert_true (g_bytes_equal (got, bytes));
}

/* ---- Killed mid-download ---- */

static FbStore *
open_home_store (const char *home)
{
  g_autofree char *path = g_build_filename (home, "fieldbook", "fieldbook.db", NULL);
  g_autoptr(GError) error = NULL;
  FbStore *store = fb_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

/* SQLite's own check of the database file under @home. */
static void
assert_integrity (const char *home)
{
  g_autofree char *path = g_build_filename (home, "fieldbook", "fieldbook.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* The real program, `fieldbook --sync`, killed with SIGKILL while a large
 * file is half received (the proxy holds the rest, and half of it is on
 * disk in the temporary file): the store is consistent (no file named
 * for it, still missing, SQLite's check passes), the next run completes
 * with the right bytes, and the collector removes what the kill left. */
static void
test_killed_mid_download (void)
{
  const char *db = "download-killed";
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(Device) a = device_new (NULL, db, NULL);
  g_autoptr(GBytes) bytes = file_bytes (4 * 1024 * 1024, 10);
  g_autofree char *id = note_with_file (a, "plot.tif", bytes);
  g_autofree char *home = g_dir_make_tmp ("fb-test-download-XXXXXX", NULL);
  g_autofree char *folder = g_build_filename (home, "fieldbook", "fieldbook.db.attachments", NULL);
  g_autofree char *sha256 = NULL;
  FbTestFieldbook *child;
  int status = -1;

  g_assert_no_error (error);
  device_sync (a);
  {
    g_autoptr(FbAttachment) sent = fb_store_get_attachment (a->peer->store, id, "plot.tif", &error);

    g_assert_no_error (error);
    sha256 = g_strdup (sent->sha256);
  }

  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_HOLD_RESPONSE, 1, "/plot.tif");
  child = fb_test_fieldbook_sync_start (fb_test_proxy_get_url (proxy), home, db, ADMIN, PASSWORD, -1);
  WAIT_UNTIL (fb_test_fieldbook_has_ended (child) ||
              (fb_test_proxy_get_hold_count (proxy) == 1 && temporary_bytes_in (folder) >= 1024 * 1024),
              FB_TEST_PEER_DEADLINE_MS);
  g_assert_false (fb_test_fieldbook_has_ended (child));
  fb_test_fieldbook_kill (child);
  g_assert_true (fb_test_fieldbook_wait (child, &status));

  assert_integrity (home);
  {
    g_autoptr(FbStore) store = open_home_store (home);
    g_autoptr(FbAttachment) got = fb_store_get_attachment (store, id, "plot.tif", &error);
    g_autoptr(GFile) file = NULL;

    g_assert_no_error (error);
    g_assert_null (got->sha256);
    g_assert_true (is_missing (store, id, "plot.tif"));
    file = fb_store_get_attachment_file (store, got->digest, &error);
    g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
    /* Only the temporary file the kill left, which nothing names. */
    g_assert_cmpuint (count_files (store), ==, 1);
    g_assert_cmpuint (temporary_bytes (store), >=, 1024 * 1024);
  }

  g_assert_false (fb_test_run_fieldbook_sync (server, home, db, ADMIN, PASSWORD, 0, &status));
  g_assert_cmpint (status, ==, 0);
  assert_integrity (home);
  {
    g_autoptr(FbStore) store = open_home_store (home);
    g_autoptr(FbAttachment) got = fb_store_get_attachment (store, id, "plot.tif", &error);
    g_autoptr(GBytes) got_bytes = NULL;
    guint n_removed = 0;

    g_assert_no_error (error);
    g_assert_cmpstr (got->sha256, ==, sha256);
    got_bytes = fb_test_store_attachment_bytes (store, id, "plot.tif");
    g_assert_true (g_bytes_equal (got_bytes, bytes));
    g_assert_false (is_missing (store, id, "plot.tif"));

    g_assert_true (fb_store_collect_attachments (store, 0, &n_removed, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n_removed, ==, 1);
    g_assert_cmpuint (count_files (store), ==, 1);
    g_assert_cmpuint (temporary_bytes (store), ==, 0);
  }

  fb_test_remove_tree (home);
}

/* ---- In conflict ---- */

/* A note with a 2 MB file from device A that B has listed but not
 * downloaded (metered); then A removes the file and retitles the note
 * while B retitles it too, and B syncs: the note is in conflict on B, and
 * B's version still names the file, whose data only A's first revision on
 * the server holds. Returns the note's id; *@bytes the file. */
static char *
conflict_over_file_not_here (Device   *a,
                             Device   *b,
                             gboolean  metered,
                             GBytes  **bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbSyncStats) stats = NULL;
  g_autofree char *id = NULL;

  *bytes = file_bytes (2 * 1024 * 1024, 12);
  id = note_with_file (a, "map.pdf", *bytes);
  device_sync (a);
  fb_fake_network_monitor_set_metered (b->peer->monitor, TRUE);
  device_sync (b);
  g_assert_true (is_missing (b->peer->store, id, "map.pdf"));

  fb_store_remove_attachment (a->peer->store, id, "map.pdf", &error);
  g_assert_no_error (error);
  fb_test_peer_edit (a->peer, id, "title", "Map (A)");
  device_sync (a);

  fb_test_peer_edit (b->peer, id, "title", "Map (B)");
  fb_fake_network_monitor_set_metered (b->peer->monitor, metered);
  stats = fb_test_peer_sync_full (b->peer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->conflicts, ==, 1);
  return g_steal_pointer (&id);
}

/* B's version keeps its file through "Keep both": the sync that found the
 * conflict downloads the data B's version names (from the revision it was
 * made on, which the server's newest no longer lists), so the copy has it
 * and uploads it. Nothing B's person saw is lost. */
static void
test_conflict_keep_both (void)
{
  const char *db = "download-conflict-keep-both";
  g_autoptr(Device) a = device_new (NULL, db, NULL);
  g_autoptr(Device) b = device_new (NULL, db, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) doc = NULL;
  g_autoptr(FbItem) copy = NULL;
  g_autoptr(FbAttachment) attachment = NULL;
  g_autofree char *id = conflict_over_file_not_here (a, b, FALSE, &bytes);
  g_autofree char *copy_id = NULL;

  got = fb_test_store_attachment_bytes (b->peer->store, id, "map.pdf");
  g_assert_nonnull (got);
  g_assert_true (g_bytes_equal (got, bytes));
  g_assert_cmpuint (b->rejected->len, ==, 0);

  fb_store_resolve_conflict (b->peer->store, id, FB_RESOLVE_KEEP_BOTH, &copy_id, &error);
  g_assert_no_error (error);
  device_sync (b);
  copy = fb_test_peer_get_item (b->peer, copy_id);
  g_assert_null (fb_item_get_sync_error (copy));
  g_assert_cmpint (fb_item_get_state (copy), ==, FB_ITEM_STATE_SYNCED);

  device_sync (a);
  g_clear_pointer (&got, g_bytes_unref);
  got = fb_test_store_attachment_bytes (a->peer->store, copy_id, "map.pdf");
  g_assert_nonnull (got);
  g_assert_true (g_bytes_equal (got, bytes));
  doc = fb_test_server_doc (server, db, id);
  g_assert_null (fb_test_doc_attachment_digest (doc, "map.pdf"));
}

/* The same while the network is metered (the sync left the file on the
 * server): "Keep both" would make a copy without it, so it is refused in
 * words that name it, and the conflict stays. Opened in B's version, the
 * file comes from the revision B's version was made on, not the server's
 * newest, which has no such file; then "Keep both" goes, with it. */
static void
test_conflict_opened (void)
{
  const char *db = "download-conflict-opened";
  g_autoptr(Device) a = device_new (NULL, db, NULL);
  g_autoptr(Device) b = device_new (NULL, db, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *id = conflict_over_file_not_here (a, b, TRUE, &bytes);
  g_autofree char *copy_id = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) copy = NULL;

  g_assert_true (is_missing (b->peer->store, id, "map.pdf"));
  g_assert_false (fb_store_resolve_conflict (b->peer->store, id, FB_RESOLVE_KEEP_BOTH, &copy_id, &error));
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_HERE);
  g_assert_nonnull (strstr (error->message, "“map.pdf” is not on this device yet"));
  g_assert_null (copy_id);
  g_clear_error (&error);
  item = fb_test_peer_get_item (b->peer, id);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_CONFLICT);
  g_assert_cmpuint (fb_test_peer_count_items (b->peer), ==, 1);

  fb_sync_manager_fetch_attachment_async (b->peer->manager, id, "map.pdf", NULL,
                                          fb_test_got_result_cb, &result);
  WAIT_UNTIL (result != NULL, FB_TEST_PEER_DEADLINE_MS);
  fb_sync_manager_fetch_attachment_finish (b->peer->manager, result, &error);
  g_assert_no_error (error);
  got = fb_test_store_attachment_bytes (b->peer->store, id, "map.pdf");
  g_assert_nonnull (got);
  g_assert_true (g_bytes_equal (got, bytes));

  fb_store_resolve_conflict (b->peer->store, id, FB_RESOLVE_KEEP_BOTH, &copy_id, &error);
  g_assert_no_error (error);
  device_sync (b);
  copy = fb_test_server_doc (server, db, copy_id);
  g_assert_nonnull (fb_test_doc_attachment_digest (copy, "map.pdf"));
}

/* ---- On the command line ---- */

/* `fieldbook --sync` whose download of one file is cut off says so for
 * that file on stderr and exits with 6 (FB_CLI_EXIT_NOT_DOWNLOADED); the
 * next run gets it and exits with 0. */
static void
test_cli_not_downloaded (void)
{
  const char *db = "download-cli";
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  g_autoptr(Device) a = device_new (NULL, db, NULL);
  g_autoptr(GBytes) bytes = file_bytes (600 * 1024, 11);
  g_autofree char *id = note_with_file (a, "cut.tif", bytes);
  g_autofree char *home = g_dir_make_tmp ("fb-test-download-cli-XXXXXX", NULL);
  g_autofree char *log_path = g_build_filename (home, "stderr.txt", NULL);
  g_autofree char *logged = NULL;
  g_autofree char *expected = NULL;
  FbTestFieldbook *child;
  int status = -1;
  int log_fd;

  g_assert_no_error (error);
  device_sync (a);

  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_TRUNCATED, 1, "/cut.tif");
  log_fd = open (log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (log_fd, >=, 0);
  child = fb_test_fieldbook_sync_start (fb_test_proxy_get_url (proxy), home, db, ADMIN, PASSWORD, log_fd);
  close (log_fd);
  g_assert_false (fb_test_fieldbook_wait (child, &status));
  g_assert_cmpint (status, ==, 6);
  g_file_get_contents (log_path, &logged, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%s", logged);
  expected = g_strdup_printf ("1 file could not be downloaded:\n  %s: ", id);
  g_assert_nonnull (strstr (logged, expected));
  g_assert_nonnull (strstr (logged, "cut.tif\u201d arrived incomplete (307.2\u00a0kB of 614.4\u00a0kB); nothing of it was kept, and the next sync tries again\n"));

  g_assert_false (fb_test_run_fieldbook_sync (server, home, db, ADMIN, PASSWORD, 0, &status));
  g_assert_cmpint (status, ==, 0);
  {
    g_autoptr(FbStore) store = open_home_store (home);
    g_autoptr(GBytes) got = fb_test_store_attachment_bytes (store, id, "cut.tif");

    g_assert_nonnull (got);
    g_assert_true (g_bytes_equal (got, bytes));
  }

  fb_test_remove_tree (home);
}

/* `fieldbook --sync` with its stderr on a terminal (a pseudo-terminal
 * here) shows the file coming down, rewritten in place, from nothing to
 * all of it. */
static void
test_cli_terminal (void)
{
  const char *db = "download-terminal";
  g_autoptr(Device) a = device_new (NULL, db, NULL);
  g_autoptr(GBytes) bytes = file_bytes (600 * 1024, 12);
  g_autofree char *id = note_with_file (a, "heron.jpg", bytes);
  g_autofree char *home = g_dir_make_tmp ("fb-test-download-pty-XXXXXX", NULL);
  g_autofree char *shown = NULL;
  FbTestPty *pty;
  FbTestFieldbook *child;
  int slave;
  int status = -1;

  device_sync (a);

  pty = fb_test_pty_new (&slave);

  child = fb_test_fieldbook_sync_start (fb_test_server_get_url (server), home, db, ADMIN, PASSWORD, slave);
  close (slave);
  g_assert_false (fb_test_fieldbook_wait (child, &status));
  g_assert_cmpint (status, ==, 0);
  shown = fb_test_pty_finish (pty);

  g_test_message ("%s", shown);
  /* g_format_size () puts a no-break space before a unit (not "bytes"). */
  g_assert_nonnull (strstr (shown, "\rReceiving heron.jpg: 0 bytes of 614.4\u00a0kB\033[K"));
  g_assert_nonnull (strstr (shown, "\rReceiving heron.jpg: 614.4\u00a0kB of 614.4\u00a0kB\033[K\r\n"));
  {
    g_autoptr(FbStore) store = open_home_store (home);
    g_autoptr(GBytes) got = fb_test_store_attachment_bytes (store, id, "heron.jpg");

    g_assert_true (g_bytes_equal (got, bytes));
  }
  fb_test_remove_tree (home);
}

/* ---- Sealed data, chunk by chunk ---- */

/* Sealed bytes fed to the opener in pieces of any size give the plain
 * bytes back, for a file of a whole number of chunks too; cut off at a
 * chunk's end or inside one, with a byte more, or changed, they are
 * refused. */
static void
test_opener_pieces (void)
{
  FbDataKey *key = fb_data_key_new_random ();
  gsize sizes[] = { 0, 1, 65536, 2 * 65536, 2 * 65536 + 1, 300 * 1024 + 5 };
  gsize pieces[] = { 1, 17, 1000, 65553, 200000 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autoptr(GBytes) plain = file_bytes (sizes[s], 6);
      g_autoptr(GBytes) sealed = fb_data_key_seal_bytes (key, "doc", "file.bin", plain);
      gsize len;
      const guchar *data = g_bytes_get_data (sealed, &len);

      for (guint p = 0; p < G_N_ELEMENTS (pieces); p++)
        {
          g_autoptr(FbAttachmentOpener) opener = fb_data_key_begin_open (key, "doc", "file.bin");
          g_autoptr(GByteArray) out = g_byte_array_new ();
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) opened = NULL;

          for (gsize at = 0; at < len; at += pieces[p])
            {
              g_assert_true (fb_attachment_opener_add (opener, data + at, MIN (pieces[p], len - at),
                                                       out, &error));
              g_assert_no_error (error);
              /* Never more than a chunk behind. */
              g_assert_cmpuint (MIN (at + pieces[p], len) - out->len, <=, 24 + 2 * (65536 + 17));
            }
          g_assert_true (fb_attachment_opener_end (opener, out, &error));
          g_assert_no_error (error);
          opened = g_bytes_new (out->data, out->len);
          g_assert_true (g_bytes_equal (opened, plain));
        }

      /* Cut off: at a chunk's end (the final one missing), inside one. */
      for (gsize cut = 1; cut < len; cut += cut < 64 ? 23 : 65536 + 17)
        {
          g_autoptr(FbAttachmentOpener) opener = fb_data_key_begin_open (key, "doc", "file.bin");
          g_autoptr(GByteArray) out = g_byte_array_new ();
          g_autoptr(GError) error = NULL;

          if (fb_attachment_opener_add (opener, data, cut, out, &error))
            fb_attachment_opener_end (opener, out, &error);
          g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE);
        }

      /* A byte more after the final chunk, or one changed. */
      {
        g_autoptr(FbAttachmentOpener) longer = fb_data_key_begin_open (key, "doc", "file.bin");
        g_autoptr(FbAttachmentOpener) changed = fb_data_key_begin_open (key, "doc", "file.bin");
        g_autoptr(GByteArray) out = g_byte_array_new ();
        g_autofree guchar *copy = g_memdup2 (data, len);
        g_autoptr(GError) error = NULL;

        if (fb_attachment_opener_add (longer, data, len, out, &error) &&
            fb_attachment_opener_add (longer, (const guchar *) "x", 1, out, &error))
          fb_attachment_opener_end (longer, out, &error);
        g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE);
        g_clear_error (&error);

        copy[len - 1] ^= 1;
        g_byte_array_set_size (out, 0);
        if (fb_attachment_opener_add (changed, copy, len, out, &error))
          fb_attachment_opener_end (changed, out, &error);
        g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNDECRYPTABLE);
      }
    }

  fb_data_key_unref (key);
}

/* On an encrypted database, files of a whole number of sealed chunks and
 * of a few bytes more come down opened, with the bytes sent. */
static void
test_encrypted (void)
{
  const char *db = "download-encrypted";
  g_autoptr(Device) a = device_new (NULL, db, PASSPHRASE);
  g_autoptr(Device) b = NULL;
  g_autoptr(GBytes) whole = file_bytes (4 * 65536, 7);
  g_autoptr(GBytes) more = file_bytes (3 * 65536 + 11, 8);
  g_autofree char *whole_id = note_with_file (a, "whole.bin", whole);
  g_autofree char *more_id = note_with_file (a, "more.bin", more);
  g_autoptr(GBytes) got_whole = NULL;
  g_autoptr(GBytes) got_more = NULL;

  device_sync (a);
  b = device_new (NULL, db, PASSPHRASE);
  device_sync (b);

  got_whole = fb_test_store_attachment_bytes (b->peer->store, whole_id, "whole.bin");
  got_more = fb_test_store_attachment_bytes (b->peer->store, more_id, "more.bin");
  g_assert_nonnull (got_whole);
  g_assert_nonnull (got_more);
  g_assert_true (g_bytes_equal (got_whole, whole));
  g_assert_true (g_bytes_equal (got_more, more));
  g_assert_cmpuint (b->rejected->len, ==, 0);
  g_assert_cmpuint (count_files (b->peer->store), ==, 2);
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

  g_test_add_func ("/attachment-download/progress", test_progress);
  g_test_add_func ("/attachment-download/progress-when-opened", test_progress_when_opened);
  g_test_add_func ("/attachment-download/cut-off", test_cut_off);
  g_test_add_func ("/attachment-download/garbage", test_garbage);
  g_test_add_func ("/attachment-download/connection-cut", test_connection_cut);
  g_test_add_func ("/attachment-download/killed-mid-download", test_killed_mid_download);
  g_test_add_func ("/attachment-download/conflict-keep-both", test_conflict_keep_both);
  g_test_add_func ("/attachment-download/conflict-opened", test_conflict_opened);
  g_test_add_func ("/attachment-download/cli-not-downloaded", test_cli_not_downloaded);
  g_test_add_func ("/attachment-download/cli-terminal", test_cli_terminal);
  g_test_add_func ("/attachment-download/opener-pieces", test_opener_pieces);
  g_test_add_func ("/attachment-download/encrypted", test_encrypted);

  status = g_test_run ();

  fb_test_server_free (server);
  return status;
}
