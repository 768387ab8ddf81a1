/* fb-record-files.c: a record's photo and file fields, kept in step with its attachments */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-item-body.h"
#include "fb-record-files.h"
#include "fb-store-private.h"
#include "fb-template.h"

GPtrArray *
fb_store_list_file_fields (FbStore    *self,
                           JsonObject *body)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *template_id = fb_record_body_get_template_id (body);
  g_autoptr(FbItem) template = NULL;
  JsonObject *template_body;
  guint n;

  g_return_val_if_fail (FB_IS_STORE (self), names);

  if (template_id != NULL)
    template = fb_store_get_item (self, template_id, NULL);
  if (template == NULL || fb_item_get_deleted (template) ||
      g_strcmp0 (fb_item_get_collection (template), FB_COLLECTION_TEMPLATES) != 0)
    return names;

  template_body = fb_item_get_body (template);
  n = fb_template_get_n_fields (template_body);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *field = fb_template_get_field (template_body, i);

      if (field != NULL && fb_field_type_holds_files (fb_template_field_get_type (field)) &&
          *fb_template_field_get_name (field) != '\0')
        g_ptr_array_add (names, g_strdup (fb_template_field_get_name (field)));
    }

  return names;
}

GHashTable *
fb_store_dup_field_file_names (FbStore    *self,
                               JsonObject *body)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) fields = NULL;
  JsonObject *values;

  g_return_val_if_fail (FB_IS_STORE (self), names);

  values = body != NULL ? fb_body_get_object (body, "fields") : NULL;
  if (values == NULL)
    return names;

  fields = fb_store_list_file_fields (self, body);
  for (guint i = 0; i < fields->len; i++)
    {
      JsonNode *value = json_object_get_member (values, g_ptr_array_index (fields, i));
      JsonArray *array;

      if (fb_field_value_is_empty (value) || !fb_field_value_fits (FB_FIELD_FILE, value))
        continue;
      array = json_node_get_array (value);
      for (guint j = 0; j < json_array_get_length (array); j++)
        g_hash_table_add (names, g_strdup (json_array_get_string_element (array, j)));
    }
  return names;
}

/* The names of @field in @fields, as a new array (an empty one for no
 * value; a value that is not a list of names is left alone: NULL). */
static JsonArray *
copy_names (JsonObject *fields,
            const char *field)
{
  JsonNode *value = json_object_get_member (fields, field);
  JsonArray *copy;

  if (fb_field_value_is_empty (value))
    return json_array_new ();
  if (!fb_field_value_fits (FB_FIELD_FILE, value))
    return NULL;

  copy = json_array_new ();
  for (guint i = 0; i < json_array_get_length (json_node_get_array (value)); i++)
    json_array_add_string_element (copy, json_array_get_string_element (json_node_get_array (value), i));
  return copy;
}

/* @name added to (or, @add FALSE, removed from) field @field of @body;
 * whether it changed. */
static gboolean
edit_names (JsonObject *body,
            const char *field,
            const char *name,
            gboolean    add)
{
  JsonObject *fields = fb_body_get_object (body, "fields");
  g_autoptr(JsonArray) names = NULL;
  JsonArray *kept;
  gboolean changed = FALSE;

  if (fields == NULL)
    {
      if (!add)
        return FALSE;
      fields = json_object_new ();
      json_object_set_object_member (body, "fields", fields);
    }

  names = copy_names (fields, field);
  if (names == NULL)
    return FALSE;

  kept = json_array_new ();
  for (guint i = 0; i < json_array_get_length (names); i++)
    {
      const char *s = json_array_get_string_element (names, i);

      if (g_strcmp0 (s, name) == 0)
        {
          if (add)
            goto unchanged;  /* a set: once */
          changed = TRUE;
          continue;
        }
      json_array_add_string_element (kept, s);
    }
  if (add)
    {
      json_array_add_string_element (kept, name);
      changed = TRUE;
    }

  if (!json_object_has_member (fields, field))
    {
      JsonArray *order = fb_body_get_array (body, "order");

      if (order != NULL)
        json_array_add_string_element (order, field);
    }
  json_object_set_array_member (fields, field, kept);
  return changed;

unchanged:
  json_array_unref (kept);
  return FALSE;
}

