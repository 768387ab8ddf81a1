/* test-window.c: the main window, driven as a person would, under Broadway */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-window"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "fb-attachments.h"
#include "fb-history-dialog.h"
#include "fb-item-body.h"
#include "fb-item-row.h"
#include "fb-note-editor.h"
#include "fb-record-editor.h"
#include "fb-store.h"
#include "fb-store-history.h"
#include "fb-store-private.h"
#include "fb-test-dir.h"
#include "fb-test-wait.h"
#include "fb-trash-window.h"
#include "fb-window.h"

#define WAIT_SECONDS 10

typedef struct
{
  char     *dir;
  char     *db_path;
  FbStore  *store;
  FbWindow *window;
} Fixture;

/* ---- Waiting: iterate the main context until @cond holds, or fail ---- */

/* WAIT_UNTIL is tests/support/fb-test-wait.h. */
#define WAIT_FOR(cond) WAIT_UNTIL (cond, WAIT_SECONDS * 1000)

/* ---- Reaching into the window, as a person's eyes would ---- */

static gpointer
child (Fixture    *fixture,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                   FB_TYPE_WINDOW, name);
  g_assert_nonnull (object);
  return object;
}

static FbNoteEditor *
note_editor (Fixture *fixture)
{
  return child (fixture, "note_editor");
}

static FbRecordEditor *
record_editor (Fixture *fixture)
{
  return child (fixture, "record_editor");
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *titles)
{
  if (FB_IS_ITEM_ROW (widget))
    {
      if (gtk_widget_get_mapped (widget) && fb_item_row_get_item (FB_ITEM_ROW (widget)) != NULL)
        g_ptr_array_add (titles, g_strdup (fb_item_row_get_title (FB_ITEM_ROW (widget))));
      return;
    }

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_rows (c, titles);
}

/* The titles of the rows on screen, top to bottom, joined by "|". */
static char *
visible_rows (Fixture *fixture)
{
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);

  collect_rows (child (fixture, "list_view"), titles);
  g_ptr_array_add (titles, NULL);

  return g_strjoinv ("|", (char **) titles->pdata);
}

static gboolean
rows_are (Fixture    *fixture,
          const char *expected)
{
  g_autofree char *rows = visible_rows (fixture);

  return g_strcmp0 (rows, expected) == 0;
}

static gboolean
is_showing (gpointer widget)
{
  return gtk_widget_get_mapped (GTK_WIDGET (widget)) &&
         gtk_widget_get_width (GTK_WIDGET (widget)) > 0;
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

static gboolean
buffer_is (GtkTextBuffer *buffer,
           const char    *expected)
{
  g_autofree char *text = buffer_text (buffer);

  return g_strcmp0 (text, expected) == 0;
}

static void
type_text (GtkTextBuffer *buffer,
           const char    *text)
{
  gtk_text_buffer_insert_interactive_at_cursor (buffer, text, -1, TRUE);
}

static void
activate (Fixture    *fixture,
          const char *action,
          const char *format,
          ...)
{
  va_list args;
  GVariant *parameter = NULL;

  if (format != NULL)
    {
      va_start (args, format);
      parameter = g_variant_new_va (format, NULL, &args);
      va_end (args);
    }

  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (fixture->window), action, parameter));
}

/* ---- Opening and closing ---- */

static void
open_window (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->store = fb_store_new (fixture->db_path, &error);
  g_assert_no_error (error);

  fixture->window = g_object_ref_sink (fb_window_new (NULL, fixture->store));
  gtk_window_present (GTK_WINDOW (fixture->window));
  WAIT_FOR (is_showing (child (fixture, "list_stack")));
}

