/* fb-location.h: where the device is, from the XDG location portal over D-Bus */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Whether the location portal (org.freedesktop.portal.Location on the
 * session bus) answers: FALSE with an error when there is no bus, no
 * portal or no location service behind it. */
void      fb_location_check_async  (GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean  fb_location_check_finish (GAsyncResult         *result,
                                    GError              **error);

/* The device's location, once: a portal session started, its first
 * LocationUpdated, the session closed. Fails when the person (or the
 * portal) says no. */
void      fb_location_get_async    (GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
gboolean  fb_location_get_finish   (GAsyncResult         *result,
                                    double               *latitude,
                                    double               *longitude,
                                    GError              **error);

G_END_DECLS
