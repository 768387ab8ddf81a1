/* fb-field-files.c: a record's photo or file field: tiles of its files, Attach…, remove with Undo */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-field-files"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-attachment-drop.h"
#include "fb-attachment-edit.h"
#include "fb-attachment-fetch.h"
#include "fb-attachment-open.h"
#include "fb-attachment-tile.h"
#include "fb-attachment-view.h"
#include "fb-field-files.h"
#include "fb-record-files.h"
#include "fb-ui-util.h"

#define THUMBNAIL_SIZE 72

struct _FbFieldFiles
{
  GtkWidget      parent_instance;

  char          *field;
  FbFieldType    type;
  GtkWidget     *box;
  GtkWidget     *tiles;
  GtkWidget     *button;

  FbStore       *store;
  char          *id;
  GPtrArray     *names;
  GHashTable    *tiles_by_name;  /* name → FbAttachmentTile */
  GHashTable    *pictures;  /* names shown as a picture */
  FbTileTransfer *transfer; /* the file of the item in flight, on its tile */
  FbAttachmentFetches *fetches; /* files only the server has, fetched on a click */

  FbAttachmentRemoval *removal; /* for Undo */
  AdwToast      *toast;
  GtkWidget     *viewer;    /* weak */
};

G_DEFINE_FINAL_TYPE (FbFieldFiles, fb_field_files, GTK_TYPE_WIDGET)

enum {
  BEFORE_EDIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_toast (FbFieldFiles *self,
            AdwToast     *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  g_set_object (&self->toast, toast);
  if (overlay != NULL)
    fb_toast_overlay_show (ADW_TOAST_OVERLAY (overlay), toast);
}

static void
show_error (FbFieldFiles *self,
            const char   *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 0);
  /* The overlay takes the toast. */
  show_toast (self, toast);
}

/* A square thumbnail of the file when it is an image here that
 * GdkPixbuf reads: decoded at the thumbnail's size (twice, for HiDPI),
 * not at the photo's, and cut to a square from its middle. */
static GtkWidget *
make_picture (FbFieldFiles       *self,
              const FbAttachment *attachment)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GdkPixbuf) scaled = NULL;
  g_autoptr(GdkPixbuf) square = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GtkWidget *image;
  int side, width, height;

  if (attachment->sha256 == NULL || attachment->content_type == NULL ||
      !g_str_has_prefix (attachment->content_type, "image/"))
    return NULL;
  file = fb_store_get_attachment_file (self->store, attachment->digest, NULL);
  path = file != NULL ? g_file_get_path (file) : NULL;
  if (path == NULL || !gdk_pixbuf_get_file_info (path, &width, &height) || width <= 0 || height <= 0)
    return NULL;

  side = 2 * THUMBNAIL_SIZE;
  /* The shorter side at @side, the longer one cut. */
  scaled = width < height ? gdk_pixbuf_new_from_file_at_scale (path, side, -1, TRUE, NULL)
                          : gdk_pixbuf_new_from_file_at_scale (path, -1, side, TRUE, NULL);
  if (scaled == NULL)
    return NULL;
  side = MIN (gdk_pixbuf_get_width (scaled), gdk_pixbuf_get_height (scaled));
  square = gdk_pixbuf_new_subpixbuf (scaled, (gdk_pixbuf_get_width (scaled) - side) / 2,
                                     (gdk_pixbuf_get_height (scaled) - side) / 2, side, side);
  texture = gdk_texture_new_for_pixbuf (square);

  image = gtk_image_new_from_paintable (GDK_PAINTABLE (texture));
  gtk_image_set_pixel_size (GTK_IMAGE (image), THUMBNAIL_SIZE);
  gtk_widget_set_size_request (image, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_widget_add_css_class (image, "fb-attachment-thumbnail");
  return image;
}

