/* test-tags.c: tags, the sidebar's Tags, one search over notes and records, and Import/Export in the window */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-tags"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <sqlite3.h>

#include "fb-item-body.h"
#include "fb-item-row.h"
#include "fb-note-editor.h"
#include "fb-record-editor.h"
#include "fb-store.h"
#include "fb-template.h"
#include "fb-tag-entry.h"
#include "fb-transfer.h"
#include "fb-test-dir.h"
#include "fb-test-store.h"
#include "fb-test-ui.h"
#include "fb-test-wait.h"
#include "fb-window.h"

#define WAIT_FOR(cond) WAIT_UNTIL (cond, 10000)

typedef struct
{
  char     *dir;
  FbStore  *store;
  FbWindow *window;
  gint64    now;
} Fixture;

static gpointer
child (Fixture    *fixture,
       const char *name)
{
  return fb_test_template_child (fixture->window, FB_TYPE_WINDOW, name);
}

static FbTagEntry *
tag_entry (Fixture *fixture)
{
  return fb_note_editor_get_tag_entry (child (fixture, "note_editor"));
}

static void
create (Fixture    *fixture,
        const char *collection,
        const char *title,
        const char *tags_csv)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) tags = g_strsplit (tags_csv, ",", -1);
  JsonArray *array = json_array_new ();

  body = g_str_equal (collection, FB_COLLECTION_NOTES) ? fb_note_body_new (title, "")
                                                       : fb_record_body_new (title);
  for (guint i = 0; tags[i] != NULL; i++)
    if (*tags[i] != '\0')
      json_array_add_string_element (array, tags[i]);
  json_object_set_array_member (body, "tags", array);
  item = fb_store_create_item (fixture->store, collection, body, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = fb_test_make_tmp_dir ();
  path = g_build_filename (fixture->dir, "fieldbook.db", NULL);
  fixture->store = fb_store_new (path, &error);
  g_assert_no_error (error);
  /* A second between writes: the list's order does not hang on ties. */
  fixture->now = g_get_real_time () / 1000 - 3600 * 1000;
  _fb_store_set_clock (fixture->store, fb_test_clock, &fixture->now);

  create (fixture, FB_COLLECTION_NOTES, "Recipe", "");
  create (fixture, FB_COLLECTION_NOTES, "Swift", "birds");
  create (fixture, FB_COLLECTION_NOTES, "Heron", "birds,river");
  create (fixture, FB_COLLECTION_RECORDS, "Heron nest 4", "Birds");
  create (fixture, FB_COLLECTION_TEMPLATES, "Heron survey", "");
  {
    g_autoptr(FbItem) item = NULL;
    g_autoptr(JsonObject) body = fb_note_body_new ("Weir walk", "# Weir walk\n\nA quiet morning.\n"
                                                   "A grey **heron** stood by the weir; herons wait.");

    item = fb_store_create_item (fixture->store, FB_COLLECTION_NOTES, body, &error);
    g_assert_no_error (error);
  }

  fixture->window = g_object_ref_sink (fb_window_new (NULL, fixture->store));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 700);
  gtk_window_present (GTK_WINDOW (fixture->window));
  WAIT_FOR (gtk_widget_get_mapped (child (fixture, "list_stack")) &&
            gtk_widget_get_width (child (fixture, "list_stack")) > 0);
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
}

/* The list's titles, "|"-separated, as its rows show them. */
static char *
list_titles (Fixture *fixture)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (child (fixture, "list_view")));
  GString *titles = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (model, i);

      g_string_append_printf (titles, "%s%s", i > 0 ? "|" : "", fb_item_get_title (item));
    }

  return g_string_free (titles, FALSE);
}

static gboolean
list_is (Fixture    *fixture,
         const char *expected)
{
  g_autofree char *titles = list_titles (fixture);

  return g_strcmp0 (titles, expected) == 0;
}

