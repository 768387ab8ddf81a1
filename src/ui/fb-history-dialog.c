/* fb-history-dialog.c: the earlier versions of an item, each against the current one */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-history-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-body-diff.h"
#include "fb-history-dialog.h"
#include "fb-store-history.h"
#include "fb-ui-util.h"

struct _FbHistoryDialog
{
  AdwWindow         parent_instance;

  AdwToastOverlay  *toast_overlay;
  AdwWindowTitle   *window_title;
  GtkButton        *restore_button;
  GtkLabel         *notice_label;
  GtkStack         *stack;
  GtkListBox       *list_box;
  GtkLabel         *version_heading;
  GtkGrid          *grid;
  GtkScrolledWindow *scroller;

  FbStore          *store;
  char             *item_id;
  FbItem           *item;      /* the current version */
  GPtrArray        *versions;  /* FbVersion, newest first */
  guint             reload_source;
};

G_DEFINE_FINAL_TYPE (FbHistoryDialog, fb_history_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_ITEM_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
origin_text (FbVersionOrigin origin)
{
  switch (origin)
    {
    case FB_VERSION_ORIGIN_SERVER:
      return _("From the server or another device");
    case FB_VERSION_ORIGIN_MERGE:
      return _("Merged with the server’s changes");
    case FB_VERSION_ORIGIN_RESOLUTION:
      return _("Chosen in a conflict");
    case FB_VERSION_ORIGIN_DEVICE:
    default:
      return _("Edited on this device");
    }
}

static void
show_error (FbHistoryDialog *self,
            const char      *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, FB_TOAST_UNTIL_DISMISSED);
  fb_toast_overlay_show (self->toast_overlay, toast);
}

static FbVersion *
selected_version (FbHistoryDialog *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list_box);
  int index;

  if (row == NULL || self->versions == NULL)
    return NULL;
  index = gtk_list_box_row_get_index (row);
  if (index < 0 || (guint) index >= self->versions->len)
    return NULL;

  return g_ptr_array_index (self->versions, index);
}

static void
update_restore (FbHistoryDialog *self)
{
  gboolean in_conflict = self->item != NULL &&
                         fb_item_get_state (self->item) == FB_ITEM_STATE_CONFLICT;
  gboolean deleted = self->item == NULL || fb_item_get_deleted (self->item);

  if (in_conflict)
    gtk_label_set_label (self->notice_label,
                         _("This item is in conflict with the server’s version. Resolve the "
                           "conflict first; then an earlier version can be restored."));
  else if (deleted)
    gtk_label_set_label (self->notice_label,
                         _("This item is in the Trash. Restore it from there first."));
  gtk_widget_set_visible (GTK_WIDGET (self->notice_label), in_conflict || deleted);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.restore",
                                 !in_conflict && !deleted && selected_version (self) != NULL);
}

static void
show_version (FbHistoryDialog *self)
{
  FbVersion *version = selected_version (self);
  const FbBodyDiffWords words = {
    { _("Not in this version"), _("Not in the current version") },
    { _("Differs from the current version"), _("Differs from this version") },
  };
  g_autofree char *when = NULL;
  g_autofree char *heading = NULL;

  fb_body_diff_clear (self->grid);
  update_restore (self);
  if (version == NULL || self->item == NULL)
    return;

  when = fb_format_date_time (fb_version_get_edited_at (version));
  /* TRANSLATORS: %s is when the version was written */
  heading = g_strdup_printf (_("Version of %s"), when);
  gtk_label_set_label (self->version_heading, heading);

  fb_body_diff_fill (self->grid, 0, fb_version_get_body (version), TRUE,
                     fb_item_get_body (self->item), !fb_item_get_deleted (self->item),
                     g_strcmp0 (fb_item_get_collection (self->item), FB_COLLECTION_RECORDS) != 0,
                     &words);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

static void
row_selected_cb (FbHistoryDialog *self)
{
  show_version (self);
}

static GtkWidget *
make_row (FbVersion *version)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *when = fb_format_date_time (fb_version_get_edited_at (version));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), when);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), origin_text (fb_version_get_origin (version)));

  return row;
}

