/* fb-trash-window.c: the Trash: deleted items, restored or deleted for good */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-trash-window"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-store-history.h"
#include "fb-trash-window.h"
#include "fb-ui-util.h"

struct _FbTrashWindow
{
  AdwWindow         parent_instance;

  AdwToastOverlay  *toast_overlay;
  GtkButton        *empty_button;
  GtkStack         *stack;
  GtkListBox       *list_box;

  FbStore          *store;
  guint             reload_source;
  AdwMessageDialog *confirmation;
};

G_DEFINE_FINAL_TYPE (FbTrashWindow, fb_trash_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_error (FbTrashWindow *self,
            const char    *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, FB_TOAST_UNTIL_DISMISSED);
  fb_toast_overlay_show (self->toast_overlay, toast);
}

static GtkWidget *
make_row (FbTrashWindow *self,
          FbItem        *item)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *restore = gtk_button_new_with_mnemonic (_("_Restore"));
  GtkWidget *forget = gtk_button_new_from_icon_name ("edit-delete-symbolic");
  g_autofree char *title = fb_body_dup_display_title (fb_item_get_body (item));
  g_autofree char *escaped = g_markup_escape_text (title, -1);
  g_autofree char *when = fb_format_date_time (fb_store_get_trashed_at (self->store,
                                                                        fb_item_get_id (item)));
  g_autofree char *subtitle = NULL;
  g_autofree char *forget_label = NULL;
  GVariant *target = g_variant_new_string (fb_item_get_id (item));

  if (g_strcmp0 (fb_item_get_collection (item), FB_COLLECTION_RECORDS) == 0)
    /* TRANSLATORS: %s is when the record was deleted */
    subtitle = g_strdup_printf (_("Record, deleted %s"), when);
  else
    /* TRANSLATORS: %s is when the note was deleted */
    subtitle = g_strdup_printf (_("Note, deleted %s"), when);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  gtk_widget_set_valign (restore, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (restore), "trash.restore");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (restore), target);
  /* TRANSLATORS: %s is the item's title */
  {
    g_autofree char *label = g_strdup_printf (_("Restore “%s”"), title);

    gtk_accessible_update_property (GTK_ACCESSIBLE (restore),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), restore);

  gtk_widget_set_valign (forget, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (forget, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (forget), "trash.forget");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (forget), target);
  gtk_widget_set_tooltip_text (forget, _("Delete for Good"));
  /* TRANSLATORS: %s is the item's title */
  forget_label = g_strdup_printf (_("Delete “%s” for good"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (forget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, forget_label, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), forget);

  return row;
}

static void
reload (FbTrashWindow *self)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  g_clear_handle_id (&self->reload_source, g_source_remove);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);

  items = fb_store_list_trash (self->store, &error);
  if (items == NULL)
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("The Trash could not be read: %s"), error->message);
      show_error (self, message);
      return;
    }

  for (guint i = 0; i < items->len; i++)
    gtk_list_box_append (self->list_box, make_row (self, items->pdata[i]));

  gtk_stack_set_visible_child_name (self->stack, items->len > 0 ? "list" : "empty");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "trash.empty", items->len > 0);
}

static gboolean
reload_cb (gpointer user_data)
{
  FbTrashWindow *self = user_data;

  self->reload_source = 0;
  reload (self);
  return G_SOURCE_REMOVE;
}

/* Many changes in one go (a sync, Empty Trash) reload the list once. */
static void
item_changed_cb (FbTrashWindow *self)
{
  if (self->reload_source == 0)
    self->reload_source = g_idle_add (reload_cb, self);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FbTrashWindow *self = FB_TRASH_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  g_autoptr(GError) error = NULL;

  /* The main window restores it and opens it, as its Undo does. */
  if (parent != NULL &&
      gtk_widget_activate_action (GTK_WIDGET (parent), "win.undo-delete", "s", id))
    {
      reload (self);
      return;
    }

  if (!fb_store_restore_item (self->store, id, &error))
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("The item could not be brought back: %s"), error->message);
      show_error (self, message);
    }
  reload (self);
}

static void
forget_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FbTrashWindow *self = FB_TRASH_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!fb_store_forget_item (self->store, g_variant_get_string (parameter, NULL), &error))
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("The item could not be deleted: %s"), error->message);
      show_error (self, message);
    }
  reload (self);
}

static void
confirmation_response_cb (FbTrashWindow    *self,
                          const char       *response,
                          AdwMessageDialog *dialog)
{
  g_autoptr(GError) error = NULL;

  if (self->confirmation == dialog)
    self->confirmation = NULL;

  if (g_strcmp0 (response, "empty") != 0)
    return;

  if (!fb_store_empty_trash (self->store, 0, NULL, &error))
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason, from the database */
      message = g_strdup_printf (_("The Trash could not be emptied: %s"), error->message);
      show_error (self, message);
    }
  reload (self);
}

static void
empty_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  FbTrashWindow *self = FB_TRASH_WINDOW (widget);
  guint n = fb_store_get_trash_count (self->store);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (n == 0)
    return;

  body = g_strdup_printf (ngettext ("The item in the Trash will be deleted for good. "
                                    "This cannot be undone.",
                                    "All %u items in the Trash will be deleted for good. "
                                    "This cannot be undone.", n),
                          n);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Empty the Trash?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "empty", _("_Empty Trash"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "empty",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirmation_response_cb),
                           self, G_CONNECT_SWAPPED);
  self->confirmation = ADW_MESSAGE_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

GtkListBox *
fb_trash_window_get_list (FbTrashWindow *self)
{
  g_return_val_if_fail (FB_IS_TRASH_WINDOW (self), NULL);

  return self->list_box;
}

