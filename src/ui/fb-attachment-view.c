/* fb-attachment-view.c: the larger view of one attachment, and the one lookup
 * of an attachment's file here that it and Open With… share */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-attachment-view"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-attachment-view.h"
#include "fb-attachments.h"

struct _FbAttachmentView
{
  AdwWindow  parent_instance;

  char      *name;
  GFile     *file;
};

G_DEFINE_FINAL_TYPE (FbAttachmentView, fb_attachment_view, ADW_TYPE_WINDOW)

G_DEFINE_QUARK (fb-attachment-view-error-quark, fb_attachment_view_error)

enum {
  OPEN_WITH,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GFile *
fb_attachment_view_find_file (FbStore       *store,
                              const char    *id,
                              const char    *name,
                              FbAttachment **attachment,
                              GError       **error)
{
  g_autoptr(FbAttachment) found = NULL;
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (FB_IS_STORE (store), NULL);
  g_return_val_if_fail (id != NULL && name != NULL, NULL);

  found = fb_store_get_attachment (store, id, name, error);
  if (found == NULL)
    return NULL;
  if (found->sha256 == NULL)
    g_set_error (error, FB_ATTACHMENT_VIEW_ERROR, FB_ATTACHMENT_VIEW_ERROR_ONLY_ON_SERVER,
                 "“%s” is only on the server", name);
  else
    file = fb_store_get_attachment_file (store, found->digest, error);

  if (attachment != NULL)
    *attachment = g_steal_pointer (&found);
  return g_steal_pointer (&file);
}

char *
fb_attachment_view_describe_failure (const char      *name,
                                     FbAttachmentUse  use,
                                     const GError    *error)
{
  g_return_val_if_fail (name != NULL && error != NULL, NULL);

  if (g_error_matches (error, FB_ATTACHMENT_VIEW_ERROR, FB_ATTACHMENT_VIEW_ERROR_ONLY_ON_SERVER))
    /* TRANSLATORS: %s is a file name */
    return g_strdup_printf (_("“%s” is on the server and not on this device yet: a sync on a network that is not metered brings it"),
                            name);
  if (use == FB_ATTACHMENT_USE_SHOW)
    /* TRANSLATORS: %s is a file name, then the reason */
    return g_strdup_printf (_("“%s” cannot be shown: %s"), name, error->message);
  /* TRANSLATORS: %s is a file name, then the reason */
  return g_strdup_printf (_("“%s” could not be opened: %s"), name, error->message);
}

static void
saved_as_cb (GtkNativeDialog *dialog,
             int              response,
             GFile           *source)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) target = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;

      if (target != NULL &&
          !g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
        g_warning ("Could not save the attachment: %s", error->message);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (source);
}

static void
save_as_clicked_cb (FbAttachmentView *self)
{
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Save Attachment"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), self->name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (saved_as_cb), g_object_ref (self->file));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_with_clicked_cb (FbAttachmentView *self)
{
  g_signal_emit (self, signals[OPEN_WITH], 0);
}

static GtkWidget *
make_content (const FbAttachment *attachment,
              GFile              *file)
{
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *content;

  if (attachment->content_type != NULL && g_str_has_prefix (attachment->content_type, "image/"))
    texture = gdk_texture_new_from_file (file, NULL);
  if (texture != NULL)
    {
      content = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
      gtk_picture_set_can_shrink (GTK_PICTURE (content), TRUE);
    }
  else
    {
      g_autoptr(GIcon) icon = g_content_type_get_symbolic_icon (attachment->content_type != NULL
                                                                ? attachment->content_type
                                                                : "application/octet-stream");

      content = gtk_image_new_from_gicon (icon);
      gtk_image_set_pixel_size (GTK_IMAGE (content), 128);
      gtk_widget_add_css_class (content, "dim-label");
    }
  gtk_widget_set_vexpand (content, TRUE);
  return content;
}

GtkWidget *
fb_attachment_view_new (GtkWindow          *parent,
                        const FbAttachment *attachment,
                        GFile              *file)
{
  FbAttachmentView *self;
  g_autofree char *size = NULL;
  GtkWidget *header, *button, *box;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (attachment != NULL, NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (FB_TYPE_ATTACHMENT_VIEW,
                       "transient-for", parent,
                       "modal", TRUE,
                       "title", attachment->name,
                       "default-width", 720,
                       "default-height", 560,
                       NULL);
  self->name = g_strdup (attachment->name);
  self->file = g_object_ref (file);

  size = g_format_size (attachment->length);
  header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (attachment->name, size));
  button = gtk_button_new_with_mnemonic (_("_Save As…"));
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (save_as_clicked_cb), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), button);
  button = gtk_button_new_with_mnemonic (_("_Open With…"));
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (open_with_clicked_cb), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), button);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), make_content (attachment, file));
  adw_window_set_content (ADW_WINDOW (self), box);

  return GTK_WIDGET (self);
}

const char *
fb_attachment_view_get_name (FbAttachmentView *self)
{
  g_return_val_if_fail (FB_IS_ATTACHMENT_VIEW (self), NULL);

  return self->name;
}

GFile *
fb_attachment_view_get_file (FbAttachmentView *self)
{
  g_return_val_if_fail (FB_IS_ATTACHMENT_VIEW (self), NULL);

  return self->file;
}

static void
fb_attachment_view_finalize (GObject *object)
{
  FbAttachmentView *self = FB_ATTACHMENT_VIEW (object);

  g_free (self->name);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (fb_attachment_view_parent_class)->finalize (object);
}

static void
fb_attachment_view_class_init (FbAttachmentViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fb_attachment_view_finalize;

  signals[OPEN_WITH] = g_signal_new ("open-with",
                                     G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 0);
}

static void
fb_attachment_view_init (FbAttachmentView *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "fb-attachment-viewer");
}
