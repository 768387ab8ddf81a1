/* fb-item-banner.c: the editor's banner about the item on screen */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-item-banner"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-item-banner.h"

struct _FbItemBanner
{
  GtkWidget    parent_instance;

  GtkRevealer *revealer;
  GtkLabel    *label;
  GtkButton   *button;

  char        *id;
};

G_DEFINE_FINAL_TYPE (FbItemBanner, fb_item_banner, GTK_TYPE_WIDGET)

enum {
  RESOLVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GtkWidget *
fb_item_banner_new (void)
{
  return g_object_new (FB_TYPE_ITEM_BANNER, NULL);
}

void
fb_item_banner_set_item (FbItemBanner *self,
                         FbItem       *item)
{
  gboolean conflict;

  g_return_if_fail (FB_IS_ITEM_BANNER (self));
  g_return_if_fail (item == NULL || FB_IS_ITEM (item));

  conflict = item != NULL && !fb_item_get_deleted (item) &&
             fb_item_get_state (item) == FB_ITEM_STATE_CONFLICT;

  g_free (self->id);
  self->id = conflict ? g_strdup (fb_item_get_id (item)) : NULL;

  if (conflict)
    {
      const char *words = fb_item_get_server_deleted (item)
                          ? _("Deleted on another device, changed here")
                          : _("Changed on another device too");

      gtk_label_set_label (self->label, words);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, words,
                                      -1);
    }

  /* Visible at once, so a test (and a screen reader) sees it without
   * waiting for the slide. */
  gtk_widget_set_visible (GTK_WIDGET (self), conflict);
  gtk_revealer_set_reveal_child (self->revealer, conflict);
}

const char *
fb_item_banner_get_text (FbItemBanner *self)
{
  g_return_val_if_fail (FB_IS_ITEM_BANNER (self), NULL);

  if (self->id == NULL)
    return NULL;

  return gtk_label_get_label (self->label);
}

GtkButton *
fb_item_banner_get_button (FbItemBanner *self)
{
  g_return_val_if_fail (FB_IS_ITEM_BANNER (self), NULL);

  return self->button;
}

static void
button_clicked_cb (FbItemBanner *self)
{
  g_autofree char *id = g_strdup (self->id);

  if (id != NULL)
    g_signal_emit (self, signals[RESOLVE], 0, id);
}

static void
fb_item_banner_dispose (GObject *object)
{
  FbItemBanner *self = FB_ITEM_BANNER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FB_TYPE_ITEM_BANNER);

  G_OBJECT_CLASS (fb_item_banner_parent_class)->dispose (object);
}

static void
fb_item_banner_finalize (GObject *object)
{
  FbItemBanner *self = FB_ITEM_BANNER (object);

  g_free (self->id);

  G_OBJECT_CLASS (fb_item_banner_parent_class)->finalize (object);
}

static void
fb_item_banner_class_init (FbItemBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fb_item_banner_dispose;
  object_class->finalize = fb_item_banner_finalize;

  /**
   * FbItemBanner::resolve:
   * @id: the item the banner is about
   *
   * The person asked to resolve the conflict.
   */
  signals[RESOLVE] = g_signal_new ("resolve",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/fieldbook/Fieldbook/ui/fb-item-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, FbItemBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, FbItemBanner, label);
  gtk_widget_class_bind_template_child (widget_class, FbItemBanner, button);
  gtk_widget_class_bind_template_callback (widget_class, button_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fbitembanner");
}

static void
fb_item_banner_init (FbItemBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}
