/* fb-application.c: the Fieldbook application: the store, the sync manager and the windows */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-application"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fb-application.h"
#include "fb-cli.h"
#include "fb-credentials.h"
#include "fb-preferences.h"
#include "fb-store-history.h"
#include "fb-window.h"

#define SETTINGS_SCHEMA_ID "io.github.fieldbook.Fieldbook"
/* One preferences apply writes up to three keys: they restart sync once. */
#define SETTINGS_DELAY_MS 200
/* How long the application may stay without windows to finish pushing. */
#define BACKGROUND_SYNC_SECS 120
#define REMOTE_CHANGES_ID "remote-changes"
/* How often a read-only store (a full disk) tries to become writable. */
#define WRITABLE_RETRY_SECS 5

struct _FbApplication
{
  AdwApplication   parent_instance;

  FbStore         *store;
  GError          *store_error;
  GNetworkMonitor *monitor;

  FbSyncManager   *sync_manager;
  GSettings       *settings;
  GCancellable    *cancellable;
  guint            settings_source;
  /* Bumped by each settings read, so a slow keyring answer for older
   * values is dropped. */
  guint            remote_generation;
  gboolean         sync_started;

  gboolean         background_sync;
  guint            background_timeout;
  gulong           background_handlers[2];

  guint            writable_retry;
};

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

gboolean
fb_application_get_background_sync (FbApplication *self)
{
  g_return_val_if_fail (FB_IS_APPLICATION (self), FALSE);

  return self->background_sync;
}

char *
fb_application_describe_remote_changes (FbStore            *store,
                                        const char * const *ids)
{
  guint n_notes = 0;
  guint n_records = 0;
  guint n_total = 0;

  g_return_val_if_fail (FB_IS_STORE (store), NULL);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      g_autoptr(FbItem) item = fb_store_get_item (store, ids[i], NULL);
      const char *collection = item != NULL ? fb_item_get_collection (item) : NULL;

      n_total++;
      if (g_strcmp0 (collection, FB_COLLECTION_NOTES) == 0)
        n_notes++;
      else if (g_strcmp0 (collection, FB_COLLECTION_RECORDS) == 0)
        n_records++;
    }

  /* Two counts in one sentence do not translate well: a mix is "items". */
  if (n_notes == n_total)
    return g_strdup_printf (ngettext ("%u note updated", "%u notes updated", n_notes), n_notes);
  if (n_records == n_total)
    return g_strdup_printf (ngettext ("%u record updated", "%u records updated", n_records),
                            n_records);
  return g_strdup_printf (ngettext ("%u item updated", "%u items updated", n_total), n_total);
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
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 480);

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

static GtkWindow *
create_window (FbApplication *self)
{
  if (self->store == NULL)
    return create_error_window (self);

  return GTK_WINDOW (g_object_new (FB_TYPE_WINDOW,
                                   "application", self,
                                   "store", self->store,
                                   "sync-manager", self->sync_manager,
                                   NULL));
}

/* ---- Sync settings: GSettings + the keyring → the sync manager ---- */

static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SETTINGS_SCHEMA_ID, TRUE);

  if (schema == NULL)
    {
      g_debug ("Settings schema %s is not installed; sync is not set up", SETTINGS_SCHEMA_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static void
start_sync_once (FbApplication *self)
{
  if (self->sync_started)
    return;

  self->sync_started = TRUE;
  fb_sync_manager_start (self->sync_manager);
}

typedef struct {
  FbApplication *self;
  guint          generation;
  char          *url;
  char          *database;
  char          *user;
} RemoteLookup;

static void
remote_lookup_free (RemoteLookup *lookup)
{
  g_object_unref (lookup->self);
  g_free (lookup->url);
  g_free (lookup->database);
  g_free (lookup->user);
  g_free (lookup);
}

static void
password_lookup_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  RemoteLookup *lookup = user_data;
  FbApplication *self = lookup->self;
  g_autoptr(GError) error = NULL;
  char *password = fb_credentials_lookup_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      lookup->generation != self->remote_generation ||
      self->sync_manager == NULL)
    goto out;

  /* Without the keyring, try without a password: the server says whether
   * it needs one, and the window asks for it in words. */
  if (error != NULL)
    g_message ("Cannot read the sync password from the keyring: %s", error->message);

  fb_sync_manager_set_remote (self->sync_manager, lookup->url, lookup->database,
                              lookup->user, password);
  start_sync_once (self);

out:
  if (password != NULL)
    memset (password, 0, strlen (password));
  g_free (password);
  remote_lookup_free (lookup);
}

/* Reads the sync settings and hands them, with the password, to the sync
 * manager; starts it the first time. */
