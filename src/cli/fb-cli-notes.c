/* fb-cli-notes.c: one item read, a note made and a note added to from the command line (--show, --new-note, --append) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>

#include "fb-cli.h"
#include "fb-cli-private.h"
#include "fb-store-tags.h"
#include "fb-template.h"

void
_fb_cli_add_note_options (GApplication *app)
{
  g_application_add_main_option (app, "show", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Print one item as a person reads it: its title, a blank line, a note’s text or a record’s fields, then its tags; and quit"),
                                 _("ID"));
  g_application_add_main_option (app, "new-note", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Make a note titled TITLE whose text is standard input (UTF-8), print its ID and quit; --tag NAME (repeatable) tags it"),
                                 _("TITLE"));
  g_application_add_main_option (app, "append", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING,
                                 _("Add standard input (UTF-8) to the end of the note ID’s text, on a new line, print the ID and quit"),
                                 _("ID"));
}

gboolean
_fb_cli_has_note_command (GVariantDict *options)
{
  return g_variant_dict_contains (options, "show") ||
         g_variant_dict_contains (options, "new-note") ||
         g_variant_dict_contains (options, "append");
}

/* ---- Standard input ---- */

/* All of standard input as text: NULL (and why, in words) when it cannot
 * be read, is not UTF-8 or holds a NUL, which no note's text can. */
static char *
read_text_from_stdin (GError **error)
{
  g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) read_error = NULL;
  const char *end = NULL;
  const char *data;
  gsize length;

  if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &read_error) < 0)
    {
      /* Translators: %s says why, e.g. "Input/output error" */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("standard input could not be read (%s)"),
                   read_error->message);
      return NULL;
    }

  data = g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out));
  length = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out));
  if (length == 0)
    return g_strdup ("");

  /* A NUL stops the check too, with @end on it. */
  if (!g_utf8_validate_len (data, length, &end))
    {
      guint line = 1;

      for (const char *p = data; p < end; p++)
        line += *p == '\n';
      if (*end == '\0')
        /* Translators: %u is a line number of the input */
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("standard input holds a NUL byte on line %u, and a note holds text only"), line);
      else
        /* Translators: %u is a line number of the input */
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("standard input is not UTF-8 text (line %u)"), line);
      return NULL;
    }

  return g_strndup (data, length);
}

/* ---- --show ---- */

/* @text as lines: each ends with a line break, and a line after the first
 * is indented by @indent spaces (0: none) so that it cannot be taken for
 * the start of another field. */
static void
append_lines (GString    *out,
              const char *text,
              guint       indent)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      g_string_append_c (out, *p);
      if (*p == '\n' && p[1] != '\0')
        for (guint i = 0; i < indent; i++)
          g_string_append_c (out, ' ');
    }
  if (*text != '\0' && text[strlen (text) - 1] != '\n')
    g_string_append_c (out, '\n');
}

/* A record's fields, one per line, in the order its form shows them, each
 * value as --export-csv writes it (fb_field_value_to_text ()). A record
 * whose template is gone has its values written as text. */
static void
append_record_fields (GString    *out,
                      FbStore    *store,
                      JsonObject *body)
{
  const char *template_id = fb_record_body_get_template_id (body);
  g_autoptr(FbItem) template = NULL;
  JsonObject *template_body = NULL;
  JsonObject *fields = fb_body_get_object (body, "fields");
  g_autoptr(GPtrArray) names = NULL;

  if (template_id != NULL)
    template = fb_store_get_item (store, template_id, NULL);
  if (template != NULL && !fb_item_get_deleted (template))
    template_body = fb_item_get_body (template);

  names = fb_record_body_get_form_names (body, template_body);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      JsonObject *field = fb_template_find_field (template_body, name);
      JsonNode *node = fields != NULL && json_object_has_member (fields, name)
                       ? json_object_get_member (fields, name) : NULL;
      g_autofree char *value = fb_field_value_to_text (field != NULL ? fb_template_field_get_type (field)
                                                                     : FB_FIELD_TEXT,
                                                       node);
      g_autofree char *column = _fb_cli_dup_column (name);
      /* Translators: a record's field and its value, one line of --show,
       * e.g. "Count: 3" */
      g_autofree char *line = g_strdup_printf (_("%s: %s"), column, value);

      append_lines (out, line, 2);
    }
}

/* A template's fields, one per line, each with its type as the template
 * window names it. */
