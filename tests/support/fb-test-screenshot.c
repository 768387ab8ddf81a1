/* fb-test-screenshot.c: a picture of the Broadway display through the connected browser */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-screenshot"

#include "config.h"

#include "fb-test-screenshot.h"
#include "fb-test-wait.h"

/* How long node may take for one picture. */
#define SCREENSHOT_DEADLINE_MS 60000

typedef struct {
  gboolean done;
  int      status;
} Child;

static void
child_exited_cb (GPid     pid,
                 int      status,
                 gpointer user_data)
{
  Child *child = user_data;

  child->status = status;
  child->done = TRUE;
  g_spawn_close_pid (pid);
}

void
fb_test_screenshot (const char *script,
                    const char *out_dir,
                    const char *name,
                    const char *size,
                    guint       delay_ms)
{
  g_autofree char *out = g_build_filename (out_dir, name, NULL);
  g_autofree char *delay = g_strdup_printf ("%u", delay_ms);
  const char *argv[] = {
    "node", "--experimental-websocket", script,
    "--info", g_getenv ("FB_BROADWAY_INFO"),
    "--out", out, "--size", size, "--delay", delay, NULL
  };
  g_autoptr(GError) error = NULL;
  Child child = { FALSE, 0 };
  GPid pid;

  if (!g_spawn_async (NULL, (char **) argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                      NULL, NULL, &pid, &error))
    g_error ("Cannot run node: %s", error->message);
  g_child_watch_add (pid, child_exited_cb, &child);
  /* The main loop keeps running: GTK must go on drawing meanwhile. */
  WAIT_UNTIL (child.done, SCREENSHOT_DEADLINE_MS);
  if (!g_spawn_check_wait_status (child.status, &error))
    g_error ("screenshot.mjs failed: %s", error->message);
  g_print ("saved %s\n", out);
}
