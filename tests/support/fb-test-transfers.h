/* fb-test-transfers.h: what a sync manager told of the files in flight, recorded for tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-sync-manager.h"

G_BEGIN_DECLS

/* One FbSyncManager::transfer-progress report. */
typedef struct
{
  char                *item_id;
  char                *name;
  FbTransferDirection  direction;
  guint64              done;
  guint64              total;
} FbTestTransfer;

/* From now on, every report of @manager, in order, in the returned array
 * (of FbTestTransfer); the manager holds a reference while it lives. */
GPtrArray *fb_test_transfers_record     (FbSyncManager       *manager);
/* The reports of one file from @first: they start at 0, rise to @size,
 * and the next one says that nothing is in flight (0 of 0), at *@end
 * (nullable). Returns how many different values were told. */
guint      fb_test_transfers_assert_one (GPtrArray           *reports,
                                         guint                first,
                                         const char          *item_id,
                                         const char          *name,
                                         FbTransferDirection  direction,
                                         guint64              size,
                                         guint               *end);

G_END_DECLS
