/* test-preferences.c: the preferences window: GSettings, the keyring and Test Connection */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-preferences"

#include "config.h"

#include "fb-account.h"
#include "fb-credentials.h"
#include "fb-preferences.h"
#include "fb-test-proxy.h"
#include "sync-ui-test-util.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;

typedef struct {
  GtkWindow     *parent;
  FbPreferences *prefs;
  GSettings     *settings;
} Shown;

static void
reset_settings (GSettings *settings)
{
  const char *keys[] = { "server-url", "database", "user-name", "sync-enabled" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);
}

static Shown
show_prefs (FbSyncManager *manager)
{
  Shown shown;

  shown.settings = g_settings_new (FB_SETTINGS_SCHEMA_ID);
  shown.parent = GTK_WINDOW (gtk_window_new ());
  gtk_window_present (shown.parent);
  shown.prefs = FB_PREFERENCES (fb_preferences_new (shown.parent, manager));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (shown.prefs)) == shown.parent);
  gtk_window_present (GTK_WINDOW (shown.prefs));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (shown.prefs)));
  return shown;
}

static void
hide_prefs (Shown *shown)
{
  if (shown->prefs != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (shown->prefs), (gpointer *) &shown->prefs);
      gtk_window_destroy (GTK_WINDOW (shown->prefs));
    }
  gtk_window_destroy (shown->parent);
  WAIT_FOR (shown->prefs == NULL);
  reset_settings (shown->settings);
  g_clear_object (&shown->settings);
}

static gpointer
part (Shown      *shown,
      const char *name)
{
  return fb_test_template_child (shown->prefs, FB_TYPE_PREFERENCES, name);
}

static void
type_into (Shown      *shown,
           const char *row,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (part (shown, row)), text);
}

static void
apply_row (Shown      *shown,
           const char *row)
{
  g_signal_emit_by_name (part (shown, row), "apply");
}

static char *
keyring_password (const char *url,
                  const char *user)
{
  g_autoptr(GError) error = NULL;
  char *password = fb_credentials_lookup_sync (url, user, NULL, &error);

  g_assert_no_error (error);
  return password;
}

static gboolean
keyring_has (const char *url,
             const char *user,
             const char *expected)
{
  g_autofree char *password = keyring_password (url, user);

  return g_strcmp0 (password, expected) == 0;
}

/* No GSettings key of the schema holds @secret. */
static void
assert_not_in_settings (GSettings  *settings,
                        const char *secret)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      g_assert_null (strstr (text, secret));
    }
}

static const char *
test_result (Shown *shown)
{
  return fb_preferences_get_test_result (shown->prefs);
}

static gboolean
testing (Shown *shown)
{
  return gtk_widget_get_visible (part (shown, "test_spinner"));
}

static void
click_test (Shown *shown)
{
  g_signal_emit_by_name (part (shown, "test_button"), "clicked");
  g_assert_true (testing (shown));
  g_assert_false (gtk_widget_get_sensitive (part (shown, "test_button")));
  g_assert_cmpstr (test_result (shown), ==, "Connecting…");
  WAIT_FOR (!testing (shown));
  g_assert_true (gtk_widget_get_sensitive (part (shown, "test_button")));
  /* What the row says is what the window shows. */
  g_assert_cmpstr (adw_action_row_get_subtitle (part (shown, "test_row")), ==, test_result (shown));
}

/* ---- Tests ---- */

static void
test_url_writes_settings (void)
{
  g_autoptr(Peer) peer = peer_new (NULL, NULL, NULL, NULL, FALSE);
  Shown shown = show_prefs (peer->manager);

  g_assert_cmpstr (gtk_editable_get_text (part (&shown, "url_row")), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (part (&shown, "database_row")), ==, FB_ACCOUNT_DEFAULT_DATABASE);

  type_into (&shown, "url_row", "https://couch.example.org/");
  /* Not applied yet: nothing changes. */
  g_assert_cmpstr (g_settings_get_string (shown.settings, "server-url"), ==, "");
  apply_row (&shown, "url_row");
  g_assert_cmpstr (g_settings_get_string (shown.settings, "server-url"), ==, "https://couch.example.org/");
  /* The manager was given the new server. */
  g_assert_cmpint (fb_sync_manager_get_state (peer->manager), !=, FB_SYNC_STATE_NOT_CONFIGURED);

  type_into (&shown, "database_row", "field-notes");
  type_into (&shown, "user_row", "alice");
  apply_row (&shown, "user_row");
  g_assert_cmpstr (g_settings_get_string (shown.settings, "database"), ==, "field-notes");
  g_assert_cmpstr (g_settings_get_string (shown.settings, "user-name"), ==, "alice");

  /* An https:// address needs no warning. */
  g_assert_false (gtk_widget_get_visible (part (&shown, "http_warning_row")));

  hide_prefs (&shown);
}

