/* fb-preferences.c: sync settings (GSettings), the password (keyring), "Test Connection"; the Encryption page is fb-encryption-page.c */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-account.h"
#include "fb-encryption-page.h"
#include "fb-preferences.h"
#include "fb-sync-error.h"
#include "fb-sync-words.h"
#include "fb-ui-util.h"

struct _FbPreferences
{
  AdwPreferencesWindow  parent_instance;

  AdwActionRow         *sync_row;
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
  GSettings            *settings;
  /* What was applied last: the settings' values and the keyring's password. */
  FbAccount            *account;
  GCancellable         *cancellable;  /* the window's lifetime */
  GCancellable         *test_cancellable;
  /* The values as typed when "Test Connection" was pressed. */
  FbAccount            *test_account;
  gboolean              test_create;
  char                 *test_result;

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

/* Toasts take markup; the keyring's words are text. */
static void
add_error_toast (FbPreferences *self,
                 const char    *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (escaped));
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

static void sync_switch_active_cb (FbPreferences *self);

/* "Sync Automatically" means something only with a server: until one is
 * applied it is off and cannot be turned on. The setting itself keeps
 * what the person chose, for when there is a server. */
static void
update_sync_row (FbPreferences *self)
{
  gboolean configured = fb_account_is_configured (self->account);
  gboolean enabled = self->settings != NULL
                     ? g_settings_get_boolean (self->settings, "sync-enabled")
                     : self->manager == NULL || fb_sync_manager_get_enabled (self->manager);

  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_row), configured);
  adw_action_row_set_subtitle (self->sync_row,
                               configured ? _("Exchange changes with the server whenever a network is available")
                                          : _("Enter a server below first"));
  g_signal_handlers_block_by_func (self->sync_switch, sync_switch_active_cb, self);
  gtk_switch_set_active (self->sync_switch, configured && enabled);
  g_signal_handlers_unblock_by_func (self->sync_switch, sync_switch_active_cb, self);
}

/* What the rows say is saved: no apply button promises more to do. */
static void
applied (FbPreferences *self)
{
  AdwEntryRow *rows[] = { self->url_row, self->database_row, self->user_row,
                          ADW_ENTRY_ROW (self->password_row) };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      /* Turning it off and on is libadwaita 1.2's way to hide it. */
      adw_entry_row_set_show_apply_button (rows[i], FALSE);
      adw_entry_row_set_show_apply_button (rows[i], TRUE);
    }
  update_sync_row (self);
}

/* A save in progress: an emptied password row is removed from the
 * keyring, a typed one stored. */
typedef struct {
  GWeakRef window;
  gboolean clears;
} Save;

static void
account_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Save *save = user_data;
  g_autoptr(FbPreferences) self = g_weak_ref_get (&save->window);
  g_autoptr(GError) error = NULL;
  gboolean clears = save->clears;

  g_weak_ref_clear (&save->window);
  g_free (save);

  if (fb_account_save_finish (FB_ACCOUNT (object), result, &error))
    {
      if (self != NULL)
        applied (self);
      return;
    }

  if (clears)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot remove the password from the keyring: %s", error->message);
    }
  else if (self == NULL)
    g_warning ("Cannot save the password in the keyring: %s", error->message);
  else
    {
      /* Translators: %s says why, in the keyring's words. */
      g_autofree char *message = g_strdup_printf (_("The password could not be saved in the keyring: %s"),
                                                  error->message);

      add_error_toast (self, message);
    }
}

void
fb_preferences_apply (FbPreferences *self)
{
  g_autofree char *url = NULL;
  g_autofree char *database = NULL;
  g_autofree char *user = NULL;
  const char *password;
  Save *save;

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

  save = g_new0 (Save, 1);
  g_weak_ref_init (&save->window, self);
  save->clears = *password == '\0';
  /* Not cancelled with the window: closing it applies too. The settings
   * follow once the keyring has the password that goes with them. */
  fb_account_save_async (self->account, url, database, user, password,
                         account_saved_cb, save);

  if (self->manager != NULL)
    fb_account_configure (self->account, self->manager);
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
  gboolean active = gtk_switch_get_active (self->sync_switch);

  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, "sync-enabled", active);
  if (self->manager != NULL)
    fb_sync_manager_set_enabled (self->manager, active);
}

