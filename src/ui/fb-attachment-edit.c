/* fb-attachment-edit.c: attaching chosen files, removing one with Undo, and
 * opening one in the larger view, for the strip and the photo and file fields */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-attachment-edit"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-attachment-edit.h"
#include "fb-attachment-view.h"
#include "fb-record-files.h"

/* ---- Attaching what the file chooser gives ---- */

/* The file chooser's owner and what it does with each file chosen. */
typedef struct
{
  GtkWidget        *owner;
  FbAttachFileFunc  attach;
} Chooser;

static void
files_chosen_cb (GtkNativeDialog *dialog,
                 int              response,
                 Chooser         *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);

          if (!chooser->attach (chooser->owner, file, NULL))
            break;
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (chooser->owner);
  g_free (chooser);
}

void
fb_attachment_edit_choose_files (GtkWidget        *owner,
                                 const char       *title,
                                 gboolean          pictures,
                                 FbAttachFileFunc  attach)
{
  GtkRoot *root = gtk_widget_get_root (owner);
  GtkFileChooserNative *dialog;
  Chooser *chooser;

  g_return_if_fail (GTK_IS_WIDGET (owner));
  g_return_if_fail (attach != NULL);

  /* Native: the file chooser portal inside Flatpak. */
  dialog = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Attach"), NULL);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
  if (pictures)
    {
      g_autoptr(GtkFileFilter) images = gtk_file_filter_new ();
      g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

      gtk_file_filter_set_name (images, _("Pictures"));
      gtk_file_filter_add_mime_type (images, "image/*");
      gtk_file_filter_set_name (all, _("All Files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), images);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
    }
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  chooser = g_new0 (Chooser, 1);
  chooser->owner = g_object_ref (owner);
  chooser->attach = attach;
  g_signal_connect (dialog, "response", G_CALLBACK (files_chosen_cb), chooser);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

char *
fb_attachment_edit_attach_failed (const char   *name,
                                  const GError *error)
{
  /* TRANSLATORS: %s is a file name, then the reason */
  return g_strdup_printf (_("“%s” could not be attached: %s"), name, error->message);
}

/* ---- The larger view ---- */

GtkWidget *
fb_attachment_edit_open (GtkWidget           *owner,
                         FbStore             *store,
                         const char          *id,
                         const char          *name,
                         FbAttachmentFetches *fetches,
                         char               **message)
{
  g_autoptr(FbAttachment) attachment = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (owner);
  GtkWidget *viewer;

  g_return_val_if_fail (GTK_IS_WIDGET (owner), NULL);
  g_return_val_if_fail (message != NULL, NULL);

  *message = NULL;
  file = fb_attachment_view_find_file (store, id, name, &attachment, &error);
  /* Only the server has it: fetched first (its tile shows how far). */
  if (file == NULL && attachment != NULL && attachment->sha256 == NULL &&
      fb_attachment_fetches_start (fetches, name))
    return NULL;
  if (file == NULL)
    {
      *message = fb_attachment_view_describe_failure (name, FB_ATTACHMENT_USE_SHOW, error);
      return NULL;
    }

  viewer = fb_attachment_view_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, attachment, file);
  gtk_window_present (GTK_WINDOW (viewer));
  return viewer;
}

/* ---- Removing with Undo ---- */

struct _FbAttachmentRemoval
{
  FbAttachment  *attachment;
  char          *item_id;
  char         **fields;
};

FbAttachmentRemoval *
fb_attachment_removal_new (void)
{
  return g_new0 (FbAttachmentRemoval, 1);
}

static void
forget (FbAttachmentRemoval *self)
{
  g_clear_pointer (&self->attachment, fb_attachment_free);
  g_clear_pointer (&self->item_id, g_free);
  g_clear_pointer (&self->fields, g_strfreev);
}

void
fb_attachment_removal_free (FbAttachmentRemoval *self)
{
  if (self == NULL)
    return;
  forget (self);
  g_free (self);
}

char *
fb_attachment_removal_remove (FbAttachmentRemoval *self,
                              FbStore             *store,
                              const char          *id,
                              const char          *name)
{
  g_autoptr(FbAttachment) attachment = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) fields = NULL;

  g_return_val_if_fail (self != NULL && FB_IS_STORE (store), NULL);

  /* Out of a record's photo and file fields too, in the same edit. */
  attachment = fb_store_get_attachment (store, id, name, &error);
  if (attachment == NULL || !fb_store_detach_attachment (store, id, name, &fields, &error))
    /* TRANSLATORS: %s is a file name, then the reason */
    return g_strdup_printf (_("“%s” could not be removed: %s"), name, error->message);

  forget (self);
  self->attachment = g_steal_pointer (&attachment);
  self->item_id = g_strdup (id);
  self->fields = g_steal_pointer (&fields);
  return NULL;
}

const FbAttachment *
fb_attachment_removal_get (FbAttachmentRemoval *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->attachment;
}

AdwToast *
fb_attachment_removal_toast (FbAttachmentRemoval *self)
{
  g_autofree char *title = NULL;
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  g_return_val_if_fail (self != NULL && self->attachment != NULL, NULL);

  /* TRANSLATORS: %s is an attachment's file name */
  title = g_strdup_printf (_("“%s” removed"), self->attachment->name);
  escaped = g_markup_escape_text (title, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_button_label (toast, _("_Undo"));
  return toast;
}

char *
fb_attachment_removal_undo (FbAttachmentRemoval *self,
                            FbStore             *store)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (self != NULL && FB_IS_STORE (store), NULL);

  if (self->attachment == NULL)
    return NULL;
  if (!fb_store_reattach_attachment (store, self->item_id, self->attachment,
                                     (const char * const *) self->fields, &error))
    /* TRANSLATORS: %s is a file name, then the reason */
    return g_strdup_printf (_("“%s” could not be put back: %s"), self->attachment->name,
                            error->message);
  forget (self);
  return NULL;
}
