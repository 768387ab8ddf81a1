/* fb-tag-entry.h: the tags of an item as removable chips, and an entry that adds them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FB_TYPE_TAG_ENTRY (fb_tag_entry_get_type ())
G_DECLARE_FINAL_TYPE (FbTagEntry, fb_tag_entry, FB, TAG_ENTRY, GtkWidget)

/* Signals: changed (): the person added or removed a tag (never for
 * fb_tag_entry_set_tags ()).
 *
 * Enter or a comma adds what was typed (each tag once, ASCII case aside);
 * Backspace in the empty entry removes the last tag; a chip's button
 * removes its tag. The completion offers the known tags (the window's). */

GtkWidget   *fb_tag_entry_new          (void);
/* Shows @tags (strings; NULL: none). */
void         fb_tag_entry_set_tags     (FbTagEntry         *self,
                                        JsonArray          *tags);
/* A new array of the tags shown, in order. */
JsonArray   *fb_tag_entry_dup_tags     (FbTagEntry         *self);
/* As the person would: TRUE (and changed) if the tag was added/removed. */
gboolean     fb_tag_entry_add          (FbTagEntry         *self,
                                        const char         *name);
gboolean     fb_tag_entry_remove       (FbTagEntry         *self,
                                        const char         *name);
/* The tags the completion offers (NULL-terminated). */
void         fb_tag_entry_set_known    (FbTagEntry         *self,
                                        const char * const *names);
GtkEditable *fb_tag_entry_get_editable (FbTagEntry         *self);
/* The chip of @name's remove button (for tests), or NULL. */
GtkWidget   *fb_tag_entry_get_chip     (FbTagEntry         *self,
                                        const char         *name);

G_END_DECLS
