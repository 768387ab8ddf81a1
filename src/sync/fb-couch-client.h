/* fb-couch-client.h: async libsoup 3 client for the CouchDB HTTP API */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fb-crypto.h"
#include "fb-sync-error.h"

G_BEGIN_DECLS

#define FB_TYPE_COUCH_CLIENT (fb_couch_client_get_type ())
G_DECLARE_FINAL_TYPE (FbCouchClient, fb_couch_client, FB, COUCH_CLIENT, GObject)

/* @server_url: e.g. "http://127.0.0.1:5984/" (a trailing slash or not).
 * @user/@password: nullable. Invalid URLs give FB_SYNC_ERROR_INVALID_URL. */
FbCouchClient *fb_couch_client_new               (const char  *server_url,
                                                  const char  *database,
                                                  const char  *user,
                                                  const char  *password,
                                                  GError     **error);
const char    *fb_couch_client_get_server_url    (FbCouchClient *self);
const char    *fb_couch_client_get_database      (FbCouchClient *self);
/* A key naming server + database + user, for checkpoints. */
char          *fb_couch_client_dup_remote_key    (FbCouchClient *self);
/* Seconds from the last 429/503 Retry-After header, or 0. */
guint          fb_couch_client_get_retry_after   (FbCouchClient *self);

/* Checks that the server answers and the credentials work, then that the
 * database exists; creates it when @create is TRUE (credentials are checked
 * before any PUT). Result: the server's database info object. */
void           fb_couch_client_open_database_async  (FbCouchClient       *self,
                                                     gboolean             create,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
JsonObject    *fb_couch_client_open_database_finish (FbCouchClient  *self,
                                                     GAsyncResult   *result,
                                                     GError        **error);

/* GET / and nothing else: whether the server answers at all (a cheap
 * check while it cannot be reached). Any answer but a 5xx counts. */
void           fb_couch_client_ping_async        (FbCouchClient       *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean       fb_couch_client_ping_finish       (FbCouchClient  *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);

/* POST /{db}/_bulk_docs. @docs: array of document objects. Result: the
 * server's per-document results array ({"id","rev","ok"} or
 * {"id","error","reason"}), in the order of @docs. */
void           fb_couch_client_bulk_docs_async   (FbCouchClient       *self,
                                                  JsonArray           *docs,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
JsonArray     *fb_couch_client_bulk_docs_finish  (FbCouchClient  *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);
/* The same with each document already as JSON text (@docs: char *, each
 * one complete object); finish with fb_couch_client_bulk_docs_finish (). */
void           fb_couch_client_bulk_docs_json_async (FbCouchClient       *self,
                                                     GPtrArray           *docs,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);

/* Fetches the current revisions of @ids in one request (_bulk_get, or
 * _all_docs?include_docs=true with keys where the server lacks it). Result:
 * a hash table id → JsonObject (the document, deleted ones included as
 * {"_id","_rev","_deleted":true}); missing ids are absent. */
void           fb_couch_client_get_docs_async    (FbCouchClient       *self,
                                                  const char * const  *ids,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GHashTable    *fb_couch_client_get_docs_finish   (FbCouchClient  *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);

/* The same through _all_docs?conflicts=true: each live document also
 * lists the live leaves that lost to it ("_conflicts"), if any. Finish
 * with fb_couch_client_get_docs_finish (). */
void           fb_couch_client_get_docs_with_conflicts_async (FbCouchClient       *self,
                                                              const char * const  *ids,
                                                              GCancellable        *cancellable,
                                                              GAsyncReadyCallback  callback,
                                                              gpointer             user_data);

/* POST /{db}/_bulk_get?revs=true for @wanted ([{"id","rev"}, ...]): the
 * given revisions, each with its history ("_revisions"). Result: a
 * GPtrArray of JsonObject, the revisions found (deleted ones with
 * "_deleted"); compacted or unknown ones are absent. */
void           fb_couch_client_get_revisions_async  (FbCouchClient       *self,
                                                     JsonArray           *wanted,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GPtrArray     *fb_couch_client_get_revisions_finish (FbCouchClient  *self,
                                                     GAsyncResult   *result,
                                                     GError        **error);

/* GET /{db}/_changes?include_docs=true&since=@since&limit=@limit (style
 * all_docs). @since: opaque seq as JSON (NULL = from the start). With
 * @longpoll, feed=longpoll and the request is cancelled by the client after
 * @timeout_ms (the result then has no results and last_seq == since).
 * Result: {"results": [...], "last_seq": <json>, "pending"?: n}. */
void           fb_couch_client_changes_async     (FbCouchClient       *self,
                                                  JsonNode            *since,
                                                  guint                limit,
                                                  gboolean             longpoll,
                                                  guint                timeout_ms,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
JsonObject    *fb_couch_client_changes_finish    (FbCouchClient  *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);

/* The same with or without the documents: without them each change has
 * only "id", "seq", "changes" ([{"rev"}]: every leaf revision, style=all_docs,
 * in no particular order: with one entry it is the winner) and "deleted"
 * when the winner is a deletion, a much smaller answer
 * when most changes are already known (the echo of our own push). */
void           fb_couch_client_changes_full_async  (FbCouchClient       *self,
                                                    JsonNode            *since,
                                                    guint                limit,
                                                    gboolean             include_docs,
                                                    gboolean             longpoll,
                                                    guint                timeout_ms,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
JsonObject    *fb_couch_client_changes_full_finish (FbCouchClient  *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);

/* Any other request to the database: @path is relative to it and already
 * escaped (e.g. "_revs_diff", "_local/name"), @body nullable. Result: the
 * answer's JSON on a 2xx status; otherwise NULL with the status's error
 * (FB_SYNC_ERROR_NOT_FOUND for 404, …). */
void           fb_couch_client_db_request_async    (FbCouchClient       *self,
                                                    const char          *method,
                                                    const char          *path,
                                                    JsonNode            *body,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
JsonNode      *fb_couch_client_db_request_finish   (FbCouchClient  *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);

/* End-to-end encryption (fb-couch-crypt.c). The passphrase is the
 * person's, for FbSyncRun to open or make the keys document with; the data
 * key, once set, seals every document sent and opens every one received,
 * and a document that does not open is left out of every answer. */
void           fb_couch_client_set_passphrase     (FbCouchClient *self,
                                                   const char    *passphrase);
const char    *fb_couch_client_get_passphrase     (FbCouchClient *self);
void           fb_couch_client_set_data_key       (FbCouchClient *self,
                                                   FbDataKey     *key);
FbDataKey     *fb_couch_client_get_data_key       (FbCouchClient *self);
/* @doc as it goes to the server: sealed when a data key is set. */
JsonObject    *fb_couch_client_seal_document      (FbCouchClient *self,
                                                   JsonObject    *doc);
gboolean       fb_couch_client_is_undecryptable   (FbCouchClient *self,
                                                   const char    *id);
/* The ids of the documents that did not open since the last call. */
GPtrArray     *fb_couch_client_take_undecryptable (FbCouchClient *self);

G_END_DECLS
