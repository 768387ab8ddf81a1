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

GBytes *
fb_test_bytes (gsize size)
{
  guchar *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guchar) ((i * 7 + i / 256) & 0xff);
  return g_bytes_new_take (data, size);
}

FbAttachment *
fb_test_store_attach (FbStore    *store,
                      const char *id,
                      const char *name,
                      const char *content_type,
                      GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (bytes);
  FbAttachment *attachment = fb_store_add_attachment (store, id, name, content_type, in, NULL,
                                                      &error);

  g_assert_no_error (error);
  return attachment;
}

GBytes *
fb_test_store_attachment_bytes (FbStore    *store,
                                const char *id,
                                const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FbAttachment) attachment = fb_store_get_attachment (store, id, name, &error);
  g_autoptr(GFile) file = NULL;
  GBytes *bytes;

  g_assert_no_error (error);
  g_assert_nonnull (attachment);
  if (attachment->sha256 == NULL)
    return NULL;
  file = fb_store_get_attachment_file (store, attachment->digest, &error);
  g_assert_no_error (error);
  bytes = g_file_load_bytes (file, NULL, NULL, &error);
  g_assert_no_error (error);
  return bytes;
}
