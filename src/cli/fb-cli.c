/* fb-cli.c: Fieldbook's command line (--sync, --export, --import), without GTK */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-cli"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib/gstdio.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fb-account.h"
#include "fb-attachments.h"
#include "fb-cli.h"
#include "fb-cli-private.h"
#include "fb-credentials.h"
#include "fb-store.h"
#include "fb-sync-error.h"
#include "fb-sync-manager.h"
#include "fb-sync-words.h"
#include "fb-transfer.h"

void
fb_cli_add_options (GApplication *app)
{
  g_return_if_fail (G_IS_APPLICATION (app));

  g_application_add_main_option (app, "sync", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("Synchronize with the server once and quit"), NULL);
  g_application_add_main_option (app, "server", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Server address to synchronize with (instead of the one in the settings)"),
                                 _("URL"));
  g_application_add_main_option (app, "database", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Database name on the server"), _("NAME"));
  g_application_add_main_option (app, "user", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("User name on the server (the password comes from FIELDBOOK_PASSWORD or the keyring)"),
                                 _("NAME"));
  g_application_add_main_option (app, "encrypt", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("Turn on end-to-end encryption with the passphrase in FIELDBOOK_PASSPHRASE, keep it in the keyring, sync once and quit"),
                                 NULL);
  g_application_add_main_option (app, "export", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME,
                                 _("Write all notes and records to a JSON file (“-” for standard output) and quit"),
                                 _("FILE"));
  g_application_add_main_option (app, "import", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME,
                                 _("Read notes and records from a JSON file made by --export and quit"),
                                 _("FILE"));
  _fb_cli_add_encryption_options (app);
  _fb_cli_add_history_options (app);
  _fb_cli_add_csv_options (app);
  _fb_cli_add_search_options (app);
  _fb_cli_add_attachment_options (app);
  _fb_cli_add_conflict_options (app);
  _fb_cli_add_note_options (app);
  g_application_set_option_context_description (app,
                                                _("Exit status: 0 when all is done and synced, 1 when a command failed, "
                                                  "3 when --sync put items into conflict, "
                                                  "4 when the database can only be read, "
                                                  "5 when --sync left changes unsent (it names them), "
                                                  "6 when --sync could not download files (it says why)."));
}

/* ---- Waiting for an async result without a GUI ---- */

void
_fb_cli_waiter_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  FbCliWaiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  if (waiter->loop != NULL)
    g_main_loop_quit (waiter->loop);
}

GAsyncResult *
_fb_cli_waiter_run (FbCliWaiter *waiter)
{
  if (waiter->result == NULL)
    {
      waiter->loop = g_main_loop_new (NULL, FALSE);
      g_main_loop_run (waiter->loop);
      g_clear_pointer (&waiter->loop, g_main_loop_unref);
    }
  return waiter->result;
}

void
_fb_cli_waiter_clear (FbCliWaiter *waiter)
{
  g_clear_object (&waiter->result);
}

char *
_fb_cli_dup_column (const char *text)
{
  return g_strdelimit (g_strdup (text), "\t\r\n", ' ');
}

/* ---- --sync ---- */

/* The option @name if given, else @saved (the account's value). */
static const char *
option_or (GVariantDict *options,
           const char   *name,
           const char   *saved)
{
  const char *value = NULL;

  if (g_variant_dict_lookup (options, name, "&s", &value))
    return value;
  return saved;
}

/* One line for the run, one for the store: how many items wait for a
 * decision in total, whichever run put them there. */
static void
print_sync_summary (const FbSyncStats *stats,
                    guint              total_conflicts)
{
  /* Translators: the four numbers are counts of items; the plural form
   * follows the last one (items this run put into conflict) */
  g_print (ngettext ("Pushed %u, pulled %u, merged %u, %u new conflict\n",
                     "Pushed %u, pulled %u, merged %u, %u new conflicts\n",
                     stats->conflicts),
           stats->pushed, stats->pulled, stats->merged, stats->conflicts);

  if (total_conflicts == 0)
    g_print (_("No item is in conflict.\n"));
  else
    g_print (ngettext ("%u item is in conflict and needs a decision: open Fieldbook to choose, or see fieldbook --conflicts.\n",
                       "%u items are in conflict and need a decision: open Fieldbook to choose, or see fieldbook --conflicts.\n",
                       total_conflicts),
             total_conflicts);
}

