/* fb-record-query.h: which of a template's records a table shows, and in what order, in SQL */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-field-type.h"
#include "fb-item.h"
#include "fb-store.h"

G_BEGIN_DECLS

/* What the records table asks of the lazy list (fb_item_list_set_record_query ()):
 * the live records made from one template, sorted in SQL by one column's
 * typed value (numbers, yes/no and a location's latitude as numbers; text,
 * choices and ISO 8601 dates, times and date-times as text, ignoring ASCII
 * case; empty values and values of another type last, whichever the
 * direction), then newest first; optionally only those with problems
 * against the template. Immutable once a list has it. */
typedef struct _FbRecordQuery FbRecordQuery;

#define FB_TYPE_RECORD_QUERY (fb_record_query_get_type ())
GType          fb_record_query_get_type   (void) G_GNUC_CONST;

FbRecordQuery *fb_record_query_new        (const char    *template_id);
FbRecordQuery *fb_record_query_ref        (FbRecordQuery *self);
void           fb_record_query_unref      (FbRecordQuery *self);
const char    *fb_record_query_get_template_id (FbRecordQuery *self);
/* Sorts by the field @name of @type; NULL @name: by the title. */
void           fb_record_query_set_sort   (FbRecordQuery *self,
                                           const char    *name,
                                           FbFieldType    type,
                                           gboolean       descending);
/* Only the records with problems against @template (a template's body,
 * copied); NULL: all of them. */
void           fb_record_query_set_problems_only (FbRecordQuery *self,
                                                  JsonObject    *template);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbRecordQuery, fb_record_query_unref)

/* For FbItemList: what a row sorts by, one allocation. */
typedef struct _FbRecordKey FbRecordKey;

FbRecordKey   *_fb_record_key_new_from_body (FbRecordQuery     *self,
                                             JsonObject        *body);
/* The order of the query's SQL: keys, then nothing (the caller goes on
 * with newest first, then the id). */
int            _fb_record_query_compare   (FbRecordQuery     *self,
                                           const FbRecordKey *a,
                                           const FbRecordKey *b);
/* Whether @item is one of the rows (the search aside). */
gboolean       _fb_record_query_takes     (FbRecordQuery     *self,
                                           FbItem            *item);

/* Each row the query takes that matches @search (NULL: all), in order;
 * @key is the callee's. */
typedef void (*FbRecordKeyFunc) (gint64       rowid,
                                 gint64       updated_at,
                                 const char  *id,
                                 FbRecordKey *key,
                                 gpointer     user_data);
gboolean       _fb_record_query_foreach   (FbRecordQuery     *self,
                                           FbStore           *store,
                                           const char        *search,
                                           FbRecordKeyFunc    func,
                                           gpointer           user_data,
                                           GError           **error);

G_END_DECLS
