/* fb-field-row.h: a typed field of a record as a form row: its widget, its value, its problem */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "fb-store.h"

G_BEGIN_DECLS

/* One field of a record made from a template, as its type wants it shown:
 * an entry (text, numbers with their unit, dates and times with a
 * calendar, a location with "Use my location" where the location
 * portal answers), a text view (long text), a switch (yes/no), a
 * drop-down (choice), a list of checks (multiple choice) or, for a link,
 * the linked record's title with buttons to choose one (a searchable
 * picker), clear it and open it (win.open-item), or for a photo or file
 * field the tiles of its files with Attach… (fb-field-files.h).
 * Below it, a row that says what is wrong with the value, in words, while
 * something is. A value that does not fit the widget (imported text in a
 * number field, an unknown choice) is shown as it is and kept until the
 * person changes it. */
typedef struct _FbFieldRow FbFieldRow;

/* Called when the person changed the value (never for load or refresh). */
typedef void (*FbFieldRowChanged) (FbFieldRow *row,
                                   gpointer    user_data);

/* @definition: the template's field (copied); @value (nullable, copied). */
FbFieldRow  *fb_field_row_new           (JsonObject        *definition,
                                         JsonNode          *value,
                                         FbFieldRowChanged  changed,
                                         gpointer           user_data);
void         fb_field_row_free          (FbFieldRow        *row);

const char  *fb_field_row_get_name      (FbFieldRow        *row);
/* The row to put in a preferences group, and the problem row below it. */
GtkWidget   *fb_field_row_get_widget    (FbFieldRow        *row);
GtkWidget   *fb_field_row_get_problem_row (FbFieldRow      *row);
/* The widget a person types or clicks into (an editable, a text view, a
 * switch, a combo row, the expander of checks or a link's picker button). */
GtkWidget   *fb_field_row_get_input     (FbFieldRow        *row);
/* The check of @choice in a multiple choice, or NULL. */
GtkCheckButton *fb_field_row_get_check  (FbFieldRow        *row,
                                         const char        *choice);
/* The value to save (transfer full; NULL: empty). */
JsonNode    *fb_field_row_dup_value     (FbFieldRow        *row);
/* Shows a newer stored value, keeping the cursor where the text is the same. */
void         fb_field_row_set_value     (FbFieldRow        *row,
                                         JsonNode          *value);
/* A link field says the linked record's title (and offers the picker,
 * the popover of its input) once it knows the store; other fields ignore
 * this. */
void         fb_field_row_set_store     (FbFieldRow        *row,
                                         FbStore           *store);
/* A photo or file field attaches to item @id and checks its names
 * against the item's attachments once it knows them; other fields ignore
 * this. */
void         fb_field_row_set_item      (FbFieldRow        *row,
                                         FbStore           *store,
                                         const char        *id);
/* A photo or file field's widget (NULL for other fields). */
GtkWidget   *fb_field_row_get_files     (FbFieldRow        *row);
/* What is wrong with the value now, or NULL. */
const char  *fb_field_row_get_problem   (FbFieldRow        *row);

G_END_DECLS
