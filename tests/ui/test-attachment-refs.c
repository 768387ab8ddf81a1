/* test-attachment-refs.c: a note's Markdown references to its attachments, in the reading view */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-attachment-refs"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fb-attachment-refs.h"
#include "fb-attachment-rename.h"
#include "fb-attachment-strip.h"
#include "fb-attachments.h"
#include "fb-markdown-view.h"
#include "fb-note-editor.h"
#include "fb-record-editor.h"
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
  fb_test_note_window_setup (fixture, "Heron", "");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  fb_test_note_window_teardown (fixture);
}

/* A PNG of @width × @height pixels, all one colour, attached as @name. */
static void
attach_png (Fixture    *fixture,
            const char *name,
            int         width,
            int         height)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  gsize size = (gsize) width * height * 4;
  guchar *pixels = g_malloc (size);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < size; i += 4)
    pixels[i] = 0x30, pixels[i + 1] = 0x80, pixels[i + 2] = 0xc0, pixels[i + 3] = 0xff;
  bytes = g_bytes_new_take (pixels, size);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, (gsize) width * 4);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_assert_true (fb_attachment_strip_add_file (fixture->strip, file, &error));
  g_assert_no_error (error);
}

static void
attach_text (Fixture    *fixture,
             const char *name)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "page one", -1, NULL));
  g_assert_true (fb_attachment_strip_add_file (fixture->strip, file, &error));
  g_assert_no_error (error);
}

static void
set_text (Fixture    *fixture,
          const char *text)
{
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (fb_note_editor_get_buffer (fixture->editor)), text, -1);
}

static void
toggle_reading (Fixture  *fixture,
                gboolean  reading)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.reading-view", NULL));
  WAIT_FOR (fb_note_editor_get_reading (fixture->editor) == reading);
}

static char *
read_words (Fixture *fixture)
{
  GtkTextBuffer *read = fb_note_editor_get_read_buffer (fixture->editor);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (read, &start, &end);
  return gtk_text_buffer_get_text (read, &start, &end, FALSE);
}

/* The pictures the reading view shows in its text, in order. */
static GPtrArray *
read_pictures (Fixture *fixture)
{
  GtkTextBuffer *read = fb_note_editor_get_read_buffer (fixture->editor);
  GPtrArray *pictures = g_ptr_array_new ();
  GtkTextIter iter;

  gtk_text_buffer_get_start_iter (read, &iter);
  do
    {
      GtkTextChildAnchor *anchor = gtk_text_iter_get_child_anchor (&iter);
      GtkWidget **widgets;
      guint n = 0;

      if (anchor == NULL)
        continue;
      widgets = gtk_text_child_anchor_get_widgets (anchor, &n);
      for (guint i = 0; i < n; i++)
        if (GTK_IS_PICTURE (widgets[i]))
          g_ptr_array_add (pictures, widgets[i]);
      g_free (widgets);
    }
  while (gtk_text_iter_forward_char (&iter));
  return pictures;
}

/* ![caption](attachment:NAME) is the picture, scaled down, with its
 * caption; [label](attachment:NAME) a link to the attachment; a name the
 * note has not, and a file only the server has, are said in words. */
static void
test_reading_view (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) pictures = NULL;
  g_autoptr(FbAttachment) heron = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *words = NULL;
  g_autofree char *path = NULL;
  GdkPaintable *paintable;
  GtkTextIter iter;

  attach_png (fixture, "grey heron.png", 1200, 800);
  attach_text (fixture, "report.txt");
  set_text (fixture,
            "![A grey heron](attachment:grey%20heron.png)\n"
            "See [the report](attachment:report.txt).\n"
            "![An owl](attachment:owl.jpg)");
  toggle_reading (fixture, TRUE);

  pictures = read_pictures (fixture);
  g_assert_cmpuint (pictures->len, ==, 1);
  paintable = gtk_picture_get_paintable (pictures->pdata[0]);
  g_assert_nonnull (paintable);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 360);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 240);
  g_assert_cmpstr (gtk_picture_get_alternative_text (pictures->pdata[0]), ==, "A grey heron");

  words = read_words (fixture);
  g_assert_cmpstr (words, ==,
                   "\nA grey heron\n"
                   "See the report.\n"
                   "[An owl: the note has no attachment “owl.jpg”]\n");

  /* The link names the attachment, which a click opens. */
  gtk_text_buffer_get_iter_at_line_offset (fb_note_editor_get_read_buffer (fixture->editor), &iter, 2, 5);
  g_assert_cmpstr (fb_markdown_view_link_at (&iter), ==, "attachment:report.txt");
  g_clear_pointer (&words, g_free);
  words = fb_attachment_refs_dup_name (fb_markdown_view_link_at (&iter));
  g_assert_cmpstr (words, ==, "report.txt");
  toggle_reading (fixture, FALSE);

  /* Only the server has it now (its file went): said in words. */
  heron = fb_store_get_attachment (fixture->store, fb_window_get_current_item (fixture->window) != NULL ?
                                   fb_item_get_id (fb_window_get_current_item (fixture->window)) : NULL,
                                   "grey heron.png", &error);
  g_assert_no_error (error);
  file = fb_store_get_attachment_file (fixture->store, heron->digest, &error);
  g_assert_no_error (error);
  path = g_file_get_path (file);
  g_assert_cmpint (g_unlink (path), ==, 0);
  toggle_reading (fixture, TRUE);
  g_clear_pointer (&pictures, g_ptr_array_unref);
  pictures = read_pictures (fixture);
  g_assert_cmpuint (pictures->len, ==, 0);
  g_clear_pointer (&words, g_free);
  words = read_words (fixture);
  g_assert_true (g_str_has_prefix (words, "[A grey heron: “grey heron.png” is not on this device yet]\n"));
}