static GtkWidget *
make_icon (const char *icon_name,
           GIcon      *gicon)
{
  GtkWidget *image = gicon != NULL ? gtk_image_new_from_gicon (gicon) : gtk_image_new_from_icon_name (icon_name);

  gtk_image_set_pixel_size (GTK_IMAGE (image), 40);
  gtk_widget_set_size_request (image, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_widget_add_css_class (image, "dim-label");
  return image;
}

/* One file of the field: a click opens it, the round button removes it. */
static GtkWidget *
make_tile (FbFieldFiles *self,
           const char   *name)
{
  g_autoptr(FbAttachment) attachment = NULL;
  g_autofree char *detail = NULL;
  gboolean failed = FALSE;
  FbAttachmentTile *tile;
  GtkWidget *picture = NULL;

  if (self->store != NULL && self->id != NULL)
    attachment = fb_store_get_attachment (self->store, self->id, name, NULL);

  if (attachment != NULL)
    picture = make_picture (self, attachment);
  if (picture != NULL)
    g_hash_table_add (self->pictures, g_strdup (name));
  else if (attachment == NULL)
    picture = make_icon ("dialog-question-symbolic", NULL);
  else if (fb_attachment_fetches_running (self->fetches, name))
    {
      picture = gtk_spinner_new ();
      gtk_spinner_start (GTK_SPINNER (picture));
      gtk_widget_set_size_request (picture, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
    }
  else if (attachment->sha256 == NULL)
    picture = make_icon ("folder-download-symbolic", NULL);
  else
    {
      g_autoptr(GIcon) icon = g_content_type_get_symbolic_icon (attachment->content_type != NULL
                                                                ? attachment->content_type
                                                                : "application/octet-stream");
      picture = make_icon (NULL, icon);
    }

  if (attachment == NULL)
    detail = g_strdup (_("Not attached"));
  else
    detail = fb_attachment_fetches_describe (self->fetches, attachment, &failed);

  tile = fb_attachment_tile_new (&(FbAttachmentTileOptions) {
                                   .name = name,
                                   .picture = picture,
                                   .detail = detail,
                                   .detail_error = attachment == NULL || failed,
                                   .width = THUMBNAIL_SIZE,
                                   .compact = TRUE,
                                   .open_action = "field-files.open",
                                   .can_open = attachment != NULL,
                                   .remove_action = "field-files.remove",
                                 });
  g_hash_table_insert (self->tiles_by_name, g_strdup (name), tile);
  fb_tile_transfer_show (self->transfer, name, tile);
  return tile->widget;
}

static void
reload (FbFieldFiles *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->tiles)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->tiles), child);
  g_hash_table_remove_all (self->tiles_by_name);
  g_hash_table_remove_all (self->pictures);

  for (guint i = 0; i < self->names->len; i++)
    gtk_flow_box_append (GTK_FLOW_BOX (self->tiles), make_tile (self, g_ptr_array_index (self->names, i)));
  gtk_widget_set_visible (self->tiles, self->names->len > 0);
}

void
fb_field_files_set_names (FbFieldFiles *self,
                          JsonNode     *value)
{
  JsonArray *array;

  g_return_if_fail (FB_IS_FIELD_FILES (self));

  g_ptr_array_set_size (self->names, 0);
  array = value != NULL && fb_field_value_fits (FB_FIELD_FILE, value) && JSON_NODE_HOLDS_ARRAY (value)
          ? json_node_get_array (value) : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    g_ptr_array_add (self->names, g_strdup (json_array_get_string_element (array, i)));
  reload (self);
}

void
fb_field_files_set_item (FbFieldFiles *self,
                         FbStore      *store,
                         const char   *id)
{
  g_return_if_fail (FB_IS_FIELD_FILES (self));
  g_return_if_fail (store == NULL || FB_IS_STORE (store));

  g_set_object (&self->store, store);
  g_free (self->id);
  self->id = g_strdup (id);
  fb_tile_transfer_set_item (self->transfer, id);
  fb_attachment_fetches_set_item (self->fetches, id);
  gtk_widget_set_sensitive (self->button, store != NULL && id != NULL);
  reload (self);
}

