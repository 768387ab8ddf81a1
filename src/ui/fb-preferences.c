/* fb-preferences.c: sync settings (GSettings), the password (keyring) and "Test Connection" */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-preferences"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "fb-couch-client.h"
#include "fb-credentials.h"
#include "fb-preferences.h"
#include "fb-sync-error.h"
#include "fb-sync-status.h"
#include "fb-sync-words.h"

#define SETTINGS_SCHEMA_ID "io.github.fieldbook.Fieldbook"

struct _FbPreferences
{
  AdwPreferencesWindow  parent_instance;

  GtkSwitch            *sync_switch;
  AdwEntryRow          *url_row;
  AdwActionRow         *http_warning_row;
  AdwEntryRow          *database_row;
  AdwEntryRow          *user_row;
  AdwPasswordEntryRow  *password_row;
  AdwActionRow         *test_row;
  GtkSpinner           *test_spinner;
  GtkButton            *create_button;
  GtkButton            *test_button;

  FbSyncManager        *manager;
  GSettings            *settings;     /* NULL when the schema is not installed */
  GCancellable         *cancellable;  /* the window's lifetime */
  GCancellable         *test_cancellable;
  FbCouchClient        *test_client;
  char                 *test_database;
  char                 *test_result;

  /* What was applied last: the settings' values and the keyring's password. */
  char                 *applied_url;
  char                 *applied_database;
  char                 *applied_user;
  char                 *applied_password;
  gboolean              password_loaded;
  gboolean              apply_when_loaded;
  gboolean              focus_password_when_loaded;
};

G_DEFINE_FINAL_TYPE (FbPreferences, fb_preferences, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
wipe_password (char **password)
{
  if (*password != NULL)
    memset (*password, 0, strlen (*password));
  g_clear_pointer (password, g_free);
}

/* Asynchronous calls hold the window weakly: a window kept alive by a
 * callback would outlive its transient parent. */
static GWeakRef *
weak_ref_new (FbPreferences *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  return ref;
}

/* Frees @ref; returns the window (a new reference) or NULL if it is gone. */
static FbPreferences *
weak_ref_steal (GWeakRef *ref)
{
  FbPreferences *self = g_weak_ref_get (ref);

  g_weak_ref_clear (ref);
  g_free (ref);
  return self;
}

gboolean
fb_preferences_url_is_insecure (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (url == NULL)
    return FALSE;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0)
    return FALSE;

  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0 ||
      g_str_has_suffix (host, ".localhost"))
    return FALSE;

  address = g_inet_address_new_from_string (host);
  if (address != NULL && g_inet_address_get_is_loopback (address))
    return FALSE;

  return TRUE;
}

static char *
row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static char *
setting_string (FbPreferences *self,
                const char    *key,
                const char    *fallback)
{
  if (self->settings == NULL)
    return g_strdup (fallback);
  return g_settings_get_string (self->settings, key);
}

static void
set_test_result (FbPreferences *self,
                 const char    *words,
                 const char    *icon_name)
{
  g_free (self->test_result);
  self->test_result = g_strdup (words);
  adw_action_row_set_subtitle (self->test_row, words);
  adw_action_row_set_icon_name (self->test_row, icon_name);
}

/* ---- Applying ---- */

/* The account settings written once the keyring has the password that goes
 * with them: whoever reacts to the settings changing (the application looks
 * the password up again) must not find the previous one. */
typedef struct {
  GWeakRef   window;
  GSettings *settings; /* nullable */
  char      *url;
  char      *database;
  char      *user;
} AccountWrite;

static AccountWrite *
account_write_new (FbPreferences *self,
                   const char    *url,
                   const char    *database,
                   const char    *user)
{
  AccountWrite *write = g_new0 (AccountWrite, 1);

  g_weak_ref_init (&write->window, self);
  g_set_object (&write->settings, self->settings);
  write->url = g_strdup (url);
  write->database = g_strdup (database);
  write->user = g_strdup (user);
  return write;
}

/* Writes what changed, and frees @write. */
static void
account_write_finish (AccountWrite *write)
{
  if (write->settings != NULL)
    {
      g_autofree char *url = g_settings_get_string (write->settings, "server-url");
      g_autofree char *database = g_settings_get_string (write->settings, "database");
      g_autofree char *user = g_settings_get_string (write->settings, "user-name");

      if (g_strcmp0 (url, write->url) != 0)
        g_settings_set_string (write->settings, "server-url", write->url);
      if (g_strcmp0 (database, write->database) != 0)
        g_settings_set_string (write->settings, "database", write->database);
      if (g_strcmp0 (user, write->user) != 0)
        g_settings_set_string (write->settings, "user-name", write->user);
    }

  g_weak_ref_clear (&write->window);
  g_clear_object (&write->settings);
  g_free (write->url);
  g_free (write->database);
  g_free (write->user);
  g_free (write);
}