/* The sidebar's tags as "name count|name count", from the labels shown. */
static char *
sidebar_tags (Fixture *fixture)
{
  GtkWidget *list = child (fixture, "tags_list");
  GString *text = g_string_new (NULL);

  if (!fb_test_is_shown (list) || !fb_test_is_shown (child (fixture, "tags_heading")))
    return g_string_free (text, FALSE);

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
      GtkWidget *name = gtk_widget_get_first_child (box);
      GtkWidget *count = gtk_widget_get_next_sibling (name);

      g_string_append_printf (text, "%s%s %s", text->len > 0 ? "|" : "",
                              gtk_label_get_label (GTK_LABEL (name)),
                              gtk_label_get_label (GTK_LABEL (count)));
    }

  return g_string_free (text, FALSE);
}

static gboolean
sidebar_is (Fixture    *fixture,
            const char *expected)
{
  g_autofree char *text = sidebar_tags (fixture);

  return g_strcmp0 (text, expected) == 0;
}

static GtkListBoxRow *
sidebar_row (Fixture    *fixture,
             const char *name)
{
  for (GtkWidget *row = gtk_widget_get_first_child (child (fixture, "tags_list")); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "fb-tag"), name) == 0)
      return GTK_LIST_BOX_ROW (row);

  return NULL;
}

static void
select_title (Fixture    *fixture,
              const char *title)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (child (fixture, "list_view")));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FbItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (fb_item_get_title (item), title) == 0)
        {
          gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (model), i);
          WAIT_FOR (fb_window_get_current_item (fixture->window) != NULL &&
                    g_strcmp0 (fb_item_get_title (fb_window_get_current_item (fixture->window)),
                               title) == 0);
          return;
        }
    }

  g_error ("No item “%s” in the list", title);
}

/* The current item's tags as stored, ","-separated. */
static char *
stored_tags (Fixture *fixture)
{
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GError) error = NULL;
  GString *text = g_string_new (NULL);
  JsonArray *tags;

  g_assert_true (fb_window_flush (fixture->window));
  item = fb_store_get_item (fixture->store,
                            fb_item_get_id (fb_window_get_current_item (fixture->window)), &error);
  g_assert_no_error (error);
  tags = fb_body_get_array (fb_item_get_body (item), "tags");
  for (guint i = 0; tags != NULL && i < json_array_get_length (tags); i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "," : "", json_array_get_string_element (tags, i));

  return g_string_free (text, FALSE);
}

#define assert_text(expr, expected) \
  G_STMT_START { g_autofree char *_t = (expr); g_assert_cmpstr (_t, ==, expected); } G_STMT_END

/* Each tag with its count in the sidebar (notes and records, one
 * spelling); clicking one shows its items and says so in the search box;
 * Escape brings the list back as it was. */
static void
test_sidebar_filters (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkListBoxRow *row;

  WAIT_FOR (sidebar_is (fixture, "Birds 3|river 1"));
  assert_text (list_titles (fixture), "Weir walk|Heron|Swift|Recipe");
  assert_accessible_label (sidebar_row (fixture, "Birds"), "Tag “Birds”, 3 items");

  row = sidebar_row (fixture, "river");
  g_signal_emit_by_name (child (fixture, "tags_list"), "row-activated", row);
  g_assert_cmpstr (gtk_editable_get_text (child (fixture, "search_entry")), ==, "tag:river");
  WAIT_FOR (list_is (fixture, "Heron"));

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-tag", "s", "Birds");
  g_assert_cmpstr (gtk_editable_get_text (child (fixture, "search_entry")), ==, "tag:Birds");
  /* Records too: the search is over both. */
  WAIT_FOR (list_is (fixture, "Heron nest 4|Heron|Swift"));

  g_signal_emit_by_name (child (fixture, "search_entry"), "stop-search");
  WAIT_FOR (list_is (fixture, "Weir walk|Heron|Swift|Recipe"));
  g_assert_cmpstr (gtk_editable_get_text (child (fixture, "search_entry")), ==, "");
}

/* The entry under the title shows the note's tags; Enter or a comma adds
 * one, a chip's button removes it; the store, the sidebar and a list
 * filtered by the tag follow. */
