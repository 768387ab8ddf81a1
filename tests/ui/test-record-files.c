/* test-record-files.c: a template's photo field under Broadway: designed, attached through, removed, undone */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-record-files"

#include "config.h"

#include <adwaita.h>

#include "fb-attachment-drop.h"
#include "fb-attachment-strip.h"
#include "fb-attachments.h"
#include "fb-field-files.h"
#include "fb-record-editor.h"
#include "fb-store.h"
#include "fb-template.h"
#include "fb-template-window.h"
#include "fb-test-dir.h"
#include "fb-test-ui.h"
#include "fb-test-wait.h"
#include "fb-window.h"

#define WAIT_FOR(cond) WAIT_UNTIL (cond, 10 * 1000)

typedef struct
{
  char     *dir;
  FbStore  *store;
  FbWindow *window;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = fb_test_make_tmp_dir ();
  path = g_build_filename (fixture->dir, "fieldbook.db", NULL);
  fixture->store = fb_store_new (path, &error);
  g_assert_no_error (error);

  fixture->window = g_object_ref_sink (fb_window_new (NULL, fixture->store));
  gtk_window_present (GTK_WINDOW (fixture->window));
  WAIT_FOR (fb_test_is_shown (fb_test_template_child (fixture->window, FB_TYPE_WINDOW, "list_stack")));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);

  gtk_window_close (GTK_WINDOW (window));
  WAIT_FOR (!gtk_widget_get_visible (window) && G_OBJECT (window)->ref_count == 1);
  g_assert_finalize_object (g_steal_pointer (&fixture->window));
  WAIT_FOR (G_OBJECT (fixture->store)->ref_count == 1);
  g_assert_finalize_object (g_steal_pointer (&fixture->store));

  fb_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* A small PNG (a brown square, as a nest might be) in the test folder. */
static GFile *
write_png (Fixture    *fixture,
           const char *name)
{
  static const guint8 brown[4] = { 0x8f, 0x59, 0x02, 0xff };
  g_autoptr(GByteArray) pixels = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

  for (guint i = 0; i < 16 * 16; i++)
    g_byte_array_append (pixels, brown, sizeof brown);
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&pixels));
  texture = gdk_memory_texture_new (16, 16, GDK_MEMORY_R8G8B8A8, bytes, 16 * 4);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  return g_file_new_for_path (path);
}

static JsonObject *
record_body (Fixture    *fixture,
             const char *id)
{
  g_autoptr(FbItem) item = fb_store_get_item (fixture->store, id, NULL);

  g_assert_nonnull (item);
  return fb_body_copy (fb_item_get_body (item));
}

/* The record's stored "Photos" and attachments, as "a,b|a,b". */
static char *
stored (Fixture    *fixture,
        const char *id)
{
  g_autoptr(JsonObject) body = record_body (fixture, id);
  g_autofree char *photos = fb_field_value_to_text (FB_FIELD_PHOTO,
                                                    json_object_get_member (fb_body_get_object (body, "fields"),
                                                                            "Photos"));
  g_autoptr(GPtrArray) attachments = fb_body_list_attachments (body);
  g_autoptr(GString) out = g_string_new (photos);

  g_string_append_c (out, '|');
  for (guint i = 0; i < attachments->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "," : "",
                            ((FbAttachment *) g_ptr_array_index (attachments, i))->name);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
stored_is (Fixture    *fixture,
           const char *id,
           const char *expected)
{
  g_autofree char *now = stored (fixture, id);

  return g_strcmp0 (now, expected) == 0;
}

static gboolean
shown_is (FbFieldFiles *files,
          const char   *expected)
{
  g_auto(GStrv) names = fb_field_files_dup_names (files);
  g_autofree char *joined = g_strjoinv (",", names);

  return g_strcmp0 (joined, expected) == 0;
}

/* Lets go of @file over @widget (inside the record editor), as a file
 * manager's drag would. */
static gboolean
drop_onto (FbRecordEditor *editor,
           GtkWidget      *widget,
           GFile          *file)
{
  GtkDropTarget *target = fb_attachment_drop_get_target (GTK_WIDGET (editor));
  g_auto(GValue) value = G_VALUE_INIT;
  graphene_point_t inside = GRAPHENE_POINT_INIT (4, 4), point;
  GSList *files = g_slist_append (NULL, file);
  gboolean done = FALSE;

  g_assert_nonnull (target);
  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (editor), &inside, &point));
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
  g_slist_free (files);
  g_signal_emit_by_name (target, "drop", &value, (double) point.x, (double) point.y, &done);
  return done;
}

