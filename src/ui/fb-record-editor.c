/* fb-record-editor.c: edits a record: a title and a form of named fields */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-record-editor"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fb-field-drag.h"
#include "fb-field-row.h"
#include "fb-attachment-drop.h"
#include "fb-record-editor-private.h"
#include "fb-search-highlight.h"
#include "fb-tag-entry.h"
#include "fb-template.h"
#include "fb-ui-util.h"

G_DEFINE_FINAL_TYPE (FbRecordEditor, fb_record_editor, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
field_free (gpointer data)
{
  Field *field = data;

  g_free (field->name);
  g_clear_pointer (&field->typed, fb_field_row_free);
  g_clear_pointer (&field->orig, json_node_unref);
  g_free (field->orig_text);
  g_free (field);
}

GtkWidget *
fb_record_editor_new (void)
{
  return g_object_new (FB_TYPE_RECORD_EDITOR, NULL);
}

void
_fb_record_editor_emit_changed (FbRecordEditor *self)
{
  if (self->loading == 0)
    g_signal_emit (self, signals[CHANGED], 0);
}

Field *
_fb_record_editor_find_field (FbRecordEditor *self,
            const char     *name,
            guint          *index)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (g_strcmp0 (field->name, name) == 0)
        {
          if (index != NULL)
            *index = i;
          return field;
        }
    }

  return NULL;
}

/* A usable new name, stripped, or NULL and (@problem non-NULL) why not. */
static char *
check_name_why (FbRecordEditor  *self,
                const char      *name,
                const char      *allowed,
                char           **problem)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name != NULL ? name : ""));

  if (*stripped == '\0')
    {
      if (problem != NULL)
        *problem = g_strdup (_("A field needs a name"));
      return NULL;
    }
  if (g_strcmp0 (stripped, allowed) != 0 && _fb_record_editor_find_field (self, stripped, NULL) != NULL)
    {
      if (problem != NULL)
        /* TRANSLATORS: %s is the name of a record's field */
        *problem = g_strdup_printf (_("There is a field called “%s” already: "
                                      "each field needs a name of its own"), stripped);
      return NULL;
    }

  return g_steal_pointer (&stripped);
}

static char *
check_name (FbRecordEditor *self,
            const char     *name,
            const char     *allowed)
{
  return check_name_why (self, name, allowed, NULL);
}

void
_fb_record_editor_add_to_group (FbRecordEditor *self,
                    Field          *field)
{
  adw_preferences_group_add (self->fields_group, field->widget);
  if (field->typed != NULL)
    adw_preferences_group_add (self->fields_group, fb_field_row_get_problem_row (field->typed));
}

void
_fb_record_editor_remove_from_group (FbRecordEditor *self,
                         Field          *field)
{
  adw_preferences_group_remove (self->fields_group, field->widget);
  if (field->typed != NULL)
    adw_preferences_group_remove (self->fields_group, fb_field_row_get_problem_row (field->typed));
}

static void
update_field_labels (Field *field)
{
  g_autofree char *rename_label = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field->row), field->name);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (field->remove_button),
                                          g_variant_new_string (field->name));

  /* TRANSLATORS: the button beside a record field's value; %s is its name */
  rename_label = g_strdup_printf (_("Rename or Remove Field “%s”"), field->name);
  gtk_widget_set_tooltip_text (field->rename_button, rename_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (field->rename_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, rename_label, -1);
}

static void
field_value_changed_cb (GtkEditable *editable,
                        Field       *field)
{
  _fb_record_editor_emit_changed (field->editor);
}