/* Closes as a person does (close-request), then checks nothing is left. */
static void
close_window (Fixture *fixture)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);

  gtk_window_close (GTK_WINDOW (window));
  WAIT_FOR (!gtk_widget_get_visible (window) && G_OBJECT (window)->ref_count == 1);
  g_assert_finalize_object (g_steal_pointer (&fixture->window));

  WAIT_FOR (G_OBJECT (fixture->store)->ref_count == 1);
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = NULL;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  fixture->dir = g_dir_make_tmp ("fb-test-window-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (fixture->dir, "fieldbook.db", NULL);

  /* Each test starts in the notes, whatever the previous one left. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "io.github.fieldbook.Fieldbook", TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "last-collection"))
    {
      settings = g_settings_new_full (schema, NULL, NULL);
      g_settings_reset (settings, "last-collection");
    }

  open_window (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->window != NULL)
    close_window (fixture);

  fb_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->db_path);
}

/* ---- Tests ---- */

static void
test_empty_collections (Fixture       *fixture,
                        gconstpointer  data)
{
  AdwStatusPage *empty_page = child (fixture, "empty_page");

  WAIT_FOR (is_showing (empty_page));
  g_assert_cmpstr (adw_status_page_get_title (empty_page), ==, "No Notes Yet");
  g_assert_cmpstr (adw_status_page_get_description (empty_page), ==,
                   "Press Ctrl+N or the + button to write your first note");
  g_assert_false (gtk_widget_is_sensitive (child (fixture, "delete_button")));
  g_assert_cmpstr (gtk_label_get_text (child (fixture, "notes_count")), ==, "0");

  /* Icon-only buttons say what they do, in words. */
  gtk_test_accessible_assert_property (child (fixture, "new_button"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "New Note");
  gtk_test_accessible_assert_property (child (fixture, "delete_button"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Delete Note");

  activate (fixture, "win.collection", "s", "records");
  WAIT_FOR (g_strcmp0 (adw_status_page_get_title (empty_page), "No Records Yet") == 0);
  gtk_test_accessible_assert_property (child (fixture, "new_button"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "New Record");
  g_assert_true (is_showing (empty_page));
  g_assert_cmpstr (fb_window_get_collection (fixture->window), ==, "records");
  g_assert_true (gtk_list_box_row_is_selected (child (fixture, "records_row")));
}

static void
test_note_survives_close (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkEditable *title;
  GtkTextBuffer *buffer;
  GtkWidget *title_widget;

  activate (fixture, "win.new-item", NULL);
  title = fb_note_editor_get_title_entry (note_editor (fixture));
  title_widget = GTK_WIDGET (title);
  WAIT_FOR (is_showing (title_widget));
  g_assert_true (gtk_widget_has_focus (title_widget) || gtk_widget_is_focus (title_widget) ||
                 gtk_widget_get_focus_child (title_widget) != NULL);
  WAIT_FOR (rows_are (fixture, "Untitled"));
  g_assert_true (gtk_widget_is_sensitive (child (fixture, "delete_button")));
  g_assert_false (is_showing (child (fixture, "empty_page")));

  gtk_editable_set_text (title, "Field trip");
  buffer = fb_note_editor_get_buffer (note_editor (fixture));
  type_text (buffer, "# Day one\n\nHeron by the weir, 7:40.");

  /* Closing at once, before the debounced save, must not lose a keystroke. */
  close_window (fixture);
  open_window (fixture);

  WAIT_FOR (rows_are (fixture, "Field trip"));
  title = fb_note_editor_get_title_entry (note_editor (fixture));
  buffer = fb_note_editor_get_buffer (note_editor (fixture));
  WAIT_FOR (is_showing (title));
  g_assert_cmpstr (gtk_editable_get_text (title), ==, "Field trip");
  g_assert_true (buffer_is (buffer, "# Day one\n\nHeron by the weir, 7:40."));
  g_assert_cmpstr (gtk_label_get_text (child (fixture, "notes_count")), ==, "1");
}

static FbItem *
stored_item (Fixture *fixture)
{
  FbItem *current = fb_window_get_current_item (fixture->window);
  g_autoptr(GError) error = NULL;
  FbItem *item;

  g_assert_nonnull (current);
  item = fb_store_get_item (fixture->store, fb_item_get_id (current), &error);
  g_assert_no_error (error);
  return item;
}

static gboolean
stored_text_is (Fixture    *fixture,
                const char *text)
{
  g_autoptr(FbItem) item = stored_item (fixture);

  return g_strcmp0 (fb_item_get_text (item), text) == 0;
}

static void
test_saves_while_typing (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkTextBuffer *buffer = fb_note_editor_get_buffer (note_editor (fixture));

  activate (fixture, "win.new-item", NULL);
  type_text (buffer, "Tide");
  /* Debounced: not saved at once... */
  g_assert_true (stored_text_is (fixture, ""));
  /* ...but soon after the last keystroke, with nothing else happening. */
  WAIT_FOR (stored_text_is (fixture, "Tide"));

  /* Saving moves the note to the top of the list: it stays open and selected. */
  activate (fixture, "win.new-item", NULL);
  gtk_editable_set_text (fb_note_editor_get_title_entry (note_editor (fixture)), "Second");
  WAIT_FOR (rows_are (fixture, "Second|Untitled"));
  g_assert_cmpstr (gtk_editable_get_text (fb_note_editor_get_title_entry (note_editor (fixture))), ==, "Second");
}

static void
create_note (Fixture    *fixture,
             const char *title,
             const char *text)
{
  activate (fixture, "win.new-item", NULL);
  gtk_editable_set_text (fb_note_editor_get_title_entry (note_editor (fixture)), title);
  type_text (fb_note_editor_get_buffer (note_editor (fixture)), text);
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  GtkEditable *search = child (fixture, "search_entry");

  create_note (fixture, "Shopping", "Milk, eggs, bread");
  create_note (fixture, "Birds", "Heron, kingfisher, two egrets");
  create_note (fixture, "Weather", "Rain after noon");
  /* Switching notes saves the one before; the last one is saved by search. */
  WAIT_FOR (rows_are (fixture, "Weather|Birds|Shopping"));

  activate (fixture, "win.search", NULL);
  WAIT_FOR (gtk_widget_get_focus_child (GTK_WIDGET (search)) != NULL);

  gtk_editable_set_text (search, "kingf");
  WAIT_FOR (rows_are (fixture, "Birds"));

  gtk_editable_set_text (search, "zzzz");
  WAIT_FOR (is_showing (child (fixture, "no_results_page")));
  g_assert_cmpstr (adw_status_page_get_title (child (fixture, "no_results_page")), ==, "No Results");

  gtk_editable_set_text (search, "");
  WAIT_FOR (rows_are (fixture, "Weather|Birds|Shopping"));
}

static void
test_delete_and_undo (Fixture       *fixture,
                      gconstpointer  data)
{
  AdwToast *toast;
  GVariant *target;

  create_note (fixture, "Keep", "stays");
  create_note (fixture, "Lose", "goes, then comes back");
  WAIT_FOR (rows_are (fixture, "Lose|Keep"));

  /* Delete from the list, as the Delete key does there. */
  gtk_widget_grab_focus (child (fixture, "list_view"));
  activate (fixture, "win.delete-item", NULL);
  WAIT_FOR (rows_are (fixture, "Keep"));
  g_assert_cmpstr (gtk_editable_get_text (fb_note_editor_get_title_entry (note_editor (fixture))), ==, "Keep");

  toast = fb_window_get_last_toast (fixture->window);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "“Lose” deleted");
  g_assert_cmpstr (adw_toast_get_button_label (toast), ==, "_Undo");
  g_assert_cmpstr (adw_toast_get_action_name (toast), ==, "win.undo-delete");

  /* What the Undo button does. */
  target = adw_toast_get_action_target_value (toast);
  g_assert_nonnull (target);
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (fixture->window),
                                                     adw_toast_get_action_name (toast), target));
  WAIT_FOR (g_strcmp0 (gtk_editable_get_text (fb_note_editor_get_title_entry (note_editor (fixture))), "Lose") == 0);
  WAIT_FOR (rows_are (fixture, "Lose|Keep"));
  g_assert_true (buffer_is (fb_note_editor_get_buffer (note_editor (fixture)), "goes, then comes back"));

  /* It is really back: it survives a restart. */
  close_window (fixture);
  open_window (fixture);
  WAIT_FOR (rows_are (fixture, "Lose|Keep"));
}

/* Duplicate opens a copy of what is on screen, typed text included, titled
 * as a copy; the original stays as it was, and both outlive a restart. */
static void
test_duplicate (Fixture       *fixture,
                gconstpointer  data)
{
  GtkEditable *title = fb_note_editor_get_title_entry (note_editor (fixture));
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GError) error = NULL;

  create_note (fixture, "Transect, week 14", "Overcast, light wind.");
  WAIT_FOR (rows_are (fixture, "Transect, week 14"));
  /* Typed just before: not saved yet. */
  type_text (fb_note_editor_get_buffer (note_editor (fixture)), " Two herons.");

  activate (fixture, "win.duplicate-item", NULL);
  WAIT_FOR (rows_are (fixture, "Transect, week 14 (copy)|Transect, week 14"));
  g_assert_cmpstr (gtk_editable_get_text (title), ==, "Transect, week 14 (copy)");
  g_assert_true (buffer_is (fb_note_editor_get_buffer (note_editor (fixture)),
                            "Overcast, light wind. Two herons."));

  notes = fb_store_list_items (fixture->store, FB_COLLECTION_NOTES, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notes->len, ==, 2);
  for (guint i = 0; i < notes->len; i++)
    g_assert_cmpstr (fb_item_get_text (notes->pdata[i]), ==, "Overcast, light wind. Two herons.");

  close_window (fixture);
  open_window (fixture);
  WAIT_FOR (rows_are (fixture, "Transect, week 14 (copy)|Transect, week 14"));
}

/* A file only the server has cannot go with a copy: the window says so
 * rather than leaving the copy silently short of it. */
static void
test_duplicate_without_file (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data ("grey heron", 10, NULL);
  g_autoptr(FbAttachment) photo = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  AdwToast *toast;

  create_note (fixture, "Weir", "Heron at 07:40.");
  WAIT_FOR (rows_are (fixture, "Weir"));
  photo = fb_store_add_attachment (fixture->store, fb_item_get_id (fb_window_get_current_item (fixture->window)),
                                   "heron.jpg", "image/jpeg", in, NULL, &error);
  g_assert_no_error (error);
  /* As on a device that has not downloaded it yet. */
  file = fb_store_get_attachment_file (fixture->store, photo->digest, &error);
  g_assert_true (g_file_delete (file, NULL, &error));
  g_assert_no_error (error);

  activate (fixture, "win.duplicate-item", NULL);
  WAIT_FOR (rows_are (fixture, "Weir (copy)|Weir"));
  toast = fb_window_get_last_toast (fixture->window);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==,
                   "1 attachment was not copied: only the server has its file. "
                   "Open it in the original to download it, then duplicate again.");
}

