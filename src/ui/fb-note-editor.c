/* fb-note-editor.c: edits a note: a title and Markdown text */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-note-editor"

#include "config.h"

#include <adwaita.h>
#include <gtksourceview/gtksource.h>

#include "fb-attachment-drop.h"
#include "fb-attachment-refs.h"
#include "fb-attachment-strip.h"
#include "fb-attachments.h"
#include "fb-markdown-edit.h"
#include "fb-markdown-view.h"
#include "fb-note-editor.h"
#include "fb-search-highlight.h"
#include "fb-tag-entry.h"
#include "fb-ui-util.h"

struct _FbNoteEditor
{
  GtkWidget        parent_instance;

  GtkEntry        *title_entry;
  FbTagEntry      *tag_entry;
  GtkStack        *mode_stack;
  GtkSourceView   *text_view;
  GtkTextView     *read_view;
  FbAttachmentStrip *attachment_strip;

  GtkSourceBuffer *buffer;
  GtkSourceSearchContext *search;
  /* The same search for the reading view and the title, or NULL. */
  GRegex          *search_regex;
  guint            loading;
};

G_DEFINE_FINAL_TYPE (FbNoteEditor, fb_note_editor, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GtkWidget *
fb_note_editor_new (void)
{
  return g_object_new (FB_TYPE_NOTE_EDITOR, NULL);
}

static void
title_changed_cb (FbNoteEditor *self)
{
  if (self->loading == 0)
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
tags_changed_cb (FbNoteEditor *self)
{
  if (self->loading == 0)
    g_signal_emit (self, signals[CHANGED], 0);
}

/* Enter in the title moves on to the text, as in a word processor. */
static void
title_activate_cb (FbNoteEditor *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
buffer_changed_cb (FbNoteEditor *self)
{
  if (self->loading == 0)
    g_signal_emit (self, signals[CHANGED], 0);
}

static void render_reading (FbNoteEditor *self);

/* ---- Markdown while typing (fb-markdown-edit.c) ---- */

/* Before the view's own handling: Enter continues or ends a list, and
 * Ctrl+Enter ticks the task on the cursor's line. */
static gboolean
text_key_pressed_cb (FbNoteEditor          *self,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     GtkEventControllerKey *controller)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  GdkModifierType modifiers = state & gtk_accelerator_get_default_mod_mask ();

  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return GDK_EVENT_PROPAGATE;

  if (modifiers == GDK_CONTROL_MASK)
    {
      GtkTextIter cursor;

      gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
      return fb_markdown_edit_toggle_task (buffer, &cursor);
    }
  if (modifiers == 0)
    return fb_markdown_edit_newline (buffer);

  return GDK_EVENT_PROPAGATE;
}

/* A click on a task's box ticks it, as a checkbox would. */
static void
text_pressed_cb (FbNoteEditor    *self,
                 int              n_press,
                 double           x,
                 double           y,
                 GtkGestureClick *gesture)
{
  GtkTextIter iter;
  int bx, by;

  if (n_press != 1)
    return;

  gtk_text_view_window_to_buffer_coords (GTK_TEXT_VIEW (self->text_view), GTK_TEXT_WINDOW_WIDGET,
                                         (int) x, (int) y, &bx, &by);
  if (!gtk_text_view_get_iter_at_location (GTK_TEXT_VIEW (self->text_view), &iter, bx, by) ||
      !fb_markdown_edit_is_task_box (&iter))
    return;

  fb_markdown_edit_toggle_task (GTK_TEXT_BUFFER (self->buffer), &iter);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* A click on a link in the reading view opens it; one to an attachment
 * of the note opens the attachment's larger view. */
static void
read_released_cb (FbNoteEditor    *self,
                  int              n_press,
                  double           x,
                  double           y,
                  GtkGestureClick *gesture)
{
  GtkTextIter iter;
  const char *address;
  g_autofree char *name = NULL;
  int bx, by;

  gtk_text_view_window_to_buffer_coords (self->read_view, GTK_TEXT_WINDOW_WIDGET,
                                         (int) x, (int) y, &bx, &by);
  if (!gtk_text_view_get_iter_at_location (self->read_view, &iter, bx, by) ||
      (address = fb_markdown_view_link_at (&iter)) == NULL)
    return;

  name = fb_attachment_refs_dup_name (address);
  if (name != NULL)
    {
      gtk_widget_activate_action (GTK_WIDGET (self->attachment_strip), "attachments.open", "s", name);
      return;
    }
  gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), address, GDK_CURRENT_TIME);
}

static void
wrap_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FbNoteEditor *self = FB_NOTE_EDITOR (widget);

  if (fb_note_editor_get_reading (self))
    return;
  fb_markdown_edit_wrap (GTK_TEXT_BUFFER (self->buffer), g_variant_get_string (parameter, NULL));
}