/* A person adds a photo field to a template, attaches a picture by
 * dropping it onto the field, sees its thumbnail, removes it and undoes. */
static void
test_photo_field (Fixture       *fixture,
                  gconstpointer  data)
{
  FbRecordEditor *editor = fb_test_template_child (fixture->window, FB_TYPE_WINDOW, "record_editor");
  FbAttachmentStrip *strip = fb_record_editor_get_attachment_strip (editor);
  FbTemplateWindow *window;
  GtkEditable *new_field;
  g_autoptr(GFile) nest = write_png (fixture, "nest.png");
  g_autoptr(GFile) eggs = write_png (fixture, "eggs.png");
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(FbItem) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *template_id = NULL;
  g_auto(GStrv) strip_names = NULL;
  FbFieldFiles *files;
  GtkWidget *input;
  AdwToast *toast;

  /* The template: a field named, then "Photos" from the type list. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.edit-templates", NULL));
  window = fb_window_get_template_window (fixture->window);
  WAIT_FOR (fb_test_is_shown (GTK_WIDGET (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "template.new", NULL));
  gtk_editable_set_text (fb_template_window_get_name_entry (window), "Nest survey");
  new_field = fb_template_window_get_new_field_row (window);
  gtk_editable_set_text (new_field, "Photos");
  g_signal_emit_by_name (new_field, "entry-activated");
  WAIT_FOR (fb_template_window_get_type_row (window, 0) != NULL);
  adw_combo_row_set_selected (fb_template_window_get_type_row (window, 0), FB_FIELD_PHOTO);
  gtk_switch_set_active (fb_template_window_get_required_switch (window, 0), TRUE);
  g_assert_cmpstr (adw_expander_row_get_subtitle (fb_template_window_get_field_row (window, 0)),
                   ==, "Photos, required");
  template_id = g_strdup (fb_template_window_get_current_id (window));
  gtk_window_close (GTK_WINDOW (window));
  WAIT_FOR (fb_window_get_template_window (fixture->window) == NULL);

  /* A record of it, open in the window. */
  {
    g_autoptr(FbItem) template = fb_store_get_item (fixture->store, template_id, &error);

    g_assert_no_error (error);
    g_assert_cmpint (fb_template_field_get_type (fb_template_find_field (fb_item_get_body (template), "Photos")),
                     ==, FB_FIELD_PHOTO);
    body = fb_record_body_new_from_template ("Nest 4", template_id, fb_item_get_body (template));
  }
  record = fb_store_create_item (fixture->store, FB_COLLECTION_RECORDS, body, &error);
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.collection", "s", "records"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.open-item", "s",
                                             fb_item_get_id (record)));
  WAIT_FOR ((input = fb_record_editor_get_field_input (editor, "Photos")) != NULL && fb_test_is_shown (input));

  /* The field: an Attach… button, no tiles yet, the problem in words. */
  files = fb_field_files_find (input);
  g_assert_nonnull (files);
  g_assert_true (GTK_IS_BUTTON (input));
  g_assert_true (gtk_widget_is_sensitive (input));
  g_assert_cmpstr (fb_record_editor_get_field_problem (editor, "Photos"), ==, "Photos is required");

  /* Dropped onto the field: attached to the record and named by the field. */
  g_assert_true (drop_onto (editor, input, nest));
  WAIT_FOR (shown_is (files, "nest.png"));
  g_assert_true (stored_is (fixture, fb_item_get_id (record), "nest.png|nest.png"));
  g_assert_true (fb_field_files_shows_picture (files, "nest.png"));
  g_assert_nonnull (fb_field_files_get_detail (files, "nest.png"));
  g_assert_cmpstr (fb_field_files_get_detail (files, "nest.png"), !=, "Not attached");
  g_assert_null (fb_record_editor_get_field_problem (editor, "Photos"));
  /* Shown once: the field has it, so the record's strip does not. */
  strip_names = fb_attachment_strip_dup_names (strip);
  g_assert_cmpstrv (strip_names, ((const char *[]) { NULL }));

  /* A drop elsewhere on the record goes to the strip, not the field. */
  g_assert_true (drop_onto (editor, GTK_WIDGET (fb_record_editor_get_title_entry (editor)), eggs));
  WAIT_FOR (stored_is (fixture, fb_item_get_id (record), "nest.png|eggs.png,nest.png"));
  g_assert_true (shown_is (files, "nest.png"));
  g_clear_pointer (&strip_names, g_strfreev);
  strip_names = fb_attachment_strip_dup_names (strip);
  g_assert_cmpstrv (strip_names, ((const char *[]) { "eggs.png", NULL }));

  /* Removed with the tile's button: gone from the field and the record. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (files), "field-files.remove", "s", "nest.png"));
  WAIT_FOR (shown_is (files, ""));
  g_assert_true (stored_is (fixture, fb_item_get_id (record), "|eggs.png"));
  g_assert_cmpstr (fb_record_editor_get_field_problem (editor, "Photos"), ==, "Photos is required");
  toast = fb_field_files_get_toast (files);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "“nest.png” removed");

  /* Undo in the toast: back in both. */
  g_signal_emit_by_name (toast, "button-clicked");
  WAIT_FOR (shown_is (files, "nest.png"));
  g_assert_true (stored_is (fixture, fb_item_get_id (record), "nest.png|eggs.png,nest.png"));
  g_assert_true (fb_field_files_shows_picture (files, "nest.png"));
  g_assert_null (fb_record_editor_get_field_problem (editor, "Photos"));

  /* The strip's own file removed there and back with its Undo; the
   * field's photo stays in the field, never in the strip. */
  g_clear_pointer (&strip_names, g_strfreev);
  strip_names = fb_attachment_strip_dup_names (strip);
  g_assert_cmpstrv (strip_names, ((const char *[]) { "eggs.png", NULL }));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (strip), "attachments.remove", "s", "eggs.png"));
  WAIT_FOR (stored_is (fixture, fb_item_get_id (record), "nest.png|nest.png"));
  g_clear_pointer (&strip_names, g_strfreev);
  strip_names = fb_attachment_strip_dup_names (strip);
  g_assert_cmpstrv (strip_names, ((const char *[]) { NULL }));
  g_assert_true (shown_is (files, "nest.png"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (strip), "attachments.undo-remove", NULL));
  WAIT_FOR (stored_is (fixture, fb_item_get_id (record), "nest.png|eggs.png,nest.png"));
  g_clear_pointer (&strip_names, g_strfreev);
  strip_names = fb_attachment_strip_dup_names (strip);
  g_assert_cmpstrv (strip_names, ((const char *[]) { "eggs.png", NULL }));

  /* Renamed in the field: still the field's, still not in the strip. */
  g_assert_true (fb_store_rename_attachment (fixture->store, fb_item_get_id (record), "nest.png", "nest 4.png", &error));
  g_assert_no_error (error);
  WAIT_FOR (shown_is (files, "nest 4.png"));
  g_clear_pointer (&strip_names, g_strfreev);
  strip_names = fb_attachment_strip_dup_names (strip);
  g_assert_cmpstrv (strip_names, ((const char *[]) { "eggs.png", NULL }));
}