static void
test_close_applies (void)
{
  g_autoptr(Peer) peer = peer_new (NULL, NULL, NULL, NULL, FALSE);
  Shown shown = show_prefs (peer->manager);

  type_into (&shown, "url_row", "https://couch.example.org");
  type_into (&shown, "database_row", "trip-2026");
  g_object_add_weak_pointer (G_OBJECT (shown.prefs), (gpointer *) &shown.prefs);
  gtk_window_close (GTK_WINDOW (shown.prefs));
  g_assert_cmpstr (g_settings_get_string (shown.settings, "server-url"), ==, "https://couch.example.org");
  g_assert_cmpstr (g_settings_get_string (shown.settings, "database"), ==, "trip-2026");
  WAIT_FOR (shown.prefs == NULL);

  hide_prefs (&shown);
}

typedef struct {
  const char *url;
  char       *password_seen; /* what the keyring held when the URL changed */
  gboolean    looked_up;
} UrlWatch;

static void
watch_lookup_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  UrlWatch *watch = user_data;
  g_autoptr(GError) error = NULL;

  watch->password_seen = fb_credentials_lookup_finish (result, &error);
  g_assert_no_error (error);
  watch->looked_up = TRUE;
}

/* Looks the password up the moment the address changes, as the
 * application does. */
static void
url_changed_cb (GSettings  *settings,
                const char *key,
                UrlWatch   *watch)
{
  g_autofree char *url = g_settings_get_string (settings, "server-url");

  if (g_strcmp0 (url, watch->url) == 0)
    fb_credentials_lookup_async (watch->url, "carol", NULL, watch_lookup_cb, watch);
}

/* Whoever reacts to the new server address (the application looks the
 * password up again) finds the new password already in the keyring. */
static void
test_settings_follow_keyring (void)
{
  g_autoptr(Peer) peer = peer_new (NULL, NULL, NULL, NULL, FALSE);
  g_autoptr(GSettings) watcher = g_settings_new (FB_SETTINGS_SCHEMA_ID);
  UrlWatch watch = { "https://couch.example.net/", NULL, FALSE };
  Shown shown = show_prefs (peer->manager);

  g_signal_connect (watcher, "changed::server-url", G_CALLBACK (url_changed_cb), &watch);
  type_into (&shown, "url_row", watch.url);
  type_into (&shown, "user_row", "carol");
  type_into (&shown, "password_row", "tea at four");
  g_object_add_weak_pointer (G_OBJECT (shown.prefs), (gpointer *) &shown.prefs);
  gtk_window_close (GTK_WINDOW (shown.prefs));

  WAIT_FOR (watch.looked_up);
  g_assert_cmpstr (watch.password_seen, ==, "tea at four");
  WAIT_FOR (shown.prefs == NULL);

  g_signal_handlers_disconnect_by_data (watcher, &watch);
  g_free (watch.password_seen);
  hide_prefs (&shown);
}

static void
test_password_in_keyring (void)
{
  const char *url = "https://couch.example.org/";
  g_autoptr(Peer) peer = peer_new (NULL, NULL, NULL, NULL, FALSE);
  Shown shown = show_prefs (peer->manager);

  type_into (&shown, "url_row", url);
  type_into (&shown, "user_row", "bob");
  type_into (&shown, "password_row", "correct horse battery");
  apply_row (&shown, "password_row");

  WAIT_FOR (keyring_has (url, "bob", "correct horse battery"));
  assert_not_in_settings (shown.settings, "correct horse");
  /* The account settings follow once the keyring has the password. */
  WAIT_FOR (g_strcmp0 (g_settings_get_string (shown.settings, "user-name"), "bob") == 0);
  hide_prefs (&shown);

  /* Opening again shows the stored password (hidden) in its row. */
  g_settings_set_string (shown.settings = g_settings_new (FB_SETTINGS_SCHEMA_ID),
                         "server-url", url);
  g_settings_set_string (shown.settings, "user-name", "bob");
  g_clear_object (&shown.settings);
  shown = show_prefs (peer->manager);
  WAIT_FOR (g_strcmp0 (gtk_editable_get_text (part (&shown, "password_row")),
                       "correct horse battery") == 0);

  /* Emptying it removes it from the keyring. */
  type_into (&shown, "password_row", "");
  apply_row (&shown, "password_row");
  WAIT_FOR (keyring_has (url, "bob", NULL));

  hide_prefs (&shown);
}

