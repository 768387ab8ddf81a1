/* fb-cli-history.c: the command line's Trash and version history (--trash, --history, …) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "fb-cli-private.h"
#include "fb-store-history.h"

void
_fb_cli_add_history_options (GApplication *app)
{
  g_application_add_main_option (app, "trash", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("List the items in the Trash and quit"), NULL);
  g_application_add_main_option (app, "restore", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Bring an item back from the Trash and quit"), _("ID"));
  g_application_add_main_option (app, "empty-trash", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("Delete everything in the Trash for good and quit"), NULL);
  g_application_add_main_option (app, "history", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("List the earlier versions of an item and quit"), _("ID"));
  g_application_add_main_option (app, "restore-version", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_STRING,
                                 _("Make an earlier version (a number from --history) the current one and quit"),
                                 _("ID VERSION"));
  g_application_add_main_option (app, G_OPTION_REMAINING, 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_STRING_ARRAY, "", NULL);
}

gboolean
_fb_cli_has_history_command (GVariantDict *options)
{
  return g_variant_dict_contains (options, "trash") ||
         g_variant_dict_contains (options, "restore") ||
         g_variant_dict_contains (options, "empty-trash") ||
         g_variant_dict_contains (options, "history") ||
         g_variant_dict_contains (options, "restore-version");
}

static char *
format_time (gint64 ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  return local != NULL ? g_date_time_format_iso8601 (local) : g_strdup ("?");
}

static const char *
origin_word (FbVersionOrigin origin)
{
  /* Words for scripts: not translated. */
  switch (origin)
    {
    case FB_VERSION_ORIGIN_SERVER:
      return "server";
    case FB_VERSION_ORIGIN_MERGE:
      return "merge";
    case FB_VERSION_ORIGIN_RESOLUTION:
      return "resolution";
    case FB_VERSION_ORIGIN_DEVICE:
    default:
      return "device";
    }
}

/* One line per item: id, when it was deleted, collection, title. */
static int
run_list_trash (FbStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = fb_store_list_trash (store, &error);

  if (items == NULL)
    {
      g_printerr (_("Could not read the Trash: %s\n"), error->message);
      return 1;
    }

  for (guint i = 0; i < items->len; i++)
    {
      FbItem *item = items->pdata[i];
      g_autofree char *when = format_time (fb_store_get_trashed_at (store,
                                                                    fb_item_get_id (item)));
      g_autofree char *title = _fb_cli_dup_column (fb_item_get_title (item));

      g_print ("%s\t%s\t%s\t%s\n", fb_item_get_id (item), when,
               fb_item_get_collection (item), title);
    }
  if (items->len == 0)
    g_printerr (_("The Trash is empty\n"));

  return 0;
}

static int
run_restore (FbStore    *store,
             const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = fb_store_get_item (store, id, &error);

  if (item != NULL && (!fb_item_get_deleted (item) || fb_store_get_trashed_at (store, id) == 0))
    {
      g_printerr (_("Could not restore “%s”: it is not in the Trash\n"), id);
      return 1;
    }
  if (item == NULL || !fb_store_restore_item (store, id, &error))
    {
      g_printerr (_("Could not restore “%s”: %s\n"), id, error->message);
      return 1;
    }

  g_print (_("Restored “%s”\n"), fb_item_get_title (item));
  return 0;
}

static int
run_empty_trash (FbStore *store)
{
  g_autoptr(GError) error = NULL;
  guint removed = 0;

  if (!fb_store_empty_trash (store, 0, &removed, &error))
    {
      g_printerr (_("Could not empty the Trash: %s\n"), error->message);
      return 1;
    }

  g_print (ngettext ("Deleted %u item for good\n", "Deleted %u items for good\n", removed),
           removed);
  return 0;
}

/* One line per version, newest first: number, time, origin, title. */
static int
run_history (FbStore    *store,
             const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = fb_store_get_item (store, id, &error);
  g_autoptr(GPtrArray) versions = NULL;

  if (item != NULL)
    versions = fb_store_list_versions (store, id, &error);
  if (versions == NULL)
    {
      g_printerr (_("Could not read the history of “%s”: %s\n"), id, error->message);
      return 1;
    }

  for (guint i = 0; i < versions->len; i++)
    {
      FbVersion *version = versions->pdata[i];
      g_autofree char *when = format_time (fb_version_get_edited_at (version));
      g_autofree char *title = _fb_cli_dup_column (fb_version_get_title (version));

      g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s\n", fb_version_get_id (version), when,
               origin_word (fb_version_get_origin (version)), title);
    }
  if (versions->len == 0)
    g_printerr (_("“%s” has no earlier versions\n"), id);

  return 0;
}

static int
run_restore_version (FbStore      *store,
                     const char   *id,
                     GVariantDict *options)
{
  g_autoptr(GError) error = NULL;
  g_autofree const char **rest = NULL;
  g_autoptr(FbItem) item = NULL;
  char *end = NULL;
  guint n_left_out = 0;
  gint64 version;

  if (!g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&s", &rest) ||
      rest[0] == NULL || rest[1] != NULL)
    {
      g_printerr (_("--restore-version needs an item and a version number: "
                    "--restore-version ID VERSION\n"));
      return 1;
    }
  version = g_ascii_strtoll (rest[0], &end, 10);
  if (end == rest[0] || *end != '\0')
    {
      g_printerr (_("“%s” is not a version number (see --history %s)\n"), rest[0], id);
      return 1;
    }

  if (!fb_store_restore_version (store, id, version, &n_left_out, &error))
    {
      g_printerr (_("Could not restore version %s of “%s”: %s\n"), rest[0], id, error->message);
      return 1;
    }

  item = fb_store_get_item (store, id, NULL);
  g_print (_("Restored version %s of “%s”\n"), rest[0],
           item != NULL ? fb_item_get_title (item) : id);
  if (n_left_out > 0)
    g_printerr (ngettext ("%u attachment of that version did not come back: its file is not on "
                          "this device, and the server’s version does not have it\n",
                          "%u attachments of that version did not come back: their files are not on "
                          "this device, and the server’s version does not have them\n",
                          n_left_out),
                n_left_out);
  return 0;
}

int
_fb_cli_run_history_command (FbStore      *store,
                             GVariantDict *options)
{
  const char *id = NULL;

  if (g_variant_dict_contains (options, "trash"))
    return run_list_trash (store);
  if (g_variant_dict_lookup (options, "restore", "&s", &id))
    return run_restore (store, id);
  if (g_variant_dict_contains (options, "empty-trash"))
    return run_empty_trash (store);
  if (g_variant_dict_lookup (options, "history", "&s", &id))
    return run_history (store, id);
  if (g_variant_dict_lookup (options, "restore-version", "&s", &id))
    return run_restore_version (store, id, options);

  return -1;
}
