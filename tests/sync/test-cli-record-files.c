/* test-cli-record-files.c: --attach … --field and --remove-attachment on a record's photo field, run as a user would */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-cli-record-files"

#include "config.h"

#include "fb-attachments.h"
#include "fb-record-csv.h"
#include "fb-template.h"
#include "fb-test-cli.h"

/* A template "Nest survey" with a photo field and a record of it. */
static char *
make_record (const char *home)
{
  g_autoptr(FbStore) store = fb_test_cli_open_store (home);
  g_autoptr(JsonObject) template = fb_template_body_new ("Nest survey");
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(FbItem) template_item = NULL;
  g_autoptr(FbItem) record_item = NULL;
  g_autoptr(GError) error = NULL;

  fb_template_add_field (template, "Photos", FB_FIELD_PHOTO);
  template_item = fb_store_create_item (store, FB_COLLECTION_TEMPLATES, template, &error);
  g_assert_no_error (error);
  record = fb_record_body_new_from_template ("Nest 4", fb_item_get_id (template_item), template);
  record_item = fb_store_create_item (store, FB_COLLECTION_RECORDS, record, &error);
  g_assert_no_error (error);
  return g_strdup (fb_item_get_id (record_item));
}

static char *
photos_of (const char *home,
           const char *id)
{
  g_autoptr(FbStore) store = fb_test_cli_open_store (home);
  g_autoptr(FbItem) item = fb_store_get_item (store, id, NULL);
  JsonObject *body = fb_item_get_body (item);
  g_autoptr(GPtrArray) attachments = fb_body_list_attachments (body);
  g_autofree char *names = fb_field_value_to_text (FB_FIELD_PHOTO,
                                                   json_object_get_member (fb_body_get_object (body, "fields"),
                                                                           "Photos"));

  return g_strdup_printf ("%s|%u", names, attachments->len);
}

/* --attach ID FILE --field Photos attaches and names it in the field;
 * --remove-attachment takes it out of both; --export-csv writes the names. */
static void
test_attach_to_field (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *id = make_record (home);
  g_autofree char *heron = fb_test_cli_write_file ("heron.jpg", "\xff\xd8\xff a heron");
  g_autofree char *nest = fb_test_cli_write_file ("nest.jpg", "\xff\xd8\xff a nest");
  g_autofree char *csv = g_build_filename (fb_test_cli_tmp_root (), "nests.csv", NULL);
  g_autofree char *written = NULL;
  g_autofree char *photos = NULL;

  g_assert_true (fb_test_cli_run (home, "attach", id, "rest", heron, "field", "Photos", NULL));
  g_test_trap_assert_stdout ("heron.jpg\timage/jpeg\t*");
  g_assert_true (fb_test_cli_run (home, "attach", id, "rest", nest, "field", "Photos", NULL));
  photos = photos_of (home, id);
  g_assert_cmpstr (photos, ==, "heron.jpg; nest.jpg|2");

  g_assert_true (fb_test_cli_run (home, "export-csv", "nest survey", "rest", csv, NULL));
  g_assert_true (g_file_get_contents (csv, &written, NULL, NULL));
  g_assert_cmpstr (written, ==, "Title,Photos\r\nNest 4,heron.jpg; nest.jpg\r\n");

  /* Not a photo or file field: refused in words, nothing attached. */
  g_assert_false (fb_test_cli_run (home, "attach", id, "rest", heron, "field", "Title", NULL));
  g_test_trap_assert_stderr ("*no photo or file field called*Title*");

  g_assert_true (fb_test_cli_run (home, "remove-attachment", id, "rest", "heron.jpg", NULL));
  g_clear_pointer (&photos, g_free);
  photos = photos_of (home, id);
  g_assert_cmpstr (photos, ==, "nest.jpg|1");
  g_assert_false (fb_test_cli_run (home, "remove-attachment", id, "rest", "heron.jpg", NULL));
  g_test_trap_assert_stderr ("*Could not remove the attachment*heron.jpg*");
  g_assert_false (fb_test_cli_run (home, "remove-attachment", id, NULL));
  g_test_trap_assert_stderr ("*--remove-attachment ID NAME*");
}

/* --import-csv keeps names of files the new records do not have, and says so. */
static void
test_import_names (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *id = make_record (home);
  g_autofree char *csv = fb_test_cli_write_file ("in.csv", "Title,Photos\nNest 5,heron.jpg; egg.jpg\n");

  g_assert_true (fb_test_cli_run (home, "import-csv", "Nest survey", "rest", csv, NULL));
  g_test_trap_assert_stdout ("Imported 1 record\n"
                             "2 file names are not attached to their records: kept, "
                             "the records show them as problems\n");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  fb_test_cli_init (&argc, &argv);

  g_test_add_func ("/cli/attach-to-field", test_attach_to_field);
  g_test_add_func ("/cli/import-file-names", test_import_names);

  status = g_test_run ();

  fb_test_cli_cleanup ();
  return status;
}
