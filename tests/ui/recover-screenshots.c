/* recover-screenshots.c: the Trash and the History view of the real window, photographed */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Not a test: run it through tests/ui/recover-screenshots.sh, which starts it
 * under broadway-run.sh; for each view it runs build-aux/screenshot.mjs
 * through the browser that is connected. Writes data/screenshots/trash.png
 * and history.png. */

#define G_LOG_DOMAIN "fb-recover-screenshots"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "fb-history-dialog.h"
#include "fb-store-history.h"
#include "fb-store-private.h"
#include "fb-test-screenshot.h"
#include "fb-test-store.h"
#include "fb-test-wait.h"
#include "fb-trash-window.h"
#include "fb-window.h"
#include "sync-ui-test-util.h"

static const char *out_dir;
static const char *script;
static gint64 now;

static void
screenshot (const char *name)
{
  fb_test_screenshot (script, out_dir, name, "1280x800", 800);
}

static gint64
clock_cb (gpointer user_data)
{
  return now;
}

static char *
add_note (FbStore    *store,
          const char *title,
          const char *text)
{
  g_autoptr(FbItem) item = fb_test_store_create_note (store, title, text);

  return g_strdup (fb_item_get_id (item));
}

static void
edit_note (FbStore    *store,
           const char *id,
           const char *title,
           const char *text)
{
  g_autoptr(JsonObject) body = fb_note_body_new (title, text);
  g_autoptr(GError) error = NULL;

  g_assert_true (fb_store_update_item (store, id, body, &error));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *survey = NULL;
  g_autofree char *gone1 = NULL;
  g_autofree char *gone2 = NULL;
  g_autoptr(FbStore) store = NULL;
  FbWindow *window;
  GtkWidget *entry;
  FbTrashWindow *trash;
  FbHistoryDialog *history;

  if (argc != 3)
    {
      g_printerr ("usage: %s OUT-DIR SCREENSHOT-SCRIPT\n", argv[0]);
      return 2;
    }
  out_dir = argv[1];
  script = argv[2];

  gtk_init ();
  adw_init ();
  load_app_style ();

  dir = g_dir_make_tmp ("fb-recover-screenshots-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "fieldbook.db", NULL);
  store = fb_store_new (path, &error);
  g_assert_no_error (error);
  now = g_get_real_time () / 1000 - 3 * 24 * 3600 * 1000;
  _fb_store_set_clock (store, clock_cb, NULL);

  gone1 = add_note (store, "Old route to the hide", "Through the kissing gate, then left along the hedge.\n");
  gone2 = add_note (store, "Shopping for the trip", "Batteries, notebook, flask.\n");
  add_note (store, "Trail camera", "Check the card on Friday.\n");
  survey = add_note (store, "Mill pond survey",
                     "Arrived 06:50. Mist on the water.\n\n"
                     "- Grey heron by the weir\n"
                     "- Two grebes\n");
  now += 2 * 3600 * 1000;
  edit_note (store, survey, "Mill pond survey",
             "Arrived 06:50. Mist on the water until about 07:30.\n\n"
             "- Grey heron fishing by the weir, 07:40\n"
             "- Pair of great crested grebes displaying\n");
  now += 24 * 3600 * 1000;
  g_assert_true (fb_store_delete_item (store, gone1, &error));
  now += 3600 * 1000;
  edit_note (store, survey, "Mill pond survey",
             "Arrived 06:50. Mist on the water until about 07:30, then clear.\n\n"
             "- Grey heron fishing by the weir, 07:40\n"
             "- Pair of great crested grebes displaying\n"
             "- Fresh otter spraint below the sluice\n");
  now = g_get_real_time () / 1000 - 20 * 60 * 1000;
  g_assert_true (fb_store_delete_item (store, gone2, &error));
  now = g_get_real_time () / 1000 - 15 * 60 * 1000;
  edit_note (store, survey, "Mill pond survey",
             "Arrived 06:50. Mist on the water until about 07:30, then clear and still.\n\n"
             "- Grey heron fishing by the weir, 07:40\n"
             "- Pair of great crested grebes displaying in the middle of the pond\n"
             "- Fresh otter spraint on the flat stone below the sluice\n");
  _fb_store_set_clock (store, NULL, NULL);

  window = fb_window_new (NULL, store);
  gtk_window_maximize (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)) &&
              gtk_widget_get_width (GTK_WIDGET (window)) > 1000, 60000);

  entry = fb_window_get_trash_entry (window);
  g_signal_emit_by_name (entry, "row-activated", gtk_list_box_get_row_at_index (GTK_LIST_BOX (entry), 0));
  WAIT_UNTIL ((trash = fb_trash_entry_get_window (entry)) != NULL &&
              gtk_widget_get_mapped (GTK_WIDGET (fb_trash_window_get_list (trash))), 60000);
  screenshot ("trash.png");
  gtk_window_destroy (GTK_WINDOW (trash));

  history = fb_history_dialog_new (store, survey);
  gtk_window_set_transient_for (GTK_WINDOW (history), GTK_WINDOW (window));
  gtk_window_set_modal (GTK_WINDOW (history), TRUE);
  gtk_window_present (GTK_WINDOW (history));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (fb_history_dialog_get_list (history))), 60000);
  fb_history_dialog_select (history, 1);
  screenshot ("history.png");
  gtk_window_destroy (GTK_WINDOW (history));

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  fb_test_remove_database (path);
  g_rmdir (dir);

  return 0;
}