static char *
editor_text (Fixture *fixture)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (fb_note_editor_get_buffer (fixture->editor));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static GtkWindow *
find_rename_dialog (void)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

/* Rename… from the tile's menu: the dialog's name renames the attachment
 * (same bytes) and the note's reference to it; Undo renames it back; a
 * name the note has already is refused in words. Insert in Text puts a
 * reference at the cursor. */
static void
test_rename_and_insert (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *id = g_strdup (fb_item_get_id (fb_window_get_current_item (fixture->window)));
  g_autoptr(FbAttachment) before = NULL;
  g_autoptr(FbAttachment) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkWindow *dialog;
  AdwToast *toast;
  GtkTextIter end;

  attach_png (fixture, "heron.png", 40, 30);
  attach_text (fixture, "report.txt");
  set_text (fixture, "![A heron](attachment:heron.png)\n");
  before = fb_store_get_attachment (fixture->store, id, "heron.png", &error);
  g_assert_no_error (error);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->strip), "attachments.show-rename",
                                             "s", "heron.png"));
  WAIT_FOR ((dialog = find_rename_dialog ()) != NULL);
  g_assert_cmpstr (gtk_editable_get_text (fb_attachment_rename_dialog_get_entry (dialog)), ==, "heron.png");
  gtk_editable_set_text (fb_attachment_rename_dialog_get_entry (dialog), "grey heron.png");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "rename");

  after = fb_store_get_attachment (fixture->store, id, "grey heron.png", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after->digest, ==, before->digest);
  WAIT_FOR ((g_free (text), text = editor_text (fixture),
             g_strcmp0 (text, "![A heron](attachment:grey%20heron.png)\n") == 0));
  toast = fb_attachment_strip_get_toast (fixture->strip);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "Renamed to “grey heron.png”");

  /* Undo, as the toast's button sends it. */
  g_assert_cmpstr (adw_toast_get_button_label (toast), ==, "_Undo");
  g_signal_emit_by_name (toast, "button-clicked");
  WAIT_FOR ((g_free (text), text = editor_text (fixture),
             g_strcmp0 (text, "![A heron](attachment:heron.png)\n") == 0));
  g_clear_pointer (&after, fb_attachment_free);
  after = fb_store_get_attachment (fixture->store, id, "heron.png", &error);
  g_assert_no_error (error);

  /* A name the note has already: refused, in words, nothing changed. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->strip), "attachments.rename",
                                             "(ss)", "heron.png", "report.txt"));
  toast = fb_attachment_strip_get_toast (fixture->strip);
  g_assert_cmpstr (adw_toast_get_title (toast), ==,
                   "“heron.png” was not renamed: The item already has an attachment named “report.txt”");
  g_clear_pointer (&after, fb_attachment_free);
  after = fb_store_get_attachment (fixture->store, id, "heron.png", &error);
  g_assert_no_error (error);

  /* Insert in Text, at the cursor. */
  gtk_text_buffer_get_end_iter (GTK_TEXT_BUFFER (fb_note_editor_get_buffer (fixture->editor)), &end);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (fb_note_editor_get_buffer (fixture->editor)), &end);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "note.insert-attachment",
                                             "s", "report.txt"));
  g_free (text);
  text = editor_text (fixture);
  g_assert_cmpstr (text, ==, "![A heron](attachment:heron.png)\n[report.txt](attachment:report.txt)");
}

static guint
n_attachments (FbStore    *store,
               const char *id)
{
  g_autoptr(GPtrArray) listed = fb_store_list_attachments (store, id, NULL);

  return listed != NULL ? listed->len : 0;
}