static void
test_entry_edits_tags (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkEditable *editable;
  GtkEntryCompletion *completion;
  GtkTreeModel *known;
  GtkTreeIter iter;
  GString *known_text = g_string_new (NULL);
  g_autofree char *known_names = NULL;

  select_title (fixture, "Heron");
  editable = fb_tag_entry_get_editable (tag_entry (fixture));
  WAIT_FOR (fb_test_is_shown (GTK_WIDGET (editable)));
  /* Ctrl+Shift+T goes to the tags. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.edit-tags", NULL);
  WAIT_FOR (gtk_widget_has_focus (gtk_widget_get_first_child (GTK_WIDGET (editable))) ||
            gtk_widget_has_focus (GTK_WIDGET (editable)));
  g_assert_true (fb_test_is_shown (fb_tag_entry_get_chip (tag_entry (fixture), "birds")));
  g_assert_true (fb_test_is_shown (fb_tag_entry_get_chip (tag_entry (fixture), "river")));
  assert_accessible_label (fb_tag_entry_get_chip (tag_entry (fixture), "river"),
                           "Remove the tag “river”");

  /* Another note shows its own tags only. */
  select_title (fixture, "Swift");
  g_assert_nonnull (fb_tag_entry_get_chip (tag_entry (fixture), "birds"));
  g_assert_null (fb_tag_entry_get_chip (tag_entry (fixture), "river"));

  /* The completion offers the tags there are, once a worker has counted
   * them. */
  completion = gtk_entry_get_completion (GTK_ENTRY (editable));
  known = gtk_entry_completion_get_model (completion);
  WAIT_FOR (gtk_tree_model_iter_n_children (known, NULL) == 2);
  for (gboolean ok = gtk_tree_model_get_iter_first (known, &iter); ok;
       ok = gtk_tree_model_iter_next (known, &iter))
    {
      g_autofree char *name = NULL;

      gtk_tree_model_get (known, &iter, 0, &name, -1);
      g_string_append_printf (known_text, "%s%s", known_text->len > 0 ? "," : "", name);
    }
  known_names = g_string_free (known_text, FALSE);
  g_assert_cmpstr (known_names, ==, "Birds,river");

  /* Typed with a comma, then with Enter; a tag already there (any case) is
   * not added twice. */
  gtk_editable_set_text (editable, "river, BIRDS,");
  g_assert_cmpstr (gtk_editable_get_text (editable), ==, "");
  gtk_editable_set_text (editable, "dawn chorus");
  g_signal_emit_by_name (editable, "activate");
  g_assert_cmpstr (gtk_editable_get_text (editable), ==, "");
  assert_text (stored_tags (fixture), "birds,river,dawn chorus");
  WAIT_FOR (sidebar_is (fixture, "Birds 3|dawn chorus 1|river 2"));

  /* A filtered list takes the newly tagged note in. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-tag", "s", "dawn chorus");
  g_assert_cmpstr (gtk_editable_get_text (child (fixture, "search_entry")), ==,
                   "tag:\"dawn chorus\"");
  WAIT_FOR (list_is (fixture, "Swift"));

  /* A record has tags too, under its title. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-tag", "s", "Birds");
  WAIT_FOR (list_is (fixture, "Swift|Heron nest 4|Heron"));
  select_title (fixture, "Heron nest 4");
  {
    FbTagEntry *record_tags = fb_record_editor_get_tag_entry (child (fixture, "record_editor"));

    WAIT_FOR (fb_test_is_shown (fb_tag_entry_get_chip (record_tags, "Birds")));
    gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.edit-tags", NULL);
    gtk_editable_set_text (fb_tag_entry_get_editable (record_tags), "nests,");
    assert_text (stored_tags (fixture), "Birds,nests");
    WAIT_FOR (sidebar_is (fixture, "Birds 3|dawn chorus 1|nests 1|river 2"));
  }
  select_title (fixture, "Swift");

  /* Removing it with the chip's button drops it from the list. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-tag", "s", "dawn chorus");
  WAIT_FOR (list_is (fixture, "Swift"));
  g_signal_emit_by_name (fb_tag_entry_get_chip (tag_entry (fixture), "dawn chorus"), "clicked");
  assert_text (stored_tags (fixture), "birds,river");
  WAIT_FOR (list_is (fixture, ""));
  WAIT_FOR (sidebar_is (fixture, "Birds 3|nests 1|river 2"));
}

/* The row of @title in the list view, as bound. */
static FbItemRow *
row_of (Fixture    *fixture,
        const char *title)
{
  GPtrArray *stack = g_ptr_array_new ();
  FbItemRow *found = NULL;

  g_ptr_array_add (stack, child (fixture, "list_view"));
  while (stack->len > 0 && found == NULL)
    {
      GtkWidget *widget = g_ptr_array_steal_index (stack, stack->len - 1);

      if (FB_IS_ITEM_ROW (widget) && fb_item_row_get_item (FB_ITEM_ROW (widget)) != NULL &&
          g_strcmp0 (fb_item_get_title (fb_item_row_get_item (FB_ITEM_ROW (widget))), title) == 0)
        found = FB_ITEM_ROW (widget);
      for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (stack, c);
    }
  g_ptr_array_unref (stack);

  return found;
}

static GtkWidget *
row_part (FbItemRow  *row,
          const char *name)
{
  return fb_test_template_child (row, FB_TYPE_ITEM_ROW, name);
}

/* From Notes, one search finds notes and records (not templates), each
 * marked by kind, the matched words highlighted in the row and in the
 * editor; Escape gives the Notes list back with the note that was open. */
static void
test_search_everywhere (Fixture       *fixture,
                        gconstpointer  data)
{
  FbItemRow *row;
  const char *markup;
  FbNoteEditor *editor = child (fixture, "note_editor");

  select_title (fixture, "Swift");
  gtk_editable_set_text (child (fixture, "search_entry"), "heron");
  WAIT_FOR (list_is (fixture, "Weir walk|Heron nest 4|Heron"));
  {
    g_autofree char *placeholder = NULL;

    g_object_get (child (fixture, "search_entry"), "placeholder-text", &placeholder, NULL);
    g_assert_cmpstr (placeholder, ==, "Search Notes and Records");
  }

  WAIT_FOR ((row = row_of (fixture, "Heron nest 4")) != NULL &&
            fb_test_is_shown (row_part (row, "kind_icon")));
  assert_accessible_label (row_part (row, "kind_icon"), "Record");
  markup = gtk_label_get_label (GTK_LABEL (row_part (row, "title_label")));
  g_assert_nonnull (strstr (markup, ">Heron</span> nest 4"));

  /* A note's row shows the line that matched, not its first line. */
  WAIT_FOR ((row = row_of (fixture, "Weir walk")) != NULL);
  assert_accessible_label (row_part (row, "kind_icon"), "Note");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (row_part (row, "snippet_label"))), ==,
                   "A grey heron stood by the weir; herons wait.");
  markup = gtk_label_get_label (GTK_LABEL (row_part (row, "snippet_label")));
  g_assert_nonnull (strstr (markup, ">heron</span> stood by the weir; <span"));

  /* The record opens in the record editor; the note in the note editor,
   * with both matches highlighted. */
  select_title (fixture, "Heron nest 4");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (fixture, "editor_stack")), ==, "record");
  select_title (fixture, "Weir walk");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (fixture, "editor_stack")), ==, "note");
  g_assert_cmpuint (fb_note_editor_count_search_matches (editor), ==, 2);

  /* Escape: the Notes list as before; a note opened from the search stays. */
  g_signal_emit_by_name (child (fixture, "search_entry"), "stop-search");
  WAIT_FOR (list_is (fixture, "Weir walk|Heron|Swift|Recipe"));
  g_assert_cmpuint (fb_note_editor_count_search_matches (editor), ==, 0);
  g_assert_cmpstr (fb_item_get_title (fb_window_get_current_item (fixture->window)), ==, "Weir walk");
  WAIT_FOR ((row = row_of (fixture, "Weir walk")) != NULL &&
            !fb_test_is_shown (row_part (row, "kind_icon")));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (row_part (row, "snippet_label"))), ==,
                   "A quiet morning.");

  /* A record opened from the search is not in Notes: the note open
   * before the search comes back. */
  gtk_editable_set_text (child (fixture, "search_entry"), "nest");
  WAIT_FOR (list_is (fixture, "Heron nest 4"));
  select_title (fixture, "Heron nest 4");
  g_signal_emit_by_name (child (fixture, "search_entry"), "stop-search");
  WAIT_FOR (list_is (fixture, "Weir walk|Heron|Swift|Recipe"));
  g_assert_cmpstr (fb_item_get_title (fb_window_get_current_item (fixture->window)), ==, "Weir walk");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (fixture, "editor_stack")), ==, "note");
}

