/* fb-record-query.c: which of a template's records a table shows, and in what order, in SQL */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <string.h>

#include "fb-item-body.h"
#include "fb-record-query.h"
#include "fb-store-private.h"
#include "fb-template.h"

/* How a column's values compare: the SQL below and key_from_node () say
 * the same thing, one for the first load, the other for each edit after
 * it (FbItemList puts an edited row where the SQL would have). */
typedef enum {
  KEY_NONE,    /* no column: newest first */
  KEY_TEXT,
  KEY_NUMBER,
} KeyKind;

struct _FbRecordQuery
{
  gatomicrefcount  ref_count;
  char            *template_id;
  char            *sort_name;   /* NULL: the title (when @kind is not KEY_NONE) */
  FbFieldType      sort_type;
  KeyKind          kind;
  gboolean         descending;
  JsonObject      *problems_template;
};

struct _FbRecordKey
{
  gboolean is_null;
  double   number;
  char     text[];
};

G_DEFINE_BOXED_TYPE (FbRecordQuery, fb_record_query, fb_record_query_ref, fb_record_query_unref)

FbRecordQuery *
fb_record_query_new (const char *template_id)
{
  FbRecordQuery *self;

  g_return_val_if_fail (template_id != NULL, NULL);

  self = g_new0 (FbRecordQuery, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->template_id = g_strdup (template_id);
  self->kind = KEY_NONE;

  return self;
}

FbRecordQuery *
fb_record_query_ref (FbRecordQuery *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
fb_record_query_unref (FbRecordQuery *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->template_id);
  g_free (self->sort_name);
  g_clear_pointer (&self->problems_template, json_object_unref);
  g_free (self);
}

const char *
fb_record_query_get_template_id (FbRecordQuery *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->template_id;
}

static KeyKind
kind_of (FbFieldType type)
{
  switch (type)
    {
    case FB_FIELD_INTEGER:
    case FB_FIELD_DECIMAL:
    case FB_FIELD_YES_NO:
    case FB_FIELD_LOCATION:
      return KEY_NUMBER;
    default:
      return KEY_TEXT;
    }
}

void
fb_record_query_set_sort (FbRecordQuery *self,
                          const char    *name,
                          FbFieldType    type,
                          gboolean       descending)
{
  g_return_if_fail (self != NULL);

  g_free (self->sort_name);
  self->sort_name = g_strdup (name);
  self->sort_type = name != NULL ? type : FB_FIELD_TEXT;
  self->kind = kind_of (self->sort_type);
  self->descending = descending;
}

void
fb_record_query_set_problems_only (FbRecordQuery *self,
                                   JsonObject    *template)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->problems_template, json_object_unref);
  if (template != NULL)
    self->problems_template = fb_body_copy (template);
}

/* ---- Keys ---- */

static FbRecordKey *
key_new (const char *text,
         double      number,
         gboolean    is_null)
{
  gsize len = text != NULL ? strlen (text) : 0;
  FbRecordKey *key = g_malloc (sizeof (FbRecordKey) + len + 1);

  key->is_null = is_null;
  key->number = number;
  memcpy (key->text, text != NULL ? text : "", len);
  key->text[len] = '\0';

  return key;
}

/* The C side of sort_key_sql (): keep the two together. */
static FbRecordKey *
key_from_node (FbRecordQuery *self,
               JsonNode      *node)
{
  switch (self->sort_type)
    {
    case FB_FIELD_INTEGER:
    case FB_FIELD_DECIMAL:
      if (fb_field_value_holds_number (node))
        return key_new (NULL, json_node_get_double (node), FALSE);
      break;
    case FB_FIELD_YES_NO:
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        return key_new (NULL, json_node_get_boolean (node) ? 1 : 0, FALSE);
      break;
    case FB_FIELD_LOCATION:
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
          fb_field_value_holds_number (json_object_get_member (json_node_get_object (node), "latitude")))
        return key_new (NULL, json_object_get_double_member (json_node_get_object (node), "latitude"),
                        FALSE);
      break;
    case FB_FIELD_MULTIPLE_CHOICE:
    case FB_FIELD_PHOTO:
    case FB_FIELD_FILE:
      /* By the first name, then the next: as the column reads. */
      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);
          g_autoptr(GString) joined = g_string_new (NULL);
          gboolean any = FALSE;

          for (guint i = 0; i < json_array_get_length (array); i++)
            if (fb_field_value_holds_string (json_array_get_element (array, i)))
              {
                if (any)
                  g_string_append_c (joined, ';');
                g_string_append (joined, json_array_get_string_element (array, i));
                any = TRUE;
              }
          if (joined->len > 0)
            return key_new (joined->str, 0, FALSE);
        }
      break;
    default:
      if (fb_field_value_holds_string (node) && *json_node_get_string (node) != '\0')
        return key_new (json_node_get_string (node), 0, FALSE);
      break;
    }

  return key_new (NULL, 0, TRUE);
}

