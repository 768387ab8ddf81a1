/* fb-field-drag.h: a field's row dragged by its handle onto another field's row, to move it there */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Called when @dragged was dropped on @onto (rows of the same form);
 * TRUE when the field moved. */
typedef gboolean (*FbFieldDropFunc) (GtkWidget *dragged,
                                     GtkWidget *onto,
                                     gpointer   user_data);

/* A drag handle for @row (to put in the row): dragging it carries @row,
 * shown as the drag icon. */
GtkWidget     *fb_field_drag_handle_new       (GtkWidget       *row);
/* Makes @row take dropped rows (within this process), calling @func. */
void           fb_field_drag_add_drop_target  (GtkWidget       *row,
                                               FbFieldDropFunc  func,
                                               gpointer         user_data);
/* The drop target of a row made so, for tests (else NULL). */
GtkDropTarget *fb_field_drag_get_drop_target  (GtkWidget       *row);

G_END_DECLS
