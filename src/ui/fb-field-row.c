/* fb-field-row.c: a typed field of a record as a form row: its widget, its value, its problem */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-field-row"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "fb-field-files.h"
#include "fb-field-row.h"
#include "fb-location.h"
#include "fb-record-link.h"
#include "fb-template.h"
#include "fb-ui-util.h"

struct _FbFieldRow
{
  JsonObject        *definition;
  FbFieldType        type;
  FbFieldRowChanged  changed;
  gpointer           user_data;
  guint              loading;

  GtkWidget         *widget;       /* the row in the group */
  GtkWidget         *input;
  GtkWidget         *problem_row;
  GtkLabel          *problem_label;
  char              *problem;

  /* The stored value and how it was shown: untouched, it is saved back as
   * it was, even when it does not fit the widget. */
  JsonNode          *orig;
  char              *orig_text;
  gboolean           touched;

  /* choice: the strings of the drop-down, "" first for none */
  GPtrArray         *options;
  /* multiple choice: the checks, and the choices they stand for */
  GPtrArray         *checks;

  /* link: the linked record's id (NULL: none), the store that says its
   * title, and the buttons that open or clear it */
  char              *link_id;
  FbStore           *store;
  GtkWidget         *open_button;
  GtkWidget         *clear_button;

  /* photo, file: the tiles and Attach…, and the item whose files they are */
  GtkWidget         *files;
  FbStore           *item_store;
  char              *item_id;

  /* location: "Use my location", shown when the location portal answers */
  GtkWidget         *locate_button;
  GCancellable      *cancellable;
};

const char *
fb_field_row_get_name (FbFieldRow *row)
{
  return fb_template_field_get_name (row->definition);
}

static void
update_problem (FbFieldRow *row)
{
  g_autoptr(JsonNode) value = fb_field_row_dup_value (row);

  g_clear_pointer (&row->problem, g_free);
  if (row->files != NULL && row->item_store != NULL && row->item_id != NULL)
    {
      /* The names against the files the item holds now. */
      g_autoptr(FbItem) item = fb_store_get_item (row->item_store, row->item_id, NULL);

      row->problem = fb_template_field_check_record (row->definition, value,
                                                     item != NULL ? fb_item_get_body (item) : NULL);
    }
  else
    row->problem = fb_template_field_check (row->definition, value);

  gtk_label_set_text (row->problem_label, row->problem != NULL ? row->problem : "");
  gtk_widget_set_visible (row->problem_row, row->problem != NULL);
  if (row->problem != NULL)
    {
      gtk_widget_add_css_class (row->widget, "fb-field-problem");
      gtk_accessible_update_property (GTK_ACCESSIBLE (row->input),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, row->problem, -1);
    }
  else
    {
      gtk_widget_remove_css_class (row->widget, "fb-field-problem");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (row->input), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

static void
input_changed (FbFieldRow *row)
{
  if (row->loading > 0)
    return;

  row->touched = TRUE;
  update_problem (row);
  if (row->changed != NULL)
    row->changed (row, row->user_data);
}

static void
editable_changed_cb (GtkEditable *editable,
                     FbFieldRow  *row)
{
  input_changed (row);
}

static void
buffer_changed_cb (GtkTextBuffer *buffer,
                   FbFieldRow    *row)
{
  input_changed (row);
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           FbFieldRow *row)
{
  input_changed (row);
}

static void
check_toggled_cb (GtkCheckButton *check,
                  FbFieldRow     *row)
{
  input_changed (row);
}

/* ---- Dates: a calendar beside the entry ---- */

static void
day_selected_cb (GtkCalendar *calendar,
                 FbFieldRow  *row)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (calendar);
  g_autofree char *day = g_date_time_format (date, "%Y-%m-%d");
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row->input));
  g_autofree char *wanted = NULL;

  if (row->loading > 0)
    return;

  /* A date and time keeps the time already typed, or takes 00:00. */
  if (row->type == FB_FIELD_DATE_TIME)
    {
      const char *time = strlen (text) > 11 && (text[10] == 'T' || text[10] == ' ') ? text + 11 : "00:00";

      wanted = g_strdup_printf ("%sT%s", day, time);
    }
  else
    wanted = g_strdup (day);

  gtk_editable_set_text (GTK_EDITABLE (row->input), wanted);
  gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (GTK_WIDGET (calendar), GTK_TYPE_POPOVER)));
}