static void
append_template_fields (GString    *out,
                        JsonObject *body)
{
  guint n = fb_template_get_n_fields (body);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *field = fb_template_get_field (body, i);
      g_autofree char *column = _fb_cli_dup_column (fb_template_field_get_name (field));
      /* Translators: a template's field and its type, one line of --show,
       * e.g. "Count: Whole Number" */
      g_autofree char *line = g_strdup_printf (_("%s: %s"), column,
                                               fb_field_type_get_label (fb_template_field_get_type (field)));

      append_lines (out, line, 2);
    }
}

/* "Tags: heron, weir" (after a blank line when something comes before),
 * or nothing. */
static void
append_tags (GString    *out,
             JsonObject *body,
             gboolean    after_content)
{
  JsonArray *tags = fb_body_get_array (body, "tags");
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *line = NULL;

  for (guint i = 0; tags != NULL && i < json_array_get_length (tags); i++)
    {
      JsonNode *node = json_array_get_element (tags, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, json_node_get_string (node));
    }
  if (names->len == 0)
    return;

  if (after_content)
    g_string_append_c (out, '\n');
  /* Translators: the last line of --show; %s are the item's tags, joined by ", " */
  line = g_strdup_printf (_("Tags: %s"), names->str);
  append_lines (out, line, 0);
}

static int
run_show (FbStore    *store,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = fb_store_get_item (store, id, &error);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *title = NULL;
  g_autofree char *title_line = NULL;
  const char *collection;
  JsonObject *body;
  gsize content_start;

  if (item == NULL)
    {
      g_printerr (_("Could not show “%s”: %s\n"), id, error->message);
      return FB_CLI_EXIT_FAILED;
    }
  if (fb_item_get_deleted (item))
    {
      g_printerr (_("Could not show “%s”: it is in the Trash (--restore %s brings it back)\n"), id, id);
      return FB_CLI_EXIT_FAILED;
    }

  body = fb_item_get_body (item);
  collection = fb_item_get_collection (item);
  title = fb_body_dup_display_title (body);
  title_line = _fb_cli_dup_column (title);
  g_string_append_printf (out, "%s\n\n", title_line);
  content_start = out->len;

  if (g_strcmp0 (collection, FB_COLLECTION_RECORDS) == 0)
    append_record_fields (out, store, body);
  else if (g_strcmp0 (collection, FB_COLLECTION_TEMPLATES) == 0)
    append_template_fields (out, body);
  else
    append_lines (out, fb_body_get_string (body, "text"), 0);
  append_tags (out, body, out->len > content_start);

  /* Written before the warning, so that a reader sees the item whole. */
  fwrite (out->str, 1, out->len, stdout);
  fflush (stdout);
  if (fb_item_get_state (item) == FB_ITEM_STATE_CONFLICT)
    g_printerr (_("“%s” is in conflict: this is your version, and the server has another (see fieldbook --conflicts)\n"),
                title);

  return FB_CLI_EXIT_OK;
}

/* ---- --new-note ---- */

/* The --tag names into @tags (stripped, once each, ASCII case ignored as
 * the window's tag entry does: fb_tags_contain ()); FALSE (and why) when
 * one is not a tag name. */
static gboolean
collect_tags (GVariantDict  *options,
              JsonArray     *tags,
              GError       **error)
{
  g_autofree const char **given = NULL;

  g_variant_dict_lookup (options, "tag", "^a&s", &given);
  for (guint i = 0; given != NULL && given[i] != NULL; i++)
    {
      g_autofree char *name = g_strstrip (g_strdup (given[i]));

      if (*name == '\0' || strpbrk (name, "\"\t\r\n") != NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("--tag needs a tag name without quotes, tabs or line breaks"));
          return FALSE;
        }
      if (!fb_tags_contain (tags, name))
        json_array_add_string_element (tags, name);
    }

  return TRUE;
}

static int
run_new_note (FbStore      *store,
              const char   *title,
              GVariantDict *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) tags = json_array_new ();
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *text = NULL;

  if (fb_store_get_read_only (store))
    {
      /* Translators: the first %s is the note's title, the second says why */
      g_printerr (_("Could not make the note “%s”: %s. Nothing was saved.\n"),
                  title, fb_store_get_read_only_error (store)->message);
      return FB_CLI_EXIT_READ_ONLY;
    }
  if (strpbrk (title, "\r\n") != NULL)
    {
      g_printerr (_("Could not make the note “%s”: %s. Nothing was saved.\n"),
                  title, _("a title is one line"));
      return FB_CLI_EXIT_FAILED;
    }

  if (collect_tags (options, tags, &error))
    text = read_text_from_stdin (&error);
  if (text == NULL)
    {
      g_printerr (_("Could not make the note “%s”: %s. Nothing was saved.\n"), title, error->message);
      return FB_CLI_EXIT_FAILED;
    }

  body = fb_note_body_new (title, text);
  json_object_set_array_member (body, "tags", json_array_ref (tags));

  /* One transaction, committed before the ID is printed: a script that
   * has the ID has the note. */
  item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, &error);
  if (item == NULL)
    {
      g_printerr (_("Could not make the note “%s”: %s. Nothing was saved.\n"), title, error->message);
      return fb_store_get_read_only (store) ? FB_CLI_EXIT_READ_ONLY : FB_CLI_EXIT_FAILED;
    }

  g_print ("%s\n", fb_item_get_id (item));
  return FB_CLI_EXIT_OK;
}

