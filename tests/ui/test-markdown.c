/* test-markdown.c: Markdown in the note editor: lists, tasks, emphasis, headings, the reading view */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-markdown"

#include "config.h"

#include <adwaita.h>
#include <gtksourceview/gtksource.h>

#include "fb-item-row.h"
#include "fb-markdown-edit.h"
#include "fb-markdown-view.h"
#include "fb-note-editor.h"
#include "fb-store.h"
#include "fb-test-dir.h"
#include "fb-test-ui.h"
#include "fb-test-wait.h"
#include "fb-window.h"

#define WAIT_FOR(cond) WAIT_UNTIL (cond, 10000)

typedef FbTestNoteWindow Fixture;

static char *
text_of (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

static void
assert_text (GtkTextBuffer *buffer,
             const char    *expected)
{
  g_autofree char *text = text_of (buffer);

  g_assert_cmpstr (text, ==, expected);
}

/* The cursor at @offset characters into line @line. */
static void
place_cursor (Fixture *fixture,
              int      line,
              int      offset)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_line_offset (fixture->buffer, &iter, line, offset);
  gtk_text_buffer_place_cursor (fixture->buffer, &iter);
}

static void
place_cursor_at_end (Fixture *fixture)
{
  GtkTextIter iter;

  gtk_text_buffer_get_end_iter (fixture->buffer, &iter);
  gtk_text_buffer_place_cursor (fixture->buffer, &iter);
}

/* A window with one note, open in the editor. */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fb_test_note_window_setup (fixture, "Shopping", data != NULL ? data : "");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  fb_test_note_window_teardown (fixture);
}

/* What the store holds for the note, once the window has saved. */
static char *
stored_text (Fixture *fixture)
{
  g_autoptr(FbItem) item = NULL;

  g_assert_true (fb_window_flush (fixture->window));
  item = fb_store_get_item (fixture->store, fb_item_get_id (fb_window_get_current_item (fixture->window)),
                            NULL);
  return g_strdup (fb_item_get_text (item));
}

/* ---- Tests ---- */

static void
test_lists_continue_and_end (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *stored = NULL;

  place_cursor_at_end (fixture);
  g_assert_true (fb_markdown_edit_newline (fixture->buffer));
  gtk_text_buffer_insert_interactive_at_cursor (fixture->buffer, "eggs", -1, TRUE);
  assert_text (fixture->buffer, "- bread\n- eggs");

  /* Enter on an empty item ends the list. */
  g_assert_true (fb_markdown_edit_newline (fixture->buffer));
  assert_text (fixture->buffer, "- bread\n- eggs\n- ");
  g_assert_true (fb_markdown_edit_newline (fixture->buffer));
  assert_text (fixture->buffer, "- bread\n- eggs\n");

  /* Numbers count on, tasks start unticked, indents stay. */
  gtk_text_buffer_insert_interactive_at_cursor (fixture->buffer, "9. nine", -1, TRUE);
  g_assert_true (fb_markdown_edit_newline (fixture->buffer));
  gtk_text_buffer_insert_interactive_at_cursor (fixture->buffer, "ten\n  - [x] done", -1, TRUE);
  g_assert_true (fb_markdown_edit_newline (fixture->buffer));
  assert_text (fixture->buffer, "- bread\n- eggs\n9. nine\n10. ten\n  - [x] done\n  - [ ] ");

  /* Not a list line: Enter is left to the view. */
  g_assert_true (fb_markdown_edit_newline (fixture->buffer));
  gtk_text_buffer_insert_interactive_at_cursor (fixture->buffer, "plain", -1, TRUE);
  g_assert_false (fb_markdown_edit_newline (fixture->buffer));

  stored = stored_text (fixture);
  g_assert_cmpstr (stored, ==, "- bread\n- eggs\n9. nine\n10. ten\n  - [x] done\nplain");
}

