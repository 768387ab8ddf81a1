/* fb-test-store.c: a fake clock and SQL read-backs for store tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-store"

#include "config.h"

#include "fb-test-store.h"

gint64
fb_test_clock (gpointer user_data)
{
  gint64 *now = user_data;

  *now += 1000;
  return *now;
}

gint64
fb_test_query_int (sqlite3    *db,
                   const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

char *
fb_test_query_text (sqlite3    *db,
                    const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return value;
}

FbItem *
fb_test_store_create_note (FbStore    *store,
                           const char *title,
                           const char *text)
{
  g_autoptr(JsonObject) body = fb_note_body_new (title, text);
  g_autoptr(GError) error = NULL;
  FbItem *item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, &error);

  g_assert_no_error (error);
  g_assert_nonnull (item);
  return item;
}
