/* fb-application-sync.c: FbApplication's background sync: account → sync manager, pushes without windows */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-application"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-account.h"
#include "fb-application-private.h"
#include "fb-preferences.h"

/* How long the application may stay without windows to finish pushing. */
#define BACKGROUND_SYNC_SECS 120
#define REMOTE_CHANGES_ID "remote-changes"

gboolean
fb_application_get_background_sync (FbApplication *self)
{
  g_return_val_if_fail (FB_IS_APPLICATION (self), FALSE);

  return self->background_sync;
}

char *
fb_application_describe_remote_changes (guint n_total,
                                        guint n_notes,
                                        guint n_records)
{
  /* Two counts in one sentence do not translate well: a mix is "items". */
  if (n_notes == n_total)
    return g_strdup_printf (ngettext ("%u note updated", "%u notes updated", n_notes), n_notes);
  if (n_records == n_total)
    return g_strdup_printf (ngettext ("%u record updated", "%u records updated", n_records),
                            n_records);
  return g_strdup_printf (ngettext ("%u item updated", "%u items updated", n_total), n_total);
}

/* ---- The account (settings + keyring) → the sync manager ---- */

static void
start_sync_once (FbApplication *self)
{
  if (self->sync_started)
    return;

  self->sync_started = TRUE;
  fb_sync_manager_start (self->sync_manager);
}

/* Hands the account, with its password, to the sync manager; starts it the
 * first time. */
static void
apply_account (FbApplication *self)
{
  if (self->sync_manager == NULL)
    return;

  fb_account_configure (self->account, self->sync_manager);
  start_sync_once (self);
}

static void
password_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FbApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fb_account_load_password_finish (FB_ACCOUNT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Without the keyring, try without a password: the server says
       * whether it needs one, and the window asks for it in words. */
      g_message ("Cannot read the sync password from the keyring: %s", error->message);
    }

  apply_account (self);
}

/* An open preferences window gives the manager what it writes to the
 * settings itself, with the password it is still putting in the keyring:
 * reading the keyring back now could find the old one. */
static gboolean
preferences_open (FbApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (FB_IS_PREFERENCES (l->data))
      return TRUE;

  return FALSE;
}

static void
account_changed_cb (FbApplication *self,
                    FbAccount     *account)
{
  if (!preferences_open (self))
    apply_account (self);
}

static void
account_enabled_cb (FbApplication *self,
                    GParamSpec    *pspec,
                    FbAccount     *account)
{
  if (self->sync_manager != NULL)
    fb_sync_manager_set_enabled (self->sync_manager, fb_account_get_enabled (account));
}

/* ---- Finishing pushes without windows ---- */

void
_fb_application_stop_background_sync (FbApplication *self)
{
  if (!self->background_sync)
    return;

  self->background_sync = FALSE;
  g_clear_handle_id (&self->background_timeout, g_source_remove);
  for (guint i = 0; i < G_N_ELEMENTS (self->background_handlers); i++)
    g_clear_signal_handler (&self->background_handlers[i], self->sync_manager);
  g_debug ("Background sync over");
  g_application_release (G_APPLICATION (self));
}

/* TRUE when pushing can still succeed without the person's help. */
static gboolean
can_push_unattended (FbSyncManager *manager)
{
  switch (fb_sync_manager_get_state (manager))
    {
    case FB_SYNC_STATE_IDLE:
    case FB_SYNC_STATE_SYNCING:
    case FB_SYNC_STATE_WAITING_TO_RETRY:
      return TRUE;
    case FB_SYNC_STATE_NOT_CONFIGURED:
    case FB_SYNC_STATE_OFFLINE:
    case FB_SYNC_STATE_NEEDS_ATTENTION:
    default:
      return FALSE;
    }
}

static void
background_sync_check_cb (FbApplication *self)
{
  if (fb_sync_manager_get_pending_count (self->sync_manager) == 0 ||
      !can_push_unattended (self->sync_manager))
    _fb_application_stop_background_sync (self);
}