static void
rename_activate_cb (GtkWidget *widget,
                    Field     *field)
{
  g_autofree char *wanted = g_strstrip (g_strdup (gtk_editable_get_text (field->rename_entry)));

  gtk_widget_activate_action (GTK_WIDGET (field->editor), "record.rename-field",
                              "(ss)", field->name, wanted);

  if (g_strcmp0 (field->name, wanted) == 0)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (field->rename_entry), "error");
      gtk_widget_set_visible (GTK_WIDGET (field->rename_message), FALSE);
      gtk_popover_popdown (GTK_POPOVER (field->rename_popover));
    }
  else
    {
      g_autofree char *problem = NULL;
      g_autofree char *usable = check_name_why (field->editor, wanted, field->name, &problem);

      gtk_widget_add_css_class (GTK_WIDGET (field->rename_entry), "error");
      gtk_label_set_text (field->rename_message, problem != NULL ? problem : "");
      gtk_widget_set_visible (GTK_WIDGET (field->rename_message), problem != NULL);
    }
}

static void
rename_popover_show_cb (GtkWidget *popover,
                        Field     *field)
{
  gtk_editable_set_text (field->rename_entry, field->name);
  gtk_widget_remove_css_class (GTK_WIDGET (field->rename_entry), "error");
  gtk_widget_set_visible (GTK_WIDGET (field->rename_message), FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (field->rename_entry));
  gtk_editable_select_region (field->rename_entry, 0, -1);
}

Field *
_fb_record_editor_add_field_row (FbRecordEditor *self,
               const char     *name,
               JsonNode       *value)
{
  Field *field = g_new0 (Field, 1);
  GtkWidget *box, *line, *label, *button;

  field->editor = self;
  field->name = g_strdup (name);
  field->orig = value != NULL ? json_node_copy (value) : NULL;
  field->orig_text = fb_json_value_to_text (value);

  field->row = ADW_ENTRY_ROW (adw_entry_row_new ());
  field->widget = GTK_WIDGET (field->row);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (field->row), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (field->row), field->orig_text);
  g_signal_connect (field->row, "changed", G_CALLBACK (field_value_changed_cb), field);

  /* One button per row: a popover to rename the field or remove it, so
   * the row itself stays the value. */
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  label = gtk_label_new (_("Field Name"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);

  line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  field->rename_entry = GTK_EDITABLE (gtk_entry_new ());
  gtk_accessible_update_relation (GTK_ACCESSIBLE (field->rename_entry),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  g_signal_connect (field->rename_entry, "activate", G_CALLBACK (rename_activate_cb), field);
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (field->rename_entry));
  button = gtk_button_new_with_mnemonic (_("_Rename"));
  gtk_widget_add_css_class (button, "suggested-action");
  g_signal_connect (button, "clicked", G_CALLBACK (rename_activate_cb), field);
  gtk_box_append (GTK_BOX (line), button);
  gtk_box_append (GTK_BOX (box), line);

  /* Why a name is refused, under the entry (issue 14). */
  field->rename_message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (field->rename_message, 0);
  gtk_label_set_wrap (field->rename_message, TRUE);
  gtk_label_set_max_width_chars (field->rename_message, 36);
  gtk_widget_add_css_class (GTK_WIDGET (field->rename_message), "error");
  gtk_widget_set_visible (GTK_WIDGET (field->rename_message), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (field->rename_message));

  field->remove_button = gtk_button_new_with_mnemonic (_("Re_move Field"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (field->remove_button), "record.remove-field");
  gtk_widget_add_css_class (field->remove_button, "destructive-action");
  gtk_box_append (GTK_BOX (box), field->remove_button);

  field->rename_popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (field->rename_popover), box);
  g_signal_connect (field->rename_popover, "show", G_CALLBACK (rename_popover_show_cb), field);

  field->rename_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (field->rename_button), "view-more-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (field->rename_button), field->rename_popover);
  gtk_widget_set_valign (field->rename_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (field->rename_button, "flat");
  adw_entry_row_add_suffix (field->row, field->rename_button);
  adw_entry_row_add_prefix (field->row, fb_field_drag_handle_new (field->widget));
  fb_field_drag_add_drop_target (field->widget, _fb_record_editor_field_dropped_cb, self);

  update_field_labels (field);

  _fb_record_editor_add_to_group (self, field);
  g_ptr_array_add (self->fields, field);

  return field;
}

static void
typed_changed_cb (FbFieldRow *row,
                  gpointer    user_data)
{
  Field *field = user_data;

  _fb_record_editor_emit_changed (field->editor);
}

static void
files_before_edit_cb (FbRecordEditor *self)
{
  g_signal_emit_by_name (self->attachment_strip, "before-edit");
}

/* A field of the record's template: its type's widget, no rename or
 * remove (the template says what the fields are). */
static Field *
add_typed_row (FbRecordEditor *self,
               JsonObject     *definition,
               JsonNode       *value)
{
  Field *field = g_new0 (Field, 1);

  field->editor = self;
  field->name = g_strdup (fb_template_field_get_name (definition));
  field->typed = fb_field_row_new (definition, value, typed_changed_cb, field);
  field->widget = fb_field_row_get_widget (field->typed);
  if (self->store != NULL)
    fb_field_row_set_store (field->typed, self->store);
  if (fb_field_row_get_files (field->typed) != NULL)
    {
      fb_field_row_set_item (field->typed, self->store, self->item_id);
      /* Attaching through a field is the item's next edit, as through the
       * strip: the window saves what is typed first. */
      g_signal_connect_object (fb_field_row_get_files (field->typed), "before-edit",
                               G_CALLBACK (files_before_edit_cb), self, G_CONNECT_SWAPPED);
    }

  _fb_record_editor_add_to_group (self, field);
  g_ptr_array_add (self->fields, field);

  return field;
}

static void
clear_fields (FbRecordEditor *self)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (field->row != NULL)
        g_signal_handlers_disconnect_by_data (field->row, field);
      _fb_record_editor_remove_from_group (self, field);
    }
  g_ptr_array_set_size (self->fields, 0);
}

