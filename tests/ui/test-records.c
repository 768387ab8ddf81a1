/* test-records.c: templates designed in the template window, typed records from them, under Broadway */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-records"

#include "config.h"

#include <adwaita.h>

#include "fb-field-drag.h"
#include "fb-item-row.h"
#include "fb-note-editor.h"
#include "fb-record-csv.h"
#include "fb-record-editor.h"
#include "fb-record-link.h"
#include "fb-item-list.h"
#include "fb-record-table.h"
#include "fb-store.h"
#include "fb-template.h"
#include "fb-template-window.h"
#include "fb-test-dir.h"
#include "fb-test-ui.h"
#include "fb-test-wait.h"
#include "fb-window.h"

#define WAIT_SECONDS 10
#define WAIT_FOR(cond) WAIT_UNTIL (cond, WAIT_SECONDS * 1000)

typedef struct
{
  char     *dir;
  FbStore  *store;
  FbWindow *window;
} Fixture;

static gpointer
child (Fixture    *fixture,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (fixture->window), FB_TYPE_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static FbRecordEditor *
record_editor (Fixture *fixture)
{
  return child (fixture, "record_editor");
}

static gboolean
is_showing (gpointer widget)
{
  return widget != NULL && gtk_widget_get_mapped (GTK_WIDGET (widget)) &&
         gtk_widget_get_width (GTK_WIDGET (widget)) > 0;
}

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
  WAIT_FOR (is_showing (child (fixture, "list_stack")));
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

static void
activate (gpointer    widget,
          const char *action,
          const char *format,
          ...)
{
  GVariant *parameter = NULL;
  va_list args;

  if (format != NULL)
    {
      va_start (args, format);
      parameter = g_variant_new_va (format, NULL, &args);
      va_end (args);
    }

  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (widget), action, parameter));
}

/* The only template in the store, reread. */
static JsonObject *
stored_template (Fixture *fixture)
{
  g_autoptr(GPtrArray) templates = fb_store_list_templates (fixture->store, NULL);

  g_assert_cmpuint (templates->len, ==, 1);
  return fb_body_copy (fb_item_get_body (g_ptr_array_index (templates, 0)));
}

static char *
field_names (JsonObject *template)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < fb_template_get_n_fields (template); i++)
    g_ptr_array_add (names, (char *) fb_template_field_get_name (fb_template_get_field (template, i)));
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("|", (char **) names->pdata);
}

static gboolean
template_fields_are (Fixture    *fixture,
                     const char *expected)
{
  g_autoptr(JsonObject) template = stored_template (fixture);
  g_autofree char *names = field_names (template);

  return g_strcmp0 (names, expected) == 0;
}

/* Adds a field as a person does: its name typed into "New Field Name" and
 * Enter, then its type from the drop-down. */
static guint
add_field (FbTemplateWindow *window,
           const char       *name,
           FbFieldType       type)
{
  GtkEditable *new_field = fb_template_window_get_new_field_row (window);
  guint index = 0;

  while (fb_template_window_get_field_row (window, index) != NULL)
    index++;

  gtk_editable_set_text (new_field, name);
  g_signal_emit_by_name (new_field, "entry-activated");
  g_assert_nonnull (fb_template_window_get_field_row (window, index));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (fb_template_window_get_field_row (window, index))),
                   ==, name);
  /* The type drop-down has the focus for what comes next. */
  WAIT_FOR (gtk_widget_has_focus (GTK_WIDGET (fb_template_window_get_type_row (window, index))));
  adw_combo_row_set_selected (fb_template_window_get_type_row (window, index), type);
  g_assert_cmpstr (adw_expander_row_get_subtitle (fb_template_window_get_field_row (window, index)),
                   ==, fb_field_type_get_label (type));

  return index;
}

static FbTemplateWindow *
design_bird_template (Fixture *fixture)
{
  FbTemplateWindow *window;
  guint species, count, behaviour;
  g_autoptr(JsonObject) template = NULL;
  JsonObject *field;

  activate (fixture->window, "win.edit-templates", NULL);
  window = fb_window_get_template_window (fixture->window);
  g_assert_nonnull (window);
  WAIT_FOR (is_showing (window));

  activate (window, "template.new", NULL);
  WAIT_FOR (gtk_widget_has_focus (GTK_WIDGET (fb_template_window_get_name_entry (window))) ||
            gtk_widget_get_focus_child (GTK_WIDGET (fb_template_window_get_name_entry (window))) != NULL);
  gtk_editable_set_text (fb_template_window_get_name_entry (window), "Bird sighting");

  species = add_field (window, "Species", FB_FIELD_CHOICE);
  gtk_switch_set_active (fb_template_window_get_required_switch (window, species), TRUE);
  WAIT_FOR (is_showing (fb_template_window_get_choices_row (window, species)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fb_template_window_get_unit_row (window, species))));
  gtk_editable_set_text (fb_template_window_get_choices_row (window, species), "Grey heron; Little egret");
  g_assert_cmpstr (adw_expander_row_get_subtitle (fb_template_window_get_field_row (window, species)),
                   ==, "Choice, required");

  count = add_field (window, "Count", FB_FIELD_INTEGER);
  WAIT_FOR (is_showing (fb_template_window_get_unit_row (window, count)));
  gtk_editable_set_text (fb_template_window_get_unit_row (window, count), "birds");
  add_field (window, "Seen on", FB_FIELD_DATE);
  add_field (window, "Nesting", FB_FIELD_YES_NO);
  behaviour = add_field (window, "Behaviour", FB_FIELD_MULTIPLE_CHOICE);
  gtk_editable_set_text (fb_template_window_get_choices_row (window, behaviour), "feeding; calling; flying");

  /* A second "Count" is refused, and the form says why. */
  gtk_editable_set_text (fb_template_window_get_new_field_row (window), "Count");
  g_signal_emit_by_name (fb_template_window_get_new_field_row (window), "entry-activated");
  g_assert_cmpstr (fb_template_window_get_new_field_message (window), ==,
                   "There is a field called “Count” already: each field needs a name of its own");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (fb_template_window_get_new_field_row (window)), "error"));
  gtk_editable_set_text (fb_template_window_get_new_field_row (window), "");
  g_assert_null (fb_template_window_get_new_field_message (window));

  /* Saved as it was made. */
  template = stored_template (fixture);
  g_assert_cmpstr (fb_body_get_string (template, "title"), ==, "Bird sighting");
  g_assert_true (template_fields_are (fixture, "Species|Count|Seen on|Nesting|Behaviour"));
  field = fb_template_find_field (template, "Species");
  g_assert_cmpint (fb_template_field_get_type (field), ==, FB_FIELD_CHOICE);
  g_assert_true (fb_template_field_get_required (field));
  g_assert_cmpuint (fb_template_field_get_choices (field)->len, ==, 2);
  field = fb_template_find_field (template, "Count");
  g_assert_cmpint (fb_template_field_get_type (field), ==, FB_FIELD_INTEGER);
  g_assert_cmpstr (fb_template_field_get_unit (field), ==, "birds");
  g_assert_cmpint (fb_template_field_get_type (fb_template_find_field (template, "Behaviour")), ==,
                   FB_FIELD_MULTIPLE_CHOICE);

  return window;
}

