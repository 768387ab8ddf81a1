/* fb-test-pty.h: a pseudo-terminal whose output a test reads, for a program that writes to a terminal */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FbTestPty FbTestPty;

/* A new pseudo-terminal; what is written to its other end, *@child_fd
 * (give it to the child, then close it), is read on the thread-default
 * main context as the test turns it. */
FbTestPty  *fb_test_pty_new        (int        *child_fd);
/* Waits until every holder of the child's end closed it; returns all
 * that was written there (a terminal turns "\n" into "\r\n") and frees
 * @self. */
char       *fb_test_pty_finish     (FbTestPty  *self);

G_END_DECLS