/* On a terminal, while --encrypt sends everything again, how far it is,
 * rewritten in place: "Encrypting and sending: 1000 of 2500 items" (the
 * Encryption page's words). */
typedef struct
{
  guint    total;   /* the most items waiting at once since it began */
  gboolean shown;
} EncryptProgress;

static void
encrypt_pending_cb (FbSyncManager   *manager,
                    GParamSpec      *pspec,
                    EncryptProgress *progress)
{
  guint pending = fb_sync_manager_get_pending_count (manager);
  g_autofree char *line = NULL;

  if (!fb_sync_manager_get_encrypted (manager))
    return;
  progress->total = MAX (progress->total, pending);
  if (progress->total == 0)
    return;

  /* Translators: the first %u is how many items were sent, the second how many there are */
  line = g_strdup_printf (ngettext ("Encrypting and sending: %u of %u item",
                                    "Encrypting and sending: %u of %u items",
                                    progress->total),
                          progress->total - pending, progress->total);
  g_printerr ("\r%s\033[K", line);
  progress->shown = TRUE;
}

/* On a terminal, the file in flight, rewritten in place:
 * "Sending heron.jpg: 12.0 MB of 50.0 MB"; its line ends with the file. */
static void
sync_transfer_progress_cb (FbSyncManager       *manager,
                           const char          *item_id,
                           const char          *name,
                           FbTransferDirection  direction,
                           guint64              bytes_done,
                           guint64              bytes_total,
                           gpointer             user_data)
{
  gboolean *shown = user_data;
  g_autofree char *done = NULL;
  g_autofree char *total = NULL;
  g_autofree char *line = NULL;

  if (bytes_total == 0)
    {
      if (*shown)
        g_printerr ("\n");
      *shown = FALSE;
      return;
    }

  done = g_format_size (bytes_done);
  total = g_format_size (bytes_total);
  if (direction == FB_TRANSFER_UP)
    /* Translators: %s are an attachment's file name and two sizes, e.g.
     * "Sending heron.jpg: 12.0 MB of 50.0 MB" */
    line = g_strdup_printf (_("Sending %s: %s of %s"), name, done, total);
  else
    /* Translators: %s are an attachment's file name and two sizes, e.g.
     * "Receiving heron.jpg: 12.0 MB of 50.0 MB" */
    line = g_strdup_printf (_("Receiving %s: %s of %s"), name, done, total);
  /* Over the line before; "\033[K" clears what a longer one left. */
  g_printerr ("\r%s\033[K", line);
  *shown = TRUE;
}

/* Changes still not on the server after a run, by name and why: TRUE when
 * there are any. A sync that leaves them is not a success. */
static gboolean
report_unsent (FbStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = fb_store_list_pending (store, 0, 0, &error);

  if (pending == NULL)
    {
      g_printerr (_("Could not list the changes waiting to be sent: %s\n"), error->message);
      return TRUE;
    }
  if (pending->len == 0)
    return FALSE;

  g_printerr (ngettext ("%u change was not sent to the server:\n",
                        "%u changes were not sent to the server:\n",
                        pending->len),
              pending->len);
  for (guint i = 0; i < pending->len; i++)
    {
      FbItem *item = pending->pdata[i];
      g_autofree char *title = fb_body_dup_display_title (fb_item_get_body (item));
      const char *why = fb_item_get_sync_error (item);

      if (why == NULL)
        why = _("the server has not accepted it yet; the next sync sends it again");
      /* Translators: an item's id, its title, and why it was not sent */
      g_printerr (_("  %s “%s”: %s\n"), fb_item_get_id (item), title, why);
    }

  return TRUE;
}

/* The account the settings name, with what @options say instead. */
static FbAccount *
new_account (GVariantDict *options)
{
  /* Without the installed schema (e.g. run from the build tree), the
   * options alone say where to sync. */
  g_autoptr(GSettings) settings = fb_settings_new_if_installed ();
  FbAccount *account = fb_account_new (settings);

  fb_account_set (account,
                  option_or (options, "server", fb_account_get_server_url (account)),
                  option_or (options, "database", fb_account_get_database (account)),
                  option_or (options, "user", fb_account_get_user (account)),
                  g_getenv ("FIELDBOOK_PASSWORD"));
  return account;
}

