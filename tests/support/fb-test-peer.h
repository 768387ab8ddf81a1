/* fb-test-peer.h: a device for sync tests: a store in its own folder, a fake network, a sync manager */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "fb-store.h"
#include "fb-sync-manager.h"
#include "fb-test-server.h"

G_BEGIN_DECLS

/* How long a test waits for one sync run before it fails. */
#define FB_TEST_PEER_DEADLINE_MS 60000

typedef struct {
  char            *dir;
  FbStore         *store;
  GNetworkMonitor *monitor;          /* an FbFakeNetworkMonitor */
  FbSyncManager   *manager;
  /* What the manager reported, counted */
  guint            n_runs;           /* run-finished */
  gint64           last_run_at;      /* wall clock, µs, of the last run-finished */
  guint            n_remote_changes; /* items in remote-changes */
  guint            n_remote_notes;   /* of them notes */
  guint            n_remote_records; /* of them records */
  guint            n_rejected;       /* item-rejected */
} FbTestPeer;

/* A fresh store and a manager (not started) with short delays and a long
 * retry base, so that only the test decides when a failed run is tried
 * again. @url NULL: no server configured. */
FbTestPeer   *fb_test_peer_new            (const char  *url,
                                           const char  *db,
                                           const char  *user,
                                           const char  *password,
                                           gboolean     network);
/* Asserts that the manager and the store are finalized with it. */
void          fb_test_peer_free           (FbTestPeer  *peer);

/* One explicit run (fb_sync_manager_sync_async), waited for. */
FbSyncStats  *fb_test_peer_sync_full      (FbTestPeer  *peer,
                                           GError     **error);

/* One explicit run that must succeed and leave no error on the manager. */
FbSyncStats  *fb_test_peer_sync           (FbTestPeer  *peer);
/* The live items the store lists. */
guint         fb_test_peer_count_items    (FbTestPeer  *peer);
/* @n notes titled "@prefix 0", "@prefix 1"… in one transaction. */
void          fb_test_peer_create_notes   (FbTestPeer  *peer,
                                           guint        n,
                                           const char  *prefix);
/* Both stores and @server's database @db hold the same live items with the
 * same bodies and revisions, and nothing is pending or in conflict. */
void          fb_test_peer_assert_converged (FbTestPeer   *a,
                                             FbTestPeer   *b,
                                             FbTestServer *server,
                                             const char   *db);

/* A new note; returns its id. */
char         *fb_test_peer_create_note    (FbTestPeer  *peer,
                                           const char  *title,
                                           const char  *text);
/* The item, asserting that reading it does not fail (NULL: none). */
FbItem       *fb_test_peer_get_item       (FbTestPeer  *peer,
                                           const char  *id);
/* A local edit as an editor makes it: a copy of the body with @field set. */
void          fb_test_peer_edit           (FbTestPeer  *peer,
                                           const char  *id,
                                           const char  *field,
                                           const char  *value);
/* The store has @id and it is not deleted (the Trash may hold a deleted one). */
gboolean      fb_test_peer_has_live_item  (FbTestPeer  *peer,
                                           const char  *id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbTestPeer, fb_test_peer_free)

G_END_DECLS