/* A person drags @dragged's handle and lets go over @onto. */
static gboolean
drop_row (gpointer dragged,
          gpointer onto)
{
  GtkDropTarget *target = fb_field_drag_get_drop_target (GTK_WIDGET (onto));
  g_auto(GValue) value = G_VALUE_INIT;
  gboolean done = FALSE;

  g_assert_nonnull (target);
  g_value_init (&value, GTK_TYPE_WIDGET);
  g_value_set_object (&value, dragged);
  g_signal_emit_by_name (target, "drop", &value, 1.0, 1.0, &done);
  return done;
}

/* Alt+Down in a field moves it down, Alt+Up back. */
static void
test_reorder_template_fields (Fixture       *fixture,
                              gconstpointer  data)
{
  FbTemplateWindow *window = design_bird_template (fixture);
  GtkWidget *count_type = GTK_WIDGET (fb_template_window_get_type_row (window, 1));

  adw_expander_row_set_expanded (fb_template_window_get_field_row (window, 1), TRUE);
  WAIT_FOR (is_showing (count_type));
  gtk_widget_grab_focus (count_type);
  WAIT_FOR (gtk_widget_has_focus (count_type));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "template.move-focused-field", "b", TRUE));
  g_assert_true (template_fields_are (fixture, "Species|Seen on|Count|Nesting|Behaviour"));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (fb_template_window_get_field_row (window, 2))),
                   ==, "Count");
  /* The moved field keeps the focus, so the key can be pressed again. */
  WAIT_FOR (gtk_widget_has_focus (GTK_WIDGET (fb_template_window_get_type_row (window, 2))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "template.move-focused-field", "b", FALSE));
  g_assert_true (template_fields_are (fixture, "Species|Count|Seen on|Nesting|Behaviour"));

  /* Dragged by its handle: Behaviour onto Count takes Count's place, and
   * Species onto Nesting goes down to there. */
  g_assert_true (drop_row (fb_template_window_get_field_row (window, 4),
                           fb_template_window_get_field_row (window, 1)));
  g_assert_true (template_fields_are (fixture, "Species|Behaviour|Count|Seen on|Nesting"));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (fb_template_window_get_field_row (window, 1))),
                   ==, "Behaviour");
  g_assert_true (drop_row (fb_template_window_get_field_row (window, 0),
                           fb_template_window_get_field_row (window, 4)));
  g_assert_true (template_fields_are (fixture, "Behaviour|Count|Seen on|Nesting|Species"));
  g_assert_false (drop_row (fb_template_window_get_field_row (window, 2),
                            fb_template_window_get_field_row (window, 2)));
  g_assert_true (drop_row (fb_template_window_get_field_row (window, 4),
                           fb_template_window_get_field_row (window, 0)));
  g_assert_true (drop_row (fb_template_window_get_field_row (window, 1),
                           fb_template_window_get_field_row (window, 4)));
  g_assert_true (template_fields_are (fixture, "Species|Count|Seen on|Nesting|Behaviour"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "template.remove-field", "u", 3));
  g_assert_true (template_fields_are (fixture, "Species|Count|Seen on|Behaviour"));

  gtk_window_close (GTK_WINDOW (window));
  WAIT_FOR (fb_window_get_template_window (fixture->window) == NULL);
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

/* Ctrl+N in Records asks which template; Enter takes the first. */
static void
new_record_from_dialog (Fixture    *fixture,
                        const char *template_id)
{
  AdwMessageDialog *dialog;

  activate (fixture->window, "win.new-item", NULL);
  WAIT_FOR ((dialog = open_dialog ()) != NULL);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "New Record");
  g_assert_true (adw_message_dialog_has_response (dialog, "blank"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, template_id);
  /* Enter presses the default button. */
  WAIT_FOR (GTK_IS_BUTTON (gtk_window_get_default_widget (GTK_WINDOW (dialog))));
  g_signal_emit_by_name (gtk_window_get_default_widget (GTK_WINDOW (dialog)), "clicked");
  WAIT_FOR (open_dialog () == NULL);
}

static FbItemRow *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (FB_IS_ITEM_ROW (widget))
    return gtk_widget_get_mapped (widget) &&
           g_strcmp0 (fb_item_row_get_title (FB_ITEM_ROW (widget)), title) == 0 ? FB_ITEM_ROW (widget) : NULL;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      FbItemRow *row = find_row (c, title);

      if (row != NULL)
        return row;
    }

  return NULL;
}

