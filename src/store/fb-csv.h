/* fb-csv.h: CSV text (RFC 4180) written and read */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends one row: cells separated by ",", a cell quoted when it holds a
 * comma, a quote, a line break or starts or ends with a space; quotes in
 * it doubled; the row ended with CRLF. */
void         fb_csv_append_row     (GString            *out,
                                    const char * const *cells);

/* The rows of @text (UTF-8, @length bytes or -1) as a GPtrArray of GStrv:
 * quoted cells may hold commas, doubled quotes and line breaks; rows end
 * with CRLF, LF or CR; a UTF-8 byte order mark is skipped; the separator is
 * "," unless the first line has more ";" or tabs outside quotes (as
 * spreadsheets in some locales write). A last empty line is no row.
 * Fails (G_IO_ERROR_INVALID_DATA, in words) on text that is not UTF-8 or
 * a quote that is never closed. */
GPtrArray   *fb_csv_parse          (const char         *text,
                                    gssize              length,
                                    GError            **error);

G_END_DECLS