/* The record's template from the store, or NULL (no template, or one
 * this device does not have yet: then the fields show as text). */
static void
find_template (FbRecordEditor *self,
               JsonObject     *body)
{
  const char *id = fb_record_body_get_template_id (body);
  g_autoptr(FbItem) item = NULL;

  g_clear_pointer (&self->template, json_object_unref);
  g_free (self->template_id);
  self->template_id = g_strdup (id);
  if (id == NULL || self->store == NULL)
    return;

  item = fb_store_get_item (self->store, id, NULL);
  if (item != NULL && !fb_item_get_deleted (item))
    self->template = fb_body_copy (fb_item_get_body (item));
}

/* The names in the form's order: a template's fields first. */
static GPtrArray *
form_names (FbRecordEditor *self,
            JsonObject     *body)
{
  if (self->template != NULL)
    return fb_record_body_get_form_names (body, self->template);

  return fb_record_body_get_field_names (body);
}

static void
apply_search (FbRecordEditor *self)
{
  fb_search_highlight_editable (GTK_EDITABLE (self->title_entry), self->search_regex);
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);
      GtkWidget *input = field->typed != NULL ? fb_field_row_get_input (field->typed)
                                              : GTK_WIDGET (field->row);

      if (GTK_IS_EDITABLE (input))
        fb_search_highlight_editable (GTK_EDITABLE (input), self->search_regex);
      else if (GTK_IS_TEXT_VIEW (input))
        fb_search_highlight_buffer (gtk_text_view_get_buffer (GTK_TEXT_VIEW (input)),
                                    self->search_regex, TRUE);
    }
}

void
fb_record_editor_set_search (FbRecordEditor *self,
                             GRegex         *regex)
{
  g_return_if_fail (FB_IS_RECORD_EDITOR (self));

  if (regex == self->search_regex)
    return;
  g_clear_pointer (&self->search_regex, g_regex_unref);
  self->search_regex = regex != NULL ? g_regex_ref (regex) : NULL;
  apply_search (self);
}

