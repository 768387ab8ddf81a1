/* test-sort.c: the list's sort menu, remembered per collection, and pinning with the action and its marker */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-sort"

#include "config.h"

#include <adwaita.h>

#include "fb-item-body.h"
#include "fb-item-row.h"
#include "fb-item-sort.h"
#include "fb-store.h"
#include "fb-test-dir.h"
#include "fb-test-store.h"
#include "fb-test-ui.h"
#include "fb-test-wait.h"
#include "fb-window.h"

#define WAIT_FOR(cond) WAIT_UNTIL (cond, 10000)

typedef struct
{
  char     *dir;
  FbStore  *store;
  FbWindow *window;
  gint64    now;
} Fixture;

static gpointer
child (FbWindow   *window,
       const char *name)
{
  return fb_test_template_child (window, FB_TYPE_WINDOW, name);
}

static void
create (Fixture    *fixture,
        const char *collection,
        const char *title)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;

  body = g_str_equal (collection, FB_COLLECTION_NOTES) ? fb_note_body_new (title, "")
                                                       : fb_record_body_new (title);
  item = fb_store_create_item (fixture->store, collection, body, &error);
  g_assert_no_error (error);
}

static FbWindow *
open_window (Fixture *fixture)
{
  FbWindow *window = g_object_ref_sink (fb_window_new (NULL, fixture->store));

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_present (GTK_WINDOW (window));
  WAIT_FOR (gtk_widget_get_mapped (child (window, "list_stack")) &&
            gtk_widget_get_width (child (window, "list_stack")) > 0);
  return window;
}

static void
close_window (FbWindow *window)
{
  gtk_window_close (GTK_WINDOW (window));
  WAIT_FOR (G_OBJECT (window)->ref_count == 1);
  g_assert_finalize_object (window);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new ("io.github.fieldbook.Fieldbook");

  g_settings_reset (settings, "sort-orders");
  fixture->dir = fb_test_make_tmp_dir ();
  path = g_build_filename (fixture->dir, "fieldbook.db", NULL);
  fixture->store = fb_store_new (path, &error);
  g_assert_no_error (error);
  fixture->now = g_get_real_time () / 1000 - 3600 * 1000;
  _fb_store_set_clock (fixture->store, fb_test_clock, &fixture->now);

  create (fixture, FB_COLLECTION_NOTES, "Banana");
  create (fixture, FB_COLLECTION_NOTES, "cherry");
  create (fixture, FB_COLLECTION_NOTES, "apple");
  create (fixture, FB_COLLECTION_RECORDS, "Asp count");
  create (fixture, FB_COLLECTION_RECORDS, "Zander count");

  fixture->window = open_window (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  close_window (g_steal_pointer (&fixture->window));
  WAIT_FOR (G_OBJECT (fixture->store)->ref_count == 1);
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  fb_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* The list's titles, "|"-separated. */
static char *
list_titles (FbWindow *window)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (child (window, "list_view")));
  GString *titles = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (model, i);

      g_string_append_printf (titles, "%s%s", i > 0 ? "|" : "", fb_item_get_title (item));
    }

  return g_string_free (titles, FALSE);
}

static gboolean
list_is (FbWindow   *window,
         const char *expected)
{
  g_autofree char *titles = list_titles (window);

  return g_strcmp0 (titles, expected) == 0;
}

static gboolean
list_starts_with (FbWindow   *window,
                  const char *prefix)
{
  g_autofree char *titles = list_titles (window);

  return g_str_has_prefix (titles, prefix);
}

static void
select_title (FbWindow   *window,
              const char *title)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (child (window, "list_view")));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (fb_item_get_title (item), title) == 0)
        {
          gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (model), i);
          WAIT_FOR (fb_window_get_current_item (window) != NULL &&
                    g_strcmp0 (fb_item_get_title (fb_window_get_current_item (window)), title) == 0);
          return;
        }
    }

  g_error ("No item “%s” in the list", title);
}

/* The row the list view shows for @title, if it shows one. */
static FbItemRow *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (FB_IS_ITEM_ROW (widget))
    {
      FbItem *item = fb_item_row_get_item (FB_ITEM_ROW (widget));

      return item != NULL && g_strcmp0 (fb_item_get_title (item), title) == 0
             ? FB_ITEM_ROW (widget) : NULL;
    }

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      FbItemRow *row = find_row (c, title);

      if (row != NULL)
        return row;
    }
  return NULL;
}

static gboolean
row_pinned (FbWindow   *window,
            const char *title)
{
  FbItemRow *row = find_row (child (window, "list_view"), title);

  return row != NULL && fb_item_row_get_pinned (row);
}

static char *
remembered_orders (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.fieldbook.Fieldbook");
  g_autoptr(GVariant) value = g_settings_get_value (settings, "sort-orders");

  return g_variant_print (value, FALSE);
}

/* The menu's orders apply to the collection shown, each collection keeps
 * its own, and the next window opens with them. */