static void
test_http_warning (void)
{
  Shown shown = show_prefs (NULL);
  GtkWidget *warning = part (&shown, "http_warning_row");

  type_into (&shown, "url_row", "http://couch.example.org:5984/");
  g_assert_true (fb_test_is_shown (warning));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (warning)), ==,
                   "The password would travel unencrypted");

  type_into (&shown, "url_row", "https://couch.example.org/");
  g_assert_false (gtk_widget_get_visible (warning));
  type_into (&shown, "url_row", "http://localhost:5984/");
  g_assert_false (gtk_widget_get_visible (warning));
  type_into (&shown, "url_row", "http://192.168.1.20:5984/");
  g_assert_true (gtk_widget_get_visible (warning));

  g_assert_true (fb_preferences_url_is_insecure ("HTTP://example.org"));
  g_assert_false (fb_preferences_url_is_insecure ("http://127.0.0.1:5984/"));
  g_assert_false (fb_preferences_url_is_insecure ("http://127.1.2.3/"));
  g_assert_false (fb_preferences_url_is_insecure ("http://[::1]:5984/"));
  g_assert_false (fb_preferences_url_is_insecure ("http://db.localhost/"));
  g_assert_false (fb_preferences_url_is_insecure ("https://example.org"));
  g_assert_false (fb_preferences_url_is_insecure ("not a url"));
  g_assert_false (fb_preferences_url_is_insecure (""));

  hide_prefs (&shown);
}

static void
test_connection_reachable_and_create (void)
{
  Shown shown = show_prefs (NULL);

  type_into (&shown, "url_row", fb_test_server_get_url (server));
  type_into (&shown, "database_row", "prefs-new-db");
  type_into (&shown, "user_row", ADMIN);
  type_into (&shown, "password_row", PASSWORD);

  click_test (&shown);
  g_assert_cmpstr (test_result (&shown), ==,
                   "The server answered, but it has no database “prefs-new-db”. It can be created now.");
  g_assert_true (fb_test_is_shown (part (&shown, "create_button")));

  g_signal_emit_by_name (part (&shown, "create_button"), "clicked");
  WAIT_FOR (!testing (&shown));
  g_assert_cmpstr (test_result (&shown), ==,
                   "The database “prefs-new-db” was created. The server is ready to sync.");
  g_assert_false (gtk_widget_get_visible (part (&shown, "create_button")));

  click_test (&shown);
  g_assert_cmpstr (test_result (&shown), ==,
                   "The server is reachable and the database “prefs-new-db” is ready.");

  /* Testing does not apply anything. */
  g_assert_cmpstr (g_settings_get_string (shown.settings, "server-url"), ==, "");

  hide_prefs (&shown);
}

static void
test_connection_wrong_password (void)
{
  Shown shown = show_prefs (NULL);

  type_into (&shown, "url_row", fb_test_server_get_url (server));
  type_into (&shown, "user_row", ADMIN);
  type_into (&shown, "password_row", "guess");
  click_test (&shown);
  g_assert_cmpstr (test_result (&shown), ==,
                   "The server did not accept the user name or password.");
  g_assert_false (gtk_widget_get_visible (part (&shown, "create_button")));

  hide_prefs (&shown);
}

static void
test_connection_unreachable (void)
{
  g_autoptr(GError) error = NULL;
  guint16 port = fb_test_find_free_port (&error);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  Shown shown = show_prefs (NULL);

  type_into (&shown, "url_row", url);
  click_test (&shown);
  g_assert_cmpstr (test_result (&shown), ==,
                   "The server cannot be reached. Check the address and the network connection.");

  type_into (&shown, "url_row", "");
  g_signal_emit_by_name (part (&shown, "test_button"), "clicked");
  g_assert_cmpstr (test_result (&shown), ==, "Enter the server’s address first.");

  hide_prefs (&shown);
}

