/* fb-window-records.c: the window's records and their templates: New Record from a template, the template window */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-csv.h"
#include "fb-record-csv.h"
#include "fb-record-table.h"
#include "fb-template.h"
#include "fb-template-window.h"
#include "fb-window-private.h"

#define RESPONSE_BLANK  "blank"
#define RESPONSE_CANCEL "cancel"

/* A template's name as a button label: its underscores are not mnemonics. */
static char *
response_label (FbItem *template)
{
  g_autofree char *title = fb_body_dup_display_title (fb_item_get_body (template));
  g_auto(GStrv) parts = g_strsplit (title, "_", -1);

  return g_strjoinv ("__", parts);
}

typedef void (*TemplateChosenFunc) (FbWindow   *self,
                                    const char *template_id);

static void
template_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      FbWindow         *self)
{
  TemplateChosenFunc chosen = g_object_get_data (G_OBJECT (dialog), "fb-chosen");

  if (g_strcmp0 (response, RESPONSE_CANCEL) == 0)
    return;

  chosen (self, g_strcmp0 (response, RESPONSE_BLANK) == 0 ? "" : response);
}

/* Asks which template, one button each (the first is the default, so
 * Enter takes it), and a Blank Record button when @blank_label is given.
 * FALSE when there are no templates to ask about. */
static gboolean
choose_template (FbWindow           *self,
                 const char         *heading,
                 const char         *body,
                 const char         *blank_label,
                 TemplateChosenFunc  chosen)
{
  g_autoptr(GPtrArray) templates = fb_store_list_templates (self->store, NULL);
  AdwMessageDialog *dialog;
  const char *first;

  if (templates == NULL || templates->len == 0)
    return FALSE;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  for (guint i = 0; i < templates->len; i++)
    {
      FbItem *template = g_ptr_array_index (templates, i);
      g_autofree char *label = response_label (template);

      adw_message_dialog_add_response (dialog, fb_item_get_id (template), label);
    }
  if (blank_label != NULL)
    adw_message_dialog_add_response (dialog, RESPONSE_BLANK, blank_label);
  adw_message_dialog_add_response (dialog, RESPONSE_CANCEL, _("_Cancel"));
  first = fb_item_get_id (g_ptr_array_index (templates, 0));
  adw_message_dialog_set_response_appearance (dialog, first, ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, first);
  adw_message_dialog_set_close_response (dialog, RESPONSE_CANCEL);
  g_object_set_data (G_OBJECT (dialog), "fb-chosen", chosen);
  g_signal_connect_object (dialog, "response", G_CALLBACK (template_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));

  return TRUE;
}

static void
new_record_chosen (FbWindow   *self,
                   const char *template_id)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.new-record", "s", template_id);
}

/* The template of the record in the editor, else the one a person picks
 * (@heading, @body); @no_templates is said when there is none to pick. */
static void
with_current_template (FbWindow           *self,
                       const char         *heading,
                       const char         *body,
                       const char         *no_templates,
                       TemplateChosenFunc  chosen)
{
  const char *template_id = NULL;

  if (self->current != NULL)
    template_id = fb_record_body_get_template_id (fb_item_get_body (self->current));
  if (template_id != NULL)
    {
      g_autofree char *id = g_strdup (template_id);

      chosen (self, id);
      return;
    }

  if (!choose_template (self, heading, body, NULL, chosen))
    _fb_window_show_error (self, no_templates);
}

gboolean
_fb_window_ask_template (FbWindow *self)
{
  /* Enter makes a record of the first template, as most records are. */
  return choose_template (self, _("New Record"), _("Which template is the new record made from?"),
                          _("_Blank Record"), new_record_chosen);
}

/* ---- CSV ---- */