/* Escape after a search gives the list back where the person left it:
 * scrolled as far as it was, the same item selected. */
static void
test_search_escape_keeps_place (Fixture       *fixture,
                                gconstpointer  data)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (child (fixture, "list_view"));
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (child (fixture, "list_view")));
  double place;
  guint selected;

  for (guint i = 1; i <= 60; i++)
    {
      g_autofree char *title = g_strdup_printf ("Filler %u", i);

      create (fixture, FB_COLLECTION_NOTES, title, "");
    }
  WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (selection)) == 64 &&
            gtk_adjustment_get_upper (adjustment) > 3 * gtk_adjustment_get_page_size (adjustment));

  /* Filler 30 chosen, then the list scrolled on by half a page with the
   * wheel: the row is in view, but not where choosing it put it. */
  select_title (fixture, "Filler 30");
  selected = gtk_single_selection_get_selected (selection);
  gtk_widget_activate_action (child (fixture, "list_view"), "list.scroll-to-item", "u", selected);
  WAIT_FOR (gtk_adjustment_get_value (adjustment) > 0);
  place = gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) / 2;
  gtk_adjustment_set_value (adjustment, place);
  WAIT_FOR (row_of (fixture, "Filler 30") != NULL);

  gtk_editable_set_text (child (fixture, "search_entry"), "heron");
  WAIT_FOR (list_is (fixture, "Weir walk|Heron nest 4|Heron"));
  WAIT_FOR (gtk_adjustment_get_value (adjustment) == 0);

  g_signal_emit_by_name (child (fixture, "search_entry"), "stop-search");
  WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (selection)) == 64);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, selected);
  WAIT_FOR (G_APPROX_VALUE (gtk_adjustment_get_value (adjustment), place, 1.0));
  g_assert_cmpstr (fb_item_get_title (fb_window_get_current_item (fixture->window)), ==, "Filler 30");
}