static void
apply_sync_settings (FbApplication *self)
{
  g_autofree char *url = NULL;
  RemoteLookup *lookup;

  if (self->sync_manager == NULL)
    return;

  self->remote_generation++;

  if (self->settings == NULL)
    {
      start_sync_once (self);
      return;
    }

  fb_sync_manager_set_enabled (self->sync_manager,
                               g_settings_get_boolean (self->settings, "sync-enabled"));

  url = g_strstrip (g_settings_get_string (self->settings, "server-url"));
  if (*url == '\0')
    {
      fb_sync_manager_set_remote (self->sync_manager, NULL, NULL, NULL, NULL);
      start_sync_once (self);
      return;
    }

  lookup = g_new0 (RemoteLookup, 1);
  lookup->self = g_object_ref (self);
  lookup->generation = self->remote_generation;
  lookup->url = g_steal_pointer (&url);
  lookup->database = g_settings_get_string (self->settings, "database");
  lookup->user = g_settings_get_string (self->settings, "user-name");
  fb_credentials_lookup_async (lookup->url, lookup->user, self->cancellable,
                               password_lookup_cb, lookup);
}

/* An open preferences window gives the manager what it writes to the
 * settings itself, with the password it is still putting in the keyring:
 * reading the keyring back now could find the old one. */
static gboolean
preferences_open (FbApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (FB_IS_PREFERENCES (l->data))
      return TRUE;

  return FALSE;
}

static gboolean
settings_timeout_cb (gpointer user_data)
{
  FbApplication *self = user_data;

  self->settings_source = 0;
  if (!preferences_open (self))
    apply_sync_settings (self);

  return G_SOURCE_REMOVE;
}

static void
settings_changed_cb (FbApplication *self,
                     const char    *key,
                     GSettings     *settings)
{
  if (g_strcmp0 (key, "sync-enabled") == 0)
    {
      if (self->sync_manager != NULL)
        fb_sync_manager_set_enabled (self->sync_manager,
                                     g_settings_get_boolean (settings, "sync-enabled"));
      return;
    }

  if (g_strcmp0 (key, "server-url") != 0 &&
      g_strcmp0 (key, "database") != 0 &&
      g_strcmp0 (key, "user-name") != 0)
    return;

  /* Restarted by each change: one apply, one restart. */
  g_clear_handle_id (&self->settings_source, g_source_remove);
  self->settings_source = g_timeout_add (SETTINGS_DELAY_MS, settings_timeout_cb, self);
}

/* ---- Finishing pushes without windows ---- */

static void
stop_background_sync (FbApplication *self)
{
  if (!self->background_sync)
    return;

  self->background_sync = FALSE;
  g_clear_handle_id (&self->background_timeout, g_source_remove);
  for (guint i = 0; i < G_N_ELEMENTS (self->background_handlers); i++)
    g_clear_signal_handler (&self->background_handlers[i], self->sync_manager);
  g_debug ("Background sync over");
  g_application_release (G_APPLICATION (self));
}

/* TRUE when pushing can still succeed without the person's help. */
static gboolean
can_push_unattended (FbSyncManager *manager)
{
  switch (fb_sync_manager_get_state (manager))
    {
    case FB_SYNC_STATE_IDLE:
    case FB_SYNC_STATE_SYNCING:
    case FB_SYNC_STATE_WAITING_TO_RETRY:
      return TRUE;
    case FB_SYNC_STATE_NOT_CONFIGURED:
    case FB_SYNC_STATE_OFFLINE:
    case FB_SYNC_STATE_NEEDS_ATTENTION:
    default:
      return FALSE;
    }
}

static void
background_sync_check_cb (FbApplication *self)
{
  if (fb_sync_manager_get_pending_count (self->sync_manager) == 0 ||
      !can_push_unattended (self->sync_manager))
    stop_background_sync (self);
}

static gboolean
background_timeout_cb (gpointer user_data)
{
  FbApplication *self = user_data;

  self->background_timeout = 0;
  g_message ("Changes are still waiting to be synced; they will be sent at the next start");
  stop_background_sync (self);

  return G_SOURCE_REMOVE;
}

static void
start_background_sync (FbApplication *self)
{
  if (self->background_sync || self->sync_manager == NULL)
    return;

  if (fb_sync_manager_get_pending_count (self->sync_manager) == 0 ||
      !can_push_unattended (self->sync_manager))
    return;

  g_debug ("Last window closed with %u changes to push: staying",
           fb_sync_manager_get_pending_count (self->sync_manager));
  self->background_sync = TRUE;
  g_application_hold (G_APPLICATION (self));
  self->background_timeout = g_timeout_add_seconds (BACKGROUND_SYNC_SECS,
                                                    background_timeout_cb, self);
  self->background_handlers[0] =
    g_signal_connect_object (self->sync_manager, "notify::pending-count",
                             G_CALLBACK (background_sync_check_cb), self, G_CONNECT_SWAPPED);
  self->background_handlers[1] =
    g_signal_connect_object (self->sync_manager, "notify::state",
                             G_CALLBACK (background_sync_check_cb), self, G_CONNECT_SWAPPED);
}

