/* fb-test-store.h: a fake clock and SQL read-backs for store tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "fb-attachments.h"
#include "fb-store.h"
#include "fb-store-private.h"
#include "fb-test-dir.h"

G_BEGIN_DECLS

/* A clock for _fb_store_set_clock (): every call is one second later than
 * the last (*(gint64 *) @user_data, ms), so orders by updated_at are
 * deterministic. */
gint64  fb_test_clock       (gpointer    user_data);
/* The first column of the one row @sql returns, asserting there is one. */
gint64  fb_test_query_int   (sqlite3    *db,
                             const char *sql);
char   *fb_test_query_text  (sqlite3    *db,
                             const char *sql);

/* Bytes no text codec would leave alone: every byte value, several times. */
GBytes       *fb_test_bytes                  (gsize       size);
/* Attaches @bytes to item @id of @store as @name (@content_type NULL:
 * guessed), asserting it works; returns the entry as attached. */
FbAttachment *fb_test_store_attach           (FbStore    *store,
                                              const char *id,
                                              const char *name,
                                              const char *content_type,
                                              GBytes     *bytes);
/* The bytes of attachment @name of item @id (which must have it), read
 * from its file; NULL when its data is not on this device. */
GBytes       *fb_test_store_attachment_bytes (FbStore    *store,
                                              const char *id,
                                              const char *name);

/* A new note in @store, asserting it could be made. */
FbItem *fb_test_store_create_note  (FbStore    *store,
                                    const char *title,
                                    const char *text);

G_END_DECLS
