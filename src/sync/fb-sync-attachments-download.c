/* fb-sync-attachments-download.c: after the pull, the files this device does not have yet */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include "fb-attachments.h"
#include "fb-couch-client-private.h"
#include "fb-sync-run-private.h"

/* Fetches the attachments fb_store_list_missing_attachments () lists, one
 * by one with _fb_couch_client_fetch_attachment_async ()
 * (fb-couch-attachments.c); large ones wait on a metered network. A file
 * that fails is told on its item and the next run tries again. */

typedef struct
{
  FbSyncRun *run;
  GPtrArray *missing;  /* FbAttachment with item_id */
  guint      next;
} Download;

static void
download_free (Download *download)
{
  g_clear_object (&download->run);
  g_clear_pointer (&download->missing, g_ptr_array_unref);
  g_free (download);
}

static void download_next (Download *download);

static void
download_progress_cb (guint64  bytes_done,
                      guint64  bytes_total,
                      gpointer user_data)
{
  Download *download = user_data;
  FbAttachment *attachment = download->missing->pdata[download->next - 1];

  _fb_sync_run_report_transfer (download->run, attachment->item_id, attachment->name,
                                FB_TRANSFER_DOWN, bytes_done, bytes_total);
}

static void
download_fetched_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Download *download = user_data;
  FbSyncRun *run = download->run;
  FbAttachment *attachment = download->missing->pdata[download->next - 1];
  g_autoptr(GError) error = NULL;
  gboolean fetched;

  fetched = _fb_couch_client_fetch_attachment_finish (FB_COUCH_CLIENT (object), result, &error);
  _fb_sync_run_end_transfer (run);
  if (run->finished)
    {
      download_free (download);
      return;
    }
  if (_fb_sync_run_check_cancelled (run, !fetched, &error))
    fetched = FALSE;

  if (!fetched && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      _fb_sync_run_fail (run, g_steal_pointer (&error));
      download_free (download);
      return;
    }
  if (!fetched && g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_FOUND))
    {
      /* The next pull tells what became of it. */
      g_debug ("%s", error->message);
    }
  else if (!fetched && (error->domain != FB_SYNC_ERROR ||
                        error->code == FB_SYNC_ERROR_UNDECRYPTABLE ||
                        error->code == FB_SYNC_ERROR_BAD_RESPONSE))
    {
      /* Damaged or cut off on the way, sealed data that does not open, a
       * full disk: nothing of it is kept, the item keeps its stub and the
       * next run tries again; the person hears why, and the other files
       * still come. */
      _fb_sync_run_item_rejected (run, attachment->item_id, error->message);
    }
  else if (!fetched)
    {
      _fb_sync_run_fail (run, g_steal_pointer (&error));
      download_free (download);
      return;
    }

  download_next (download);
}

static void
download_next (Download *download)
{
  FbSyncRun *run = download->run;
  FbAttachment *attachment;

  if (download->next >= download->missing->len)
    {
      download_free (download);
      _fb_sync_run_succeed (run);
      return;
    }

  attachment = download->missing->pdata[download->next++];
  if (run->metered && attachment->length > FB_SYNC_EAGER_ATTACHMENT_BYTES)
    {
      g_debug ("%s/%s waits for a network that is not metered", attachment->item_id, attachment->name);
      download_next (download);
      return;
    }
  _fb_couch_client_fetch_attachment_async (run->client, run->store, attachment,
                                           download_progress_cb, download, run->cancellable,
                                           download_fetched_cb, download);
}

void
_fb_sync_run_download_attachments (FbSyncRun *run)
{
  g_autoptr(GError) error = NULL;
  Download *download;
  GPtrArray *missing;

  missing = fb_store_list_missing_attachments (run->store, &error);
  if (missing == NULL)
    {
      _fb_sync_run_fail (run, g_error_new_literal (FB_SYNC_ERROR, FB_SYNC_ERROR_STORE, error->message));
      return;
    }

  download = g_new0 (Download, 1);
  download->run = g_object_ref (run);
  download->missing = missing;
  download_next (download);
}
