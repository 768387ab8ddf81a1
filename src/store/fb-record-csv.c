/* fb-record-csv.c: one template's records as CSV, and CSV into a template */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-csv.h"
#include "fb-record-csv.h"
#include "fb-template.h"

/* The title's column; not translated, as a file's header is for programs
 * as much as for people. On import the translated word is taken too. */
#define TITLE_COLUMN "Title"

static FbFieldType
field_type_of (JsonObject *template,
               const char *name)
{
  JsonObject *field = fb_template_find_field (template, name);

  return field != NULL ? fb_template_field_get_type (field) : FB_FIELD_TEXT;
}

char *
fb_record_csv_export (FbStore  *store,
                      FbItem   *template,
                      guint    *n_records,
                      GError  **error)
{
  JsonObject *template_body;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (FB_IS_STORE (store), NULL);
  g_return_val_if_fail (FB_IS_ITEM (template), NULL);

  records = fb_store_list_template_records (store, fb_item_get_id (template), error);
  if (records == NULL)
    return NULL;

  /* The template's fields, then every other field a record has. */
  template_body = fb_item_get_body (template);
  g_ptr_array_add (columns, g_strdup (TITLE_COLUMN));
  for (guint i = 0; i < records->len || i == 0; i++)
    {
      JsonObject *body = i < records->len ? fb_item_get_body (g_ptr_array_index (records, i)) : NULL;
      g_autoptr(GPtrArray) names = fb_record_body_get_form_names (body, template_body);

      for (guint j = 0; j < names->len; j++)
        if (!g_ptr_array_find_with_equal_func (columns, g_ptr_array_index (names, j),
                                               g_str_equal, NULL))
          g_ptr_array_add (columns, g_strdup (g_ptr_array_index (names, j)));
    }
  g_ptr_array_add (columns, NULL);
  fb_csv_append_row (out, (const char * const *) columns->pdata);
  g_ptr_array_set_size (columns, columns->len - 1);

  for (guint i = 0; i < records->len; i++)
    {
      JsonObject *body = fb_item_get_body (g_ptr_array_index (records, i));
      JsonObject *fields = fb_body_get_object (body, "fields");
      g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

      g_ptr_array_add (cells, g_strdup (fb_body_get_string (body, "title")));
      for (guint j = 1; j < columns->len; j++)
        {
          const char *name = g_ptr_array_index (columns, j);

          g_ptr_array_add (cells, fb_field_value_to_text (field_type_of (template_body, name),
                                                          fields != NULL ? json_object_get_member (fields, name)
                                                                         : NULL));
        }
      g_ptr_array_add (cells, NULL);
      fb_csv_append_row (out, (const char * const *) cells->pdata);
    }

  if (n_records != NULL)
    *n_records = records->len;

  return g_string_free (g_steal_pointer (&out), FALSE);
}

typedef struct
{
  FbItem            *template;
  GPtrArray         *rows;
  GPtrArray         *columns;
  FbRecordCsvImport *result;
} Import;

static gboolean
row_is_empty (char **row)
{
  for (guint i = 0; row[i] != NULL; i++)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (row[i]));

      if (*stripped != '\0')
        return FALSE;
    }

  return TRUE;
}

GPtrArray *
fb_record_csv_match_columns (JsonObject  *template,
                             char       **header)
{
  GPtrArray *columns = g_ptr_array_new_with_free_func (g_free);
  guint n = fb_template_get_n_fields (template);
  gboolean have_title = FALSE;

  for (guint i = 0; header[i] != NULL; i++)
    {
      g_autofree char *name = g_strstrip (g_strdup (header[i]));
      g_autofree char *folded = g_utf8_casefold (name, -1);
      char *column = NULL;

      for (guint f = 0; f < n && column == NULL; f++)
        {
          const char *field_name = fb_template_field_get_name (fb_template_get_field (template, f));
          g_autofree char *field_folded = g_utf8_casefold (field_name, -1);

          if (*field_name != '\0' && g_strcmp0 (folded, field_folded) == 0)
            column = g_strdup (field_name);
        }

      if (column == NULL && !have_title)
        {
          g_autofree char *title_folded = g_utf8_casefold (TITLE_COLUMN, -1);
          g_autofree char *translated_folded = g_utf8_casefold (_("Title"), -1);

          if (g_strcmp0 (folded, title_folded) == 0 || g_strcmp0 (folded, translated_folded) == 0)
            {
              have_title = TRUE;
              g_ptr_array_add (columns, NULL);
              continue;
            }
        }

      if (column == NULL && *name == '\0')
        /* TRANSLATORS: the name of a field made from a CSV column without a header; %u is its number */
        column = g_strdup_printf (_("Column %u"), i + 1);
      if (column == NULL)
        column = g_steal_pointer (&name);
      g_ptr_array_add (columns, column);
    }

  return columns;
}