/* "Insert in Text" of an attachment: a reference to it at the cursor. */
static void
insert_attachment_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  FbNoteEditor *self = FB_NOTE_EDITOR (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  FbStore *store = fb_attachment_strip_get_store (self->attachment_strip);
  g_autoptr(FbAttachment) attachment = NULL;
  g_autofree char *markdown = NULL;

  if (store == NULL || fb_note_editor_get_reading (self))
    return;
  attachment = fb_store_get_attachment (store, fb_attachment_strip_get_item_id (self->attachment_strip),
                                        name, NULL);
  if (attachment == NULL)
    return;
  markdown = fb_attachment_refs_dup_markdown (name, attachment->content_type);
  gtk_text_buffer_insert_at_cursor (GTK_TEXT_BUFFER (self->buffer), markdown, -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
toggle_task_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FbNoteEditor *self = FB_NOTE_EDITOR (widget);
  GtkTextIter cursor;

  gtk_text_buffer_get_iter_at_mark (GTK_TEXT_BUFFER (self->buffer), &cursor,
                                    gtk_text_buffer_get_insert (GTK_TEXT_BUFFER (self->buffer)));
  fb_markdown_edit_toggle_task (GTK_TEXT_BUFFER (self->buffer), &cursor);
}

/* ---- Reading ---- */

/* How large a picture a note's text refers to is shown, at most. */
#define READING_IMAGE_SIZE 360

static GdkPaintable *
reading_image_cb (const char  *address,
                  char       **words,
                  gpointer     user_data)
{
  FbNoteEditor *self = user_data;
  FbStore *store = fb_attachment_strip_get_store (self->attachment_strip);

  if (store == NULL)
    return NULL;
  return fb_attachment_refs_load_image (store, fb_attachment_strip_get_item_id (self->attachment_strip),
                                        address, READING_IMAGE_SIZE, words);
}

static void
render_reading (FbNoteEditor *self)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  text = gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->buffer), &start, &end, TRUE);
  fb_markdown_view_render_with_images (self->read_view, text, reading_image_cb, self);
  fb_search_highlight_buffer (gtk_text_view_get_buffer (self->read_view), self->search_regex, FALSE);
}

gboolean
fb_note_editor_get_reading (FbNoteEditor *self)
{
  g_return_val_if_fail (FB_IS_NOTE_EDITOR (self), FALSE);

  return g_strcmp0 (gtk_stack_get_visible_child_name (self->mode_stack), "read") == 0;
}

void
fb_note_editor_set_reading (FbNoteEditor *self,
                            gboolean      reading)
{
  g_return_if_fail (FB_IS_NOTE_EDITOR (self));

  if (reading)
    render_reading (self);
  gtk_stack_set_visible_child_name (self->mode_stack, reading ? "read" : "edit");
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (reading ? GTK_WIDGET (self->read_view) : GTK_WIDGET (self->text_view));
}

GtkTextBuffer *
fb_note_editor_get_read_buffer (FbNoteEditor *self)
{
  g_return_val_if_fail (FB_IS_NOTE_EDITOR (self), NULL);

  return gtk_text_view_get_buffer (self->read_view);
}

static void
update_style_scheme (FbNoteEditor *self)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  const char *id = adw_style_manager_get_dark (style_manager) ? "Adwaita-dark" : "Adwaita";
  GtkSourceStyleScheme *scheme = gtk_source_style_scheme_manager_get_scheme (schemes, id);

  if (scheme != NULL)
    gtk_source_buffer_set_style_scheme (self->buffer, scheme);
}

static void
dark_notify_cb (FbNoteEditor *self)
{
  update_style_scheme (self);
}

void
fb_note_editor_load (FbNoteEditor *self,
                     FbItem       *item)
{
  GtkTextIter start;

  g_return_if_fail (FB_IS_NOTE_EDITOR (self));
  g_return_if_fail (FB_IS_ITEM (item));

  self->loading++;
  gtk_editable_set_text (GTK_EDITABLE (self->title_entry), fb_item_get_title (item));
  fb_tag_entry_set_tags (self->tag_entry, fb_body_get_array (fb_item_get_body (item), "tags"));
  gtk_editable_set_text (fb_tag_entry_get_editable (self->tag_entry), "");
  gtk_text_buffer_begin_irreversible_action (GTK_TEXT_BUFFER (self->buffer));
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->buffer), fb_item_get_text (item), -1);
  gtk_text_buffer_end_irreversible_action (GTK_TEXT_BUFFER (self->buffer));
  gtk_text_buffer_set_modified (GTK_TEXT_BUFFER (self->buffer), FALSE);
  gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (self->buffer), &start);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &start);
  self->loading--;

  if (fb_note_editor_get_reading (self))
    render_reading (self);
}

