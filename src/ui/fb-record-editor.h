/* fb-record-editor.h: edits a record: a title and a form of named fields */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "fb-item.h"
#include "fb-store.h"
#include "fb-attachment-strip.h"
#include "fb-tag-entry.h"

G_BEGIN_DECLS

#define FB_TYPE_RECORD_EDITOR (fb_record_editor_get_type ())
G_DECLARE_FINAL_TYPE (FbRecordEditor, fb_record_editor, FB, RECORD_EDITOR, GtkWidget)

/* Signals: changed (): the person edited the title, a value, or added,
 * renamed or removed a field. Never emitted for load/refresh.
 *
 * Actions (on the editor):
 *   record.add-field (s name)           appends a field and focuses its value
 *   record.rename-field ((ss) old, new) keeps the value and the position
 *   record.remove-field (s name)
 *   record.move-field ((sb) name, down)  one place up or down
 *   record.move-focused-field (b down)   Alt+Up / Alt+Down in a field
 * (the fields of a record's template keep the template's order)
 * A name must be non-empty and unique in the record; otherwise the action
 * does nothing and the entry that asked is marked as an error. */

GtkWidget   *fb_record_editor_new             (void);
void         fb_record_editor_load            (FbRecordEditor *self,
                                               FbItem         *item);
/* Shows a newer body of the same item, keeping rows (and the cursor) where
 * the fields are the same. */
void         fb_record_editor_refresh         (FbRecordEditor *self,
                                               JsonObject     *body);
JsonObject  *fb_record_editor_build_body      (FbRecordEditor *self,
                                               JsonObject     *base);
void         fb_record_editor_focus_title     (FbRecordEditor *self);
/* The record's attachments, under its fields (as a note's). */
FbAttachmentStrip *fb_record_editor_get_attachment_strip (FbRecordEditor *self);
GtkEditable *fb_record_editor_get_title_entry (FbRecordEditor *self);
/* Marks what @regex (fb_search_regex_new (); NULL for none) finds in the
 * title and the text of the fields, now and in each record loaded. */
void         fb_record_editor_set_search      (FbRecordEditor *self,
                                               GRegex         *regex);
/* The record's tags under its title (the body's "tags"). */
FbTagEntry  *fb_record_editor_get_tag_entry (FbRecordEditor *self);
/* The field names in the order shown (free with g_strfreev). */
char       **fb_record_editor_get_field_names (FbRecordEditor *self);
/* The row (an AdwEntryRow) that edits the value of @name, or NULL. */
GtkEditable *fb_record_editor_get_field_row   (FbRecordEditor *self,
                                               const char     *name);
/* The widget that edits field @name: an editable, a text view, a
 * switch, a combo row or the expander row of a multiple choice's checks. */
GtkWidget   *fb_record_editor_get_field_input (FbRecordEditor *self,
                                               const char     *name);
/* The check of @choice in the multiple choice @name, or NULL. */
GtkCheckButton *fb_record_editor_get_choice_check (FbRecordEditor *self,
                                                   const char     *name,
                                                   const char     *choice);
/* What is wrong with the value of the template's field @name, as the form
 * says it under the field, or NULL. */
const char  *fb_record_editor_get_field_problem (FbRecordEditor *self,
                                                 const char     *name);
/* Where the templates of records are found (records made from a template
 * show its fields typed). */
void         fb_record_editor_set_store       (FbRecordEditor *self,
                                               FbStore        *store);
/* Why the name typed into the rename popover of @name, or into the "New
 * Field Name" row, was refused, as the editor says it; NULL when it is not
 * saying anything. */
const char  *fb_record_editor_get_rename_message (FbRecordEditor *self,
                                                  const char     *name);
const char  *fb_record_editor_get_new_field_message (FbRecordEditor *self);
/* The entry of the rename popover of @name (NULL for a template's field,
 * which the template names). */
GtkEditable *fb_record_editor_get_rename_entry (FbRecordEditor *self,
                                                const char     *name);
/* The row a person types a new field's name into. */
GtkEditable *fb_record_editor_get_new_field_row (FbRecordEditor *self);

/* The toast that undoes the last "Remove Field", while it shows. */
AdwToast      *fb_record_editor_get_undo_toast (FbRecordEditor *self);

G_END_DECLS
