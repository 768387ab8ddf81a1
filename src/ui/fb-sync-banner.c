/* fb-sync-banner.c: the banner that says in words why syncing fails */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync-banner"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-sync-banner.h"
#include "fb-sync-error.h"
#include "fb-sync-words.h"

/* Owns the words for a failing sync under the editor's header bar and the
 * button beside them; the main window (fb-window.c) holds one in its
 * template and opens the preferences when asked. */

struct _FbSyncBanner
{
  GtkWidget      parent_instance;

  /* Template children */
  GtkRevealer   *banner_revealer;
  GtkLabel      *banner_label;
  GtkButton     *banner_button;

  FbStore       *store;
  FbSyncManager *sync_manager;
  GSignalGroup  *sync_signals;
  /* What the button does. */
  guint          banner_action;
};

enum {
  BANNER_NONE,
  BANNER_RETRY,
  BANNER_PREFERENCES,
  BANNER_PASSWORD,
};


G_DEFINE_FINAL_TYPE (FbSyncBanner, fb_sync_banner, GTK_TYPE_WIDGET)

enum {
  SHOW_PREFERENCES,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
hide_banner (FbSyncBanner *self)
{
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

/* One banner for the sync problem of the moment. It follows the manager's
 * state and last error: the same failure again only refreshes its words,
 * and a successful run takes it away. */
static void
update_banner (FbSyncBanner *self)
{
  const GError *error;
  g_autofree char *text = NULL;
  const char *button = NULL;
  guint action = BANNER_NONE;

  /* A read-only store has a banner of its own, which says it all. */
  if (self->sync_manager == NULL ||
      (self->store != NULL && fb_store_get_read_only (self->store)))
    {
      hide_banner (self);
      return;
    }

  error = fb_sync_manager_get_last_error (self->sync_manager);
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      hide_banner (self);
      return;
    }

  switch (fb_sync_manager_get_state (self->sync_manager))
    {
    case FB_SYNC_STATE_SYNCING:
      /* Trying again: what was said stays until the outcome is known. */
      return;
    case FB_SYNC_STATE_NOT_CONFIGURED:
    case FB_SYNC_STATE_OFFLINE:
    case FB_SYNC_STATE_IDLE:
      /* Turned off, or no network: the status icon says so already. */
      hide_banner (self);
      return;
    case FB_SYNC_STATE_WAITING_TO_RETRY:
      text = fb_sync_words_retrying (error, fb_sync_manager_get_next_retry (self->sync_manager));
      button = _("_Retry");
      action = BANNER_RETRY;
      break;
    case FB_SYNC_STATE_NEEDS_ATTENTION:
    default:
      text = fb_sync_words_needs_attention (error);
      button = _("_Preferences");
      action = g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED) ||
               g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_FORBIDDEN)
               ? BANNER_PASSWORD : BANNER_PREFERENCES;
      break;
    }

  gtk_label_set_label (self->banner_label, text);
  gtk_button_set_label (self->banner_button, button);
  self->banner_action = action;
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
read_only_notify_cb (FbSyncBanner *self)
{
  update_banner (self);
}

static void
manager_notify_cb (FbSyncBanner *self)
{
  update_banner (self);
}

static void
banner_button_clicked_cb (FbSyncBanner *self)
{
  switch (self->banner_action)
    {
    case BANNER_RETRY:
      if (self->sync_manager != NULL)
        fb_sync_manager_sync_now (self->sync_manager);
      break;
    case BANNER_PREFERENCES:
      g_signal_emit (self, signals[SHOW_PREFERENCES], 0, FALSE);
      break;
    case BANNER_PASSWORD:
      g_signal_emit (self, signals[SHOW_PREFERENCES], 0, TRUE);
      break;
    case BANNER_NONE:
    default:
      break;
    }
}

void
fb_sync_banner_set_store (FbSyncBanner *self,
                          FbStore      *store)
{
  g_return_if_fail (FB_IS_SYNC_BANNER (self));
  g_return_if_fail (store == NULL || FB_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);

  if (store != NULL)
    g_signal_connect_object (store, "notify::read-only",
                             G_CALLBACK (read_only_notify_cb), self, G_CONNECT_SWAPPED);
  update_banner (self);
}

void
fb_sync_banner_set_manager (FbSyncBanner  *self,
                            FbSyncManager *manager)
{
  g_return_if_fail (FB_IS_SYNC_BANNER (self));
  g_return_if_fail (manager == NULL || FB_IS_SYNC_MANAGER (manager));

  if (!g_set_object (&self->sync_manager, manager))
    return;

  g_signal_group_set_target (self->sync_signals, manager);
  update_banner (self);
}

const char *
fb_sync_banner_get_text (FbSyncBanner *self)
{
  g_return_val_if_fail (FB_IS_SYNC_BANNER (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->banner_revealer))
    return NULL;

  return gtk_label_get_label (self->banner_label);
}

static void
fb_sync_banner_dispose (GObject *object)
{
  FbSyncBanner *self = FB_SYNC_BANNER (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->sync_signals != NULL)
    g_signal_group_set_target (self->sync_signals, NULL);
  g_clear_object (&self->sync_signals);

  gtk_widget_dispose_template (GTK_WIDGET (self), FB_TYPE_SYNC_BANNER);

  g_clear_object (&self->sync_manager);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fb_sync_banner_parent_class)->dispose (object);
}

static void
fb_sync_banner_class_init (FbSyncBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fb_sync_banner_dispose;

  /**
   * FbSyncBanner::show-preferences:
   * @focus_password: whether the password is what the server refused
   *
   * The person asked to fix the sync settings.
   */
  signals[SHOW_PREFERENCES] = g_signal_new ("show-preferences",
                                            G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/fieldbook/Fieldbook/ui/fb-sync-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, FbSyncBanner, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, FbSyncBanner, banner_label);
  gtk_widget_class_bind_template_child (widget_class, FbSyncBanner, banner_button);
  gtk_widget_class_bind_template_callback (widget_class, banner_button_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fbsyncbanner");
}

static void
fb_sync_banner_init (FbSyncBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->sync_signals = g_signal_group_new (FB_TYPE_SYNC_MANAGER);
  g_signal_group_connect_swapped (self->sync_signals, "notify::state",
                                  G_CALLBACK (manager_notify_cb), self);
  g_signal_group_connect_swapped (self->sync_signals, "notify::last-error",
                                  G_CALLBACK (manager_notify_cb), self);
}
