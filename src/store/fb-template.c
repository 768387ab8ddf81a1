/* fb-template.c: record templates: named, typed fields, and what they ask of a record */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-template.h"

JsonObject *
fb_template_body_new (const char *name)
{
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "title", name != NULL ? name : "");
  json_object_set_array_member (body, "fields", json_array_new ());

  return body;
}

guint
fb_template_get_n_fields (JsonObject *template)
{
  JsonArray *fields = fb_body_get_array (template, "fields");

  return fields != NULL ? json_array_get_length (fields) : 0;
}

JsonObject *
fb_template_get_field (JsonObject *template,
                       guint       index)
{
  JsonArray *fields = fb_body_get_array (template, "fields");
  JsonNode *node;

  if (fields == NULL || index >= json_array_get_length (fields))
    return NULL;
  node = json_array_get_element (fields, index);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonObject *
fb_template_find_field (JsonObject *template,
                        const char *name)
{
  guint n = fb_template_get_n_fields (template);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *field = fb_template_get_field (template, i);

      if (field != NULL && g_strcmp0 (fb_template_field_get_name (field), name) == 0)
        return field;
    }

  return NULL;
}

JsonObject *
fb_template_add_field (JsonObject  *template,
                       const char  *name,
                       FbFieldType  type)
{
  JsonArray *fields = fb_body_get_array (template, "fields");
  JsonObject *field = json_object_new ();

  g_return_val_if_fail (template != NULL, NULL);

  if (fields == NULL)
    {
      fields = json_array_new ();
      json_object_set_array_member (template, "fields", fields);
    }

  json_object_set_string_member (field, "name", name);
  json_object_set_string_member (field, "type", fb_field_type_to_string (type));
  json_object_set_boolean_member (field, "required", FALSE);
  json_array_add_object_element (fields, field);

  return field;
}

const char *
fb_template_field_get_name (JsonObject *field)
{
  return fb_body_get_string (field, "name");
}

FbFieldType
fb_template_field_get_type (JsonObject *field)
{
  return fb_field_type_from_string (fb_body_get_string (field, "type"), NULL);
}

gboolean
fb_template_field_get_required (JsonObject *field)
{
  JsonNode *node = field != NULL ? json_object_get_member (field, "required") : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

const char *
fb_template_field_get_unit (JsonObject *field)
{
  return fb_body_get_string (field, "unit");
}

GPtrArray *
fb_template_field_get_choices (JsonObject *field)
{
  GPtrArray *choices = g_ptr_array_new ();
  JsonArray *array = fb_body_get_array (field, "choices");

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *choice;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      choice = json_node_get_string (node);
      if (*choice != '\0' && !g_ptr_array_find_with_equal_func (choices, choice, g_str_equal, NULL))
        g_ptr_array_add (choices, (char *) choice);
    }

  return choices;
}

static char *
type_problem (FbFieldType  type,
              const char  *name)
{
  switch (type)
    {
    case FB_FIELD_INTEGER:
      /* TRANSLATORS: %s is the name of a record's field */
      return g_strdup_printf (_("%s must be a whole number"), name);
    case FB_FIELD_DECIMAL:
      /* TRANSLATORS: %s is the name of a record's field */
      return g_strdup_printf (_("%s must be a number"), name);
    case FB_FIELD_DATE:
      /* TRANSLATORS: %s is the name of a record's field; keep the date's form */
      return g_strdup_printf (_("%s must be a date such as 2026-05-31"), name);
    case FB_FIELD_TIME:
      /* TRANSLATORS: %s is the name of a record's field; keep the time's form */
      return g_strdup_printf (_("%s must be a time such as 14:30"), name);
    case FB_FIELD_DATE_TIME:
      /* TRANSLATORS: %s is the name of a record's field; keep the form */
      return g_strdup_printf (_("%s must be a date and time such as 2026-05-31 14:30"), name);
    case FB_FIELD_YES_NO:
      /* TRANSLATORS: %s is the name of a record's field */
      return g_strdup_printf (_("%s must be yes or no"), name);
    case FB_FIELD_CHOICE:
    case FB_FIELD_MULTIPLE_CHOICE:
      /* TRANSLATORS: %s is the name of a record's field */
      return g_strdup_printf (_("%s must be one of its choices"), name);
    case FB_FIELD_LOCATION:
      /* TRANSLATORS: %s is the name of a record's field; keep the numbers' form */
      return g_strdup_printf (_("%s must be a latitude and longitude such as 52.52, 13.40"), name);
    case FB_FIELD_LINK:
      /* TRANSLATORS: %s is the name of a record's field */
      return g_strdup_printf (_("%s must link to a record"), name);
    case FB_FIELD_PHOTO:
    case FB_FIELD_FILE:
      /* TRANSLATORS: %s is the name of a record's field */
      return g_strdup_printf (_("%s must name attached files"), name);
    case FB_FIELD_TEXT:
    case FB_FIELD_LONG_TEXT:
    case FB_N_FIELD_TYPES:
    default:
      /* TRANSLATORS: %s is the name of a record's field */
      return g_strdup_printf (_("%s must be text"), name);
    }
}

