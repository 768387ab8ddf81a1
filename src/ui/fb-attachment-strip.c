/* fb-attachment-strip.c: the attachments of the item in the editor, as thumbnails */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-attachment-strip"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-attachment-edit.h"
#include "fb-attachment-fetch.h"
#include "fb-attachment-open.h"
#include "fb-attachment-rename.h"
#include "fb-attachment-strip.h"
#include "fb-attachment-tile.h"
#include "fb-attachment-view.h"
#include "fb-attachments.h"
#include "fb-record-files.h"
#include "fb-ui-util.h"

#define THUMBNAIL_SIZE 96

struct _FbAttachmentStrip
{
  GtkWidget       parent_instance;

  GtkWidget      *scroller;
  GtkWidget      *box;

  FbStore        *store;
  char           *id;
  gulong          changed_id;
  GHashTable     *tiles;    /* name → FbAttachmentTile */
  GPtrArray      *names;

  FbAttachmentRemoval *removal;  /* for Undo */
  AdwToast       *toast;
  GtkWidget      *viewer;   /* the larger view, while it shows (weak) */

  /* Attachments only the server has, fetched when clicked */
  FbAttachmentFetches *fetches;

  /* The file of this item in flight, shown on its tile */
  FbTileTransfer *transfer;
};

G_DEFINE_FINAL_TYPE (FbAttachmentStrip, fb_attachment_strip, GTK_TYPE_WIDGET)

enum {
  BEFORE_EDIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GtkWidget *
fb_attachment_strip_new (void)
{
  return g_object_new (FB_TYPE_ATTACHMENT_STRIP, NULL);
}

static void
show_toast (FbAttachmentStrip *self,
            AdwToast          *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  g_set_object (&self->toast, toast);
  if (overlay != NULL)
    fb_toast_overlay_show (ADW_TOAST_OVERLAY (overlay), toast);
}

/* A toast's Undo: the toast lives in the window's overlay, where the
 * strip's "attachments.*" actions are not found (its button would be
 * insensitive), so the strip takes the click and runs the action the
 * toast names, with its target. */
static void
toast_button_clicked_cb (FbAttachmentStrip *self,
                         AdwToast          *toast)
{
  gtk_widget_activate_action_variant (GTK_WIDGET (self),
                                      g_object_get_data (G_OBJECT (toast), "fb-strip-action"),
                                      adw_toast_get_action_target_value (toast));
}

/* A toast whose button runs the strip's @action (with the toast's action
 * target, if any). */
static void
set_toast_action (FbAttachmentStrip *self,
                  AdwToast          *toast,
                  const char        *action)
{
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data (G_OBJECT (toast), "fb-strip-action", (gpointer) action);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (toast_button_clicked_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
show_error (FbAttachmentStrip *self,
            const char        *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 0);
  /* The overlay takes the toast. */
  show_toast (self, toast);
}

/* A picture of the file when it is an image GDK reads, else NULL. */
static GtkWidget *
make_thumbnail (FbAttachmentStrip  *self,
                const FbAttachment *attachment)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *picture;

  if (attachment->sha256 == NULL || attachment->content_type == NULL ||
      !g_str_has_prefix (attachment->content_type, "image/"))
    return NULL;
  file = fb_store_get_attachment_file (self->store, attachment->digest, NULL);
  if (file == NULL || (texture = gdk_texture_new_from_file (file, NULL)) == NULL)
    return NULL;

  picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
  gtk_widget_set_size_request (picture, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_widget_add_css_class (picture, "fb-attachment-thumbnail");
  return picture;
}

/* The tile's menu: Rename…, and Insert in Text where a note's editor
 * (note.insert-attachment) holds the strip. */
static GtkWidget *
make_tile_menu (const char *name)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) rename = g_menu_item_new (_("_Rename…"), NULL);
  g_autoptr(GMenuItem) insert = g_menu_item_new (_("_Insert in Text"), NULL);
  g_autofree char *label = NULL;
  GtkWidget *button = gtk_menu_button_new ();

  g_menu_item_set_action_and_target_value (rename, "attachments.show-rename", g_variant_new_string (name));
  g_menu_item_set_action_and_target_value (insert, "note.insert-attachment", g_variant_new_string (name));
  g_menu_append_item (menu, rename);
  g_menu_append_item (menu, insert);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_widget_add_css_class (button, "circular");
  gtk_widget_add_css_class (button, "osd");
  /* TRANSLATORS: %s is an attachment's file name */
  label = g_strdup_printf (_("More for “%s”"), name);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return button;
}

