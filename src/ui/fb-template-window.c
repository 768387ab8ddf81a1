/* fb-template-window.c: the record templates, designed: fields, types, required, choices */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-template-window"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-field-drag.h"
#include "fb-template-link-row.h"
#include "fb-template.h"
#include "fb-template-window.h"
#include "fb-ui-util.h"

/* One field's rows; @index is its place in the template's "fields". */
typedef struct
{
  FbTemplateWindow *window;
  guint             index;
  AdwExpanderRow   *row;
  AdwEntryRow      *name_row;
  GtkLabel         *name_message;
  AdwComboRow      *type_row;
  GtkSwitch        *required;
  AdwEntryRow      *unit_row;
  AdwEntryRow      *choices_row;
  AdwComboRow      *link_row;
} FieldRows;

struct _FbTemplateWindow
{
  AdwWindow            parent_instance;

  AdwToastOverlay     *toast_overlay;
  GtkListBox          *list_box;
  GtkStack            *stack;
  GtkEntry            *name_entry;
  AdwPreferencesGroup *fields_group;
  AdwEntryRow         *new_field_row;
  GtkLabel            *new_field_message;

  FbStore             *store;
  char                *current_id;
  JsonObject          *body;      /* the template as edited, saved at once */
  GPtrArray           *fields;    /* FieldRows */
  guint                loading;
};

G_DEFINE_FINAL_TYPE (FbTemplateWindow, fb_template_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_template (FbTemplateWindow *self,
                           FbItem           *item);

static void
show_error (FbTemplateWindow *self,
            const char       *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, FB_TOAST_UNTIL_DISMISSED);
  fb_toast_overlay_show (self->toast_overlay, toast);
}

static void
save (FbTemplateWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->loading > 0 || self->current_id == NULL)
    return;

  if (!fb_store_update_item (self->store, self->current_id, self->body, &error))
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("The template could not be saved: %s"), error->message);
      show_error (self, message);
    }
}

static JsonArray *
fields_array (FbTemplateWindow *self)
{
  JsonArray *fields = fb_body_get_array (self->body, "fields");

  if (fields == NULL)
    {
      fields = json_array_new ();
      json_object_set_array_member (self->body, "fields", fields);
    }

  return fields;
}

/* ---- The list of templates ---- */

static void
reload_list (FbTemplateWindow *self)
{
  g_autoptr(GPtrArray) templates = fb_store_list_templates (self->store, NULL);
  GtkWidget *child;
  GtkListBoxRow *selected = NULL;

  self->loading++;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);

  for (guint i = 0; templates != NULL && i < templates->len; i++)
    {
      FbItem *item = g_ptr_array_index (templates, i);
      g_autofree char *title = fb_body_dup_display_title (fb_item_get_body (item));
      GtkWidget *label = gtk_label_new (title);
      GtkWidget *row = gtk_list_box_row_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      g_object_set_data_full (G_OBJECT (row), "fb-template-id",
                              g_strdup (fb_item_get_id (item)), g_free);
      gtk_list_box_append (self->list_box, row);
      if (g_strcmp0 (fb_item_get_id (item), self->current_id) == 0)
        selected = GTK_LIST_BOX_ROW (row);
    }
  gtk_list_box_select_row (self->list_box, selected);
  self->loading--;

  if (templates == NULL || templates->len == 0)
    gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
row_selected_cb (FbTemplateWindow *self,
                 GtkListBoxRow    *row)
{
  const char *id;

  if (self->loading > 0 || row == NULL)
    return;

  id = g_object_get_data (G_OBJECT (row), "fb-template-id");
  if (g_strcmp0 (id, self->current_id) != 0)
    fb_template_window_select (self, id);
}

static void
item_changed_cb (FbTemplateWindow *self,
                 FbItem           *item,
                 FbStore          *store)
{
  if (g_strcmp0 (fb_item_get_collection (item), FB_COLLECTION_TEMPLATES) != 0)
    return;

  reload_list (self);

  /* Another device's change (or a restore) reaches the editor; our own
   * saves come back equal and leave the rows, and the focus, alone. */
  if (g_strcmp0 (fb_item_get_id (item), self->current_id) == 0)
    {
      if (fb_item_get_deleted (item))
        {
          g_clear_pointer (&self->current_id, g_free);
          gtk_stack_set_visible_child_name (self->stack, "empty");
        }
      else if (!fb_body_equal (fb_item_get_body (item), self->body))
        load_template (self, item);
    }
}

