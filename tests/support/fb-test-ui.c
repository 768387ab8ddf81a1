/* fb-test-ui.c: looking at GTK widgets as a person would see them, for UI tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-ui"

#include "config.h"

#include "fb-test-dir.h"
#include "fb-test-ui.h"
#include "fb-test-wait.h"

GtkWidget *
fb_test_find_label (GtkWidget  *root,
                    const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (child)), text) == 0)
        return child;
      if ((found = fb_test_find_label (child, text)) != NULL)
        return found;
    }
  return NULL;
}

gpointer
fb_test_find_descendant (GtkWidget *widget,
                         GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gpointer found = fb_test_find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
fb_test_is_shown (GtkWidget *widget)
{
  return widget != NULL && gtk_widget_is_visible (widget) && gtk_widget_get_mapped (widget);
}

gpointer
fb_test_template_child (gpointer    widget,
                        GType       type,
                        const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (object);
  return object;
}

gpointer
fb_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

void
fb_test_note_window_setup (FbTestNoteWindow *fixture,
                           const char       *title,
                           const char       *text)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) body = fb_note_body_new (title, text);
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = fb_test_make_tmp_dir ();
  path = g_build_filename (fixture->dir, "fieldbook.db", NULL);
  fixture->store = fb_store_new (path, &error);
  g_assert_no_error (error);
  item = fb_store_create_item (fixture->store, FB_COLLECTION_NOTES, body, &error);
  g_assert_no_error (error);
  fixture->id = g_strdup (fb_item_get_id (item));

  fixture->window = g_object_ref_sink (fb_window_new (NULL, fixture->store));
  fb_window_set_save_delay (fixture->window, 0);
  gtk_window_present (GTK_WINDOW (fixture->window));
  fixture->editor = fb_test_template_child (fixture->window, FB_TYPE_WINDOW, "note_editor");
  fixture->buffer = fb_note_editor_get_buffer (fixture->editor);
  fixture->strip = fb_note_editor_get_attachment_strip (fixture->editor);
  WAIT_UNTIL (fb_window_get_current_item (fixture->window) != NULL &&
              gtk_widget_get_mapped (GTK_WIDGET (fixture->editor)), 10000);
}

void
fb_test_note_window_teardown (FbTestNoteWindow *fixture)
{
  gtk_window_close (GTK_WINDOW (fixture->window));
  WAIT_UNTIL (G_OBJECT (fixture->window)->ref_count == 1, 10000);
  g_assert_finalize_object (g_steal_pointer (&fixture->window));
  WAIT_UNTIL (G_OBJECT (fixture->store)->ref_count == 1, 10000);
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  fb_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->id, g_free);
}

/* ---- A real pointer ---- */

static void
node_exited_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

gboolean
fb_test_click_in_browser (GtkWindow              *window,
                          const graphene_point_t *point)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "ui", "keyboard.mjs", NULL);
  g_autofree char *step = NULL;
  g_autoptr(GSubprocess) node = NULL;
  g_autoptr(GError) error = NULL;
  double dx, dy;
  g_autofree char *node_path = g_find_program_in_path ("node");
  gboolean done = FALSE;

  if (g_getenv ("FB_DEVTOOLS_PORT") == NULL || node_path == NULL)
    return FALSE;

  /* The window's widgets start where its CSD shadow ends. */
  gtk_native_get_surface_transform (GTK_NATIVE (window), &dx, &dy);
  step = g_strdup_printf ("click:%d,%d", (int) (point->x + dx), (int) (point->y + dy));
  node = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                           "node", "--experimental-websocket", script, step, NULL);
  g_assert_no_error (error);
  /* GTK goes on handling what the browser sends meanwhile. */
  g_subprocess_wait_async (node, NULL, node_exited_cb, &done);
  WAIT_UNTIL (done, 30000);
  if (!g_subprocess_get_if_exited (node) || g_subprocess_get_exit_status (node) != 0)
    return FALSE;
  return TRUE;
}

gboolean
fb_test_click_widget (GtkWidget *widget)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (widget));
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (widget, window,
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                                 gtk_widget_get_height (widget) / 2.0),
                                           &point));
  return fb_test_click_in_browser (GTK_WINDOW (window), &point);
}
