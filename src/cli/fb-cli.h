/* fb-cli.h: Fieldbook's command line (--sync, --export, --import), without GTK */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Adds --sync, --server, --database, --user, --export and --import to @app. */
void fb_cli_add_options          (GApplication *app);

/* Exit statuses of the commands. */
typedef enum {
  FB_CLI_EXIT_OK = 0,
  FB_CLI_EXIT_FAILED = 1,        /* a command failed (it says why on stderr) */
  FB_CLI_EXIT_NEW_CONFLICTS = 3, /* --sync finished, but put items into conflict */
  /* The database can only be read (its disk is full, or it is on a
   * read-only location): --import and --sync changed nothing. */
  FB_CLI_EXIT_READ_ONLY = 4,
  FB_CLI_EXIT_UNSENT = 5,        /* --sync finished, but changes are still not on the server
                                  * (it names them on stderr) */
  FB_CLI_EXIT_NOT_DOWNLOADED = 6, /* --sync finished, but files could not be downloaded
                                   * (it says why for each on stderr) */
} FbCliExit;

/* For GApplication::handle-local-options: -1 when no command (--sync,
 * --export, --import) was given, else runs it to the end and returns the exit
 * status (an FbCliExit). Needs no display. With several commands, the
 * order is import, sync, export; --export works on a read-only database
 * too. */
int  fb_cli_handle_local_options (GApplication *app,
                                  GVariantDict *options);

G_END_DECLS
