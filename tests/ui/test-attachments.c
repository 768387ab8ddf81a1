/* test-attachments.c: the attachment strip under the note editor: attach, show, remove, undo, failures */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-attachments"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "fb-attachment-drop.h"
#include "fb-attachment-open.h"
#include "fb-attachments.h"
#include "fb-note-editor.h"
#include "fb-store.h"
#include "fb-test-dir.h"
#include "fb-test-ui.h"
#include "fb-test-wait.h"
#include "fb-window.h"

#define WAIT_FOR(cond) WAIT_UNTIL (cond, 10000)

typedef FbTestNoteWindow Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fb_test_note_window_setup (fixture, "Heron", "At the pond");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  fb_test_note_window_teardown (fixture);
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
  g_assert_cmpstr (adw_toast_get_button_label (toast), ==, "_Undo");
  g_signal_emit_by_name (toast, "button-clicked");

  g_free (shown);
  shown = names_shown (fixture);
  g_assert_cmpstr (shown, ==, "wall.txt");
  back = fb_store_get_attachment (fixture->store, fixture->id, "wall.txt", NULL);
  g_assert_nonnull (back);
  g_assert_nonnull (back->sha256);
}

/* The toast's Undo button as a person reaches it: the button in the
 * window's toast overlay, sensitive (its action is found from where the
 * button is), or NULL while no toast shows one. */
static GtkWidget *
find_undo_buttons (Fixture *fixture,
                   guint   *n_buttons)
{
  GtkWidget *overlay = fb_test_find_descendant (GTK_WIDGET (fixture->window), ADW_TYPE_TOAST_OVERLAY);
  GPtrArray *stack = g_ptr_array_new ();
  GtkWidget *found = NULL;

  *n_buttons = 0;
  g_ptr_array_add (stack, overlay);
  while (stack->len > 0)
    {
      GtkWidget *widget = g_ptr_array_steal_index (stack, stack->len - 1);

      if (GTK_IS_BUTTON (widget) &&
          g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), "_Undo") == 0)
        {
          (*n_buttons)++;
          if (found == NULL && fb_test_is_shown (widget))
            found = widget;
        }
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        g_ptr_array_add (stack, child);
    }
  g_ptr_array_unref (stack);
  return found;
}

static GtkWidget *
undo_button (Fixture *fixture)
{
  guint n_buttons;

  return find_undo_buttons (fixture, &n_buttons);
}

/* How many toasts with an Undo the overlay holds, shown or going. */
static guint
count_undo_buttons (Fixture *fixture)
{
  guint n_buttons;

  find_undo_buttons (fixture, &n_buttons);
  return n_buttons;
}

/* Two files removed one after the other, each with its toast; the second
 * toast's Undo, clicked with a real pointer, brings the second file back,
 * and the first stays removed. The first toast's hide animation runs to
 * its end meanwhile. */
static void
test_undo_click (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GFile) wall = write_file (fixture, "wall.txt", "crack in the north wall");
  g_autoptr(GFile) gate = write_file (fixture, "gate.txt", "the gate sticks");
  g_autofree char *shown = NULL;
  AdwToast *first;
  GtkWidget *button;

  /* The pointer goes where the button is once the toast has come in. */
  g_object_set (gtk_settings_get_for_display (gtk_widget_get_display (GTK_WIDGET (fixture->window))),
                "gtk-enable-animations", FALSE, NULL);
  gtk_window_maximize (GTK_WINDOW (fixture->window));
  WAIT_FOR (gtk_window_is_maximized (GTK_WINDOW (fixture->window)) &&
            gtk_widget_get_width (GTK_WIDGET (fixture->window)) > 960);
  g_assert_true (fb_attachment_strip_add_file (fixture->strip, wall, NULL));
  g_assert_true (fb_attachment_strip_add_file (fixture->strip, gate, NULL));

  gtk_widget_activate_action (GTK_WIDGET (fixture->strip), "attachments.remove", "s", "wall.txt");
  first = g_object_ref (fb_attachment_strip_get_toast (fixture->strip));
  WAIT_FOR (undo_button (fixture) != NULL);
  gtk_widget_activate_action (GTK_WIDGET (fixture->strip), "attachments.remove", "s", "gate.txt");
  g_assert_true (fb_attachment_strip_get_toast (fixture->strip) != first);
  g_object_unref (first);
  /* Only the second toast's button is left. */
  WAIT_FOR ((button = undo_button (fixture)) != NULL &&
            fb_test_find_label (gtk_widget_get_parent (button), "“gate.txt” removed") != NULL &&
            gtk_widget_get_width (button) > 0);
  g_assert_true (gtk_widget_is_sensitive (button));

  if (!fb_test_click_widget (button))
    {
      g_test_skip ("needs the browser of broadway-run.sh and Node with --experimental-websocket");
      return;
    }
  WAIT_FOR (fb_store_get_attachment (fixture->store, fixture->id, "gate.txt", NULL) != NULL);
  WAIT_FOR ((g_free (shown), shown = names_shown (fixture), g_strcmp0 (shown, "gate.txt") == 0));
  g_assert_null (fb_store_get_attachment (fixture->store, fixture->id, "wall.txt", NULL));
  g_object_set (gtk_settings_get_for_display (gtk_widget_get_display (GTK_WIDGET (fixture->window))),
                "gtk-enable-animations", TRUE, NULL);
}

