/* bench-attachments.c: the real program's peak RSS syncing a large attachment up and down */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "bench-attachments"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fb-attachments.h"
#include "fb-store.h"
#include "fb-test-server.h"

/* Issue 12, point 4 (large files on the wire): a baseline with a 1 KiB
 * attachment, then one of N MB (default 50). Each is attached in one data
 * home, pushed by `fieldbook --sync` and pulled (with the download) by
 * `fieldbook --sync` in a second, empty data home, both under
 * /usr/bin/time; then the first home is exported (`fieldbook --export`,
 * the data inline as base64) and the file imported into a third. Prints
 * seconds and peak RSS: a figure, not an assertion.
 * Peak RSS that grows with the file (inline base64 going up, the body read
 * into memory coming down) is what streaming is to remove. */

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;

static FbStore *
open_store (const char *home)
{
  g_autofree char *path = g_build_filename (home, "fieldbook", "fieldbook.db", NULL);
  g_autoptr(GError) error = NULL;
  FbStore *store = fb_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

/* A note in @home with @size random bytes attached as "big.bin". */
static void
attach (const char *home,
        gsize       size)
{
  g_autoptr(FbStore) store = open_store (home);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(FbItem) item = NULL;
  g_autoptr(FbAttachment) attachment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  guint32 *data = g_new (guint32, size / 4 + 1);
  g_autoptr(GInputStream) in = NULL;

  for (gsize i = 0; i < size / 4 + 1; i++)
    data[i] = g_rand_int (rand);
  in = g_memory_input_stream_new_from_data (data, size, g_free);

  json_object_set_string_member (body, "title", "Large attachment");
  json_object_set_string_member (body, "text", "");
  item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, &error);
  g_assert_no_error (error);
  attachment = fb_store_add_attachment (store, fb_item_get_id (item), "big.bin",
                                        "application/octet-stream", in, NULL, &error);
  g_assert_no_error (error);
}

/* Whether the store in @home has the data of every attachment it lists. */
static gboolean
has_all_data (const char *home)
{
  g_autoptr(FbStore) store = open_store (home);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) missing = fb_store_list_missing_attachments (store, &error);

  g_assert_no_error (error);
  return missing->len == 0;
}

/* `fieldbook @args…` (NULL-terminated) with the data home @home under
 * /usr/bin/time. */
static void
run_fieldbook (const char         *home,
               const char * const *args,
               double             *seconds,
               guint              *peak_kb)
{
  const char *fieldbook = g_getenv ("FB_TEST_FIELDBOOK");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "XDG_DATA_HOME", home, TRUE);
  const char *peak;
  gint64 start = g_get_monotonic_time ();
  int status;

  g_assert_nonnull (fieldbook);
  g_ptr_array_add (argv, (gpointer) "/usr/bin/time");
  g_ptr_array_add (argv, (gpointer) "-f");
  g_ptr_array_add (argv, (gpointer) "peak %M");
  g_ptr_array_add (argv, (gpointer) fieldbook);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  env = g_environ_setenv (env, "FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("fieldbook %s failed: %s", args[0], err);
  *seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  peak = strstr (err, "peak ");
  *peak_kb = peak != NULL ? atoi (peak + 5) : 0;
}

/* `fieldbook --sync` of the data home @home with database @db. */
static void
run_sync (const char *home,
          const char *db,
          double     *seconds,
          guint      *peak_kb)
{
  const char *args[] = {
    "--sync", "--server", fb_test_server_get_url (server), "--database", db, "--user", ADMIN, NULL
  };

  run_fieldbook (home, args, seconds, peak_kb);
}

static void
measure (const char *label,
         gsize       size)
{
  g_autofree char *up = g_dir_make_tmp ("fb-bench-att-XXXXXX", NULL);
  g_autofree char *down = g_dir_make_tmp ("fb-bench-att-XXXXXX", NULL);
  g_autofree char *imported = g_dir_make_tmp ("fb-bench-att-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (up, "export.json", NULL);
  g_autofree char *db = g_strdup_printf ("bench-attachments-%" G_GSIZE_FORMAT, size);
  double push_s, pull_s, export_s, import_s;
  guint push_kb, pull_kb, export_kb, import_kb;

  attach (up, size);
  run_sync (up, db, &push_s, &push_kb);
  run_sync (down, db, &pull_s, &pull_kb);
  /* The export file carries the data as base64 (fb-transfer-attachments.c). */
  run_fieldbook (up, (const char *[]) { "--export", file, NULL }, &export_s, &export_kb);
  run_fieldbook (imported, (const char *[]) { "--import", file, NULL }, &import_s, &import_kb);
  g_print ("%-10s push %6.2f s, peak RSS %7.1f MB | pull+download %6.2f s, peak RSS %7.1f MB%s\n",
           label, push_s, push_kb / 1024.0, pull_s, pull_kb / 1024.0,
           has_all_data (down) ? "" : " (data NOT downloaded)");
  g_print ("%-10s --export %6.2f s, peak RSS %7.1f MB | --import %6.2f s, peak RSS %7.1f MB%s\n",
           "", export_s, export_kb / 1024.0, import_s, import_kb / 1024.0,
           has_all_data (imported) ? "" : " (data NOT imported)");
  fb_test_remove_tree (up);
  fb_test_remove_tree (down);
  fb_test_remove_tree (imported);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  guint mb = argc > 1 ? (guint) atoi (argv[1]) : 50;
  g_autofree char *label = g_strdup_printf ("%u MB", mb);

  server = fb_test_server_start (ADMIN, PASSWORD, &error);
  g_assert_no_error (error);

  g_print ("fieldbook --sync of one note with one attachment, PouchDB Server in memory\n");
  measure ("1 KiB", 1024);
  measure (label, (gsize) mb * 1024 * 1024);

  fb_test_server_free (server);
  return 0;
}
