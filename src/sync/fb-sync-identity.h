/* fb-sync-identity.h: is the server's database the one we last synced with, and reconciling when not */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "fb-couch-client.h"
#include "fb-store.h"

G_BEGIN_DECLS

typedef struct {
  gboolean reconciled;  /* the server was not the one last seen */
  guint    uploaded;    /* items the server lacked, sent again */
  guint    purged;      /* local deletions the server never had */
  guint    merged;      /* deletions made on the server meanwhile, applied or merged */
  guint    conflicts;   /* items that entered conflict */
} FbSyncIdentityStats;

/* A remote is server URL + database + a per-device checkpoint document on
 * the server, `_local/fieldbook-<device id>`, holding a session id that the
 * store holds too (fb_store_get_remote_session ()). `_local` documents do
 * not replicate: a new, recreated, restored or replicated database lacks
 * ours, and one we last synced under another remote names another session.
 * Then every item's revision is checked against the server (`_revs_diff`,
 * in batches of @batch), what it lacks is uploaded with its revision id
 * (`new_edits: false`), deletions it never had are purged locally, and the
 * store's checkpoint is cleared so the next pull starts from the beginning
 * (kept when the server held our session and every revision: a check made
 * because a run's writes were never confirmed, see
 * fb_sync_identity_renew_async ()); only then are both sides given a new
 * session. Nothing that is already
 * there is sent again, so a reconciliation cut short is simply repeated. */
void     fb_sync_identity_check_async  (FbStore              *store,
                                        FbCouchClient        *client,
                                        guint                 batch,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
/* @local_rev: the revision of our checkpoint document, for
 * fb_sync_identity_renew_async (). */
gboolean fb_sync_identity_check_finish (GAsyncResult         *result,
                                        FbSyncIdentityStats  *stats,
                                        char                **local_rev,
                                        GError              **error);

/* After a run that wrote to the server (and marked the store with
 * fb_store_mark_remote_unconfirmed () before its first write): a new session
 * id on both sides, the server's first. A copy of the server's database
 * taken before those writes then holds another session, so restoring it
 * (files copied back, our checkpoint document with them) is noticed by the
 * next check. Until the renewal succeeds, the next check compares every
 * revision instead of trusting the session. */
void     fb_sync_identity_renew_async  (FbStore              *store,
                                        FbCouchClient        *client,
                                        const char           *local_rev,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean fb_sync_identity_renew_finish (GAsyncResult         *result,
                                        char                **local_rev,
                                        GError              **error);

G_END_DECLS