/* The words the search marks in a one-line entry, "|"-separated: the
 * ranges its text is drawn with a background for. */
static char *
marked_in_editable (GtkEditable *editable)
{
  g_autoptr(GString) marked = g_string_new (NULL);
  PangoAttrList *attributes;
  const char *text;
  GSList *list;

  while (!GTK_IS_TEXT (editable) && gtk_editable_get_delegate (editable) != NULL)
    editable = gtk_editable_get_delegate (editable);
  g_assert_true (GTK_IS_TEXT (editable));
  text = gtk_editable_get_text (editable);
  attributes = gtk_text_get_attributes (GTK_TEXT (editable));
  if (attributes == NULL)
    return g_strdup ("");

  list = pango_attr_list_get_attributes (attributes);
  for (GSList *l = list; l != NULL; l = l->next)
    {
      PangoAttribute *attribute = l->data;

      if (attribute->klass->type == PANGO_ATTR_BACKGROUND)
        g_string_append_printf (marked, "%s%.*s", marked->len > 0 ? "|" : "",
                                (int) (attribute->end_index - attribute->start_index),
                                text + attribute->start_index);
    }
  g_slist_free_full (list, (GDestroyNotify) pango_attribute_destroy);

  return g_strdup (marked->str);
}

/* The same for a text view's buffer: the runs drawn with the search's
 * background (the list's rows' #f8e45c, in every editor alike). */
static char *
marked_in_buffer (GtkTextBuffer *buffer)
{
  g_autoptr(GString) marked = g_string_new (NULL);
  GtkTextIter iter;

  gtk_text_buffer_get_start_iter (buffer, &iter);
  do
    {
      g_autoptr(GSList) tags = gtk_text_iter_get_toggled_tags (&iter, TRUE);

      for (GSList *l = tags; l != NULL; l = l->next)
        {
          g_autoptr(GdkRGBA) background = NULL;
          gboolean set = FALSE;
          GdkRGBA match;

          g_assert_true (gdk_rgba_parse (&match, "#f8e45c"));
          g_object_get (l->data, "background-rgba", &background, "background-set", &set, NULL);
          if (set && background != NULL && gdk_rgba_equal (background, &match))
            {
              GtkTextIter end = iter;
              g_autofree char *text = NULL;

              gtk_text_iter_forward_to_tag_toggle (&end, l->data);
              text = gtk_text_iter_get_text (&iter, &end);
              g_string_append_printf (marked, "%s%s", marked->len > 0 ? "|" : "", text);
            }
        }
    }
  while (gtk_text_iter_forward_to_tag_toggle (&iter, NULL));

  return g_strdup (marked->str);
}

