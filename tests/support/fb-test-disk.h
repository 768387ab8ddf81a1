/* fb-test-disk.h: small real disks (tmpfs) and read-only files for tests, as root */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Call first in main (), while the test is still one thread: as root, the
 * test gets a mount namespace of its own, so the disks it mounts vanish
 * with it even when it dies. FALSE when that cannot be done (not root). */
gboolean  fb_test_disk_init          (void);

/* A fresh folder with a tmpfs of @size bytes mounted on it. NULL after
 * g_test_skip () (or g_test_fail () when FB_TEST_REQUIRE_DISKS=1, as CI
 * sets it) when that cannot be done. */
char     *fb_test_disk_new           (gsize        size);
/* Unmounts and removes the folder (which may be NULL). */
void      fb_test_disk_free          (char        *dir);
/* Writes a file under @dir until the disk is full; returns its path. */
char     *fb_test_disk_fill          (const char  *dir);
/* chattr +i / -i; FALSE after g_test_skip () or g_test_fail () likewise. */
gboolean  fb_test_set_immutable      (const char  *path,
                                      gboolean     immutable);

G_END_DECLS