/* The record editor's own Ctrl+V shortcut, as the key reaches it. */
static GtkShortcutAction *
record_ctrl_v (FbRecordEditor *editor)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (editor));
  g_autoptr(GtkShortcutTrigger) ctrl_v = gtk_keyval_trigger_new (GDK_KEY_v, GDK_CONTROL_MASK);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), ctrl_v))
            {
              g_assert_cmpint (gtk_event_controller_get_propagation_phase (GTK_EVENT_CONTROLLER (controller)),
                               ==, GTK_PHASE_CAPTURE);
              return gtk_shortcut_get_action (shortcut);
            }
        }
    }
  g_assert_not_reached ();
}

/* A record's attachments are in the same strip under its fields: a file
 * attached there is the record's (the note strip shows nothing), and
 * removing it offers Undo. */
static void
test_record_strip (void)
{
  g_autofree char *dir = fb_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "fieldbook.db", NULL);
  g_autofree char *file_path = g_build_filename (dir, "nest.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (file_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(FbStore) store = fb_store_new (path, &error);
  g_autoptr(JsonObject) body = fb_record_body_new ("Heron nest 1");
  g_autoptr(FbItem) record = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(FbWindow) window = NULL;
  g_auto(GStrv) names = NULL;
  FbRecordEditor *editor;
  FbAttachmentStrip *strip;

  g_assert_no_error (error);
  record = fb_store_create_item (store, FB_COLLECTION_RECORDS, body, &error);
  g_assert_no_error (error);
  window = g_object_ref_sink (fb_window_new (NULL, store));
  fb_window_set_save_delay (window, 0);
  gtk_window_present (GTK_WINDOW (window));
  fb_window_set_collection (window, FB_COLLECTION_RECORDS);
  editor = FB_RECORD_EDITOR (gtk_widget_get_template_child (GTK_WIDGET (window), FB_TYPE_WINDOW,
                                                            "record_editor"));
  strip = fb_record_editor_get_attachment_strip (editor);
  WAIT_FOR (fb_window_get_current_item (window) != NULL && gtk_widget_get_mapped (GTK_WIDGET (editor)));

  g_assert_true (g_file_set_contents (file_path, "two eggs", -1, NULL));
  g_assert_true (fb_attachment_strip_add_file (strip, file, &error));
  g_assert_no_error (error);
  names = fb_attachment_strip_dup_names (strip);
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  g_assert_cmpstr (names[0], ==, "nest.txt");
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (strip)));
  listed = fb_store_list_attachments (store, fb_item_get_id (record), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);

  /* Removed with Undo, as on a note. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (strip), "attachments.remove", "s", "nest.txt"));
  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = fb_store_list_attachments (store, fb_item_get_id (record), &error);
  g_assert_cmpuint (listed->len, ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (strip), "attachments.undo-remove", NULL));
  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = fb_store_list_attachments (store, fb_item_get_id (record), &error);
  g_assert_cmpuint (listed->len, ==, 1);

  /* Ctrl+V: an image on the clipboard is attached; text is left to the
   * focused field. */
  {
    GtkShortcutAction *paste = record_ctrl_v (editor);
    GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (editor));
    static const guchar pixels[4 * 4] = { 0x20, 0x80, 0x40, 0xff, 0x20, 0x80, 0x40, 0xff,
                                          0x20, 0x80, 0x40, 0xff, 0x20, 0x80, 0x40, 0xff };
    g_autoptr(GBytes) bytes = g_bytes_new_static (pixels, sizeof pixels);
    g_autoptr(GdkTexture) texture = gdk_memory_texture_new (2, 2, GDK_MEMORY_R8G8B8A8, bytes, 8);

    gdk_clipboard_set_text (clipboard, "two eggs");
    g_assert_false (gtk_shortcut_action_activate (paste, 0, GTK_WIDGET (editor), NULL));
    gdk_clipboard_set_texture (clipboard, texture);
    g_assert_true (gtk_shortcut_action_activate (paste, 0, GTK_WIDGET (editor), NULL));
    WAIT_FOR (n_attachments (store, fb_item_get_id (record)) == 2);
    g_clear_pointer (&names, g_strfreev);
    names = fb_attachment_strip_dup_names (strip);
    g_assert_cmpuint (g_strv_length (names), ==, 2);
    g_assert_true (g_str_has_prefix (names[0], "Pasted image ") ||
                   g_str_has_prefix (names[1], "Pasted image "));
  }

  gtk_window_close (GTK_WINDOW (window));
  WAIT_FOR (G_OBJECT (window)->ref_count == 1);
  g_assert_finalize_object (g_steal_pointer (&window));
  WAIT_FOR (G_OBJECT (store)->ref_count == 1);
  g_assert_finalize_object (g_steal_pointer (&store));
  fb_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/attachment-refs/reading-view", test_reading_view);
  ADD ("/attachment-refs/rename-and-insert", test_rename_and_insert);
#undef ADD
  g_test_add_func ("/attachment-refs/record-strip", test_record_strip);

  return g_test_run ();
}
