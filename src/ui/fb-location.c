/* fb-location.c: where the device is, from the XDG location portal over D-Bus */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-location"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fb-location.h"

#define PORTAL_NAME      "org.freedesktop.portal.Desktop"
#define PORTAL_PATH      "/org/freedesktop/portal/desktop"
#define LOCATION_IFACE   "org.freedesktop.portal.Location"
#define REQUEST_IFACE    "org.freedesktop.portal.Request"
#define SESSION_IFACE    "org.freedesktop.portal.Session"
/* The portal's accuracy levels: 4 is "street". */
#define ACCURACY_STREET  4

/* ---- Is there a portal? ---- */

static void
version_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
check_bus_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GDBusConnection) bus = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The property only exists when the portal has a location backend. The
   * cancellable is read before: the task is handed on in the same call. */
  g_dbus_connection_call (bus, PORTAL_NAME, PORTAL_PATH, "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", LOCATION_IFACE, "version"), G_VARIANT_TYPE ("(v)"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, cancellable,
                          version_cb, g_steal_pointer (&task));
}

void
fb_location_check_async (GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, fb_location_check_async);
  g_bus_get (G_BUS_TYPE_SESSION, cancellable, check_bus_cb, task);
}

gboolean
fb_location_check_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- One location ---- */

typedef struct
{
  GDBusConnection *bus;
  char            *session_path;
  char            *request_path;
  guint            updated_id;
  guint            response_id;
  gulong           cancelled_id;
  double           latitude;
  double           longitude;
} Lookup;

static void
lookup_free (gpointer data)
{
  Lookup *lookup = data;

  if (lookup->updated_id != 0)
    g_dbus_connection_signal_unsubscribe (lookup->bus, lookup->updated_id);
  if (lookup->response_id != 0)
    g_dbus_connection_signal_unsubscribe (lookup->bus, lookup->response_id);
  /* The session ends with the lookup, whatever became of it. */
  if (lookup->session_path != NULL)
    g_dbus_connection_call (lookup->bus, PORTAL_NAME, lookup->session_path, SESSION_IFACE, "Close",
                            NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
  g_clear_object (&lookup->bus);
  g_free (lookup->session_path);
  g_free (lookup->request_path);
  g_free (lookup);
}

/* A portal object's path is known before the call that makes it: the
 * caller's unique name (without ':', '.' as '_') and a token. */
static char *
portal_path (GDBusConnection *bus,
             const char      *kind,
             const char      *token)
{
  g_autofree char *sender = g_strdup (g_dbus_connection_get_unique_name (bus) + 1);

  g_strdelimit (sender, ".", '_');
  return g_strdup_printf (PORTAL_PATH "/%s/%s/%s", kind, sender, token);
}

static void
finish (GTask  *task,
        GError *error)
{
  Lookup *lookup = g_task_get_task_data (task);

  if (lookup->updated_id == 0 && lookup->response_id == 0)
    return;  /* already finished */
  g_cancellable_disconnect (g_task_get_cancellable (task), lookup->cancelled_id);
  lookup->cancelled_id = 0;
  g_dbus_connection_signal_unsubscribe (lookup->bus, lookup->updated_id);
  g_dbus_connection_signal_unsubscribe (lookup->bus, lookup->response_id);
  lookup->updated_id = lookup->response_id = 0;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* Not from the ::cancelled handler itself: it may not disconnect. */
static gboolean
cancelled_idle_cb (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;

  finish (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              GTask        *task)
{
  g_idle_add (cancelled_idle_cb, g_object_ref (task));
}

static void
location_updated_cb (GDBusConnection *bus,
                     const char      *sender,
                     const char      *path,
                     const char      *interface,
                     const char      *signal,
                     GVariant        *parameters,
                     gpointer         user_data)
{
  GTask *task = user_data;
  Lookup *lookup = g_task_get_task_data (task);
  g_autoptr(GVariant) location = NULL;
  const char *session;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(oa{sv})")))
    return;
  g_variant_get (parameters, "(&o@a{sv})", &session, &location);
  if (g_strcmp0 (session, lookup->session_path) != 0 ||
      !g_variant_lookup (location, "Latitude", "d", &lookup->latitude) ||
      !g_variant_lookup (location, "Longitude", "d", &lookup->longitude))
    return;

  finish (task, NULL);
}

static void
response_cb (GDBusConnection *bus,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         user_data)
{
  guint32 response = 2;

  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    g_variant_get (parameters, "(u@a{sv})", &response, NULL);
  if (response == 0)
    return;  /* started: the location follows */

  finish (user_data, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                          _("The location was not shared")));
}

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    finish (task, error);
  g_object_unref (task);
}

static void
session_created_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Lookup *lookup = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *token = g_strdup_printf ("fieldbook%u", g_random_int ());
  GVariantBuilder options;
  GError *error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      finish (task, error);
      g_object_unref (task);
      return;
    }

  lookup->request_path = portal_path (lookup->bus, "request", token);
  lookup->response_id = g_dbus_connection_signal_subscribe (lookup->bus, PORTAL_NAME, REQUEST_IFACE,
                                                            "Response", lookup->request_path, NULL,
                                                            G_DBUS_SIGNAL_FLAGS_NO_MATCH_RULE,
                                                            response_cb, task, NULL);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_dbus_connection_call (lookup->bus, PORTAL_NAME, PORTAL_PATH, LOCATION_IFACE, "Start",
                          g_variant_new ("(osa{sv})", lookup->session_path, "", &options),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          g_task_get_cancellable (task), call_done_cb, task);
}

static void
get_bus_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Lookup *lookup = g_new0 (Lookup, 1);
  g_autofree char *token = g_strdup_printf ("fieldbook%u", g_random_int ());
  GVariantBuilder options;
  GError *error = NULL;

  g_task_set_task_data (task, lookup, lookup_free);
  lookup->bus = g_bus_get_finish (result, &error);
  if (lookup->bus == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  lookup->session_path = portal_path (lookup->bus, "session", token);
  if (g_task_get_cancellable (task) != NULL)
    lookup->cancelled_id = g_cancellable_connect (g_task_get_cancellable (task), G_CALLBACK (cancelled_cb),
                                                  task, NULL);
  /* The task is held until finish (): once for the signals, once per call. */
  lookup->updated_id = g_dbus_connection_signal_subscribe (lookup->bus, PORTAL_NAME, LOCATION_IFACE,
                                                           "LocationUpdated", PORTAL_PATH, NULL,
                                                           G_DBUS_SIGNAL_FLAGS_NONE,
                                                           location_updated_cb, task, NULL);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "session_handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "accuracy", g_variant_new_uint32 (ACCURACY_STREET));
  g_dbus_connection_call (lookup->bus, PORTAL_NAME, PORTAL_PATH, LOCATION_IFACE, "CreateSession",
                          g_variant_new ("(a{sv})", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, g_task_get_cancellable (task),
                          session_created_cb, g_object_ref (task));
}

void
fb_location_get_async (GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, fb_location_get_async);
  g_bus_get (G_BUS_TYPE_SESSION, cancellable, get_bus_cb, task);
}

gboolean
fb_location_get_finish (GAsyncResult  *result,
                        double        *latitude,
                        double        *longitude,
                        GError       **error)
{
  Lookup *lookup;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  lookup = g_task_get_task_data (G_TASK (result));
  *latitude = lookup->latitude;
  *longitude = lookup->longitude;
  return TRUE;
}
