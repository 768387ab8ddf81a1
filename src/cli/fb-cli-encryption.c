/* fb-cli-encryption.c: --change-passphrase and --compact */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-cli.h"
#include "fb-cli-private.h"
#include "fb-credentials.h"
#include "fb-sync-error.h"
#include "fb-sync-words.h"

/* Turning encryption on is --encrypt, a --sync that needs a passphrase
 * (fb-cli.c); these are the commands around it. */

void
_fb_cli_add_encryption_options (GApplication *app)
{
  g_application_add_main_option (app, "change-passphrase", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("Change the encryption passphrase to FIELDBOOK_NEW_PASSPHRASE (the current one comes from FIELDBOOK_PASSPHRASE or the keyring) and quit"),
                                 NULL);
  g_application_add_main_option (app, "compact", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("Ask the server to compact the database, which removes the contents of old versions (for a server administrator), and quit"),
                                 NULL);
}

gboolean
_fb_cli_has_encryption_command (GVariantDict *options)
{
  return g_variant_dict_contains (options, "change-passphrase") ||
         g_variant_dict_contains (options, "compact");
}

static int
run_change_passphrase (FbStore      *store,
                       GVariantDict *options)
{
  g_autoptr(FbSyncManager) manager = NULL;
  g_autoptr(FbAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  const char *new_passphrase = g_getenv ("FIELDBOOK_NEW_PASSPHRASE");
  FbCliWaiter waiter = { NULL, NULL };
  gboolean ok;

  if (new_passphrase == NULL || *new_passphrase == '\0')
    {
      g_printerr (_("Could not change the passphrase: %s\n"),
                  _("give the new one in FIELDBOOK_NEW_PASSPHRASE"));
      return FB_CLI_EXIT_FAILED;
    }

  manager = _fb_cli_configure_manager (store, options, &account, NULL);
  if (manager == NULL)
    return FB_CLI_EXIT_FAILED;

  fb_sync_manager_change_passphrase_async (manager, new_passphrase, NULL, _fb_cli_waiter_cb,
                                           &waiter);
  ok = fb_sync_manager_change_passphrase_finish (manager, _fb_cli_waiter_run (&waiter), &error);
  _fb_cli_waiter_clear (&waiter);
  if (!ok)
    {
      g_autofree char *words = fb_sync_words_error_reason (error);

      /* Translators: %s says why, e.g. "the encryption passphrase is wrong" */
      g_printerr (_("Could not change the passphrase: %s\n"), words);
      return FB_CLI_EXIT_FAILED;
    }

  if (!fb_credentials_store_passphrase_sync (fb_account_get_server_url (account),
                                             fb_account_get_database (account),
                                             new_passphrase, NULL, &error))
    g_printerr (_("Could not keep the new passphrase in the keyring: %s\n"), error->message);

  g_print (_("The encryption passphrase is changed. Other devices need the new one from now on.\n"));
  return FB_CLI_EXIT_OK;
}

static int
run_compact (FbStore      *store,
             GVariantDict *options)
{
  g_autoptr(FbSyncManager) manager = NULL;
  g_autoptr(GError) error = NULL;
  FbCliWaiter waiter = { NULL, NULL };
  gboolean ok;

  manager = _fb_cli_configure_manager (store, options, NULL, NULL);
  if (manager == NULL)
    return FB_CLI_EXIT_FAILED;

  fb_sync_manager_compact_async (manager, NULL, _fb_cli_waiter_cb, &waiter);
  ok = fb_sync_manager_compact_finish (manager, _fb_cli_waiter_run (&waiter), &error);
  _fb_cli_waiter_clear (&waiter);
  if (!ok)
    {
      g_autofree char *words = NULL;

      if (g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED) ||
          g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_FORBIDDEN))
        words = g_strdup (_("the server lets only its administrator compact a database (check the user name and password)"));
      else
        words = fb_sync_words_error_reason (error);
      /* Translators: %s says why */
      g_printerr (_("Could not compact the database: %s\n"), words);
      return FB_CLI_EXIT_FAILED;
    }

  g_print (_("The server is compacting the database; old versions are removed in the background.\n"));
  return FB_CLI_EXIT_OK;
}

int
_fb_cli_run_encryption_command (FbStore      *store,
                                GVariantDict *options)
{
  if (g_variant_dict_contains (options, "change-passphrase"))
    return run_change_passphrase (store, options);
  return run_compact (store, options);
}