FbRecordKey *
_fb_record_key_new_from_body (FbRecordQuery *self,
                              JsonObject    *body)
{
  JsonObject *fields;

  if (self->kind == KEY_NONE)
    return NULL;
  if (self->sort_name == NULL)
    return key_from_node (self, json_object_get_member (body, "title"));

  fields = fb_body_get_object (body, "fields");
  return key_from_node (self, fields != NULL ? json_object_get_member (fields, self->sort_name) : NULL);
}

int
_fb_record_query_compare (FbRecordQuery     *self,
                          const FbRecordKey *a,
                          const FbRecordKey *b)
{
  int result;

  if (self->kind == KEY_NONE || a == NULL || b == NULL)
    return 0;
  if (a->is_null || b->is_null)
    return a->is_null - b->is_null;

  /* SQLite's NOCASE is ASCII's. */
  if (self->kind == KEY_NUMBER)
    result = a->number < b->number ? -1 : a->number > b->number;
  else
    result = g_ascii_strcasecmp (a->text, b->text);

  return self->descending ? -result : result;
}

static gboolean
has_problems (FbRecordQuery *self,
              JsonObject    *body)
{
  g_autoptr(GPtrArray) problems = fb_record_body_get_problems (body, self->problems_template);

  return problems->len > 0;
}

gboolean
_fb_record_query_takes (FbRecordQuery *self,
                        FbItem        *item)
{
  JsonObject *body = fb_item_get_body (item);

  return !fb_item_get_deleted (item) &&
         g_strcmp0 (fb_item_get_collection (item), FB_COLLECTION_RECORDS) == 0 &&
         g_strcmp0 (fb_record_body_get_template_id (body), self->template_id) == 0 &&
         (self->problems_template == NULL || has_problems (self, body));
}

/* ---- SQL ---- */

/* A field's value @f (a row of json_each ()) as it sorts: the SQL side of
 * key_from_node (). */
static const char *
sort_key_sql (FbRecordQuery *self)
{
  switch (self->sort_type)
    {
    case FB_FIELD_INTEGER:
    case FB_FIELD_DECIMAL:
      return "CASE WHEN f.type IN ('integer', 'real') THEN f.value END";
    case FB_FIELD_YES_NO:
      return "CASE f.type WHEN 'true' THEN 1 WHEN 'false' THEN 0 END";
    case FB_FIELD_LOCATION:
      return "CASE WHEN f.type = 'object' AND json_type (f.value, '$.latitude') IN ('integer', 'real') "
             "THEN json_extract (f.value, '$.latitude') END";
    case FB_FIELD_MULTIPLE_CHOICE:
    case FB_FIELD_PHOTO:
    case FB_FIELD_FILE:
      return "CASE WHEN f.type = 'array' THEN "
             "(SELECT NULLIF (group_concat (e.value, ';'), '') FROM json_each (f.value) AS e "
             " WHERE e.type = 'text') END";
    default:
      return "CASE WHEN f.type = 'text' AND f.value <> '' THEN f.value END";
    }
}