static void
export_file_chosen_cb (GtkNativeDialog *chooser,
                       int              response,
                       FbWindow        *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  const char *template_id = g_object_get_data (G_OBJECT (chooser), "fb-template-id");

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    path = g_file_get_path (file);
  if (path != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.export-csv-to", "(ss)", template_id, path);

  g_object_unref (chooser);
}

static void
export_template_chosen (FbWindow   *self,
                        const char *template_id)
{
  g_autoptr(FbItem) template = fb_store_get_item (self->store, template_id, NULL);
  g_autofree char *title = NULL;
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;

  if (template == NULL)
    return;

  title = fb_body_dup_display_title (fb_item_get_body (template));
  chooser = gtk_file_chooser_native_new (_("Export Records as CSV"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  name = g_strdup_printf ("%s.csv", title);
  g_strdelimit (name, "/\\", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "fb-template-id", g_strdup (template_id), g_free);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_file_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  with_current_template (FB_WINDOW (widget), _("Export Records as CSV"),
                         _("Which template's records are exported?"),
                         _("There are no templates yet: CSV export is for the records of one "
                           "template (Record Templates in the menu)"),
                         export_template_chosen);
}

static void
export_csv_to_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);
  const char *template_id, *path;
  g_autoptr(FbItem) template = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *message = NULL;
  guint n = 0;

  g_variant_get (parameter, "(&s&s)", &template_id, &path);

  template = fb_store_get_item (self->store, template_id, &error);
  if (template != NULL)
    csv = fb_record_csv_export (self->store, template, &n, &error);
  if (csv == NULL || !g_file_set_contents (path, csv, -1, &error))
    {
      /* TRANSLATORS: %s says why */
      message = g_strdup_printf (_("The records could not be exported: %s"), error->message);
      _fb_window_show_error (self, message);
      return;
    }

  message = g_strdup_printf (ngettext ("%u record exported", "%u records exported", n), n);
  _fb_window_show_toast (self, adw_toast_new (message));
}

static void
new_record_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);
  const char *template_id = g_variant_get_string (parameter, NULL);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(FbItem) template = NULL;

  if (*template_id != '\0')
    template = fb_store_get_item (self->store, template_id, NULL);

  fb_window_set_collection (self, FB_COLLECTION_RECORDS);
  if (template != NULL && !fb_item_get_deleted (template))
    body = fb_record_body_new_from_template ("", template_id, fb_item_get_body (template));
  else
    body = fb_record_body_new ("");
  _fb_window_add_new_item (self, body);
}

/* ---- CSV import: a file, the columns matched, then the records ---- */

#define RESPONSE_IMPORT "import"

typedef struct
{
  char      *template_id;
  char      *contents;
  gsize      length;
  /* Per CSV column: its drop-down (AdwComboRow *) and what each of the
   * drop-down's entries fills (GPtrArray of char *: NULL the title, ""
   * nothing, else a field's name), as fb_record_csv_import_columns ()
   * takes it. */
  GPtrArray *combos;
  GPtrArray *targets;
} PendingImport;

static void
pending_import_free (gpointer data)
{
  PendingImport *pending = data;

  g_free (pending->template_id);
  g_free (pending->contents);
  g_clear_pointer (&pending->combos, g_ptr_array_unref);
  g_clear_pointer (&pending->targets, g_ptr_array_unref);
  g_free (pending);
}

/* The chosen target of each column. */
static GPtrArray *
chosen_columns (PendingImport *pending,
                guint         *n_ignored)
{
  GPtrArray *columns = g_ptr_array_new_with_free_func (g_free);

  *n_ignored = 0;
  for (guint i = 0; i < pending->combos->len; i++)
    {
      GPtrArray *targets = g_ptr_array_index (pending->targets, i);
      guint selected = adw_combo_row_get_selected (g_ptr_array_index (pending->combos, i));
      const char *target = selected < targets->len ? g_ptr_array_index (targets, selected) : "";

      if (target != NULL && *target == '\0')
        (*n_ignored)++;
      g_ptr_array_add (columns, g_strdup (target));
    }
  return columns;
}

/* A drop-down for one CSV column: the title, each of the template's
 * fields, a new field of the column's name, or nothing; @matched (as
 * fb_record_csv_match_columns () says) chosen. */