/* ---- One field's rows ---- */

static const char *
check_field_name (FbTemplateWindow *self,
                  const char       *name,
                  int               own_index,
                  char            **problem)
{
  guint n = fb_template_get_n_fields (self->body);

  *problem = NULL;
  if (*name == '\0')
    {
      *problem = g_strdup (_("A field needs a name"));
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    if ((int) i != own_index &&
        g_strcmp0 (fb_template_field_get_name (fb_template_get_field (self->body, i)), name) == 0)
      {
        /* TRANSLATORS: %s is the name of a field */
        *problem = g_strdup_printf (_("There is a field called “%s” already: "
                                      "each field needs a name of its own"), name);
        return NULL;
      }

  return name;
}

static JsonObject *
field_of (FieldRows *rows)
{
  return fb_template_get_field (rows->window->body, rows->index);
}

static void
update_option_rows (FieldRows *rows)
{
  FbFieldType type = fb_template_field_get_type (field_of (rows));
  g_autofree char *subtitle = NULL;

  gtk_widget_set_visible (GTK_WIDGET (rows->unit_row),
                          type == FB_FIELD_INTEGER || type == FB_FIELD_DECIMAL);
  gtk_widget_set_visible (GTK_WIDGET (rows->choices_row),
                          type == FB_FIELD_CHOICE || type == FB_FIELD_MULTIPLE_CHOICE);
  gtk_widget_set_visible (GTK_WIDGET (rows->link_row), type == FB_FIELD_LINK);

  if (fb_template_field_get_required (field_of (rows)))
    /* TRANSLATORS: the summary of a template's field: its type, and that it must be filled in */
    subtitle = g_strdup_printf (_("%s, required"), fb_field_type_get_label (type));
  else
    subtitle = g_strdup (fb_field_type_get_label (type));
  adw_expander_row_set_subtitle (rows->row, subtitle);
}

static void
type_selected_cb (AdwComboRow *combo,
                  GParamSpec  *pspec,
                  FieldRows   *rows)
{
  guint type = adw_combo_row_get_selected (combo);

  if (rows->window->loading > 0 || type >= FB_N_FIELD_TYPES)
    return;

  json_object_set_string_member (field_of (rows), "type", fb_field_type_to_string (type));
  update_option_rows (rows);
  save (rows->window);
}

static void
required_cb (GtkSwitch  *toggle,
             GParamSpec *pspec,
             FieldRows  *rows)
{
  if (rows->window->loading > 0)
    return;

  json_object_set_boolean_member (field_of (rows), "required", gtk_switch_get_active (toggle));
  update_option_rows (rows);
  save (rows->window);
}

static void
unit_changed_cb (GtkEditable *editable,
                 FieldRows   *rows)
{
  g_autofree char *unit = NULL;

  if (rows->window->loading > 0)
    return;

  unit = g_strstrip (g_strdup (gtk_editable_get_text (editable)));
  if (*unit == '\0')
    json_object_remove_member (field_of (rows), "unit");
  else
    json_object_set_string_member (field_of (rows), "unit", unit);
  save (rows->window);
}

/* The "template" option the link picker reads (fb-field-row.c). */
static void
link_template_cb (AdwComboRow *combo,
                  GParamSpec  *pspec,
                  FieldRows   *rows)
{
  const char *template_id = fb_template_link_row_get_template_id (combo);

  if (rows->window->loading > 0)
    return;
  if (template_id != NULL)
    json_object_set_string_member (field_of (rows), "template", template_id);
  else
    json_object_remove_member (field_of (rows), "template");
  save (rows->window);
}

static char *
choices_to_text (JsonObject *field)
{
  g_autoptr(GPtrArray) choices = fb_template_field_get_choices (field);

  g_ptr_array_add (choices, NULL);
  return g_strjoinv ("; ", (char **) choices->pdata);
}

static void
choices_changed_cb (GtkEditable *editable,
                    FieldRows   *rows)
{
  g_auto(GStrv) parts = NULL;
  JsonArray *choices;

  if (rows->window->loading > 0)
    return;

  parts = g_strsplit (gtk_editable_get_text (editable), ";", -1);
  choices = json_array_new ();
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        json_array_add_string_element (choices, parts[i]);
    }
  json_object_set_array_member (field_of (rows), "choices", choices);
  save (rows->window);
}

