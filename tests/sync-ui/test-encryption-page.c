/* test-encryption-page.c: Preferences → Encryption against a real PouchDB Server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-encryption-page"

#include "config.h"

#include "fb-credentials.h"
#include "fb-crypto.h"
#include "fb-encryption-page.h"
#include "fb-preferences.h"
#include "sync-ui-test-util.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"
#define DB       "prefs-encryption"

static FbTestServer *server;

typedef struct {
  GtkWindow        *parent;
  FbPreferences    *prefs;
  FbEncryptionPage *page;
} Shown;

/* The settings and the keyring as Preferences → Sync leaves them. */
static void
configure (void)
{
  g_autoptr(GSettings) settings = g_settings_new (FB_SETTINGS_SCHEMA_ID);
  g_autoptr(GError) error = NULL;

  g_settings_set_string (settings, "server-url", fb_test_server_get_url (server));
  g_settings_set_string (settings, "database", DB);
  g_settings_set_string (settings, "user-name", ADMIN);
  g_assert_true (fb_credentials_store_sync (fb_test_server_get_url (server), ADMIN, PASSWORD,
                                            NULL, &error));
  g_assert_no_error (error);
}

static Shown
show_page (FbSyncManager *manager)
{
  Shown shown;

  shown.parent = GTK_WINDOW (gtk_window_new ());
  gtk_window_present (shown.parent);
  shown.prefs = FB_PREFERENCES (fb_preferences_new (shown.parent, manager));
  gtk_window_present (GTK_WINDOW (shown.prefs));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (shown.prefs)));
  shown.page = fb_test_find_descendant (GTK_WIDGET (shown.prefs), FB_TYPE_ENCRYPTION_PAGE);
  g_assert_nonnull (shown.page);
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (shown.prefs),
                                           ADW_PREFERENCES_PAGE (shown.page));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (shown.page)));
  return shown;
}

static void
hide_page (Shown *shown)
{
  g_object_add_weak_pointer (G_OBJECT (shown->prefs), (gpointer *) &shown->prefs);
  gtk_window_destroy (GTK_WINDOW (shown->prefs));
  gtk_window_destroy (shown->parent);
  WAIT_FOR (shown->prefs == NULL);
}

static gpointer
part (Shown      *shown,
      const char *name)
{
  return fb_test_template_child (shown->page, FB_TYPE_ENCRYPTION_PAGE, name);
}

static const char *
subtitle (Shown      *shown,
          const char *row)
{
  return adw_action_row_get_subtitle (part (shown, row));
}

static void
type_into (Shown      *shown,
           const char *row,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (part (shown, row)), text);
}

static gboolean
shown_part (Shown      *shown,
            const char *name)
{
  return fb_test_is_shown (part (shown, name));
}

static void
click (Shown      *shown,
       const char *button)
{
  g_assert_true (gtk_widget_is_sensitive (part (shown, button)));
  g_signal_emit_by_name (part (shown, button), "clicked");
}

static char *
keyring_passphrase (void)
{
  g_autoptr(GError) error = NULL;
  char *passphrase = fb_credentials_lookup_passphrase_sync (fb_test_server_get_url (server), DB,
                                                            NULL, &error);

  g_assert_no_error (error);
  return passphrase;
}