static void
test_connection_not_couchdb (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbTestProxy) proxy = fb_test_proxy_new (fb_test_server_get_url (server), &error);
  Shown shown = show_prefs (NULL);

  g_assert_no_error (error);
  /* A web server answering with a page, as a wrong address often does. */
  fb_test_proxy_set_mode (proxy, FB_TEST_PROXY_HTML, 0, NULL);
  type_into (&shown, "url_row", fb_test_proxy_get_url (proxy));
  click_test (&shown);
  g_assert_cmpstr (test_result (&shown), ==,
                   "Something answered at this address, but it is not a CouchDB server "
                   "(it sent a web page or another unexpected answer).");

  hide_prefs (&shown);
}

static void
test_connection_tls (void)
{
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/", fb_test_server_get_port (server));
  Shown shown = show_prefs (NULL);

  /* https:// to a server that speaks plain HTTP. */
  type_into (&shown, "url_row", url);
  click_test (&shown);
  g_assert_cmpstr (test_result (&shown), ==,
                   "A secure connection to the server could not be made. Its certificate may "
                   "not be trusted, or it may not support https://.");

  hide_prefs (&shown);
}

static gboolean
setting_is (GSettings  *settings,
            const char *key,
            const char *expected)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  return g_strcmp0 (value, expected) == 0;
}

/* The row's apply button, shown: there is something typed to apply. */
static gboolean
apply_button_shown (Shown      *shown,
                    const char *row)
{
  GtkWidget *widget = part (shown, row);
  GtkWidget *button = NULL;

  /* The only button of an AdwEntryRow of libadwaita 1.2. */
  for (GtkWidget *w = gtk_widget_get_first_child (widget); w != NULL && button == NULL;
       w = gtk_widget_get_next_sibling (w))
    button = fb_test_find_descendant (w, GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  return fb_test_is_shown (button);
}

/* Typed into a row as a person does: the row has the focus. */
static void
type_focused (Shown      *shown,
              const char *row,
              const char *text)
{
  gtk_widget_grab_focus (part (shown, row));
  WAIT_FOR (gtk_widget_has_focus (part (shown, row)) ||
            gtk_widget_get_state_flags (part (shown, row)) & GTK_STATE_FLAG_FOCUS_WITHIN);
  type_into (shown, row, text);
}

/* Until a server is set up, "Sync Automatically" is off and cannot be
 * turned on; once one is applied, it is on (the setting's default), and
 * no row offers to apply what is saved already. */
static void
test_sync_switch_needs_server (void)
{
  g_autoptr(Peer) peer = peer_new (NULL, NULL, NULL, NULL, FALSE);
  Shown shown = show_prefs (peer->manager);
  GtkSwitch *sw = part (&shown, "sync_switch");

  g_assert_false (gtk_switch_get_active (sw));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (sw)));
  g_assert_false (gtk_widget_is_sensitive (part (&shown, "sync_row")));
  g_assert_cmpstr (adw_action_row_get_subtitle (part (&shown, "sync_row")), ==,
                   "Enter a server below first");
  /* The setting is left as it was chosen. */
  g_assert_true (g_settings_get_boolean (shown.settings, "sync-enabled"));

  type_focused (&shown, "database_row", "field-notes");
  WAIT_FOR (apply_button_shown (&shown, "database_row"));
  type_focused (&shown, "url_row", fb_test_server_get_url (server));
  WAIT_FOR (apply_button_shown (&shown, "url_row"));
  g_assert_true (apply_button_shown (&shown, "database_row"));

  /* Enter in the address row applies every row. */
  g_signal_emit_by_name (part (&shown, "url_row"), "apply");
  WAIT_FOR (gtk_widget_is_sensitive (GTK_WIDGET (sw)));
  g_assert_true (gtk_switch_get_active (sw));
  WAIT_FOR (setting_is (shown.settings, "database", "field-notes"));
  WAIT_FOR (!apply_button_shown (&shown, "url_row") && !apply_button_shown (&shown, "database_row"));

  hide_prefs (&shown);
}