static GtkWidget *
make_tile (FbAttachmentStrip  *self,
           const FbAttachment *attachment)
{
  g_autofree char *detail = NULL;
  gboolean failed;
  FbAttachmentTile *tile;
  GtkWidget *picture;

  picture = make_thumbnail (self, attachment);
  if (picture == NULL && fb_attachment_fetches_running (self->fetches, attachment->name))
    {
      picture = gtk_spinner_new ();
      gtk_spinner_start (GTK_SPINNER (picture));
      gtk_widget_set_size_request (picture, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
    }
  else if (picture == NULL)
    {
      g_autoptr(GIcon) icon = NULL;

      if (attachment->sha256 == NULL)
        icon = g_themed_icon_new ("folder-download-symbolic");
      else
        icon = g_content_type_get_symbolic_icon (attachment->content_type != NULL
                                                 ? attachment->content_type
                                                 : "application/octet-stream");
      picture = gtk_image_new_from_gicon (icon);
      gtk_image_set_pixel_size (GTK_IMAGE (picture), 48);
      gtk_widget_set_size_request (picture, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
      gtk_widget_add_css_class (picture, "dim-label");
    }

  detail = fb_attachment_fetches_describe (self->fetches, attachment, &failed);

  /* A click opens the larger view (fetching it first, if only the
   * server has it). */
  tile = fb_attachment_tile_new (&(FbAttachmentTileOptions) {
                                   .name = attachment->name,
                                   .picture = picture,
                                   .detail = detail,
                                   .detail_error = failed,
                                   .width = THUMBNAIL_SIZE,
                                   .open_action = "attachments.open",
                                   .can_open = TRUE,
                                   .remove_action = "attachments.remove",
                                   .menu = make_tile_menu (attachment->name),
                                 });
  g_hash_table_insert (self->tiles, g_strdup (attachment->name), tile);
  fb_tile_transfer_show (self->transfer, attachment->name, tile);
  return tile->widget;
}

static void
reload (FbAttachmentStrip *self)
{
  g_autoptr(GPtrArray) attachments = NULL;
  g_autoptr(GHashTable) in_fields = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->box)) != NULL)
    gtk_box_remove (GTK_BOX (self->box), child);
  g_hash_table_remove_all (self->tiles);
  g_ptr_array_set_size (self->names, 0);

  if (self->store != NULL && self->id != NULL)
    {
      g_autoptr(FbItem) item = fb_store_get_item (self->store, self->id, NULL);

      attachments = fb_store_list_attachments (self->store, self->id, NULL);
      /* A record's photo and file fields show their own files. */
      if (item != NULL)
        in_fields = fb_store_dup_field_file_names (self->store, fb_item_get_body (item));
    }

  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    {
      FbAttachment *attachment = g_ptr_array_index (attachments, i);

      if (in_fields != NULL && g_hash_table_contains (in_fields, attachment->name))
        continue;

      gtk_box_append (GTK_BOX (self->box), make_tile (self, attachment));
      g_ptr_array_add (self->names, g_strdup (attachment->name));
    }

  gtk_widget_set_visible (self->scroller, self->names->len > 0);
}

static void
item_changed_cb (FbAttachmentStrip *self,
                 FbItem            *item)
{
  if (g_strcmp0 (fb_item_get_id (item), self->id) == 0)
    reload (self);
}

void
fb_attachment_strip_set_item (FbAttachmentStrip *self,
                              FbStore           *store,
                              const char        *id)
{
  g_return_if_fail (FB_IS_ATTACHMENT_STRIP (self));
  g_return_if_fail (store == NULL || FB_IS_STORE (store));

  if (self->store != store)
    {
      g_clear_signal_handler (&self->changed_id, self->store);
      g_set_object (&self->store, store);
      if (store != NULL)
        self->changed_id = g_signal_connect_object (store, "item-changed", G_CALLBACK (item_changed_cb),
                                                    self, G_CONNECT_SWAPPED);
    }
  fb_attachment_fetches_set_item (self->fetches, id);
  fb_tile_transfer_set_item (self->transfer, id);
  g_free (self->id);
  self->id = g_strdup (id);
  reload (self);
}

FbStore *
fb_attachment_strip_get_store (FbAttachmentStrip *self)
{
  g_return_val_if_fail (FB_IS_ATTACHMENT_STRIP (self), NULL);
  return self->store;
}

const char *
fb_attachment_strip_get_item_id (FbAttachmentStrip *self)
{
  g_return_val_if_fail (FB_IS_ATTACHMENT_STRIP (self), NULL);
  return self->id;
}

