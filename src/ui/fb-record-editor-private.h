/* fb-record-editor-private.h: what fb-record-editor*.c share: the editor's instance struct */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-attachment-strip.h"
#include "fb-field-row.h"
#include "fb-record-editor.h"
#include "fb-tag-entry.h"

G_BEGIN_DECLS

/* One class over two files: fb-record-editor.c (the form: loading,
 * typed and own fields, names, saving) and fb-record-editor-order.c
 * (removing a field with Undo, moving fields). */

typedef struct
{
  FbRecordEditor *editor;
  char           *name;
  /* The row in the form: @row for a field of the record's own (a name and
   * a text, renamed and removed here), @typed's for one of its template. */
  GtkWidget      *widget;
  FbFieldRow     *typed;
  AdwEntryRow    *row;
  GtkWidget      *rename_button;
  GtkWidget      *rename_popover;
  GtkEditable    *rename_entry;
  GtkLabel       *rename_message;
  GtkWidget      *remove_button;
  /* The stored value and how it was shown: an untouched non-string value
   * is saved back as it was. */
  JsonNode       *orig;
  char           *orig_text;
} Field;

struct _FbRecordEditor
{
  GtkWidget             parent_instance;

  GtkEntry             *title_entry;
  FbTagEntry           *tag_entry;
  AdwPreferencesGroup  *fields_group;
  AdwEntryRow          *new_field_row;
  GtkLabel             *new_field_message;
  FbAttachmentStrip    *attachment_strip;

  FbStore              *store;
  /* The template of the record in the editor (its fields typed), or NULL. */
  JsonObject           *template;
  char                 *template_id;
  /* The id of the record in the editor (its photo and file fields attach
   * to it). */
  char                 *item_id;
  /* The body last loaded or refreshed: what the form's edits go on top of. */
  JsonObject           *loaded_body;
  GPtrArray            *fields;   /* element type Field */
  guint                 loading;
  /* The toast that undoes the last removed field, while it shows. */
  AdwToast             *undo_toast;
  /* Where the list's search matched, marked in the title and the fields. */
  GRegex               *search_regex;
};

Field     *_fb_record_editor_find_field        (FbRecordEditor *self,
                                                const char     *name,
                                                guint          *index);
void       _fb_record_editor_emit_changed      (FbRecordEditor *self);
/* A field of the record's own (not its template's) at the end. */
Field     *_fb_record_editor_add_field_row     (FbRecordEditor *self,
                                                const char     *name,
                                                JsonNode       *value);
void       _fb_record_editor_add_to_group      (FbRecordEditor *self,
                                                Field          *field);
void       _fb_record_editor_remove_from_group (FbRecordEditor *self,
                                                Field          *field);

/* fb-record-editor-order.c */
/* Focus into an entry row without selecting its text, the cursor at the end. */
void       _fb_record_editor_focus_row         (GtkWidget      *row);
/* A field's row dropped on another (fb-field-drag.h): moved there. */
gboolean   _fb_record_editor_field_dropped_cb  (GtkWidget      *dragged,
                                                GtkWidget      *onto,
                                                gpointer        user_data);
void       _fb_record_editor_class_order_init  (GtkWidgetClass *widget_class);

G_END_DECLS