static void
calendar_show_cb (GtkWidget  *popover,
                  FbFieldRow *row)
{
  GtkCalendar *calendar = GTK_CALENDAR (gtk_popover_get_child (GTK_POPOVER (popover)));
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row->input));
  int y, m, d;

  row->loading++;
  if (sscanf (text, "%4d-%2d-%2d", &y, &m, &d) == 3 && g_date_valid_dmy (d, m, y))
    {
      g_autoptr(GDateTime) date = g_date_time_new_local (y, m, d, 0, 0, 0);

      gtk_calendar_select_day (calendar, date);
    }
  row->loading--;
}

static void
add_calendar (FbFieldRow *row)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *calendar = gtk_calendar_new ();
  g_autofree char *label = NULL;

  gtk_popover_set_child (GTK_POPOVER (popover), calendar);
  g_signal_connect (calendar, "day-selected", G_CALLBACK (day_selected_cb), row);
  g_signal_connect (popover, "show", G_CALLBACK (calendar_show_cb), row);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "x-office-calendar-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  /* TRANSLATORS: the calendar button beside a date field; %s is its name */
  label = g_strdup_printf (_("Choose a Date for “%s”"), fb_field_row_get_name (row));
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row->widget), button);
}

/* ---- Building the widget ---- */

/* ---- Locations: "Use my location" through the portal ---- */

static void
located_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  FbFieldRow *row;
  double latitude, longitude;
  char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *text = NULL;

  if (!fb_location_get_finish (result, &latitude, &longitude, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* the row is gone */

  row = user_data;
  gtk_widget_set_sensitive (row->locate_button, TRUE);
  if (error != NULL)
    {
      gtk_widget_set_tooltip_text (row->locate_button, error->message);
      return;
    }

  /* As a person would paste it: the store reads it back (fb-field-type.h). */
  g_ascii_formatd (lat, sizeof lat, "%.6f", latitude);
  g_ascii_formatd (lon, sizeof lon, "%.6f", longitude);
  text = g_strdup_printf ("%s, %s", lat, lon);
  gtk_editable_set_text (GTK_EDITABLE (row->input), text);
}

static void
locate_clicked_cb (GtkButton  *button,
                   FbFieldRow *row)
{
  gtk_widget_set_sensitive (row->locate_button, FALSE);
  fb_location_get_async (row->cancellable, located_cb, row);
}

static void
location_checked_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  FbFieldRow *row;
  gboolean available = fb_location_check_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* the row is gone */

  row = user_data;
  if (!available)
    g_debug ("No location portal, so no “Use my location”: %s", error->message);
  gtk_widget_set_visible (row->locate_button, available);
  /* For tests: the answer is in. */
  g_object_set_data (G_OBJECT (row->locate_button), "fb-location-checked", GINT_TO_POINTER (TRUE));
}

/* Hidden until the location portal answers (never, without one). */
static void
add_locate_button (FbFieldRow *row)
{
  row->locate_button = gtk_button_new_from_icon_name ("find-location-symbolic");
  gtk_widget_set_tooltip_text (row->locate_button, _("Use My Location"));
  gtk_widget_set_valign (row->locate_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (row->locate_button, "flat");
  gtk_widget_set_visible (row->locate_button, FALSE);
  g_signal_connect (row->locate_button, "clicked", G_CALLBACK (locate_clicked_cb), row);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row->widget), row->locate_button);

  row->cancellable = g_cancellable_new ();
  fb_location_check_async (row->cancellable, location_checked_cb, row);
}

