/* fb-json-reader.h: the text of one JSON value at a time from a stream */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* json-glib 1.6 parses a whole document into memory. This reader walks a
 * document's outer structure from a GInputStream and hands out the text of
 * one value at a time (an element of a long array), for JsonParser to parse
 * on its own: memory stays that of the largest value, whatever the size of
 * the document. It finds where a value ends (brackets, strings and their
 * escapes); whether the value is valid JSON is the parser's to say. Errors
 * are G_IO_ERROR_INVALID_DATA with the line, or the stream's own. */
typedef struct _FbJsonReader FbJsonReader;

FbJsonReader *fb_json_reader_new        (GInputStream  *in);
void          fb_json_reader_free       (FbJsonReader  *self);

/* The next character after white space, not consumed; -1 at the end. */
gboolean      fb_json_reader_peek       (FbJsonReader  *self,
                                         int           *c,
                                         GCancellable  *cancellable,
                                         GError       **error);
/* Consumes @c after white space, or fails saying what came instead. */
gboolean      fb_json_reader_expect     (FbJsonReader  *self,
                                         char           c,
                                         GCancellable  *cancellable,
                                         GError       **error);
/* Consumes the next value (after white space) and appends its text to @out. */
gboolean      fb_json_reader_read_value (FbJsonReader  *self,
                                         GString       *out,
                                         GCancellable  *cancellable,
                                         GError       **error);
/* Attachment data, set aside: while a value is read, the string of every
 * "data" member of an entry of its "_attachments" object (CouchDB's inline
 * form, {"_attachments": {NAME: {"data": "…"}}}) is not put into the text.
 * Its characters, as they stand in the file (JSON escapes included), go to
 * @func in pieces instead, and the text holds
 * FB_JSON_READER_SET_ASIDE_PREFIX followed by the string's number, counted
 * from 0 in each value; @func's last call for a string has @last TRUE.
 * Memory stays small however large the data. */
#define FB_JSON_READER_SET_ASIDE_PREFIX "fb-set-aside:"

typedef gboolean (*FbJsonReaderSetAsideFunc) (guint         index,
                                              const char   *chars,
                                              gsize         len,
                                              gboolean      last,
                                              gpointer      user_data,
                                              GError      **error);

void          fb_json_reader_set_aside_attachment_data (FbJsonReader             *self,
                                                        FbJsonReaderSetAsideFunc  func,
                                                        gpointer                  user_data);

/* Fails unless only white space is left. */
gboolean      fb_json_reader_expect_end (FbJsonReader  *self,
                                         GCancellable  *cancellable,
                                         GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbJsonReader, fb_json_reader_free)

G_END_DECLS
