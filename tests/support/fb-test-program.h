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

/* The same program started and left running, for a test that kills it
 * when something it waits for happened (a proxy holding its upload). */
typedef struct _FbTestFieldbook FbTestFieldbook;

/* `fieldbook --sync` against @url (a server or a proxy in front of one),
 * as fb_test_run_fieldbook_sync () runs it, in the C.UTF-8 locale; its stderr
 * goes to @stderr_fd (kept open here; -1: /dev/null), its stdout to
 * /dev/null. */
FbTestFieldbook *fb_test_fieldbook_sync_start (const char      *url,
                                               const char      *home,
                                               const char      *db,
                                               const char      *user,
                                               const char      *password,
                                               int              stderr_fd);
/* The same with @more_args after the sync's own (e.g. "--encrypt") and
 * @more_env, NAME, VALUE pairs, set for it (both NULL-terminated,
 * nullable). */
FbTestFieldbook *fb_test_fieldbook_start_full (const char         *url,
                                               const char         *home,
                                               const char         *db,
                                               const char         *user,
                                               const char         *password,
                                               const char * const *more_args,
                                               const char * const *more_env,
                                               int                 stderr_fd);
/* TRUE once it exited or was killed (the main context turns meanwhile). */
gboolean         fb_test_fieldbook_has_ended  (FbTestFieldbook *self);
void             fb_test_fieldbook_kill       (FbTestFieldbook *self);
/* Waits for it to end and frees @self: TRUE when SIGKILL ended it;
 * *@exit_status (nullable) as fb_test_run_fieldbook_sync () gives it. */
gboolean         fb_test_fieldbook_wait       (FbTestFieldbook *self,
                                               int             *exit_status);

G_END_DECLS
