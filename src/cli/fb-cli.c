/* fb-cli.c: Fieldbook's command line (--sync, --export, --import), without GTK */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-cli"

#include "config.h"

#include <errno.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "fb-account.h"
#include "fb-cli.h"
#include "fb-cli-private.h"
#include "fb-couch-document.h"
#include "fb-store.h"
#include "fb-sync-error.h"
#include "fb-sync-manager.h"
#include "fb-sync-words.h"

#define EXPORT_VERSION     1

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
  g_application_add_main_option (app, "export", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME,
                                 _("Write all notes and records to a JSON file (“-” for standard output) and quit"),
                                 _("FILE"));
  g_application_add_main_option (app, "import", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME,
                                 _("Read notes and records from a JSON file made by --export and quit"),
                                 _("FILE"));
  _fb_cli_add_history_options (app);
  g_application_set_option_context_description (app,
                                                _("Exit status: 0 when all is done and synced, 1 when a command failed, "
                                                  "3 when --sync put items into conflict, "
                                                  "4 when the database can only be read, "
                                                  "5 when --sync left changes unsent (it names them)."));
}

/* ---- Waiting for an async result without a GUI ---- */

typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} Waiter;

static void
waiter_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  g_main_loop_quit (waiter->loop);
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
    g_print (ngettext ("%u item is in conflict and needs a decision: open Fieldbook to choose.\n",
                       "%u items are in conflict and need a decision: open Fieldbook to choose.\n",
                       total_conflicts),
             total_conflicts);
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

static int
run_sync (FbStore      *store,
          GVariantDict *options)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(FbAccount) account = NULL;
  g_autoptr(FbSyncManager) manager = NULL;
  g_autoptr(FbSyncStats) stats = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  Waiter waiter = { NULL, NULL };
  guint total_conflicts;
  gboolean ok;

  if (fb_store_get_read_only (store))
    {
      /* Translators: %s says why, e.g. "The disk is full: …" */
      g_printerr (_("Could not sync: %s\n"), fb_store_get_read_only_error (store)->message);
      return FB_CLI_EXIT_READ_ONLY;
    }

  /* Without the installed schema (e.g. run from the build tree), the
   * options alone say where to sync. */
  settings = fb_settings_new_if_installed ();
  account = fb_account_new (settings);
  fb_account_set (account,
                  option_or (options, "server", fb_account_get_server_url (account)),
                  option_or (options, "database", fb_account_get_database (account)),
                  option_or (options, "user", fb_account_get_user (account)),
                  g_getenv ("FIELDBOOK_PASSWORD"));

  if (!fb_account_is_configured (account))
    {
      g_printerr (_("Could not sync: %s\n"), _("no server is set up (use --server URL)"));
      return 1;
    }

  if (g_getenv ("FIELDBOOK_PASSWORD") == NULL && *fb_account_get_user (account) != '\0')
    {
      g_autoptr(GError) keyring_error = NULL;

      if (!fb_account_load_password_sync (account, NULL, &keyring_error))
        g_printerr (_("Could not read the password from the keyring: %s\n"),
                    keyring_error->message);
    }

  manager = fb_sync_manager_new (store, NULL);
  fb_account_configure (account, manager);

  loop = g_main_loop_new (NULL, FALSE);
  waiter.loop = loop;
  fb_sync_manager_sync_async (manager, NULL, waiter_cb, &waiter);
  if (waiter.result == NULL)
    g_main_loop_run (loop);

  ok = fb_sync_manager_sync_finish_full (manager, waiter.result, &stats, &error);
  g_clear_object (&waiter.result);

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

  if (report_unsent (store))
    return FB_CLI_EXIT_UNSENT;

  return stats->conflicts > 0 ? FB_CLI_EXIT_NEW_CONFLICTS : FB_CLI_EXIT_OK;
}

/* ---- --export ---- */

static JsonNode *
item_to_export (FbItem *item)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, fb_couch_document_from_item (item, FALSE));
  return node;
}

static int
run_export (FbStore    *store,
            const char *path)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonObject *object;
  JsonArray *array;
  gsize length;
  gboolean to_stdout = g_strcmp0 (path, "-") == 0;

  items = fb_store_list_items (store, NULL, &error);
  if (items == NULL)
    {
      g_printerr (_("Could not export: %s\n"), error->message);
      return 1;
    }

  array = json_array_sized_new (items->len);
  for (guint i = 0; i < items->len; i++)
    json_array_add_element (array, item_to_export (items->pdata[i]));
  object = json_object_new ();
  json_object_set_int_member (object, "fieldbook", EXPORT_VERSION);
  json_object_set_array_member (object, "items", array);
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, object);

  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);

  if (to_stdout)
    {
      if (fwrite (text, 1, length, stdout) != length || fputc ('\n', stdout) == EOF ||
          fflush (stdout) != 0)
        {
          g_printerr (_("Could not export: %s\n"), g_strerror (errno));
          return 1;
        }
    }
  else
    {
      g_autofree char *with_newline = g_strconcat (text, "\n", NULL);

      /* Written to a temporary file and renamed: never half a file. */
      if (!g_file_set_contents (path, with_newline, -1, &error))
        {
          g_printerr (_("Could not export: %s\n"), error->message);
          return 1;
        }
    }

  /* The summary must not end up inside the exported JSON. */
  if (to_stdout)
    g_printerr (ngettext ("Exported %u item\n", "Exported %u items\n", items->len), items->len);
  else
    g_print (ngettext ("Exported %u item\n", "Exported %u items\n", items->len), items->len);
  return 0;
}

/* ---- --import ---- */

