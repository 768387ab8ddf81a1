/* fb-cli-attachments.c: the command line's attachments (--attach [--field], --attachments, --save-attachment, --rename-attachment, --remove-attachment) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-cli"

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <unistd.h>

#include "fb-attachments.h"
#include "fb-cli.h"
#include "fb-cli-private.h"
#include "fb-record-files.h"
#include "fb-sync-error.h"
#include "fb-sync-words.h"

void
_fb_cli_add_attachment_options (GApplication *app)
{
  /* The second and third arguments come as G_OPTION_REMAINING, which
   * fb-cli-history.c declares. */
  g_application_add_main_option (app, "attach", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Attach a file to an item and quit"), _("ID FILE"));
  g_application_add_main_option (app, "attachments", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("List the attachments of an item (name, type, size, SHA-256) and quit"),
                                 _("ID"));
  g_application_add_main_option (app, "save-attachment", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Write an attachment of an item to a file (“-” for standard output) and quit"),
                                 _("ID NAME FILE"));
  g_application_add_main_option (app, "rename-attachment", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Rename an attachment of an item, and the references to it in its text, and quit"),
                                 _("ID OLD NEW"));
  g_application_add_main_option (app, "field", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("With --attach: also name the file in this photo or file field of the record"),
                                 _("NAME"));
  g_application_add_main_option (app, "remove-attachment", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Remove an attachment from an item (and from the record’s photo and file fields) and quit"),
                                 _("ID NAME"));
  g_application_add_main_option (app, "collect-attachments", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("Remove the attachment files nothing needs any more and quit"), NULL);
}

gboolean
_fb_cli_has_attachment_command (GVariantDict *options)
{
  return g_variant_dict_contains (options, "attach") ||
         g_variant_dict_contains (options, "attachments") ||
         g_variant_dict_contains (options, "save-attachment") ||
         g_variant_dict_contains (options, "rename-attachment") ||
         g_variant_dict_contains (options, "remove-attachment") ||
         g_variant_dict_contains (options, "collect-attachments");
}

/* The remaining arguments, when there are exactly @n of them. */
static const char **
remaining (GVariantDict *options,
           guint         n)
{
  const char **rest = NULL;

  if (!g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&s", &rest))
    return NULL;
  if (g_strv_length ((char **) rest) != n)
    {
      g_free (rest);
      return NULL;
    }
  return rest;
}

/* One line: name, content type, size in bytes, "sha256-…" (or
 * "not-downloaded" while the file is only on the server). A tab or line
 * break in the name or type (another program's) prints as a space, so
 * that the line keeps its four columns. */
static void
print_attachment (const FbAttachment *attachment)
{
  g_autofree char *sha256 = fb_attachment_dup_sha256_digest (attachment);
  g_autofree char *name = _fb_cli_dup_column (attachment->name);
  g_autofree char *type = _fb_cli_dup_column (attachment->content_type);

  /* A word for scripts: not translated. */
  g_print ("%s\t%s\t%" G_GINT64_FORMAT "\t%s\n", name, type, attachment->length,
           sha256 != NULL ? sha256 : "not-downloaded");
}

static int
run_attach (FbStore      *store,
            const char   *id,
            GVariantDict *options)
{
  g_autofree const char **rest = remaining (options, 1);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(FbAttachment) attachment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  const char *field = NULL;

  if (rest == NULL)
    {
      g_printerr (_("--attach needs an item and a file: --attach ID FILE\n"));
      return 1;
    }

  g_variant_dict_lookup (options, "field", "&s", &field);
  file = g_file_new_for_commandline_arg (rest[0]);
  name = g_file_get_basename (file);
  in = g_file_read (file, NULL, &error);
  /* With --field, the file and its name in the field are one edit. */
  if (in != NULL && field != NULL)
    attachment = fb_store_attach_to_field (store, id, field, name, NULL, G_INPUT_STREAM (in), NULL, &error);
  else if (in != NULL)
    attachment = fb_store_add_attachment (store, id, name, NULL, G_INPUT_STREAM (in), NULL, &error);
  if (attachment == NULL)
    {
      /* Translators: the first %s is a file name, the second says why */
      g_printerr (_("Could not attach %s: %s\n"), rest[0], error->message);
      return 1;
    }

  print_attachment (attachment);
  return FB_CLI_EXIT_OK;
}

/* One line each (print_attachment ()). */
static int
run_list (FbStore    *store,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = fb_store_list_attachments (store, id, &error);

  if (list == NULL)
    {
      g_printerr (_("Could not list the attachments of “%s”: %s\n"), id, error->message);
      return 1;
    }

  for (guint i = 0; i < list->len; i++)
    print_attachment (list->pdata[i]);
  return FB_CLI_EXIT_OK;
}

/* @name, or with NULL every file of item @id that is not here. */
static gboolean
fetch_once (FbSyncManager  *manager,
            const char     *id,
            const char     *name,
            GError        **error)
{
  FbCliWaiter waiter = { NULL, NULL };
  gboolean ok;

  if (name != NULL)
    {
      fb_sync_manager_fetch_attachment_async (manager, id, name, NULL, _fb_cli_waiter_cb, &waiter);
      ok = fb_sync_manager_fetch_attachment_finish (manager, _fb_cli_waiter_run (&waiter), error);
    }
  else
    {
      fb_sync_manager_fetch_missing_attachments_async (manager, id, NULL, _fb_cli_waiter_cb, &waiter);
      ok = fb_sync_manager_fetch_missing_attachments_finish (manager, _fb_cli_waiter_run (&waiter), error);
    }
  _fb_cli_waiter_clear (&waiter);
  return ok;
}

gboolean
_fb_cli_fetch_from_server (FbStore       *store,
                           const char    *id,
                           const char    *name,
                           GVariantDict  *options)
{
  g_autoptr(FbSyncManager) manager = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_passphrase = FALSE;
  gboolean ok;

  manager = _fb_cli_configure_manager (store, options, NULL, &has_passphrase);
  if (manager == NULL)
    return FALSE;

  ok = fetch_once (manager, id, name, &error);
  if (!ok && has_passphrase && g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_NEEDS_PASSPHRASE))
    {
      g_autoptr(FbSyncStats) stats = NULL;
      FbCliWaiter waiter = { NULL, NULL };

      g_clear_error (&error);
      fb_sync_manager_sync_async (manager, NULL, _fb_cli_waiter_cb, &waiter);
      stats = fb_sync_manager_sync_finish (manager, _fb_cli_waiter_run (&waiter), &error);
      _fb_cli_waiter_clear (&waiter);
      ok = stats != NULL && fetch_once (manager, id, name, &error);
    }
  if (!ok)
    {
      g_autofree char *words = fb_sync_words_error_reason (error);

      if (name != NULL)
        /* Translators: %s says why, e.g. "the server cannot be reached" */
        g_printerr (_("Could not fetch the attachment “%s” from the server: %s\n"), name, words);
      else
        /* Translators: the first %s is an item's ID, the second says why */
        g_printerr (_("Could not fetch the attachments of “%s” from the server: %s\n"), id, words);
    }
  return ok;
}

