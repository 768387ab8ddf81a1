/* fb-record-files.h: a record's photo and file fields, kept in step with its attachments */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-attachments.h"

G_BEGIN_DECLS

/* A photo or file field (fb-field-type.h) names attachments of its own
 * record. These keep the names and the attachments in step, each in one
 * local edit (one transaction): what the person sees as one action is one
 * change of the item, durable before it returns. Items without a template
 * (notes, blank records) have no such fields; then they act as the plain
 * attachment calls in fb-attachments.h. */

/* The names of the photo and file fields of @body's template, in its order
 * (char *); empty when it has none or the template is not here. */
GPtrArray    *fb_store_list_file_fields      (FbStore             *self,
                                              JsonObject          *body);

/* The names @body's photo and file fields hold (a set of char *, by
 * name); empty when it has no such fields. A record's attachment strip
 * shows only the files none of them names. */
GHashTable   *fb_store_dup_field_file_names  (FbStore             *self,
                                              JsonObject          *body);

/* Attaches @data to item @id as fb_store_add_attachment () does and adds
 * the name it got (perhaps "heron (2).jpg") to its field @field. Refused
 * with FB_STORE_ERROR_INVALID, nothing changed, when @field is not a photo
 * or file field of the record's template. */
FbAttachment *fb_store_attach_to_field       (FbStore             *self,
                                              const char          *id,
                                              const char          *field,
                                              const char          *name,
                                              const char          *content_type,
                                              GInputStream        *data,
                                              GCancellable        *cancellable,
                                              GError             **error);

/* Removes attachment @name from item @id and from every photo or file
 * field that names it; *@fields (nullable; free with g_strfreev) says
 * which, for fb_store_reattach_attachment (). */
gboolean      fb_store_detach_attachment     (FbStore             *self,
                                              const char          *id,
                                              const char          *name,
                                              char              ***fields,
                                              GError             **error);
/* The undo of the above: @attachment (as fb_store_get_attachment () gave
 * it before) back on the item, and its name back in @fields. */
gboolean      fb_store_reattach_attachment   (FbStore             *self,
                                              const char          *id,
                                              const FbAttachment  *attachment,
                                              const char * const  *fields,
                                              GError             **error);

/* For fb-attachments-rename.c: @old_name renamed to @new_name in @body's
 * photo and file fields; whether any changed. */
gboolean      _fb_record_files_rename        (FbStore             *self,
                                              JsonObject          *body,
                                              const char          *old_name,
                                              const char          *new_name);

G_END_DECLS
