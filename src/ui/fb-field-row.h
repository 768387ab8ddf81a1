/* fb-field-row.h: a typed field of a record as a form row: its widget, its value, its problem */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One field of a record made from a template, as its type wants it shown:
 * an entry (text, numbers with their unit, dates and times with a
 * calendar, a location, a link), a text view (long text), a switch
 * (yes/no), a drop-down (choice) or a list of checks (multiple choice).
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
 * switch, a combo row or the expander of checks). */
GtkWidget   *fb_field_row_get_input     (FbFieldRow        *row);
/* The check of @choice in a multiple choice, or NULL. */
GtkCheckButton *fb_field_row_get_check  (FbFieldRow        *row,
                                         const char        *choice);
/* The value to save (transfer full; NULL: empty). */
JsonNode    *fb_field_row_dup_value     (FbFieldRow        *row);
/* Shows a newer stored value, keeping the cursor where the text is the same. */
void         fb_field_row_set_value     (FbFieldRow        *row,
                                         JsonNode          *value);
/* What is wrong with the value now, or NULL. */
const char  *fb_field_row_get_problem   (FbFieldRow        *row);

G_END_DECLS