static gboolean
buffer_marked_is (GtkTextBuffer *buffer,
                  const char    *expected)
{
  g_autofree char *marked = marked_in_buffer (buffer);

  return g_strcmp0 (marked, expected) == 0;
}

#define assert_marked(actual, expected) G_STMT_START { \
  g_autofree char *marked_ = (actual);                  \
  g_assert_cmpstr (marked_, ==, (expected));            \
} G_STMT_END

/* The accessible label of the menu button shown in @row, or NULL. */
static const char *
field_menu_label (GtkWidget *row)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_ptr_array_add (stack, row);
  while (stack->len > 0)
    {
      GtkWidget *widget = g_ptr_array_steal_index (stack, stack->len - 1);

      if (GTK_IS_MENU_BUTTON (widget) && fb_test_is_shown (widget))
        return gtk_widget_get_tooltip_text (widget);
      for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (stack, c);
    }
  return NULL;
}

/* A record of the template "Nest survey" (Site, a line; Notes, a long
 * text) with a field of its own, Observer. */
static void
create_nest_7 (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(JsonObject) template = fb_template_body_new ("Nest survey");
    g_autoptr(JsonObject) body = NULL;
    g_autoptr(FbItem) template_item = NULL;
    g_autoptr(FbItem) record = NULL;
    JsonObject *fields;

    fb_template_add_field (template, "Site", FB_FIELD_TEXT);
    fb_template_add_field (template, "Notes", FB_FIELD_LONG_TEXT);
    template_item = fb_store_create_item (fixture->store, FB_COLLECTION_TEMPLATES, template, &error);
    g_assert_no_error (error);
    body = fb_record_body_new_from_template ("Heron nest 7", fb_item_get_id (template_item), template);
    fields = fb_body_get_object (body, "fields");
    json_object_set_string_member (fields, "Site", "Heron pool");
    json_object_set_string_member (fields, "Notes", "Two herons fed.\nNo heron chicks yet.");
    json_object_set_string_member (fields, "Observer", "Anna Heronsgate");
    record = fb_store_create_item (fixture->store, FB_COLLECTION_RECORDS, body, &error);
    g_assert_no_error (error);
  }
}

/* The field menu (Rename or Remove) is only on the record's own fields:
 * the template's fields are renamed in the template. */