/* The list's mark of a record's problems: NULL when it has none. */
static gboolean
row_problems_are (Fixture    *fixture,
                  const char *title,
                  const char *expected)
{
  FbItemRow *row = find_row (child (fixture, "list_view"), title);

  return row != NULL && g_strcmp0 (fb_item_row_get_problems (row), expected) == 0;
}

static guint
n_rows (FbRecordTable *table)
{
  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (fb_record_table_get_view (table))));
}

static gboolean
cell_is (FbRecordTable *table,
         guint          row,
         guint          column,
         const char    *expected)
{
  g_autofree char *text = fb_record_table_dup_cell (table, row, column);

  return g_strcmp0 (text, expected) == 0;
}

static gboolean
problem_is (Fixture    *fixture,
            const char *field,
            const char *expected)
{
  return g_strcmp0 (fb_record_editor_get_field_problem (record_editor (fixture), field), expected) == 0;
}

static JsonObject *
current_fields (Fixture *fixture)
{
  g_autoptr(FbItem) item = NULL;

  g_assert_true (fb_window_flush (fixture->window));
  item = fb_store_get_item (fixture->store, fb_item_get_id (fb_window_get_current_item (fixture->window)), NULL);
  return fb_body_copy (fb_body_get_object (fb_item_get_body (item), "fields"));
}

/* The import dialog's drop-down for CSV column @index: its header, and
 * what it fills now. */
static gboolean
column_choice_is (AdwMessageDialog *dialog,
                  int               index,
                  const char       *header,
                  const char       *label)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (adw_message_dialog_get_extra_child (dialog)),
                                                      index);
  AdwComboRow *combo = ADW_IS_COMBO_ROW (row) ? ADW_COMBO_ROW (row) : NULL;
  GtkStringObject *selected = combo != NULL ? adw_combo_row_get_selected_item (combo) : NULL;

  return selected != NULL &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (combo)), header) == 0 &&
         g_strcmp0 (gtk_string_object_get_string (selected), label) == 0;
}

/* The core flow: a template with five typed fields, three records from it,
 * problems said at the field, saved anyway, and the CSV of them. */
