/* fb-record-editor-order.c: a record's own fields removed (with Undo) and moved */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-record-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-record-editor-private.h"
#include "fb-ui-util.h"

/* Focus into an entry row without selecting its text, the cursor at the
 * end: a key press then adds to the value instead of replacing it. */
void
_fb_record_editor_focus_row (GtkWidget *row)
{
  GtkEditable *delegate = GTK_IS_EDITABLE (row) ? gtk_editable_get_delegate (GTK_EDITABLE (row)) : NULL;

  /* A template's field may be a switch or a drop-down: focused as it is. */
  if (GTK_IS_TEXT (delegate) && gtk_text_grab_focus_without_selecting (GTK_TEXT (delegate)))
    gtk_editable_set_position (delegate, -1);
  else
    gtk_widget_grab_focus (row);
}

/* What "Undo" puts back: the field, its value as shown, and its place. */
typedef struct
{
  GWeakRef  editor;
  char     *name;
  JsonNode *orig;
  char     *text;
  guint     index;
} RemovedField;

static void
removed_field_free (gpointer data)
{
  RemovedField *removed = data;

  g_weak_ref_clear (&removed->editor);
  g_free (removed->name);
  g_clear_pointer (&removed->orig, json_node_unref);
  g_free (removed->text);
  g_free (removed);
}

/* The group only appends: the rows from @index on go out and back in, in
 * the order of self->fields. */
static void
readd_rows_from (FbRecordEditor *self,
                 guint           index)
{
  for (guint i = index; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      g_object_ref (field->widget);
      _fb_record_editor_remove_from_group (self, field);
    }
  for (guint i = index; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      _fb_record_editor_add_to_group (self, field);
      g_object_unref (field->widget);
    }
}

/* Moves the last field to @index, in the form too. */
static void
move_last_field (FbRecordEditor *self,
                 guint           index)
{
  gpointer last;

  if (index >= self->fields->len - 1)
    return;

  last = g_ptr_array_steal_index (self->fields, self->fields->len - 1);
  g_ptr_array_insert (self->fields, index, last);
  readd_rows_from (self, index);
}

/* Moves the field at @index to @target (by Alt+Up/Down one place, or by
 * a drag onto another field). A template's fields keep the template's
 * order (it is changed in the template), so only the record's own fields
 * move, among themselves. */
static gboolean
move_field_to (FbRecordEditor *self,
               guint           index,
               guint           target)
{
  Field *field;

  if (index >= self->fields->len || target >= self->fields->len || index == target)
    return FALSE;
  for (guint i = MIN (index, target); i <= MAX (index, target); i++)
    if (((Field *) g_ptr_array_index (self->fields, i))->typed != NULL)
      return FALSE;

  field = g_ptr_array_steal_index (self->fields, index);
  g_ptr_array_insert (self->fields, target, field);
  readd_rows_from (self, MIN (index, target));
  _fb_record_editor_focus_row (field->widget);
  _fb_record_editor_emit_changed (self);
  return TRUE;
}

static void
move_field (FbRecordEditor *self,
            guint           index,
            gboolean        down)
{
  if (!down && index == 0)
    return;
  move_field_to (self, index, down ? index + 1 : index - 1);
}

static guint
index_of_widget (FbRecordEditor *self,
                 GtkWidget      *widget)
{
  for (guint i = 0; i < self->fields->len; i++)
    if (((Field *) g_ptr_array_index (self->fields, i))->widget == widget)
      return i;
  return G_MAXUINT;
}

gboolean
_fb_record_editor_field_dropped_cb (GtkWidget *dragged,
                                    GtkWidget *onto,
                                    gpointer   user_data)
{
  FbRecordEditor *self = user_data;

  return move_field_to (self, index_of_widget (self, dragged), index_of_widget (self, onto));
}

static void
move_field_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FbRecordEditor *self = FB_RECORD_EDITOR (widget);
  const char *name;
  gboolean down;
  guint index;

  g_variant_get (parameter, "(&sb)", &name, &down);
  if (_fb_record_editor_find_field (self, name, &index) != NULL)
    move_field (self, index, down);
}

