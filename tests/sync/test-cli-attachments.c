/* test-cli-attachments.c: --attach, --save-attachment and the other attachment commands, run as a user would */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "test-cli-attachments"

#include "config.h"

#include <glib/gstdio.h>

#include "fb-attachments.h"
#include "fb-store.h"
#include "fb-test-cli.h"

#define ADMIN    "admin"
#define PASSWORD "s3cret"

static FbTestServer *server;

/* ---- Tests ---- */

/* --attach, --attachments, --save-attachment, --rename-attachment and
 * --collect-attachments: a file attached twice is stored once; the saved
 * copy has the same bytes; a rename keeps them. */
static void
test_attachments (void)
{
  g_autofree char *home = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *record_id = NULL;
  g_autofree char *photo = g_build_filename (home, "heron.jpg", NULL);
  g_autofree char *copy = g_build_filename (home, "copy.jpg", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *sha256 = NULL;
  const char bytes[] = "\xff\xd8\xff\xe0 not really a JPEG";

  fb_test_cli_fill_store (home, &note_id, &record_id);
  g_assert_true (g_file_set_contents (photo, bytes, sizeof bytes, NULL));
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, sizeof bytes);
  expected = g_strdup_printf ("heron.jpg\timage/jpeg\t%zu\tsha256-%s\n", sizeof bytes, sha256);

  g_assert_true (fb_test_cli_run (home, "attach", note_id, "rest", photo, NULL));
  g_test_trap_assert_stdout (expected);
  g_assert_true (fb_test_cli_run (home, "attach", note_id, "rest", photo, NULL));
  g_assert_true (fb_test_cli_run (home, "attachments", note_id, NULL));
  g_test_trap_assert_stdout (expected);

  {
    g_autoptr(FbStore) store = fb_test_cli_open_store (home);
    g_autofree char *dir = fb_store_dup_attachments_dir (store);
    g_autoptr(GDir) files = g_dir_open (dir, 0, NULL);
    guint n = 0;

    while (g_dir_read_name (files) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 1);
    g_assert_cmpuint (fb_store_get_pending_count (store), >=, 1);
  }

  g_assert_true (fb_test_cli_run (home, "save-attachment", note_id, "rest2", "heron.jpg", copy, NULL));
  g_assert_true (g_file_get_contents (copy, &saved, NULL, NULL));
  g_assert_cmpmem (saved, sizeof bytes, bytes, sizeof bytes);

  g_assert_false (fb_test_cli_run (home, "save-attachment", note_id, "rest2", "owl.jpg", copy, NULL));
  g_test_trap_assert_stderr ("*no attachment*owl.jpg*");
  g_assert_false (fb_test_cli_run (home, "attach", note_id, NULL));
  g_test_trap_assert_stderr ("*--attach ID FILE*");
  g_assert_false (fb_test_cli_run (home, "attach", "no-such-id", "rest", photo, NULL));
  g_test_trap_assert_stderr ("*Could not attach*");

  /* Renamed: the same bytes under the new name; a taken name refused. */
  g_assert_true (fb_test_cli_run (home, "rename-attachment", note_id, "rest2", "heron.jpg", "grey heron.jpg", NULL));
  g_assert_true (fb_test_cli_run (home, "attachments", note_id, NULL));
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("grey heron.jpg\timage/jpeg\t%zu\tsha256-%s\n", sizeof bytes, sha256);
  g_test_trap_assert_stdout (expected);
  g_assert_true (fb_test_cli_run (home, "attach", note_id, "rest", photo, NULL));
  g_assert_false (fb_test_cli_run (home, "rename-attachment", note_id, "rest2", "heron.jpg", "grey heron.jpg", NULL));
  g_test_trap_assert_stderr ("*already has an attachment named*grey heron.jpg*");

  /* A tab or a line break in a name (another program's) is a space in
   * the listing, which keeps one line of four columns per file. */
  g_assert_true (fb_test_cli_run (home, "rename-attachment", note_id, "rest2", "grey heron.jpg", "grey\theron\r.jpg", NULL));
  g_assert_true (fb_test_cli_run (home, "attachments", note_id, NULL));
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("grey heron .jpg\timage/jpeg\t%zu\tsha256-%s\n"
                              "heron.jpg\timage/jpeg\t%zu\tsha256-%s\n",
                              sizeof bytes, sha256, sizeof bytes, sha256);
  g_test_trap_assert_stdout (expected);

  /* Still named by the note: nothing to collect. */
  g_assert_true (fb_test_cli_run (home, "collect-attachments", NULL));
  g_test_trap_assert_stdout ("Removed 0 unused attachment files\n");
}