static char *
joined_fields (Fixture *fixture)
{
  g_auto(GStrv) names = fb_record_editor_get_field_names (record_editor (fixture));
  GString *out = g_string_new (NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      GtkEditable *row = fb_record_editor_get_field_row (record_editor (fixture), names[i]);

      g_string_append_printf (out, "%s%s=%s", i > 0 ? "|" : "", names[i], gtk_editable_get_text (row));
    }

  return g_string_free (out, FALSE);
}

static gboolean
fields_are (Fixture    *fixture,
            const char *expected)
{
  g_autofree char *fields = joined_fields (fixture);

  return g_strcmp0 (fields, expected) == 0;
}

static void
add_field_as_a_person (Fixture    *fixture,
                       const char *name,
                       const char *value)
{
  GtkEditable *new_row = fb_record_editor_get_new_field_row (record_editor (fixture));
  GtkEditable *row;

  gtk_editable_set_text (new_row, name);
  g_signal_emit_by_name (new_row, "apply");
  row = fb_record_editor_get_field_row (record_editor (fixture), name);
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_editable_get_text (new_row), ==, "");
  WAIT_FOR (is_showing (row));
  gtk_editable_set_text (row, value);
}

static void
test_record_fields (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkEditable *new_row;
  g_autoptr(FbItem) item = NULL;
  JsonArray *order;

  activate (fixture, "win.collection", "s", "records");
  activate (fixture, "win.new-item", NULL);
  WAIT_FOR (is_showing (fb_record_editor_get_title_entry (record_editor (fixture))));
  gtk_editable_set_text (fb_record_editor_get_title_entry (record_editor (fixture)), "Heron nest 4");

  add_field_as_a_person (fixture, "Species", "Grey heron");
  add_field_as_a_person (fixture, "Count", "3");
  add_field_as_a_person (fixture, "Notes", "scratch");
  g_assert_true (fields_are (fixture, "Species=Grey heron|Count=3|Notes=scratch"));

  /* A name already in use is refused, and the row says so. */
  new_row = fb_record_editor_get_new_field_row (record_editor (fixture));
  gtk_editable_set_text (new_row, "Count");
  g_signal_emit_by_name (new_row, "apply");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (new_row), "error"));
  g_assert_true (fields_are (fixture, "Species=Grey heron|Count=3|Notes=scratch"));
  gtk_editable_set_text (new_row, "");

  gtk_widget_activate_action (GTK_WIDGET (record_editor (fixture)), "record.rename-field",
                              "(ss)", "Count", "Eggs");
  gtk_widget_activate_action (GTK_WIDGET (record_editor (fixture)), "record.remove-field",
                              "s", "Notes");
  g_assert_true (fields_are (fixture, "Species=Grey heron|Eggs=3"));
  gtk_editable_set_text (fb_record_editor_get_field_row (record_editor (fixture), "Eggs"), "4");
  WAIT_FOR (rows_are (fixture, "Heron nest 4"));

  close_window (fixture);
  open_window (fixture);

  /* The window comes back to the collection it showed last. */
  g_assert_cmpstr (fb_window_get_collection (fixture->window), ==, "records");
  g_assert_true (gtk_list_box_row_is_selected (child (fixture, "records_row")));
  WAIT_FOR (rows_are (fixture, "Heron nest 4"));
  WAIT_FOR (is_showing (fb_record_editor_get_title_entry (record_editor (fixture))));
  g_assert_cmpstr (gtk_editable_get_text (fb_record_editor_get_title_entry (record_editor (fixture))), ==,
                   "Heron nest 4");
  g_assert_true (fields_are (fixture, "Species=Grey heron|Eggs=4"));

  item = stored_item (fixture);
  order = json_object_get_array_member (fb_item_get_body (item), "order");
  g_assert_cmpuint (json_array_get_length (order), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (order, 0), ==, "Species");
  g_assert_cmpstr (json_array_get_string_element (order, 1), ==, "Eggs");
}

