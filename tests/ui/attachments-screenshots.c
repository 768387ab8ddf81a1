/* attachments-screenshots.c: a note with photos in its strip, and the larger view, photographed */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Not a test: run it through tests/ui/attachments-screenshots.sh, which
 * starts it under broadway-run.sh; it runs build-aux/screenshot.mjs through
 * the browser that is connected. Writes data/screenshots/attachments.png
 * and attachment-view.png. The "photos" are drawn here with cairo. */

#define G_LOG_DOMAIN "fb-attachments-screenshots"

#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "fb-attachment-strip.h"
#include "fb-attachments.h"
#include "fb-fake-network-monitor.h"
#include "fb-sync-progress.h"
#include "fb-note-editor.h"
#include "fb-test-screenshot.h"
#include "fb-test-store.h"
#include "fb-test-wait.h"
#include "fb-window.h"
#include "sync-ui-test-util.h"

static const char *out_dir;
static const char *script;

static void
screenshot (const char *name)
{
  fb_test_screenshot (script, out_dir, name, "1280x800", 800);
}

static void
sky_and_water (cairo_t *cr,
               double   r,
               double   g,
               double   b)
{
  cairo_pattern_t *sky = cairo_pattern_create_linear (0, 0, 0, 500);

  cairo_pattern_add_color_stop_rgb (sky, 0, r, g, b);
  cairo_pattern_add_color_stop_rgb (sky, 1, 0.93, 0.91, 0.84);
  cairo_set_source (cr, sky);
  cairo_paint (cr);
  cairo_pattern_destroy (sky);

  cairo_set_source_rgb (cr, 0.33, 0.45, 0.50);
  cairo_rectangle (cr, 0, 480, 1200, 420);
  cairo_fill (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.25);
  for (int i = 0; i < 14; i++)
    {
      cairo_rectangle (cr, (i * 173) % 1100, 520 + i * 26, 80 + (i * 37) % 120, 3);
      cairo_fill (cr);
    }
  cairo_set_source_rgb (cr, 0.30, 0.38, 0.22);
  for (int i = 0; i < 40; i++)
    {
      double x = 20 + i * 29 + (i % 3) * 7;

      cairo_move_to (cr, x, 900);
      cairo_curve_to (cr, x + 4, 700, x + 12, 600 - (i % 5) * 20, x + 18, 520 - (i % 7) * 25);
      cairo_set_line_width (cr, 5);
      cairo_stroke (cr);
    }
}

static void
draw_heron (cairo_t *cr)
{
  sky_and_water (cr, 0.62, 0.74, 0.84);
  cairo_set_source_rgb (cr, 0.55, 0.57, 0.60);
  cairo_save (cr);
  cairo_translate (cr, 600, 420);
  cairo_scale (cr, 1.7, 1);
  cairo_arc (cr, 0, 0, 70, 0, 2 * G_PI);
  cairo_restore (cr);
  cairo_fill (cr);
  cairo_set_line_width (cr, 16);
  cairo_move_to (cr, 500, 400);
  cairo_curve_to (cr, 470, 330, 520, 280, 480, 220);
  cairo_stroke (cr);
  cairo_arc (cr, 478, 210, 22, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.85, 0.65, 0.20);
  cairo_move_to (cr, 460, 205);
  cairo_line_to (cr, 380, 215);
  cairo_line_to (cr, 460, 218);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.25, 0.25, 0.28);
  cairo_set_line_width (cr, 6);
  cairo_move_to (cr, 590, 480);
  cairo_line_to (cr, 585, 600);
  cairo_move_to (cr, 630, 480);
  cairo_line_to (cr, 640, 600);
  cairo_stroke (cr);
}

static void
draw_nest (cairo_t *cr)
{
  cairo_set_source_rgb (cr, 0.36, 0.42, 0.25);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.48, 0.36, 0.22);
  cairo_save (cr);
  cairo_translate (cr, 600, 470);
  cairo_scale (cr, 1.6, 1);
  cairo_arc (cr, 0, 0, 260, 0, 2 * G_PI);
  cairo_restore (cr);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.62, 0.50, 0.33);
  cairo_set_line_width (cr, 4);
  for (int i = 0; i < 60; i++)
    {
      double a = i * 0.37;

      cairo_move_to (cr, 600 + cos (a) * 380, 470 + sin (a) * 230);
      cairo_line_to (cr, 600 + cos (a + 0.9) * 330, 470 + sin (a + 0.9) * 200);
      cairo_stroke (cr);
    }
  cairo_set_source_rgb (cr, 0.30, 0.22, 0.14);
  cairo_save (cr);
  cairo_translate (cr, 600, 470);
  cairo_scale (cr, 1.6, 1);
  cairo_arc (cr, 0, 0, 160, 0, 2 * G_PI);
  cairo_restore (cr);
  cairo_fill (cr);
  for (int i = 0; i < 3; i++)
    {
      cairo_save (cr);
      cairo_translate (cr, 480 + i * 120, 460 + (i % 2) * 30);
      cairo_rotate (cr, 0.3 * (i - 1));
      cairo_scale (cr, 1, 1.35);
      cairo_arc (cr, 0, 0, 52, 0, 2 * G_PI);
      cairo_restore (cr);
      cairo_set_source_rgb (cr, 0.72, 0.82, 0.80);
      cairo_fill (cr);
    }
}