static void
credentials_stored_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  AccountWrite *write = user_data;
  g_autoptr(FbPreferences) self = g_weak_ref_get (&write->window);
  g_autoptr(GError) error = NULL;

  if (!fb_credentials_store_finish (result, &error) && self == NULL)
    g_warning ("Cannot save the password in the keyring: %s", error->message);
  else if (error != NULL)
    {
      /* Translators: %s says why, in the keyring's words. */
      g_autofree char *message = g_strdup_printf (_("The password could not be saved in the keyring: %s"),
                                                  error->message);

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
    }

  account_write_finish (write);
}

static void
credentials_cleared_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  AccountWrite *write = user_data;
  g_autoptr(GError) error = NULL;

  if (!fb_credentials_clear_finish (result, &error) && error != NULL &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Cannot remove the password from the keyring: %s", error->message);

  account_write_finish (write);
}

void
fb_preferences_apply (FbPreferences *self)
{
  g_autofree char *url = NULL;
  g_autofree char *database = NULL;
  g_autofree char *user = NULL;
  const char *password;
  gboolean account_changed;
  AccountWrite *write;

  g_return_if_fail (FB_IS_PREFERENCES (self));

  /* Until the keyring has answered, an empty password row means "not
   * known yet", not "no password". */
  if (!self->password_loaded)
    {
      self->apply_when_loaded = TRUE;
      return;
    }

  url = row_text (self->url_row);
  database = row_text (self->database_row);
  user = row_text (self->user_row);
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (*database == '\0')
    {
      g_free (database);
      database = g_strdup ("fieldbook");
    }

  account_changed = g_strcmp0 (url, self->applied_url) != 0 ||
                    g_strcmp0 (user, self->applied_user) != 0;

  write = account_write_new (self, url, database, user);
  /* Not cancelled with the window: closing it applies too. */
  if (*url != '\0' && *password != '\0' &&
      (account_changed || g_strcmp0 (password, self->applied_password) != 0))
    fb_credentials_store_async (url, user, password, NULL,
                                credentials_stored_cb, g_steal_pointer (&write));
  else if (*url != '\0' && *password == '\0' &&
           !account_changed && self->applied_password != NULL)
    fb_credentials_clear_async (url, user, NULL,
                                credentials_cleared_cb, g_steal_pointer (&write));
  else
    account_write_finish (g_steal_pointer (&write));

  g_free (self->applied_url);
  self->applied_url = g_strdup (url);
  g_free (self->applied_database);
  self->applied_database = g_strdup (database);
  g_free (self->applied_user);
  self->applied_user = g_strdup (user);
  wipe_password (&self->applied_password);
  if (*password != '\0')
    self->applied_password = g_strdup (password);

  if (self->manager != NULL)
    fb_sync_manager_set_remote (self->manager,
                                *url != '\0' ? url : NULL,
                                database,
                                *user != '\0' ? user : NULL,
                                *password != '\0' ? password : NULL);
}

static void
row_apply_cb (FbPreferences *self)
{
  fb_preferences_apply (self);
}

static void
url_row_changed_cb (FbPreferences *self)
{
  g_autofree char *url = row_text (self->url_row);

  gtk_widget_set_visible (GTK_WIDGET (self->http_warning_row),
                          fb_preferences_url_is_insecure (url));
}

static void
sync_switch_active_cb (FbPreferences *self)
{
  if (self->manager != NULL)
    fb_sync_manager_set_enabled (self->manager, gtk_switch_get_active (self->sync_switch));
}

/* ---- Loading the password ---- */

static void
password_loaded (FbPreferences *self,
                 char          *password)
{
  self->password_loaded = TRUE;
  if (password != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
      wipe_password (&self->applied_password);
      self->applied_password = password;
    }

  if (self->focus_password_when_loaded)
    {
      self->focus_password_when_loaded = FALSE;
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
    }

  if (self->apply_when_loaded)
    {
      self->apply_when_loaded = FALSE;
      fb_preferences_apply (self);
    }
}

static void
password_lookup_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FbPreferences) self = weak_ref_steal (user_data);
  g_autoptr(GError) error = NULL;
  char *password = fb_credentials_lookup_finish (result, &error);

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      wipe_password (&password);
      return;
    }
  if (error != NULL)
    {
      /* Translators: %s says why, in the keyring's words. */
      g_autofree char *message = g_strdup_printf (_("The password could not be read from the keyring: %s"),
                                                  error->message);

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
    }

  password_loaded (self, password);
}