static gboolean
import_rows_cb (FbStore  *store,
                gpointer  user_data,
                GError  **error)
{
  Import *import = user_data;
  JsonObject *template = fb_item_get_body (import->template);
  GPtrArray *columns = import->columns;

  import->result->n_records = 0;
  import->result->n_misfits = 0;
  import->result->n_unattached = 0;

  for (guint r = 1; r < import->rows->len; r++)
    {
      char **row = g_ptr_array_index (import->rows, r);
      g_autoptr(JsonObject) body = NULL;
      g_autoptr(FbItem) item = NULL;
      JsonObject *fields;
      JsonArray *order;

      if (row_is_empty (row))
        continue;

      body = fb_record_body_new_from_template ("", fb_item_get_id (import->template), template);
      fields = fb_body_get_object (body, "fields");
      order = fb_body_get_array (body, "order");

      for (guint c = 0; row[c] != NULL; c++)
        {
          g_autofree char *extra = NULL;
          const char *name;
          JsonNode *value;
          FbFieldType type;
          gboolean fits;

          if (c >= columns->len)
            /* TRANSLATORS: the name of a field made from a CSV column without a header; %u is its number */
            name = extra = g_strdup_printf (_("Column %u"), c + 1);
          else
            name = g_ptr_array_index (columns, c);

          if (name == NULL)
            {
              json_object_set_string_member (body, "title", row[c]);
              continue;
            }
          if (*name == '\0')
            continue;  /* a column the person chose to ignore */

          type = field_type_of (template, name);
          value = fb_field_value_from_text (type, row[c], &fits);
          if (!fits)
            import->result->n_misfits++;
          else if (fb_field_type_holds_files (type) && value != NULL)
            import->result->n_unattached += json_array_get_length (json_node_get_array (value));
          if (!json_object_has_member (fields, name))
            {
              /* A column the template does not have: an extra field. */
              if (value == NULL)
                continue;
              json_array_add_string_element (order, name);
            }
          if (value != NULL)
            json_object_set_member (fields, name, value);
        }

      item = fb_store_create_item (store, FB_COLLECTION_RECORDS, body, error);
      if (item == NULL)
        return FALSE;
      import->result->n_records++;
    }

  return TRUE;
}

gboolean
fb_record_csv_import (FbStore            *store,
                      FbItem             *template,
                      const char         *text,
                      gssize              length,
                      FbRecordCsvImport  *result,
                      GError            **error)
{
  return fb_record_csv_import_columns (store, template, text, length, NULL, result, error);
}

gboolean
fb_record_csv_import_columns (FbStore            *store,
                              FbItem             *template,
                              const char         *text,
                              gssize              length,
                              GPtrArray          *columns,
                              FbRecordCsvImport  *result,
                              GError            **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) matched = NULL;
  FbRecordCsvImport ignored;
  Import import;

  g_return_val_if_fail (FB_IS_STORE (store), FALSE);
  g_return_val_if_fail (FB_IS_ITEM (template), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  rows = fb_csv_parse (text, length, error);
  if (rows == NULL)
    return FALSE;
  if (rows->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The file is empty: it needs a header row of field names"));
      return FALSE;
    }
  if (columns == NULL)
    columns = matched = fb_record_csv_match_columns (fb_item_get_body (template),
                                                     g_ptr_array_index (rows, 0));

  import.template = template;
  import.rows = rows;
  import.columns = columns;
  import.result = result != NULL ? result : &ignored;

  return fb_store_with_transaction (store, import_rows_cb, &import, error);
}
