/* records-screenshots.c: the template window, a typed record and the table of the real window, photographed */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Not a test: run it through tests/ui/records-screenshots.sh, which starts
 * it under broadway-run.sh; for each view it runs build-aux/screenshot.mjs
 * through the browser that is connected. Writes data/screenshots/
 * template-editor.png, record.png and table.png. */

#define G_LOG_DOMAIN "fb-records-screenshots"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "fb-record-table.h"
#include "fb-template.h"
#include "fb-template-window.h"
#include "fb-test-dir.h"
#include "fb-test-screenshot.h"
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
set_choices (JsonObject *field,
             const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ";", -1);
  JsonArray *choices = json_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    json_array_add_string_element (choices, parts[i]);
  json_object_set_array_member (field, "choices", choices);
}

static FbItem *
make_template (FbStore *store)
{
  g_autoptr(JsonObject) body = fb_template_body_new ("Bird sighting");
  g_autoptr(GError) error = NULL;
  JsonObject *field;
  FbItem *item;

  field = fb_template_add_field (body, "Species", FB_FIELD_CHOICE);
  json_object_set_boolean_member (field, "required", TRUE);
  set_choices (field, "Grey heron;Little egret;Great crested grebe;Kingfisher");
  field = fb_template_add_field (body, "Count", FB_FIELD_INTEGER);
  json_object_set_string_member (field, "unit", "birds");
  json_object_set_boolean_member (field, "required", TRUE);
  fb_template_add_field (body, "Seen at", FB_FIELD_DATE_TIME);
  fb_template_add_field (body, "Nesting", FB_FIELD_YES_NO);
  field = fb_template_add_field (body, "Behaviour", FB_FIELD_MULTIPLE_CHOICE);
  set_choices (field, "feeding;calling;flying;displaying");
  fb_template_add_field (body, "Where", FB_FIELD_LOCATION);
  fb_template_add_field (body, "Notes", FB_FIELD_LONG_TEXT);

  item = fb_store_create_item (store, FB_COLLECTION_TEMPLATES, body, &error);
  g_assert_no_error (error);
  return item;
}

static char *
add_record (FbStore    *store,
            FbItem     *template,
            const char *title,
            const char *species,
            const char *count,
            const char *seen_at,
            gboolean    nesting,
            const char *behaviour,
            const char *where,
            const char *notes)
{
  g_autoptr(JsonObject) body = fb_record_body_new_from_template (title, fb_item_get_id (template),
                                                                 fb_item_get_body (template));
  JsonObject *fields = fb_body_get_object (body, "fields");
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  if ((node = fb_field_value_from_text (FB_FIELD_CHOICE, species, NULL)) != NULL)
    json_object_set_member (fields, "Species", node);
  if ((node = fb_field_value_from_text (FB_FIELD_INTEGER, count, NULL)) != NULL)
    json_object_set_member (fields, "Count", node);
  json_object_set_member (fields, "Seen at", fb_field_value_from_text (FB_FIELD_DATE_TIME, seen_at, NULL));
  json_object_set_boolean_member (fields, "Nesting", nesting);
  json_object_set_member (fields, "Behaviour", fb_field_value_from_text (FB_FIELD_MULTIPLE_CHOICE, behaviour, NULL));
  json_object_set_member (fields, "Where", fb_field_value_from_text (FB_FIELD_LOCATION, where, NULL));
  json_object_set_member (fields, "Notes", fb_field_value_from_text (FB_FIELD_LONG_TEXT, notes, NULL));

  item = fb_store_create_item (store, FB_COLLECTION_RECORDS, body, &error);
  g_assert_no_error (error);
  return g_strdup (fb_item_get_id (item));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *problem = NULL;
  g_autoptr(FbStore) store = NULL;
  g_autoptr(FbItem) template = NULL;
  FbTemplateWindow *templates;
  FbRecordTable *table;
  FbWindow *window;

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

  template = make_template (store);
  g_free (add_record (store, template, "Weir, first light", "Grey heron", "1", "2026-11-28 07:40", FALSE,
                      "feeding", "52.2053, 0.1218", "Fishing below the weir, left at 08:05."));
  g_free (add_record (store, template, "Reed bed", "Little egret", "3", "2026-11-28 08:15", FALSE,
                      "feeding;flying", "52.2061, 0.1230", ""));
  g_free (add_record (store, template, "Middle of the pond", "Great crested grebe", "2", "2026-11-29 09:02",
                      TRUE, "displaying;calling", "52.2049, 0.1241", "A pair, head-shaking."));
  g_free (add_record (store, template, "Sluice", "Kingfisher", "1", "2026-11-30 07:55", FALSE,
                      "flying", "52.2044, 0.1209", "Flash of blue, downstream."));
  problem = add_record (store, template, "North bank", "Grey heron", "about six", "2026-12-01 07:20", TRUE,
                        "calling", "52.2070, 0.1225", "Heronry in the alders: nests hard to count.");

  window = fb_window_new (NULL, store);
  gtk_window_maximize (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)) &&
              gtk_widget_get_width (GTK_WIDGET (window)) > 1000, 60000);

  /* A typed record, with a problem said at its field. */
  fb_window_set_collection (window, FB_COLLECTION_RECORDS);
  {
    g_autoptr(FbItem) item = fb_store_get_item (store, problem, NULL);

    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-table", "s", fb_item_get_id (template));
    table = fb_window_get_record_table (window);
    g_signal_emit_by_name (table, "open-item", item);
    gtk_window_destroy (GTK_WINDOW (table));
  }
  WAIT_UNTIL (fb_window_get_current_item (window) != NULL &&
              g_strcmp0 (fb_item_get_id (fb_window_get_current_item (window)), problem) == 0, 60000);
  screenshot ("record.png");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-table", "s", fb_item_get_id (template));
  table = fb_window_get_record_table (window);
  gtk_window_set_default_size (GTK_WINDOW (table), 1100, 440);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (fb_record_table_get_view (table))), 60000);
  {
    g_autoptr(GtkColumnViewColumn) count = g_list_model_get_item (
      gtk_column_view_get_columns (fb_record_table_get_view (table)), 2);

    gtk_column_view_sort_by_column (fb_record_table_get_view (table), count, GTK_SORT_DESCENDING);
  }
  screenshot ("table.png");
  gtk_window_destroy (GTK_WINDOW (table));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-templates", NULL);
  templates = fb_window_get_template_window (window);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (fb_template_window_get_field_row (templates, 1))), 60000);
  adw_expander_row_set_expanded (fb_template_window_get_field_row (templates, 1), TRUE);
  screenshot ("template-editor.png");
  gtk_window_destroy (GTK_WINDOW (templates));

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&template);
  g_clear_object (&store);
  fb_test_remove_tree (dir);

  return 0;
}