/* Removals in a row, each toast replacing the one before while it is
 * still coming in or going out, with the animations running to their
 * end. */
static void
test_removals_in_a_row (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *names[] = { "a.txt", "b.txt", "c.txt", "d.txt" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GFile) file = write_file (fixture, names[i], names[i]);

      g_assert_true (fb_attachment_strip_add_file (fixture->strip, file, NULL));
    }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gtk_widget_activate_action (GTK_WIDGET (fixture->strip), "attachments.remove", "s", names[i]);
      if (i == 1)
        WAIT_FOR (undo_button (fixture) != NULL);
    }
  /* Only the last toast is left once the others' hide animations ended,
   * and its Undo still works. */
  WAIT_FOR (count_undo_buttons (fixture) == 1);
  WAIT_FOR (undo_button (fixture) != NULL &&
            fb_test_find_label (gtk_widget_get_parent (undo_button (fixture)), "“d.txt” removed") != NULL);
  g_signal_emit_by_name (fb_attachment_strip_get_toast (fixture->strip), "button-clicked");
  WAIT_FOR (fb_store_get_attachment (fixture->store, fixture->id, "d.txt", NULL) != NULL);
  g_assert_null (fb_store_get_attachment (fixture->store, fixture->id, "a.txt", NULL));
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

static gboolean
buffer_has (GtkTextView *view,
            const char  *text)
{
  GtkTextIter start, end;
  g_autofree char *all = NULL;

  gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (view), &start, &end);
  all = gtk_text_buffer_get_text (gtk_text_view_get_buffer (view), &start, &end, FALSE);
  return strstr (all, text) != NULL;
}

/* An image on the clipboard, pasted into the note (the text view's paste,
 * as Ctrl+V sends it): attached as a PNG, its thumbnail shown, no text
 * pasted; a click opens the larger view; removed, and Undo brings it back.
 * Text on the clipboard still pastes as text. */
