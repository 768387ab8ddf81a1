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

/* ---- Writes, one at a time ----
 *
 * libsecret's file backend (a Flatpak's keyring, and the tests') writes its
 * whole file for each change, guarded by the time the file had when it last
 * wrote it: a write begun after the one before it reached the disk, but
 * before that one's answer arrived, is refused ("The file was externally
 * modified"). A password typed and changed again, or saved with the
 * passphrase, would lose one of them; so this program's writes go in turn.
 * All of them start on the main thread. */

typedef struct
{
  const SecretSchema *schema;
  GHashTable         *attributes;
  char               *label;    /* NULL: the entry is cleared */
  char               *secret;
} Write;

static void
write_free (Write *write)
{
  g_hash_table_unref (write->attributes);
  g_free (write->label);
  if (write->secret != NULL)
    secret_password_wipe (write->secret);
  g_free (write->secret);
  g_free (write);
}

/* Of GTask; the head is being written. */
static GQueue writes = G_QUEUE_INIT;

static void write_start (GTask *task);

static void
write_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Write *write = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean done;

  if (write->label != NULL)
    done = secret_password_store_finish (result, &error);
  else
    done = secret_password_clear_finish (result, &error);

  /* The next one first: a caller told below may queue another. */
  g_assert (g_queue_peek_head (&writes) == task);
  g_queue_pop_head (&writes);
  if (!g_queue_is_empty (&writes))
    write_start (g_queue_peek_head (&writes));

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, done);
  g_object_unref (task);
}

static void
write_start (GTask *task)
{
  Write *write = g_task_get_task_data (task);

  if (write->label != NULL)
    secret_password_storev (write->schema, write->attributes, SECRET_COLLECTION_DEFAULT,
                            write->label, write->secret, g_task_get_cancellable (task),
                            write_done_cb, task);
  else
    secret_password_clearv (write->schema, write->attributes, g_task_get_cancellable (task),
                            write_done_cb, task);
}

/* Stores @secret under @label (NULL: clears the entry) for the attributes
 * @name1 = @value1, @name2 = @value2, after the writes before it. */
static void
write_async (const SecretSchema  *schema,
             const char          *name1,
             const char          *value1,
             const char          *name2,
             const char          *value2,
             char                *label,
             const char          *secret,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Write *write = g_new0 (Write, 1);

  g_task_set_source_tag (task, write_async);
  write->schema = schema;
  write->attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (write->attributes, (gpointer) name1, g_strdup (value1));
  g_hash_table_insert (write->attributes, (gpointer) name2, g_strdup (value2));
  write->label = label;
  write->secret = g_strdup (secret);
  g_task_set_task_data (task, write, (GDestroyNotify) write_free);

  g_queue_push_tail (&writes, task);
  if (g_queue_get_length (&writes) == 1)
    write_start (task);
}

static gboolean
write_finish (GAsyncResult  *result,
              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == write_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fb_credentials_store_async (const char          *server_url,
                            const char          *user,
                            const char          *password,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (server_url != NULL);
  g_return_if_fail (password != NULL);

  write_async (fb_credentials_get_schema (), "server", server_url, "user", user_attribute (user),
               make_label (server_url, user), password, cancellable, callback, user_data);
}

gboolean
fb_credentials_store_finish (GAsyncResult  *result,
                             GError       **error)
{
  return write_finish (result, error);
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

  write_async (fb_credentials_get_schema (), "server", server_url, "user", user_attribute (user),
               NULL, NULL, cancellable, callback, user_data);
}

gboolean
fb_credentials_clear_finish (GAsyncResult  *result,
                             GError       **error)
{
  return write_finish (result, error);
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
  g_return_if_fail (server_url != NULL && database != NULL);
  g_return_if_fail (passphrase != NULL);

  write_async (passphrase_schema (), "server", server_url, "database", database,
               make_passphrase_label (server_url, database), passphrase,
               cancellable, callback, user_data);
}

gboolean
fb_credentials_store_passphrase_finish (GAsyncResult  *result,
                                        GError       **error)
{
  return write_finish (result, error);
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