gboolean
fb_attachment_strip_add_file (FbAttachmentStrip *self,
                              GFile             *file,
                              GError           **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(FbAttachment) added = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *content_type = NULL;

  g_return_val_if_fail (FB_IS_ATTACHMENT_STRIP (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (self->store != NULL && self->id != NULL, FALSE);

  basename = fb_file_query_name_and_type (file, &content_type);

  g_signal_emit (self, signals[BEFORE_EDIT], 0);
  stream = g_file_read (file, NULL, &local_error);
  if (stream != NULL)
    added = fb_store_add_attachment (self->store, self->id, basename, content_type,
                                     G_INPUT_STREAM (stream), NULL, &local_error);
  if (added == NULL)
    {
      g_autofree char *message = fb_attachment_edit_attach_failed (basename, local_error);

      show_error (self, message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static gboolean
attach_chosen (GtkWidget  *widget,
               GFile      *file,
               GError    **error)
{
  FbAttachmentStrip *self = FB_ATTACHMENT_STRIP (widget);

  /* The item went while the file chooser was open. */
  if (self->store == NULL || self->id == NULL)
    return FALSE;
  return fb_attachment_strip_add_file (self, file, error);
}

static void
add_file_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FbAttachmentStrip *self = FB_ATTACHMENT_STRIP (widget);

  if (self->store != NULL && self->id != NULL)
    fb_attachment_edit_choose_files (widget, _("Attach File"), FALSE, attach_chosen);
}

gboolean
fb_attachment_strip_add_texture (FbAttachmentStrip *self,
                                 GdkTexture        *texture,
                                 GError           **error)
{
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(FbAttachment) added = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%d %H-%M-%S");
  g_autofree char *name = NULL;

  g_return_val_if_fail (FB_IS_ATTACHMENT_STRIP (self), FALSE);
  g_return_val_if_fail (GDK_IS_TEXTURE (texture), FALSE);
  g_return_val_if_fail (self->store != NULL && self->id != NULL, FALSE);

  /* TRANSLATORS: the file name of an image pasted from the clipboard; %s
   * is the date and time, "2026-12-02 09-15-00" */
  name = g_strdup_printf (_("Pasted image %s.png"), when);
  png = gdk_texture_save_to_png_bytes (texture);
  in = g_memory_input_stream_new_from_bytes (png);

  g_signal_emit (self, signals[BEFORE_EDIT], 0);
  added = fb_store_add_attachment (self->store, self->id, name, "image/png", in, NULL, &local_error);
  if (added == NULL)
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is a file name, then the reason */
      message = g_strdup_printf (_("“%s” could not be attached: %s"), name, local_error->message);
      show_error (self, message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static void
pasted_texture_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FbAttachmentStrip) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (object), result, &error);
  if (texture == NULL)
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason */
      message = g_strdup_printf (_("The image could not be pasted: %s"), error->message);
      show_error (self, message);
      return;
    }
  if (self->store != NULL && self->id != NULL)
    fb_attachment_strip_add_texture (self, texture, NULL);
}

static void
pasted_files_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FbAttachmentStrip) self = user_data;
  g_autoptr(GError) error = NULL;
  const GValue *value;
  GSList *files;

  value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (object), result, &error);
  if (value == NULL)
    {
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the reason */
      message = g_strdup_printf (_("The files could not be pasted: %s"), error->message);
      show_error (self, message);
      return;
    }
  files = g_value_get_boxed (value);
  for (GSList *l = files; l != NULL && self->store != NULL && self->id != NULL; l = l->next)
    if (!fb_attachment_strip_add_file (self, l->data, NULL))
      break;
}

gboolean
fb_attachment_strip_paste (FbAttachmentStrip *self)
{
  GdkClipboard *clipboard;
  GdkContentFormats *formats;

  g_return_val_if_fail (FB_IS_ATTACHMENT_STRIP (self), FALSE);

  if (self->store == NULL || self->id == NULL)
    return FALSE;
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));
  formats = gdk_clipboard_get_formats (clipboard);
  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST))
    {
      gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT, NULL,
                                      pasted_files_cb, g_object_ref (self));
      return TRUE;
    }
  /* An image with text beside it (a copied web page) is text. */
  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE) &&
      !gdk_content_formats_contain_gtype (formats, G_TYPE_STRING))
    {
      gdk_clipboard_read_texture_async (clipboard, NULL, pasted_texture_cb, g_object_ref (self));
      return TRUE;
    }
  return FALSE;
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  fb_attachment_strip_paste (FB_ATTACHMENT_STRIP (widget));
}