static void
test_typed_records (Fixture       *fixture,
                    gconstpointer  data)
{
  FbTemplateWindow *window = design_bird_template (fixture);
  g_autofree char *template_id = g_strdup (fb_template_window_get_current_id (window));
  FbRecordEditor *editor = record_editor (fixture);
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(FbItem) template = NULL;
  g_autofree char *csv = NULL;
  GtkWidget *species, *count;
  const char *counts[] = { "a dozen", "12", "3" };

  /* In the same flow, a field moved from the keyboard (Alt+Down): the
   * records and their CSV follow the template's new order. */
  {
    GtkWidget *nesting_type = GTK_WIDGET (fb_template_window_get_type_row (window, 3));

    adw_expander_row_set_expanded (fb_template_window_get_field_row (window, 3), TRUE);
    WAIT_FOR (is_showing (nesting_type));
    gtk_widget_grab_focus (nesting_type);
    WAIT_FOR (gtk_widget_has_focus (nesting_type));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "template.move-focused-field", "b", TRUE));
    g_assert_true (template_fields_are (fixture, "Species|Count|Seen on|Behaviour|Nesting"));
  }

  gtk_window_close (GTK_WINDOW (window));
  WAIT_FOR (fb_window_get_template_window (fixture->window) == NULL);
  activate (fixture->window, "win.collection", "s", "records");

  for (guint r = 0; r < 3; r++)
    {
      g_autofree char *title = g_strdup_printf ("Heron %u", r + 1);

      new_record_from_dialog (fixture, template_id);
      WAIT_FOR (is_showing (fb_record_editor_get_title_entry (editor)));
      gtk_editable_set_text (fb_record_editor_get_title_entry (editor), title);

      /* Each field its type's widget; the required one says so at once. */
      species = fb_record_editor_get_field_input (editor, "Species");
      g_assert_true (ADW_IS_COMBO_ROW (species));
      g_assert_true (GTK_IS_SWITCH (fb_record_editor_get_field_input (editor, "Nesting")));
      g_assert_true (ADW_IS_EXPANDER_ROW (fb_record_editor_get_field_input (editor, "Behaviour")));
      g_assert_true (problem_is (fixture, "Species", "Species is required"));
      g_assert_true (fb_test_find_label (GTK_WIDGET (editor), "Species is required") != NULL);

      /* Enter in the title goes to the first field. */
      g_signal_emit_by_name (fb_record_editor_get_title_entry (editor), "activate");
      WAIT_FOR (gtk_widget_has_focus (species) || gtk_widget_get_focus_child (species) != NULL);
      adw_combo_row_set_selected (ADW_COMBO_ROW (species), 1 + r % 2);
      g_assert_true (problem_is (fixture, "Species", NULL));

      count = fb_record_editor_get_field_input (editor, "Count");
      gtk_editable_set_text (GTK_EDITABLE (count), counts[r]);
      gtk_editable_set_text (GTK_EDITABLE (fb_record_editor_get_field_input (editor, "Seen on")),
                             "2026-12-0" "1");
      gtk_check_button_set_active (fb_record_editor_get_choice_check (editor, "Behaviour", "calling"), TRUE);
      if (r == 0)
        {
          /* A word in a number field: said in words, and saved anyway. */
          g_assert_true (problem_is (fixture, "Count", "Count must be a whole number"));
          /* Right under the field, on screen. */
          WAIT_FOR (is_showing (fb_test_find_label (GTK_WIDGET (editor), "Count must be a whole number")));
          {
            GtkWidget *label = fb_test_find_label (GTK_WIDGET (editor), "Count must be a whole number");
            GtkWidget *under = gtk_widget_get_ancestor (label, GTK_TYPE_LIST_BOX_ROW);
            GtkWidget *field_row = gtk_widget_get_ancestor (count, GTK_TYPE_LIST_BOX_ROW);

            g_assert_true (gtk_widget_get_prev_sibling (under) == field_row);
          }
          gtk_test_accessible_assert_property (GTK_ACCESSIBLE (count), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                               "Count must be a whole number");
          fields = current_fields (fixture);
          g_assert_cmpstr (json_object_get_string_member (fields, "Count"), ==, "a dozen");
          g_clear_pointer (&fields, json_object_unref);
        }
      else
        g_assert_true (problem_is (fixture, "Count", NULL));
    }

  fields = current_fields (fixture);
  g_assert_cmpint (json_object_get_int_member (fields, "Count"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (fields, "Species"), ==, "Grey heron");
  g_assert_false (json_object_get_boolean_member (fields, "Nesting"));
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (fields, "Behaviour"), 0),
                   ==, "calling");

  /* The list marks the record with a problem, and says which. */
  WAIT_FOR (row_problems_are (fixture, "Heron 1", "Count must be a whole number"));
  WAIT_FOR (row_problems_are (fixture, "Heron 3", NULL));
  g_assert_true (row_problems_are (fixture, "Heron 2", NULL));

  template = fb_store_get_item (fixture->store, template_id, NULL);
  csv = fb_record_csv_export (fixture->store, template, NULL, NULL);
  g_assert_cmpstr (csv, ==,
                   "Title,Species,Count,Seen on,Behaviour,Nesting\r\n"
                   "Heron 1,Grey heron,a dozen,2026-12-01,calling,no\r\n"
                   "Heron 2,Little egret,12,2026-12-01,calling,no\r\n"
                   "Heron 3,Grey heron,3,2026-12-01,calling,no\r\n");

  /* The window's export writes that file, and says how many. */
  {
    g_autofree char *path = g_build_filename (fixture->dir, "herons.csv", NULL);
    g_autofree char *written = NULL;

    activate (fixture->window, "win.export-csv-to", "(ss)", template_id, path);
    g_assert_true (g_file_get_contents (path, &written, NULL, NULL));
    g_assert_cmpstr (written, ==, csv);
    g_assert_cmpstr (adw_toast_get_title (fb_window_get_last_toast (fixture->window)), ==,
                     "3 records exported");
  }

  /* The table: a column per field, sorted by a number column as
   * numbers, the problems only, the search, a row opens its record. */
  {
    FbRecordTable *table;
    GtkColumnView *view;
    g_autoptr(GtkColumnViewColumn) count_column = NULL;

    activate (fixture->window, "win.show-table", "s", template_id);
    table = fb_window_get_record_table (fixture->window);
    g_assert_nonnull (table);
    view = fb_record_table_get_view (table);
    WAIT_FOR (is_showing (view));
    g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (view)), ==, 6);
    count_column = g_list_model_get_item (gtk_column_view_get_columns (view), 2);
    g_assert_cmpstr (gtk_column_view_column_get_title (count_column), ==, "Count (birds)");
    g_assert_cmpuint (n_rows (table), ==, 3);

    gtk_column_view_sort_by_column (view, count_column, GTK_SORT_ASCENDING);
    WAIT_FOR (cell_is (table, 0, 2, "3"));
    g_assert_true (cell_is (table, 1, 2, "12"));
    g_assert_true (cell_is (table, 2, 2, "a dozen"));
    g_assert_true (cell_is (table, 0, 0, "Heron 3"));
    /* Over the lazy list, sorted in SQL; the other way, words still last. */
    g_assert_true (FB_IS_ITEM_LIST (gtk_single_selection_get_model (
      GTK_SINGLE_SELECTION (gtk_column_view_get_model (view)))));
    gtk_column_view_sort_by_column (view, count_column, GTK_SORT_DESCENDING);
    WAIT_FOR (cell_is (table, 0, 2, "12"));
    g_assert_true (cell_is (table, 1, 2, "3"));
    g_assert_true (cell_is (table, 2, 2, "a dozen"));
    gtk_column_view_sort_by_column (view, count_column, GTK_SORT_ASCENDING);
    WAIT_FOR (cell_is (table, 0, 2, "3"));

    gtk_toggle_button_set_active (fb_record_table_get_problems_toggle (table), TRUE);
    WAIT_FOR (n_rows (table) == 1);
    g_assert_true (cell_is (table, 0, 0, "Heron 1"));
    gtk_toggle_button_set_active (fb_record_table_get_problems_toggle (table), FALSE);
    WAIT_FOR (n_rows (table) == 3);

    gtk_editable_set_text (fb_record_table_get_search_entry (table), "egret");
    WAIT_FOR (n_rows (table) == 1);
    g_assert_true (cell_is (table, 0, 0, "Heron 2"));

    g_signal_emit_by_name (view, "activate", 0);
    WAIT_FOR (g_strcmp0 (fb_item_get_title (fb_window_get_current_item (fixture->window)), "Heron 2") == 0);
    gtk_window_destroy (GTK_WINDOW (table));
    WAIT_FOR (fb_window_get_record_table (fixture->window) == NULL);
  }

  /* The window's import: the column-matching step says which column
   * fills which field, then "Import" makes the records. */
  {
    g_autofree char *path = g_build_filename (fixture->dir, "more.csv", NULL);
    g_autoptr(GPtrArray) records = NULL;
    AdwMessageDialog *dialog;

    g_assert_true (g_file_set_contents (path,
                                        "\"species\",\"COUNT\",\"title\",\"Observer\"\n"
                                        "\"Little egret\",4,\"Reed bed\",\"Ana\"\n"
                                        "\"Grey heron\",\"some\",\"Weir\",\n", -1, NULL));
    activate (fixture->window, "win.import-csv-from", "(ss)", template_id, path);
    WAIT_FOR ((dialog = open_dialog ()) != NULL);
    g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Import 2 Rows into “Bird sighting”?");
    g_assert_true (column_choice_is (dialog, 0, "species", "The field “Species”"));
    g_assert_true (column_choice_is (dialog, 1, "COUNT", "The field “Count”"));
    g_assert_true (column_choice_is (dialog, 2, "title", "The title"));
    g_assert_true (column_choice_is (dialog, 3, "Observer", "A new field “Observer”"));
    /* The person leaves "Observer" out: said, not dropped silently. */
    {
      AdwComboRow *observer = ADW_COMBO_ROW (gtk_list_box_get_row_at_index (
        GTK_LIST_BOX (adw_message_dialog_get_extra_child (dialog)), 3));

      adw_combo_row_set_selected (observer, g_list_model_get_n_items (adw_combo_row_get_model (observer)) - 1);
      g_assert_true (column_choice_is (dialog, 3, "Observer", "Nothing: leave this column out"));
    }
    adw_message_dialog_response (dialog, "import");
    gtk_window_close (GTK_WINDOW (dialog));
    WAIT_FOR (open_dialog () == NULL);
    g_assert_cmpstr (adw_toast_get_title (fb_window_get_last_toast (fixture->window)), ==,
                     "Imported 2 records: values that do not fit their fields are kept as text and marked as problems; "
                     "1 column left out, as chosen");
    records = fb_store_list_template_records (fixture->store, template_id, NULL);
    g_assert_cmpuint (records->len, ==, 5);
    for (guint i = 0; i < records->len; i++)
      g_assert_false (json_object_has_member (fb_body_get_object (fb_item_get_body (records->pdata[i]), "fields"),
                                              "Observer"));
    WAIT_FOR (row_problems_are (fixture, "Weir", "Count must be a whole number"));
  }

  /* "Blank record" stays: a record without a template, as before. */
  {
    AdwMessageDialog *dialog;

    activate (fixture->window, "win.new-item", NULL);
    WAIT_FOR ((dialog = open_dialog ()) != NULL);
    adw_message_dialog_response (dialog, "blank");
    gtk_window_close (GTK_WINDOW (dialog));
    WAIT_FOR (open_dialog () == NULL);
    WAIT_FOR (fb_record_editor_get_field_input (editor, "Species") == NULL);
    g_assert_null (fb_record_body_get_template_id (fb_item_get_body (fb_window_get_current_item (fixture->window))));
  }
}

