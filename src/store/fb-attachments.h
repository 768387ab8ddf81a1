/* fb-attachments.h: files attached to items, kept once each under the data dir */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fb-store.h"

G_BEGIN_DECLS

/* An item's attachments are listed in its body under FB_BODY_ATTACHMENTS,
 * in CouchDB's own form, so that the document on the server and the body
 * here say the same:
 *
 *   "_attachments": { "heron.jpg": { "content_type": "image/jpeg",
 *                                    "length": 52311,
 *                                    "digest": "md5-<base64 of the MD5>",
 *                                    ["stub": true, "revpos": 3] } }
 *
 * "digest" is CouchDB's digest, which every server computes itself and
 * returns in every stub. Ours, the SHA-256 that names the file here, is
 * kept beside it, not in the body: in the attachment_blobs table, keyed by
 * that digest. A body that went to the server and came back is then the
 * same text, and a stub another program wrote gets its SHA-256 when its
 * data is downloaded. An entry with "stub" came from a server; one without
 * was attached here and is uploaded by the next push.
 *
 * In an end-to-end encrypted database, a stub that says
 * "encrypted": true (FB_ATTACHMENT_ENCRYPTED) is one whose data the server
 * holds sealed, under another name (see src/sync/fb-crypto.h, whose
 * FB_CRYPTO_ATTACHMENT_ENCRYPTED is the same member); "digest" and
 * "length" are still those of the plain bytes here. */

#define FB_ATTACHMENT_ENCRYPTED "encrypted"

typedef struct
{
  char   *name;
  char   *content_type;
  gint64  length;
  char   *digest;   /* CouchDB's "md5-…", as in the body */
  char   *sha256;   /* lower-case hex, of the file here; NULL: not here (yet) */
  char   *item_id;  /* only from fb_store_list_missing_attachments () */
  char   *rev;      /* the server revision whose data a stub names, its
                     * item's base_rev (NULL: none); only from the store's
                     * lists, not fb_body_list_attachments () */
  gboolean encrypted; /* the entry says FB_ATTACHMENT_ENCRYPTED */
} FbAttachment;

void          fb_attachment_free                (FbAttachment *attachment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbAttachment, fb_attachment_free)

/* "sha256-<hex>", as the command line and the window show it; NULL when
 * the file is not here. */
char         *fb_attachment_dup_sha256_digest   (const FbAttachment *attachment);

/* "heron.jpg" → "heron (2).jpg", "heron (3).jpg" …: the first name
 * @attachments (a body's FB_BODY_ATTACHMENTS) does not hold. */
char         *fb_attachments_free_name          (JsonObject   *attachments,
                                                 const char   *name);

/* @mine's and @theirs' attachments (a body's FB_BODY_ATTACHMENTS, none
 * NULL) merged against @base's as a set by name and digest: added or
 * changed on either side → kept; removed on one side and unchanged on the
 * other → removed; other bytes under one name on both → both kept, one
 * under a free name. Shares nothing with the sides. */
JsonObject   *fb_attachments_merge_sets         (JsonObject   *base,
                                                 JsonObject   *mine,
                                                 JsonObject   *theirs);
/* Bodies @mine and @theirs (changed in place) made ready for their record
 * fields to merge as sets against @base (nullable): where
 * fb_attachments_merge_sets () gives one side's file a free name
 * ("heron.jpg" → "heron (2).jpg"), that side's lists of names (its photo
 * and file fields) that named the old name get the new one just after it,
 * and lose the old one unless @base's same field named it too. So both
 * photos stay in the field. */
void          fb_attachments_merge_follow_renames (JsonObject *base,
                                                   JsonObject *mine,
                                                   JsonObject *theirs);

/* The attachments @body lists (FbAttachment, without sha256), by name. */
GPtrArray    *fb_body_list_attachments          (JsonObject   *body);

/* The folder of attachment files: beside the database file, named after
 * it ("fieldbook.db" → "fieldbook.db.attachments/"). */
char         *fb_store_dup_attachments_dir      (FbStore      *self);

/* The attachments of item @id, with the SHA-256 of each file that is
 * here. */
GPtrArray    *fb_store_list_attachments         (FbStore      *self,
                                                 const char   *id,
                                                 GError      **error);
FbAttachment *fb_store_get_attachment           (FbStore      *self,
                                                 const char   *id,
                                                 const char   *name,
                                                 GError      **error);
/* Some attachment of item @id has no file here (a stub from a server);
 * FALSE as well when the item cannot be read. */
gboolean      fb_store_has_files_not_here       (FbStore      *self,
                                                 const char   *id);

/* Attaches the bytes of @data to item @id as @name (a content type is
 * guessed when @content_type is NULL): the file is written under a
 * temporary name, synced to disk and renamed to its SHA-256 (once: the same
 * bytes attached again reuse it); then the body lists it in one transaction
 * with the edit. The same name with the same bytes changes nothing; the
 * same name with other bytes is attached as "name (2).ext". Returns the
 * entry as attached. */
FbAttachment *fb_store_add_attachment           (FbStore      *self,
                                                 const char   *id,
                                                 const char   *name,
                                                 const char   *content_type,
                                                 GInputStream *data,
                                                 GCancellable *cancellable,
                                                 GError      **error);