static void
test_field_menu_only_on_own_fields (Fixture       *fixture,
                                    gconstpointer  data)
{
  FbRecordEditor *record_editor = child (fixture, "record_editor");

  create_nest_7 (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.collection", "s", "records"));
  WAIT_FOR (row_of (fixture, "Heron nest 7") != NULL);
  select_title (fixture, "Heron nest 7");

  g_assert_cmpstr (field_menu_label (fb_record_editor_get_field_input (record_editor, "Observer")), ==,
                   "Rename or Remove Field “Observer”");
  g_assert_null (field_menu_label (fb_record_editor_get_field_input (record_editor, "Site")));

  /* The next window opens in the collection this one leaves. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.collection", "s", "notes"));
}

/* The matched words are marked where the item is read: in the record
 * editor's title, its one-line and long fields (its own fields too), in
 * the note's title and its reading view; typing keeps the marks on the
 * words, a new search moves them and Escape takes them away. */
static void
test_search_highlights_editors (Fixture       *fixture,
                                gconstpointer  data)
{
  FbNoteEditor *note_editor = child (fixture, "note_editor");
  FbRecordEditor *record_editor = child (fixture, "record_editor");
  GtkWidget *site, *notes, *observer;

  create_nest_7 (fixture);

  gtk_editable_set_text (child (fixture, "search_entry"), "heron");
  WAIT_FOR (row_of (fixture, "Heron nest 7") != NULL);
  select_title (fixture, "Heron nest 7");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (fixture, "editor_stack")), ==, "record");

  site = fb_record_editor_get_field_input (record_editor, "Site");
  notes = fb_record_editor_get_field_input (record_editor, "Notes");
  observer = fb_record_editor_get_field_input (record_editor, "Observer");
  g_assert_true (GTK_IS_TEXT_VIEW (notes));
  assert_marked (marked_in_editable (fb_record_editor_get_title_entry (record_editor)), "Heron");
  assert_marked (marked_in_editable (GTK_EDITABLE (site)), "Heron");
  assert_marked (marked_in_buffer (gtk_text_view_get_buffer (GTK_TEXT_VIEW (notes))), "heron|heron");
  assert_marked (marked_in_editable (GTK_EDITABLE (observer)), "Heron");

  /* Typing: the marks stay on the words, not on the old places. */
  gtk_editable_insert_text (GTK_EDITABLE (site), "Old ", -1, &(int) { 0 });
  assert_marked (marked_in_editable (GTK_EDITABLE (site)), "Heron");
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (notes));
    GtkTextIter end;

    gtk_text_buffer_get_end_iter (buffer, &end);
    gtk_text_buffer_insert (buffer, &end, " A heron flew.", -1);
    assert_marked (marked_in_buffer (buffer), "heron|heron|heron");
  }

  /* Another search moves the marks. */
  gtk_editable_set_text (child (fixture, "search_entry"), "chicks");
  WAIT_FOR (list_is (fixture, "Heron nest 7"));
  assert_marked (marked_in_editable (GTK_EDITABLE (site)), "");
  assert_marked (marked_in_buffer (gtk_text_view_get_buffer (GTK_TEXT_VIEW (notes))), "chicks");

  /* The reading view of a note, with its title. */
  gtk_editable_set_text (child (fixture, "search_entry"), "weir");
  WAIT_FOR (list_is (fixture, "Weir walk"));
  select_title (fixture, "Weir walk");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.reading-view", NULL));
  WAIT_FOR (fb_note_editor_get_reading (note_editor));
  assert_marked (marked_in_buffer (fb_note_editor_get_read_buffer (note_editor)), "Weir|weir");
  assert_marked (marked_in_editable (fb_note_editor_get_title_entry (note_editor)), "Weir");
  gtk_editable_set_text (child (fixture, "search_entry"), "heron wait");
  WAIT_FOR (list_is (fixture, "Weir walk"));
  assert_marked (marked_in_buffer (fb_note_editor_get_read_buffer (note_editor)), "heron|heron|wait");
  assert_marked (marked_in_editable (fb_note_editor_get_title_entry (note_editor)), "");
  /* The editor marks them in the same colour (GtkSourceView's search,
   * which marks them as it gets to them). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.reading-view", NULL));
  WAIT_FOR (!fb_note_editor_get_reading (note_editor));
  WAIT_FOR (buffer_marked_is (fb_note_editor_get_buffer (note_editor), "heron|heron|wait"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.reading-view", NULL));
  WAIT_FOR (fb_note_editor_get_reading (note_editor));

  /* Escape: no marks anywhere. */
  g_signal_emit_by_name (child (fixture, "search_entry"), "stop-search");
  WAIT_FOR (list_is (fixture, "Weir walk|Heron|Swift|Recipe"));
  assert_marked (marked_in_buffer (fb_note_editor_get_read_buffer (note_editor)), "");
  assert_marked (marked_in_editable (fb_record_editor_get_title_entry (record_editor)), "");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.reading-view", NULL));
  WAIT_FOR (!fb_note_editor_get_reading (note_editor));
}

static gboolean
toast_is (Fixture    *fixture,
          const char *title)
{
  AdwToast *toast = fb_window_get_last_toast (fixture->window);

  return toast != NULL && g_strcmp0 (adw_toast_get_title (toast), title) == 0;
}

/* Export Everything writes the export file on a worker (the count under
 * the list meanwhile) and says how many; Import reads one into the
 * window's store: the list and the tags follow; a file that is not an
 * export imports nothing and says why. */
