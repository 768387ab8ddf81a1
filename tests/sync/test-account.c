/* test-account.c: FbAccount: the settings and the keyring as one account, and Test Connection */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-account"

#include "config.h"

#include <glib/gstdio.h>

#include "fb-account.h"
#include "fb-credentials.h"
#include "fb-sync-error.h"
#include "fb-test-server.h"
#include "fb-test-wait.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;

/* Generous: the machine may be busy; nothing here is timed. */
#define WAIT_MS 60000
#define WAIT_FOR(cond) WAIT_UNTIL (cond, WAIT_MS)

/* Settings as a fresh installation has them (the memory backend keeps
 * values for the whole process). */
static GSettings *
fresh_settings (void)
{
  GSettings *settings = g_settings_new (FB_SETTINGS_SCHEMA_ID);

  g_settings_reset (settings, "server-url");
  g_settings_reset (settings, "database");
  g_settings_reset (settings, "user-name");
  g_settings_reset (settings, "sync-enabled");
  return settings;
}

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  WAIT_FOR (*result != NULL);
  return *result;
}

/* What a fresh installation shows, and the values as the account keeps
 * them: no database is the default one, no surrounding spaces. */
static void
test_settings_values (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autoptr(FbAccount) account = NULL;

  account = fb_account_new (settings);
  g_assert_cmpstr (fb_account_get_server_url (account), ==, "");
  g_assert_cmpstr (fb_account_get_database (account), ==, FB_ACCOUNT_DEFAULT_DATABASE);
  g_assert_false (fb_account_is_configured (account));
  g_assert_null (fb_account_get_password (account));
  g_clear_object (&account);

  g_settings_set_string (settings, "server-url", "  https://couch.example.org/  ");
  g_settings_set_string (settings, "database", "");
  g_settings_set_string (settings, "user-name", "ana");
  g_settings_set_boolean (settings, "sync-enabled", FALSE);
  account = fb_account_new (settings);
  g_assert_cmpstr (fb_account_get_server_url (account), ==, "https://couch.example.org/");
  g_assert_cmpstr (fb_account_get_database (account), ==, FB_ACCOUNT_DEFAULT_DATABASE);
  g_assert_cmpstr (fb_account_get_user (account), ==, "ana");
  g_assert_false (fb_account_get_enabled (account));
  g_assert_true (fb_account_is_configured (account));
}

typedef struct {
  char *url_seen;
  char *password_seen; /* what the keyring held when server-url changed */
} Watch;

static void
watch_url_cb (GSettings  *settings,
              const char *key,
              Watch      *watch)
{
  if (g_strcmp0 (key, "server-url") != 0)
    return;

  g_free (watch->url_seen);
  watch->url_seen = g_settings_get_string (settings, "server-url");
  g_free (watch->password_seen);
  watch->password_seen = fb_credentials_lookup_sync (watch->url_seen, "carol", NULL, NULL);
}

/* A save: the account has the values at once; the keyring has the
 * password before the settings say where it belongs; an emptied password
 * is removed again; the account's own writes emit nothing more. */
