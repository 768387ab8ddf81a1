/* fb-test-wait.h: waiting in tests without sleeping: iterate the main context until it holds */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* For g_timeout_add (): sets *(gboolean *) @user_data and removes itself. */
gboolean  fb_test_deadline_cb         (gpointer      user_data);
/* For g_timeout_add (): does nothing and stays, so the loop keeps turning. */
gboolean  fb_test_tick_cb             (gpointer      user_data);

/* Iterates the main context until @cond holds, failing after @ms. A 10 ms
 * tick keeps the loop turning for conditions no source reports (a widget's
 * state, a file). */
#define WAIT_UNTIL(cond, ms)                                                  \
  G_STMT_START {                                                              \
    gboolean expired_ = FALSE;                                                \
    guint id_ = g_timeout_add ((ms), fb_test_deadline_cb, &expired_);         \
    guint tick_ = g_timeout_add (10, fb_test_tick_cb, NULL);                  \
    while (!(cond) && !expired_)                                              \
      g_main_context_iteration (NULL, TRUE);                                  \
    if (!expired_)                                                            \
      g_source_remove (id_);                                                  \
    g_source_remove (tick_);                                                  \
    if (!(cond))                                                              \
      g_error ("%s:%d: timed out after %u ms waiting for %s",                 \
               __FILE__, __LINE__, (guint) (ms), #cond);                      \
  } G_STMT_END

/* Runs what is ready now, without waiting for anything. */
void      fb_test_drain_main_context  (void);

/* A GAsyncReadyCallback that stores a reference to @result in
 * *(GAsyncResult **) @user_data: wait with WAIT_UNTIL (result != NULL, …). */
void      fb_test_got_result_cb       (GObject      *object,
                                       GAsyncResult *result,
                                       gpointer      user_data);

/* Iterates the thread-default main context until *@flag is TRUE, or
 * fails the test after @timeout_ms. */
void      fb_test_wait_for_flag       (gboolean     *flag,
                                       guint         timeout_ms);

G_END_DECLS