/* Issue 14: a refused field name says why; the record editor's title
 * starts where the note editor's does. */
static void
test_editor_details (Fixture       *fixture,
                     gconstpointer  data)
{
  FbRecordEditor *editor = record_editor (fixture);
  FbNoteEditor *notes = child (fixture, "note_editor");
  GtkEditable *new_field = fb_record_editor_get_new_field_row (editor);
  GtkEditable *rename;
  graphene_point_t note_at, record_at;
  const char *refused = "There is a field called “height” already: each field needs a name of its own";

  /* The window opens in the collection the last test left. */
  activate (fixture->window, "win.collection", "s", "notes");
  activate (fixture->window, "win.new-item", NULL);
  WAIT_FOR (is_showing (fb_note_editor_get_title_entry (notes)));
  gtk_editable_set_text (fb_note_editor_get_title_entry (notes), "A note");
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (fb_note_editor_get_title_entry (notes)),
                                           GTK_WIDGET (fixture->window),
                                           &GRAPHENE_POINT_INIT (0, 0), &note_at));

  activate (fixture->window, "win.collection", "s", "records");
  activate (fixture->window, "win.new-item", NULL);
  WAIT_FOR (is_showing (fb_record_editor_get_title_entry (editor)));
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (fb_record_editor_get_title_entry (editor)),
                                           GTK_WIDGET (fixture->window),
                                           &GRAPHENE_POINT_INIT (0, 0), &record_at));
  g_assert_cmpfloat (record_at.x, ==, note_at.x);

  activate (editor, "record.add-field", "s", "height");
  activate (editor, "record.add-field", "s", "girth");
  gtk_editable_set_text (new_field, "height");
  g_signal_emit_by_name (new_field, "entry-activated");
  g_assert_cmpstr (fb_record_editor_get_new_field_message (editor), ==, refused);
  gtk_editable_set_text (new_field, "");
  g_assert_null (fb_record_editor_get_new_field_message (editor));

  rename = fb_record_editor_get_rename_entry (editor, "girth");
  gtk_editable_set_text (rename, "height");
  g_signal_emit_by_name (rename, "activate");
  g_assert_cmpstr (fb_record_editor_get_rename_message (editor, "girth"), ==, refused);
  gtk_editable_set_text (rename, "");
  g_signal_emit_by_name (rename, "activate");
  g_assert_cmpstr (fb_record_editor_get_rename_message (editor, "girth"), ==, "A field needs a name");
  gtk_editable_set_text (rename, "width");
  g_signal_emit_by_name (rename, "activate");
  g_assert_null (fb_record_editor_get_rename_message (editor, "width"));

  /* Alt+Up in a field moves it up, in the form and in what is saved. */
  {
    GtkWidget *width = GTK_WIDGET (fb_record_editor_get_field_row (editor, "width"));
    g_auto(GStrv) names = NULL;
    JsonArray *order;

    gtk_widget_grab_focus (width);
    WAIT_FOR (gtk_widget_get_focus_child (width) != NULL || gtk_widget_has_focus (width));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "record.move-focused-field", "b", FALSE));
    names = fb_record_editor_get_field_names (editor);
    g_assert_cmpstr (names[0], ==, "width");
    g_assert_cmpstr (names[1], ==, "height");
    g_assert_true (gtk_widget_get_next_sibling (width) == GTK_WIDGET (fb_record_editor_get_field_row (editor, "height")));
    g_assert_true (fb_window_flush (fixture->window));
    order = fb_body_get_array (fb_item_get_body (fb_window_get_current_item (fixture->window)), "order");
    g_assert_cmpstr (json_array_get_string_element (order, 0), ==, "width");
  }

  /* Dragged by its handle onto another field: the same move. */
  {
    g_auto(GStrv) names = NULL;
    JsonArray *order;

    activate (editor, "record.add-field", "s", "depth");
    g_assert_true (drop_row (fb_record_editor_get_field_row (editor, "depth"),
                             fb_record_editor_get_field_row (editor, "width")));
    names = fb_record_editor_get_field_names (editor);
    g_assert_cmpstr (names[0], ==, "depth");
    g_assert_cmpstr (names[1], ==, "width");
    g_assert_cmpstr (names[2], ==, "height");
    g_assert_true (fb_window_flush (fixture->window));
    order = fb_body_get_array (fb_item_get_body (fb_window_get_current_item (fixture->window)), "order");
    g_assert_cmpstr (json_array_get_string_element (order, 0), ==, "depth");
    g_assert_cmpstr (json_array_get_string_element (order, 2), ==, "height");
  }
}