static void
test_save_order (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autoptr(FbAccount) account = fb_account_new (settings);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *database = NULL;
  const char *url = "https://save.example.org/";
  Watch watch = { NULL, NULL };
  guint changed = 0;

  g_signal_connect (settings, "changed", G_CALLBACK (watch_url_cb), &watch);
  g_signal_connect (account, "changed", G_CALLBACK (count_cb), &changed);

  fb_account_save_async (account, url, "notes", " carol ", "hunter2", fb_test_got_result_cb, &result);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpstr (fb_account_get_server_url (account), ==, url);
  g_assert_cmpstr (fb_account_get_user (account), ==, "carol");
  g_assert_cmpstr (fb_account_get_password (account), ==, "hunter2");

  g_assert_true (fb_account_save_finish (account, wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (watch.url_seen, ==, url);
  g_assert_cmpstr (watch.password_seen, ==, "hunter2");
  database = g_settings_get_string (settings, "database");
  g_assert_cmpstr (database, ==, "notes");

  g_clear_object (&result);
  fb_account_save_async (account, url, "notes", "carol", "", fb_test_got_result_cb, &result);
  g_assert_true (fb_account_save_finish (account, wait_for_result (&result), &error));
  stored = fb_credentials_lookup_sync (url, "carol", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (stored);
  g_assert_null (fb_account_get_password (account));

  g_signal_handlers_disconnect_by_data (settings, &watch);
  g_free (watch.url_seen);
  g_free (watch.password_seen);
}

typedef struct {
  guint  count;
  char  *url;
  char  *user;
  char  *password;
} Seen;

static void
seen_changed_cb (FbAccount *account,
                 Seen      *seen)
{
  seen->count++;
  g_free (seen->url);
  seen->url = g_strdup (fb_account_get_server_url (account));
  g_free (seen->user);
  seen->user = g_strdup (fb_account_get_user (account));
  g_free (seen->password);
  seen->password = g_strdup (fb_account_get_password (account));
}

/* Someone else (another window, gsettings set) changes the server and the
 * user: the account changes once, with both and with the keyring's
 * password for them; sync-enabled follows at once. */
static void
test_follows_settings (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autoptr(FbAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  const char *url = "https://follow.example.org/";
  Seen seen = { 0, };
  guint url_notified = 0;

  g_assert_true (fb_credentials_store_sync (url, "dora", "pa55", NULL, &error));
  g_assert_no_error (error);

  account = fb_account_new (settings);
  g_signal_connect (account, "changed", G_CALLBACK (seen_changed_cb), &seen);
  g_signal_connect (account, "notify::server-url", G_CALLBACK (count_notify_cb), &url_notified);

  g_settings_set_string (settings, "server-url", url);
  g_settings_set_string (settings, "user-name", "dora");
  WAIT_FOR (seen.count > 0);
  g_assert_cmpstr (seen.url, ==, url);
  g_assert_cmpstr (seen.user, ==, "dora");
  g_assert_cmpstr (seen.password, ==, "pa55");
  g_assert_cmpuint (url_notified, ==, 1);

  g_assert_true (fb_account_get_enabled (account));
  g_settings_set_boolean (settings, "sync-enabled", FALSE);
  WAIT_FOR (!fb_account_get_enabled (account));

  g_free (seen.url);
  g_free (seen.user);
  g_free (seen.password);
}

/* The password comes from the keyring for the account's server and user. */
static void
test_load_password (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autoptr(FbAccount) account = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *url = "https://load.example.org/";

  g_assert_true (fb_credentials_store_sync (url, "erin", "letmein", NULL, &error));
  g_settings_set_string (settings, "server-url", url);
  g_settings_set_string (settings, "user-name", "erin");
  account = fb_account_new (settings);
  g_assert_null (fb_account_get_password (account));

  fb_account_load_password_async (account, NULL, fb_test_got_result_cb, &result);
  g_assert_true (fb_account_load_password_finish (account, wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fb_account_get_password (account), ==, "letmein");

  g_clear_object (&account);
  account = fb_account_new (settings);
  g_assert_true (fb_account_load_password_sync (account, NULL, &error));
  g_assert_cmpstr (fb_account_get_password (account), ==, "letmein");
}

/* A person types a new password and changes it again, and saves the
 * database's passphrase, before the keyring has answered the first: every
 * save succeeds, and the keyring keeps the last password. (libsecret's file
 * backend, a Flatpak's keyring, refuses a write begun after the one before
 * it reached the disk but before its answer came: fb-credentials.c.) */
static void
test_saves_overlap (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autoptr(FbAccount) account = fb_account_new (settings);
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  const char *url = "https://overlap.example.org/";

  /* The keyring's file exists, as after the first save on a device. */
  g_assert_true (fb_credentials_store_sync (url, "fern", "first", NULL, &error));
  g_assert_no_error (error);

  /* Many times over: an overlapping write fails only when the file's time
   * (its etag) moved on between the two. */
  for (guint round = 0; round < 50; round++)
    {
      GAsyncResult *results[3] = { NULL, };
      g_autoptr(GAsyncResult) passphrase_result = NULL;
      g_autofree char *passphrase = g_strdup_printf ("tawny at dusk %u", round);
      g_autofree char *last = g_strdup_printf ("owl %u.%u", round, (guint) G_N_ELEMENTS (results) - 1);

      for (guint i = 0; i < G_N_ELEMENTS (results); i++)
        {
          g_autofree char *password = g_strdup_printf ("owl %u.%u", round, i);

          fb_account_save_async (account, url, "notes", "fern", password,
                                 fb_test_got_result_cb, &results[i]);
        }
      fb_account_save_passphrase_async (account, passphrase, fb_test_got_result_cb,
                                        &passphrase_result);

      for (guint i = 0; i < G_N_ELEMENTS (results); i++)
        {
          g_assert_true (fb_account_save_finish (account, wait_for_result (&results[i]), &error));
          g_assert_no_error (error);
          g_clear_object (&results[i]);
        }
      g_assert_true (fb_account_save_passphrase_finish (account, wait_for_result (&passphrase_result),
                                                        &error));
      g_assert_no_error (error);

      stored = fb_credentials_lookup_sync (url, "fern", NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (stored, ==, last);
      g_clear_pointer (&stored, g_free);
    }
}

/* The encryption passphrase is the database's: loaded with the password,
 * saved to the keyring for the server and database, followed when the
 * settings move to another database, and handed to the sync manager. */
static void
test_passphrase (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autoptr(FbAccount) account = NULL;
  g_autoptr(FbAccount) other = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  const char *url = "https://crypt.example.org/";
  guint changed = 0;

  g_assert_true (fb_credentials_store_passphrase_sync (url, "field", "kestrel over the dunes",
                                                       NULL, &error));
  g_assert_no_error (error);
  g_settings_set_string (settings, "server-url", url);
  g_settings_set_string (settings, "database", "field");
  account = fb_account_new (settings);
  g_assert_null (fb_account_get_passphrase (account));

  fb_account_load_password_async (account, NULL, fb_test_got_result_cb, &result);
  g_assert_true (fb_account_load_password_finish (account, wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fb_account_get_passphrase (account), ==, "kestrel over the dunes");
  g_clear_object (&result);

  /* Another database on the same server has none. */
  g_signal_connect (account, "changed", G_CALLBACK (count_cb), &changed);
  g_settings_set_string (settings, "database", "office");
  WAIT_FOR (changed > 0);
  g_assert_cmpstr (fb_account_get_database (account), ==, "office");
  g_assert_null (fb_account_get_passphrase (account));

  /* Saved: the account has it, and so has the keyring, for "office" only. */
  changed = 0;
  fb_account_save_passphrase_async (account, "owl pellets", fb_test_got_result_cb, &result);
  g_assert_true (fb_account_save_passphrase_finish (account, wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fb_account_get_passphrase (account), ==, "owl pellets");
  g_assert_cmpuint (changed, ==, 1);
  stored = fb_credentials_lookup_passphrase_sync (url, "office", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, "owl pellets");
  g_clear_pointer (&stored, g_free);
  stored = fb_credentials_lookup_passphrase_sync (url, "field", NULL, &error);
  g_assert_cmpstr (stored, ==, "kestrel over the dunes");

  /* Back to "field": its own passphrase comes with it. */
  changed = 0;
  g_settings_set_string (settings, "database", "field");
  WAIT_FOR (changed > 0);
  g_assert_cmpstr (fb_account_get_passphrase (account), ==, "kestrel over the dunes");

  /* The synchronous load brings it too (the command line's way). */
  other = fb_account_new (settings);
  g_assert_true (fb_account_load_password_sync (other, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fb_account_get_passphrase (other), ==, "kestrel over the dunes");
}

static JsonObject *
run_test (FbAccount  *account,
          gboolean    create,
          GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fb_account_test_async (account, create, NULL, fb_test_got_result_cb, &result);
  return fb_account_test_finish (account, wait_for_result (&result), error);
}

/* Test Connection against a real server: each outcome has its own error. */
static void
test_connection (void)
{
  g_autoptr(FbAccount) account = fb_account_new (NULL);
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(GError) error = NULL;
  const char *url = fb_test_server_get_url (server);

  fb_account_set (account, url, "account-test", ADMIN, PASSWORD);
  info = run_test (account, FALSE, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_FOUND);
  g_assert_null (info);
  g_clear_error (&error);

  info = run_test (account, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (info, "db_name"), ==, "account-test");
  g_clear_pointer (&info, json_object_unref);

  info = run_test (account, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (info, "db_name"), ==, "account-test");
  g_clear_pointer (&info, json_object_unref);

  fb_account_set (account, url, "account-test", ADMIN, "wrong");
  info = run_test (account, FALSE, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  fb_account_set (account, "ftp://example.org/", NULL, NULL, NULL);
  info = run_test (account, FALSE, &error);
  g_assert_error (error, FB_SYNC_ERROR, FB_SYNC_ERROR_INVALID_URL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *keyring = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  tmp = g_dir_make_tmp ("fb-test-account-XXXXXX", &error);
  g_assert_no_error (error);
  keyring = g_build_filename (tmp, "keyring", NULL);
  /* libsecret's file backend: no D-Bus, no keyring daemon. */
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "test", TRUE);

  server = fb_test_server_start (ADMIN, PASSWORD, &error);
  g_assert_no_error (error);

  g_test_add_func ("/account/settings-values", test_settings_values);
  g_test_add_func ("/account/save-order", test_save_order);
  g_test_add_func ("/account/follows-settings", test_follows_settings);
  g_test_add_func ("/account/load-password", test_load_password);
  g_test_add_func ("/account/saves-overlap", test_saves_overlap);
  g_test_add_func ("/account/passphrase", test_passphrase);
  g_test_add_func ("/account/test-connection", test_connection);

  status = g_test_run ();
  fb_test_server_free (server);
  fb_test_remove_tree (tmp);
  return status;
}
