/* fb-test-program.c: the real `fieldbook --sync`, run and killed by the crash tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test"

#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include "fb-test-peer.h"
#include "fb-test-program.h"
#include "fb-test-wait.h"

struct _FbTestFieldbook {
  GPid     pid;
  gboolean exited;
  int      wait_status;
  guint    kill_id;
};

static void
child_exited_cb (GPid     pid,
                 int      wait_status,
                 gpointer user_data)
{
  FbTestFieldbook *child = user_data;

  child->exited = TRUE;
  child->wait_status = wait_status;
  g_spawn_close_pid (pid);
}

static gboolean
kill_child_cb (gpointer user_data)
{
  FbTestFieldbook *child = user_data;

  child->kill_id = 0;
  fb_test_fieldbook_kill (child);
  return G_SOURCE_REMOVE;
}

FbTestFieldbook *
fb_test_fieldbook_sync_start (const char *url,
                              const char *home,
                              const char *db,
                              const char *user,
                              const char *password,
                              int         stderr_fd)
{
  return fb_test_fieldbook_start_full (url, home, db, user, password, NULL, NULL, stderr_fd);
}

FbTestFieldbook *
fb_test_fieldbook_start_full (const char         *url,
                              const char         *home,
                              const char         *db,
                              const char         *user,
                              const char         *password,
                              const char * const *more_args,
                              const char * const *more_env,
                              int                 stderr_fd)
{
  const char *program = g_getenv ("FB_TEST_FIELDBOOK");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  FbTestFieldbook *child = g_new0 (FbTestFieldbook, 1);
  GSpawnFlags flags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL;
  const char *sync_args[] = { "--sync", "--server", url, "--database", db, "--user", user };

  g_assert_nonnull (program);
  g_ptr_array_add (argv, (gpointer) program);
  for (guint i = 0; i < G_N_ELEMENTS (sync_args); i++)
    g_ptr_array_add (argv, (gpointer) sync_args[i]);
  for (guint i = 0; more_args != NULL && more_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) more_args[i]);
  g_ptr_array_add (argv, NULL);

  envp = g_environ_setenv (envp, "XDG_DATA_HOME", home, TRUE);
  envp = g_environ_setenv (envp, "FIELDBOOK_PASSWORD", password, TRUE);
  envp = g_environ_setenv (envp, "GSETTINGS_BACKEND", "memory", TRUE);
  envp = g_environ_setenv (envp, "LC_ALL", "C.UTF-8", TRUE);
  envp = g_environ_unsetenv (envp, "G_MESSAGES_DEBUG");
  for (guint i = 0; more_env != NULL && more_env[i] != NULL && more_env[i + 1] != NULL; i += 2)
    envp = g_environ_setenv (envp, more_env[i], more_env[i + 1], TRUE);
  if (stderr_fd < 0)
    flags |= G_SPAWN_STDERR_TO_DEV_NULL;

  g_spawn_async_with_fds (NULL, (char **) argv->pdata, envp, flags, NULL, NULL, &child->pid,
                          -1, -1, stderr_fd, &error);
  g_assert_no_error (error);
  g_child_watch_add (child->pid, child_exited_cb, child);
  return child;
}

gboolean
fb_test_fieldbook_has_ended (FbTestFieldbook *self)
{
  return self->exited;
}

void
fb_test_fieldbook_kill (FbTestFieldbook *self)
{
  if (!self->exited)
    kill (self->pid, SIGKILL);
}

gboolean
fb_test_fieldbook_wait (FbTestFieldbook *self,
                        int             *exit_status)
{
  gboolean killed;

  WAIT_UNTIL (self->exited, FB_TEST_PEER_DEADLINE_MS);
  g_clear_handle_id (&self->kill_id, g_source_remove);

  if (exit_status != NULL)
    *exit_status = WIFEXITED (self->wait_status) ? WEXITSTATUS (self->wait_status) : -1;
  killed = WIFSIGNALED (self->wait_status) && WTERMSIG (self->wait_status) == SIGKILL;
  g_free (self);
  return killed;
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
  FbTestFieldbook *child = fb_test_fieldbook_sync_start (fb_test_server_get_url (server),
                                                         home, db, user, password, -1);

  if (kill_after_ms > 0)
    child->kill_id = g_timeout_add (kill_after_ms, kill_child_cb, child);
  return fb_test_fieldbook_wait (child, exit_status);
}