static void
make_entry (FbFieldRow *row)
{
  const char *unit = fb_template_field_get_unit (row->definition);

  row->widget = row->input = adw_entry_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row->widget), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (row->input), row->orig_text);
  g_signal_connect (row->input, "changed", G_CALLBACK (editable_changed_cb), row);

  switch (row->type)
    {
    case FB_FIELD_INTEGER:
      adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row->input), GTK_INPUT_PURPOSE_DIGITS);
      break;
    case FB_FIELD_DECIMAL:
      adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row->input), GTK_INPUT_PURPOSE_NUMBER);
      break;
    case FB_FIELD_LOCATION:
      adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row->input), GTK_INPUT_PURPOSE_NUMBER);
      add_locate_button (row);
      break;
    case FB_FIELD_DATE:
    case FB_FIELD_DATE_TIME:
      add_calendar (row);
      break;
    default:
      break;
    }

  if ((row->type == FB_FIELD_INTEGER || row->type == FB_FIELD_DECIMAL) && *unit != '\0')
    {
      GtkWidget *label = gtk_label_new (unit);

      gtk_widget_add_css_class (label, "dim-label");
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row->widget), label);
    }
}

static void
make_long_text (FbFieldRow *row)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (fb_field_row_get_name (row));
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkTextBuffer *buffer;

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);

  row->input = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (row->input), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (row->input), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (row->input), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (row->input), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (row->input), 6);
  gtk_widget_set_size_request (row->input, -1, 72);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row->input),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (row->input));
  gtk_text_buffer_set_text (buffer, row->orig_text, -1);
  g_signal_connect (buffer, "changed", G_CALLBACK (buffer_changed_cb), row);
  gtk_frame_set_child (GTK_FRAME (frame), row->input);
  gtk_box_append (GTK_BOX (box), frame);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 12);
  row->widget = adw_preferences_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->widget), fb_field_row_get_name (row));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row->widget), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row->widget), box);
}

static void
make_switch (FbFieldRow *row)
{
  row->widget = adw_action_row_new ();
  row->input = gtk_switch_new ();
  gtk_widget_set_valign (row->input, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (row->input),
                         row->orig != NULL && JSON_NODE_HOLDS_VALUE (row->orig) &&
                         json_node_get_value_type (row->orig) == G_TYPE_BOOLEAN &&
                         json_node_get_boolean (row->orig));
  g_signal_connect (row->input, "notify::active", G_CALLBACK (notify_cb), row);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row->widget), row->input);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row->widget), row->input);
}

static void
make_choice (FbFieldRow *row)
{
  g_autoptr(GPtrArray) choices = fb_template_field_get_choices (row->definition);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  guint selected = 0;

  row->options = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (row->options, g_strdup (""));
  for (guint i = 0; i < choices->len; i++)
    g_ptr_array_add (row->options, g_strdup (g_ptr_array_index (choices, i)));
  /* A value that is not (or no longer) one of the choices stays choosable. */
  if (!fb_field_value_is_empty (row->orig) &&
      !g_ptr_array_find_with_equal_func (row->options, row->orig_text, g_str_equal, NULL))
    g_ptr_array_add (row->options, g_strdup (row->orig_text));

  for (guint i = 0; i < row->options->len; i++)
    {
      const char *option = g_ptr_array_index (row->options, i);

      gtk_string_list_append (labels, i == 0 ? _("None") : option);
      if (i > 0 && fb_field_value_holds_string (row->orig) && g_str_equal (option, row->orig_text))
        selected = i;
    }

  row->widget = row->input = adw_combo_row_new ();
  adw_combo_row_set_model (ADW_COMBO_ROW (row->widget), G_LIST_MODEL (labels));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row->widget), selected);
  g_signal_connect (row->widget, "notify::selected", G_CALLBACK (notify_cb), row);
}

static void
add_check (FbFieldRow *row,
           const char *choice,
           gboolean    active)
{
  GtkWidget *check_row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (check_row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (check_row), choice);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), active);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  g_signal_connect (check, "toggled", G_CALLBACK (check_toggled_cb), row);
  adw_action_row_add_prefix (ADW_ACTION_ROW (check_row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (check_row), check);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row->widget), check_row);
  g_object_set_data_full (G_OBJECT (check), "fb-choice", g_strdup (choice), g_free);
  g_ptr_array_add (row->checks, check);
}

