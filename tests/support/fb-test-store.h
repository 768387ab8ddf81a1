/* fb-test-store.h: a fake clock and SQL read-backs for store tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib/gstdio.h>
#include <sqlite3.h>

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

/* A new note in @store, asserting it could be made. */
FbItem *fb_test_store_create_note  (FbStore    *store,
                                    const char *title,
                                    const char *text);

G_END_DECLS