static char *
build_sql (FbRecordQuery *self,
           gboolean       matching)
{
  g_autofree char *sort_key = NULL;

  /* A field by json_each () and its key, not json_extract () and a path:
   * a field's name may hold any character a path would have to quote.
   * The title is always there by its path. */
  if (self->kind == KEY_NONE)
    sort_key = g_strdup ("NULL");
  else if (self->sort_name == NULL)
    sort_key = g_strdup ("CASE WHEN json_type (items.body, '$.title') = 'text' "
                         "THEN NULLIF (json_extract (items.body, '$.title'), '') END");
  else
    sort_key = g_strdup_printf ("(SELECT %s FROM json_each (items.body, '$.fields') AS f "
                                " WHERE f.key = ?4)", sort_key_sql (self));

  /* MATERIALIZED: each row's key worked out once, not once for every
   * ORDER BY term that names it. */
  return g_strdup_printf ("WITH rows AS MATERIALIZED ("
                          "  SELECT items.rowid AS rowid, items.updated_at AS updated_at, "
                          "    items.id AS id, %s AS sort_key, CASE WHEN ?5 THEN items.body END AS body "
                          "  FROM items "
                          "  WHERE items.collection = '" FB_COLLECTION_RECORDS "' AND items.deleted = 0 "
                          "    AND CASE WHEN json_valid (items.body) "
                          "        THEN json_extract (items.body, '$.template') END = ?1 "
                          "    %s "
                          "    AND " FB_STORE_HAS_TAGS ("?3") ") "
                          "SELECT rowid, updated_at, id, sort_key, body FROM rows "
                          "ORDER BY sort_key IS NULL, sort_key%s%s, updated_at DESC, id",
                          sort_key,
                          matching ? "AND items.rowid IN (SELECT rowid FROM items_fts "
                                     "                    WHERE items_fts MATCH ?2)" : "",
                          self->kind == KEY_TEXT ? " COLLATE NOCASE" : "",
                          self->descending ? " DESC" : "");
}

gboolean
_fb_record_query_foreach (FbRecordQuery    *self,
                          FbStore          *store,
                          const char       *search,
                          FbRecordKeyFunc   func,
                          gpointer          user_data,
                          GError          **error)
{
  g_autoptr(GPtrArray) tags = NULL;
  g_autofree char *words = NULL;
  g_autofree char *match = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(FbCachedStmt) stmt = NULL;
  g_autoptr(JsonParser) parser = NULL;
  int rc;

  if (!_fb_store_query_is_blank (search))
    {
      words = _fb_store_split_tag_terms (search, &tags);
      match = _fb_store_build_match_expression (words);
      /* As the list: a search with nothing to search for finds nothing. */
      if (match == NULL && tags == NULL)
        return TRUE;
    }

  sql = build_sql (self, match != NULL);
  stmt = _fb_store_get_stmt (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, self->template_id);
  bind_text (stmt, 2, match);
  if (tags != NULL)
    sqlite3_bind_text (stmt, 3, _fb_store_tags_to_json (tags), -1, g_free);
  bind_text (stmt, 4, self->sort_name);
  sqlite3_bind_int (stmt, 5, self->problems_template != NULL);

  if (self->problems_template != NULL)
    parser = json_parser_new_immutable ();

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FbRecordKey *key = NULL;

      if (parser != NULL)
        {
          const char *body = (const char *) sqlite3_column_text (stmt, 4);
          JsonNode *root;

          if (!json_parser_load_from_data (parser, body, -1, NULL) ||
              (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
              !has_problems (self, json_node_get_object (root)))
            continue;
        }

      if (self->kind != KEY_NONE)
        {
          if (sqlite3_column_type (stmt, 3) == SQLITE_NULL)
            key = key_new (NULL, 0, TRUE);
          else if (self->kind == KEY_NUMBER)
            key = key_new (NULL, sqlite3_column_double (stmt, 3), FALSE);
          else
            key = key_new ((const char *) sqlite3_column_text (stmt, 3), 0, FALSE);
        }

      func (sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1),
            (const char *) sqlite3_column_text (stmt, 2), key, user_data);
    }

  if (rc != SQLITE_DONE)
    {
      _fb_store_set_sqlite_error (store, error, rc);
      return FALSE;
    }
  return TRUE;
}