/* Once the person looks at a window, the summary of what changed while
 * they were away has said what it had to say. */
static void
window_active_cb (GtkWindow     *window,
                  GParamSpec    *pspec,
                  FbApplication *self)
{
  if (gtk_window_is_active (window) &&
      g_application_get_dbus_connection (G_APPLICATION (self)) != NULL)
    g_application_withdraw_notification (G_APPLICATION (self), REMOTE_CHANGES_ID);
}

static void
fb_application_window_added (GtkApplication *app,
                             GtkWindow      *window)
{
  FbApplication *self = FB_APPLICATION (app);

  GTK_APPLICATION_CLASS (fb_application_parent_class)->window_added (app, window);

  g_signal_connect_object (window, "notify::is-active",
                           G_CALLBACK (window_active_cb), self, 0);

  /* The window keeps the application alive now. */
  stop_background_sync (self);
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
    start_background_sync (self);

  GTK_APPLICATION_CLASS (fb_application_parent_class)->window_removed (app, window);
}

/* ---- Server changes while nobody looks ---- */

static gboolean
any_window_active (FbApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (gtk_window_is_active (l->data))
      return TRUE;

  return FALSE;
}

static void
remote_changes_cb (FbApplication *self,
                   guint          n_items,
                   char         **ids,
                   FbSyncManager *manager)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *summary = NULL;

  if (n_items == 0 || any_window_active (self))
    return;

  summary = fb_application_describe_remote_changes (self->store, (const char * const *) ids);
  notification = g_notification_new (summary);
  g_notification_set_body (notification, _("Changes from your other devices are in Fieldbook."));
  /* Clicking it opens a window (no default action: "activate"). */

  /* Without a session bus no one could show it, and GIO would complain. */
  if (g_application_get_dbus_connection (G_APPLICATION (self)) != NULL)
    g_application_send_notification (G_APPLICATION (self), REMOTE_CHANGES_ID, notification);
  else
    g_debug ("No session bus: not sending “%s”", summary);

  g_signal_emit (self, signals[NOTIFICATION_SENT], 0, REMOTE_CHANGES_ID, summary, notification);
}

static void
quit_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  FbApplication *self = user_data;
  g_autoptr(GList) windows = NULL;

  /* Closing each window flushes its unsaved edits; the application quits
   * when the last one is gone. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static void
new_window_action_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  FbApplication *self = user_data;

  gtk_window_present (create_window (self));
}

static void
about_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  FbApplication *self = user_data;
  static const char *developers[] = { "The Fieldbook developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", _("Fieldbook"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Fieldbook developers"),
                        "developers", developers,
                        "comments", _("Notes and records that work offline and sync with CouchDB"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* TRANSLATORS: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  FbApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* From the preferences window itself (or another): the main window. */
  if (!FB_IS_WINDOW (window))
    {
      window = NULL;
      for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
        if (FB_IS_WINDOW (l->data))
          {
            window = l->data;
            break;
          }
    }

  if (window == NULL)
    return;

  fb_window_show_preferences (FB_WINDOW (window), FALSE);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action_cb },
  { "about", about_action_cb },
  { "new-window", new_window_action_cb },
  { "preferences", preferences_action_cb },
};

/* The Trash empties itself of old items, and the history keeps within
 * its limits (both settings), once per start. */
static void
tidy_trash_and_history (FbApplication *self)
{
  g_autoptr(GError) error = NULL;
  guint trash_days = 30;

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
      !fb_store_empty_trash (self->store, (gint64) trash_days * 24 * 3600 * 1000, NULL, &error))
    g_message ("Cannot empty the Trash of old items: %s", error->message);
  g_clear_error (&error);
  if (!fb_store_prune_history (self->store, NULL, &error))
    g_message ("Cannot prune the history: %s", error->message);
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
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *new_window_accels[] = { "<Control><Shift>n", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (fb_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.new-window", new_window_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);

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

  self->sync_manager = fb_sync_manager_new (self->store, self->monitor);
  g_signal_connect_object (self->sync_manager, "remote-changes",
                           G_CALLBACK (remote_changes_cb), self, G_CONNECT_SWAPPED);

  self->settings = settings_new_if_installed ();
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed",
                             G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
  apply_sync_settings (self);
  tidy_trash_and_history (self);
}

static void
fb_application_shutdown (GApplication *app)
{
  FbApplication *self = FB_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->settings_source, g_source_remove);
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
    window = create_window (self);

  gtk_window_present (window);
}

static void
fb_application_dispose (GObject *object)
{
  FbApplication *self = FB_APPLICATION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->settings_source, g_source_remove);
  g_clear_handle_id (&self->background_timeout, g_source_remove);
  g_clear_handle_id (&self->writable_retry, g_source_remove);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  if (self->sync_manager != NULL)
    g_signal_handlers_disconnect_by_data (self->sync_manager, self);
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