static void
test_sort_menu (Fixture       *fixture,
                gconstpointer  data)
{
  FbWindow *window = fixture->window;
  FbWindow *second;
  g_autofree char *orders = NULL;

  g_assert_true (fb_test_is_shown (child (window, "sort_button")));
  g_assert_true (list_is (window, "apple|cherry|Banana"));

  /* By the alphabet, not by bytes ("B" before "a"). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "list.sort", "s", "title"));
  g_assert_true (list_is (window, "apple|Banana|cherry"));

  /* Created and modified part when an older note is edited. */
  select_title (window, "Banana");
  {
    g_autoptr(JsonObject) body = fb_note_body_new ("Banana", "ripe");

    g_assert_true (fb_store_update_item (fixture->store,
                                         fb_item_get_id (fb_window_get_current_item (window)),
                                         body, NULL));
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "list.sort", "s", "created"));
  g_assert_true (list_is (window, "apple|cherry|Banana"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "list.sort", "s", "modified"));
  g_assert_true (list_is (window, "Banana|apple|cherry"));
  /* The item in the editor stays selected through the new order. */
  g_assert_cmpstr (fb_item_get_title (fb_window_get_current_item (window)), ==, "Banana");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "list.sort", "s", "title"));
  g_assert_true (list_is (window, "apple|Banana|cherry"));

  /* Records keep their own order (newest first) until told otherwise. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.collection", "s", "records"));
  WAIT_FOR (list_is (window, "Zander count|Asp count"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "list.sort", "s", "title"));
  g_assert_true (list_is (window, "Asp count|Zander count"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "list.sort", "s", "created"));
  g_assert_true (list_is (window, "Zander count|Asp count"));

  orders = remembered_orders ();
  g_assert_cmpstr (orders, ==, "{'notes': 'title', 'records': 'created'}");

  /* A new window sorts as the person left it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.collection", "s", "notes"));
  {
    g_autoptr(JsonObject) body = fb_note_body_new ("Avocado", "");
    g_autoptr(FbItem) item = fb_store_create_item (fixture->store, FB_COLLECTION_NOTES, body, NULL);
  }
  /* The new note takes its place by title, not at the top. */
  WAIT_FOR (list_is (window, "apple|Avocado|Banana|cherry"));
  second = open_window (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (second), "win.collection", "s", "notes"));
  WAIT_FOR (list_is (second, "apple|Avocado|Banana|cherry"));
  close_window (second);
}

/* list.pin (Ctrl+Alt+P) pins the item in the editor: it goes to the top
 * with a pin in its row, in every order, and back again. */
static void
test_pin (Fixture       *fixture,
          gconstpointer  data)
{
  FbWindow *window = fixture->window;
  g_autoptr(FbItem) stored = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "list.sort", "s", "title"));
  select_title (window, "cherry");
  WAIT_FOR (find_row (child (window, "list_view"), "cherry") != NULL);
  g_assert_false (row_pinned (window, "cherry"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "list.pin", NULL));
  WAIT_FOR (list_is (window, "cherry|apple|Banana"));
  WAIT_FOR (row_pinned (window, "cherry"));
  g_assert_false (row_pinned (window, "apple"));
  g_assert_cmpstr (adw_toast_get_title (fb_window_get_last_toast (window)), ==,
                   "Pinned to the top of the list");
  stored = fb_store_get_item (fixture->store,
                              fb_item_get_id (fb_window_get_current_item (window)), NULL);
  g_assert_true (fb_item_get_pinned (stored));
  /* Still the item in the editor, now pending like any edit. */
  g_assert_cmpstr (fb_item_get_title (fb_window_get_current_item (window)), ==, "cherry");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "list.sort", "s", "created"));
  g_assert_true (list_is (window, "cherry|apple|Banana"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "list.sort", "s", "modified"));
  g_assert_true (list_is (window, "cherry|apple|Banana"));
  /* The pin is what moved it: an older note pinned goes above newer ones. */
  select_title (window, "Banana");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "list.pin", NULL));
  WAIT_FOR (list_is (window, "Banana|cherry|apple"));
  select_title (window, "Banana");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "list.pin", NULL));
  WAIT_FOR (list_is (window, "cherry|Banana|apple"));

  /* A newer note goes below the pinned one. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-item", NULL));
  WAIT_FOR (list_starts_with (window, "cherry|Untitled|") || list_starts_with (window, "cherry||"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "list.sort", "s", "title"));
  select_title (window, "cherry");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "list.pin", NULL));
  WAIT_FOR (list_starts_with (window, "apple|Banana|cherry"));
  WAIT_FOR (!row_pinned (window, "cherry"));
  g_assert_cmpstr (adw_toast_get_title (fb_window_get_last_toast (window)), ==, "No longer pinned");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/sort/menu", Fixture, NULL, fixture_setup, test_sort_menu, fixture_teardown);
  g_test_add ("/sort/pin", Fixture, NULL, fixture_setup, test_pin, fixture_teardown);

  return g_test_run ();
}