static void
test_change_from_elsewhere (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkTextBuffer *buffer = fb_note_editor_get_buffer (note_editor (fixture));
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  GtkTextIter iter;
  char *id;

  create_note (fixture, "Plan", "line one\nline two\n");
  g_assert_true (fb_window_flush (fixture->window));

  /* The cursor sits in "line one". */
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 3);
  gtk_text_buffer_place_cursor (buffer, &iter);

  /* Sync brings a version with a line added at the end. */
  item = stored_item (fixture);
  id = g_strdup (fb_item_get_id (item));
  fb_store_mark_pushed (fixture->store, id, fb_item_get_local_seq (item), "1-abc",
                        fb_item_get_body (item), FALSE, &error);
  g_assert_no_error (error);
  body = fb_note_body_new ("Plan", "line one\nline two\nline three from the laptop\n");
  fb_store_apply_remote (fixture->store, id, "notes", "2-abc", body, FALSE,
                         g_get_real_time () / 1000, &error);
  g_assert_no_error (error);

  WAIT_FOR (buffer_is (buffer, "line one\nline two\nline three from the laptop\n"));
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  g_assert_cmpint (gtk_text_iter_get_offset (&iter), ==, 3);

  g_free (id);
}

/* Brings the server's version of the item in the editor, as sync does. */
static void
pull_from_elsewhere (Fixture    *fixture,
                     const char *title,
                     const char *text)
{
  g_autoptr(FbItem) item = stored_item (fixture);
  g_autoptr(JsonObject) body = fb_note_body_new (title, text);
  g_autoptr(GError) error = NULL;

  if (fb_item_get_state (item) == FB_ITEM_STATE_PENDING)
    {
      fb_store_mark_pushed (fixture->store, fb_item_get_id (item), fb_item_get_local_seq (item),
                            "1-abc", fb_item_get_body (item), FALSE, &error);
      g_assert_no_error (error);
    }
  fb_store_apply_remote (fixture->store, fb_item_get_id (item), "notes", "2-abc", body, FALSE,
                         g_get_real_time () / 1000, &error);
  g_assert_no_error (error);
}

static void
test_merge_while_typing (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkTextBuffer *buffer = fb_note_editor_get_buffer (note_editor (fixture));
  GtkTextIter iter;

  create_note (fixture, "Plan", "one\ntwo\nthree\n");
  g_assert_true (fb_window_flush (fixture->window));
  pull_from_elsewhere (fixture, "Plan", "one\ntwo\nthree\n");

  /* The person types at the top, and before it is saved... */
  gtk_text_buffer_get_start_iter (buffer, &iter);
  gtk_text_buffer_place_cursor (buffer, &iter);
  type_text (buffer, "zero\n");

  /* ...the laptop's change to the last line arrives: both are kept. */
  pull_from_elsewhere (fixture, "Plan", "one\ntwo\nthree and four\n");
  WAIT_FOR (buffer_is (buffer, "zero\none\ntwo\nthree and four\n"));
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  g_assert_cmpint (gtk_text_iter_get_offset (&iter), ==, 5);

  /* And the merge is what gets saved. */
  WAIT_FOR (stored_text_is (fixture, "zero\none\ntwo\nthree and four\n"));
}

static void
test_removed_elsewhere_keeps_text (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkTextBuffer *buffer = fb_note_editor_get_buffer (note_editor (fixture));
  g_autofree char *path = g_build_filename (fixture->dir, "fieldbook.db", NULL);
  g_autoptr(GError) error = NULL;
  char *id;

  create_note (fixture, "Doomed", "first words");
  g_assert_true (fb_window_flush (fixture->window));

  /* Another program deletes the item and purges its row behind our back. */
  id = g_strdup (fb_item_get_id (fb_window_get_current_item (fixture->window)));
  {
    g_autoptr(FbStore) other = fb_store_new (path, &error);
    g_autoptr(FbItem) item = NULL;

    g_assert_no_error (error);
    fb_store_delete_item (other, id, &error);
    g_assert_no_error (error);
    item = fb_store_get_item (other, id, NULL);
    if (item != NULL)
      fb_store_mark_pushed (other, id, fb_item_get_local_seq (item), "1-x", NULL, TRUE, NULL);
  }
  g_free (id);

  type_text (buffer, ", and more");
  /* The words on screen win over the removal: the item comes back with them. */
  g_assert_true (fb_window_flush (fixture->window));
  g_assert_true (buffer_is (buffer, "first words, and more"));
  g_assert_true (stored_text_is (fixture, "first words, and more"));
  WAIT_FOR (rows_are (fixture, "Doomed"));
  g_assert_null (fb_window_get_last_toast (fixture->window));
}