static void
test_export_import (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "everything.json", NULL);
  g_autofree char *bad = g_build_filename (fixture->dir, "not-an-export.json", NULL);
  g_autofree char *other_path = g_build_filename (fixture->dir, "other.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFile) file = NULL;
  guint n = 0;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.export-to", "s", path));
  WAIT_FOR (toast_is (fixture, "6 items exported"));
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_last_child (child (fixture, "list_pane"))));

  /* The file holds them all (the template too), as --export writes it. */
  {
    g_autoptr(FbStore) other = fb_store_new (other_path, &error);

    g_assert_no_error (error);
    file = g_file_new_for_path (path);
    in = g_file_read (file, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (fb_transfer_import (other, G_INPUT_STREAM (in), NULL, NULL, &n, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, 6);
    g_clear_object (&in);

    /* Back the other way: a note from elsewhere comes in through Import. */
    {
      g_autoptr(JsonObject) body = fb_note_body_new ("Otter spraint", "below the sluice");
      g_autoptr(FbItem) item = NULL;
      g_autoptr(GFileOutputStream) out = NULL;
      JsonArray *tags = json_array_new ();

      json_array_add_string_element (tags, "mammals");
      json_object_set_array_member (body, "tags", tags);
      item = fb_store_create_item (other, FB_COLLECTION_NOTES, body, &error);
      g_assert_no_error (error);
      out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (fb_transfer_export (other, G_OUTPUT_STREAM (out), NULL, NULL, &n, NULL, &error));
      g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error));
      g_assert_no_error (error);
    }
  }

  /* While another program holds the file, the import waits on its worker:
   * the window shows its progress and a Cancel button, and Cancel leaves
   * everything as it was. */
  {
    g_autofree char *db_path = g_build_filename (fixture->dir, "fieldbook.db", NULL);
    GtkWidget *row = gtk_widget_get_last_child (child (fixture, "list_pane"));
    GtkWidget *cancel = gtk_widget_get_last_child (row);
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.import-from", "s", path));
    WAIT_FOR (fb_test_is_shown (row) && fb_test_is_shown (cancel));
    g_assert_cmpstr (gtk_progress_bar_get_text (GTK_PROGRESS_BAR (gtk_widget_get_first_child (row))),
                     ==, "Importing…");
    /* The window is not blocked meanwhile: the list is there to read. */
    g_assert_true (list_is (fixture, "Weir walk|Heron|Swift|Recipe"));
    g_signal_emit_by_name (cancel, "clicked");
    g_assert_cmpint (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
    WAIT_FOR (toast_is (fixture, "Import cancelled: nothing was imported"));
    g_assert_false (gtk_widget_get_visible (row));
    g_assert_true (list_is (fixture, "Weir walk|Heron|Swift|Recipe"));
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.import-from", "s", path));
  WAIT_FOR (toast_is (fixture, "7 items imported"));
  WAIT_FOR (list_is (fixture, "Otter spraint|Weir walk|Heron|Swift|Recipe"));
  WAIT_FOR (sidebar_is (fixture, "Birds 3|mammals 1|river 1"));

  g_assert_true (g_file_set_contents (bad, "{\"items\": [", -1, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.import-from", "s", bad));
  WAIT_FOR (fb_window_get_last_toast (fixture->window) != NULL &&
            g_str_has_prefix (adw_toast_get_title (fb_window_get_last_toast (fixture->window)),
                              "Nothing was imported: the file is not a Fieldbook export (it is not JSON"));
  g_assert_true (list_is (fixture, "Otter spraint|Weir walk|Heron|Swift|Recipe"));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/tags/sidebar-filters", Fixture, NULL,
              fixture_setup, test_sidebar_filters, fixture_teardown);
  g_test_add ("/tags/entry-edits-tags", Fixture, NULL,
              fixture_setup, test_entry_edits_tags, fixture_teardown);

  g_test_add ("/search/everywhere", Fixture, NULL,
              fixture_setup, test_search_everywhere, fixture_teardown);
  g_test_add ("/search/escape-keeps-place", Fixture, NULL,
              fixture_setup, test_search_escape_keeps_place, fixture_teardown);
  g_test_add ("/records/field-menu-only-on-own-fields", Fixture, NULL,
              fixture_setup, test_field_menu_only_on_own_fields, fixture_teardown);
  g_test_add ("/search/highlights-in-editors", Fixture, NULL,
              fixture_setup, test_search_highlights_editors, fixture_teardown);
  g_test_add ("/transfer/export-import", Fixture, NULL,
              fixture_setup, test_export_import, fixture_teardown);

  return g_test_run ();
}