typedef struct
{
  const char          *id;
  const char * const  *fields;   /* to add @name to */
  const char          *name;
  gboolean             add;
  char               **changed;  /* out: the fields that held @name */
  /* attach: */
  const char          *content_type;
  GInputStream        *data;
  GCancellable        *cancellable;
  FbAttachment        *attached;
  /* reattach: */
  const FbAttachment  *restore;
} FilesEdit;

/* @edit's name added to or removed from the fields of item @id, saved as
 * a local edit of its attachments (which the same transaction changed). */
static gboolean
save_names (FbStore    *self,
            FilesEdit  *edit,
            GError    **error)
{
  g_auto(FbStoreRow) before = { 0, };
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) file_fields = NULL;
  g_autoptr(GStrvBuilder) changed = g_strv_builder_new ();
  g_autofree char *json = NULL;
  gboolean any = FALSE;

  if (!_fb_store_load_live_row (self, edit->id, &before, error))
    return FALSE;
  body = fb_body_from_string (before.body, error);
  if (body == NULL)
    return FALSE;

  file_fields = fb_store_list_file_fields (self, body);
  for (guint i = 0; i < file_fields->len; i++)
    {
      const char *field = g_ptr_array_index (file_fields, i);

      if (edit->add && (edit->fields == NULL || !g_strv_contains (edit->fields, field)))
        continue;
      if (edit_names (body, field, edit->name, edit->add))
        {
          g_strv_builder_add (changed, field);
          any = TRUE;
        }
    }
  edit->changed = g_strv_builder_end (changed);
  if (!any)
    return TRUE;

  json = fb_body_to_string (body);
  return _fb_store_save_local_attachments (self, &before, json, error);
}

static gboolean
attach_in_transaction (FbStore   *self,
                       gpointer   user_data,
                       GError   **error)
{
  FilesEdit *edit = user_data;
  const char *fields[] = { edit->fields[0], NULL };
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GPtrArray) file_fields = NULL;

  item = fb_store_get_item (self, edit->id, error);
  if (item == NULL)
    return FALSE;
  file_fields = fb_store_list_file_fields (self, fb_item_get_body (item));
  if (!g_ptr_array_find_with_equal_func (file_fields, fields[0], g_str_equal, NULL))
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                   /* TRANSLATORS: %s is the name of a record's field */
                   _("The record has no photo or file field called “%s”"), fields[0]);
      return FALSE;
    }

  /* Nested: its own savepoint inside this transaction. */
  edit->attached = fb_store_add_attachment (self, edit->id, edit->name, edit->content_type,
                                            edit->data, edit->cancellable, error);
  if (edit->attached == NULL)
    return FALSE;

  edit->name = edit->attached->name;
  edit->add = TRUE;
  return save_names (self, edit, error);
}

FbAttachment *
fb_store_attach_to_field (FbStore       *self,
                          const char    *id,
                          const char    *field,
                          const char    *name,
                          const char    *content_type,
                          GInputStream  *data,
                          GCancellable  *cancellable,
                          GError       **error)
{
  const char *fields[] = { field, NULL };
  FilesEdit edit = {
    .id = id, .fields = fields, .name = name, .content_type = content_type,
    .data = data, .cancellable = cancellable,
  };

  g_return_val_if_fail (FB_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL && field != NULL && name != NULL, NULL);
  g_return_val_if_fail (G_IS_INPUT_STREAM (data), NULL);

  if (!fb_store_with_transaction (self, attach_in_transaction, &edit, error))
    {
      g_clear_pointer (&edit.attached, fb_attachment_free);
      g_strfreev (edit.changed);
      return NULL;
    }

  g_strfreev (edit.changed);
  return edit.attached;
}

