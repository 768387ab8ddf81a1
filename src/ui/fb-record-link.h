/* fb-record-link.h: a link field's record picker, and the words a link shows */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>

#include "fb-store.h"

G_BEGIN_DECLS

#define FB_TYPE_RECORD_LINK_PICKER (fb_record_link_picker_get_type ())
G_DECLARE_FINAL_TYPE (FbRecordLinkPicker, fb_record_link_picker, FB, RECORD_LINK_PICKER, GtkPopover)

/* A popover to choose the record a link field points to: a search entry
 * over the records (of the template @template_id only, when not NULL),
 * the newest or best matches under it. Choosing one emits ::chosen with
 * its id and closes the popover. */
FbRecordLinkPicker *fb_record_link_picker_new (FbStore    *store,
                                               const char *template_id);
GtkEditable *fb_record_link_picker_get_search_entry (FbRecordLinkPicker *self);
/* The list of records shown; its model is a GListModel of FbItem. */
GtkListView *fb_record_link_picker_get_list_view    (FbRecordLinkPicker *self);

/* What a link to @id shows: the linked record's title, or in words that
 * the record is gone (deleted, or not on this device) with @missing set. */
char        *fb_record_link_describe (FbStore    *store,
                                      const char *id,
                                      gboolean   *missing);

G_END_DECLS
