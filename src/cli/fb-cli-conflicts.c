/* fb-cli-conflicts.c: the command line's conflicts, deleting and duplicating (--conflicts, --resolve, --delete, --duplicate) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-attachments.h"
#include "fb-cli.h"
#include "fb-cli-private.h"

void
_fb_cli_add_conflict_options (GApplication *app)
{
  g_application_add_main_option (app, "conflicts", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("List the items in conflict (ID, collection, state, title, the parts that differ) and quit"),
                                 NULL);
  g_application_add_main_option (app, "resolve", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Settle a conflict: keep “mine”, use the “server” version, or keep “both”, and quit"),
                                 _("ID mine|server|both"));
  g_application_add_main_option (app, "delete", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Move an item to the Trash and quit"), _("ID"));
  g_application_add_main_option (app, "duplicate", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Make a copy of an item (its fields, tags and attachments), print the copy’s ID and quit"),
                                 _("ID"));
  /* --resolve's HOW arrives in G_OPTION_REMAINING, which
   * _fb_cli_add_history_options () adds for --restore-version. */
}

gboolean
_fb_cli_has_conflict_command (GVariantDict *options)
{
  return g_variant_dict_contains (options, "conflicts") ||
         g_variant_dict_contains (options, "resolve") ||
         g_variant_dict_contains (options, "delete") ||
         g_variant_dict_contains (options, "duplicate");
}

/* Words for scripts: not translated. */
static const char *
state_word (FbItem *item)
{
  if (fb_item_get_deleted (item))
    return "deleted-here";
  if (fb_item_get_server_deleted (item))
    return "deleted-on-server";
  return "both-changed";
}

static gboolean
member_equal (JsonObject *a,
              JsonObject *b,
              const char *name)
{
  JsonNode *x = a != NULL && json_object_has_member (a, name) ? json_object_get_member (a, name) : NULL;
  JsonNode *y = b != NULL && json_object_has_member (b, name) ? json_object_get_member (b, name) : NULL;

  if (x == NULL || y == NULL)
    return x == y;
  return json_node_equal (x, y);
}

/* Adds the members of @object (skipping those in @skip) not yet in @names. */
static void
add_member_names (GPtrArray          *names,
                  JsonObject         *object,
                  const char * const *skip)
{
  g_autoptr(GList) members = object != NULL ? json_object_get_members (object) : NULL;

  for (GList *l = members; l != NULL; l = l->next)
    if ((skip == NULL || !g_strv_contains (skip, l->data)) &&
        !g_ptr_array_find_with_equal_func (names, l->data, g_str_equal, NULL))
      g_ptr_array_add (names, l->data);
}

/* The parts of @mine and @other that differ, comma-separated: top-level
 * members of the body (title, text, tags, attachments, …), and for a
 * record the names of its fields rather than "fields". */
static char *
differing_parts (JsonObject *mine,
                 JsonObject *other,
                 gboolean    is_record)
{
  static const char * const record_skip[] = { "fields", "order", NULL };
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) field_names = g_ptr_array_new ();
  g_autoptr(GString) parts = g_string_new (NULL);
  JsonObject *mine_fields = fb_body_get_object (mine, "fields");
  JsonObject *other_fields = fb_body_get_object (other, "fields");

  add_member_names (names, mine, is_record ? record_skip : NULL);
  add_member_names (names, other, is_record ? record_skip : NULL);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];

      if (fb_body_is_envelope_key (name) || member_equal (mine, other, name))
        continue;
      if (parts->len > 0)
        g_string_append_c (parts, ',');
      /* CouchDB's key, as a person calls it. */
      g_string_append (parts, g_str_equal (name, FB_BODY_ATTACHMENTS) ? "attachments" : name);
    }

  if (is_record)
    {
      add_member_names (field_names, mine_fields, NULL);
      add_member_names (field_names, other_fields, NULL);
      for (guint i = 0; i < field_names->len; i++)
        {
          g_autofree char *name = _fb_cli_dup_column (field_names->pdata[i]);

          if (member_equal (mine_fields, other_fields, field_names->pdata[i]))
            continue;
          if (parts->len > 0)
            g_string_append_c (parts, ',');
          g_string_append (parts, name);
        }
      /* Only the order moved: say so. */
      if (parts->len == 0 && !member_equal (mine, other, "order"))
        g_string_append (parts, "order");
    }

  return g_string_free (g_steal_pointer (&parts), FALSE);
}

