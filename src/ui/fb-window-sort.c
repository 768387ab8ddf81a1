/* fb-window-sort.c: the list's sort menu (remembered per collection) and pinning the item shown */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-item-sort.h"
#include "fb-window-private.h"

/* The actions live in their own group, "list": list.sort (a string state,
 * the radio items of the sort menu) and list.pin (a boolean state: whether
 * the item in the editor is pinned). Each collection's list keeps its own
 * order, and the settings' "sort-orders" remembers it by collection name. */

static FbItemList *
current_list (FbWindow *self)
{
  return self->all_lists[self->collection];
}

static void
sync_sort_state (FbWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->list_actions), "sort");
  FbItemSort sort = fb_item_list_get_sort (current_list (self));

  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_string (fb_item_sort_to_string (sort)));
}

static void
remember_sort (FbWindow   *self,
               const char *collection,
               FbItemSort  sort)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GVariant) orders = NULL;
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{ss}"));
  GVariantIter iter;
  const char *name;
  const char *order;

  if (self->settings == NULL)
    return;
  g_object_get (self->settings, "settings-schema", &schema, NULL);
  if (!g_settings_schema_has_key (schema, "sort-orders"))
    return;

  orders = g_settings_get_value (self->settings, "sort-orders");
  g_variant_iter_init (&iter, orders);
  while (g_variant_iter_next (&iter, "{&s&s}", &name, &order))
    if (g_strcmp0 (name, collection) != 0)
      g_variant_builder_add (&builder, "{ss}", name, order);
  g_variant_builder_add (&builder, "{ss}", collection, fb_item_sort_to_string (sort));
  g_settings_set_value (self->settings, "sort-orders", g_variant_builder_end (&builder));
}

static void
sort_activate_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  FbWindow *self = user_data;
  FbItemSort sort;

  if (!fb_item_sort_from_string (g_variant_get_string (parameter, NULL), &sort))
    return;

  /* The selected item stays selected: the list is read again around it. */
  _fb_window_save_now (self);
  fb_item_list_set_sort (current_list (self), sort);
  remember_sort (self, fb_item_list_get_collection (current_list (self)), sort);
  sync_sort_state (self);
  _fb_window_select_current (self);
}

static void
pin_activate_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  FbWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  gboolean pinned;

  if (self->current == NULL)
    return;

  /* The typing not saved yet goes first: the pin is an edit on top of it. */
  if (!_fb_window_save_now (self) || self->current == NULL)
    return;
  id = g_strdup (fb_item_get_id (self->current));
  pinned = !fb_item_get_pinned (self->current);
  if (!fb_store_set_pinned (self->store, id, pinned, &error))
    {
      g_autofree char *message = g_strdup_printf (pinned ? _("Could not pin the item: %s")
                                                         : _("Could not unpin the item: %s"),
                                                  error->message);
      _fb_window_show_error (self, message);
      return;
    }

  _fb_window_show_toast (self, adw_toast_new (pinned ? _("Pinned to the top of the list")
                                                     : _("No longer pinned")));
  _fb_window_select_current (self);
}

void
_fb_window_update_pin (FbWindow *self)
{
  GAction *action;

  if (self->list_actions == NULL)
    return;

  action = g_action_map_lookup_action (G_ACTION_MAP (self->list_actions), "pin");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               self->current != NULL && !fb_store_get_read_only (self->store));
  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_boolean (self->current != NULL &&
                                                    fb_item_get_pinned (self->current)));
}

static void
collection_changed_cb (FbWindow *self)
{
  sync_sort_state (self);
}

void
_fb_window_class_sort_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, FbWindow, sort_button);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK | GDK_ALT_MASK,
                                       "list.pin", NULL);
}

/* After the lists and the settings exist (see fb_window_constructed ()). */
void
_fb_window_sort_init (FbWindow *self)
{
  static const GActionEntry entries[] = {
    { .name = "sort", .activate = sort_activate_cb, .parameter_type = "s", .state = "'modified'" },
    { .name = "pin", .activate = pin_activate_cb, .state = "false" },
  };
  g_autoptr(GSettingsSchema) schema = NULL;

  self->list_actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->list_actions), entries,
                                   G_N_ELEMENTS (entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "list", G_ACTION_GROUP (self->list_actions));

  if (self->settings != NULL)
    g_object_get (self->settings, "settings-schema", &schema, NULL);
  if (schema != NULL && g_settings_schema_has_key (schema, "sort-orders"))
    {
      g_autoptr(GVariant) orders = g_settings_get_value (self->settings, "sort-orders");

      for (guint i = 0; i < N_COLLECTIONS; i++)
        {
          const char *name = NULL;
          FbItemSort sort;

          if (g_variant_lookup (orders, collection_names[i], "&s", &name) &&
              fb_item_sort_from_string (name, &sort))
            fb_item_list_set_sort (self->all_lists[i], sort);
        }
    }

  g_signal_connect_object (self, "notify::collection",
                           G_CALLBACK (collection_changed_cb), self, G_CONNECT_SWAPPED);
  sync_sort_state (self);
  _fb_window_update_pin (self);
}