static void
sync_enabled_changed_cb (FbPreferences *self)
{
  update_sync_row (self);
}

/* ---- Loading the password ---- */

static void
password_loaded (FbPreferences *self)
{
  const char *password = fb_account_get_password (self->account);

  self->password_loaded = TRUE;
  if (password != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);

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
  g_autoptr(FbPreferences) self = fb_weak_ref_steal (user_data);
  g_autoptr(GError) error = NULL;

  fb_account_load_password_finish (FB_ACCOUNT (object), result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      /* Translators: %s says why, in the keyring's words. */
      g_autofree char *message = g_strdup_printf (_("The password could not be read from the keyring: %s"),
                                                  error->message);

      add_error_toast (self, message);
    }

  password_loaded (self);
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
test_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FbPreferences) self = fb_weak_ref_steal (user_data);
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *words = NULL;
  const char *icon_name = "dialog-warning-symbolic";
  const char *database = fb_account_get_database (FB_ACCOUNT (object));

  info = fb_account_test_finish (FB_ACCOUNT (object), result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (FB_ACCOUNT (object) != self->test_account)
    return;

  set_testing (self, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->create_button), FALSE);

  if (info != NULL)
    {
      icon_name = "emblem-ok-symbolic";
      if (self->test_create)
        /* Translators: %s is a database name. */
        words = g_strdup_printf (_("The database “%s” was created. The server is ready to sync."),
                                 database);
      else
        /* Translators: %s is a database name. */
        words = g_strdup_printf (_("The server is reachable and the database “%s” is ready."),
                                 database);
    }
  else if (g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_FOUND))
    {
      /* Translators: %s is a database name. */
      words = g_strdup_printf (_("The server answered, but it has no database “%s”. "
                                 "It can be created now."),
                               database);
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

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  g_clear_object (&self->test_account);

  if (*url == '\0')
    {
      set_test_result (self, _("Enter the server’s address first."), "dialog-warning-symbolic");
      return;
    }

  /* Each run has its own account: the callback tells the last run by it. */
  self->test_account = fb_account_new (NULL);
  fb_account_set (self->test_account, url, database, user,
                  gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
  self->test_create = create;
  self->test_cancellable = g_cancellable_new ();
  set_testing (self, TRUE);
  set_test_result (self, create ? _("Creating the database…") : _("Connecting…"), NULL);

  fb_account_test_async (self->test_account, create, self->test_cancellable,
                         test_done_cb, fb_weak_ref_new (self));
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

  self->settings = fb_settings_new_if_installed ();
  self->account = fb_account_new (self->settings);

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), fb_account_get_server_url (self->account));
  gtk_editable_set_text (GTK_EDITABLE (self->database_row), fb_account_get_database (self->account));
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), fb_account_get_user (self->account));
  if (self->manager != NULL)
    adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                                ADW_PREFERENCES_PAGE (fb_encryption_page_new (self->manager,
                                                                              self->account)));

  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::sync-enabled",
                             G_CALLBACK (sync_enabled_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self->sync_switch, "notify::active",
                            G_CALLBACK (sync_switch_active_cb), self);
  update_sync_row (self);

  if (fb_account_is_configured (self->account))
    fb_account_load_password_async (self->account, self->cancellable,
                                    password_lookup_cb, fb_weak_ref_new (self));
  else
    password_loaded (self);
}

static void
fb_preferences_dispose (GObject *object)
{
  FbPreferences *self = FB_PREFERENCES (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  g_clear_object (&self->test_account);
  g_clear_object (&self->account);
  g_clear_object (&self->manager);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), FB_TYPE_PREFERENCES);

  G_OBJECT_CLASS (fb_preferences_parent_class)->dispose (object);
}

static void
fb_preferences_finalize (GObject *object)
{
  FbPreferences *self = FB_PREFERENCES (object);

  g_clear_object (&self->cancellable);
  g_free (self->test_result);

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
                                               "/io/github/fieldbook/Fieldbook/ui/fb-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, FbPreferences, sync_row);
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
  self->cancellable = g_cancellable_new ();
  set_test_result (self, _("Not tested yet"), NULL);
}