static void
reload (FbHistoryDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *selected_title = NULL;
  gint64 selected_id = 0;
  GtkWidget *child;
  guint select = 0;

  g_clear_handle_id (&self->reload_source, g_source_remove);

  if (selected_version (self) != NULL)
    selected_id = fb_version_get_id (selected_version (self));

  g_clear_object (&self->item);
  self->item = fb_store_get_item (self->store, self->item_id, NULL);
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  self->versions = fb_store_list_versions (self->store, self->item_id, &error);
  if (self->versions == NULL)
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("The earlier versions could not be read: %s"), error->message);
      show_error (self, message);
      self->versions = g_ptr_array_new ();
    }

  if (self->item != NULL)
    {
      g_autofree char *item_title = fb_body_dup_display_title (fb_item_get_body (self->item));

      /* TRANSLATORS: the History window's title; %s is the item's title */
      title = g_strdup_printf (_("History of “%s”"), item_title);
    }
  else
    {
      title = g_strdup (_("History"));
    }
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  for (guint i = 0; i < self->versions->len; i++)
    {
      FbVersion *version = g_ptr_array_index (self->versions, i);

      gtk_list_box_append (self->list_box, make_row (version));
      if (fb_version_get_id (version) == selected_id)
        select = i;
    }

  gtk_stack_set_visible_child_name (self->stack, self->versions->len > 0 ? "versions" : "empty");
  if (self->versions->len > 0)
    gtk_list_box_select_row (self->list_box, gtk_list_box_get_row_at_index (self->list_box, select));
  show_version (self);
}

static gboolean
reload_cb (gpointer user_data)
{
  FbHistoryDialog *self = user_data;

  self->reload_source = 0;
  reload (self);
  return G_SOURCE_REMOVE;
}

static void
item_changed_cb (FbHistoryDialog *self,
                 FbItem          *item)
{
  if (g_strcmp0 (fb_item_get_id (item), self->item_id) == 0 && self->reload_source == 0)
    self->reload_source = g_idle_add (reload_cb, self);
}

static gboolean
close_cb (gpointer user_data)
{
  g_autoptr(GtkWindow) window = g_weak_ref_get (user_data);

  /* Unless it went already (with its parent, say). */
  if (window != NULL)
    gtk_window_close (window);
  return G_SOURCE_REMOVE;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FbHistoryDialog *self = FB_HISTORY_DIALOG (widget);
  FbVersion *version = selected_version (self);
  g_autoptr(GError) error = NULL;
  guint n_left_out = 0;

  if (version == NULL)
    return;

  if (!fb_store_restore_version (self->store, self->item_id, fb_version_get_id (version), &n_left_out, &error))
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason, in words, from the database */
      message = g_strdup_printf (_("This version could not be restored: %s"), error->message);
      show_error (self, message);
      return;
    }

  /* Restored, but not whole: said here, where the person looks. */
  if (n_left_out > 0)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (ngettext ("Restored, without %u attachment of this version: its file is "
                                           "not on this device, and the server’s version does not have it.",
                                           "Restored, without %u attachments of this version: their files are "
                                           "not on this device, and the server’s version does not have them.",
                                           n_left_out),
                                 n_left_out);
      show_error (self, message);
      return;
    }

  /* Not from inside the action: the window and its actions go with it. */
  {
    GWeakRef *ref = g_new0 (GWeakRef, 1);

    g_weak_ref_init (ref, self);
    g_idle_add_full (G_PRIORITY_DEFAULT, close_cb, ref, weak_ref_free);
  }
}

GtkListBox *
fb_history_dialog_get_list (FbHistoryDialog *self)
{
  g_return_val_if_fail (FB_IS_HISTORY_DIALOG (self), NULL);

  return self->list_box;
}