void
fb_note_editor_refresh (FbNoteEditor *self,
                        JsonObject   *body)
{
  g_return_if_fail (FB_IS_NOTE_EDITOR (self));
  g_return_if_fail (body != NULL);

  self->loading++;
  fb_editable_replace_minimal (GTK_EDITABLE (self->title_entry), fb_body_get_string (body, "title"));
  fb_tag_entry_set_tags (self->tag_entry, fb_body_get_array (body, "tags"));
  /* The undo history cannot span a version that came from elsewhere. */
  gtk_text_buffer_begin_irreversible_action (GTK_TEXT_BUFFER (self->buffer));
  fb_text_buffer_replace_minimal (GTK_TEXT_BUFFER (self->buffer), fb_body_get_string (body, "text"));
  gtk_text_buffer_end_irreversible_action (GTK_TEXT_BUFFER (self->buffer));
  self->loading--;

  if (fb_note_editor_get_reading (self))
    render_reading (self);
}

JsonObject *
fb_note_editor_build_body (FbNoteEditor *self,
                           JsonObject   *base)
{
  JsonObject *body;
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  g_autoptr(JsonArray) tags = NULL;

  g_return_val_if_fail (FB_IS_NOTE_EDITOR (self), NULL);

  body = base != NULL ? fb_body_copy (base) : fb_note_body_new ("", "");
  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  text = gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->buffer), &start, &end, TRUE);

  json_object_set_string_member (body, "title", gtk_editable_get_text (GTK_EDITABLE (self->title_entry)));
  json_object_set_string_member (body, "text", text);
  /* A body that never had tags gets none just for being saved. */
  tags = fb_tag_entry_dup_tags (self->tag_entry);
  if (json_array_get_length (tags) > 0 || json_object_has_member (body, "tags"))
    json_object_set_array_member (body, "tags", g_steal_pointer (&tags));

  return body;
}

void
fb_note_editor_focus_title (FbNoteEditor *self)
{
  g_return_if_fail (FB_IS_NOTE_EDITOR (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->title_entry));
}

GtkEditable *
fb_note_editor_get_title_entry (FbNoteEditor *self)
{
  g_return_val_if_fail (FB_IS_NOTE_EDITOR (self), NULL);

  return GTK_EDITABLE (self->title_entry);
}

FbTagEntry *
fb_note_editor_get_tag_entry (FbNoteEditor *self)
{
  g_return_val_if_fail (FB_IS_NOTE_EDITOR (self), NULL);

  return self->tag_entry;
}

void
fb_note_editor_set_search (FbNoteEditor *self,
                           const char   *pattern)
{
  GtkSourceSearchSettings *settings;

  g_return_if_fail (FB_IS_NOTE_EDITOR (self));

  settings = gtk_source_search_context_get_settings (self->search);
  if (g_strcmp0 (gtk_source_search_settings_get_search_text (settings), pattern) == 0)
    return;
  gtk_source_search_settings_set_search_text (settings, pattern);

  g_clear_pointer (&self->search_regex, g_regex_unref);
  if (pattern != NULL)
    self->search_regex = g_regex_new (pattern, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
  /* Marked in the colours of the list's rows and the other editors, not
   * in the style scheme's paler search colour. */
  fb_search_highlight_buffer (GTK_TEXT_BUFFER (self->buffer), self->search_regex, TRUE);
  fb_search_highlight_editable (GTK_EDITABLE (self->title_entry), self->search_regex);
  if (fb_note_editor_get_reading (self))
    render_reading (self);
}

guint
fb_note_editor_count_search_matches (FbNoteEditor *self)
{
  GtkSourceSearchSettings *settings;
  GtkTextIter start, match_start, match_end;
  guint n = 0;

  g_return_val_if_fail (FB_IS_NOTE_EDITOR (self), 0);

  settings = gtk_source_search_context_get_settings (self->search);
  if (gtk_source_search_settings_get_search_text (settings) == NULL)
    return 0;

  /* Counted here, not by the context's own count, which fills while idle. */
  gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (self->buffer), &start);
  while (gtk_source_search_context_forward (self->search, &start, &match_start, &match_end, NULL) &&
         gtk_text_iter_compare (&match_end, &start) > 0)
    {
      n++;
      start = match_end;
    }

  return n;
}

FbAttachmentStrip *
fb_note_editor_get_attachment_strip (FbNoteEditor *self)
{
  g_return_val_if_fail (FB_IS_NOTE_EDITOR (self), NULL);

  return self->attachment_strip;
}

GtkTextBuffer *
fb_note_editor_get_buffer (FbNoteEditor *self)
{
  g_return_val_if_fail (FB_IS_NOTE_EDITOR (self), NULL);

  return GTK_TEXT_BUFFER (self->buffer);
}