/* ---- Test Connection ---- */

static void
set_testing (FbPreferences *self,
             gboolean       testing)
{
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), testing);
  gtk_spinner_set_spinning (self->test_spinner, testing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), !testing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), !testing);
}

static void
open_database_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FbPreferences) self = weak_ref_steal (user_data);
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(GError) error = NULL;
  gboolean created = GPOINTER_TO_INT (g_object_get_data (object, "fb-create"));
  g_autofree char *words = NULL;
  const char *icon_name = "dialog-warning-symbolic";

  info = fb_couch_client_open_database_finish (FB_COUCH_CLIENT (object), result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (FB_COUCH_CLIENT (object) != self->test_client)
    return;

  set_testing (self, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->create_button), FALSE);

  if (info != NULL)
    {
      icon_name = "emblem-ok-symbolic";
      if (created)
        /* Translators: %s is a database name. */
        words = g_strdup_printf (_("The database “%s” was created. The server is ready to sync."),
                                 self->test_database);
      else
        /* Translators: %s is a database name. */
        words = g_strdup_printf (_("The server is reachable and the database “%s” is ready."),
                                 self->test_database);
    }
  else if (g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_FOUND))
    {
      /* Translators: %s is a database name. */
      words = g_strdup_printf (_("The server answered, but it has no database “%s”. "
                                 "It can be created now."),
                               self->test_database);
      gtk_widget_set_visible (GTK_WIDGET (self->create_button), TRUE);
    }
  else if (g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_BAD_RESPONSE))
    words = g_strdup (_("Something answered at this address, but it is not a CouchDB server "
                        "(it sent a web page or another unexpected answer)."));
  else
    words = fb_sync_words_error (error);

  set_test_result (self, words, icon_name);
}

static void
run_test (FbPreferences *self,
          gboolean       create)
{
  g_autofree char *url = row_text (self->url_row);
  g_autofree char *database = row_text (self->database_row);
  g_autofree char *user = row_text (self->user_row);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  g_clear_object (&self->test_client);

  if (*url == '\0')
    {
      set_test_result (self, _("Enter the server’s address first."), "dialog-warning-symbolic");
      return;
    }
  if (*database == '\0')
    {
      g_free (database);
      database = g_strdup ("fieldbook");
    }

  self->test_client = fb_couch_client_new (url, database,
                                           *user != '\0' ? user : NULL,
                                           *password != '\0' ? password : NULL,
                                           &error);
  if (self->test_client == NULL)
    {
      g_autofree char *words = fb_sync_words_error (error);

      gtk_widget_set_visible (GTK_WIDGET (self->create_button), FALSE);
      set_test_result (self, words, "dialog-warning-symbolic");
      return;
    }

  g_free (self->test_database);
  self->test_database = g_strdup (database);
  self->test_cancellable = g_cancellable_new ();
  set_testing (self, TRUE);
  set_test_result (self, create ? _("Creating the database…") : _("Connecting…"), NULL);

  /* Each run has its own client: the callback tells a create from a test by it. */
  g_object_set_data (G_OBJECT (self->test_client), "fb-create", GINT_TO_POINTER (create));
  fb_couch_client_open_database_async (self->test_client, create, self->test_cancellable,
                                       open_database_cb, weak_ref_new (self));
}

static void
test_button_clicked_cb (FbPreferences *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->create_button), FALSE);
  run_test (self, FALSE);
}

static void
create_button_clicked_cb (FbPreferences *self)
{
  run_test (self, TRUE);
}

/* ---- Public ---- */

GtkWidget *
fb_preferences_new (GtkWindow     *parent,
                    FbSyncManager *manager)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (manager == NULL || FB_IS_SYNC_MANAGER (manager), NULL);

  return g_object_new (FB_TYPE_PREFERENCES,
                       "transient-for", parent,
                       "manager", manager,
                       NULL);
}

FbSyncManager *
fb_preferences_get_manager (FbPreferences *self)
{
  g_return_val_if_fail (FB_IS_PREFERENCES (self), NULL);

  return self->manager;
}

void
fb_preferences_focus_password (FbPreferences *self)
{
  const GError *error;

  g_return_if_fail (FB_IS_PREFERENCES (self));

  if (self->manager != NULL &&
      (error = fb_sync_manager_get_last_error (self->manager)) != NULL &&
      fb_sync_manager_get_state (self->manager) == FB_SYNC_STATE_NEEDS_ATTENTION)
    {
      g_autofree char *words = fb_sync_words_error (error);

      set_test_result (self, words, "dialog-warning-symbolic");
    }

  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
  if (!self->password_loaded)
    self->focus_password_when_loaded = TRUE;
}

