/* fb-record-table.h: one template's records as a table: a column per field, sortable, searchable */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "fb-store.h"

G_BEGIN_DECLS

#define FB_TYPE_RECORD_TABLE (fb_record_table_get_type ())
G_DECLARE_FINAL_TYPE (FbRecordTable, fb_record_table, FB, RECORD_TABLE, AdwWindow)

/* The live records of the template @template_id: a title column, then one
 * column per field of the template (sorted by its type: numbers as
 * numbers, dates in order, text by the locale), searched as the list is,
 * optionally only those with problems. Activating a row emits
 * open-item (FbItem). Column widths are remembered per template while the
 * program runs. */
FbRecordTable *fb_record_table_new          (FbStore       *store,
                                             const char    *template_id);
GtkColumnView *fb_record_table_get_view     (FbRecordTable *self);
GtkEditable   *fb_record_table_get_search_entry (FbRecordTable *self);
GtkToggleButton *fb_record_table_get_problems_toggle (FbRecordTable *self);
/* What row @position shows in column @column (0: the title), or NULL. */
char          *fb_record_table_dup_cell     (FbRecordTable *self,
                                             guint          position,
                                             guint          column);

G_END_DECLS
