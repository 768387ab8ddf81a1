/* fb-template.h: record templates: named, typed fields, and what they ask of a record */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-field-type.h"
#include "fb-store.h"

G_BEGIN_DECLS

/* A template is an item of the "templates" collection (a CouchDB document
 * with "type": "templates", synced like any item) whose body is
 *   {"title": name, "fields": [{"name", "type", "required", "unit",
 *                               "choices": [strings]}, ...]}
 * ("unit" for numbers, "choices" for choice and multiple choice). A record
 * made from it keeps the template's id in its body ("template"); its
 * values are in "fields" as for any record, typed (fb-field-type.h). A
 * field the template no longer has stays in the record as an extra field. */

JsonObject  *fb_template_body_new           (const char  *name);
guint        fb_template_get_n_fields       (JsonObject  *template);
/* The @index-th field definition (owned by @template), or NULL. */
JsonObject  *fb_template_get_field          (JsonObject  *template,
                                             guint        index);
JsonObject  *fb_template_find_field         (JsonObject  *template,
                                             const char  *name);
/* Appends a new field (name, type, not required) and returns it. */
JsonObject  *fb_template_add_field          (JsonObject  *template,
                                             const char  *name,
                                             FbFieldType  type);

const char  *fb_template_field_get_name     (JsonObject  *field);
FbFieldType  fb_template_field_get_type     (JsonObject  *field);
gboolean     fb_template_field_get_required (JsonObject  *field);
const char  *fb_template_field_get_unit     (JsonObject  *field);
/* The field's choices (char *, owned by @field): strings, once each. */
GPtrArray   *fb_template_field_get_choices  (JsonObject  *field);

/* What is wrong with @value for @field, in words ("Count must be a whole
 * number"), or NULL when nothing is. */
char        *fb_template_field_check        (JsonObject  *field,
                                             JsonNode    *value);
/* The same, and for a photo or file field each name the record (@record,
 * a body; NULL: not asked) does not hold in its "_attachments":
 * "“heron.jpg” is not attached". */
char        *fb_template_field_check_record (JsonObject  *field,
                                             JsonNode    *value,
                                             JsonObject  *record);

/* A new record of @template (its id @template_id): the template's fields
 * in its order, empty, and a yes/no field false. */
JsonObject  *fb_record_body_new_from_template (const char *title,
                                               const char *template_id,
                                               JsonObject *template);
/* The id of the template a record was made from, or NULL. */
const char  *fb_record_body_get_template_id (JsonObject  *record);
/* The problems of a record against its template: one message per field
 * (char *), in the template's order; an empty array when none. Photo and
 * file fields are checked against the record's attachments. */
GPtrArray   *fb_record_body_get_problems    (JsonObject  *record,
                                             JsonObject  *template);
/* A record's field names as a form shows them: the template's fields in
 * the template's order, then the record's other fields in the record's
 * order (char *). */
GPtrArray   *fb_record_body_get_form_names  (JsonObject  *record,
                                             JsonObject  *template);

/* The live templates, by name (FbItem). */
GPtrArray   *fb_store_list_templates        (FbStore     *store,
                                             GError     **error);
/* The live template named @name, compared case-insensitively (Unicode
 * case folding), or NULL with FB_STORE_ERROR_NOT_FOUND. */
FbItem      *fb_store_find_template         (FbStore     *store,
                                             const char  *name,
                                             GError     **error);
/* The live records made from the template @template_id, oldest first
 * (FbItem). */
GPtrArray   *fb_store_list_template_records (FbStore     *store,
                                             const char  *template_id,
                                             GError     **error);

G_END_DECLS
