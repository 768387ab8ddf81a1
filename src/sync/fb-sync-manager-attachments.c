/* fb-sync-manager-attachments.c: FbSyncManager fetching an attachment the person opens, or all of an item's */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fb-attachments.h"
#include "fb-couch-client-private.h"
#include "fb-sync-manager-private.h"

/* Part of FbSyncManager (see fb-sync-manager-private.h). The pull
 * downloads small files at once and large ones on a network that is not
 * metered; one the person opens before that is fetched here, now, on any
 * network, its progress told through "transfer-progress" as a run's is. */

typedef struct
{
  char *item_id;
  char *name;
} Opened;

static void
opened_free (Opened *opened)
{
  g_free (opened->item_id);
  g_free (opened->name);
  g_free (opened);
}

static void
progress_cb (guint64  bytes_done,
             guint64  bytes_total,
             gpointer user_data)
{
  GTask *task = user_data;
  Opened *opened = g_task_get_task_data (task);

  _fb_sync_manager_report_transfer (g_task_get_source_object (task), opened->item_id, opened->name,
                                    FB_TRANSFER_DOWN, bytes_done, bytes_total);
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  _fb_sync_manager_end_transfer (g_task_get_source_object (task));

  if (!_fb_couch_client_fetch_attachment_finish (FB_COUCH_CLIENT (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
fb_sync_manager_fetch_attachment_async (FbSyncManager       *self,
                                        const char          *item_id,
                                        const char          *name,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(FbAttachment) attachment = NULL;
  GError *error = NULL;
  Opened *opened;

  g_return_if_fail (FB_IS_SYNC_MANAGER (self));
  g_return_if_fail (item_id != NULL && name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_sync_manager_fetch_attachment_async);

  attachment = fb_store_get_attachment (self->store, item_id, name, &error);
  if (attachment == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (attachment->sha256 != NULL)
    {
      /* Here already (the pull was quicker). */
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->client == NULL)
    {
      g_task_return_new_error (task, FB_SYNC_ERROR, FB_SYNC_ERROR_NOT_CONFIGURED,
                               _("“%s” is on the server, and no server is set up"), name);
      return;
    }

  opened = g_new0 (Opened, 1);
  opened->item_id = g_strdup (item_id);
  opened->name = g_strdup (name);
  g_task_set_task_data (task, opened, (GDestroyNotify) opened_free);
  attachment->item_id = g_strdup (item_id);
  /* The task lives until the fetch ends: it is the progress's data. */
  _fb_couch_client_fetch_attachment_async (self->client, self->store, attachment, progress_cb, task,
                                           cancellable, fetched_cb, task);
  g_steal_pointer (&task);
}

gboolean
fb_sync_manager_fetch_attachment_finish (FbSyncManager  *self,
                                         GAsyncResult   *result,
                                         GError        **error)
{
  g_return_val_if_fail (FB_IS_SYNC_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Every file of one item that is not here ---- */

typedef struct
{
  char      *item_id;
  GPtrArray *names;  /* char *: the attachments to fetch */
  guint      next;
} Missing;

static void
missing_free (Missing *missing)
{
  g_free (missing->item_id);
  g_ptr_array_unref (missing->names);
  g_free (missing);
}

static void fetch_next_missing (GTask *task);

static void
missing_fetched_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!fb_sync_manager_fetch_attachment_finish (FB_SYNC_MANAGER (object), result, &error))
    g_task_return_error (task, error);
  else
    fetch_next_missing (g_steal_pointer (&task));
}

/* One at a time: "transfer-progress" tells one file in flight. */
static void
fetch_next_missing (GTask *task)
{
  Missing *missing = g_task_get_task_data (task);

  if (missing->next == missing->names->len)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  fb_sync_manager_fetch_attachment_async (g_task_get_source_object (task), missing->item_id,
                                          missing->names->pdata[missing->next++],
                                          g_task_get_cancellable (task), missing_fetched_cb, task);
}

void
fb_sync_manager_fetch_missing_attachments_async (FbSyncManager       *self,
                                                 const char          *id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) attachments = NULL;
  GError *error = NULL;
  Missing *missing;

  g_return_if_fail (FB_IS_SYNC_MANAGER (self));
  g_return_if_fail (id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fb_sync_manager_fetch_missing_attachments_async);

  attachments = fb_store_list_attachments (self->store, id, &error);
  if (attachments == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  missing = g_new0 (Missing, 1);
  missing->item_id = g_strdup (id);
  missing->names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < attachments->len; i++)
    {
      FbAttachment *attachment = attachments->pdata[i];

      if (attachment->sha256 == NULL)
        g_ptr_array_add (missing->names, g_strdup (attachment->name));
    }
  g_task_set_task_data (task, missing, (GDestroyNotify) missing_free);
  fetch_next_missing (g_steal_pointer (&task));
}

gboolean
fb_sync_manager_fetch_missing_attachments_finish (FbSyncManager  *self,
                                                  GAsyncResult   *result,
                                                  GError        **error)
{
  g_return_val_if_fail (FB_IS_SYNC_MANAGER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
