/* fb-test-cli.h: the command line run in a child process, for the test-cli* tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-store.h"
#include "fb-test-proxy.h"
#include "fb-test-server.h"

G_BEGIN_DECLS

/* In main (), instead of g_test_init (): mounts namespaces for the test
 * disks, lowers the key derivation's cost, points libsecret at a file
 * keyring under a temporary root, and adds the test each child runs. */
void      fb_test_cli_init              (int         *argc,
                                         char      ***argv);
/* After g_test_run (): removes the temporary root. */
void      fb_test_cli_cleanup           (void);
/* A folder for the tests' own files, removed by fb_test_cli_cleanup (). */
const char *fb_test_cli_tmp_root        (void);

/* Runs `fieldbook` with the data dir @home and the NULL-terminated
 * arguments (option names without "--", each followed by its value, except
 * for flags; "rest" and "rest2" give one or two positional arguments);
 * TRUE when it exited with 0. */
gboolean  fb_test_cli_run               (const char  *home,
                                         ...) G_GNUC_NULL_TERMINATED;
/* Like fb_test_cli_run (), but returns the exit status. */
int       fb_test_cli_run_status        (const char  *home,
                                         ...) G_GNUC_NULL_TERMINATED;
/* The exit status of the last fb_test_cli_run () with the data dir @home. */
int       fb_test_cli_last_exit_status  (const char  *home);

/* A fault proxy in front of @server on its own thread: while the parent
 * waits for a child, GLib iterates a context of its own, not the default
 * one. */
typedef struct {
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
  FbTestProxy  *proxy;
  GMutex        lock;
  GCond         ready;
  FbTestServer *server;
} FbTestCliProxy;

FbTestCliProxy *fb_test_cli_proxy_new   (FbTestServer *server);
void      fb_test_cli_proxy_free        (FbTestCliProxy *pt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbTestCliProxy, fb_test_cli_proxy_free)

/* A new, empty data home. */
char     *fb_test_cli_new_home          (void);
/* The store of the data home @home. */
FbStore  *fb_test_cli_open_store        (const char  *home);
/* The live items of the store under @home. */
guint     fb_test_cli_count_items       (const char  *home);
/* Three items: a note, a record, and a deleted note (not exported). */
void      fb_test_cli_fill_store        (const char  *home,
                                         char       **note_id,
                                         char       **record_id);
/* Another device sets the string @member of item @id to @value in
 * database @db of @server (a PUT with the server's rev). */
void      fb_test_cli_edit_on_server    (FbTestServer *server,
                                         const char   *db,
                                         const char   *id,
                                         const char   *member,
                                         const char   *value);
/* This device sets the string @member of item @id to @value, as an editor
 * would (a local edit, pending). */
void      fb_test_cli_edit_locally      (const char   *home,
                                         const char   *id,
                                         const char   *member,
                                         const char   *value);
/* A file @name under the temporary root with @contents; returns its path. */
char     *fb_test_cli_write_file        (const char  *name,
                                         const char  *contents);

G_END_DECLS