static gboolean
is_choice (GPtrArray  *choices,
           const char *value)
{
  /* A field without choices yet takes anything. */
  return choices->len == 0 || g_ptr_array_find_with_equal_func (choices, value, g_str_equal, NULL);
}

char *
fb_template_field_check (JsonObject *field,
                         JsonNode   *value)
{
  return fb_template_field_check_record (field, value, NULL);
}

char *
fb_template_field_check_record (JsonObject *field,
                                JsonNode   *value,
                                JsonObject *record)
{
  FbFieldType type = fb_template_field_get_type (field);
  const char *name = fb_template_field_get_name (field);
  g_autoptr(GPtrArray) choices = NULL;

  if (fb_field_value_is_empty (value))
    {
      if (fb_template_field_get_required (field))
        /* TRANSLATORS: %s is the name of a record's field */
        return g_strdup_printf (_("%s is required"), name);
      return NULL;
    }

  if (!fb_field_value_fits (type, value))
    return type_problem (type, name);

  choices = fb_template_field_get_choices (field);
  if (type == FB_FIELD_CHOICE && !is_choice (choices, json_node_get_string (value)))
    /* TRANSLATORS: the first %s is a value, the second the name of a record's field */
    return g_strdup_printf (_("“%s” is not one of the choices of %s"),
                            json_node_get_string (value), name);

  if (type == FB_FIELD_MULTIPLE_CHOICE)
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!is_choice (choices, json_array_get_string_element (array, i)))
          /* TRANSLATORS: the first %s is a value, the second the name of a record's field */
          return g_strdup_printf (_("“%s” is not one of the choices of %s"),
                                  json_array_get_string_element (array, i), name);
    }

  if (type == FB_FIELD_LOCATION)
    {
      JsonObject *object = json_node_get_object (value);

      if (ABS (json_object_get_double_member (object, "latitude")) > 90 ||
          ABS (json_object_get_double_member (object, "longitude")) > 180)
        return type_problem (type, name);
    }

  if (fb_field_type_holds_files (type) && record != NULL)
    {
      JsonObject *attachments = fb_body_get_object (record, FB_BODY_ATTACHMENTS);
      JsonArray *array = json_node_get_array (value);

      /* A name is kept even when its file is not (an imported CSV, a
       * removal on another device): the person sees which is missing. */
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *file = json_array_get_string_element (array, i);

          if (attachments == NULL || !json_object_has_member (attachments, file))
            /* TRANSLATORS: %s is the name of a file */
            return g_strdup_printf (_("“%s” is not attached"), file);
        }
    }

  return NULL;
}

JsonObject *
fb_record_body_new_from_template (const char *title,
                                  const char *template_id,
                                  JsonObject *template)
{
  JsonObject *body = fb_record_body_new (title);
  JsonObject *fields = fb_body_get_object (body, "fields");
  JsonArray *order = fb_body_get_array (body, "order");
  guint n = fb_template_get_n_fields (template);

  json_object_set_string_member (body, "template", template_id);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *field = fb_template_get_field (template, i);
      const char *name = fb_template_field_get_name (field);

      if (field == NULL || *name == '\0' || json_object_has_member (fields, name))
        continue;
      if (fb_template_field_get_type (field) == FB_FIELD_YES_NO)
        json_object_set_boolean_member (fields, name, FALSE);
      else
        json_object_set_null_member (fields, name);
      json_array_add_string_element (order, name);
    }

  return body;
}

const char *
fb_record_body_get_template_id (JsonObject *record)
{
  const char *id = fb_body_get_string (record, "template");

  return *id != '\0' ? id : NULL;
}

