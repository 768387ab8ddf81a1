/* fb-test-ui.h: looking at GTK widgets as a person would see them, for UI tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "fb-attachment-strip.h"
#include "fb-note-editor.h"
#include "fb-store.h"
#include "fb-window.h"

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

/* A window over a new store (in a temporary folder) holding one note,
 * open in the note editor; edits are saved at once. */
typedef struct
{
  char              *dir;
  FbStore           *store;
  FbWindow          *window;
  FbNoteEditor      *editor;
  GtkTextBuffer     *buffer;  /* the editor's text */
  FbAttachmentStrip *strip;   /* the editor's attachments */
  char              *id;      /* the note's */
} FbTestNoteWindow;

/* Makes the note (@title, @text), presents the window and waits until
 * the note shows in the editor. */
void       fb_test_note_window_setup    (FbTestNoteWindow *fixture,
                                         const char       *title,
                                         const char       *text);
/* Closes the window, asserts that window and store are finalized (no
 * leaked references), removes the folder. */
void       fb_test_note_window_teardown (FbTestNoteWindow *fixture);

/* A real left click through the browser that tests/ui/broadway-run.sh
 * connected (tests/ui/keyboard.mjs over the DevTools protocol) at
 * @point, in @window's coordinates; @window maximized, so that it sits at
 * the page's corner. FALSE when there is no browser to drive (not under
 * broadway-run.sh, or no Node): the caller skips. */
gboolean   fb_test_click_in_browser     (GtkWindow              *window,
                                         const graphene_point_t *point);
/* The same at the middle of @widget, in its maximized window. */
gboolean   fb_test_click_widget         (GtkWidget              *widget);

/* The accessible label equals @expected (GTK's test AT context). */
#define assert_accessible_label(widget, expected)                             \
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (widget),              \
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,        \
                                       (expected))

G_END_DECLS