gboolean
_fb_cli_has_server (GVariantDict *options)
{
  g_autoptr(FbAccount) account = new_account (options);

  return fb_account_is_configured (account);
}

FbSyncManager *
_fb_cli_configure_manager (FbStore       *store,
                           GVariantDict  *options,
                           FbAccount    **account_out,
                           gboolean      *has_passphrase)
{
  g_autoptr(FbAccount) account = new_account (options);
  FbSyncManager *manager;
  const char *passphrase = g_getenv ("FIELDBOOK_PASSPHRASE");
  g_autofree char *stored_passphrase = NULL;
  gboolean keyring_read = FALSE;

  if (!fb_account_is_configured (account))
    {
      g_printerr (_("Could not sync: %s\n"), _("no server is set up (use --server URL)"));
      return NULL;
    }

  if (g_getenv ("FIELDBOOK_PASSWORD") == NULL && *fb_account_get_user (account) != '\0')
    {
      g_autoptr(GError) keyring_error = NULL;

      /* The passphrase comes with the password. */
      keyring_read = fb_account_load_password_sync (account, NULL, &keyring_error);
      if (!keyring_read)
        g_printerr (_("Could not read the password from the keyring: %s\n"),
                    keyring_error->message);
    }

  /* End-to-end encryption: with a passphrase, a plain database is
   * encrypted by this run; an encrypted one needs it. */
  if (passphrase == NULL)
    passphrase = fb_account_get_passphrase (account);
  if (passphrase == NULL && !keyring_read)
    {
      g_autoptr(GError) keyring_error = NULL;

      stored_passphrase = fb_credentials_lookup_passphrase_sync (fb_account_get_server_url (account),
                                                                 fb_account_get_database (account),
                                                                 NULL, &keyring_error);
      if (keyring_error != NULL)
        g_printerr (_("Could not read the encryption passphrase from the keyring: %s\n"),
                    keyring_error->message);
      passphrase = stored_passphrase;
    }

  manager = fb_sync_manager_new (store, NULL);
  fb_account_configure (account, manager);
  fb_sync_manager_set_passphrase (manager, passphrase);
  if (has_passphrase != NULL)
    *has_passphrase = passphrase != NULL && *passphrase != '\0';
  if (account_out != NULL)
    *account_out = g_steal_pointer (&account);
  return manager;
}

/* Keeps the passphrase --encrypt was given for the next --sync and the
 * app; the database stays encrypted either way. */
static void
keep_passphrase (FbAccount *account)
{
  const char *passphrase = g_getenv ("FIELDBOOK_PASSPHRASE");
  g_autoptr(GError) error = NULL;

  if (passphrase == NULL || *passphrase == '\0')
    return;
  if (!fb_credentials_store_passphrase_sync (fb_account_get_server_url (account),
                                             fb_account_get_database (account),
                                             passphrase, NULL, &error))
    g_printerr (_("Could not keep the passphrase in the keyring: %s. Give it in FIELDBOOK_PASSPHRASE to every sync.\n"),
                error->message);
}

/* What the server refused or sent damaged this run, for each item
 * ("item-rejected"): id → message. */
static void
sync_item_rejected_cb (FbSyncManager *manager,
                       const char    *id,
                       const char    *message,
                       gpointer       user_data)
{
  g_hash_table_replace (user_data, g_strdup (id), g_strdup (message));
}

/* The files this run could not download, each with its item's ID and
 * why (the item keeps its stub and the next sync tries again): TRUE when
 * there are any. A rejection of an item that has no file missing (a
 * push's, which report_unsent () names, or a document that did not
 * decrypt) is not one. */