static void
draw_weir (cairo_t *cr)
{
  sky_and_water (cr, 0.80, 0.82, 0.86);
  cairo_set_source_rgb (cr, 0.56, 0.52, 0.46);
  cairo_rectangle (cr, 0, 380, 1200, 120);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.44, 0.40, 0.35);
  cairo_set_line_width (cr, 3);
  for (int row = 0; row < 3; row++)
    for (int i = 0; i < 12; i++)
      {
        cairo_rectangle (cr, i * 100 + (row % 2) * 50, 380 + row * 40, 100, 40);
        cairo_stroke (cr);
      }
  cairo_set_source_rgba (cr, 0.92, 0.95, 0.97, 0.8);
  cairo_rectangle (cr, 0, 500, 1200, 40);
  cairo_fill (cr);
}

static void
attach_drawing (FbStore    *store,
                const char *id,
                const char *name,
                void      (*draw) (cairo_t *cr))
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1200, 900);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(FbAttachment) added = NULL;
  g_autoptr(GError) error = NULL;

  draw (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  {
    g_autoptr(GBytes) pixels = g_bytes_new (cairo_image_surface_get_data (surface),
                                            cairo_image_surface_get_stride (surface) * 900);

    texture = gdk_memory_texture_new (1200, 900, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, pixels,
                                      cairo_image_surface_get_stride (surface));
  }
  png = gdk_texture_save_to_png_bytes (texture);
  cairo_surface_destroy (surface);
  stream = g_memory_input_stream_new_from_bytes (png);
  added = fb_store_add_attachment (store, id, name, "image/png", stream, NULL, &error);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(FbStore) store = NULL;
  g_autoptr(FbItem) note = NULL;
  g_autoptr(GInputStream) text = NULL;
  g_autoptr(FbAttachment) added = NULL;
  FbAttachmentStrip *strip;
  GtkWindow *viewer;
  FbWindow *window;
  static const char notes[] = "Heron 07:40 by the weir\nNest: three eggs, pale blue\n";

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

  dir = g_dir_make_tmp ("fb-attachments-screenshots-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "fieldbook.db", NULL);
  store = fb_store_new (path, &error);
  g_assert_no_error (error);

  g_clear_object (&note);
  note = fb_test_store_create_note (store, "Trail camera", "Check the card on Friday.\n");
  g_clear_object (&note);
  note = fb_test_store_create_note (store, "Mill pond survey",
                                    "Arrived 06:50. Mist on the water until about 07:30, then clear.\n\n"
                                    "- Grey heron fishing by the weir, 07:40\n"
                                    "- Moorhen nest in the reeds, three eggs\n"
                                    "- The weir's left wing is cracked again\n");
  attach_drawing (store, fb_item_get_id (note), "heron.png", draw_heron);
  attach_drawing (store, fb_item_get_id (note), "nest.png", draw_nest);
  attach_drawing (store, fb_item_get_id (note), "weir.png", draw_weir);
  text = g_memory_input_stream_new_from_data (notes, sizeof notes - 1, NULL);
  added = fb_store_add_attachment (store, fb_item_get_id (note), "tally.txt", "text/plain", text, NULL, &error);
  g_assert_no_error (error);

  window = fb_window_new (NULL, store);
  gtk_window_maximize (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
  strip = fb_note_editor_get_attachment_strip (FB_NOTE_EDITOR (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                                              FB_TYPE_WINDOW,
                                                                                              "note_editor")));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)) &&
              gtk_widget_get_width (GTK_WIDGET (window)) > 1000 &&
              fb_window_get_current_item (window) != NULL &&
              gtk_widget_get_mapped (GTK_WIDGET (strip)), 60000);
  screenshot ("attachments.png");

  /* The view is modal and transient for the window, and a desktop's
   * compositor centres it over the window. Broadway places every new
   * toplevel at the page's top left (its surface at 0,0, the frame 61,55
   * in, past the shadow; the conflict resolver and Preferences land on
   * the same spot), and GTK 4 gives an app no way to move a toplevel. */
  gtk_widget_activate_action (GTK_WIDGET (strip), "attachments.open", "s", "heron.png");
  WAIT_UNTIL ((viewer = fb_attachment_strip_get_viewer (strip)) != NULL &&
              gtk_widget_get_mapped (GTK_WIDGET (viewer)), 60000);
  screenshot ("attachment-view.png");
  gtk_window_destroy (viewer);
  WAIT_UNTIL (fb_attachment_strip_get_viewer (strip) == NULL, 60000);

  /* A photo on its way to the server, as the sync manager tells it: the
   * report is emitted here so the picture holds still at 40 %. */
  {
    g_autoptr(GNetworkMonitor) monitor = fb_fake_network_monitor_new (TRUE);
    g_autoptr(FbSyncManager) manager = fb_sync_manager_new (store, monitor);
    GtkProgressBar *bar;
    g_autoptr(FbAttachment) weir = fb_store_get_attachment (store, fb_item_get_id (note), "weir.png", &error);

    g_assert_no_error (error);
    fb_window_set_sync_manager (window, manager);
    g_signal_emit_by_name (manager, "transfer-progress", fb_item_get_id (note), "weir.png", FB_TRANSFER_UP,
                           ((guint64) weir->length * 2 + 4) / 5, (guint64) weir->length);
    bar = fb_attachment_strip_get_progress_bar (strip, "weir.png");
    WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (bar)), 60000);
    screenshot ("attachment-progress.png");
    g_signal_emit_by_name (manager, "transfer-progress", NULL, NULL, FB_TRANSFER_UP, (guint64) 0, (guint64) 0);
    fb_window_set_sync_manager (window, NULL);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
