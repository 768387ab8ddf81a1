/* fb-account.c: the sync account: settings + keyring → a configured sync manager or client */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-account"

#include "config.h"

#include <string.h>

#include "fb-account.h"
#include "fb-credentials.h"
#include "fb-crypto.h"

/* Owns: where the account's values live (GSettings keys server-url,
 * database, user-name, sync-enabled; the password in the keyring), the
 * order they are written in, and turning them into a remote for
 * FbSyncManager or an FbCouchClient. Used by the application, the
 * preferences window and the command line. */

/* One preferences apply writes up to three keys: they are read once. */
#define SETTINGS_DELAY_MS 200

struct _FbAccount
{
  GObject       parent_instance;

  GSettings    *settings;  /* nullable */
  GCancellable *cancellable;

  char         *server_url;
  char         *database;
  char         *user;
  char         *password;
  /* The end-to-end encryption passphrase of server_url's database. */
  char         *passphrase;
  gboolean      enabled;

  guint         settings_source;
  /* Bumped by each settings read, so a slow keyring answer for older
   * values is dropped. */
  guint         generation;
  /* Saves whose settings are not written yet: the settings they change
   * are this account's values already. */
  guint         saves_pending;
};

G_DEFINE_FINAL_TYPE (FbAccount, fb_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_SERVER_URL,
  PROP_DATABASE,
  PROP_USER,
  PROP_ENABLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GSettings *
fb_settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, FB_SETTINGS_SCHEMA_ID, TRUE);

  if (schema == NULL)
    {
      g_debug ("Settings schema %s is not installed; nothing is remembered",
               FB_SETTINGS_SCHEMA_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

/* Compares, assigns, notifies: TRUE when @value was new. */
static gboolean
set_string_prop (FbAccount   *self,
                 char       **field,
                 const char  *value,
                 GParamSpec  *pspec)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
  return TRUE;
}

static void
set_enabled (FbAccount *self,
             gboolean   enabled)
{
  enabled = !!enabled;
  if (self->enabled == enabled)
    return;

  self->enabled = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

/* The values as the account keeps them: an address and user without
 * surrounding space, never NULL; the default database for none; no empty
 * password. */
static void
normalize (const char  *server_url,
           const char  *database,
           const char  *user,
           const char  *password,
           char       **out_url,
           char       **out_database,
           char       **out_user,
           char       **out_password)
{
  *out_url = g_strstrip (g_strdup (server_url != NULL ? server_url : ""));
  *out_database = g_strstrip (g_strdup (database != NULL ? database : ""));
  if (**out_database == '\0')
    {
      g_free (*out_database);
      *out_database = g_strdup (FB_ACCOUNT_DEFAULT_DATABASE);
    }
  *out_user = g_strstrip (g_strdup (user != NULL ? user : ""));
  *out_password = password != NULL && *password != '\0' ? g_strdup (password) : NULL;
}

/* Takes the normalized values; emits "changed" once if any differs. */
static void
take_values (FbAccount *self,
             char      *server_url,
             char      *database,
             char      *user,
             char      *password,
             char      *passphrase)
{
  gboolean changed = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  changed |= set_string_prop (self, &self->server_url, server_url, properties[PROP_SERVER_URL]);
  changed |= set_string_prop (self, &self->database, database, properties[PROP_DATABASE]);
  changed |= set_string_prop (self, &self->user, user, properties[PROP_USER]);
  if (g_strcmp0 (self->password, password) != 0)
    {
      fb_secret_free (&self->password);
      self->password = g_strdup (password);
      changed = TRUE;
    }
  if (g_strcmp0 (self->passphrase, passphrase) != 0)
    {
      fb_secret_free (&self->passphrase);
      self->passphrase = g_strdup (passphrase);
      changed = TRUE;
    }
  g_object_thaw_notify (G_OBJECT (self));

  g_free (server_url);
  g_free (database);
  g_free (user);
  fb_secret_free (&password);
  fb_secret_free (&passphrase);

  if (changed)
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
read_settings (FbAccount  *self,
               char      **server_url,
               char      **database,
               char      **user)
{
  g_autofree char *url = g_settings_get_string (self->settings, "server-url");
  g_autofree char *db = g_settings_get_string (self->settings, "database");
  g_autofree char *name = g_settings_get_string (self->settings, "user-name");
  char *no_password = NULL;

  normalize (url, db, name, NULL, server_url, database, user, &no_password);
}

/* ---- Following the settings ---- */

typedef struct {
  FbAccount *self;
  guint      generation;
  char      *server_url;
  char      *database;
  char      *user;
  char      *password;
} SettingsLookup;

static void
settings_lookup_free (SettingsLookup *lookup)
{
  g_object_unref (lookup->self);
  g_free (lookup->server_url);
  g_free (lookup->database);
  g_free (lookup->user);
  fb_secret_free (&lookup->password);
  g_free (lookup);
}

static void
settings_passphrase_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  SettingsLookup *lookup = user_data;
  FbAccount *self = lookup->self;
  g_autoptr(GError) error = NULL;
  char *passphrase = fb_credentials_lookup_passphrase_finish (result, &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      lookup->generation == self->generation)
    {
      /* Without it, an encrypted database says that it needs one. */
      if (error != NULL)
        g_message ("Cannot read the encryption passphrase from the keyring: %s", error->message);

      take_values (self, g_steal_pointer (&lookup->server_url),
                   g_steal_pointer (&lookup->database), g_steal_pointer (&lookup->user),
                   g_steal_pointer (&lookup->password), g_steal_pointer (&passphrase));
    }

  fb_secret_free (&passphrase);
  settings_lookup_free (lookup);
}

static void
settings_password_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  SettingsLookup *lookup = user_data;
  FbAccount *self = lookup->self;
  g_autoptr(GError) error = NULL;

  lookup->password = fb_credentials_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      lookup->generation != self->generation)
    {
      settings_lookup_free (lookup);
      return;
    }

  /* Without the keyring, try without a password: the server says
   * whether it needs one. */
  if (error != NULL)
    g_message ("Cannot read the sync password from the keyring: %s", error->message);

  fb_credentials_lookup_passphrase_async (lookup->server_url, lookup->database,
                                          self->cancellable, settings_passphrase_cb, lookup);
}