static void
view_open_with_cb (FbAttachmentView  *viewer,
                   FbAttachmentStrip *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "attachments.open-with", "s",
                              fb_attachment_view_get_name (viewer));
}

static void
show_rename_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  fb_attachment_rename_dialog_show (widget, g_variant_get_string (parameter, NULL));
}

/* Renames (old, new), the note's references with it; the toast's Undo
 * renames it back. A taken name is refused in words. */
static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FbAttachmentStrip *self = FB_ATTACHMENT_STRIP (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *escaped = NULL;
  const char *old_name, *new_name;
  AdwToast *toast;

  g_variant_get (parameter, "(&s&s)", &old_name, &new_name);
  if (self->store == NULL || self->id == NULL || g_strcmp0 (old_name, new_name) == 0)
    return;

  g_signal_emit (self, signals[BEFORE_EDIT], 0);
  if (!fb_store_rename_attachment (self->store, self->id, old_name, new_name, &error))
    {
      /* TRANSLATORS: %s is an attachment's file name, then why it could not be renamed */
      message = g_strdup_printf (_("“%s” was not renamed: %s"), old_name, error->message);
      show_error (self, message);
      return;
    }

  /* TRANSLATORS: %s is an attachment's new file name */
  message = g_strdup_printf (_("Renamed to “%s”"), new_name);
  escaped = g_markup_escape_text (message, -1);
  toast = adw_toast_new (escaped);
  set_toast_action (self, toast, "attachments.rename");
  adw_toast_set_action_target_value (toast, g_variant_new ("(ss)", new_name, old_name));
  /* The overlay takes the toast. */
  show_toast (self, toast);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FbAttachmentStrip *self = FB_ATTACHMENT_STRIP (widget);
  g_autofree char *message = NULL;
  GtkWidget *viewer;

  if (self->store == NULL || self->id == NULL)
    return;
  viewer = fb_attachment_edit_open (widget, self->store, self->id, g_variant_get_string (parameter, NULL),
                                    self->fetches, &message);
  if (message != NULL)
    show_error (self, message);
  if (viewer == NULL)
    return;
  g_signal_connect_object (viewer, "open-with", G_CALLBACK (view_open_with_cb), self, 0);
  g_clear_weak_pointer (&self->viewer);
  g_set_weak_pointer (&self->viewer, viewer);
}

/* Open With…: a copy under the attachment's own name, handed to another
 * application (fb-attachment-open.c). */
static void
open_with_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FbAttachmentStrip *self = FB_ATTACHMENT_STRIP (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *parent = self->viewer != NULL ? GTK_WINDOW (self->viewer) : NULL;

  if (self->store == NULL || self->id == NULL)
    return;
  if (parent == NULL && GTK_IS_WINDOW (gtk_widget_get_root (widget)))
    parent = GTK_WINDOW (gtk_widget_get_root (widget));
  file = fb_attachment_view_find_file (self->store, self->id, name, NULL, &error);
  if (file == NULL || !fb_attachment_open_with (parent, file, name, &error))
    {
      g_autofree char *message = fb_attachment_view_describe_failure (name, FB_ATTACHMENT_USE_OPEN, error);

      show_error (self, message);
    }
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FbAttachmentStrip *self = FB_ATTACHMENT_STRIP (widget);
  g_autofree char *message = NULL;
  AdwToast *toast;

  if (self->store == NULL || self->id == NULL)
    return;

  g_signal_emit (self, signals[BEFORE_EDIT], 0);
  message = fb_attachment_removal_remove (self->removal, self->store, self->id,
                                          g_variant_get_string (parameter, NULL));
  if (message != NULL)
    {
      show_error (self, message);
      return;
    }

  toast = fb_attachment_removal_toast (self->removal);
  set_toast_action (self, toast, "attachments.undo-remove");
  /* The overlay takes the toast. */
  show_toast (self, toast);
}

static void
undo_remove_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FbAttachmentStrip *self = FB_ATTACHMENT_STRIP (widget);
  g_autofree char *message = NULL;

  if (self->store == NULL || fb_attachment_removal_get (self->removal) == NULL)
    return;

  g_signal_emit (self, signals[BEFORE_EDIT], 0);
  message = fb_attachment_removal_undo (self->removal, self->store);
  if (message != NULL)
    show_error (self, message);
}

char **
fb_attachment_strip_dup_names (FbAttachmentStrip *self)
{
  GStrvBuilder *builder;
  char **names;

  g_return_val_if_fail (FB_IS_ATTACHMENT_STRIP (self), NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; i < self->names->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->names, i));
  names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return names;
}