static void
test_remembers_size (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.fieldbook.Fieldbook");
  int width, height;

  /* Smaller than the Broadway screen, which would clamp it. */
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 600);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 600);

  close_window (fixture);
  open_window (fixture);

  gtk_window_get_default_size (GTK_WINDOW (fixture->window), &width, &height);
  g_assert_cmpint (width, ==, 1000);
  g_assert_cmpint (height, ==, 600);
  g_assert_false (gtk_window_is_maximized (GTK_WINDOW (fixture->window)));
}

static void
test_save_fails_keeps_text (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkTextBuffer *buffer = fb_note_editor_get_buffer (note_editor (fixture));
  sqlite3 *other = NULL;
  AdwToast *toast;

  create_note (fixture, "Locked out", "before");
  g_assert_true (fb_window_flush (fixture->window));

  /* Another program holds the database's write lock. */
  _fb_store_set_busy_timeout (fixture->store, 50);
  g_assert_cmpint (sqlite3_open (fixture->db_path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  type_text (buffer, " and after");
  g_assert_false (fb_window_flush (fixture->window));

  /* The person is told, in words, and the text stays on screen. */
  toast = fb_window_get_last_toast (fixture->window);
  g_assert_nonnull (toast);
  g_assert_true (g_str_has_prefix (adw_toast_get_title (toast), "Your changes could not be saved: "));
  g_assert_true (buffer_is (buffer, "before and after"));

  /* Failing again updates that toast rather than piling up more. */
  g_assert_false (fb_window_flush (fixture->window));
  g_assert_true (fb_window_get_last_toast (fixture->window) == toast);

  /* Going to the records would hide the unsaved words: the window stays. */
  activate (fixture, "win.collection", "s", "records");
  g_assert_cmpstr (fb_window_get_collection (fixture->window), ==, "notes");
  g_assert_true (gtk_list_box_row_is_selected (child (fixture, "notes_row")));
  g_assert_true (buffer_is (buffer, "before and after"));

  /* Closing would lose the words: the first close is refused and says so. */
  gtk_window_close (GTK_WINDOW (fixture->window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  g_assert_true (g_str_has_prefix (adw_toast_get_title (toast), "Your last changes could not be saved."));

  /* Once the other program lets go, closing saves them. */
  sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (other);
  close_window (fixture);
  open_window (fixture);
  WAIT_FOR (rows_are (fixture, "Locked out"));
  g_assert_true (buffer_is (fb_note_editor_get_buffer (note_editor (fixture)), "before and after"));
}

static GtkWidget *
first_row (GtkWidget *widget)
{
  if (FB_IS_ITEM_ROW (widget) && gtk_widget_get_mapped (widget) &&
      fb_item_row_get_item (FB_ITEM_ROW (widget)) != NULL)
    return widget;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = first_row (c);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
row_badge_shows (Fixture *fixture)
{
  GtkWidget *row = first_row (child (fixture, "list_view"));
  GtkWidget *icon;

  if (row == NULL)
    return FALSE;
  icon = GTK_WIDGET (gtk_widget_get_template_child (row, FB_TYPE_ITEM_ROW, "state_icon"));

  return gtk_widget_get_mapped (icon);
}

static void
test_conflict_badge (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(FbItem) item = NULL;
  g_autoptr(JsonObject) theirs = fb_note_body_new ("Clash", "their words");
  g_autoptr(GError) error = NULL;
  GtkWidget *icon;

  create_note (fixture, "Clash", "my words");
  g_assert_true (fb_window_flush (fixture->window));
  WAIT_FOR (rows_are (fixture, "Clash"));
  g_assert_false (row_badge_shows (fixture));

  item = stored_item (fixture);
  fb_store_mark_pushed (fixture->store, fb_item_get_id (item), fb_item_get_local_seq (item),
                        "1-a", fb_item_get_body (item), FALSE, &error);
  g_assert_no_error (error);
  fb_store_set_conflict (fixture->store, fb_item_get_id (item), "2-b", theirs, FALSE, &error);
  g_assert_no_error (error);

  WAIT_FOR (row_badge_shows (fixture));
  icon = GTK_WIDGET (gtk_widget_get_template_child (first_row (child (fixture, "list_view")),
                                                    FB_TYPE_ITEM_ROW, "state_icon"));
  gtk_test_accessible_assert_property (icon, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Changed here and on the server: choose which version to keep");
  /* The editor keeps showing this side. */
  g_assert_true (buffer_is (fb_note_editor_get_buffer (note_editor (fixture)), "my words"));
}

/* ---- Trash, undo and history ---- */

static FbTrashWindow *
open_trash (Fixture *fixture)
{
  GtkWidget *entry = fb_window_get_trash_entry (fixture->window);
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (entry), 0);

  g_signal_emit_by_name (entry, "row-activated", row);
  WAIT_FOR (fb_trash_entry_get_window (entry) != NULL &&
            is_showing (fb_trash_window_get_list (fb_trash_entry_get_window (entry))));
  return fb_trash_entry_get_window (entry);
}

static const char *
trash_count (Fixture *fixture)
{
  return gtk_label_get_text (fb_trash_entry_get_count_label (fb_window_get_trash_entry (fixture->window)));
}

/* The titles of a list of AdwActionRows, joined by "|". */
static char *
row_titles (GtkListBox *list)
{
  GString *out = g_string_new (NULL);

  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (list)); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (ADW_IS_PREFERENCES_ROW (c))
      g_string_append_printf (out, "%s%s", out->len > 0 ? "|" : "",
                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (c)));

  return g_string_free (out, FALSE);
}

static gboolean
row_titles_are (GtkListBox *list,
                const char *expected)
{
  g_autofree char *titles = row_titles (list);

  return g_strcmp0 (titles, expected) == 0;
}

/* Deleted: in the Trash with a count, not found by search; restored from
 * there: back in the list and the editor with its text, pending. */
static void
test_trash_restore (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkEditable *search = child (fixture, "search_entry");
  FbTrashWindow *trash;
  g_autofree char *id = NULL;
  g_autoptr(FbItem) item = NULL;

  create_note (fixture, "Keep", "stays");
  create_note (fixture, "Bird walk", "two wrens by the gate");
  WAIT_FOR (rows_are (fixture, "Bird walk|Keep"));
  g_assert_cmpstr (trash_count (fixture), ==, "0");
  id = g_strdup (fb_item_get_id (fb_window_get_current_item (fixture->window)));

  gtk_widget_grab_focus (child (fixture, "list_view"));
  activate (fixture, "win.delete-item", NULL);
  WAIT_FOR (rows_are (fixture, "Keep"));
  g_assert_cmpstr (trash_count (fixture), ==, "1");

  /* Search does not find what is in the Trash. */
  gtk_editable_set_text (search, "wrens");
  WAIT_FOR (is_showing (child (fixture, "no_results_page")));
  gtk_editable_set_text (search, "");
  WAIT_FOR (rows_are (fixture, "Keep"));

  trash = open_trash (fixture);
  WAIT_FOR (row_titles_are (fb_trash_window_get_list (trash), "Bird walk"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (trash), "trash.restore", "s", id));
  WAIT_FOR (rows_are (fixture, "Bird walk|Keep"));
  WAIT_FOR (g_strcmp0 (trash_count (fixture), "0") == 0);
  WAIT_FOR (row_titles_are (fb_trash_window_get_list (trash), ""));
  g_assert_cmpstr (gtk_editable_get_text (fb_note_editor_get_title_entry (note_editor (fixture))), ==,
                   "Bird walk");
  g_assert_true (buffer_is (fb_note_editor_get_buffer (note_editor (fixture)), "two wrens by the gate"));
  item = fb_store_get_item (fixture->store, id, NULL);
  g_assert_false (fb_item_get_deleted (item));
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);

  /* Empty Trash asks first; only "Empty Trash" empties it. */
  gtk_widget_grab_focus (child (fixture, "list_view"));
  activate (fixture, "win.delete-item", NULL);
  WAIT_FOR (row_titles_are (fb_trash_window_get_list (trash), "Bird walk"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (trash), "trash.empty", NULL));
  g_assert_nonnull (fb_trash_window_get_confirmation (trash));
  adw_message_dialog_response (fb_trash_window_get_confirmation (trash), "cancel");
  g_assert_cmpuint (fb_store_get_trash_count (fixture->store), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (trash), "trash.empty", NULL));
  adw_message_dialog_response (fb_trash_window_get_confirmation (trash), "empty");
  WAIT_FOR (row_titles_are (fb_trash_window_get_list (trash), ""));
  WAIT_FOR (g_strcmp0 (trash_count (fixture), "0") == 0);
  gtk_window_destroy (GTK_WINDOW (trash));
}

/* The shortcut of @widget's own controllers that @trigger sets off. */
static GtkShortcut *
find_shortcut (GtkWidget          *widget,
               GtkShortcutTrigger *trigger)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), trigger))
            return shortcut;
        }
    }
  return NULL;
}