static gboolean
settings_timeout_cb (gpointer user_data)
{
  FbAccount *self = user_data;
  SettingsLookup *lookup;
  char *server_url;
  char *database;
  char *user;

  self->settings_source = 0;
  if (self->saves_pending > 0)
    return G_SOURCE_REMOVE;

  read_settings (self, &server_url, &database, &user);
  self->generation++;

  if (g_strcmp0 (server_url, self->server_url) == 0 &&
      g_strcmp0 (database, self->database) == 0 &&
      g_strcmp0 (user, self->user) == 0)
    {
      g_free (server_url);
      g_free (database);
      g_free (user);
      return G_SOURCE_REMOVE;
    }

  if (*server_url == '\0')
    {
      take_values (self, server_url, database, user, NULL, NULL);
      return G_SOURCE_REMOVE;
    }

  lookup = g_new0 (SettingsLookup, 1);
  lookup->self = g_object_ref (self);
  lookup->generation = self->generation;
  lookup->server_url = server_url;
  lookup->database = database;
  lookup->user = user;
  fb_credentials_lookup_async (lookup->server_url, lookup->user, self->cancellable,
                               settings_password_cb, lookup);

  return G_SOURCE_REMOVE;
}

static void
settings_changed_cb (FbAccount  *self,
                     const char *key,
                     GSettings  *settings)
{
  if (g_strcmp0 (key, "sync-enabled") == 0)
    {
      set_enabled (self, g_settings_get_boolean (settings, "sync-enabled"));
      return;
    }

  if (g_strcmp0 (key, "server-url") != 0 &&
      g_strcmp0 (key, "database") != 0 &&
      g_strcmp0 (key, "user-name") != 0)
    return;

  if (self->saves_pending > 0)
    return;

  /* Restarted by each change: one read for one apply. */
  g_clear_handle_id (&self->settings_source, g_source_remove);
  self->settings_source = g_timeout_add (SETTINGS_DELAY_MS, settings_timeout_cb, self);
}

/* The passphrase is the database's: kept while the server and database
 * stay. */
