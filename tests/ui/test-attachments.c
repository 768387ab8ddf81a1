/* test-attachments.c: the attachment strip under the note editor: attach, show, remove, undo, failures */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-attachments"

#include "config.h"

#include <adwaita.h>

#include "fb-attachments.h"
#include "fb-note-editor.h"
#include "fb-store.h"
#include "fb-test-dir.h"
#include "fb-test-wait.h"
#include "fb-window.h"

#define WAIT_FOR(cond) WAIT_UNTIL (cond, 10000)

typedef struct
{
  char              *dir;
  FbStore           *store;
  FbWindow          *window;
  FbAttachmentStrip *strip;
  char              *id;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) body = fb_note_body_new ("Heron", "At the pond");
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;
  FbNoteEditor *editor;

  fixture->dir = fb_test_make_tmp_dir ();
  path = g_build_filename (fixture->dir, "fieldbook.db", NULL);
  fixture->store = fb_store_new (path, &error);
  g_assert_no_error (error);
  item = fb_store_create_item (fixture->store, FB_COLLECTION_NOTES, body, &error);
  g_assert_no_error (error);
  fixture->id = g_strdup (fb_item_get_id (item));

  fixture->window = g_object_ref_sink (fb_window_new (NULL, fixture->store));
  fb_window_set_save_delay (fixture->window, 0);
  gtk_window_present (GTK_WINDOW (fixture->window));
  editor = FB_NOTE_EDITOR (gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                          FB_TYPE_WINDOW, "note_editor"));
  fixture->strip = fb_note_editor_get_attachment_strip (editor);
  WAIT_FOR (fb_window_get_current_item (fixture->window) != NULL &&
            gtk_widget_get_mapped (GTK_WIDGET (editor)));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_close (GTK_WINDOW (fixture->window));
  WAIT_FOR (G_OBJECT (fixture->window)->ref_count == 1);
  g_assert_finalize_object (g_steal_pointer (&fixture->window));
  WAIT_FOR (G_OBJECT (fixture->store)->ref_count == 1);
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  fb_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->id);
}

static char *
names_shown (Fixture *fixture)
{
  g_auto(GStrv) names = fb_attachment_strip_dup_names (fixture->strip);

  return g_strjoinv (",", names);
}

static GFile *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return g_file_new_for_path (path);
}

/* A file given to the strip is attached: shown with its size, listed by
 * the store with the SHA-256 of its bytes, and the note is pending. */
static void
test_attach_file (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GFile) file = write_file (fixture, "notes.txt", "a heron, grey, at 7 am");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                             "a heron, grey, at 7 am", -1);
  FbAttachment *attachment;

  shown = names_shown (fixture);
  g_assert_cmpstr (shown, ==, "");
  g_assert_true (fb_attachment_strip_add_file (fixture->strip, file, &error));
  g_assert_no_error (error);

  g_free (shown);
  shown = names_shown (fixture);
  g_assert_cmpstr (shown, ==, "notes.txt");
  g_assert_cmpstr (fb_attachment_strip_get_detail (fixture->strip, "notes.txt"), ==, "22 bytes");

  listed = fb_store_list_attachments (fixture->store, fixture->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  attachment = g_ptr_array_index (listed, 0);
  g_assert_cmpstr (attachment->name, ==, "notes.txt");
  g_assert_cmpstr (attachment->sha256, ==, expected);
  item = fb_store_get_item (fixture->store, fixture->id, &error);
  g_assert_cmpint (fb_item_get_state (item), ==, FB_ITEM_STATE_PENDING);
}

