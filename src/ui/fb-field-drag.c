/* fb-field-drag.c: a field's row dragged by its handle onto another field's row, to move it there */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-field-drag"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-field-drag.h"

#define DROP_TARGET_KEY "fb-field-drop-target"

/* The row dragged is the drag's content: both ends are in this process. */
static GdkContentProvider *
prepare_cb (GtkDragSource *source,
            double         x,
            double         y,
            GtkWidget     *row)
{
  return gdk_content_provider_new_typed (GTK_TYPE_WIDGET, row);
}

static void
drag_begin_cb (GtkDragSource *source,
               GdkDrag       *drag,
               GtkWidget     *row)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (row);

  gtk_drag_source_set_icon (source, paintable, 0, 0);
}

GtkWidget *
fb_field_drag_handle_new (GtkWidget *row)
{
  GtkWidget *handle = gtk_image_new_from_icon_name ("list-drag-handle-symbolic");
  GtkDragSource *source = gtk_drag_source_new ();

  g_return_val_if_fail (GTK_IS_WIDGET (row), NULL);

  gtk_widget_set_tooltip_text (handle, _("Drag to Move (or Alt+Up, Alt+Down)"));
  gtk_widget_add_css_class (handle, "dim-label");
  gtk_widget_set_cursor_from_name (handle, "grab");
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  /* The row owns the handle, so it outlives the source's signals. */
  g_signal_connect (source, "prepare", G_CALLBACK (prepare_cb), row);
  g_signal_connect (source, "drag-begin", G_CALLBACK (drag_begin_cb), row);
  gtk_widget_add_controller (handle, GTK_EVENT_CONTROLLER (source));

  return handle;
}

typedef struct
{
  FbFieldDropFunc func;
  gpointer        user_data;
} Drop;

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         Drop          *drop)
{
  GtkWidget *onto = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
  GtkWidget *dragged = g_value_get_object (value);

  if (dragged == NULL || dragged == onto)
    return FALSE;

  return drop->func (dragged, onto, drop->user_data);
}

void
fb_field_drag_add_drop_target (GtkWidget       *row,
                               FbFieldDropFunc  func,
                               gpointer         user_data)
{
  GtkDropTarget *target = gtk_drop_target_new (GTK_TYPE_WIDGET, GDK_ACTION_MOVE);
  Drop *drop = g_new0 (Drop, 1);

  g_return_if_fail (GTK_IS_WIDGET (row));
  g_return_if_fail (func != NULL);

  drop->func = func;
  drop->user_data = user_data;
  g_signal_connect_data (target, "drop", G_CALLBACK (drop_cb), drop,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));
  g_object_set_data (G_OBJECT (row), DROP_TARGET_KEY, target);
}

GtkDropTarget *
fb_field_drag_get_drop_target (GtkWidget *row)
{
  g_return_val_if_fail (GTK_IS_WIDGET (row), NULL);

  return g_object_get_data (G_OBJECT (row), DROP_TARGET_KEY);
}