/* Deletes every attachment file of the store under @home. */
static void
remove_attachment_files (const char *home)
{
  g_autoptr(FbStore) store = fb_test_cli_open_store (home);
  g_autofree char *dir = fb_store_dup_attachments_dir (store);
  g_autoptr(GDir) files = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (files)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
      n++;
    }
  g_assert_cmpuint (n, >=, 1);
}

/* --save-attachment of a file this device does not hold (lost here, or a
 * large one left on the server on a metered network) fetches it from the
 * server first; without a server it says so. */
static void
test_save_attachment_fetches (void)
{
  g_autofree char *home_a = fb_test_cli_new_home ();
  g_autofree char *home_b = fb_test_cli_new_home ();
  g_autofree char *note_id = NULL;
  g_autofree char *photo = g_build_filename (home_a, "heron.jpg", NULL);
  g_autofree char *copy = g_build_filename (home_b, "copy.jpg", NULL);
  g_autofree char *saved = NULL;
  const char *url = fb_test_server_get_url (server);
  const char bytes[] = "\xff\xd8\xff\xe0 a heron, fetched";
  gsize len = 0;

  fb_test_cli_fill_store (home_a, &note_id, NULL);
  g_assert_true (g_file_set_contents (photo, bytes, sizeof bytes, NULL));
  g_assert_true (fb_test_cli_run (home_a, "attach", note_id, "rest", photo, NULL));
  g_setenv ("FIELDBOOK_PASSWORD", PASSWORD, TRUE);
  g_assert_true (fb_test_cli_run (home_a, "sync", "server", url, "database", "cli-fetch", "user", ADMIN, NULL));
  g_assert_true (fb_test_cli_run (home_b, "sync", "server", url, "database", "cli-fetch", "user", ADMIN, NULL));

  remove_attachment_files (home_b);
  /* The server as --sync takes it (the tests' settings last one run). */
  g_assert_true (fb_test_cli_run (home_b, "save-attachment", note_id, "rest2", "heron.jpg", copy,
                          "server", url, "database", "cli-fetch", "user", ADMIN, NULL));
  g_assert_true (g_file_get_contents (copy, &saved, &len, NULL));
  g_assert_cmpmem (saved, len, bytes, sizeof bytes);
  g_unsetenv ("FIELDBOOK_PASSWORD");

  /* A device without the file and without a server: said, nothing saved. */
  {
    g_autofree char *home_c = fb_test_cli_new_home ();
    g_autofree char *other_id = NULL;
    g_autofree char *copy_c = g_build_filename (home_c, "copy.jpg", NULL);

    fb_test_cli_fill_store (home_c, &other_id, NULL);
    g_assert_true (fb_test_cli_run (home_c, "attach", other_id, "rest", photo, NULL));
    remove_attachment_files (home_c);
    g_assert_false (fb_test_cli_run (home_c, "save-attachment", other_id, "rest2", "heron.jpg", copy_c, NULL));
    g_test_trap_assert_stderr ("*no server is set up*");
    g_assert_false (g_file_test (copy_c, G_FILE_TEST_EXISTS));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  fb_test_cli_init (&argc, &argv);
  if (!g_test_subprocess ())
    {
      server = fb_test_server_start (ADMIN, PASSWORD, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/cli/attachments", test_attachments);
  g_test_add_func ("/cli/save-attachment-fetches", test_save_attachment_fetches);

  status = g_test_run ();

  g_clear_pointer (&server, fb_test_server_free);
  fb_test_cli_cleanup ();
  return status;
}
