/* fb-test-pouch.h: a PouchDB 9 client (tests/sync/pouchdb-peer.js) replicating a database */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fb-test-server.h"

G_BEGIN_DECLS

typedef struct {
  GSubprocess      *process;
  GDataInputStream *out;
  GOutputStream    *in;
} FbTestPouch;

/* Starts the peer on database @db of @server; returns once it has
 * replicated the database into its own in-memory copy. */
FbTestPouch *fb_test_pouch_start  (FbTestServer *server,
                                   const char   *db,
                                   const char   *user,
                                   const char   *password);
/* Sends the edits (a JSON list, see pouchdb-peer.js), waits until they
 * are replicated back and the peer has exited; returns its answer
 * ({"edited": n, "written": n, "attachments": {…}}). */
JsonObject  *fb_test_pouch_finish (FbTestPouch  *pouch,
                                   const char   *edits_json);
void         fb_test_pouch_free   (FbTestPouch  *pouch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbTestPouch, fb_test_pouch_free)

G_END_DECLS
