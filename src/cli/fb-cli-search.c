/* fb-cli-search.c: the command line's search (--search QUERY [--tag NAME] [--limit N]) and --tags */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-cli"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "fb-cli.h"
#include "fb-cli-private.h"
#include "fb-store-tags.h"

void
_fb_cli_add_search_options (GApplication *app)
{
  g_application_add_main_option (app, "search", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Print the ID and title of each item that matches, as the search box finds them, and quit"),
                                 _("QUERY"));
  g_application_add_main_option (app, "tag", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Print the items tagged NAME (with --search: only those of its results), and quit"),
                                 _("NAME"));
  g_application_add_main_option (app, "tags", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("Print each tag with the number of items that have it, and quit"),
                                 NULL);
  g_application_add_main_option (app, "limit", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_INT,
                                 _("With --search: print at most N items"), _("N"));
}

gboolean
_fb_cli_has_search_command (GVariantDict *options)
{
  return g_variant_dict_contains (options, "search") ||
         g_variant_dict_contains (options, "tag") ||
         g_variant_dict_contains (options, "tags");
}

/* One line per tag: the name, a tab, how many live items have it. */
static int
run_tags (FbStore *store)
{
  g_autoptr(GPtrArray) tags = NULL;
  g_autoptr(GError) error = NULL;

  tags = fb_store_list_tags (store, NULL, &error);
  if (tags == NULL)
    {
      g_printerr (_("Could not list the tags: %s\n"), error->message);
      return 1;
    }

  for (guint i = 0; i < tags->len; i++)
    {
      FbTagCount *tag = tags->pdata[i];
      g_autofree char *name = g_strdup (tag->name);

      g_strdelimit (name, "\t\r\n", ' ');
      g_print ("%s\t%u\n", name, tag->count);
    }

  return FB_CLI_EXIT_OK;
}

/* One line per hit: ID, a tab, the title as the list shows it (line
 * breaks as spaces, so that one hit stays one line). */
int
_fb_cli_run_search (FbStore      *store,
                    GVariantDict *options)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *full_query = NULL;
  const char *query = NULL;
  const char *tag = NULL;
  gint32 limit = 0;

  if (g_variant_dict_contains (options, "tags"))
    return run_tags (store);

  g_variant_dict_lookup (options, "search", "&s", &query);
  g_variant_dict_lookup (options, "tag", "&s", &tag);
  g_variant_dict_lookup (options, "limit", "i", &limit);
  if (limit < 0)
    {
      g_printerr (_("Could not search: %s\n"), _("--limit needs a number of 0 or more"));
      return 1;
    }

  if (tag != NULL)
    {
      g_autofree char *name = g_strstrip (g_strdup (tag));
      g_autofree char *term = NULL;

      if (*name == '\0' || strchr (name, '"') != NULL)
        {
          g_printerr (_("Could not search: %s\n"), _("--tag needs a tag name without quotes"));
          return 1;
        }
      term = fb_tag_search_term (name);
      query = full_query = g_strjoin (" ", term, query, NULL);
    }

  items = fb_store_search_first (store, NULL, query, (guint) limit, &error);
  if (items == NULL)
    {
      g_printerr (_("Could not search: %s\n"), error->message);
      return 1;
    }

  for (guint i = 0; i < items->len; i++)
    {
      FbItem *item = items->pdata[i];
      g_autofree char *title = fb_body_dup_display_title (fb_item_get_body (item));

      g_strdelimit (title, "\t\r\n", ' ');
      g_print ("%s\t%s\n", fb_item_get_id (item), title);
    }

  return FB_CLI_EXIT_OK;
}