static void
test_paste_image (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWidget *editor = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                                 FB_TYPE_WINDOW, "note_editor"));
  GtkTextView *view = GTK_TEXT_VIEW (gtk_widget_get_template_child (editor, FB_TYPE_NOTE_EDITOR,
                                                                    "text_view"));
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (view));
  guchar pixels[4 * 4 * 4];
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkTexture) stored = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  FbAttachment *attachment;
  GtkWindow *viewer;

  for (guint i = 0; i < sizeof pixels; i += 4)
    {
      pixels[i] = 0xc0;
      pixels[i + 1] = 0x40;
      pixels[i + 2] = 0x20;
      pixels[i + 3] = 0xff;
    }
  bytes = g_bytes_new (pixels, sizeof pixels);
  texture = gdk_memory_texture_new (4, 4, GDK_MEMORY_R8G8B8A8, bytes, 16);
  gdk_clipboard_set_texture (clipboard, texture);

  gtk_widget_grab_focus (GTK_WIDGET (view));
  g_signal_emit_by_name (view, "paste-clipboard");
  WAIT_FOR ((listed = fb_store_list_attachments (fixture->store, fixture->id, NULL)) != NULL &&
            listed->len == 1);
  attachment = g_ptr_array_index (listed, 0);
  g_assert_true (g_str_has_prefix (attachment->name, "Pasted image "));
  g_assert_true (g_str_has_suffix (attachment->name, ".png"));
  g_assert_cmpstr (attachment->content_type, ==, "image/png");
  name = g_strdup (attachment->name);
  file = fb_store_get_attachment_file (fixture->store, attachment->digest, &error);
  g_assert_no_error (error);
  stored = gdk_texture_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (stored), ==, 4);
  g_assert_false (buffer_has (view, "Pasted"));
  {
    g_autofree char *shown = NULL;

    WAIT_FOR (g_strcmp0 ((g_free (shown), shown = names_shown (fixture)), name) == 0);
  }
  g_assert_cmpuint (fb_store_get_pending_count (fixture->store), >=, 1);

  /* The larger view. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->strip), "attachments.open", "s", name);
  WAIT_FOR ((viewer = fb_attachment_strip_get_viewer (fixture->strip)) != NULL &&
            gtk_widget_get_mapped (GTK_WIDGET (viewer)));
  g_assert_cmpstr (gtk_window_get_title (viewer), ==, name);
  gtk_window_destroy (viewer);
  WAIT_FOR (fb_attachment_strip_get_viewer (fixture->strip) == NULL);

  /* Removed, and back. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->strip), "attachments.remove", "s", name);
  WAIT_FOR (fb_store_get_attachment (fixture->store, fixture->id, name, NULL) == NULL);
  gtk_widget_activate_action (GTK_WIDGET (fixture->strip), "attachments.undo-remove", NULL);
  WAIT_FOR (fb_store_get_attachment (fixture->store, fixture->id, name, NULL) != NULL);

  /* Text pastes as text. */
  gdk_clipboard_set_text (clipboard, "two eggs");
  g_signal_emit_by_name (view, "paste-clipboard");
  WAIT_FOR (buffer_has (view, "two eggs"));
  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = fb_store_list_attachments (fixture->store, fixture->id, NULL);
  g_assert_cmpuint (listed->len, ==, 1);
}

/* Two files dragged from a file manager and let go over the note's text
 * are attached, as Attach File… would: shown in the strip, held by the
 * store with their bytes' digests. */
static void
test_drop_files (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GFile) first = write_file (fixture, "nest.txt", "three eggs");
  g_autoptr(GFile) second = write_file (fixture, "wall.txt", "a crack, 2 m");
  g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "three eggs", -1);
  GtkWidget *editor = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                     FB_TYPE_WINDOW, "note_editor"));
  GtkDropTarget *target = fb_attachment_drop_get_target (editor);
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GPtrArray) listed = NULL;
  g_autofree char *shown = NULL;
  GSList *files = NULL;
  gboolean done = FALSE;

  g_assert_nonnull (target);
  files = g_slist_append (files, first);
  files = g_slist_append (files, second);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
  g_slist_free (files);
  g_signal_emit_by_name (target, "drop", &value, 40.0, 40.0, &done);
  g_assert_true (done);

  WAIT_FOR (g_strcmp0 ((g_free (shown), shown = names_shown (fixture)), "nest.txt,wall.txt") == 0);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture->strip)));
  listed = fb_store_list_attachments (fixture->store, fixture->id, NULL);
  g_assert_cmpuint (listed->len, ==, 2);
  g_assert_cmpstr (((FbAttachment *) g_ptr_array_index (listed, 0))->name, ==, "nest.txt");
  g_assert_cmpstr (((FbAttachment *) g_ptr_array_index (listed, 0))->sha256, ==, expected);
  g_assert_cmpstr (((FbAttachment *) g_ptr_array_index (listed, 1))->name, ==, "wall.txt");
}

/* The button under @widget that reads @label. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWindow *
find_app_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_APP_CHOOSER_DIALOG (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

/* Open With… in the larger view: the person is asked which application,
 * and what it would get is a copy with the attachment's own name (not
 * the store's digest) and its bytes; the store's file is not handed out. */