static gboolean
check_import (JsonNode    *root,
              JsonArray  **items_out,
              GError     **error)
{
  JsonObject *object;
  JsonNode *version;
  JsonArray *items;
  guint n;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto wrong_shape;
  object = json_node_get_object (root);

  version = json_object_get_member (object, "fieldbook");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      json_node_get_value_type (version) != G_TYPE_INT64)
    goto wrong_shape;
  if (json_node_get_int (version) != EXPORT_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   /* Translators: %d is a version number */
                   _("the file is in a newer format (version %d) than this Fieldbook reads"),
                   (int) json_node_get_int (version));
      return FALSE;
    }

  if (!json_object_has_member (object, "items") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "items")))
    goto wrong_shape;
  items = json_object_get_array_member (object, "items");

  n = json_array_get_length (items);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item;
      const char *id;
      const char *type;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto wrong_item;
      item = json_node_get_object (node);
      if (!fb_body_has_string (item, "_id") || !fb_body_has_string (item, "type"))
        goto wrong_item;
      id = fb_body_get_string (item, "_id");
      type = fb_body_get_string (item, "type");
      if (*id == '\0' || id[0] == '_' ||
          (strcmp (type, FB_COLLECTION_NOTES) != 0 && strcmp (type, FB_COLLECTION_RECORDS) != 0))
        goto wrong_item;
      continue;

    wrong_item:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   /* Translators: %u is the position of an item in the file */
                   _("item %u in the file is not a Fieldbook note or record"), i + 1);
      return FALSE;
    }

  *items_out = items;
  return TRUE;

wrong_shape:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("the file is not a Fieldbook export (it needs \"fieldbook\": 1 and a list of \"items\")"));
  return FALSE;
}

static gboolean
import_items (FbStore    *store,
              JsonArray  *items,
              GError    **error)
{
  guint n = json_array_get_length (items);

  if (!fb_store_begin (store, error))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = json_array_get_object_element (items, i);
      const char *id = json_object_get_string_member (object, "_id");
      const char *type = fb_couch_document_get_type (object);
      g_autoptr(JsonObject) body = fb_couch_document_get_body (object);
      g_autoptr(FbItem) existing = NULL;
      g_autoptr(FbItem) item = NULL;

      /* Importing the same file twice changes nothing the second time. */
      existing = fb_store_get_item (store, id, NULL);
      if (existing != NULL && !fb_item_get_deleted (existing) &&
          g_strcmp0 (fb_item_get_collection (existing), type) == 0 &&
          fb_body_equal (fb_item_get_body (existing), body))
        continue;

      item = fb_store_put_item (store, id, type, body, error);
      if (item == NULL)
        {
          fb_store_rollback (store);
          return FALSE;
        }
    }

  if (!fb_store_commit (store, error))
    {
      fb_store_rollback (store);
      return FALSE;
    }

  return TRUE;
}

static int
run_import (FbStore    *store,
            const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *display = NULL;
  JsonArray *items = NULL;
  gboolean parsed;

  if (fb_store_get_read_only (store))
    {
      g_autofree char *name = g_strcmp0 (path, "-") == 0 ? g_strdup (_("standard input"))
                                                         : g_filename_display_name (path);

      g_printerr (_("Could not import %s: %s. Nothing was imported.\n"),
                  name, fb_store_get_read_only_error (store)->message);
      return FB_CLI_EXIT_READ_ONLY;
    }

  if (g_strcmp0 (path, "-") == 0)
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);

      display = g_strdup (_("standard input"));
      parsed = json_parser_load_from_stream (parser, in, NULL, &error);
    }
  else
    {
      g_autofree char *contents = NULL;
      gsize length;

      display = g_filename_display_name (path);
      if (!g_file_get_contents (path, &contents, &length, &error))
        {
          g_printerr (_("Could not import: %s\n"), error->message);
          return 1;
        }
      parsed = json_parser_load_from_data (parser, contents, length, &error);
    }

  if (!parsed)
    {
      /* Translators: the first %s is a file name, the second a technical detail */
      g_printerr (_("Could not import %s: the file is not valid JSON (%s)\n"),
                  display, error->message);
      return 1;
    }

  if (!check_import (json_parser_get_root (parser), &items, &error))
    {
      /* Translators: the first %s is a file name, the second says why */
      g_printerr (_("Could not import %s: %s. Nothing was imported.\n"), display, error->message);
      return 1;
    }

  if (!import_items (store, items, &error))
    {
      g_printerr (_("Could not import %s: %s. Nothing was imported.\n"), display, error->message);
      return 1;
    }

  g_print (ngettext ("Imported %u item\n", "Imported %u items\n", json_array_get_length (items)),
           json_array_get_length (items));
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
  int status = 0;

  g_return_val_if_fail (options != NULL, 1);

  sync = g_variant_dict_contains (options, "sync");
  g_variant_dict_lookup (options, "export", "^&ay", &export_path);
  g_variant_dict_lookup (options, "import", "^&ay", &import_path);

  if (!sync && export_path == NULL && import_path == NULL &&
      !_fb_cli_has_history_command (options))
    return -1;

  store = fb_store_new (NULL, &error);
  if (store == NULL)
    {
      g_printerr (_("Could not open the Fieldbook database: %s\n"), error->message);
      return 1;
    }

  if (_fb_cli_has_history_command (options))
    return _fb_cli_run_history_command (store, options);

  if (import_path != NULL)
    status = run_import (store, import_path);
  if (status == 0 && sync)
    status = run_sync (store, options);
  /* Conflicts wait for the person, unsent changes for the next sync; they
   * do not stop an export. */
  if ((status == FB_CLI_EXIT_OK || status == FB_CLI_EXIT_NEW_CONFLICTS ||
       status == FB_CLI_EXIT_UNSENT) && export_path != NULL)
    {
      int export_status = run_export (store, export_path);

      if (export_status != FB_CLI_EXIT_OK)
        status = export_status;
    }

  return status;
}
