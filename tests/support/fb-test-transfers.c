/* fb-test-transfers.c: what a sync manager told of the files in flight, recorded for tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-transfers"

#include "config.h"

#include "fb-test-transfers.h"

static void
transfer_free (FbTestTransfer *transfer)
{
  g_free (transfer->item_id);
  g_free (transfer->name);
  g_free (transfer);
}

static void
transfer_progress_cb (FbSyncManager       *manager,
                      const char          *item_id,
                      const char          *name,
                      FbTransferDirection  direction,
                      guint64              done,
                      guint64              total,
                      GPtrArray           *reports)
{
  FbTestTransfer *transfer = g_new0 (FbTestTransfer, 1);

  transfer->item_id = g_strdup (item_id);
  transfer->name = g_strdup (name);
  transfer->direction = direction;
  transfer->done = done;
  transfer->total = total;
  g_ptr_array_add (reports, transfer);
}

static void
reports_unref (gpointer  reports,
               GClosure *closure)
{
  g_ptr_array_unref (reports);
}

GPtrArray *
fb_test_transfers_record (FbSyncManager *manager)
{
  GPtrArray *reports = g_ptr_array_new_with_free_func ((GDestroyNotify) transfer_free);

  g_signal_connect_data (manager, "transfer-progress", G_CALLBACK (transfer_progress_cb),
                         g_ptr_array_ref (reports), reports_unref, 0);
  return reports;
}

guint
fb_test_transfers_assert_one (GPtrArray           *reports,
                              guint                first,
                              const char          *item_id,
                              const char          *name,
                              FbTransferDirection  direction,
                              guint64              size,
                              guint               *end)
{
  guint64 last = 0;
  guint values = 0;
  guint i;

  g_assert_cmpuint (reports->len, >, first + 1);
  g_assert_cmpuint (((FbTestTransfer *) reports->pdata[first])->done, ==, 0);
  for (i = first; i < reports->len; i++)
    {
      FbTestTransfer *transfer = reports->pdata[i];

      g_assert_cmpstr (transfer->item_id, ==, item_id);
      g_assert_cmpstr (transfer->name, ==, name);
      g_assert_cmpint (transfer->direction, ==, direction);
      if (transfer->total == 0)
        break;
      g_assert_cmpuint (transfer->total, ==, size);
      g_assert_cmpuint (transfer->done, >=, last);
      if (i == first || transfer->done > last)
        values++;
      last = transfer->done;
    }
  g_assert_cmpuint (i, <, reports->len);
  g_assert_cmpuint (((FbTestTransfer *) reports->pdata[i])->done, ==, 0);
  g_assert_cmpuint (last, ==, size);
  if (end != NULL)
    *end = i;
  return values;
}