/* One line per item in conflict: id, collection, state, title, parts. */
static int
run_list_conflicts (FbStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = fb_store_list_conflicts (store, &error);

  if (items == NULL)
    {
      g_printerr (_("Could not read the conflicts: %s\n"), error->message);
      return 1;
    }

  for (guint i = 0; i < items->len; i++)
    {
      FbItem *item = items->pdata[i];
      /* A side that deleted the item has nothing to compare: what the
       * other side changed since the last sync is what a choice keeps or
       * drops. */
      JsonObject *mine = fb_item_get_deleted (item) ? fb_item_get_base_body (item)
                                                    : fb_item_get_body (item);
      JsonObject *other = fb_item_get_server_deleted (item) ? fb_item_get_base_body (item)
                                                            : fb_item_get_server_body (item);
      gboolean is_record = g_strcmp0 (fb_item_get_collection (item), FB_COLLECTION_RECORDS) == 0;
      g_autofree char *parts = differing_parts (mine, other, is_record);
      g_autofree char *title = _fb_cli_dup_column (fb_item_get_title (item));

      g_print ("%s\t%s\t%s\t%s\t%s\n", fb_item_get_id (item), fb_item_get_collection (item),
               state_word (item), title, parts);
    }

  return 0;
}

static int
run_resolve (FbStore      *store,
             const char   *id,
             GVariantDict *options)
{
  g_autoptr(GError) error = NULL;
  g_autofree const char **rest = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *new_id = NULL;
  g_autofree char *title = NULL;
  FbResolution how;

  if (!g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&s", &rest) ||
      rest[0] == NULL || rest[1] != NULL)
    {
      g_printerr (_("--resolve needs an item and how to settle it: "
                    "--resolve ID mine|server|both\n"));
      return 1;
    }
  if (g_str_equal (rest[0], "mine"))
    how = FB_RESOLVE_KEEP_MINE;
  else if (g_str_equal (rest[0], "server"))
    how = FB_RESOLVE_USE_SERVER;
  else if (g_str_equal (rest[0], "both"))
    how = FB_RESOLVE_KEEP_BOTH;
  else
    {
      g_printerr (_("“%s” is not a way to settle a conflict: give mine, server or both\n"),
                  rest[0]);
      return 1;
    }

  item = fb_store_get_item (store, id, &error);
  if (item == NULL)
    {
      g_printerr (_("Could not resolve “%s”: %s\n"), id, error->message);
      return 1;
    }
  if (fb_item_get_state (item) != FB_ITEM_STATE_CONFLICT)
    {
      g_printerr (_("Could not resolve “%s”: it is not in conflict (see --conflicts)\n"), id);
      return 1;
    }
  title = fb_body_dup_display_title (fb_item_get_body (item));

  /* Keep Both needs the files of mine that only the server has: they are
   * downloaded first, as the window does. */
  if (!fb_store_resolve_conflict (store, id, how, &new_id, &error) &&
      g_error_matches (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_HERE) &&
      _fb_cli_fetch_from_server (store, id, NULL, options))
    {
      g_clear_error (&error);
      fb_store_resolve_conflict (store, id, how, &new_id, &error);
    }
  if (error != NULL)
    {
      g_printerr (_("Could not resolve “%s”: %s\n"), id, error->message);
      if (g_error_matches (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_HERE))
        g_printerr (_("--sync downloads it (a large file only on a network that is not metered), "
                      "and so does --save-attachment %s NAME -\n"), id);
      return fb_store_get_read_only (store) ? FB_CLI_EXIT_READ_ONLY : 1;
    }

  if (how == FB_RESOLVE_KEEP_MINE)
    g_print (_("Kept your version of “%s”; the next --sync sends it\n"), title);
  else if (new_id != NULL)
    /* Translators: the ID comes last so that a script can take it */
    g_print (_("Kept both versions of “%s”: the server’s stays, yours is now a new item %s\n"),
             title, new_id);
  else if (fb_item_get_deleted (item))
    g_print (_("Took the server’s version of “%s” (yours was deleted: there is no copy to keep)\n"),
             title);
  else
    g_print (_("Took the server’s version of “%s”\n"), title);
  return 0;
}