static gboolean
array_has (JsonNode   *node,
           const char *s)
{
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (fb_field_value_holds_string (json_array_get_element (array, i)) &&
        g_strcmp0 (json_array_get_string_element (array, i), s) == 0)
      return TRUE;

  return FALSE;
}

static void
make_multiple_choice (FbFieldRow *row)
{
  g_autoptr(GPtrArray) choices = fb_template_field_get_choices (row->definition);
  JsonArray *array = row->orig != NULL && JSON_NODE_HOLDS_ARRAY (row->orig)
                     ? json_node_get_array (row->orig) : NULL;

  row->widget = row->input = adw_expander_row_new ();
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row->widget), TRUE);
  row->checks = g_ptr_array_new ();
  for (guint i = 0; i < choices->len; i++)
    add_check (row, g_ptr_array_index (choices, i), array_has (row->orig, g_ptr_array_index (choices, i)));
  /* Chosen values the template no longer offers stay, checked. */
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (fb_field_value_holds_string (element) &&
          !g_ptr_array_find_with_equal_func (choices, json_node_get_string (element), g_str_equal, NULL))
        add_check (row, json_node_get_string (element), TRUE);
    }
}

/* ---- Photos and files: tiles, Attach…, through the store ---- */

static void
make_files (FbFieldRow *row)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (fb_field_row_get_name (row));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);

  row->files = fb_field_files_new (fb_field_row_get_name (row), row->type);
  fb_field_files_set_names (FB_FIELD_FILES (row->files), row->orig);
  gtk_box_append (GTK_BOX (box), row->files);
  row->input = fb_field_files_get_button (FB_FIELD_FILES (row->files));
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row->files),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 10);
  row->widget = adw_preferences_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row->widget), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row->widget), box);
}

/* The item's files changed (attached in the strip, downloaded, removed
 * elsewhere): the tiles and the problem follow, the names stay. */
static void
files_item_changed_cb (FbStore    *store,
                       FbItem     *item,
                       FbFieldRow *row)
{
  if (g_strcmp0 (fb_item_get_id (item), row->item_id) != 0)
    return;
  fb_field_files_set_names (FB_FIELD_FILES (row->files), row->orig);
  update_problem (row);
}

void
fb_field_row_set_item (FbFieldRow *row,
                       FbStore    *store,
                       const char *id)
{
  g_return_if_fail (row != NULL);
  g_return_if_fail (store == NULL || FB_IS_STORE (store));

  if (row->files == NULL)
    return;

  if (row->item_store != NULL)
    g_signal_handlers_disconnect_by_data (row->item_store, row);
  if (store != NULL)
    g_signal_connect (store, "item-changed", G_CALLBACK (files_item_changed_cb), row);
  g_set_object (&row->item_store, store);
  g_free (row->item_id);
  row->item_id = g_strdup (id);
  fb_field_files_set_item (FB_FIELD_FILES (row->files), store, id);
  update_problem (row);
}

GtkWidget *
fb_field_row_get_files (FbFieldRow *row)
{
  return row->files;
}

/* ---- Links: the linked record's title, a picker, open and clear ---- */

static void
update_link (FbFieldRow *row)
{
  g_autofree char *words = NULL;
  gboolean missing = FALSE;

  if (row->link_id == NULL)
    words = g_strdup (_("Nothing linked yet"));
  else if (row->store != NULL)
    words = fb_record_link_describe (row->store, row->link_id, &missing);
  else
    words = g_strdup (row->link_id);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row->widget), words);
  gtk_widget_set_sensitive (row->open_button, row->link_id != NULL && !missing);
  gtk_widget_set_visible (row->clear_button, row->link_id != NULL);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row->open_button), "s",
                                    row->link_id != NULL ? row->link_id : "");
}

