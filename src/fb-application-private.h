/* fb-application-private.h: FbApplication's parts, shared by fb-application*.c */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "fb-account.h"
#include "fb-application.h"

G_BEGIN_DECLS

/* fb-application.c: the object, startup, the store, the windows.
 * fb-application-actions.c: app actions, their shortcuts, the about window.
 * fb-application-sync.c: the account → the sync manager, finishing pushes
 * without windows, the notification of server changes. */
struct _FbApplication
{
  AdwApplication   parent_instance;

  FbStore         *store;
  GError          *store_error;
  GNetworkMonitor *monitor;

  FbSyncManager   *sync_manager;
  GSettings       *settings;      /* NULL when the schema is not installed */
  FbAccount       *account;
  GCancellable    *cancellable;
  gboolean         sync_started;

  gboolean         background_sync;
  guint            background_timeout;
  gulong           background_handlers[2];

  guint            writable_retry;
};

/* fb-application.c */
GtkWindow *_fb_application_create_window        (FbApplication *self);
void       _fb_application_notification_sent    (FbApplication *self,
                                                 const char    *id,
                                                 const char    *title,
                                                 GNotification *notification);

/* fb-application-actions.c */
void       _fb_application_actions_init         (FbApplication *self);

/* fb-application-sync.c */
/* At startup, with the store open: the sync manager, set up from the
 * settings and the keyring, started. */
void       _fb_application_sync_startup         (FbApplication *self);
void       _fb_application_start_background_sync (FbApplication *self);
void       _fb_application_stop_background_sync (FbApplication *self);
void       _fb_application_window_active_cb     (GtkWindow     *window,
                                                 GParamSpec    *pspec,
                                                 FbApplication *self);

G_END_DECLS
