/* bench-records.c: the records table's lazy list at 100,000 records of one template, in figures */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "bench-records"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb-item-body.h"
#include "fb-item-list.h"
#include "fb-record-query.h"
#include "fb-template.h"
#include "fb-test-store.h"

/* Prints figures, never asserts a time: the list the table shows
 * (fb-record-table.c) opened over N records (default 100,000) of a bird
 * template with five typed fields, sorted by its number, date and title
 * columns, searched, filtered to "has problems", and 1,000 consecutive
 * rows read as a view scrolling them would; RSS after each step. A tenth
 * as many records of another template are there too. */
#define BENCH_PROBLEM_EVERY 50

static const char *const species[] = {
  "Grey heron", "Little egret", "Kingfisher", "Dipper", "Avocet", "Bittern",
};

static guint
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? (guint) atoi (line + 7) : 0;
}

static JsonObject *
bird_template (const char *name)
{
  JsonObject *body = fb_template_body_new (name);
  JsonObject *field;

  field = fb_template_add_field (body, "Count", FB_FIELD_INTEGER);
  json_object_set_boolean_member (field, "required", TRUE);
  fb_template_add_field (body, "Species", FB_FIELD_TEXT);
  fb_template_add_field (body, "Seen on", FB_FIELD_DATE);
  fb_template_add_field (body, "Wingspan", FB_FIELD_DECIMAL);
  fb_template_add_field (body, "Nesting", FB_FIELD_YES_NO);
  return body;
}

static void
add_records (FbStore    *store,
             const char *template_id,
             JsonObject *template,
             guint       n,
             GRand      *rand)
{
  g_autoptr(GError) error = NULL;

  fb_store_begin (store, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("Sighting %u", g_rand_int_range (rand, 0, 1000000));
      g_autofree char *date = g_strdup_printf ("2026-%02d-%02d", g_rand_int_range (rand, 1, 13),
                                               g_rand_int_range (rand, 1, 29));
      g_autoptr(JsonObject) body = fb_record_body_new_from_template (title, template_id, template);
      JsonObject *fields = fb_body_get_object (body, "fields");
      g_autoptr(FbItem) item = NULL;

      if (i % BENCH_PROBLEM_EVERY == 0)
        json_object_set_string_member (fields, "Count", "a few");
      else
        json_object_set_int_member (fields, "Count", g_rand_int_range (rand, 1, 500));
      json_object_set_string_member (fields, "Species",
                                     species[g_rand_int_range (rand, 0, G_N_ELEMENTS (species))]);
      json_object_set_string_member (fields, "Seen on", date);
      json_object_set_double_member (fields, "Wingspan", g_rand_double_range (rand, 10, 200));
      item = fb_store_create_item (store, FB_COLLECTION_RECORDS, body, &error);
      g_assert_no_error (error);
      if (i % 5000 == 4999)
        {
          fb_store_commit (store, &error);
          g_assert_no_error (error);
          fb_store_begin (store, NULL);
        }
    }
  fb_store_commit (store, &error);
  g_assert_no_error (error);
}

static char *
create_template (FbStore    *store,
                 JsonObject *template)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbItem) item = fb_store_create_item (store, FB_COLLECTION_TEMPLATES, template, &error);

  g_assert_no_error (error);
  return g_strdup (fb_item_get_id (item));
}