static AdwComboRow *
column_row (PendingImport *pending,
            JsonObject    *template,
            const char    *header,
            const char    *matched,
            guint          index)
{
  AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  GPtrArray *targets = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *new_field = NULL;
  guint selected = 0;

  gtk_string_list_append (labels, _("The title"));
  g_ptr_array_add (targets, NULL);
  for (guint f = 0; f < fb_template_get_n_fields (template); f++)
    {
      const char *name = fb_template_field_get_name (fb_template_get_field (template, f));
      /* TRANSLATORS: what a CSV column fills on import: a template's field */
      g_autofree char *label = g_strdup_printf (_("The field “%s”"), name);

      if (g_strcmp0 (name, matched) == 0)
        selected = targets->len;
      gtk_string_list_append (labels, label);
      g_ptr_array_add (targets, g_strdup (name));
    }
  if (matched != NULL && fb_template_find_field (template, matched) == NULL)
    {
      /* TRANSLATORS: what a CSV column fills on import: a field of its own */
      g_autofree char *label = g_strdup_printf (_("A new field “%s”"), matched);

      selected = targets->len;
      gtk_string_list_append (labels, label);
      g_ptr_array_add (targets, g_strdup (matched));
    }
  gtk_string_list_append (labels, _("Nothing: leave this column out"));
  g_ptr_array_add (targets, g_strdup (""));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  new_field = *header != '\0' ? g_strdup (header) : g_strdup_printf ("%u", index + 1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), new_field);
  adw_combo_row_set_model (row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (row, selected);
  g_ptr_array_add (pending->combos, row);
  g_ptr_array_add (pending->targets, targets);
  return row;
}

static void
import_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    FbWindow         *self)
{
  PendingImport *pending = g_object_get_data (G_OBJECT (dialog), "fb-import");
  g_autoptr(FbItem) template = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(GPtrArray) columns = NULL;
  FbRecordCsvImport result = { 0, };
  guint n_ignored;

  if (g_strcmp0 (response, RESPONSE_IMPORT) != 0)
    return;

  columns = chosen_columns (pending, &n_ignored);
  template = fb_store_get_item (self->store, pending->template_id, &error);
  if (template == NULL ||
      !fb_record_csv_import_columns (self->store, template, pending->contents, pending->length,
                                     columns, &result, &error))
    {
      /* TRANSLATORS: %s says why */
      message = g_strdup_printf (_("Nothing was imported: %s"), error->message);
      _fb_window_show_error (self, message);
      return;
    }

  fb_window_set_collection (self, FB_COLLECTION_RECORDS);
  if (result.n_misfits > 0)
    message = g_strdup_printf (ngettext ("Imported %u record: values that do not fit their fields "
                                         "are kept as text and marked as problems",
                                         "Imported %u records: values that do not fit their fields "
                                         "are kept as text and marked as problems",
                                         result.n_records),
                               result.n_records);
  else
    message = g_strdup_printf (ngettext ("Imported %u record", "Imported %u records", result.n_records),
                               result.n_records);
  if (result.n_unattached > 0)
    {
      /* TRANSLATORS: %s says how many records were imported, %u how many
       * file names in photo or file fields name no file of their record */
      shown = g_strdup_printf (ngettext ("%s; %u file name is not attached: kept and marked as a problem",
                                         "%s; %u file names are not attached: kept and marked as problems",
                                         result.n_unattached),
                               message, result.n_unattached);
      g_free (message);
      message = g_steal_pointer (&shown);
    }
  if (n_ignored > 0)
    /* TRANSLATORS: %s says how many records were imported, %u how many columns the person left out */
    shown = g_strdup_printf (ngettext ("%s; %u column left out, as chosen", "%s; %u columns left out, as chosen",
                                       n_ignored),
                             message, n_ignored);
  _fb_window_show_toast (self, adw_toast_new (shown != NULL ? shown : message));
}

/* The column-matching step: which column fills which field, before anything
 * is imported. */