GPtrArray *
fb_record_body_get_problems (JsonObject *record,
                             JsonObject *template)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);
  JsonObject *fields = fb_body_get_object (record, "fields");
  guint n = fb_template_get_n_fields (template);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *field = fb_template_get_field (template, i);
      const char *name = fb_template_field_get_name (field);
      char *problem;

      if (field == NULL || *name == '\0')
        continue;
      problem = fb_template_field_check_record (field,
                                                fields != NULL ? json_object_get_member (fields, name) : NULL,
                                                record);
      if (problem != NULL)
        g_ptr_array_add (problems, problem);
    }

  return problems;
}

GPtrArray *
fb_record_body_get_form_names (JsonObject *record,
                               JsonObject *template)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) own = fb_record_body_get_field_names (record);
  guint n = fb_template_get_n_fields (template);

  for (guint i = 0; i < n; i++)
    {
      const char *name = fb_template_field_get_name (fb_template_get_field (template, i));

      if (*name != '\0' && !g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
        g_ptr_array_add (names, g_strdup (name));
    }
  for (guint i = 0; i < own->len; i++)
    if (!g_ptr_array_find_with_equal_func (names, g_ptr_array_index (own, i), g_str_equal, NULL))
      g_ptr_array_add (names, g_strdup (g_ptr_array_index (own, i)));

  return names;
}

static int
compare_by_title (gconstpointer a,
                  gconstpointer b)
{
  FbItem *item_a = *(FbItem **) a;
  FbItem *item_b = *(FbItem **) b;
  g_autofree char *title_a = fb_body_dup_display_title (fb_item_get_body (item_a));
  g_autofree char *title_b = fb_body_dup_display_title (fb_item_get_body (item_b));

  return g_utf8_collate (title_a, title_b);
}

GPtrArray *
fb_store_list_templates (FbStore  *store,
                         GError  **error)
{
  GPtrArray *templates;

  g_return_val_if_fail (FB_IS_STORE (store), NULL);

  templates = fb_store_list_items (store, FB_COLLECTION_TEMPLATES, error);
  if (templates != NULL)
    g_ptr_array_sort (templates, compare_by_title);

  return templates;
}

FbItem *
fb_store_find_template (FbStore     *store,
                        const char  *name,
                        GError     **error)
{
  g_autoptr(GPtrArray) templates = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *wanted = NULL;

  g_return_val_if_fail (FB_IS_STORE (store), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  templates = fb_store_list_templates (store, error);
  if (templates == NULL)
    return NULL;

  stripped = g_strstrip (g_strdup (name));
  wanted = g_utf8_casefold (stripped, -1);
  for (guint i = 0; i < templates->len; i++)
    {
      FbItem *item = g_ptr_array_index (templates, i);
      g_autofree char *title = g_strstrip (g_strdup (fb_body_get_string (fb_item_get_body (item), "title")));
      g_autofree char *folded = g_utf8_casefold (title, -1);

      if (g_strcmp0 (folded, wanted) == 0)
        return g_object_ref (item);
    }

  /* TRANSLATORS: %s is the name of a record template */
  g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND,
               _("There is no template called “%s”"), name);
  return NULL;
}

static int
compare_by_created (gconstpointer a,
                    gconstpointer b)
{
  FbItem *item_a = *(FbItem **) a;
  FbItem *item_b = *(FbItem **) b;
  gint64 created_a = fb_item_get_created_at (item_a);
  gint64 created_b = fb_item_get_created_at (item_b);

  /* Records imported within one millisecond keep the file's order: the
   * edit counter grows with every local change. */
  if (created_a == created_b)
    {
      created_a = fb_item_get_local_seq (item_a);
      created_b = fb_item_get_local_seq (item_b);
    }

  return created_a < created_b ? -1 : created_a > created_b;
}

GPtrArray *
fb_store_list_template_records (FbStore     *store,
                                const char  *template_id,
                                GError     **error)
{
  g_autoptr(GPtrArray) records = NULL;
  GPtrArray *result;

  g_return_val_if_fail (FB_IS_STORE (store), NULL);
  g_return_val_if_fail (template_id != NULL, NULL);

  records = fb_store_list_items (store, FB_COLLECTION_RECORDS, error);
  if (records == NULL)
    return NULL;

  result = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < records->len; i++)
    {
      FbItem *item = g_ptr_array_index (records, i);

      if (g_strcmp0 (fb_record_body_get_template_id (fb_item_get_body (item)), template_id) == 0)
        g_ptr_array_add (result, g_object_ref (item));
    }
  g_ptr_array_sort (result, compare_by_created);

  return result;
}