/* How long @list takes to show @query (and @search), in ms. */
static double
show (FbItemList    *list,
      FbRecordQuery *query,
      const char    *search)
{
  gint64 start = g_get_monotonic_time ();

  fb_item_list_set_search (list, search);
  fb_item_list_set_record_query (list, query);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
report (const char *what,
        double      ms,
        FbItemList *list)
{
  printf ("%-40s %8.0f ms  %6u rows  RSS %u MB\n", what, ms,
          g_list_model_get_n_items (G_LIST_MODEL (list)), rss_kb () / 1024);
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  g_autofree char *dir = fb_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "fieldbook.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbStore) store = fb_store_new (path, &error);
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(JsonObject) birds = bird_template ("Bird sighting");
  g_autoptr(JsonObject) plots = bird_template ("Plot");
  g_autofree char *birds_id = NULL;
  g_autofree char *plots_id = NULL;
  g_autoptr(FbItemList) list = NULL;
  gint64 start;

  g_assert_no_error (error);
  birds_id = create_template (store, birds);
  plots_id = create_template (store, plots);
  start = g_get_monotonic_time ();
  add_records (store, birds_id, birds, n, rand);
  add_records (store, plots_id, plots, n / 10, rand);
  printf ("built %u + %u records in %.1f s; RSS %u MB\n", n, n / 10,
          (g_get_monotonic_time () - start) / 1e6, rss_kb () / 1024);

  for (guint round = 1; round <= 2; round++)
    {
      g_autoptr(FbRecordQuery) newest = fb_record_query_new (birds_id);
      g_autoptr(FbRecordQuery) by_count = fb_record_query_new (birds_id);
      g_autoptr(FbRecordQuery) by_count_down = fb_record_query_new (birds_id);
      g_autoptr(FbRecordQuery) by_date = fb_record_query_new (birds_id);
      g_autoptr(FbRecordQuery) by_title = fb_record_query_new (birds_id);
      g_autoptr(FbRecordQuery) problems = fb_record_query_new (birds_id);

      printf ("round %u\n", round);
      g_clear_object (&list);
      start = g_get_monotonic_time ();
      list = fb_item_list_new (store, FB_COLLECTION_RECORDS);
      fb_item_list_set_record_query (list, newest);
      report ("open the table (newest first)", (g_get_monotonic_time () - start) / 1000.0, list);

      fb_record_query_set_sort (by_count, "Count", FB_FIELD_INTEGER, FALSE);
      report ("sort by Count (whole number)", show (list, by_count, NULL), list);
      fb_record_query_set_sort (by_count_down, "Count", FB_FIELD_INTEGER, TRUE);
      report ("sort by Count, descending", show (list, by_count_down, NULL), list);
      fb_record_query_set_sort (by_date, "Seen on", FB_FIELD_DATE, FALSE);
      report ("sort by Seen on (date)", show (list, by_date, NULL), list);
      fb_record_query_set_sort (by_title, NULL, FB_FIELD_TEXT, FALSE);
      report ("sort by title", show (list, by_title, NULL), list);

      /* A view scrolling 1,000 rows from the middle. */
      show (list, by_count, NULL);
      start = g_get_monotonic_time ();
      for (guint i = 0; i < 1000; i++)
        {
          g_autoptr(FbItem) item = g_list_model_get_item (G_LIST_MODEL (list), n / 2 + i);

          g_assert_nonnull (item);
        }
      report ("scroll 1,000 rows (sorted by Count)", (g_get_monotonic_time () - start) / 1000.0, list);

      report ("search \"egret\", sorted by Count", show (list, by_count, "egret"), list);
      fb_record_query_set_sort (problems, "Count", FB_FIELD_INTEGER, FALSE);
      fb_record_query_set_problems_only (problems, birds);
      report ("has problems, sorted by Count", show (list, problems, NULL), list);

      /* One edit with the table open: it moves its row. */
      show (list, by_count, NULL);
      {
        g_autoptr(FbItem) item = g_list_model_get_item (G_LIST_MODEL (list), 0);
        g_autoptr(JsonObject) body = fb_body_copy (fb_item_get_body (item));

        json_object_set_int_member (fb_body_get_object (body, "fields"), "Count", 250);
        start = g_get_monotonic_time ();
        g_assert_true (fb_store_update_item (store, fb_item_get_id (item), body, NULL));
        report ("an edit moving its row", (g_get_monotonic_time () - start) / 1000.0, list);
      }
    }

  g_clear_object (&list);
  g_clear_object (&store);
  fb_test_remove_tree (dir);
  return 0;
}