AdwMessageDialog *
fb_trash_window_get_confirmation (FbTrashWindow *self)
{
  g_return_val_if_fail (FB_IS_TRASH_WINDOW (self), NULL);

  return self->confirmation;
}

FbTrashWindow *
fb_trash_window_new (FbStore *store)
{
  g_return_val_if_fail (FB_IS_STORE (store), NULL);

  return g_object_new (FB_TYPE_TRASH_WINDOW, "store", store, NULL);
}

static void
fb_trash_window_constructed (GObject *object)
{
  FbTrashWindow *self = FB_TRASH_WINDOW (object);

  G_OBJECT_CLASS (fb_trash_window_parent_class)->constructed (object);

  g_signal_connect_object (self->store, "item-changed", G_CALLBACK (item_changed_cb),
                           self, G_CONNECT_SWAPPED);
  reload (self);
}

static void
fb_trash_window_dispose (GObject *object)
{
  FbTrashWindow *self = FB_TRASH_WINDOW (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->confirmation != NULL)
    gtk_window_destroy (GTK_WINDOW (self->confirmation));
  self->confirmation = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), FB_TYPE_TRASH_WINDOW);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fb_trash_window_parent_class)->dispose (object);
}

static void
fb_trash_window_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FbTrashWindow *self = FB_TRASH_WINDOW (object);

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
fb_trash_window_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FbTrashWindow *self = FB_TRASH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_trash_window_class_init (FbTrashWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fb_trash_window_constructed;
  object_class->dispose = fb_trash_window_dispose;
  object_class->set_property = fb_trash_window_set_property;
  object_class->get_property = fb_trash_window_get_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldbook/Fieldbook/ui/fb-trash-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FbTrashWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FbTrashWindow, empty_button);
  gtk_widget_class_bind_template_child (widget_class, FbTrashWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FbTrashWindow, list_box);

  gtk_widget_class_install_action (widget_class, "trash.restore", "s", restore_action);
  gtk_widget_class_install_action (widget_class, "trash.forget", "s", forget_action);
  gtk_widget_class_install_action (widget_class, "trash.empty", NULL, empty_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fb_trash_window_init (FbTrashWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* ---- The sidebar entry ---- */

typedef struct
{
  FbStore       *store;
  GtkLabel      *count;
  GtkWidget     *row;
  FbTrashWindow *window;  /* weak */
} TrashEntry;

static void
trash_entry_free (gpointer data)
{
  TrashEntry *entry = data;

  if (entry->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (entry->window), (gpointer *) &entry->window);
  g_clear_object (&entry->store);
  g_free (entry);
}

static TrashEntry *
get_entry (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), "fb-trash-entry");
}

static void
update_count (GtkWidget *widget)
{
  TrashEntry *entry = get_entry (widget);
  guint n = fb_store_get_trash_count (entry->store);
  g_autofree char *text = g_strdup_printf ("%u", n);
  g_autofree char *label = NULL;

  gtk_label_set_text (entry->count, text);
  label = g_strdup_printf (ngettext ("Trash, %u item", "Trash, %u items", n), n);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry->row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
entry_item_changed_cb (GtkWidget *widget)
{
  update_count (widget);
}

static void
entry_activated_cb (GtkListBox    *box,
                    GtkListBoxRow *row,
                    gpointer       user_data)
{
  TrashEntry *entry = get_entry (GTK_WIDGET (box));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (box));

  if (entry->window == NULL)
    {
      entry->window = fb_trash_window_new (entry->store);
      g_object_add_weak_pointer (G_OBJECT (entry->window), (gpointer *) &entry->window);
      if (GTK_IS_WINDOW (root))
        {
          gtk_window_set_transient_for (GTK_WINDOW (entry->window), GTK_WINDOW (root));
          gtk_window_set_destroy_with_parent (GTK_WINDOW (entry->window), TRUE);
        }
    }
  gtk_window_present (GTK_WINDOW (entry->window));
}

GtkWidget *
fb_trash_entry_new (FbStore *store)
{
  GtkWidget *box = gtk_list_box_new ();
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *image = gtk_image_new_from_icon_name ("user-trash-symbolic");
  GtkWidget *label = gtk_label_new (_("Trash"));
  GtkWidget *count = gtk_label_new (NULL);
  TrashEntry *entry;

  g_return_val_if_fail (FB_IS_STORE (store), NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  gtk_box_append (GTK_BOX (content), image);
  gtk_box_append (GTK_BOX (content), label);
  gtk_box_append (GTK_BOX (content), count);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), content);
  gtk_list_box_append (GTK_LIST_BOX (box), row);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (box), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (box, "navigation-sidebar");

  entry = g_new0 (TrashEntry, 1);
  entry->store = g_object_ref (store);
  entry->count = GTK_LABEL (count);
  entry->row = row;
  g_object_set_data_full (G_OBJECT (box), "fb-trash-entry", entry, trash_entry_free);

  g_signal_connect (box, "row-activated", G_CALLBACK (entry_activated_cb), NULL);
  g_signal_connect_object (store, "item-changed", G_CALLBACK (entry_item_changed_cb),
                           box, G_CONNECT_SWAPPED);
  update_count (box);

  return box;
}

GtkLabel *
fb_trash_entry_get_count_label (GtkWidget *entry)
{
  g_return_val_if_fail (GTK_IS_LIST_BOX (entry), NULL);

  return get_entry (entry)->count;
}

FbTrashWindow *
fb_trash_entry_get_window (GtkWidget *entry)
{
  g_return_val_if_fail (GTK_IS_LIST_BOX (entry), NULL);

  return get_entry (entry)->window;
}