static void
test_open_with (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GFile) file = write_file (fixture, "field notes.txt", "a heron, grey, at 7 am");
  g_autoptr(FbAttachment) attachment = NULL;
  g_autoptr(GFile) stored = NULL;
  g_autoptr(GFile) handed = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *stored_path = NULL;
  g_autofree char *handed_path = NULL;
  GtkWindow *viewer, *chooser = NULL;
  GtkWidget *button;

  g_assert_true (fb_attachment_strip_add_file (fixture->strip, file, NULL));
  attachment = fb_store_get_attachment (fixture->store, fixture->id, "field notes.txt", NULL);
  stored = fb_store_get_attachment_file (fixture->store, attachment->digest, NULL);

  gtk_widget_activate_action (GTK_WIDGET (fixture->strip), "attachments.open", "s", "field notes.txt");
  WAIT_FOR ((viewer = fb_attachment_strip_get_viewer (fixture->strip)) != NULL &&
            gtk_widget_get_mapped (GTK_WIDGET (viewer)));
  button = find_button (GTK_WIDGET (viewer), "_Open With…");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  WAIT_FOR ((chooser = find_app_chooser ()) != NULL);
  g_assert_true (gtk_window_get_transient_for (chooser) == viewer);

  g_object_get (chooser, "gfile", &handed, NULL);
  g_assert_nonnull (handed);
  basename = g_file_get_basename (handed);
  g_assert_cmpstr (basename, ==, "field notes.txt");
  g_assert_true (g_file_load_contents (handed, NULL, &contents, NULL, NULL, NULL));
  g_assert_cmpstr (contents, ==, "a heron, grey, at 7 am");
  stored_path = g_file_get_path (stored);
  handed_path = g_file_get_path (handed);
  g_assert_cmpstr (handed_path, !=, stored_path);

  gtk_window_destroy (chooser);
  gtk_window_destroy (viewer);
  WAIT_FOR (fb_attachment_strip_get_viewer (fixture->strip) == NULL);
  g_file_delete (handed, NULL, NULL);
}

/* Copies handed out a day ago or more are removed when the next one is
 * made; a recent one stays. */
static void
test_open_with_old_copies (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GFile) source = write_file (fixture, "source.txt", "bytes");
  g_autofree char *parent = g_build_filename (g_get_user_cache_dir (), "fieldbook", "open", NULL);
  g_autofree char *old_dir = g_build_filename (parent, "old", NULL);
  g_autofree char *old_file = g_build_filename (old_dir, "heron.jpg", NULL);
  g_autofree char *recent_dir = g_build_filename (parent, "recent", NULL);
  g_autoptr(GFile) old = g_file_new_for_path (old_dir);
  g_autoptr(GFile) copy = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (old_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (recent_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (old_file, "old", -1, NULL));
  g_assert_true (g_file_set_attribute_uint64 (old, G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                              g_get_real_time () / G_USEC_PER_SEC - 2 * 24 * 3600,
                                              G_FILE_QUERY_INFO_NONE, NULL, &error));
  g_assert_no_error (error);

  copy = fb_attachment_open_make_copy (source, "a/b.txt", &error);
  g_assert_no_error (error);
  g_assert_true (g_file_query_exists (copy, NULL));
  {
    g_autofree char *basename = g_file_get_basename (copy);

    g_assert_cmpstr (basename, ==, "a_b.txt");
  }
  g_assert_false (g_file_test (old_dir, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (recent_dir, G_FILE_TEST_IS_DIR));
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
  ADD ("/attachments/undo-click", test_undo_click);
  ADD ("/attachments/removals-in-a-row", test_removals_in_a_row);
  ADD ("/attachments/failure-in-words", test_failure_in_words);
  ADD ("/attachments/follows-store", test_follows_store);
  ADD ("/attachments/paste-image", test_paste_image);
  ADD ("/attachments/drop-files", test_drop_files);
  ADD ("/attachments/open-with", test_open_with);
  ADD ("/attachments/open-with-old-copies", test_open_with_old_copies);
#undef ADD

  return g_test_run ();
}
