/* fb-credentials.c: the sync password in the keyring (libsecret / Secret portal) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-credentials.h"

const SecretSchema *
fb_credentials_get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.fieldbook.Fieldbook.Password", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static const char *
user_attribute (const char *user)
{
  return user != NULL ? user : "";
}

/* Copies a libsecret password into plain memory and wipes the original. */
static char *
take_password (char *password)
{
  char *copy;

  if (password == NULL)
    return NULL;
  copy = g_strdup (password);
  secret_password_free (password);
  return copy;
}

static char *
make_label (const char *server_url,
            const char *user)
{
  if (user != NULL && *user != '\0')
    /* Translators: the keyring entry's name; %s are a user name and a server address */
    return g_strdup_printf (_("Fieldbook password for %s on %s"), user, server_url);
  /* Translators: the keyring entry's name; %s is a server address */
  return g_strdup_printf (_("Fieldbook password for %s"), server_url);
}

void
fb_credentials_store_async (const char          *server_url,
                            const char          *user,
                            const char          *password,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *label = NULL;

  g_return_if_fail (server_url != NULL);
  g_return_if_fail (password != NULL);

  label = make_label (server_url, user);
  secret_password_store (fb_credentials_get_schema (), SECRET_COLLECTION_DEFAULT,
                         label, password, cancellable, callback, user_data,
                         "server", server_url,
                         "user", user_attribute (user),
                         NULL);
}

gboolean
fb_credentials_store_finish (GAsyncResult  *result,
                             GError       **error)
{
  return secret_password_store_finish (result, error);
}

gboolean
fb_credentials_store_sync (const char    *server_url,
                           const char    *user,
                           const char    *password,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (server_url != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  label = make_label (server_url, user);
  return secret_password_store_sync (fb_credentials_get_schema (), SECRET_COLLECTION_DEFAULT,
                                     label, password, cancellable, error,
                                     "server", server_url,
                                     "user", user_attribute (user),
                                     NULL);
}

void
fb_credentials_lookup_async (const char          *server_url,
                             const char          *user,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (server_url != NULL);

  secret_password_lookup (fb_credentials_get_schema (), cancellable, callback, user_data,
                          "server", server_url,
                          "user", user_attribute (user),
                          NULL);
}

char *
fb_credentials_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  return take_password (secret_password_lookup_finish (result, error));
}

char *
fb_credentials_lookup_sync (const char    *server_url,
                            const char    *user,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_return_val_if_fail (server_url != NULL, NULL);

  return take_password (secret_password_lookup_sync (fb_credentials_get_schema (),
                                                     cancellable, error,
                                                     "server", server_url,
                                                     "user", user_attribute (user),
                                                     NULL));
}

void
fb_credentials_clear_async (const char          *server_url,
                            const char          *user,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (server_url != NULL);

  secret_password_clear (fb_credentials_get_schema (), cancellable, callback, user_data,
                         "server", server_url,
                         "user", user_attribute (user),
                         NULL);
}

gboolean
fb_credentials_clear_finish (GAsyncResult  *result,
                             GError       **error)
{
  return secret_password_clear_finish (result, error);
}

gboolean
fb_credentials_clear_sync (const char    *server_url,
                           const char    *user,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_return_val_if_fail (server_url != NULL, FALSE);

  return secret_password_clear_sync (fb_credentials_get_schema (), cancellable, error,
                                     "server", server_url,
                                     "user", user_attribute (user),
                                     NULL);
}

/* ---- The end-to-end encryption passphrase, per server and database ---- */

static const SecretSchema *
passphrase_schema (void)
{
  static const SecretSchema schema = {
    "io.github.fieldbook.Fieldbook.Passphrase", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "database", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static char *
make_passphrase_label (const char *server_url,
                       const char *database)
{
  /* Translators: the keyring entry's name; %s are a database name and a server address */
  return g_strdup_printf (_("Fieldbook encryption passphrase for %s on %s"), database, server_url);
}

gboolean
fb_credentials_store_passphrase_sync (const char    *server_url,
                                      const char    *database,
                                      const char    *passphrase,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (server_url != NULL && database != NULL, FALSE);
  g_return_val_if_fail (passphrase != NULL, FALSE);

  label = make_passphrase_label (server_url, database);
  return secret_password_store_sync (passphrase_schema (), SECRET_COLLECTION_DEFAULT,
                                     label, passphrase, cancellable, error,
                                     "server", server_url,
                                     "database", database,
                                     NULL);
}

char *
fb_credentials_lookup_passphrase_sync (const char    *server_url,
                                       const char    *database,
                                       GCancellable  *cancellable,
                                       GError       **error)
{
  g_return_val_if_fail (server_url != NULL && database != NULL, NULL);

  return take_password (secret_password_lookup_sync (passphrase_schema (), cancellable, error,
                                                     "server", server_url,
                                                     "database", database,
                                                     NULL));
}

void
fb_credentials_store_passphrase_async (const char          *server_url,
                                       const char          *database,
                                       const char          *passphrase,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autofree char *label = NULL;

  g_return_if_fail (server_url != NULL && database != NULL);
  g_return_if_fail (passphrase != NULL);

  label = make_passphrase_label (server_url, database);
  secret_password_store (passphrase_schema (), SECRET_COLLECTION_DEFAULT,
                         label, passphrase, cancellable, callback, user_data,
                         "server", server_url,
                         "database", database,
                         NULL);
}

gboolean
fb_credentials_store_passphrase_finish (GAsyncResult  *result,
                                        GError       **error)
{
  return secret_password_store_finish (result, error);
}

void
fb_credentials_lookup_passphrase_async (const char          *server_url,
                                        const char          *database,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (server_url != NULL && database != NULL);

  secret_password_lookup (passphrase_schema (), cancellable, callback, user_data,
                          "server", server_url,
                          "database", database,
                          NULL);
}

char *
fb_credentials_lookup_passphrase_finish (GAsyncResult  *result,
                                         GError       **error)
{
  return take_password (secret_password_lookup_finish (result, error));
}