static gboolean
report_not_downloaded (FbStore    *store,
                       GHashTable *rejected)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  const char *id;
  const char *message;

  g_hash_table_iter_init (&iter, rejected);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &message))
    if (fb_store_has_files_not_here (store, id))
      g_ptr_array_add (words, g_strdup_printf ("%s: %s", id, message));
  if (words->len == 0)
    return FALSE;

  g_printerr (ngettext ("%u file could not be downloaded:\n",
                        "%u files could not be downloaded:\n",
                        words->len),
              words->len);
  for (guint i = 0; i < words->len; i++)
    g_printerr ("  %s\n", (const char *) words->pdata[i]);
  return TRUE;
}

/* --sync; with @encrypt (--encrypt), a passphrase is required and the
 * database ends encrypted. */
static int
run_sync (FbStore      *store,
          GVariantDict *options,
          gboolean      encrypt)
{
  g_autoptr(FbSyncManager) manager = NULL;
  g_autoptr(FbAccount) account = NULL;
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) rejected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  FbCliWaiter waiter = { NULL, NULL };
  EncryptProgress encrypting = { 0, FALSE };
  guint total_conflicts;
  gboolean has_passphrase = FALSE;
  gboolean progress_shown = FALSE;
  gboolean not_downloaded;
  gboolean ok;

  if (fb_store_get_read_only (store))
    {
      /* Translators: %s says why, e.g. "The disk is full: …" */
      g_printerr (_("Could not sync: %s\n"), fb_store_get_read_only_error (store)->message);
      return FB_CLI_EXIT_READ_ONLY;
    }

  manager = _fb_cli_configure_manager (store, options, &account, &has_passphrase);
  if (manager == NULL)
    return FB_CLI_EXIT_FAILED;
  if (encrypt && !has_passphrase)
    {
      g_printerr (_("Could not turn encryption on: %s\n"),
                  _("give the passphrase in FIELDBOOK_PASSPHRASE"));
      return FB_CLI_EXIT_FAILED;
    }

  /* Nothing extra when stderr goes to a file or a pipe. */
  if (isatty (STDERR_FILENO))
    g_signal_connect (manager, "transfer-progress",
                      G_CALLBACK (sync_transfer_progress_cb), &progress_shown);
  if (isatty (STDERR_FILENO) && encrypt)
    {
      encrypting.total = fb_sync_manager_get_pending_count (manager);
      g_signal_connect (manager, "notify::pending-count",
                        G_CALLBACK (encrypt_pending_cb), &encrypting);
      g_signal_connect (manager, "notify::state",
                        G_CALLBACK (encrypt_pending_cb), &encrypting);
    }

  g_signal_connect (manager, "item-rejected", G_CALLBACK (sync_item_rejected_cb), rejected);

  fb_sync_manager_sync_async (manager, NULL, _fb_cli_waiter_cb, &waiter);
  ok = fb_sync_manager_sync_finish_full (manager, _fb_cli_waiter_run (&waiter), &stats, &error);
  _fb_cli_waiter_clear (&waiter);
  g_signal_handlers_disconnect_by_data (manager, &progress_shown);
  g_signal_handlers_disconnect_by_data (manager, &encrypting);
  g_signal_handlers_disconnect_by_data (manager, rejected);
  if (progress_shown || encrypting.shown)
    g_printerr ("\n");

  /* Also after a failure: what the run did before it stays done, and the
   * conflicts it found are in the store waiting for the person. A run that
   * failed before it did anything only says why. */
  total_conflicts = fb_store_get_conflict_count (store);
  if (ok || stats->pushed > 0 || stats->pulled > 0 || stats->merged > 0 ||
      stats->conflicts > 0 || total_conflicts > 0)
    print_sync_summary (stats, total_conflicts);

  if (!ok)
    {
      g_autofree char *words = fb_sync_words_error_reason (error);

      /* Translators: %s says why, e.g. "wrong user name or password" */
      g_printerr (_("Could not sync: %s\n"), words);
      return FB_CLI_EXIT_FAILED;
    }

  if (stats->encrypted > 0)
    /* Translators: %u is a number of items */
    g_print (ngettext ("Encryption is on: %u item was sent again encrypted. Older plain versions stay on the server until it is compacted (fieldbook --compact).\n",
                       "Encryption is on: %u items were sent again encrypted. Older plain versions stay on the server until it is compacted (fieldbook --compact).\n",
                       stats->encrypted),
             stats->encrypted);
  else if (encrypt)
    g_print (_("Encryption is on.\n"));
  if (encrypt)
    keep_passphrase (account);
  if (stats->undecryptable > 0)
    g_printerr (ngettext ("%u document on the server could not be decrypted and was not applied: it was changed without the key, or damaged.\n",
                          "%u documents on the server could not be decrypted and were not applied: they were changed without the key, or damaged.\n",
                          stats->undecryptable),
                stats->undecryptable);

  not_downloaded = report_not_downloaded (store, rejected);
  if (report_unsent (store))
    return FB_CLI_EXIT_UNSENT;
  if (stats->conflicts > 0)
    return FB_CLI_EXIT_NEW_CONFLICTS;
  return not_downloaded ? FB_CLI_EXIT_NOT_DOWNLOADED : FB_CLI_EXIT_OK;
}