static void
name_row_changed_cb (GtkEditable *editable,
                     FieldRows   *rows)
{
  gtk_widget_remove_css_class (GTK_WIDGET (rows->name_row), "error");
  gtk_widget_set_visible (GTK_WIDGET (rows->name_message), FALSE);
}

static void
name_row_apply_cb (AdwEntryRow *entry,
                   FieldRows   *rows)
{
  g_autofree char *wanted = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  g_autofree char *problem = NULL;

  if (check_field_name (rows->window, wanted, rows->index, &problem) == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      gtk_label_set_text (rows->name_message, problem);
      gtk_widget_set_visible (GTK_WIDGET (rows->name_message), TRUE);
      return;
    }

  /* Records made earlier keep the value under the old name, as an extra
   * field: nothing typed is lost by a rename. */
  json_object_set_string_member (field_of (rows), "name", wanted);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (rows->row), wanted);
  save (rows->window);
}

static GtkWidget *
small_button (const char *icon,
              const char *label,
              const char *action,
              GVariant   *target)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static gboolean field_dropped_cb (GtkWidget *dragged,
                                  GtkWidget *onto,
                                  gpointer   user_data);

static FieldRows *
add_field_rows (FbTemplateWindow *self,
                guint             index)
{
  FieldRows *rows = g_new0 (FieldRows, 1);
  JsonObject *field = fb_template_get_field (self->body, index);
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  GtkWidget *required_row, *buttons_row, *remove, *message_row;
  g_autofree char *choices = NULL;
  const char *name = fb_template_field_get_name (field);

  rows->window = self;
  rows->index = index;

  rows->row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (rows->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (rows->row), name);

  rows->name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (rows->name_row), _("Name"));
  adw_entry_row_set_show_apply_button (rows->name_row, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (rows->name_row), name);
  g_signal_connect (rows->name_row, "apply", G_CALLBACK (name_row_apply_cb), rows);
  g_signal_connect (rows->name_row, "entry-activated", G_CALLBACK (name_row_apply_cb), rows);
  g_signal_connect (rows->name_row, "changed", G_CALLBACK (name_row_changed_cb), rows);
  adw_expander_row_add_row (rows->row, GTK_WIDGET (rows->name_row));

  rows->name_message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (rows->name_message, 0);
  gtk_label_set_wrap (rows->name_message, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (rows->name_message), "error");
  gtk_widget_set_margin_start (GTK_WIDGET (rows->name_message), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (rows->name_message), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (rows->name_message), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (rows->name_message), 6);
  gtk_widget_set_visible (GTK_WIDGET (rows->name_message), FALSE);
  message_row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (message_row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (message_row), GTK_WIDGET (rows->name_message));
  g_object_bind_property (rows->name_message, "visible", message_row, "visible", G_BINDING_SYNC_CREATE);
  adw_expander_row_add_row (rows->row, message_row);

  for (guint t = 0; t < FB_N_FIELD_TYPES; t++)
    gtk_string_list_append (types, fb_field_type_get_label (t));
  rows->type_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (rows->type_row), _("Type"));
  adw_combo_row_set_model (rows->type_row, G_LIST_MODEL (types));
  adw_combo_row_set_selected (rows->type_row, fb_template_field_get_type (field));
  g_signal_connect (rows->type_row, "notify::selected", G_CALLBACK (type_selected_cb), rows);
  adw_expander_row_add_row (rows->row, GTK_WIDGET (rows->type_row));

  required_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (required_row), _("Required"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (required_row),
                               _("A record without it is marked as having a problem"));
  rows->required = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (rows->required), GTK_ALIGN_CENTER);
  gtk_switch_set_active (rows->required, fb_template_field_get_required (field));
  g_signal_connect (rows->required, "notify::active", G_CALLBACK (required_cb), rows);
  adw_action_row_add_suffix (ADW_ACTION_ROW (required_row), GTK_WIDGET (rows->required));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (required_row), GTK_WIDGET (rows->required));
  adw_expander_row_add_row (rows->row, required_row);

  rows->unit_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (rows->unit_row), _("Unit"));
  gtk_editable_set_text (GTK_EDITABLE (rows->unit_row), fb_template_field_get_unit (field));
  g_signal_connect (rows->unit_row, "changed", G_CALLBACK (unit_changed_cb), rows);
  adw_expander_row_add_row (rows->row, GTK_WIDGET (rows->unit_row));

  rows->choices_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (rows->choices_row),
                                 _("Choices, separated by “;”"));
  choices = choices_to_text (field);
  gtk_editable_set_text (GTK_EDITABLE (rows->choices_row), choices);
  g_signal_connect (rows->choices_row, "changed", G_CALLBACK (choices_changed_cb), rows);
  adw_expander_row_add_row (rows->row, GTK_WIDGET (rows->choices_row));

  rows->link_row = fb_template_link_row_new (self->store,
                                             json_object_get_string_member_with_default (field, "template",
                                                                                         NULL));
  g_signal_connect (rows->link_row, "notify::selected", G_CALLBACK (link_template_cb), rows);
  adw_expander_row_add_row (rows->row, GTK_WIDGET (rows->link_row));

  buttons_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (buttons_row), _("Place"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (buttons_row),
                             small_button ("go-up-symbolic", _("Move Up"), "template.move-field",
                                           g_variant_new ("(uu)", index, 0)));
  adw_action_row_add_suffix (ADW_ACTION_ROW (buttons_row),
                             small_button ("go-down-symbolic", _("Move Down"), "template.move-field",
                                           g_variant_new ("(uu)", index, 1)));
  remove = gtk_button_new_with_mnemonic (_("Re_move Field"));
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "destructive-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "template.remove-field");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (remove), g_variant_new_uint32 (index));
  adw_action_row_add_suffix (ADW_ACTION_ROW (buttons_row), remove);
  adw_expander_row_add_row (rows->row, buttons_row);

  adw_expander_row_add_prefix (rows->row, fb_field_drag_handle_new (GTK_WIDGET (rows->row)));
  fb_field_drag_add_drop_target (GTK_WIDGET (rows->row), field_dropped_cb, self);
  adw_preferences_group_add (self->fields_group, GTK_WIDGET (rows->row));
  g_ptr_array_add (self->fields, rows);
  update_option_rows (rows);

  return rows;
}

