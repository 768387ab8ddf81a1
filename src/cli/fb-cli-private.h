/* fb-cli-private.h: the command line's parts, shared by fb-cli*.c */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "fb-store.h"

G_BEGIN_DECLS

void      _fb_cli_add_history_options    (GApplication *app);
gboolean  _fb_cli_has_history_command    (GVariantDict *options);
/* The exit status of the one Trash/history command in @options. */
int       _fb_cli_run_history_command    (FbStore      *store,
                                          GVariantDict *options);

void      _fb_cli_add_csv_options        (GApplication *app);
gboolean  _fb_cli_has_csv_command        (GVariantDict *options);
/* The exit status of --export-csv or --import-csv (fb-cli-csv.c). */
int       _fb_cli_run_csv_command        (FbStore      *store,
                                          GVariantDict *options);

void      _fb_cli_add_search_options     (GApplication *app);
gboolean  _fb_cli_has_search_command     (GVariantDict *options);
/* --search QUERY [--limit N]: the exit status. */
int       _fb_cli_run_search             (FbStore      *store,
                                          GVariantDict *options);

G_END_DECLS
