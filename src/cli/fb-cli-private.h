/* fb-cli-private.h: the command line's parts, shared by fb-cli*.c */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "fb-account.h"
#include "fb-store.h"
#include "fb-sync-manager.h"

G_BEGIN_DECLS

/* Waiting for an async result without a GUI: pass _fb_cli_waiter_cb and
 * the waiter as the callback; _fb_cli_waiter_run () returns the result
 * (the waiter's until cleared). */
typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} FbCliWaiter;

void          _fb_cli_waiter_cb    (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data);
GAsyncResult *_fb_cli_waiter_run   (FbCliWaiter  *waiter);
void          _fb_cli_waiter_clear (FbCliWaiter  *waiter);

/* Attachment @name (NULL: every one not here) of item @id, fetched from
 * the server of the account now (a large file the pull left for a network
 * that is not metered, one a copy needs); an encrypted database's key is
 * opened by a sync first. FALSE when it failed, and it said why. */
gboolean  _fb_cli_fetch_from_server  (FbStore       *store,
                                      const char    *id,
                                      const char    *name,
                                      GVariantDict  *options);

/* The settings and @options name a server to sync with. */
gboolean  _fb_cli_has_server         (GVariantDict  *options);

/* A sync manager for the account the settings and @options name, with the
 * password and passphrase from the environment or the keyring; NULL (it
 * said why) when no server is set up. @account_out, @has_passphrase:
 * nullable. */
FbSyncManager *_fb_cli_configure_manager (FbStore       *store,
                                          GVariantDict  *options,
                                          FbAccount    **account_out,
                                          gboolean      *has_passphrase);

/* @text as one column of a tab-separated line: a new string with its
 * tabs and line breaks as spaces. */
char     *_fb_cli_dup_column             (const char   *text);

void      _fb_cli_add_encryption_options (GApplication *app);
gboolean  _fb_cli_has_encryption_command (GVariantDict *options);
/* --change-passphrase or --compact (fb-cli-encryption.c). */
int       _fb_cli_run_encryption_command (FbStore      *store,
                                          GVariantDict *options);

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

void      _fb_cli_add_attachment_options (GApplication *app);
gboolean  _fb_cli_has_attachment_command (GVariantDict *options);
/* --attach, --attachments, --save-attachment, --collect-attachments
 * (fb-cli-attachments.c): the exit status. */
int       _fb_cli_run_attachment_command (FbStore      *store,
                                          GVariantDict *options);

void      _fb_cli_add_conflict_options   (GApplication *app);
gboolean  _fb_cli_has_conflict_command   (GVariantDict *options);
/* --conflicts, --resolve ID HOW, --delete ID, --duplicate ID
 * (fb-cli-conflicts.c): the exit status. */
int       _fb_cli_run_conflict_command   (FbStore      *store,
                                          GVariantDict *options);

void      _fb_cli_add_note_options       (GApplication *app);
gboolean  _fb_cli_has_note_command       (GVariantDict *options);
/* --show ID, --new-note TITLE [--tag NAME…], --append ID
 * (fb-cli-notes.c): the exit status. */
int       _fb_cli_run_note_command       (FbStore      *store,
                                          GVariantDict *options);

G_END_DECLS