/* Ctrl+Z in the list brings back the last deleted item; the toast stays
 * longer than a default one. */
static void
test_undo_delete_key (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkWidget *list = child (fixture, "list_view");
  g_autoptr(GtkShortcutTrigger) ctrl_z = gtk_keyval_trigger_new (GDK_KEY_z, GDK_CONTROL_MASK);
  GtkShortcut *undo;

  create_note (fixture, "Keep", "stays");
  create_note (fixture, "Lose", "comes back with Ctrl+Z");
  WAIT_FOR (rows_are (fixture, "Lose|Keep"));

  gtk_widget_grab_focus (list);
  activate (fixture, "win.delete-item", NULL);
  WAIT_FOR (rows_are (fixture, "Keep"));
  g_assert_cmpint (adw_toast_get_timeout (fb_window_get_last_toast (fixture->window)), >=, 10);

  /* The list's own shortcut for Ctrl+Z, as the key press reaches it. */
  undo = find_shortcut (list, ctrl_z);
  g_assert_nonnull (undo);
  g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (undo), 0, list, NULL));
  WAIT_FOR (rows_are (fixture, "Lose|Keep"));
  g_assert_cmpstr (gtk_editable_get_text (fb_note_editor_get_title_entry (note_editor (fixture))), ==, "Lose");
  g_assert_true (buffer_is (fb_note_editor_get_buffer (note_editor (fixture)), "comes back with Ctrl+Z"));
  g_assert_cmpuint (fb_store_get_trash_count (fixture->store), ==, 0);

  /* Nothing more to undo: a second Ctrl+Z changes nothing. */
  g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (undo), 0, list, NULL));
  WAIT_FOR (rows_are (fixture, "Lose|Keep"));
}

static gboolean
stored_field_is (Fixture    *fixture,
                 const char *name,
                 const char *value)
{
  g_autoptr(FbItem) item = stored_item (fixture);
  JsonObject *body = fb_item_get_body (item);
  JsonObject *fields;

  if (!json_object_has_member (body, "fields"))
    return FALSE;
  fields = json_object_get_object_member (body, "fields");
  return json_object_has_member (fields, name) &&
         g_strcmp0 (json_object_get_string_member (fields, name), value) == 0;
}

/* Remove Field: the focus goes to the neighbour with nothing selected, so
 * a typed key lands there and the title stays; Undo brings the field and
 * its value back in their place, and they are saved. */
