/* fb-fake-network-monitor.c: a GNetworkMonitor whose network tests switch on and off */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-fake-network-monitor"

#include "config.h"

#include "fb-fake-network-monitor.h"

struct _FbFakeNetworkMonitor
{
  GObject  parent_instance;
  gboolean available;
  gboolean metered;
};

static void fb_fake_network_monitor_iface_init (GNetworkMonitorInterface *iface);
static void fb_fake_network_monitor_initable_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FbFakeNetworkMonitor, fb_fake_network_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      fb_fake_network_monitor_initable_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR,
                                                      fb_fake_network_monitor_iface_init))

enum {
  FAKE_PROP_0,
  FAKE_PROP_NETWORK_AVAILABLE,
  FAKE_PROP_NETWORK_METERED,
  FAKE_PROP_CONNECTIVITY,
};

static gboolean
fb_fake_network_monitor_initable_init_cb (GInitable     *initable,
                                          GCancellable  *cancellable,
                                          GError       **error)
{
  return TRUE;
}

static void
fb_fake_network_monitor_initable_init (GInitableIface *iface)
{
  iface->init = fb_fake_network_monitor_initable_init_cb;
}

static gboolean
fb_fake_network_monitor_can_reach (GNetworkMonitor     *monitor,
                                   GSocketConnectable  *connectable,
                                   GCancellable        *cancellable,
                                   GError             **error)
{
  FbFakeNetworkMonitor *self = FB_FAKE_NETWORK_MONITOR (monitor);

  if (!self->available)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE,
                           "Network unreachable (fake)");
      return FALSE;
    }
  return TRUE;
}

static void
fb_fake_network_monitor_can_reach_async (GNetworkMonitor     *monitor,
                                         GSocketConnectable  *connectable,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (monitor, cancellable, callback, user_data);
  GError *error = NULL;

  if (fb_fake_network_monitor_can_reach (monitor, connectable, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
fb_fake_network_monitor_can_reach_finish (GNetworkMonitor  *monitor,
                                          GAsyncResult     *result,
                                          GError          **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
fb_fake_network_monitor_iface_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach = fb_fake_network_monitor_can_reach;
  iface->can_reach_async = fb_fake_network_monitor_can_reach_async;
  iface->can_reach_finish = fb_fake_network_monitor_can_reach_finish;
}

static void
fb_fake_network_monitor_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  FbFakeNetworkMonitor *self = FB_FAKE_NETWORK_MONITOR (object);

  switch (prop_id)
    {
    case FAKE_PROP_NETWORK_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case FAKE_PROP_NETWORK_METERED:
      g_value_set_boolean (value, self->metered);
      break;
    case FAKE_PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL
                                               : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_fake_network_monitor_class_init (FbFakeNetworkMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = fb_fake_network_monitor_get_property;

  g_object_class_override_property (object_class, FAKE_PROP_NETWORK_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, FAKE_PROP_NETWORK_METERED, "network-metered");
  g_object_class_override_property (object_class, FAKE_PROP_CONNECTIVITY, "connectivity");
}

static void
fb_fake_network_monitor_init (FbFakeNetworkMonitor *self)
{
  self->available = TRUE;
}

GNetworkMonitor *
fb_fake_network_monitor_new (gboolean available)
{
  FbFakeNetworkMonitor *self = g_object_new (FB_TYPE_FAKE_NETWORK_MONITOR, NULL);

  self->available = available;
  return G_NETWORK_MONITOR (self);
}

void
fb_fake_network_monitor_set_available (GNetworkMonitor *monitor,
                                       gboolean         available)
{
  FbFakeNetworkMonitor *self = FB_FAKE_NETWORK_MONITOR (monitor);

  if (self->available == !!available)
    return;
  self->available = !!available;
  g_object_notify (G_OBJECT (self), "network-available");
  g_object_notify (G_OBJECT (self), "connectivity");
  g_signal_emit_by_name (self, "network-changed", self->available);
}

void
fb_fake_network_monitor_set_metered (GNetworkMonitor *monitor,
                                     gboolean         metered)
{
  FbFakeNetworkMonitor *self = FB_FAKE_NETWORK_MONITOR (monitor);

  if (self->metered == !!metered)
    return;
  self->metered = !!metered;
  g_object_notify (G_OBJECT (self), "network-metered");
}