static void
set_link (FbFieldRow *row,
          const char *id)
{
  if (g_strcmp0 (row->link_id, id) == 0)
    return;
  g_free (row->link_id);
  row->link_id = g_strdup (id);
  update_link (row);
  input_changed (row);
}

static void
link_chosen_cb (FbRecordLinkPicker *picker,
                const char         *id,
                FbFieldRow         *row)
{
  set_link (row, id);
}

static void
link_clear_cb (GtkButton  *button,
               FbFieldRow *row)
{
  set_link (row, NULL);
}

/* The linked record was renamed, deleted or restored (here or by a pull). */
static void
link_item_changed_cb (FbStore    *store,
                      FbItem     *item,
                      FbFieldRow *row)
{
  if (row->link_id != NULL && g_strcmp0 (fb_item_get_id (item), row->link_id) == 0)
    update_link (row);
}

static void
make_link (FbFieldRow *row)
{
  GtkWidget *picker_button;

  row->widget = adw_action_row_new ();
  row->link_id = fb_field_value_holds_string (row->orig) ? g_strdup (json_node_get_string (row->orig)) : NULL;

  picker_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (picker_button), "edit-find-symbolic");
  gtk_widget_set_tooltip_text (picker_button, _("Choose a Record"));
  gtk_widget_set_valign (picker_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (picker_button, "flat");
  gtk_widget_set_sensitive (picker_button, FALSE);  /* until there is a store */
  row->input = picker_button;

  row->clear_button = gtk_button_new_from_icon_name ("edit-clear-symbolic");
  gtk_widget_set_tooltip_text (row->clear_button, _("Remove the Link"));
  gtk_widget_set_valign (row->clear_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (row->clear_button, "flat");
  g_signal_connect (row->clear_button, "clicked", G_CALLBACK (link_clear_cb), row);

  /* The window's win.open-item opens it (and says so when it is gone). */
  row->open_button = gtk_button_new_from_icon_name ("go-next-symbolic");
  gtk_widget_set_tooltip_text (row->open_button, _("Open the Linked Record"));
  gtk_widget_set_valign (row->open_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (row->open_button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row->open_button), "win.open-item");

  adw_action_row_add_suffix (ADW_ACTION_ROW (row->widget), row->clear_button);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row->widget), picker_button);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row->widget), row->open_button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row->widget), row->open_button);
  update_link (row);
}

void
fb_field_row_set_store (FbFieldRow *row,
                        FbStore    *store)
{
  FbRecordLinkPicker *picker;

  g_return_if_fail (row != NULL);
  g_return_if_fail (FB_IS_STORE (store));

  if (row->type != FB_FIELD_LINK || row->store != NULL)
    return;

  row->store = g_object_ref (store);
  g_signal_connect (store, "item-changed", G_CALLBACK (link_item_changed_cb), row);
  picker = fb_record_link_picker_new (store, json_object_get_string_member_with_default (row->definition,
                                                                                        "template", NULL));
  g_signal_connect (picker, "chosen", G_CALLBACK (link_chosen_cb), row);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (row->input), GTK_WIDGET (picker));
  gtk_widget_set_sensitive (row->input, TRUE);
  update_link (row);
}