static char *
same_database_passphrase (FbAccount  *self,
                          const char *server_url,
                          const char *database)
{
  if (g_strcmp0 (server_url, self->server_url) != 0 ||
      g_strcmp0 (database, self->database) != 0)
    return NULL;
  return g_strdup (self->passphrase);
}

/* ---- Public ---- */

FbAccount *
fb_account_new (GSettings *settings)
{
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (FB_TYPE_ACCOUNT, "settings", settings, NULL);
}

const char *
fb_account_get_server_url (FbAccount *self)
{
  g_return_val_if_fail (FB_IS_ACCOUNT (self), NULL);

  return self->server_url;
}

const char *
fb_account_get_database (FbAccount *self)
{
  g_return_val_if_fail (FB_IS_ACCOUNT (self), NULL);

  return self->database;
}

const char *
fb_account_get_user (FbAccount *self)
{
  g_return_val_if_fail (FB_IS_ACCOUNT (self), NULL);

  return self->user;
}

const char *
fb_account_get_password (FbAccount *self)
{
  g_return_val_if_fail (FB_IS_ACCOUNT (self), NULL);

  return self->password;
}

const char *
fb_account_get_passphrase (FbAccount *self)
{
  g_return_val_if_fail (FB_IS_ACCOUNT (self), NULL);

  return self->passphrase;
}

gboolean
fb_account_get_enabled (FbAccount *self)
{
  g_return_val_if_fail (FB_IS_ACCOUNT (self), FALSE);

  return self->enabled;
}

gboolean
fb_account_is_configured (FbAccount *self)
{
  g_return_val_if_fail (FB_IS_ACCOUNT (self), FALSE);

  return *self->server_url != '\0';
}

void
fb_account_set (FbAccount  *self,
                const char *server_url,
                const char *database,
                const char *user,
                const char *password)
{
  char *url, *db, *name, *secret;

  g_return_if_fail (FB_IS_ACCOUNT (self));

  normalize (server_url, database, user, password, &url, &db, &name, &secret);
  /* A password still being looked up is for the values before. */
  self->generation++;
  take_values (self, url, db, name, secret, same_database_passphrase (self, url, db));
}

/* ---- Loading the password and the passphrase ---- */

typedef struct {
  guint  generation;
  char  *password;
} PasswordLoad;

static void
password_load_free (PasswordLoad *load)
{
  fb_secret_free (&load->password);
  g_free (load);
}

static void
load_passphrase_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbAccount *self = g_task_get_source_object (task);
  PasswordLoad *load = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *passphrase = fb_credentials_lookup_passphrase_finish (result, &error);

  /* Values changed meanwhile: these secrets are for the old ones. The
   * password counts even when the passphrase could not be read. */
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      load->generation == self->generation)
    take_values (self, g_strdup (self->server_url), g_strdup (self->database),
                 g_strdup (self->user), g_steal_pointer (&load->password),
                 g_steal_pointer (&passphrase));
  fb_secret_free (&passphrase);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
load_password_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbAccount *self = g_task_get_source_object (task);
  PasswordLoad *load = g_task_get_task_data (task);
  GCancellable *cancellable;
  g_autoptr(GError) error = NULL;

  load->password = fb_credentials_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  fb_credentials_lookup_passphrase_async (self->server_url, self->database, cancellable,
                                          load_passphrase_cb, g_steal_pointer (&task));
}

void
fb_account_load_password_async (FbAccount           *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PasswordLoad *load;

  g_return_if_fail (FB_IS_ACCOUNT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_account_load_password_async);
  load = g_new0 (PasswordLoad, 1);
  load->generation = self->generation;
  g_task_set_task_data (task, load, (GDestroyNotify) password_load_free);

  if (!fb_account_is_configured (self))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  fb_credentials_lookup_async (self->server_url, self->user, cancellable,
                               load_password_cb, g_steal_pointer (&task));
}