static void
test_task_toggle (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkTextIter box;
  g_autofree char *stored = NULL;

  /* Ctrl+Enter's action, on the cursor's line. */
  place_cursor (fixture, 1, 8);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "note.toggle-task", NULL));
  assert_text (fixture->buffer, "- [ ] milk\n- [x] eggs");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "note.toggle-task", NULL));
  assert_text (fixture->buffer, "- [ ] milk\n- [ ] eggs");

  /* Where a click ticks it: on the box, not on the words. */
  gtk_text_buffer_get_iter_at_line_offset (fixture->buffer, &box, 0, 3);
  g_assert_true (fb_markdown_edit_is_task_box (&box));
  gtk_text_buffer_get_iter_at_line_offset (fixture->buffer, &box, 0, 7);
  g_assert_false (fb_markdown_edit_is_task_box (&box));
  gtk_text_buffer_get_iter_at_line_offset (fixture->buffer, &box, 0, 3);
  g_assert_true (fb_markdown_edit_toggle_task (fixture->buffer, &box));
  assert_text (fixture->buffer, "- [x] milk\n- [ ] eggs");

  /* One step of undo takes a tick back. */
  gtk_text_buffer_undo (fixture->buffer);
  assert_text (fixture->buffer, "- [ ] milk\n- [ ] eggs");

  gtk_text_buffer_redo (fixture->buffer);
  stored = stored_text (fixture);
  g_assert_cmpstr (stored, ==, "- [x] milk\n- [ ] eggs");
}

static gboolean
text_is (GtkTextBuffer *buffer,
         const char    *expected)
{
  g_autofree char *text = text_of (buffer);

  return g_strcmp0 (text, expected) == 0;
}

/* A person's click on a task's box ticks it, one on its words does not;
 * a real pointer through Broadway, not the function the click calls. */
static void
test_task_click (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkWidget *text_view = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (fixture->editor),
                                                                    FB_TYPE_NOTE_EDITOR, "text_view"));
  GtkTextIter iter;
  GdkRectangle where;
  graphene_point_t point;

  gtk_window_maximize (GTK_WINDOW (fixture->window));
  WAIT_FOR (gtk_window_is_maximized (GTK_WINDOW (fixture->window)) &&
            gtk_widget_get_width (GTK_WIDGET (fixture->window)) > 900);

  /* On the words of the second line: nothing ticks. */
  gtk_text_buffer_get_iter_at_line_offset (fixture->buffer, &iter, 1, 8);
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (text_view), &iter, &where);
  gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (text_view), GTK_TEXT_WINDOW_WIDGET,
                                         where.x + 2, where.y + where.height / 2, &where.x, &where.y);
  g_assert_true (gtk_widget_compute_point (text_view, GTK_WIDGET (fixture->window),
                                           &GRAPHENE_POINT_INIT (where.x, where.y), &point));
  if (!fb_test_click_in_browser (GTK_WINDOW (fixture->window), &point))
    {
      g_test_skip ("needs the browser of broadway-run.sh and Node with --experimental-websocket");
      return;
    }
  /* The click put the cursor there: it has landed. */
  WAIT_FOR ((gtk_text_buffer_get_iter_at_mark (fixture->buffer, &iter, gtk_text_buffer_get_insert (fixture->buffer)),
             gtk_text_iter_get_line (&iter) == 1));
  assert_text (fixture->buffer, "- [ ] milk\n- [ ] eggs");

  /* On the box of the second line: it ticks. */
  gtk_text_buffer_get_iter_at_line_offset (fixture->buffer, &iter, 1, 3);
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (text_view), &iter, &where);
  gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (text_view), GTK_TEXT_WINDOW_WIDGET,
                                         where.x + where.width / 2, where.y + where.height / 2,
                                         &where.x, &where.y);
  g_assert_true (gtk_widget_compute_point (text_view, GTK_WIDGET (fixture->window),
                                           &GRAPHENE_POINT_INIT (where.x, where.y), &point));
  g_assert_true (fb_test_click_in_browser (GTK_WINDOW (fixture->window), &point));
  WAIT_FOR (text_is (fixture->buffer, "- [ ] milk\n- [x] eggs"));
}

/* The list's row of the note shows its words without their marks. */
static void
test_list_preview_without_marks (Fixture       *fixture,
                                 gconstpointer  data)
{
  GPtrArray *stack = g_ptr_array_new ();
  FbItemRow *row = NULL;

  g_ptr_array_add (stack, gtk_widget_get_template_child (GTK_WIDGET (fixture->window), FB_TYPE_WINDOW,
                                                         "list_view"));
  while (stack->len > 0 && row == NULL)
    {
      GtkWidget *widget = g_ptr_array_steal_index (stack, stack->len - 1);

      if (FB_IS_ITEM_ROW (widget) && fb_item_row_get_item (FB_ITEM_ROW (widget)) != NULL)
        row = FB_ITEM_ROW (widget);
      for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (stack, c);
    }
  g_ptr_array_unref (stack);
  g_assert_nonnull (row);

  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (row), FB_TYPE_ITEM_ROW,
                                                                                  "snippet_label"))),
                   ==, "Milk and eggs from the shop, not bread rolls");
}