/* A template changed while one of its records is open (here or on
 * another device): the form follows it, and what was typed stays. */
static void
test_template_changes_under_record (Fixture       *fixture,
                                    gconstpointer  data)
{
  FbRecordEditor *editor = record_editor (fixture);
  g_autoptr(JsonObject) template = fb_template_body_new ("Plot");
  g_autoptr(JsonObject) changed = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fields = NULL;

  fb_template_add_field (template, "Trees", FB_FIELD_INTEGER);
  item = fb_store_create_item (fixture->store, FB_COLLECTION_TEMPLATES, template, &error);
  g_assert_no_error (error);
  activate (fixture->window, "win.new-record", "s", fb_item_get_id (item));
  WAIT_FOR (fb_record_editor_get_field_input (editor, "Trees") != NULL);
  gtk_editable_set_text (GTK_EDITABLE (fb_record_editor_get_field_input (editor, "Trees")), "14");

  changed = fb_body_copy (template);
  fb_template_add_field (changed, "Canopy", FB_FIELD_YES_NO);
  g_assert_true (fb_store_update_item (fixture->store, fb_item_get_id (item), changed, &error));
  WAIT_FOR (fb_record_editor_get_field_input (editor, "Canopy") != NULL);
  g_assert_true (GTK_IS_SWITCH (fb_record_editor_get_field_input (editor, "Canopy")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fb_record_editor_get_field_input (editor, "Trees"))),
                   ==, "14");
  fields = current_fields (fixture);
  g_assert_cmpint (json_object_get_int_member (fields, "Trees"), ==, 14);
}

/* ---- A link to another record ---- */

static FbItem *
create (Fixture    *fixture,
        const char *collection,
        JsonObject *body)
{
  g_autoptr(GError) error = NULL;
  FbItem *item = fb_store_create_item (fixture->store, collection, body, &error);

  g_assert_no_error (error);
  return item;
}

static gboolean
current_is (Fixture *fixture,
            FbItem  *item)
{
  FbItem *current = fb_window_get_current_item (fixture->window);

  return current != NULL && g_strcmp0 (fb_item_get_id (current), fb_item_get_id (item)) == 0;
}

/* The "Nest" row of the open record: what it says of the linked record. */
static const char *
link_words (Fixture *fixture)
{
  GtkWidget *input = fb_record_editor_get_field_input (record_editor (fixture), "Nest");
  GtkWidget *row = input != NULL ? gtk_widget_get_ancestor (input, ADW_TYPE_ACTION_ROW) : NULL;

  return row != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) : NULL;
}

static gboolean
n_items_is (GtkListView *view,
            guint        n)
{
  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (view))) == n;
}

/* A sighting links to its nest record: chosen in the picker by searching,
 * shown by its title, stored as its id (and so written to CSV), opened
 * from the row; a deleted or missing record is said in words. */
