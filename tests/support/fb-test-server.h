/* fb-test-server.h: a real PouchDB Server on a loopback port, for tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fb-test-dir.h"
#include "fb-test-wait.h"

G_BEGIN_DECLS

typedef struct _FbTestServer FbTestServer;

/* Starts tests/node_modules/.bin/pouchdb-server (from $FB_TEST_NODE_MODULES)
 * in-memory on a free 127.0.0.1 port, in its own temporary directory and
 * process group, and waits for its "started" line. The server dies with the
 * thread that started it (PR_SET_PDEATHSIG), so call this from the test's
 * main thread: then no node process outlives the test, even on abort.
 * @admin_user NULL: no admin ("admin party", no authentication). */
FbTestServer *fb_test_server_start      (const char    *admin_user,
                                         const char    *admin_password,
                                         GError       **error);
/* @persistent: keep the data in a temporary directory (--dir), so it
 * survives fb_test_server_restart(). */
FbTestServer *fb_test_server_start_full (const char    *admin_user,
                                         const char    *admin_password,
                                         gboolean       persistent,
                                         GError       **error);

/* "http://127.0.0.1:PORT/" */
const char   *fb_test_server_get_url    (FbTestServer  *self);
guint16       fb_test_server_get_port   (FbTestServer  *self);
gboolean      fb_test_server_is_running (FbTestServer  *self);

/* Stops the server (its whole process group). Idempotent. */
void          fb_test_server_stop       (FbTestServer  *self);
/* Stops if running, then starts again on the same port (in-memory mode
 * starts empty; persistent mode keeps the data). */
gboolean      fb_test_server_restart    (FbTestServer  *self,
                                         GError       **error);
/* Stops and frees; also removes the temporary directory. */
void          fb_test_server_free       (FbTestServer  *self);

/* Everything the server printed so far (for failure messages). */
char         *fb_test_server_dup_log    (FbTestServer  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbTestServer, fb_test_server_free)

/* "Another client": synchronous requests straight to the server, as the
 * admin (if any). @path is relative to the server URL, already escaped,
 * e.g. "mydb/doc1". @body_json nullable. Returns the parsed answer (NULL
 * with @error on a transport or parse error; a non-2xx status is NOT an
 * error: check *status_out). */
JsonNode     *fb_test_server_request    (FbTestServer  *self,
                                         const char    *method,
                                         const char    *path,
                                         const char    *body_json,
                                         guint         *status_out,
                                         GError       **error);
/* The same, but the answer's bytes as the server sent them (json-glib
 * would change strings with NULs or lone surrogates). */
GBytes       *fb_test_server_request_raw (FbTestServer  *self,
                                          const char    *method,
                                          const char    *path,
                                          const char    *body_json,
                                          guint         *status_out,
                                          GError       **error);
/* PUT /db; TRUE on 201/202 or when it exists already (412). */
gboolean      fb_test_server_create_db  (FbTestServer  *self,
                                         const char    *db,
                                         GError       **error);
/* PUT /db/id with @doc_json (include "_rev" to update). Returns the new rev
 * or NULL with an error naming the status (e.g. 409 conflict). */
char         *fb_test_server_put_doc    (FbTestServer  *self,
                                         const char    *db,
                                         const char    *id,
                                         const char    *doc_json,
                                         GError       **error);
/* GET /db/id; NULL with G_IO_ERROR_NOT_FOUND when missing or deleted. */
JsonObject   *fb_test_server_get_doc    (FbTestServer  *self,
                                         const char    *db,
                                         const char    *id,
                                         GError       **error);
/* The same, asserting the document is there. */
JsonObject   *fb_test_server_doc        (FbTestServer  *self,
                                         const char    *db,
                                         const char    *id);
/* The digest the server gives attachment @name of @doc, as GET returns
 * it (NULL: it has no such attachment). */
const char   *fb_test_doc_attachment_digest (JsonObject *doc,
                                             const char *name);
/* DELETE /db/id?rev=rev; returns the tombstone's rev. */
char         *fb_test_server_delete_doc (FbTestServer  *self,
                                         const char    *db,
                                         const char    *id,
                                         const char    *rev,
                                         GError       **error);

/* A free TCP port on 127.0.0.1 (bound, read, closed). */
guint16       fb_test_find_free_port    (GError       **error);

G_END_DECLS