/* ---- --export, --import ---- */

/* "N / total" on a terminal, rewritten in place; nothing when stderr goes
 * to a file or a pipe. */
static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  gboolean *shown = user_data;

  if (done % 500 != 0 && done != total)
    return;
  if (total > 0)
    g_printerr ("\r%u / %u", done, total);
  else
    g_printerr ("\r%u", done);
  *shown = TRUE;
}

static FbTransferProgressFunc
terminal_progress (void)
{
  return isatty (STDERR_FILENO) ? progress_cb : NULL;
}

static void
end_progress (gboolean shown)
{
  if (shown)
    g_printerr ("\n");
}

/* Into a temporary file beside @path, renamed over it when complete:
 * never half a file. */
static gboolean
export_to_file (FbStore     *store,
                const char  *path,
                guint       *n_items,
                GError     **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.XXXXXX", path);
  g_autoptr(GOutputStream) fd_out = NULL;
  g_autoptr(GOutputStream) out = NULL;
  gboolean shown = FALSE;
  gboolean ok;
  int fd;

  fd = g_mkstemp_full (tmp, O_WRONLY, 0666);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   /* Translators: %s is a file name, then why it cannot be written */
                   _("Could not write %s: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }

  fd_out = g_unix_output_stream_new (fd, TRUE);
  out = g_buffered_output_stream_new_sized (fd_out, 64 * 1024);
  /* The export flushes what it wrote; on disk before the rename. */
  ok = fb_transfer_export (store, out, terminal_progress (), &shown, n_items, NULL, error) &&
       (fsync (fd) == 0 || (g_set_error_literal (error, G_FILE_ERROR,
                                                 g_file_error_from_errno (errno),
                                                 g_strerror (errno)), FALSE)) &&
       g_output_stream_close (out, NULL, error);
  end_progress (shown);
  if (ok && g_rename (tmp, path) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not write %s: %s"), display, g_strerror (saved_errno));
      ok = FALSE;
    }
  if (!ok)
    {
      g_output_stream_close (out, NULL, NULL);
      g_unlink (tmp);
    }
  return ok;
}

static int
run_export (FbStore    *store,
            const char *path)
{
  g_autoptr(GError) error = NULL;
  gboolean to_stdout = g_strcmp0 (path, "-") == 0;
  guint n = 0;

  if (to_stdout)
    {
      g_autoptr(GOutputStream) fd_out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
      g_autoptr(GOutputStream) out = g_buffered_output_stream_new_sized (fd_out, 64 * 1024);
      gboolean shown = FALSE;
      gboolean ok;

      ok = fb_transfer_export (store, out, terminal_progress (), &shown, &n, NULL, &error) &&
           g_output_stream_close (out, NULL, &error);
      end_progress (shown);
      if (!ok)
        {
          g_printerr (_("Could not export: %s\n"), error->message);
          return 1;
        }
      /* The summary must not end up inside the exported JSON. */
      g_printerr (ngettext ("Exported %u item\n", "Exported %u items\n", n), n);
      return 0;
    }

  if (!export_to_file (store, path, &n, &error))
    {
      g_printerr (_("Could not export: %s\n"), error->message);
      return 1;
    }
  g_print (ngettext ("Exported %u item\n", "Exported %u items\n", n), n);
  return 0;
}

static int
run_import (FbStore    *store,
            const char *path)
{
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *display = NULL;
  gboolean shown = FALSE;
  gboolean ok;
  guint n = 0;

  display = g_strcmp0 (path, "-") == 0 ? g_strdup (_("standard input"))
                                       : g_filename_display_name (path);

  if (fb_store_get_read_only (store))
    {
      g_printerr (_("Could not import %s: %s. Nothing was imported.\n"),
                  display, fb_store_get_read_only_error (store)->message);
      return FB_CLI_EXIT_READ_ONLY;
    }

  if (g_strcmp0 (path, "-") == 0)
    {
      in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
    }
  else
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);

      in = G_INPUT_STREAM (g_file_read (file, NULL, &error));
      if (in == NULL)
        {
          g_printerr (_("Could not import: %s\n"), error->message);
          return 1;
        }
    }

  ok = fb_transfer_import (store, in, terminal_progress (), &shown, &n, NULL, &error);
  end_progress (shown);
  if (!ok)
    {
      if (g_error_matches (error, FB_TRANSFER_ERROR, FB_TRANSFER_ERROR_NOT_JSON))
        /* Translators: the first %s is a file name, the second a technical detail */
        g_printerr (_("Could not import %s: the file is not valid JSON (%s)\n"),
                    display, error->message);
      else
        /* Translators: the first %s is a file name, the second says why */
        g_printerr (_("Could not import %s: %s. Nothing was imported.\n"), display, error->message);
      return 1;
    }

  g_print (ngettext ("Imported %u item\n", "Imported %u items\n", n), n);
  return 0;
}

