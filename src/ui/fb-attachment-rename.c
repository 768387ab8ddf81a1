/* fb-attachment-rename.c: the Rename… dialog of an attachment */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-attachments"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-attachment-rename.h"
#include "fb-attachment-strip.h"
#include "fb-store.h"

#define ENTRY_KEY "fb-rename-entry"
#define NAME_KEY "fb-rename-name"

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             GtkWidget        *strip)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), ENTRY_KEY);
  const char *old_name = g_object_get_data (G_OBJECT (dialog), NAME_KEY);

  if (g_strcmp0 (response, "rename") != 0)
    return;
  gtk_widget_activate_action (strip, "attachments.rename", "(ss)", old_name, gtk_editable_get_text (entry));
}

static void
entry_activate_cb (GtkEntry         *entry,
                   AdwMessageDialog *dialog)
{
  adw_message_dialog_response (dialog, "rename");
}

/* A record has no text for references to be in. */
static gboolean
item_is_note (GtkWidget *strip)
{
  FbAttachmentStrip *self = FB_ATTACHMENT_STRIP (strip);
  FbStore *store = fb_attachment_strip_get_store (self);
  const char *id = fb_attachment_strip_get_item_id (self);
  g_autoptr(FbItem) item = store != NULL && id != NULL ? fb_store_get_item (store, id, NULL) : NULL;

  return item != NULL && g_strcmp0 (fb_item_get_collection (item), FB_COLLECTION_NOTES) == 0;
}

GtkWindow *
fb_attachment_rename_dialog_show (GtkWidget  *strip,
                                  const char *name)
{
  GtkRoot *root = gtk_widget_get_root (strip);
  GtkWidget *dialog, *entry;
  const char *dot;

  g_return_val_if_fail (GTK_IS_WIDGET (strip), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Rename Attachment"), NULL);
  if (item_is_note (strip))
    /* TRANSLATORS: %s is an attachment's file name */
    adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                    _("References to “%s” in the note’s text are renamed too."), name);
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("New name"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  g_object_set_data (G_OBJECT (dialog), ENTRY_KEY, entry);
  g_object_set_data_full (G_OBJECT (dialog), NAME_KEY, g_strdup (name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (response_cb), strip, 0);
  g_signal_connect_object (entry, "activate", G_CALLBACK (entry_activate_cb), dialog, 0);

  gtk_window_present (GTK_WINDOW (dialog));
  /* The name without its extension, ready to be typed over. */
  dot = strrchr (name, '.');
  gtk_widget_grab_focus (entry);
  gtk_editable_select_region (GTK_EDITABLE (entry), 0,
                              dot != NULL && dot != name ? (int) g_utf8_pointer_to_offset (name, dot) : -1);
  return GTK_WINDOW (dialog);
}

GtkEditable *
fb_attachment_rename_dialog_get_entry (GtkWindow *dialog)
{
  g_return_val_if_fail (ADW_IS_MESSAGE_DIALOG (dialog), NULL);
  return g_object_get_data (G_OBJECT (dialog), ENTRY_KEY);
}
