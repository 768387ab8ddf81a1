/* fb-attachment-fetch.c: files only the server has, fetched when their tile is clicked */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-attachment-fetch"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-attachment-fetch.h"
#include "fb-sync-manager.h"
#include "fb-window.h"

/* On a metered network a large file stays on the server until it is
 * wanted. The strip and the photo and file fields both fetch it on a
 * click; this is their one account of what is downloading and what
 * failed, so their tiles say the same words. */
struct _FbAttachmentFetches
{
  GtkWidget                  *owner;        /* weak: it owns this */
  char                       *open_action;
  FbAttachmentFetchesChanged  changed;
  char                       *id;
  GHashTable                 *running;      /* name → GCancellable */
  GHashTable                 *errors;       /* name → why it failed, in words */
};

typedef struct
{
  FbAttachmentFetches *fetches;  /* NULL once the fetch is cancelled */
  GCancellable        *cancellable;
  char                *name;
} Fetch;

FbAttachmentFetches *
fb_attachment_fetches_new (GtkWidget                  *owner,
                           const char                 *open_action,
                           FbAttachmentFetchesChanged  changed)
{
  FbAttachmentFetches *self = g_new0 (FbAttachmentFetches, 1);

  self->owner = owner;
  self->open_action = g_strdup (open_action);
  self->changed = changed;
  self->running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

static void
cancel_all (FbAttachmentFetches *self)
{
  GHashTableIter iter;
  gpointer cancellable;

  g_hash_table_iter_init (&iter, self->running);
  while (g_hash_table_iter_next (&iter, NULL, &cancellable))
    g_cancellable_cancel (cancellable);
  g_hash_table_remove_all (self->running);
}

void
fb_attachment_fetches_free (FbAttachmentFetches *self)
{
  if (self == NULL)
    return;

  cancel_all (self);
  g_hash_table_unref (self->running);
  g_hash_table_unref (self->errors);
  g_free (self->open_action);
  g_free (self->id);
  g_free (self);
}

void
fb_attachment_fetches_set_item (FbAttachmentFetches *self,
                                const char          *id)
{
  if (g_strcmp0 (self->id, id) == 0)
    return;

  cancel_all (self);
  g_hash_table_remove_all (self->errors);
  g_free (self->id);
  self->id = g_strdup (id);
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;
  gboolean fetched = fb_sync_manager_fetch_attachment_finish (FB_SYNC_MANAGER (object), result, &error);
  FbAttachmentFetches *self = fetch->fetches;

  /* Cancelled: the tiles show another item now, or are gone. */
  if (!g_cancellable_is_cancelled (fetch->cancellable))
    {
      GtkWidget *owner = self->owner;

      g_hash_table_remove (self->running, fetch->name);
      if (!fetched)
        g_hash_table_insert (self->errors, g_strdup (fetch->name), g_strdup (error->message));
      self->changed (owner);
      if (fetched)
        gtk_widget_activate_action (owner, self->open_action, "s", fetch->name);
    }

  g_object_unref (fetch->cancellable);
  g_free (fetch->name);
  g_free (fetch);
}

gboolean
fb_attachment_fetches_start (FbAttachmentFetches *self,
                             const char          *name)
{
  GtkWidget *window = gtk_widget_get_ancestor (self->owner, FB_TYPE_WINDOW);
  FbSyncManager *manager = window != NULL ? fb_window_get_sync_manager (FB_WINDOW (window)) : NULL;
  Fetch *fetch;

  if (manager == NULL || fb_sync_manager_get_state (manager) == FB_SYNC_STATE_NOT_CONFIGURED ||
      self->id == NULL)
    return FALSE;
  if (g_hash_table_contains (self->running, name))
    return TRUE;

  /* Every way out of this (freed, another item) cancels the fetch
   * before @self goes, so the callback may use it unless cancelled. */
  fetch = g_new0 (Fetch, 1);
  fetch->fetches = self;
  fetch->cancellable = g_cancellable_new ();
  fetch->name = g_strdup (name);
  g_hash_table_insert (self->running, g_strdup (name), g_object_ref (fetch->cancellable));
  g_hash_table_remove (self->errors, name);
  self->changed (self->owner);
  fb_sync_manager_fetch_attachment_async (manager, self->id, name, fetch->cancellable, fetched_cb, fetch);
  return TRUE;
}

gboolean
fb_attachment_fetches_running (FbAttachmentFetches *self,
                               const char          *name)
{
  return g_hash_table_contains (self->running, name);
}

char *
fb_attachment_fetches_describe (FbAttachmentFetches *self,
                                const FbAttachment  *attachment,
                                gboolean            *failed)
{
  g_autofree char *size = g_format_size (attachment->length);
  const char *why = g_hash_table_lookup (self->errors, attachment->name);

  *failed = FALSE;
  if (attachment->sha256 != NULL)
    return g_steal_pointer (&size);
  if (g_hash_table_contains (self->running, attachment->name))
    return g_strdup (_("Downloading…"));
  if (why != NULL)
    {
      *failed = TRUE;
      /* TRANSLATORS: %s is why an attachment could not be downloaded */
      return g_strdup_printf (_("Not downloaded: %s"), why);
    }
  /* TRANSLATORS: an attachment not downloaded yet; %s is its size */
  return g_strdup_printf (_("On the server, %s"), size);
}