const char *
fb_preferences_get_test_result (FbPreferences *self)
{
  g_return_val_if_fail (FB_IS_PREFERENCES (self), NULL);

  return self->test_result;
}

/* ---- GObject ---- */

static GSettings *
settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SETTINGS_SCHEMA_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("Settings schema %s is not installed; preferences are not kept",
               SETTINGS_SCHEMA_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

static gboolean
fb_preferences_close_request (GtkWindow *window)
{
  fb_preferences_apply (FB_PREFERENCES (window));

  return GTK_WINDOW_CLASS (fb_preferences_parent_class)->close_request (window);
}

static void
fb_preferences_constructed (GObject *object)
{
  FbPreferences *self = FB_PREFERENCES (object);

  G_OBJECT_CLASS (fb_preferences_parent_class)->constructed (object);

  self->settings = settings_new_if_installed ();
  self->applied_url = setting_string (self, "server-url", "");
  self->applied_database = setting_string (self, "database", "fieldbook");
  self->applied_user = setting_string (self, "user-name", "");

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), self->applied_url);
  gtk_editable_set_text (GTK_EDITABLE (self->database_row), self->applied_database);
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), self->applied_user);

  if (self->settings != NULL)
    g_settings_bind (self->settings, "sync-enabled", self->sync_switch, "active",
                     G_SETTINGS_BIND_DEFAULT);
  else
    gtk_switch_set_active (self->sync_switch,
                           self->manager == NULL || fb_sync_manager_get_enabled (self->manager));
  g_signal_connect_swapped (self->sync_switch, "notify::active",
                            G_CALLBACK (sync_switch_active_cb), self);

  if (*self->applied_url != '\0')
    fb_credentials_lookup_async (self->applied_url, self->applied_user, self->cancellable,
                                 password_lookup_cb, weak_ref_new (self));
  else
    password_loaded (self, NULL);
}

static void
fb_preferences_dispose (GObject *object)
{
  FbPreferences *self = FB_PREFERENCES (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  g_clear_object (&self->test_client);
  g_clear_object (&self->settings);
  g_clear_object (&self->manager);

  gtk_widget_dispose_template (GTK_WIDGET (self), FB_TYPE_PREFERENCES);

  G_OBJECT_CLASS (fb_preferences_parent_class)->dispose (object);
}

static void
fb_preferences_finalize (GObject *object)
{
  FbPreferences *self = FB_PREFERENCES (object);

  g_clear_object (&self->cancellable);
  g_free (self->test_database);
  g_free (self->test_result);
  g_free (self->applied_url);
  g_free (self->applied_database);
  g_free (self->applied_user);
  wipe_password (&self->applied_password);

  G_OBJECT_CLASS (fb_preferences_parent_class)->finalize (object);
}

static void
fb_preferences_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FbPreferences *self = FB_PREFERENCES (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_preferences_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FbPreferences *self = FB_PREFERENCES (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      self->manager = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_preferences_class_init (FbPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = fb_preferences_constructed;
  object_class->dispose = fb_preferences_dispose;
  object_class->finalize = fb_preferences_finalize;
  object_class->get_property = fb_preferences_get_property;
  object_class->set_property = fb_preferences_set_property;
  window_class->close_request = fb_preferences_close_request;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL, FB_TYPE_SYNC_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldbook/Fieldbook/sync-ui/fb-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, FbPreferences, sync_switch);
  gtk_widget_class_bind_template_child (widget_class, FbPreferences, url_row);
  gtk_widget_class_bind_template_child (widget_class, FbPreferences, http_warning_row);
  gtk_widget_class_bind_template_child (widget_class, FbPreferences, database_row);
  gtk_widget_class_bind_template_child (widget_class, FbPreferences, user_row);
  gtk_widget_class_bind_template_child (widget_class, FbPreferences, password_row);
  gtk_widget_class_bind_template_child (widget_class, FbPreferences, test_row);
  gtk_widget_class_bind_template_child (widget_class, FbPreferences, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, FbPreferences, create_button);
  gtk_widget_class_bind_template_child (widget_class, FbPreferences, test_button);
  gtk_widget_class_bind_template_callback (widget_class, row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, url_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, test_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, create_button_clicked_cb);
}

static void
fb_preferences_init (FbPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fb_sync_ui_ensure_style ();
  self->cancellable = g_cancellable_new ();
  set_test_result (self, _("Not tested yet"), NULL);
}