GtkGrid *
fb_history_dialog_get_grid (FbHistoryDialog *self)
{
  g_return_val_if_fail (FB_IS_HISTORY_DIALOG (self), NULL);

  return self->grid;
}

const char *
fb_history_dialog_get_notice (FbHistoryDialog *self)
{
  g_return_val_if_fail (FB_IS_HISTORY_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->notice_label)))
    return NULL;
  return gtk_label_get_label (self->notice_label);
}

void
fb_history_dialog_select (FbHistoryDialog *self,
                          guint            index)
{
  GtkListBoxRow *row;

  g_return_if_fail (FB_IS_HISTORY_DIALOG (self));

  row = gtk_list_box_get_row_at_index (self->list_box, index);
  if (row != NULL)
    gtk_list_box_select_row (self->list_box, row);
}

FbHistoryDialog *
fb_history_dialog_new (FbStore    *store,
                       const char *item_id)
{
  g_return_val_if_fail (FB_IS_STORE (store), NULL);
  g_return_val_if_fail (item_id != NULL, NULL);

  return g_object_new (FB_TYPE_HISTORY_DIALOG, "store", store, "item-id", item_id, NULL);
}

static void
fb_history_dialog_constructed (GObject *object)
{
  FbHistoryDialog *self = FB_HISTORY_DIALOG (object);

  G_OBJECT_CLASS (fb_history_dialog_parent_class)->constructed (object);

  /* The resolver's highlights. */
  g_signal_connect_object (self->store, "item-changed", G_CALLBACK (item_changed_cb),
                           self, G_CONNECT_SWAPPED);
  reload (self);
}

static void
fb_history_dialog_dispose (GObject *object)
{
  FbHistoryDialog *self = FB_HISTORY_DIALOG (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  /* Rows also go away with the window: not a new selection. */
  if (self->list_box != NULL)
    g_signal_handlers_disconnect_by_data (self->list_box, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), FB_TYPE_HISTORY_DIALOG);
  g_clear_object (&self->item);
  g_clear_object (&self->store);
  g_clear_pointer (&self->versions, g_ptr_array_unref);

  G_OBJECT_CLASS (fb_history_dialog_parent_class)->dispose (object);
}

static void
fb_history_dialog_finalize (GObject *object)
{
  FbHistoryDialog *self = FB_HISTORY_DIALOG (object);

  g_free (self->item_id);

  G_OBJECT_CLASS (fb_history_dialog_parent_class)->finalize (object);
}

static void
fb_history_dialog_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FbHistoryDialog *self = FB_HISTORY_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_ITEM_ID:
      self->item_id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_history_dialog_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FbHistoryDialog *self = FB_HISTORY_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_ITEM_ID:
      g_value_set_string (value, self->item_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_history_dialog_class_init (FbHistoryDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fb_history_dialog_constructed;
  object_class->dispose = fb_history_dialog_dispose;
  object_class->finalize = fb_history_dialog_finalize;
  object_class->set_property = fb_history_dialog_set_property;
  object_class->get_property = fb_history_dialog_get_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ITEM_ID] =
    g_param_spec_string ("item-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldbook/Fieldbook/ui/fb-history-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FbHistoryDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FbHistoryDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FbHistoryDialog, restore_button);
  gtk_widget_class_bind_template_child (widget_class, FbHistoryDialog, notice_label);
  gtk_widget_class_bind_template_child (widget_class, FbHistoryDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, FbHistoryDialog, list_box);
  gtk_widget_class_bind_template_child (widget_class, FbHistoryDialog, version_heading);
  gtk_widget_class_bind_template_child (widget_class, FbHistoryDialog, grid);
  gtk_widget_class_bind_template_child (widget_class, FbHistoryDialog, scroller);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);

  gtk_widget_class_install_action (widget_class, "history.restore", NULL, restore_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fb_history_dialog_init (FbHistoryDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