/* ---- --append ---- */

typedef struct
{
  const char *id;
  const char *text;
  char       *conflict_title; /* the item's, when it is in conflict */
} Append;

/* Read and written in one transaction (BEGIN IMMEDIATE), so that an edit
 * the window saves meanwhile is neither lost nor overwritten. */
static gboolean
append_in_transaction (FbStore   *store,
                       gpointer   user_data,
                       GError   **error)
{
  Append *append = user_data;
  g_autoptr(FbItem) item = fb_store_get_item (store, append->id, error);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GString) text = NULL;
  const char *collection;

  if (item == NULL)
    return FALSE;
  collection = fb_item_get_collection (item);
  if (fb_item_get_deleted (item))
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
                   _("it is in the Trash (--restore %s brings it back)"), append->id);
      return FALSE;
    }
  if (g_strcmp0 (collection, FB_COLLECTION_NOTES) != 0)
    {
      g_set_error_literal (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                           g_strcmp0 (collection, FB_COLLECTION_RECORDS) == 0
                           ? _("it is a record, and only a note has a text to add to")
                           : _("it is a template, and only a note has a text to add to"));
      return FALSE;
    }
  if (*append->text == '\0')
    return TRUE;

  /* In conflict, this device's version is the body: the one the window
   * shows and saves typing into, and the conflict stays. */
  body = fb_body_copy (fb_item_get_body (item));
  text = g_string_new (fb_body_get_string (body, "text"));
  if (text->len > 0 && text->str[text->len - 1] != '\n')
    g_string_append_c (text, '\n');
  g_string_append (text, append->text);
  json_object_set_string_member (body, "text", text->str);

  if (!fb_store_update_item (store, append->id, body, error))
    return FALSE;
  if (fb_item_get_state (item) == FB_ITEM_STATE_CONFLICT)
    append->conflict_title = fb_body_dup_display_title (body);
  return TRUE;
}

static int
run_append (FbStore    *store,
            const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *conflict_title = NULL;
  Append append = { id, NULL, NULL };
  gboolean done;

  if (fb_store_get_read_only (store))
    {
      /* Translators: the first %s is an item's ID, the second says why */
      g_printerr (_("Could not add to “%s”: %s. Nothing was changed.\n"),
                  id, fb_store_get_read_only_error (store)->message);
      return FB_CLI_EXIT_READ_ONLY;
    }

  text = read_text_from_stdin (&error);
  if (text == NULL)
    {
      g_printerr (_("Could not add to “%s”: %s. Nothing was changed.\n"), id, error->message);
      return FB_CLI_EXIT_FAILED;
    }

  append.text = text;
  done = fb_store_with_transaction (store, append_in_transaction, &append, &error);
  conflict_title = append.conflict_title;
  if (!done)
    {
      g_printerr (_("Could not add to “%s”: %s. Nothing was changed.\n"), id, error->message);
      return fb_store_get_read_only (store) ? FB_CLI_EXIT_READ_ONLY : FB_CLI_EXIT_FAILED;
    }

  if (conflict_title != NULL)
    g_printerr (_("“%s” is in conflict: the text was added to your version (see fieldbook --conflicts)\n"),
                conflict_title);
  g_print ("%s\n", id);
  return FB_CLI_EXIT_OK;
}

int
_fb_cli_run_note_command (FbStore      *store,
                          GVariantDict *options)
{
  const char *value = NULL;

  if (g_variant_dict_lookup (options, "new-note", "&s", &value))
    return run_new_note (store, value, options);

  if (g_variant_dict_contains (options, "tag"))
    {
      g_printerr (_("--tag goes with --new-note, --search or --list, not with --show or --append\n"));
      return FB_CLI_EXIT_FAILED;
    }
  if (g_variant_dict_lookup (options, "show", "&s", &value))
    return run_show (store, value);
  if (g_variant_dict_lookup (options, "append", "&s", &value))
    return run_append (store, value);

  return -1;
}
