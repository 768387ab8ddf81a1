/* bench-scale-window.c: the window's start on a given store, then scrolling and searches, in figures */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "bench-scale-window"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fb-test-wait.h"
#include "fb-window.h"

/* Run by bench-scale under tests/ui/broadway-run.sh, as the UI tests run:
 *   bench-scale-window DATABASE [--start-only]
 * Prints "start-ms N" (from main () to the first frame painted with the
 * list showing its rows, or the empty list) and "rss-kb N" after scrolling
 * to the middle and the end and three searches. */

static guint
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? (guint) atoi (line + 7) : 0;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
after_paint_cb (GdkFrameClock *clock,
                guint         *painted)
{
  (*painted)++;
}

/* A frame painted after now. */
static void
wait_for_frame (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  guint painted = 0;
  gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);

  gtk_widget_queue_draw (window);
  WAIT_UNTIL (painted > 0, 30000);
  g_signal_handler_disconnect (clock, id);
}

static guint
n_rows (GtkListView *view)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (view));

  return model != NULL ? g_list_model_get_n_items (model) : 0;
}

static void
search (GtkWidget   *window,
        GtkListView *view,
        const char  *text)
{
  GtkWidget *entry = find_descendant (window, GTK_TYPE_SEARCH_ENTRY);
  guint before = n_rows (view);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  WAIT_UNTIL (n_rows (view) != before, 30000);
  wait_for_frame (window);
}

int
main (int   argc,
      char *argv[])
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(FbStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GtkListView *view;
  GtkWidget *window;
  GtkAdjustment *adjustment;

  gtk_init ();
  if (argc < 2)
    g_error ("usage: bench-scale-window DATABASE");
  store = fb_store_new (argv[1], &error);
  g_assert_no_error (error);

  window = GTK_WIDGET (fb_window_new (NULL, store));
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (window), 30000);
  view = GTK_LIST_VIEW (find_descendant (window, GTK_TYPE_LIST_VIEW));
  /* Rows on screen, or none to show. */
  WAIT_UNTIL (n_rows (view) == 0 || gtk_widget_get_first_child (GTK_WIDGET (view)) != NULL, 30000);
  wait_for_frame (window);
  g_print ("start-ms %.0f\n", (g_get_monotonic_time () - start) / 1000.0);
  /* For profiling the start alone. */
  if (argc > 2 && g_strcmp0 (argv[2], "--start-only") == 0)
    return 0;

  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) / 2);
  wait_for_frame (window);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  wait_for_frame (window);
  if (n_rows (view) > 0)
    {
      search (window, view, "the");
      search (window, view, "river kingf");
      search (window, view, "r");
    }
  g_print ("rss-kb %u\n", rss_kb ());

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
