/* fb-json-text.h: server strings that json-glib cannot hold, kept through the store */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* CouchDB strings are JavaScript strings: they may hold U+0000 and lone
 * surrogates (\ud800), which json-glib cannot represent (its strings are
 * NUL-terminated UTF-8: such text arrived cut or empty). Before a server's
 * answer is parsed, each such code unit is rewritten as the noncharacter
 * U+10FFFF followed by its four hex digits (U+10FFFF itself is written as
 * its two surrogates the same way), which is valid UTF-8 without NUL and
 * travels through json-glib, the store, the merge and the editors as
 * ordinary text. Before a request is sent, the reverse turns every such
 * sequence back into a \uXXXX escape, so the server gets exactly the code
 * units it sent.
 *
 * Both return NULL when @json needs no change (the usual case), else the
 * rewritten text (transfer full, NUL-terminated) and its length. */
char *fb_json_text_protect   (const char *json,
                              gsize       len,
                              gsize      *out_len);
char *fb_json_text_unprotect (const char *json,
                              gsize       len,
                              gsize      *out_len);

G_END_DECLS