/* ---- Entry point ---- */

int
fb_cli_handle_local_options (GApplication *app,
                             GVariantDict *options)
{
  g_autoptr(FbStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *export_path = NULL;
  const char *import_path = NULL;
  gboolean sync;
  gboolean encrypt;
  int status = 0;

  g_return_val_if_fail (options != NULL, 1);

  encrypt = g_variant_dict_contains (options, "encrypt");
  sync = encrypt || g_variant_dict_contains (options, "sync");
  g_variant_dict_lookup (options, "export", "^&ay", &export_path);
  g_variant_dict_lookup (options, "import", "^&ay", &import_path);

  if (!sync && export_path == NULL && import_path == NULL &&
      !_fb_cli_has_encryption_command (options) &&
      !_fb_cli_has_history_command (options) && !_fb_cli_has_csv_command (options) &&
      !_fb_cli_has_search_command (options) && !_fb_cli_has_attachment_command (options) &&
      !_fb_cli_has_conflict_command (options) && !_fb_cli_has_note_command (options))
    return -1;

  store = fb_store_new (NULL, &error);
  if (store == NULL)
    {
      g_printerr (_("Could not open the Fieldbook database: %s\n"), error->message);
      return 1;
    }

  if (_fb_cli_has_encryption_command (options))
    return _fb_cli_run_encryption_command (store, options);
  if (_fb_cli_has_history_command (options))
    return _fb_cli_run_history_command (store, options);
  if (_fb_cli_has_csv_command (options))
    return _fb_cli_run_csv_command (store, options);
  /* Before --search: --tag belongs to --new-note when both are given. */
  if (_fb_cli_has_note_command (options))
    return _fb_cli_run_note_command (store, options);
  if (_fb_cli_has_search_command (options))
    return _fb_cli_run_search (store, options);
  if (_fb_cli_has_attachment_command (options))
    return _fb_cli_run_attachment_command (store, options);
  if (_fb_cli_has_conflict_command (options))
    return _fb_cli_run_conflict_command (store, options);

  if (import_path != NULL)
    status = run_import (store, import_path);
  if (status == 0 && sync)
    status = run_sync (store, options, encrypt);
  /* Conflicts wait for the person, unsent changes and files not
   * downloaded for the next sync; they do not stop an export. */
  if ((status == FB_CLI_EXIT_OK || status == FB_CLI_EXIT_NEW_CONFLICTS ||
       status == FB_CLI_EXIT_UNSENT || status == FB_CLI_EXIT_NOT_DOWNLOADED) && export_path != NULL)
    {
      int export_status = run_export (store, export_path);

      if (export_status != FB_CLI_EXIT_OK)
        status = export_status;
    }

  return status;
}
