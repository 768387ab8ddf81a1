/* fb-window-records.c: the window's records and their templates: New Record from a template, the template window */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-window"

#include "config.h"

#include <glib/gi18n.h>

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

static void
template_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      FbWindow         *self)
{
  if (g_strcmp0 (response, RESPONSE_CANCEL) == 0)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "win.new-record", "s",
                              g_strcmp0 (response, RESPONSE_BLANK) == 0 ? "" : response);
}

gboolean
_fb_window_ask_template (FbWindow *self)
{
  g_autoptr(GPtrArray) templates = fb_store_list_templates (self->store, NULL);
  AdwMessageDialog *dialog;

  if (templates == NULL || templates->len == 0)
    return FALSE;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("New Record"),
                                                       _("Which template is the new record made from?")));
  for (guint i = 0; i < templates->len; i++)
    {
      FbItem *template = g_ptr_array_index (templates, i);
      g_autofree char *label = response_label (template);

      adw_message_dialog_add_response (dialog, fb_item_get_id (template), label);
    }
  adw_message_dialog_add_response (dialog, RESPONSE_BLANK, _("_Blank Record"));
  adw_message_dialog_add_response (dialog, RESPONSE_CANCEL, _("_Cancel"));
  /* Enter makes a record of the first template, as most records are. */
  adw_message_dialog_set_response_appearance (dialog, fb_item_get_id (g_ptr_array_index (templates, 0)),
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, fb_item_get_id (g_ptr_array_index (templates, 0)));
  adw_message_dialog_set_close_response (dialog, RESPONSE_CANCEL);
  g_signal_connect_object (dialog, "response", G_CALLBACK (template_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));

  return TRUE;
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

void
_fb_window_class_records_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new-record", "s", new_record_action);
  gtk_widget_class_install_action (widget_class, "win.edit-templates", NULL, edit_templates_action);
}