static void
test_remove_field_undo (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkEditable *title = NULL;
  GtkWidget *focus;
  GtkWidget *notes_row;
  AdwToast *toast;
  int start, end;

  activate (fixture, "win.collection", "s", "records");
  activate (fixture, "win.new-item", NULL);
  title = fb_record_editor_get_title_entry (record_editor (fixture));
  WAIT_FOR (is_showing (title));
  gtk_editable_set_text (title, "Heron nest 4");
  add_field_as_a_person (fixture, "Species", "Grey heron");
  add_field_as_a_person (fixture, "Count", "3");
  add_field_as_a_person (fixture, "Notes", "scratch");

  gtk_widget_activate_action (GTK_WIDGET (record_editor (fixture)), "record.remove-field",
                              "s", "Count");
  g_assert_true (fields_are (fixture, "Species=Grey heron|Notes=scratch"));

  focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  notes_row = GTK_WIDGET (fb_record_editor_get_field_row (record_editor (fixture), "Notes"));
  g_assert_nonnull (focus);
  g_assert_true (focus == notes_row || gtk_widget_is_ancestor (focus, notes_row));
  g_assert_false (gtk_editable_get_selection_bounds (GTK_EDITABLE (focus), &start, &end));

  /* A typed key goes where the focus is. */
  {
    int position = gtk_editable_get_position (GTK_EDITABLE (focus));

    gtk_editable_insert_text (GTK_EDITABLE (focus), "!", 1, &position);
  }
  g_assert_cmpstr (gtk_editable_get_text (title), ==, "Heron nest 4");
  g_assert_true (fields_are (fixture, "Species=Grey heron|Notes=scratch!"));

  toast = fb_record_editor_get_undo_toast (record_editor (fixture));
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "Field “Count” removed");
  g_signal_emit_by_name (toast, "button-clicked");
  g_assert_true (fields_are (fixture, "Species=Grey heron|Count=3|Notes=scratch!"));
  g_assert_cmpstr (gtk_editable_get_text (title), ==, "Heron nest 4");

  /* Saved as it is on screen. */
  WAIT_FOR (stored_field_is (fixture, "Count", "3"));
  WAIT_FOR (stored_field_is (fixture, "Notes", "scratch!"));
  {
    g_autoptr(FbItem) item = stored_item (fixture);

    g_assert_cmpstr (fb_item_get_title (item), ==, "Heron nest 4");
  }
}

static FbHistoryDialog *
find_history_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (FB_IS_HISTORY_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return FB_HISTORY_DIALOG (window);
    }
  return NULL;
}

static char *
row_subtitles (GtkListBox *list)
{
  GString *out = g_string_new (NULL);

  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (list)); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (ADW_IS_ACTION_ROW (c))
      g_string_append_printf (out, "%s%s", out->len > 0 ? "|" : "",
                              adw_action_row_get_subtitle (ADW_ACTION_ROW (c)));

  return g_string_free (out, FALSE);
}

static guint
count_css (GtkWidget  *widget,
           const char *css_class)
{
  guint n = gtk_widget_has_css_class (widget, css_class) ? 1 : 0;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    n += count_css (c, css_class);
  return n;
}

/* Versions from this device and from the server are listed with where they
 * came from; one shows its differences to the current version; restoring
 * it changes the editor and makes the item pending; in conflict it is
 * refused in words. */
static void
test_history (Fixture       *fixture,
              gconstpointer  data)
{
  FbHistoryDialog *dialog;
  g_autofree char *id = NULL;
  g_autofree char *subtitles = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;

  create_note (fixture, "Plan", "first draft");
  create_note (fixture, "Other", "");
  /* Leaving "Plan" kept it; back to it. */
  WAIT_FOR (rows_are (fixture, "Other|Plan"));
  activate (fixture, "win.collection", "s", "notes");
  {
    GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (child (fixture, "list_view")));
    g_autoptr(FbItem) plan = g_list_model_get_item (model, 1);

    id = g_strdup (fb_item_get_id (plan));
    gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (model), 1);
  }
  WAIT_FOR (buffer_is (fb_note_editor_get_buffer (note_editor (fixture)), "first draft"));

  /* The server's version arrives (as a pull writes it). */
  item = fb_store_get_item (fixture->store, id, &error);
  g_assert_true (fb_store_mark_item_pushed (fixture->store, item, "1-a", &error));
  {
    g_autoptr(JsonObject) theirs = fb_note_body_new ("Plan", "from the other laptop");

    g_assert_true (fb_store_apply_remote (fixture->store, id, FB_COLLECTION_NOTES, "2-b", theirs,
                                          FALSE, g_get_real_time () / 1000, &error));
    g_assert_no_error (error);
  }
  WAIT_FOR (buffer_is (fb_note_editor_get_buffer (note_editor (fixture)), "from the other laptop"));
  /* …and the person edits on top of it. */
  type_text (fb_note_editor_get_buffer (note_editor (fixture)), " and mine");

  activate (fixture, "win.show-history", NULL);
  WAIT_FOR ((dialog = find_history_dialog ()) != NULL &&
            is_showing (fb_history_dialog_get_list (dialog)));
  subtitles = row_subtitles (fb_history_dialog_get_list (dialog));
  g_assert_cmpstr (subtitles, ==, "From the server or another device|Edited on this device");
  g_assert_null (fb_history_dialog_get_notice (dialog));

  /* The oldest: its text differs from the current one, and it is marked. */
  fb_history_dialog_select (dialog, 1);
  g_assert_cmpuint (count_css (GTK_WIDGET (fb_history_dialog_get_grid (dialog)), "differs"), >, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "history.restore", NULL));
  WAIT_FOR (find_history_dialog () == NULL);
  WAIT_FOR (buffer_is (fb_note_editor_get_buffer (note_editor (fixture)), "first draft"));
  g_clear_object (&item);
  item = fb_store_get_item (fixture->store, id, &error);
  g_assert_cmpstr (fb_item_get_text (item), ==, "first draft");
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);
  g_assert_cmpuint (fb_store_get_pending_count (fixture->store), >=, 1);

  /* In conflict: the dialog says why restoring waits, and does not. */
  {
    g_autoptr(JsonObject) theirs = fb_note_body_new ("Plan", "server side");

    g_assert_true (fb_store_set_conflict (fixture->store, id, "3-b", theirs, FALSE, &error));
  }
  activate (fixture, "win.show-history", NULL);
  WAIT_FOR ((dialog = find_history_dialog ()) != NULL);
  g_assert_nonnull (fb_history_dialog_get_notice (dialog));
  g_assert_nonnull (strstr (fb_history_dialog_get_notice (dialog), "conflict"));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (dialog), "history.restore", NULL) &&
                  !buffer_is (fb_note_editor_get_buffer (note_editor (fixture)), "first draft"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The first label below @root whose text is @text (NULL: none). */
static GtkWidget *
label_below (GtkWidget  *root,
             const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (child)), text) == 0)
        return child;
      if ((found = label_below (child, text)) != NULL)
        return found;
    }
  return NULL;
}