FbFieldRow *
fb_field_row_new (JsonObject        *definition,
                  JsonNode          *value,
                  FbFieldRowChanged  changed,
                  gpointer           user_data)
{
  FbFieldRow *row = g_new0 (FbFieldRow, 1);
  GtkWidget *label;

  g_return_val_if_fail (definition != NULL, NULL);

  row->definition = fb_body_copy (definition);
  row->type = fb_template_field_get_type (definition);
  row->changed = changed;
  row->user_data = user_data;
  row->orig = value != NULL ? json_node_copy (value) : NULL;
  row->orig_text = fb_field_value_to_text (row->type, value);

  switch (row->type)
    {
    case FB_FIELD_LONG_TEXT:
      make_long_text (row);
      break;
    case FB_FIELD_YES_NO:
      make_switch (row);
      break;
    case FB_FIELD_CHOICE:
      make_choice (row);
      break;
    case FB_FIELD_MULTIPLE_CHOICE:
      make_multiple_choice (row);
      break;
    case FB_FIELD_LINK:
      make_link (row);
      break;
    case FB_FIELD_PHOTO:
    case FB_FIELD_FILE:
      make_files (row);
      break;
    default:
      make_entry (row);
      break;
    }
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row->widget), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->widget), fb_field_row_get_name (row));
  gtk_widget_add_css_class (row->widget, "fb-typed-field");

  label = gtk_label_new (NULL);
  row->problem_label = GTK_LABEL (label);
  gtk_label_set_xalign (row->problem_label, 0);
  gtk_label_set_wrap (row->problem_label, TRUE);
  gtk_widget_add_css_class (label, "error");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  /* A preferences row, so that the group puts it in its list, right
   * under the field. */
  row->problem_row = adw_preferences_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->problem_row), fb_field_row_get_name (row));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row->problem_row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row->problem_row), FALSE);
  gtk_widget_set_focusable (row->problem_row, FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row->problem_row), label);
  g_object_ref_sink (row->widget);
  g_object_ref_sink (row->problem_row);

  update_problem (row);

  return row;
}

void
fb_field_row_free (FbFieldRow *row)
{
  if (row == NULL)
    return;

  g_signal_handlers_disconnect_by_data (row->input, row);
  if (row->cancellable != NULL)
    {
      g_cancellable_cancel (row->cancellable);
      g_signal_handlers_disconnect_by_data (row->locate_button, row);
      g_clear_object (&row->cancellable);
    }
  if (row->store != NULL)
    g_signal_handlers_disconnect_by_data (row->store, row);
  if (row->item_store != NULL)
    g_signal_handlers_disconnect_by_data (row->item_store, row);
  if (row->clear_button != NULL)
    g_signal_handlers_disconnect_by_data (row->clear_button, row);
  if (row->type == FB_FIELD_LINK && gtk_menu_button_get_popover (GTK_MENU_BUTTON (row->input)) != NULL)
    g_signal_handlers_disconnect_by_data (gtk_menu_button_get_popover (GTK_MENU_BUTTON (row->input)), row);
  if (GTK_IS_TEXT_VIEW (row->input))
    g_signal_handlers_disconnect_by_data (gtk_text_view_get_buffer (GTK_TEXT_VIEW (row->input)), row);
  for (guint i = 0; row->checks != NULL && i < row->checks->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (row->checks, i), row);
  g_clear_pointer (&row->checks, g_ptr_array_unref);
  g_clear_pointer (&row->options, g_ptr_array_unref);
  g_clear_object (&row->widget);
  g_clear_object (&row->problem_row);
  g_clear_pointer (&row->definition, json_object_unref);
  g_clear_pointer (&row->orig, json_node_unref);
  g_free (row->orig_text);
  g_free (row->problem);
  g_free (row->link_id);
  g_clear_object (&row->store);
  g_clear_object (&row->item_store);
  g_free (row->item_id);
  g_free (row);
}

GtkWidget *
fb_field_row_get_widget (FbFieldRow *row)
{
  return row->widget;
}

GtkWidget *
fb_field_row_get_problem_row (FbFieldRow *row)
{
  return row->problem_row;
}

GtkWidget *
fb_field_row_get_input (FbFieldRow *row)
{
  return row->input;
}

GtkCheckButton *
fb_field_row_get_check (FbFieldRow *row,
                        const char *choice)
{
  for (guint i = 0; row->checks != NULL && i < row->checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (row->checks, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (check), "fb-choice"), choice) == 0)
        return check;
    }

  return NULL;
}

const char *
fb_field_row_get_problem (FbFieldRow *row)
{
  return row->problem;
}

static char *
current_text (FbFieldRow *row)
{
  if (GTK_IS_TEXT_VIEW (row->input))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (row->input));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }

  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (row->input)));
}