static void
test_link_field (Fixture       *fixture,
                 gconstpointer  data)
{
  FbRecordEditor *editor = record_editor (fixture);
  g_autoptr(JsonObject) template = fb_template_body_new ("Sighting");
  g_autoptr(JsonObject) heron_body = fb_record_body_new ("Heron nest 1");
  g_autoptr(JsonObject) egret_body = fb_record_body_new ("Egret nest 2");
  g_autoptr(FbItem) template_item = NULL;
  g_autoptr(FbItem) heron = NULL;
  g_autoptr(FbItem) egret = NULL;
  g_autoptr(FbItem) sighting = NULL;
  g_autoptr(FbItem) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *expected = NULL;
  GtkWidget *input, *row, *open_button;
  FbRecordLinkPicker *picker;
  JsonObject *fields;

  fb_template_add_field (template, "Nest", FB_FIELD_LINK);
  template_item = create (fixture, FB_COLLECTION_TEMPLATES, template);
  heron = create (fixture, FB_COLLECTION_RECORDS, heron_body);
  egret = create (fixture, FB_COLLECTION_RECORDS, egret_body);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-record", "s",
                                             fb_item_get_id (template_item)));
  WAIT_FOR (fb_record_editor_get_field_input (editor, "Nest") != NULL);
  sighting = g_object_ref (fb_window_get_current_item (fixture->window));
  gtk_editable_set_text (fb_record_editor_get_title_entry (editor), "Heron at the weir");
  g_assert_cmpstr (link_words (fixture), ==, "Nothing linked yet");

  /* The picker: search, then choose the one match. */
  input = fb_record_editor_get_field_input (editor, "Nest");
  row = gtk_widget_get_ancestor (input, ADW_TYPE_ACTION_ROW);
  picker = FB_RECORD_LINK_PICKER (gtk_menu_button_get_popover (GTK_MENU_BUTTON (input)));
  g_assert_nonnull (picker);
  gtk_menu_button_popup (GTK_MENU_BUTTON (input));
  WAIT_FOR (is_showing (fb_record_link_picker_get_search_entry (picker)));
  WAIT_FOR (n_items_is (fb_record_link_picker_get_list_view (picker), 3));
  gtk_editable_set_text (fb_record_link_picker_get_search_entry (picker), "heron nest");
  WAIT_FOR (n_items_is (fb_record_link_picker_get_list_view (picker), 1));
  g_signal_emit_by_name (fb_record_link_picker_get_list_view (picker), "activate", 0);
  g_assert_cmpstr (link_words (fixture), ==, "Heron nest 1");
  WAIT_FOR (!gtk_widget_get_visible (GTK_WIDGET (picker)));

  /* Saved as the record's id, and so in the CSV. */
  g_assert_true (fb_window_flush (fixture->window));
  stored = fb_store_get_item (fixture->store, fb_item_get_id (sighting), &error);
  g_assert_no_error (error);
  fields = fb_body_get_object (fb_item_get_body (stored), "fields");
  g_assert_cmpstr (json_object_get_string_member (fields, "Nest"), ==, fb_item_get_id (heron));
  csv = fb_record_csv_export (fixture->store, template_item, NULL, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("Title,Nest\r\nHeron at the weir,%s\r\n", fb_item_get_id (heron));
  g_assert_cmpstr (csv, ==, expected);

  /* Activating the row opens the linked record. */
  adw_action_row_activate (ADW_ACTION_ROW (row));
  WAIT_FOR (current_is (fixture, heron));

  /* Renamed and then deleted elsewhere: the open sighting says so. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.open-item", "s",
                                             fb_item_get_id (sighting)));
  WAIT_FOR (current_is (fixture, sighting));
  WAIT_FOR (g_strcmp0 (link_words (fixture), "Heron nest 1") == 0);
  {
    g_autoptr(JsonObject) renamed = fb_record_body_new ("Heron nest 1 (old willow)");

    g_assert_true (fb_store_update_item (fixture->store, fb_item_get_id (heron), renamed, &error));
    g_assert_no_error (error);
  }
  WAIT_FOR (g_strcmp0 (link_words (fixture), "Heron nest 1 (old willow)") == 0);
  g_assert_true (fb_store_delete_item (fixture->store, fb_item_get_id (heron), &error));
  g_assert_no_error (error);
  WAIT_FOR (g_strcmp0 (link_words (fixture), "“Heron nest 1 (old willow)” was deleted (it is in the Trash)") == 0);
  input = fb_record_editor_get_field_input (editor, "Nest");
  open_button = gtk_widget_get_last_child (gtk_widget_get_parent (input));
  g_assert_false (gtk_widget_get_sensitive (open_button));

  /* A link to a record this device has never had. */
  {
    g_autoptr(JsonObject) body = fb_body_copy (fb_item_get_body (stored));

    json_object_set_string_member (fb_body_get_object (body, "fields"), "Nest", "record-from-elsewhere");
    g_assert_true (fb_store_update_item (fixture->store, fb_item_get_id (sighting), body, &error));
    g_assert_no_error (error);
  }
  WAIT_FOR (g_strcmp0 (link_words (fixture),
                       "The linked record is not here: it was deleted, "
                       "or has not come from another device yet") == 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.open-item", "s",
                                             "record-from-elsewhere"));
  g_assert_true (current_is (fixture, sighting));
  g_assert_cmpstr (adw_toast_get_title (fb_window_get_last_toast (fixture->window)), ==,
                   "The linked record is not here: it was deleted, or has not come from another device yet");
}

/* ---- "Use my location" ---- */

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *icon_name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (child)), icon_name) == 0)
        return child;
      if ((found = find_button (child, icon_name)) != NULL)
        return found;
    }
  return NULL;
}

/* The test's bus has no location portal (and no GeoClue): once the field
 * has asked, "Use my location" stays hidden, and a pasted location is
 * taken as typed. */
static void
test_location_without_portal (Fixture       *fixture,
                              gconstpointer  data)
{
  FbRecordEditor *editor = record_editor (fixture);
  g_autoptr(JsonObject) template = fb_template_body_new ("Plot");
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fields = NULL;
  GtkWidget *input, *locate;
  JsonObject *where;

  fb_template_add_field (template, "Where", FB_FIELD_LOCATION);
  item = fb_store_create_item (fixture->store, FB_COLLECTION_TEMPLATES, template, &error);
  g_assert_no_error (error);
  activate (fixture->window, "win.new-record", "s", fb_item_get_id (item));
  WAIT_FOR ((input = fb_record_editor_get_field_input (editor, "Where")) != NULL);
  WAIT_FOR (is_showing (input));

  locate = find_button (input, "find-location-symbolic");
  g_assert_nonnull (locate);
  WAIT_FOR (g_object_get_data (G_OBJECT (locate), "fb-location-checked") != NULL);
  g_assert_false (gtk_widget_get_visible (locate));

  gtk_editable_set_text (GTK_EDITABLE (input), "52.52, 13.405");
  fields = current_fields (fixture);
  where = json_object_get_object_member (fields, "Where");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (where, "latitude"), 52.52, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (where, "longitude"), 13.405, 1e-9);
}

/* The template editor limits a link field to one template: the option
 * its picker reads, kept in the template, shown again when it opens. */
