/* fb-transfer-async.h: an import on a worker thread, announced by the store the window uses */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "fb-store.h"

G_BEGIN_DECLS

/* On the caller's main context, about a hundred times: how many items are
 * in so far, and how much of the file is read (0 to 1). */
typedef void (*FbImportProgressFunc) (guint    done,
                                      double   fraction,
                                      gpointer user_data);

/* fb_transfer_import () of @file on a worker thread, through a connection
 * of its own to @store's file (SQLite's WAL lets @store read meanwhile;
 * its writes wait for the import's one transaction). When it committed,
 * @store reads the items it wrote again and announces them as local edits
 * (FbStore::item-changed, the pending count), as if it had written them:
 * lists, counts and the sync follow. A bad file or a cancel imports
 * nothing. @progress_data is freed with @progress_notify when done. */
void      fb_transfer_import_file_async  (FbStore               *store,
                                          GFile                 *file,
                                          FbImportProgressFunc   progress,
                                          gpointer               progress_data,
                                          GDestroyNotify         progress_notify,
                                          GCancellable          *cancellable,
                                          GAsyncReadyCallback    callback,
                                          gpointer               user_data);
/* *@n_items (nullable): how many items the file holds. */
gboolean  fb_transfer_import_file_finish (FbStore               *store,
                                          GAsyncResult          *result,
                                          guint                 *n_items,
                                          GError               **error);

G_END_DECLS