gboolean
fb_field_files_add_file (FbFieldFiles *self,
                         GFile        *file,
                         GError      **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(FbAttachment) added = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *content_type = NULL;

  g_return_val_if_fail (FB_IS_FIELD_FILES (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (self->store != NULL && self->id != NULL, FALSE);

  basename = fb_file_query_name_and_type (file, &content_type);

  g_signal_emit (self, signals[BEFORE_EDIT], 0);
  stream = g_file_read (file, NULL, &local_error);
  if (stream != NULL)
    {
      g_autofree char *mime = content_type != NULL ? g_content_type_get_mime_type (content_type) : NULL;

      added = fb_store_attach_to_field (self->store, self->id, self->field, basename, mime,
                                        G_INPUT_STREAM (stream), NULL, &local_error);
    }
  if (added == NULL)
    {
      g_autofree char *message = fb_attachment_edit_attach_failed (basename, local_error);

      show_error (self, message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

/* A file dropped on the field or chosen in the file chooser. */
static gboolean
attach_file (GtkWidget  *widget,
             GFile      *file,
             GError    **error)
{
  FbFieldFiles *self = FB_FIELD_FILES (widget);

  /* The item went while the file chooser was open. */
  if (self->store == NULL || self->id == NULL)
    return FALSE;
  return fb_field_files_add_file (self, file, error);
}

static void
add_file_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FbFieldFiles *self = FB_FIELD_FILES (widget);
  g_autofree char *title = NULL;

  if (self->store == NULL || self->id == NULL)
    return;

  /* TRANSLATORS: the file chooser's title; %s is the name of a record's field */
  title = g_strdup_printf (_("Attach to “%s”"), self->field);
  fb_attachment_edit_choose_files (widget, title, self->type == FB_FIELD_PHOTO, attach_file);
}

static void
undo_clicked_cb (AdwToast     *toast,
                 FbFieldFiles *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "field-files.undo-remove", NULL);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FbFieldFiles *self = FB_FIELD_FILES (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  g_autoptr(FbAttachment) attachment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  AdwToast *toast;

  if (self->store == NULL || self->id == NULL)
    return;

  g_signal_emit (self, signals[BEFORE_EDIT], 0);
  attachment = fb_store_get_attachment (self->store, self->id, name, NULL);
  if (attachment == NULL)
    {
      /* Only a name (its file is not on the record): taken out of the
       * field alone, as the person sees it. */
      g_autoptr(FbItem) item = fb_store_get_item (self->store, self->id, &error);
      g_autoptr(JsonObject) body = item != NULL ? fb_body_copy (fb_item_get_body (item)) : NULL;
      JsonObject *values = body != NULL ? fb_body_get_object (body, "fields") : NULL;
      JsonArray *kept = json_array_new ();

      for (guint i = 0; i < self->names->len; i++)
        if (g_strcmp0 (g_ptr_array_index (self->names, i), name) != 0)
          json_array_add_string_element (kept, g_ptr_array_index (self->names, i));
      if (values != NULL)
        json_object_set_array_member (values, self->field, kept);
      else
        json_array_unref (kept);
      if (values == NULL || !fb_store_update_item (self->store, self->id, body, &error))
        {
          /* TRANSLATORS: %s is a file name, then the reason */
          message = g_strdup_printf (_("“%s” could not be removed: %s"), name,
                                     error != NULL ? error->message : "");
          show_error (self, message);
        }
      return;
    }

  message = fb_attachment_removal_remove (self->removal, self->store, self->id, name);
  if (message != NULL)
    {
      show_error (self, message);
      return;
    }

  toast = fb_attachment_removal_toast (self->removal);
  /* The toast is in the window's overlay, outside this widget: its
   * button calls back rather than naming an action. */
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), self, 0);
  /* The overlay takes the toast. */
  show_toast (self, toast);
}

static void
undo_remove_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FbFieldFiles *self = FB_FIELD_FILES (widget);
  g_autofree char *message = NULL;

  if (self->store == NULL || fb_attachment_removal_get (self->removal) == NULL)
    return;

  g_signal_emit (self, signals[BEFORE_EDIT], 0);
  message = fb_attachment_removal_undo (self->removal, self->store);
  if (message != NULL)
    show_error (self, message);
  /* The toast's button dismisses the toast itself: a second dismissal
   * would free it twice (libadwaita 1.2). */
}

static void
view_open_with_cb (FbAttachmentView *viewer,
                   FbFieldFiles     *self)
{
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (!fb_attachment_open_with (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                fb_attachment_view_get_file (viewer),
                                fb_attachment_view_get_name (viewer), &error))
    {
      g_autofree char *message = fb_attachment_view_describe_failure (fb_attachment_view_get_name (viewer),
                                                                      FB_ATTACHMENT_USE_OPEN, error);

      show_error (self, message);
    }
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FbFieldFiles *self = FB_FIELD_FILES (widget);
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

GtkWidget *
fb_field_files_get_button (FbFieldFiles *self)
{
  g_return_val_if_fail (FB_IS_FIELD_FILES (self), NULL);
  return self->button;
}

char **
fb_field_files_dup_names (FbFieldFiles *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **names;

  g_return_val_if_fail (FB_IS_FIELD_FILES (self), NULL);

  for (guint i = 0; i < self->names->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->names, i));
  names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return names;
}

const char *
fb_field_files_get_detail (FbFieldFiles *self,
                           const char   *name)
{
  FbAttachmentTile *tile;

  g_return_val_if_fail (FB_IS_FIELD_FILES (self), NULL);
  tile = g_hash_table_lookup (self->tiles_by_name, name);
  return tile != NULL ? fb_attachment_tile_get_detail (tile) : NULL;
}

GtkProgressBar *
fb_field_files_get_progress_bar (FbFieldFiles *self,
                                 const char   *name)
{
  FbAttachmentTile *tile;

  g_return_val_if_fail (FB_IS_FIELD_FILES (self), NULL);
  tile = g_hash_table_lookup (self->tiles_by_name, name);
  return tile != NULL ? GTK_PROGRESS_BAR (tile->bar) : NULL;
}

gboolean
fb_field_files_shows_picture (FbFieldFiles *self,
                              const char   *name)
{
  g_return_val_if_fail (FB_IS_FIELD_FILES (self), FALSE);
  return g_hash_table_contains (self->pictures, name);
}

AdwToast *
fb_field_files_get_toast (FbFieldFiles *self)
{
  g_return_val_if_fail (FB_IS_FIELD_FILES (self), NULL);
  return self->toast;
}

GtkWindow *
fb_field_files_get_viewer (FbFieldFiles *self)
{
  g_return_val_if_fail (FB_IS_FIELD_FILES (self), NULL);
  return self->viewer != NULL ? GTK_WINDOW (self->viewer) : NULL;
}

FbFieldFiles *
fb_field_files_find (GtkWidget *widget)
{
  GtkWidget *found = widget != NULL ? gtk_widget_get_ancestor (widget, FB_TYPE_FIELD_FILES) : NULL;

  return found != NULL ? FB_FIELD_FILES (found) : NULL;
}

static void
fb_field_files_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fb_field_files_parent_class)->root (widget);
  fb_tile_transfer_set_root (FB_FIELD_FILES (widget)->transfer, TRUE);
}