/* Typing not saved yet and an attachment are both kept. */
static void
test_attach_keeps_typing (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GFile) file = write_file (fixture, "heron.txt", "grey");
  g_autoptr(FbItem) item = NULL;
  FbNoteEditor *editor = FB_NOTE_EDITOR (gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                                        FB_TYPE_WINDOW, "note_editor"));

  fb_window_set_save_delay (fixture->window, 60000);
  gtk_text_buffer_insert_at_cursor (fb_note_editor_get_buffer (editor), "Two herons. ", -1);
  g_assert_true (fb_attachment_strip_add_file (fixture->strip, file, NULL));
  g_assert_true (fb_window_flush (fixture->window));

  item = fb_store_get_item (fixture->store, fixture->id, NULL);
  g_assert_cmpstr (fb_item_get_text (item), ==, "Two herons. At the pond");
  g_assert_nonnull (fb_store_get_attachment (fixture->store, fixture->id, "heron.txt", NULL));
}

/* Remove, then the toast's Undo: the attachment is back with its bytes. */
static void
test_remove_and_undo (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GFile) file = write_file (fixture, "wall.txt", "crack in the north wall");
  g_autoptr(FbAttachment) back = NULL;
  g_autofree char *shown = NULL;
  AdwToast *toast;

  g_assert_true (fb_attachment_strip_add_file (fixture->strip, file, NULL));
  gtk_widget_activate_action (GTK_WIDGET (fixture->strip), "attachments.remove", "s", "wall.txt");
  shown = names_shown (fixture);
  g_assert_cmpstr (shown, ==, "");
  g_assert_null (fb_store_get_attachment (fixture->store, fixture->id, "wall.txt", NULL));

  toast = fb_attachment_strip_get_toast (fixture->strip);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "“wall.txt” removed");
  g_assert_cmpstr (adw_toast_get_action_name (toast), ==, "attachments.undo-remove");
  gtk_widget_activate_action (GTK_WIDGET (fixture->strip), adw_toast_get_action_name (toast), NULL);

  g_free (shown);
  shown = names_shown (fixture);
  g_assert_cmpstr (shown, ==, "wall.txt");
  back = fb_store_get_attachment (fixture->store, fixture->id, "wall.txt", NULL);
  g_assert_nonnull (back);
  g_assert_nonnull (back->sha256);
}

/* An unreadable file: said in words, nothing attached. */
static void
test_failure_in_words (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "gone.jpg", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  AdwToast *toast;

  g_assert_false (fb_attachment_strip_add_file (fixture->strip, file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  toast = fb_attachment_strip_get_toast (fixture->strip);
  g_assert_nonnull (toast);
  g_assert_true (g_str_has_prefix (adw_toast_get_title (toast), "“gone.jpg” could not be attached: "));
  listed = fb_store_list_attachments (fixture->store, fixture->id, NULL);
  g_assert_cmpuint (listed->len, ==, 0);
}

/* The strip follows the store: what another program attaches to the note
 * shown appears, and goes when removed. */
static void
test_follows_store (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data ("five eggs", 9, NULL);
  g_autoptr(FbAttachment) added = NULL;
  g_autofree char *shown = NULL;

  g_assert_false (gtk_widget_get_visible (gtk_widget_get_first_child (GTK_WIDGET (fixture->strip))));
  added = fb_store_add_attachment (fixture->store, fixture->id, "nest.txt", NULL, stream, NULL, NULL);
  g_assert_nonnull (added);
  shown = names_shown (fixture);
  g_assert_cmpstr (shown, ==, "nest.txt");
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_first_child (GTK_WIDGET (fixture->strip))));

  g_assert_true (fb_store_remove_attachment (fixture->store, fixture->id, "nest.txt", NULL));
  g_free (shown);
  shown = names_shown (fixture);
  g_assert_cmpstr (shown, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/attachments/attach-file", test_attach_file);
  ADD ("/attachments/attach-keeps-typing", test_attach_keeps_typing);
  ADD ("/attachments/remove-and-undo", test_remove_and_undo);
  ADD ("/attachments/failure-in-words", test_failure_in_words);
  ADD ("/attachments/follows-store", test_follows_store);
#undef ADD

  return g_test_run ();
}