static gboolean
fb_note_editor_grab_focus (GtkWidget *widget)
{
  FbNoteEditor *self = FB_NOTE_EDITOR (widget);

  if (fb_note_editor_get_reading (self))
    return gtk_widget_grab_focus (GTK_WIDGET (self->read_view));
  return gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
fb_note_editor_dispose (GObject *object)
{
  FbNoteEditor *self = FB_NOTE_EDITOR (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), FB_TYPE_NOTE_EDITOR);
  /* The template's root box has no id, so dispose_template leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->search);
  g_clear_pointer (&self->search_regex, g_regex_unref);
  g_clear_object (&self->buffer);

  G_OBJECT_CLASS (fb_note_editor_parent_class)->dispose (object);
}

static void
fb_note_editor_class_init (FbNoteEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fb_note_editor_dispose;
  widget_class->grab_focus = fb_note_editor_grab_focus;

  /* The editor's Markdown (language-specs/fieldbook-markdown.lang). Before
   * any language is loaded: this class is the program's only user. */
  gtk_source_language_manager_append_search_path (gtk_source_language_manager_get_default (),
                                                  "resource:///io/github/fieldbook/Fieldbook/language-specs");

  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  gtk_source_init ();
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  g_type_ensure (FB_TYPE_TAG_ENTRY);
  g_type_ensure (FB_TYPE_ATTACHMENT_STRIP);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/fieldbook/Fieldbook/ui/fb-note-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, FbNoteEditor, title_entry);
  gtk_widget_class_bind_template_child (widget_class, FbNoteEditor, tag_entry);
  gtk_widget_class_bind_template_child (widget_class, FbNoteEditor, text_view);
  gtk_widget_class_bind_template_child (widget_class, FbNoteEditor, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, FbNoteEditor, read_view);
  gtk_widget_class_bind_template_child (widget_class, FbNoteEditor, attachment_strip);
  gtk_widget_class_bind_template_callback (widget_class, title_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, title_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, tags_changed_cb);

  gtk_widget_class_install_action (widget_class, "note.wrap", "s", wrap_action);
  gtk_widget_class_install_action (widget_class, "note.toggle-task", NULL, toggle_task_action);
  gtk_widget_class_install_action (widget_class, "note.insert-attachment", "s", insert_attachment_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_CONTROL_MASK, "note.wrap", "s", "**");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "note.wrap", "s", "*");

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fbnoteeditor");
}

/* Ctrl+V of an image or of files attaches them; text pastes as text. */
static void
paste_clipboard_cb (FbNoteEditor *self,
                    GtkTextView  *view)
{
  if (fb_attachment_strip_paste (self->attachment_strip))
    g_signal_stop_emission_by_name (view, "paste-clipboard");
}

static void
fb_note_editor_init (FbNoteEditor *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkEventController *controller;
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->buffer = gtk_source_buffer_new (NULL);
  gtk_source_buffer_set_language (self->buffer,
                                  gtk_source_language_manager_get_language (languages,
                                                                            "fieldbook-markdown"));
  gtk_source_buffer_set_highlight_syntax (self->buffer, TRUE);
  gtk_text_view_set_buffer (GTK_TEXT_VIEW (self->text_view), GTK_TEXT_BUFFER (self->buffer));
  g_signal_connect_object (self->buffer, "changed",
                           G_CALLBACK (buffer_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->text_view, "paste-clipboard",
                           G_CALLBACK (paste_clipboard_cb), self, G_CONNECT_SWAPPED);
  fb_markdown_edit_track_headings (GTK_TEXT_BUFFER (self->buffer));
  fb_attachment_drop_add_target (GTK_WIDGET (self), self->attachment_strip);

  /* Where the list's search matched (fb_note_editor_set_search ()),
   * counted; fb_search_highlight_buffer () marks them. */
  self->search = gtk_source_search_context_new (self->buffer, NULL);
  gtk_source_search_context_set_highlight (self->search, FALSE);
  gtk_source_search_settings_set_regex_enabled (gtk_source_search_context_get_settings (self->search),
                                                TRUE);
  gtk_source_search_settings_set_wrap_around (gtk_source_search_context_get_settings (self->search),
                                              FALSE);
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed",
                           G_CALLBACK (text_key_pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), controller);

  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_object (click, "pressed", G_CALLBACK (text_pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), GTK_EVENT_CONTROLLER (click));

  click = gtk_gesture_click_new ();
  g_signal_connect_object (click, "released", G_CALLBACK (read_released_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->read_view), GTK_EVENT_CONTROLLER (click));

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (dark_notify_cb), self, G_CONNECT_SWAPPED);
  update_style_scheme (self);
}