static void
test_wrap_selection (Fixture       *fixture,
                     gconstpointer  data)
{
  GtkTextIter start, end;
  g_autofree char *selected = NULL;

  gtk_text_buffer_get_iter_at_offset (fixture->buffer, &start, 5);
  gtk_text_buffer_get_iter_at_offset (fixture->buffer, &end, 10);
  gtk_text_buffer_select_range (fixture->buffer, &start, &end);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "note.wrap", "s", "**"));
  assert_text (fixture->buffer, "Grey **heron** by the weir");
  /* Still selected: Ctrl+I on top makes it both. */
  g_assert_true (gtk_text_buffer_get_selection_bounds (fixture->buffer, &start, &end));
  selected = gtk_text_iter_get_slice (&start, &end);
  g_assert_cmpstr (selected, ==, "heron");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "note.wrap", "s", "*"));
  assert_text (fixture->buffer, "Grey ***heron*** by the weir");
  /* Again takes the marks away, one kind at a time. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "note.wrap", "s", "*"));
  assert_text (fixture->buffer, "Grey **heron** by the weir");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "note.wrap", "s", "**"));
  assert_text (fixture->buffer, "Grey heron by the weir");

  /* Without a selection, a pair with the cursor inside. */
  place_cursor_at_end (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "note.wrap", "s", "*"));
  gtk_text_buffer_insert_interactive_at_cursor (fixture->buffer, "at dawn", -1, TRUE);
  assert_text (fixture->buffer, "Grey heron by the weir*at dawn*");
}

static double
scale_at_line (GtkTextBuffer *buffer,
               int            line)
{
  GtkTextIter iter;
  g_autoptr(GSList) tags = NULL;
  double scale = 1.0;

  gtk_text_buffer_get_iter_at_line_offset (buffer, &iter, line, 2);
  tags = gtk_text_iter_get_tags (&iter);
  for (GSList *l = tags; l != NULL; l = l->next)
    {
      gboolean set;
      double tag_scale;

      g_object_get (l->data, "scale-set", &set, "scale", &tag_scale, NULL);
      if (set)
        scale = tag_scale;
    }
  return scale;
}

static void
test_headings_larger (Fixture       *fixture,
                      gconstpointer  data)
{
  g_assert_cmpfloat (scale_at_line (fixture->buffer, 0), >, 1.3);
  g_assert_cmpfloat (scale_at_line (fixture->buffer, 1), ==, 1.0);
  g_assert_cmpfloat (scale_at_line (fixture->buffer, 2), >, 1.1);
  g_assert_cmpfloat (scale_at_line (fixture->buffer, 2), <, scale_at_line (fixture->buffer, 0));

  /* Typing the mark makes a line a heading; taking it away, body text. */
  place_cursor (fixture, 1, 0);
  gtk_text_buffer_insert_interactive_at_cursor (fixture->buffer, "# ", -1, TRUE);
  g_assert_cmpfloat (scale_at_line (fixture->buffer, 1), >, 1.3);
  {
    GtkTextIter start, end;

    gtk_text_buffer_get_iter_at_line_offset (fixture->buffer, &start, 0, 0);
    gtk_text_buffer_get_iter_at_line_offset (fixture->buffer, &end, 0, 2);
    gtk_text_buffer_delete_interactive (fixture->buffer, &start, &end, TRUE);
  }
  g_assert_cmpfloat (scale_at_line (fixture->buffer, 0), ==, 1.0);
}

/* The colour the highlighting gives the character at @line, @offset
 * (NULL: the text's own). */
static char *
colour_at (GtkTextBuffer *buffer,
           int            line,
           int            offset)
{
  GtkTextIter iter, start, end;
  g_autoptr(GSList) tags = NULL;
  g_autofree char *colour = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_source_buffer_ensure_highlight (GTK_SOURCE_BUFFER (buffer), &start, &end);
  gtk_text_buffer_get_iter_at_line_offset (buffer, &iter, line, offset);
  /* Lowest priority first: the last one set is what shows. */
  tags = gtk_text_iter_get_tags (&iter);
  for (GSList *l = tags; l != NULL; l = l->next)
    {
      g_autoptr(GdkRGBA) rgba = NULL;
      gboolean set;

      g_object_get (l->data, "foreground-set", &set, "foreground-rgba", &rgba, NULL);
      if (set && rgba != NULL)
        {
          g_free (colour);
          colour = gdk_rgba_to_string (rgba);
        }
    }
  return g_steal_pointer (&colour);
}

