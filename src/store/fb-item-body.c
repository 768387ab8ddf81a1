/* fb-item-body.c: the bodies of notes and records, and their JSON text */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fb-item-body.h"
#include "fb-store.h"

/* Owns what is inside an item's body: a note's and a record's members, and
 * the body's JSON text (parsed, written, compared), including another
 * program's attachments kept in it. */

JsonObject *
fb_note_body_new (const char *title,
                  const char *text)
{
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "title", title != NULL ? title : "");
  json_object_set_string_member (body, "text", text != NULL ? text : "");
  json_object_set_array_member (body, "tags", json_array_new ());

  return body;
}

JsonObject *
fb_record_body_new (const char *title)
{
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "title", title != NULL ? title : "");
  json_object_set_object_member (body, "fields", json_object_new ());
  json_object_set_array_member (body, "order", json_array_new ());

  return body;
}

static JsonNode *
get_member (JsonObject *object,
            const char *member)
{
  return object != NULL ? json_object_get_member (object, member) : NULL;
}

const char *
fb_body_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node = get_member (object, member);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);

  return "";
}

gboolean
fb_body_has_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node = get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

gboolean
fb_body_get_boolean (JsonObject *object,
                     const char *member)
{
  JsonNode *node = get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

JsonObject *
fb_body_get_object (JsonObject *object,
                    const char *member)
{
  JsonNode *node = get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
fb_body_get_array (JsonObject *object,
                   const char *member)
{
  JsonNode *node = get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

char *
fb_body_dup_display_title (JsonObject *body)
{
  g_autofree char *title = g_strstrip (g_strdup (fb_body_get_string (body, "title")));

  if (*title == '\0')
    return g_strdup (_("Untitled"));

  return g_steal_pointer (&title);
}

GPtrArray *
fb_record_body_get_field_names (JsonObject *body)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  JsonObject *fields = fb_body_get_object (body, "fields");
  JsonArray *order = fb_body_get_array (body, "order");
  g_autoptr(GList) members = NULL;

  if (fields == NULL)
    return names;

  for (guint i = 0; order != NULL && i < json_array_get_length (order); i++)
    {
      JsonNode *node = json_array_get_element (order, i);
      const char *name;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      name = json_node_get_string (node);
      if (json_object_has_member (fields, name) &&
          !g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
        g_ptr_array_add (names, g_strdup (name));
    }

  members = json_object_get_members (fields);
  for (const GList *l = members; l != NULL; l = l->next)
    if (!g_ptr_array_find_with_equal_func (names, l->data, g_str_equal, NULL))
      g_ptr_array_add (names, g_strdup (l->data));

  return names;
}

/* json_node_copy() shares objects and arrays; a copy a caller may change
 * must share nothing. */
static JsonNode *
node_deep_copy (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonNode *copy = json_node_new (JSON_NODE_OBJECT);

        json_node_take_object (copy, fb_body_copy (json_node_get_object (node)));
        return copy;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        JsonArray *copy_array = json_array_sized_new (json_array_get_length (array));
        JsonNode *copy = json_node_new (JSON_NODE_ARRAY);

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (copy_array,
                                  node_deep_copy (json_array_get_element (array, i)));
        json_node_take_array (copy, copy_array);
        return copy;
      }
    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

JsonObject *
fb_body_copy (JsonObject *body)
{
  JsonObject *copy;
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;

  g_return_val_if_fail (body != NULL, NULL);

  copy = json_object_new ();
  json_object_iter_init_ordered (&iter, body);
  while (json_object_iter_next_ordered (&iter, &member, &node))
    json_object_set_member (copy, member, node_deep_copy (node));

  return copy;
}

gboolean
fb_body_equal (JsonObject *a,
               JsonObject *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return json_object_equal (a, b);
}

/* json-glib's generator appends one character at a time. This writes the
 * same text (members in order, no spaces, the same escapes) a run at a
 * time; a double, which it is not sure to write exactly as json-glib does,
 * makes it give up, and json-glib writes the body. Stored bodies are
 * compared as text, so both must agree byte for byte (checked in
 * test-store). */
static gboolean fast_append_node (GString *out, JsonNode *node);

/* json-glib's escapes, except that U+001F is escaped too: json-glib 1.6
 * writes it as it is, which no JSON parser (nor a CouchDB server) takes. */
void
fb_json_append_string (GString    *out,
                       const char *str)
{
  const char *run = str;
  const char *p;

  g_string_append_c (out, '"');
  for (p = str; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
        continue;

      g_string_append_len (out, run, p - run);
      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          g_string_append_printf (out, "\\u%04x", c);
          break;
        }
      run = p + 1;
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

static gboolean
fast_append_object (GString    *out,
                    JsonObject *object)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &member, &node))
    {
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      fb_json_append_string (out, member);
      g_string_append_c (out, ':');
      if (!fast_append_node (out, node))
        return FALSE;
    }
  g_string_append_c (out, '}');

  return TRUE;
}

static gboolean
fast_append_node (GString  *out,
                  JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      return TRUE;

    case JSON_NODE_OBJECT:
      return fast_append_object (out, json_node_get_object (node));

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            if (!fast_append_node (out, json_array_get_element (array, i)))
              return FALSE;
          }
        g_string_append_c (out, ']');
        return TRUE;
      }

    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          {
            fb_json_append_string (out, json_node_get_string (node));
            return TRUE;
          }
        if (type == G_TYPE_INT64)
          {
            g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
            return TRUE;
          }
        if (type == G_TYPE_BOOLEAN)
          {
            g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
            return TRUE;
          }
        return FALSE;
      }

    default:
      return FALSE;
    }
}