static void
fb_field_files_unroot (GtkWidget *widget)
{
  fb_tile_transfer_set_root (FB_FIELD_FILES (widget)->transfer, FALSE);
  GTK_WIDGET_CLASS (fb_field_files_parent_class)->unroot (widget);
}

static void
fb_field_files_dispose (GObject *object)
{
  FbFieldFiles *self = FB_FIELD_FILES (object);

  g_clear_pointer (&self->transfer, fb_tile_transfer_free);
  g_clear_pointer (&self->fetches, fb_attachment_fetches_free);

  if (self->toast != NULL)
    g_signal_handlers_disconnect_by_data (self->toast, self);
  g_clear_object (&self->toast);
  g_clear_weak_pointer (&self->viewer);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fb_field_files_parent_class)->dispose (object);
}

static void
fb_field_files_finalize (GObject *object)
{
  FbFieldFiles *self = FB_FIELD_FILES (object);

  g_free (self->field);
  g_free (self->id);
  g_ptr_array_unref (self->names);
  g_hash_table_unref (self->tiles_by_name);
  g_hash_table_unref (self->pictures);
  fb_attachment_removal_free (self->removal);

  G_OBJECT_CLASS (fb_field_files_parent_class)->finalize (object);
}

static void
fb_field_files_class_init (FbFieldFilesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fb_field_files_dispose;
  object_class->finalize = fb_field_files_finalize;
  widget_class->root = fb_field_files_root;
  widget_class->unroot = fb_field_files_unroot;

  signals[BEFORE_EDIT] = g_signal_new ("before-edit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "field-files.add-file", NULL, add_file_action);
  gtk_widget_class_install_action (widget_class, "field-files.remove", "s", remove_action);
  gtk_widget_class_install_action (widget_class, "field-files.undo-remove", NULL, undo_remove_action);
  gtk_widget_class_install_action (widget_class, "field-files.open", "s", open_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fbfieldfiles");
}

static void
fb_field_files_init (FbFieldFiles *self)
{
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->tiles_by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) fb_attachment_tile_free);
  self->pictures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->removal = fb_attachment_removal_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->tiles = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->tiles), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (self->tiles), TRUE);
  gtk_widget_set_halign (self->tiles, GTK_ALIGN_START);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->tiles), 12);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->tiles), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->tiles), 6);
  gtk_widget_set_visible (self->tiles, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->tiles);

  self->button = gtk_button_new_with_mnemonic (_("_Attach…"));
  gtk_widget_set_halign (self->button, GTK_ALIGN_START);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), "field-files.add-file");
  gtk_widget_set_sensitive (self->button, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->button);

  /* Files dropped here go to this field (the editor's drop target asks). */
  fb_attachment_drop_set_inner (GTK_WIDGET (self), attach_file);
  self->transfer = fb_tile_transfer_new (GTK_WIDGET (self), self->tiles_by_name, (FbTileTransferEnded) reload);
  self->fetches = fb_attachment_fetches_new (GTK_WIDGET (self), "field-files.open",
                                             (FbAttachmentFetchesChanged) reload);
}

GtkWidget *
fb_field_files_new (const char  *field,
                    FbFieldType  type)
{
  FbFieldFiles *self = g_object_new (FB_TYPE_FIELD_FILES, NULL);
  g_autofree char *label = NULL;

  self->field = g_strdup (field);
  self->type = type;
  /* TRANSLATORS: the Attach… button of a record's photo or file field; %s is its name */
  label = g_strdup_printf (_("Attach to “%s”"), field);
  gtk_widget_set_tooltip_text (self->button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return GTK_WIDGET (self);
}
