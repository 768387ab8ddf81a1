/* fb-test-ui.h: looking at GTK widgets as a person would see them, for UI tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The first GtkLabel below @root (not @root itself) whose label is @text. */
GtkWidget *fb_test_find_label       (GtkWidget  *root,
                                     const char *text);
/* @widget itself or the first widget below it that is a @type. */
gpointer   fb_test_find_descendant  (GtkWidget  *widget,
                                     GType       type);
/* Visible to a person: it and all its ancestors are visible, and it is
 * mapped. FALSE for NULL. */
gboolean   fb_test_is_shown         (GtkWidget  *widget);
/* The template child @name of @widget (a @type), asserting it exists. */
gpointer   fb_test_template_child   (gpointer    widget,
                                     GType       type,
                                     const char *name);

/* The first visible toplevel window that is a @type, or NULL. */
gpointer   fb_test_find_toplevel    (GType       type);

/* The accessible label equals @expected (GTK's test AT context). */
#define assert_accessible_label(widget, expected)                             \
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (widget),              \
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,        \
                                       (expected))

G_END_DECLS