char *
fb_body_to_string (JsonObject *body)
{
  g_autoptr(JsonNode) node = NULL;
  GString *out;

  g_return_val_if_fail (body != NULL, NULL);

  out = g_string_sized_new (1024);
  if (fast_append_object (out, body))
    return g_string_free (out, FALSE);
  g_string_free (out, TRUE);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, body);

  return json_to_string (node, FALSE);
}

JsonObject *
fb_body_from_string (const char  *json,
                     GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  node = json_from_string (json, &local_error);
  if (node == NULL)
    {
      g_set_error (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                   _("Not valid JSON: %s"),
                   local_error != NULL ? local_error->message : "empty text");
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, FB_STORE_ERROR, FB_STORE_ERROR_INVALID,
                           _("An item must be a JSON object"));
      return NULL;
    }

  return json_object_ref (json_node_get_object (node));
}

static gboolean
may_have_attachments (const char *json)
{
  return json != NULL && strstr (json, "\"" FB_BODY_ATTACHMENTS "\"") != NULL;
}

char *
fb_body_json_with_attachments_of (const char *body,
                                  const char *source)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonObject) source_object = NULL;
  JsonNode *wanted = NULL;
  JsonNode *present;

  g_return_val_if_fail (body != NULL, NULL);

  if (!may_have_attachments (body) && !may_have_attachments (source))
    return NULL;

  object = fb_body_from_string (body, NULL);
  if (object == NULL)
    return NULL;
  if (may_have_attachments (source))
    {
      source_object = fb_body_from_string (source, NULL);
      if (source_object != NULL)
        wanted = json_object_get_member (source_object, FB_BODY_ATTACHMENTS);
    }

  present = json_object_get_member (object, FB_BODY_ATTACHMENTS);
  if (present == wanted || (present != NULL && wanted != NULL && json_node_equal (present, wanted)))
    return NULL;

  if (wanted != NULL)
    json_object_set_member (object, FB_BODY_ATTACHMENTS, json_node_copy (wanted));
  else
    json_object_remove_member (object, FB_BODY_ATTACHMENTS);

  return fb_body_to_string (object);
}

gboolean
fb_body_is_envelope_key (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  return (name[0] == '_' && strcmp (name, FB_BODY_ATTACHMENTS) != 0) ||
         strcmp (name, "type") == 0 ||
         strcmp (name, "updated_at") == 0;
}

JsonNode *
fb_json_node_deep_copy (JsonNode *node)
{
  JsonNode *copy;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObject *object_copy = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init_ordered (&iter, object);
        while (json_object_iter_next_ordered (&iter, &name, &member))
          json_object_set_member (object_copy, name, fb_json_node_deep_copy (member));

        copy = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (copy, object_copy);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        JsonArray *array_copy;
        guint n = json_array_get_length (array);

        array_copy = json_array_sized_new (n);
        for (guint i = 0; i < n; i++)
          json_array_add_element (array_copy,
                                  fb_json_node_deep_copy (json_array_get_element (array, i)));

        copy = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (copy, array_copy);
      }
      break;

    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      copy = json_node_copy (node);
      break;
    }

  return copy;
}