static int
run_save (FbStore      *store,
          const char   *id,
          GVariantDict *options)
{
  g_autofree const char **rest = remaining (options, 2);
  g_autoptr(FbAttachment) attachment = NULL;
  g_autoptr(GFile) source = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (rest == NULL)
    {
      g_printerr (_("--save-attachment needs an item, a name and a file: --save-attachment ID NAME FILE\n"));
      return 1;
    }

  attachment = fb_store_get_attachment (store, id, rest[0], &error);
  if (attachment != NULL)
    source = fb_store_get_attachment_file (store, attachment->digest, &error);
  if (source == NULL && g_error_matches (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND) &&
      attachment != NULL)
    {
      g_clear_error (&error);
      if (!_fb_cli_fetch_from_server (store, id, rest[0], options))
        return FB_CLI_EXIT_FAILED;
      source = fb_store_get_attachment_file (store, attachment->digest, &error);
    }
  if (source == NULL)
    {
      g_printerr (_("Could not save the attachment “%s”: %s\n"), rest[0], error->message);
      return 1;
    }

  if (g_strcmp0 (rest[1], "-") == 0)
    {
      g_autoptr(GFileInputStream) in = g_file_read (source, NULL, &error);
      g_autoptr(GOutputStream) out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);

      ok = in != NULL &&
           g_output_stream_splice (out, G_INPUT_STREAM (in), G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE,
                                   NULL, &error) >= 0;
    }
  else
    {
      g_autoptr(GFile) target = g_file_new_for_commandline_arg (rest[1]);

      ok = g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
    }

  if (!ok)
    {
      g_printerr (_("Could not save the attachment “%s”: %s\n"), rest[0], error->message);
      return 1;
    }
  return FB_CLI_EXIT_OK;
}

static int
run_rename (FbStore      *store,
            const char   *id,
            GVariantDict *options)
{
  g_autofree const char **rest = remaining (options, 2);
  g_autoptr(GError) error = NULL;

  if (rest == NULL)
    {
      g_printerr (_("--rename-attachment needs an item, a name and a new name: --rename-attachment ID OLD NEW\n"));
      return 1;
    }

  if (!fb_store_rename_attachment (store, id, rest[0], rest[1], &error))
    {
      g_printerr (_("Could not rename the attachment “%s”: %s\n"), rest[0], error->message);
      return 1;
    }
  return FB_CLI_EXIT_OK;
}

static int
run_remove (FbStore      *store,
            const char   *id,
            GVariantDict *options)
{
  g_autofree const char **rest = remaining (options, 1);
  g_autoptr(GError) error = NULL;

  if (rest == NULL)
    {
      g_printerr (_("--remove-attachment needs an item and a name: --remove-attachment ID NAME\n"));
      return 1;
    }

  if (!fb_store_detach_attachment (store, id, rest[0], NULL, &error))
    {
      g_printerr (_("Could not remove the attachment “%s”: %s\n"), rest[0], error->message);
      return 1;
    }
  return FB_CLI_EXIT_OK;
}

static int
run_collect (FbStore *store)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  if (!fb_store_collect_attachments (store, FB_ATTACHMENTS_GRACE_MS, &n, &error))
    {
      g_printerr (_("Could not remove unused attachment files: %s\n"), error->message);
      return 1;
    }

  g_print (ngettext ("Removed %u unused attachment file\n",
                     "Removed %u unused attachment files\n", n), n);
  return FB_CLI_EXIT_OK;
}

int
_fb_cli_run_attachment_command (FbStore      *store,
                                GVariantDict *options)
{
  const char *id = NULL;

  if (g_variant_dict_lookup (options, "attach", "&s", &id))
    return run_attach (store, id, options);
  if (g_variant_dict_lookup (options, "attachments", "&s", &id))
    return run_list (store, id);
  if (g_variant_dict_lookup (options, "save-attachment", "&s", &id))
    return run_save (store, id, options);
  if (g_variant_dict_lookup (options, "rename-attachment", "&s", &id))
    return run_rename (store, id, options);
  if (g_variant_dict_lookup (options, "remove-attachment", "&s", &id))
    return run_remove (store, id, options);
  return run_collect (store);
}