/* Removes @name from the item's body (a local edit); the file stays while
 * anything still names it (see fb_store_collect_attachments ()). */
gboolean      fb_store_remove_attachment        (FbStore      *self,
                                                 const char   *id,
                                                 const char   *name,
                                                 GError      **error);
/* Puts an earlier @attachment (as fb_store_get_attachment () returned it,
 * its file still here) back on item @id: the undo of a removal. */
gboolean      fb_store_restore_attachment       (FbStore      *self,
                                                 const char   *id,
                                                 const FbAttachment *attachment,
                                                 GError      **error);

/* Renames attachment @old_name of item @id to @new_name, in one local
 * edit: the body lists the same bytes (same digest, no new file) under the
 * new name, and every reference "attachment:OLD" in a note's text (see
 * fb_attachments_rename_references ()) names the new one. Refused with
 * FB_STORE_ERROR_INVALID, nothing changed, when the item has an attachment
 * @new_name already or the name cannot be one; with NOT_FOUND when the
 * data is not here (the server needs it under the new name). */
gboolean      fb_store_rename_attachment        (FbStore      *self,
                                                 const char   *id,
                                                 const char   *old_name,
                                                 const char   *new_name,
                                                 GError      **error);
/* Whether @name can name an attachment: not empty, no space at either end,
 * not beginning with "_" (CouchDB's), no "/". */
gboolean      fb_attachment_name_is_valid       (const char   *name,
                                                 GError      **error);
/* A Markdown text's references ![…](attachment:OLD), […](attachment:OLD)
 * and <attachment:OLD> (the name plain or %-escaped) rewritten to
 * @new_name; NULL when the text has none. */
char         *fb_attachments_rename_references  (const char   *text,
                                                 const char   *old_name,
                                                 const char   *new_name);

/* The file holding the data of CouchDB digest @digest, or NULL with
 * FB_STORE_ERROR_NOT_FOUND when it is not here (not downloaded yet). */
GFile        *fb_store_get_attachment_file      (FbStore      *self,
                                                 const char   *digest,
                                                 GError      **error);
/* Data that a server sends for an attachment (a download), kept as it
 * arrives: fb_store_begin_attachment_write (), then
 * fb_attachment_write_chunk () for each piece (on the main thread: a
 * write to a temporary file, which the page cache takes), then
 * fb_store_commit_attachment_write_async (), or fb_attachment_write_abort ()
 * to give up. Nothing names the temporary file before the commit: a crash
 * or a kill leaves it to the collector, and the attachment stays listed by
 * fb_store_list_missing_attachments (). No item changes. */
typedef struct _FbAttachmentWrite FbAttachmentWrite;

FbAttachmentWrite *fb_store_begin_attachment_write        (FbStore            *self,
                                                           GError            **error);
gboolean      fb_attachment_write_chunk                   (FbAttachmentWrite  *writer,
                                                           const void         *data,
                                                           gsize               len,
                                                           GError            **error);
/* The bytes written so far. */
guint64       fb_attachment_write_get_length              (FbAttachmentWrite  *writer);
/* Removes the temporary file and frees @writer. */
void          fb_attachment_write_abort                   (FbAttachmentWrite  *writer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FbAttachmentWrite, fb_attachment_write_abort)
/* Takes @writer: its bytes are kept as the data of CouchDB digest @digest.
 * An "md5-" digest is checked first: other bytes are refused with
 * FB_STORE_ERROR_INVALID, in words, and nothing is kept. Then, in a worker
 * thread, the file is synced to disk and renamed to its SHA-256 (the same
 * bytes there already are kept once), and back on the caller's main
 * context the digest → file row is written. */
void          fb_store_commit_attachment_write_async      (FbStore            *self,
                                                           FbAttachmentWrite  *writer,
                                                           const char         *digest,
                                                           GCancellable       *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer            user_data);
gboolean      fb_store_commit_attachment_write_finish     (FbStore            *self,
                                                           GAsyncResult       *result,
                                                           GError            **error);

/* Import: each of @attachments with "data" is attached to item @id (as
 * fb_store_add_attachment () does: the same bytes again change nothing);
 * one without data is put back if its file is here. */
gboolean      fb_store_import_attachments       (FbStore      *self,
                                                 const char   *id,
                                                 JsonObject   *attachments,
                                                 GError      **error);

/* The attachments of live items whose file is not here (stubs from a
 * server), as FbAttachment with item_id, in no order. */
GPtrArray    *fb_store_list_missing_attachments (FbStore      *self,
                                                 GError      **error);

/* How long a file nothing names yet is left alone by the collector: it may
 * be one being attached by another process right now. */
#define FB_ATTACHMENTS_GRACE_MS (60 * 60 * 1000)

/* Removes the files that nothing names any more: no item's body, server
 * side or base, no push in flight and no version in the history. Files
 * (and temporary files) not older than @grace_ms are kept. */
gboolean      fb_store_collect_attachments      (FbStore      *self,
                                                 gint64        grace_ms,
                                                 guint        *n_removed,
                                                 GError      **error);

G_END_DECLS
