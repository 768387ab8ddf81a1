/* fb-field-files.h: a record's photo or file field: tiles of its files, Attach…, remove with Undo */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "fb-field-type.h"
#include "fb-store.h"

G_BEGIN_DECLS

#define FB_TYPE_FIELD_FILES (fb_field_files_get_type ())
G_DECLARE_FINAL_TYPE (FbFieldFiles, fb_field_files, FB, FIELD_FILES, GtkWidget)

/* The files a photo or file field names, as tiles (a photo field's as
 * thumbnails), a name the record does not hold as such, and an Attach…
 * button. Every change goes through the store in one local edit
 * (fb-record-files.h): the file and its name in the field together; the
 * record editor shows the stored value again (fb_field_files_set_names ()).
 *
 * Signals: before-edit (): about to change the item through the store;
 * the window saves what is typed first.
 *
 * Actions (on the widget):
 *   field-files.add-file         chooses files (portal in Flatpak; a
 *                                photo field's chooser shows images)
 *   field-files.remove (s name)  from the record, with an Undo toast
 *   field-files.undo-remove      puts the last removed one back, in the field too
 *   field-files.open (s name)    the larger view */

GtkWidget  *fb_field_files_new          (const char   *field,
                                         FbFieldType   type);
void        fb_field_files_set_item     (FbFieldFiles *self,
                                         FbStore      *store,
                                         const char   *id);
/* Shows the names of @value (the field's stored value). */
void        fb_field_files_set_names    (FbFieldFiles *self,
                                         JsonNode     *value);
/* Attaches @file to the item and the field; on failure the toast says
 * why, in words, and FALSE with @error. */
gboolean    fb_field_files_add_file     (FbFieldFiles *self,
                                         GFile        *file,
                                         GError      **error);
/* The Attach… button (the field's input). */
GtkWidget  *fb_field_files_get_button   (FbFieldFiles *self);
/* The names shown (free with g_strfreev), the words under @name, whether
 * @name shows a picture. */
char      **fb_field_files_dup_names    (FbFieldFiles *self);
const char *fb_field_files_get_detail   (FbFieldFiles *self,
                                         const char   *name);
gboolean    fb_field_files_shows_picture (FbFieldFiles *self,
                                          const char   *name);
/* The bar over @name's picture, shown while its file is sent or
 * downloaded (the words under it say how far). */
GtkProgressBar *fb_field_files_get_progress_bar (FbFieldFiles *self,
                                                 const char   *name);
/* The toast of the last removal or failure, while it shows; the larger
 * view while it shows. */
AdwToast   *fb_field_files_get_toast    (FbFieldFiles *self);
GtkWindow  *fb_field_files_get_viewer   (FbFieldFiles *self);

/* For the editor's drop target: the field that @widget (picked under the
 * pointer) is in, or NULL. */
FbFieldFiles *fb_field_files_find       (GtkWidget    *widget);

G_END_DECLS
