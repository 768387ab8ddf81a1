/* fb-read-only-banner.c: says why nothing can be saved while the store is read-only */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-read-only-banner"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-read-only-banner.h"

struct _FbReadOnlyBanner
{
  GtkWidget    parent_instance;

  FbStore     *store;
  GtkRevealer *revealer;
  GtkLabel    *label;
};

G_DEFINE_FINAL_TYPE (FbReadOnlyBanner, fb_read_only_banner, GTK_TYPE_WIDGET)

static void
update (FbReadOnlyBanner *self)
{
  const GError *error = fb_store_get_read_only_error (self->store);

  if (error != NULL)
    gtk_label_set_label (self->label, error->message);
  gtk_revealer_set_reveal_child (self->revealer, error != NULL);
}

static void
read_only_notify_cb (FbReadOnlyBanner *self)
{
  update (self);
}

void
fb_read_only_banner_retry (FbReadOnlyBanner *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (FB_IS_READ_ONLY_BANNER (self));

  /* Still full: the banner already says so. */
  if (!fb_store_reopen_writable (self->store, &error))
    g_debug ("Still read-only: %s", error->message);
}

static void
retry_clicked_cb (FbReadOnlyBanner *self)
{
  fb_read_only_banner_retry (self);
}

const char *
fb_read_only_banner_get_text (FbReadOnlyBanner *self)
{
  g_return_val_if_fail (FB_IS_READ_ONLY_BANNER (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->revealer))
    return NULL;
  return gtk_label_get_label (self->label);
}

GtkWidget *
fb_read_only_banner_new (FbStore *store)
{
  FbReadOnlyBanner *self;

  g_return_val_if_fail (FB_IS_STORE (store), NULL);

  self = g_object_new (FB_TYPE_READ_ONLY_BANNER, NULL);
  self->store = g_object_ref (store);
  g_signal_connect_object (store, "notify::read-only",
                           G_CALLBACK (read_only_notify_cb), self, G_CONNECT_SWAPPED);
  update (self);

  return GTK_WIDGET (self);
}

static void
fb_read_only_banner_dispose (GObject *object)
{
  FbReadOnlyBanner *self = FB_READ_ONLY_BANNER (object);

  if (self->revealer != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->revealer));
      self->revealer = NULL;
    }
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fb_read_only_banner_parent_class)->dispose (object);
}

static void
fb_read_only_banner_class_init (FbReadOnlyBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fb_read_only_banner_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fb_read_only_banner_init (FbReadOnlyBanner *self)
{
  GtkWidget *box;
  GtkWidget *button;
  GtkWidget *icon;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (box, "fb-banner");

  icon = gtk_image_new_from_icon_name ("drive-harddisk-symbolic");
  gtk_box_append (GTK_BOX (box), icon);

  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->label, TRUE);
  gtk_label_set_wrap_mode (self->label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (self->label, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->label), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->label));

  button = gtk_button_new_with_mnemonic (_("_Try Again"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Check again whether changes can be saved"));
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (retry_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), button);

  self->revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (self->revealer, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_revealer_set_child (self->revealer, box);
  gtk_widget_set_parent (GTK_WIDGET (self->revealer), GTK_WIDGET (self));
}
