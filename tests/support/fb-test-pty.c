/* fb-test-pty.c: a pseudo-terminal whose output a test reads, for a program that writes to a terminal */
/* SPDX-License-Identifier: GPL-3.0-or-later */

/* posix_openpt (), grantpt (), unlockpt (), ptsname () */
#define _XOPEN_SOURCE 600

#define G_LOG_DOMAIN "fb-test-pty"

#include "config.h"

#include <fcntl.h>
#include <glib-unix.h>
#include <stdlib.h>
#include <unistd.h>

#include "fb-test-peer.h"
#include "fb-test-pty.h"
#include "fb-test-wait.h"

struct _FbTestPty
{
  int      fd;          /* the test's end */
  GString *text;
  guint    source_id;   /* 0 once the child's end is closed */
};

static gboolean
readable_cb (int           fd,
             GIOCondition  condition,
             gpointer      user_data)
{
  FbTestPty *self = user_data;
  char buffer[4096];
  gssize n = read (fd, buffer, sizeof buffer);

  if (n > 0)
    {
      g_string_append_len (self->text, buffer, n);
      return G_SOURCE_CONTINUE;
    }
  /* EIO once the child's side is closed. */
  self->source_id = 0;
  return G_SOURCE_REMOVE;
}

FbTestPty *
fb_test_pty_new (int *child_fd)
{
  FbTestPty *self = g_new0 (FbTestPty, 1);

  self->text = g_string_new (NULL);
  self->fd = posix_openpt (O_RDWR | O_NOCTTY);
  g_assert_cmpint (self->fd, >=, 0);
  g_assert_cmpint (grantpt (self->fd), ==, 0);
  g_assert_cmpint (unlockpt (self->fd), ==, 0);
  *child_fd = open (ptsname (self->fd), O_RDWR | O_NOCTTY);
  g_assert_cmpint (*child_fd, >=, 0);
  self->source_id = g_unix_fd_add (self->fd, G_IO_IN | G_IO_HUP | G_IO_ERR, readable_cb, self);
  return self;
}

char *
fb_test_pty_finish (FbTestPty *self)
{
  char *text;

  WAIT_UNTIL (self->source_id == 0, FB_TEST_PEER_DEADLINE_MS);
  close (self->fd);
  text = g_string_free (self->text, FALSE);
  g_free (self);
  return text;
}
