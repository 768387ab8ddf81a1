/* record-files-screenshots.c: a record with a photo field and a file field, photographed */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Not a test: run it through tests/ui/record-files-screenshots.sh, which
 * starts it under broadway-run.sh. Writes data/screenshots/record-photos.png. */

#define G_LOG_DOMAIN "fb-record-files-screenshots"

#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "fb-record-files.h"
#include "fb-template.h"
#include "fb-test-dir.h"
#include "fb-test-screenshot.h"
#include "fb-test-wait.h"
#include "fb-window.h"
#include "sync-ui-test-util.h"

/* Alders, and a nest of sticks among them, seen from below. */
static void
draw_nest (cairo_t *cr)
{
  cairo_pattern_t *sky = cairo_pattern_create_linear (0, 0, 0, 600);

  cairo_pattern_add_color_stop_rgb (sky, 0, 0.64, 0.76, 0.86);
  cairo_pattern_add_color_stop_rgb (sky, 1, 0.90, 0.91, 0.86);
  cairo_set_source (cr, sky);
  cairo_paint (cr);
  cairo_pattern_destroy (sky);

  cairo_set_source_rgb (cr, 0.30, 0.27, 0.22);
  cairo_set_line_width (cr, 10);
  for (int i = 0; i < 7; i++)
    {
      cairo_move_to (cr, 60 + i * 130, 600);
      cairo_curve_to (cr, 80 + i * 130, 400, 40 + i * 140, 200, 120 + i * 120, 0);
      cairo_stroke (cr);
    }
  cairo_set_source_rgb (cr, 0.42, 0.33, 0.20);
  cairo_set_line_width (cr, 5);
  for (int i = 0; i < 50; i++)
    {
      double a = i * 0.41;

      cairo_move_to (cr, 400 + cos (a) * 170, 230 + sin (a) * 60);
      cairo_line_to (cr, 400 + cos (a + 1.1) * 150, 240 + sin (a + 1.1) * 55);
      cairo_stroke (cr);
    }
}

/* Three pale blue eggs in the cup of the nest. */
static void
draw_eggs (cairo_t *cr)
{
  cairo_set_source_rgb (cr, 0.40, 0.31, 0.19);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.55, 0.44, 0.28);
  cairo_set_line_width (cr, 4);
  for (int i = 0; i < 80; i++)
    {
      double a = i * 0.29;

      cairo_move_to (cr, 400 + cos (a) * 380, 300 + sin (a) * 280);
      cairo_line_to (cr, 400 + cos (a + 0.8) * 300, 300 + sin (a + 0.8) * 240);
      cairo_stroke (cr);
    }
  for (int i = 0; i < 3; i++)
    {
      cairo_save (cr);
      cairo_translate (cr, 290 + i * 110, 300 + (i % 2) * 40);
      cairo_rotate (cr, 0.4 * (i - 1));
      cairo_scale (cr, 1, 1.3);
      cairo_arc (cr, 0, 0, 48, 0, 2 * G_PI);
      cairo_restore (cr);
      cairo_set_source_rgb (cr, 0.70, 0.83, 0.82);
      cairo_fill (cr);
    }
}

static GInputStream *
drawing (void (*draw) (cairo_t *cr))
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 800, 600);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;

  draw (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  {
    g_autoptr(GBytes) pixels = g_bytes_new (cairo_image_surface_get_data (surface),
                                            cairo_image_surface_get_stride (surface) * 600);

    texture = gdk_memory_texture_new (800, 600, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, pixels,
                                      cairo_image_surface_get_stride (surface));
  }
  png = gdk_texture_save_to_png_bytes (texture);
  cairo_surface_destroy (surface);
  return g_memory_input_stream_new_from_bytes (png);
}

static void
attach (FbStore      *store,
        const char   *id,
        const char   *field,
        const char   *name,
        const char   *type,
        GInputStream *data)
{
  g_autoptr(GInputStream) owned = data;
  g_autoptr(FbAttachment) added = NULL;
  g_autoptr(GError) error = NULL;

  added = fb_store_attach_to_field (store, id, field, name, type, data, NULL, &error);
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
  g_autoptr(FbItem) template = NULL;
  g_autoptr(FbItem) record = NULL;
  g_autoptr(JsonObject) body = fb_template_body_new ("Nest survey");
  g_autoptr(JsonObject) record_body = NULL;
  static const char permit[] = "%PDF-1.4\n% a ringing permit\n";
  FbWindow *window;
  const char *out_dir, *script;

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

  dir = fb_test_make_tmp_dir ();
  path = g_build_filename (dir, "fieldbook.db", NULL);
  store = fb_store_new (path, &error);
  g_assert_no_error (error);

  fb_template_add_field (body, "Tree", FB_FIELD_TEXT);
  json_object_set_string_member (fb_template_add_field (body, "Eggs", FB_FIELD_INTEGER), "unit", "eggs");
  json_object_set_boolean_member (fb_template_add_field (body, "Photos", FB_FIELD_PHOTO), "required", TRUE);
  fb_template_add_field (body, "Papers", FB_FIELD_FILE);
  template = fb_store_create_item (store, FB_COLLECTION_TEMPLATES, body, &error);
  g_assert_no_error (error);

  record_body = fb_record_body_new_from_template ("Alder nest, north bank", fb_item_get_id (template), body);
  json_object_set_string_member (fb_body_get_object (record_body, "fields"), "Tree", "Alder, third from the sluice");
  json_object_set_int_member (fb_body_get_object (record_body, "fields"), "Eggs", 3);
  /* A name from an imported CSV whose file is not here: said at the field. */
  json_object_set_member (fb_body_get_object (record_body, "fields"), "Papers",
                          fb_field_value_from_text (FB_FIELD_FILE, "site map.pdf", NULL));
  record = fb_store_create_item (store, FB_COLLECTION_RECORDS, record_body, &error);
  g_assert_no_error (error);
  attach (store, fb_item_get_id (record), "Photos", "nest from below.png", "image/png", drawing (draw_nest));
  attach (store, fb_item_get_id (record), "Photos", "three eggs.png", "image/png", drawing (draw_eggs));
  attach (store, fb_item_get_id (record), "Papers", "ringing permit.pdf", "application/pdf",
          g_memory_input_stream_new_from_data (permit, sizeof permit - 1, NULL));

  window = fb_window_new (NULL, store);
  gtk_window_maximize (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)) &&
              gtk_widget_get_width (GTK_WIDGET (window)) > 1000, 60000);

  fb_window_set_collection (window, FB_COLLECTION_RECORDS);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-item", "s", fb_item_get_id (record));
  WAIT_UNTIL (fb_window_get_current_item (window) != NULL, 60000);
  fb_test_screenshot (script, out_dir, "record-photos.png", "1280x800", 1000);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&record);
  g_clear_object (&template);
  g_clear_object (&store);
  fb_test_remove_tree (dir);
  return 0;
}