const char *
fb_attachment_strip_get_detail (FbAttachmentStrip *self,
                                const char        *name)
{
  FbAttachmentTile *tile;

  g_return_val_if_fail (FB_IS_ATTACHMENT_STRIP (self), NULL);

  tile = g_hash_table_lookup (self->tiles, name);
  return tile != NULL ? fb_attachment_tile_get_detail (tile) : NULL;
}

GtkProgressBar *
fb_attachment_strip_get_progress_bar (FbAttachmentStrip *self,
                                      const char        *name)
{
  FbAttachmentTile *tile;

  g_return_val_if_fail (FB_IS_ATTACHMENT_STRIP (self), NULL);

  tile = g_hash_table_lookup (self->tiles, name);
  return tile != NULL ? GTK_PROGRESS_BAR (tile->bar) : NULL;
}

GtkWindow *
fb_attachment_strip_get_viewer (FbAttachmentStrip *self)
{
  g_return_val_if_fail (FB_IS_ATTACHMENT_STRIP (self), NULL);

  return self->viewer != NULL ? GTK_WINDOW (self->viewer) : NULL;
}

AdwToast *
fb_attachment_strip_get_toast (FbAttachmentStrip *self)
{
  g_return_val_if_fail (FB_IS_ATTACHMENT_STRIP (self), NULL);

  return self->toast;
}

static void
fb_attachment_strip_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fb_attachment_strip_parent_class)->root (widget);
  fb_tile_transfer_set_root (FB_ATTACHMENT_STRIP (widget)->transfer, TRUE);
}

static void
fb_attachment_strip_unroot (GtkWidget *widget)
{
  fb_tile_transfer_set_root (FB_ATTACHMENT_STRIP (widget)->transfer, FALSE);
  GTK_WIDGET_CLASS (fb_attachment_strip_parent_class)->unroot (widget);
}

static void
fb_attachment_strip_dispose (GObject *object)
{
  FbAttachmentStrip *self = FB_ATTACHMENT_STRIP (object);

  g_clear_pointer (&self->transfer, fb_tile_transfer_free);

  g_clear_pointer (&self->fetches, fb_attachment_fetches_free);
  g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  g_clear_object (&self->toast);
  g_clear_weak_pointer (&self->viewer);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);

  G_OBJECT_CLASS (fb_attachment_strip_parent_class)->dispose (object);
}

static void
fb_attachment_strip_finalize (GObject *object)
{
  FbAttachmentStrip *self = FB_ATTACHMENT_STRIP (object);

  g_free (self->id);
  fb_attachment_removal_free (self->removal);
  g_hash_table_unref (self->tiles);
  g_ptr_array_unref (self->names);

  G_OBJECT_CLASS (fb_attachment_strip_parent_class)->finalize (object);
}

static void
fb_attachment_strip_class_init (FbAttachmentStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fb_attachment_strip_dispose;
  object_class->finalize = fb_attachment_strip_finalize;
  widget_class->root = fb_attachment_strip_root;
  widget_class->unroot = fb_attachment_strip_unroot;

  signals[BEFORE_EDIT] = g_signal_new ("before-edit",
                                       G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "attachments.add-file", NULL, add_file_action);
  gtk_widget_class_install_action (widget_class, "attachments.remove", "s", remove_action);
  gtk_widget_class_install_action (widget_class, "attachments.undo-remove", NULL, undo_remove_action);
  gtk_widget_class_install_action (widget_class, "attachments.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "attachments.open", "s", open_action);
  gtk_widget_class_install_action (widget_class, "attachments.show-rename", "s", show_rename_action);
  gtk_widget_class_install_action (widget_class, "attachments.rename", "(ss)", rename_action);
  gtk_widget_class_install_action (widget_class, "attachments.open-with", "s", open_with_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fbattachmentstrip");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
fb_attachment_strip_init (FbAttachmentStrip *self)
{
  self->tiles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) fb_attachment_tile_free);
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->removal = fb_attachment_removal_new ();
  self->fetches = fb_attachment_fetches_new (GTK_WIDGET (self), "attachments.open",
                                             (FbAttachmentFetchesChanged) reload);

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller),
                                  GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_widget_set_visible (self->scroller, FALSE);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));

  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (self->box, 24);
  gtk_widget_set_margin_end (self->box, 24);
  gtk_widget_set_margin_top (self->box, 6);
  gtk_widget_set_margin_bottom (self->box, 12);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), self->box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Attachments"), -1);
  self->transfer = fb_tile_transfer_new (GTK_WIDGET (self), self->tiles, (FbTileTransferEnded) reload);
}
