/* fb-record-csv.h: one template's records as CSV, and CSV into a template */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-store.h"

G_BEGIN_DECLS

/* The CSV text (fb-csv.h) of the live records made from @template: a
 * header row "Title", then the template's field names in its order, then
 * the records' other fields; one row per record, oldest first, each value
 * in its text form (fb_field_value_to_text (): ISO 8601 dates, "."
 * decimals, ";"-joined choice sets). *@n_records: the rows written. */
char        *fb_record_csv_export   (FbStore     *store,
                                     FbItem      *template,
                                     guint       *n_records,
                                     GError     **error);

typedef struct
{
  guint n_records;  /* records created */
  guint n_misfits;  /* values kept as text since they do not fit their field's type */
  guint n_unattached; /* names in photo or file fields, kept: a new record has no files */
} FbRecordCsvImport;

/* Creates one record of @template per row of @text (after its header
 * row), all in one transaction (local edits). A column whose header names
 * one of the template's fields (case-insensitively) fills it, typed; a
 * "Title" column the title; any other column becomes a field of that name
 * (text). A value that does not fit its field is kept as text, counted in
 * @result, and shown as a problem; an empty row is skipped. The names in a
 * photo or file field are kept as they are, counted, and shown as not
 * attached until files of those names are. */
gboolean     fb_record_csv_import   (FbStore            *store,
                                     FbItem             *template,
                                     const char         *text,
                                     gssize              length,
                                     FbRecordCsvImport  *result,
                                     GError            **error);

/* The same with what each column fills chosen by the person: @columns as
 * fb_record_csv_match_columns () gives them, edited, "" for a column to
 * leave out (NULL: as matched). */
gboolean     fb_record_csv_import_columns (FbStore            *store,
                                           FbItem             *template,
                                           const char         *text,
                                           gssize              length,
                                           GPtrArray          *columns,
                                           FbRecordCsvImport  *result,
                                           GError            **error);

/* What each column of @header fills on import: the name of a field of
 * @template (matched case-insensitively), the name of a new field, or NULL
 * for the title (char *, in the header's order). */
GPtrArray   *fb_record_csv_match_columns (JsonObject  *template,
                                          char       **header);

G_END_DECLS