/* A version whose file (another program's, never downloaded here) the
 * server's version no longer has: restored without it, and the History
 * window says so and stays open for the person to read it. */
static void
test_history_file_left_out (Fixture       *fixture,
                            gconstpointer  data)
{
  FbHistoryDialog *dialog;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) pulled = fb_note_body_new ("Far", "pulled");
  g_autoptr(JsonObject) removed = fb_note_body_new ("Far", "removed there");
  g_autoptr(FbItem) item = NULL;
  JsonObject *attachments = json_object_new ();
  JsonObject *entry = json_object_new ();
  gint64 now = g_get_real_time () / 1000;

  json_object_set_boolean_member (entry, "stub", TRUE);
  json_object_set_string_member (entry, "content_type", "image/jpeg");
  json_object_set_string_member (entry, "digest", "md5-2K8w1ITd3vbFNrVCgJWzVQ==");
  json_object_set_int_member (entry, "length", 5);
  json_object_set_int_member (entry, "revpos", 1);
  json_object_set_object_member (attachments, "far & away.jpg", entry);
  json_object_set_object_member (pulled, FB_BODY_ATTACHMENTS, attachments);
  g_assert_true (fb_store_apply_remote (fixture->store, "far", FB_COLLECTION_NOTES, "1-p", pulled,
                                        FALSE, now - 60000, &error));
  g_assert_true (fb_store_apply_remote (fixture->store, "far", FB_COLLECTION_NOTES, "2-p", removed,
                                        FALSE, now, &error));
  g_assert_no_error (error);

  activate (fixture, "win.collection", "s", "notes");
  WAIT_FOR (rows_are (fixture, "Far"));
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (child (fixture, "list_view"))), 0);
  WAIT_FOR (buffer_is (fb_note_editor_get_buffer (note_editor (fixture)), "removed there"));

  activate (fixture, "win.show-history", NULL);
  WAIT_FOR ((dialog = find_history_dialog ()) != NULL &&
            is_showing (fb_history_dialog_get_list (dialog)));
  fb_history_dialog_select (dialog, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "history.restore", NULL));
  WAIT_FOR (buffer_is (fb_note_editor_get_buffer (note_editor (fixture)), "pulled"));
  WAIT_FOR (label_below (GTK_WIDGET (dialog),
                         "Restored, without 1 attachment of this version: its file is not on this device, "
                         "and the server’s version does not have it.") != NULL);
  g_assert_true (find_history_dialog () == dialog);
  item = fb_store_get_item (fixture->store, "far", &error);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/window/empty-collections", Fixture, NULL,
              fixture_setup, test_empty_collections, fixture_teardown);
  g_test_add ("/window/note-survives-close", Fixture, NULL,
              fixture_setup, test_note_survives_close, fixture_teardown);
  g_test_add ("/window/saves-while-typing", Fixture, NULL,
              fixture_setup, test_saves_while_typing, fixture_teardown);
  g_test_add ("/window/search", Fixture, NULL,
              fixture_setup, test_search, fixture_teardown);
  g_test_add ("/window/duplicate", Fixture, NULL,
              fixture_setup, test_duplicate, fixture_teardown);
  g_test_add ("/window/duplicate-without-file", Fixture, NULL,
              fixture_setup, test_duplicate_without_file, fixture_teardown);
  g_test_add ("/window/delete-and-undo", Fixture, NULL,
              fixture_setup, test_delete_and_undo, fixture_teardown);
  g_test_add ("/window/record-fields", Fixture, NULL,
              fixture_setup, test_record_fields, fixture_teardown);
  g_test_add ("/window/change-from-elsewhere", Fixture, NULL,
              fixture_setup, test_change_from_elsewhere, fixture_teardown);

  g_test_add ("/window/merge-while-typing", Fixture, NULL,
              fixture_setup, test_merge_while_typing, fixture_teardown);
  g_test_add ("/window/removed-elsewhere-keeps-text", Fixture, NULL,
              fixture_setup, test_removed_elsewhere_keeps_text, fixture_teardown);

  g_test_add ("/window/save-fails-keeps-text", Fixture, NULL,
              fixture_setup, test_save_fails_keeps_text, fixture_teardown);
  g_test_add ("/window/conflict-badge", Fixture, NULL,
              fixture_setup, test_conflict_badge, fixture_teardown);
  g_test_add ("/window/trash-restore", Fixture, NULL,
              fixture_setup, test_trash_restore, fixture_teardown);
  g_test_add ("/window/undo-delete-key", Fixture, NULL,
              fixture_setup, test_undo_delete_key, fixture_teardown);
  g_test_add ("/window/remove-field-undo", Fixture, NULL,
              fixture_setup, test_remove_field_undo, fixture_teardown);
  g_test_add ("/window/history", Fixture, NULL,
              fixture_setup, test_history, fixture_teardown);
  g_test_add ("/window/history-file-left-out", Fixture, NULL,
              fixture_setup, test_history_file_left_out, fixture_teardown);
  g_test_add ("/window/remembers-size", Fixture, NULL,
              fixture_setup, test_remembers_size, fixture_teardown);

  return g_test_run ();
}