static gboolean
detach_in_transaction (FbStore   *self,
                       gpointer   user_data,
                       GError   **error)
{
  FilesEdit *edit = user_data;

  if (!fb_store_remove_attachment (self, edit->id, edit->name, error))
    return FALSE;

  edit->add = FALSE;
  return save_names (self, edit, error);
}

gboolean
fb_store_detach_attachment (FbStore      *self,
                            const char   *id,
                            const char   *name,
                            char       ***fields,
                            GError      **error)
{
  FilesEdit edit = { .id = id, .name = name };

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL && name != NULL, FALSE);

  if (!fb_store_with_transaction (self, detach_in_transaction, &edit, error))
    {
      g_strfreev (edit.changed);
      return FALSE;
    }

  if (fields != NULL)
    *fields = g_steal_pointer (&edit.changed);
  g_strfreev (edit.changed);
  return TRUE;
}

static gboolean
reattach_in_transaction (FbStore   *self,
                         gpointer   user_data,
                         GError   **error)
{
  FilesEdit *edit = user_data;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *free_name = NULL;
  JsonObject *attachments;

  item = fb_store_get_item (self, edit->id, error);
  if (item == NULL)
    return FALSE;

  /* Where the name was taken meanwhile, the restore picks the next free
   * one: the fields get that. */
  attachments = fb_body_get_object (fb_item_get_body (item), FB_BODY_ATTACHMENTS);
  if (attachments != NULL && json_object_has_member (attachments, edit->restore->name))
    edit->name = free_name = fb_attachments_free_name (attachments, edit->restore->name);
  else
    edit->name = edit->restore->name;

  if (!fb_store_restore_attachment (self, edit->id, edit->restore, error))
    return FALSE;
  if (edit->fields == NULL || edit->fields[0] == NULL)
    return TRUE;

  edit->add = TRUE;
  return save_names (self, edit, error);
}

gboolean
fb_store_reattach_attachment (FbStore             *self,
                              const char          *id,
                              const FbAttachment  *attachment,
                              const char * const  *fields,
                              GError             **error)
{
  FilesEdit edit = { .id = id, .restore = attachment, .fields = fields };
  gboolean ok;

  g_return_val_if_fail (FB_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL && attachment != NULL, FALSE);

  ok = fb_store_with_transaction (self, reattach_in_transaction, &edit, error);
  g_strfreev (edit.changed);
  return ok;
}

gboolean
_fb_record_files_rename (FbStore    *self,
                         JsonObject *body,
                         const char *old_name,
                         const char *new_name)
{
  g_autoptr(GPtrArray) file_fields = fb_store_list_file_fields (self, body);
  JsonObject *fields = fb_body_get_object (body, "fields");
  gboolean changed = FALSE;

  for (guint i = 0; fields != NULL && i < file_fields->len; i++)
    {
      const char *field = g_ptr_array_index (file_fields, i);
      g_autoptr(JsonArray) names = copy_names (fields, field);
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      JsonArray *renamed;
      gboolean here = FALSE;

      if (names == NULL)
        continue;
      renamed = json_array_new ();
      for (guint j = 0; j < json_array_get_length (names); j++)
        {
          const char *s = json_array_get_string_element (names, j);

          if (g_strcmp0 (s, old_name) == 0)
            {
              s = new_name;
              here = TRUE;
            }
          /* The new name may be in the list already (a name kept without
           * its file): once. */
          if (g_hash_table_add (seen, (gpointer) s))
            json_array_add_string_element (renamed, s);
        }
      if (!here)
        {
          json_array_unref (renamed);
          continue;
        }
      json_object_set_array_member (fields, field, renamed);
      changed = TRUE;
    }

  return changed;
}