static void
test_link_to_one_template (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(JsonObject) plot = fb_template_body_new ("Plot");
  g_autoptr(JsonObject) visit = fb_template_body_new ("Visit");
  g_autoptr(FbItem) plot_item = NULL;
  g_autoptr(FbItem) visit_item = NULL;
  g_autoptr(FbItem) saved = NULL;
  FbTemplateWindow *window;
  AdwComboRow *links;
  GListModel *labels;
  guint plot_index = G_MAXUINT;

  fb_template_add_field (plot, "Area", FB_FIELD_DECIMAL);
  fb_template_add_field (visit, "Where", FB_FIELD_LINK);
  plot_item = fb_store_create_item (fixture->store, FB_COLLECTION_TEMPLATES, plot, NULL);
  visit_item = fb_store_create_item (fixture->store, FB_COLLECTION_TEMPLATES, visit, NULL);

  activate (fixture->window, "win.edit-templates", NULL);
  window = fb_window_get_template_window (fixture->window);
  WAIT_FOR (is_showing (window));
  fb_template_window_select (window, fb_item_get_id (visit_item));
  WAIT_FOR ((links = fb_template_window_get_link_row (window, 0)) != NULL);
  /* Only a link field has it; any template until one is chosen. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (links)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fb_template_window_get_unit_row (window, 0))));
  g_assert_cmpuint (adw_combo_row_get_selected (links), ==, 0);
  labels = adw_combo_row_get_model (links);
  for (guint i = 0; i < g_list_model_get_n_items (labels); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (labels), i), "Plot") == 0)
      plot_index = i;
  g_assert_cmpuint (plot_index, !=, G_MAXUINT);

  adw_combo_row_set_selected (links, plot_index);
  saved = fb_store_get_item (fixture->store, fb_item_get_id (visit_item), NULL);
  g_assert_cmpstr (json_object_get_string_member_with_default (
                     fb_template_get_field (fb_item_get_body (saved), 0), "template", NULL),
                   ==, fb_item_get_id (plot_item));

  /* Shown again as chosen; back to any template removes the option. */
  fb_template_window_select (window, fb_item_get_id (plot_item));
  fb_template_window_select (window, fb_item_get_id (visit_item));
  WAIT_FOR ((links = fb_template_window_get_link_row (window, 0)) != NULL);
  g_assert_cmpuint (adw_combo_row_get_selected (links), ==, plot_index);
  adw_combo_row_set_selected (links, 0);
  g_clear_object (&saved);
  saved = fb_store_get_item (fixture->store, fb_item_get_id (visit_item), NULL);
  g_assert_false (json_object_has_member (fb_template_get_field (fb_item_get_body (saved), 0), "template"));
  gtk_window_destroy (GTK_WINDOW (window));
  WAIT_FOR (fb_window_get_template_window (fixture->window) == NULL);
}

static FbRecordTable *
open_table (Fixture    *fixture,
            const char *template_id)
{
  FbRecordTable *table;

  activate (fixture->window, "win.show-table", "s", template_id);
  table = fb_window_get_record_table (fixture->window);
  g_assert_nonnull (table);
  WAIT_FOR (is_showing (fb_record_table_get_view (table)));
  return table;
}

static int
column_width (FbRecordTable *table,
              guint          index)
{
  g_autoptr(GtkColumnViewColumn) column =
    g_list_model_get_item (gtk_column_view_get_columns (fb_record_table_get_view (table)), index);

  return gtk_column_view_column_get_fixed_width (column);
}

/* A column a person widened keeps its width in GSettings, by template and
 * field, and has it again when the table opens; another template's
 * table does not take it. */
static void
test_table_column_widths (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(JsonObject) template = fb_template_body_new ("Plot");
  g_autoptr(JsonObject) other = fb_template_body_new ("Transect");
  g_autoptr(FbItem) item = NULL;
  g_autoptr(FbItem) other_item = NULL;
  g_autoptr(GSettings) settings = g_settings_new ("io.github.fieldbook.Fieldbook");
  g_autoptr(GVariant) widths = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GtkColumnViewColumn) count = NULL;
  FbRecordTable *table;
  int width = 0;

  fb_template_add_field (template, "Count", FB_FIELD_INTEGER);
  fb_template_add_field (other, "Count", FB_FIELD_INTEGER);
  item = fb_store_create_item (fixture->store, FB_COLLECTION_TEMPLATES, template, NULL);
  other_item = fb_store_create_item (fixture->store, FB_COLLECTION_TEMPLATES, other, NULL);

  table = open_table (fixture, fb_item_get_id (item));
  g_assert_cmpint (column_width (table, 1), ==, -1);
  /* What dragging the header's edge does. */
  count = g_list_model_get_item (gtk_column_view_get_columns (fb_record_table_get_view (table)), 1);
  gtk_column_view_column_set_fixed_width (count, 173);
  g_clear_object (&count);
  gtk_window_close (GTK_WINDOW (table));
  WAIT_FOR (fb_window_get_record_table (fixture->window) == NULL);

  widths = g_settings_get_value (settings, "column-widths");
  key = g_strdup_printf ("%s/Count", fb_item_get_id (item));
  g_assert_true (g_variant_lookup (widths, key, "i", &width));
  g_assert_cmpint (width, ==, 173);

  table = open_table (fixture, fb_item_get_id (item));
  g_assert_cmpint (column_width (table, 1), ==, 173);
  g_assert_cmpint (column_width (table, 0), ==, -1);
  table = open_table (fixture, fb_item_get_id (other_item));
  g_assert_cmpint (column_width (table, 1), ==, -1);
  gtk_window_destroy (GTK_WINDOW (table));
  WAIT_FOR (fb_window_get_record_table (fixture->window) == NULL);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/records/typed-records", Fixture, NULL, fixture_setup, test_typed_records, fixture_teardown);
  g_test_add ("/records/editor-details", Fixture, NULL, fixture_setup, test_editor_details, fixture_teardown);
  g_test_add ("/records/template-changes-under-record", Fixture, NULL,
              fixture_setup, test_template_changes_under_record, fixture_teardown);
  g_test_add ("/records/reorder-template-fields", Fixture, NULL,
              fixture_setup, test_reorder_template_fields, fixture_teardown);
  g_test_add ("/records/link-field", Fixture, NULL, fixture_setup, test_link_field, fixture_teardown);
  g_test_add ("/records/location-without-portal", Fixture, NULL,
              fixture_setup, test_location_without_portal, fixture_teardown);
  g_test_add ("/records/link-to-one-template", Fixture, NULL,
              fixture_setup, test_link_to_one_template, fixture_teardown);
  g_test_add ("/records/table-column-widths", Fixture, NULL,
              fixture_setup, test_table_column_widths, fixture_teardown);

  return g_test_run ();
}
