/* test-application.c: FbApplication opens a window on the store, or says in words why it cannot */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-application"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>
#include <time.h>

#include "fb-application.h"
#include "fb-attachments.h"
#include "fb-test-ui.h"
#include "fb-window.h"

#define WAIT_SECONDS 10

static gboolean unopenable;

static gboolean
deadline_cb (gpointer data)
{
  g_error ("the application showed no window within %d s", WAIT_SECONDS);
  return G_SOURCE_REMOVE;
}

static gboolean
check_window_cb (gpointer data)
{
  GtkApplication *app = data;
  GtkWindow *window = gtk_application_get_active_window (app);

  if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)))
    return G_SOURCE_CONTINUE;

  if (unopenable)
    {
      AdwStatusPage *page = fb_test_find_descendant (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE);

      g_assert_false (FB_IS_WINDOW (window));
      g_assert_null (fb_application_get_store (FB_APPLICATION (app)));
      g_assert_nonnull (page);
      g_assert_cmpstr (adw_status_page_get_title (page), ==, "Cannot Open Your Notes");
      g_assert_true (g_str_has_prefix (adw_status_page_get_description (page),
                                       "The file that holds your notes could not be opened."));
      g_assert_nonnull (strstr (adw_status_page_get_description (page), "Details: "));
    }
  else
    {
      g_assert_true (FB_IS_WINDOW (window));
      g_assert_true (fb_window_get_store (FB_WINDOW (window)) ==
                     fb_application_get_store (FB_APPLICATION (app)));
      g_assert_cmpstr (gtk_window_get_title (window), ==, "Fieldbook");
    }

  /* What app.quit (Ctrl+Q) does: close every window, which ends the run. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);

  return G_SOURCE_REMOVE;
}

/* The default store, before the app opens it: a note with a photo, and a
 * file from two hours ago that nothing names (an attachment removed and
 * its history pruned). Returns the orphan's path; *named_out the photo's. */
static char *
leave_attachment_files (char **named_out)
{
  g_autoptr(FbStore) store = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(FbAttachment) attachment = NULL;
  g_autoptr(GInputStream) data = NULL;
  g_autoptr(GFile) named = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *dir = NULL;
  char *orphan;
  struct utimbuf old;

  store = fb_store_new (NULL, &error);
  g_assert_no_error (error);
  json_object_set_string_member (body, "title", "Nest");
  item = fb_store_create_item (store, FB_COLLECTION_NOTES, body, &error);
  g_assert_no_error (error);
  data = g_memory_input_stream_new_from_data ("a photo of a nest", 17, NULL);
  attachment = fb_store_add_attachment (store, fb_item_get_id (item), "nest.jpg", "image/jpeg",
                                        data, NULL, &error);
  g_assert_no_error (error);
  named = fb_store_get_attachment_file (store, attachment->digest, &error);
  g_assert_no_error (error);
  *named_out = g_file_get_path (named);

  dir = fb_store_dup_attachments_dir (store);
  orphan = g_build_filename (dir, "0000000000000000000000000000000000000000000000000000000000000000", NULL);
  g_assert_true (g_file_set_contents (orphan, "nobody's", -1, &error));
  old.actime = old.modtime = time (NULL) - 2 * 3600;
  g_assert_cmpint (utime (orphan, &old), ==, 0);
  return orphan;
}

static void
test_run (void)
{
  g_autoptr(FbApplication) app = fb_application_new ();
  char *argv[] = { (char *) "fieldbook", NULL };
  guint deadline;
  int status;

  g_autofree char *orphan = NULL;
  g_autofree char *named = NULL;

  if (!unopenable)
    orphan = leave_attachment_files (&named);

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_timeout_add (20, check_window_cb, app);
  deadline = g_timeout_add_seconds (WAIT_SECONDS, deadline_cb, NULL);

  status = g_application_run (G_APPLICATION (app), 1, argv);

  g_source_remove (deadline);
  g_assert_cmpint (status, ==, 0);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));

  /* Started once: the file nothing names is gone, the photo is not. */
  if (orphan != NULL)
    {
      g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
      g_assert_true (g_file_test (named, G_FILE_TEST_EXISTS));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *blocker = NULL;

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--unopenable-store"))
      unopenable = TRUE;

  if (unopenable)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *data_home = NULL;
      int fd = g_file_open_tmp ("fb-test-application-XXXXXX", &blocker, &error);

      g_assert_no_error (error);
      close (fd);
      /* A folder beneath a plain file can never be created. */
      data_home = g_build_filename (blocker, "data", NULL);
      g_setenv ("XDG_DATA_HOME", data_home, TRUE);
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  if (unopenable)
    g_test_add_func ("/application/unopenable-store", test_run);
  else
    g_test_add_func ("/application/opens-window", test_run);

  {
    int status = g_test_run ();

    if (blocker != NULL)
      g_unlink (blocker);
    return status;
  }
}