JsonNode *
fb_field_row_dup_value (FbFieldRow *row)
{
  g_return_val_if_fail (row != NULL, NULL);

  if (!row->touched)
    return row->orig != NULL ? json_node_copy (row->orig) : NULL;

  switch (row->type)
    {
    case FB_FIELD_YES_NO:
      {
        JsonNode *node = json_node_new (JSON_NODE_VALUE);

        json_node_set_boolean (node, gtk_switch_get_active (GTK_SWITCH (row->input)));
        return node;
      }

    case FB_FIELD_CHOICE:
      {
        guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (row->input));
        JsonNode *node;

        if (selected == 0 || selected >= row->options->len)
          return NULL;
        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_string (node, g_ptr_array_index (row->options, selected));
        return node;
      }

    case FB_FIELD_PHOTO:
    case FB_FIELD_FILE:
      /* Changed only through the store, never typed. */
      return row->orig != NULL ? json_node_copy (row->orig) : NULL;

    case FB_FIELD_LINK:
      {
        JsonNode *node;

        if (row->link_id == NULL)
          return NULL;
        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_string (node, row->link_id);
        return node;
      }

    case FB_FIELD_MULTIPLE_CHOICE:
      {
        JsonArray *array = json_array_new ();
        JsonNode *node = json_node_new (JSON_NODE_ARRAY);

        for (guint i = 0; i < row->checks->len; i++)
          {
            GtkCheckButton *check = g_ptr_array_index (row->checks, i);

            if (gtk_check_button_get_active (check))
              json_array_add_string_element (array, g_object_get_data (G_OBJECT (check), "fb-choice"));
          }
        json_node_take_array (node, array);
        return node;
      }

    default:
      {
        g_autofree char *text = current_text (row);

        /* Shown as it was stored: saved as it was (a decimal's digits, an
         * unknown value's JSON). */
        if (row->orig != NULL && g_strcmp0 (text, row->orig_text) == 0)
          return json_node_copy (row->orig);
        return fb_field_value_from_text (row->type, text, NULL);
      }
    }
}

void
fb_field_row_set_value (FbFieldRow *row,
                        JsonNode   *value)
{
  g_return_if_fail (row != NULL);

  g_clear_pointer (&row->orig, json_node_unref);
  g_free (row->orig_text);
  row->orig = value != NULL ? json_node_copy (value) : NULL;
  row->orig_text = fb_field_value_to_text (row->type, value);
  row->touched = FALSE;

  row->loading++;
  switch (row->type)
    {
    case FB_FIELD_LONG_TEXT:
      fb_text_buffer_replace_minimal (gtk_text_view_get_buffer (GTK_TEXT_VIEW (row->input)), row->orig_text);
      break;
    case FB_FIELD_YES_NO:
      gtk_switch_set_active (GTK_SWITCH (row->input),
                             value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
                             json_node_get_value_type (value) == G_TYPE_BOOLEAN &&
                             json_node_get_boolean (value));
      break;
    case FB_FIELD_CHOICE:
      {
        guint selected = 0;

        for (guint i = 1; i < row->options->len; i++)
          if (fb_field_value_holds_string (value) && g_str_equal (g_ptr_array_index (row->options, i), row->orig_text))
            selected = i;
        adw_combo_row_set_selected (ADW_COMBO_ROW (row->input), selected);
      }
      break;
    case FB_FIELD_MULTIPLE_CHOICE:
      for (guint i = 0; i < row->checks->len; i++)
        {
          GtkCheckButton *check = g_ptr_array_index (row->checks, i);

          gtk_check_button_set_active (check, array_has (value, g_object_get_data (G_OBJECT (check), "fb-choice")));
        }
      break;
    case FB_FIELD_LINK:
      g_free (row->link_id);
      row->link_id = fb_field_value_holds_string (value) ? g_strdup (json_node_get_string (value)) : NULL;
      update_link (row);
      break;
    case FB_FIELD_PHOTO:
    case FB_FIELD_FILE:
      fb_field_files_set_names (FB_FIELD_FILES (row->files), value);
      break;
    default:
      fb_editable_replace_minimal (GTK_EDITABLE (row->input), row->orig_text);
      break;
    }
  row->loading--;

  update_problem (row);
}