static int
run_delete (FbStore    *store,
            const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = fb_store_get_item (store, id, &error);
  g_autofree char *title = NULL;

  if (item == NULL)
    {
      g_printerr (_("Could not delete “%s”: %s\n"), id, error->message);
      return 1;
    }
  if (fb_item_get_deleted (item))
    {
      g_printerr (_("Could not delete “%s”: it is in the Trash already (--restore %s brings it back)\n"),
                  id, id);
      return 1;
    }
  if (!fb_store_delete_item (store, id, &error))
    {
      g_printerr (_("Could not delete “%s”: %s\n"), id, error->message);
      return fb_store_get_read_only (store) ? FB_CLI_EXIT_READ_ONLY : 1;
    }

  title = fb_body_dup_display_title (fb_item_get_body (item));
  g_print (_("Moved “%s” to the Trash (--restore %s brings it back)\n"), title, id);
  return 0;
}

/* The copy's id alone on standard output, for a script to go on with.
 * Files only the server has are downloaded first when a server is set
 * up, so that the copy has them, as the window's Duplicate does; when the
 * download fails, it said why and the copy leaves them out. */
static int
run_duplicate (FbStore      *store,
               const char   *id,
               GVariantDict *options)
{
  g_autoptr(GError) error = NULL;
  guint n_left_out = 0;
  g_autoptr(FbItem) copy = NULL;

  if (fb_store_has_files_not_here (store, id) && _fb_cli_has_server (options))
    _fb_cli_fetch_from_server (store, id, NULL, options);

  copy = fb_store_duplicate_item (store, id, &n_left_out, &error);
  if (copy == NULL)
    {
      g_autoptr(FbItem) item = fb_store_get_item (store, id, NULL);

      if (item != NULL && fb_item_get_deleted (item))
        g_printerr (_("Could not duplicate “%s”: it is in the Trash (--restore %s brings it back)\n"),
                    id, id);
      else
        g_printerr (_("Could not duplicate “%s”: %s\n"), id, error->message);
      return fb_store_get_read_only (store) ? FB_CLI_EXIT_READ_ONLY : 1;
    }

  g_print ("%s\n", fb_item_get_id (copy));
  if (n_left_out > 0)
    g_printerr (ngettext ("%u attachment was not copied: only the server has its file "
                          "(--sync downloads it into the original)\n",
                          "%u attachments were not copied: only the server has their files "
                          "(--sync downloads them into the original)\n",
                          n_left_out),
                n_left_out);
  return 0;
}

int
_fb_cli_run_conflict_command (FbStore      *store,
                              GVariantDict *options)
{
  const char *id = NULL;

  if (g_variant_dict_contains (options, "conflicts"))
    return run_list_conflicts (store);
  if (g_variant_dict_lookup (options, "resolve", "&s", &id))
    return run_resolve (store, id, options);
  if (g_variant_dict_lookup (options, "delete", "&s", &id))
    return run_delete (store, id);
  if (g_variant_dict_lookup (options, "duplicate", "&s", &id))
    return run_duplicate (store, id, options);

  return -1;
}