static void
clear_field_rows (FbTemplateWindow *self)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      FieldRows *rows = g_ptr_array_index (self->fields, i);

      g_signal_handlers_disconnect_by_data (rows->name_row, rows);
      g_signal_handlers_disconnect_by_data (rows->type_row, rows);
      g_signal_handlers_disconnect_by_data (rows->required, rows);
      g_signal_handlers_disconnect_by_data (rows->unit_row, rows);
      g_signal_handlers_disconnect_by_data (rows->choices_row, rows);
      g_signal_handlers_disconnect_by_data (rows->link_row, rows);
      adw_preferences_group_remove (self->fields_group, GTK_WIDGET (rows->row));
    }
  g_ptr_array_set_size (self->fields, 0);
}

static void
rebuild_field_rows (FbTemplateWindow *self,
                    int               expanded)
{
  guint n = fb_template_get_n_fields (self->body);

  self->loading++;
  clear_field_rows (self);
  for (guint i = 0; i < n; i++)
    if (fb_template_get_field (self->body, i) != NULL)
      add_field_rows (self, i);
  if (expanded >= 0 && (guint) expanded < self->fields->len)
    adw_expander_row_set_expanded (((FieldRows *) g_ptr_array_index (self->fields, expanded))->row, TRUE);
  self->loading--;
}