static void
load_body (FbRecordEditor *self,
           JsonObject     *body)
{
  JsonObject *fields = fb_body_get_object (body, "fields");
  g_autoptr(GPtrArray) names = NULL;

  if (body != self->loaded_body)
    {
      g_clear_pointer (&self->loaded_body, json_object_unref);
      self->loaded_body = fb_body_copy (body);
    }
  find_template (self, body);
  names = form_names (self, body);

  self->loading++;
  gtk_editable_set_text (GTK_EDITABLE (self->title_entry), fb_body_get_string (body, "title"));
  fb_tag_entry_set_tags (self->tag_entry, fb_body_get_array (body, "tags"));
  gtk_editable_set_text (fb_tag_entry_get_editable (self->tag_entry), "");
  clear_fields (self);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      JsonObject *definition = fb_template_find_field (self->template, name);
      JsonNode *value = fields != NULL ? json_object_get_member (fields, name) : NULL;

      if (definition != NULL)
        add_typed_row (self, definition, value);
      else
        _fb_record_editor_add_field_row (self, name, value);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->new_field_row), "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->new_field_row), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->new_field_message), FALSE);
  apply_search (self);
  self->loading--;
}

void
fb_record_editor_load (FbRecordEditor *self,
                       FbItem         *item)
{
  g_return_if_fail (FB_IS_RECORD_EDITOR (self));
  g_return_if_fail (FB_IS_ITEM (item));

  /* A removed field belongs to the record it was removed from. */
  if (self->undo_toast != NULL)
    fb_toast_dismiss (self->undo_toast);

  g_free (self->item_id);
  self->item_id = g_strdup (fb_item_get_id (item));
  load_body (self, fb_item_get_body (item));
}

void
fb_record_editor_refresh (FbRecordEditor *self,
                          JsonObject     *body)
{
  JsonObject *fields;
  g_autoptr(GPtrArray) names = NULL;
  gboolean same_fields;

  g_return_if_fail (FB_IS_RECORD_EDITOR (self));
  g_return_if_fail (body != NULL);

  fields = fb_body_get_object (body, "fields");
  if (g_strcmp0 (fb_record_body_get_template_id (body), self->template_id) != 0)
    {
      load_body (self, body);
      return;
    }
  names = form_names (self, body);

  same_fields = names->len == self->fields->len;
  for (guint i = 0; same_fields && i < names->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      same_fields = g_str_equal (field->name, g_ptr_array_index (names, i));
    }

  if (!same_fields)
    {
      /* Rows come and go: rebuilding is what a person would expect. */
      load_body (self, body);
      return;
    }

  g_clear_pointer (&self->loaded_body, json_object_unref);
  self->loaded_body = fb_body_copy (body);
  self->loading++;
  fb_editable_replace_minimal (GTK_EDITABLE (self->title_entry), fb_body_get_string (body, "title"));
  fb_tag_entry_set_tags (self->tag_entry, fb_body_get_array (body, "tags"));
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);
      JsonNode *value = json_object_get_member (fields, field->name);

      if (field->typed != NULL)
        {
          fb_field_row_set_value (field->typed, value);
          continue;
        }
      g_clear_pointer (&field->orig, json_node_unref);
      g_free (field->orig_text);
      field->orig = json_node_copy (value);
      field->orig_text = fb_json_value_to_text (value);
      fb_editable_replace_minimal (GTK_EDITABLE (field->row), field->orig_text);
    }
  self->loading--;
}

JsonObject *
fb_record_editor_build_body (FbRecordEditor *self,
                             JsonObject     *base)
{
  JsonObject *body;
  JsonObject *fields;
  JsonArray *order;
  g_autoptr(JsonArray) tags = NULL;

  g_return_val_if_fail (FB_IS_RECORD_EDITOR (self), NULL);

  body = base != NULL ? fb_body_copy (base) : fb_record_body_new ("");
  fields = json_object_new ();
  order = json_array_new ();

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);
      const char *text;

      if (field->typed != NULL)
        {
          JsonNode *value = fb_field_row_dup_value (field->typed);

          if (value == NULL)
            json_object_set_null_member (fields, field->name);
          else
            json_object_set_member (fields, field->name, value);
          json_array_add_string_element (order, field->name);
          continue;
        }

      text = gtk_editable_get_text (GTK_EDITABLE (field->row));
      if (field->orig != NULL && g_strcmp0 (text, field->orig_text) == 0)
        json_object_set_member (fields, field->name, json_node_copy (field->orig));
      else
        json_object_set_string_member (fields, field->name, text);
      json_array_add_string_element (order, field->name);
    }

  json_object_set_string_member (body, "title", gtk_editable_get_text (GTK_EDITABLE (self->title_entry)));
  /* As for a note: a record that never had tags gets none just by saving. */
  tags = fb_tag_entry_dup_tags (self->tag_entry);
  if (json_array_get_length (tags) > 0 || json_object_has_member (body, "tags"))
    json_object_set_array_member (body, "tags", g_steal_pointer (&tags));
  json_object_set_object_member (body, "fields", fields);
  json_object_set_array_member (body, "order", order);

  return body;
}

