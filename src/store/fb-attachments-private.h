/* fb-attachments-private.h: what the attachment files' sources share */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-attachments.h"

G_BEGIN_DECLS

/* fb-attachments.c lists and looks up; fb-attachments-write.c writes the
 * files and their attachment_blobs rows. */

/* A file as written: its digests, its size and its first bytes. */
typedef struct
{
  char   *sha256;     /* lower-case hex: the file's name */
  char   *digest;     /* CouchDB's "md5-<base64>" */
  gint64  length;
  guchar  head[256];  /* the first bytes, for guessing a content type */
  gsize   head_len;
} FbAttachmentBlob;

void      _fb_attachment_blob_clear   (FbAttachmentBlob *blob);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FbAttachmentBlob, _fb_attachment_blob_clear)

/* fb-attachments.c */
char     *_fb_attachments_blob_path   (FbStore          *self,
                                       const char       *sha256);

/* fb-attachments-write.c */
/* Copies @data into the folder as a file named by its SHA-256 (unless that
 * file is there already: then it is only touched, so that the collector's
 * grace time starts again), and fills @blob. */
gboolean  _fb_attachments_write_blob  (FbStore          *self,
                                       GInputStream     *data,
                                       FbAttachmentBlob *blob,
                                       GCancellable     *cancellable,
                                       GError          **error);
/* Inside a transaction: the table names @blob's file for its digest, and
 * the file is still there (a collector in another process may have removed
 * it since it was written). */
gboolean  _fb_attachments_record_blob (FbStore                *self,
                                       const FbAttachmentBlob *blob,
                                       GError                **error);

G_END_DECLS