static void
move_focused_field_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  FbRecordEditor *self = FB_RECORD_EDITOR (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  for (guint i = 0; focus != NULL && i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (focus == field->widget || gtk_widget_is_ancestor (focus, field->widget))
        {
          move_field (self, i, g_variant_get_boolean (parameter));
          return;
        }
    }
}

static void
undo_remove_cb (AdwToast     *toast,
                RemovedField *removed)
{
  g_autoptr(FbRecordEditor) self = g_weak_ref_get (&removed->editor);
  Field *field;

  if (self == NULL || _fb_record_editor_find_field (self, removed->name, NULL) != NULL)
    return;

  field = _fb_record_editor_add_field_row (self, removed->name, removed->orig);
  if (g_strcmp0 (removed->text, field->orig_text) != 0)
    {
      self->loading++;
      gtk_editable_set_text (GTK_EDITABLE (field->row), removed->text);
      self->loading--;
    }
  move_last_field (self, MIN (removed->index, self->fields->len - 1));
  _fb_record_editor_focus_row (GTK_WIDGET (field->row));
  _fb_record_editor_emit_changed (self);
}

static void
undo_toast_dismissed_cb (FbRecordEditor *self,
                         AdwToast       *toast)
{
  if (self->undo_toast == toast)
    self->undo_toast = NULL;
}

static void
show_undo_toast (FbRecordEditor *self,
                 RemovedField   *removed)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  g_autofree char *escaped = g_markup_escape_text (removed->name, -1);
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (overlay == NULL)
    {
      removed_field_free (removed);
      return;
    }

  /* fb_toast_overlay_show () dismisses an earlier "removed" toast. */
  /* TRANSLATORS: %s is the name of a record's field */
  title = g_strdup_printf (_("Field “%s” removed"), escaped);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, FB_TOAST_UNDO_SECONDS);
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (undo_remove_cb),
                         removed, (GClosureNotify) (void (*) (void)) removed_field_free, 0);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (undo_toast_dismissed_cb),
                           self, G_CONNECT_SWAPPED);
  self->undo_toast = toast;
  fb_toast_overlay_show (ADW_TOAST_OVERLAY (overlay), toast);
}

static void
remove_field_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FbRecordEditor *self = FB_RECORD_EDITOR (widget);
  RemovedField *removed;
  GtkWidget *neighbour;
  Field *field;
  guint index;

  field = _fb_record_editor_find_field (self, g_variant_get_string (parameter, NULL), &index);
  /* A template's field is removed from the template, not from one record. */
  if (field == NULL || field->typed != NULL)
    return;

  removed = g_new0 (RemovedField, 1);
  g_weak_ref_init (&removed->editor, self);
  removed->name = g_strdup (field->name);
  removed->orig = field->orig != NULL ? json_node_copy (field->orig) : NULL;
  removed->text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (field->row)));
  removed->index = index;

  /* The focus goes to the neighbouring field (or the row that adds one),
   * never to the title: grabbing an entry selects all of it, and the next
   * key press would replace the title. */
  if (index + 1 < self->fields->len)
    neighbour = ((Field *) g_ptr_array_index (self->fields, index + 1))->widget;
  else if (index > 0)
    neighbour = ((Field *) g_ptr_array_index (self->fields, index - 1))->widget;
  else
    neighbour = GTK_WIDGET (self->new_field_row);

  gtk_popover_popdown (GTK_POPOVER (field->rename_popover));
  g_signal_handlers_disconnect_by_data (field->row, field);
  _fb_record_editor_remove_from_group (self, field);
  g_ptr_array_remove_index (self->fields, index);
  _fb_record_editor_focus_row (neighbour);
  _fb_record_editor_emit_changed (self);

  show_undo_toast (self, removed);
}

AdwToast *
fb_record_editor_get_undo_toast (FbRecordEditor *self)
{
  g_return_val_if_fail (FB_IS_RECORD_EDITOR (self), NULL);

  return self->undo_toast;
}

void
_fb_record_editor_class_order_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "record.remove-field", "s", remove_field_action);
  gtk_widget_class_install_action (widget_class, "record.move-field", "(sb)", move_field_action);
  gtk_widget_class_install_action (widget_class, "record.move-focused-field", "b", move_focused_field_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK,
                                       "record.move-focused-field", "b", FALSE);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK,
                                       "record.move-focused-field", "b", TRUE);
}