/* A task's box is a list's mark, not a link: "[x]" is not coloured as a
 * link's text, nor is the text from "[ ]" to a link later on the line. */
static void
test_task_box_not_link (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *marker = colour_at (fixture->buffer, 0, 0);
  g_autofree char *checked = colour_at (fixture->buffer, 0, 3);
  g_autofree char *box = colour_at (fixture->buffer, 1, 3);
  g_autofree char *words = colour_at (fixture->buffer, 1, 6);
  g_autofree char *link = colour_at (fixture->buffer, 1, 36);

  g_assert_nonnull (marker);
  g_assert_nonnull (link);
  g_assert_cmpstr (marker, !=, link);
  g_assert_cmpstr (checked, ==, marker);
  g_assert_cmpstr (box, ==, marker);
  g_assert_null (words);
}

static char *
read_text (Fixture *fixture)
{
  return text_of (fb_note_editor_get_read_buffer (fixture->editor));
}

static void
test_reading_view (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *shown = NULL;
  GtkTextIter iter;
  GtkTextBuffer *read;

  g_assert_false (fb_note_editor_get_reading (fixture->editor));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.reading-view", NULL));
  WAIT_FOR (fb_note_editor_get_reading (fixture->editor));

  shown = read_text (fixture);
  g_assert_cmpstr (shown, ==,
                   "Mill pond\n"
                   "A grey heron by the weir, see the map.\n"
                   "•  otter spraint\n"
                   "☐ count grebes\n"
                   "☑ check camera\n"
                   "1.  first\n"
                   "Ask Maja\n");

  /* Styles in place of marks: a larger heading, strong words, a link. */
  read = fb_note_editor_get_read_buffer (fixture->editor);
  g_assert_cmpfloat (scale_at_line (read, 0), >, 1.3);
  gtk_text_buffer_get_iter_at_line_offset (read, &iter, 1, 3);
  {
    g_autoptr(GSList) tags = gtk_text_iter_get_tags (&iter);
    gboolean strong = FALSE;

    for (GSList *l = tags; l != NULL; l = l->next)
      {
        g_autofree char *name = NULL;

        g_object_get (l->data, "name", &name, NULL);
        strong |= g_strcmp0 (name, "strong") == 0;
      }
    g_assert_true (strong);
  }
  gtk_text_buffer_get_iter_at_line_offset (read, &iter, 1, 31);
  g_assert_cmpstr (fb_markdown_view_link_at (&iter), ==, "https://example.org/map");

  /* Not editable; the same action goes back to the Markdown. */
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (gtk_widget_get_template_child (
    GTK_WIDGET (fixture->editor), FB_TYPE_NOTE_EDITOR, "read_view"))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.reading-view", NULL));
  WAIT_FOR (!fb_note_editor_get_reading (fixture->editor));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/markdown/lists-continue-and-end", Fixture, "- bread",
              fixture_setup, test_lists_continue_and_end, fixture_teardown);
  g_test_add ("/markdown/task-toggle", Fixture, "- [ ] milk\n- [ ] eggs",
              fixture_setup, test_task_toggle, fixture_teardown);
  g_test_add ("/markdown/task-click", Fixture, "- [ ] milk\n- [ ] eggs",
              fixture_setup, test_task_click, fixture_teardown);
  g_test_add ("/markdown/list-preview-without-marks", Fixture,
              "**Milk** and *eggs* from [the shop](https://example.org), not ~~bread~~ rolls\n- [ ] Ask first",
              fixture_setup, test_list_preview_without_marks, fixture_teardown);
  g_test_add ("/markdown/task-box-not-link", Fixture,
              "- [x] Check the camera\n- [ ] Photograph the bank for the [report](https://example.org/r)",
              fixture_setup, test_task_box_not_link, fixture_teardown);
  g_test_add ("/markdown/wrap-selection", Fixture, "Grey heron by the weir",
              fixture_setup, test_wrap_selection, fixture_teardown);
  g_test_add ("/markdown/headings-larger", Fixture, "# Mill pond\nArrived 06:50\n## Birds",
              fixture_setup, test_headings_larger, fixture_teardown);
  g_test_add ("/markdown/reading-view", Fixture,
              "# Mill pond\n"
              "A **grey heron** by the *weir*, see [the map](https://example.org/map).\n"
              "- otter spraint\n"
              "- [ ] count grebes\n"
              "- [x] check camera\n"
              "1. first\n"
              "> Ask Maja",
              fixture_setup, test_reading_view, fixture_teardown);

  return g_test_run ();
}
