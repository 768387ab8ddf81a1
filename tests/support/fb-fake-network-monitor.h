/* fb-fake-network-monitor.h: a GNetworkMonitor whose network tests switch on and off */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FB_TYPE_FAKE_NETWORK_MONITOR (fb_fake_network_monitor_get_type ())
G_DECLARE_FINAL_TYPE (FbFakeNetworkMonitor, fb_fake_network_monitor, FB, FAKE_NETWORK_MONITOR, GObject)

/* A monitor whose network is @available or not; can_reach answers by the
 * same flag. */
GNetworkMonitor *fb_fake_network_monitor_new           (gboolean         available);
/* Emits network-changed (and notifies) as GLib's monitors do. */
void             fb_fake_network_monitor_set_available (GNetworkMonitor *monitor,
                                                        gboolean         available);
/* A network that costs (a phone's): GNetworkMonitor:network-metered. */
void             fb_fake_network_monitor_set_metered   (GNetworkMonitor *monitor,
                                                        gboolean         metered);

G_END_DECLS
