/* fb-cli-search.c: the command line's search (--search, --tag, --tags) and list (--list, --sort, --pin) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-cli"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "fb-cli.h"
#include "fb-cli-private.h"
#include "fb-item-list.h"
#include "fb-item-sort.h"
#include "fb-store-tags.h"

void
_fb_cli_add_search_options (GApplication *app)
{
  g_application_add_main_option (app, "search", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Print the ID and title of each item that matches, as the search box finds them, and quit"),
                                 _("QUERY"));
  /* Repeatable: every tag given must be there; with --new-note, the
   * new note's tags (fb-cli-notes.c). */
  g_application_add_main_option (app, "tag", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING_ARRAY,
                                 _("Print the items tagged NAME (repeated: with every tag given; with --search: only those of its results), and quit; with --new-note: tag the new note"),
                                 _("NAME"));
  g_application_add_main_option (app, "tags", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("Print each tag with the number of items that have it, and quit"),
                                 NULL);
  g_application_add_main_option (app, "limit", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_INT,
                                 _("With --search or --list: print at most N items"), _("N"));
  g_application_add_main_option (app, "list", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Print the ID and title of each item of COLLECTION (notes or records) in the list's order, pinned items first, and quit"),
                                 _("COLLECTION"));
  g_application_add_main_option (app, "sort", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("With --list: sort by modified (the default), created or title"),
                                 _("ORDER"));
  g_application_add_main_option (app, "pin", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Pin the item ID to the top of its list, and quit"), _("ID"));
  g_application_add_main_option (app, "unpin", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Unpin the item ID, and quit"), _("ID"));
}

gboolean
_fb_cli_has_search_command (GVariantDict *options)
{
  return g_variant_dict_contains (options, "search") ||
         g_variant_dict_contains (options, "tag") ||
         g_variant_dict_contains (options, "tags") ||
         g_variant_dict_contains (options, "list") ||
         g_variant_dict_contains (options, "pin") ||
         g_variant_dict_contains (options, "unpin");
}

static void
print_item (FbItem *item)
{
  g_autofree char *title = fb_body_dup_display_title (fb_item_get_body (item));
  g_autofree char *column = _fb_cli_dup_column (title);

  g_print ("%s\t%s\n", fb_item_get_id (item), column);
}

/* The order the window's list shows (fb_item_list_set_sort ()). */
static int
run_list (FbStore      *store,
          GVariantDict *options,
          const char   *collection,
          guint         limit)
{
  g_autoptr(FbItemList) list = NULL;
  const char *order = "modified";
  FbItemSort sort;
  guint n;

  g_variant_dict_lookup (options, "sort", "&s", &order);
  if (!fb_item_sort_from_string (order, &sort))
    {
      g_printerr (_("Could not list the items: %s\n"),
                  _("--sort needs modified, created or title"));
      return 1;
    }
  if (g_strcmp0 (collection, FB_COLLECTION_NOTES) != 0 &&
      g_strcmp0 (collection, FB_COLLECTION_RECORDS) != 0)
    {
      g_printerr (_("Could not list the items: %s\n"),
                  _("--list needs notes or records"));
      return 1;
    }

  list = fb_item_list_new (store, collection);
  fb_item_list_set_sort (list, sort);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  if (limit > 0)
    n = MIN (n, limit);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      print_item (item);
    }

  return FB_CLI_EXIT_OK;
}

static int
run_pin (FbStore    *store,
         const char *id,
         gboolean    pinned)
{
  g_autoptr(GError) error = NULL;

  if (!fb_store_set_pinned (store, id, pinned, &error))
    {
      g_printerr (pinned ? _("Could not pin the item: %s\n") : _("Could not unpin the item: %s\n"),
                  error->message);
      return 1;
    }
  return FB_CLI_EXIT_OK;
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
      g_autofree char *name = _fb_cli_dup_column (tag->name);

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
  g_autofree const char **tags = NULL;
  gint32 limit = 0;

  if (g_variant_dict_contains (options, "tags"))
    return run_tags (store);
  if (g_variant_dict_lookup (options, "pin", "&s", &query))
    return run_pin (store, query, TRUE);
  if (g_variant_dict_lookup (options, "unpin", "&s", &query))
    return run_pin (store, query, FALSE);

  g_variant_dict_lookup (options, "search", "&s", &query);
  g_variant_dict_lookup (options, "tag", "^a&s", &tags);
  g_variant_dict_lookup (options, "limit", "i", &limit);
  if (limit < 0)
    {
      g_printerr (_("Could not search: %s\n"), _("--limit needs a number of 0 or more"));
      return 1;
    }

  if (g_variant_dict_contains (options, "list") && query == NULL && tags == NULL)
    {
      const char *collection = NULL;

      g_variant_dict_lookup (options, "list", "&s", &collection);
      return run_list (store, options, collection, (guint) limit);
    }

  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    {
      g_autofree char *name = g_strstrip (g_strdup (tags[i]));
      g_autofree char *term = NULL;
      char *joined;

      if (*name == '\0' || strchr (name, '"') != NULL)
        {
          g_printerr (_("Could not search: %s\n"), _("--tag needs a tag name without quotes"));
          return 1;
        }
      term = fb_tag_search_term (name);
      joined = g_strjoin (" ", term, query, NULL);
      g_free (full_query);
      query = full_query = joined;
    }

  items = fb_store_search_first (store, NULL, query, (guint) limit, &error);
  if (items == NULL)
    {
      g_printerr (_("Could not search: %s\n"), error->message);
      return 1;
    }

  for (guint i = 0; i < items->len; i++)
    print_item (items->pdata[i]);

  return FB_CLI_EXIT_OK;
}