static void
import_csv_from_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);
  const char *template_id, *path;
  g_autoptr(FbItem) template = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) columns = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *list;
  g_autofree char *title = NULL;
  g_autofree char *heading = NULL;
  PendingImport *pending;
  AdwMessageDialog *dialog;
  char **header;
  guint n_rows = 0;

  g_variant_get (parameter, "(&s&s)", &template_id, &path);

  pending = g_new0 (PendingImport, 1);
  pending->template_id = g_strdup (template_id);
  template = fb_store_get_item (self->store, template_id, &error);
  if (template != NULL && g_file_get_contents (path, &pending->contents, &pending->length, &error))
    rows = fb_csv_parse (pending->contents, pending->length, &error);
  if (rows != NULL && rows->len == 0)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("The file is empty: it needs a header row of field names"));
  if (rows == NULL || rows->len == 0)
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s says why */
      message = g_strdup_printf (_("Nothing was imported: %s"), error->message);
      _fb_window_show_error (self, message);
      pending_import_free (pending);
      return;
    }

  header = g_ptr_array_index (rows, 0);
  columns = fb_record_csv_match_columns (fb_item_get_body (template), header);
  pending->combos = g_ptr_array_new ();
  pending->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < columns->len; i++)
    gtk_list_box_append (GTK_LIST_BOX (list),
                         GTK_WIDGET (column_row (pending, fb_item_get_body (template), header[i],
                                                 g_ptr_array_index (columns, i), i)));
  for (guint r = 1; r < rows->len; r++)
    {
      char **row = g_ptr_array_index (rows, r);

      for (guint c = 0; row[c] != NULL; c++)
        if (*row[c] != '\0')
          {
            n_rows++;
            break;
          }
    }

  title = fb_body_dup_display_title (fb_item_get_body (template));
  /* TRANSLATORS: %u is a number of CSV rows, %s a template's name */
  heading = g_strdup_printf (ngettext ("Import %u Row into “%s”?", "Import %u Rows into “%s”?", n_rows),
                             n_rows, title);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       _("Choose what each column fills. A column left out "
                                                         "is not imported; every other value is, as text "
                                                         "where it does not fit its field.")));
  adw_message_dialog_set_extra_child (dialog, list);
  adw_message_dialog_add_response (dialog, RESPONSE_CANCEL, _("_Cancel"));
  adw_message_dialog_add_response (dialog, RESPONSE_IMPORT, _("_Import"));
  adw_message_dialog_set_response_appearance (dialog, RESPONSE_IMPORT, ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, RESPONSE_IMPORT);
  adw_message_dialog_set_close_response (dialog, RESPONSE_CANCEL);
  g_object_set_data_full (G_OBJECT (dialog), "fb-import", pending, pending_import_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (import_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
import_file_chosen_cb (GtkNativeDialog *chooser,
                       int              response,
                       FbWindow        *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  const char *template_id = g_object_get_data (G_OBJECT (chooser), "fb-template-id");

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    path = g_file_get_path (file);
  if (path != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.import-csv-from", "(ss)", template_id, path);

  g_object_unref (chooser);
}

static void
import_template_chosen (FbWindow   *self,
                        const char *template_id)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Import Records from CSV"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("CSV Files"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_set_data_full (G_OBJECT (chooser), "fb-template-id", g_strdup (template_id), g_free);
  g_signal_connect_object (chooser, "response", G_CALLBACK (import_file_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
import_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  with_current_template (FB_WINDOW (widget), _("Import Records from CSV"),
                         _("Which template are the records of?"),
                         _("There are no templates yet: a CSV file is imported as the records of "
                           "one template (Record Templates in the menu)"),
                         import_template_chosen);
}

/* ---- A link field's record ---- */

static void
open_item_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);
  g_autoptr(FbItem) item = fb_store_get_item (self->store, g_variant_get_string (parameter, NULL), NULL);

  if (item == NULL || fb_item_get_deleted (item))
    {
      _fb_window_show_error (self, _("The linked record is not here: it was deleted, "
                                     "or has not come from another device yet"));
      return;
    }

  fb_window_set_collection (self, fb_item_get_collection (item));
  if (_fb_window_open_item (self, item) && _fb_window_is_folded (self))
    adw_leaflet_set_visible_child (self->leaflet, self->editor_pane);
}

/* ---- The table ---- */

static void
table_open_item_cb (FbRecordTable *table,
                    FbItem        *item,
                    FbWindow      *self)
{
  fb_window_set_collection (self, FB_COLLECTION_RECORDS);
  if (_fb_window_open_item (self, item) && _fb_window_is_folded (self))
    adw_leaflet_set_visible_child (self->leaflet, self->editor_pane);
  gtk_window_present (GTK_WINDOW (self));
}

static void
table_destroyed_cb (FbWindow *self)
{
  g_object_set_data (G_OBJECT (self), "fb-record-table", NULL);
}

static void
show_table_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);
  FbRecordTable *table = g_object_get_data (G_OBJECT (self), "fb-record-table");

  /* One table at a time: another template's replaces it. */
  if (table != NULL)
    gtk_window_destroy (GTK_WINDOW (table));

  table = fb_record_table_new (self->store, g_variant_get_string (parameter, NULL));
  gtk_window_set_transient_for (GTK_WINDOW (table), GTK_WINDOW (self));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (table), TRUE);
  g_object_set_data (G_OBJECT (self), "fb-record-table", table);
  g_signal_connect_object (table, "destroy", G_CALLBACK (table_destroyed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (table, "open-item", G_CALLBACK (table_open_item_cb), self, 0);
  gtk_window_present (GTK_WINDOW (table));
}

static void
table_template_chosen (FbWindow   *self,
                       const char *template_id)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-table", "s", template_id);
}