/* The server's copy of @id as another client reads it, raw. */
static char *
server_text (const char *id)
{
  g_autofree char *path = g_strdup_printf ("%s/%s", DB, id);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  bytes = fb_test_server_request_raw (server, "GET", path, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
subtitle_seen_cb (AdwActionRow *row,
                  GParamSpec   *pspec,
                  GPtrArray    *seen)
{
  const char *words = adw_action_row_get_subtitle (row);

  if (seen->len == 0 || g_strcmp0 (g_ptr_array_index (seen, seen->len - 1), words) != 0)
    g_ptr_array_add (seen, g_strdup (words));
}

static gboolean
seen_words (GPtrArray  *seen,
            const char *words)
{
  return g_ptr_array_find_with_equal_func (seen, words, g_str_equal, NULL);
}

/* One device turns encryption on for a database it synced in plain, from
 * the page, and sees the items go encrypted, batch by batch; a second device is asked for the passphrase, refuses a wrong
 * one in words, and reads everything with the right one; after a change
 * of passphrase on the first, a device opening the key needs the new one. */
static void
test_turn_on_unlock_change (void)
{
  g_autoptr(Peer) a = NULL;
  g_autoptr(Peer) b = NULL;
  g_autofree char *id = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  Shown shown;

  configure ();
  a = peer_new (fb_test_server_get_url (server), DB, ADMIN, PASSWORD, TRUE);
  id = fb_test_peer_create_note (a, "Badger sett", "Three entrances by the old oak");
  for (guint i = 1; i < 250; i++)
    {
      g_autofree char *title = g_strdup_printf ("Sett survey %u", i);

      g_free (fb_test_peer_create_note (a, title, "Spoil heaps fresh"));
    }
  /* 250 items go in three batches: 100, 100, 50. */
  fb_sync_manager_set_tuning (a->manager, 0, 0, 0, 100, 0);
  peer_sync (a);
  raw = server_text (id);
  g_assert_nonnull (strstr (raw, "Badger sett"));
  g_clear_pointer (&raw, g_free);

  shown = show_page (a->manager);
  g_assert_cmpstr (subtitle (&shown, "state_row"), ==, "Off: the server can read what is sent to it");
  g_assert_true (shown_part (&shown, "passphrase_row"));
  g_assert_true (shown_part (&shown, "repeat_row"));
  g_assert_false (shown_part (&shown, "compact_row"));
  g_assert_cmpstr (gtk_button_get_label (part (&shown, "action_button")), ==, "_Turn On Encryption");

  /* Checked before anything is kept or sent. */
  type_into (&shown, "passphrase_row", "short");
  type_into (&shown, "repeat_row", "short");
  click (&shown, "action_button");
  g_assert_cmpstr (subtitle (&shown, "action_row"), ==, "Use at least 8 characters");
  type_into (&shown, "passphrase_row", "badgers dig at dusk");
  type_into (&shown, "repeat_row", "badgers dig at dawn");
  click (&shown, "action_button");
  g_assert_cmpstr (subtitle (&shown, "action_row"), ==, "The two passphrases are not the same");
  g_assert_null (keyring_passphrase ());

  type_into (&shown, "repeat_row", "badgers dig at dusk");
  g_signal_connect (part (&shown, "state_row"), "notify::subtitle",
                    G_CALLBACK (subtitle_seen_cb), seen);
  click (&shown, "action_button");
  g_assert_false (gtk_widget_is_sensitive (part (&shown, "action_button")));
  WAIT_FOR (fb_sync_manager_get_encrypted (a->manager) &&
            fb_sync_manager_get_pending_count (a->manager) == 0 &&
            fb_sync_manager_get_state (a->manager) == FB_SYNC_STATE_IDLE);
  WAIT_FOR (g_strcmp0 (subtitle (&shown, "state_row"), "On: what is sent is encrypted") == 0);
  g_signal_handlers_disconnect_by_func (part (&shown, "state_row"), subtitle_seen_cb, seen);
  /* The count went up as each batch was sent, and the bar went away. */
  g_assert_true (seen_words (seen, "Encrypting and sending: 0 of 250 items"));
  g_assert_true (seen_words (seen, "Encrypting and sending: 100 of 250 items"));
  g_assert_true (seen_words (seen, "Encrypting and sending: 200 of 250 items"));
  g_assert_false (shown_part (&shown, "progress"));
  kept = keyring_passphrase ();
  g_assert_cmpstr (kept, ==, "badgers dig at dusk");
  g_clear_pointer (&kept, g_free);
  g_assert_false (shown_part (&shown, "passphrase_row"));
  g_assert_true (shown_part (&shown, "compact_row"));
  raw = server_text (id);
  g_assert_null (strstr (raw, "Badger"));
  g_assert_null (strstr (raw, "oak"));
  g_clear_pointer (&raw, g_free);

  click (&shown, "compact_button");
  WAIT_FOR (gtk_widget_is_sensitive (part (&shown, "compact_button")));
  g_assert_cmpstr (subtitle (&shown, "compact_row"), ==,
                   "The server is compacting the database; old versions are removed in the background.");
  hide_page (&shown);

  /* A second device, without the passphrase: asked for it, nothing pulled.
   * (Its Preferences share this process's keyring, which has A's
   * passphrase; the manager has none.) */
  b = peer_new (fb_test_server_get_url (server), DB, ADMIN, PASSWORD, TRUE);
  fb_sync_manager_start (b->manager);
  WAIT_FOR (g_error_matches (fb_sync_manager_get_last_error (b->manager),
                             FB_SYNC_ERROR, FB_SYNC_ERROR_NEEDS_PASSPHRASE));
  shown = show_page (b->manager);
  g_assert_cmpstr (subtitle (&shown, "state_row"), ==, "This database is encrypted. Enter its passphrase to sync.");
  g_assert_true (shown_part (&shown, "passphrase_row"));
  g_assert_false (shown_part (&shown, "repeat_row"));
  g_assert_cmpstr (gtk_button_get_label (part (&shown, "action_button")), ==, "_Unlock");

  type_into (&shown, "passphrase_row", "badgers dig at noon");
  click (&shown, "action_button");
  WAIT_FOR (g_error_matches (fb_sync_manager_get_last_error (b->manager),
                             FB_SYNC_ERROR, FB_SYNC_ERROR_WRONG_PASSPHRASE) &&
            gtk_widget_is_sensitive (part (&shown, "action_button")));
  g_assert_cmpstr (subtitle (&shown, "state_row"), ==,
                   "This passphrase does not open the database. Enter the one your other devices use.");
  g_assert_false (fb_test_peer_has_live_item (b, id));

  type_into (&shown, "passphrase_row", "badgers dig at dusk");
  click (&shown, "action_button");
  WAIT_FOR (fb_test_peer_has_live_item (b, id) &&
            fb_sync_manager_get_state (b->manager) == FB_SYNC_STATE_IDLE);
  {
    g_autoptr(FbItem) item = fb_test_peer_get_item (b, id);

    g_assert_cmpstr (fb_body_get_string (fb_item_get_body (item), "text"), ==,
                     "Three entrances by the old oak");
  }
  WAIT_FOR (g_strcmp0 (subtitle (&shown, "state_row"), "On: what is sent is encrypted") == 0);
  hide_page (&shown);

  /* A changes the passphrase; B is asked again. */
  shown = show_page (a->manager);
  adw_expander_row_set_expanded (part (&shown, "change_row"), TRUE);
  type_into (&shown, "new_row", "setts under the hedge");
  type_into (&shown, "new_repeat_row", "setts under the hedge");
  click (&shown, "change_button");
  WAIT_FOR (!adw_expander_row_get_expanded (part (&shown, "change_row")));
  kept = keyring_passphrase ();
  g_assert_cmpstr (kept, ==, "setts under the hedge");
  hide_page (&shown);

  /* B keeps the key it opened; a device that opens it anew (B after a
   * restart) needs the new passphrase. */
  g_clear_pointer (&b, fb_test_peer_free);
  b = peer_new (fb_test_server_get_url (server), DB, ADMIN, PASSWORD, TRUE);
  fb_sync_manager_set_passphrase (b->manager, "badgers dig at dusk");
  fb_sync_manager_start (b->manager);
  WAIT_FOR (g_error_matches (fb_sync_manager_get_last_error (b->manager),
                             FB_SYNC_ERROR, FB_SYNC_ERROR_WRONG_PASSPHRASE));
  fb_sync_manager_set_passphrase (b->manager, "setts under the hedge");
  WAIT_FOR (fb_test_peer_has_live_item (b, id) &&
            fb_sync_manager_get_state (b->manager) == FB_SYNC_STATE_IDLE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  sync_ui_test_init (&argc, &argv);
  /* Argon2id at its interactive cost: the test derives keys many times. */
  fb_crypto_set_kdf_limits (FB_CRYPTO_KDF_INTERACTIVE);
  /* Opens the keyring's file backend once, before the windows'
   * asynchronous calls (see test-preferences.c). */
  g_free (fb_credentials_lookup_sync ("https://warm-up.invalid/", NULL, NULL, NULL));

  server = fb_test_server_start (ADMIN, PASSWORD, &error);
  g_assert_no_error (error);

  g_test_add_func ("/encryption-page/turn-on-unlock-change", test_turn_on_unlock_change);

  status = g_test_run ();
  fb_test_server_free (server);
  return status;
}
