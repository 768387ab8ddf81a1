/* fb-test-wait.c: waiting in tests without sleeping: iterate the main context until it holds */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-wait"

#include "config.h"

#include "fb-test-wait.h"

gboolean
fb_test_deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
fb_test_tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

void
fb_test_drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
fb_test_got_result_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

void
fb_test_wait_for_flag (gboolean *flag,
                       guint     timeout_ms)
{
  GMainContext *context = g_main_context_get_thread_default ();
  gboolean timed_out = FALSE;
  GSource *timer;

  timer = g_timeout_source_new (timeout_ms);
  g_source_set_callback (timer, fb_test_deadline_cb, &timed_out, NULL);
  g_source_attach (timer, context);

  while (!*flag && !timed_out)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (timer);
  g_source_unref (timer);

  if (!*flag)
    g_error ("Timed out after %u ms waiting for an asynchronous result", timeout_ms);
}
