/* fb-test-disk.c: small real disks (tmpfs) and read-only files for tests, as root */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-disk"
/* unshare (), O_CLOEXEC */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fb-test-disk.h"

static gboolean namespace_ready;
static char *namespace_problem;

gboolean
fb_test_disk_init (void)
{
  if (geteuid () != 0)
    namespace_problem = g_strdup ("needs root (mount, chattr)");
  else if (unshare (CLONE_NEWNS) != 0)
    namespace_problem = g_strdup_printf ("unshare (CLONE_NEWNS): %s", g_strerror (errno));
  /* Nothing mounted here may reach the rest of the system. */
  else if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    namespace_problem = g_strdup_printf ("making / private: %s", g_strerror (errno));
  else
    namespace_ready = TRUE;

  return namespace_ready;
}

static void
cannot (const char *what)
{
  g_autofree char *message = g_strdup_printf ("Cannot run this test: %s", what);

  if (g_strcmp0 (g_getenv ("FB_TEST_REQUIRE_DISKS"), "1") == 0)
    {
      g_test_message ("%s", message);
      g_test_fail ();
    }
  else
    {
      g_test_skip (message);
    }
}

char *
fb_test_disk_new (gsize size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *options = NULL;

  if (!namespace_ready)
    {
      cannot (namespace_problem != NULL ? namespace_problem : "fb_test_disk_init () not called");
      return NULL;
    }

  dir = g_dir_make_tmp ("fb-disk-XXXXXX", &error);
  g_assert_no_error (error);

  options = g_strdup_printf ("size=%" G_GSIZE_FORMAT ",mode=0755", size);
  if (mount ("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, options) != 0)
    {
      g_autofree char *problem = g_strdup_printf ("mount -t tmpfs: %s", g_strerror (errno));

      g_rmdir (dir);
      cannot (problem);
      return NULL;
    }

  return g_steal_pointer (&dir);
}

void
fb_test_disk_free (char *dir)
{
  if (dir == NULL)
    return;

  if (umount2 (dir, MNT_DETACH) != 0)
    g_warning ("umount %s: %s", dir, g_strerror (errno));
  g_rmdir (dir);
  g_free (dir);
}

char *
fb_test_disk_fill (const char *dir)
{
  char *path = g_build_filename (dir, "filler", NULL);
  char block[4096] = { 0 };
  int fd;

  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  g_assert_cmpint (fd, >=, 0);

  for (;;)
    {
      ssize_t written = write (fd, block, sizeof block);

      if (written > 0)
        continue;
      g_assert_cmpint (written, <, 0);
      if (errno == EINTR)
        continue;
      g_assert_cmpint (errno, ==, ENOSPC);
      break;
    }

  /* The last partial block too: not one byte is left. */
  while (write (fd, block, 1) == 1)
    ;
  g_assert_cmpint (close (fd), ==, 0);

  return path;
}

gboolean
fb_test_set_immutable (const char *path,
                       gboolean    immutable)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  int flags = 0;

  if (fd < 0 || ioctl (fd, FS_IOC_GETFLAGS, &flags) != 0)
    {
      g_autofree char *problem = g_strdup_printf ("reading the flags of %s: %s",
                                                  path, g_strerror (errno));
      if (fd >= 0)
        close (fd);
      cannot (problem);
      return FALSE;
    }

  if (immutable)
    flags |= FS_IMMUTABLE_FL;
  else
    flags &= ~FS_IMMUTABLE_FL;

  if (ioctl (fd, FS_IOC_SETFLAGS, &flags) != 0)
    {
      g_autofree char *problem = g_strdup_printf ("chattr %si %s: %s", immutable ? "+" : "-",
                                                  path, g_strerror (errno));
      close (fd);
      cannot (problem);
      return FALSE;
    }

  close (fd);
  return TRUE;
}