static void
load_template (FbTemplateWindow *self,
               FbItem           *item)
{
  g_free (self->current_id);
  self->current_id = g_strdup (fb_item_get_id (item));
  g_clear_pointer (&self->body, json_object_unref);
  self->body = fb_body_copy (fb_item_get_body (item));

  self->loading++;
  fb_editable_replace_minimal (GTK_EDITABLE (self->name_entry), fb_body_get_string (self->body, "title"));
  gtk_editable_set_text (GTK_EDITABLE (self->new_field_row), "");
  gtk_widget_set_visible (GTK_WIDGET (self->new_field_message), FALSE);
  self->loading--;
  rebuild_field_rows (self, -1);
  gtk_stack_set_visible_child_name (self->stack, "editor");
}

void
fb_template_window_select (FbTemplateWindow *self,
                           const char       *id)
{
  g_autoptr(FbItem) item = NULL;

  g_return_if_fail (FB_IS_TEMPLATE_WINDOW (self));
  g_return_if_fail (id != NULL);

  item = fb_store_get_item (self->store, id, NULL);
  if (item == NULL || fb_item_get_deleted (item))
    return;

  load_template (self, item);
  reload_list (self);
}

/* ---- The name and new fields ---- */

static void
name_changed_cb (FbTemplateWindow *self)
{
  if (self->loading > 0 || self->body == NULL)
    return;

  json_object_set_string_member (self->body, "title", gtk_editable_get_text (GTK_EDITABLE (self->name_entry)));
  save (self);
}

static void
name_activate_cb (FbTemplateWindow *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->new_field_row));
}

static void
new_field_changed_cb (FbTemplateWindow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->new_field_row), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->new_field_message), FALSE);
}

static void
new_field_apply_cb (FbTemplateWindow *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_field_row))));

  /* Enter on an empty row is not a mistake worth pointing out. */
  if (*name == '\0')
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "template.add-field", "s", name);
}

static void
new_template_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FbTemplateWindow *self = FB_TEMPLATE_WINDOW (widget);
  g_autoptr(JsonObject) body = fb_template_body_new ("");
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;

  item = fb_store_create_item (self->store, FB_COLLECTION_TEMPLATES, body, &error);
  if (item == NULL)
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("The new template could not be created: %s"), error->message);
      show_error (self, message);
      return;
    }

  fb_template_window_select (self, fb_item_get_id (item));
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

static void
add_field_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FbTemplateWindow *self = FB_TEMPLATE_WINDOW (widget);
  g_autofree char *name = g_strstrip (g_variant_dup_string (parameter, NULL));
  g_autofree char *problem = NULL;
  FieldRows *rows;

  if (self->body == NULL)
    return;

  if (check_field_name (self, name, -1, &problem) == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->new_field_row), "error");
      gtk_label_set_text (self->new_field_message, problem);
      gtk_widget_set_visible (GTK_WIDGET (self->new_field_message), TRUE);
      return;
    }

  fb_template_add_field (self->body, name, FB_FIELD_TEXT);
  save (self);
  self->loading++;
  rows = add_field_rows (self, fb_template_get_n_fields (self->body) - 1);
  adw_expander_row_set_expanded (rows->row, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->new_field_row), "");
  self->loading--;
  /* The type is what a new field most often needs next. */
  gtk_widget_grab_focus (GTK_WIDGET (rows->type_row));
}

static void
remove_field_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FbTemplateWindow *self = FB_TEMPLATE_WINDOW (widget);
  guint index = g_variant_get_uint32 (parameter);

  if (self->body == NULL || index >= json_array_get_length (fields_array (self)))
    return;

  /* Records keep their values: the field becomes an extra field there. */
  json_array_remove_element (fields_array (self), index);
  save (self);
  rebuild_field_rows (self, -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->new_field_row));
}

/* Moves the field at @index to @target (Alt+Up/Down: one place; a drag:
 * onto another field's place). */
static gboolean
move_field_to (FbTemplateWindow *self,
               guint             index,
               guint             target)
{
  JsonArray *fields = fields_array (self);
  guint n = json_array_get_length (fields);
  g_autoptr(JsonArray) moved = NULL;

  if (index >= n || target >= n || index == target)
    return FALSE;

  /* The others in their order, the moved one taking @target's place. */
  moved = json_array_new ();
  for (guint i = 0, from = 0; i < n; i++)
    {
      if (i == target)
        {
          json_array_add_element (moved, json_node_copy (json_array_get_element (fields, index)));
          continue;
        }
      if (from == index)
        from++;
      json_array_add_element (moved, json_node_copy (json_array_get_element (fields, from++)));
    }
  json_object_set_array_member (self->body, "fields", g_steal_pointer (&moved));
  save (self);
  /* Opened and focused where it went, so the key can be pressed again. */
  rebuild_field_rows (self, target);
  gtk_widget_grab_focus (GTK_WIDGET (((FieldRows *) g_ptr_array_index (self->fields, target))->type_row));
  return TRUE;
}