static void
test_sync_switch (void)
{
  g_autoptr(Peer) peer = peer_new ("https://couch.example.org/", "db", NULL, NULL, FALSE);
  Shown shown;
  GtkSwitch *sw;

  /* The switch needs a server (see test_sync_switch_needs_server ()). */
  {
    g_autoptr(GSettings) settings = g_settings_new (FB_SETTINGS_SCHEMA_ID);

    g_settings_set_string (settings, "server-url", "https://couch.example.org/");
  }
  shown = show_prefs (peer->manager);
  sw = part (&shown, "sync_switch");

  g_assert_true (gtk_switch_get_active (sw));
  gtk_switch_set_active (sw, FALSE);
  g_assert_false (g_settings_get_boolean (shown.settings, "sync-enabled"));
  g_assert_false (fb_sync_manager_get_enabled (peer->manager));
  g_assert_cmpint (fb_sync_manager_get_state (peer->manager), ==, FB_SYNC_STATE_NOT_CONFIGURED);

  gtk_switch_set_active (sw, TRUE);
  g_assert_true (g_settings_get_boolean (shown.settings, "sync-enabled"));
  g_assert_true (fb_sync_manager_get_enabled (peer->manager));

  hide_prefs (&shown);
}

static void
test_focus_password_after_wrong_password (void)
{
  g_autoptr(Peer) peer = peer_new (fb_test_server_get_url (server), "prefs-focus",
                                   ADMIN, "wrong", TRUE);
  Shown shown;
  GtkWidget *focus;

  fb_sync_manager_start (peer->manager);
  WAIT_FOR (fb_sync_manager_get_state (peer->manager) == FB_SYNC_STATE_NEEDS_ATTENTION);

  shown = show_prefs (peer->manager);
  fb_preferences_focus_password (shown.prefs);
  WAIT_FOR ((focus = gtk_root_get_focus (GTK_ROOT (shown.prefs))) != NULL &&
            gtk_widget_is_ancestor (focus, part (&shown, "password_row")));
  g_assert_cmpstr (test_result (&shown), ==,
                   "The server did not accept the user name or password.");

  /* The right password, applied, gets sync going again. */
  type_into (&shown, "url_row", fb_test_server_get_url (server));
  type_into (&shown, "user_row", ADMIN);
  type_into (&shown, "password_row", PASSWORD);
  type_into (&shown, "database_row", "prefs-focus");
  apply_row (&shown, "password_row");
  WAIT_FOR (fb_sync_manager_get_state (peer->manager) == FB_SYNC_STATE_IDLE);
  WAIT_FOR (keyring_has (fb_test_server_get_url (server), ADMIN, PASSWORD));
  /* The settings are written once the keyring has answered: let that
   * finish here, not in the next test. */
  WAIT_FOR (g_strcmp0 (g_settings_get_string (shown.settings, "server-url"),
                       fb_test_server_get_url (server)) == 0);

  hide_prefs (&shown);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  sync_ui_test_init (&argc, &argv);
  /* Opens the keyring's file backend once, before the window's
   * asynchronous calls: libsecret keeps one backend per process, and two
   * opened at the same time would each keep their own copy of the file. */
  g_free (keyring_password ("https://warm-up.invalid/", NULL));

  server = fb_test_server_start (ADMIN, PASSWORD, &error);
  g_assert_no_error (error);

  /* First: a password saved by a test before reaches the settings late
   * (they follow the keyring), and this one starts without a server. */
  g_test_add_func ("/preferences/sync-switch-needs-server", test_sync_switch_needs_server);
  g_test_add_func ("/preferences/url-writes-settings", test_url_writes_settings);
  g_test_add_func ("/preferences/close-applies", test_close_applies);
  g_test_add_func ("/preferences/settings-follow-keyring", test_settings_follow_keyring);
  g_test_add_func ("/preferences/password-in-keyring", test_password_in_keyring);
  g_test_add_func ("/preferences/http-warning", test_http_warning);
  g_test_add_func ("/preferences/test-connection/reachable-and-create", test_connection_reachable_and_create);
  g_test_add_func ("/preferences/test-connection/wrong-password", test_connection_wrong_password);
  g_test_add_func ("/preferences/test-connection/unreachable", test_connection_unreachable);
  g_test_add_func ("/preferences/test-connection/not-couchdb", test_connection_not_couchdb);
  g_test_add_func ("/preferences/test-connection/tls", test_connection_tls);
  g_test_add_func ("/preferences/sync-switch", test_sync_switch);
  g_test_add_func ("/preferences/focus-password", test_focus_password_after_wrong_password);

  status = g_test_run ();
  fb_test_server_free (server);
  return status;
}