/* The table of the current record's template, else of the one asked for. */
static void
show_table_current_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  with_current_template (FB_WINDOW (widget), _("Records as a Table"),
                         _("Which template's records are shown?"),
                         _("There are no templates yet: the table shows the records of one "
                           "template (Record Templates in the menu)"),
                         table_template_chosen);
}

struct _FbRecordTable *
fb_window_get_record_table (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  return g_object_get_data (G_OBJECT (self), "fb-record-table");
}

static void
template_window_destroyed_cb (FbWindow *self)
{
  g_object_set_data (G_OBJECT (self), "fb-template-window", NULL);
}

static void
edit_templates_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);
  FbTemplateWindow *window = g_object_get_data (G_OBJECT (self), "fb-template-window");

  if (window == NULL)
    {
      window = fb_template_window_new (self->store);
      gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
      gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
      g_object_set_data (G_OBJECT (self), "fb-template-window", window);
      g_signal_connect_object (window, "destroy", G_CALLBACK (template_window_destroyed_cb),
                               self, G_CONNECT_SWAPPED);
    }

  gtk_window_present (GTK_WINDOW (window));
}

struct _FbTemplateWindow *
fb_window_get_template_window (FbWindow *self)
{
  g_return_val_if_fail (FB_IS_WINDOW (self), NULL);

  return g_object_get_data (G_OBJECT (self), "fb-template-window");
}

char *
_fb_window_describe_problems (FbWindow *self,
                              FbItem   *item)
{
  const char *template_id;
  g_autoptr(FbItem) template = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  if (item == NULL || g_strcmp0 (fb_item_get_collection (item), FB_COLLECTION_RECORDS) != 0)
    return NULL;
  template_id = fb_record_body_get_template_id (fb_item_get_body (item));
  if (template_id == NULL)
    return NULL;
  template = fb_store_get_item (self->store, template_id, NULL);
  if (template == NULL || fb_item_get_deleted (template))
    return NULL;

  problems = fb_record_body_get_problems (fb_item_get_body (item), fb_item_get_body (template));
  if (problems->len == 0)
    return NULL;
  g_ptr_array_add (problems, NULL);
  return g_strjoinv ("\n", (char **) problems->pdata);
}

void
_fb_window_class_records_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new-record", "s", new_record_action);
  gtk_widget_class_install_action (widget_class, "win.open-item", "s", open_item_action);
  gtk_widget_class_install_action (widget_class, "win.edit-templates", NULL, edit_templates_action);
  gtk_widget_class_install_action (widget_class, "win.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "win.import-csv", NULL, import_csv_action);
  gtk_widget_class_install_action (widget_class, "win.import-csv-from", "(ss)", import_csv_from_action);
  gtk_widget_class_install_action (widget_class, "win.show-table", "s", show_table_action);
  gtk_widget_class_install_action (widget_class, "win.show-table-current", NULL, show_table_current_action);
  gtk_widget_class_install_action (widget_class, "win.export-csv-to", "(ss)", export_csv_to_action);
}