gboolean
fb_account_load_password_finish (FbAccount     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (FB_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
fb_account_load_password_sync (FbAccount     *self,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  char *password;
  char *passphrase;

  g_return_val_if_fail (FB_IS_ACCOUNT (self), FALSE);

  if (!fb_account_is_configured (self))
    return TRUE;

  password = fb_credentials_lookup_sync (self->server_url, self->user, cancellable,
                                         &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* The password counts even when the passphrase could not be read. */
  passphrase = fb_credentials_lookup_passphrase_sync (self->server_url, self->database,
                                                      cancellable, &local_error);
  take_values (self, g_strdup (self->server_url), g_strdup (self->database),
               g_strdup (self->user), password, passphrase);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* ---- Saving the passphrase ---- */

static void
passphrase_stored_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FbAccount *self = g_task_get_source_object (task);
  PasswordLoad *load = g_task_get_task_data (task);
  GError *error = NULL;

  if (!fb_credentials_store_passphrase_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (load->generation == self->generation)
    take_values (self, g_strdup (self->server_url), g_strdup (self->database),
                 g_strdup (self->user), g_strdup (self->password),
                 g_steal_pointer (&load->password));
  g_task_return_boolean (task, TRUE);
}

void
fb_account_save_passphrase_async (FbAccount           *self,
                                  const char          *passphrase,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PasswordLoad *load;

  g_return_if_fail (FB_IS_ACCOUNT (self));
  g_return_if_fail (passphrase != NULL && *passphrase != '\0');

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, fb_account_save_passphrase_async);
  /* The same pair as a load: the values' generation and the secret. */
  load = g_new0 (PasswordLoad, 1);
  load->generation = self->generation;
  load->password = g_strdup (passphrase);
  g_task_set_task_data (task, load, (GDestroyNotify) password_load_free);

  if (!fb_account_is_configured (self))
    {
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_CONFIGURED,
                               "No server is set up");
      return;
    }

  fb_credentials_store_passphrase_async (self->server_url, self->database, passphrase, NULL,
                                         passphrase_stored_cb, g_steal_pointer (&task));
}

gboolean
fb_account_save_passphrase_finish (FbAccount     *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (FB_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Saving ---- */

/* The values a save writes to the settings once the keyring answered. */
typedef struct {
  char *server_url;
  char *database;
  char *user;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_free (data->server_url);
  g_free (data->database);
  g_free (data->user);
  g_free (data);
}

static void
write_setting (GSettings  *settings,
               const char *key,
               const char *value)
{
  g_autofree char *old = g_settings_get_string (settings, key);

  if (g_strcmp0 (old, value) != 0)
    g_settings_set_string (settings, key, value);
}

/* Writes what changed and ends the save with @error (taken; nullable). */
static void
save_finish_settings (GTask  *task,
                      GError *error)
{
  FbAccount *self = g_task_get_source_object (task);
  SaveData *data = g_task_get_task_data (task);

  if (self->settings != NULL)
    {
      write_setting (self->settings, "server-url", data->server_url);
      write_setting (self->settings, "database", data->database);
      write_setting (self->settings, "user-name", data->user);
    }
  self->saves_pending--;

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
password_stored_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  fb_credentials_store_finish (result, &error);
  save_finish_settings (task, error);
}

static void
password_cleared_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  fb_credentials_clear_finish (result, &error);
  save_finish_settings (task, error);
}

void
fb_account_save_async (FbAccount           *self,
                       const char          *server_url,
                       const char          *database,
                       const char          *user,
                       const char          *password,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char *url, *db, *name, *secret;
  SaveData *data;
  gboolean account_changed;
  gboolean password_changed;
  gboolean had_password;

  g_return_if_fail (FB_IS_ACCOUNT (self));

  normalize (server_url, database, user, password, &url, &db, &name, &secret);
  account_changed = g_strcmp0 (url, self->server_url) != 0 ||
                    g_strcmp0 (name, self->user) != 0;
  password_changed = g_strcmp0 (secret, self->password) != 0;
  had_password = self->password != NULL;

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, fb_account_save_async);
  data = g_new0 (SaveData, 1);
  data->server_url = g_strdup (url);
  data->database = g_strdup (db);
  data->user = g_strdup (name);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);

  self->saves_pending++;
  /* A settings read still waiting would bring back the values before. */
  g_clear_handle_id (&self->settings_source, g_source_remove);
  self->generation++;

  if (*url != '\0' && secret != NULL && (account_changed || password_changed))
    fb_credentials_store_async (url, name, secret, NULL,
                                password_stored_cb, g_steal_pointer (&task));
  else if (*url != '\0' && secret == NULL && !account_changed && had_password)
    fb_credentials_clear_async (url, name, NULL,
                                password_cleared_cb, g_steal_pointer (&task));
  else
    save_finish_settings (task, NULL);

  take_values (self, url, db, name, secret, same_database_passphrase (self, url, db));
}

gboolean
fb_account_save_finish (FbAccount     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (FB_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Using it ---- */

void
fb_account_configure (FbAccount     *self,
                      FbSyncManager *manager)
{
  g_return_if_fail (FB_IS_ACCOUNT (self));
  g_return_if_fail (FB_IS_SYNC_MANAGER (manager));

  /* First: a run the new remote starts reads the passphrase. */
  fb_sync_manager_set_passphrase (manager, self->passphrase);
  fb_sync_manager_set_remote (manager,
                              fb_account_is_configured (self) ? self->server_url : NULL,
                              self->database,
                              *self->user != '\0' ? self->user : NULL,
                              self->password);
}

/* A client for the account's database, or NULL with an FB_SYNC_ERROR
 * (e.g. an address that is not http(s)). */
static FbCouchClient *
new_client (FbAccount  *self,
            GError    **error)
{
  return fb_couch_client_new (self->server_url, self->database,
                              *self->user != '\0' ? self->user : NULL,
                              self->password, error);
}

static void
test_open_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  JsonObject *info;

  info = fb_couch_client_open_database_finish (FB_COUCH_CLIENT (object), result, &error);
  if (info == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, info, (GDestroyNotify) json_object_unref);
}

void
fb_account_test_async (FbAccount           *self,
                       gboolean             create,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(FbCouchClient) client = NULL;
  GError *error = NULL;

  g_return_if_fail (FB_IS_ACCOUNT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_account_test_async);

  client = new_client (self, &error);
  if (client == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  fb_couch_client_open_database_async (client, create, cancellable,
                                       test_open_cb, g_steal_pointer (&task));
}

JsonObject *
fb_account_test_finish (FbAccount     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (FB_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- GObject ---- */

static void
fb_account_constructed (GObject *object)
{
  FbAccount *self = FB_ACCOUNT (object);

  G_OBJECT_CLASS (fb_account_parent_class)->constructed (object);

  if (self->settings == NULL)
    return;

  g_free (self->server_url);
  g_free (self->database);
  g_free (self->user);
  read_settings (self, &self->server_url, &self->database, &self->user);
  self->enabled = g_settings_get_boolean (self->settings, "sync-enabled");
  g_signal_connect_object (self->settings, "changed",
                           G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
fb_account_dispose (GObject *object)
{
  FbAccount *self = FB_ACCOUNT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->settings_source, g_source_remove);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (fb_account_parent_class)->dispose (object);
}

static void
fb_account_finalize (GObject *object)
{
  FbAccount *self = FB_ACCOUNT (object);

  g_clear_object (&self->cancellable);
  g_free (self->server_url);
  g_free (self->database);
  g_free (self->user);
  fb_secret_free (&self->password);
  fb_secret_free (&self->passphrase);

  G_OBJECT_CLASS (fb_account_parent_class)->finalize (object);
}

static void
fb_account_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  FbAccount *self = FB_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_DATABASE:
      g_value_set_string (value, self->database);
      break;
    case PROP_USER:
      g_value_set_string (value, self->user);
      break;
    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_account_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  FbAccount *self = FB_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_account_class_init (FbAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fb_account_constructed;
  object_class->dispose = fb_account_dispose;
  object_class->finalize = fb_account_finalize;
  object_class->get_property = fb_account_get_property;
  object_class->set_property = fb_account_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DATABASE] =
    g_param_spec_string ("database", NULL, NULL, FB_ACCOUNT_DEFAULT_DATABASE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER] =
    g_param_spec_string ("user", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fb_account_init (FbAccount *self)
{
  self->cancellable = g_cancellable_new ();
  self->server_url = g_strdup ("");
  self->database = g_strdup (FB_ACCOUNT_DEFAULT_DATABASE);
  self->user = g_strdup ("");
  self->enabled = TRUE;
}
