/* fb-application.c: the Fieldbook application: the object, startup, the store and the windows */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-application"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-application-private.h"
#include "fb-attachments.h"
#include "fb-cli.h"
#include "fb-store-history.h"
#include "fb-window.h"

/* How often a read-only store (a full disk) tries to become writable. */
#define WRITABLE_RETRY_SECS 5
/* The window that says why the store could not be opened. */
#define ERROR_WINDOW_WIDTH  640
#define ERROR_WINDOW_HEIGHT 480
/* The schema's default for trash-days, when there are no settings. */
#define DEFAULT_TRASH_DAYS  30
#define MS_PER_DAY          ((gint64) 24 * 3600 * 1000)

G_DEFINE_FINAL_TYPE (FbApplication, fb_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_STORE,
  PROP_NETWORK_MONITOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  NOTIFICATION_SENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

FbApplication *
fb_application_new (void)
{
  return g_object_new (FB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/fieldbook/Fieldbook",
                       NULL);
}

FbApplication *
fb_application_new_for_testing (FbStore         *store,
                                GNetworkMonitor *monitor)
{
  g_return_val_if_fail (store == NULL || FB_IS_STORE (store), NULL);
  g_return_val_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor), NULL);

  return g_object_new (FB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/io/github/fieldbook/Fieldbook",
                       "store", store,
                       "network-monitor", monitor,
                       NULL);
}

FbStore *
fb_application_get_store (FbApplication *self)
{
  g_return_val_if_fail (FB_IS_APPLICATION (self), NULL);

  return self->store;
}

FbSyncManager *
fb_application_get_sync_manager (FbApplication *self)
{
  g_return_val_if_fail (FB_IS_APPLICATION (self), NULL);

  return self->sync_manager;
}


void
_fb_application_notification_sent (FbApplication *self,
                                   const char    *id,
                                   const char    *title,
                                   GNotification *notification)
{
  g_signal_emit (self, signals[NOTIFICATION_SENT], 0, id, title, notification);
}

/* Words for a person, not SQLite's; the details go last for a bug report.
 * Whole sentences per case, so translators see each one entire. */
static char *
describe_store_error (const GError *error)
{
  if (error->domain != FB_STORE_ERROR)
    /* TRANSLATORS: %s is the technical reason */
    return g_strdup_printf (_("The file that holds your notes could not be opened.\n\nDetails: %s"),
                            error->message);

  switch (error->code)
    {
    case FB_STORE_ERROR_BUSY:
      /* TRANSLATORS: %s is the technical reason */
      return g_strdup_printf (_("Another program is using your notes. Close it and open Fieldbook again.\n\nDetails: %s"),
                              error->message);
    case FB_STORE_ERROR_FULL:
      /* TRANSLATORS: %s is the technical reason */
      return g_strdup_printf (_("The disk is full. Free some space and open Fieldbook again.\n\nDetails: %s"),
                              error->message);
    case FB_STORE_ERROR_TOO_NEW:
      /* TRANSLATORS: %s is the technical reason */
      return g_strdup_printf (_("Your notes were saved by a newer version of Fieldbook. Update Fieldbook to open them.\n\nDetails: %s"),
                              error->message);
    case FB_STORE_ERROR_CORRUPT:
    case FB_STORE_ERROR_NOT_A_DATABASE:
      /* TRANSLATORS: %s is the technical reason */
      return g_strdup_printf (_("The file that holds your notes is damaged or is not a Fieldbook database.\n\nDetails: %s"),
                              error->message);
    case FB_STORE_ERROR_OPEN:
    default:
      /* TRANSLATORS: %s is the technical reason */
      return g_strdup_printf (_("The file that holds your notes could not be opened.\n\nDetails: %s"),
                              error->message);
    }
}

static GtkWindow *
create_error_window (FbApplication *self)
{
  g_autofree char *description = describe_store_error (self->store_error);
  GtkWidget *window;
  GtkWidget *box;
  GtkWidget *header;
  GtkWidget *page;

  window = adw_application_window_new (GTK_APPLICATION (self));
  gtk_window_set_title (GTK_WINDOW (window), _("Fieldbook"));
  gtk_window_set_default_size (GTK_WINDOW (window), ERROR_WINDOW_WIDTH, ERROR_WINDOW_HEIGHT);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (box), header);

  page = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), "dialog-error-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (page), _("Cannot Open Your Notes"));
  adw_status_page_set_description (ADW_STATUS_PAGE (page), description);
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);

  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);

  return GTK_WINDOW (window);
}

GtkWindow *
_fb_application_create_window (FbApplication *self)
{
  if (self->store == NULL)
    return create_error_window (self);

  return GTK_WINDOW (g_object_new (FB_TYPE_WINDOW,
                                   "application", self,
                                   "store", self->store,
                                   "sync-manager", self->sync_manager,
                                   NULL));
}


static void
fb_application_window_added (GtkApplication *app,
                             GtkWindow      *window)
{
  FbApplication *self = FB_APPLICATION (app);

  GTK_APPLICATION_CLASS (fb_application_parent_class)->window_added (app, window);

  g_signal_connect_object (window, "notify::is-active",
                           G_CALLBACK (_fb_application_window_active_cb), self, 0);

  /* The window keeps the application alive now. */
  _fb_application_stop_background_sync (self);
}

static void
fb_application_window_removed (GtkApplication *app,
                               GtkWindow      *window)
{
  FbApplication *self = FB_APPLICATION (app);

  /* Held before the parent lets go of the window's own hold. */
  if (gtk_application_get_windows (app) != NULL &&
      gtk_application_get_windows (app)->next == NULL &&
      gtk_application_get_windows (app)->data == window)
    _fb_application_start_background_sync (self);

  GTK_APPLICATION_CLASS (fb_application_parent_class)->window_removed (app, window);
}