void
fb_record_editor_focus_title (FbRecordEditor *self)
{
  g_return_if_fail (FB_IS_RECORD_EDITOR (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->title_entry));
}

FbTagEntry *
fb_record_editor_get_tag_entry (FbRecordEditor *self)
{
  g_return_val_if_fail (FB_IS_RECORD_EDITOR (self), NULL);

  return self->tag_entry;
}

GtkEditable *
fb_record_editor_get_title_entry (FbRecordEditor *self)
{
  g_return_val_if_fail (FB_IS_RECORD_EDITOR (self), NULL);

  return GTK_EDITABLE (self->title_entry);
}

char **
fb_record_editor_get_field_names (FbRecordEditor *self)
{
  GStrvBuilder *builder;

  g_return_val_if_fail (FB_IS_RECORD_EDITOR (self), NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; i < self->fields->len; i++)
    g_strv_builder_add (builder, ((Field *) g_ptr_array_index (self->fields, i))->name);

  return g_strv_builder_end (builder);
}

GtkEditable *
fb_record_editor_get_field_row (FbRecordEditor *self,
                                const char     *name)
{
  Field *field;

  g_return_val_if_fail (FB_IS_RECORD_EDITOR (self), NULL);

  field = _fb_record_editor_find_field (self, name, NULL);
  if (field != NULL && field->typed != NULL)
    {
      GtkWidget *input = fb_field_row_get_input (field->typed);

      return GTK_IS_EDITABLE (input) ? GTK_EDITABLE (input) : NULL;
    }

  return field != NULL ? GTK_EDITABLE (field->row) : NULL;
}

const char *
fb_record_editor_get_rename_message (FbRecordEditor *self,
                                     const char     *name)
{
  Field *field;

  g_return_val_if_fail (FB_IS_RECORD_EDITOR (self), NULL);

  field = _fb_record_editor_find_field (self, name, NULL);
  if (field == NULL || field->rename_message == NULL ||
      !gtk_widget_get_visible (GTK_WIDGET (field->rename_message)))
    return NULL;

  return gtk_label_get_text (field->rename_message);
}

GtkEditable *
fb_record_editor_get_rename_entry (FbRecordEditor *self,
                                   const char     *name)
{
  Field *field;

  g_return_val_if_fail (FB_IS_RECORD_EDITOR (self), NULL);

  field = _fb_record_editor_find_field (self, name, NULL);

  return field != NULL ? field->rename_entry : NULL;
}

const char *
fb_record_editor_get_new_field_message (FbRecordEditor *self)
{
  g_return_val_if_fail (FB_IS_RECORD_EDITOR (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->new_field_message))
         ? gtk_label_get_text (self->new_field_message) : NULL;
}

GtkWidget *
fb_record_editor_get_field_input (FbRecordEditor *self,
                                  const char     *name)
{
  Field *field;

  g_return_val_if_fail (FB_IS_RECORD_EDITOR (self), NULL);

  field = _fb_record_editor_find_field (self, name, NULL);
  if (field == NULL)
    return NULL;

  return field->typed != NULL ? fb_field_row_get_input (field->typed) : GTK_WIDGET (field->row);
}

