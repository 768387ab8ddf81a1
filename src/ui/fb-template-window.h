/* fb-template-window.h: the record templates, designed: fields, types, required, choices */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "fb-store.h"

G_BEGIN_DECLS

#define FB_TYPE_TEMPLATE_WINDOW (fb_template_window_get_type ())
G_DECLARE_FINAL_TYPE (FbTemplateWindow, fb_template_window, FB, TEMPLATE_WINDOW, AdwWindow)

/* Every change is saved at once (a local edit that syncs like any item).
 *
 * Actions (on the window):
 *   template.new                       a new template, its name focused
 *   template.add-field (s name)        a text field at the end, expanded
 *   template.remove-field (u index)
 *   template.move-field ((ui) index, up: 0 down: 1)
 *   template.move-focused-field (b down)  Alt+Up / Alt+Down
 * A field's name must be non-empty and unique in the template; otherwise
 * the entry that asked says why under it. */

FbTemplateWindow *fb_template_window_new          (FbStore          *store);
/* Shows the template @id in the editor. */
void              fb_template_window_select       (FbTemplateWindow *self,
                                                   const char       *id);
/* The id of the template in the editor, or NULL. */
const char       *fb_template_window_get_current_id (FbTemplateWindow *self);
GtkEditable      *fb_template_window_get_name_entry (FbTemplateWindow *self);
GtkEditable      *fb_template_window_get_new_field_row (FbTemplateWindow *self);
/* What the "New Field Name" row says is wrong, or NULL. */
const char       *fb_template_window_get_new_field_message (FbTemplateWindow *self);
/* The rows of field @index (NULL when there is none): the expander row
 * (title: its name), the type, required, unit and choices rows. */
AdwExpanderRow   *fb_template_window_get_field_row (FbTemplateWindow *self,
                                                    guint             index);
AdwComboRow      *fb_template_window_get_type_row  (FbTemplateWindow *self,
                                                    guint             index);
GtkSwitch        *fb_template_window_get_required_switch (FbTemplateWindow *self,
                                                          guint             index);
GtkEditable      *fb_template_window_get_unit_row  (FbTemplateWindow *self,
                                                    guint             index);
GtkEditable      *fb_template_window_get_choices_row (FbTemplateWindow *self,
                                                      guint             index);
/* A link field's "Links To" (fb-template-link-row.h). */
AdwComboRow      *fb_template_window_get_link_row (FbTemplateWindow *self,
                                                   guint             index);

G_END_DECLS
