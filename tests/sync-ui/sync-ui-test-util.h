/* sync-ui-test-util.h: shared helpers of the sync UI tests: devices, waiting, looking at widgets */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Header-only (static functions) so each test is one source file plus the
 * sync engineer's PouchDB Server harness. */

#pragma once

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fb-fake-network-monitor.h"
#include "fb-store.h"
#include "fb-sync-manager.h"
#include "fb-test-server.h"

#define WAIT_MS 30000

/* ---- Waiting: iterate the main context until a condition holds ---- */

static gboolean
test_deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
test_tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until @cond holds, failing after @ms. A 10 ms
 * tick keeps the loop turning for conditions no source reports. */
#define WAIT_UNTIL(cond, ms)                                                  \
  G_STMT_START {                                                              \
    gboolean expired_ = FALSE;                                                \
    guint id_ = g_timeout_add ((ms), test_deadline_cb, &expired_);            \
    guint tick_ = g_timeout_add (10, test_tick_cb, NULL);                       \
    while (!(cond) && !expired_)                                              \
      g_main_context_iteration (NULL, TRUE);                                  \
    if (!expired_)                                                            \
      g_source_remove (id_);                                                  \
    g_source_remove (tick_);                                                  \
    if (!(cond))                                                              \
      g_error ("%s:%d: timed out after %u ms waiting for %s",                 \
               __FILE__, __LINE__, (guint) (ms), #cond);                      \
  } G_STMT_END

#define WAIT_FOR(cond) WAIT_UNTIL (cond, WAIT_MS)

static inline void
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* ---- A device: a store in its own directory, a fake network, a manager ---- */

typedef struct {
  char            *dir;
  FbStore         *store;
  GNetworkMonitor *monitor;
  FbSyncManager   *manager;
  guint            n_runs;
} Peer;

static void
peer_run_finished_cb (FbSyncManager *manager,
                      const GError  *error,
                      Peer          *peer)
{
  peer->n_runs++;
}

/* @url NULL: not configured. The manager is not started. */
static inline Peer *
peer_new (const char *url,
          const char *db,
          const char *user,
          const char *password,
          gboolean    network)
{
  Peer *peer = g_new0 (Peer, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  peer->dir = g_dir_make_tmp ("fb-test-sync-ui-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (peer->dir, "fieldbook.db", NULL);
  peer->store = fb_store_new (path, &error);
  g_assert_no_error (error);
  peer->monitor = fb_fake_network_monitor_new (network);
  peer->manager = fb_sync_manager_new (peer->store, peer->monitor);
  /* Short debounce; a long retry base so only the test decides when a
   * failed run is tried again. */
  fb_sync_manager_set_tuning (peer->manager, 20, 10000, 60000, 0, 0);
  if (url != NULL)
    fb_sync_manager_set_remote (peer->manager, url, db, user, password);
  g_signal_connect (peer->manager, "run-finished", G_CALLBACK (peer_run_finished_cb), peer);
  return peer;
}

static inline void
peer_free (Peer *peer)
{
  g_signal_handlers_disconnect_by_data (peer->manager, peer);
  g_assert_finalize_object (peer->manager);
  drain_main_context ();
  g_assert_finalize_object (peer->store);
  g_object_unref (peer->monitor);
  fb_test_remove_tree (peer->dir);
  g_free (peer->dir);
  g_free (peer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Peer, peer_free)

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

static inline char *
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

static inline void
edit_note (Peer       *peer,
           const char *id,
           const char *field,
           const char *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = fb_store_get_item (peer->store, id, &error);
  g_autoptr(JsonObject) body = NULL;

  g_assert_no_error (error);
  body = fb_body_copy (fb_item_get_body (item));
  json_object_set_string_member (body, field, value);
  fb_store_update_item (peer->store, id, body, &error);
  g_assert_no_error (error);
}

/* Two devices on one database; both edit line 2 of a note differently and
 * B syncs last, so B has the conflict. Returns the note's id. */
static inline char *
make_text_conflict (Peer       *a,
                    Peer       *b,
                    const char *mine_line,
                    const char *server_line)
{
  char *id = create_note (a, "Shopping", "bread\nmilk\neggs");
  g_autofree char *a_text = g_strdup_printf ("bread\n%s\neggs", server_line);
  g_autofree char *b_text = g_strdup_printf ("bread\n%s\neggs", mine_line);

  peer_sync (a);
  peer_sync (b);
  g_assert_true (fb_store_get_item (b->store, id, NULL) != NULL);
  edit_note (a, id, "text", a_text);
  peer_sync (a);
  edit_note (b, id, "text", b_text);
  peer_sync (b);
  g_assert_cmpuint (fb_store_get_conflict_count (b->store), ==, 1);
  return id;
}

/* ---- Looking at widgets ---- */

static inline GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (child)), text) == 0)
        return child;
      if ((found = find_label (child, text)) != NULL)
        return found;
    }
  return NULL;
}

/* Visible to a person: it and all its ancestors are visible, and it is
 * mapped. */
static inline gboolean
is_shown (GtkWidget *widget)
{
  return widget != NULL && gtk_widget_is_visible (widget) && gtk_widget_get_mapped (widget);
}

static inline gpointer
template_child (gpointer    widget,
                GType       type,
                const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (object);
  return object;
}

/* The accessible label equals @expected (GTK's test AT context). */
#define assert_accessible_label(widget, expected)                             \
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (widget),              \
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,        \
                                       (expected))

/* Sets up the keyring's file backend and GTK for a test program. */
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