static gboolean
background_timeout_cb (gpointer user_data)
{
  FbApplication *self = user_data;

  self->background_timeout = 0;
  g_message ("Changes are still waiting to be synced; they will be sent at the next start");
  _fb_application_stop_background_sync (self);

  return G_SOURCE_REMOVE;
}

void
_fb_application_start_background_sync (FbApplication *self)
{
  if (self->background_sync || self->sync_manager == NULL)
    return;

  if (fb_sync_manager_get_pending_count (self->sync_manager) == 0 ||
      !can_push_unattended (self->sync_manager))
    return;

  g_debug ("Last window closed with %u changes to push: staying",
           fb_sync_manager_get_pending_count (self->sync_manager));
  self->background_sync = TRUE;
  g_application_hold (G_APPLICATION (self));
  self->background_timeout = g_timeout_add_seconds (BACKGROUND_SYNC_SECS,
                                                    background_timeout_cb, self);
  self->background_handlers[0] =
    g_signal_connect_object (self->sync_manager, "notify::pending-count",
                             G_CALLBACK (background_sync_check_cb), self, G_CONNECT_SWAPPED);
  self->background_handlers[1] =
    g_signal_connect_object (self->sync_manager, "notify::state",
                             G_CALLBACK (background_sync_check_cb), self, G_CONNECT_SWAPPED);
}

/* Once the person looks at a window, the summary of what changed while
 * they were away has said what it had to say. */
void
_fb_application_window_active_cb (GtkWindow     *window,
                                  GParamSpec    *pspec,
                                  FbApplication *self)
{
  if (gtk_window_is_active (window) &&
      g_application_get_dbus_connection (G_APPLICATION (self)) != NULL)
    g_application_withdraw_notification (G_APPLICATION (self), REMOTE_CHANGES_ID);
}

/* ---- Server changes while nobody looks ---- */

static gboolean
any_window_active (FbApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (gtk_window_is_active (l->data))
      return TRUE;

  return FALSE;
}

static void
remote_changes_cb (FbApplication *self,
                   guint          n_items,
                   guint          n_notes,
                   guint          n_records,
                   FbSyncManager *manager)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *summary = NULL;

  if (n_items == 0 || any_window_active (self))
    return;

  summary = fb_application_describe_remote_changes (n_items, n_notes, n_records);
  notification = g_notification_new (summary);
  g_notification_set_body (notification, _("Changes from your other devices are in Fieldbook."));
  /* Clicking it opens a window (no default action: "activate"). */

  /* Without a session bus no one could show it, and GIO would complain. */
  if (g_application_get_dbus_connection (G_APPLICATION (self)) != NULL)
    g_application_send_notification (G_APPLICATION (self), REMOTE_CHANGES_ID, notification);
  else
    g_debug ("No session bus: not sending “%s”", summary);

  _fb_application_notification_sent (self, REMOTE_CHANGES_ID, summary, notification);
}

/* Makes the sync manager for the store, set up from the account. */
void
_fb_application_sync_startup (FbApplication *self)
{
  self->sync_manager = fb_sync_manager_new (self->store, self->monitor);
  g_signal_connect_object (self->sync_manager, "remote-changes",
                           G_CALLBACK (remote_changes_cb), self, G_CONNECT_SWAPPED);

  self->settings = fb_settings_new_if_installed ();
  self->account = fb_account_new (self->settings);
  if (self->settings == NULL)
    {
      g_debug ("No settings: sync is not set up");
      start_sync_once (self);
      return;
    }

  fb_sync_manager_set_enabled (self->sync_manager, fb_account_get_enabled (self->account));
  g_signal_connect_object (self->account, "notify::enabled",
                           G_CALLBACK (account_enabled_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->account, "changed",
                           G_CALLBACK (account_changed_cb), self, G_CONNECT_SWAPPED);

  if (fb_account_is_configured (self->account))
    fb_account_load_password_async (self->account, self->cancellable,
                                    password_loaded_cb, g_object_ref (self));
  else
    apply_account (self);
}
