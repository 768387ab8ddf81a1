/* fb-test-dir.h: fresh temporary folders for tests, and removing them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new, empty folder under the temporary directory, asserting it could be
 * made. */
char  *fb_test_make_tmp_dir    (void);
/* Removes a file or a folder with everything in it (symlinks are removed,
 * never followed). */
void   fb_test_remove_tree     (const char *path);
/* Removes an SQLite database file and its -wal and -shm files. */
void   fb_test_remove_database (const char *path);

G_END_DECLS
