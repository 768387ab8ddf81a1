/* fb-sync-run-private.h: what FbSyncRun's files share */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-sync-progress.h"
#include "fb-sync-run.h"

G_BEGIN_DECLS

/* FbSyncRun is one class over three files: fb-sync-run.c (the object,
 * opening the database, the identity check, committing, merging one
 * pending item, ending), fb-sync-run-pull.c and fb-sync-run-push.c.
 * Callbacks hold a reference on the run. */
struct _FbSyncRun
{
  GObject          parent_instance;

  FbStore         *store;
  FbCouchClient   *client;
  char            *remote_key;
  GCancellable    *cancellable;
  GTask           *task;             /* returned when the run ends */
  GPtrArray       *followed;         /* cancellables that cancel the run */
  GArray          *follow_handlers;
  gboolean         finished;
  gboolean         opened_database;
  gboolean         wrote;            /* sent a write to the server */
  char            *local_rev;        /* of our checkpoint document there */
  guint            push_batch;
  guint            pull_batch;
  FbSyncStats      stats;

  gint64           after_seq;
  GHashTable      *attempts;         /* id → pushes tried in this run */
  GHashTable      *in_flight;        /* ids in batches not done yet (borrowed) */
  GHashTable      *pushed_revs;      /* id → rev the server gave us in this run */
  guint            push_in_flight;   /* batches the server has not answered */
  guint            push_outstanding; /* batches not done (answered or not) */
  gboolean         uploading;        /* a batch with attachment data is out */

  gboolean         pulling;
  /* This pull asks for changes without their documents and fetches only
   * those that are not the echo of this run's push. */
  gboolean         pull_docs_apart;
  gboolean         needs_push;       /* a pull merge left items pending */
  guint            cycles;           /* extra push + pull rounds so far */
  /* A batch that has arrived while the next is asked for: applied from an
   * idle callback, so that the request goes out first (nullable). */
  JsonObject      *pull_waiting;
  GSource         *pull_waiting_source;
  FbSyncChanges    changes;          /* what the pulls applied */
  gboolean         metered;          /* large attachments wait for another network */
  FbSyncProgress   progress;         /* the file in flight ("transfer-progress") */
};

static inline gboolean
_fb_sync_is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* fb-sync-run.c */
/* Ends the run (once): @error (taken) NULL on success. */
void     _fb_sync_run_end             (FbSyncRun   *run,
                                       GError      *error);
void     _fb_sync_run_fail            (FbSyncRun   *run,
                                       GError      *error);
/* Ends a run that did all it had to: one that wrote to the server first
 * renews the session (fb_sync_identity_renew_async ()). */
void     _fb_sync_run_succeed         (FbSyncRun   *run);
/* Before the run's first write to the server: marks the store so that a
 * run cut short before it renews the session is checked in full next. */
gboolean _fb_sync_run_will_write      (FbSyncRun   *run,
                                       GError     **error);
/* A result that arrives after the run was cancelled (a new remote, the
 * network gone) is not applied. TRUE when @error now says cancelled. */
gboolean _fb_sync_run_check_cancelled (FbSyncRun   *run,
                                       gboolean     failed,
                                       GError     **error);
gboolean _fb_sync_run_merge_pending   (FbSyncRun   *run,
                                       FbItem      *item,
                                       const char  *rev,
                                       JsonObject  *theirs,
                                       gboolean     theirs_deleted,
                                       GError     **error);
/* After the server's @rev of @id (@theirs) was stored, as it is or merged
 * with @mine (the item's body before it; both nullable): when the server
 * holds only part of a sealed file that this device holds whole
 * (_fb_sync_attachments_cut_off_held ()), a synced item goes again as it
 * is, so that the server's copy is repaired. */
gboolean _fb_sync_run_repair_cut_off  (FbSyncRun   *run,
                                       const char  *id,
                                       const char  *rev,
                                       JsonObject  *mine,
                                       JsonObject  *theirs,
                                       GError     **error);
void     _fb_sync_run_item_rejected   (FbSyncRun   *run,
                                       const char  *id,
                                       const char  *message);
/* The file in flight: @bytes_done of @bytes_total of attachment @name of
 * @item_id, told through "transfer-progress" in steps (FbSyncProgress).
 * Report 0 first and @bytes_total when it is all there; then end it with
 * _fb_sync_run_end_transfer () whether or not it got there (the run's
 * end does it too). */
void     _fb_sync_run_report_transfer (FbSyncRun           *run,
                                       const char          *item_id,
                                       const char          *name,
                                       FbTransferDirection  direction,
                                       guint64              bytes_done,
                                       guint64              bytes_total);
void     _fb_sync_run_end_transfer    (FbSyncRun           *run);

