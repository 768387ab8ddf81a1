/* test-template.c: record templates, typed values, validation and CSV through a real store */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-template"

#include "config.h"

#include <string.h>

#include "fb-csv.h"
#include "fb-item-list.h"
#include "fb-record-csv.h"
#include "fb-template.h"
#include "fb-transfer.h"
#include "fb-test-store.h"

typedef struct
{
  char    *dir;
  FbStore *store;
  gint64   now;
  FbItem  *template;  /* "Bird sighting" */
} Fixture;

/* A template with one field of most types. */
static JsonObject *
bird_template (void)
{
  JsonObject *body = fb_template_body_new ("Bird sighting");
  JsonObject *field;
  JsonArray *choices;

  field = fb_template_add_field (body, "Species", FB_FIELD_CHOICE);
  json_object_set_boolean_member (field, "required", TRUE);
  choices = json_array_new ();
  json_array_add_string_element (choices, "Grey heron");
  json_array_add_string_element (choices, "Little egret");
  json_object_set_array_member (field, "choices", choices);
  field = fb_template_add_field (body, "Count", FB_FIELD_INTEGER);
  json_object_set_string_member (field, "unit", "birds");
  fb_template_add_field (body, "Wingspan", FB_FIELD_DECIMAL);
  fb_template_add_field (body, "Seen on", FB_FIELD_DATE);
  fb_template_add_field (body, "At", FB_FIELD_TIME);
  fb_template_add_field (body, "Logged", FB_FIELD_DATE_TIME);
  fb_template_add_field (body, "Nesting", FB_FIELD_YES_NO);
  field = fb_template_add_field (body, "Behaviour", FB_FIELD_MULTIPLE_CHOICE);
  choices = json_array_new ();
  json_array_add_string_element (choices, "feeding");
  json_array_add_string_element (choices, "calling");
  json_array_add_string_element (choices, "flying");
  json_object_set_array_member (field, "choices", choices);
  fb_template_add_field (body, "Where", FB_FIELD_LOCATION);
  fb_template_add_field (body, "Notes", FB_FIELD_LONG_TEXT);

  return body;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = bird_template ();

  f->dir = fb_test_make_tmp_dir ();
  path = g_build_filename (f->dir, "fieldbook.db", NULL);
  f->now = 1700000000000;
  f->store = fb_store_new (path, &error);
  g_assert_no_error (error);
  _fb_store_set_clock (f->store, fb_test_clock, &f->now);

  f->template = fb_store_create_item (f->store, FB_COLLECTION_TEMPLATES, body, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->template);
  g_assert_finalize_object (g_steal_pointer (&f->store));
  fb_test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
value_json (JsonNode *node)
{
  return node != NULL ? json_to_string (node, FALSE) : g_strdup ("(none)");
}

/* Every type's JSON form, from what a person types and back. */
static void
test_value_forms (void)
{
  static const struct
  {
    FbFieldType  type;
    const char  *typed;
    const char  *json;
    gboolean     fits;
    const char  *text;
  } cases[] = {
    { FB_FIELD_TEXT, " two  words ", "\" two  words \"", TRUE, " two  words " },
    { FB_FIELD_LONG_TEXT, "line 1\nline 2", "\"line 1\\nline 2\"", TRUE, "line 1\nline 2" },
    { FB_FIELD_INTEGER, " 42 ", "42", TRUE, "42" },
    { FB_FIELD_INTEGER, "-7", "-7", TRUE, "-7" },
    { FB_FIELD_INTEGER, "4.5", "\"4.5\"", FALSE, "4.5" },
    { FB_FIELD_INTEGER, "many", "\"many\"", FALSE, "many" },
    { FB_FIELD_DECIMAL, "1.25", "1.25", TRUE, "1.25" },
    { FB_FIELD_DECIMAL, "3,5", "3.5", TRUE, "3.5" },
    { FB_FIELD_DECIMAL, "0.1", "0.10000000000000001", TRUE, "0.1" },
    { FB_FIELD_DATE, "2026-12-02", "\"2026-12-02\"", TRUE, "2026-12-02" },
    { FB_FIELD_DATE, "2026-02-30", "\"2026-02-30\"", FALSE, "2026-02-30" },
    { FB_FIELD_DATE, "2.12.2026", "\"2.12.2026\"", FALSE, "2.12.2026" },
    { FB_FIELD_TIME, "7:05", "\"07:05\"", TRUE, "07:05" },
    { FB_FIELD_TIME, "23:59:58", "\"23:59:58\"", TRUE, "23:59:58" },
    { FB_FIELD_TIME, "24:00", "\"24:00\"", FALSE, "24:00" },
    { FB_FIELD_DATE_TIME, "2026-12-02 07:05", "\"2026-12-02T07:05\"", TRUE, "2026-12-02T07:05" },
    { FB_FIELD_DATE_TIME, "2026-12-02T07:05:09Z", "\"2026-12-02T07:05:09Z\"", TRUE,
      "2026-12-02T07:05:09Z" },
    { FB_FIELD_DATE_TIME, "2026-12-02T07:05+0100", "\"2026-12-02T07:05+01:00\"", TRUE,
      "2026-12-02T07:05+01:00" },
    { FB_FIELD_YES_NO, "yes", "true", TRUE, "yes" },
    { FB_FIELD_YES_NO, "FALSE", "false", TRUE, "no" },
    { FB_FIELD_YES_NO, "perhaps", "\"perhaps\"", FALSE, "perhaps" },
    { FB_FIELD_CHOICE, " Grey heron ", "\"Grey heron\"", TRUE, "Grey heron" },
    { FB_FIELD_MULTIPLE_CHOICE, "feeding; calling;feeding", "[\"feeding\",\"calling\"]", TRUE,
      "feeding;calling" },
    { FB_FIELD_LOCATION, "52.52, 13.405", "{\"latitude\":52.520000000000003,\"longitude\":13.404999999999999}", TRUE,
      "52.52, 13.405" },
    { FB_FIELD_LOCATION, "-33.9 18.4", "{\"latitude\":-33.899999999999999,\"longitude\":18.399999999999999}",
      TRUE, "-33.9, 18.4" },
    { FB_FIELD_LOCATION, "95, 10", "\"95, 10\"", FALSE, "95, 10" },
    { FB_FIELD_LINK, "6f1c-22", "\"6f1c-22\"", TRUE, "6f1c-22" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean fits;
      g_autoptr(JsonNode) node = fb_field_value_from_text (cases[i].type, cases[i].typed, &fits);
      g_autofree char *json = value_json (node);
      g_autofree char *text = fb_field_value_to_text (cases[i].type, node);

      g_test_message ("%s: “%s”", fb_field_type_to_string (cases[i].type), cases[i].typed);
      g_assert_cmpstr (json, ==, cases[i].json);
      g_assert_cmpint (fits, ==, cases[i].fits);
      g_assert_cmpint (fb_field_value_fits (cases[i].type, node), ==, cases[i].fits);
      g_assert_cmpstr (text, ==, cases[i].text);
    }

  /* Empty text is no value, for every type. */
  for (guint type = 0; type < FB_N_FIELD_TYPES; type++)
    {
      gboolean fits = FALSE;

      g_assert_null (fb_field_value_from_text (type, "  ", &fits));
      g_assert_true (fits);
      g_assert_cmpint (fb_field_type_from_string (fb_field_type_to_string (type), NULL), ==, type);
    }
}

static JsonNode *
parse_node (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

/* Problems in words, at the field. */
static void
test_validation_messages (void)
{
  g_autoptr(JsonObject) template = bird_template ();
  static const struct
  {
    const char *field;
    const char *json;  /* NULL: missing */
    const char *problem;
  } cases[] = {
    { "Species", NULL, "Species is required" },
    { "Species", "\"\"", "Species is required" },
    { "Species", "\"Grey heron\"", NULL },
    { "Species", "\"Osprey\"", "“Osprey” is not one of the choices of Species" },
    { "Count", NULL, NULL },
    { "Count", "12", NULL },
    { "Count", "\"a dozen\"", "Count must be a whole number" },
    { "Count", "2.5", "Count must be a whole number" },
    { "Wingspan", "2", NULL },
    { "Wingspan", "\"wide\"", "Wingspan must be a number" },
    { "Seen on", "\"yesterday\"", "Seen on must be a date such as 2026-05-31" },
    { "At", "\"noon\"", "At must be a time such as 14:30" },
    { "Logged", "\"2026-12-02\"", "Logged must be a date and time such as 2026-05-31 14:30" },
    { "Nesting", "\"maybe\"", "Nesting must be yes or no" },
    { "Nesting", "false", NULL },
    { "Behaviour", "[\"feeding\", \"sleeping\"]", "“sleeping” is not one of the choices of Behaviour" },
    { "Behaviour", "[]", NULL },
    { "Where", "{\"latitude\": 91, \"longitude\": 0}",
      "Where must be a latitude and longitude such as 52.52, 13.40" },
    { "Notes", "7", "Notes must be text" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      JsonObject *field = fb_template_find_field (template, cases[i].field);
      g_autoptr(JsonNode) value = cases[i].json != NULL ? parse_node (cases[i].json) : NULL;
      g_autofree char *problem = fb_template_field_check (field, value);

      g_assert_nonnull (field);
      g_assert_cmpstr (problem, ==, cases[i].problem);
    }
}

/* A record keeps its template's id; a problem does not stop saving, and
 * fields the template loses later stay in the record. */
static void
test_record_from_template (Fixture       *f,
                           gconstpointer  data)
{
  JsonObject *template = fb_item_get_body (f->template);
  g_autoptr(JsonObject) body = fb_record_body_new_from_template ("Heron 1", fb_item_get_id (f->template),
                                                                 template);
  g_autoptr(JsonObject) changed = NULL;
  g_autoptr(FbItem) record = NULL;
  g_autoptr(FbItem) reread = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *fields;

  g_assert_cmpstr (fb_record_body_get_template_id (body), ==, fb_item_get_id (f->template));
  fields = fb_body_get_object (body, "fields");
  g_assert_true (json_object_get_null_member (fields, "Count"));
  g_assert_false (json_object_get_boolean_member (fields, "Nesting"));
  json_object_set_string_member (fields, "Count", "a dozen");
  json_object_set_string_member (fields, "Ring", "K41");
  json_array_add_string_element (fb_body_get_array (body, "order"), "Ring");

  /* Saved with its problems: nothing typed is lost. */
  record = fb_store_create_item (f->store, FB_COLLECTION_RECORDS, body, &error);
  g_assert_no_error (error);
  problems = fb_record_body_get_problems (fb_item_get_body (record), template);
  g_assert_cmpuint (problems->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (problems, 0), ==, "Species is required");
  g_assert_cmpstr (g_ptr_array_index (problems, 1), ==, "Count must be a whole number");

  /* The template loses "Count" and gains "Weather". */
  changed = fb_body_copy (template);
  json_array_remove_element (fb_body_get_array (changed, "fields"), 1);
  fb_template_add_field (changed, "Weather", FB_FIELD_TEXT);
  g_assert_true (fb_store_update_item (f->store, fb_item_get_id (f->template), changed, &error));
  g_assert_no_error (error);

  reread = fb_store_get_item (f->store, fb_item_get_id (record), &error);
  g_assert_no_error (error);
  names = fb_record_body_get_form_names (fb_item_get_body (reread), changed);
  /* The template's fields first, then the record's others, "Count" among them. */
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "Species");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "Wingspan");
  g_assert_cmpstr (g_ptr_array_index (names, 9), ==, "Weather");
  g_assert_cmpstr (g_ptr_array_index (names, 10), ==, "Count");
  g_assert_cmpstr (g_ptr_array_index (names, 11), ==, "Ring");
  g_assert_cmpuint (names->len, ==, 12);
  g_assert_cmpstr (json_object_get_string_member (fb_body_get_object (fb_item_get_body (reread), "fields"),
                                                  "Count"), ==, "a dozen");
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = fb_record_body_get_problems (fb_item_get_body (reread), changed);
  g_assert_cmpuint (problems->len, ==, 1);
}

static void
test_find_template (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) other = fb_template_body_new ("Straße survey");
  g_autoptr(FbItem) created = NULL;
  g_autoptr(FbItem) found = NULL;
  g_autoptr(GError) error = NULL;

  created = fb_store_create_item (f->store, FB_COLLECTION_TEMPLATES, other, &error);
  g_assert_no_error (error);

  found = fb_store_find_template (f->store, "bird SIGHTING", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_item_get_id (found), ==, fb_item_get_id (f->template));
  g_clear_object (&found);

  found = fb_store_find_template (f->store, "STRASSE SURVEY", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_item_get_id (found), ==, fb_item_get_id (created));
  g_clear_object (&found);

  found = fb_store_find_template (f->store, "Plot survey", &error);
  g_assert_error (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "There is no template called “Plot survey”");
  g_assert_null (found);
}

static void
assert_rows (GPtrArray          *rows,
             guint               n,
             const char * const *expected)
{
  g_assert_cmpuint (rows->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstrv (g_ptr_array_index (rows, i), expected + i * 4);
}

/* RFC 4180: commas, quotes and line breaks in quoted cells; CRLF. */
static void
test_csv_format (void)
{
  const char *row1[] = { "plain", "with, comma", "say \"hi\"", "two\nlines", NULL };
  const char *row2[] = { "", " padded ", "Zürich 日本", "end", NULL };
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  const char *both[8];

  fb_csv_append_row (out, row1);
  fb_csv_append_row (out, row2);
  g_assert_cmpstr (out->str, ==,
                   "plain,\"with, comma\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
                   ",\" padded \",Zürich 日本,end\r\n");

  rows = fb_csv_parse (out->str, out->len, &error);
  g_assert_no_error (error);
  memcpy (both, row1, 4 * sizeof (char *));
  memcpy (both + 4, row2, 4 * sizeof (char *));
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstrv (g_ptr_array_index (rows, 0), row1);
  g_assert_cmpstrv (g_ptr_array_index (rows, 1), row2);
  (void) assert_rows;
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* LF line ends, a byte order mark, no last line break, ";" as separator. */
  rows = fb_csv_parse ("\xEF\xBB\xBF" "a;\"b;c\";d\nx;;z", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstrv (g_ptr_array_index (rows, 0), ((const char *[]) { "a", "b;c", "d", NULL }));
  g_assert_cmpstrv (g_ptr_array_index (rows, 1), ((const char *[]) { "x", "", "z", NULL }));
  g_clear_pointer (&rows, g_ptr_array_unref);

  rows = fb_csv_parse ("a,\"never closed\nb,c\n", -1, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "The quote opened on line 1 is never closed");
  g_assert_null (rows);
  g_clear_error (&error);

  rows = fb_csv_parse ("a,\xff\n", -1, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (rows);
}

static FbItem *
create_record (Fixture    *f,
               const char *title,
               const char *values_json)
{
  g_autoptr(JsonObject) body = fb_record_body_new_from_template (title, fb_item_get_id (f->template),
                                                                 fb_item_get_body (f->template));
  g_autoptr(JsonNode) values = parse_node (values_json);
  g_autoptr(GError) error = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  FbItem *item;

  json_object_iter_init (&iter, json_node_get_object (values));
  while (json_object_iter_next (&iter, &name, &value))
    {
      if (!json_object_has_member (fb_body_get_object (body, "fields"), name))
        json_array_add_string_element (fb_body_get_array (body, "order"), name);
      json_object_set_member (fb_body_get_object (body, "fields"), name, json_node_copy (value));
    }

  item = fb_store_create_item (f->store, FB_COLLECTION_RECORDS, body, &error);
  g_assert_no_error (error);
  return item;
}

static char *
export_csv (Fixture *f,
            guint    expected_records)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;
  char *csv = fb_record_csv_export (f->store, f->template, &n, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, expected_records);
  return csv;
}

#define CSV_HEADER "Title,Species,Count,Wingspan,Seen on,At,Logged,Nesting,Behaviour,Where,Notes"

/* Export, import into a fresh store, export again: the same text. */
static void
test_csv_round_trip (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(FbItem) r1 = create_record (f, "Heron, by the \"old\" mill",
                                        "{\"Species\": \"Grey heron\", \"Count\": 3, \"Wingspan\": 1.85,"
                                        " \"Seen on\": \"2026-12-01\", \"At\": \"07:05\","
                                        " \"Logged\": \"2026-12-01T07:10\", \"Nesting\": true,"
                                        " \"Behaviour\": [\"feeding\", \"calling\"],"
                                        " \"Where\": {\"latitude\": 52.52, \"longitude\": 13.405},"
                                        " \"Notes\": \"Two adults,\\none juvenile — près du moulin\"}");
  g_autoptr(FbItem) r2 = create_record (f, "Egret", "{\"Species\": \"Little egret\", \"Count\": \"a few\","
                                        " \"Ring\": \"K41\"}");
  g_autofree char *csv = export_csv (f, 2);
  g_autofree char *again = NULL;
  g_autoptr(GPtrArray) imported = NULL;
  g_autoptr(GError) error = NULL;
  FbRecordCsvImport result = { 0, };
  g_autofree char *path = g_build_filename (f->dir, "other.db", NULL);
  g_autoptr(FbStore) other = NULL;
  g_autoptr(FbItem) other_template = NULL;
  JsonObject *fields;

  g_assert_cmpstr (csv, ==,
                   CSV_HEADER ",Ring\r\n"
                   "\"Heron, by the \"\"old\"\" mill\",Grey heron,3,1.85,2026-12-01,07:05,"
                   "2026-12-01T07:10,yes,feeding;calling,\"52.52, 13.405\","
                   "\"Two adults,\none juvenile — près du moulin\",\r\n"
                   "Egret,Little egret,a few,,,,,no,,,,K41\r\n");

  /* The same template (synced) in another store. */
  other = fb_store_new (path, &error);
  g_assert_no_error (error);
  other_template = fb_store_put_item (other, fb_item_get_id (f->template), FB_COLLECTION_TEMPLATES,
                                      fb_item_get_body (f->template), &error);
  g_assert_no_error (error);
  g_assert_true (fb_record_csv_import (other, other_template, csv, -1, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_records, ==, 2);
  /* "a few" is not a whole number: kept as text, counted. */
  g_assert_cmpuint (result.n_misfits, ==, 1);

  again = fb_record_csv_export (other, other_template, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, csv);

  imported = fb_store_list_template_records (other, fb_item_get_id (other_template), &error);
  g_assert_no_error (error);
  fields = fb_body_get_object (fb_item_get_body (g_ptr_array_index (imported, 0)), "fields");
  g_assert_cmpint (json_object_get_int_member (fields, "Count"), ==, 3);
  g_assert_true (json_object_get_boolean_member (fields, "Nesting"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (fields, "Behaviour")), ==, 2);
  fields = fb_body_get_object (fb_item_get_body (g_ptr_array_index (imported, 1)), "fields");
  g_assert_cmpstr (json_object_get_string_member (fields, "Count"), ==, "a few");
  g_assert_cmpstr (json_object_get_string_member (fields, "Ring"), ==, "K41");
}

/* What LibreOffice Calc 7 writes with "Save as CSV" (UTF-8, ",", text
 * cells quoted, LF line ends, booleans TRUE/FALSE, a decimal comma kept
 * in quotes from a German sheet), with columns in another order and other
 * case, an empty row and a column the template lacks. */
/* The person chose what each column fills (the window's column-matching
 * step): a column moved to another field, one left out on purpose. */
static void
test_csv_chosen_columns (Fixture       *f,
                         gconstpointer  data)
{
  const char *csv = "species,count,title,Observer\r\nGrey heron,4,Weir,Ana\r\n";
  char *header[] = { "species", "count", "title", "Observer", NULL };
  g_autoptr(GPtrArray) columns = fb_record_csv_match_columns (fb_item_get_body (f->template), header);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  FbRecordCsvImport result = { 0, };
  JsonObject *fields;

  g_assert_cmpstr (g_ptr_array_index (columns, 1), ==, "Count");
  g_assert_cmpstr (g_ptr_array_index (columns, 3), ==, "Observer");
  g_free (g_ptr_array_index (columns, 1));
  columns->pdata[1] = g_strdup ("Notes");
  g_free (g_ptr_array_index (columns, 3));
  columns->pdata[3] = g_strdup ("");

  g_assert_true (fb_record_csv_import_columns (f->store, f->template, csv, -1, columns, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_records, ==, 1);
  records = fb_store_list_template_records (f->store, fb_item_get_id (f->template), &error);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpstr (fb_item_get_title (records->pdata[0]), ==, "Weir");
  fields = fb_body_get_object (fb_item_get_body (records->pdata[0]), "fields");
  g_assert_cmpstr (json_object_get_string_member (fields, "Species"), ==, "Grey heron");
  g_assert_cmpstr (json_object_get_string_member (fields, "Notes"), ==, "4");
  g_assert_true (json_object_get_null_member (fields, "Count"));  /* left empty */
  g_assert_false (json_object_has_member (fields, "Observer"));
}

static void
test_csv_libreoffice (Fixture       *f,
                      gconstpointer  data)
{
  const char *lf =
    "\"count\",\"species\",\"TITLE\",\"Nesting\",\"Wingspan\",\"Seen on\",\"Behaviour\",\"Observer\"\n"
    "4,\"Grey heron\",\"North bank\",TRUE,\"1,9\",2026-11-30,\"feeding;flying\",\"Ana\"\n"
    ",,,,,,,\n"
    "\"many\",\"Osprey\",\"South bank\",FALSE,,30.11.2026,,\n";
  g_autoptr(GString) built = g_string_new (lf);
  const char *csv;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  FbRecordCsvImport result = { 0, };
  JsonObject *body;
  JsonObject *fields;

  /* The same sheet saved on Windows ("windows"): a byte order mark and
   * CRLF line ends. */
  if (data != NULL)
    {
      g_string_replace (built, "\n", "\r\n", 0);
      g_string_prepend (built, "\xEF\xBB\xBF");
    }
  csv = built->str;

  g_assert_true (fb_record_csv_import (f->store, f->template, csv, -1, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_records, ==, 2);
  /* "many" and "30.11.2026" are kept as text. */
  g_assert_cmpuint (result.n_misfits, ==, 2);

  records = fb_store_list_template_records (f->store, fb_item_get_id (f->template), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 2);

  body = fb_item_get_body (g_ptr_array_index (records, 0));
  fields = fb_body_get_object (body, "fields");
  g_assert_cmpstr (fb_body_get_string (body, "title"), ==, "North bank");
  g_assert_cmpint (json_object_get_int_member (fields, "Count"), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (fields, "Species"), ==, "Grey heron");
  g_assert_true (json_object_get_boolean_member (fields, "Nesting"));
  g_assert_cmpfloat (json_object_get_double_member (fields, "Wingspan"), ==, 1.9);
  g_assert_cmpstr (json_object_get_string_member (fields, "Seen on"), ==, "2026-11-30");
  g_assert_cmpstr (json_object_get_string_member (fields, "Observer"), ==, "Ana");
  problems = fb_record_body_get_problems (body, fb_item_get_body (f->template));
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);

  body = fb_item_get_body (g_ptr_array_index (records, 1));
  problems = fb_record_body_get_problems (body, fb_item_get_body (f->template));
  g_assert_cmpuint (problems->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (problems, 0), ==, "“Osprey” is not one of the choices of Species");
  g_assert_cmpstr (g_ptr_array_index (problems, 1), ==, "Count must be a whole number");
  g_assert_cmpstr (g_ptr_array_index (problems, 2), ==, "Seen on must be a date such as 2026-05-31");
}

/* The JSON export (--export) holds the templates, and an import brings
 * them back beside their records. */
static void
test_json_transfer (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(FbItem) record = create_record (f, "Heron", "{\"Count\": 2}");
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = g_build_filename (f->dir, "other.db", NULL);
  g_autoptr(FbStore) other = NULL;
  g_autoptr(FbItem) found = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_assert_true (fb_transfer_export (f->store, out, NULL, NULL, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  g_output_stream_close (out, NULL, NULL);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));

  other = fb_store_new (path, &error);
  g_assert_no_error (error);
  in = g_memory_input_stream_new_from_bytes (bytes);
  g_assert_true (fb_transfer_import (other, in, NULL, NULL, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);

  found = fb_store_find_template (other, "Bird sighting", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fb_item_get_id (found), ==, fb_item_get_id (f->template));
  g_assert_true (fb_body_equal (fb_item_get_body (found), fb_item_get_body (f->template)));
  records = fb_store_list_template_records (other, fb_item_get_id (found), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpstr (fb_item_get_id (records->pdata[0]), ==, fb_item_get_id (record));
}

/* The titles of a GListModel of FbItem, ", "-joined. */
static char *
list_titles (GListModel *model)
{
  g_autoptr(GString) titles = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (model, i);

      g_string_append_printf (titles, "%s%s", i > 0 ? ", " : "", fb_item_get_title (item));
    }
  return g_string_free (g_steal_pointer (&titles), FALSE);
}

static char *
search_titles (FbStore    *store,
               const char *collection,
               const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = fb_store_search (store, collection, query, &error);
  g_autoptr(GListStore) model = g_list_store_new (FB_TYPE_ITEM);

  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    g_list_store_append (model, items->pdata[i]);
  return list_titles (G_LIST_MODEL (model));
}

/* A search over every collection (the command line's --search, a window's
 * "search everywhere") finds the notes and records a person wrote, not
 * the templates they are made from; a search of the templates still finds
 * them by name. */
static void
test_search_skips_templates (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(JsonObject) note = fb_note_body_new ("Heron at the weir", "a bird sighting, grey");
  g_autoptr(JsonObject) record = fb_record_body_new_from_template ("Heron 1", fb_item_get_id (f->template),
                                                                   fb_item_get_body (f->template));
  g_autoptr(JsonObject) later = fb_template_body_new ("Bird sighting, winter");
  g_autoptr(FbItem) note_item = NULL;
  g_autoptr(FbItem) record_item = NULL;
  g_autoptr(FbItem) later_item = NULL;
  g_autoptr(FbItemList) everywhere = NULL;
  g_autoptr(GError) error = NULL;
  char *titles;

  f->now += 1000;
  note_item = fb_store_create_item (f->store, FB_COLLECTION_NOTES, note, &error);
  g_assert_no_error (error);
  f->now += 1000;
  json_object_set_string_member (fb_body_get_object (record, "fields"), "Notes", "bird sighting by the weir");
  record_item = fb_store_create_item (f->store, FB_COLLECTION_RECORDS, record, &error);
  g_assert_no_error (error);

  titles = search_titles (f->store, NULL, "bird sighting");
  g_assert_cmpstr (titles, ==, "Heron 1, Heron at the weir");
  g_free (titles);
  titles = search_titles (f->store, NULL, "");
  g_assert_cmpstr (titles, ==, "Heron 1, Heron at the weir");
  g_free (titles);
  titles = search_titles (f->store, FB_COLLECTION_TEMPLATES, "bird sighting");
  g_assert_cmpstr (titles, ==, "Bird sighting");
  g_free (titles);

  /* The live list over every collection, searching and not, and as a new
   * template is written while it is open. */
  everywhere = fb_item_list_new (f->store, NULL);
  titles = list_titles (G_LIST_MODEL (everywhere));
  g_assert_cmpstr (titles, ==, "Heron 1, Heron at the weir");
  g_free (titles);
  fb_item_list_set_search (everywhere, "bird");
  titles = list_titles (G_LIST_MODEL (everywhere));
  g_assert_cmpstr (titles, ==, "Heron 1, Heron at the weir");
  g_free (titles);

  f->now += 1000;
  later_item = fb_store_create_item (f->store, FB_COLLECTION_TEMPLATES, later, &error);
  g_assert_no_error (error);
  titles = list_titles (G_LIST_MODEL (everywhere));
  g_assert_cmpstr (titles, ==, "Heron 1, Heron at the weir");
  g_free (titles);
  fb_item_list_set_search (everywhere, NULL);
  titles = list_titles (G_LIST_MODEL (everywhere));
  g_assert_cmpstr (titles, ==, "Heron 1, Heron at the weir");
  g_free (titles);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/template/value-forms", test_value_forms);
  g_test_add_func ("/template/validation-messages", test_validation_messages);
  g_test_add_func ("/template/csv-format", test_csv_format);
#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/template/record-from-template", test_record_from_template);
  ADD ("/template/find-case-insensitive", test_find_template);
  ADD ("/template/csv-round-trip", test_csv_round_trip);
  ADD ("/template/csv-libreoffice", test_csv_libreoffice);
  g_test_add ("/template/csv-libreoffice-windows", Fixture, "windows", fixture_setup, test_csv_libreoffice,
              fixture_teardown);
  ADD ("/template/csv-chosen-columns", test_csv_chosen_columns);
  ADD ("/template/json-transfer", test_json_transfer);
  ADD ("/template/search-skips-templates", test_search_skips_templates);
#undef ADD

  return g_test_run ();
}