static AdwMessageDialog *
open_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

/* The window's CSV import of records whose photo column names files they
 * do not have (a CSV carries names, not files): the names are kept, and
 * the toast says so, as the command line does. */
static void
test_csv_import_names_kept (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "nests.csv", NULL);
  g_autoptr(JsonObject) template = fb_template_body_new ("Nest survey");
  g_autoptr(FbItem) template_item = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  fb_template_add_field (template, "Photos", FB_FIELD_PHOTO);
  template_item = fb_store_create_item (fixture->store, FB_COLLECTION_TEMPLATES, template, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path,
                                      "title,Photos\n"
                                      "Nest 1,nest.jpg; eggs.jpg\n"
                                      "Nest 2,\n", -1, NULL));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.import-csv-from", "(ss)",
                                             fb_item_get_id (template_item), path));
  WAIT_FOR ((dialog = open_dialog ()) != NULL);
  adw_message_dialog_response (dialog, "import");
  gtk_window_close (GTK_WINDOW (dialog));
  WAIT_FOR (open_dialog () == NULL);
  g_assert_cmpstr (adw_toast_get_title (fb_window_get_last_toast (fixture->window)), ==,
                   "Imported 2 records; 2 file names are not attached: kept and marked as problems");
  records = fb_store_list_template_records (fixture->store, fb_item_get_id (template_item), NULL);
  g_assert_cmpuint (records->len, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/record-files/photo-field", Fixture, NULL, fixture_setup, test_photo_field, fixture_teardown);
  g_test_add ("/record-files/csv-import-names-kept", Fixture, NULL, fixture_setup,
              test_csv_import_names_kept, fixture_teardown);

  return g_test_run ();
}