static void
move_field (FbTemplateWindow *self,
            guint             index,
            gboolean          down)
{
  if (!down && index == 0)
    return;
  move_field_to (self, index, down ? index + 1 : index - 1);
}

static gboolean
field_dropped_cb (GtkWidget *dragged,
                  GtkWidget *onto,
                  gpointer   user_data)
{
  FbTemplateWindow *self = user_data;
  guint from = G_MAXUINT, to = G_MAXUINT;

  for (guint i = 0; i < self->fields->len; i++)
    {
      GtkWidget *row = GTK_WIDGET (((FieldRows *) g_ptr_array_index (self->fields, i))->row);

      if (row == dragged)
        from = i;
      if (row == onto)
        to = i;
    }
  return move_field_to (self, from, to);
}

static void
move_field_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  guint index, down;

  g_variant_get (parameter, "(uu)", &index, &down);
  move_field (FB_TEMPLATE_WINDOW (widget), index, down != 0);
}

static void
move_focused_field_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  FbTemplateWindow *self = FB_TEMPLATE_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  for (guint i = 0; focus != NULL && i < self->fields->len; i++)
    {
      FieldRows *rows = g_ptr_array_index (self->fields, i);

      if (focus == GTK_WIDGET (rows->row) || gtk_widget_is_ancestor (focus, GTK_WIDGET (rows->row)))
        {
          move_field (self, i, g_variant_get_boolean (parameter));
          return;
        }
    }
}

/* ---- Getters ---- */

const char *
fb_template_window_get_current_id (FbTemplateWindow *self)
{
  g_return_val_if_fail (FB_IS_TEMPLATE_WINDOW (self), NULL);

  return self->current_id;
}

GtkEditable *
fb_template_window_get_name_entry (FbTemplateWindow *self)
{
  g_return_val_if_fail (FB_IS_TEMPLATE_WINDOW (self), NULL);

  return GTK_EDITABLE (self->name_entry);
}

GtkEditable *
fb_template_window_get_new_field_row (FbTemplateWindow *self)
{
  g_return_val_if_fail (FB_IS_TEMPLATE_WINDOW (self), NULL);

  return GTK_EDITABLE (self->new_field_row);
}

const char *
fb_template_window_get_new_field_message (FbTemplateWindow *self)
{
  g_return_val_if_fail (FB_IS_TEMPLATE_WINDOW (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->new_field_message))
         ? gtk_label_get_text (self->new_field_message) : NULL;
}

static FieldRows *
rows_at (FbTemplateWindow *self,
         guint             index)
{
  return index < self->fields->len ? g_ptr_array_index (self->fields, index) : NULL;
}

AdwExpanderRow *
fb_template_window_get_field_row (FbTemplateWindow *self,
                                  guint             index)
{
  g_return_val_if_fail (FB_IS_TEMPLATE_WINDOW (self), NULL);

  return rows_at (self, index) != NULL ? rows_at (self, index)->row : NULL;
}

AdwComboRow *
fb_template_window_get_type_row (FbTemplateWindow *self,
                                 guint             index)
{
  g_return_val_if_fail (FB_IS_TEMPLATE_WINDOW (self), NULL);

  return rows_at (self, index) != NULL ? rows_at (self, index)->type_row : NULL;
}

GtkSwitch *
fb_template_window_get_required_switch (FbTemplateWindow *self,
                                        guint             index)
{
  g_return_val_if_fail (FB_IS_TEMPLATE_WINDOW (self), NULL);

  return rows_at (self, index) != NULL ? rows_at (self, index)->required : NULL;
}

