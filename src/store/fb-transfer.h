/* fb-transfer.h: the export file format (--export, --import), written and read item by item */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "fb-store.h"

G_BEGIN_DECLS

/* The format: {"fieldbook": 1, "items": [{"_id", "type": collection,
 * ...body, "updated_at"}, ...]}, pretty-printed with an indent of 2. The
 * items are the documents a CouchDB server would hold, without "_rev". */
#define FB_TRANSFER_VERSION 1

#define FB_TRANSFER_ERROR (fb_transfer_error_quark ())

typedef enum {
  FB_TRANSFER_ERROR_NOT_JSON,   /* the text is not JSON; the message is the parser's detail */
  FB_TRANSFER_ERROR_NOT_EXPORT, /* JSON, but not {"fieldbook": 1, "items": [...]} */
  FB_TRANSFER_ERROR_TOO_NEW,    /* a newer format version */
  FB_TRANSFER_ERROR_BAD_ITEM,   /* an element of "items" is not a note or record */
} FbTransferError;

GQuark    fb_transfer_error_quark (void);

/* Called after each item with how many are done and how many there are
 * (0 while the total is not known). */
typedef void (*FbTransferProgressFunc) (guint    done,
                                        guint    total,
                                        gpointer user_data);

/* Writes every live item of @store to @out (not closed), newest first.
 * *@n_items (nullable) is how many were written. */
gboolean  fb_transfer_export      (FbStore                 *store,
                                   GOutputStream           *out,
                                   FbTransferProgressFunc   progress,
                                   gpointer                 user_data,
                                   guint                   *n_items,
                                   GCancellable            *cancellable,
                                   GError                 **error);

/* Reads an export from @in into @store as local edits, in one
 * transaction: a bad file imports nothing. An item whose id, collection
 * and body are already in the store is left alone (importing a file twice
 * changes nothing). *@n_items (nullable) is how many items the file holds. */
gboolean  fb_transfer_import      (FbStore                 *store,
                                   GInputStream            *in,
                                   FbTransferProgressFunc   progress,
                                   gpointer                 user_data,
                                   guint                   *n_items,
                                   GCancellable            *cancellable,
                                   GError                 **error);

G_END_DECLS
