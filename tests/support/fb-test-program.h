/* fb-test-program.h: the real `fieldbook --sync`, run and killed by the crash tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

#include "fb-test-server.h"

G_BEGIN_DECLS

/* Runs `fieldbook --sync` (FB_TEST_FIELDBOOK) on the store under @home,
 * against database @db of @server as @user/@password, with memory
 * settings and no debug output; sends it SIGKILL after @kill_after_ms
 * unless that is 0. Returns TRUE when it was killed; *@exit_status
 * (nullable) is its exit status, -1 when it did not exit. */
gboolean fb_test_run_fieldbook_sync (FbTestServer *server,
                                     const char   *home,
                                     const char   *db,
                                     const char   *user,
                                     const char   *password,
                                     guint         kill_after_ms,
                                     int          *exit_status);

G_END_DECLS