/* fb-sync-run-upload.c */
/* TRUE when @uploads (FbSyncUpload) has one that goes alone. */
gboolean _fb_sync_uploads_any_alone     (GPtrArray    *uploads);
/* What the server holds of @body once its document went without the
 * attachments that go alone: a copy without them. */
JsonObject *_fb_sync_uploads_body_without_alone (JsonObject *body,
                                                 GPtrArray  *uploads);
/* After the server took @item's document as @rev: each of @uploads that
 * goes alone, one PUT /db/doc/att?rev= each, streamed from its file, each
 * answer's revision carried to the next, told through
 * "transfer-progress"; then the last revision recorded as pushed (with
 * @base, or @item's body when NULL). FB_COUCH_UPLOAD_ERROR_CONFLICT when
 * another writer moved the document meanwhile (the item stays pending on
 * top of @rev: the conflict path merges it), FB_SYNC_ERROR_TOO_LARGE when
 * the server refused a file's size, else a transport, status or store
 * error; what was not recorded stays pending. */
void     _fb_sync_run_upload_alone_async  (FbSyncRun           *run,
                                           FbItem              *item,
                                           const char          *rev,
                                           GPtrArray           *uploads,
                                           JsonObject          *base,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean _fb_sync_run_upload_alone_finish (FbSyncRun           *run,
                                           GAsyncResult        *result,
                                           GError             **error);

/* fb-sync-run-pull.c */
void     _fb_sync_run_pull_start      (FbSyncRun   *run);

/* fb-sync-run-push.c */
void     _fb_sync_run_push_fill       (FbSyncRun   *run);

/* fb-sync-attachments.c */
/* An attachment a push sends (not a stub of one the server has). */
typedef struct {
  char    *name;
  guint64  length;        /* the bytes that go (sealed, with encryption) */
  /* Over FB_SYNC_INLINE_ATTACHMENT_BYTES: not in the document; sent after
   * it on its own, streamed from its file (fb-sync-run-upload.c). */
  gboolean alone;
  gboolean sealed;        /* alone, end-to-end encrypted: sealed on the way */
  char    *content_type;
  char    *digest;        /* CouchDB's, naming the file here */
} FbSyncUpload;

void     _fb_sync_upload_free               (FbSyncUpload *upload);

/* The push's JSON text of @item: attachments the server has as stubs, new
 * ones inline, or left out to go alone after it (each listed in *@uploads,
 * FbSyncUpload, in the order they go; an empty array when there is none).
 * NULL when one cannot be sent.
 * With end-to-end encryption, *@base_to_record is the body to keep as the
 * base once the server has it (what it holds of each sealed attachment),
 * else NULL. */
char    *_fb_sync_attachments_document_json (FbSyncRun   *run,
                                             FbItem      *item,
                                             GPtrArray  **uploads,
                                             JsonObject **base_to_record,
                                             GError     **error);
/* @theirs as if this device's cut-off uploads had not reached the server:
 * PouchDB Server keeps what reached it of a PUT whose connection was cut,
 * as the file (Apache CouchDB commits no partial body). An attachment the
 * server has only part of (sealed: shorter than the file the list names;
 * plain: shorter, and the start of @mine's file under that name), whose
 * bytes are here, is the server's earlier one (@base's) or none, so that a
 * merge keeps ours and the push sends it again. A new copy, or NULL when
 * there is nothing to change. */
JsonObject *_fb_sync_attachments_without_cut_off (FbSyncRun  *run,
                                                  const char *id,
                                                  JsonObject *base,
                                                  JsonObject *mine,
                                                  JsonObject *theirs);
/* Whether @theirs (the server's version of item @id, opened) names a
 * sealed file whose data the server holds only part of (the same test as
 * _fb_sync_attachments_without_cut_off ()'s), that @mine (the item's body
 * before it) names under that name with the same digest, and whose bytes
 * this device holds whole: its push, of @theirs as it is, sends that file
 * again (the server's entry has no sealed digest, so no stub goes). Never
 * for plain files, nor for a file listed whose data is not there at all
 * (its upload follows the document). */
gboolean _fb_sync_attachments_cut_off_held  (FbSyncRun  *run,
                                             const char *id,
                                             JsonObject *mine,
                                             JsonObject *theirs);
/* A base to record for the push that made @rev: its new attachments'
 * revpos is @rev's generation, as the server's is. */
void     _fb_sync_attachments_set_revpos    (JsonObject  *base,
                                             const char  *rev);

/* fb-sync-attachments-download.c */
/* After the pull: downloads the files the store lacks, then succeeds. */
void     _fb_sync_run_download_attachments  (FbSyncRun  *run);

G_END_DECLS