/* The Trash empties itself of old items, the history keeps within its
 * limits (both settings), and attachment files nothing names any more
 * (after those two, say) are removed, once per start. */
static void
tidy_trash_and_history (FbApplication *self)
{
  g_autoptr(GError) error = NULL;
  guint trash_days = DEFAULT_TRASH_DAYS;

  /* Nothing can be removed from a database opened for reading. */
  if (fb_store_get_read_only (self->store))
    return;

  if (self->settings != NULL)
    {
      trash_days = g_settings_get_uint (self->settings, "trash-days");
      fb_store_set_history_limits (self->store,
                                   g_settings_get_uint (self->settings, "history-max-versions"),
                                   g_settings_get_uint (self->settings, "history-max-age-days"));
    }

  if (trash_days > 0 &&
      !fb_store_empty_trash (self->store, trash_days * MS_PER_DAY, NULL, &error))
    g_message ("Cannot empty the Trash of old items: %s", error->message);
  g_clear_error (&error);
  if (!fb_store_prune_history (self->store, NULL, &error))
    g_message ("Cannot prune the history: %s", error->message);
  g_clear_error (&error);
  if (!fb_store_collect_attachments (self->store, FB_ATTACHMENTS_GRACE_MS, NULL, &error))
    g_message ("Cannot remove attachment files nothing uses: %s", error->message);
}

/* ---- A read-only store: writable again once space was freed ---- */

static gboolean
writable_retry_cb (gpointer user_data)
{
  FbApplication *self = user_data;
  g_autoptr(GError) error = NULL;

  /* Success notifies read-only, which ends this source. */
  if (!fb_store_reopen_writable (self->store, &error))
    g_debug ("The store stays read-only: %s", error->message);

  return G_SOURCE_CONTINUE;
}

static void
store_read_only_cb (FbApplication *self)
{
  if (!fb_store_get_read_only (self->store))
    g_clear_handle_id (&self->writable_retry, g_source_remove);
  else if (self->writable_retry == 0)
    self->writable_retry = g_timeout_add_seconds (WRITABLE_RETRY_SECS, writable_retry_cb, self);
}

static int
fb_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  /* -1: not a command line call, go on and open a window. */
  return fb_cli_handle_local_options (app, options);
}

static void
fb_application_startup (GApplication *app)
{
  FbApplication *self = FB_APPLICATION (app);

  G_APPLICATION_CLASS (fb_application_parent_class)->startup (app);

  _fb_application_actions_init (self);

  if (self->store == NULL)
    self->store = fb_store_new (NULL, &self->store_error);
  if (self->store == NULL)
    {
      g_message ("Cannot open the store: %s", self->store_error->message);
      return;
    }

  g_signal_connect_object (self->store, "notify::read-only",
                           G_CALLBACK (store_read_only_cb), self, G_CONNECT_SWAPPED);
  store_read_only_cb (self);

  _fb_application_sync_startup (self);
  tidy_trash_and_history (self);
}

static void
fb_application_shutdown (GApplication *app)
{
  FbApplication *self = FB_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  g_clear_handle_id (&self->background_timeout, g_source_remove);
  g_clear_handle_id (&self->writable_retry, g_source_remove);

  G_APPLICATION_CLASS (fb_application_parent_class)->shutdown (app);
}

static void
fb_application_activate (GApplication *app)
{
  FbApplication *self = FB_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    window = _fb_application_create_window (self);

  gtk_window_present (window);
}

static void
fb_application_dispose (GObject *object)
{
  FbApplication *self = FB_APPLICATION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->background_timeout, g_source_remove);
  g_clear_handle_id (&self->writable_retry, g_source_remove);
  if (self->account != NULL)
    g_signal_handlers_disconnect_by_data (self->account, self);
  if (self->sync_manager != NULL)
    g_signal_handlers_disconnect_by_data (self->sync_manager, self);
  g_clear_object (&self->account);
  g_clear_object (&self->settings);
  g_clear_object (&self->sync_manager);
  g_clear_object (&self->monitor);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fb_application_parent_class)->dispose (object);
}

static void
fb_application_finalize (GObject *object)
{
  FbApplication *self = FB_APPLICATION (object);

  g_clear_error (&self->store_error);

  G_OBJECT_CLASS (fb_application_parent_class)->finalize (object);
}

static void
fb_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FbApplication *self = FB_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_NETWORK_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_application_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FbApplication *self = FB_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_NETWORK_MONITOR:
      self->monitor = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_application_class_init (FbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  object_class->dispose = fb_application_dispose;
  object_class->finalize = fb_application_finalize;
  object_class->get_property = fb_application_get_property;
  object_class->set_property = fb_application_set_property;

  app_class->handle_local_options = fb_application_handle_local_options;
  app_class->startup = fb_application_startup;
  app_class->shutdown = fb_application_shutdown;
  app_class->activate = fb_application_activate;

  gtk_app_class->window_added = fb_application_window_added;
  gtk_app_class->window_removed = fb_application_window_removed;

  /* Construct-only, for tests: NULL opens the default store at startup. */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         FB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Construct-only; NULL is g_network_monitor_get_default (). */
  properties[PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL,
                         G_TYPE_NETWORK_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[NOTIFICATION_SENT] =
    g_signal_new ("notification-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_NOTIFICATION);
}

static void
fb_application_init (FbApplication *self)
{
  self->cancellable = g_cancellable_new ();
  fb_cli_add_options (G_APPLICATION (self));
}
