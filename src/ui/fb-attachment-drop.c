/* fb-attachment-drop.c: files dropped onto an editor are attached, as Attach File… does */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-attachment-drop"

#include "config.h"

#include "fb-attachment-drop.h"

#define TARGET_KEY "fb-attachment-drop-target"
#define INNER_KEY "fb-attachment-drop-inner"

/* The widget under (@x, @y) of @onto that takes files itself, or NULL. */
static GtkWidget *
find_inner (GtkWidget *onto,
            double     x,
            double     y,
            FbAttachmentDropFunc *func)
{
  for (GtkWidget *w = gtk_widget_pick (onto, x, y, GTK_PICK_DEFAULT); w != NULL && w != onto;
       w = gtk_widget_get_parent (w))
    if ((*func = (FbAttachmentDropFunc) g_object_get_data (G_OBJECT (w), INNER_KEY)) != NULL)
      return w;

  return NULL;
}

static gboolean
drop_cb (GtkDropTarget     *target,
         const GValue      *value,
         double             x,
         double             y,
         FbAttachmentStrip *strip)
{
  GSList *files;
  gboolean attached;
  FbAttachmentDropFunc func = NULL;
  GtkWidget *inner;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  inner = find_inner (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target)), x, y, &func);
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  /* The strip (or the field) says in words which file failed and why;
   * the ones before it stay attached. */
  for (GSList *l = files; l != NULL; l = l->next)
    if (inner != NULL ? !func (inner, G_FILE (l->data), NULL)
                      : !fb_attachment_strip_add_file (strip, G_FILE (l->data), NULL))
      break;
  attached = files != NULL;
  g_slist_free (files);
  return attached;
}

/* Files dropped anywhere on @onto are attached to the item @strip shows.
 * The capture phase: the text view inside would otherwise take a file
 * list as text and insert its URIs. */
GtkDropTarget *
fb_attachment_drop_add_target (GtkWidget         *onto,
                               FbAttachmentStrip *strip)
{
  GtkDropTarget *target;

  g_return_val_if_fail (GTK_IS_WIDGET (onto), NULL);
  g_return_val_if_fail (FB_IS_ATTACHMENT_STRIP (strip), NULL);

  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (target), GTK_PHASE_CAPTURE);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), strip, 0);
  gtk_widget_add_controller (onto, GTK_EVENT_CONTROLLER (target));
  g_object_set_data (G_OBJECT (onto), TARGET_KEY, target);
  return target;
}

/* For tests: the target fb_attachment_drop_add_target () put on @onto. */
GtkDropTarget *
fb_attachment_drop_get_target (GtkWidget *onto)
{
  g_return_val_if_fail (GTK_IS_WIDGET (onto), NULL);

  return g_object_get_data (G_OBJECT (onto), TARGET_KEY);
}

void
fb_attachment_drop_set_inner (GtkWidget            *widget,
                              FbAttachmentDropFunc  func)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  g_object_set_data (G_OBJECT (widget), INNER_KEY, (gpointer) func);
}