GtkCheckButton *
fb_record_editor_get_choice_check (FbRecordEditor *self,
                                   const char     *name,
                                   const char     *choice)
{
  Field *field;

  g_return_val_if_fail (FB_IS_RECORD_EDITOR (self), NULL);

  field = _fb_record_editor_find_field (self, name, NULL);

  return field != NULL && field->typed != NULL ? fb_field_row_get_check (field->typed, choice) : NULL;
}

const char *
fb_record_editor_get_field_problem (FbRecordEditor *self,
                                    const char     *name)
{
  Field *field;

  g_return_val_if_fail (FB_IS_RECORD_EDITOR (self), NULL);

  field = _fb_record_editor_find_field (self, name, NULL);

  return field != NULL && field->typed != NULL ? fb_field_row_get_problem (field->typed) : NULL;
}

/* The record's template changed (here or on another device): the form
 * follows it, showing what it shows now, unsaved typing included. */
static void
store_item_changed_cb (FbRecordEditor *self,
                       FbItem         *item,
                       FbStore        *store)
{
  g_autoptr(JsonObject) shown = NULL;

  if (self->template_id == NULL || self->loaded_body == NULL ||
      g_strcmp0 (fb_item_get_id (item), self->template_id) != 0)
    return;
  if (self->template != NULL && !fb_item_get_deleted (item) &&
      fb_body_equal (fb_item_get_body (item), self->template))
    return;

  shown = fb_record_editor_build_body (self, self->loaded_body);
  load_body (self, shown);
}

void
fb_record_editor_set_store (FbRecordEditor *self,
                            FbStore        *store)
{
  g_return_if_fail (FB_IS_RECORD_EDITOR (self));
  g_return_if_fail (store == NULL || FB_IS_STORE (store));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (store, "item-changed", G_CALLBACK (store_item_changed_cb),
                             self, G_CONNECT_SWAPPED);
}

GtkEditable *
fb_record_editor_get_new_field_row (FbRecordEditor *self)
{
  g_return_val_if_fail (FB_IS_RECORD_EDITOR (self), NULL);

  return GTK_EDITABLE (self->new_field_row);
}

static void
title_changed_cb (FbRecordEditor *self)
{
  _fb_record_editor_emit_changed (self);
}

static void
title_activate_cb (FbRecordEditor *self)
{
  if (self->fields->len > 0)
    {
      Field *first = g_ptr_array_index (self->fields, 0);

      gtk_widget_grab_focus (first->typed != NULL ? fb_field_row_get_input (first->typed) : first->widget);
    }
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->new_field_row));
}

static void
new_field_changed_cb (FbRecordEditor *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->new_field_row), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->new_field_message), FALSE);
}

static void
new_field_apply_cb (FbRecordEditor *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_field_row))));
  g_autofree char *usable = NULL;
  g_autofree char *problem = NULL;

  /* Enter on an empty row is not a mistake worth pointing out. */
  if (*name == '\0')
    return;

  usable = check_name_why (self, name, NULL, &problem);
  if (usable == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->new_field_row), "error");
      gtk_label_set_text (self->new_field_message, problem);
      gtk_widget_set_visible (GTK_WIDGET (self->new_field_message), TRUE);
      return;
    }

  gtk_widget_activate_action (GTK_WIDGET (self), "record.add-field", "s", name);
  gtk_editable_set_text (GTK_EDITABLE (self->new_field_row), "");
}

static void
add_field_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FbRecordEditor *self = FB_RECORD_EDITOR (widget);
  g_autofree char *name = check_name (self, g_variant_get_string (parameter, NULL), NULL);
  Field *field;

  if (name == NULL)
    return;

  field = _fb_record_editor_add_field_row (self, name, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (field->row));
  _fb_record_editor_emit_changed (self);
}

