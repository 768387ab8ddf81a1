/* fb-test-proxy.h: an HTTP reverse proxy that injects faults, for tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  FB_TEST_PROXY_PASS,                      /* forward unchanged */
  FB_TEST_PROXY_HTML,                      /* 200 text/html "<html>…", not forwarded */
  FB_TEST_PROXY_TRUNCATED,                 /* forward; send back the first half of the body */
  FB_TEST_PROXY_TOO_MANY_REQUESTS,         /* 429 + Retry-After (see set_retry_after), not forwarded */
  FB_TEST_PROXY_SERVER_ERROR,              /* 500 JSON error, not forwarded */
  FB_TEST_PROXY_LOSE_RESPONSE_AFTER_COMMIT,/* forward (the server commits), then drop the connection */
  FB_TEST_PROXY_DOWN,                      /* drop the connection at once, not forwarded */
  FB_TEST_PROXY_NOT_FOUND,                 /* 404 JSON not_found, not forwarded (e.g. no _bulk_get) */
  FB_TEST_PROXY_SERVICE_UNAVAILABLE,       /* 503 + Retry-After, not forwarded */
  FB_TEST_PROXY_ACCEPTED,                  /* forward; a 200/201 answer comes back as 202
                                            * Accepted (a cluster short of its write quorum) */
  FB_TEST_PROXY_TOO_LARGE,                 /* 413 JSON too_large, not forwarded (a size limit) */
  FB_TEST_PROXY_HOLD_REQUEST,              /* forward the request with the first half of its
                                            * body, then nothing more: the server waits for
                                            * the rest, the client for an answer */
  FB_TEST_PROXY_HOLD_RESPONSE,             /* forward; send the client the answer's headers and
                                            * the first half of its body, then nothing more */
  FB_TEST_PROXY_COMMIT_HALF_REQUEST,       /* forward the first half of the request's body as
                                            * the whole of it (the server commits that), then
                                            * drop the connection: what PouchDB Server makes of
                                            * an attachment PUT cut off on the way */
} FbTestProxyMode;

typedef struct _FbTestProxy FbTestProxy;

/* Listens on a free 127.0.0.1 port on the thread-default main context
 * (which the test must iterate) and forwards to @upstream_url, e.g.
 * fb_test_server_get_url(). Starts in FB_TEST_PROXY_PASS. */
FbTestProxy *fb_test_proxy_new               (const char      *upstream_url,
                                              GError         **error);
/* "http://127.0.0.1:PORT/" */
const char  *fb_test_proxy_get_url           (FbTestProxy     *self);

/* Applies @mode to requests whose path contains @path_match (NULL: every
 * request); with @count > 0 only to the next @count such requests, after
 * which the proxy goes back to PASS. Other requests pass. */
void         fb_test_proxy_set_mode          (FbTestProxy     *self,
                                              FbTestProxyMode  mode,
                                              guint            count,
                                              const char      *path_match);
FbTestProxyMode fb_test_proxy_get_mode       (FbTestProxy     *self);
/* Seconds sent in Retry-After by TOO_MANY_REQUESTS and SERVICE_UNAVAILABLE
 * (default 7). */
void         fb_test_proxy_set_retry_after   (FbTestProxy     *self,
                                              guint            seconds);

/* Sends @value verbatim as Retry-After instead (e.g. an HTTP date);
 * NULL goes back to the seconds. */
void         fb_test_proxy_set_retry_after_value (FbTestProxy *self,
                                                  const char  *value);

/* HOLD_REQUEST and HOLD_RESPONSE: how many requests or answers the
 * proxy holds, counted once half of the body went through (wait with
 * WAIT_UNTIL (fb_test_proxy_get_hold_count (proxy) > 0, …)). A held
 * exchange stays open until the client goes away, the proxy is freed, or
 * fb_test_proxy_drop_held () cuts it. */
guint        fb_test_proxy_get_hold_count    (FbTestProxy     *self);
/* Closes the held connections, both the client's and the server's, as a
 * network that goes away would. */
void         fb_test_proxy_drop_held         (FbTestProxy     *self);

/* Requests seen so far, and how many of them got the fault. */
guint        fb_test_proxy_get_request_count (FbTestProxy     *self);
guint        fb_test_proxy_get_fault_count   (FbTestProxy     *self);
/* How many requests seen so far had @method (e.g. "GET") and a path
 * (without the query) that contains @path_match. */
guint        fb_test_proxy_count_requests    (FbTestProxy     *self,
                                              const char      *method,
                                              const char      *path_match);
/* The bytes of all request bodies seen so far. */
guint64      fb_test_proxy_get_request_bytes (FbTestProxy     *self);

void         fb_test_proxy_free              (FbTestProxy     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbTestProxy, fb_test_proxy_free)

G_END_DECLS