GtkEditable *
fb_template_window_get_unit_row (FbTemplateWindow *self,
                                 guint             index)
{
  g_return_val_if_fail (FB_IS_TEMPLATE_WINDOW (self), NULL);

  return rows_at (self, index) != NULL ? GTK_EDITABLE (rows_at (self, index)->unit_row) : NULL;
}

GtkEditable *
fb_template_window_get_choices_row (FbTemplateWindow *self,
                                    guint             index)
{
  g_return_val_if_fail (FB_IS_TEMPLATE_WINDOW (self), NULL);

  return rows_at (self, index) != NULL ? GTK_EDITABLE (rows_at (self, index)->choices_row) : NULL;
}

AdwComboRow *
fb_template_window_get_link_row (FbTemplateWindow *self,
                                 guint             index)
{
  g_return_val_if_fail (FB_IS_TEMPLATE_WINDOW (self), NULL);

  return rows_at (self, index) != NULL ? rows_at (self, index)->link_row : NULL;
}

/* ---- The object ---- */

FbTemplateWindow *
fb_template_window_new (FbStore *store)
{
  g_return_val_if_fail (FB_IS_STORE (store), NULL);

  return g_object_new (FB_TYPE_TEMPLATE_WINDOW, "store", store, NULL);
}

static void
fb_template_window_constructed (GObject *object)
{
  FbTemplateWindow *self = FB_TEMPLATE_WINDOW (object);
  g_autoptr(GPtrArray) templates = NULL;

  G_OBJECT_CLASS (fb_template_window_parent_class)->constructed (object);

  g_signal_connect_object (self->store, "item-changed", G_CALLBACK (item_changed_cb),
                           self, G_CONNECT_SWAPPED);
  reload_list (self);

  templates = fb_store_list_templates (self->store, NULL);
  if (templates != NULL && templates->len > 0)
    fb_template_window_select (self, fb_item_get_id (g_ptr_array_index (templates, 0)));
}

static void
fb_template_window_dispose (GObject *object)
{
  FbTemplateWindow *self = FB_TEMPLATE_WINDOW (object);

  if (self->fields != NULL)
    clear_field_rows (self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), FB_TYPE_TEMPLATE_WINDOW);

  G_OBJECT_CLASS (fb_template_window_parent_class)->dispose (object);
}

static void
fb_template_window_finalize (GObject *object)
{
  FbTemplateWindow *self = FB_TEMPLATE_WINDOW (object);

  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->body, json_object_unref);
  g_free (self->current_id);

  G_OBJECT_CLASS (fb_template_window_parent_class)->finalize (object);
}

static void
fb_template_window_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  FbTemplateWindow *self = FB_TEMPLATE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_template_window_class_init (FbTemplateWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fb_template_window_constructed;
  object_class->dispose = fb_template_window_dispose;
  object_class->finalize = fb_template_window_finalize;
  object_class->set_property = fb_template_window_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FB_TYPE_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldbook/Fieldbook/ui/fb-template-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FbTemplateWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FbTemplateWindow, list_box);
  gtk_widget_class_bind_template_child (widget_class, FbTemplateWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FbTemplateWindow, name_entry);
  gtk_widget_class_bind_template_child (widget_class, FbTemplateWindow, fields_group);
  gtk_widget_class_bind_template_child (widget_class, FbTemplateWindow, new_field_row);
  gtk_widget_class_bind_template_child (widget_class, FbTemplateWindow, new_field_message);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_field_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_field_changed_cb);

  gtk_widget_class_install_action (widget_class, "template.new", NULL, new_template_action);
  gtk_widget_class_install_action (widget_class, "template.add-field", "s", add_field_action);
  gtk_widget_class_install_action (widget_class, "template.remove-field", "u", remove_field_action);
  gtk_widget_class_install_action (widget_class, "template.move-field", "(uu)", move_field_action);
  gtk_widget_class_install_action (widget_class, "template.move-focused-field", "b",
                                   move_focused_field_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "template.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK,
                                       "template.move-focused-field", "b", FALSE);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK,
                                       "template.move-focused-field", "b", TRUE);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fb_template_window_init (FbTemplateWindow *self)
{
  self->fields = g_ptr_array_new_with_free_func (g_free);

  gtk_widget_init_template (GTK_WIDGET (self));
}