static void
rename_field_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FbRecordEditor *self = FB_RECORD_EDITOR (widget);
  const char *old_name, *wanted;
  g_autofree char *new_name = NULL;
  Field *field;

  g_variant_get (parameter, "(&s&s)", &old_name, &wanted);

  field = _fb_record_editor_find_field (self, old_name, NULL);
  if (field == NULL)
    return;

  new_name = check_name (self, wanted, old_name);
  if (new_name == NULL || g_str_equal (new_name, old_name))
    return;

  g_free (field->name);
  field->name = g_steal_pointer (&new_name);
  update_field_labels (field);
  _fb_record_editor_emit_changed (self);
}

static gboolean
fb_record_editor_grab_focus (GtkWidget *widget)
{
  FbRecordEditor *self = FB_RECORD_EDITOR (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->title_entry));
}

static void
fb_record_editor_dispose (GObject *object)
{
  FbRecordEditor *self = FB_RECORD_EDITOR (object);
  GtkWidget *child;

  if (self->undo_toast != NULL)
    fb_toast_dismiss (self->undo_toast);
  if (self->fields != NULL)
    clear_fields (self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), FB_TYPE_RECORD_EDITOR);
  /* The template's root box has no id, so dispose_template leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (fb_record_editor_parent_class)->dispose (object);
}

static void
fb_record_editor_finalize (GObject *object)
{
  FbRecordEditor *self = FB_RECORD_EDITOR (object);

  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->template, json_object_unref);
  g_clear_pointer (&self->loaded_body, json_object_unref);
  g_free (self->template_id);
  g_free (self->item_id);
  g_clear_pointer (&self->search_regex, g_regex_unref);

  G_OBJECT_CLASS (fb_record_editor_parent_class)->finalize (object);
}

static void
fb_record_editor_class_init (FbRecordEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fb_record_editor_dispose;
  object_class->finalize = fb_record_editor_finalize;
  widget_class->grab_focus = fb_record_editor_grab_focus;

  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  g_type_ensure (FB_TYPE_TAG_ENTRY);
  g_type_ensure (FB_TYPE_ATTACHMENT_STRIP);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/fieldbook/Fieldbook/ui/fb-record-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, FbRecordEditor, title_entry);
  gtk_widget_class_bind_template_child (widget_class, FbRecordEditor, tag_entry);
  gtk_widget_class_bind_template_child (widget_class, FbRecordEditor, fields_group);
  gtk_widget_class_bind_template_child (widget_class, FbRecordEditor, new_field_row);
  gtk_widget_class_bind_template_child (widget_class, FbRecordEditor, new_field_message);
  gtk_widget_class_bind_template_child (widget_class, FbRecordEditor, attachment_strip);
  gtk_widget_class_bind_template_callback (widget_class, title_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, title_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_field_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_field_changed_cb);

  gtk_widget_class_install_action (widget_class, "record.add-field", "s", add_field_action);
  gtk_widget_class_install_action (widget_class, "record.rename-field", "(ss)", rename_field_action);
  _fb_record_editor_class_order_init (widget_class);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fbrecordeditor");
}

/* Ctrl+V of an image or of files attaches them, as on a note; text on the
 * clipboard goes on to the focused field (FALSE: the key is not taken). */
static gboolean
paste_attachments_cb (GtkWidget *widget,
                      GVariant  *args,
                      gpointer   user_data)
{
  return fb_attachment_strip_paste (FB_RECORD_EDITOR (widget)->attachment_strip);
}

static void
add_paste_shortcut (FbRecordEditor *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  /* Before the fields' own Ctrl+V, which would take the key for nothing. */
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_v, GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (paste_attachments_cb,
                                                                                   NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
fb_record_editor_init (FbRecordEditor *self)
{
  self->fields = g_ptr_array_new_with_free_func (field_free);

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Files dropped anywhere on the record are attached, as on a note. */
  fb_attachment_drop_add_target (GTK_WIDGET (self), self->attachment_strip);
  add_paste_shortcut (self);
}

FbAttachmentStrip *
fb_record_editor_get_attachment_strip (FbRecordEditor *self)
{
  g_return_val_if_fail (FB_IS_RECORD_EDITOR (self), NULL);
  return self->attachment_strip;
}
