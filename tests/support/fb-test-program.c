/* fb-test-program.c: the real `fieldbook --sync`, run and killed by the crash tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test"

#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include "fb-test-peer.h"
#include "fb-test-program.h"
#include "fb-test-wait.h"

typedef struct {
  GPid     pid;
  gboolean exited;
  int      wait_status;
  guint    kill_id;
} Child;

static void
child_exited_cb (GPid     pid,
                 int      wait_status,
                 gpointer user_data)
{
  Child *child = user_data;

  child->exited = TRUE;
  child->wait_status = wait_status;
  g_spawn_close_pid (pid);
}

static gboolean
kill_child_cb (gpointer user_data)
{
  Child *child = user_data;

  child->kill_id = 0;
  if (!child->exited)
    kill (child->pid, SIGKILL);
  return G_SOURCE_REMOVE;
}

gboolean
fb_test_run_fieldbook_sync (FbTestServer *server,
                            const char   *home,
                            const char   *db,
                            const char   *user,
                            const char   *password,
                            guint         kill_after_ms,
                            int          *exit_status)
{
  const char *program = g_getenv ("FB_TEST_FIELDBOOK");
  const char *argv[] = {
    program, "--sync", "--server", fb_test_server_get_url (server),
    "--database", db, "--user", user, NULL
  };
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  Child child = { 0, };

  g_assert_nonnull (program);
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", home, TRUE);
  envp = g_environ_setenv (envp, "FIELDBOOK_PASSWORD", password, TRUE);
  envp = g_environ_setenv (envp, "GSETTINGS_BACKEND", "memory", TRUE);
  envp = g_environ_unsetenv (envp, "G_MESSAGES_DEBUG");

  g_spawn_async (NULL, (char **) argv, envp,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                 NULL, NULL, &child.pid, &error);
  g_assert_no_error (error);
  g_child_watch_add (child.pid, child_exited_cb, &child);
  if (kill_after_ms > 0)
    child.kill_id = g_timeout_add (kill_after_ms, kill_child_cb, &child);

  WAIT_UNTIL (child.exited, FB_TEST_PEER_DEADLINE_MS);
  g_clear_handle_id (&child.kill_id, g_source_remove);

  if (exit_status != NULL)
    *exit_status = WIFEXITED (child.wait_status) ? WEXITSTATUS (child.wait_status) : -1;
  return WIFSIGNALED (child.wait_status) && WTERMSIG (child.wait_status) == SIGKILL;
}
