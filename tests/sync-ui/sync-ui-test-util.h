/* sync-ui-test-util.h: shared helpers of the sync UI tests: devices, waiting, looking at widgets */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Header-only (static functions): what only the sync UI tests share. The
 * device, the server and waiting are in tests/support/. */

#pragma once

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fb-fake-network-monitor.h"
#include "fb-store.h"
#include "fb-sync-manager.h"
#include "fb-test-peer.h"
#include "fb-test-server.h"
#include "fb-test-ui.h"
#include "fb-test-wait.h"

#define WAIT_MS 30000

/* Waiting (WAIT_UNTIL) is tests/support/fb-test-wait.h. */
#define WAIT_FOR(cond) WAIT_UNTIL (cond, WAIT_MS)

/* ---- A device: the shared FbTestPeer (tests/support/fb-test-peer.c) ---- */

typedef FbTestPeer Peer;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peer, fb_test_peer_free)

/* @url NULL: not configured. The manager is not started. */
static inline Peer *
peer_new (const char *url,
          const char *db,
          const char *user,
          const char *password,
          gboolean    network)
{
  return fb_test_peer_new (url, db, user, password, network);
}

/* One explicit run; the test fails if it does not succeed. */
static inline void
peer_sync (Peer *peer)
{
  guint before = peer->n_runs;

  fb_sync_manager_sync_now (peer->manager);
  WAIT_FOR (peer->n_runs > before &&
            fb_sync_manager_get_state (peer->manager) != FB_SYNC_STATE_SYNCING);
  if (fb_sync_manager_get_last_error (peer->manager) != NULL)
    g_error ("sync failed: %s", fb_sync_manager_get_last_error (peer->manager)->message);
}

/* Two devices on one database; both edit line 2 of a note differently and
 * B syncs last, so B has the conflict. Returns the note's id. */
static inline char *
make_text_conflict (Peer       *a,
                    Peer       *b,
                    const char *mine_line,
                    const char *server_line)
{
  char *id = fb_test_peer_create_note (a, "Shopping", "bread\nmilk\neggs");
  g_autofree char *a_text = g_strdup_printf ("bread\n%s\neggs", server_line);
  g_autofree char *b_text = g_strdup_printf ("bread\n%s\neggs", mine_line);

  peer_sync (a);
  peer_sync (b);
  g_assert_true (fb_store_get_item (b->store, id, NULL) != NULL);
  fb_test_peer_edit (a, id, "text", a_text);
  peer_sync (a);
  fb_test_peer_edit (b, id, "text", b_text);
  peer_sync (b);
  g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 1);
  return id;
}

/* ---- Setting up (looking at widgets is tests/support/fb-test-ui.h) ---- */

/* Sets up the keyring's file backend and GTK for a test program. */
/* The application's style sheet, as FbApplication (an AdwApplication with
 * Fieldbook's resource base path) loads it at startup: for screenshot
 * programs that show widgets without the application. */
static inline void
load_app_style (void)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/io/github/fieldbook/Fieldbook/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static inline void
sync_ui_test_init (int    *argc,
                   char ***argv)
{
  /* In the runtime dir, which tests/ui/broadway-run.sh makes per test and
   * removes afterwards. */
  g_autofree char *keyring_dir = g_build_filename (g_get_user_runtime_dir (),
                                                   "fb-test-keyring-XXXXXX", NULL);
  g_autofree char *keyring = NULL;

  g_assert_nonnull (g_mkdtemp (keyring_dir));
  keyring = g_build_filename (keyring_dir, "keyring", NULL);

  /* Before libsecret is first used: no D-Bus, no keyring daemon. */
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "x", TRUE);

  gtk_test_init (argc, argv, NULL);
  adw_init ();
}
