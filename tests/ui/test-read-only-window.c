/* test-read-only-window.c: the window on a full disk shows everything, takes no edits and says why */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-read-only-window"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fb-read-only-banner.h"
#include "fb-store.h"
#include "fb-test-dir.h"
#include "fb-test-disk.h"
#include "fb-test-ui.h"
#include "fb-test-wait.h"
#include "fb-window.h"

#define WAIT_SECONDS 10

/* Iterates the main context until @cond holds (tests/support/fb-test-wait.h). */
#define WAIT_FOR(cond) WAIT_UNTIL (cond, WAIT_SECONDS * 1000)

static gboolean
is_showing (gpointer widget)
{
  return gtk_widget_get_mapped (GTK_WIDGET (widget)) &&
         gtk_widget_get_width (GTK_WIDGET (widget)) > 0;
}

static guint
count_items (FbStore *store)
{
  g_autoptr(GPtrArray) items = fb_store_list_items (store, NULL, NULL);

  return items->len;
}

static void
test_disk_full (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *disk = fb_test_disk_new (2 * 1024 * 1024);
  g_autofree char *path = NULL;
  g_autofree char *filler = NULL;
  g_autoptr(JsonObject) body = fb_note_body_new ("Groceries", "milk");
  g_autoptr(FbItem) item = NULL;
  FbReadOnlyBanner *banner;
  GtkWidget *retry;
  GtkWidget *editor;
  FbWindow *window;
  FbStore *store;

  if (disk == NULL)
    return;
  path = g_build_filename (disk, "fieldbook.db", NULL);

  store = fb_store_new (path, &error);
  g_assert_no_error (error);
  item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (store);
  filler = fb_test_disk_fill (disk);

  store = fb_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_true (fb_store_get_read_only (store));

  window = g_object_ref_sink (fb_window_new (NULL, store));
  gtk_window_present (GTK_WINDOW (window));

  banner = FB_READ_ONLY_BANNER (fb_test_find_descendant (GTK_WIDGET (window),
                                                       FB_TYPE_READ_ONLY_BANNER));
  g_assert_nonnull (banner);
  WAIT_FOR (is_showing (banner));
  g_assert_nonnull (fb_read_only_banner_get_text (banner));
  g_assert_nonnull (strstr (fb_read_only_banner_get_text (banner), "The disk is full"));
  g_assert_nonnull (strstr (fb_read_only_banner_get_text (banner), "until space is freed"));
  /* The sync banner does not repeat it. */
  g_assert_null (fb_window_get_banner_text (window));

  /* The note is there to read; nothing takes an edit. */
  WAIT_FOR (fb_window_get_current_item (window) != NULL);
  g_assert_cmpstr (fb_item_get_title (fb_window_get_current_item (window)), ==, "Groceries");
  editor = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), FB_TYPE_WINDOW, "editor_stack"));
  g_assert_false (gtk_widget_is_sensitive (editor));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-item", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-item", NULL);
  g_assert_cmpuint (count_items (store), ==, 1);

  /* Still full: trying again changes nothing. */
  retry = fb_test_find_descendant (GTK_WIDGET (banner), GTK_TYPE_BUTTON);
  g_assert_nonnull (retry);
  g_signal_emit_by_name (retry, "clicked");
  g_assert_true (fb_store_get_read_only (store));
  g_assert_nonnull (fb_read_only_banner_get_text (banner));

  /* Space again: the banner goes, the editor takes edits and saves. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  g_signal_emit_by_name (retry, "clicked");
  WAIT_FOR (fb_read_only_banner_get_text (banner) == NULL);
  g_assert_false (fb_store_get_read_only (store));
  g_assert_true (gtk_widget_is_sensitive (editor));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-item", NULL);
  WAIT_FOR (count_items (store) == 2);

  gtk_window_close (GTK_WINDOW (window));
  WAIT_FOR (!gtk_widget_get_visible (GTK_WIDGET (window)) && G_OBJECT (window)->ref_count == 1);
  g_assert_finalize_object (window);
  WAIT_FOR (G_OBJECT (store)->ref_count == 1);
  g_assert_finalize_object (store);

  fb_test_remove_database (path);
  fb_test_disk_free (g_steal_pointer (&disk));
}

int
main (int   argc,
      char *argv[])
{
  /* Before GTK or anything else could start a thread. */
  fb_test_disk_init ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/read-only-window/disk-full", test_disk_full);

  return g_test_run ();
}
